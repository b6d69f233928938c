/* cfd-data-export.c: a patient's record as FHIR (JSON) and measures as CSV, from the patient page's export dialog. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-data-export.h"
#include "cfd-ui-util.h"

const char *
cfd_export_format_file_name (CfdExportFormat format)
{
  switch (format)
    {
      case CFD_EXPORT_FORMAT_FHIR:
        return _ ("patient-record.fhir.json");
      case CFD_EXPORT_FORMAT_CSV:
        return _ ("measures.csv");
      case CFD_EXPORT_FORMAT_PDF:
      default:
        return _ ("patient-record.pdf");
    }
}

/* These run on the main loop as the dialog closes: the core has no
 * asynchronous form of them yet (the PDF, which lays out pages, has), and
 * one patient's bundle or measures is text without layout. */

void
cfd_data_export_fhir (GtkWidget *parent,
                      CfdVault *vault,
                      const char *patient_id,
                      const char *authorization,
                      const CfdDisclosureTerms *terms,
                      const char *path)
{
  CfdExportScope scope = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *message = NULL;
  guint n = 0;

  /* The chooser may have recorded the file already; it is forgotten
   * whether or not the export succeeds. */
  cfd_ui_forget_recent (path);
  scope.include_psychotherapy = authorization != NULL && authorization[0] != '\0';
  scope.authorization = scope.include_psychotherapy ? authorization : NULL;
  if (!cfd_vault_export_patient_fhir (vault, patient_id, &scope, terms, path, &n, &error))
    {
      cfd_ui_toast_error (parent, _ ("The record was not exported"), error);
      return;
    }
  message = g_strdup_printf (
      scope.include_psychotherapy
          ? ngettext ("Exported %u FHIR resource to “%s”, psychotherapy notes included",
                      "Exported %u FHIR resources to “%s”, psychotherapy notes included", n)
          : ngettext ("Exported %u FHIR resource to “%s”", "Exported %u FHIR resources to “%s”", n),
      n, name);
  cfd_ui_toast (parent, message);
}

void
cfd_data_export_csv (GtkWidget *parent,
                     CfdVault *vault,
                     const char *patient_id,
                     const CfdDisclosureTerms *terms,
                     const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *message = NULL;
  guint n = 0;

  cfd_ui_forget_recent (path);
  if (!cfd_vault_export_measures_csv (vault, patient_id, terms, path, &n, &error))
    {
      cfd_ui_toast_error (parent, _ ("The measures were not exported"), error);
      return;
    }
  message = g_strdup_printf (
      ngettext ("Exported %u measure to “%s”", "Exported %u measures to “%s”", n), n, name);
  cfd_ui_toast (parent, message);
}
