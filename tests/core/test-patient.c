/* test-patient.c: patients sealed under their own keys: access, binding, forgery, shredding. */
#include "config.h"

#include <string.h>

#include "cfd-patient-key.h"
#include "cfd-test-util.h"

#define CANARY "Quillon Vexmartyr"

static GVariant *
details (const char *name, const char *birth)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  if (name != NULL)
    g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
  if (birth != NULL)
    g_variant_dict_insert (&dict, CFD_PATIENT_BIRTH_DATE, "s", birth);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static void
test_round_trip (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GVariant) d = details ("Ada Lovelace", "1815-12-10");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_add_patient (vault, d, &error);
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) list = NULL;

  g_assert_no_error (error);
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_patient_get_name (patient), ==, "Ada Lovelace");
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE), ==, "1815-12-10");
  g_clear_object (&patient);

  {
    g_autoptr (GVariant) change = details ("Ada King", NULL);

    g_assert_true (cfd_vault_update_patient (vault, id, change, &error));
    g_assert_no_error (error);
  }
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_cmpstr (cfd_patient_get_name (patient), ==, "Ada King");
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE), ==, "1815-12-10");

  g_assert_true (cfd_vault_set_patient_archived (vault, id, TRUE, &error));
  list = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_object (&list);
  list = cfd_vault_list_patients (vault, TRUE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
}

static void
test_list_sorted (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GError) error = NULL;
  /* Each name is also a canary the scratch folder is searched for: none as
   * short as three bytes, which encrypted pages contain by chance. */
  const char *names[] = { "Élodie", "bobbie", "Zoë", "Anna" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (cfd_test_add_patient (vault, names[i]));
  list = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  {
    g_autoptr (CfdPatient) first = g_list_model_get_item (list, 0);

    g_assert_true (cfd_test_name_is (cfd_patient_get_name (first), "Anna"));
  }
}

static void
test_invalid_details (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  const char *bad_dates[] = { "1980-02-30", "80-01-01", "1980-1-1", "yesterday", "1980-01-01x" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) no_name = details (NULL, "1980-01-01");
  g_autoptr (GVariant) blank = details ("   ", NULL);

  g_assert_null (cfd_vault_add_patient (vault, no_name, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cfd_vault_add_patient (vault, blank, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (bad_dates); i++)
    {
      g_autoptr (GVariant) d = details ("Someone", bad_dates[i]);

      g_assert_null (cfd_vault_add_patient (vault, d, &error));
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  {
    g_autoptr (GVariant) leap = details ("Leap Day", "1980-02-29");
    g_autofree char *id = cfd_vault_add_patient (vault, leap, &error);

    g_assert_no_error (error);
  }
}

static void
test_canary_not_on_disk (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = cfd_test_add_patient (vault, CANARY);
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;

  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_no_error (error);
  /* While open (WAL present) and after lock. */
  g_assert_false (cfd_test_dir_contains (path, CANARY));
  g_assert_false (cfd_test_dir_contains (path, "Quillon"));
  cfd_vault_lock (vault);
  g_assert_false (cfd_test_dir_contains (path, CANARY));
}

static void
exec_sql (CfdVault *vault, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* One patient's sealed details copied onto another's row: the associated
 * data names the row, so it must not open. */
static void
test_row_moved_fails (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *a = cfd_test_add_patient (vault, "Patient A");
  g_autofree char *b = cfd_test_add_patient (vault, "Patient B");
  g_autofree char *sql = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;

  sql = g_strdup_printf ("UPDATE patients SET sealed = (SELECT sealed FROM patients WHERE id = "
                         "'%s') WHERE id = '%s'",
                         a, b);
  exec_sql (vault, sql);
  patient = cfd_vault_get_patient (vault, b, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);

  /* An older revision replayed onto the row fails too. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE patients SET revision = revision + 1 WHERE id = '%s'", a);
  exec_sql (vault, sql);
  patient = cfd_vault_get_patient (vault, a, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_forged_grant_rejected (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = NULL;
  g_autofree char *id = cfd_test_add_patient (vault, "Forgery Target");
  g_autofree char *sql = NULL;
  g_autoptr (CfdPatient) patient = NULL;

  supervisor
      = cfd_vault_add_user (vault, "Sam", CFD_ROLE_SUPERVISOR, "compass thistle marble 47", &error);
  g_assert_no_error (error);

  /* Someone with the database key copies the owner's grant row to the
   * supervisor: the signature covers the recipient, so it fails. */
  sql = g_strdup_printf ("INSERT INTO patient_keys SELECT patient_id, key_version, '%s', "
                         "sealed_key, granted_by, granted_at, signature FROM patient_keys "
                         "WHERE patient_id = '%s'",
                         supervisor, id);
  exec_sql (vault, sql);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam", "compass thistle marble 47", &error));
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);

  /* A grant signed by the supervisor themselves is refused: supervisors
   * never grant. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE patient_keys SET granted_by = '%s' WHERE user_id = '%s'",
                         supervisor, supervisor);
  exec_sql (vault, sql);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam", "compass thistle marble 47", &error));
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
}

/* The list keeps what it opened until the lock, but a row changed under
 * it (details moved from another row, a new revision) is opened again:
 * the tampered row is reported, the edited one shows its new name. */
static void
test_list_cache_follows_rows (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *a = cfd_test_add_patient (vault, "Listed Anna");
  g_autofree char *b = cfd_test_add_patient (vault, "Listed Bert");
  g_autofree char *sql = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GError) error = NULL;

  list = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_clear_object (&list);

  {
    g_autoptr (GVariant) change = details ("Listed Zora", NULL);

    g_assert_true (cfd_vault_update_patient (vault, a, change, &error));
    g_assert_no_error (error);
  }
  list = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  {
    g_autoptr (CfdPatient) first = g_list_model_get_item (list, 0);
    g_autoptr (CfdPatient) second = g_list_model_get_item (list, 1);

    g_assert_true (cfd_test_name_is (cfd_patient_get_name (first), "Listed Bert"));
    g_assert_cmpstr (cfd_patient_get_name (second), ==, "Listed Zora");
  }
  g_clear_object (&list);

  sql = g_strdup_printf ("UPDATE patients SET sealed = (SELECT sealed FROM patients WHERE id = "
                         "'%s') WHERE id = '%s'",
                         a, b);
  exec_sql (vault, sql);
  list = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_null (list);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_supervisor_sees_nothing (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = NULL;
  g_autofree char *id = cfd_test_add_patient (vault, CANARY);
  g_autoptr (GListModel) list = NULL;
  g_autoptr (CfdPatient) patient = NULL;

  supervisor
      = cfd_vault_add_user (vault, "Sam", CFD_ROLE_SUPERVISOR, "compass thistle marble 47", &error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam", "compass thistle marble 47", &error));
  list = cfd_vault_list_patients (vault, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_null (strstr (error->message, "Quillon"));
  g_clear_error (&error);

  {
    g_autoptr (GVariant) d = details ("New", NULL);

    g_assert_null (cfd_vault_add_patient (vault, d, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  }
}

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static void
test_delete_after_retention (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = cfd_test_add_patient (vault, "Retained Person");
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, id, NULL);
  /* The confirmation is the whole name, tag included. */
  g_autofree char *name = g_strdup (cfd_patient_get_name (patient));
  gint64 until = g_get_real_time () / G_USEC_PER_SEC + 365 * 86400;

  g_clear_object (&patient);
  g_assert_true (cfd_vault_set_patient_retention (vault, id, until, &error));
  g_assert_no_error (error);

  g_assert_false (cfd_vault_delete_patient (vault, id, name, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  fake_now = (until + 1) * G_USEC_PER_SEC;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  g_assert_false (cfd_vault_delete_patient (vault, id, "Retained", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cfd_vault_delete_patient (vault, id, name, &error));
  g_assert_no_error (error);
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                        "SELECT count(*) FROM patient_keys", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
}

static void
test_delete_owner_only (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "lantern meadow quietly 31", &error);
  g_autofree char *id = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Theo", "lantern meadow quietly 31", &error));
  id = cfd_test_add_patient (vault, "Theo's Patient");
  g_assert_false (cfd_vault_delete_patient (vault, id, "Theo's Patient", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  /* The owner was granted the therapist's patient too. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  {
    g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, id, &error);

    g_assert_no_error (error);
    g_assert_true (cfd_vault_delete_patient (vault, id, cfd_patient_get_name (patient), &error));
  }
  g_assert_no_error (error);
}

static void
check_split (const char *name, const char *want_given, const char *want_family)
{
  g_autofree char *given = NULL;
  g_autofree char *family = NULL;

  cfd_patient_split_name (name, &given, &family);
  g_assert_cmpstr (given, ==, want_given);
  g_assert_cmpstr (family, ==, want_family);
}

static void
test_demographics (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *id = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *given = NULL;
  g_autofree char *family = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) details = NULL;

  check_split ("Mia Migration", "Mia", "Migration");
  check_split ("  Ana María de la Cruz ", "Ana María de la", "Cruz");
  check_split ("Nguyen, Thi Mai", "Thi Mai", "Nguyen");
  check_split ("Cher", "Cher", "");
  check_split ("", "", "");

  /* A patient recorded with a full name only: split on reading, the full
   * name kept as written. */
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", "Mia  Rose Migration");
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_add_patient (vault, details, &error);
  g_assert_no_error (error);
  g_clear_pointer (&details, g_variant_unref);
  patient = cfd_vault_get_patient (vault, id, &error);
  g_assert_no_error (error);
  given = cfd_patient_dup_given_name (patient);
  family = cfd_patient_dup_family_name (patient);
  g_assert_cmpstr (given, ==, "Mia  Rose");
  g_assert_cmpstr (family, ==, "Migration");
  g_assert_null (cfd_patient_get_sex (patient));
  g_clear_object (&patient);
  g_clear_pointer (&given, g_free);
  g_clear_pointer (&family, g_free);

  /* Recorded names win; sex takes one of four values. */
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_SEX, "s", "femme");
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  g_assert_false (cfd_vault_update_patient (vault, id, details, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&details, g_variant_unref);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_SEX, "s", "female");
  g_variant_dict_insert (&dict, CFD_PATIENT_GIVEN_NAME, "s", "Mia Rose");
  g_variant_dict_insert (&dict, CFD_PATIENT_FAMILY_NAME, "s", "Migration-Smith");
  g_variant_dict_insert (&dict, CFD_PATIENT_MRN, "s", "KAT-00042");
  g_variant_dict_insert (&dict, CFD_PATIENT_ADDRESS, "s", "1 Harbour Road\nPortland, OR");
  g_variant_dict_insert (&dict, CFD_PATIENT_PRIMARY_CARE, "s", "Dr Ada Primary");
  g_variant_dict_insert (&dict, CFD_PATIENT_REFERRING_PROVIDER, "s", "Dr Rui Referrer");
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  g_assert_true (cfd_vault_update_patient (vault, id, details, &error));
  g_assert_no_error (error);
  patient = cfd_vault_get_patient (vault, id, &error);
  given = cfd_patient_dup_given_name (patient);
  family = cfd_patient_dup_family_name (patient);
  g_assert_cmpstr (given, ==, "Mia Rose");
  g_assert_cmpstr (family, ==, "Migration-Smith");
  g_assert_cmpstr (cfd_patient_get_name (patient), ==, "Mia  Rose Migration");
  g_assert_cmpstr (cfd_patient_get_sex (patient), ==, "female");
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_MRN), ==, "KAT-00042");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/patient/round-trip", test_round_trip);
  g_test_add_func ("/confidant/patient/list-sorted", test_list_sorted);
  g_test_add_func ("/confidant/patient/invalid-details", test_invalid_details);
  g_test_add_func ("/confidant/patient/canary-not-on-disk", test_canary_not_on_disk);
  g_test_add_func ("/confidant/patient/binding/row-moved", test_row_moved_fails);
  g_test_add_func ("/confidant/patient/grant/forged", test_forged_grant_rejected);
  g_test_add_func ("/confidant/patient/supervisor-without-grant", test_supervisor_sees_nothing);
  g_test_add_func ("/confidant/patient/delete/retention", test_delete_after_retention);
  g_test_add_func ("/confidant/patient/delete/owner-only", test_delete_owner_only);
  g_test_add_func ("/confidant/patient/demographics", test_demographics);
  g_test_add_func ("/confidant/patient/list-cache", test_list_cache_follows_rows);
  return g_test_run ();
}
