/* cfd-audit-export.c: the audit log as CSV (RFC 4180) for auditors and spreadsheets. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "cfd-audit-export.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-io-private.h"
#include "cfd-vault-private.h"

#define FLUSH_AT (64 * 1024)

typedef struct
{
  GOutputStream *out;
  GString *buffer;
  gint64 rows;
} Writer;

/* RFC 4180: a field with a comma, a quote, CR or LF is quoted and its
 * quotes doubled. Any field a spreadsheet would run as a formula gets a
 * leading apostrophe: every column, since whoever can write the database
 * or the keyring chooses the actor, the action and the ids too. */
static void
append_field (GString *line, const char *value)
{
  gboolean formula = value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;

  /* Every field but the first (seq, written directly) follows a comma. */
  g_string_append_c (line, ',');
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      if (formula)
        g_string_append_c (line, '\'');
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static char *
format_time (gint64 usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;
  gint64 micro = usec % G_USEC_PER_SEC;
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *date = NULL;

  if (micro < 0)
    {
      micro += G_USEC_PER_SEC;
      seconds--;
    }
  time = g_date_time_new_from_unix_utc (seconds);
  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, usec);
  date = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", date, micro);
}

static gboolean
flush (Writer *w, GError **error)
{
  if (w->buffer->len > 0
      && !g_output_stream_write_all (w->out, w->buffer->str, w->buffer->len, NULL, NULL, error))
    return FALSE;
  g_string_truncate (w->buffer, 0);
  return TRUE;
}

static gboolean
write_row (const CfdAuditEntry *entry,
           const guint8 hash[CFD_HASH_BYTES],
           const char *actor_name,
           gpointer user_data,
           GError **error)
{
  Writer *w = user_data;
  g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, entry->seq);
  g_autofree char *time = format_time (entry->time);
  g_autofree char *hex = cfd_hex_encode (hash, CFD_HASH_BYTES);
  g_string_append (w->buffer, seq);
  append_field (w->buffer, time);
  append_field (w->buffer, entry->actor);
  append_field (w->buffer, actor_name != NULL ? actor_name : "");
  append_field (w->buffer, entry->action);
  append_field (w->buffer, entry->object_kind);
  append_field (w->buffer, entry->object_id);
  append_field (w->buffer, entry->outcome);
  append_field (w->buffer, entry->authorization);
  append_field (w->buffer, entry->device);
  append_field (w->buffer, hex);
  g_string_append (w->buffer, "\r\n");
  w->rows++;
  return w->buffer->len < FLUSH_AT || flush (w, error);
}

gboolean
cfd_vault_audit_export_csv (CfdVault *vault,
                            const CfdAuditFilter *filter,
                            GOutputStream *out,
                            gint64 *n_rows,
                            CfdAuditCheckpoint *checkpoint,
                            GError **error)
{
  g_autoptr (CfdVaultJob) vault_job = cfd_vault_job_begin (vault, error);
  Writer w = { out, g_string_new (CFD_AUDIT_CSV_HEADER "\r\n"), 0 };
  CfdDb *db = vault_job != NULL ? cfd_vault_get_db (vault, error) : NULL;
  gboolean ok;

  /* The export ends with a checkpoint, which only owners and therapists
   * sign. */
  if (db == NULL || !cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "audit.export", error))
    {
      g_string_free (w.buffer, TRUE);
      return FALSE;
    }
  ok = cfd_vault_audit_foreach (vault, filter, write_row, &w, error) && flush (&w, error)
       && g_output_stream_flush (out, NULL, error);
  g_string_free (w.buffer, TRUE);
  if (!ok)
    {
      cfd_vault_audit_standalone (vault, "audit.export", "vault", cfd_vault_get_id (vault),
                                  CFD_AUDIT_FAILURE);
      return FALSE;
    }

  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "audit.export", "vault", cfd_vault_get_id (vault),
                           CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  if (n_rows != NULL)
    *n_rows = w.rows;
  return cfd_vault_audit_checkpoint (vault, checkpoint, error);
}

gboolean
cfd_vault_audit_export_csv_file (CfdVault *vault,
                                 const CfdAuditFilter *filter,
                                 const char *path,
                                 gint64 *n_rows,
                                 CfdAuditCheckpoint *checkpoint,
                                 GError **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GOutputStream) stream = NULL;
  int fd;

  if (cfd_vault_get_db (vault, error) == NULL)
    return FALSE;
  fd = cfd_io_open_temp (path, &temp_path, error);
  if (fd < 0)
    return FALSE;
  stream = g_unix_output_stream_new (fd, FALSE);
  if (!cfd_vault_audit_export_csv (vault, filter, stream, n_rows, checkpoint, error)
      || !cfd_io_fsync (fd, error))
    goto failed;
  close (fd);
  fd = -1;
  dir = g_path_get_dirname (path);
  if (!cfd_io_rename (temp_path, path, error) || !cfd_io_fsync_dir (dir, error))
    goto failed;
  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (temp_path);
  return FALSE;
}

typedef struct
{
  gint64 since;
  gint64 until;
  char *actor;
  char *action;
  char *patient_id;
  gboolean has_filter;
  char *path;
  gint64 n_rows;
  CfdAuditCheckpoint checkpoint;
} ExportTask;

static void
export_task_free (gpointer data)
{
  ExportTask *et = data;

  g_free (et->actor);
  g_free (et->action);
  g_free (et->patient_id);
  g_free (et->path);
  g_free (et);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportTask *et = data;
  CfdAuditFilter filter = { et->since, et->until, et->actor, et->action, et->patient_id };
  GError *error = NULL;

  if (cfd_vault_audit_export_csv_file (CFD_VAULT (source), et->has_filter ? &filter : NULL,
                                       et->path, &et->n_rows, &et->checkpoint, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_audit_export_csv_file_async (CfdVault *vault,
                                       const CfdAuditFilter *filter,
                                       const char *path,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (vault, cancellable, callback, user_data);
  ExportTask *et = g_new0 (ExportTask, 1);

  if (filter != NULL)
    {
      et->has_filter = TRUE;
      et->since = filter->since;
      et->until = filter->until;
      et->actor = g_strdup (filter->actor);
      et->action = g_strdup (filter->action);
      et->patient_id = g_strdup (filter->patient_id);
    }
  et->path = g_strdup (path);
  g_task_set_source_tag (task, cfd_vault_audit_export_csv_file_async);
  g_task_set_task_data (task, et, export_task_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
cfd_vault_audit_export_csv_file_finish (CfdVault *vault,
                                        GAsyncResult *result,
                                        gint64 *n_rows,
                                        CfdAuditCheckpoint *checkpoint,
                                        GError **error)
{
  ExportTask *et;

  g_return_val_if_fail (g_task_is_valid (result, vault), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  et = g_task_get_task_data (G_TASK (result));
  if (n_rows != NULL)
    *n_rows = et->n_rows;
  if (checkpoint != NULL)
    *checkpoint = et->checkpoint;
  return TRUE;
}
