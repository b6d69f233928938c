/* cfd-cli-chart.c: confidant-cli problem|allergy|medication|trial|plan add, list, edit, resolve, history; episode add, list, edit, close, history; problem codes. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

#define MAX_ENTRY_BYTES (64 * 1024)

enum
{
  ACTION_ADD,
  ACTION_LIST,
  ACTION_EDIT,
  ACTION_RESOLVE,
  ACTION_HISTORY,
  N_ACTIONS,
};

/* The table below is CFD_CHART_N_LISTS groups of N_ACTIONS commands, then
 * "problem codes"; a command finds its list and action from its place. */
static CfdChartList
list_of_command (const CfdCliCommand *command)
{
  CfdChartList list = CFD_CHART_PROBLEM;

  if (!cfd_chart_list_from_string (command->group, &list))
    g_assert_not_reached ();
  return list;
}

/* Tab-separated, so scripts can cut it: entry id, revision, status, the
 * entry in one line (escaped: it is patient text), when and by whom. */
static void
print_entry (CfdChartEntry *entry, gboolean with_flags)
{
  g_autofree char *when = cfd_cli_format_time (cfd_chart_entry_get_time (entry));
  g_autofree char *described = cfd_chart_entry_describe (entry);
  const char *who = cfd_chart_entry_get_actor_name (entry);
  const char *status = cfd_chart_entry_get_field (entry, CFD_CHART_STATUS);
  g_autofree char *flags
      = cfd_medication_flags_to_string (cfd_chart_entry_get_medication_flags (entry));

  printf ("%s\t%u\t%s\t%s", cfd_chart_entry_get_item_id (entry),
          cfd_chart_entry_get_revision (entry), status != NULL ? status : "active",
          cfd_cli_text (described));
  if (with_flags)
    printf ("\t%s", *flags != '\0' ? flags : "-");
  printf ("\t%s\t%s\n", when,
          cfd_cli_text (who != NULL ? who : cfd_chart_entry_get_actor_id (entry)));
  cfd_wipe_string (g_steal_pointer (&described));
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv, const CfdCliCommand *command)
{
  CfdChartList list = list_of_command (command);
  g_autofree char *patient_id = NULL;
  gboolean all = FALSE;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "all", 0, 0, G_OPTION_ARG_NONE, &all,
            N_ ("Include resolved, inactive, stopped and withdrawn entries"), NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) model = NULL;
  GError *error = NULL;
  guint n;

  if (!cfd_cli_parse (command, entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("%s list needs --patient ID"), command->group);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  model = cfd_vault_list_chart (vault, patient_id, list, all, &error);
  if (model == NULL)
    return cfd_cli_fail (error);
  n = g_list_model_get_n_items (model);
  /* An empty allergy list is not "no known drug allergies": say so. */
  if (n == 0 && list == CFD_CHART_ALLERGY)
    /* TRANSLATORS: "nkda: yes" is a field line as typed; keep it as is. */
    printf (_ ("Allergies: not recorded (record \"nkda: yes\" for no known drug allergies)\n"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (model, i);

      print_entry (entry, list == CFD_CHART_MEDICATION);
      /* Completed sessions are counted from the signed dosing records,
       * never typed. */
      if (list == CFD_CHART_EPISODE)
        {
          guint completed = 0;

          if (!cfd_vault_count_episode_sessions (vault, patient_id, entry, &completed, &error))
            return cfd_cli_fail (error);
          printf (_ ("\tcompleted sessions: %u\n"), completed);
        }
    }
  return CFD_CLI_OK;
}

static int
run_history (CfdCliContext *ctx, int argc, char **argv, const CfdCliCommand *command)
{
  g_autofree char *patient_id = NULL, *item_id = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "entry", 0, 0, G_OPTION_ARG_STRING, &item_id, N_ ("The entry (its id from list)"),
            "ID" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) model = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (command, entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || item_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("%s history needs --patient ID --entry ID"), command->group);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  model = cfd_vault_chart_history (vault, patient_id, item_id, &error);
  if (model == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (model, i);

      print_entry (entry, cfd_chart_entry_get_list (entry) == CFD_CHART_MEDICATION);
    }
  return CFD_CLI_OK;
}

/* add and edit: the fields as "field: value" lines from --file or stdin,
 * never from the command line. */
static int
run_write (CfdCliContext *ctx, int argc, char **argv, const CfdCliCommand *command, guint action)
{
  CfdChartList list = list_of_command (command);
  g_autofree char *patient_id = NULL, *item_id = NULL, *file = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "entry", 0, 0, G_OPTION_ARG_STRING, &item_id, N_ ("The entry to edit or resolve"),
            "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            N_ ("The fields as \"field: value\" lines ('-' or absent: standard input)"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) fields = NULL;
  g_autofree char *new_id = NULL;
  char *text = NULL;
  GError *error = NULL;
  gboolean done;

  if (!cfd_cli_parse (command, entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1 || (action != ACTION_ADD && item_id == NULL)
      || (action == ACTION_RESOLVE && file != NULL))
    /* TRANSLATORS: %s is a list's command group ("chart allergy"). */
    return cfd_cli_usage (action == ACTION_ADD ? _ ("%s add needs --patient ID [--file F]")
                          : action == ACTION_EDIT
                              ? _ ("%s edit needs --patient ID --entry ID [--file F]")
                              /* TRANSLATORS: "%s %s" is a list's command group and its
                               * command ("chart episode close"). */
                              : _ ("%s %s needs --patient ID --entry ID"),
                          command->group, command->name);
  /* Before the unlock: a malformed file costs nothing. */
  if (action != ACTION_RESOLVE)
    {
      text = cfd_cli_read_text (ctx, file, MAX_ENTRY_BYTES, _ ("The entry"), &error);
      if (text == NULL)
        return cfd_cli_fail (error);
      fields = cfd_chart_fields_parse (list, text, strlen (text), &error);
      cfd_wipe_string (g_steal_pointer (&text));
      if (fields == NULL)
        return cfd_cli_fail (error);
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  switch (action)
    {
      case ACTION_ADD:
        new_id = cfd_vault_add_chart_entry (vault, patient_id, list, fields, &error);
        done = new_id != NULL;
        break;
      case ACTION_EDIT:
        done = cfd_vault_edit_chart_entry (vault, patient_id, item_id, fields, &error);
        break;
      default:
        done = cfd_vault_resolve_chart_entry (vault, patient_id, item_id, &error);
        break;
    }
  if (!done)
    return cfd_cli_fail (error);
  if (new_id != NULL)
    printf ("%s\n", new_id);
  return CFD_CLI_OK;
}

static int
run_codes (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (GPtrArray) found = NULL;
  g_autofree char *query = NULL;

  if (!cfd_cli_parse (&cfd_cli_chart_commands[CFD_CHART_N_LISTS * N_ACTIONS], NULL, NULL, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  /* The query is a diagnosis word or a code, not the patient's. */
  query = argc > 1 ? g_strjoinv (" ", argv + 1) : g_strdup ("");
  found = cfd_icd10_search (query, G_MAXUINT);
  if (found->len == 0)
    {
      fprintf (stderr, _ ("No listed code matches; any ICD-10-CM code may still be entered.\n"));
      return CFD_CLI_FAILED;
    }
  for (guint i = 0; i < found->len; i++)
    {
      const CfdIcd10Code *code = g_ptr_array_index (found, i);

      printf ("%s\t%s\n", code->code, code->title);
    }
  return CFD_CLI_OK;
}

#define LIST_RUNNERS(group, n)                                                                     \
  static int group##_add (CfdCliContext *ctx, int argc, char **argv)                               \
  {                                                                                                \
    return run_write (ctx, argc, argv, &cfd_cli_chart_commands[n * N_ACTIONS + ACTION_ADD],        \
                      ACTION_ADD);                                                                 \
  }                                                                                                \
  static int group##_list (CfdCliContext *ctx, int argc, char **argv)                              \
  {                                                                                                \
    return run_list (ctx, argc, argv, &cfd_cli_chart_commands[n * N_ACTIONS + ACTION_LIST]);       \
  }                                                                                                \
  static int group##_edit (CfdCliContext *ctx, int argc, char **argv)                              \
  {                                                                                                \
    return run_write (ctx, argc, argv, &cfd_cli_chart_commands[n * N_ACTIONS + ACTION_EDIT],       \
                      ACTION_EDIT);                                                                \
  }                                                                                                \
  static int group##_resolve (CfdCliContext *ctx, int argc, char **argv)                           \
  {                                                                                                \
    return run_write (ctx, argc, argv, &cfd_cli_chart_commands[n * N_ACTIONS + ACTION_RESOLVE],    \
                      ACTION_RESOLVE);                                                             \
  }                                                                                                \
  static int group##_history (CfdCliContext *ctx, int argc, char **argv)                           \
  {                                                                                                \
    return run_history (ctx, argc, argv, &cfd_cli_chart_commands[n * N_ACTIONS + ACTION_HISTORY]); \
  }

LIST_RUNNERS (problem, CFD_CHART_PROBLEM)
LIST_RUNNERS (allergy, CFD_CHART_ALLERGY)
LIST_RUNNERS (medication, CFD_CHART_MEDICATION)
LIST_RUNNERS (trial, CFD_CHART_TRIAL)
LIST_RUNNERS (plan, CFD_CHART_PLAN)
LIST_RUNNERS (episode, CFD_CHART_EPISODE)

/* Each list's own summaries, whole sentences for translators. */
#define EDIT_SUMMARY \
  N_ ("A new signed revision with the fields in F or stdin (an empty value removes one)")
#define RESOLVE_SUMMARY N_ ("Close the entry (a new signed revision)")
#define HISTORY_SUMMARY N_ ("Every signed revision of one entry")
#define LIST_COMMANDS(group, add_summary, list_summary)                                     \
  { #group, "add", "--patient ID [--file F]", add_summary, group##_add },                   \
      { #group, "list", "--patient ID [--all]", list_summary, group##_list },               \
      { #group, "edit", "--patient ID --entry ID [--file F]", EDIT_SUMMARY, group##_edit }, \
      { #group, "resolve", "--patient ID --entry ID", RESOLVE_SUMMARY, group##_resolve },   \
  {                                                                                         \
#group, "history", "--patient ID --entry ID", HISTORY_SUMMARY, group##_history          \
  }

const CfdCliCommand cfd_cli_chart_commands[] = {
  LIST_COMMANDS (problem,
                 N_ ("Add a signed problem (code, text, onset, status, note as \"field: value\" "
                     "lines from F or stdin); prints its id"),
                 N_ ("The problem list (latest revision of each)")),
  LIST_COMMANDS (allergy,
                 N_ ("Add a signed allergy (substance, reaction, severity, or nkda: yes as "
                     "\"field: value\" lines from F or stdin); prints its id"),
                 N_ ("The allergy list (latest revision of each)")),
  LIST_COMMANDS (medication,
                 N_ ("Add a signed medication (name, dose, frequency, start, stop, flags as "
                     "\"field: value\" lines from F or stdin); prints its id"),
                 N_ ("The medication list (latest revision of each)")),
  LIST_COMMANDS (trial,
                 N_ ("Add a signed trial (drug, dose, weeks, response as \"field: value\" lines "
                     "from F or stdin); prints its id"),
                 N_ ("The trial list (latest revision of each)")),
  LIST_COMMANDS (plan,
                 N_ ("Add a signed treatment-plan goal (problem (a problem's entry id), goal, "
                     "interventions, frequency, review as \"field: value\" lines from F or "
                     "stdin); prints its id"),
                 N_ ("The treatment plan's goals (latest revision of each)")),
  /* An episode is closed rather than resolved; its completed sessions are
   * counted from the signed dosing records. */
  { "episode", "add", "--patient ID [--file F]",
    N_ ("Add a signed episode of care (kind: first-series, maintenance or other; start; planned; "
        "end as \"field: value\" lines from F or stdin); prints its id"),
    episode_add },
  { "episode", "list", "--patient ID [--all]",
    N_ ("The episodes of care, each with its completed sessions (signed dosing records in its "
        "dates)"),
    episode_list },
  { "episode", "edit", "--patient ID --entry ID [--file F]", EDIT_SUMMARY, episode_edit },
  { "episode", "close", "--patient ID --entry ID",
    N_ ("Close the episode (a new signed revision; its end is today unless set)"),
    episode_resolve },
  { "episode", "history", "--patient ID --entry ID", N_ ("Every signed revision of one episode"),
    episode_history },
  { "problem", "codes", "[WORDS|CODE]", N_ ("Search the shipped ICD-10-CM code list"), run_codes },
  { NULL },
};
