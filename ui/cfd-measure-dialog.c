/* cfd-measure-dialog.c: scoring a PHQ-9 or GAD-7 item by item, with the running total and band. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-measure-dialog.h"
#include "cfd-measure-series.h"
#include "cfd-ui-util.h"

#define MAX_ITEMS 9

struct _CfdMeasureDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id;
  CfdInstrument instrument;
  int scores[MAX_ITEMS];
  char *summary;

  GtkWidget *item_rows[MAX_ITEMS];
  GtkToggleButton *buttons[MAX_ITEMS][4];
  gboolean syncing;

  AdwComboRow *instrument_row;
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

/* The questions as the published instruments ask them ("over the last two
 * weeks, how often have you been bothered by..."); the template numbers
 * the items, which the two instruments share. */
static const char *const phq9_items[] = {
  N_ ("Little interest or pleasure in doing things"),
  N_ ("Feeling down, depressed, or hopeless"),
  N_ ("Trouble falling or staying asleep, or sleeping too much"),
  N_ ("Feeling tired or having little energy"),
  N_ ("Poor appetite or overeating"),
  N_ ("Feeling bad about yourself, or that you are a failure or have let yourself or your "
      "family down"),
  N_ ("Trouble concentrating on things, such as reading the newspaper or watching television"),
  N_ ("Moving or speaking so slowly that other people could have noticed, or the opposite: "
      "being so fidgety or restless that you have been moving around a lot more than usual"),
  N_ ("Thoughts that you would be better off dead, or of hurting yourself in some way"),
};
static const char *const gad7_items[] = {
  N_ ("Feeling nervous, anxious, or on edge"),
  N_ ("Not being able to stop or control worrying"),
  N_ ("Worrying too much about different things"),
  N_ ("Trouble relaxing"),
  N_ ("Being so restless that it is hard to sit still"),
  N_ ("Becoming easily annoyed or irritable"),
  N_ ("Feeling afraid, as if something awful might happen"),
};
static const char *const answers[] = { N_ ("Not at all"), N_ ("Several days"),
                                       N_ ("More than half the days"), N_ ("Nearly every day") };

/* The session date at noon local time, so no time zone moves its day. */
static gboolean
parse_date (const char *text, gint64 *seconds)
{
  int y, m, d;
  char tail;
  g_autoptr (GDateTime) time = NULL;

  if (sscanf (text, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  time = g_date_time_new_local (y, m, d, 12, 0, 0);
  if (time == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (time);
  return TRUE;
}

static void
update_state (CfdMeasureDialog *self)
{
  guint n_items = cfd_instrument_n_items (self->instrument);
  guint total = 0, answered = 0;
  gint64 occurred;
  gboolean date_ok = parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &occurred);

  for (guint i = 0; i < n_items; i++)
    if (self->scores[i] >= 0)
      {
        total += (guint)self->scores[i];
        answered++;
      }
  g_free (self->summary);
  if (answered == n_items)
    self->summary = g_strdup_printf (
        "%u · %s", total,
        cfd_ui_band_title (cfd_measure_band_for_total (self->instrument, total)->id));
  else
    /* Translators: the running total while items are still unanswered */
    self->summary = g_strdup_printf (_ ("%u so far · %u of %u items left"), total,
                                     n_items - answered, n_items);
  gtk_label_set_label (self->total_label, self->summary);
  gtk_widget_set_visible (self->risk_label,
                          self->instrument == CFD_INSTRUMENT_PHQ9 && self->scores[8] > 0);
  if (date_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "measure.save", answered == n_items && date_ok);
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
  g_return_if_fail (item < MAX_ITEMS && score >= -1 && score <= 3);

  self->scores[item] = score;
  self->syncing = TRUE;
  for (int s = 0; s < 4; s++)
    gtk_toggle_button_set_active (self->buttons[item][s], s == score);
  self->syncing = FALSE;
  update_state (self);
}

static void
button_toggled (CfdMeasureDialog *self, GtkToggleButton *button)
{
  guint item = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "item"));
  int score = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "score"));

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  self->scores[item] = score;
  update_state (self);
}

void
cfd_measure_dialog_set_instrument (CfdMeasureDialog *self, CfdInstrument instrument)
{
  guint n_items;

  g_return_if_fail (CFD_IS_MEASURE_DIALOG (self));

  self->instrument = instrument;
  n_items = cfd_instrument_n_items (instrument);
  if (adw_combo_row_get_selected (self->instrument_row) != (guint)instrument)
    adw_combo_row_set_selected (self->instrument_row, (guint)instrument);
  for (guint i = 0; i < MAX_ITEMS; i++)
    {
      const char *question = NULL;

      gtk_widget_set_visible (self->item_rows[i], i < n_items);
      if (i >= n_items)
        continue;
      question = _ (instrument == CFD_INSTRUMENT_PHQ9 ? phq9_items[i] : gad7_items[i]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->item_rows[i]), question);
      for (int s = 0; s < 4; s++)
        {
          /* Translators: a score button's accessible name: "Item 2, <question>: 1, several days" */
          g_autofree char *a11y = g_strdup_printf (
              _ ("%s, %s: %d, %s"),
              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->item_rows[i])), question, s,
              _ (answers[s]));

          gtk_accessible_update_property (GTK_ACCESSIBLE (self->buttons[i][s]),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
        }
    }
  update_state (self);
}

static void
instrument_changed (CfdMeasureDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->instrument_row);

  if (selected != GTK_INVALID_LIST_POSITION && selected != (guint)self->instrument)
    cfd_measure_dialog_set_instrument (self, (CfdInstrument)selected);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdMeasureDialog *self = CFD_MEASURE_DIALOG (widget);
  guint n_items = cfd_instrument_n_items (self->instrument);
  guint8 items[MAX_ITEMS];
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 occurred;

  if (!parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_row)), &occurred))
    return;
  for (guint i = 0; i < n_items; i++)
    {
      if (self->scores[i] < 0)
        return;
      items[i] = (guint8)self->scores[i];
    }
  id = cfd_vault_add_measure (self->vault, self->patient_id, self->instrument, occurred, items,
                              n_items, &error);
  memset (items, 0, sizeof items);
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
build_items (CfdMeasureDialog *self)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_MEASURE);

  for (guint i = 0; i < MAX_ITEMS; i++)
    {
      g_autofree char *field_id = g_strdup_printf ("item-%u", i + 1);
      const CfdTemplateField *field = cfd_template_find_field (tmpl, field_id);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     field != NULL ? field->label : field_id);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      for (int s = 0; s < 4; s++)
        {
          g_autofree char *label = g_strdup_printf ("%d", s);
          g_autofree char *name = g_strdup_printf ("item-%u-%d", i + 1, s);
          GtkWidget *button = gtk_toggle_button_new_with_label (label);

          gtk_widget_set_name (button, name);
          gtk_widget_set_tooltip_text (button, _ (answers[s]));
          if (s > 0)
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->buttons[i][0]);
          g_object_set_data (G_OBJECT (button), "item", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (button), "score", GINT_TO_POINTER (s));
          g_signal_connect_swapped (button, "toggled", G_CALLBACK (button_toggled), self);
          self->buttons[i][s] = GTK_TOGGLE_BUTTON (button);
          gtk_box_append (GTK_BOX (box), button);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      adw_preferences_group_add (self->items_group, row);
      self->item_rows[i] = row;
      self->scores[i] = -1;
    }
}

CfdMeasureDialog *
cfd_measure_dialog_new (GtkWindow *parent, CfdVault *vault, const char *patient_id)
{
  CfdMeasureDialog *self;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

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

  memset (self->scores, 0, sizeof self->scores);
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
  build_items (self);
  cfd_measure_dialog_set_instrument (self, CFD_INSTRUMENT_PHQ9);
}
