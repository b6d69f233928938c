/* test-ui-measures.c: the measures panel on a real vault: charts, the table, scoring a measure, locking. */
#include "config.h"

#include <adwaita.h>

#include "cfd-measure.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-measure-chart.h"
#include "cfd-measure-dialog.h"
#include "cfd-measure-panel.h"
#include "cfd-measure-series.h"

#define DAY      (24 * 60 * 60)
#define JAN_2026 G_GINT64_CONSTANT (1767268800)

static CfdMeasureDialog *
find_dialog (void)
{
  CfdMeasureDialog *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CFD_IS_MEASURE_DIALOG (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static void
add_measure (CfdVault *vault,
             const char *patient,
             CfdInstrument instrument,
             gint64 when,
             const guint8 *items)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_add_measure (vault, patient, instrument, when, items,
                                               cfd_instrument_n_items (instrument), &error);

  g_assert_no_error (error);
}

static void
add_dosing (CfdVault *vault, const char *patient, gint64 when)
{
  g_autoptr (GVariant) content
      = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  g_autoptr (GError) error = NULL;
  g_autofree char *id
      = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, when, content, &error);

  g_assert_no_error (error);
}

static guint
count_measures (CfdVault *vault, const char *patient, gint64 *last_total)
{
  g_autoptr (GListModel) records = cfd_vault_list_records (vault, patient, NULL);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE)
        {
          if (n == 0)
            g_variant_lookup (cfd_record_get_content (record), "total", "x", last_total);
          n++;
        }
    }
  return n;
}

/* Finds a spot on the chart that describes a point, by asking every pixel. */
static char *
first_described (CfdMeasureChart *chart, const char *prefix)
{
  int w = gtk_widget_get_width (GTK_WIDGET (chart)), h = gtk_widget_get_height (GTK_WIDGET (chart));

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        char *text = cfd_measure_chart_describe_at (chart, x, y);

        if (text != NULL && g_str_has_prefix (text, prefix))
          return text;
        g_free (text);
      }
  return NULL;
}

static void
changed_cb (gpointer panel, guint *count)
{
  (*count)++;
}

static void
test_panel (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Panel Patient");
  static const guint8 phq9[] = { 2, 2, 2, 2, 2, 2, 1, 1, 0 }; /* 14, moderate */
  static const guint8 gad7[] = { 1, 1, 1, 1, 1, 0, 0 };       /* 5, mild */
  g_autoptr (GListModel) records = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdMeasurePanel *panel = g_object_new (CFD_TYPE_MEASURE_PANEL, NULL);
  CfdMeasureChart *phq9_chart, *gad7_chart;
  GtkColumnView *table;
  CfdMeasureDialog *dialog;
  g_autofree char *hover = NULL;
  guint changed = 0;
  gint64 total = -1;

  add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, JAN_2026, phq9);
  add_measure (vault, patient, CFD_INSTRUMENT_GAD7, JAN_2026 + DAY, gad7);
  add_dosing (vault, patient, JAN_2026 + 10 * DAY);
  records = cfd_vault_list_records (vault, patient, NULL);
  /* The dosing session is a draft: listed in the table, not marked on the
   * charts as a session that took place. */
  {
    CfdMeasureSeries *series = cfd_measure_series_new (records);

    g_assert_cmpuint (cfd_measure_series_get_n_dosings (series), ==, 0);
    cfd_measure_series_unref (series);
  }

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 900);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  g_signal_connect (panel, "changed", G_CALLBACK (changed_cb), &changed);
  cfd_measure_panel_load (panel, vault, patient, records);
  gtk_window_present (GTK_WINDOW (window));
  cfd_test_ui_spin (300);

  /* The table: every measure and dosing session, newest first. */
  table = GTK_COLUMN_VIEW (cfd_test_ui_find_widget (GTK_WIDGET (panel), "table"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==,
                    3);
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "add_button")));

  /* The charts: hovering a point names its date, total and band. */
  phq9_chart = CFD_MEASURE_CHART (cfd_test_ui_find_widget (GTK_WIDGET (panel), "phq9_chart"));
  gad7_chart = CFD_MEASURE_CHART (cfd_test_ui_find_widget (GTK_WIDGET (panel), "gad7_chart"));
  hover = first_described (phq9_chart, "PHQ-9");
  g_assert_nonnull (hover);
  g_assert_nonnull (strstr (hover, ": 14, Moderate"));
  g_clear_pointer (&hover, g_free);
  hover = first_described (gad7_chart, "GAD-7");
  g_assert_nonnull (hover);
  g_assert_nonnull (strstr (hover, ": 5, Mild"));
  g_clear_pointer (&hover, g_free);
  /* The only dosing session is a draft: no mark to hover. */
  hover = first_described (gad7_chart, "Dosing session");
  g_assert_null (hover);

  /* Scoring a GAD-7 through the dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "measures.add", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  cfd_measure_dialog_set_instrument (dialog, CFD_INSTRUMENT_GAD7);
  for (guint i = 0; i < 6; i++)
    cfd_measure_dialog_set_item (dialog, i, 3);
  g_assert_nonnull (strstr (cfd_measure_dialog_get_summary (dialog), "1 of 7 items left"));
  /* Unfinished: saving does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "measure.save", NULL));
  g_assert_cmpuint (count_measures (vault, patient, &total), ==, 2);
  /* The last item by its button, as a click would. */
  gtk_toggle_button_set_active (
      GTK_TOGGLE_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-7-2")), TRUE);
  g_assert_cmpstr (cfd_measure_dialog_get_summary (dialog), ==, "20 · Severe");
  /* The form is the definition's: the GAD-7 asks seven questions. */
  g_assert_nonnull (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-7-0"));
  g_assert_null (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-8-0"));
  /* The PCL-5 twenty, each 0-4; back to the GAD-7 starts it afresh. */
  g_assert_true (cfd_measure_dialog_set_instrument_id (dialog, "pcl5"));
  g_assert_nonnull (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-20-4"));
  g_assert_null (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-21-0"));
  g_assert_nonnull (strstr (cfd_measure_dialog_get_summary (dialog), "20 of 20 items left"));
  g_assert_false (cfd_measure_dialog_set_instrument_id (dialog, "madrs"));
  /* A number key on an item's row answers it and moves the focus on. */
  {
    GtkWidget *button = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-1-0");
    GtkWidget *row = gtk_widget_get_ancestor (button, ADW_TYPE_ACTION_ROW);
    g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (row);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_3, 0, 0, &handled);
      }
    g_assert_true (handled);
    g_assert_true (gtk_toggle_button_get_active (
        GTK_TOGGLE_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-1-3"))));
    g_assert_true (gtk_widget_is_focus (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "item-2-0")));
    g_assert_nonnull (strstr (cfd_measure_dialog_get_summary (dialog), "19 of 20 items left"));
  }
  cfd_measure_dialog_set_instrument (dialog, CFD_INSTRUMENT_GAD7);
  for (guint i = 0; i < 7; i++)
    cfd_measure_dialog_set_item (dialog, i, i < 6 ? 3 : 2);
  g_assert_cmpstr (cfd_measure_dialog_get_summary (dialog), ==, "20 · Severe");
  /* An impossible date: nothing is saved until it is a real one. */
  {
    GtkEditable *date = GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "date_row"));
    g_autofree char *today = g_strdup (gtk_editable_get_text (date));

    gtk_editable_set_text (date, "2026-02-30");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "measure.save", NULL));
    g_assert_cmpuint (count_measures (vault, patient, &total), ==, 2);
    gtk_editable_set_text (date, today);
  }
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "measure.save", NULL));
  cfd_test_ui_spin (50);
  g_assert_null (dialog);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (count_measures (vault, patient, &total), ==, 3);
  g_assert_cmpint (total, ==, 20);

  /* Locking drops every score the panel held; an open dialog closes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "measures.add", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  cfd_vault_lock (vault);
  cfd_test_ui_spin (50);
  g_assert_null (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==,
                    0);
  hover = first_described (phq9_chart, "PHQ-9");
  g_assert_null (hover);

  g_object_add_weak_pointer (G_OBJECT (panel), (gpointer *)&panel);
  gtk_window_destroy (GTK_WINDOW (window));
  cfd_test_ui_spin (50);
  g_assert_null (panel);
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
  g_test_add_func ("/confidant/ui/measures/panel", test_panel);
  return g_test_run ();
}
