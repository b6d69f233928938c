/* cfd-cli-audit.c: confidant-cli audit verify, list, export, checkpoint. */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>
#include <string.h>

#include "confidant.h"
#include "cfd-cli.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

/* What the filter options write into; strings owned here. */
typedef struct
{
  char *since;
  char *until;
  char *user;
  char *action;
  char *patient;
  int limit;
} FilterOptions;

static void
filter_options_clear (FilterOptions *o)
{
  g_free (o->since);
  g_free (o->until);
  g_free (o->user);
  g_free (o->action);
  g_free (o->patient);
}

#define FILTER_ENTRIES(o)                                                                       \
  { "since",     0, 0, G_OPTION_ARG_STRING, &(o).since, N_ ("From this day or time (UTC) on"),  \
    "YYYY-MM-DD" },                                                                             \
      { "until",     0,                                                                         \
        0,           G_OPTION_ARG_STRING,                                                       \
        &(o).until,  N_ ("Up to this day (inclusive) or before this time (UTC)"),               \
        "YYYY-MM-DD" },                                                                         \
      { "user", 0, 0, G_OPTION_ARG_STRING, &(o).user, N_ ("Only what this user did"), "NAME" }, \
      { "action",    0,                                                                         \
        0,           G_OPTION_ARG_STRING,                                                       \
        &(o).action, N_ ("Only this action, or a family such as patient.*"),                    \
        "ACTION" },                                                                             \
  {                                                                                             \
    "patient", 0, 0, G_OPTION_ARG_STRING, &(o).patient, N_ ("Only records about this patient"), \
        "ID"                                                                                    \
  }

/* A day means its whole length; a full ISO 8601 time means that instant. */
static gboolean
parse_time (const char *text, gboolean end_of_day, gint64 *out)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) time = NULL;
  int y, m, d;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
    {
      time = g_date_time_new_utc (y, m, d, 0, 0, 0);
      if (time != NULL && end_of_day)
        {
          GDateTime *next = g_date_time_add_days (time, 1);

          g_date_time_unref (time);
          time = next;
        }
    }
  else
    time = g_date_time_new_from_iso8601 (text, utc);
  if (time == NULL)
    return FALSE;
  *out = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

/* Fills filter from the options; strings in filter point into o. */
static int
build_filter (CfdVault *vault, FilterOptions *o, CfdAuditFilter *filter, char **user_id)
{
  memset (filter, 0, sizeof *filter);
  if (o->since != NULL && !parse_time (o->since, FALSE, &filter->since))
    return cfd_cli_usage (_ ("--since needs a date (YYYY-MM-DD) or an ISO 8601 time"));
  if (o->until != NULL && !parse_time (o->until, TRUE, &filter->until))
    return cfd_cli_usage (_ ("--until needs a date (YYYY-MM-DD) or an ISO 8601 time"));
  if (o->limit < 0)
    return cfd_cli_usage (_ ("--limit must not be negative"));
  if (o->user != NULL)
    {
      g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);

      for (guint i = 0; i < users->len && *user_id == NULL; i++)
        {
          CfdUserInfo *info = g_ptr_array_index (users, i);

          if (strcmp (info->name, o->user) == 0)
            *user_id = g_strdup (info->id);
        }
      if (*user_id == NULL)
        return cfd_cli_usage (_ ("there is no user named '%s' in this vault"), o->user);
      filter->actor = *user_id;
    }
  filter->action = o->action;
  filter->patient_id = o->patient;
  return CFD_CLI_OK;
}

static int
run_verify (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *receipt = NULL;
  g_autofree char *checkpoint_file = NULL;
  GOptionEntry entries[]
      = { { "receipt", 0, 0, G_OPTION_ARG_STRING, &receipt,
            N_ ("Also check a receipt written down earlier"), "TEXT" },
          { "checkpoint", 0, 0, G_OPTION_ARG_FILENAME, &checkpoint_file,
            N_ ("Also check a checkpoint saved by 'audit checkpoint --out'"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  CfdAuditCheckpoint external;
  CfdAuditReport report;
  GError *error = NULL;
  gboolean ok;

  if (!cfd_cli_parse (&cfd_cli_audit_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc > 1)
    return cfd_cli_usage (_ ("unexpected argument '%s'"), argv[1]);
  if (receipt != NULL && checkpoint_file != NULL)
    return cfd_cli_usage (_ ("give --receipt or --checkpoint, not both"));
  if (receipt != NULL)
    {
      gint64 seq;
      guint8 prefix[CFD_AUDIT_RECEIPT_HEAD_BYTES];

      /* A typo should not cost an unlock. */
      if (!cfd_audit_receipt_parse (receipt, &seq, prefix, &error))
        {
          int status = cfd_cli_usage ("%s", error->message);

          g_error_free (error);
          return status;
        }
    }
  if (checkpoint_file != NULL)
    {
      g_autofree guint8 *data = NULL;
      gsize len = 0;

      if (!cfd_io_read_file (checkpoint_file, 4096, &data, &len, &error)
          || !cfd_audit_checkpoint_parse (data, len, &external, &error))
        return cfd_cli_fail (error);
    }

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (receipt != NULL)
    ok = cfd_audit_verify_receipt (vault, receipt, &report, &error);
  else
    ok = cfd_vault_audit_verify (vault, &external, checkpoint_file != NULL ? 1 : 0, &report,
                                 &error);
  if (ok)
    {
      g_autofree char *what = cfd_audit_report_describe (&report);

      printf ("intact\t%" PRId64 " records\t%u checkpoints\n%s\n", report.n_records,
              report.n_checkpoints, what);
      return CFD_CLI_OK;
    }
  if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    printf ("damaged\tfirst bad seq %" PRId64 "\t%s\n", report.first_bad_seq,
            cfd_audit_damage_to_string (report.damage));
  return cfd_cli_fail (error);
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  FilterOptions o = { .limit = 50 };
  GOptionEntry entries[] = { FILTER_ENTRIES (o),
                             { "limit", 0, 0, G_OPTION_ARG_INT, &o.limit,
                               N_ ("At most N records, newest first (default 50; 0: all)"), "N" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) entries_model = NULL;
  g_autofree char *user_id = NULL;
  CfdAuditFilter filter;
  GError *error = NULL;
  int status;

  if (!cfd_cli_parse (&cfd_cli_audit_commands[1], entries, unlock_passphrase, &argc, &argv))
    {
      filter_options_clear (&o);
      return CFD_CLI_USAGE;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    {
      filter_options_clear (&o);
      return cfd_cli_fail (error);
    }
  status = build_filter (vault, &o, &filter, &user_id);
  if (status == CFD_CLI_OK)
    {
      entries_model = cfd_vault_audit_list (vault, &filter, 0, (guint)o.limit, &error);
      if (entries_model == NULL)
        status = cfd_cli_fail (error);
    }
  for (guint i = 0; entries_model != NULL && i < g_list_model_get_n_items (entries_model); i++)
    {
      g_autoptr (CfdAuditItem) item = g_list_model_get_item (entries_model, i);
      g_autofree char *time = cfd_cli_format_time (cfd_audit_item_get_time (item) / G_USEC_PER_SEC);
      const char *name = cfd_audit_item_get_actor_name (item);

      const char *authorization = cfd_audit_item_get_authorization (item);

      /* The authorization (a consent, or what an export disclosed) comes
       * last, and only when there is one, so earlier columns stay put. */
      printf ("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s%s%s\n", cfd_audit_item_get_seq (item), time,
              name != NULL ? cfd_cli_text (name) : "-",
              cfd_cli_text (cfd_audit_item_get_action (item)),
              cfd_cli_text (cfd_audit_item_get_object_kind (item)),
              cfd_cli_text (cfd_audit_item_get_object_id (item)),
              cfd_cli_text (cfd_audit_item_get_outcome (item)),
              authorization != NULL && authorization[0] != '\0' ? "\t" : "",
              authorization != NULL ? cfd_cli_text (authorization) : "");
    }
  filter_options_clear (&o);
  return status;
}

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  FilterOptions o = { 0 };
  g_autofree char *out = NULL;
  GOptionEntry entries[]
      = { { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_ ("Write the CSV to FILE"), "FILE" },
          FILTER_ENTRIES (o),
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *user_id = NULL;
  CfdAuditFilter filter;
  CfdAuditCheckpoint cp;
  gint64 n_rows = 0;
  GError *error = NULL;
  int status;

  if (!cfd_cli_parse (&cfd_cli_audit_commands[2], entries, unlock_passphrase, &argc, &argv))
    {
      filter_options_clear (&o);
      return CFD_CLI_USAGE;
    }
  if (out == NULL)
    {
      filter_options_clear (&o);
      return cfd_cli_usage (_ ("audit export needs --out FILE"));
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    {
      filter_options_clear (&o);
      return cfd_cli_fail (error);
    }
  status = build_filter (vault, &o, &filter, &user_id);
  if (status == CFD_CLI_OK)
    {
      if (cfd_vault_audit_export_csv_file (vault, &filter, out, &n_rows, &cp, &error))
        {
          g_autofree char *receipt = cfd_audit_checkpoint_format_receipt (&cp);

          printf (_ ("Exported %" PRId64 " records to %s.\nReceipt: %s\n"), n_rows, out, receipt);
        }
      else
        status = cfd_cli_fail (error);
    }
  filter_options_clear (&o);
  return status;
}

static int
run_checkpoint (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *out = NULL;
  GOptionEntry entries[] = { { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
                               N_ ("Also save the signed checkpoint to FILE"), "FILE" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *receipt = NULL;
  CfdAuditCheckpoint cp;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_audit_commands[3], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc > 1)
    return cfd_cli_usage (_ ("unexpected argument '%s'"), argv[1]);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_audit_checkpoint (vault, &cp, &error))
    return cfd_cli_fail (error);
  if (out != NULL)
    {
      g_autoptr (GBytes) wire = cfd_audit_checkpoint_serialize (&cp);

      if (!cfd_io_atomic_write (out, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                &error))
        return cfd_cli_fail (error);
    }
  receipt = cfd_audit_checkpoint_format_receipt (&cp);
  printf ("%s\n", receipt);
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_audit_commands[] = {
  { "audit", "verify", "[--receipt TEXT | --checkpoint FILE]",
    N_ ("Recompute the audit chain; exit 1 naming the first damaged record"), run_verify },
  { "audit", "list", "[--since D] [--until D] [--user NAME] [--action A] [--patient ID]",
    N_ ("Show audit records, newest first"), run_list },
  { "audit", "export", "--out FILE [filters]", N_ ("Write audit records as CSV"), run_export },
  { "audit", "checkpoint", "[--out FILE]",
    N_ ("Sign the log's head; prints a receipt to write down"), run_checkpoint },
  { NULL },
};
