/* cfd-rems-concomitant.c: the REMS form's concomitant-medication questions and the chart's medication classes.
 *
 * The chart flags each medication with the classes that change a session;
 * four of them are what the Patient Monitoring Form asks about. The form
 * and the dosing editor show these names beside the questions; answering
 * stays the clinician's (nothing here writes an answer). */
#include "config.h"

#include "cfd-rems-concomitant.h"

const CfdRemsConcomitant cfd_rems_concomitant[CFD_REMS_N_CONCOMITANT] = {
  { "concomitant-benzodiazepines", CFD_MEDICATION_BENZODIAZEPINE },
  { "concomitant-sedative-hypnotics", CFD_MEDICATION_Z_DRUG },
  { "concomitant-psychostimulants", CFD_MEDICATION_STIMULANT },
  { "concomitant-maois", CFD_MEDICATION_MAOI },
};

gboolean
cfd_vault_list_concomitant_medications (CfdVault *vault,
                                        const char *patient_id,
                                        char **names[CFD_REMS_N_CONCOMITANT],
                                        GError **error)
{
  g_autoptr (GListModel) medications
      = cfd_vault_list_chart (vault, patient_id, CFD_CHART_MEDICATION, FALSE, error);
  GStrvBuilder *builders[CFD_REMS_N_CONCOMITANT];

  if (medications == NULL)
    return FALSE;
  for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
    builders[q] = g_strv_builder_new ();
  for (guint i = 0; i < g_list_model_get_n_items (medications); i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (medications, i);
      CfdMedicationFlags flags = cfd_chart_entry_get_medication_flags (entry);
      const char *name = cfd_chart_entry_get_field (entry, CFD_CHART_NAME);

      if (!cfd_chart_entry_get_active (entry) || name == NULL)
        continue;
      for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
        if (flags & cfd_rems_concomitant[q].flag)
          g_strv_builder_add (builders[q], name);
    }
  for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
    {
      names[q] = g_strv_builder_end (builders[q]);
      g_strv_builder_unref (builders[q]);
    }
  return TRUE;
}
