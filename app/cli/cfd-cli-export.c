/* cfd-cli-export.c: confidant-cli export: a patient's record as PDF, a FHIR R4 bundle, or measures as CSV. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  g_autofree char *pdf = NULL;
  gboolean include_psychotherapy = FALSE;
  CfdCliDisclosure disclosure = { NULL };
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, "The patient to export", "ID" },
          { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write the record to this PDF file", "FILE" },
          { "include-psychotherapy", 0, 0, G_OPTION_ARG_NONE, &include_psychotherapy,
            "Include the psychotherapy notes too (left out unless asked for)", NULL },
          CFD_CLI_DISCLOSURE_ENTRIES (&disclosure),
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  CfdDisclosureTerms terms;
  GError *error = NULL;
  guint pages = 0;
  int status;

  if (!cfd_cli_parse (&cfd_cli_export_commands[0], entries, "the unlocking user's", &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient_id == NULL || pdf == NULL)
    {
      cfd_cli_disclosure_clear (&disclosure);
      return cfd_cli_usage ("export needs --patient ID and --pdf FILE");
    }
  if (!cfd_cli_disclosure_terms (ctx, &disclosure, &terms, &error))
    {
      cfd_cli_disclosure_clear (&disclosure);
      status
          = cfd_cli_usage ("export needs --recipient, --purpose and --basis: %s", error->message);
      g_error_free (error);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    status = cfd_cli_fail (error);
  else if (!cfd_vault_export_patient_pdf_for (vault, patient_id, include_psychotherapy, &terms, pdf,
                                              &pages, &error))
    status = cfd_cli_fail (error);
  else
    {
      printf ("Wrote %u page%s to %s: the signed medical record%s, for %s.\n", pages,
              pages == 1 ? "" : "s", pdf,
              include_psychotherapy ? " and the psychotherapy notes"
                                    : " (psychotherapy notes left out)",
              terms.recipient);
      status = CFD_CLI_OK;
    }
  cfd_cli_disclosure_clear (&disclosure);
  return status;
}

const CfdCliCommand cfd_cli_export_commands[] = {
  { NULL, "export",
    "--patient ID --pdf FILE [--include-psychotherapy] --recipient TEXT --purpose TEXT --basis "
    "TEXT",
    "Export a patient's signed record as PDF (psychotherapy notes only when asked), for a stated "
    "recipient, purpose and basis",
    run_export },
  { NULL },
};
