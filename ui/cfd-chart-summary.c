/* cfd-chart-summary.c: a patient's chart at a glance: the patient page's section, the dosing editor's banner. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-chart-summary.h"

struct _CfdChartSummary
{
  GtkBox parent_instance;

  CfdChartSummaryMode mode;
};

G_DEFINE_FINAL_TYPE (CfdChartSummary, cfd_chart_summary, GTK_TYPE_BOX)

static void
cfd_chart_summary_class_init (CfdChartSummaryClass *klass)
{
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "chartsummary");
}

static void
cfd_chart_summary_init (CfdChartSummary *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
cfd_chart_summary_new (CfdChartSummaryMode mode)
{
  CfdChartSummary *self = g_object_new (CFD_TYPE_CHART_SUMMARY, NULL);

  self->mode = mode;
  gtk_widget_add_css_class (GTK_WIDGET (self),
                            mode == CFD_CHART_SUMMARY_BANNER ? "chart-banner" : "chart-section");
  return GTK_WIDGET (self);
}

void
cfd_chart_summary_clear (CfdChartSummary *self)
{
  GtkWidget *child;

  g_return_if_fail (CFD_IS_CHART_SUMMARY (self));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/* A heading and its entries: on the page one row each, wrapping, never
 * wider than a narrow window. */
static void
add_row (CfdChartSummary *self, const char *heading, const char *text, const char *css_class)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *body = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title,
                            self->mode == CFD_CHART_SUMMARY_BANNER ? "heading" : "dim-label");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  /* Not selectable: a selectable label takes the focus, and the keys typed
   * on the page (a letter opens New Record) would land in it. */
  if (css_class != NULL)
    gtk_widget_add_css_class (body, css_class);
  gtk_box_append (GTK_BOX (row), title);
  gtk_box_append (GTK_BOX (row), body);
  gtk_box_append (GTK_BOX (self), row);
}

static char *
flag_labels (CfdMedicationFlags flags)
{
  GString *text = g_string_new (NULL);

  for (guint f = 0; f < CFD_MEDICATION_N_FLAGS; f++)
    if (flags & (1u << f))
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                              _ (cfd_medication_flag_label (1u << f)));
  return g_string_free (text, FALSE);
}

/* The entries of one list, a line each; for medications, the flagged
 * classes after a warning sign. Only flagged ones in a banner. */
static GString *
lines_of (CfdChartSummary *self, GListModel *entries, gboolean *any_flagged)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (entries, i);
      g_autofree char *line = cfd_chart_entry_describe_translated (entry);
      CfdMedicationFlags flags = cfd_chart_entry_get_medication_flags (entry);

      if (self->mode == CFD_CHART_SUMMARY_BANNER
          && cfd_chart_entry_get_list (entry) == CFD_CHART_MEDICATION && flags == 0)
        {
          cfd_wipe_string (g_steal_pointer (&line));
          continue;
        }
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
      if (flags != 0)
        {
          g_autofree char *labels = flag_labels (flags);

          g_string_append_printf (text, "  ⚠ %s", labels);
          *any_flagged = TRUE;
        }
      cfd_wipe_string (g_steal_pointer (&line));
    }
  return text;
}

static void
wipe_gstring (GString *text)
{
  cfd_wipe_string (g_string_free (text, FALSE));
}

void
cfd_chart_summary_load (CfdChartSummary *self, CfdVault *vault, const char *patient_id)
{
  GListModel *lists[CFD_CHART_N_LISTS] = { NULL };
  GListModel *problems, *allergies, *medications;
  g_autoptr (GError) error = NULL;
  gboolean any_flagged = FALSE;
  GString *text;

  g_return_if_fail (CFD_IS_CHART_SUMMARY (self));
  cfd_chart_summary_clear (self);
  if (!cfd_vault_list_chart_all (vault, patient_id, FALSE, lists, &error))
    {
      /* A supervisor without the chart's key sees nothing of it; a
       * tampered chart is said to be, never shown partly. */
      if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
        {
          add_row (self, _ ("Chart"), _ ("The chart failed verification and is not shown."),
                   "error");
          gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
        }
      return;
    }
  problems = self->mode == CFD_CHART_SUMMARY_SECTION ? lists[CFD_CHART_PROBLEM] : NULL;
  allergies = lists[CFD_CHART_ALLERGY];
  medications = lists[CFD_CHART_MEDICATION];

  if (problems != NULL)
    {
      text = lines_of (self, problems, &any_flagged);
      add_row (self, _ ("Problems"), text->len > 0 ? text->str : _ ("None recorded"), NULL);
      wipe_gstring (text);
    }
  text = lines_of (self, allergies, &any_flagged);
  /* Nothing recorded is not "no known allergies": it is a question not
   * yet asked, and before dosing it is a warning. */
  add_row (self, _ ("Allergies"), text->len > 0 ? text->str : _ ("Not recorded"),
           text->len == 0 ? "warning" : NULL);
  wipe_gstring (text);
  text = lines_of (self, medications, &any_flagged);
  /* The banner says "none" too: checked and empty is not unread. */
  add_row (self,
           self->mode == CFD_CHART_SUMMARY_BANNER ? _ ("Medications that change a session")
                                                  : _ ("Medications"),
           text->len > 0 ? text->str : _ ("None recorded"), NULL);
  wipe_gstring (text);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  for (guint list = 0; list < CFD_CHART_N_LISTS; list++)
    g_object_unref (lists[list]);
}
