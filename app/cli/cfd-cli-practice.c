/* cfd-cli-practice.c: confidant-cli practice show, set: the practice profile on exported records. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdPractice) practice = NULL;
  g_autofree char *data = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[0], entries, "the unlocking user's", &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage ("practice show takes no arguments");
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  practice = cfd_vault_get_practice (vault, &error);
  if (practice == NULL)
    return cfd_cli_fail (error);
  if (cfd_practice_is_empty (practice))
    {
      printf ("No practice profile has been set (confidant-cli practice set).\n");
      return CFD_CLI_OK;
    }
  data = cfd_practice_to_data (practice, NULL);
  fputs (data, stdout);
  return CFD_CLI_OK;
}

static int
run_set (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *file = NULL, *name = NULL, *address = NULL, *phone = NULL;
  GOptionEntry entries[]
      = { { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            "The whole profile as a key file (- for standard input)", "FILE" },
          { "name", 0, 0, G_OPTION_ARG_STRING, &name, "The practice's name", "TEXT" },
          { "address", 0, 0, G_OPTION_ARG_STRING, &address,
            "Its postal address (\\n between lines)", "TEXT" },
          { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, "Its phone number", "TEXT" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdPractice) practice = NULL;
  g_autofree char *data = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_practice_commands[1], entries, "the owner's", &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || (file == NULL && name == NULL && address == NULL && phone == NULL))
    return cfd_cli_usage ("practice set needs --file FILE, or --name, --address or --phone");
  if (file != NULL)
    {
      data = cfd_cli_read_text (ctx, file, 256 * 1024, &error);
      if (data == NULL)
        return cfd_cli_fail (error);
      practice = cfd_practice_new_from_data (data, strlen (data), &error);
      if (practice == NULL)
        return cfd_cli_fail (error);
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (practice == NULL)
    {
      practice = cfd_vault_get_practice (vault, &error);
      if (practice == NULL)
        return cfd_cli_fail (error);
    }
  if (name != NULL)
    cfd_practice_set_name (practice, name);
  if (address != NULL)
    {
      g_autofree char *lines = g_strcompress (address);

      cfd_practice_set_address (practice, lines);
    }
  if (phone != NULL)
    cfd_practice_set_phone (practice, phone);
  if (!cfd_vault_set_practice (vault, practice, &error))
    return cfd_cli_fail (error);
  printf ("The practice profile is saved; exports show it from now on.\n");
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_practice_commands[] = {
  { "practice", "show", "", "Print the practice profile (name, address, phone, credentials)",
    run_show },
  { "practice", "set", "[--file FILE|-] [--name TEXT] [--address TEXT] [--phone TEXT]",
    "Set the practice profile shown on exported records (owner only)", run_set },
  { NULL },
};
