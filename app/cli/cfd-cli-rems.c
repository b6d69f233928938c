/* cfd-cli-rems.c: confidant-cli rems form, rems submitted: the REMS Patient Monitoring Form of an esketamine session. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's (a clinician's)");

enum
{
  REMS_FORM,
  REMS_SUBMITTED,
};

static int
run_form (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *record_id = NULL, *pdf = NULL;
  GOptionEntry entries[]
      = { { "record", 0, 0, G_OPTION_ARG_STRING, &record_id, N_ ("The esketamine dosing record"),
            "ID" },
          { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_ ("The PDF file to write"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_auto (GStrv) missing = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_rems_commands[REMS_FORM], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (record_id == NULL || pdf == NULL || argc != 1)
    return cfd_cli_usage (_ ("rems form needs --record ID and --pdf FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_export_rems_form_pdf (vault, record_id, pdf, &missing, &error))
    return cfd_cli_fail (error);
  if (missing[0] == NULL)
    printf (_ ("REMS form written; every question is answered.\n"));
  else
    {
      printf (g_dngettext (GETTEXT_PACKAGE,
                           "REMS form written; %u question the record does not answer:\n",
                           "REMS form written; %u questions the record does not answer:\n",
                           g_strv_length (missing)),
              g_strv_length (missing));
      for (guint i = 0; missing[i] != NULL; i++)
        printf ("missing\t%s\n", missing[i]);
    }
  return CFD_CLI_OK;
}

static int
run_submitted (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *record_id = NULL, *date = NULL, *confirmation = NULL;
  GOptionEntry entries[] = {
    { "record", 0, 0, G_OPTION_ARG_STRING, &record_id, N_ ("The esketamine dosing record"), "ID" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_ ("When the form was submitted"), "YYYY-MM-DD" },
    { "confirmation", 0, 0, G_OPTION_ARG_STRING, &confirmation,
      N_ ("The confirmation number the REMS returned"), "TEXT" },
    { NULL }
  };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;
  gint64 day;

  if (!cfd_cli_parse (&cfd_cli_rems_commands[REMS_SUBMITTED], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (record_id == NULL || date == NULL || confirmation == NULL || argc != 1)
    return cfd_cli_usage (_ ("rems submitted needs --record ID, --date YYYY-MM-DD and "
                             "--confirmation TEXT"));
  if (!cfd_date_parse (date, &day))
    return cfd_cli_usage (_ ("--date must be a day written YYYY-MM-DD"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_record_rems_submission (vault, record_id, day, confirmation, &error))
    return cfd_cli_fail (error);
  printf (_ ("Submission recorded.\n"));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_rems_commands[] = {
  [REMS_FORM]
  = { "rems", "form", "--record ID --pdf FILE",
      N_ ("The REMS Patient Monitoring Form of an esketamine session as a PDF, and what "
          "it is missing"),
      run_form },
  [REMS_SUBMITTED] = { "rems", "submitted", "--record ID --date YYYY-MM-DD --confirmation TEXT",
                       N_ ("Record that the session's REMS form was submitted"), run_submitted },
  { NULL },
};
