/* test-trust-state.c: the trust state in each user's wrapped secrets (the
 * roster and the audit log head they last saw): a roster emptied or put
 * back is refused, a log rolled back, rewritten or edited since the user's
 * last lock is reported at their next unlock. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-audit-checkpoint-private.h"
#include "cfd-audit-verify.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-roster.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"

#define THERAPIST_NAME        "Tess Therapist"
#define THERAPIST_PASSPHRASE  "tess's passphrase for the trust state tests"
#define SUPERVISOR_NAME       "Sam Supervisor"
#define SUPERVISOR_PASSPHRASE "sam's passphrase for the trust state tests"

static char *
keyring_file (const char *vault_path)
{
  return g_build_filename (vault_path, CFD_VAULT_KEYRING_NAME, NULL);
}

static CfdKeyring *
load_keyring (const char *vault_path)
{
  g_autofree char *file = keyring_file (vault_path);
  g_autoptr (GError) error = NULL;
  CfdKeyring *keyring = cfd_keyring_load (file, &error);

  g_assert_no_error (error);
  return keyring;
}

static void
save_keyring (const char *vault_path, const CfdKeyring *keyring)
{
  g_autofree char *file = keyring_file (vault_path);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_keyring_save (keyring, file, &error));
  g_assert_no_error (error);
}

static guint64
be64 (const guint8 *data)
{
  guint64 value = 0;

  for (int i = 0; i < 8; i++)
    value = (value << 8) | data[i];
  return value;
}

/* What the user's own passphrase says they saw. */
static CfdSecret *
unwrap (const char *vault_path, const char *user_name, const char *passphrase)
{
  g_autoptr (CfdKeyring) keyring = load_keyring (vault_path);
  g_autoptr (GError) error = NULL;
  CfdKeyringUser *user = user_name != NULL ? cfd_keyring_find_user (keyring, user_name)
                                           : cfd_keyring_find_owner (keyring);
  CfdSecret *secrets = cfd_keyring_user_unwrap (user, keyring->vault_id, passphrase, &error);

  g_assert_no_error (error);
  return secrets;
}

static char *
vault_with_therapist (CfdVault **vault_out)
{
  char *path = NULL;
  CfdVault *vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;

  id = cfd_vault_add_user (vault, THERAPIST_NAME, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  *vault_out = vault;
  return path;
}

static void
assert_refused (CfdVault *vault, const char *user_name, const char *passphrase, const char *message)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_unlock (vault, user_name, passphrase, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_false (cfd_vault_is_unlocked (vault));
}

/* A new vault's owner starts at roster 1; adding a user signs roster 2,
 * which both the new user and the owner keep. */
static void
test_new_entries_keep_roster (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (CfdSecret) owner = unwrap (path, NULL, CFD_TEST_PASSPHRASE);
  g_autoptr (CfdSecret) therapist = unwrap (path, THERAPIST_NAME, THERAPIST_PASSPHRASE);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  guint8 hash[CFD_HASH_BYTES];
  gsize len;
  const guint8 *data = g_bytes_get_data (keyring->roster, &len);

  cfd_hash (hash, data, len);
  g_assert_cmpuint (be64 (owner->data + CFD_SECRETS_ROSTER_SEQ), ==, 2);
  g_assert_cmpuint (be64 (therapist->data + CFD_SECRETS_ROSTER_SEQ), ==, 2);
  g_assert_cmpmem (owner->data + CFD_SECRETS_ROSTER_HASH, CFD_HASH_BYTES, hash, CFD_HASH_BYTES);
  g_assert_cmpmem (therapist->data + CFD_SECRETS_ROSTER_HASH, CFD_HASH_BYTES, hash, CFD_HASH_BYTES);
  /* The owner's lock kept the log's head too. */
  g_assert_cmpuint (be64 (owner->data + CFD_SECRETS_AUDIT_SEQ), >, 0);
}

/* The downgrade: someone who can write the folder empties the keyring's
 * roster field, so that unlocks would fall back to the users table. */
static void
test_stripped_roster_refused (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);

  g_clear_pointer (&keyring->roster, g_bytes_unref);
  save_keyring (path, keyring);

  assert_refused (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE,
                  "The vault's signed roster is missing, but this user last saw roster number "
                  "2: the keyring file was altered or replaced with an older copy. Nothing was "
                  "opened");
  /* The owner is refused too, rather than signing a new roster from the
   * keyring's users as they stand. */
  assert_refused (vault, NULL, CFD_TEST_PASSPHRASE,
                  "The vault's signed roster is missing, but this user last saw roster number "
                  "2: the keyring file was altered or replaced with an older copy. Nothing was "
                  "opened");
}

/* An older roster (one without a user added since, or with a removed
 * user) put back into the keyring. */
static void
test_older_roster_refused (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) older = NULL;
  g_autofree char *id = NULL;

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);

    older = g_bytes_ref (keyring->roster);
  }
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  id = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                           "sam's passphrase for the trust state tests", &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  /* The therapist sees roster 3 at their unlock, and keeps it. */
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);

    g_bytes_unref (keyring->roster);
    keyring->roster = g_bytes_ref (older);
    save_keyring (path, keyring);
  }
  assert_refused (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE,
                  "The vault's signed roster is number 2, older than number 3 this user last saw: "
                  "the keyring file was replaced with an older copy. Nothing was opened");
}

/* An entry from keyring format version 2 has no trust state: its user's
 * next unlock adds it (the roster as verified then), without a second
 * Argon2id run; from then on the roster cannot be emptied under them. */
static void
test_v2_entry_gains_trust_state (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  cfd_keyring_wrap_v2_for_testing (TRUE);
  path = vault_with_therapist (&vault);
  cfd_keyring_wrap_v2_for_testing (FALSE);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);

    g_assert_false (
        cfd_keyring_user_has_trust_state (cfd_keyring_find_user (keyring, THERAPIST_NAME)));
  }
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **)cfd_vault_get_tamper_warnings (vault)), ==, 0);
  cfd_vault_lock (vault);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);
    g_autoptr (CfdSecret) therapist = unwrap (path, THERAPIST_NAME, THERAPIST_PASSPHRASE);

    g_assert_true (
        cfd_keyring_user_has_trust_state (cfd_keyring_find_user (keyring, THERAPIST_NAME)));
    g_assert_cmpuint (be64 (therapist->data + CFD_SECRETS_ROSTER_SEQ), ==, 2);
    g_clear_pointer (&keyring->roster, g_bytes_unref);
    save_keyring (path, keyring);
  }
  assert_refused (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE,
                  "The vault's signed roster is missing, but this user last saw roster number "
                  "2: the keyring file was altered or replaced with an older copy. Nothing was "
                  "opened");
}

static gint64
count_audit_tamper (CfdVault *vault, const char *what)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' AND object_kind = 'audit' "
      "AND authorization = '%s' AND outcome = 'failure'",
      what);

  return cfd_test_count_rows (vault, sql);
}

static void
assert_one_warning (CfdVault *vault, const char *prefix)
{
  const char *const *warnings = cfd_vault_get_tamper_warnings (vault);

  g_assert_cmpuint (g_strv_length ((char **)warnings), ==, 1);
  g_assert_true (g_str_has_prefix (warnings[0], prefix));
}

/* Someone with the files puts back an older copy of the database (the
 * keyring left as it is): the log ends before the record the therapist
 * saw at their last lock. */
static void
test_audit_rolled_back (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autofree char *db_file = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  g_autoptr (GBytes) older = cfd_test_read_bytes (db_file);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **)cfd_vault_get_tamper_warnings (vault)), ==, 0);
  cfd_vault_lock (vault);

  cfd_test_write_bytes (db_file, g_bytes_get_data (older, NULL), g_bytes_get_size (older));
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_one_warning (vault, "The audit log was rolled back: it ends at record ");
  g_assert_cmpint (count_audit_tamper (vault, "rolled-back"), ==, 1);
  cfd_vault_lock (vault);

  /* Said once: the lock keeps the log as it now stands. */
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **)cfd_vault_get_tamper_warnings (vault)), ==, 0);
}

/* The owner (who holds the database key, like every user) edits the log
 * behind the append-only triggers; the therapist's next unlock says how. */
static void
tamper_as_owner (CfdVault *vault, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL), sql, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);
}

static gint64
therapist_seen_seq (const char *path)
{
  g_autoptr (CfdSecret) therapist = unwrap (path, THERAPIST_NAME, THERAPIST_PASSPHRASE);

  return (gint64)be64 (therapist->data + CFD_SECRETS_AUDIT_SEQ);
}

static void
test_audit_rewritten (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  /* A re-chained log: the record the therapist saw carries another hash. */
  sql = g_strdup_printf ("DROP TRIGGER audit_log_append_only_update; "
                         "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = %" G_GINT64_FORMAT,
                         therapist_seen_seq (path));
  tamper_as_owner (vault, sql);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_one_warning (vault, "The audit log was rewritten: its record ");
  g_assert_cmpint (count_audit_tamper (vault, "rewritten"), ==, 1);
}

static void
test_audit_record_deleted (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  sql = g_strdup_printf ("DROP TRIGGER audit_log_append_only_delete; "
                         "DELETE FROM audit_log WHERE seq = %" G_GINT64_FORMAT,
                         therapist_seen_seq (path));
  tamper_as_owner (vault, sql);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_one_warning (vault, "The audit log was edited: record ");
  g_assert_cmpint (count_audit_tamper (vault, "deleted"), ==, 1);
}

static void
add_supervisor (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  id = cfd_vault_add_user (vault, SUPERVISOR_NAME, CFD_ROLE_SUPERVISOR, SUPERVISOR_PASSPHRASE,
                           &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
}

/* Finding 4: only owners and therapists sign checkpoints. A supervisor
 * asking is refused (and the refusal logged); their lock signs none. */
static void
test_supervisor_cannot_sign_checkpoint (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (GError) error = NULL;
  CfdAuditCheckpoint checkpoint;
  gint64 before;

  add_supervisor (vault);
  g_assert_true (cfd_vault_unlock (vault, SUPERVISOR_NAME, SUPERVISOR_PASSPHRASE, &error));
  g_assert_no_error (error);
  before = cfd_test_count_rows (vault, "SELECT count(*) FROM audit_checkpoints");
  g_assert_false (cfd_vault_audit_checkpoint (vault, &checkpoint, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'audit.checkpoint' AND outcome = 'denied'"),
                   ==, 1);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_checkpoints"), ==,
                   before);
}

/* The supervisor, with the database key every user holds, does what the
 * stock sqlcipher shell allows: drops the append-only triggers, deletes
 * their own records, chains the log again and replaces every checkpoint
 * with one they sign. */
static void
rewrite_log_as_supervisor (CfdVault *vault)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint8 prev[CFD_HASH_BYTES] = { 0 };
  g_autofree char *sql = g_strdup_printf (
      "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete; "
      "DROP TRIGGER audit_checkpoints_append_only_delete; DELETE FROM audit_checkpoints; "
      "DELETE FROM audit_log WHERE actor = '%s'",
      cfd_vault_get_user_id (vault));
  sqlite3_stmt *stmt;

  g_assert_true (cfd_db_exec (db, sql, &error));
  g_assert_no_error (error);
  stmt = cfd_db_prepare (db, "SELECT seq FROM audit_log ORDER BY seq", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (seqs, seq);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < seqs->len; i++)
    {
      sqlite3_stmt *row = cfd_db_prepare (
          db,
          "SELECT time, actor, action, object_kind, object_id, outcome, authorization, device "
          "FROM audit_log WHERE seq = ?",
          &error);
      g_autofree char *actor = NULL, *action = NULL, *kind = NULL, *object = NULL, *outcome = NULL,
                      *authorization = NULL, *device = NULL;
      CfdAuditEntry entry = { .seq = i + 1 };
      guint8 hash[CFD_HASH_BYTES];
      sqlite3_stmt *update;

      sqlite3_bind_int64 (row, 1, g_array_index (seqs, gint64, i));
      g_assert_cmpint (sqlite3_step (row), ==, SQLITE_ROW);
      entry.time = sqlite3_column_int64 (row, 0);
      entry.actor = actor = g_strdup ((const char *)sqlite3_column_text (row, 1));
      entry.action = action = g_strdup ((const char *)sqlite3_column_text (row, 2));
      entry.object_kind = kind = g_strdup ((const char *)sqlite3_column_text (row, 3));
      entry.object_id = object = g_strdup ((const char *)sqlite3_column_text (row, 4));
      entry.outcome = outcome = g_strdup ((const char *)sqlite3_column_text (row, 5));
      entry.authorization = authorization = g_strdup ((const char *)sqlite3_column_text (row, 6));
      entry.device = device = g_strdup ((const char *)sqlite3_column_text (row, 7));
      sqlite3_reset (row);
      cfd_audit_chain_hash (hash, prev, &entry);
      memcpy (prev, hash, CFD_HASH_BYTES);
      update = cfd_db_prepare (db, "UPDATE audit_log SET seq = ?, hash = ? WHERE seq = ?", &error);
      sqlite3_bind_int64 (update, 1, entry.seq);
      sqlite3_bind_blob (update, 2, hash, CFD_HASH_BYTES, SQLITE_STATIC);
      sqlite3_bind_int64 (update, 3, g_array_index (seqs, gint64, i));
      g_assert_true (cfd_db_step_done (db, update, &error));
      g_assert_no_error (error);
    }
  g_assert_true (cfd_audit_checkpoint_write (
      db, cfd_vault_get_id (vault), cfd_vault_get_user_id (vault),
      cfd_vault_get_sign_secret_key (vault), cfd_vault_now (vault), NULL, &error));
  g_assert_no_error (error);
}

/* Finding 4 end to end: the rewritten, re-signed log is reported at the
 * therapist's next unlock with no receipt written down, and audit verify
 * names the damage; the supervisor's checkpoint vouches for nothing. */
static void
test_supervisor_rewrite_detected (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (GError) error = NULL;
  CfdAuditReport report;

  add_supervisor (vault);
  g_assert_true (cfd_vault_unlock (vault, SUPERVISOR_NAME, SUPERVISOR_PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, SUPERVISOR_NAME, SUPERVISOR_PASSPHRASE, &error));
  g_assert_no_error (error);
  rewrite_log_as_supervisor (vault);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_one_warning (vault, "The audit log was rolled back: it ends at record ");
  g_assert_cmpint (count_audit_tamper (vault, "rolled-back"), ==, 1);

  g_assert_false (cfd_vault_audit_verify (vault, NULL, 0, &report, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  /* By now the log has grown past the seen record again, so verify finds
   * that record rewritten. */
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_DAMAGE_EDITED);
  g_assert_cmpuint (report.n_supervisor_checkpoints, ==, 1);
}

/* A checkpoint a supervisor signed under an older version is genuine but
 * vouches for nothing: not compared, not damage, and said. */
static void
test_legacy_supervisor_checkpoint (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *path = vault_with_therapist (&vault);
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  CfdAuditReport report;

  add_supervisor (vault);
  g_assert_true (cfd_vault_unlock (vault, SUPERVISOR_NAME, SUPERVISOR_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_audit_checkpoint_write (
      cfd_vault_get_db (vault, NULL), cfd_vault_get_id (vault), cfd_vault_get_user_id (vault),
      cfd_vault_get_sign_secret_key (vault), cfd_vault_now (vault), NULL, &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_audit_verify (vault, NULL, 0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_supervisor_checkpoints, ==, 1);
  description = cfd_audit_report_describe (&report);
  g_assert_true (g_str_has_suffix (description, "(1 older checkpoints signed by supervisors "
                                                "vouch for nothing and were not compared)"));
}

/* A vault made by the version before keyring format 3 (tests/fixtures/
 * vault-v2, see make-vault-v2.sh): it opens, each user's entry gains the
 * trust state at their unlock (the roster as it stands), the patient and
 * the signed note read as before, and from then on an emptied roster is
 * refused. */
#define FIXTURE_PATIENT "a2638252d43047bd070cfeec8ffdccfb"
#define FIXTURE_RECORD  "fc02fb11baae7d3fba78baf0c8f98cb6"

static void
test_fixture_v2_upgrades (void)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  const char *files[] = { CFD_VAULT_KEYRING_NAME, CFD_VAULT_DATABASE_NAME };
  guint8 header[12];

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from
          = g_test_build_filename (G_TEST_DIST, "fixtures", "vault-v2", files[i], NULL);
      g_autofree char *to = g_build_filename (path, files[i], NULL);
      g_autoptr (GBytes) bytes = cfd_test_read_bytes (from);

      cfd_test_write_bytes (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_chmod (to, 0600);
    }
  {
    g_autofree char *file = keyring_file (path);
    g_autoptr (GBytes) bytes = cfd_test_read_bytes (file);

    memcpy (header, g_bytes_get_data (bytes, NULL), sizeof header);
    g_assert_cmpuint (header[11], ==, 2);
  }

  vault = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (
      cfd_vault_unlock (vault, "Theo Fixture", "fixture therapist passphrase v2", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **)cfd_vault_get_tamper_warnings (vault)), ==, 0);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, "fixture owner passphrase v2", &error));
  g_assert_no_error (error);
  patient = cfd_vault_get_patient (vault, FIXTURE_PATIENT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_patient_get_name (patient), ==, "Fiona Fixture");
  record = cfd_vault_get_record (vault, FIXTURE_RECORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
  /* The owner's unlock gave the patient a details key and the signed note
   * a record key of its own (schema 8), and both still read. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM details_keys WHERE "
                                               "patient_id = '" FIXTURE_PATIENT "'"),
                   ==, 1);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM record_keys WHERE "
                                               "record_id = '" FIXTURE_RECORD "'"),
                   ==, 1);
  cfd_vault_lock (vault);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);
    g_autoptr (CfdSecret) therapist
        = unwrap (path, "Theo Fixture", "fixture therapist passphrase v2");
    g_autoptr (CfdSecret) owner = unwrap (path, NULL, "fixture owner passphrase v2");
    g_autofree char *file = keyring_file (path);
    g_autoptr (GBytes) bytes = cfd_test_read_bytes (file);

    g_assert_cmpuint (((const guint8 *)g_bytes_get_data (bytes, NULL))[11], ==,
                      CFD_KEYRING_FORMAT_VERSION);
    g_assert_true (
        cfd_keyring_user_has_trust_state (cfd_keyring_find_user (keyring, "Theo Fixture")));
    g_assert_cmpuint (be64 (therapist->data + CFD_SECRETS_ROSTER_SEQ), ==, 2);
    g_assert_cmpuint (be64 (owner->data + CFD_SECRETS_ROSTER_SEQ), ==, 2);
    g_assert_cmpuint (be64 (owner->data + CFD_SECRETS_AUDIT_SEQ), >, 0);
    g_clear_pointer (&keyring->roster, g_bytes_unref);
    save_keyring (path, keyring);
  }
  assert_refused (vault, "Theo Fixture", "fixture therapist passphrase v2",
                  "The vault's signed roster is missing, but this user last saw roster number "
                  "2: the keyring file was altered or replaced with an older copy. Nothing was "
                  "opened");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/trust-state/roster/new-entries", test_new_entries_keep_roster);
  g_test_add_func ("/confidant/trust-state/roster/stripped", test_stripped_roster_refused);
  g_test_add_func ("/confidant/trust-state/roster/older", test_older_roster_refused);
  g_test_add_func ("/confidant/trust-state/roster/v2-entry-upgraded",
                   test_v2_entry_gains_trust_state);
  g_test_add_func ("/confidant/trust-state/audit/rolled-back", test_audit_rolled_back);
  g_test_add_func ("/confidant/trust-state/audit/rewritten", test_audit_rewritten);
  g_test_add_func ("/confidant/trust-state/audit/deleted", test_audit_record_deleted);
  g_test_add_func ("/confidant/trust-state/checkpoint/supervisor-refused",
                   test_supervisor_cannot_sign_checkpoint);
  g_test_add_func ("/confidant/trust-state/checkpoint/supervisor-rewrite",
                   test_supervisor_rewrite_detected);
  g_test_add_func ("/confidant/trust-state/checkpoint/legacy-supervisor",
                   test_legacy_supervisor_checkpoint);
  g_test_add_func ("/confidant/trust-state/fixture-v2-upgrades", test_fixture_v2_upgrades);
  return g_test_run ();
}
