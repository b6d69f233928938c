/* cfd-vault.c: a vault folder: its users, unlocking and locking, and who is signed in. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-consent.h"
#include "cfd-audit-checkpoint.h"
#include "cfd-io.h"
#include "cfd-vault-private.h"

struct _CfdVault
{
  GObject parent_instance;

  char *path;
  char *db_path;
  char *keyring_path;
  char *lock_path;
  char *source;
  char *device; /* device_id(), computed once: every audit record carries it */
  CfdKeyring *keyring;

  /* Set only while unlocked. */
  CfdDb *db;
  char *user_id;
  char *user_name;
  CfdRole role;
  CfdSecret *secrets;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  CfdKeyArena *patient_keys;

#ifdef CFD_TESTING
  CfdClockFunc clock_func;
  gpointer clock_data;
#endif
};

G_DEFINE_FINAL_TYPE (CfdVault, cfd_vault, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_UNLOCKED,
  N_PROPS
};

enum
{
  LOCKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
cfd_user_info_free (CfdUserInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->name);
  g_free (info);
}

static void
cfd_vault_dispose (GObject *object)
{
  CfdVault *self = CFD_VAULT (object);

  if (self->db != NULL)
    cfd_vault_lock (self);
  G_OBJECT_CLASS (cfd_vault_parent_class)->dispose (object);
}

static void
cfd_vault_finalize (GObject *object)
{
  CfdVault *self = CFD_VAULT (object);

  g_free (self->path);
  g_free (self->db_path);
  g_free (self->keyring_path);
  g_free (self->lock_path);
  g_free (self->source);
  g_free (self->device);
  g_clear_pointer (&self->keyring, cfd_keyring_free);
  G_OBJECT_CLASS (cfd_vault_parent_class)->finalize (object);
}

static void
cfd_vault_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CfdVault *self = CFD_VAULT (object);

  switch (prop_id)
    {
      case PROP_UNLOCKED:
        g_value_set_boolean (value, cfd_vault_is_unlocked (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfd_vault_class_init (CfdVaultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfd_vault_dispose;
  object_class->finalize = cfd_vault_finalize;
  object_class->get_property = cfd_vault_get_property;

  properties[PROP_UNLOCKED] = g_param_spec_boolean ("unlocked", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after every key and decrypted buffer of core is wiped; holders
   * of decrypted text (views, models) drop theirs on this signal. */
  signals[LOCKED] = g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
cfd_vault_init (CfdVault *self)
{
  self->source = g_strdup ("core");
}

static CfdVault *
vault_new (const char *path)
{
  CfdVault *self = g_object_new (CFD_TYPE_VAULT, NULL);

  self->path = g_canonicalize_filename (path, NULL);
  self->db_path = g_build_filename (self->path, CFD_VAULT_DATABASE_NAME, NULL);
  self->keyring_path = g_build_filename (self->path, CFD_VAULT_KEYRING_NAME, NULL);
  self->lock_path = g_build_filename (self->path, CFD_VAULT_KEYRING_NAME ".lock", NULL);
  return self;
}

gboolean
cfd_vault_exists (const char *path)
{
  g_autofree char *keyring = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);

  return g_file_test (keyring, G_FILE_TEST_EXISTS);
}

char *
cfd_vault_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "confidant", NULL);
}

gint64
cfd_vault_now (CfdVault *self)
{
#ifdef CFD_TESTING
  if (self->clock_func != NULL)
    return self->clock_func (self->clock_data);
#endif
  return g_get_real_time ();
}

#ifdef CFD_TESTING
void
cfd_vault_set_clock_for_testing (CfdVault *self, CfdClockFunc func, gpointer user_data)
{
  self->clock_func = func;
  self->clock_data = user_data;
}

gsize
cfd_vault_count_live_secrets_for_testing (CfdVault *self)
{
  return (self->secrets != NULL) + (self->db != NULL)
         + (self->patient_keys != NULL ? cfd_key_arena_size (self->patient_keys) : 0);
}
#endif

/* "app@1a2b3c4d": which program and which machine, without naming either. */
static const char *
device_id (CfdVault *self)
{
  g_autofree char *machine = NULL;
  guint8 digest[CFD_HASH_BYTES];
  g_autofree char *hex = NULL;

  if (self->device != NULL)
    return self->device;
  if (!g_file_get_contents ("/etc/machine-id", &machine, NULL, NULL))
    machine = g_strdup (g_get_host_name ());
  cfd_hash (digest, (const guint8 *)machine, strlen (machine));
  hex = cfd_hex_encode (digest, 4);
  self->device = g_strdup_printf ("%s@%s", self->source, hex);
  return self->device;
}

gboolean
cfd_vault_audit (CfdVault *self,
                 const char *action,
                 const char *object_kind,
                 const char *object_id,
                 CfdAuditOutcome outcome,
                 const char *authorization,
                 GError **error)
{
  const char *device = device_id (self);

  g_return_val_if_fail (self->db != NULL, FALSE);
  return cfd_audit_append (self->db, cfd_vault_now (self), self->user_id, action, object_kind,
                           object_id, outcome, authorization, device, error);
}

void
cfd_vault_audit_standalone (CfdVault *self,
                            const char *action,
                            const char *object_kind,
                            const char *object_id,
                            CfdAuditOutcome outcome)
{
  g_autoptr (GError) error = NULL;

  if (self->db == NULL)
    return;
  if (!cfd_db_begin (self->db, &error)
      || !cfd_vault_audit (self, action, object_kind, object_id, outcome, NULL, &error)
      || !cfd_db_commit (self->db, &error))
    {
      cfd_db_rollback (self->db);
      g_warning ("Could not record a %s audit entry: %s", action, error->message);
    }
}

CfdDb *
cfd_vault_get_db (CfdVault *self, GError **error)
{
  if (self->db == NULL)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_LOCKED, "The vault is locked");
      return NULL;
    }
  return self->db;
}

const guint8 *
cfd_vault_get_box_secret_key (CfdVault *self)
{
  g_return_val_if_fail (self->secrets != NULL, NULL);
  return self->secrets->data + CFD_SECRETS_BOX_SK;
}

const guint8 *
cfd_vault_get_box_public_key (CfdVault *self)
{
  return self->box_pk;
}

const guint8 *
cfd_vault_get_sign_secret_key (CfdVault *self)
{
  g_return_val_if_fail (self->secrets != NULL, NULL);
  return self->secrets->data + CFD_SECRETS_SIGN_SK;
}

const guint8 *
cfd_vault_get_db_key (CfdVault *self)
{
  g_return_val_if_fail (self->secrets != NULL, NULL);
  return self->secrets->data + CFD_SECRETS_DB_KEY;
}

char *
cfd_vault_get_device_id (CfdVault *self)
{
  return g_strdup (device_id (self));
}

CfdKeyArena *
cfd_vault_get_key_arena (CfdVault *self)
{
  return self->patient_keys;
}

const char *
cfd_vault_get_owner_id (CfdVault *self)
{
  CfdKeyringUser *owner = cfd_keyring_find_owner (self->keyring);

  return owner != NULL ? owner->id : NULL;
}

const char *
cfd_vault_get_path (CfdVault *self)
{
  return self->path;
}

const char *
cfd_vault_get_id (CfdVault *self)
{
  return self->keyring->vault_id;
}

void
cfd_vault_set_source (CfdVault *self, const char *source)
{
  g_free (self->source);
  self->source = g_strdup (source);
  g_clear_pointer (&self->device, g_free);
}

const char *
cfd_vault_get_user_id (CfdVault *self)
{
  return self->user_id;
}

const char *
cfd_vault_get_user_name (CfdVault *self)
{
  return self->user_name;
}

CfdRole
cfd_vault_get_user_role (CfdVault *self)
{
  return self->role;
}

gboolean
cfd_vault_is_unlocked (CfdVault *self)
{
  return self->db != NULL;
}

gboolean
cfd_vault_require_role (CfdVault *self,
                        gboolean allow_owner,
                        gboolean allow_therapist,
                        gboolean allow_supervisor,
                        const char *action,
                        GError **error)
{
  gboolean allowed;

  if (cfd_vault_get_db (self, error) == NULL)
    return FALSE;

  allowed = (self->role == CFD_ROLE_OWNER && allow_owner)
            || (self->role == CFD_ROLE_THERAPIST && allow_therapist)
            || (self->role == CFD_ROLE_SUPERVISOR && allow_supervisor);
  if (!allowed)
    {
      cfd_vault_audit_standalone (self, action, "vault", cfd_vault_get_id (self), CFD_AUDIT_DENIED);
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_PERMITTED,
                   "Your role (%s) does not permit this", cfd_role_to_string (self->role));
    }
  return allowed;
}

GPtrArray *
cfd_vault_list_users (CfdVault *self)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_user_info_free);

  for (guint i = 0; i < self->keyring->users->len; i++)
    {
      const CfdKeyringUser *user = g_ptr_array_index (self->keyring->users, i);
      CfdUserInfo *info = g_new0 (CfdUserInfo, 1);

      info->id = g_strdup (user->id);
      info->name = g_strdup (user->name);
      info->role = user->role;
      g_ptr_array_add (users, info);
    }
  return users;
}

/* Fresh key pairs for a new user, and the shared database key. */
static CfdKeyringUser *
new_user (const char *name,
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

static gboolean
is_valid_user_name (const char *name)
{
  gboolean blank = TRUE;

  if (name == NULL || strlen (name) > 256 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isspace (*p))
      blank = FALSE;
  return !blank;
}

static void
choose_kdf_params (CfdKdfParams *params)
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

static gboolean
insert_user_row (CfdDb *db, const CfdKeyringUser *user, GError **error)
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
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_EXISTS,
                   "A vault already exists in this folder");
      return FALSE;
    }
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_EXISTS,
                   "This folder holds a vault database without its keyring; choose another "
                   "folder, or restore the keyring from a backup");
      return FALSE;
    }
  if (g_mkdir_with_parents (path, 0700) != 0 || g_chmod (path, 0700) != 0)
    {
      cfd_io_set_error_from_errno (error, errno, "creating the vault folder");
      return FALSE;
    }
  return TRUE;
}

static void
set_unlocked_state (CfdVault *self, CfdDb *db, const CfdKeyringUser *user, CfdSecret *secrets)
{
  self->db = db;
  self->secrets = secrets;
  self->user_id = g_strdup (user->id);
  self->user_name = g_strdup (user->name);
  self->role = user->role;
  memcpy (self->box_pk, user->box_pk, CFD_BOX_PK_BYTES);
  self->patient_keys = cfd_key_arena_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

static void
forget_unlocked_state (CfdVault *self)
{
  g_clear_pointer (&self->db, cfd_db_close);
  g_clear_pointer (&self->secrets, cfd_secret_free);
  g_clear_pointer (&self->patient_keys, cfd_key_arena_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->user_name, g_free);
  sodium_memzero (self->box_pk, sizeof self->box_pk);

  g_signal_emit (self, signals[LOCKED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

/* SQLCipher keeps a random salt, in the clear, in the file's first bytes:
 * the keyring records it so that a keyring put beside the wrong database is
 * told apart from a wrong passphrase or a damaged database. */
static gboolean
read_db_salt (const char *db_path, guint8 salt[CFD_DB_SALT_BYTES], GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (db_path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  gsize got = 0;

  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), salt, CFD_DB_SALT_BYTES, &got, NULL,
                                   NULL)
      || got != CFD_DB_SALT_BYTES)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_DATABASE,
                   "The vault database file is missing or truncated");
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
  gint64 now = g_get_real_time ();
  int lock_fd;

  g_return_val_if_fail (recovery_key != NULL, NULL);

  if (!is_valid_user_name (owner_name))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "The owner needs a name of 1 to 256 bytes");
      return NULL;
    }
  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "The passphrase must not be empty");
      return NULL;
    }
  if (!prepare_folder (path, error))
    return NULL;

  self = vault_new (path);
  vault_id = cfd_new_id ();
  self->keyring = cfd_keyring_new (vault_id);
  self->keyring->created = now / G_USEC_PER_SEC;
  cfd_random_bytes (db_key->data, CFD_KEY_BYTES);
  cfd_keyring_compute_key_check (self->keyring->db_key_check, vault_id, db_key->data);

  owner = new_user (owner_name, CFD_ROLE_OWNER, db_key->data, now, &secrets);
  g_ptr_array_add (self->keyring->users, owner);
  choose_kdf_params (&owner->kdf);
  if (!cfd_keyring_user_wrap (owner, vault_id, passphrase, secrets, error))
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
  if (!read_db_salt (self->db_path, self->keyring->db_salt, error))
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
    if (!cfd_db_step_done (db, stmt, error) || !insert_user_row (db, owner, error))
      goto failed;
  }
  set_unlocked_state (self, g_steal_pointer (&db), owner, g_steal_pointer (&secrets));
  if (!cfd_vault_audit (self, "vault.create", "vault", vault_id, CFD_AUDIT_SUCCESS, NULL, error))
    goto failed;

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
      forget_unlocked_state (self);
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

CfdVault *
cfd_vault_open (const char *path, GError **error)
{
  g_autoptr (CfdVault) self = vault_new (path);

  if (!cfd_vault_exists (self->path))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND,
                   "There is no vault in this folder");
      return NULL;
    }
  self->keyring = cfd_keyring_load (self->keyring_path, error);
  if (self->keyring == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/* Re-reads the keyring under the lock file: another process (the CLI next to
 * the app) may have changed it since. The returned fd releases the lock. */
static int
reload_keyring_locked (CfdVault *self, GError **error)
{
  CfdKeyring *fresh;
  int fd = cfd_io_lock_exclusive (self->lock_path, error);

  if (fd < 0)
    return -1;
  fresh = cfd_keyring_load (self->keyring_path, error);
  if (fresh == NULL)
    {
      cfd_io_unlock (fd);
      return -1;
    }
  g_clear_pointer (&self->keyring, cfd_keyring_free);
  self->keyring = fresh;
  return fd;
}

static void
remember_failed_unlock (CfdVault *self, const char *user_id_in)
{
  /* The id may point into the keyring that the reload replaces. */
  g_autofree char *user_id = g_strdup (user_id_in);
  g_autoptr (GError) error = NULL;
  int fd = reload_keyring_locked (self, &error);

  if (fd < 0
      || (cfd_keyring_add_failed_unlock (self->keyring, user_id, g_get_real_time ()),
          !cfd_keyring_save (self->keyring, self->keyring_path, &error)))
    g_warning ("Could not record a failed unlock: %s", error->message);
  cfd_io_unlock (fd);
}

/* Failed unlocks were kept in the keyring while the database was closed;
 * now they move into the audit log. A crash between the commit and the
 * keyring update would replay them, so ones already logged are skipped. */
static gboolean
move_failed_unlocks_into_log (CfdVault *self, GError **error)
{
  const char *device = device_id (self);
  guint moved;
  int fd;

  if (self->keyring->failed_unlocks->len == 0)
    return TRUE;

  for (guint i = 0; i < self->keyring->failed_unlocks->len; i++)
    {
      const CfdFailedUnlock *failure
          = &g_array_index (self->keyring->failed_unlocks, CfdFailedUnlock, i);
      sqlite3_stmt *stmt = cfd_db_prepare (
          self->db,
          "SELECT 1 FROM audit_log WHERE time = ? AND actor = ? AND action = 'vault.unlock' "
          "AND outcome = 'failure'",
          error);
      gboolean present;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, failure->time);
      sqlite3_bind_text (stmt, 2, failure->user_id, -1, SQLITE_STATIC);
      present = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (!present
          && !cfd_audit_append (self->db, failure->time, failure->user_id, "vault.unlock", "vault",
                                cfd_vault_get_id (self), CFD_AUDIT_FAILURE, NULL, device, error))
        return FALSE;
    }
  moved = self->keyring->failed_unlocks->len;
  if (!cfd_db_commit (self->db, error))
    return FALSE;

  fd = reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  /* Another process may have appended failures meanwhile: drop only ours. */
  g_array_remove_range (self->keyring->failed_unlocks, 0,
                        MIN (moved, self->keyring->failed_unlocks->len));
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_io_unlock (fd);
      return FALSE;
    }
  cfd_io_unlock (fd);
  return cfd_db_begin (self->db, error);
}

static gboolean
check_user_row (CfdDb *db, const CfdKeyringUser *user, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT role, sign_pk FROM users WHERE id = ?", error);
  gboolean ok;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user->id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      /* A page that fails its HMAC is damage to the database, not a
       * disagreement with the keyring. */
      cfd_db_set_error (db, rc, "reading the users", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  ok = rc == SQLITE_ROW
       && g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), cfd_role_to_string (user->role))
              == 0
       && sqlite3_column_bytes (stmt, 1) == CFD_SIGN_PK_BYTES
       && memcmp (sqlite3_column_blob (stmt, 1), user->sign_pk, CFD_SIGN_PK_BYTES) == 0;
  sqlite3_reset (stmt);
  if (!ok)
    g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_KEYRING,
                 "The keyring and the database disagree about this user");
  return ok;
}

static gboolean
has_user_row (CfdDb *db, const char *user_id)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT 1 FROM users WHERE id = ?", NULL);
  gboolean present;

  /* When in doubt, keep the user. */
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  present = sqlite3_step (stmt) != SQLITE_DONE;
  sqlite3_reset (stmt);
  return present;
}

/* cfd_vault_add_user saves the keyring before its database commit, holding
 * the keyring lock throughout. A user the keyring lists but the database
 * does not is therefore one whose addition failed and whose removal from the
 * keyring failed too (a disk that stayed full): under the same lock, such a
 * user is dropped. Best effort; the unlock has already succeeded. */
static void
drop_users_without_rows (CfdVault *self)
{
  g_autoptr (GError) error = NULL;
  gboolean dropped = FALSE;
  gboolean orphans = FALSE;
  int fd;

  for (guint i = 0; i < self->keyring->users->len && !orphans; i++)
    orphans = !has_user_row (self->db,
                             ((CfdKeyringUser *)g_ptr_array_index (self->keyring->users, i))->id);
  if (!orphans)
    return;

  fd = reload_keyring_locked (self, &error);
  if (fd < 0)
    {
      g_debug ("Could not reload the keyring: %s", error->message);
      return;
    }
  for (guint i = self->keyring->users->len; i > 0; i--)
    {
      CfdKeyringUser *user = g_ptr_array_index (self->keyring->users, i - 1);

      if (user->role != CFD_ROLE_OWNER && !has_user_row (self->db, user->id))
        {
          g_ptr_array_remove_index (self->keyring->users, i - 1);
          dropped = TRUE;
        }
    }
  if (dropped && !cfd_keyring_save (self->keyring, self->keyring_path, &error))
    g_debug ("Could not drop a user that was never added: %s", error->message);
  cfd_io_unlock (fd);
}

/* With the user's secrets in hand: check them against the vault, open the
 * database, record the unlock. Takes ownership of secrets. */
static gboolean
finish_unlock (CfdVault *self,
               const CfdKeyringUser *user,
               CfdSecret *secrets_in,
               const char *action,
               GError **error)
{
  g_autoptr (CfdSecret) secrets = secrets_in;
  guint8 check[CFD_HASH_BYTES];
  guint8 salt[CFD_DB_SALT_BYTES];
  CfdDb *db;

  cfd_keyring_compute_key_check (check, self->keyring->vault_id,
                                 secrets->data + CFD_SECRETS_DB_KEY);
  if (!cfd_constant_time_equal (check, self->keyring->db_key_check, CFD_HASH_BYTES))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_KEYRING,
                   "The keyring does not belong to this vault's database");
      return FALSE;
    }

  if (!read_db_salt (self->db_path, salt, error))
    return FALSE;
  if (!cfd_constant_time_equal (salt, self->keyring->db_salt, CFD_DB_SALT_BYTES))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_KEYRING,
                   "The keyring does not belong to the database beside it (one of the two "
                   "files was replaced or damaged)");
      return FALSE;
    }

  /* The key is known to be right, so anything the database says now is
   * damage, not a wrong passphrase. */
  db = cfd_db_open (self->db_path, secrets->data + CFD_SECRETS_DB_KEY, FALSE, error);
  if (db == NULL)
    return FALSE;
  if (!check_user_row (db, user, error))
    {
      cfd_db_close (db);
      return FALSE;
    }

  set_unlocked_state (self, db, user, g_steal_pointer (&secrets));
  if (!cfd_db_begin (self->db, error) || !move_failed_unlocks_into_log (self, error)
      || !cfd_vault_audit (self, action, "vault", cfd_vault_get_id (self), CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_db_commit (self->db, error))
    {
      cfd_db_rollback (self->db);
      forget_unlocked_state (self);
      return FALSE;
    }
  drop_users_without_rows (self);

  /* Revocations interrupted before their key rotation, and consents that
   * expired since, are completed by the first of the practice to unlock. */
  {
    g_autoptr (GError) lapsed_error = NULL;

    cfd_vault_withdraw_lapsed_consents (self, &lapsed_error);
    if (lapsed_error != NULL)
      g_warning ("Could not check for lapsed consents: %s", lapsed_error->message);
  }
  return TRUE;
}

gboolean
cfd_vault_unlock (CfdVault *self, const char *user_name, const char *passphrase, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CfdKeyringUser *user;
  CfdSecret *secrets;
  int fd;

  g_return_val_if_fail (CFD_IS_VAULT (self), FALSE);

  if (self->db != NULL)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "The vault is already unlocked");
      return FALSE;
    }

  fd = reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  cfd_io_unlock (fd);

  user = user_name != NULL ? cfd_keyring_find_user (self->keyring, user_name)
                           : cfd_keyring_find_owner (self->keyring);
  if (user == NULL)
    {
      /* A log-in attempt too; the name typed is not kept (it may be a
       * passphrase typed into the wrong field). */
      remember_failed_unlock (self, "unknown");
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND,
                   "There is no user of that name in this vault");
      return FALSE;
    }

  secrets = cfd_keyring_user_unwrap (user, self->keyring->vault_id, passphrase, &local_error);
  if (secrets == NULL)
    {
      if (g_error_matches (local_error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_WRONG_PASSPHRASE))
        remember_failed_unlock (self, user->id);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return finish_unlock (self, user, secrets, "vault.unlock", error);
}

typedef struct
{
  char *user;
  CfdSecret *passphrase;
  CfdSecret *secondary;
  char *owner_name;
  char *path;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *td = data;

  g_free (td->user);
  g_free (td->owner_name);
  g_free (td->path);
  cfd_secret_free (td->passphrase);
  cfd_secret_free (td->secondary);
  g_free (td);
}

/* Only one thread touches the vault at a time: the caller waits for the
 * task's callback before using the vault again. */
static void
unlock_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TaskData *td = data;
  GError *error = NULL;

  if (cfd_vault_unlock (CFD_VAULT (source), td->user, (const char *)td->passphrase->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_unlock_async (CfdVault *self,
                        const char *user,
                        const char *passphrase,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  TaskData *td = g_new0 (TaskData, 1);

  td->user = g_strdup (user);
  td->passphrase = cfd_secret_new_from_string (passphrase);
  g_task_set_source_tag (task, cfd_vault_unlock_async);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
cfd_vault_unlock_finish (CfdVault *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
rewrap_user (CfdVault *self,
             const char *user_id,
             const char *new_passphrase,
             gboolean *changed,
             GError **error)
{
  CfdKeyringUser *user;
  int fd = reload_keyring_locked (self, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  user = cfd_keyring_find_user (self->keyring, user_id);
  if (user == NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND, "The user was removed");
      return FALSE;
    }
  choose_kdf_params (&user->kdf);
  if (!cfd_keyring_user_wrap (user, self->keyring->vault_id, new_passphrase, self->secrets, error))
    {
      cfd_io_unlock (fd);
      return FALSE;
    }
  ok = cfd_keyring_save (self->keyring, self->keyring_path, error);
  if (!ok)
    {
      /* A failure after the rename (flushing the folder) leaves the new
       * keyring in place. Find out which passphrase now opens the vault, say
       * so, and keep the keyring in memory in step with the one on disk. */
      g_autoptr (CfdKeyring) on_disk = cfd_keyring_load (self->keyring_path, NULL);
      CfdKeyringUser *disk_user = on_disk != NULL ? cfd_keyring_find_user (on_disk, user_id) : NULL;

      if (disk_user != NULL && g_bytes_equal (disk_user->wrapped, user->wrapped))
        {
          g_prefix_error (error, "The passphrase was changed, but saving it did not complete: ");
          if (changed != NULL)
            *changed = TRUE;
        }
      if (on_disk != NULL)
        {
          g_clear_pointer (&self->keyring, cfd_keyring_free);
          self->keyring = g_steal_pointer (&on_disk);
        }
    }
  cfd_io_unlock (fd);
  return ok;
}

/* The new passphrase is in the keyring before the audit record commits; if
 * the commit fails the change still stands, and says so. */
static gboolean
audit_passphrase_change (CfdVault *self, const char *action, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!cfd_db_begin (self->db, &local_error)
      || !cfd_vault_audit (self, action, "user", self->user_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (self->db, &local_error))
    {
      cfd_db_rollback (self->db);
      g_set_error (error, CFD_VAULT_ERROR, local_error->code,
                   "The passphrase was changed, but recording it in the audit log failed: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_new_passphrase (const char *passphrase, GError **error)
{
  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "The new passphrase must not be empty");
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_change_passphrase (CfdVault *self,
                             const char *old_passphrase,
                             const char *new_passphrase,
                             GError **error)
{
  g_autoptr (CfdSecret) check = NULL;
  gboolean changed = FALSE;
  CfdKeyringUser *user;

  if (cfd_vault_get_db (self, error) == NULL || !check_new_passphrase (new_passphrase, error))
    return FALSE;

  user = cfd_keyring_find_user (self->keyring, self->user_id);
  check = user != NULL
              ? cfd_keyring_user_unwrap (user, self->keyring->vault_id, old_passphrase, error)
              : NULL;
  if (check == NULL)
    {
      if (user == NULL)
        g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND, "The user was removed");
      cfd_vault_audit_standalone (self, "user.passphrase-change", "user", self->user_id,
                                  CFD_AUDIT_FAILURE);
      return FALSE;
    }

  if (!rewrap_user (self, self->user_id, new_passphrase, &changed, error))
    {
      /* The change stands, so the log records it even though the error is
       * reported. */
      if (changed && !audit_passphrase_change (self, "user.passphrase-change", NULL))
        g_debug ("The passphrase change could not be recorded either");
      return FALSE;
    }
  return audit_passphrase_change (self, "user.passphrase-change", error);
}

gboolean
cfd_vault_recover (CfdVault *self,
                   const char *recovery_key,
                   const char *new_passphrase,
                   GError **error)
{
  guint8 raw[CFD_RECOVERY_KEY_BYTES];
  CfdKeyringRecovery *recovery;
  CfdKeyringUser *owner;
  CfdSecret *secrets;
  int fd;

  if (self->db != NULL)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "The vault is already unlocked");
      return FALSE;
    }
  if (!check_new_passphrase (new_passphrase, error))
    return FALSE;

  fd = reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  cfd_io_unlock (fd);

  owner = cfd_keyring_find_owner (self->keyring);
  recovery = cfd_keyring_find_recovery (self->keyring, owner->id);
  if (recovery == NULL)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND,
                   "This vault has no recovery key");
      return FALSE;
    }
  if (!cfd_recovery_key_parse (recovery_key, raw))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_WRONG_RECOVERY_KEY,
                   "That is not a valid recovery key: check each group of four for typing "
                   "mistakes");
      return FALSE;
    }
  secrets = cfd_keyring_recovery_unwrap (recovery, self->keyring->vault_id, raw);
  sodium_memzero (raw, sizeof raw);
  if (secrets == NULL)
    {
      remember_failed_unlock (self, owner->id);
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_WRONG_RECOVERY_KEY,
                   "The recovery key does not belong to this vault");
      return FALSE;
    }

  if (!finish_unlock (self, owner, secrets, "vault.recover", error))
    return FALSE;
  if (!rewrap_user (self, self->user_id, new_passphrase, NULL, error))
    return FALSE;
  return audit_passphrase_change (self, "user.passphrase-reset", error);
}

static void
recover_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TaskData *td = data;
  GError *error = NULL;

  if (cfd_vault_recover (CFD_VAULT (source), (const char *)td->secondary->data,
                         (const char *)td->passphrase->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_recover_async (CfdVault *self,
                         const char *recovery_key,
                         const char *new_passphrase,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  TaskData *td = g_new0 (TaskData, 1);

  td->passphrase = cfd_secret_new_from_string (new_passphrase);
  td->secondary = cfd_secret_new_from_string (recovery_key);
  g_task_set_source_tag (task, cfd_vault_recover_async);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, recover_thread);
}

gboolean
cfd_vault_recover_finish (CfdVault *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
create_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TaskData *td = data;
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
  TaskData *td = g_new0 (TaskData, 1);

  td->path = g_strdup (path);
  td->owner_name = g_strdup (owner_name);
  td->passphrase = cfd_secret_new_from_string (passphrase);
  g_task_set_source_tag (task, cfd_vault_create_async);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, create_thread);
}

CfdVault *
cfd_vault_create_finish (GAsyncResult *result, char **recovery_key, GError **error)
{
  TaskData *td = g_task_get_task_data (G_TASK (result));
  CfdVault *vault = g_task_propagate_pointer (G_TASK (result), error);

  if (vault != NULL)
    *recovery_key = g_strdup ((const char *)td->secondary->data);
  return vault;
}

char *
cfd_vault_add_user (
    CfdVault *self, const char *name, CfdRole role, const char *passphrase, GError **error)
{
  g_autoptr (CfdSecret) secrets = NULL;
  CfdKeyringUser *user;
  g_autofree char *id = NULL;
  gboolean keyring_touched = FALSE;
  int fd;

  if (!cfd_vault_require_role (self, TRUE, FALSE, FALSE, "user.add", error))
    return NULL;
  if (!is_valid_user_name (name))
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "A user needs a name of 1 to 256 bytes");
      return NULL;
    }
  if (role == CFD_ROLE_OWNER)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                   "A vault has exactly one owner");
      return NULL;
    }
  if (!check_new_passphrase (passphrase, error))
    return NULL;

  fd = reload_keyring_locked (self, error);
  if (fd < 0)
    return NULL;
  if (cfd_keyring_find_user (self->keyring, name) != NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_EXISTS,
                   "A user of that name already exists");
      return NULL;
    }

  user = new_user (name, role, self->secrets->data + CFD_SECRETS_DB_KEY, cfd_vault_now (self),
                   &secrets);
  choose_kdf_params (&user->kdf);
  id = g_strdup (user->id);
  g_ptr_array_add (self->keyring->users, user);

  /* Row and audit record commit only after the keyring holds the user, so a
   * user the database knows can always unlock. */
  if (!cfd_keyring_user_wrap (user, self->keyring->vault_id, passphrase, secrets, error)
      || !cfd_db_begin (self->db, error))
    goto failed;
  if (!insert_user_row (self->db, user, error)
      || !cfd_vault_audit (self, "user.add", "user", id, CFD_AUDIT_SUCCESS, NULL, error))
    {
      cfd_db_rollback (self->db);
      goto failed;
    }
  keyring_touched = TRUE;
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_db_rollback (self->db);
      goto failed;
    }
  if (!cfd_db_commit (self->db, error))
    goto failed;
  cfd_io_unlock (fd);
  return g_steal_pointer (&id);

failed:
  g_ptr_array_remove (self->keyring->users, user);
  /* The save may have got as far as the rename (or the commit failed after
   * it): write the keyring back without the user, so that no one is listed
   * who cannot unlock. Should that fail too, the next unlock drops the user
   * (drop_users_without_rows). */
  if (keyring_touched && !cfd_keyring_save (self->keyring, self->keyring_path, NULL))
    g_debug ("Could not take a user that was not added back out of the keyring");
  cfd_io_unlock (fd);
  return NULL;
}

void
cfd_vault_lock (CfdVault *self)
{
  g_return_if_fail (CFD_IS_VAULT (self));

  if (self->db == NULL)
    return;

  {
    g_autoptr (GError) error = NULL;

    if (!cfd_db_begin (self->db, &error)
        || !cfd_vault_audit (self, "vault.lock", "vault", cfd_vault_get_id (self),
                             CFD_AUDIT_SUCCESS, NULL, &error)
        || !cfd_db_commit (self->db, &error))
      {
        cfd_db_rollback (self->db);
        g_warning ("Could not record the lock in the audit log: %s", error->message);
      }
    /* The signed head leaves with every lock, while the key is still here. */
    else if (!cfd_vault_audit_checkpoint (self, NULL, &error))
      g_warning ("Could not record an audit checkpoint: %s", error->message);
  }

  forget_unlocked_state (self);
}
