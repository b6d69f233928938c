/* cfd-cli-practice.c: confidant-cli practice show, set, dispositions: the practice profile on
 * exported records, and the practice's rules (retention, worklist). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase
    = N_ ("the unlocking user's (the owner's, to change the practice)");

static gboolean
print_profile (CfdVault *vault, GError **error)
{
  g_autoptr (CfdPractice) practice = cfd_vault_get_practice (vault, error);
  g_autofree char *data = NULL;

  if (practice == NULL)
    return FALSE;
  if (cfd_practice_is_empty (practice))
    {
      printf (_ ("No practice profile has been set (confidant-cli practice set).\n"));
      return TRUE;
    }
  data = cfd_practice_to_data (practice, NULL);
  fputs (cfd_cli_multiline_text (data), stdout);
  return TRUE;
}

/* Each dosing threshold: name, the practice's value, the default and its source. */
static gboolean
print_thresholds (CfdVault *vault, GError **error)
{
  CfdDosingThresholds current;
  const CfdDosingThresholdInfo *all;
  guint n;

  if (!cfd_vault_get_dosing_thresholds (vault, &current, error))
    return FALSE;
  printf (_ ("\nDosing thresholds (past one, a reading needs an action taken before signing):\n"));
  all = cfd_dosing_thresholds_list (&n);
  for (guint i = 0; i < n; i++)
    {
      guint value = cfd_dosing_threshold_get (&current, all[i].name);
      guint fallback = cfd_dosing_threshold_get (&cfd_dosing_default_thresholds, all[i].name);

      printf ("  %s=%u\t%s %u%s%s\t", all[i].name, value, all[i].description, value,
              all[i].unit != NULL ? " " : "", all[i].unit != NULL ? all[i].unit : "");
      /* TRANSLATORS: a dosing threshold's default value and its source (a
       * drug label or "Confidant default", printed untranslated). */
      printf (_ ("(default %u: %s)\n"), fallback, all[i].source);
    }
  return TRUE;
}

static gboolean
print_rules (CfdVault *vault, GError **error)
{
  const CfdRetentionRule *current, *all;
  guint n, hours;

  current = cfd_vault_get_retention_rule (vault, error);
  if (current == NULL)
    return FALSE;
  hours = cfd_vault_get_worklist_draft_hours (vault, error);
  if (hours == 0)
    return FALSE;
  if (!print_thresholds (vault, error))
    return FALSE;
  printf (_ ("\nRetention rule: %s\n"), current->id);
  printf (_ ("Worklist draft age: %u hours\n"), hours);
  printf (_ ("\nRetention rules (years after the last signed record; minors kept until the age "
             "shown if longer):\n"));
  all = cfd_retention_rules (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *minors = all[i].minor_until_age != 0
                                    ? g_strdup_printf ("%u", all[i].minor_until_age)
                                    : g_strdup ("-");

      printf ("%s %s\t%u\t%s\t%s\t%s%s\n", &all[i] == current ? "*" : " ", all[i].id,
              all[i].years_after_last, minors, all[i].label, all[i].citation,
              &all[i] == cfd_retention_rule_default () ? _ (" (Confidant's default)") : "");
    }
  return TRUE;
}

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[0], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage (_ ("practice show takes no arguments"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!print_profile (vault, &error) || !print_rules (vault, &error))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

/* The profile as it will be after --file (from_file, taken over; NULL
 * for the vault's current profile), --name, --address and --phone. */
static CfdPractice *
updated_profile (CfdVault *vault,
                 CfdPractice *from_file,
                 const char *name,
                 const char *address,
                 const char *phone,
                 GError **error)
{
  g_autoptr (CfdPractice) practice
      = from_file != NULL ? from_file : cfd_vault_get_practice (vault, error);

  if (practice == NULL)
    return NULL;
  if (name != NULL)
    cfd_practice_set_name (practice, name);
  if (address != NULL)
    {
      g_autofree char *lines = g_strcompress (address);

      cfd_practice_set_address (practice, lines);
    }
  if (phone != NULL)
    cfd_practice_set_phone (practice, phone);
  return g_steal_pointer (&practice);
}

static int
run_set (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *file = NULL, *name = NULL, *address = NULL, *phone = NULL, *rule = NULL;
  g_auto (GStrv) threshold_args = NULL;
  int hours = 0;
  GOptionEntry entries[]
      = { { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            N_ ("The whole profile as a key file (- for standard input)"), "FILE" },
          { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("The practice's name"), "TEXT" },
          { "address", 0, 0, G_OPTION_ARG_STRING, &address,
            N_ ("Its postal address (\\n between lines)"), "TEXT" },
          { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_ ("Its phone number"), "TEXT" },
          { "retention-rule", 0, 0, G_OPTION_ARG_STRING, &rule,
            N_ ("The retention rule (see practice show)"), "RULE" },
          { "draft-hours", 0, 0, G_OPTION_ARG_INT, &hours,
            N_ ("List drafts in the worklist after this many hours"), "HOURS" },
          { "threshold", 0, 0, G_OPTION_ARG_STRING_ARRAY, &threshold_args,
            N_ ("A dosing threshold (see practice show); may be repeated"), "NAME=VALUE" },
          { NULL } };
  const CfdDosingThresholdInfo *threshold_infos[16];
  guint threshold_values[16];
  guint n_thresholds = 0;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdPractice) from_file = NULL;
  gboolean profile = file != NULL || name != NULL || address != NULL || phone != NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  profile = file != NULL || name != NULL || address != NULL || phone != NULL;
  n_thresholds = threshold_args != NULL ? g_strv_length (threshold_args) : 0;
  if (argc != 1 || (!profile && rule == NULL && hours == 0 && n_thresholds == 0))
    return cfd_cli_usage (
        _ ("practice set needs --file FILE, --name, --address, --phone, "
           "--retention-rule RULE, --draft-hours HOURS or --threshold NAME=VALUE"));
  if (n_thresholds > G_N_ELEMENTS (threshold_infos))
    return cfd_cli_usage (_ ("at most %u --threshold at once"),
                          (guint)G_N_ELEMENTS (threshold_infos));
  /* Every threshold is checked before any is saved. */
  for (guint i = 0; i < n_thresholds; i++)
    {
      g_autoptr (GError) parse_error = NULL;

      if (!cfd_dosing_threshold_parse (threshold_args[i], &threshold_infos[i], &threshold_values[i],
                                       &parse_error))
        return cfd_cli_usage ("%s", parse_error->message);
    }
  if (rule != NULL && cfd_retention_rule_find (rule) == NULL)
    return cfd_cli_usage (_ ("no retention rule is called '%s' (see practice show)"),
                          cfd_cli_text (rule));
  if (hours < 0)
    return cfd_cli_usage (_ ("--draft-hours must be a positive number"));
  if (file != NULL)
    {
      g_autofree char *data = cfd_cli_read_text (ctx, file, 256 * 1024, _ ("The profile"), &error);

      if (data == NULL)
        return cfd_cli_fail (error);
      from_file = cfd_practice_new_from_data (data, strlen (data), &error);
      if (from_file == NULL)
        return cfd_cli_fail (error);
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (profile)
    {
      g_autoptr (CfdPractice) practice
          = updated_profile (vault, g_steal_pointer (&from_file), name, address, phone, &error);

      if (practice == NULL || !cfd_vault_set_practice (vault, practice, &error))
        return cfd_cli_fail (error);
      printf (_ ("The practice profile is saved; exports show it from now on.\n"));
    }
  if ((rule != NULL && !cfd_vault_set_retention_rule (vault, rule, &error))
      || (hours != 0 && !cfd_vault_set_worklist_draft_hours (vault, (guint)hours, &error)))
    return cfd_cli_fail (error);
  for (guint i = 0; i < n_thresholds; i++)
    {
      if (!cfd_vault_set_dosing_threshold (vault, threshold_infos[i]->name, threshold_values[i],
                                           &error))
        return cfd_cli_fail (error);
      printf (_ ("Threshold %s is now %u; dosing records signed from now on are checked against "
                 "it.\n"),
              threshold_infos[i]->name, threshold_values[i]);
    }
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
    return cfd_cli_usage (_ ("practice dispositions takes no arguments"));
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
  { "practice", "show", "",
    N_ ("The practice profile, its dosing thresholds and retention rule (with sources) and "
        "worklist "
        "setting"),
    run_show },
  { "practice", "set",
    "[--file FILE|-] [--name TEXT] [--address TEXT] [--phone TEXT] [--retention-rule RULE] "
    "[--draft-hours HOURS] [--threshold NAME=VALUE]...",
    N_ ("Change the practice profile shown on exports, or the practice's rules (owner only)"),
    run_set },
  { "practice", "dispositions", "",
    N_ ("What remains of deleted patients: id, date, rule, who (owner only)"), run_dispositions },
  { NULL },
};
