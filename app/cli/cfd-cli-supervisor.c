/* cfd-cli-supervisor.c: confidant-cli supervisor card export, import: the keys a capsule is sealed to. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "confidant.h"
#include "cfd-cli.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *out = NULL;
  GOptionEntry entries[]
      = { { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_ ("Write the card to FILE"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *fingerprint = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_supervisor_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (out == NULL || argc != 1)
    return cfd_cli_usage (_ ("supervisor card export needs --out FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_export_supervisor_card (vault, out, &fingerprint, &error))
    return cfd_cli_fail (error);
  printf (_ ("Card of %s written.\nFingerprint: %s\n"),
          cfd_cli_text (cfd_vault_get_user_name (vault)), fingerprint);
  printf (_ ("Read it to the therapist, who compares it with what their import shows.\n"));
  return CFD_CLI_OK;
}

static int
run_import (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_supervisor_commands[1], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("supervisor card import needs exactly one FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_import_supervisor_card (vault, argv[1], &fingerprint, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf (_ ("%s\nFingerprint: %s\n"), id, fingerprint);
  printf (_ ("Compare it with the one the supervisor reads to you before granting consent.\n"));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_supervisor_commands[] = {
  { "supervisor", "card export", "--out FILE", N_ ("Write your card (name and public keys)"),
    run_export },
  { "supervisor", "card import", "FILE", N_ ("Add a supervisor from their card (owner, therapist)"),
    run_import },
  { NULL },
};
