/* cfd-cli-practice.c: confidant-cli practice show, set, dispositions: the practice's rules. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char unlock_passphrase[] = "the unlocking user's (the owner's, to change a rule)";

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  const CfdRetentionRule *current, *all;
  GError *error = NULL;
  guint n, hours;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[0], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage ("practice show takes no arguments");
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  current = cfd_vault_get_retention_rule (vault, &error);
  if (current == NULL)
    return cfd_cli_fail (error);
  hours = cfd_vault_get_worklist_draft_hours (vault, &error);
  if (hours == 0)
    return cfd_cli_fail (error);
  printf ("Retention rule: %s\n", current->id);
  printf ("Worklist draft age: %u hours\n", hours);
  printf ("\nRetention rules (years after the last signed record; minors kept until the age "
          "shown if longer):\n");
  all = cfd_retention_rules (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *minors = all[i].minor_until_age != 0
                                    ? g_strdup_printf ("%u", all[i].minor_until_age)
                                    : g_strdup ("-");

      printf ("%s %s\t%u\t%s\t%s\t%s%s\n", &all[i] == current ? "*" : " ", all[i].id,
              all[i].years_after_last, minors, all[i].label, all[i].citation,
              &all[i] == cfd_retention_rule_default () ? " (Confidant's default)" : "");
    }
  return CFD_CLI_OK;
}

static int
run_set (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *rule = NULL;
  int hours = 0;
  GOptionEntry entries[] = { { "retention-rule", 0, 0, G_OPTION_ARG_STRING, &rule,
                               "The retention rule (see practice show)", "RULE" },
                             { "draft-hours", 0, 0, G_OPTION_ARG_INT, &hours,
                               "List drafts in the worklist after this many hours", "HOURS" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || (rule == NULL && hours == 0))
    return cfd_cli_usage ("practice set needs --retention-rule RULE or --draft-hours HOURS");
  if (rule != NULL && cfd_retention_rule_find (rule) == NULL)
    return cfd_cli_usage ("no retention rule is called '%s' (see practice show)", rule);
  if (hours < 0)
    return cfd_cli_usage ("--draft-hours must be a positive number");
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if ((rule != NULL && !cfd_vault_set_retention_rule (vault, rule, &error))
      || (hours != 0 && !cfd_vault_set_worklist_draft_hours (vault, (guint)hours, &error)))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

static int
run_dispositions (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) list = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[2], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage ("practice dispositions takes no arguments");
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  list = cfd_vault_list_dispositions (vault, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      CfdDisposition *d = g_ptr_array_index (list, i);
      g_autofree char *when = cfd_cli_format_time (d->deleted_at);
      g_autofree char *until
          = d->retain_until != 0 ? cfd_date_format (d->retain_until) : g_strdup ("unknown");
      g_autofree char *reason
          = d->override_reason != NULL ? g_strescape (d->override_reason, NULL) : g_strdup ("-");

      printf ("%s\t%s\t%s\t%s\t%s\t%s\n", d->patient_id, when, d->rule_id, until, d->deleted_by,
              reason);
    }
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_practice_commands[] = {
  { "practice", "show", "", "The practice's retention rule (with sources) and worklist setting",
    run_show },
  { "practice", "set", "[--retention-rule RULE] [--draft-hours HOURS]",
    "Change the practice's rules (owner only)", run_set },
  { "practice", "dispositions", "",
    "What remains of deleted patients: id, date, rule, who (owner only)", run_dispositions },
  { NULL },
};
