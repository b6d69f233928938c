/* cfd-rems-concomitant.h: the REMS form's concomitant-medication questions and the chart's medication classes. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-chart.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* The four yes/no questions of the form's concomitant-medication section,
 * each with the chart's class that answers it (docs/CLINICAL.md):
 * benzodiazepines, non-benzodiazepine sedative hypnotics (Z-drugs),
 * psychostimulants, MAOIs. */
#define CFD_REMS_N_CONCOMITANT 4

typedef struct
{
  const char *field_id; /* the dosing template's yes/no field */
  CfdMedicationFlags flag;
} CfdRemsConcomitant;

extern const CfdRemsConcomitant cfd_rems_concomitant[CFD_REMS_N_CONCOMITANT];

/* The names of the patient's active medications, one GStrv per entry of
 * cfd_rems_concomitant, each the medications of that class in list order
 * (empty when none). Reading the list is audited as chart.list. Free each
 * with g_strfreev. */
gboolean cfd_vault_list_concomitant_medications (CfdVault *vault,
                                                 const char *patient_id,
                                                 char **names[CFD_REMS_N_CONCOMITANT],
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
