/* cfd-vault-create.c: creating a vault folder: keys, keyring, database, the recovery key. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-keyring-backup-key.h"
#include "cfd-vault-internal.h"

/* Fresh key pairs for a new user, and the shared database key. */
CfdKeyringUser *
cfd_vault_new_keyring_user (const char *name,
                            CfdRole role,
                            const guint8 db_key[CFD_KEY_BYTES],
                            gint64 now,
                            CfdSecret **secrets_out)
{
  CfdKeyringUser *user = g_new0 (CfdKeyringUser, 1);
  CfdSecret *secrets = cfd_secret_new (CFD_SECRETS_BYTES);

  user->id = cfd_new_id ();
  user->name = g_strdup (name);
  user->role = role;
  user->created = now / G_USEC_PER_SEC;
  memcpy (secrets->data + CFD_SECRETS_DB_KEY, db_key, CFD_KEY_BYTES);
  crypto_box_keypair (user->box_pk, secrets->data + CFD_SECRETS_BOX_SK);
  crypto_sign_keypair (user->sign_pk, secrets->data + CFD_SECRETS_SIGN_SK);
  *secrets_out = secrets;
  return user;
}

gboolean
cfd_vault_is_valid_user_name (const char *name)
{
  gboolean blank = TRUE;

  if (name == NULL || strlen (name) > 256 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isspace (*p))
      blank = FALSE;
  return !blank;
}

void
cfd_vault_choose_kdf_params (CfdKdfParams *params)
{
  cfd_kdf_params_moderate (params);
#ifdef CFD_TESTING
  /* Tests that allowed weak parameters create vaults with them, to keep the
   * suite fast; nothing outside the testing build can reach this. */
  if (cfd_kdf_params_acceptable (&(CfdKdfParams){ 1, 8192 }))
    {
      cfd_kdf_params_weak_for_testing (params);
      return;
    }
#endif
  cfd_kdf_calibrate (params);
}

gboolean
cfd_vault_insert_user_row (CfdDb *db, const CfdKeyringUser *user, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "INSERT INTO users (id, name, role, box_pk, sign_pk, created) VALUES (?, ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, cfd_role_to_string (user->role), -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, user->box_pk, CFD_BOX_PK_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 5, user->sign_pk, CFD_SIGN_PK_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, user->created);
  return cfd_db_step_done (db, stmt, error);
}

static gboolean
prepare_folder (const char *path, GError **error)
{
  g_autofree char *db_path = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);

  if (cfd_vault_exists (path))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS, _ ("A vault already exists in this folder"));
      return FALSE;
    }
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS,
                   _ ("This folder holds a vault database without its keyring; choose another "
                      "folder, or restore the keyring from a backup"));
      return FALSE;
    }
  if (g_mkdir_with_parents (path, 0700) != 0 || g_chmod (path, 0700) != 0)
    {
      cfd_io_set_error_from_errno (error, errno, "creating the vault folder");
      return FALSE;
    }
  return TRUE;
}

/* SQLCipher keeps a random salt, in the clear, in the file's first bytes:
 * the keyring records it so that a keyring put beside the wrong database is
 * told apart from a wrong passphrase or a damaged database. */
gboolean
cfd_vault_read_db_salt (const char *db_path, guint8 salt[CFD_DB_SALT_BYTES], GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (db_path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  gsize got = 0;

  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), salt, CFD_DB_SALT_BYTES, &got, NULL,
                                   NULL)
      || got != CFD_DB_SALT_BYTES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   _ ("The vault database file is missing or truncated"));
      return FALSE;
    }
  return TRUE;
}

CfdVault *
cfd_vault_create (const char *path,
                  const char *owner_name,
                  const char *passphrase,
                  char **recovery_key,
                  GError **error)
{
  g_autoptr (CfdVault) self = NULL;
  g_autoptr (CfdSecret) db_key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (CfdDb) db = NULL;
  g_autofree char *vault_id = NULL;
  guint8 recovery_raw[CFD_RECOVERY_KEY_BYTES];
  CfdKeyringUser *owner;
  CfdKeyringRecovery *recovery;
  g_autoptr (CfdSecret) kek = NULL;
  g_autoptr (CfdRoster) first_roster = NULL;
  gint64 now = g_get_real_time ();
  int lock_fd;

  g_return_val_if_fail (recovery_key != NULL, NULL);

  if (!cfd_vault_is_valid_user_name (owner_name))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The owner needs a name of 1 to 256 bytes"));
      return NULL;
    }
  if (!cfd_vault_check_new_passphrase (passphrase, owner_name, error))
    return NULL;
  if (!prepare_folder (path, error))
    return NULL;

  self = cfd_vault_new_for_path (path);
  vault_id = cfd_new_id ();
  self->keyring = cfd_keyring_new (vault_id);
  self->keyring->created = now / G_USEC_PER_SEC;
  cfd_random_bytes (db_key->data, CFD_KEY_BYTES);
  cfd_keyring_compute_key_check (self->keyring->db_key_check, vault_id, db_key->data);

  owner = cfd_vault_new_keyring_user (owner_name, CFD_ROLE_OWNER, db_key->data, now, &secrets);
  /* The owner trusts their own signing key: it is the vault's root of trust. */
  memcpy (secrets->data + CFD_SECRETS_OWNER_SIGN_PK, owner->sign_pk, CFD_SIGN_PK_BYTES);
  g_ptr_array_add (self->keyring->users, owner);
  cfd_vault_choose_kdf_params (&owner->kdf);
  self->keyring->roster = cfd_vault_sign_roster_from_keyring (self->keyring, owner, secrets, now);
  /* The owner's trust state starts at the first roster, so a keyring with
   * the roster emptied is refused from the first unlock on. */
  first_roster = cfd_roster_verify (self->keyring->roster, vault_id, owner->sign_pk, error);
  if (first_roster == NULL)
    return NULL;
  cfd_vault_trust_state_set_roster (secrets, first_roster);
  if (!cfd_keyring_user_wrap_keeping_kek (owner, vault_id, passphrase, secrets, &kek, error))
    return NULL;

  cfd_random_bytes (recovery_raw, sizeof recovery_raw);
  recovery = g_new0 (CfdKeyringRecovery, 1);
  recovery->user_id = g_strdup (owner->id);
  recovery->wrapped = cfd_keyring_recovery_wrap (vault_id, owner->id, recovery_raw, secrets);
  g_ptr_array_add (self->keyring->recoveries, recovery);

  /* The database first: a keyring is what marks a folder as a vault, so a
   * crash before it is written leaves no half-made vault behind. */
  umask (077);
  db = cfd_db_open (self->db_path, db_key->data, TRUE, error);
  if (db == NULL)
    {
      sodium_memzero (recovery_raw, sizeof recovery_raw);
      return NULL;
    }
  g_chmod (self->db_path, 0600);
  if (!cfd_vault_read_db_salt (self->db_path, self->keyring->db_salt, error))
    {
      sodium_memzero (recovery_raw, sizeof recovery_raw);
      goto failed;
    }

  if (!cfd_db_begin (db, error))
    goto failed;
  {
    sqlite3_stmt *stmt
        = cfd_db_prepare (db, "INSERT INTO vault_meta (key, value) VALUES ('vault_id', ?)", error);
    if (stmt == NULL)
      goto failed;
    sqlite3_bind_text (stmt, 1, vault_id, -1, SQLITE_STATIC);
    if (!cfd_db_step_done (db, stmt, error) || !cfd_vault_insert_user_row (db, owner, error))
      goto failed;
  }
  cfd_vault_set_unlocked_state (self, g_steal_pointer (&db), owner, g_steal_pointer (&secrets));
  cfd_vault_keep_kek (self, owner, g_steal_pointer (&kek));
  self->roster = cfd_roster_verify (self->keyring->roster, vault_id,
                                    self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (self->roster == NULL || !cfd_db_load_roster (self->db, self->roster, error))
    goto failed;
  if (!cfd_vault_audit (self, "vault.create", "vault", vault_id, CFD_AUDIT_SUCCESS, NULL, error))
    goto failed;
  /* The practice's backup key, with the owner's copy; therapists get theirs
   * as they are added. */
  {
    g_autoptr (CfdSecret) backup_secret = cfd_secret_new (CFD_BACKUP_SECRET_BYTES);

    cfd_random_bytes (backup_secret->data, backup_secret->len);
    cfd_keyring_put_backup_key (self->keyring, owner->id, owner->box_pk, backup_secret,
                                self->secrets->data + CFD_SECRETS_SIGN_SK);
  }

  lock_fd = cfd_io_lock_exclusive (self->lock_path, error);
  if (lock_fd < 0)
    goto failed;
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_io_unlock (lock_fd);
      goto failed;
    }
  cfd_io_unlock (lock_fd);

  if (!cfd_db_commit (self->db, error))
    {
      g_unlink (self->keyring_path);
      goto failed;
    }

  *recovery_key = cfd_recovery_key_format (recovery_raw);
  sodium_memzero (recovery_raw, sizeof recovery_raw);
  return g_steal_pointer (&self);

failed:
  sodium_memzero (recovery_raw, sizeof recovery_raw);
  if (self->db != NULL)
    {
      cfd_db_rollback (self->db);
      cfd_vault_forget_unlocked_state (self);
    }
  else if (db != NULL)
    cfd_db_rollback (db);
  g_clear_pointer (&db, cfd_db_close);
  {
    g_autofree char *wal = g_strconcat (self->db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (self->db_path, "-shm", NULL);

    /* Nothing of this attempt is worth keeping: there is no keyring for it. */
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (self->db_path);
  }
  return NULL;
}

static void
create_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CfdVaultTaskData *td = data;
  GError *error = NULL;
  char *recovery_key = NULL;
  CfdVault *vault = cfd_vault_create (td->path, td->owner_name, (const char *)td->passphrase->data,
                                      &recovery_key, &error);

  if (vault == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The recovery key rides along as the task data's secondary secret. */
  td->secondary = cfd_secret_new_from_string (recovery_key);
  cfd_wipe_string (recovery_key);
  g_task_return_pointer (task, vault, g_object_unref);
}

void
cfd_vault_create_async (const char *path,
                        const char *owner_name,
                        const char *passphrase,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CfdVaultTaskData *td = g_new0 (CfdVaultTaskData, 1);

  td->path = g_strdup (path);
  td->owner_name = g_strdup (owner_name);
  td->passphrase = cfd_secret_new_from_string (passphrase);
  g_task_set_source_tag (task, cfd_vault_create_async);
  g_task_set_task_data (task, td, cfd_vault_task_data_free);
  g_task_run_in_thread (task, create_thread);
}

CfdVault *
cfd_vault_create_finish (GAsyncResult *result, char **recovery_key, GError **error)
{
  CfdVaultTaskData *td = g_task_get_task_data (G_TASK (result));
  CfdVault *vault = g_task_propagate_pointer (G_TASK (result), error);

  if (vault != NULL)
    *recovery_key = g_strdup ((const char *)td->secondary->data);
  return vault;
}
