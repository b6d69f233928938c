/* cfd-cli-export.c: confidant-cli export: a patient's record as a PDF file. */
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
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, "The patient to export", "ID" },
          { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write the record to this PDF file", "FILE" },
          { "include-psychotherapy", 0, 0, G_OPTION_ARG_NONE, &include_psychotherapy,
            "Include the psychotherapy notes too (left out unless asked for)", NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;
  guint pages = 0;

  if (!cfd_cli_parse (&cfd_cli_export_commands[0], entries, "the unlocking user's", &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient_id == NULL || pdf == NULL)
    return cfd_cli_usage ("export needs --patient ID and --pdf FILE");
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_export_patient_pdf (vault, patient_id, include_psychotherapy, pdf, &pages, &error))
    return cfd_cli_fail (error);
  printf (
      "Wrote %u page%s to %s: the signed medical record%s.\n", pages, pages == 1 ? "" : "s", pdf,
      include_psychotherapy ? " and the psychotherapy notes" : " (psychotherapy notes left out)");
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_export_commands[] = {
  { NULL, "export", "--patient ID --pdf FILE [--include-psychotherapy]",
    "Export a patient's signed record as PDF (psychotherapy notes only when asked)", run_export },
  { NULL },
};
