/* cfd-backup-writer.c: writing a backup to a medium durably, verifying it, keeping N generations. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-backup-media.h"
#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io-private.h"
#include "cfd-vault-private.h"

static guint32 chunk_size = CFD_BACKUP_CHUNK_BYTES;

#ifdef CFD_TESTING
static guint64 free_space_override;

void
cfd_backup_set_free_space_for_testing (guint64 free_bytes)
{
  free_space_override = free_bytes;
}

void
cfd_backup_set_chunk_size_for_testing (guint32 size)
{
  chunk_size = size != 0 ? size : CFD_BACKUP_CHUNK_BYTES;
}
#endif

/* Room left on the medium beyond the file itself, for the file system's
 * own bookkeeping. */
#define SPACE_MARGIN (1024 * 1024)

/* Everything the work needs, copied out of the vault in the caller's
 * thread, so the vault itself is not touched while the work runs. */
typedef struct
{
  char *vault_path;
  char *vault_id;
  char *user_id;
  char *device;
  char *folder;
  char *medium_label;
  char *medium_uuid;
  guint generations;
  guint64 seq;
  gint64 now;
  CfdSecret *db_key;
  CfdSecret *backup_secret; /* the practice's backup key: the stream's key derives from it */
  GBytes *keyring;
  GBytes *checkpoint; /* signed, serialized */

  CfdBackupProgressFunc progress;
  gpointer progress_data;
  GMainContext *context; /* set for the async variant: where progress is shown */
  guint64 last_reported;
} BackupJob;

static void
backup_job_free (BackupJob *job)
{
  g_free (job->vault_path);
  g_free (job->vault_id);
  g_free (job->user_id);
  g_free (job->device);
  g_free (job->folder);
  g_free (job->medium_label);
  g_free (job->medium_uuid);
  cfd_secret_free (job->db_key);
  g_clear_pointer (&job->backup_secret, cfd_secret_free);
  g_clear_pointer (&job->keyring, g_bytes_unref);
  g_clear_pointer (&job->checkpoint, g_bytes_unref);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BackupJob, backup_job_free)

typedef struct
{
  CfdBackupProgressFunc func;
  gpointer data;
  guint64 done;
  guint64 total;
} ProgressEvent;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *event = user_data;

  event->func (event->done, event->total, event->data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (guint64 done, guint64 total, gpointer user_data)
{
  BackupJob *job = user_data;
  ProgressEvent *event;

  if (job->progress == NULL)
    return;
  if (job->context == NULL)
    {
      job->progress (done, total, job->progress_data);
      return;
    }
  /* About 200 updates per backup are plenty for a progress bar. */
  if (done != total && done - job->last_reported < total / 200)
    return;
  job->last_reported = done;
  event = g_new (ProgressEvent, 1);
  *event = (ProgressEvent){ job->progress, job->progress_data, done, total };
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

static BackupJob *
prepare_job (CfdVault *vault, const char *folder, guint generations, GError **error)
{
  g_autoptr (BackupJob) job = g_new0 (BackupJob, 1);
  g_autoptr (CfdBackupMedium) medium = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *keyring_path = NULL;
  g_autofree guint8 *keyring = NULL;
  gsize keyring_len = 0;
  gboolean ok;
  int lock_fd;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "backup.create", error))
    return NULL;
  if (generations < 1 || generations > CFD_BACKUP_MAX_GENERATIONS)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("Keep between 1 and %d backups"),
                   CFD_BACKUP_MAX_GENERATIONS);
      return NULL;
    }
  if (folder == NULL || !g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("The backup folder does not exist (is the medium plugged in?)"));
      return NULL;
    }
  medium = cfd_backup_medium_for_folder (folder, error);
  if (medium == NULL)
    return NULL;

  /* The keyring file as it is on disk, read under its lock so that no
   * half-written update is taken. */
  keyring_path = g_build_filename (cfd_vault_get_path (vault), CFD_VAULT_KEYRING_NAME, NULL);
  lock_path = g_strconcat (keyring_path, ".lock", NULL);
  lock_fd = cfd_io_lock_exclusive (lock_path, error);
  if (lock_fd < 0)
    return NULL;
  ok = cfd_io_read_private_file (keyring_path, CFD_KEYRING_MAX_BYTES, &keyring, &keyring_len,
                                 error);
  cfd_io_unlock (lock_fd);
  if (!ok)
    return NULL;

  job->vault_path = g_strdup (cfd_vault_get_path (vault));
  job->vault_id = g_strdup (cfd_vault_get_id (vault));
  job->user_id = g_strdup (cfd_vault_get_user_id (vault));
  job->device = cfd_vault_get_device_id (vault);
  job->folder = g_canonicalize_filename (folder, NULL);
  job->medium_label = g_strdup (medium->label);
  job->medium_uuid = g_strdup (medium->uuid);
  job->generations = generations;
  job->now = cfd_vault_now (vault);
  job->db_key = cfd_secret_new_from_data (cfd_vault_get_db_key (vault), CFD_KEY_BYTES);
  job->keyring = g_bytes_new_take (g_steal_pointer (&keyring), keyring_len);
  /* From the copy in the keyring the backup embeds, so that whoever the
   * backup lets in holds it. */
  {
    g_autoptr (CfdKeyring) embedded
        = cfd_keyring_parse (g_bytes_get_data (job->keyring, NULL), keyring_len, error);

    job->backup_secret
        = embedded != NULL ? cfd_vault_get_backup_secret (vault, embedded, error) : NULL;
    if (job->backup_secret == NULL)
      return NULL;
  }

  /* The backup's number, and a checkpoint signed now that every backup
   * carries (once it has left the machine, edits, deletions or a rollback
   * of the log up to here can be shown), in one transaction. */
  {
    CfdAuditCheckpoint checkpoint;
    CfdDb *db = cfd_vault_get_db (vault, error);

    if (db == NULL || !cfd_db_begin (db, error))
      return NULL;
    if (!cfd_backup_ledger_next_seq (db, &job->seq, error)
        || !cfd_vault_audit_checkpoint (vault, &checkpoint, error) || !cfd_db_commit (db, error))
      {
        cfd_db_rollback (db);
        return NULL;
      }
    job->checkpoint = cfd_audit_checkpoint_serialize (&checkpoint);
  }
  return g_steal_pointer (&job);
}

static void
audit (CfdDb *db, BackupJob *job, const char *action, const char *seq, CfdAuditOutcome outcome)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_db_begin (db, &error)
      || !cfd_audit_append (db, job->now, job->user_id, action, "backup", seq, outcome, NULL,
                            job->device, &error)
      || !cfd_db_commit (db, &error))
    {
      cfd_db_rollback (db);
      g_debug ("Could not record %s in the audit log: %s", action, error->message);
    }
}

/* Streams the snapshot into fd: header, then the secretstream chunks. */
static gboolean
write_stream (int fd,
              int in,
              const CfdBackupHeader *header,
              GBytes *header_bytes,
              const guint8 stream_key[CFD_KEY_BYTES],
              BackupJob *job,
              guint64 total,
              GCancellable *cancellable,
              GError **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  guint8 stream_header[CFD_BACKUP_STREAM_HEADER];
  guint64 chunks = cfd_backup_chunk_count (header->payload_bytes, header->chunk_size);
  g_autofree guint8 *plain = g_malloc (header->chunk_size);
  g_autofree guint8 *cipher = g_malloc ((gsize)header->chunk_size + CFD_BACKUP_CHUNK_OVERHEAD);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (header_bytes, &len);
  guint64 done;
  gboolean ok = FALSE;

  crypto_secretstream_xchacha20poly1305_init_push (&state, stream_header, stream_key);
  if (!cfd_io_write_all (fd, data, len, error)
      || !cfd_io_write_all (fd, stream_header, sizeof stream_header, error))
    goto out;
  done = len + sizeof stream_header;

  for (guint64 i = 0; i < chunks; i++)
    {
      gboolean last = i + 1 == chunks;
      gsize want = last ? (gsize)(header->payload_bytes - (chunks - 1) * header->chunk_size)
                        : header->chunk_size;
      gsize got = 0;
      unsigned long long clen = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      while (got < want)
        {
          ssize_t n = read (in, plain + got, want - got);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              g_set_error (error, CFD_ERROR, CFD_ERROR_IO,
                           _ ("The snapshot changed while it was being backed up"));
              goto out;
            }
          got += (gsize)n;
        }
      crypto_secretstream_xchacha20poly1305_push (
          &state, cipher, &clen, plain, want, i == 0 ? header->hash : NULL,
          i == 0 ? CFD_HASH_BYTES : 0,
          last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
               : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
      if (!cfd_io_write_all (fd, cipher, (gsize)clen, error))
        goto out;
      done += clen;
      report_progress (done, total, job);
    }
  ok = TRUE;

out:
  sodium_memzero (&state, sizeof state);
  return ok;
}

/* Reads the file back from the medium and checks that it is what was
 * written: the same header, and every chunk authentic, in order, to the
 * final one. Under a key only this vault has and a stream header drawn at
 * random for this file, a chunk authenticates only if it is the very one
 * written. */
static gboolean
verify_written (const char *path,
                const CfdBackupHeader *written,
                const guint8 stream_key[CFD_KEY_BYTES],
                BackupJob *job,
                guint64 total,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (CfdBackupHeader) header = NULL;
  gboolean ok;
  int fd = cfd_backup_open_file (path, &header, error);

  if (fd < 0)
    return FALSE;
  /* Read from the medium, not from the page cache the write just filled. */
  posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  if (!cfd_constant_time_equal (header->hash, written->hash, CFD_HASH_BYTES))
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup read back from the medium differs from what was written"));
      return FALSE;
    }
  ok = cfd_backup_decrypt_stream (fd, header, stream_key, NULL, NULL, cancellable, report_progress,
                                  job, total / 2, total, error);
  close (fd);
  return ok;
}

/* Is this file one the media ledger records as written here and verified,
 * with the same sequence number and still its full size? A file's header
 * is not authenticated, so anyone who can write the medium can make one
 * that names this vault and any sequence number. */
static gboolean
ledger_vouches_for (GHashTable *sizes, GHashTable *seqs, const CfdBackupInfo *info)
{
  g_autofree char *name = g_path_get_basename (info->path);
  gpointer size, seq;
  struct stat st;

  return g_hash_table_lookup_extended (sizes, name, NULL, &size)
         && g_hash_table_lookup_extended (seqs, name, NULL, &seq)
         && (guint64)GPOINTER_TO_SIZE (seq) == info->seq && g_lstat (info->path, &st) == 0
         && S_ISREG (st.st_mode) && (guint64)st.st_size == (guint64)GPOINTER_TO_SIZE (size);
}

/* Removes this vault's oldest backups in the folder beyond the number to
 * keep. Only files the media ledger vouches for count and are touched
 * (others are neither kept in the count nor deleted); a failure here costs
 * space, never a backup, so it is not an error of the backup. */
static void
prune (BackupJob *job, CfdDb *db, guint64 newest_seq)
{
  g_autoptr (GPtrArray) all = cfd_backup_list (job->folder, NULL);
  g_autoptr (GPtrArray) mine = g_ptr_array_new ();
  g_autoptr (GHashTable) sizes = NULL;
  g_autoptr (GHashTable) seqs = NULL;
  g_autoptr (GError) ledger_error = NULL;
  gboolean removed = FALSE;

  if (all == NULL)
    return;
  sizes = cfd_backup_ledger_verified_in (db, job->folder, &seqs, &ledger_error);
  if (sizes == NULL)
    {
      g_debug ("Not pruning: %s", ledger_error->message);
      return;
    }
  for (guint i = 0; i < all->len; i++)
    {
      CfdBackupInfo *info = g_ptr_array_index (all, i);

      if (g_strcmp0 (info->vault_id, job->vault_id) == 0 && info->seq <= newest_seq
          && ledger_vouches_for (sizes, seqs, info))
        g_ptr_array_add (mine, info);
    }
  /* cfd_backup_list sorts by sequence, oldest first. */
  for (guint i = 0; i + job->generations < mine->len; i++)
    {
      CfdBackupInfo *info = g_ptr_array_index (mine, i);

      if (g_unlink (info->path) == 0)
        removed = TRUE;
      else
        g_debug ("Could not remove an old backup: %s", g_strerror (errno));
    }
  if (removed)
    {
      g_autoptr (GError) error = NULL;

      if (!cfd_io_fsync_dir (job->folder, &error))
        g_debug ("Could not flush the backup folder: %s", error->message);
    }
}

/* A folder that is gone mid-write means the medium was pulled (or the
 * folder deleted): say so, whatever errno the kernel chose. */
static void
explain_failure (BackupJob *job, GError **error)
{
  if (error != NULL && *error != NULL && !g_file_test (job->folder, G_FILE_TEST_IS_DIR)
      && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *detail = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, CFD_ERROR, CFD_ERROR_MEDIUM_REMOVED,
                   _ ("The backup medium or folder went away during the backup (%s); earlier "
                      "backups on it are unchanged"),
                   detail);
    }
}

/* Old enough that no backup still running can own it. */
#define STALE_SECONDS (6 * 3600)

static gboolean
is_stale (const char *path, gint64 now_seconds)
{
  struct stat st;

  return g_lstat (path, &st) == 0 && now_seconds - (gint64)st.st_mtime > STALE_SECONDS;
}

/* A backup that was killed leaves its scratch behind: a snapshot folder in
 * the vault folder (encrypted, but taking space) and a temporary file on
 * the medium. Both are cleared here once they are stale. */
static void
remove_stale_scratch (BackupJob *job)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *prefix = g_strdup_printf ("confidant-%.8s-", job->vault_id);
  const char *name;
  GDir *dir;

  dir = g_dir_open (job->vault_path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (job->vault_path, name, NULL);

      if (g_str_has_prefix (name, ".backup-") && g_file_test (path, G_FILE_TEST_IS_DIR)
          && !g_file_test (path, G_FILE_TEST_IS_SYMLINK) && is_stale (path, now))
        cfd_backup_remove_tree (path);
    }
  g_clear_pointer (&dir, g_dir_close);

  dir = g_dir_open (job->folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (job->folder, name, NULL);

      if (g_str_has_prefix (name, prefix) && strstr (name, CFD_BACKUP_FILE_SUFFIX ".tmp-") != NULL
          && is_stale (path, now))
        g_unlink (path);
    }
  g_clear_pointer (&dir, g_dir_close);
}

static CfdBackupInfo *
run_job (BackupJob *job, GCancellable *cancellable, GError **error)
{
  g_autofree char *db_path = g_build_filename (job->vault_path, CFD_VAULT_DATABASE_NAME, NULL);
  g_autoptr (CfdDb) db = NULL;
  g_autoptr (CfdBackupHeader) header = g_new0 (CfdBackupHeader, 1);
  g_autoptr (GBytes) header_bytes = NULL;
  g_autofree char *snapshot_dir = NULL;
  g_autofree char *snapshot_path = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *seq_text = NULL;
  guint8 stream_key[CFD_KEY_BYTES];
  gboolean renamed = FALSE;
  gboolean written = FALSE;
  CfdBackupInfo *info = NULL;
  guint64 free_bytes = 0;
  guint64 total;
  struct stat st;
  int in = -1;
  int fd = -1;

  /* A connection of its own: the vault's connection stays free for the
   * person using it, and WAL lets both go on at once. */
  db = cfd_db_open (db_path, job->db_key->data, FALSE, error);
  if (db == NULL)
    return NULL;
  header->seq = job->seq;
  remove_stale_scratch (job);
  seq_text = g_strdup_printf ("%" G_GUINT64_FORMAT, header->seq);

  if (!cfd_backup_snapshot_take (db, job->db_key->data, job->vault_path, &snapshot_dir,
                                 &snapshot_path, &header->schema_version, error))
    goto failed;
  in = open (snapshot_path, O_RDONLY | O_CLOEXEC);
  if (in < 0 || fstat (in, &st) != 0)
    {
      cfd_io_set_error_from_errno (error, errno, "reading the snapshot");
      goto failed;
    }

  header->version = CFD_BACKUP_FORMAT_VERSION;
  header->vault_id = g_strdup (job->vault_id);
  header->time = job->now;
  header->chunk_size = chunk_size;
  header->payload_bytes = (guint64)st.st_size;
  header->checkpoint_kind = g_strdup (CFD_BACKUP_CHECKPOINT_SIGNED);
  header->checkpoint = g_bytes_ref (job->checkpoint);
  header->keyring = g_bytes_ref (job->keyring);
  header_bytes = cfd_backup_header_encode (header);
  total = 2 * cfd_backup_expected_file_size (header);
  report_progress (0, total, job);

  if (!cfd_backup_query_free_space (job->folder, &free_bytes, error))
    goto failed;
#ifdef CFD_TESTING
  if (free_space_override != 0)
    free_bytes = free_space_override;
#endif
  if (free_bytes < cfd_backup_expected_file_size (header) + SPACE_MARGIN)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NO_SPACE,
                   _ ("The backup needs %" PRIu64 " MB but the medium has %" PRIu64
                      " MB free; earlier backups were left as they are"),
                   (cfd_backup_expected_file_size (header) + SPACE_MARGIN) / 1000000 + 1,
                   free_bytes / 1000000);
      goto failed;
    }

  file_name = cfd_backup_file_name (job->vault_id, header->seq, job->now);
  final_path = g_build_filename (job->folder, file_name, NULL);
  fd = cfd_io_open_temp (final_path, &temp_path, error);
  if (fd < 0)
    goto failed;
  cfd_backup_stream_key_v2 (stream_key, job->backup_secret->data, header->seq);
  written = write_stream (fd, in, header, header_bytes, stream_key, job, total, cancellable, error);
  sodium_memzero (stream_key, sizeof stream_key);
  if (!written || !cfd_io_fsync (fd, error))
    goto failed;
  close (fd);
  fd = -1;
  if (!cfd_io_rename (temp_path, final_path, error))
    goto failed;
  renamed = TRUE;
  if (!cfd_io_fsync_dir (job->folder, error))
    goto failed;

  cfd_backup_stream_key_v2 (stream_key, job->backup_secret->data, header->seq);
  written = verify_written (final_path, header, stream_key, job, total, cancellable, error);
  sodium_memzero (stream_key, sizeof stream_key);
  if (!written)
    {
      CfdBackupRecord failed_record = {
        header->seq,
        job->medium_label,
        job->medium_uuid,
        job->folder,
        file_name,
        job->now,
        job->user_id,
        cfd_backup_expected_file_size (header),
        FALSE,
        0,
      };
      g_autoptr (GError) ledger_error = NULL;

      /* The medium is recorded as having failed, so it can be shown. */
      if (!cfd_db_begin (db, &ledger_error)
          || !cfd_backup_ledger_add (db, &failed_record, &ledger_error)
          || !cfd_db_commit (db, &ledger_error))
        cfd_db_rollback (db);
      audit (db, job, "backup.verify", seq_text, CFD_AUDIT_FAILURE);
      goto failed;
    }

  {
    CfdBackupRecord record = {
      header->seq, job->medium_label, job->medium_uuid, job->folder,
      file_name,   job->now,          job->user_id,     cfd_backup_expected_file_size (header),
      TRUE,        job->now,
    };

    if (!cfd_db_begin (db, error))
      goto recorded_failed;
    if (!cfd_backup_ledger_add (db, &record, error)
        || !cfd_audit_append (db, job->now, job->user_id, "backup.create", "backup", seq_text,
                              CFD_AUDIT_SUCCESS, NULL, job->device, error)
        || !cfd_audit_append (db, job->now, job->user_id, "backup.verify", "backup", seq_text,
                              CFD_AUDIT_SUCCESS, NULL, job->device, error))
      {
        cfd_db_rollback (db);
        goto recorded_failed;
      }
    if (!cfd_db_commit (db, error))
      goto recorded_failed;
  }

  /* Older generations go only now, with a verified newer one in place. */
  prune (job, db, header->seq);
  info = cfd_backup_info_from_header (header, final_path);
  close (in);
  cfd_backup_remove_tree (snapshot_dir);
  return info;

recorded_failed:
  /* The file is good and stays; only its record is missing. */
  close (in);
  cfd_backup_remove_tree (snapshot_dir);
  g_prefix_error (error, _ ("The backup was written and verified, but recording it failed: "));
  return NULL;

failed:
  if (fd >= 0)
    close (fd);
  if (in >= 0)
    close (in);
  if (temp_path != NULL && !renamed)
    g_unlink (temp_path);
  /* Written but not verified: not a backup anyone should count on. */
  if (renamed)
    g_unlink (final_path);
  cfd_backup_remove_tree (snapshot_dir);
  explain_failure (job, error);
  audit (db, job, "backup.create", seq_text != NULL ? seq_text : "", CFD_AUDIT_FAILURE);
  return NULL;
}

CfdBackupInfo *
cfd_vault_backup (CfdVault *vault,
                  const char *folder,
                  guint generations,
                  GCancellable *cancellable,
                  CfdBackupProgressFunc progress,
                  gpointer progress_data,
                  GError **error)
{
  g_autoptr (BackupJob) job = NULL;
  g_autoptr (CfdVaultJob) vault_job = NULL;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  vault_job = cfd_vault_job_begin (vault, error);
  if (vault_job == NULL)
    return NULL;
  job = prepare_job (vault, folder, generations, error);
  if (job == NULL)
    return NULL;
  job->progress = progress;
  job->progress_data = progress_data;
  return run_job (job, cancellable, error);
}

static void
backup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  CfdBackupInfo *info = run_job (data, cancellable, &error);

  if (info != NULL)
    g_task_return_pointer (task, info, (GDestroyNotify)cfd_backup_info_free);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_backup_async (CfdVault *vault,
                        const char *folder,
                        guint generations,
                        GCancellable *cancellable,
                        CfdBackupProgressFunc progress,
                        gpointer progress_data,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (vault, cancellable, callback, user_data);
  GError *error = NULL;
  BackupJob *job;

  g_task_set_source_tag (task, cfd_vault_backup_async);
  /* The checks and copies that need the vault happen here, in the
   * caller's thread; the thread only uses what they produced. */
  job = prepare_job (vault, folder, generations, &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, (GDestroyNotify)backup_job_free);
  g_task_run_in_thread (task, backup_thread);
}

CfdBackupInfo *
cfd_vault_backup_finish (CfdVault *vault, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, vault), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
