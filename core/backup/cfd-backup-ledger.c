/* cfd-backup-ledger.c: the media ledger (which medium got which backup) and the backup sequence. */
#include "config.h"

#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-vault-private.h"

void
cfd_backup_record_free (CfdBackupRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->medium_label);
  g_free (record->medium_uuid);
  g_free (record->location);
  g_free (record->file_name);
  g_free (record->user_id);
  g_free (record);
}

/* The sequence lives in vault_meta and only grows; a number taken by a
 * backup that then failed is not reused, so no two files of one vault
 * share a number. Runs in a transaction of its own (a savepoint when the
 * caller holds one). */
gboolean
cfd_backup_ledger_next_seq (CfdDb *db, guint64 *seq, GError **error)
{
  sqlite3_stmt *stmt;
  guint64 last = 0;
  int rc;

  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT value FROM vault_meta WHERE key = 'backup_seq'", error);
  if (stmt == NULL)
    goto failed;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    last = g_ascii_strtoull ((const char *)sqlite3_column_text (stmt, 0), NULL, 10);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the backup sequence", error);
      goto failed;
    }

  stmt = cfd_db_prepare (
      db, "INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('backup_seq', ?)", error);
  if (stmt == NULL)
    goto failed;
  {
    g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, last + 1);

    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  }
  if (!cfd_db_step_done (db, stmt, error) || !cfd_db_commit (db, error))
    goto failed;
  *seq = last + 1;
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_backup_ledger_add (CfdDb *db, const CfdBackupRecord *record, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "INSERT INTO backup_ledger (seq, medium_label, medium_uuid, location, file_name, time, "
      "user_id, size, verified, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (gint64)record->seq);
  sqlite3_bind_text (stmt, 2, record->medium_label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, record->medium_uuid != NULL ? record->medium_uuid : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, record->location, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, record->file_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record->time);
  sqlite3_bind_text (stmt, 7, record->user_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, (gint64)record->size);
  sqlite3_bind_int (stmt, 9, record->verified ? 1 : 0);
  if (record->verified_at != 0)
    sqlite3_bind_int64 (stmt, 10, record->verified_at);
  else
    sqlite3_bind_null (stmt, 10);
  return cfd_db_step_done (db, stmt, error);
}

gboolean
cfd_backup_ledger_mark_verified (CfdDb *db,
                                 const char *location,
                                 const char *file_name,
                                 gboolean verified,
                                 gint64 when,
                                 GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "UPDATE backup_ledger SET verified = ?, verified_at = ? "
                                       "WHERE location = ? AND file_name = ?",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, verified ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, when);
  sqlite3_bind_text (stmt, 3, location, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, file_name, -1, SQLITE_STATIC);
  return cfd_db_step_done (db, stmt, error);
}

/* The backups the ledger records as written to location and verified
 * there: file name -> size in bytes, and seq in *seqs by the same name. */
GHashTable *
cfd_backup_ledger_verified_in (CfdDb *db, const char *location, GHashTable **seqs, GError **error)
{
  g_autoptr (GHashTable) sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT file_name, size, seq FROM backup_ledger "
                                       "WHERE location = ? AND verified = 1",
                                       error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, location, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);

      g_hash_table_replace (sizes, g_strdup (name),
                            GSIZE_TO_POINTER ((gsize)sqlite3_column_int64 (stmt, 1)));
      g_hash_table_replace (numbers, g_strdup (name),
                            GSIZE_TO_POINTER ((gsize)sqlite3_column_int64 (stmt, 2)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the media ledger", error);
      return NULL;
    }
  *seqs = g_steal_pointer (&numbers);
  return g_steal_pointer (&sizes);
}

GPtrArray *
cfd_vault_list_backup_records (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_backup_record_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT seq, medium_label, medium_uuid, location, file_name, time, "
                         "user_id, size, verified, verified_at FROM backup_ledger "
                         "ORDER BY time DESC, id DESC",
                         error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdBackupRecord *record = g_new0 (CfdBackupRecord, 1);

      record->seq = (guint64)sqlite3_column_int64 (stmt, 0);
      record->medium_label = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      record->medium_uuid = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      record->location = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      record->file_name = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      record->time = sqlite3_column_int64 (stmt, 5);
      record->user_id = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      record->size = (guint64)sqlite3_column_int64 (stmt, 7);
      record->verified = sqlite3_column_int (stmt, 8) != 0;
      record->verified_at = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the media ledger", error);
      return NULL;
    }
  return g_steal_pointer (&records);
}
