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
  cfd_cli_flag_commands,
  cfd_cli_chart_commands,
  cfd_cli_attachment_commands,
  cfd_cli_worklist_commands,
  cfd_cli_rems_commands,
  cfd_cli_practice_commands,
  cfd_cli_note_commands,
  cfd_cli_schedule_commands,
  cfd_cli_backup_commands,
  cfd_cli_consent_commands,
  cfd_cli_authorization_commands,
  cfd_cli_review_commands,
  cfd_cli_supervisor_commands,
  cfd_cli_capsule_commands,
  cfd_cli_audit_commands,
  cfd_cli_export_commands,
  cfd_cli_disclosure_commands,
  cfd_cli_demo_commands,
};
/* clang-format on */

static char *
command_usage (const CfdCliCommand *c)
{
  return g_strdup_printf ("%s%s%s%s%s", c->group ? c->group : "", c->group ? " " : "", c->name,
                          c->args[0] != '\0' ? " " : "", c->args);
}

static void
print_commands (FILE *out)
{
  fprintf (out, _ ("Commands:\n"));
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        g_autofree char *usage = command_usage (c);

        fprintf (out, "  %-44s %s\n", usage, _ (c->summary));
      }
  fprintf (out, _ ("\nRun 'confidant-cli COMMAND --help' for a command's options, and\n"
                   "'confidant-cli GROUP --help' for a group's commands.\n"));
}

static gboolean
is_group (const char *word)
{
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      if (c->group != NULL && strcmp (c->group, word) == 0)
        return TRUE;
  return FALSE;
}

static void
print_group (FILE *out, const char *group)
{
  /* TRANSLATORS: %s is a group of commands ("patient"); COMMAND and ARGS
   * stand for words the user types. */
  fprintf (out, _ ("Usage:\n  confidant-cli [OPTION…] %s COMMAND [ARGS…]\n\nCommands:\n"), group);
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      if (c->group != NULL && strcmp (c->group, group) == 0)
        {
          g_autofree char *usage = command_usage (c);

          fprintf (out, "  %-44s %s\n", usage, _ (c->summary));
        }
  fprintf (out, _ ("\nRun 'confidant-cli %s COMMAND --help' for a command's options.\n"), group);
}

/* Text for troff: a leading dot or quote would start a request, and a
 * backslash an escape. */
static void
put_roff (FILE *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\')
        fputs ("\\e", out);
      else if (*p == '-')
        fputs ("\\-", out);
      else
        fputc (*p, out);
    }
}

/* The manual page, from the same table as --help, so the two never
 * disagree; the build writes it (see app/meson.build). */
static void
print_man_page (FILE *out)
{
  fprintf (out, ".TH CONFIDANT-CLI 1 \"\" \"Confidant %s\" \"User Commands\"\n", PACKAGE_VERSION);
  fputs (".SH NAME\nconfidant\\-cli \\- the encrypted vault of clinical notes, from the "
         "command line\n"
         ".SH SYNOPSIS\n.B confidant\\-cli\n[\\fB\\-\\-vault\\fR \\fIDIR\\fR] "
         "[\\fB\\-\\-user\\fR \\fINAME\\fR] [\\fB\\-\\-passphrase\\-file\\fR "
         "\\fIFILE\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n"
         ".SH DESCRIPTION\n"
         "Confidant keeps the clinical notes of therapists who run ketamine\\-assisted therapy "
         "in an encrypted vault on their own computer. This program reaches the same vault as "
         "the desktop app, for scripts and headless use. Passphrases are read from "
         "\\fB\\-\\-passphrase\\-file\\fR, or from standard input (one per line) when it is "
         "not a terminal, or asked for without echo.\n"
         ".SH OPTIONS\n"
         ".TP\n\\fB\\-\\-vault\\fR \\fIDIR\\fR\nThe vault folder (default: "
         "\\fI$XDG_DATA_HOME/confidant\\fR).\n"
         ".TP\n\\fB\\-\\-user\\fR \\fINAME\\fR\nWho unlocks (default: the owner).\n"
         ".TP\n\\fB\\-\\-passphrase\\-file\\fR \\fIFILE\\fR\nRead passphrases from "
         "\\fIFILE\\fR, one per line.\n"
         ".TP\n\\fB\\-\\-version\\fR\nPrint the version and exit.\n"
         ".SH COMMANDS\n"
         "Each command lists its own options with \\fB\\-\\-help\\fR.\n",
         out);
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        g_autofree char *usage = command_usage (c);

        fputs (".TP\n.B ", out);
        put_roff (out, usage);
        fputs ("\n", out);
        put_roff (out, c->summary);
        fputs (".\n", out);
      }
  fputs (".SH EXIT STATUS\n0 on success, 1 when the command failed, 2 for a usage error.\n"
         ".SH FILES\n.TP\n\\fI$XDG_DATA_HOME/confidant/vault.db\\fR, "
         "\\fI$XDG_DATA_HOME/confidant/keyring\\fR\nThe vault: the encrypted database and the "
         "keyring that unlocks it.\n"
         ".SH SEE ALSO\n\\fBconfidant\\fR(1)\n",
         out);
}

static gboolean
word_listed (const char *words, const char *word)
{
  g_auto (GStrv) list = g_strsplit (words, " ", -1);

  return g_strv_contains ((const char *const *)list, word);
}

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

/* A bash completion script: command words from the table. */
static void
print_bash_completion (FILE *out)
{
  g_autoptr (GString) top = g_string_new ("--vault --user --passphrase-file --version --help");
  g_autoptr (GHashTable) groups
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, string_free);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CfdCliCommand *c = command_tables[t]; c->name != NULL; c++)
      {
        GString *words;
        g_autofree char *first = NULL;
        const char *space = strchr (c->name, ' ');

        if (c->group == NULL)
          {
            g_string_append_printf (top, " %s", c->name);
            continue;
          }
        words = g_hash_table_lookup (groups, c->group);
        if (words == NULL)
          {
            words = g_string_new (NULL);
            g_hash_table_insert (groups, (gpointer)c->group, words);
            g_ptr_array_add (order, (gpointer)c->group);
            g_string_append_printf (top, " %s", c->group);
          }
        /* A name of two words ("card export") completes its first word. */
        first = space != NULL ? g_strndup (c->name, (gsize)(space - c->name)) : g_strdup (c->name);
        if (!word_listed (words->str, first))
          g_string_append_printf (words, "%s%s", words->len > 0 ? " " : "", first);
      }

  fputs ("# bash completion for confidant-cli (generated from its command table)\n"
         "_confidant_cli()\n{\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} i word=\"\" n=0\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n"
         "      --vault|--user|--passphrase-file) ((i++)) ;;\n"
         "      -*) ;;\n"
         "      *) [ $n -eq 0 ] && word=${COMP_WORDS[i]}; ((n++)) ;;\n"
         "    esac\n"
         "  done\n"
         "  case ${COMP_WORDS[COMP_CWORD-1]} in\n"
         "    --vault) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
         "    --passphrase-file|--file|--out|--pdf|--checkpoint) "
         "COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
         "  esac\n"
         "  if [ $n -eq 0 ]; then\n",
         out);
  fprintf (out, "    COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return\n  fi\n", top->str);
  fputs ("  if [ $n -eq 1 ]; then\n    case $word in\n", out);
  for (guint i = 0; i < order->len; i++)
    {
      const char *group = g_ptr_array_index (order, i);
      GString *words = g_hash_table_lookup (groups, group);

      fprintf (out, "      %s) COMPREPLY=($(compgen -W \"%s --help\" -- \"$cur\")) ;;\n", group,
               words->str);
    }
  fputs ("    esac\n    return\n  fi\n"
         "  COMPREPLY=($(compgen -f -- \"$cur\"))\n}\n"
         "complete -F _confidant_cli confidant-cli\n",
         out);
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
  /* Messages may quote a file's or a user's name. */
  fprintf (stderr, "confidant-cli: %s\n", cfd_cli_multiline_text (error->message));
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
  fprintf (stderr, "confidant-cli: %s\n", cfd_cli_multiline_text (message));
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

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _ (command->summary));
  if (passphrases != NULL)
    {
      description = g_strdup_printf (
          /* TRANSLATORS: %s says whose passphrases a command asks for, in
           * order ("the unlocking user's, then the new user's"). */
          _ ("Passphrases: %s. They are read from --passphrase-file, or from standard input "
             "(one per line, in that order) when it is not a terminal, or asked for."),
          _ (passphrases));
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
  /* TRANSLATORS: %s is a user's name as typed after --user. */
  prompt = ctx->user != NULL ? g_strdup_printf (_ ("Passphrase for %s"), ctx->user)
                             : g_strdup (_ ("Passphrase for the owner"));
  passphrase = cfd_cli_read_passphrase (ctx, prompt, error);
  if (passphrase == NULL)
    return NULL;
  if (!cfd_vault_unlock (vault, ctx->user, (const char *)passphrase->data, error))
    return NULL;
  if (cfd_vault_get_discarded_broken_write (vault))
    g_printerr (_ ("warning: the vault was not closed properly and the last change written before "
                   "that was incomplete or damaged; it was discarded (recorded in the audit log as "
                   "vault.discard-broken-write). Everything saved before it is intact.\n"));
  /* Tampering found at unlock goes to stderr, so scripts reading stdout
   * are not thrown, and a person still sees it. */
  for (const char *const *warning = cfd_vault_get_tamper_warnings (vault); *warning; warning++)
    g_printerr (_ ("warning: tampering found: %s (recorded in the audit log as vault.tamper)\n"),
                *warning);
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
  GOptionEntry entries[] = { { "vault", 0, 0, G_OPTION_ARG_FILENAME, &ctx.vault_path,
                               N_ ("The vault folder (default: $XDG_DATA_HOME/confidant)"), "DIR" },
                             { "user", 0, 0, G_OPTION_ARG_STRING, &ctx.user,
                               N_ ("Who unlocks (default: the owner)"), "NAME" },
                             { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &ctx.passphrase_file,
                               N_ ("Read passphrases from FILE, one per line"), "FILE" },
                             { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
                               N_ ("Print the version and exit"), NULL },
                             { NULL } };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const CfdCliCommand *command;
  int consumed = 0;
  int status;

  cfd_secure_harden_process ();
  /* Messages follow the locale; what scripts read (ids, ISO dates, --json,
   * tab-separated rows, exit codes) does not (README, "Scripting"). */
  setlocale (LC_ALL, "");
  /* CONFIDANT_LOCALEDIR: a build's po/, for the tests that run in a
   * translation before it is installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CONFIDANT_LOCALEDIR") != NULL
                                       ? g_getenv ("CONFIDANT_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* GOption's usage lines name the program by this. */
  g_set_prgname ("confidant-cli");
  if (!cfd_secure_init ())
    {
      fprintf (stderr, _ ("confidant-cli: could not initialise the cryptography library\n"));
      return CFD_CLI_FAILED;
    }

  /* TRANSLATORS: COMMAND and ARGS stand for words the user types. */
  context = g_option_context_new (_ ("COMMAND [ARGS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _ ("Confidant's command line: the encrypted vault of "
                                            "clinical notes, for scripts and headless use."));
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

  /* Build-time generators, hidden from --help. */
  if (argc == 2 && strcmp (argv[1], "--generate-man-page") == 0)
    {
      print_man_page (stdout);
      return CFD_CLI_OK;
    }
  if (argc == 2 && strcmp (argv[1], "--generate-bash-completion") == 0)
    {
      print_bash_completion (stdout);
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
  if (command == NULL && argc >= 2 && is_group (argv[1]))
    {
      /* "patient --help" lists the group; "patient" alone or "patient
       * frobnicate" is a usage error that lists it too. */
      gboolean asked = argc == 3
                       && (strcmp (argv[2], "--help") == 0 || strcmp (argv[2], "-h") == 0
                           || strcmp (argv[2], "help") == 0);

      if (!asked)
        {
          if (argc < 3)
            cfd_cli_usage (_ ("'%s' needs a command"), argv[1]);
          else
            cfd_cli_usage (_ ("'%s' is not a command of '%s'"), argv[2], argv[1]);
        }
      print_group (asked ? stdout : stderr, argv[1]);
      context_clear (&ctx);
      return asked ? CFD_CLI_OK : CFD_CLI_USAGE;
    }
  if (command == NULL)
    {
      if (argc < 2)
        cfd_cli_usage (_ ("no command given"));
      else
        cfd_cli_usage (_ ("unknown command '%s'"), argv[1]);
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
