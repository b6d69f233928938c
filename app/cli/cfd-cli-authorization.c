/* cfd-cli-authorization.c: confidant-cli authorization add, list, revoke: the patient's HIPAA authorizations. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

static int
run_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL, *file = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            N_ ("The signed authorization's terms as field: value lines (- for standard input)"),
            "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) terms = NULL;
  g_autofree char *id = NULL;
  char *text;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_authorization_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient == NULL || file == NULL)
    return cfd_cli_usage (_ ("authorization add needs --patient ID and --file FILE"));
  /* Read and checked whole before the vault is unlocked. */
  text = cfd_cli_read_text (ctx, file, 64 * 1024, _ ("The authorization"), &error);
  if (text == NULL)
    return cfd_cli_fail (error);
  terms = cfd_authorization_terms_parse (text, strlen (text), &error);
  cfd_wipe_string (text);
  if (terms == NULL)
    return cfd_cli_fail (error);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_record_authorization (vault, patient, terms, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static const char *
user_name (GPtrArray *users, const char *id)
{
  for (guint i = 0; id != NULL && i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return user->name;
    }
  return id != NULL ? id : "";
}

/* One line per authorization: id, state, scope, what it allows; then its
 * history (recorded, revoked) indented under it. */
static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" }, { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GPtrArray) users = NULL;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!cfd_cli_parse (&cfd_cli_authorization_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient == NULL)
    return cfd_cli_usage (_ ("authorization list needs --patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  list = cfd_vault_list_authorizations (vault, patient, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  users = cfd_vault_list_users (vault);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdAuthorization) a = g_list_model_get_item (list, i);
      g_autofree char *summary = cfd_authorization_describe (a);
      g_autofree char *recorded = cfd_cli_format_time (cfd_authorization_get_created (a));

      printf ("%s\t%s\t%s\t%s\n", cfd_cli_text (cfd_authorization_get_id (a)),
              cfd_authorization_state (a, now),
              cfd_authorization_scope_to_string (cfd_authorization_get_scope (a)),
              cfd_cli_text (summary));
      printf ("\trecorded\t%s\t%s\n", recorded,
              cfd_cli_text (user_name (users, cfd_authorization_get_recorded_by (a))));
      if (cfd_authorization_get_revoked_at (a) != 0)
        {
          g_autofree char *revoked = cfd_cli_format_time (cfd_authorization_get_revoked_at (a));

          printf ("\trevoked\t%s\t%s\n", revoked,
                  cfd_cli_text (user_name (users, cfd_authorization_get_revoked_by (a))));
        }
    }
  return CFD_CLI_OK;
}

static int
run_revoke (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *id = NULL;
  GOptionEntry entries[] = { { "id", 0, 0, G_OPTION_ARG_STRING, &id,
                               N_ ("The authorization the patient revoked"), "ID" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_authorization_commands[2], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || id == NULL)
    return cfd_cli_usage (_ ("authorization revoke needs --id ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_revoke_authorization (vault, id, &error))
    return cfd_cli_fail (error);
  printf (_ ("Authorization revoked: it covers no disclosure from now on.\n"));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_authorization_commands[] = {
  { "authorization", "add", "--patient ID --file FILE",
    N_ ("Record a patient's signed HIPAA authorization (docs/FORMATS.md); prints its id"),
    run_add },
  { "authorization", "list", "--patient ID",
    N_ ("List a patient's authorizations with their state and history"), run_list },
  { "authorization", "revoke", "--id ID", N_ ("Record that the patient revoked an authorization"),
    run_revoke },
  { NULL },
};
