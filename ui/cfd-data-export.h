/* cfd-data-export.h: a patient's record as FHIR (JSON) and measures as CSV, from the patient page's export dialog. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

/* The formats the export dialog offers, in its order. */
typedef enum
{
  CFD_EXPORT_FORMAT_PDF,
  CFD_EXPORT_FORMAT_FHIR,
  CFD_EXPORT_FORMAT_CSV,
} CfdExportFormat;

/* The file name the save dialog suggests: generic, as file names reach
 * recent-file lists. */
const char *cfd_export_format_file_name (CfdExportFormat format);

/* Writes the signed record as a FHIR R4 Bundle through
 * cfd_vault_export_patient_fhir (mode 0600, entered in the accounting of
 * disclosures with terms, as confidant-cli export --fhir does), keeps it
 * out of the recent files and toasts the outcome. Psychotherapy notes only
 * with authorization, the id of the patient's recorded authorization. */
void cfd_data_export_fhir (GtkWidget *parent,
                           CfdVault *vault,
                           const char *patient_id,
                           const char *authorization,
                           const CfdDisclosureTerms *terms,
                           const char *path);

/* The same for the measures, through cfd_vault_export_measures_csv. */
void cfd_data_export_csv (GtkWidget *parent,
                          CfdVault *vault,
                          const char *patient_id,
                          const CfdDisclosureTerms *terms,
                          const char *path);

G_END_DECLS
