/* cfd-cli-schedule.c: confidant-cli measure schedule show, set, clear: a patient's measure schedule. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase
    = N_ ("the unlocking user's (a clinician's, to change it)");

enum
{
  SCHEDULE_SHOW,
  SCHEDULE_SET,
  SCHEDULE_CLEAR,
};

/* A practice's own instruments (beside the vault) may be scheduled too. */
static void
add_practice_instruments (CfdCliContext *ctx)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_instrument_library_add_practice (ctx->vault_path, &error))
    fprintf (stderr, "%s\n", error->message);
}

/* One rule a line: instrument id, cadence, the instrument's name. */
static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) rules = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_schedule_commands[SCHEDULE_SHOW], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("measure schedule show needs --patient ID"));
  add_practice_instruments (ctx);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  rules = cfd_vault_get_measure_schedule (vault, patient_id, &error);
  if (rules == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < rules->len; i++)
    {
      const CfdMeasureRule *rule = g_ptr_array_index (rules, i);
      const CfdInstrumentDef *def = cfd_instrument_lookup (rule->instrument_id);
      g_autofree char *cadence = cfd_measure_cadence_to_string (rule->every_days);

      printf ("%s\t%s\t%s\n", rule->instrument_id, cadence,
              def != NULL ? cfd_instrument_def_get_name (def) : "(not installed here)");
    }
  return CFD_CLI_OK;
}

static int
write_schedule (CfdCliContext *ctx, const char *patient_id, const char *const *rules)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  add_practice_instruments (ctx);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_set_measure_schedule (vault, patient_id, rules, &error))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

static int
run_set (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  g_auto (GStrv) rules = NULL;
  GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
    { "rule", 0, 0, G_OPTION_ARG_STRING_ARRAY, &rules,
      N_ ("INSTRUMENT:before-each-dosing or INSTRUMENT:every-N-days; repeat for each instrument"),
      "RULE" },
    { NULL }
  };

  if (!cfd_cli_parse (&cfd_cli_schedule_commands[SCHEDULE_SET], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || rules == NULL || argc != 1)
    return cfd_cli_usage (_ ("measure schedule set needs --patient ID and one --rule or more"));
  /* The rule's syntax is checked before the passphrase is asked for. */
  for (guint i = 0; rules[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdMeasureRule) rule = cfd_measure_rule_parse (rules[i], &error);

      if (rule == NULL)
        return cfd_cli_usage (_ ("--rule %s: %s"), rules[i], error->message);
    }
  return write_schedule (ctx, patient_id, (const char *const *)rules);
}

static int
run_clear (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { NULL } };

  if (!cfd_cli_parse (&cfd_cli_schedule_commands[SCHEDULE_CLEAR], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("measure schedule clear needs --patient ID"));
  return write_schedule (ctx, patient_id, NULL);
}

const CfdCliCommand cfd_cli_schedule_commands[] = {
  [SCHEDULE_SHOW] = { "measure", "schedule show", "--patient ID",
                      N_ ("A patient's measure schedule: instrument, cadence, name"), run_show },
  [SCHEDULE_SET]
  = { "measure", "schedule set", "--patient ID --rule INSTRUMENT:CADENCE …",
      N_ ("Replace the schedule (before-each-dosing or every-N-days); feeds the worklist"),
      run_set },
  [SCHEDULE_CLEAR] = { "measure", "schedule clear", "--patient ID",
                       N_ ("Remove a patient's measure schedule"), run_clear },
  { NULL },
};
