/* cfd-cli.h: what every confidant-cli subcommand shares: options, passphrases, exit codes. */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "confidant.h"

G_BEGIN_DECLS

enum
{
  CFD_CLI_OK = 0,
  CFD_CLI_FAILED = 1,
  CFD_CLI_USAGE = 2,
};

typedef struct
{
  char *vault_path;
  char *user;
  char *passphrase_file;
  GPtrArray *passphrase_lines; /* read once from the file or stdin, in order */
  guint next_passphrase;
} CfdCliContext;

typedef int (*CfdCliRunFunc) (CfdCliContext *ctx, int argc, char **argv);

typedef struct
{
  const char *group; /* "patient", or NULL for a top-level command */
  const char *name;  /* "add" */
  const char *args;  /* shown after the name in --help */
  const char *summary;
  CfdCliRunFunc run;
} CfdCliCommand;

/* Each group file defines its table; cfd-cli.c lists them. */
extern const CfdCliCommand cfd_cli_vault_commands[];
extern const CfdCliCommand cfd_cli_patient_commands[];
extern const CfdCliCommand cfd_cli_note_commands[];
extern const CfdCliCommand cfd_cli_backup_commands[];
extern const CfdCliCommand cfd_cli_consent_commands[];
extern const CfdCliCommand cfd_cli_authorization_commands[];
extern const CfdCliCommand cfd_cli_review_commands[];
extern const CfdCliCommand cfd_cli_supervisor_commands[];
extern const CfdCliCommand cfd_cli_capsule_commands[];
extern const CfdCliCommand cfd_cli_audit_commands[];
extern const CfdCliCommand cfd_cli_export_commands[];
extern const CfdCliCommand cfd_cli_demo_commands[];
extern const CfdCliCommand cfd_cli_flag_commands[];
extern const CfdCliCommand cfd_cli_practice_commands[];
extern const CfdCliCommand cfd_cli_worklist_commands[];
extern const CfdCliCommand cfd_cli_rems_commands[];
extern const CfdCliCommand cfd_cli_disclosure_commands[];
extern const CfdCliCommand cfd_cli_schedule_commands[];
extern const CfdCliCommand cfd_cli_chart_commands[];
extern const CfdCliCommand cfd_cli_attachment_commands[];

/* Parses a subcommand's own options; on failure prints the error and
 * returns FALSE (exit code 2). */
gboolean cfd_cli_parse (const CfdCliCommand *command,
                        GOptionEntry *entries,
                        const char *passphrases,
                        int *argc,
                        char ***argv);

/* The next passphrase: from --passphrase-file or stdin (one per line) when
 * stdin is not a terminal, else a no-echo prompt. */
CfdSecret *cfd_cli_read_passphrase (CfdCliContext *ctx, const char *prompt, GError **error);

/* Patient data kept off the command line (docs/SECURITY.md): a --*-file
 * option's text, and a line from standard input (a terminal: asked for with
 * prompt; without --passphrase-file: the line before the passphrases). */
char *
cfd_cli_read_text_file (const char *option, const char *path, gsize max_bytes, GError **error);
CfdSecret *cfd_cli_read_input_line (CfdCliContext *ctx, const char *prompt, GError **error);
/* Says that --option put patient data where other accounts can read it. */
void cfd_cli_warn_command_line (const char *option, const char *safer);

/* Untrusted text (names, notes, comments, imported replies, audit details)
 * with control characters, C1 codes, bidirectional overrides and invalid
 * UTF-8 shown as visible escapes (\x1b, \u009b, \n). cfd_cli_text() is for
 * one-line values and escapes \n and \t too; cfd_cli_multiline_text()
 * keeps them. The returned text lives until the program exits. */
char *cfd_cli_escape (const char *text, gboolean multiline);
const char *cfd_cli_text (const char *text);
const char *cfd_cli_multiline_text (const char *text);

/* Opens the vault and unlocks it as --user (default: the owner). */
CfdVault *cfd_cli_unlock (CfdCliContext *ctx, GError **error);

int cfd_cli_fail (GError *error);
int cfd_cli_usage (const char *format, ...) G_GNUC_PRINTF (1, 2);

char *cfd_cli_format_time (gint64 seconds);

/* A clinician's text (an action taken, a reason, a profile) from a file, or
 * from standard input when path is NULL or "-" (then only if the
 * passphrases do not come from a piped stdin): UTF-8 without NUL bytes, at
 * most max_bytes. what names it in errors. The caller wipes it
 * (cfd_wipe_string). */
char *cfd_cli_read_text (
    CfdCliContext *ctx, const char *path, gsize max_bytes, const char *what, GError **error);

/* What an export states about its disclosure: --recipient, --purpose,
 * --basis, or --disclosure-file FILE ("recipient: …" lines; - for stdin). */
typedef struct
{
  char *recipient;
  char *purpose;
  char *basis;
  char *file;
} CfdCliDisclosure;

#define CFD_CLI_DISCLOSURE_ENTRIES(d)                                                               \
  { "recipient",                                                                                    \
    0,                                                                                              \
    0,                                                                                              \
    G_OPTION_ARG_STRING,                                                                            \
    &(d)->recipient,                                                                                \
    N_ ("Who receives it (required; a person, an organisation, \"the patient\")"),                  \
    "TEXT" },                                                                                       \
      { "purpose", 0, 0, G_OPTION_ARG_STRING, &(d)->purpose, N_ ("Why it is disclosed (required)"), \
        "TEXT" },                                                                                   \
      { "basis",     0,                                                                             \
        0,           G_OPTION_ARG_STRING,                                                           \
        &(d)->basis, N_ ("The basis: treatment, patient request, authorization ID… (required)"),    \
        "TEXT" },                                                                                   \
  {                                                                                                 \
    "disclosure-file", 0, 0, G_OPTION_ARG_FILENAME, &(d)->file,                                     \
        N_ ("Recipient, purpose and basis as \"field: value\" lines (- for stdin)"), "FILE"         \
  }

/* Gathers and checks the terms; they borrow from d. */
gboolean cfd_cli_disclosure_terms (CfdCliContext *ctx,
                                   CfdCliDisclosure *d,
                                   CfdDisclosureTerms *terms,
                                   GError **error);
void cfd_cli_disclosure_clear (CfdCliDisclosure *d);

G_END_DECLS
