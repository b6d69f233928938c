/* test-retention.c: retention by rule: the computed date, minors, manual extension, refused deletion, the owner's override and the disposition entry. */
#include "config.h"

#include <string.h>

#include "cfd-date.h"
#include "cfd-measure.h"
#include "cfd-record.h"
#include "cfd-retention.h"
#include "cfd-test-util.h"

/* 2023-11-14 22:13:20 UTC: records are dated and signed then. */
#define OCCURRED G_GINT64_CONSTANT (1700000000)

static gint64
count_audit (CfdVault *vault, const char *action)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);

  return cfd_test_count_rows (vault, sql);
}

static gint64 fake_now = OCCURRED;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now * G_USEC_PER_SEC;
}

static CfdVault *
vault_at_occurred (void)
{
  CfdVault *vault = cfd_test_vault_new (NULL, NULL);

  fake_now = OCCURRED;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  return vault;
}

static char *
add_patient_born (CfdVault *vault, const char *name, const char *birth_date)
{
  g_autofree char *id = cfd_test_add_patient (vault, name);
  g_autoptr (GError) error = NULL;

  if (birth_date != NULL)
    {
      GVariantDict d;
      g_autoptr (GVariant) details = NULL;

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, CFD_PATIENT_BIRTH_DATE, "s", birth_date);
      details = g_variant_ref_sink (g_variant_dict_end (&d));
      g_assert_true (cfd_vault_update_patient (vault, id, details, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&id);
}

static void
add_signed_records (CfdVault *vault, const char *patient, guint n)
{
  static const guint8 calm[9] = { 1, 1, 1, 0, 0, 0, 0, 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *id
          = cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9,
                                   OCCURRED - (gint64)(n - 1 - i) * 7 * 86400, calm, 9, &error);

      g_assert_no_error (error);
    }
}

static char *
name_of (CfdVault *vault, const char *patient)
{
  g_autoptr (CfdPatient) p = cfd_vault_get_patient (vault, patient, NULL);

  return g_strdup (cfd_patient_get_name (p));
}

static void
assert_keep_until (CfdVault *vault, const char *patient, const char *date)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  CfdRetention retention;

  g_assert_true (cfd_vault_get_patient_retention (vault, patient, &retention, &error));
  g_assert_no_error (error);
  g_assert_cmpint (retention.status, ==, CFD_RETENTION_KNOWN);
  text = cfd_date_format (retention.keep_until);
  g_assert_cmpstr (text, ==, date);
}

/* The finding: 11 signed records, no retention date, no birth date, and
 * the patient was crypto-shredded at once. */
static void
test_eleven_records_refused (void)
{
  g_autoptr (CfdVault) vault = vault_at_occurred ();
  g_autofree char *patient = add_patient_born (vault, "Eleven Records", NULL);
  g_autofree char *name = name_of (vault, patient);
  g_autoptr (GError) error = NULL;
  CfdRetention retention;

  add_signed_records (vault, patient, 11);
  g_assert_true (cfd_vault_get_patient_retention (vault, patient, &retention, &error));
  g_assert_cmpint (retention.status, ==, CFD_RETENTION_UNKNOWN);
  g_assert_cmpstr (retention.rule->id, ==, "apa-2007");

  g_assert_false (cfd_vault_delete_patient (vault, patient, name, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "unknown"));
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM records"), ==, 11);

  /* Unknown stays unknown however much time passes; with the birth date
   * of an adult, the date is 7 years after the last record. */
  fake_now = OCCURRED + 20 * 365 * 86400LL;
  g_assert_false (cfd_vault_delete_patient (vault, patient, name, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  fake_now = OCCURRED;
  g_free (add_patient_born (vault, "Unused", NULL));
  {
    g_autoptr (GVariant) details = NULL;
    GVariantDict d;

    g_variant_dict_init (&d, NULL);
    g_variant_dict_insert (&d, CFD_PATIENT_BIRTH_DATE, "s", "1980-05-02");
    details = g_variant_ref_sink (g_variant_dict_end (&d));
    g_assert_true (cfd_vault_update_patient (vault, patient, details, &error));
  }
  assert_keep_until (vault, patient, "2030-11-14");
  g_assert_false (cfd_vault_delete_patient (vault, patient, name, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "2030-11-14"));
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE "
                                               "action = 'patient.delete' AND outcome = 'denied'"),
                   ==, 3);

  /* From that day on, it may go; a disposition entry remains. */
  fake_now = G_GINT64_CONSTANT (1920844800); /* 2030-11-14 00:00 UTC */
  g_assert_true (cfd_vault_delete_patient (vault, patient, name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM dispositions"), ==, 1);
}

static void
test_rules (void)
{
  g_autoptr (CfdVault) vault = vault_at_occurred ();
  g_autofree char *adult = add_patient_born (vault, "Adult Person", "1980-05-02");
  g_autofree char *minor = add_patient_born (vault, "Minor Person", "2015-06-01");
  g_autofree char *unknown = add_patient_born (vault, "Unknown Birth", NULL);
  g_autofree char *nothing = add_patient_born (vault, "Nothing Signed", NULL);
  /* Born before 1970: a birth date, not a time Confidant stores. */
  g_autofree char *older = add_patient_born (vault, "Born Before 1970", "1952-12-19");
  /* Born on 29 February 2012: 21 on 28 February 2033, later than the
   * 7 years after the last record. */
  g_autofree char *leapling = add_patient_born (vault, "Leap Day Minor", "2012-02-29");
  g_autoptr (GError) error = NULL;
  CfdRetention retention;

  add_signed_records (vault, adult, 2);
  add_signed_records (vault, minor, 2);
  add_signed_records (vault, unknown, 1);
  add_signed_records (vault, older, 1);
  add_signed_records (vault, leapling, 1);
  assert_keep_until (vault, older, "2030-11-14");
  assert_keep_until (vault, leapling, "2033-02-28");

  /* APA: 7 years after the last record; a minor until 21 if later. */
  assert_keep_until (vault, adult, "2030-11-14");
  assert_keep_until (vault, minor, "2036-06-01");
  g_assert_true (cfd_vault_get_patient_retention (vault, nothing, &retention, &error));
  g_assert_cmpint (retention.status, ==, CFD_RETENTION_NOTHING_SIGNED);
  g_assert_true (cfd_retention_allows_deletion (&retention, OCCURRED));

  /* Texas 22 TAC 165.1 gives the same dates; HIPAA's 6 years has no
   * clause for minors, so an unknown birth date does not matter. */
  g_assert_true (cfd_vault_set_retention_rule (vault, "texas-22-tac-165.1", &error));
  assert_keep_until (vault, minor, "2036-06-01");
  g_assert_true (cfd_vault_set_retention_rule (vault, "hipaa-164.316", &error));
  assert_keep_until (vault, adult, "2029-11-14");
  assert_keep_until (vault, unknown, "2029-11-14");
  assert_keep_until (vault, minor, "2029-11-14");
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (vault, "practice.retention-rule"), ==, 2);

  g_assert_false (cfd_vault_set_retention_rule (vault, "forever", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpstr (cfd_vault_get_retention_rule (vault, NULL)->id, ==, "hipaa-164.316");
}

static void
test_leap_day (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = add_patient_born (vault, "Leap Day Person", "1970-01-01");
  g_autoptr (GError) error = NULL;
  static const guint8 calm[9] = { 0 };
  gint64 leap;

  g_assert_true (cfd_date_parse ("2024-02-29", &leap));
  fake_now = leap + 3600;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  g_free (cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, leap, calm, 9, &error));
  g_assert_no_error (error);
  assert_keep_until (vault, patient, "2031-02-28");
}

static void
test_manual_only_extends (void)
{
  g_autoptr (CfdVault) vault = vault_at_occurred ();
  g_autofree char *patient = add_patient_born (vault, "Manual Person", "1980-05-02");
  g_autoptr (GError) error = NULL;
  gint64 earlier, later;

  add_signed_records (vault, patient, 1);
  g_assert_true (cfd_date_parse ("2028-01-01", &earlier));
  g_assert_true (cfd_date_parse ("2040-01-01", &later));
  g_assert_false (cfd_vault_set_patient_retention (vault, patient, earlier, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "2030-11-14"));
  g_clear_error (&error);
  assert_keep_until (vault, patient, "2030-11-14");

  g_assert_true (cfd_vault_set_patient_retention (vault, patient, later, &error));
  g_assert_no_error (error);
  assert_keep_until (vault, patient, "2040-01-01");
  /* Clearing it falls back to the rule, never below. */
  g_assert_true (cfd_vault_set_patient_retention (vault, patient, 0, &error));
  assert_keep_until (vault, patient, "2030-11-14");
}

static void
test_override (void)
{
  g_autoptr (CfdVault) vault = vault_at_occurred ();
  g_autofree char *patient = add_patient_born (vault, "Override Person", NULL);
  g_autofree char *name = name_of (vault, patient);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) dispositions = NULL;
  g_autofree char *therapist = NULL;
  CfdDisposition *d;

  add_signed_records (vault, patient, 3);
  g_assert_false (
      cfd_vault_delete_patient_overriding_retention (vault, patient, name, "  \n", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_delete_patient_overriding_retention (vault, patient, "Wrong Name",
                                                                 "Transferred.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Only the owner may override. */
  therapist = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "violet harbor quartz ladder",
                                  &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Theo", "violet harbor quartz ladder", &error));
  g_assert_false (cfd_vault_delete_patient_overriding_retention (
      vault, patient, name, "Records transferred to the new provider.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  dispositions = cfd_vault_list_dispositions (vault, &error);
  g_assert_null (dispositions);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));

  g_assert_true (cfd_vault_delete_patient_overriding_retention (
      vault, patient, name, "  Records transferred to the new provider.\n", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM records"), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'patient.delete-override' AND outcome = "
                                               "'success'"),
                   ==, 1);

  dispositions = cfd_vault_list_dispositions (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dispositions->len, ==, 1);
  d = g_ptr_array_index (dispositions, 0);
  g_assert_cmpstr (d->patient_id, ==, patient);
  g_assert_cmpstr (d->rule_id, ==, "apa-2007");
  g_assert_cmpint (d->retain_until, ==, 0); /* unknown: no birth date */
  g_assert_cmpstr (d->override_reason, ==, "Records transferred to the new provider.");
  g_assert_cmpstr (d->deleted_by, ==, cfd_vault_get_user_id (vault));
  g_assert_cmpint (d->deleted_at, ==, OCCURRED);

  /* The entry is immutable, and signed. */
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "DELETE FROM dispositions", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "DROP TRIGGER dispositions_append_only_update; "
                                 "UPDATE dispositions SET override_reason = 'Routine.'",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_clear_pointer (&dispositions, g_ptr_array_unref);
  dispositions = cfd_vault_list_dispositions (vault, &error);
  g_assert_null (dispositions);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/retention/eleven-records-refused", test_eleven_records_refused);
  g_test_add_func ("/confidant/retention/rules", test_rules);
  g_test_add_func ("/confidant/retention/leap-day", test_leap_day);
  g_test_add_func ("/confidant/retention/manual-only-extends", test_manual_only_extends);
  g_test_add_func ("/confidant/retention/override", test_override);
  return g_test_run ();
}
