/* test-ui-patient-page.c: a patient's page opens on the notes, filters them by kind and status, says why the timeline is empty, and shows the measure schedule. */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-chart-entry-dialog.h"
#include "cfd-patient-dialog.h"
#include "cfd-patient-page.h"

static GtkWidget *
get (CfdPatientPage *page, const char *id)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (page), id);
}

/* Every row the timeline shows passes check. */
static guint
count_rows (CfdPatientPage *page, CfdVault *vault, gboolean (*check) (CfdRecord *))
{
  GtkListBox *timeline = GTK_LIST_BOX (get (page, "timeline"));
  GtkListBoxRow *row;
  guint n = 0;

  for (; (row = gtk_list_box_get_row_at_index (timeline, n)) != NULL; n++)
    {
      g_autoptr (CfdRecord) record
          = cfd_vault_get_record (vault, g_object_get_data (G_OBJECT (row), "record-id"), NULL);

      g_assert_nonnull (record);
      if (check != NULL)
        g_assert_true (check (record));
    }
  return n;
}

static gboolean
is_dosing (CfdRecord *record)
{
  return cfd_record_get_kind (record) == CFD_RECORD_DOSING;
}

static gboolean
is_draft (CfdRecord *record)
{
  return cfd_record_get_status (record) == CFD_RECORD_DRAFT;
}

static const char *
timeline_state (CfdPatientPage *page)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (get (page, "timeline_stack")));
}

static void
test_filters (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDemoOptions options = { .patients = 1, .records_per_patient = 12, .seed = 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *empty_id = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdPatientPage *page = g_object_new (CFD_TYPE_PATIENT_PAGE, NULL);
  GtkDropDown *kind, *status;
  guint all, dosing, drafts;
  int minimum = 0;

  g_assert_true (cfd_demo_populate (vault, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  patients = cfd_vault_list_patients (vault, FALSE, &error);
  patient = g_list_model_get_item (patients, 0);
  /* One draft whatever the demo drew: the generator's draws differ with
   * the compiler (the order it evaluates a call's arguments in). */
  {
    GVariantDict dict;
    g_autoptr (GVariant) content = NULL;
    g_autofree char *draft = NULL;

    g_variant_dict_init (&dict, NULL);
    g_variant_dict_insert (&dict, "subjective", "s", "Half a thought");
    content = g_variant_ref_sink (g_variant_dict_end (&dict));
    draft = cfd_vault_create_record (vault, cfd_patient_get_id (patient), CFD_RECORD_PROGRESS,
                                     g_get_real_time () / G_USEC_PER_SEC - 3600, content, &error);
    g_assert_no_error (error);
    g_assert_nonnull (draft);
  }
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (cfd_patient_page_load (page, vault, cfd_patient_get_id (patient), &error));
  g_assert_no_error (error);
  /* The notes come first; measures and consent are a click away. */
  g_assert_cmpstr (
      adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (get (page, "section_stack"))), ==,
      "notes");
  all = count_rows (page, vault, NULL);
  g_assert_cmpuint (all, >=, 12);
  g_assert_cmpstr (timeline_state (page), ==, "timeline");

  kind = GTK_DROP_DOWN (get (page, "kind_filter"));
  status = GTK_DROP_DOWN (get (page, "status_filter"));
  gtk_drop_down_set_selected (kind, 1 + CFD_RECORD_DOSING);
  dosing = count_rows (page, vault, is_dosing);
  g_assert_cmpuint (dosing, >, 0);
  g_assert_cmpuint (dosing, <, all);

  gtk_drop_down_set_selected (kind, 0);
  gtk_drop_down_set_selected (status, 1);
  drafts = count_rows (page, vault, is_draft);
  g_assert_cmpuint (drafts, >, 0);
  g_assert_cmpuint (drafts, <, all);

  /* Measures are stored signed: no draft measure, and the page says so. */
  gtk_drop_down_set_selected (kind, 1 + CFD_RECORD_MEASURE);
  g_assert_cmpuint (count_rows (page, vault, NULL), ==, 0);
  g_assert_cmpstr (timeline_state (page), ==, "empty");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "No Matching Records"));

  /* The same patient reloaded (after a save) keeps the filters... */
  g_assert_true (cfd_patient_page_load (page, vault, cfd_patient_get_id (patient), &error));
  g_assert_cmpuint (gtk_drop_down_get_selected (kind), ==, 1 + CFD_RECORD_MEASURE);

  /* ...another patient starts unfiltered, and with no records says so in
   * full: the message is not cut off. */
  empty_id = cfd_test_add_patient (vault, "Nadia Emptychart");
  g_assert_true (cfd_patient_page_load (page, vault, empty_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gtk_drop_down_get_selected (kind), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (status), ==, 0);
  g_assert_cmpstr (timeline_state (page), ==, "empty");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "No Records Yet"));
  cfd_test_ui_spin (100);
  gtk_widget_measure (get (page, "empty_description"), GTK_ORIENTATION_VERTICAL,
                      gtk_widget_get_width (get (page, "empty_description")), &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (gtk_widget_get_height (get (page, "empty_description")), >=, minimum);
  g_assert_cmpint (minimum, >, 0);

  /* The measure schedule is shown with the patient's details. */
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (page), "Measures:"));
  {
    const char *rules[] = { "phq9:before-each-dosing", "pcl5:every-30-days", NULL };

    g_assert_true (cfd_vault_set_measure_schedule (vault, empty_id, rules, &error));
    g_assert_no_error (error);
  }
  g_assert_true (cfd_patient_page_load (page, vault, empty_id, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_test_ui_has_label (
      GTK_WIDGET (page), "Measures: PHQ-9 before each dosing session · PCL-5 every 30 days"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The chart section: what is recorded, and what is not, said as such. */
static void
test_chart_section (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *id = cfd_test_add_patient (vault, "Chart Person");
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdPatientPage *page = g_object_new (CFD_TYPE_PATIENT_PAGE, NULL);
  const char *lines[]
      = { "code: F33.1\n", "name: Lorazepam\ndose: 1 mg\n", "substance: Penicillin\n" };
  CfdChartList lists[] = { CFD_CHART_PROBLEM, CFD_CHART_MEDICATION, CFD_CHART_ALLERGY };

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_patient_page_load (page, vault, id, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Not recorded"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "None recorded"));

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr (GVariant) fields
          = cfd_chart_fields_parse (lists[i], lines[i], strlen (lines[i]), &error);
      g_autofree char *entry = cfd_vault_add_chart_entry (vault, id, lists[i], fields, &error);

      g_assert_no_error (error);
    }
  g_assert_true (cfd_patient_page_load (page, vault, id, &error));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page),
                                        "F33.1 Major depressive disorder, recurrent, moderate"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Lorazepam 1 mg"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "⚠ Benzodiazepine"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Penicillin"));
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (page), "Not recorded"));

  /* The code list is searchable from the page, and a code found there is
   * added as a signed problem. */
  gtk_editable_set_text (GTK_EDITABLE (get (page, "problem_search")), "generalized anxiety");
  cfd_test_ui_spin (400);
  g_signal_emit_by_name (get (page, "problem_add"), "clicked");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "F41.1 Generalized anxiety disorder"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get (page, "problem_search"))), ==, "");
  /* Locked: the text goes. */
  cfd_patient_page_clear (page);
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (page), "Penicillin"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The dialog the last click opened, its field named name. */
static CfdChartEntryDialog *
opened_dialog (void)
{
  CfdChartEntryDialog *dialog = cfd_test_ui_find_toplevel (CFD_TYPE_CHART_ENTRY_DIALOG);

  g_assert_nonnull (dialog);
  return dialog;
}

static GtkWidget *
field (CfdChartEntryDialog *dialog, const char *key)
{
  g_autofree char *name = g_strconcat ("field-", key, NULL);

  return get ((gpointer)dialog, name);
}

static void
type_into (CfdChartEntryDialog *dialog, const char *key, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (field (dialog, key)), text);
}

static guint
n_revisions (CfdVault *vault, const char *patient_id, CfdChartList list)
{
  g_autoptr (GListModel) entries = cfd_vault_list_chart (vault, patient_id, list, TRUE, NULL);
  g_autoptr (CfdChartEntry) entry = g_list_model_get_item (entries, 0);
  g_autoptr (GListModel) history
      = cfd_vault_chart_history (vault, patient_id, cfd_chart_entry_get_item_id (entry), NULL);

  return g_list_model_get_n_items (history);
}

/* Every list is added to, edited and closed from the Chart tab, each
 * change a signed revision from core, refused as confidant-cli refuses it. */
static void
test_chart_editing (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *id = cfd_test_add_patient (vault, "Editing Person");
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdPatientPage *page = g_object_new (CFD_TYPE_PATIENT_PAGE, NULL);
  CfdChartEntryDialog *dialog;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_patient_page_load (page, vault, id, &error));

  /* A medication: its class found from its name, then a new dose, then stopped. */
  g_signal_emit_by_name (get (page, "chart_add_medication"), "clicked");
  dialog = opened_dialog ();
  type_into (dialog, CFD_CHART_NAME, "Lorazepam");
  type_into (dialog, CFD_CHART_DOSE, "1 mg");
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Lorazepam 1 mg"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "⚠ Benzodiazepine"));
  g_signal_emit_by_name (get (page, "chart_edit"), "clicked");
  dialog = opened_dialog ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (dialog, CFD_CHART_DOSE))), ==,
                   "1 mg");
  g_assert_true (
      gtk_check_button_get_active (GTK_CHECK_BUTTON (get ((gpointer)dialog, "benzodiazepine"))));
  type_into (dialog, CFD_CHART_DOSE, "0.5 mg");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get ((gpointer)dialog, "opioid")), TRUE);
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Lorazepam 0.5 mg"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "⚠ Benzodiazepine, Opioid"));
  g_assert_cmpuint (n_revisions (vault, id, CFD_CHART_MEDICATION), ==, 2);
  g_signal_emit_by_name (get (page, "chart_resolve"), "clicked");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Stopped"));
  g_assert_cmpuint (n_revisions (vault, id, CFD_CHART_MEDICATION), ==, 3);
  /* A closed entry keeps its history and edit, not a second close. */
  g_assert_null (cfd_test_ui_find_widget (GTK_WIDGET (page), "chart_resolve"));

  /* No known drug allergies, then a named allergy: refused as the CLI
   * refuses it, the dialog kept open with what was typed. */
  g_signal_emit_by_name (get (page, "chart_add_allergy"), "clicked");
  dialog = opened_dialog ();
  gtk_check_button_set_active (GTK_CHECK_BUTTON (field (dialog, CFD_CHART_NKDA)), TRUE);
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "No known drug allergies"));
  g_signal_emit_by_name (get (page, "chart_add_allergy"), "clicked");
  dialog = opened_dialog ();
  type_into (dialog, CFD_CHART_SUBSTANCE, "Penicillin");
  g_assert_false (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (gtk_widget_get_visible (get ((gpointer)dialog, "chart_entry_error")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (dialog, CFD_CHART_SUBSTANCE))), ==,
                   "Penicillin");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (page), "Penicillin"));

  /* A trial: weeks must be a number; the response starts unanswered. */
  g_signal_emit_by_name (get (page, "chart_add_trial"), "clicked");
  dialog = opened_dialog ();
  type_into (dialog, CFD_CHART_DRUG, "Sertraline");
  type_into (dialog, CFD_CHART_WEEKS, "eight");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (field (dialog, CFD_CHART_RESPONSE))),
                    ==, 0);
  g_assert_false (cfd_chart_entry_dialog_save (dialog));
  type_into (dialog, CFD_CHART_WEEKS, "8");
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (dialog, CFD_CHART_RESPONSE)), 2);
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  {
    g_autoptr (GListModel) trials = cfd_vault_list_chart (vault, id, CFD_CHART_TRIAL, TRUE, NULL);
    g_autoptr (CfdChartEntry) trial = g_list_model_get_item (trials, 0);

    g_assert_cmpstr (cfd_chart_entry_get_field (trial, CFD_CHART_RESPONSE), ==, "partial");
    g_assert_cmpstr (cfd_chart_entry_get_field (trial, CFD_CHART_WEEKS), ==, "8");
  }

  /* A problem typed in words, without a code. */
  g_signal_emit_by_name (get (page, "chart_add_problem"), "clicked");
  dialog = opened_dialog ();
  type_into (dialog, CFD_CHART_TEXT, "Chronic insomnia");
  type_into (dialog, CFD_CHART_ONSET, "2019");
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Chronic insomnia"));

  /* A goal of the treatment plan, for that problem, chosen from the chart. */
  g_signal_emit_by_name (get (page, "chart_add_plan"), "clicked");
  dialog = opened_dialog ();
  type_into (dialog, CFD_CHART_GOAL, "Sleeps six hours most nights");
  g_assert_false (cfd_chart_entry_dialog_save (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (dialog, CFD_CHART_PLAN_PROBLEM)), 1);
  type_into (dialog, CFD_CHART_INTERVENTIONS, "CBT-I");
  type_into (dialog, CFD_CHART_REVIEW, "2027-03-01");
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "Sleeps six hours most nights"));

  /* An episode: no dosing session signed in it yet. */
  g_signal_emit_by_name (get (page, "chart_add_episode"), "clicked");
  dialog = opened_dialog ();
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (dialog, CFD_CHART_KIND)), 1);
  type_into (dialog, CFD_CHART_START, "2026-01-05");
  type_into (dialog, CFD_CHART_PLANNED, "6");
  g_assert_true (cfd_chart_entry_dialog_save (dialog));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "First series 2026-01-05"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (page), "0 sessions completed"));

  cfd_patient_page_clear (page);
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (page), "Chronic insomnia"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

/* Edit Patient: filled with the details, saved through core's checks; a
 * blank field removes its detail; a wrong date changes nothing. */
static void
test_edit_patient (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *id = cfd_test_add_patient (vault, "Dana Edit");
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (CfdPatient) after = NULL;
  g_autoptr (GVariant) details = NULL;
  CfdPatientDialog *dialog;
  gboolean saved = FALSE;

  details = g_variant_ref_sink (
      g_variant_new_parsed ("{'pronouns': <'they/them'>, 'mrn': <'A-1'>, 'sex': <'female'>}"));
  g_assert_true (cfd_vault_update_patient (vault, id, details, &error));
  patient = cfd_vault_get_patient (vault, id, &error);
  dialog = cfd_patient_dialog_new_edit (NULL, vault, patient);
  g_signal_connect_swapped (dialog, "saved", G_CALLBACK (set_true), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get ((gpointer)dialog, "mrn_row"))), ==,
                   "A-1");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get ((gpointer)dialog, "sex_row"))),
                    ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (get ((gpointer)dialog, "birth_date_row")), "1980-02-30");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "patient.add", NULL);
  g_assert_false (saved);
  g_assert_true (gtk_widget_get_visible (get ((gpointer)dialog, "error_label")));
  gtk_editable_set_text (GTK_EDITABLE (get ((gpointer)dialog, "birth_date_row")), "1980-02-03");
  gtk_editable_set_text (GTK_EDITABLE (get ((gpointer)dialog, "mrn_row")), "A-2");
  gtk_editable_set_text (GTK_EDITABLE (get ((gpointer)dialog, "pronouns_row")), "");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "patient.add", NULL);
  g_assert_true (saved);
  after = cfd_vault_get_patient (vault, id, &error);
  g_assert_cmpstr (cfd_patient_get_detail (after, CFD_PATIENT_MRN), ==, "A-2");
  g_assert_cmpstr (cfd_patient_get_detail (after, CFD_PATIENT_BIRTH_DATE), ==, "1980-02-03");
  g_assert_null (cfd_patient_get_detail (after, CFD_PATIENT_PRONOUNS));
  g_assert_cmpstr (cfd_patient_get_name (after), ==, cfd_patient_get_name (patient));
  g_assert_cmpstr (cfd_patient_get_sex (after), ==, "female");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/patient-page/filters", test_filters);
  g_test_add_func ("/confidant/ui/patient-page/chart-section", test_chart_section);
  g_test_add_func ("/confidant/ui/patient-page/chart-editing", test_chart_editing);
  g_test_add_func ("/confidant/ui/patient-page/edit-patient", test_edit_patient);
  return g_test_run ();
}
