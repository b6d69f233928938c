/* cfd-measure-panel.c: a patient's measures as charts over their bands and as a table, and adding one. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-measure-chart.h"
#include "cfd-measure-dialog.h"
#include "cfd-measure-panel.h"
#include "cfd-measure-series.h"
#include "cfd-ui-util.h"

struct _CfdMeasurePanel
{
  GtkWidget parent_instance;

  CfdVault *vault;
  gulong locked_handler;
  char *patient_id;
  GtkFilterListModel *rows; /* measures and dosing sessions of the timeline */

  GtkWidget *add_button;
  GtkStack *view_stack;
  GtkStack *table_stack;
  GtkColumnView *table;
  CfdMeasureChart *phq9_chart;
  CfdMeasureChart *gad7_chart;
  GtkBox *more_charts; /* a chart for each other banded instrument with scores */
};

G_DEFINE_FINAL_TYPE (CfdMeasurePanel, cfd_measure_panel, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  COLUMN_DATE,
  COLUMN_WHAT,
  COLUMN_TOTAL,
  COLUMN_BAND,
} Column;

void
cfd_measure_panel_clear (CfdMeasurePanel *self)
{
  g_return_if_fail (CFD_IS_MEASURE_PANEL (self));

  cfd_measure_chart_set_series (self->phq9_chart, NULL);
  cfd_measure_chart_set_series (self->gad7_chart, NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->more_charts));
       child != NULL; child = gtk_widget_get_first_child (GTK_WIDGET (self->more_charts)))
    gtk_box_remove (self->more_charts, child);
  gtk_filter_list_model_set_model (self->rows, NULL);
  gtk_stack_set_visible_child_name (self->table_stack, "empty");
  if (self->locked_handler != 0)
    g_clear_signal_handler (&self->locked_handler, self->vault);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
}

/* The PHQ-9 and GAD-7 charts are always there; any other instrument with
 * bands gets its chart once the patient has a score on it. */
static void
add_more_charts (CfdMeasurePanel *self, CfdMeasureSeries *series)
{
  g_autoptr (GPtrArray) all = cfd_instrument_list ();

  for (guint i = 0; i < all->len; i++)
    {
      const CfdInstrumentDef *def = g_ptr_array_index (all, i);
      const char *id = cfd_instrument_def_get_id (def);
      const char *construct = cfd_instrument_def_get_construct (def);
      g_autofree char *caption = NULL;
      GtkWidget *label, *chart;
      guint n_bands = 0;

      if (g_str_equal (id, "phq9") || g_str_equal (id, "gad7")
          || cfd_instrument_def_get_bands (def, &n_bands) == NULL
          || cfd_measure_series_get_n_points_for (series, id) == 0)
        continue;
      caption = construct != NULL
                    ? g_strdup_printf ("%s (%s)", cfd_instrument_def_get_name (def), construct)
                    : g_strdup (cfd_instrument_def_get_name (def));
      label = gtk_label_new (caption);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_add_css_class (label, "caption-heading");
      chart = cfd_measure_chart_new_for_id (id);
      gtk_widget_set_name (chart, id);
      gtk_widget_add_css_class (chart, "card");
      cfd_measure_chart_set_series (CFD_MEASURE_CHART (chart), series);
      gtk_box_append (self->more_charts, label);
      gtk_box_append (self->more_charts, chart);
    }
}

void
cfd_measure_panel_load (CfdMeasurePanel *self,
                        CfdVault *vault,
                        const char *patient_id,
                        GListModel *records)
{
  g_autoptr (CfdMeasureSeries) series = NULL;

  g_return_if_fail (CFD_IS_MEASURE_PANEL (self));
  g_return_if_fail (CFD_IS_VAULT (vault));

  g_object_ref (vault);
  cfd_measure_panel_clear (self);
  self->vault = vault;
  self->patient_id = g_strdup (patient_id);
  /* Scores are patient data: drop them the moment the vault locks, even
   * when no view asks. */
  self->locked_handler = g_signal_connect_object (
      vault, "locked", G_CALLBACK (cfd_measure_panel_clear), self, G_CONNECT_SWAPPED);

  series = cfd_measure_series_new (records);
  cfd_measure_chart_set_series (self->phq9_chart, series);
  cfd_measure_chart_set_series (self->gad7_chart, series);
  add_more_charts (self, series);
  gtk_filter_list_model_set_model (self->rows, records);
  gtk_stack_set_visible_child_name (
      self->table_stack,
      g_list_model_get_n_items (G_LIST_MODEL (self->rows)) > 0 ? "table" : "empty");
  /* Supervisors read; only the clinicians score. */
  gtk_widget_set_visible (self->add_button, cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
}

static gboolean
is_chart_record (gpointer item, gpointer user_data)
{
  CfdRecordKind kind = cfd_record_get_kind (CFD_RECORD (item));

  return kind == CFD_RECORD_MEASURE || kind == CFD_RECORD_DOSING;
}

static char *
cell_text (CfdRecord *record, Column column)
{
  g_autoptr (CfdMeasureReading) reading = NULL;
  const CfdInstrumentBand *band = NULL;

  if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE)
    reading = cfd_measure_reading_new (cfd_record_get_content (record));
  if (reading != NULL && reading->has_total
      && (reading->total < 0 || reading->total > cfd_instrument_def_get_max_total (reading->def)))
    g_clear_pointer (&reading, cfd_measure_reading_free);
  if (reading != NULL && reading->has_total)
    band = cfd_instrument_def_band_for_total (reading->def, (int)reading->total);

  switch (column)
    {
      case COLUMN_DATE:
        return g_strstrip (cfd_ui_format_date (cfd_record_get_occurred (record)));
      case COLUMN_WHAT:
        if (cfd_record_get_kind (record) == CFD_RECORD_DOSING)
          return g_strdup (_ ("Dosing session"));
        if (reading == NULL)
          return g_strdup (_ ("Outcome measure"));
        return g_strdup (cfd_instrument_def_get_name (reading->def));
      case COLUMN_TOTAL:
        if (reading != NULL && reading->has_total)
          return g_strdup_printf ("%" G_GINT64_FORMAT " / %d", reading->total,
                                  cfd_instrument_def_get_max_total (reading->def));
        if (reading != NULL && reading->has_mean)
          /* Translators: the mean of a questionnaire's items */
          return g_strdup_printf (_ ("mean %.1f"), reading->mean);
        return g_strdup ("");
      case COLUMN_BAND:
        if (band != NULL)
          return g_strdup (band->label);
        if (reading != NULL && reading->result != NULL)
          return g_strdup (cfd_instrument_def_result_label (reading->def, reading->result));
        return g_strdup ("");
      default:
        g_return_val_if_reached (NULL);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  g_autofree char *text = cell_text (gtk_list_item_get_item (item), GPOINTER_TO_INT (user_data));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), "");
}

static void
add_column (CfdMeasurePanel *self, const char *title, Column column, gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (self->table, view_column);
  g_object_unref (view_column);
}

static void
measure_saved (CfdMeasurePanel *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdMeasurePanel *self = CFD_MEASURE_PANEL (widget);
  CfdMeasureDialog *dialog;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault) || self->patient_id == NULL)
    return;
  dialog = cfd_measure_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault,
                                   self->patient_id);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (measure_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cfd_measure_panel_dispose (GObject *object)
{
  CfdMeasurePanel *self = CFD_MEASURE_PANEL (object);

  cfd_measure_panel_clear (self);
  g_clear_object (&self->rows);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_MEASURE_PANEL);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_measure_panel_parent_class)->dispose (object);
}

static void
cfd_measure_panel_class_init (CfdMeasurePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_measure_panel_dispose;

  /* A measure was added: the timeline (and maybe the risk flag) changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CFD_TYPE_MEASURE_CHART);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-measure-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, add_button);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, table_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, table);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, phq9_chart);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, gad7_chart);
  gtk_widget_class_bind_template_child (widget_class, CfdMeasurePanel, more_charts);

  gtk_widget_class_install_action (widget_class, "measures.add", NULL, add_action);
}

static void
cfd_measure_panel_init (CfdMeasurePanel *self)
{
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = gtk_filter_list_model_new (
      NULL, GTK_FILTER (gtk_custom_filter_new (is_chart_record, NULL, NULL)));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  add_column (self, _ ("Date"), COLUMN_DATE, FALSE);
  add_column (self, _ ("Measure"), COLUMN_WHAT, TRUE);
  add_column (self, _ ("Total"), COLUMN_TOTAL, FALSE);
  add_column (self, _ ("Severity"), COLUMN_BAND, TRUE);
}
