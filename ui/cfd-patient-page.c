/* cfd-patient-page.c: one patient: details, risk flag, latest measures and the timeline. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-consent-panel.h"
#include "cfd-measure-panel.h"
#include "cfd-chart-lists.h"
#include "cfd-patient-dialog.h"
#include "cfd-problem-picker.h"
#include "cfd-patient-page.h"
#include "cfd-disclosures-window.h"
#include "cfd-record-export.h"
#include "cfd-risk-flag-dialog.h"
#include "cfd-ui-util.h"

struct _CfdPatientPage
{
  GtkWidget parent_instance;

  CfdVault *vault;
  char *patient_id;
  CfdPatient *patient;
  GListModel *records;
  /* records as the kind and status filters let them through. */
  GtkFilter *filter;
  GtkFilterListModel *shown;

  AdwViewSwitcherTitle *title;
  AdwViewStack *section_stack;
  GtkWidget *back_button;
  GtkLabel *name_label;
  GtkLabel *details_label;
  GtkWidget *risk_box;
  GtkLabel *phq9_label;
  GtkLabel *gad7_label;
  GtkWidget *measures_box;
  GtkWidget *chart_lists;    /* made in init, in the Chart tab */
  GtkWidget *problem_picker; /* under it; clinicians only */
  CfdMeasurePanel *measure_panel;
  CfdConsentPanel *consent_panel;
  GtkWidget *history_button;
  GtkWidget *record_menu_button;
  GtkMenuButton *new_record_button;
  GtkScrolledWindow *scroller;
  GtkStack *timeline_stack;
  GtkListBox *timeline;
  GtkDropDown *kind_filter;
  GtkDropDown *status_filter;
  GtkLabel *empty_title;
  GtkLabel *empty_description;
};

G_DEFINE_FINAL_TYPE (CfdPatientPage, cfd_patient_page, GTK_TYPE_WIDGET)

enum
{
  OPEN_RECORD,
  RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Only a folded window hides the patient list and so needs a way back;
 * it is also too narrow for New Record's label, which becomes its tooltip. */
void
cfd_patient_page_set_show_back_button (CfdPatientPage *self, gboolean show)
{
  g_return_if_fail (CFD_IS_PATIENT_PAGE (self));
  gtk_widget_set_visible (self->back_button, show);
  if (show)
    gtk_menu_button_set_icon_name (self->new_record_button, "document-new-symbolic");
  else
    {
      GtkWidget *content = adw_button_content_new ();

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "document-new-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _ ("New Record"));
      gtk_menu_button_set_child (self->new_record_button, content);
    }
}

const char *
cfd_patient_page_get_patient_id (CfdPatientPage *self)
{
  g_return_val_if_fail (CFD_IS_PATIENT_PAGE (self), NULL);
  return self->patient_id;
}

CfdPatient *
cfd_patient_page_get_patient (CfdPatientPage *self)
{
  g_return_val_if_fail (CFD_IS_PATIENT_PAGE (self), NULL);
  return self->patient;
}

void
cfd_patient_page_show_new_record_menu (CfdPatientPage *self)
{
  g_return_if_fail (CFD_IS_PATIENT_PAGE (self));

  /* A supervisor's page has the items disabled: the menu opens, empty of
   * choices, as the button's would. */
  if (self->patient_id != NULL && gtk_widget_get_mapped (GTK_WIDGET (self->new_record_button)))
    gtk_menu_button_popup (self->new_record_button);
}

void
cfd_patient_page_clear (CfdPatientPage *self)
{
  g_return_if_fail (CFD_IS_PATIENT_PAGE (self));

  g_clear_object (&self->patient);
  gtk_list_box_bind_model (self->timeline, NULL, NULL, NULL, NULL);
  cfd_measure_panel_clear (self->measure_panel);
  cfd_consent_panel_clear (self->consent_panel);
  g_clear_object (&self->shown);
  g_clear_object (&self->records);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
  adw_view_switcher_title_set_title (self->title, "");
  adw_view_switcher_title_set_subtitle (self->title, "");
  gtk_label_set_label (self->name_label, "");
  gtk_label_set_label (self->details_label, "");
  gtk_label_set_label (self->phq9_label, "");
  gtk_label_set_label (self->gad7_label, "");
  gtk_widget_set_visible (self->risk_box, FALSE);
  gtk_widget_set_visible (self->measures_box, FALSE);
  cfd_chart_lists_load (CFD_CHART_LISTS (self->chart_lists), NULL, NULL);
  cfd_problem_picker_set_patient (CFD_PROBLEM_PICKER (self->problem_picker), NULL, NULL);
}

static const char *
band_label (const char *band)
{
  if (g_strcmp0 (band, "minimal") == 0)
    return _ ("minimal");
  if (g_strcmp0 (band, "mild") == 0)
    return _ ("mild");
  if (g_strcmp0 (band, "moderate") == 0)
    return _ ("moderate");
  if (g_strcmp0 (band, "moderately severe") == 0)
    return _ ("moderately severe");
  if (g_strcmp0 (band, "severe") == 0)
    return _ ("severe");
  return band != NULL ? band : "";
}

/* "PHQ-9 14 · moderate", or NULL when the record is not a scored measure. */
static char *
describe_measure (CfdRecord *record, CfdInstrument *instrument_out)
{
  GVariant *content = cfd_record_get_content (record); /* transfer none */
  const char *instrument_id = NULL;
  const char *band = NULL;
  gint64 total = 0;
  CfdInstrument instrument;

  if (content == NULL || !g_variant_lookup (content, "instrument", "&s", &instrument_id)
      || !g_variant_lookup (content, "total", "x", &total)
      || !cfd_instrument_from_string (instrument_id, &instrument))
    return NULL;
  g_variant_lookup (content, "band", "&s", &band);
  if (instrument_out != NULL)
    *instrument_out = instrument;
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " · %s",
                          instrument == CFD_INSTRUMENT_PHQ9 ? _ ("PHQ-9") : _ ("GAD-7"), total,
                          band_label (band));
}

/* Any other instrument with its definition installed: its name, then the
 * total and band, or the mean, and the rule's result. */
static char *
describe_any_measure (CfdRecord *record)
{
  g_autoptr (CfdMeasureReading) reading = NULL;
  g_autoptr (GString) text = NULL;
  const CfdInstrumentBand *band = NULL;
  const char *result;
  char *legacy = describe_measure (record, NULL);

  if (legacy != NULL)
    return legacy;
  reading = cfd_measure_reading_new (cfd_record_get_content (record));
  if (reading == NULL)
    return NULL;
  text = g_string_new (cfd_instrument_def_get_name (reading->def));
  if (reading->has_total)
    {
      g_string_append_printf (text, " %" G_GINT64_FORMAT, reading->total);
      if (reading->total >= 0 && reading->total <= G_MAXINT)
        band = cfd_instrument_def_band_for_total (reading->def, (int)reading->total);
    }
  else if (reading->has_mean)
    g_string_append_printf (text, " %.1f", reading->mean);
  if (band != NULL)
    g_string_append_printf (text, " · %s", band->label);
  result = cfd_instrument_def_result_label (reading->def, reading->result);
  if (result != NULL)
    g_string_append_printf (text, " · %s", result);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
show_latest_measures (CfdPatientPage *self)
{
  guint n = g_list_model_get_n_items (self->records);
  gboolean have_phq9 = FALSE, have_gad7 = FALSE;

  /* The timeline is newest first: the first of each instrument is the latest. */
  for (guint i = 0; i < n && !(have_phq9 && have_gad7); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (self->records, i);
      g_autofree char *text = NULL;
      CfdInstrument instrument;

      if (cfd_record_get_kind (record) != CFD_RECORD_MEASURE)
        continue;
      text = describe_measure (record, &instrument);
      if (text == NULL)
        continue;
      if (instrument == CFD_INSTRUMENT_PHQ9 && !have_phq9)
        {
          gtk_label_set_label (self->phq9_label, text);
          have_phq9 = TRUE;
        }
      else if (instrument == CFD_INSTRUMENT_GAD7 && !have_gad7)
        {
          gtk_label_set_label (self->gad7_label, text);
          have_gad7 = TRUE;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->phq9_label), have_phq9);
  gtk_widget_set_visible (GTK_WIDGET (self->gad7_label), have_gad7);
  gtk_widget_set_visible (self->measures_box, have_phq9 || have_gad7);
}

static GtkWidget *
badge_new (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "badge");
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* The measure that raised (or keeps up) the patient's risk flag. */
static gboolean
record_raises_risk (CfdRecord *record)
{
  GVariant *content = cfd_record_get_content (record); /* transfer none */
  const char *instrument = NULL;
  gint64 item9 = 0;

  return content != NULL && g_variant_lookup (content, "instrument", "&s", &instrument)
         && g_strcmp0 (instrument, "phq9") == 0 && g_variant_lookup (content, "item-9", "x", &item9)
         && item9 > 0;
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  CfdRecord *record = item;
  CfdRecordKind kind = cfd_record_get_kind (record);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (cfd_ui_kind_icon (kind));
  g_autofree char *date = cfd_ui_format_date (cfd_record_get_occurred (record));
  g_autofree char *measure = NULL;
  gboolean signed_ = cfd_record_get_status (record) == CFD_RECORD_SIGNED;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cfd_ui_kind_title (kind));
  if (kind == CFD_RECORD_MEASURE && (measure = describe_any_measure (record)) != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s — %s", date, measure);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), date);
  if (kind == CFD_RECORD_ADDENDUM)
    gtk_widget_set_margin_start (icon, 24);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (kind == CFD_RECORD_MEASURE && record_raises_risk (record))
    {
      GtkWidget *risk = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (risk, "warning");
      gtk_widget_set_tooltip_text (risk, _ ("PHQ-9 item 9 above 0: thoughts of self-harm"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (risk), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Risk: PHQ-9 item 9 above 0"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), risk);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), signed_ ? badge_new (_ ("Signed"), "signed")
                                                           : badge_new (_ ("Draft"), "draft"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "record-id", g_strdup (cfd_record_get_id (record)),
                          g_free);
  return row;
}

/* The kind filter lists "All Kinds" and then the kinds in their enum's order. */
G_STATIC_ASSERT (CFD_RECORD_INTEGRATION == 0 && CFD_RECORD_LAST_KIND == 8);

enum
{
  STATUS_ANY,
  STATUS_DRAFT,
  STATUS_SIGNED,
};

static gboolean
record_passes_filters (CfdPatientPage *self, CfdRecord *record)
{
  guint kind = gtk_drop_down_get_selected (self->kind_filter);
  guint status = gtk_drop_down_get_selected (self->status_filter);
  gboolean signed_ = cfd_record_get_status (record) == CFD_RECORD_SIGNED;

  if (kind != 0 && kind != GTK_INVALID_LIST_POSITION
      && (guint)cfd_record_get_kind (record) != kind - 1)
    return FALSE;
  if (status == STATUS_DRAFT && signed_)
    return FALSE;
  if (status == STATUS_SIGNED && !signed_)
    return FALSE;
  return TRUE;
}

static gboolean
record_shown (gpointer item, gpointer user_data)
{
  return record_passes_filters (CFD_PATIENT_PAGE (user_data), CFD_RECORD (item));
}

/* The timeline, or why it is empty: no records at all, or none that the
 * filters let through. */
static void
update_timeline_state (CfdPatientPage *self)
{
  guint n = self->records != NULL ? g_list_model_get_n_items (self->records) : 0;
  guint shown = self->shown != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->shown)) : 0;

  if (n == 0)
    {
      gtk_label_set_label (self->empty_title, _ ("No Records Yet"));
      gtk_label_set_label (self->empty_description,
                           _ ("Use “New Record” to write the first note: an intake, a dosing "
                              "session or an integration session. Drafts save themselves as you "
                              "type."));
    }
  else
    {
      gtk_label_set_label (self->empty_title, _ ("No Matching Records"));
      gtk_label_set_label (self->empty_description,
                           _ ("None of this patient’s records is of that kind and status."));
    }
  gtk_stack_set_visible_child_name (self->timeline_stack, shown > 0 ? "timeline" : "empty");
}

static void
filter_changed (CfdPatientPage *self)
{
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_timeline_state (self);
}

static void
row_activated (CfdPatientPage *self, GtkListBoxRow *row)
{
  const char *record_id = g_object_get_data (G_OBJECT (row), "record-id");

  if (record_id != NULL)
    g_signal_emit (self, signals[OPEN_RECORD], 0, record_id);
}

/* "Keep records until 2030-11-14 (APA Record Keeping Guidelines (2007),
 * guideline 7)": what deleting this patient waits for. */
/* "Measures: PHQ-9 before each dosing session · PCL-5 every 30 days": what
 * the worklist will ask for (set with confidant-cli measure schedule). */
static void
append_measure_schedule (GString *details, CfdPatient *patient)
{
  g_autoptr (GPtrArray) rules = cfd_patient_get_measure_schedule (patient);

  if (rules->len == 0)
    return;
  if (details->len > 0)
    g_string_append_c (details, '\n');
  g_string_append (details, _ ("Measures:"));
  for (guint i = 0; i < rules->len; i++)
    {
      const CfdMeasureRule *rule = g_ptr_array_index (rules, i);
      const CfdInstrumentDef *def = cfd_instrument_lookup (rule->instrument_id);
      const char *name = def != NULL ? cfd_instrument_def_get_name (def) : rule->instrument_id;

      g_string_append (details, i == 0 ? " " : " · ");
      if (rule->every_days == 0)
        g_string_append_printf (details, _ ("%s before each dosing session"), name);
      else
        g_string_append_printf (
            details,
            g_dngettext (GETTEXT_PACKAGE, "%s every day", "%s every %u days", rule->every_days),
            name, rule->every_days);
    }
}

static void
append_retention (GString *details, CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *until = NULL;
  CfdRetention retention;

  if (!cfd_vault_get_patient_retention (vault, patient_id, &retention, &error))
    return;
  if (details->len > 0)
    g_string_append_c (details, '\n');
  switch (retention.status)
    {
      case CFD_RETENTION_NOTHING_SIGNED:
        g_string_append (details, _ ("Nothing signed yet: no retention date"));
        break;
      case CFD_RETENTION_UNKNOWN:
        g_string_append_printf (details, _ ("Keep records: date unknown without a birth date (%s)"),
                                retention.rule->citation);
        break;
      case CFD_RETENTION_KNOWN:
        {
          g_autofree char *iso = cfd_date_format (retention.keep_until);

          until = cfd_ui_format_calendar_date (iso);
        }
        if (retention.manual_until > retention.rule_until)
          g_string_append_printf (details, _ ("Keep records until %s (set by hand)"), until);
        else
          g_string_append_printf (details, _ ("Keep records until %s (%s)"), until,
                                  retention.rule->citation);
        break;
    }
}

gboolean
cfd_patient_page_load (CfdPatientPage *self,
                       CfdVault *vault,
                       const char *patient_id,
                       GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GString) details = g_string_new (NULL);
  const char *birth, *pronouns, *contact, *emergency;

  g_return_val_if_fail (CFD_IS_PATIENT_PAGE (self), FALSE);

  patient = cfd_vault_get_patient (vault, patient_id, error);
  if (patient == NULL)
    return FALSE;
  records = cfd_vault_list_records (vault, patient_id, error);
  if (records == NULL)
    return FALSE;

  /* Another patient opens on their notes, unfiltered; the same patient
   * reloaded (after a save) keeps what was chosen. */
  if (g_strcmp0 (self->patient_id, patient_id) != 0)
    {
      gtk_drop_down_set_selected (self->kind_filter, 0);
      gtk_drop_down_set_selected (self->status_filter, STATUS_ANY);
      adw_view_stack_set_visible_child_name (self->section_stack, "notes");
    }
  g_object_ref (vault);
  cfd_patient_page_clear (self);
  self->vault = vault;
  self->patient_id = g_strdup (patient_id);
  self->records = g_steal_pointer (&records);
  self->patient = g_object_ref (patient);

  /* Another patient's page starts at its top, where name, age and risk
   * are; they stay pinned there (and in the header) while it scrolls. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  adw_view_switcher_title_set_title (self->title, cfd_patient_get_name (patient));
  {
    g_autofree char *identity = cfd_ui_patient_identity (patient);
    const char *age = strstr (identity, " · ");

    adw_view_switcher_title_set_subtitle (self->title, age != NULL ? age + strlen (" · ") : "");
  }
  gtk_label_set_label (self->name_label, cfd_patient_get_name (patient));
  birth = cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE);
  pronouns = cfd_patient_get_detail (patient, CFD_PATIENT_PRONOUNS);
  contact = cfd_patient_get_detail (patient, CFD_PATIENT_CONTACT);
  emergency = cfd_patient_get_detail (patient, CFD_PATIENT_EMERGENCY_CONTACT);
  if (birth != NULL && birth[0] != '\0')
    {
      g_autofree char *born = cfd_ui_format_calendar_date (birth);

      g_string_append_printf (details, _ ("Born %s"), born);
    }
  if (pronouns != NULL && pronouns[0] != '\0')
    g_string_append_printf (details, "%s%s", details->len > 0 ? " · " : "", pronouns);
  if (contact != NULL && contact[0] != '\0')
    g_string_append_printf (details, "%s%s", details->len > 0 ? "\n" : "", contact);
  if (emergency != NULL && emergency[0] != '\0')
    g_string_append_printf (details, "%s%s %s", details->len > 0 ? "\n" : "", _ ("Emergency:"),
                            emergency);
  append_measure_schedule (details, patient);
  append_retention (details, vault, patient_id);
  gtk_label_set_label (self->details_label, details->str);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), details->len > 0);
  gtk_widget_set_visible (self->risk_box, cfd_patient_get_risk_flag (patient));

  show_latest_measures (self);
  cfd_chart_lists_load (CFD_CHART_LISTS (self->chart_lists), vault, patient_id);
  cfd_problem_picker_set_patient (CFD_PROBLEM_PICKER (self->problem_picker), vault, patient_id);
  /* A supervisor reads the chart under consent and adds nothing to it. */
  gtk_widget_set_visible (self->problem_picker,
                          cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  cfd_measure_panel_load (self->measure_panel, vault, patient_id, self->records);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->history_button), "s", patient_id);
  /* A supervisor reads under consent and writes nothing. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-record",
                                 cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  /* Nor does a supervisor disclose: consent covers review, not release. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.export-pdf",
                                 cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.print",
                                 cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.disclosures",
                                 cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.edit",
                                 cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  gtk_widget_set_visible (self->record_menu_button,
                          cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  if (!cfd_consent_panel_load (self->consent_panel, vault, patient_id, error))
    return FALSE;
  self->shown
      = gtk_filter_list_model_new (g_object_ref (self->records), g_object_ref (self->filter));
  gtk_list_box_bind_model (self->timeline, G_LIST_MODEL (self->shown), create_row, self, NULL);
  update_timeline_state (self);
  return TRUE;
}

static void
new_record_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autofree char *record_id = NULL;
  CfdRecordKind kind = CFD_RECORD_DOSING;
  gboolean carry_forward
      = g_strcmp0 (g_variant_get_string (parameter, NULL), "dosing-carry-forward") == 0;

  if (self->vault == NULL || self->patient_id == NULL
      || (!carry_forward
          && !cfd_record_kind_from_string (g_variant_get_string (parameter, NULL), &kind)))
    return;

  /* A new record is an empty draft from the start, so autosave and locking
   * always have a record to save into. A dosing session may start from the
   * last signed one: its order and weight, to be confirmed. */
  content = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  if (carry_forward)
    record_id = cfd_vault_carry_forward_dosing (self->vault, self->patient_id,
                                                g_get_real_time () / G_USEC_PER_SEC, &error);
  else
    record_id = cfd_vault_create_record (self->vault, self->patient_id, kind,
                                         g_get_real_time () / G_USEC_PER_SEC, content, &error);
  if (record_id == NULL)
    {
      cfd_ui_toast_error (widget, _ ("The record could not be created"), error);
      return;
    }
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  g_signal_emit (self, signals[OPEN_RECORD], 0, record_id);
}

static void
new_record_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cfd_patient_page_show_new_record_menu (CFD_PATIENT_PAGE (widget));
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (widget);

  if (self->vault == NULL || self->patient_id == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  cfd_record_export_ask (widget, self->vault, self->patient_id,
                         g_str_equal (action_name, "patient.print") ? CFD_RECORD_DOCUMENT_PRINT
                                                                    : CFD_RECORD_DOCUMENT_EXPORT);
}

static void
risk_flag_changed (CfdPatientPage *self)
{
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}

static void
disclosures_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (widget);
  CfdDisclosuresWindow *window;

  if (self->vault == NULL || self->patient_id == NULL || !cfd_vault_is_unlocked (self->vault)
      || cfd_vault_get_user_role (self->vault) == CFD_ROLE_SUPERVISOR)
    return;
  /* The name the page shows: reading the patient again would be a second access. */
  window = cfd_disclosures_window_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault,
                                       self->patient_id, gtk_label_get_label (self->name_label));
  gtk_window_present (GTK_WINDOW (window));
}

static void
patient_edited (CfdPatientPage *self)
{
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}

/* Demographics of an existing patient: the owner and therapists, under
 * the same checks and audit (patient.edit) as confidant-cli patient edit. */
static void
edit_patient_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (widget);
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;
  CfdPatientDialog *dialog;

  if (self->vault == NULL || self->patient_id == NULL || !cfd_vault_is_unlocked (self->vault)
      || cfd_vault_get_user_role (self->vault) == CFD_ROLE_SUPERVISOR)
    return;
  patient = cfd_vault_get_patient (self->vault, self->patient_id, &error);
  if (patient == NULL)
    {
      cfd_ui_toast_error (widget, _ ("The patient could not be read"), error);
      return;
    }
  dialog = cfd_patient_dialog_new_edit (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault,
                                        patient);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (patient_edited), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
risk_flag_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  CfdRiskFlagDialog *dialog;

  if (self->vault == NULL || self->patient_id == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  dialog = cfd_risk_flag_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault,
                                     self->patient_id, &error);
  if (dialog == NULL)
    {
      cfd_ui_toast_error (widget, _ ("The risk flag could not be read"), error);
      return;
    }
  g_signal_connect_object (dialog, "changed", G_CALLBACK (risk_flag_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
measures_changed (CfdPatientPage *self)
{
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}

static void
cfd_patient_page_dispose (GObject *object)
{
  CfdPatientPage *self = CFD_PATIENT_PAGE (object);

  cfd_patient_page_clear (self);
  g_clear_object (&self->filter);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_PATIENT_PAGE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_patient_page_parent_class)->dispose (object);
}

static void
cfd_patient_page_class_init (CfdPatientPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_patient_page_dispose;

  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RECORDS_CHANGED] = g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CFD_TYPE_MEASURE_PANEL);
  g_type_ensure (CFD_TYPE_CONSENT_PANEL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-patient-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, title);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, details_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, risk_box);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, phq9_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, gad7_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, measures_box);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, measure_panel);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, consent_panel);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, history_button);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, record_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, new_record_button);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, timeline_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, section_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, kind_filter);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, empty_title);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientPage, empty_description);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, measures_changed);

  gtk_widget_class_install_action (widget_class, "patient.new-record", "s", new_record_action);
  gtk_widget_class_install_action (widget_class, "patient.new-record-menu", NULL,
                                   new_record_menu_action);
  gtk_widget_class_install_action (widget_class, "patient.export-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "patient.print", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "patient.risk-flag", NULL, risk_flag_action);
  gtk_widget_class_install_action (widget_class, "patient.disclosures", NULL, disclosures_action);
  gtk_widget_class_install_action (widget_class, "patient.edit", NULL, edit_patient_action);
}

static void
problem_added (CfdPatientPage *self)
{
  if (self->vault != NULL && self->patient_id != NULL)
    cfd_chart_lists_load (CFD_CHART_LISTS (self->chart_lists), self->vault, self->patient_id);
}

static void
cfd_patient_page_init (CfdPatientPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The chart has a tab of its own, beside Measures and Consent: the notes
   * page keeps its layout and its keyboard order. */
  {
    GtkWidget *scroller = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();
    AdwViewStackPage *page;

    self->chart_lists = cfd_chart_lists_new ();
    gtk_widget_set_margin_top (self->chart_lists, 18);
    gtk_widget_set_margin_bottom (self->chart_lists, 6);
    gtk_widget_set_margin_start (self->chart_lists, 12);
    gtk_widget_set_margin_end (self->chart_lists, 12);
    gtk_widget_set_valign (self->chart_lists, GTK_ALIGN_START);
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

      self->problem_picker = cfd_problem_picker_new ();
      gtk_widget_set_margin_start (self->problem_picker, 12);
      gtk_widget_set_margin_end (self->problem_picker, 12);
      gtk_widget_set_margin_bottom (self->problem_picker, 24);
      g_signal_connect_swapped (self->problem_picker, "added", G_CALLBACK (problem_added), self);
      gtk_box_append (GTK_BOX (box), self->chart_lists);
      gtk_box_append (GTK_BOX (box), self->problem_picker);
      adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
      adw_clamp_set_child (ADW_CLAMP (clamp), box);
    }
    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                    GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
    page = adw_view_stack_add_titled (self->section_stack, scroller, "chart", _ ("Chart"));
    adw_view_stack_page_set_icon_name (page, "emblem-documents-symbolic");
  }
  self->filter = GTK_FILTER (gtk_custom_filter_new (record_shown, self, NULL));
  /* New Record never holds the keyboard focus: a stray space would open
   * it and a second one pick an item. It opens on a click or Ctrl+N. */
  for (GtkWidget *child = GTK_WIDGET (self->new_record_button); child != NULL;
       child = gtk_widget_get_first_child (child))
    {
      gtk_widget_set_focusable (child, FALSE);
      if (GTK_IS_BUTTON (child))
        break;
    }
}
