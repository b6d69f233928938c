/* cfd-cli-vault.c: confidant-cli init, user add, user list, user remove, passwd, recover. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"

/* A new passphrase is asked for twice at a terminal; a script gives it once. */
static CfdSecret *
read_new_passphrase (CfdCliContext *ctx, const char *prompt, GError **error)
{
  g_autoptr (CfdSecret) first = cfd_cli_read_passphrase (ctx, prompt, error);
  g_autoptr (CfdSecret) again = NULL;
  g_autofree char *repeat = NULL;

  if (first == NULL)
    return NULL;
  if (first->len == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The passphrase must not be empty"));
      return NULL;
    }
  if (ctx->passphrase_file != NULL || ctx->passphrase_lines != NULL)
    return g_steal_pointer (&first);

  /* TRANSLATORS: %s is the prompt for a new passphrase, asked a second time. */
  repeat = g_strdup_printf (_ ("%s (again)"), prompt);
  again = cfd_cli_read_passphrase (ctx, repeat, error);
  if (again == NULL)
    return NULL;
  if (first->len != again->len || memcmp (first->data, again->data, first->len) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("The two passphrases differ"));
      return NULL;
    }
  return g_steal_pointer (&first);
}

static int
run_init (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[]
      = { { "user", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("The owner's name"), "NAME" }, { NULL } };
  g_autoptr (CfdSecret) passphrase = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *recovery_key = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[0], entries, N_ ("the new owner's passphrase"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (name == NULL)
    name = g_strdup (ctx->user);
  if (name == NULL)
    return cfd_cli_usage (_ ("init needs --user NAME (the owner's name)"));
  if (argc > 1)
    return cfd_cli_usage (_ ("unexpected argument '%s'"), argv[1]);

  passphrase = read_new_passphrase (ctx, "New passphrase for the owner", &error);
  if (passphrase == NULL)
    return cfd_cli_fail (error);

  vault = cfd_vault_create (ctx->vault_path, name, (const char *)passphrase->data, &recovery_key,
                            &error);
  if (vault == NULL)
    return cfd_cli_fail (error);

  printf (_ ("Created a vault in %s for %s.\n\n"), cfd_cli_text (cfd_vault_get_path (vault)),
          cfd_cli_text (name));
  printf (_ ("Recovery key (shown only this once; print it or write it down and keep it\n"
             "somewhere safe, apart from this computer):\n\n    %s\n\n"),
          recovery_key);
  cfd_wipe_string (g_steal_pointer (&recovery_key));
  cfd_vault_lock (vault);
  return CFD_CLI_OK;
}

static int
run_user_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *role_text = NULL;
  GOptionEntry entries[]
      = { { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("The new user's name"), "NAME" },
          { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_ ("supervisor (default) or therapist"),
            "ROLE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdSecret) passphrase = NULL;
  g_autofree char *id = NULL;
  CfdRole role = CFD_ROLE_SUPERVISOR;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[1], entries,
                      N_ ("first the owner's (to unlock), then the new user's"), &argc, &argv))
    return CFD_CLI_USAGE;
  if (name == NULL)
    return cfd_cli_usage (_ ("user add needs --name NAME"));
  if (role_text != NULL && (!cfd_role_from_string (role_text, &role) || role == CFD_ROLE_OWNER))
    return cfd_cli_usage (_ ("--role must be supervisor or therapist"));

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  passphrase = read_new_passphrase (ctx, "New user's passphrase", &error);
  if (passphrase == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_add_user (vault, name, role, (const char *)passphrase->data, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_user_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) users = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[2], NULL, NULL, &argc, &argv))
    return CFD_CLI_USAGE;
  vault = cfd_vault_open (ctx->vault_path, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  users = cfd_vault_list_users (vault);
  for (guint i = 0; i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);

      printf ("%s\t%s\t%s\n", cfd_cli_text (user->id), cfd_role_to_string (user->role),
              cfd_cli_text (user->name));
    }
  return CFD_CLI_OK;
}

static int
run_passwd (CfdCliContext *ctx, int argc, char **argv)
{
  gboolean rotate_keys = FALSE;
  GOptionEntry entries[] = { { "rotate-keys", 0, 0, G_OPTION_ARG_NONE, &rotate_keys,
                               N_ ("Also replace your keys and re-encrypt the vault under new ones "
                                   "(after a passphrase or keyring copy may have leaked; a user "
                                   "other than the owner is asked for the owner's passphrase too, "
                                   "after their current one)"),
                               NULL },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdSecret) old_passphrase = NULL;
  g_autoptr (CfdSecret) new_passphrase = NULL;
  g_autoptr (CfdOwnerApproval) approval = NULL;
  char *recovery_text = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[3], entries, N_ ("the current one, then the new one"),
                      &argc, &argv))
    return CFD_CLI_USAGE;

  vault = cfd_vault_open (ctx->vault_path, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  cfd_vault_set_source (vault, "cli");
  old_passphrase = cfd_cli_read_passphrase (ctx, _ ("Current passphrase"), &error);
  if (old_passphrase == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_unlock (vault, ctx->user, (const char *)old_passphrase->data, &error))
    return cfd_cli_fail (error);
  /* The owner signs the roster that names the new keys: they approve in
   * person, before anything changes, so nothing half-done is left. */
  if (rotate_keys && cfd_vault_get_user_role (vault) != CFD_ROLE_OWNER)
    {
      g_autoptr (CfdSecret) owner_passphrase
          = cfd_cli_read_passphrase (ctx, _ ("The owner's passphrase (to approve)"), &error);

      if (owner_passphrase == NULL)
        return cfd_cli_fail (error);
      approval = cfd_vault_approve_as_owner (vault, (const char *)owner_passphrase->data, &error);
      if (approval == NULL)
        {
          g_prefix_error (&error, "%s", _ ("The passphrase was not changed. "));
          return cfd_cli_fail (error);
        }
    }
  new_passphrase = read_new_passphrase (ctx, "New passphrase", &error);
  if (new_passphrase == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_change_passphrase (vault, (const char *)old_passphrase->data,
                                    (const char *)new_passphrase->data, &error))
    return cfd_cli_fail (error);
  printf (_ ("Passphrase changed.\n"));
  if (!rotate_keys)
    return CFD_CLI_OK;
  if (!cfd_vault_rotate_user_keys (vault, approval, &error))
    return cfd_cli_fail (error);
  g_clear_pointer (&approval, cfd_owner_approval_free);
  printf (_ ("Your keys were replaced and every key granted to you sealed again to the new one; "
             "the vault is now encrypted under a new database key, which each other user takes "
             "in at their next unlock. Older keyring copies no longer open it.\n"));
  recovery_text = cfd_vault_take_new_recovery_key (vault);
  if (recovery_text != NULL)
    printf (_ ("\nNew recovery key (shown only this once; print it or write it down and keep it\n"
               "somewhere safe, apart from this computer):\n\n    %s\n\n"),
            recovery_text);
  cfd_wipe_string (recovery_text);
  return CFD_CLI_OK;
}

static int
run_recover (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdSecret) recovery_key = NULL;
  g_autoptr (CfdSecret) new_passphrase = NULL;
  char *recovery_text = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[4], NULL,
                      N_ ("the recovery key, then the owner's new passphrase"), &argc, &argv))
    return CFD_CLI_USAGE;

  vault = cfd_vault_open (ctx->vault_path, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  cfd_vault_set_source (vault, "cli");
  recovery_key = cfd_cli_read_passphrase (ctx, _ ("Recovery key"), &error);
  if (recovery_key == NULL)
    return cfd_cli_fail (error);
  new_passphrase = read_new_passphrase (ctx, "New passphrase for the owner", &error);
  if (new_passphrase == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_recover (vault, (const char *)recovery_key->data,
                          (const char *)new_passphrase->data, &error))
    return cfd_cli_fail (error);
  recovery_text = cfd_vault_take_new_recovery_key (vault);
  printf (_ ("The owner's passphrase was reset. The recovery key just used no longer opens the "
             "vault.\n\n"));
  printf (_ ("New recovery key (shown only this once; print it or write it down and keep it\n"
             "somewhere safe, apart from this computer):\n\n    %s\n\n"),
          recovery_text != NULL ? recovery_text : "(none was issued)");
  cfd_wipe_string (g_steal_pointer (&recovery_text));
  return CFD_CLI_OK;
}

static int
run_user_remove (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[]
      = { { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("The user to remove"), "NAME" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  char *recovery_text = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_vault_commands[5], entries, N_ ("the owner's"), &argc, &argv))
    return CFD_CLI_USAGE;
  if (name == NULL)
    return cfd_cli_usage (_ ("user remove needs --name NAME"));

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_remove_user (vault, name, &error))
    return cfd_cli_fail (error);
  recovery_text = cfd_vault_take_new_recovery_key (vault);
  /* TRANSLATORS: the first %s is the user's name, the second the new recovery key. */
  printf (_ ("%s was removed. Their grants are destroyed, and the patient keys they held and the "
             "database key were replaced: their old keyring copy opens nothing written from now "
             "on. What they copied before stays readable to them.\n\n"
             "New recovery key (shown only this once; print it or write it down and keep it\n"
             "somewhere safe, apart from this computer):\n\n    %s\n\n"),
          cfd_cli_text (name), recovery_text != NULL ? recovery_text : _ ("(none was issued)"));
  cfd_wipe_string (recovery_text);
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_vault_commands[] = {
  { NULL, "init", "--user NAME", N_ ("Create a vault; prints the recovery key once"), run_init },
  { "user", "add", "--name NAME [--role ROLE]", N_ ("Add a supervisor or therapist (owner only)"),
    run_user_add },
  { "user", "list", "", N_ ("List the vault's users"), run_user_list },
  { NULL, "passwd", "[--rotate-keys]", N_ ("Change the passphrase of --user (default: the owner)"),
    run_passwd },
  { NULL, "recover", "",
    N_ ("Reset the owner's passphrase with the recovery key; prints a new recovery key"),
    run_recover },
  { "user", "remove", "--name NAME",
    N_ ("Remove a user; replaces the keys they held and the recovery key (owner only)"),
    run_user_remove },
  { NULL },
};
