/* cfd-backup-snapshot.c: a consistent, still encrypted copy of the vault database for a backup. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io.h"

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
    g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_DATABASE,
                 "The database in the backup fails its integrity check");
  return ok;
}

static gboolean
exec (CfdDb *db, const char *sql, const char *what, GError **error)
{
  int rc = sqlite3_exec (cfd_db_handle (db), sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, what, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
attach (CfdDb *db, const char *path, const guint8 db_key[CFD_KEY_BYTES], GError **error)
{
  /* The same raw key as the vault: the snapshot is a SQLCipher file that
   * never holds a plaintext page. The key text lives in guarded memory. */
  g_autoptr (CfdSecret) text = cfd_secret_new (3 + 2 * CFD_KEY_BYTES + 1);
  sqlite3_stmt *stmt = NULL;
  const char *version = NULL;
  int rc;

  text->data[0] = 'x';
  text->data[1] = '\'';
  sodium_bin2hex ((char *)text->data + 2, 2 * CFD_KEY_BYTES + 1, db_key, CFD_KEY_BYTES);
  text->data[2 + 2 * CFD_KEY_BYTES] = '\'';

  rc = sqlite3_prepare_v2 (cfd_db_handle (db), "ATTACH DATABASE ? AS snapshot KEY ?", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, (const char *)text->data, 3 + 2 * CFD_KEY_BYTES, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "starting the snapshot", error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  /* An attached database takes SQLCipher's defaults, not the vault's
   * settings: set them before its first page is written. */
  if (sqlite3_prepare_v2 (cfd_db_handle (db), "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = (const char *)sqlite3_column_text (stmt, 0);
  if (version != NULL && version[0] >= '4'
      && !exec (db, "PRAGMA snapshot.cipher_compatibility = 3", "starting the snapshot", error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return exec (db, "PRAGMA snapshot.cipher_page_size = 4096", "starting the snapshot", error);
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
  g_autofree char *set_version = NULL;
  gboolean attached = FALSE;

  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      cfd_io_set_error_from_errno (error, errno, "making a private folder for the snapshot");
      return FALSE;
    }
  path = g_build_filename (dir, "snapshot.db", NULL);
  *schema_version = (guint)cfd_db_schema_version (db);
  set_version = g_strdup_printf ("PRAGMA snapshot.user_version = %u", *schema_version);

  /* The vault's connection was opened without SQLITE_OPEN_CREATE, which
   * ATTACH inherits: the (empty, private) file is made here. */
  {
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0)
      {
        cfd_io_set_error_from_errno (error, errno, "making the snapshot file");
        goto failed;
      }
    close (fd);
  }
  if (!attach (db, path, db_key, error))
    goto failed;
  attached = TRUE;
  /* One read transaction on the vault: every table comes from the same
   * moment, while other connections go on writing (WAL). Only the
   * snapshot is written. */
  if (!exec (db, "BEGIN", "taking the snapshot", error))
    goto failed;
  if (!exec (db, "SELECT sqlcipher_export('snapshot')", "taking the snapshot", error)
      || !exec (db, set_version, "taking the snapshot", error)
      || !exec (db, "COMMIT", "taking the snapshot", error))
    {
      sqlite3_exec (cfd_db_handle (db), "ROLLBACK", NULL, NULL, NULL);
      goto failed;
    }
  if (!cfd_backup_integrity_check (db, "snapshot", error))
    goto failed;
  if (!exec (db, "DETACH DATABASE snapshot", "finishing the snapshot", error))
    goto failed;

  *dir_out = g_steal_pointer (&dir);
  *path_out = g_steal_pointer (&path);
  return TRUE;

failed:
  if (attached)
    sqlite3_exec (cfd_db_handle (db), "DETACH DATABASE snapshot", NULL, NULL, NULL);
  cfd_backup_remove_tree (dir);
  return FALSE;
}
