/* cfd-measure-dialog.c: scoring any instrument item by item, the form built from its definition. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-date-input.h"
#include "cfd-measure-dialog.h"
#include "cfd-measure-series.h"
#include "cfd-ui-util.h"

#define MAX_ITEMS   CFD_INSTRUMENT_MAX_ITEMS
#define MAX_OPTIONS CFD_INSTRUMENT_MAX_OPTIONS

struct _CfdMeasureDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id;
  const CfdInstrumentDef *def;
  GPtrArray *defs; /* what the combo row lists, in its order */
  int answers[MAX_ITEMS];
  char *summary;
  GtkWidget *item_rows[MAX_ITEMS];
  GtkToggleButton *buttons[MAX_ITEMS][MAX_OPTIONS];
  GtkEditable *entries[MAX_ITEMS]; /* items answered with a number typed (0-100 scales) */
  gboolean syncing;

  AdwComboRow *instrument_row;
  AdwComboRow *mode_row;
  AdwEntryRow *date_row;
  AdwPreferencesGroup *items_group;
  GtkLabel *total_label;
  GtkWidget *risk_label;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (CfdMeasureDialog, cfd_measure_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The session date at noon local time, so no time zone moves its day. */
static gboolean
parse_date (const char *text, gint64 *seconds)
{
  g_autofree char *iso = cfd_date_input_parse (text, "", NULL);
  g_autoptr (GDateTime) time = NULL;

  if (iso == NULL)
    return FALSE;
  time = g_date_time_new_local (atoi (iso), atoi (iso + 5), atoi (iso + 8), 12, 0, 0);
  if (time == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (time);
  return TRUE;
}

static const char *
band_label (const CfdInstrumentDef *def, const char *id)
{
  guint n = 0;
  const CfdInstrumentBand *bands = cfd_instrument_def_get_bands (def, &n);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (bands[i].id, id) == 0)
      return bands[i].label;
  return id;
}

static void
show_answer (CfdMeasureDialog *self, guint item)
{
  const CfdInstrumentItem *info = cfd_instrument_def_get_item (self->def, item);

  self->syncing = TRUE;
  for (guint k = 0; k < info->n_options; k++)
    gtk_toggle_button_set_active (self->buttons[item][k], info->options[k] == self->answers[item]);
  if (self->entries[item] != NULL && self->answers[item] == CFD_ANSWER_NONE)
    gtk_editable_set_text (self->entries[item], "");
  self->syncing = FALSE;
}

/* Items the form skips (C-SSRS-style AskIf) lose any answer and are shown
 * as not asked; then the running score, the risk warning and whether the
 * measure can be saved. */
static void
update_state (CfdMeasureDialog *self)
{
  guint n_items = cfd_instrument_def_get_n_items (self->def);
  guint missing = 0;
  CfdInstrumentScore score;
  gint64 occurred;
  gboolean date_ok = parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &occurred);
  gboolean complete;

  for (guint i = 0; i < n_items; i++)
    {
      const CfdInstrumentItem *item = cfd_instrument_def_get_item (self->def, i);
      gboolean asked = cfd_instrument_def_item_is_asked (self->def, self->answers, i);

      if (!asked && self->answers[i] != CFD_ANSWER_NONE)
        {
          self->answers[i] = CFD_ANSWER_NONE;
          show_answer (self, i);
        }
      gtk_widget_set_sensitive (self->item_rows[i], asked);
      if (asked && item->scored && self->answers[i] == CFD_ANSWER_NONE)
        missing++;
    }
  complete
      = missing == 0 && cfd_instrument_def_score (self->def, self->answers, n_items, &score, NULL);
  g_free (self->summary);
  if (!complete)
    /* Translators: while items are still unanswered */
    self->summary = g_strdup_printf (_ ("%u of %u items left"), missing, n_items);
  else if (score.has_total && score.band != NULL)
    self->summary = g_strdup_printf ("%d · %s", score.total, band_label (self->def, score.band));
  else if (score.has_total)
    self->summary = g_strdup_printf ("%d · %s", score.total,
                                     cfd_instrument_def_result_label (self->def, score.result));
  else if (score.has_mean)
    /* Translators: the mean of a questionnaire's items */
    self->summary = g_strdup_printf (_ ("Mean %.1f"), score.mean);
  else
    self->summary
        = g_strdup (cfd_instrument_def_result_label (self->def, score.result) ?: _ ("Complete"));
  gtk_label_set_label (self->total_label, self->summary);
  gtk_widget_set_visible (self->risk_label, complete && score.risk);
  if (date_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "measure.save", complete && date_ok);
}

const char *
cfd_measure_dialog_get_summary (CfdMeasureDialog *self)
{
  g_return_val_if_fail (CFD_IS_MEASURE_DIALOG (self), NULL);
  return self->summary;
}

void
cfd_measure_dialog_set_item (CfdMeasureDialog *self, guint item, int score)
{
  g_return_if_fail (CFD_IS_MEASURE_DIALOG (self));
  g_return_if_fail (item < cfd_instrument_def_get_n_items (self->def) && score >= -1);
  self->answers[item] = score;
  show_answer (self, item);
  if (self->entries[item] != NULL && score >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", score);

      self->syncing = TRUE;
      gtk_editable_set_text (self->entries[item], text);
      self->syncing = FALSE;
    }
  update_state (self);
}

/* Focus goes on to the next item the form asks, as on paper. */
static void
focus_next (CfdMeasureDialog *self, guint item)
{
  for (guint i = item + 1; i < cfd_instrument_def_get_n_items (self->def); i++)
    if (gtk_widget_get_sensitive (self->item_rows[i]))
      {
        if (self->entries[i] != NULL)
          gtk_widget_grab_focus (GTK_WIDGET (self->entries[i]));
        else
          gtk_widget_grab_focus (GTK_WIDGET (self->buttons[i][0]));
        return;
      }
}

static void
button_toggled (CfdMeasureDialog *self, GtkToggleButton *button)
{
  guint item = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "item"));
  int value = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "value"));

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  self->answers[item] = value;
  update_state (self);
}

static void
entry_changed (CfdMeasureDialog *self, GtkEditable *entry)
{
  guint item = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "item"));
  const CfdInstrumentItem *info = cfd_instrument_def_get_item (self->def, item);
  const char *text = gtk_editable_get_text (entry);
  gint64 value;

  if (self->syncing)
    return;
  /* What is typed stays; only a whole number in range is an answer. */
  if (g_ascii_string_to_signed (text, 10, info->min, info->max, &value, NULL))
    {
      self->answers[item] = (int)value;
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
    }
  else
    {
      self->answers[item] = CFD_ANSWER_NONE;
      if (text[0] != '\0')
        gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
    }
  update_state (self);
}

/* A digit key answers the item whose row has the focus with that option,
 * and the focus moves on: a form can be keyed in without the mouse. */
static gboolean
row_key_pressed (GtkEventControllerKey *controller,
                 guint keyval,
                 guint keycode,
                 GdkModifierType state,
                 CfdMeasureDialog *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  guint item = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "item"));
  const CfdInstrumentItem *info = cfd_instrument_def_get_item (self->def, item);
  guint32 ch = gdk_keyval_to_unicode (keyval);

  if (info->n_options == 0 || ch < '0' || ch > '9'
      || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  for (guint k = 0; k < info->n_options; k++)
    if (info->options[k] == (int)(ch - '0'))
      {
        cfd_measure_dialog_set_item (self, item, info->options[k]);
        focus_next (self, item);
        return GDK_EVENT_STOP;
      }
  return GDK_EVENT_PROPAGATE;
}

static GtkWidget *
build_row (CfdMeasureDialog *self, guint i)
{
  const CfdInstrumentItem *item = cfd_instrument_def_get_item (self->def, i);
  GtkWidget *row = adw_action_row_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_autofree char *title = NULL;

  title = item->scored ? g_strdup_printf (_ ("Item %u"), item->number)
                       /* Translators: an item asked but not counted in the score */
                       : g_strdup_printf (_ ("Item %u (not scored)"), item->number);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), item->text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data (G_OBJECT (row), "item", GUINT_TO_POINTER (i));
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (row_key_pressed), self);
  gtk_widget_add_controller (row, keys);

  if (item->n_options > 0)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      for (guint k = 0; k < item->n_options; k++)
        {
          g_autofree char *label = g_strdup_printf ("%d", item->options[k]);
          g_autofree char *name = g_strdup_printf ("item-%u-%d", i + 1, item->options[k]);
          /* Translators: a score button's accessible name: "Item 2, <question>: 1, several days" */
          g_autofree char *a11y = g_strdup_printf (_ ("%s, %s: %d, %s"), title, item->text,
                                                   item->options[k], item->option_labels[k]);
          GtkWidget *button = gtk_toggle_button_new_with_label (label);

          gtk_widget_set_name (button, name);
          gtk_widget_set_tooltip_text (button, item->option_labels[k]);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          a11y, -1);
          if (k > 0)
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->buttons[i][0]);
          g_object_set_data (G_OBJECT (button), "item", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (button), "value", GINT_TO_POINTER (item->options[k]));
          g_signal_connect_swapped (button, "toggled", G_CALLBACK (button_toggled), self);
          self->buttons[i][k] = GTK_TOGGLE_BUTTON (button);
          gtk_box_append (GTK_BOX (box), button);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
    }
  else
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *hint = g_strdup_printf ("%d–%d", item->min, item->max);

      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), hint);
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
      gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
      g_object_set_data (G_OBJECT (entry), "item", GUINT_TO_POINTER (i));
      g_signal_connect_swapped (entry, "changed", G_CALLBACK (entry_changed), self);
      self->entries[i] = GTK_EDITABLE (entry);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
    }
  return row;
}

static void
clear_items (CfdMeasureDialog *self)
{
  for (guint i = 0; i < MAX_ITEMS; i++)
    if (self->item_rows[i] != NULL)
      {
        adw_preferences_group_remove (self->items_group, self->item_rows[i]);
        self->item_rows[i] = NULL;
      }
  memset (self->buttons, 0, sizeof self->buttons);
  memset (self->entries, 0, sizeof self->entries);
  for (guint i = 0; i < MAX_ITEMS; i++)
    self->answers[i] = CFD_ANSWER_NONE;
}

/* The rows, the items' answers and the description come from the
 * definition: a new instrument is a new file, not new code. */
static void
show_instrument (CfdMeasureDialog *self, const CfdInstrumentDef *def)
{
  g_autofree char *description = NULL;

  clear_items (self);
  self->def = def;
  for (guint i = 0; i < cfd_instrument_def_get_n_items (def); i++)
    {
      self->item_rows[i] = build_row (self, i);
      adw_preferences_group_add (self->items_group, self->item_rows[i]);
    }
  /* Translators: the recall period and who rates, under the items' title */
  description = g_strdup_printf (_ ("%s. %s."), cfd_instrument_def_get_recall_period (def),
                                 cfd_instrument_def_get_rater (def) == CFD_RATER_CLINICIAN
                                     ? _ ("Rated by the clinician")
                                     : _ ("Answered by the patient"));
  adw_preferences_group_set_title (self->items_group, cfd_instrument_def_get_title (def));
  adw_preferences_group_set_description (self->items_group, description);
  for (guint i = 0; i < self->defs->len; i++)
    if (g_ptr_array_index (self->defs, i) == def
        && adw_combo_row_get_selected (self->instrument_row) != i)
      adw_combo_row_set_selected (self->instrument_row, i);
  update_state (self);
}

gboolean
cfd_measure_dialog_set_instrument_id (CfdMeasureDialog *self, const char *instrument_id)
{
  const CfdInstrumentDef *def;

  g_return_val_if_fail (CFD_IS_MEASURE_DIALOG (self), FALSE);
  def = cfd_instrument_lookup (instrument_id);
  if (def == NULL)
    return FALSE;
  if (def != self->def)
    show_instrument (self, def);
  return TRUE;
}

void
cfd_measure_dialog_set_instrument (CfdMeasureDialog *self, CfdInstrument instrument)
{
  cfd_measure_dialog_set_instrument_id (self, cfd_instrument_to_string (instrument));
}

static void
instrument_changed (CfdMeasureDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->instrument_row);

  if (selected < self->defs->len && g_ptr_array_index (self->defs, selected) != self->def)
    show_instrument (self, g_ptr_array_index (self->defs, selected));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdMeasureDialog *self = CFD_MEASURE_DIALOG (widget);
  CfdMeasureMode mode = adw_combo_row_get_selected (self->mode_row) == 1
                            ? CFD_MEASURE_MODE_INTERVIEW
                            : CFD_MEASURE_MODE_SELF_REPORT;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 occurred;

  if (!parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &occurred))
    return;
  id = cfd_vault_add_instrument_measure (
      self->vault, self->patient_id, cfd_instrument_def_get_id (self->def), occurred, self->answers,
      cfd_instrument_def_get_n_items (self->def), mode, &error);
  if (id == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The measure could not be saved: %s"), error->message);

      gtk_label_set_label (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
fill_instruments (CfdMeasureDialog *self)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  self->defs = cfd_instrument_list ();
  for (guint i = 0; i < self->defs->len; i++)
    {
      const CfdInstrumentDef *def = g_ptr_array_index (self->defs, i);
      const char *construct = cfd_instrument_def_get_construct (def);
      g_autofree char *name
          = construct != NULL
                ? g_strdup_printf ("%s (%s)", cfd_instrument_def_get_name (def), construct)
                : g_strdup (cfd_instrument_def_get_name (def));

      gtk_string_list_append (names, name);
    }
  adw_combo_row_set_model (self->instrument_row, G_LIST_MODEL (names));
  g_object_unref (names);
}

CfdMeasureDialog *
cfd_measure_dialog_new (GtkWindow *parent, CfdVault *vault, const char *patient_id)
{
  CfdMeasureDialog *self;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today_iso = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *today = cfd_date_input_format (today_iso);

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (CFD_TYPE_MEASURE_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  self->patient_id = g_strdup (patient_id);
  /* Nothing typed here may outlive the vault's unlocking. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  update_state (self);
  return self;
}

static void
cfd_measure_dialog_dispose (GObject *object)
{
  CfdMeasureDialog *self = CFD_MEASURE_DIALOG (object);

  g_clear_object (&self->vault);
  G_OBJECT_CLASS (cfd_measure_dialog_parent_class)->dispose (object);
}

static void
cfd_measure_dialog_finalize (GObject *object)
{
  CfdMeasureDialog *self = CFD_MEASURE_DIALOG (object);

  memset (self->answers, 0, sizeof self->answers);
  g_clear_pointer (&self->defs, g_ptr_array_unref);
  g_free (self->patient_id);
  g_free (self->summary);
  G_OBJECT_CLASS (cfd_measure_dialog_parent_class)->finalize (object);
}

static void
cfd_measure_dialog_class_init (CfdMeasureDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_measure_dialog_dispose;
  object_class->finalize = cfd_measure_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-measure-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, instrument_row);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, items_group);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, total_label);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, risk_label);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasureDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, instrument_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_state);

  gtk_widget_class_install_action (widget_class, "measure.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_measure_dialog_init (CfdMeasureDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cfd_date_input_setup_row (self->date_row, _ ("Date"), FALSE);
  fill_instruments (self);
  show_instrument (self, g_ptr_array_index (self->defs, 0));
}
