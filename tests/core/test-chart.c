/* test-chart.c: the chart lists: signed entries, their history, tampering, the allergy rule, medication classes, the code list. */
#include "config.h"

#include <string.h>

#include "cfd-chart.h"
#include "cfd-date.h"
#include "cfd-demo.h"
#include "cfd-record.h"
#include "cfd-icd10.h"
#include "cfd-patient-key.h"
#include "cfd-test-util.h"

static GVariant *
fields_of (CfdChartList list, const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariant *fields = cfd_chart_fields_parse (list, text, strlen (text), &error);

  g_assert_no_error (error);
  return fields;
}

static char *
add (CfdVault *vault, const char *patient, CfdChartList list, const char *text)
{
  g_autoptr (GVariant) fields = fields_of (list, text);
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_add_chart_entry (vault, patient, list, fields, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static GListModel *
list_of (CfdVault *vault, const char *patient, CfdChartList list, gboolean include_closed)
{
  g_autoptr (GError) error = NULL;
  GListModel *model = cfd_vault_list_chart (vault, patient, list, include_closed, &error);

  g_assert_no_error (error);
  return model;
}

static CfdChartEntry *
item_at (GListModel *model, guint i)
{
  CfdChartEntry *entry = g_list_model_get_item (model, i);

  g_assert_nonnull (entry);
  g_object_unref (entry); /* the model keeps it alive */
  return entry;
}

static gint64
count_audit (CfdVault *vault, const char *action)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s' "
                                          "AND outcome = 'success'",
                                          action);

  return cfd_test_count_rows (vault, sql);
}

static void
raw_exec_ok (CfdVault *vault, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_problem_history (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Charted Person");
  g_autofree char *problem = NULL;
  g_autoptr (GListModel) active = NULL;
  g_autoptr (GListModel) all = NULL;
  g_autoptr (GListModel) history = NULL;
  g_autoptr (GVariant) change = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *described = NULL;
  CfdChartEntry *entry;

  /* The code alone: the title comes from the code list. */
  problem = add (vault, patient, CFD_CHART_PROBLEM, "code: F33.1\nonset: 2019-04\n");
  g_assert_cmpint (count_audit (vault, "chart.add"), ==, 1);
  active = list_of (vault, patient, CFD_CHART_PROBLEM, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (active), ==, 1);
  entry = item_at (active, 0);
  g_assert_cmpstr (cfd_chart_entry_get_item_id (entry), ==, problem);
  g_assert_cmpuint (cfd_chart_entry_get_revision (entry), ==, 1);
  g_assert_cmpstr (cfd_chart_entry_get_field (entry, CFD_CHART_TEXT), ==,
                   "Major depressive disorder, recurrent, moderate");
  g_assert_cmpstr (cfd_chart_entry_get_field (entry, CFD_CHART_STATUS), ==, "active");
  g_assert_cmpstr (cfd_chart_entry_get_actor_name (entry), ==, "Test Owner");
  described = cfd_chart_entry_describe (entry);
  g_assert_cmpstr (described, ==,
                   "F33.1 Major depressive disorder, recurrent, moderate (since 2019-04)");
  g_clear_object (&active);

  /* An edit is a new revision; an empty value removes the field. */
  change = fields_of (CFD_CHART_PROBLEM, "code: F33.2\ntext: MDD, recurrent, severe\nonset:\n");
  g_assert_true (cfd_vault_edit_chart_entry (vault, patient, problem, change, &error));
  g_assert_no_error (error);
  /* The same fields again change nothing, and are refused. */
  g_assert_false (cfd_vault_edit_chart_entry (vault, patient, problem, change, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cfd_vault_resolve_chart_entry (vault, patient, problem, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_vault_resolve_chart_entry (vault, patient, problem, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  active = list_of (vault, patient, CFD_CHART_PROBLEM, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (active), ==, 0);
  all = list_of (vault, patient, CFD_CHART_PROBLEM, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 1);
  entry = item_at (all, 0);
  g_assert_cmpuint (cfd_chart_entry_get_revision (entry), ==, 3);
  g_assert_cmpstr (cfd_chart_entry_get_field (entry, CFD_CHART_STATUS), ==, "resolved");
  g_assert_cmpstr (cfd_chart_entry_get_field (entry, CFD_CHART_CODE), ==, "F33.2");
  g_assert_null (cfd_chart_entry_get_field (entry, CFD_CHART_ONSET));

  history = cfd_vault_chart_history (vault, patient, problem, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 0), CFD_CHART_CODE), ==, "F33.1");
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 0), CFD_CHART_ONSET), ==,
                   "2019-04");
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 1), CFD_CHART_TEXT), ==,
                   "MDD, recurrent, severe");
  g_assert_cmpint (count_audit (vault, "chart.edit"), ==, 1);
  g_assert_cmpint (count_audit (vault, "chart.resolve"), ==, 1);
  g_assert_cmpint (count_audit (vault, "chart.history"), ==, 1);

  /* All lists at once: one read, one audit record. */
  {
    GListModel *lists[CFD_CHART_N_LISTS];
    gint64 before = count_audit (vault, "chart.list");

    g_assert_true (cfd_vault_list_chart_all (vault, patient, TRUE, lists, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count_audit (vault, "chart.list"), ==, before + 1);
    g_assert_cmpuint (g_list_model_get_n_items (lists[CFD_CHART_PROBLEM]), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (lists[CFD_CHART_ALLERGY]), ==, 0);
    for (guint i = 0; i < CFD_CHART_N_LISTS; i++)
      g_object_unref (lists[i]);
  }

  /* The sealed fields are not in the clear. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM chart_entries "
                                               "WHERE instr(sealed, 'F33') > 0"),
                   ==, 0);
}

static void
test_invalid_fields (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Invalid Person");
  static const struct
  {
    CfdChartList list;
    const char *text;
  } refused[] = {
    { CFD_CHART_PROBLEM, "onset: 2019\n" },                   /* no text */
    { CFD_CHART_PROBLEM, "code: 33.1\ntext: x\n" },           /* not a code */
    { CFD_CHART_PROBLEM, "text: x\nonset: 2019-13\n" },       /* no such month */
    { CFD_CHART_PROBLEM, "text: x\nstatus: stopped\n" },      /* another list's word */
    { CFD_CHART_PROBLEM, "text: x\ndose: 5 mg\n" },           /* another list's field */
    { CFD_CHART_ALLERGY, "reaction: hives\n" },               /* no substance */
    { CFD_CHART_ALLERGY, "substance: x\nseverity: awful\n" }, /* unknown severity */
    { CFD_CHART_ALLERGY, "nkda: yes\nsubstance: x\n" },       /* both */
    { CFD_CHART_MEDICATION, "name: x\nflags: sedative\n" },   /* unknown class */
    { CFD_CHART_TRIAL, "drug: x\nweeks: six\n" },             /* weeks not a number */
    { CFD_CHART_TRIAL, "drug: x\nresponse: great\n" },        /* unknown response */
  };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GVariant) fields = fields_of (refused[i].list, refused[i].text);
      g_autofree char *id
          = cfd_vault_add_chart_entry (vault, patient, refused[i].list, fields, &error);

      g_assert_null (id);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM chart_entries"), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'chart.add' AND outcome = 'failure'"),
                   ==, G_N_ELEMENTS (refused));
  g_assert_cmpint (count_audit (vault, "chart.add"), ==, 0);

  /* The parser refuses what is not "field: value" and repeated fields. */
  g_assert_null (cfd_chart_fields_parse (CFD_CHART_PROBLEM, "text x\n", 7, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cfd_chart_fields_parse (CFD_CHART_PROBLEM, "text: a\ntext: b\n", 16, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (cfd_chart_fields_parse (CFD_CHART_PROBLEM, "text: a\0b", 9, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

static void
test_allergies (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Allergic Person");
  g_autofree char *nkda = NULL;
  g_autofree char *penicillin = NULL;
  g_autoptr (GVariant) fields = NULL;
  g_autoptr (GListModel) active = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *described = NULL;
  char *refused;

  /* Nothing recorded is not "no known drug allergies": the list is empty
   * until someone says so. */
  active = list_of (vault, patient, CFD_CHART_ALLERGY, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (active), ==, 0);
  g_clear_object (&active);

  nkda = add (vault, patient, CFD_CHART_ALLERGY, "nkda: yes\n");
  fields = fields_of (CFD_CHART_ALLERGY, "nkda: yes\n");
  refused = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_ALLERGY, fields, &error);
  g_assert_null (refused);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&fields, g_variant_unref);

  fields = fields_of (CFD_CHART_ALLERGY, "substance: Penicillin\nreaction: hives\n"
                                         "severity: moderate\n");
  refused = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_ALLERGY, fields, &error);
  g_assert_null (refused);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Once "no known drug allergies" is inactive, the allergy goes in. */
  g_assert_true (cfd_vault_resolve_chart_entry (vault, patient, nkda, &error));
  penicillin = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_ALLERGY, fields, &error);
  g_assert_no_error (error);
  active = list_of (vault, patient, CFD_CHART_ALLERGY, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (active), ==, 1);
  described = cfd_chart_entry_describe (item_at (active, 0));
  g_assert_cmpstr (described, ==, "Penicillin (hives, moderate)");
  g_clear_pointer (&fields, g_variant_unref);

  /* And "no known drug allergies" cannot come back while it is active. */
  fields = fields_of (CFD_CHART_ALLERGY, "status: active\n");
  g_assert_false (cfd_vault_edit_chart_entry (vault, patient, nkda, fields, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

static void
test_medication_flags (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Medicated Person");
  g_autofree char *lorazepam = NULL;
  g_autofree char *other = NULL;
  g_autoptr (GListModel) active = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *flags = NULL;
  CfdChartEntry *entry;

  g_assert_cmpint (cfd_medication_flags_for_name ("Lorazepam 1 mg"), ==,
                   CFD_MEDICATION_BENZODIAZEPINE);
  g_assert_cmpint (cfd_medication_flags_for_name ("  PHENELZINE"), ==, CFD_MEDICATION_MAOI);
  g_assert_cmpint (cfd_medication_flags_for_name ("sertraline"), ==, 0);
  flags = cfd_medication_flags_to_string (CFD_MEDICATION_OPIOID | CFD_MEDICATION_Z_DRUG);
  g_assert_cmpstr (flags, ==, "z-drug opioid");

  /* A known name gains its class even when the clinician set none. */
  lorazepam = add (vault, patient, CFD_CHART_MEDICATION,
                   "name: Lorazepam\ndose: 1 mg\nfrequency: at night as needed\nstart: 2024\n");
  other = add (vault, patient, CFD_CHART_MEDICATION,
               "name: Compounded sleep aid\nflags: z-drug, stimulant\n");
  g_free (add (vault, patient, CFD_CHART_MEDICATION, "name: Sertraline\ndose: 100 mg\n"));
  active = list_of (vault, patient, CFD_CHART_MEDICATION, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (active), ==, 3);
  entry = item_at (active, 0);
  g_assert_cmpint (cfd_chart_entry_get_medication_flags (entry), ==, CFD_MEDICATION_BENZODIAZEPINE);
  g_assert_cmpint (cfd_chart_entry_get_medication_flags (item_at (active, 1)), ==,
                   CFD_MEDICATION_Z_DRUG | CFD_MEDICATION_STIMULANT);
  g_assert_cmpint (cfd_chart_entry_get_medication_flags (item_at (active, 2)), ==, 0);
  g_clear_object (&active);

  /* Stopping without a stop date records today's. */
  g_assert_true (cfd_vault_resolve_chart_entry (vault, patient, lorazepam, &error));
  g_assert_no_error (error);
  active = list_of (vault, patient, CFD_CHART_MEDICATION, TRUE);
  entry = item_at (active, 0);
  g_assert_cmpstr (cfd_chart_entry_get_field (entry, CFD_CHART_STATUS), ==, "stopped");
  g_assert_nonnull (cfd_chart_entry_get_field (entry, CFD_CHART_STOP));
  g_assert_false (cfd_chart_entry_get_active (entry));
}

static void
test_trials (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Treatment Resistant Person");
  g_autoptr (GListModel) trials = NULL;
  g_autofree char *described = NULL;

  g_free (add (vault, patient, CFD_CHART_TRIAL,
               "drug: Sertraline\ndose: 200 mg\nweeks: 8\nresponse: partial\n"));
  g_free (add (vault, patient, CFD_CHART_TRIAL,
               "drug: Venlafaxine XR\ndose: 225 mg\nweeks: 10\nresponse: none\n"));
  trials = list_of (vault, patient, CFD_CHART_TRIAL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (trials), ==, 2);
  described = cfd_chart_entry_describe (item_at (trials, 1));
  g_assert_cmpstr (described, ==, "Venlafaxine XR 225 mg (10 weeks, response: none)");
}

/* A plan's goal names a problem on the same chart; edits are signed
 * revisions; a goal met is "completed", the history kept. */
static void
test_plan (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Planned Person");
  g_autofree char *other = cfd_test_add_patient (vault, "Other Person");
  g_autofree char *problem = add (vault, patient, CFD_CHART_PROBLEM, "code: F33.1\n");
  g_autofree char *elsewhere = add (vault, other, CFD_CHART_PROBLEM, "code: F41.1\n");
  g_autofree char *text = NULL;
  g_autofree char *goal = NULL;
  g_autofree char *described = NULL;
  g_autoptr (GVariant) wrong = NULL;
  g_autoptr (GVariant) change = NULL;
  g_autoptr (GListModel) history = NULL;
  g_autoptr (GError) error = NULL;
  char *id;

  /* A problem of another patient, or none, is refused. */
  text = g_strdup_printf ("problem: %s\ngoal: PHQ-9 under 10\n", elsewhere);
  wrong = fields_of (CFD_CHART_PLAN, text);
  id = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_PLAN, wrong, &error);
  g_assert_null (id);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&wrong, g_variant_unref);
  wrong = fields_of (CFD_CHART_PLAN, "goal: PHQ-9 under 10\n");
  g_assert_null (cfd_vault_add_chart_entry (vault, patient, CFD_CHART_PLAN, wrong, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&wrong, g_variant_unref);
  wrong = fields_of (CFD_CHART_PLAN, "goal: x\nreview: 2027-02\n");
  g_assert_false (cfd_chart_fields_validate (CFD_CHART_PLAN, wrong, &error));
  g_clear_error (&error);

  g_free (text);
  text = g_strdup_printf ("problem: %s\ngoal: PHQ-9 under 10\ninterventions: ketamine-assisted "
                          "psychotherapy\nfrequency: weekly\nreview: 2027-02-01\n",
                          problem);
  goal = add (vault, patient, CFD_CHART_PLAN, text);
  change = fields_of (CFD_CHART_PLAN, "frequency: twice weekly\n");
  g_assert_true (cfd_vault_edit_chart_entry (vault, patient, goal, change, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_resolve_chart_entry (vault, patient, goal, &error));
  history = cfd_vault_chart_history (vault, patient, goal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 2), CFD_CHART_STATUS), ==,
                   "completed");
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 2), CFD_CHART_PLAN_PROBLEM), ==,
                   problem);
  described = cfd_chart_entry_describe (item_at (history, 1));
  g_assert_cmpstr (described, ==,
                   "PHQ-9 under 10 (ketamine-assisted psychotherapy, twice weekly, review "
                   "2027-02-01)");
  g_assert_cmpint (count_audit (vault, "chart.add"), ==, 3);
  g_assert_cmpint (count_audit (vault, "chart.edit"), ==, 1);
  g_assert_cmpint (count_audit (vault, "chart.resolve"), ==, 1);
}

/* An episode's completed sessions are the signed dosing records in its
 * dates, counted, never typed; closing it ends it today. */
static void
test_episodes (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDemoOptions options = { .patients = 2, .records_per_patient = 16, .seed = 11 };
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (CfdPatient) first_patient = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GListModel) episodes = NULL;
  g_autoptr (GVariant) wrong = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *episode = NULL;
  g_autofree char *narrow = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first_day = NULL;
  const char *patient;
  guint signed_dosing = 0, completed = 0;
  gint64 first = G_MAXINT64;

  g_assert_true (cfd_demo_populate (vault, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  patients = cfd_vault_list_patients (vault, FALSE, &error);
  first_patient = g_list_model_get_item (patients, 0);
  patient = cfd_patient_get_id (first_patient);
  records = cfd_vault_list_records (vault, patient, &error);
  for (guint r = 0; r < g_list_model_get_n_items (records); r++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, r);

      if (cfd_record_get_kind (record) == CFD_RECORD_DOSING
          && cfd_record_get_status (record) == CFD_RECORD_SIGNED)
        {
          signed_dosing++;
          first = MIN (first, cfd_record_get_occurred (record));
        }
    }
  g_assert_cmpuint (signed_dosing, >, 1);

  wrong = fields_of (CFD_CHART_EPISODE, "kind: induction\nstart: 2026-01-01\n");
  g_assert_false (cfd_chart_fields_validate (CFD_CHART_EPISODE, wrong, &error));
  g_clear_error (&error);
  g_clear_pointer (&wrong, g_variant_unref);
  wrong = fields_of (CFD_CHART_EPISODE, "kind: maintenance\nstart: 2026-03-01\nend: 2026-02-01\n");
  g_assert_false (cfd_chart_fields_validate (CFD_CHART_EPISODE, wrong, &error));
  g_clear_error (&error);
  g_clear_pointer (&wrong, g_variant_unref);
  /* A count is not a field one can type. */
  wrong = fields_of (CFD_CHART_EPISODE, "kind: other\nstart: 2026-01-01\ncompleted: 6\n");
  g_assert_false (cfd_chart_fields_validate (CFD_CHART_EPISODE, wrong, &error));
  g_clear_error (&error);

  episode = add (vault, patient, CFD_CHART_EPISODE,
                 "kind: first-series\nstart: 2000-01-01\nplanned: 6\n");
  /* Only the first session's day: one of them, at least. */
  first_day = cfd_date_format (first);
  text = g_strdup_printf ("kind: other\nstart: %s\nend: %s\n", first_day, first_day);
  narrow = add (vault, patient, CFD_CHART_EPISODE, text);
  episodes = list_of (vault, patient, CFD_CHART_EPISODE, TRUE);
  g_assert_true (
      cfd_vault_count_episode_sessions (vault, patient, item_at (episodes, 0), &completed, &error));
  g_assert_cmpuint (completed, ==, signed_dosing);
  g_assert_true (
      cfd_vault_count_episode_sessions (vault, patient, item_at (episodes, 1), &completed, &error));
  g_assert_cmpuint (completed, >=, 1);
  g_assert_cmpuint (completed, <, signed_dosing);

  g_assert_true (cfd_vault_resolve_chart_entry (vault, patient, episode, &error));
  g_clear_object (&episodes);
  episodes = list_of (vault, patient, CFD_CHART_EPISODE, TRUE);
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (episodes, 0), CFD_CHART_STATUS), ==,
                   "closed");
  g_assert_nonnull (cfd_chart_entry_get_field (item_at (episodes, 0), CFD_CHART_END));
  g_assert_false (cfd_vault_resolve_chart_entry (vault, patient, episode, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

/* The tampering attacks, on a plan's goal and an episode. */
static void
test_plan_tampering (void)
{
  /* "@" stands for the list attacked. */
  static const char *const attacks[] = {
    "UPDATE chart_entries SET time = time - 86400 WHERE revision = 2 AND list = '@'",
    "DELETE FROM chart_entries WHERE revision = 2 AND list = '@'",
    "UPDATE chart_entries SET list = 'problem' WHERE revision = 2 AND list = '@'",
    "UPDATE chart_entries SET sealed = (SELECT sealed FROM chart_entries WHERE revision = 1 AND "
    "list = '@') WHERE revision = 2 AND list = '@'",
  };
  static const char *const lists[] = { "plan", "episode" };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
      {
        g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
        g_autofree char *patient = cfd_test_add_patient (vault, "Tampered Plan");
        g_autofree char *problem = add (vault, patient, CFD_CHART_PROBLEM, "text: Insomnia\n");
        g_autofree char *text = l == 0 ? g_strdup_printf ("problem: %s\ngoal: Sleep\n", problem)
                                       : g_strdup ("kind: first-series\nstart: 2026-01-05\n");
        CfdChartList list = l == 0 ? CFD_CHART_PLAN : CFD_CHART_EPISODE;
        g_autofree char *entry = add (vault, patient, list, text);
        g_autoptr (GVariant) change = fields_of (list, "note: revised\n");
        g_autofree char *attack = NULL;
        g_autofree char *sql = NULL;
        g_autoptr (GListModel) model = NULL;
        g_autoptr (GError) error = NULL;

        g_assert_true (cfd_vault_edit_chart_entry (vault, patient, entry, change, &error));
        {
          g_auto (GStrv) parts = g_strsplit (attacks[i], "@", -1);

          attack = g_strjoinv (lists[l], parts);
        }
        sql = g_strdup_printf ("DROP TRIGGER chart_entries_immutable; %s", attack);
        raw_exec_ok (vault, sql);
        model = cfd_vault_list_chart (vault, patient, list, TRUE, &error);
        g_assert_null (model);
        g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
      }
}

static void
test_supervisor_refused (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Supervised Person");
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = cfd_vault_add_user (vault, "Sam Super", CFD_ROLE_SUPERVISOR,
                                                    "river lantern copper meadow", &error);
  g_autoptr (GVariant) fields = fields_of (CFD_CHART_PROBLEM, "text: Anxiety\n");
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Super", "river lantern copper meadow", &error));
  id = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_PROBLEM, fields, &error);
  g_assert_null (id);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

/* Each way of changing the stored rows without the author's key is
 * refused on reading, and the list reads TAMPERED rather than a shorter
 * or altered list. */
static void
test_tampering (void)
{
  static const char *const attacks[] = {
    /* A field changed under the signature: the time. */
    "UPDATE chart_entries SET time = time - 86400 WHERE revision = 2",
    /* The signature of another revision. */
    "UPDATE chart_entries SET signature = (SELECT signature FROM chart_entries WHERE revision = "
    "1) WHERE revision = 2",
    /* The first revision removed: the entry would seem to begin with the edit... */
    "DELETE FROM chart_entries WHERE revision = 1",
    /* ...or the latest one, rolling the entry back to what it was. */
    "DELETE FROM chart_entries WHERE revision = 2",
    /* Another user named as author. */
    "UPDATE chart_entries SET actor_id = 'someone-else' WHERE revision = 2",
    /* The entry moved to another list. */
    "UPDATE chart_entries SET list = 'allergy' WHERE revision = 2",
    /* Sealed fields of one revision put in another. */
    "UPDATE chart_entries SET sealed = (SELECT sealed FROM chart_entries WHERE revision = 1) "
    "WHERE revision = 2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
      g_autofree char *patient = cfd_test_add_patient (vault, "Tampered Person");
      g_autofree char *problem = add (vault, patient, CFD_CHART_PROBLEM, "text: Insomnia\n");
      g_autofree char *sql = NULL;
      g_autoptr (GVariant) change = fields_of (CFD_CHART_PROBLEM, "text: Chronic insomnia\n");
      g_autoptr (GListModel) model = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (cfd_vault_edit_chart_entry (vault, patient, problem, change, &error));
      g_free (add (vault, patient, CFD_CHART_PROBLEM, "text: Migraine\n"));
      /* The trigger refuses in-place changes (but for the sealed fields,
       * which key rotation re-seals); someone who drops it is caught by the
       * signatures. */
      if (g_str_has_prefix (attacks[i], "UPDATE") && strstr (attacks[i], "SET sealed") == NULL)
        g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), attacks[i],
                                       NULL, NULL, NULL),
                         !=, SQLITE_OK);
      sql = g_strdup_printf ("DROP TRIGGER chart_entries_immutable; %s", attacks[i]);
      raw_exec_ok (vault, sql);
      model = cfd_vault_list_chart (vault, patient, CFD_CHART_PROBLEM, TRUE, &error);
      g_assert_null (model);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
      g_clear_error (&error);
      /* Nothing is written on top of a tampered entry either. */
      g_assert_false (cfd_vault_resolve_chart_entry (vault, patient, problem, &error));
      g_assert_nonnull (error);
    }
}

static void
test_survives_key_rotation (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Rotated Person");
  g_autofree char *problem = add (vault, patient, CFD_CHART_PROBLEM, "code: F41.1\n");
  g_autoptr (GVariant) change = fields_of (CFD_CHART_PROBLEM, "onset: 2020\n");
  g_autoptr (GListModel) history = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_assert_true (cfd_vault_edit_chart_entry (vault, patient, problem, change, &error));
  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (vault, patient, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM chart_entries WHERE key_version <> 2"), ==,
      0);
  history = cfd_vault_chart_history (vault, patient, problem, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  g_assert_cmpstr (cfd_chart_entry_get_field (item_at (history, 1), CFD_CHART_ONSET), ==, "2020");
}

static void
test_code_list (void)
{
  guint n = 0;
  const CfdIcd10Code *codes = cfd_icd10_codes (&n);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;

  /* Every shipped code is one the problem list accepts, and is listed once. */
  g_assert_cmpuint (n, >, 50);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("code: %s\n", codes[i].code);
      g_autoptr (GVariant) fields = fields_of (CFD_CHART_PROBLEM, text);
      GVariantDict dict;
      g_autoptr (GVariant) with_title = NULL;

      g_variant_dict_init (&dict, fields);
      g_variant_dict_insert (&dict, CFD_CHART_TEXT, "s", codes[i].title);
      with_title = g_variant_ref_sink (g_variant_dict_end (&dict));
      g_assert_true (cfd_chart_fields_validate (CFD_CHART_PROBLEM, with_title, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (cfd_icd10_title (codes[i].code), ==, codes[i].title);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (codes[i].code, !=, codes[j].code);
    }

  found = cfd_icd10_search ("f33.4", 10);
  g_assert_cmpuint (found->len, ==, 3);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cfd_icd10_search ("recurrent MODERATE", 10);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((CfdIcd10Code *)found->pdata[0])->code, ==, "F33.1");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cfd_icd10_search ("aneurysm", 10);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_null (cfd_icd10_title ("F99.99"));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/chart/problem-history", test_problem_history);
  g_test_add_func ("/confidant/chart/invalid-fields", test_invalid_fields);
  g_test_add_func ("/confidant/chart/allergies", test_allergies);
  g_test_add_func ("/confidant/chart/medication-flags", test_medication_flags);
  g_test_add_func ("/confidant/chart/trials", test_trials);
  g_test_add_func ("/confidant/chart/plan", test_plan);
  g_test_add_func ("/confidant/chart/episodes", test_episodes);
  g_test_add_func ("/confidant/chart/plan-tampering", test_plan_tampering);
  g_test_add_func ("/confidant/chart/supervisor-refused", test_supervisor_refused);
  g_test_add_func ("/confidant/chart/tampering", test_tampering);
  g_test_add_func ("/confidant/chart/survives-key-rotation", test_survives_key_rotation);
  g_test_add_func ("/confidant/chart/code-list", test_code_list);
  return g_test_run ();
}
