/* cfd-chart-section.c: the chart (active problems, allergies, medications, the plan's open goals, open episodes) on the record document's cover. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-chart-section-private.h"
#include "cfd-chart.h"
#include "cfd-secure.h"

/* One list, one line an entry; what an empty list means is said. */
static void
add_list (CfdDocumentLayout *layout, GListModel *entries, const char *label, const char *when_empty)
{
  guint n = g_list_model_get_n_items (entries);

  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, label);
  if (n == 0)
    cfd_document_layout_add (layout, CFD_BLOCK_TEXT, when_empty);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (entries, i);
      g_autofree char *line = cfd_chart_entry_describe_translated (entry);
      CfdMedicationFlags flags = cfd_chart_entry_get_medication_flags (entry);

      if (flags != 0)
        {
          GString *with = g_string_new (line);

          g_string_append (with, " — ");
          for (guint f = 0, shown = 0; f < CFD_MEDICATION_N_FLAGS; f++)
            if (flags & (1u << f))
              g_string_append_printf (with, "%s%s", shown++ > 0 ? ", " : "",
                                      _ (cfd_medication_flag_label (1u << f)));
          cfd_wipe_string (g_steal_pointer (&line));
          line = g_string_free (with, FALSE);
        }
      cfd_document_layout_add (layout, CFD_BLOCK_TEXT, line);
      cfd_wipe_string (g_steal_pointer (&line));
    }
}

gboolean
cfd_chart_section_add (CfdDocumentLayout *layout,
                       CfdVault *vault,
                       const char *patient_id,
                       GError **error)
{
  GListModel *lists[CFD_CHART_N_LISTS];

  if (!cfd_vault_list_chart_all (vault, patient_id, FALSE, lists, error))
    return FALSE;
  cfd_document_layout_add (layout, CFD_BLOCK_SECTION, _ ("Chart"));
  add_list (layout, lists[CFD_CHART_PROBLEM], _ ("Active problems"), _ ("None recorded"));
  add_list (layout, lists[CFD_CHART_ALLERGY], _ ("Allergies"),
            _ ("Not recorded (no one has recorded allergies or their absence)"));
  add_list (layout, lists[CFD_CHART_MEDICATION], _ ("Medications"), _ ("None recorded"));
  /* The plan's open goals and the open episodes, when there are any. */
  if (g_list_model_get_n_items (lists[CFD_CHART_PLAN]) > 0)
    add_list (layout, lists[CFD_CHART_PLAN], _ ("Treatment plan"), NULL);
  if (g_list_model_get_n_items (lists[CFD_CHART_EPISODE]) > 0)
    add_list (layout, lists[CFD_CHART_EPISODE], _ ("Episodes of care"), NULL);
  for (guint list = 0; list < CFD_CHART_N_LISTS; list++)
    g_object_unref (lists[list]);
  return TRUE;
}
