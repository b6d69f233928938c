/* cfd-vault.c: a vault folder: its users, unlocking and locking, and who is signed in. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-vault-checkpoint.h"
#include "cfd-io-private.h"
#include "cfd-vault-internal.h"

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
  g_free (info->fingerprint);
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
  g_mutex_clear (&self->job_mutex);
  g_cond_clear (&self->job_done);
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
  g_mutex_init (&self->job_mutex);
  g_cond_init (&self->job_done);
  self->source = g_strdup ("core");
}

CfdVault *
cfd_vault_new_for_path (const char *path)
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
      g_set_error (error, CFD_ERROR, CFD_ERROR_LOCKED, _ ("The vault is locked"));
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
cfd_vault_get_discarded_broken_write (CfdVault *self)
{
  return self->discarded_broken_write;
}

const char *const *
cfd_vault_get_tamper_warnings (CfdVault *self)
{
  static const char *const none[] = { NULL };

  if (self->tamper_warnings == NULL || self->tamper_warnings->len == 0)
    return none;
  return (const char *const *)self->tamper_warnings->pdata;
}

gboolean
cfd_vault_is_unlocked (CfdVault *self)
{
  return self->db != NULL;
}

gboolean
cfd_vault_require_role (CfdVault *self, CfdRoles allowed_roles, const char *action, GError **error)
{
  gboolean allowed;

  if (cfd_vault_get_db (self, error) == NULL)
    return FALSE;

  allowed = (allowed_roles & (1 << self->role)) != 0;
  if (!allowed)
    {
      cfd_vault_audit_standalone (self, action, "vault", cfd_vault_get_id (self), CFD_AUDIT_DENIED);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Your role (%s) does not permit this"), cfd_role_to_string (self->role));
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

void
cfd_vault_set_unlocked_state (CfdVault *self,
                              CfdDb *db,
                              const CfdKeyringUser *user,
                              CfdSecret *secrets)
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

void
cfd_vault_forget_unlocked_state (CfdVault *self)
{
  self->discarded_broken_write = FALSE;
  g_clear_pointer (&self->db, cfd_db_close);
  g_clear_pointer (&self->secrets, cfd_secret_free);
  g_clear_pointer (&self->roster, cfd_roster_free);
  g_clear_pointer (&self->kek, cfd_secret_free);
  g_clear_pointer (&self->tamper_warnings, g_ptr_array_unref);
  g_clear_pointer (&self->new_recovery_key, cfd_secret_free);
  g_clear_pointer (&self->patient_keys, cfd_key_arena_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->user_name, g_free);
  sodium_memzero (self->box_pk, sizeof self->box_pk);

  g_signal_emit (self, signals[LOCKED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

/* The folder and every file in it are the user's alone (docs/SECURITY.md).
 * The keyring and the lock are checked again on what open(2) returns. */
static gboolean
check_vault_files (CfdVault *self, GError **error)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  if (!cfd_io_check_private_path (self->path, TRUE, TRUE, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->db_path, suffixes[i], NULL);

      if (!cfd_io_check_private_path (file, FALSE, FALSE, error))
        return FALSE;
    }
  return cfd_io_check_private_path (self->lock_path, FALSE, FALSE, error);
}

CfdVault *
cfd_vault_open (const char *path, GError **error)
{
  g_autoptr (CfdVault) self = cfd_vault_new_for_path (path);

  if (!cfd_vault_exists (self->path))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("There is no vault in this folder"));
      return NULL;
    }
  if (!check_vault_files (self, error))
    return NULL;
  self->keyring = cfd_keyring_load (self->keyring_path, error);
  if (self->keyring == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/* Re-reads the keyring under the lock file: another process (the CLI next to
 * the app) may have changed it since. The returned fd releases the lock. */
int
cfd_vault_reload_keyring_locked (CfdVault *self, GError **error)
{
  CfdKeyring *fresh;
  int fd = check_vault_files (self, error) ? cfd_io_lock_exclusive (self->lock_path, error) : -1;

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

void
cfd_vault_task_data_free (gpointer data)
{
  CfdVaultTaskData *td = data;

  g_free (td->user);
  g_free (td->owner_name);
  g_free (td->path);
  cfd_secret_free (td->passphrase);
  cfd_secret_free (td->secondary);
  g_free (td);
}

struct _CfdVaultJob
{
  CfdVault *vault;
};

CfdVaultJob *
cfd_vault_job_begin (CfdVault *self, GError **error)
{
  CfdVaultJob *job = NULL;

  g_mutex_lock (&self->job_mutex);
  if (self->db != NULL && !self->locking)
    {
      self->jobs++;
      job = g_new0 (CfdVaultJob, 1);
      job->vault = g_object_ref (self);
    }
  g_mutex_unlock (&self->job_mutex);
  if (job == NULL)
    g_set_error (error, CFD_ERROR, CFD_ERROR_LOCKED, _ ("The vault is locked"));
  return job;
}

void
cfd_vault_job_end (CfdVaultJob *job)
{
  CfdVault *self;

  if (job == NULL)
    return;
  self = job->vault;
  g_mutex_lock (&self->job_mutex);
  if (--self->jobs == 0)
    g_cond_broadcast (&self->job_done);
  g_mutex_unlock (&self->job_mutex);
  g_object_unref (self);
  g_free (job);
}

/* A lock that comes while a worker uses the database (a backup, say, when
 * the screen saver starts) waits for it rather than close the database
 * under it. */
static void
wait_for_jobs (CfdVault *self)
{
  g_mutex_lock (&self->job_mutex);
  self->locking = TRUE;
  while (self->jobs > 0)
    g_cond_wait (&self->job_done, &self->job_mutex);
  g_mutex_unlock (&self->job_mutex);
}

void
cfd_vault_lock (CfdVault *self)
{
  g_return_if_fail (CFD_IS_VAULT (self));

  if (self->db == NULL)
    return;
  wait_for_jobs (self);

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
    /* The signed head leaves with every lock, while the key is still here;
     * only owners and therapists sign. */
    else if (self->role != CFD_ROLE_SUPERVISOR && !cfd_vault_audit_checkpoint (self, NULL, &error))
      g_warning ("Could not record an audit checkpoint: %s", error->message);
  }
  /* The log's head and the roster as this user leaves them, in their own
   * wrapped secrets: compared at their next unlock. */
  {
    g_autoptr (GError) error = NULL;

    if (!cfd_vault_remember_trust_state (self, TRUE, &error))
      g_warning ("Could not record the audit log's head in the user's keyring entry: %s",
                 error->message);
  }

  cfd_vault_forget_unlocked_state (self);
  g_mutex_lock (&self->job_mutex);
  self->locking = FALSE;
  g_mutex_unlock (&self->job_mutex);
}
