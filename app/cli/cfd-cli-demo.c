/* cfd-cli-demo.c: confidant-cli demo: a new vault holding a synthetic, fictional practice. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cfd-cli.h"
#include "confidant.h"

static void
report_progress (guint done, guint total, gpointer user_data)
{
  if (isatty (STDERR_FILENO) && (done % 10 == 0 || done == total))
    {
      /* TRANSLATORS: progress, rewritten in place: "40 of 120 patients". */
      fprintf (stderr, "\r");
      fprintf (stderr, _ ("%u of %u patients"), done, total);
    }
  if (isatty (STDERR_FILENO) && done == total)
    fprintf (stderr, "\n");
}

static int
run_demo (CfdCliContext *ctx, int argc, char **argv)
{
  int patients = 20, records = 12;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "patients", 0, 0, G_OPTION_ARG_INT, &patients, N_ ("How many patients (default 20)"), "N" },
    { "records", 0, 0, G_OPTION_ARG_INT, &records, N_ ("Records per patient (default 12)"), "M" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_ ("The same seed gives the same practice"), "S" },
    { NULL }
  };
  g_autoptr (CfdSecret) owner_pass = NULL;
  g_autoptr (CfdSecret) supervisor_pass = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *recovery_key = NULL;
  CfdDemoOptions options = { 0 };
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_demo_commands[0], entries,
                      N_ ("the new owner's, then the demo supervisor's"), &argc, &argv))
    return CFD_CLI_USAGE;
  if (patients < 1 || patients > 100000 || records < 0 || records > 1000 || seed < 0
      || seed > G_MAXUINT32)
    return cfd_cli_usage (_ ("--patients must be 1 to 100000, --records 0 to 1000, --seed 0 to %u"),
                          G_MAXUINT32);
  if (cfd_vault_exists (ctx->vault_path))
    return cfd_cli_usage (_ ("demo makes a new vault, and %s already holds one"), ctx->vault_path);

  owner_pass = cfd_cli_read_passphrase (ctx, _ ("New passphrase for the demo owner"), &error);
  if (owner_pass == NULL)
    return cfd_cli_fail (error);
  supervisor_pass
      = cfd_cli_read_passphrase (ctx, _ ("New passphrase for the demo supervisor"), &error);
  if (supervisor_pass == NULL)
    return cfd_cli_fail (error);

  vault = cfd_vault_create (ctx->vault_path, ctx->user != NULL ? ctx->user : "Dr Rowan Ashby",
                            (const char *)owner_pass->data, &recovery_key, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  cfd_vault_set_source (vault, "cli");

  options.patients = (guint)patients;
  options.records_per_patient = (guint)records;
  options.seed = (guint32)seed;
  options.supervisor_name = "Dr Imre Valcourt";
  options.supervisor_passphrase = (const char *)supervisor_pass->data;
  if (!cfd_demo_populate (vault, &options, report_progress, NULL, &error))
    return cfd_cli_fail (error);

  printf (_ ("Created a demo practice of %d invented patients in %s.\n"), patients,
          cfd_vault_get_path (vault));
  printf (_ ("Owner: %s. Supervisor: Dr Imre Valcourt.\nRecovery key: %s\n"),
          cfd_vault_get_user_name (vault), recovery_key);
  cfd_wipe_string (g_steal_pointer (&recovery_key));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_demo_commands[] = {
  { NULL, "demo", "[--patients N] [--records M] [--seed S]",
    N_ ("Create a new vault with a synthetic, fictional practice"), run_demo },
  { NULL },
};
