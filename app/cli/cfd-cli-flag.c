/* cfd-cli-flag.c: confidant-cli patient flag list, review, resolve: the risk flag's history. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

enum
{
  FLAG_LIST,
  FLAG_REVIEW,
  FLAG_RESOLVE,
};

/* Tab-separated, one step a line, so scripts can cut it: cycle, step,
 * time (UTC), who, then the raising record or the action taken, with
 * tabs and line breaks escaped. */
static void
print_entry (CfdRiskFlagEntry *entry)
{
  g_autofree char *when = cfd_cli_format_time (cfd_risk_flag_entry_get_time (entry));
  const char *who = cfd_risk_flag_entry_get_actor_name (entry);
  g_autofree char *detail = NULL;

  if (cfd_risk_flag_entry_get_step (entry) == CFD_RISK_FLAG_RAISED)
    detail = g_strdup_printf ("record %s%s", cfd_risk_flag_entry_get_record_id (entry),
                              cfd_risk_flag_entry_get_carried_over (entry)
                                  ? " (raised before the flag's history was kept)"
                                  : "");
  else
    detail = g_strescape (cfd_risk_flag_entry_get_text (entry), NULL);
  printf ("%u\t%s\t%s\t%s\t%s\n", cfd_risk_flag_entry_get_cycle (entry),
          cfd_risk_flag_step_to_string (cfd_risk_flag_entry_get_step (entry)), when,
          who != NULL ? who : cfd_risk_flag_entry_get_actor_id (entry), detail);
  if (cfd_risk_flag_entry_get_step (entry) != CFD_RISK_FLAG_RAISED)
    cfd_wipe_string (g_steal_pointer (&detail));
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) steps = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_flag_commands[FLAG_LIST], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("patient flag list needs --patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  patient = cfd_vault_get_patient (vault, patient_id, &error);
  if (patient == NULL)
    return cfd_cli_fail (error);
  steps = cfd_vault_list_risk_flag (vault, patient_id, &error);
  if (steps == NULL)
    return cfd_cli_fail (error);
  printf ("%s", cfd_patient_get_risk_flag (patient) ? _ ("Flag: open\n") : _ ("Flag: none open\n"));
  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr (CfdRiskFlagEntry) entry = g_list_model_get_item (steps, i);

      print_entry (entry);
    }
  return CFD_CLI_OK;
}

static int
run_step (CfdCliContext *ctx, int argc, char **argv, guint command)
{
  g_autofree char *patient_id = NULL, *file = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            N_ ("The action taken, as UTF-8 text ('-' or absent: standard input)"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;
  gboolean done;

  if (!cfd_cli_parse (&cfd_cli_flag_commands[command], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (
        _ ("%s needs --patient ID (and the action taken in --file F or on stdin)"),
        command == FLAG_REVIEW ? "patient flag review" : "patient flag resolve");
  /* Before the unlock: a missing or empty file costs nothing. */
  text
      = cfd_cli_read_text (ctx, file, CFD_RISK_FLAG_MAX_TEXT_BYTES, _ ("The action taken"), &error);
  if (text == NULL)
    return cfd_cli_fail (error);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    {
      cfd_wipe_string (g_steal_pointer (&text));
      return cfd_cli_fail (error);
    }
  done = command == FLAG_REVIEW ? cfd_vault_review_risk_flag (vault, patient_id, text, &error)
                                : cfd_vault_resolve_risk_flag (vault, patient_id, text, &error);
  cfd_wipe_string (g_steal_pointer (&text));
  if (!done)
    return cfd_cli_fail (error);
  printf ("%s", command == FLAG_REVIEW ? _ ("Review recorded.\n") : _ ("Risk flag resolved.\n"));
  return CFD_CLI_OK;
}

static int
run_review (CfdCliContext *ctx, int argc, char **argv)
{
  return run_step (ctx, argc, argv, FLAG_REVIEW);
}

static int
run_resolve (CfdCliContext *ctx, int argc, char **argv)
{
  return run_step (ctx, argc, argv, FLAG_RESOLVE);
}

const CfdCliCommand cfd_cli_flag_commands[] = {
  [FLAG_LIST] = { "patient", "flag list", "--patient ID",
                  N_ ("The risk flag's history: raised, reviewed, resolved"), run_list },
  [FLAG_REVIEW]
  = { "patient", "flag review", "--patient ID [--file F]",
      N_ ("Record a review of the open risk flag (action taken from F or stdin)"), run_review },
  [FLAG_RESOLVE] = { "patient", "flag resolve", "--patient ID [--file F]",
                     N_ ("Resolve the reviewed risk flag (outcome from F or stdin)"), run_resolve },
  { NULL },
};
