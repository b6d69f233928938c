/* test-measure-schedule.c: a patient's measure schedule: its rules, who may set it, how it is stored, and the measures it puts on the worklist. */
#include "config.h"

#include <string.h>

#include "cfd-instrument.h"
#include "cfd-measure-schedule.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-test-util.h"
#include "cfd-worklist.h"

/* 2023-11-14 22:13:20 UTC */
#define OCCURRED G_GINT64_CONSTANT (1700000000)
#define DAY      G_GINT64_CONSTANT (86400)

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now * G_USEC_PER_SEC;
}

static void
test_rule_syntax (void)
{
  static const char *const refused[] = {
    "phq9",
    ":every-3-days",
    "phq9:",
    "phq9:weekly",
    "phq9:every-0-days",
    "phq9:every-3651-days",
    "phq9:every--1-days",
    "phq9:every-3-day",
    "phq9:every-x-days",
    "phq9:before-each-session",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdMeasureRule) before = cfd_measure_rule_parse ("phq9:before-each-dosing", &error);
  g_autoptr (CfdMeasureRule) monthly = cfd_measure_rule_parse ("pcl5:every-30-days", &error);
  g_autoptr (CfdMeasureRule) longest = cfd_measure_rule_parse ("gad7:every-3650-days", &error);
  g_autofree char *cadence = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (before->instrument_id, ==, "phq9");
  g_assert_cmpuint (before->every_days, ==, 0);
  g_assert_cmpstr (monthly->instrument_id, ==, "pcl5");
  g_assert_cmpuint (monthly->every_days, ==, 30);
  g_assert_cmpuint (longest->every_days, ==, CFD_MEASURE_SCHEDULE_MAX_DAYS);
  cadence = cfd_measure_cadence_to_string (30);
  g_assert_cmpstr (cadence, ==, "every-30-days");
  g_clear_pointer (&cadence, g_free);
  cadence = cfd_measure_cadence_to_string (0);
  g_assert_cmpstr (cadence, ==, "before-each-dosing");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (CfdMeasureRule) rule = cfd_measure_rule_parse (refused[i], &error);

      g_assert_null (rule);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
}

/* The rule itself, at its boundaries, with no vault. */
static void
test_due_boundaries (void)
{
  CfdMeasureRule before = { (char *)"phq9", 0 };
  CfdMeasureRule monthly = { (char *)"pcl5", 30 };
  gint64 now = OCCURRED + 100 * DAY;

  /* None yet: due whatever the cadence, dosing or not. */
  g_assert_true (cfd_measure_rule_is_due (&before, 0, 0, now));
  g_assert_true (cfd_measure_rule_is_due (&before, 0, OCCURRED, now));
  g_assert_true (cfd_measure_rule_is_due (&monthly, 0, 0, now));

  /* Before each dosing: a dosing after the latest measure makes it due; a
   * measure after (or at the same time as) the latest dosing clears it. */
  g_assert_false (cfd_measure_rule_is_due (&before, OCCURRED, 0, now));
  g_assert_true (cfd_measure_rule_is_due (&before, OCCURRED, OCCURRED + 1, now));
  g_assert_false (cfd_measure_rule_is_due (&before, OCCURRED, OCCURRED, now));
  g_assert_false (cfd_measure_rule_is_due (&before, OCCURRED + DAY, OCCURRED, now));

  /* Every 30 days: due at 30 days exactly, not a second before. */
  g_assert_false (cfd_measure_rule_is_due (&monthly, now - 30 * DAY + 1, 0, now));
  g_assert_true (cfd_measure_rule_is_due (&monthly, now - 30 * DAY, 0, now));
  g_assert_true (cfd_measure_rule_is_due (&monthly, now - 34 * DAY, 0, now));
  /* Dosing has nothing to do with an interval rule. */
  g_assert_false (cfd_measure_rule_is_due (&monthly, now - DAY, now, now));
}

static char *
schedule_text (CfdVault *vault, const char *patient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rules = cfd_vault_get_measure_schedule (vault, patient, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < rules->len; i++)
    {
      const CfdMeasureRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *cadence = cfd_measure_cadence_to_string (rule->every_days);

      g_string_append_printf (out, "%s%s:%s", i > 0 ? " " : "", rule->instrument_id, cadence);
    }
  return g_string_free (out, FALSE);
}

static void
test_set_show_clear (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Schedule Person");
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const char *rules[] = { "phq9:before-each-dosing", "pcl5:every-30-days", NULL };
  const char *unknown[] = { "phq9:before-each-dosing", "madrs:every-7-days", NULL };
  const char *twice[] = { "phq9:before-each-dosing", "phq9:every-7-days", NULL };

  text = schedule_text (vault, patient);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);

  g_assert_true (cfd_vault_set_measure_schedule (vault, patient, rules, &error));
  g_assert_no_error (error);
  text = schedule_text (vault, patient);
  g_assert_cmpstr (text, ==, "phq9:before-each-dosing pcl5:every-30-days");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (cfd_test_count_rows (vault,
                                        "SELECT count(*) FROM audit_log WHERE action = "
                                        "'patient.measure-schedule' AND outcome = 'success'"),
                   ==, 1);
  /* Sealed with the patient's details: nothing of it in the clear. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM patients WHERE "
                                               "instr(sealed, 'every-30-days') > 0"),
                   ==, 0);

  /* Refusals change nothing. */
  g_assert_false (cfd_vault_set_measure_schedule (vault, patient, unknown, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "madrs"));
  g_clear_error (&error);
  g_assert_false (cfd_vault_set_measure_schedule (vault, patient, twice, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  text = schedule_text (vault, patient);
  g_assert_cmpstr (text, ==, "phq9:before-each-dosing pcl5:every-30-days");
  g_clear_pointer (&text, g_free);

  /* A patient edit cannot slip a schedule in past its own action. */
  {
    GVariantDict d;
    g_autoptr (GVariant) details = NULL;
    GVariantBuilder schedule;

    g_variant_builder_init (&schedule, G_VARIANT_TYPE ("a(ss)"));
    g_variant_builder_add (&schedule, "(ss)", "gad7", "every-1-days");
    g_variant_dict_init (&d, NULL);
    g_variant_dict_insert_value (&d, CFD_PATIENT_MEASURE_SCHEDULE,
                                 g_variant_builder_end (&schedule));
    details = g_variant_ref_sink (g_variant_dict_end (&d));
    g_assert_false (cfd_vault_update_patient (vault, patient, details, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* Other details are edited around the schedule without losing it. */
  {
    GVariantDict d;
    g_autoptr (GVariant) details = NULL;

    g_variant_dict_init (&d, NULL);
    g_variant_dict_insert (&d, CFD_PATIENT_PRONOUNS, "s", "they/them");
    details = g_variant_ref_sink (g_variant_dict_end (&d));
    g_assert_true (cfd_vault_update_patient (vault, patient, details, &error));
    g_assert_no_error (error);
  }
  text = schedule_text (vault, patient);
  g_assert_cmpstr (text, ==, "phq9:before-each-dosing pcl5:every-30-days");
  g_clear_pointer (&text, g_free);

  g_assert_true (cfd_vault_set_measure_schedule (vault, patient, NULL, &error));
  g_assert_no_error (error);
  text = schedule_text (vault, patient);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpint (cfd_test_count_rows (vault,
                                        "SELECT count(*) FROM audit_log WHERE action = "
                                        "'patient.measure-schedule' AND outcome = 'success'"),
                   ==, 2);
}

static void
test_supervisor_refused (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Supervised Person");
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = cfd_vault_add_user (vault, "Sam Super", CFD_ROLE_SUPERVISOR,
                                                    "river lantern copper meadow", &error);
  const char *rules[] = { "phq9:every-7-days", NULL };

  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Super", "river lantern copper meadow", &error));
  g_assert_false (cfd_vault_set_measure_schedule (vault, patient, rules, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'patient.measure-schedule' AND outcome = 'denied'"),
                   ==, 1);
}

static GVariant *
dosing_content (void)
{
  GVariantDict d;
  GVariantBuilder vitals;

  g_variant_builder_init (&vitals, G_VARIANT_TYPE ("a(sqqqq)"));
  g_variant_builder_add (&vitals, "(sqqqq)", "10:05", 128, 82, 74, 98);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "iv");
  g_variant_dict_insert (&d, "weight-kg", "d", 80.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static void
add_dosing (CfdVault *vault, const char *patient, gint64 occurred, gboolean sign)
{
  g_autoptr (GVariant) content = dosing_content ();
  g_autoptr (GError) error = NULL;
  g_autofree char *id
      = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, occurred, content, &error);

  g_assert_no_error (error);
  if (sign)
    {
      g_assert_true (cfd_vault_sign_record (vault, id, &error));
      g_assert_no_error (error);
    }
}

static void
add_measure (CfdVault *vault, const char *patient, const char *instrument, gint64 occurred)
{
  int answers[CFD_INSTRUMENT_MAX_ITEMS] = { 0 };
  guint n = cfd_instrument_def_get_n_items (cfd_instrument_lookup (instrument));
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_add_instrument_measure (
      vault, patient, instrument, occurred, answers, n, CFD_MEASURE_MODE_SELF_REPORT, &error);

  g_assert_no_error (error);
}

/* "instrument: reason" lines of the measures due, each of them the
 * scheduled patient's. */
static char *
measures_due (CfdVault *vault, const char *patient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) items = cfd_vault_get_worklist (vault, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (CfdWorklistItem) item = g_list_model_get_item (items, i);

      if (cfd_worklist_item_get_kind (item) != CFD_WORKLIST_MEASURE_DUE)
        continue;
      g_assert_cmpstr (cfd_worklist_kind_to_string (CFD_WORKLIST_MEASURE_DUE), ==, "measure-due");
      g_assert_cmpstr (cfd_worklist_item_get_patient_id (item), ==, patient);
      g_string_append_printf (out, "%s: %s\n", cfd_worklist_item_get_instrument_id (item),
                              cfd_worklist_item_get_reason (item));
    }
  return g_string_free (out, FALSE);
}

static void
test_worklist (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *unscheduled = NULL;
  g_autofree char *list = NULL;
  g_autoptr (GError) error = NULL;
  const char *rules[] = { "phq9:before-each-dosing", "pcl5:every-30-days", NULL };

  fake_now = OCCURRED;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Ada Scheduled");
  unscheduled = cfd_test_add_patient (vault, "Bo Unscheduled");
  g_assert_true (cfd_vault_set_measure_schedule (vault, patient, rules, &error));
  g_assert_no_error (error);

  /* None yet: both are due; a patient without a schedule has nothing due. */
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "pcl5: no PCL-5 yet\nphq9: no PHQ-9 yet\n");
  g_clear_pointer (&list, g_free);

  add_measure (vault, patient, "phq9", OCCURRED);
  add_measure (vault, patient, "pcl5", OCCURRED);
  add_measure (vault, unscheduled, "pcl5", OCCURRED - 300 * DAY);
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  /* A draft dosing record is no session yet; a signed one after the
   * latest PHQ-9 asks for the next. */
  add_dosing (vault, patient, OCCURRED + DAY, FALSE);
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);
  add_dosing (vault, patient, OCCURRED + DAY, TRUE);
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "phq9: PHQ-9 before the next dosing session\n");
  g_clear_pointer (&list, g_free);

  /* A PHQ-9 after that dosing clears it. */
  add_measure (vault, patient, "phq9", OCCURRED + 2 * DAY);
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  /* The PCL-5 comes due at 30 days exactly. */
  fake_now = OCCURRED + 30 * DAY - 1;
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);
  fake_now = OCCURRED + 30 * DAY;
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "pcl5: last PCL-5 30 days ago\n");
  g_clear_pointer (&list, g_free);
  fake_now = OCCURRED + 34 * DAY + 3600;
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "pcl5: last PCL-5 34 days ago\n");
  g_clear_pointer (&list, g_free);

  /* Clearing the schedule takes its items off. */
  g_assert_true (cfd_vault_set_measure_schedule (vault, patient, NULL, &error));
  g_assert_no_error (error);
  list = measures_due (vault, patient);
  g_assert_cmpstr (list, ==, "");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/measure-schedule/rule-syntax", test_rule_syntax);
  g_test_add_func ("/confidant/measure-schedule/due-boundaries", test_due_boundaries);
  g_test_add_func ("/confidant/measure-schedule/set-show-clear", test_set_show_clear);
  g_test_add_func ("/confidant/measure-schedule/supervisor-refused", test_supervisor_refused);
  g_test_add_func ("/confidant/measure-schedule/worklist", test_worklist);
  return g_test_run ();
}
