/* test-user-remove.c: the owner removes a user: the roster marks them
 * removed, their grants go, the keys they held are replaced; what they
 * signed as a member still verifies, anything signed later does not; a
 * removal cut short is finished at the owner's next unlock. */
#include "config.h"

#include <string.h>

#include "cfd-db.h"
#include "cfd-patient-key.h"
#include "cfd-record.h"
#include "cfd-roster.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"
#include "cfd-user-removal.h"
#include "cfd-vault-private.h"

#define THERAPIST_NAME       "Tess Therapist"
#define THERAPIST_PASSPHRASE "therapist passphrase for the removal tests"

/* Read by the vault until it is disposed, after the test's locals. */
static gint64 now;

static gint64
test_clock (gpointer data)
{
  return *(gint64 *)data;
}

typedef struct
{
  char *path;
  CfdVault *vault;
  char *therapist_id;
  char *patient;
  char *note;            /* signed by the therapist while a member */
  CfdSecret *old_db_key; /* what the therapist's keyring entry unwrapped */
  GBytes *old_keyring;   /* the keyring file as the therapist could copy it */
} Fixture;

static char *
signed_note (CfdVault *vault, const char *patient, const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariantDict d;
  char *id;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", text);
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS, now / G_USEC_PER_SEC,
                                g_variant_dict_end (&d), &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
  return id;
}

static char *
keyring_path (Fixture *f)
{
  return g_build_filename (f->path, CFD_VAULT_KEYRING_NAME, NULL);
}

static char *
database_path (Fixture *f)
{
  return g_build_filename (f->path, CFD_VAULT_DATABASE_NAME, NULL);
}

/* The owner adds a therapist, who adds a patient and signs a note; the
 * owner is signed in at the end. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keyring = NULL;

  now = g_get_real_time ();
  f->vault = cfd_test_vault_new (&f->path, NULL);
  cfd_vault_set_clock_for_testing (f->vault, test_clock, &now);
  f->therapist_id = cfd_vault_add_user (f->vault, THERAPIST_NAME, CFD_ROLE_THERAPIST,
                                        THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  f->patient = cfd_test_add_patient (f->vault, "Rowan Before");
  f->note = signed_note (f->vault, f->patient, "Signed while a member.");
  f->old_db_key = cfd_secret_new_from_data (cfd_vault_get_db_key (f->vault), CFD_KEY_BYTES);
  cfd_vault_lock (f->vault);
  keyring = keyring_path (f);
  f->old_keyring = cfd_test_read_bytes (keyring);
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cfd_vault_stop_removal_after_roster_for_testing (FALSE);
  cfd_vault_stop_rotation_before_rekey_for_testing (FALSE);
  g_clear_object (&f->vault);
  g_free (f->therapist_id);
  g_free (f->patient);
  g_free (f->note);
  cfd_secret_free (f->old_db_key);
  g_bytes_unref (f->old_keyring);
  g_free (f->path);
}

static gint64
grants_to (Fixture *f, const char *user_id)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT (SELECT count(*) FROM patient_keys WHERE user_id = '%1$s') "
                         "+ (SELECT count(*) FROM details_grants WHERE user_id = '%1$s') "
                         "+ (SELECT count(*) FROM record_grants WHERE user_id = '%1$s')",
                         user_id);

  return cfd_test_count_rows (f->vault, sql);
}

/* What a finished removal leaves: the user removed in the signed roster
 * and out of the keyring, no grant to them, the patient key and the
 * database key replaced, their note still verified, and user.remove
 * recorded once. */
static void
assert_removed (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autofree char *db = database_path (f);
  g_autofree char *keyring_file = keyring_path (f);
  g_autoptr (CfdKeyring) keyring = cfd_keyring_load (keyring_file, &error);
  g_autoptr (CfdRoster) roster = NULL;
  const CfdRosterEntry *entry;

  g_assert_no_error (error);
  g_assert_null (cfd_keyring_find_user (keyring, f->therapist_id));
  g_assert_null (cfd_keyring_find_backup_key (keyring, f->therapist_id));
  roster = cfd_roster_verify (keyring->roster, keyring->vault_id,
                              cfd_keyring_find_owner (keyring)->sign_pk, &error);
  g_assert_no_error (error);
  entry = cfd_roster_find (roster, f->therapist_id);
  g_assert_nonnull (entry);
  g_assert_false (cfd_roster_entry_is_member (entry));
  g_assert_cmpstr (entry->removed_by, ==, cfd_keyring_find_owner (keyring)->id);

  g_assert_cmpint (grants_to (f, f->therapist_id), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT max(key_version) FROM patients"), ==, 2);
  g_assert_false (cfd_db_key_opens (db, f->old_db_key->data));
  g_assert_cmpuint (cfd_test_count_audit (f->vault, "user.remove"), ==, 1);

  record = cfd_vault_get_record (f->vault, f->note, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_author_id (record), ==, f->therapist_id);
}

static void
test_remove_therapist (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keyring = keyring_path (f);
  g_autofree char *recovery = NULL;

  g_assert_true (cfd_vault_remove_user (f->vault, THERAPIST_NAME, &error));
  g_assert_no_error (error);
  recovery = cfd_vault_take_new_recovery_key (f->vault);
  g_assert_nonnull (recovery);
  assert_removed (f);

  /* Nothing more is sealed to them. */
  g_assert_true (cfd_db_begin (cfd_vault_get_db (f->vault, NULL), &error));
  g_assert_false (cfd_patient_key_grant (f->vault, f->patient, 2, f->therapist_id, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  cfd_db_rollback (cfd_vault_get_db (f->vault, NULL));

  /* Neither the keyring as it is nor their old copy of it opens the vault. */
  cfd_vault_lock (f->vault);
  g_assert_false (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr (GBytes) current = cfd_test_read_bytes (keyring);

    cfd_test_write_bytes (keyring, g_bytes_get_data (f->old_keyring, NULL),
                          g_bytes_get_size (f->old_keyring));
    g_assert_false (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    cfd_test_write_bytes (keyring, g_bytes_get_data (current, NULL), g_bytes_get_size (current));
  }
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_removed (f);
}

/* The owner cannot remove themself, nor anyone the roster does not list. */
static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_remove_user (f->vault, "Test Owner", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_cmpstr (error->message, ==, "You cannot remove yourself");
  g_clear_error (&error);
  g_assert_false (cfd_vault_remove_user (f->vault, "Nobody Here", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (cfd_test_count_audit (f->vault, "user.remove"), ==, 0);

  /* A therapist may not remove anyone. */
  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_vault_remove_user (f->vault, "Test Owner", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

/* A note the therapist signed after the time the owner's removal names is
 * refused: not shown, and reported at the next unlock; the note signed
 * before still verifies. */
static void
test_signature_after_removal_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecord) refused = NULL;
  g_autofree char *late = NULL;
  gint64 removal_time = now + (gint64)60 * G_USEC_PER_SEC;

  /* The therapist signs at +1 h; the owner's removal is dated +1 min. */
  cfd_vault_lock (f->vault);
  now += (gint64)3600 * G_USEC_PER_SEC;
  g_assert_true (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  late = signed_note (f->vault, f->patient, "Signed after the removal's time.");
  cfd_vault_lock (f->vault);
  now = removal_time;
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_remove_user (f->vault, THERAPIST_NAME, &error));
  g_assert_no_error (error);

  refused = cfd_vault_get_record (f->vault, late, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_removed (f);

  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sql
        = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' "
                           "AND object_id = '%s'",
                           late);

    g_assert_cmpint (cfd_test_count_rows (f->vault, sql), >=, 1);
  }
}

/* A power cut once the signed roster is written: the owner's next unlock
 * destroys the grants and replaces the keys. */
static void
test_interrupted_after_roster (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_stop_removal_after_roster_for_testing (TRUE);
  g_assert_false (cfd_vault_remove_user (f->vault, THERAPIST_NAME, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
  g_clear_error (&error);
  cfd_vault_stop_removal_after_roster_for_testing (FALSE);
  g_assert_cmpint (grants_to (f, f->therapist_id), >, 0);
  cfd_vault_lock (f->vault);

  g_assert_false (cfd_vault_unlock (f->vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_removed (f);
}

/* A power cut after the keyring names the new database key and before the
 * database is re-encrypted: the owner's next unlock re-encrypts it and
 * records the removal. */
static void
test_interrupted_before_rekey (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_stop_rotation_before_rekey_for_testing (TRUE);
  g_assert_false (cfd_vault_remove_user (f->vault, THERAPIST_NAME, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
  g_clear_error (&error);
  cfd_vault_stop_rotation_before_rekey_for_testing (FALSE);
  g_assert_cmpint (grants_to (f, f->therapist_id), ==, 0);
  cfd_vault_lock (f->vault);

  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_removed (f);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
#define ADD(path, func)                                                            \
  g_test_add ("/confidant/user-remove/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("therapist", test_remove_therapist);
  ADD ("refusals", test_refusals);
  ADD ("signature-after-removal", test_signature_after_removal_refused);
  ADD ("interrupted-after-roster", test_interrupted_after_roster);
  ADD ("interrupted-before-rekey", test_interrupted_before_rekey);
#undef ADD
  return g_test_run ();
}
