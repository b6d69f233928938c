/* cfd-cli-worklist.c: confidant-cli worklist: drafts, risk flags, sessions past due, measures due, one a line. */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's (a clinician's)");

static void
print_json_string (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char)c);
    }
  g_string_append_c (out, '"');
  fputs (out->str, stdout);
  cfd_wipe_free (out->str, out->len);
  out->str = NULL;
  g_string_free (g_steal_pointer (&out), FALSE);
}

static int
run_worklist (CfdCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[]
      = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("One JSON object per line"), NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) items = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_worklist_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage (_ ("worklist takes no arguments"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  items = cfd_vault_get_worklist (vault, &error);
  if (items == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (CfdWorklistItem) item = g_list_model_get_item (items, i);
      const char *kind = cfd_worklist_kind_to_string (cfd_worklist_item_get_kind (item));
      const char *record = cfd_worklist_item_get_record_id (item);
      const char *record_kind = cfd_worklist_item_get_record_kind (item);
      const char *instrument = cfd_worklist_item_get_instrument_id (item);
      gint64 since = cfd_worklist_item_get_since (item);
      g_autofree char *when = since != 0 ? cfd_cli_format_time (since) : g_strdup ("-");

      if (json)
        {
          printf ("{\"kind\":\"%s\",\"patient\":\"%s\",\"name\":", kind,
                  cfd_worklist_item_get_patient_id (item));
          print_json_string (cfd_worklist_item_get_patient_name (item));
          printf (",\"record\":");
          if (record != NULL)
            printf ("\"%s\",\"record_kind\":\"%s\"", record, record_kind);
          else
            printf ("null,\"record_kind\":null");
          printf (",\"since\":%" PRId64, since);
          if (instrument != NULL)
            {
              printf (",\"instrument\":");
              print_json_string (instrument);
              printf (",\"reason\":");
              print_json_string (cfd_worklist_item_get_reason (item));
            }
          if (cfd_worklist_item_get_kind (item) == CFD_WORKLIST_REMS_FORM_DUE)
            {
              g_autofree char *due = cfd_date_format (cfd_worklist_item_get_due (item));

              printf (",\"due\":\"%s\",\"overdue\":%s", due,
                      cfd_worklist_item_get_overdue (item) ? "true" : "false");
            }
          printf ("}\n");
        }
      else if (cfd_worklist_item_get_kind (item) == CFD_WORKLIST_REMS_FORM_DUE)
        /* A REMS form: the session day as since, and when it is due at the end. */
        printf ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", kind, when, cfd_worklist_item_get_patient_id (item),
                record, record_kind, cfd_worklist_item_get_patient_name (item),
                cfd_worklist_item_get_reason (item));
      else if (instrument != NULL)
        /* A measure due: the instrument where a record's kind goes, why at the end. */
        printf ("%s\t%s\t%s\t-\t%s\t%s\t%s\n", kind, when, cfd_worklist_item_get_patient_id (item),
                instrument, cfd_worklist_item_get_patient_name (item),
                cfd_worklist_item_get_reason (item));
      else
        printf ("%s\t%s\t%s\t%s\t%s\t%s\n", kind, when, cfd_worklist_item_get_patient_id (item),
                record != NULL ? record : "-", record_kind != NULL ? record_kind : "-",
                cfd_worklist_item_get_patient_name (item));
    }
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_worklist_commands[] = {
  { NULL, "worklist", "[--json]",
    N_ ("What needs attention: stale drafts, open risk flags, sessions past due, REMS forms due, "
        "measures due"),
    run_worklist },
  { NULL },
};
