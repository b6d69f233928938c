/* cfd-backup-reader.c: reading backup files: headers, authenticating the stream, verifying. */
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
#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io-private.h"
#include "cfd-vault-private.h"

int
cfd_backup_open_file (const char *path, CfdBackupHeader **header_out, GError **error)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      cfd_io_set_error_from_errno (error, errno, "opening the backup");
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("This is not a Confidant backup file"));
      return -1;
    }
  *header_out = cfd_backup_header_read (fd, (guint64)st.st_size, error);
  if (*header_out == NULL)
    {
      close (fd);
      return -1;
    }
  return fd;
}

CfdBackupInfo *
cfd_backup_read_info (const char *path, GError **error)
{
  g_autoptr (CfdBackupHeader) header = NULL;
  int fd = cfd_backup_open_file (path, &header, error);

  if (fd < 0)
    return NULL;
  close (fd);
  return cfd_backup_info_from_header (header, path);
}

static int
compare_info (gconstpointer a, gconstpointer b)
{
  const CfdBackupInfo *x = *(CfdBackupInfo *const *)a;
  const CfdBackupInfo *y = *(CfdBackupInfo *const *)b;
  int by_vault = strcmp (x->vault_id, y->vault_id);

  if (by_vault != 0)
    return by_vault;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

GPtrArray *
cfd_backup_list (const char *folder, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_backup_info_free);
  g_autoptr (GError) local_error = NULL;
  GDir *dir = g_dir_open (folder, 0, &local_error);
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, CFD_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                       ? CFD_ERROR_NOT_FOUND
                       : CFD_ERROR_IO,
                   "Could not read the backup folder: %s", local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      CfdBackupInfo *info;

      if (!g_str_has_prefix (name, "confidant-")
          || !g_str_has_suffix (name, CFD_BACKUP_FILE_SUFFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      info = cfd_backup_read_info (path, NULL);
      if (info != NULL)
        g_ptr_array_add (list, info);
    }
  g_dir_close (dir);
  g_ptr_array_sort (list, compare_info);
  return g_steal_pointer (&list);
}

gboolean
cfd_backup_decrypt_stream (int fd,
                           const CfdBackupHeader *header,
                           const guint8 stream_key[CFD_KEY_BYTES],
                           CfdBackupSink sink,
                           gpointer sink_data,
                           GCancellable *cancellable,
                           CfdBackupProgressFunc progress,
                           gpointer progress_data,
                           guint64 progress_base,
                           guint64 progress_total,
                           GError **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  guint8 stream_header[CFD_BACKUP_STREAM_HEADER];
  guint64 chunks = cfd_backup_chunk_count (header->payload_bytes, header->chunk_size);
  gsize cipher_max = (gsize)header->chunk_size + CFD_BACKUP_CHUNK_OVERHEAD;
  g_autofree guint8 *cipher = g_malloc (cipher_max);
  g_autofree guint8 *plain = g_malloc (header->chunk_size);
  guint64 done = header->header_bytes + CFD_BACKUP_STREAM_HEADER;
  gboolean ok = FALSE;
  guint8 extra;
  ssize_t n;

  if (read (fd, stream_header, sizeof stream_header) != (ssize_t)sizeof stream_header)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED, _ ("The backup file is incomplete"));
      goto out;
    }
  if (crypto_secretstream_xchacha20poly1305_init_pull (&state, stream_header, stream_key) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup file is damaged or was altered (stream header)"));
      goto out;
    }

  for (guint64 i = 0; i < chunks; i++)
    {
      gboolean last = i + 1 == chunks;
      gsize expected = last ? (gsize)(header->payload_bytes - (chunks - 1) * header->chunk_size)
                            : header->chunk_size;
      gsize clen = expected + CFD_BACKUP_CHUNK_OVERHEAD;
      gsize got = 0;
      unsigned long long mlen = 0;
      unsigned char tag = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      while (got < clen)
        {
          n = read (fd, cipher + got, clen - got);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              cfd_io_set_error_from_errno (error, errno, "reading the backup");
              goto out;
            }
          if (n == 0)
            break;
          got += (gsize)n;
        }
      if (got < clen)
        {
          /* The size was checked against the header, so the file shrank
           * while it was being read. */
          g_set_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED, _ ("The backup file is incomplete"));
          goto out;
        }
      /* The first chunk carries the header's hash as associated data: a
       * header moved onto another stream fails here. */
      if (crypto_secretstream_xchacha20poly1305_pull (&state, plain, &mlen, &tag, cipher, clen,
                                                      i == 0 ? header->hash : NULL,
                                                      i == 0 ? CFD_HASH_BYTES : 0)
              != 0
          || mlen != expected
          || tag
                 != (last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                          : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("The backup file is damaged or was altered (part %" PRIu64 " of %" PRIu64
                          " does not authenticate)"),
                       i + 1, chunks);
          goto out;
        }
      if (sink != NULL && !sink (plain, expected, sink_data, error))
        goto out;
      done += clen;
      if (progress != NULL)
        progress (progress_base + done, progress_total, progress_data);
    }

  n = read (fd, &extra, 1);
  if (n != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup file is damaged or was altered (unexpected data after the end)"));
      goto out;
    }
  ok = TRUE;

out:
  sodium_memzero (&state, sizeof state);
  return ok;
}

/* The checkpoint must be signed by a user of the keyring it travels with,
 * over this vault's log. */
static gboolean
check_checkpoint (const CfdBackupHeader *header, const CfdKeyring *keyring, GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (header->checkpoint, &len);
  CfdAuditCheckpoint cp;
  CfdKeyringUser *signer;

  if (g_strcmp0 (header->checkpoint_kind, CFD_BACKUP_CHECKPOINT_SIGNED) != 0
      || !cfd_audit_checkpoint_parse (data, len, &cp, NULL)
      || g_strcmp0 (cp.vault_id, header->vault_id) != 0
      || (signer = cfd_keyring_find_user (keyring, cp.signer)) == NULL
      || g_strcmp0 (signer->id, cp.signer) != 0
      || !cfd_audit_checkpoint_check_signature (&cp, signer->sign_pk))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup file is damaged or was altered (audit checkpoint)"));
      return FALSE;
    }
  return TRUE;
}

CfdSecret *
cfd_backup_unlock_header (const CfdBackupHeader *header,
                          const char *user,
                          const char *secret,
                          CfdBackupSecretKind kind,
                          CfdKeyring **keyring_out,
                          char **user_id_out,
                          GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (header->keyring, &len);
  g_autoptr (CfdKeyring) keyring = cfd_keyring_parse (data, len, error);
  g_autoptr (CfdSecret) secrets = NULL;
  guint8 check[CFD_HASH_BYTES];
  CfdKeyringUser *who;

  if (keyring == NULL)
    return NULL;
  if (g_strcmp0 (keyring->vault_id, header->vault_id) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup file is damaged or was altered (keyring of another vault)"));
      return NULL;
    }

  if (kind == CFD_BACKUP_SECRET_RECOVERY_KEY)
    {
      guint8 raw[CFD_RECOVERY_KEY_BYTES];
      CfdKeyringRecovery *recovery;

      who = cfd_keyring_find_owner (keyring);
      recovery = who != NULL ? cfd_keyring_find_recovery (keyring, who->id) : NULL;
      if (recovery == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                       _ ("This backup's vault has no recovery key"));
          return NULL;
        }
      if (secret == NULL || !cfd_recovery_key_parse (secret, raw))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY,
                       _ ("That is not a valid recovery key: check each group of four for typing "
                          "mistakes"));
          return NULL;
        }
      secrets = cfd_keyring_recovery_unwrap (recovery, keyring->vault_id, raw);
      sodium_memzero (raw, sizeof raw);
      if (secrets == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY,
                       _ ("The recovery key does not belong to this backup's vault"));
          return NULL;
        }
    }
  else
    {
      who = user != NULL ? cfd_keyring_find_user (keyring, user) : cfd_keyring_find_owner (keyring);
      if (who == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                       _ ("There is no user of that name in this backup"));
          return NULL;
        }
      secrets
          = cfd_keyring_user_unwrap (who, keyring->vault_id, secret != NULL ? secret : "", error);
      if (secrets == NULL)
        return NULL;
    }

  if (!check_checkpoint (header, keyring, error))
    return NULL;
  cfd_keyring_compute_key_check (check, keyring->vault_id, secrets->data + CFD_SECRETS_DB_KEY);
  if (!cfd_constant_time_equal (check, keyring->db_key_check, CFD_HASH_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The backup file is damaged or was altered (keyring key check)"));
      return NULL;
    }
  if (user_id_out != NULL)
    *user_id_out = g_strdup (who->id);
  if (keyring_out != NULL)
    *keyring_out = g_steal_pointer (&keyring);
  return g_steal_pointer (&secrets);
}

static gboolean
write_sink (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  return cfd_io_write_all (GPOINTER_TO_INT (user_data), data, len, error);
}

/* Authenticates every chunk, decrypting the embedded database (still
 * SQLCipher-encrypted) into a private temporary folder, and runs the
 * database's integrity check on it there. */
static gboolean
verify_deep (int fd,
             const CfdBackupHeader *header,
             guint8 stream_key[CFD_KEY_BYTES],
             const guint8 db_key[CFD_KEY_BYTES],
             GCancellable *cancellable,
             CfdBackupProgressFunc progress,
             gpointer progress_data,
             GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confidant-verify-XXXXXX", &local_error);
  g_autofree char *db_path = NULL;
  g_autoptr (CfdDb) db = NULL;
  gboolean ok;
  int out;

  if (dir == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, _ ("Could not make a temporary folder: %s"),
                   local_error->message);
      return FALSE;
    }
  db_path = g_build_filename (dir, CFD_VAULT_DATABASE_NAME, NULL);
  out = open (db_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    {
      cfd_io_set_error_from_errno (error, errno, "making a temporary file");
      cfd_backup_remove_tree (dir);
      return FALSE;
    }
  ok = cfd_backup_decrypt_stream (fd, header, stream_key, write_sink, GINT_TO_POINTER (out),
                                  cancellable, progress, progress_data, 0,
                                  cfd_backup_expected_file_size (header), error);
  close (out);
  if (ok)
    {
      db = cfd_db_open (db_path, db_key, FALSE, error);
      ok = db != NULL && cfd_backup_integrity_check (db, "main", error);
      g_clear_pointer (&db, cfd_db_close);
    }
  cfd_backup_remove_tree (dir);
  return ok;
}

CfdBackupInfo *
cfd_backup_verify (const char *path,
                   const char *user,
                   const char *secret,
                   CfdBackupSecretKind kind,
                   GCancellable *cancellable,
                   CfdBackupProgressFunc progress,
                   gpointer progress_data,
                   GError **error)
{
  g_autoptr (CfdBackupHeader) header = NULL;
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autofree char *user_id = NULL;
  guint8 stream_key[CFD_KEY_BYTES];
  gboolean ok;
  int fd = cfd_backup_open_file (path, &header, error);

  if (fd < 0)
    return NULL;
  secrets = cfd_backup_unlock_header (header, user, secret, kind, &keyring, &user_id, error);
  ok = secrets != NULL
       && cfd_backup_derive_stream_key (stream_key, header, keyring, user_id, secrets, error)
       && verify_deep (fd, header, stream_key, secrets->data + CFD_SECRETS_DB_KEY, cancellable,
                       progress, progress_data, error);
  sodium_memzero (stream_key, sizeof stream_key);
  close (fd);
  return ok ? cfd_backup_info_from_header (header, path) : NULL;
}

gboolean
cfd_vault_verify_backup (CfdVault *vault,
                         const char *path,
                         GCancellable *cancellable,
                         CfdBackupProgressFunc progress,
                         gpointer progress_data,
                         GError **error)
{
  g_autoptr (CfdBackupHeader) header = NULL;
  g_autofree char *location = NULL;
  g_autofree char *file_name = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (CfdVaultJob) vault_job = cfd_vault_job_begin (vault, error);
  CfdDb *db = vault_job != NULL ? cfd_vault_get_db (vault, error) : NULL;
  guint8 stream_key[CFD_KEY_BYTES];
  gboolean ok;
  int fd;

  if (db == NULL)
    return FALSE;
  fd = cfd_backup_open_file (path, &header, &local_error);
  if (fd >= 0 && g_strcmp0 (header->vault_id, cfd_vault_get_id (vault)) != 0)
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("This backup belongs to another vault"));
      return FALSE;
    }
  ok = fd >= 0 && cfd_backup_derive_vault_stream_key (stream_key, header, vault, &local_error)
       && verify_deep (fd, header, stream_key, cfd_vault_get_db_key (vault), cancellable, progress,
                       progress_data, &local_error);
  sodium_memzero (stream_key, sizeof stream_key);
  if (fd >= 0)
    close (fd);

  {
    g_autofree char *absolute = g_canonicalize_filename (path, NULL);
    g_autofree char *seq_text
        = header != NULL ? g_strdup_printf ("%" G_GUINT64_FORMAT, header->seq) : g_strdup ("");
    g_autoptr (GError) ledger_error = NULL;

    location = g_path_get_dirname (absolute);
    file_name = g_path_get_basename (absolute);
    if (!cfd_db_begin (db, &ledger_error)
        || !cfd_backup_ledger_mark_verified (db, location, file_name, ok, cfd_vault_now (vault),
                                             &ledger_error)
        || !cfd_vault_audit (vault, "backup.verify", "backup", seq_text,
                             ok ? CFD_AUDIT_SUCCESS : CFD_AUDIT_FAILURE, NULL, &ledger_error)
        || !cfd_db_commit (db, &ledger_error))
      {
        cfd_db_rollback (db);
        if (ok)
          {
            g_propagate_error (error, g_steal_pointer (&ledger_error));
            return FALSE;
          }
      }
  }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}
