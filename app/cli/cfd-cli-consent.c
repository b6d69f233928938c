/* cfd-cli-consent.c: confidant-cli consent grant, list, revoke. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "confidant.h"
#include "cfd-cli.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

/* YYYY-MM-DD as the start of that day, UTC; 0 for NULL. */
static gboolean
parse_date (const char *option, const char *text, gint64 *seconds)
{
  *seconds = 0;
  if (text == NULL || cfd_date_parse (text, seconds))
    return TRUE;
  cfd_cli_usage (_ ("%s must be a date written YYYY-MM-DD"), option);
  return FALSE;
}

static int
run_grant (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL, *supervisor = NULL, *scope = NULL, *from = NULL, *to = NULL,
                  *purpose = NULL, *purpose_file = NULL, *obtained = NULL, *method = NULL,
                  *expires = NULL;
  GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" },
    { "supervisor", 0, 0, G_OPTION_ARG_STRING, &supervisor, N_ ("The supervisor"), "USER" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_ ("all, medical or psychotherapy"), "SCOPE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_ ("Only records from this date"), "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_ ("Only records up to this date"), "YYYY-MM-DD" },
    { "purpose-file", 0, 0, G_OPTION_ARG_FILENAME, &purpose_file,
      N_ ("What the review is for, read from FILE (kept off the command line)"), "FILE" },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, N_ ("What the review is for"), "TEXT" },
    { "obtained", 0, 0, G_OPTION_ARG_STRING, &obtained, N_ ("When the patient consented"),
      "YYYY-MM-DD" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method,
      N_ ("How consent was obtained (signed form, verbal with witness…)"), "TEXT" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires, N_ ("The consent ends on this date"),
      "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  CfdConsentTerms terms = { 0 };
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_consent_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (purpose != NULL && purpose_file != NULL)
    return cfd_cli_usage (_ ("give --purpose or --purpose-file, not both"));
  if (purpose != NULL)
    cfd_cli_warn_command_line ("purpose", "--purpose-file FILE");
  else if (purpose_file != NULL)
    {
      purpose = cfd_cli_read_text_file ("--purpose-file", purpose_file, 64 * 1024, &error);
      if (purpose == NULL)
        {
          int status = cfd_cli_usage ("%s", error->message);
          g_error_free (error);
          return status;
        }
    }
  if (patient == NULL || supervisor == NULL || scope == NULL || purpose == NULL || obtained == NULL
      || method == NULL)
    return cfd_cli_usage (
        _ ("consent grant needs --patient, --supervisor, --scope, --purpose-file, "
           "--obtained and --method"));
  if (!cfd_consent_scope_from_string (scope, &terms.scope))
    return cfd_cli_usage (_ ("--scope must be all, medical or psychotherapy"));
  if (!parse_date ("--from", from, &terms.records_from)
      || !parse_date ("--to", to, &terms.records_to)
      || !parse_date ("--expires", expires, &terms.expires))
    return CFD_CLI_USAGE;
  /* An upper bound covers the whole of its day. */
  if (terms.records_to != 0)
    terms.records_to += 86399;
  terms.supervisor = supervisor;
  terms.purpose = purpose;
  terms.obtained_on = obtained;
  terms.method = method;

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_grant_consent (vault, patient, &terms, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static const char *
user_name (GPtrArray *users, const char *id)
{
  for (guint i = 0; i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return user->name;
    }
  return id;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" }, { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) consents = NULL;
  g_autoptr (GPtrArray) users = NULL;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!cfd_cli_parse (&cfd_cli_consent_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient == NULL)
    return cfd_cli_usage (_ ("consent list needs --patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  consents = cfd_vault_list_consents (vault, patient, &error);
  if (consents == NULL)
    return cfd_cli_fail (error);
  users = cfd_vault_list_users_and_cards (vault);
  for (guint i = 0; i < g_list_model_get_n_items (consents); i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, i);
      const char *name = user_name (users, cfd_consent_get_supervisor_id (consent));
      g_autofree char *summary = cfd_consent_describe (consent, name);
      const char *state = cfd_consent_get_revoked_at (consent) != 0 ? "revoked"
                          : cfd_consent_is_live (consent, now)      ? "live"
                                                                    : "expired";

      printf ("%s\t%s\t%s\t%s\n", cfd_cli_text (cfd_consent_get_id (consent)), state,
              cfd_consent_scope_to_string (cfd_consent_get_scope (consent)),
              cfd_cli_text (summary));
    }
  return CFD_CLI_OK;
}

static int
run_revoke (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_consent_commands[2], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("consent revoke needs exactly one consent ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_revoke_consent (vault, argv[1], &error))
    return cfd_cli_fail (error);
  printf (_ ("Consent revoked; the patient's key was replaced.\n"));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_consent_commands[] = {
  { "consent", "grant",
    "--patient ID --supervisor USER --scope SCOPE --purpose-file FILE --obtained D --method TEXT",
    N_ ("Record a patient's consent to supervision"), run_grant },
  { "consent", "list", "--patient ID", N_ ("List a patient's consents"), run_list },
  { "consent", "revoke", "ID", N_ ("Revoke a consent and replace the patient's key"), run_revoke },
  { NULL },
};
