/* test-audit.c: the audit chain, its checkpoints and receipts, tampering by raw SQL, queries and CSV. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-audit-item.h"
#include "cfd-audit-event.h"
#include "cfd-audit-export.h"
#include "cfd-audit-query.h"
#include "cfd-audit-verify.h"
#include "cfd-record.h"
#include "cfd-test-util.h"

/* BLAKE2b-256 of bytes 0..31 followed by the encoding below, computed
 * independently of Confidant (Python's hashlib). */
#define KNOWN_ANSWER_HEX "01eebc68de935b5cc9c08fca4765d8f4ee5b3c2e36e1ec286a7eb71879e67790"

static void
exec_sql (CfdVault *vault, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL), sql, &error));
  g_assert_no_error (error);
}

/* What anyone holding the database key can do: lift the append-only guard. */
static void
drop_guards (CfdVault *vault)
{
  exec_sql (vault, "DROP TRIGGER audit_log_append_only_update;"
                   "DROP TRIGGER audit_log_append_only_delete;"
                   "DROP TRIGGER audit_checkpoints_append_only_update;"
                   "DROP TRIGGER audit_checkpoints_append_only_delete;");
}

static gint64
last_seq (CfdVault *vault)
{
  sqlite3_stmt *stmt
      = cfd_db_prepare (cfd_vault_get_db (vault, NULL), "SELECT max(seq) FROM audit_log", NULL);
  gint64 seq;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return seq;
}

/* Patients created, viewed, edited, listed: a log of some length. */
static CfdVault *
busy_vault (guint rounds)
{
  CfdVault *vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *name = g_strdup_printf ("Patient %u", i);
      g_autofree char *id = cfd_test_add_patient (vault, name);
      g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, id, &error);
      g_autoptr (GListModel) list = NULL;

      g_assert_no_error (error);
      g_assert_true (cfd_vault_set_patient_archived (vault, id, i % 2 == 0, &error));
      list = cfd_vault_list_patients (vault, TRUE, &error);
      g_assert_no_error (error);
    }
  return vault;
}

static void
assert_damage (CfdVault *vault,
               const CfdAuditCheckpoint *external,
               guint n_external,
               CfdAuditDamage damage,
               gint64 first_bad)
{
  g_autoptr (GError) error = NULL;
  CfdAuditReport report;
  gboolean ok = cfd_vault_audit_verify (vault, external, n_external, &report, &error);

  g_assert_false (ok);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpstr (cfd_audit_damage_to_string (report.damage), ==,
                   cfd_audit_damage_to_string (damage));
  g_assert_cmpint (report.first_bad_seq, ==, first_bad);
}

static void
assert_intact (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  CfdAuditReport report;

  g_assert_true (cfd_vault_audit_verify (vault, NULL, 0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_INTACT);
}

/* A fixed record and predecessor: the bytes a later version must still
 * produce (docs/FORMATS.md spells the encoding out). */
static void
test_known_answer (void)
{
  static const guint8 expected_encoding[] = {
    0,   0,   0,   18,  'c', 'o',  'n',  'f',  'i',  'd',  'a',  'n',  't', '/', 'a', 'u', 'd',
    'i', 't', '/', 'v', '1',                                           /* context */
    0,   0,   0,   8,   0,   0,    0,    0,    0,    0,    0,    42,   /* seq */
    0,   0,   0,   8,   0,   0x06, 0x1e, 0x9d, 0xf3, 0x3f, 0xb0, 0x00, /* time 1722513600000000 µs */
    0,   0,   0,   5,   'u', 's',  'e',  'r',  '1',                    /* actor */
    0,   0,   0,   12,  'p', 'a',  't',  'i',  'e',  'n',  't',  '.',  'v', 'i', 'e', 'w', /* action */
    0,   0,   0,   7,   'p', 'a',  't',  'i',  'e',  'n',  't', /* object kind */
    0,   0,   0,   4,   'p', '-',  '0',  '1',                   /* object id */
    0,   0,   0,   7,   's', 'u',  'c',  'c',  'e',  's',  's', /* outcome */
    0,   0,   0,   0,                                           /* authorization */
    0,   0,   0,   12,  'a', 'p',  'p',  '@',  '1',  'a',  '2',  'b',  '3', 'c', '4', 'd', /* device */
  };
  CfdAuditEntry entry = { 42,     1722513600000000, "user1", "patient.view", "patient",
                          "p-01", "success",        "",      "app@1a2b3c4d" };
  guint8 previous[CFD_HASH_BYTES];
  guint8 hash[CFD_HASH_BYTES];
  guint8 independent[CFD_HASH_BYTES];
  crypto_generichash_state state;
  g_autofree char *hex = NULL;

  for (guint i = 0; i < CFD_HASH_BYTES; i++)
    previous[i] = (guint8)i;
  cfd_audit_chain_hash (hash, previous, &entry);

  crypto_generichash_init (&state, NULL, 0, CFD_HASH_BYTES);
  crypto_generichash_update (&state, previous, CFD_HASH_BYTES);
  crypto_generichash_update (&state, expected_encoding, sizeof expected_encoding);
  crypto_generichash_final (&state, independent, CFD_HASH_BYTES);
  g_assert_cmpmem (hash, CFD_HASH_BYTES, independent, CFD_HASH_BYTES);

  hex = cfd_hex_encode (hash, CFD_HASH_BYTES);
  g_assert_cmpstr (hex, ==, KNOWN_ANSWER_HEX);

  /* The same bytes as the generic length-prefixed builder, for random
   * records of every size, past the hashing buffer too. */
  for (guint i = 0; i < 300; i++)
    {
      char *fields[7] = { NULL };
      g_autoptr (CfdAd) ad = cfd_ad_new ("confidant/audit/v1");
      CfdAuditEntry random_entry;
      const guint8 *data;
      gsize len;

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          gsize n = g_random_int_range (0, i < 10 ? 3000 : 60);

          fields[f] = g_malloc (n + 1);
          for (gsize k = 0; k < n; k++)
            fields[f][k] = (char)g_random_int_range (1, 256);
          fields[f][n] = '\0';
        }
      random_entry = (CfdAuditEntry){ g_random_int (), (gint64)g_random_int () << 20,
                                      fields[0],       fields[1],
                                      fields[2],       fields[3],
                                      fields[4],       fields[5],
                                      fields[6] };
      cfd_ad_add_uint (ad, (guint64)random_entry.seq);
      cfd_ad_add_uint (ad, (guint64)random_entry.time);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        cfd_ad_add_string (ad, fields[f]);
      data = cfd_ad_data (ad, &len);
      crypto_generichash_init (&state, NULL, 0, CFD_HASH_BYTES);
      crypto_generichash_update (&state, previous, CFD_HASH_BYTES);
      crypto_generichash_update (&state, data, len);
      crypto_generichash_final (&state, independent, CFD_HASH_BYTES);
      cfd_audit_chain_hash (hash, previous, &random_entry);
      g_assert_cmpmem (hash, CFD_HASH_BYTES, independent, CFD_HASH_BYTES);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        g_free (fields[f]);
    }
  cfd_audit_chain_hash (hash, previous, &entry);

  /* Every field is bound: changing any one changes the hash. */
  entry.object_id = "p-02";
  cfd_audit_chain_hash (independent, previous, &entry);
  g_assert_true (memcmp (hash, independent, CFD_HASH_BYTES) != 0);
}

static void
test_intact_after_many_actions (void)
{
  g_autoptr (CfdVault) vault = busy_vault (12);
  g_autoptr (GError) error = NULL;
  CfdAuditReport report;
  CfdAuditCheckpoint cp;

  /* Lock and unlock make checkpoints of their own. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_true (cfd_vault_audit_checkpoint (vault, &cp, &error));
  g_assert_no_error (error);

  g_assert_true (cfd_vault_audit_verify (vault, &cp, 1, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_INTACT);
  g_assert_cmpint (report.n_records, >, 12 * 4);
  g_assert_cmpint (report.last_seq, ==, report.n_records);
  g_assert_cmpuint (report.n_checkpoints, >=, 3);
  g_assert_cmpmem (report.head, CFD_HASH_BYTES, cp.head, CFD_HASH_BYTES);

  /* The check itself is in the log, and the log still verifies after it. */
  {
    CfdAuditFilter filter = { .action = "audit.verify" };
    gint64 count = 0;

    g_assert_true (cfd_vault_audit_count (vault, &filter, &count, &error));
    g_assert_cmpint (count, ==, 1);
  }
  assert_intact (vault);
}

/* A finished GTask drops its reference on the vault from the worker thread,
 * maybe after the callback ran; the test keeps the last one, so the vault
 * is locked (and its database closed) on the main thread. */
static void
wait_for_worker_release (CfdVault *vault)
{
  while (g_atomic_int_get (&G_OBJECT (vault)->ref_count) > 1)
    g_usleep (1000);
}

static void
verified (GObject *source, GAsyncResult *result, gpointer data)
{
  CfdAuditReport *report = data;
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_audit_verify_finish (CFD_VAULT (source), result, report, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_verify_async (void)
{
  g_autoptr (CfdVault) vault = busy_vault (3);
  CfdAuditReport report = { 0 };

  drop_guards (vault);
  exec_sql (vault, "DELETE FROM audit_log WHERE seq = 4");
  cfd_vault_audit_verify_async (vault, NULL, 0, NULL, verified, &report);
  while (report.damage == CFD_AUDIT_INTACT)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_DAMAGE_DELETED);
  g_assert_cmpint (report.first_bad_seq, ==, 4);
  wait_for_worker_release (vault);
}

static void
test_edit_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);

  drop_guards (vault);
  exec_sql (vault, "UPDATE audit_log SET object_id = 'someone-else' WHERE seq = 5");
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_EDITED, 5);
}

/* The ends of the log are no blind spots. */
static void
test_edit_and_delete_at_the_ends (void)
{
  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr (CfdVault) vault = busy_vault (2);
      gint64 last = last_seq (vault);
      g_autofree char *sql = NULL;

      drop_guards (vault);
      if (variant == 0)
        exec_sql (vault, "UPDATE audit_log SET actor = 'someone' WHERE seq = 1");
      else if (variant == 1)
        exec_sql (vault, "DELETE FROM audit_log WHERE seq = 1");
      else
        {
          sql = g_strdup_printf ("UPDATE audit_log SET action = 'vault.lock' WHERE seq = "
                                 "%" G_GINT64_FORMAT,
                                 last);
          exec_sql (vault, sql);
        }
      assert_damage (vault, NULL, 0,
                     variant == 1 ? CFD_AUDIT_DAMAGE_DELETED : CFD_AUDIT_DAMAGE_EDITED,
                     variant == 2 ? last : 1);
    }
}

static void
test_edit_of_time_and_outcome_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);

  drop_guards (vault);
  exec_sql (vault, "UPDATE audit_log SET time = time + 1 WHERE seq = 7");
  exec_sql (vault, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 9");
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_EDITED, 7);
}

static void
test_edit_of_hash_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);

  drop_guards (vault);
  exec_sql (vault, "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 3");
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_EDITED, 3);
}

static void
test_delete_middle_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);

  drop_guards (vault);
  exec_sql (vault, "DELETE FROM audit_log WHERE seq = 6");
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_DELETED, 6);
}

/* Closing the gap by renumbering does not hide the deletion. */
static void
test_delete_and_renumber_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);

  drop_guards (vault);
  exec_sql (vault, "DELETE FROM audit_log WHERE seq IN (6, 7);"
                   "UPDATE audit_log SET seq = seq - 2 WHERE seq > 7;");
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_DELETED, 6);
}

static void
test_delete_tail_after_checkpoint_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (3);
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  CfdAuditCheckpoint cp;

  g_assert_true (cfd_vault_audit_checkpoint (vault, &cp, &error));
  g_assert_cmpint (cp.seq, ==, last_seq (vault));
  g_free (cfd_test_add_patient (vault, "Later"));

  drop_guards (vault);
  sql = g_strdup_printf ("DELETE FROM audit_log WHERE seq >= %" G_GINT64_FORMAT, cp.seq - 2);
  exec_sql (vault, sql);
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_DELETED, cp.seq - 2);
}

static void
swap_rows (CfdVault *vault, gint64 a, gint64 b, gboolean with_hash)
{
  g_autofree char *sql = g_strdup_printf (
      "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (%" G_GINT64_FORMAT
      ", %" G_GINT64_FORMAT ");"
      "UPDATE audit_log SET (time, actor, action, object_kind, object_id, outcome, "
      "authorization, device%s) = (SELECT time, actor, action, object_kind, object_id, outcome, "
      "authorization, device%s FROM swap s WHERE s.seq = %" G_GINT64_FORMAT " + %" G_GINT64_FORMAT
      " - audit_log.seq) WHERE seq IN (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");"
      "DROP TABLE swap;",
      a, b, with_hash ? ", hash" : "", with_hash ? ", hash" : "", a, b, a, b);

  exec_sql (vault, sql);
}

static void
test_reorder_detected (void)
{
  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr (CfdVault) vault = busy_vault (4);
      gint64 a = 5, b = variant == 2 ? 6 : 11;

      drop_guards (vault);
      swap_rows (vault, a, b, variant != 1);
      assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_REORDERED, a);
    }
}

/* An attacker who rewrites every hash after an edit makes a chain that is
 * consistent again; only a checkpoint shows it. */
static void
rechain (CfdVault *vault, gint64 from_seq)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  guint8 prev[CFD_HASH_BYTES] = { 0 };

  g_assert_cmpint (sqlite3_prepare_v2 (cfd_db_handle (db),
                                       "SELECT seq, time, actor, action, object_kind, object_id, "
                                       "outcome, authorization, device, hash FROM audit_log "
                                       "ORDER BY seq",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CfdAuditEntry e = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        (const char *)sqlite3_column_text (stmt, 2),
        (const char *)sqlite3_column_text (stmt, 3),
        (const char *)sqlite3_column_text (stmt, 4),
        (const char *)sqlite3_column_text (stmt, 5),
        (const char *)sqlite3_column_text (stmt, 6),
        (const char *)sqlite3_column_text (stmt, 7),
        (const char *)sqlite3_column_text (stmt, 8),
      };
      guint8 hash[CFD_HASH_BYTES];

      if (e.seq < from_seq)
        {
          memcpy (prev, sqlite3_column_blob (stmt, 9), CFD_HASH_BYTES);
          continue;
        }
      cfd_audit_chain_hash (hash, prev, &e);
      memcpy (prev, hash, CFD_HASH_BYTES);
      {
        g_autofree char *hex = cfd_hex_encode (hash, CFD_HASH_BYTES);

        g_ptr_array_add (
            updates,
            g_strdup_printf ("UPDATE audit_log SET hash = x'%s' WHERE seq = %" G_GINT64_FORMAT, hex,
                             e.seq));
      }
    }
  sqlite3_finalize (stmt);
  for (guint i = 0; i < updates->len; i++)
    exec_sql (vault, g_ptr_array_index (updates, i));
}

static void
test_rewritten_chain_caught_by_checkpoint (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);
  g_autoptr (GError) error = NULL;
  CfdAuditCheckpoint cp;
  CfdAuditReport report;

  g_assert_true (cfd_vault_audit_checkpoint (vault, &cp, &error));
  drop_guards (vault);
  exec_sql (vault, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 4");
  rechain (vault, 4);
  assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_EDITED, 1);

  g_assert_false (cfd_vault_audit_verify (vault, NULL, 0, &report, &error));
  g_assert_cmpint (report.checkpoint_seq, ==, cp.seq);
}

static char *
receipt_now (CfdVault *vault, CfdAuditCheckpoint *cp)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_audit_checkpoint (vault, cp, &error));
  g_assert_no_error (error);
  return cfd_audit_checkpoint_format_receipt (cp);
}

/* The vault put back to an earlier state, its own checkpoints included:
 * consistent in itself, behind a receipt and a backup's checkpoint. */
static void
test_rollback_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (4);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *sql = NULL;
  CfdAuditCheckpoint cp, carried;
  CfdAuditReport report;
  gint64 keep;

  receipt = receipt_now (vault, &cp);
  wire = cfd_audit_checkpoint_serialize (&cp);
  g_assert_true (cfd_audit_checkpoint_parse (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                             &carried, &error));
  keep = cp.seq - 6;

  drop_guards (vault);
  sql = g_strdup_printf ("DELETE FROM audit_log WHERE seq > %" G_GINT64_FORMAT ";"
                         "DELETE FROM audit_checkpoints WHERE seq > %" G_GINT64_FORMAT,
                         keep, keep);
  exec_sql (vault, sql);

  g_assert_false (cfd_audit_verify_receipt (vault, receipt, &report, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_DAMAGE_ROLLED_BACK);
  g_assert_cmpint (report.first_bad_seq, ==, keep + 1);
  g_assert_cmpint (report.checkpoint_seq, ==, cp.seq);

  /* That check appended one record; the carried checkpoint still sees it. */
  assert_damage (vault, &carried, 1, CFD_AUDIT_DAMAGE_ROLLED_BACK, keep + 2);
  /* Without anything from outside, nothing can tell. */
  assert_intact (vault);
}

static void
test_replaced_by_shorter_chain_detected (void)
{
  g_autoptr (CfdVault) vault = busy_vault (3);
  g_autoptr (GError) error = NULL;
  g_autofree char *receipt = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  CfdAuditReport report;
  CfdAuditCheckpoint cp;

  receipt = receipt_now (vault, &cp);
  drop_guards (vault);
  exec_sql (vault, "DELETE FROM audit_log; DELETE FROM audit_checkpoints;");
  g_assert_true (cfd_db_begin (db, &error));
  for (guint i = 0; i < 3; i++)
    g_assert_true (cfd_audit_append (db, 1000 + i, cfd_vault_get_user_id (vault), "vault.unlock",
                                     "vault", cfd_vault_get_id (vault), CFD_AUDIT_SUCCESS, NULL,
                                     "app@00000000", &error));
  g_assert_true (cfd_db_commit (db, &error));

  g_assert_false (cfd_audit_verify_receipt (vault, receipt, &report, &error));
  g_assert_cmpint (report.damage, ==, CFD_AUDIT_DAMAGE_ROLLED_BACK);
  g_assert_cmpint (report.first_bad_seq, ==, 4);
}

static void
test_checkpoint_signatures (void)
{
  g_autoptr (CfdVault) vault = busy_vault (2);
  g_autoptr (GError) error = NULL;
  CfdAuditCheckpoint cp, latest, forged;
  guint8 other_pk[CFD_SIGN_PK_BYTES], other_sk[CFD_SIGN_SK_BYTES];

  g_assert_true (cfd_vault_audit_checkpoint (vault, &cp, &error));
  g_assert_true (cfd_vault_audit_latest_checkpoint (vault, &latest, &error));
  g_assert_cmpmem (&cp, sizeof cp, &latest, sizeof latest);
  g_assert_true (cfd_audit_checkpoint_check_signature (&cp, cp.signer_pk));

  /* A flipped bit anywhere the signature covers. */
  forged = cp;
  forged.seq--;
  g_assert_false (cfd_audit_checkpoint_check_signature (&forged, cp.signer_pk));
  forged = cp;
  forged.head[31] ^= 1;
  g_assert_false (cfd_audit_checkpoint_check_signature (&forged, cp.signer_pk));
  forged = cp;
  forged.signature[0] ^= 1;
  g_assert_false (cfd_audit_checkpoint_check_signature (&forged, cp.signer_pk));
  assert_damage (vault, &forged, 1, CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, cp.seq);

  /* Well signed, but by a key that is not the signer's. */
  {
    g_autoptr (GBytes) message = NULL;

    crypto_sign_keypair (other_pk, other_sk);
    forged = cp;
    memcpy (forged.signer_pk, other_pk, CFD_SIGN_PK_BYTES);
    message = cfd_audit_checkpoint_message (&forged);
    crypto_sign_detached (forged.signature, NULL, g_bytes_get_data (message, NULL),
                          g_bytes_get_size (message), other_sk);
    g_assert_false (cfd_audit_checkpoint_check_signature (&forged, cp.signer_pk));
    assert_damage (vault, &forged, 1, CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, cp.seq);
  }

  /* Another vault's checkpoint is refused outright. */
  {
    CfdAuditReport report;

    forged = cp;
    forged.vault_id[0] = forged.vault_id[0] == 'a' ? 'b' : 'a';
    g_assert_false (cfd_vault_audit_verify (vault, &forged, 1, &report, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* A row slipped into the vault's own table (inserts pass the guards). */
  {
    g_autofree char *sql
        = g_strdup_printf ("INSERT INTO audit_checkpoints (seq, time, head, signer, signature) "
                           "SELECT 2, 0, hash, '%s', randomblob(64) FROM audit_log WHERE seq = 2",
                           cfd_vault_get_user_id (vault));

    exec_sql (vault, sql);
    assert_damage (vault, NULL, 0, CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, 2);
  }
}

static void
test_checkpoint_wire_form (void)
{
  g_autoptr (CfdVault) vault = busy_vault (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) wire = NULL;
  CfdAuditCheckpoint cp, back;
  const guint8 *data;
  gsize len;

  g_assert_true (cfd_vault_audit_checkpoint (vault, &cp, &error));
  wire = cfd_audit_checkpoint_serialize (&cp);
  data = g_bytes_get_data (wire, &len);
  g_assert_cmpuint (len, ==, 8 + 8 + 8 + 32 + 32 + 64 + 1 + 32 + 1 + 32);
  g_assert_cmpmem (data, 8, "CFDAUDC\1", 8);
  g_assert_true (cfd_audit_checkpoint_parse (data, len, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&cp, sizeof cp, &back, sizeof back);

  /* Hostile input: every truncation, trailing bytes, wrong magic or
   * version, an id that is not an id. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_assert_false (cfd_audit_checkpoint_parse (data, cut, &back, &error));
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  {
    g_autofree guint8 *copy = g_malloc (len + 1);

    memcpy (copy, data, len);
    copy[len] = 0;
    g_assert_false (cfd_audit_checkpoint_parse (copy, len + 1, &back, &error));
    g_clear_error (&error);
    copy[0] = 'X';
    g_assert_false (cfd_audit_checkpoint_parse (copy, len, &back, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    copy[0] = 'C';
    copy[7] = 2;
    g_assert_false (cfd_audit_checkpoint_parse (copy, len, &back, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION);
    g_clear_error (&error);
    copy[7] = 1;
    copy[len - 3] = ' ';
    g_assert_false (cfd_audit_checkpoint_parse (copy, len, &back, &error));
    g_clear_error (&error);
    copy[len - 3] = data[len - 3];
    /* A length byte that points past the end. */
    copy[len - 33] = 200;
    g_assert_false (cfd_audit_checkpoint_parse (copy, len, &back, &error));
    g_clear_error (&error);
    copy[len - 33] = data[len - 33];
    g_assert_true (cfd_audit_checkpoint_parse (copy, len, &back, &error));
  }
  /* Random bytes never parse into something with the right magic. */
  for (guint i = 0; i < 200; i++)
    {
      guint8 noise[256];
      gsize n = g_random_int_range (0, sizeof noise);

      randombytes_buf (noise, n);
      g_assert_false (cfd_audit_checkpoint_parse (noise, n, &back, NULL));
    }
}

static void
test_receipt (void)
{
  g_autoptr (CfdVault) vault = busy_vault (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) shape = g_regex_new (
      "^seq [0-9]+ \u00b7 [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
      "[0-9A-HJKMNP-TV-Z]{4}$",
      0, 0, NULL);
  g_autofree char *receipt = NULL;
  g_autofree char *typed = NULL;
  CfdAuditCheckpoint cp;
  CfdAuditReport report;
  guint8 prefix[CFD_AUDIT_RECEIPT_HEAD_BYTES];
  gint64 seq;

  receipt = receipt_now (vault, &cp);
  g_assert_true (g_regex_match (shape, receipt, 0, NULL));
  g_assert_true (cfd_audit_receipt_parse (receipt, &seq, prefix, &error));
  g_assert_cmpint (seq, ==, cp.seq);
  g_assert_cmpmem (prefix, sizeof prefix, cp.head, sizeof prefix);

  /* As a person might type it back: lower case, O for 0, I or L for 1. */
  typed = g_ascii_strdown (receipt, -1);
  for (char *p = typed; *p; p++)
    if (*p == '0')
      *p = 'o';
    else if (*p == '1' && p > strchr (typed, '\xc2'))
      *p = 'l';
  g_assert_true (cfd_audit_receipt_parse (typed, &seq, prefix, &error));
  g_assert_cmpmem (prefix, sizeof prefix, cp.head, sizeof prefix);
  g_assert_true (cfd_audit_verify_receipt (vault, typed, &report, &error));
  g_assert_no_error (error);

  {
    const char *bad[] = { "",
                          "seq",
                          "seq 0 \u00b7 0000-0000-0000-0000",
                          "seq 5 \u00b7 0000-0000-0000-000",
                          "seq 5 \u00b7 0000-0000-0000-0000-0",
                          "seq 5 \u00b7 0000-0000-0000-000U",
                          "seq 99999999999999999999 \u00b7 0000-0000-0000-0000",
                          "seq 5 0000-0000-0000-00%0" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_assert_false (cfd_audit_verify_receipt (vault, bad[i], &report, &error));
        g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
        g_clear_error (&error);
      }
  }

  /* A receipt that does not match this log's head at its seq. */
  {
    g_autofree char *wrong = g_strdup (receipt);
    char *last = wrong + strlen (wrong) - 1;

    *last = *last == 'Z' ? 'Y' : 'Z';
    g_assert_false (cfd_audit_verify_receipt (vault, wrong, &report, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
    g_assert_cmpint (report.damage, ==, CFD_AUDIT_DAMAGE_EDITED);
    g_assert_cmpint (report.checkpoint_seq, ==, cp.seq);
  }
}

/* Failed unlocks wait in the keyring and enter the log at the next unlock. */
static void
test_failed_unlock_logged (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = NULL;
  CfdAuditFilter filter = { .action = "vault.unlock" };

  cfd_vault_lock (vault);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_false (cfd_vault_unlock (vault, NULL, "not it", &error));
      g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
      g_clear_error (&error);
    }
  /* A name that is no user: recorded under "unknown", the name not kept. */
  g_assert_false (cfd_vault_unlock (vault, "Nobody Here", "whatever", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  list = cfd_vault_audit_list (vault, &filter, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  {
    g_autoptr (CfdAuditItem) stranger = g_list_model_get_item (list, 1);

    g_assert_cmpstr (cfd_audit_item_get_actor_id (stranger), ==, "unknown");
    g_assert_cmpstr (cfd_audit_item_get_outcome (stranger), ==, "failure");
    g_assert_null (cfd_audit_item_get_actor_name (stranger));
    g_assert_false (cfd_test_dir_contains (cfd_vault_get_path (vault), "Nobody Here"));
    g_list_store_remove (G_LIST_STORE (list), 1);
  }
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CfdAuditItem) item = g_list_model_get_item (list, i);

      g_assert_cmpstr (cfd_audit_item_get_outcome (item), ==, i == 0 ? "success" : "failure");
      g_assert_cmpstr (cfd_audit_item_get_actor_id (item), ==, cfd_vault_get_user_id (vault));
      g_assert_cmpstr (cfd_audit_item_get_actor_name (item), ==, "Test Owner");
    }
  assert_intact (vault);
}

/* A minimal RFC 4180 reader, so the test checks structure, not substrings. */
static GPtrArray *
parse_csv (const char *text, gboolean *crlf_only)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  *crlf_only = TRUE;
  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++; *p != '\0'; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          g_assert_true (*p == '"');
          p++;
        }
      else
        while (*p != '\0' && *p != ',' && *p != '\r' && *p != '\n')
          g_string_append_c (field, *p++);

      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          if (*p != '\r' || p[1] != '\n')
            *crlf_only = FALSE;
          p += *p == '\r' ? 2 : 1;
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

static void
test_csv_export (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  const char *names[] = { "Dr \"Q\", Jr.", "Line\r\nBreak", "=HYPERLINK(\"x\")" };
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  gboolean crlf_only;
  gint64 n_rows = 0;
  CfdAuditCheckpoint cp;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = cfd_vault_add_user (vault, names[i], CFD_ROLE_THERAPIST,
                                                "granite pillow orbit 68", &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  path = g_build_filename (dir, "audit.csv", NULL);
  g_assert_true (cfd_vault_audit_export_csv_file (vault, NULL, path, &n_rows, &cp, &error));
  g_assert_no_error (error);
  /* vault.create, then for each therapist user.add and the backup key
   * handed to them (backup.key-issue). */
  g_assert_cmpint (n_rows, ==, 1 + 2 * G_N_ELEMENTS (names));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));

  rows = parse_csv (text, &crlf_only);
  g_assert_true (crlf_only);
  g_assert_cmpuint (rows->len, ==, (guint)n_rows + 1);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (((GPtrArray *)g_ptr_array_index (rows, i))->len, ==, 11);
  g_assert_true (g_str_has_prefix (text, CFD_AUDIT_CSV_HEADER "\r\n"));

  /* The actor of user.add is the owner; the names come back through the
   * users table when those users act, so export again after they did. */
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&rows, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CfdVault) as_user = cfd_vault_open (cfd_vault_get_path (vault), &error);

      g_assert_true (cfd_vault_unlock (as_user, names[i], "granite pillow orbit 68", &error));
      g_assert_no_error (error);
    }
  g_assert_true (cfd_vault_audit_export_csv_file (vault, &(CfdAuditFilter){ .action = "vault.*" },
                                                  path, &n_rows, NULL, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, ",\"Dr \"\"Q\"\", Jr.\","));
  g_assert_nonnull (strstr (text, ",\"Line\r\nBreak\","));
  g_assert_nonnull (strstr (text, ",\"'=HYPERLINK(\"\"x\"\")\","));
  rows = parse_csv (text, &crlf_only);
  g_assert_true (crlf_only);
  g_assert_cmpuint (rows->len, ==, (guint)n_rows + 1);
  {
    /* vault.create, then an unlock and a lock by each user. */
    GPtrArray *row = g_ptr_array_index (rows, 4);

    g_assert_cmpuint (rows->len, ==, 1 + 1 + 2 * G_N_ELEMENTS (names));
    g_assert_cmpstr (g_ptr_array_index (row, 3), ==, "Line\r\nBreak");
    g_assert_cmpstr (g_ptr_array_index (row, 4), ==, "vault.unlock");
    g_assert_true (g_str_has_suffix (g_ptr_array_index (row, 1), "Z"));
    g_assert_cmpuint (strlen (g_ptr_array_index (row, 10)), ==, 64);
  }

  /* Exporting is recorded, and the log still verifies. */
  {
    gint64 count = 0;

    g_assert_true (cfd_vault_audit_count (vault, &(CfdAuditFilter){ .action = "audit.export" },
                                          &count, &error));
    g_assert_cmpint (count, ==, 2);
    g_assert_cmpint (cp.seq, ==, 2 + 2 * G_N_ELEMENTS (names));
  }
  assert_intact (vault);
}

typedef struct
{
  gboolean done;
  gint64 n_rows;
  GError *error;
} ExportResult;

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  ExportResult *r = data;

  if (!cfd_vault_audit_export_csv_file_finish (CFD_VAULT (source), result, &r->n_rows, NULL,
                                               &r->error))
    g_assert_nonnull (r->error);
  r->done = TRUE;
}

static void
test_csv_export_async (void)
{
  g_autoptr (CfdVault) vault = busy_vault (2);
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "audit.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "audit.csv", NULL);
  g_autofree char *text = NULL;
  ExportResult r = { 0 };
  CfdAuditFilter filter = { .action = g_strdup ("patient.create") };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  cfd_vault_audit_export_csv_file_async (vault, &filter, path, NULL, exported, &r);
  g_free ((char *)filter.action); /* copied by the call */
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.n_rows, ==, 2);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, ",patient.create,"));

  /* A folder that is not there: an error, nothing left behind. */
  r = (ExportResult){ 0 };
  cfd_vault_audit_export_csv_file_async (vault, NULL, missing, NULL, exported, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (r.error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&r.error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  wait_for_worker_release (vault);
}

static gint64
fixed_clock (gpointer data)
{
  return *(gint64 *)data;
}

/* Static: the vault reads the clock until it is disposed, after the
 * test's own locals are gone. */
static gint64 now;

static void
test_filters_and_paging (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) page = NULL;
  g_autofree char *a = NULL, *b = NULL, *therapist_id = NULL;
  gint64 count = 0;

  now = (gint64)1700000000 * G_USEC_PER_SEC;

  cfd_vault_set_clock_for_testing (vault, fixed_clock, &now);
  a = cfd_test_add_patient (vault, "Alpha");
  now += G_USEC_PER_SEC;
  b = cfd_test_add_patient (vault, "Beta");
  now += G_USEC_PER_SEC;
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (CfdPatient) p = cfd_vault_get_patient (vault, a, &error);

      g_assert_no_error (error);
    }

  /* One patient: create, key grant, five views. */
  g_assert_true (
      cfd_vault_audit_count (vault, &(CfdAuditFilter){ .patient_id = a }, &count, &error));
  g_assert_cmpint (count, ==, 7);
  g_assert_true (
      cfd_vault_audit_count (vault, &(CfdAuditFilter){ .patient_id = b }, &count, &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_true (
      cfd_vault_audit_count (vault, &(CfdAuditFilter){ .action = "patient.*" }, &count, &error));
  g_assert_cmpint (count, ==, 7);
  g_assert_true (
      cfd_vault_audit_count (vault, &(CfdAuditFilter){ .action = "patient." }, &count, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_true (cfd_vault_audit_count (vault, &(CfdAuditFilter){ .since = now, .until = now + 1 },
                                        &count, &error));
  g_assert_cmpint (count, ==, 5);

  /* Pages of two, newest first, each continuing where the last ended. */
  {
    CfdAuditFilter filter = { .patient_id = a };
    gint64 before = 0;
    guint seen = 0;

    do
      {
        g_clear_object (&page);
        page = cfd_vault_audit_list (vault, &filter, before, 2, &error);
        g_assert_no_error (error);
        for (guint i = 0; i < g_list_model_get_n_items (page); i++)
          {
            g_autoptr (CfdAuditItem) item = g_list_model_get_item (page, i);

            if (before != 0)
              g_assert_cmpint (cfd_audit_item_get_seq (item), <, before);
            before = cfd_audit_item_get_seq (item);
            g_assert_cmpstr (cfd_audit_item_get_object_id (item), ==, a);
            seen++;
          }
      }
    while (g_list_model_get_n_items (page) == 2);
    g_assert_cmpuint (seen, ==, 7);
  }

  /* A therapist sees only what they did, whatever the filter asks. */
  therapist_id
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "granite pillow orbit 68", &error);
  g_assert_no_error (error);
  {
    g_autoptr (CfdVault) theo = cfd_vault_open (cfd_vault_get_path (vault), &error);
    g_autoptr (GListModel) all = NULL;

    g_assert_true (cfd_vault_unlock (theo, "Theo", "granite pillow orbit 68", &error));
    all = cfd_vault_audit_list (theo, NULL, 0, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (all), ==, 1);
    g_assert_true (
        cfd_vault_audit_count (theo, &(CfdAuditFilter){ .patient_id = a }, &count, &error));
    g_assert_cmpint (count, ==, 0);
  }
}

/* Notes name only themselves in the log; the patient filter finds them
 * through the records table, without decrypting anything. */
static void
test_patient_filter_follows_records (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *a = cfd_test_add_patient (vault, "Alpha");
  g_autofree char *b = cfd_test_add_patient (vault, "Beta");
  g_autofree char *record = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GListModel) list = NULL;
  GVariantDict d;
  gboolean found = FALSE;
  gint64 count = 0;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Sleeping better.");
  g_variant_dict_insert (&d, "plan", "s", "Review in two weeks.");
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  record = cfd_vault_create_record (vault, a, CFD_RECORD_PROGRESS, 1700000000, content, &error);
  g_assert_no_error (error);

  list = cfd_vault_audit_list (vault, &(CfdAuditFilter){ .patient_id = a }, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdAuditItem) item = g_list_model_get_item (list, i);

      if (g_strcmp0 (cfd_audit_item_get_object_kind (item), "record") == 0)
        {
          g_assert_cmpstr (cfd_audit_item_get_object_id (item), ==, record);
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_assert_true (cfd_vault_audit_count (
      vault, &(CfdAuditFilter){ .patient_id = b, .action = "record.*" }, &count, &error));
  g_assert_cmpint (count, ==, 0);
}

static void
test_event_whitelist (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_test_add_patient (vault, "Printed");
  gint64 count = 0;

  g_assert_true (
      cfd_vault_audit_event (vault, "settings.change", "settings", "auto-lock-minutes", &error));
  g_assert_true (cfd_vault_audit_event (vault, "patient.print", "patient", id, &error));
  g_assert_true (cfd_vault_audit_event (vault, "audit.print", "vault", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (cfd_vault_audit_event (vault, "patient.delete", "patient", id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_audit_event (vault, "patient.print", "record", id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_audit_event (vault, "patient.print", "patient", "Jane Doe", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_audit_event (vault, "settings.change", "settings", NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (
      cfd_vault_audit_count (vault, &(CfdAuditFilter){ .patient_id = id }, &count, &error));
  g_assert_cmpint (count, ==, 3); /* create, grant, print */
  g_assert_true (cfd_vault_audit_count (vault, NULL, &count, &error));
  g_assert_cmpint (count, ==, 6);
}

/* Refusals and failures that core records on its own. */
static void
test_denied_and_failed_access_logged (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_test_add_patient (vault, "Guarded");
  g_autofree char *sup
      = cfd_vault_add_user (vault, "Sue", CFD_ROLE_SUPERVISOR, "granite pillow orbit 68", &error);
  gint64 count = 0;

  {
    g_autoptr (CfdVault) sue = cfd_vault_open (cfd_vault_get_path (vault), &error);
    g_autoptr (CfdPatient) p = NULL;

    g_assert_true (cfd_vault_unlock (sue, "Sue", "granite pillow orbit 68", &error));
    p = cfd_vault_get_patient (sue, id, &error);
    g_assert_null (p);
    g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
    g_clear_error (&error);
  }
  {
    g_autoptr (CfdPatient) p
        = cfd_vault_get_patient (vault, "00000000000000000000000000000000", &error);

    g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_false (cfd_vault_delete_patient (vault, id, "Not The Name", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_change_passphrase (vault, "wrong", "granite pillow orbit 68", &error));
  g_clear_error (&error);

  {
    CfdAuditFilter denied = { .action = "patient.view", .patient_id = id, .actor = sup };

    g_assert_true (cfd_vault_audit_count (vault, &denied, &count, &error));
    g_assert_cmpint (count, ==, 1);
  }
  {
    CfdAuditFilter probe
        = { .action = "patient.view", .patient_id = "00000000000000000000000000000000" };

    g_assert_true (cfd_vault_audit_count (vault, &probe, &count, &error));
    g_assert_cmpint (count, ==, 1);
  }
  g_assert_true (cfd_vault_audit_count (vault, &(CfdAuditFilter){ .action = "patient.delete" },
                                        &count, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_true (cfd_vault_audit_count (
      vault, &(CfdAuditFilter){ .action = "user.passphrase-change" }, &count, &error));
  g_assert_cmpint (count, ==, 1);
  assert_intact (vault);
}

/* Every column, not only the actor's name, is neutralised: whoever can
 * write the database chooses the actor id, the action and the ids too. */
static void
test_csv_every_column_neutralised (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "audit.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  gboolean crlf_only;
  gint64 n_rows = 0;
  GPtrArray *row;

  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_audit_append (db, g_get_real_time (), "=cmd|'/c calc'!A0", "+vault.unlock",
                                   "-vault", "@SUM(1+1)", CFD_AUDIT_FAILURE, "\tauth", "\rdevice",
                                   &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (cfd_vault_audit_export_csv_file (vault, NULL, path, &n_rows, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  rows = parse_csv (text, &crlf_only);
  row = g_ptr_array_index (rows, rows->len - 1);
  g_assert_cmpstr (g_ptr_array_index (row, 2), ==, "'=cmd|'/c calc'!A0");
  g_assert_cmpstr (g_ptr_array_index (row, 4), ==, "'+vault.unlock");
  g_assert_cmpstr (g_ptr_array_index (row, 5), ==, "'-vault");
  g_assert_cmpstr (g_ptr_array_index (row, 6), ==, "'@SUM(1+1)");
  g_assert_cmpstr (g_ptr_array_index (row, 8), ==, "'\tauth");
  g_assert_cmpstr (g_ptr_array_index (row, 9), ==, "'\rdevice");
  for (guint i = 1; i < rows->len; i++)
    for (guint j = 0; j < ((GPtrArray *)g_ptr_array_index (rows, i))->len; j++)
      {
        const char *field = g_ptr_array_index ((GPtrArray *)g_ptr_array_index (rows, i), j);

        g_assert_null (strchr ("=+@\t\r", field[0] != '\0' ? field[0] : 'x'));
        g_assert_false (field[0] == '-');
      }
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);

  g_test_add_func ("/confidant/audit/chain/known-answer", test_known_answer);
  g_test_add_func ("/confidant/audit/verify/intact", test_intact_after_many_actions);
  g_test_add_func ("/confidant/audit/verify/async", test_verify_async);
  g_test_add_func ("/confidant/audit/verify/edited", test_edit_detected);
  g_test_add_func ("/confidant/audit/verify/edited-time-outcome",
                   test_edit_of_time_and_outcome_detected);
  g_test_add_func ("/confidant/audit/verify/edited-hash", test_edit_of_hash_detected);
  g_test_add_func ("/confidant/audit/verify/ends", test_edit_and_delete_at_the_ends);
  g_test_add_func ("/confidant/audit/verify/deleted-middle", test_delete_middle_detected);
  g_test_add_func ("/confidant/audit/verify/deleted-renumbered", test_delete_and_renumber_detected);
  g_test_add_func ("/confidant/audit/verify/deleted-tail",
                   test_delete_tail_after_checkpoint_detected);
  g_test_add_func ("/confidant/audit/verify/reordered", test_reorder_detected);
  g_test_add_func ("/confidant/audit/verify/rewritten", test_rewritten_chain_caught_by_checkpoint);
  g_test_add_func ("/confidant/audit/verify/rolled-back", test_rollback_detected);
  g_test_add_func ("/confidant/audit/verify/replaced-shorter",
                   test_replaced_by_shorter_chain_detected);
  g_test_add_func ("/confidant/audit/checkpoint/signatures", test_checkpoint_signatures);
  g_test_add_func ("/confidant/audit/checkpoint/wire-form", test_checkpoint_wire_form);
  g_test_add_func ("/confidant/audit/checkpoint/receipt", test_receipt);
  g_test_add_func ("/confidant/audit/log/failed-unlock", test_failed_unlock_logged);
  g_test_add_func ("/confidant/audit/log/denied-and-failed", test_denied_and_failed_access_logged);
  g_test_add_func ("/confidant/audit/log/event-whitelist", test_event_whitelist);
  g_test_add_func ("/confidant/audit/query/filters-paging", test_filters_and_paging);
  g_test_add_func ("/confidant/audit/query/patient-records", test_patient_filter_follows_records);
  g_test_add_func ("/confidant/audit/export/csv", test_csv_export);
  g_test_add_func ("/confidant/audit/export/csv-formulas", test_csv_every_column_neutralised);
  g_test_add_func ("/confidant/audit/export/csv-async", test_csv_export_async);
  return g_test_run ();
}
