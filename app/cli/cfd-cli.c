/* cfd-cli.c: confidant-cli: global options and dispatch to subcommands. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

/* One table per file of commands, in the order --help lists them. */
/* clang-format off */
static const CfdCliCommand *const command_tables[] = {
  cfd_cli_vault_commands,
  cfd_cli_patient_commands,
  cfd_cli_note_commands,
  cfd_cli_backup_commands,
  cfd_cli_consent_commands,
  cfd_cli_review_commands,
  cfd_cli_supervisor_commands,
  cfd_cli_capsule_commands,
  cfd_cli_audit_commands,
  cfd_cli_export_commands,
  cfd_cli_demo_commands,
};
/* clang-format on */

static void
print_commands (FILE *out)
{
  fprintf (out, "Commands:\n");
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        g_autofree char *usage = g_strdup_printf ("%s%s%s %s", c->group ? c->group : "",
                                                  c->group ? " " : "", c->name, c->args);

        fprintf (out, "  %-44s %s\n", usage, c->summary);
      }
  fprintf (out, "\nRun 'confidant-cli COMMAND --help' for a command's options.\n");
}

static const CfdCliCommand *
find_command (int argc, char **argv, int *consumed)
{
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        if (c->group == NULL && argc >= 1 && strcmp (argv[0], c->name) == 0)
          {
            *consumed = 1;
            return c;
          }
        if (c->group != NULL && argc >= 2 && strcmp (argv[0], c->group) == 0
            && strcmp (argv[1], c->name) == 0)
          {
            *consumed = 2;
            return c;
          }
        /* A name of two words ("card export"): one more argument. */
        if (c->group != NULL && argc >= 3 && strcmp (argv[0], c->group) == 0
            && strchr (c->name, ' ') != NULL)
          {
            g_autofree char *two = g_strconcat (argv[1], " ", argv[2], NULL);

            if (strcmp (two, c->name) == 0)
              {
                *consumed = 3;
                return c;
              }
          }
      }
  return NULL;
}

int
cfd_cli_fail (GError *error)
{
  fprintf (stderr, "confidant-cli: %s\n", error->message);
  g_error_free (error);
  return CFD_CLI_FAILED;
}

int
cfd_cli_usage (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "confidant-cli: %s\n", message);
  return CFD_CLI_USAGE;
}

gboolean
cfd_cli_parse (const CfdCliCommand *command,
               GOptionEntry *entries,
               const char *passphrases,
               int *argc,
               char ***argv)
{
  g_autofree char *title
      = g_strdup_printf ("%s%s%s %s", command->group ? command->group : "",
                         command->group ? " " : "", command->name, command->args);
  g_autoptr (GOptionContext) context = g_option_context_new (title);
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;

  g_option_context_set_summary (context, command->summary);
  if (passphrases != NULL)
    {
      description = g_strdup_printf (
          "Passphrases: %s. They are read from --passphrase-file, or from standard input "
          "(one per line, in that order) when it is not a terminal, or asked for.",
          passphrases);
      g_option_context_set_description (context, description);
    }
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cfd_cli_usage ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

CfdVault *
cfd_cli_unlock (CfdCliContext *ctx, GError **error)
{
  g_autoptr (CfdVault) vault = cfd_vault_open (ctx->vault_path, error);
  g_autoptr (CfdSecret) passphrase = NULL;
  g_autofree char *prompt = NULL;

  if (vault == NULL)
    return NULL;
  cfd_vault_set_source (vault, "cli");
  prompt = g_strdup_printf ("Passphrase for %s", ctx->user != NULL ? ctx->user : "the owner");
  passphrase = cfd_cli_read_passphrase (ctx, prompt, error);
  if (passphrase == NULL)
    return NULL;
  if (!cfd_vault_unlock (vault, ctx->user, (const char *)passphrase->data, error))
    return NULL;
  if (cfd_vault_get_discarded_broken_write (vault))
    g_printerr ("warning: the vault was not closed properly and the last change written before "
                "that was incomplete or damaged; it was discarded (recorded in the audit log as "
                "vault.discard-broken-write). Everything saved before it is intact.\n");
  return g_steal_pointer (&vault);
}

char *
cfd_cli_format_time (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("-");
}

static void
context_clear (CfdCliContext *ctx)
{
  g_free (ctx->vault_path);
  g_free (ctx->user);
  g_free (ctx->passphrase_file);
  g_clear_pointer (&ctx->passphrase_lines, g_ptr_array_unref);
}

int
main (int argc, char *argv[])
{
  CfdCliContext ctx = { 0 };
  gboolean show_version = FALSE;
  GOptionEntry entries[]
      = { { "vault", 0, 0, G_OPTION_ARG_FILENAME, &ctx.vault_path,
            "The vault folder (default: $XDG_DATA_HOME/confidant)", "DIR" },
          { "user", 0, 0, G_OPTION_ARG_STRING, &ctx.user, "Who unlocks (default: the owner)",
            "NAME" },
          { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &ctx.passphrase_file,
            "Read passphrases from FILE, one per line", "FILE" },
          { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, "Print the version and exit", NULL },
          { NULL } };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const CfdCliCommand *command;
  int consumed = 0;
  int status;

  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    {
      fprintf (stderr, "confidant-cli: could not initialise the cryptography library\n");
      return CFD_CLI_FAILED;
    }
  setlocale (LC_ALL, "");

  context = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_set_summary (context, "Confidant's command line: the encrypted vault of "
                                         "clinical notes, for scripts and headless use.");
  g_option_context_add_main_entries (context, entries, NULL);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);

  if (argc >= 2
      && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
          || strcmp (argv[1], "help") == 0))
    {
      g_autofree char *help = NULL;

      g_option_context_set_help_enabled (context, TRUE);
      help = g_option_context_get_help (context, TRUE, NULL);
      fputs (help, stdout);
      print_commands (stdout);
      return CFD_CLI_OK;
    }

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cfd_cli_usage ("%s", error->message);

  if (show_version)
    {
      printf ("confidant-cli %s\n", PACKAGE_VERSION);
      context_clear (&ctx);
      return CFD_CLI_OK;
    }

  command = find_command (argc - 1, argv + 1, &consumed);
  if (command == NULL)
    {
      if (argc < 2)
        cfd_cli_usage ("no command given");
      else
        cfd_cli_usage ("unknown command '%s'", argv[1]);
      print_commands (stderr);
      context_clear (&ctx);
      return CFD_CLI_USAGE;
    }

  if (ctx.vault_path == NULL)
    ctx.vault_path = cfd_vault_default_path ();

  /* The command sees argv as "confidant-cli group name" + its own args. */
  status = command->run (&ctx, argc - consumed, argv + consumed);
  context_clear (&ctx);
  return status;
}
