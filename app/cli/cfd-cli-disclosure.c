/* cfd-cli-disclosure.c: the recipient, purpose and basis every export states, and confidant-cli disclosures. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

/* "recipient: …", "purpose: …", "basis: …", one a line; an option given
 * on the command line wins over the file. */
static gboolean
read_terms_file (CfdCliContext *ctx, CfdCliDisclosure *d, GError **error)
{
  g_autofree char *text = cfd_cli_read_text (ctx, d->file, 4096, _ ("The disclosure terms"), error);
  g_auto (GStrv) lines = NULL;

  if (text == NULL)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      char **slot = NULL;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (colon == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("Line %u of the disclosure file is not \"field: value\""), i + 1);
          return FALSE;
        }
      *colon = '\0';
      if (strcmp (lines[i], "recipient") == 0)
        slot = &d->recipient;
      else if (strcmp (lines[i], "purpose") == 0)
        slot = &d->purpose;
      else if (strcmp (lines[i], "basis") == 0)
        slot = &d->basis;
      else
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("The disclosure file has an unknown field on line %u (recipient, "
                          "purpose, basis)"),
                       i + 1);
          return FALSE;
        }
      if (*slot == NULL)
        *slot = g_strstrip (g_strdup (colon + 1));
    }
  return TRUE;
}

gboolean
cfd_cli_disclosure_terms (CfdCliContext *ctx,
                          CfdCliDisclosure *d,
                          CfdDisclosureTerms *terms,
                          GError **error)
{
  if (d->file != NULL && !read_terms_file (ctx, d, error))
    return FALSE;
  terms->recipient = d->recipient;
  terms->purpose = d->purpose;
  terms->basis = d->basis;
  return cfd_disclosure_terms_check (terms, error);
}

void
cfd_cli_disclosure_clear (CfdCliDisclosure *d)
{
  g_clear_pointer (&d->recipient, g_free);
  g_clear_pointer (&d->purpose, g_free);
  g_clear_pointer (&d->basis, g_free);
  g_clear_pointer (&d->file, g_free);
}

static int
run_disclosures (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *start = NULL;
  GError *error = NULL;
  gint64 since;

  if (!cfd_cli_parse (&cfd_cli_disclosure_commands[0], entries, N_ ("the unlocking user's"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient_id == NULL)
    return cfd_cli_usage (_ ("disclosures needs --patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  since = cfd_disclosure_accounting_start (vault);
  list = cfd_vault_list_disclosures (vault, patient_id, since, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  start = cfd_date_format (since);
  printf (_ ("Accounting of disclosures (45 CFR 164.528) of patient %s since %s: %u\n"), patient_id,
          start, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      CfdDisclosure *d = g_ptr_array_index (list, i);
      g_autofree char *when = cfd_cli_format_time (d->time);

      printf (_ ("\n%s  by %s\n  Recipient:   %s\n  Description: %s\n  Purpose:     %s\n"
                 "  Basis:       %s\n"),
              when, d->actor_name, d->recipient, d->description, d->purpose, d->basis);
    }
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_disclosure_commands[] = {
  { NULL, "disclosures", "--patient ID",
    N_ ("The accounting of a patient's disclosures over the last six years: date, recipient, "
        "description, purpose"),
    run_disclosures },
  { NULL },
};
