/* cfd-backup-restore.c: restoring a backup into a new vault folder, verified before it is put in place. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io-private.h"
#include "cfd-vault-private.h"

static gboolean
folder_is_empty (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  gboolean empty;

  if (dir == NULL)
    return FALSE;
  empty = g_dir_read_name (dir) == NULL;
  g_dir_close (dir);
  return empty;
}

/* What may happen to the target folder: created, or replaced. */
static gboolean
check_target (const char *folder, CfdRestoreFlags flags, gboolean *replace, GError **error)
{
  *replace = FALSE;
  if (!g_file_test (folder, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR) || g_file_test (folder, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS,
                   _ ("The restore target exists and is not a folder"));
      return FALSE;
    }
  if (cfd_vault_exists (folder))
    {
      if ((flags & CFD_RESTORE_OVERWRITE_EXISTING_VAULT) == 0)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS,
                       _ ("A vault already exists in that folder; restore into a new folder, or "
                          "confirm separately that it is to be replaced"));
          return FALSE;
        }
      *replace = TRUE;
      return TRUE;
    }
  if (!folder_is_empty (folder))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS,
                   _ ("The restore target folder is not empty; choose a new folder"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_sink (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  return cfd_io_write_all (GPOINTER_TO_INT (user_data), data, len, error);
}

static gboolean
check_user_row (CfdDb *db, const char *user_id, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT 1 FROM users WHERE id = ?", error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!found)
    g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                 _ ("The backup's keyring and database disagree about this user"));
  return found;
}

/* Builds the whole vault in staging (a fresh private folder) and checks
 * it: the stream authenticates, the keyring opens with the secret given,
 * the database opens with the key it yields and passes its integrity
 * check, and the restore is recorded in the restored vault's audit log. */
static gboolean
build_vault (const char *staging,
             int fd,
             const CfdBackupHeader *header,
             const char *user,
             const char *secret,
             CfdBackupSecretKind kind,
             GCancellable *cancellable,
             CfdBackupProgressFunc progress,
             gpointer progress_data,
             GError **error)
{
  g_autofree char *db_path = g_build_filename (staging, CFD_VAULT_DATABASE_NAME, NULL);
  g_autofree char *keyring_path = g_build_filename (staging, CFD_VAULT_KEYRING_NAME, NULL);
  g_autofree char *lock_path = g_strconcat (keyring_path, ".lock", NULL);
  g_autofree char *user_id = NULL;
  g_autofree char *seq_text = g_strdup_printf ("%" G_GUINT64_FORMAT, header->seq);
  g_autofree char *device = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (CfdDb) db = NULL;
  g_autoptr (CfdVault) vault = NULL;
  guint8 stream_key[CFD_KEY_BYTES];
  gboolean ok;
  int out, lock_fd;

  secrets = cfd_backup_unlock_header (header, user, secret, kind, &keyring, &user_id, error);
  if (secrets == NULL
      || !cfd_backup_derive_stream_key (stream_key, header, keyring, user_id, secrets, error))
    return FALSE;

  out = open (db_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    {
      sodium_memzero (stream_key, sizeof stream_key);
      cfd_io_set_error_from_errno (error, errno, "writing the restored database");
      return FALSE;
    }
  ok = cfd_backup_decrypt_stream (fd, header, stream_key, write_sink, GINT_TO_POINTER (out),
                                  cancellable, progress, progress_data, 0,
                                  cfd_backup_expected_file_size (header), error)
       && cfd_io_fsync (out, error);
  sodium_memzero (stream_key, sizeof stream_key);
  close (out);
  if (!ok)
    return FALSE;

  /* The snapshot is a new SQLCipher file with a salt of its own; the
   * keyring names the database it belongs to by that salt. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (db_path);
    g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
    gsize got = 0;

    if (stream == NULL
        || !g_input_stream_read_all (G_INPUT_STREAM (stream), keyring->db_salt, CFD_DB_SALT_BYTES,
                                     &got, NULL, NULL)
        || got != CFD_DB_SALT_BYTES)
      {
        g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                     _ ("The database in the backup is truncated"));
        return FALSE;
      }
  }
  lock_fd = cfd_io_lock_exclusive (lock_path, error);
  if (lock_fd < 0)
    return FALSE;
  ok = cfd_keyring_save (keyring, keyring_path, error);
  cfd_io_unlock (lock_fd);
  if (!ok)
    return FALSE;

  db = cfd_db_open (db_path, secrets->data + CFD_SECRETS_DB_KEY, FALSE, error);
  if (db == NULL || !cfd_backup_integrity_check (db, "main", error)
      || !check_user_row (db, user_id, error))
    return FALSE;

  vault = cfd_vault_open (staging, error);
  if (vault == NULL)
    return FALSE;
  device = cfd_vault_get_device_id (vault);
  if (!cfd_db_begin (db, error))
    return FALSE;
  if (!cfd_audit_append (db, g_get_real_time (), user_id, "backup.restore", "backup", seq_text,
                         CFD_AUDIT_SUCCESS, NULL, device, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  /* Closing the last connection folds the WAL back into the file. */
  g_clear_pointer (&db, cfd_db_close);
  return cfd_io_fsync_dir (staging, error);
}

/* Moves staging into place at folder; an existing vault there (already
 * confirmed for replacing) is moved aside first and removed last. */
static gboolean
put_in_place (const char *staging, const char *folder, gboolean replace, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (folder);
  g_autofree char *old = NULL;

  if (replace)
    {
      g_autofree char *base = g_path_get_basename (folder);
      g_autofree char *pattern = g_strdup_printf (".%s.replaced-XXXXXX", base);

      old = g_build_filename (parent, pattern, NULL);
      if (g_mkdtemp_full (old, 0700) == NULL || g_rmdir (old) != 0
          || !cfd_io_rename (folder, old, error))
        {
          if (error != NULL && *error == NULL)
            cfd_io_set_error_from_errno (error, errno, "moving the old vault aside");
          return FALSE;
        }
    }
  else if (g_file_test (folder, G_FILE_TEST_IS_DIR) && g_rmdir (folder) != 0)
    {
      cfd_io_set_error_from_errno (error, errno, "replacing the empty target folder");
      return FALSE;
    }

  if (!cfd_io_rename (staging, folder, error))
    {
      /* Put the old vault back where it was. */
      if (old != NULL && rename (old, folder) != 0)
        g_prefix_error (error, _ ("The old vault was moved aside (next to the target folder): "));
      return FALSE;
    }
  if (old != NULL)
    cfd_backup_remove_tree (old);
  return cfd_io_fsync_dir (parent, error);
}

CfdBackupInfo *
cfd_backup_restore (const char *path,
                    const char *folder_in,
                    const char *user,
                    const char *secret,
                    CfdBackupSecretKind kind,
                    CfdRestoreFlags flags,
                    GCancellable *cancellable,
                    CfdBackupProgressFunc progress,
                    gpointer progress_data,
                    GError **error)
{
  g_autoptr (CfdBackupHeader) header = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *staging = NULL;
  gboolean replace = FALSE;
  gboolean ok;
  int fd;

  if (folder_in == NULL || *folder_in == '\0')
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("Choose a folder to restore into"));
      return NULL;
    }
  folder = g_canonicalize_filename (folder_in, NULL);
  parent = g_path_get_dirname (folder);
  base = g_path_get_basename (folder);
  if (!check_target (folder, flags, &replace, error))
    return NULL;
  if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("The folder that is to hold the restored vault does not exist"));
      return NULL;
    }

  fd = cfd_backup_open_file (path, &header, error);
  if (fd < 0)
    return NULL;

  /* Beside the target, so the final rename stays on one file system. */
  {
    g_autofree char *pattern = g_strdup_printf (".%s.restoring-XXXXXX", base);

    staging = g_build_filename (parent, pattern, NULL);
  }
  if (g_mkdtemp_full (staging, 0700) == NULL)
    {
      cfd_io_set_error_from_errno (error, errno, "making a folder for the restore");
      close (fd);
      return NULL;
    }
  ok = build_vault (staging, fd, header, user, secret, kind, cancellable, progress, progress_data,
                    error);
  close (fd);
  if (ok)
    {
      g_autofree char *db_path = g_build_filename (staging, CFD_VAULT_DATABASE_NAME, NULL);
      g_autofree char *keyring_path = g_build_filename (staging, CFD_VAULT_KEYRING_NAME, NULL);

      ok = g_chmod (staging, 0700) == 0 && g_chmod (db_path, 0600) == 0
           && g_chmod (keyring_path, 0600) == 0;
      if (!ok)
        cfd_io_set_error_from_errno (error, errno, "setting the restored files' permissions");
    }
  if (ok)
    ok = put_in_place (staging, folder, replace, error);
  if (!ok)
    {
      cfd_backup_remove_tree (staging);
      return NULL;
    }
  return cfd_backup_info_from_header (header, path);
}

typedef struct
{
  char *path;
  char *folder;
  char *user;
  CfdSecret *secret;
  CfdBackupSecretKind kind;
  CfdRestoreFlags flags;
  CfdBackupProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
} RestoreJob;

static void
restore_job_free (RestoreJob *job)
{
  g_free (job->path);
  g_free (job->folder);
  g_free (job->user);
  cfd_secret_free (job->secret);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

typedef struct
{
  RestoreJob *job;
  guint64 done;
  guint64 total;
} RestoreProgress;

static gboolean
deliver_progress (gpointer data)
{
  RestoreProgress *event = data;

  event->job->progress (event->done, event->total, event->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
relay_progress (guint64 done, guint64 total, gpointer data)
{
  RestoreJob *job = data;
  RestoreProgress *event = g_new (RestoreProgress, 1);

  *event = (RestoreProgress){ job, done, total };
  /* Always through a source: g_main_context_invoke() would call the
   * function right here, in this thread, whenever the caller's context is
   * the global default one and not running at that moment. */
  {
    GSource *source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, deliver_progress, event, g_free);
    g_source_attach (source, job->context);
    g_source_unref (source);
  }
}

static void
restore_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RestoreJob *job = data;
  GError *error = NULL;
  CfdBackupInfo *info = cfd_backup_restore (
      job->path, job->folder, job->user, (const char *)job->secret->data, job->kind, job->flags,
      cancellable, job->progress != NULL ? relay_progress : NULL, job, &error);

  if (info != NULL)
    g_task_return_pointer (task, info, (GDestroyNotify)cfd_backup_info_free);
  else
    g_task_return_error (task, error);
}

void
cfd_backup_restore_async (const char *path,
                          const char *folder,
                          const char *user,
                          const char *secret,
                          CfdBackupSecretKind kind,
                          CfdRestoreFlags flags,
                          GCancellable *cancellable,
                          CfdBackupProgressFunc progress,
                          gpointer progress_data,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RestoreJob *job = g_new0 (RestoreJob, 1);

  job->path = g_strdup (path);
  job->folder = g_strdup (folder);
  job->user = g_strdup (user);
  job->secret = cfd_secret_new_from_string (secret != NULL ? secret : "");
  job->kind = kind;
  job->flags = flags;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, cfd_backup_restore_async);
  g_task_set_task_data (task, job, (GDestroyNotify)restore_job_free);
  g_task_run_in_thread (task, restore_thread);
}

CfdBackupInfo *
cfd_backup_restore_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
