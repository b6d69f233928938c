/* test-key-cache.c: what each user keeps across unlocks: unwrapped patient keys, verified signatures. */
#include "config.h"

#include <string.h>

#include "cfd-key-cache.h"
#include "cfd-record.h"
#include "cfd-patient-key.h"
#include "cfd-test-util.h"

#define THERAPIST_PASS "lantern meadow copper 93"

static void
exec_sql (CfdVault *vault, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
relock (CfdVault *vault, const char *user, const char *passphrase)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, user, passphrase, &error));
  g_assert_no_error (error);
}

static guint
list_count (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (list);
}

/* A vault with three patients whose keys are in the owner's cache. */
static CfdVault *
vault_with_cached_keys (char ***patients_out)
{
  CfdVault *vault = cfd_test_vault_new (NULL, NULL);
  GStrvBuilder *ids = g_strv_builder_new ();

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = cfd_test_add_patient (vault, "Cache Patient");

      g_strv_builder_add (ids, id);
    }
  if (patients_out != NULL)
    *patients_out = g_strv_builder_end (ids);
  g_strv_builder_unref (ids);

  /* Keys made in this session are not cached; the first list after an
   * unlock verifies each grant and caches what it opened. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM patient_key_cache"), ==, 0);
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpuint (list_count (vault), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM patient_key_cache"), ==, 3);
  return vault;
}

static void
test_second_unlock_uses_cache (void)
{
  g_autoptr (CfdVault) vault = vault_with_cached_keys (NULL);
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GError) error = NULL;

  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  list = cfd_vault_list_patients (vault, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (list, i);

      g_assert_true (cfd_test_name_is (cfd_patient_get_name (patient), "Cache Patient"));
    }
}

/* A grant changed after its key was cached is verified again, and a bad
 * signature is reported as before: the cache never stands in for it. */
static void
test_changed_grant_is_verified (void)
{
  g_auto (GStrv) patients = NULL;
  g_autoptr (CfdVault) vault = vault_with_cached_keys (&patients);
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("UPDATE patient_keys SET signature = zeroblob(64) WHERE patient_id = '%s'",
                         patients[0]);
  exec_sql (vault, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE patient_keys SET granted_at = granted_at + 1 "
                         "WHERE patient_id = '%s'",
                         patients[1]);
  exec_sql (vault, sql);
  relock (vault, NULL, CFD_TEST_PASSPHRASE);

  patient = cfd_vault_get_patient (vault, patients[0], &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  patient = cfd_vault_get_patient (vault, patients[1], &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 0);

  /* The untouched patient is still served from the cache. */
  patient = cfd_vault_get_patient (vault, patients[2], &error);
  g_assert_no_error (error);
  g_assert_nonnull (patient);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 1);
}

/* A damaged entry costs only the verification, and is written anew. */
static void
test_damaged_entry_is_replaced (void)
{
  g_autoptr (CfdVault) vault = vault_with_cached_keys (NULL);

  exec_sql (vault, "UPDATE patient_key_cache SET sealed = randomblob(length(sealed))");
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpuint (list_count (vault), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 0);
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpuint (list_count (vault), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 3);
}

/* Another user's entries, copied under a therapist's name, do not open
 * for the therapist: the cache key is derived from each user's own secret. */
static void
test_entries_are_per_user (void)
{
  g_auto (GStrv) patients = NULL;
  g_autoptr (CfdVault) vault = vault_with_cached_keys (&patients);
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist = NULL;
  g_autofree char *sql = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  therapist = cfd_vault_add_user (vault, "Tess", CFD_ROLE_THERAPIST, THERAPIST_PASS, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_db_begin (db, &error));
  for (guint i = 0; patients[i] != NULL; i++)
    g_assert_true (cfd_patient_key_grant (vault, patients[i], 1, therapist, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);

  sql = g_strdup_printf ("INSERT INTO patient_key_cache SELECT '%s', patient_id, key_version, "
                         "sealed FROM patient_key_cache",
                         therapist);
  exec_sql (vault, sql);
  relock (vault, "Tess", THERAPIST_PASS);
  g_assert_cmpuint (list_count (vault), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 0);
  /* Her own entries replaced the copies, and serve her next unlock. */
  relock (vault, "Tess", THERAPIST_PASS);
  g_assert_cmpuint (list_count (vault), ==, 3);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 3);
}

/* Rotation (and so revocation, which rotates) and deletion remove the
 * grants, and the entries cached from them go with them. */
static void
test_rotation_and_deletion_drop_entries (void)
{
  g_auto (GStrv) patients = NULL;
  g_autoptr (CfdVault) vault = vault_with_cached_keys (&patients);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *sql = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (vault, patients[0], NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM patient_key_cache WHERE patient_id = '%s'",
                         patients[0]);
  g_assert_cmpint (cfd_test_count_rows (vault, sql), ==, 0);

  patient = cfd_vault_get_patient (vault, patients[1], &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_delete_patient_overriding_retention (
      vault, patients[1], cfd_patient_get_name (patient), "Asked to be forgotten", &error));
  g_assert_no_error (error);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM patient_key_cache WHERE patient_id = '%s'",
                         patients[1]);
  g_assert_cmpint (cfd_test_count_rows (vault, sql), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM patient_key_cache"), ==, 1);

  /* The rotated patient's new key is cached at the next list, and opens. */
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpuint (list_count (vault), ==, 2);
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpuint (list_count (vault), ==, 2);
  g_assert_cmpuint (cfd_key_cache_hits_for_testing (vault), ==, 2);
}

static char *
add_signed_note (CfdVault *vault, const char *patient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) content = NULL;
  GVariantDict d;
  char *id;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Slept through the night.");
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS, 1700000000, content, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
  return id;
}

/* A timeline leaves a tag per signature it verified; a later unlock's
 * timeline still reports a signature changed since, tag or no tag. */
static void
test_verified_signatures (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Signed Patient");
  g_autofree char *first = add_signed_note (vault, patient);
  g_autofree char *second = add_signed_note (vault, patient);
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  timeline = cfd_vault_list_records (vault, patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 2);
  g_clear_object (&timeline);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM verified_signatures"), ==, 2);

  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  timeline = cfd_vault_list_records (vault, patient, &error);
  g_assert_no_error (error);
  g_clear_object (&timeline);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM verified_signatures"), ==, 2);

  /* Someone with the database key drops the guard and changes a signature. */
  exec_sql (vault, "DROP TRIGGER records_signed_update");
  sql = g_strdup_printf ("UPDATE records SET signature = (SELECT signature FROM records "
                         "WHERE id = '%s') WHERE id = '%s'",
                         first, second);
  exec_sql (vault, sql);
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  timeline = cfd_vault_list_records (vault, patient, &error);
  g_assert_null (timeline);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* A patient's deletion takes the tags of their records with it. */
static void
test_deletion_drops_tags (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Tagged Patient");
  g_autofree char *note = add_signed_note (vault, patient);
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (CfdPatient) loaded = NULL;
  g_autoptr (GError) error = NULL;

  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  timeline = cfd_vault_list_records (vault, patient, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM verified_signatures"), ==, 1);
  loaded = cfd_vault_get_patient (vault, patient, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_delete_patient_overriding_retention (
      vault, patient, cfd_patient_get_name (loaded), "Asked to be forgotten", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM verified_signatures"), ==, 0);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/key-cache/second-unlock", test_second_unlock_uses_cache);
  g_test_add_func ("/confidant/key-cache/changed-grant", test_changed_grant_is_verified);
  g_test_add_func ("/confidant/key-cache/damaged-entry", test_damaged_entry_is_replaced);
  g_test_add_func ("/confidant/key-cache/per-user", test_entries_are_per_user);
  g_test_add_func ("/confidant/key-cache/rotation-deletion",
                   test_rotation_and_deletion_drop_entries);
  g_test_add_func ("/confidant/key-cache/verified-signatures", test_verified_signatures);
  g_test_add_func ("/confidant/key-cache/deletion-drops-tags", test_deletion_drops_tags);
  return g_test_run ();
}
