/* cfd-backup-snapshot.c: a consistent, still encrypted copy of the vault database for a backup. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io-private.h"

void
cfd_backup_remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

gboolean
cfd_backup_integrity_check (CfdDb *db, const char *schema, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA \"%s\".integrity_check(1)", schema);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  int rc = sqlite3_prepare_v2 (cfd_db_handle (db), sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "checking the database", error);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  ok = rc == SQLITE_ROW && g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                 _ ("The database in the backup fails its integrity check"));
  return ok;
}

/* A new connection to the snapshot file, keyed like the vault: the
 * snapshot is a SQLCipher file that never holds a plaintext page. The key
 * text lives in guarded memory. */
static sqlite3 *
open_snapshot (const char *path, const guint8 db_key[CFD_KEY_BYTES], GError **error)
{
  g_autoptr (CfdSecret) text = cfd_secret_new (3 + 2 * CFD_KEY_BYTES + 1);
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean v4 = FALSE;
  int rc;

  text->data[0] = 'x';
  text->data[1] = '\'';
  sodium_bin2hex ((char *)text->data + 2, 2 * CFD_KEY_BYTES + 1, db_key, CFD_KEY_BYTES);
  text->data[2 + 2 * CFD_KEY_BYTES] = '\'';

  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_key_v2 (handle, "main", text->data, 3 + 2 * CFD_KEY_BYTES);
  if (rc == SQLITE_OK
      && sqlite3_prepare_v2 (handle, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    v4 = sqlite3_column_text (stmt, 0) != NULL && sqlite3_column_text (stmt, 0)[0] >= '4';
  sqlite3_finalize (stmt);
  /* The vault's settings (see cfd-db.c). The file is scratch, thrown away
   * on any failure: neither a journal nor flushing it buys anything. */
  if (rc == SQLITE_OK && v4)
    rc = sqlite3_exec (handle, "PRAGMA cipher_compatibility = 3", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (handle,
                       "PRAGMA cipher_page_size = 4096; PRAGMA journal_mode = OFF; "
                       "PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY",
                       NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (NULL, rc, "starting the snapshot", error);
      sqlite3_close_v2 (handle);
      return NULL;
    }
  return handle;
}

#ifdef CFD_TESTING
static gboolean last_was_file_copy;

gboolean
cfd_backup_snapshot_last_was_file_copy_for_testing (void)
{
  return last_was_file_copy;
}
#endif

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (1024 * 1024);
  int in = open (from, O_RDONLY | O_CLOEXEC);
  int out = in >= 0 ? open (to, O_WRONLY | O_TRUNC | O_CLOEXEC) : -1;
  gboolean ok = in >= 0 && out >= 0;

  while (ok)
    {
      ssize_t n = read (in, buffer, 1024 * 1024);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          ok = n == 0;
          break;
        }
      for (ssize_t done = 0; ok && done < n;)
        {
          ssize_t w = write (out, buffer + done, (size_t)(n - done));

          if (w < 0 && errno == EINTR)
            continue;
          ok = w > 0;
          done += MAX (w, 0);
        }
    }
  if (!ok)
    cfd_io_set_error_from_errno (error, errno, "copying the vault database");
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  return ok;
}

/* The fast way, with no page decrypted or encrypted: while this
 * connection holds the write lock no one can add to the log, and once a
 * checkpoint has folded the whole log into the database file nothing can
 * change that file either, so a plain copy of it is the latest committed
 * state. When a reader still needs older pages, the log cannot be folded
 * in; *copied is then FALSE and the caller copies page by page. */
static gboolean
copy_checkpointed (CfdDb *db,
                   const guint8 db_key[CFD_KEY_BYTES],
                   const char *path,
                   guint *schema_version,
                   gboolean *copied,
                   GError **error)
{
  const char *db_path = sqlite3_db_filename (cfd_db_handle (db), "main");
  g_autoptr (CfdDb) checkpointer = cfd_db_open (db_path, db_key, FALSE, error);
  sqlite3_stmt *stmt = NULL;
  gboolean folded = FALSE;
  gboolean ok = TRUE;

  *copied = FALSE;
  if (checkpointer == NULL)
    return FALSE;
  if (!cfd_db_begin (db, error))
    return FALSE;
  *schema_version = (guint)cfd_db_schema_version (db);
  if (sqlite3_prepare_v2 (cfd_db_handle (checkpointer), "PRAGMA wal_checkpoint(PASSIVE)", -1, &stmt,
                          NULL)
          == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    folded = sqlite3_column_int (stmt, 0) == 0 && sqlite3_column_int (stmt, 1) >= 0
             && sqlite3_column_int (stmt, 1) == sqlite3_column_int (stmt, 2);
  sqlite3_finalize (stmt);
  if (folded)
    {
      ok = copy_file (db_path, path, error);
      *copied = ok;
    }
  cfd_db_rollback (db);
  return ok;
}

gboolean
cfd_backup_snapshot_take (CfdDb *db,
                          const guint8 db_key[CFD_KEY_BYTES],
                          const char *parent,
                          char **dir_out,
                          char **path_out,
                          guint *schema_version,
                          GError **error)
{
  g_autofree char *dir = g_build_filename (parent, ".backup-XXXXXX", NULL);
  g_autofree char *path = NULL;
  sqlite3_backup *backup;
  sqlite3 *snapshot = NULL;
  int rc;

  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      cfd_io_set_error_from_errno (error, errno, "making a private folder for the snapshot");
      return FALSE;
    }
  path = g_build_filename (dir, "snapshot.db", NULL);
  {
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0)
      {
        cfd_io_set_error_from_errno (error, errno, "making the snapshot file");
        goto failed;
      }
    close (fd);
  }
  {
    gboolean copied = FALSE;

    if (!copy_checkpointed (db, db_key, path, schema_version, &copied, error))
      goto failed;
#ifdef CFD_TESTING
    last_was_file_copy = copied;
#endif
    if (copied)
      goto done;
  }

  snapshot = open_snapshot (path, db_key, error);
  if (snapshot == NULL)
    goto failed;

  /* SQLite's online backup copies page by page (decrypted from the vault,
   * so every page's HMAC is checked, and encrypted again into the
   * snapshot), all in one step, so it runs in a single read transaction on
   * the vault: every table comes from the same moment while other
   * connections go on writing (WAL). The structural PRAGMA integrity_check
   * is left to verifying and restoring, where it costs no writer time. */
  backup = sqlite3_backup_init (snapshot, "main", cfd_db_handle (db), "main");
  if (backup == NULL)
    {
      cfd_db_set_error (NULL, sqlite3_errcode (snapshot), "starting the snapshot", error);
      goto failed;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (NULL, rc, "taking the snapshot", error);
      goto failed;
    }
  {
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2 (snapshot, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step (stmt) == SQLITE_ROW)
      *schema_version = (guint)sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
  }
  if (sqlite3_close (snapshot) != SQLITE_OK)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, _ ("Could not finish the snapshot"));
      snapshot = NULL;
      goto failed;
    }

done:
  *dir_out = g_steal_pointer (&dir);
  *path_out = g_steal_pointer (&path);
  return TRUE;

failed:
  if (snapshot != NULL)
    sqlite3_close_v2 (snapshot);
  cfd_backup_remove_tree (dir);
  return FALSE;
}
