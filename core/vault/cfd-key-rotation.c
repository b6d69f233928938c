/* cfd-key-rotation.c: replacing keys after a compromise: the recovery key. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-vault-internal.h"

gboolean
cfd_vault_replace_recovery_key (CfdVault *self, GError **error)
{
  guint8 raw[CFD_RECOVERY_KEY_BYTES];
  g_autoptr (GBytes) old_wrapped = NULL;
  CfdKeyringRecovery *recovery;
  char *formatted;
  int fd;

  if (!cfd_vault_require_role (self, CFD_ROLES_OWNER, "user.recovery-key-replace", error))
    return FALSE;
  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;

  cfd_random_bytes (raw, sizeof raw);
  recovery = cfd_keyring_find_recovery (self->keyring, self->user_id);
  if (recovery == NULL)
    {
      recovery = g_new0 (CfdKeyringRecovery, 1);
      recovery->user_id = g_strdup (self->user_id);
      g_ptr_array_add (self->keyring->recoveries, recovery);
    }
  old_wrapped = g_steal_pointer (&recovery->wrapped);
  recovery->wrapped
      = cfd_keyring_recovery_wrap (self->keyring->vault_id, self->user_id, raw, self->secrets);

  /* Recorded in the transaction that commits only once the keyring holds
   * the new key; if the commit fails, the key stands and says so. */
  if (!cfd_db_begin (self->db, error)
      || !cfd_vault_audit (self, "user.recovery-key-replace", "user", self->user_id,
                           CFD_AUDIT_SUCCESS, NULL, error))
    {
      cfd_db_rollback (self->db);
      goto failed;
    }
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_db_rollback (self->db);
      goto failed;
    }
  cfd_io_unlock (fd);

  formatted = cfd_recovery_key_format (raw);
  sodium_memzero (raw, sizeof raw);
  g_clear_pointer (&self->new_recovery_key, cfd_secret_free);
  self->new_recovery_key = cfd_secret_new_from_string (formatted);
  cfd_wipe_string (formatted);
  if (!cfd_db_commit (self->db, error))
    {
      g_prefix_error (error, _ ("A new recovery key was issued, but recording it in the audit log "
                                "failed: "));
      return FALSE;
    }
  return TRUE;

failed:
  sodium_memzero (raw, sizeof raw);
  g_clear_pointer (&recovery->wrapped, g_bytes_unref);
  if (old_wrapped != NULL)
    recovery->wrapped = g_steal_pointer (&old_wrapped);
  else
    g_ptr_array_remove (self->keyring->recoveries, recovery);
  cfd_io_unlock (fd);
  return FALSE;
}

char *
cfd_vault_take_new_recovery_key (CfdVault *self)
{
  char *key;

  g_return_val_if_fail (CFD_IS_VAULT (self), NULL);
  if (self->new_recovery_key == NULL)
    return NULL;
  key = g_strdup ((const char *)self->new_recovery_key->data);
  g_clear_pointer (&self->new_recovery_key, cfd_secret_free);
  return key;
}

/* The database key was replaced since this user's secrets were wrapped:
 * the new one waits in the keyring, sealed to their X25519 key. It is
 * taken only if it is the one the keyring's key check names (anyone able
 * to plant another already holds the database key it would open).
 * Returns the previous key (for finishing a rotation a power cut
 * interrupted) and puts the new one in secrets. */
CfdSecret *
cfd_vault_take_delivered_db_key (CfdVault *self,
                                 const CfdKeyringUser *user,
                                 CfdSecret *secrets,
                                 GError **error)
{
  const CfdKeyringDbKey *delivery = cfd_keyring_find_db_key (self->keyring, user->id);
  const guint8 *box_sk = secrets->data + CFD_SECRETS_BOX_SK;
  g_autoptr (CfdSecret) new_key = cfd_secret_new (CFD_KEY_BYTES);
  CfdSecret *previous;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 check[CFD_HASH_BYTES];

  crypto_scalarmult_base (box_pk, box_sk);
  if (delivery == NULL
      || crypto_box_seal_open (new_key->data, g_bytes_get_data (delivery->sealed, NULL),
                               CFD_SEALED_KEY_BYTES, box_pk, box_sk)
             != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                   _ ("The keyring does not belong to this vault's database"));
      return NULL;
    }
  cfd_keyring_compute_key_check (check, self->keyring->vault_id, new_key->data);
  if (!cfd_constant_time_equal (check, self->keyring->db_key_check, CFD_HASH_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The database key handed on to this user is not the vault's: the keyring "
                      "file was altered"));
      return NULL;
    }
  previous = cfd_secret_new_from_data (secrets->data + CFD_SECRETS_DB_KEY, CFD_KEY_BYTES);
  memcpy (secrets->data + CFD_SECRETS_DB_KEY, new_key->data, CFD_KEY_BYTES);
  return previous;
}

/* After an unlock that took a handed-on database key: the user's entry is
 * wrapped again with it (under the key their passphrase gave) and the
 * handed-on copy leaves the keyring. If this fails, the next unlock does
 * it again. */
gboolean
cfd_vault_settle_delivered_db_key (CfdVault *self, GError **error)
{
  CfdKeyringUser *user;
  gboolean ok;
  int fd = cfd_vault_reload_keyring_locked (self, error);

  if (fd < 0)
    return FALSE;
  user = cfd_keyring_find_user (self->keyring, self->user_id);
  if (user != NULL && self->kek != NULL && memcmp (user->salt, self->kek_salt, CFD_SALT_BYTES) == 0)
    {
      cfd_keyring_user_rewrap_with_kek (user, self->keyring->vault_id, self->kek, self->secrets);
      cfd_keyring_remove_db_key (self->keyring, self->user_id);
    }
  else if (self->kek == NULL)
    /* A recovery: the owner's entry is wrapped anew under the new
     * passphrase, and the recovery key replaced, with these secrets. */
    cfd_keyring_remove_db_key (self->keyring, self->user_id);
  ok = cfd_keyring_save (self->keyring, self->keyring_path, error);
  cfd_io_unlock (fd);
  return ok;
}

/* Every user is handed the new database key, sealed to the X25519 key the
 * signed roster names for them (the keyring's, in a vault without one). */
static void
hand_on_db_key (CfdVault *self, const guint8 new_key[CFD_KEY_BYTES])
{
  for (guint i = 0; i < self->keyring->users->len; i++)
    {
      const CfdKeyringUser *user = g_ptr_array_index (self->keyring->users, i);
      const CfdRosterEntry *entry
          = self->roster != NULL ? cfd_roster_find (self->roster, user->id) : NULL;
      guint8 sealed[CFD_SEALED_KEY_BYTES];

      if (self->roster != NULL && (entry == NULL || !cfd_roster_entry_is_member (entry)))
        continue;
      crypto_box_seal (sealed, new_key, CFD_KEY_BYTES,
                       entry != NULL ? entry->box_pk : user->box_pk);
      cfd_keyring_put_db_key (self->keyring, user->id, g_bytes_new (sealed, sizeof sealed));
    }
}

#ifdef CFD_TESTING
static gboolean stop_before_rekey;

void
cfd_vault_stop_rotation_before_rekey_for_testing (gboolean stop)
{
  stop_before_rekey = stop;
}
#endif

gboolean
cfd_vault_rotate_keys (CfdVault *self, GError **error)
{
  if (!cfd_vault_require_role (self, CFD_ROLES_OWNER, "vault.rekey", error))
    return FALSE;
  /* What an old keyring copy still opens: the old recovery key and the old
   * backup key. Both are replaced. */
  return cfd_vault_rekey_database (self, error) && cfd_vault_replace_recovery_key (self, error)
         && cfd_vault_issue_backup_keys_full (self, TRUE, error);
}

gboolean
cfd_vault_rekey_database (CfdVault *self, GError **error)
{
  g_autoptr (CfdSecret) old_key = NULL;
  g_autoptr (CfdSecret) new_key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (GError) local_error = NULL;
  guint8 old_check[CFD_HASH_BYTES];
  int fd;

  old_key = cfd_secret_new_from_data (self->secrets->data + CFD_SECRETS_DB_KEY, CFD_KEY_BYTES);
  cfd_random_bytes (new_key->data, CFD_KEY_BYTES);

  /* The keyring first: it names the new key and hands it on, while every
   * wrapped entry still holds the old one. A power cut before the database
   * is re-encrypted leaves the first unlock to finish it (finish_unlock). */
  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  memcpy (old_check, self->keyring->db_key_check, CFD_HASH_BYTES);
  cfd_keyring_compute_key_check (self->keyring->db_key_check, self->keyring->vault_id,
                                 new_key->data);
  hand_on_db_key (self, new_key->data);
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_io_unlock (fd);
      return FALSE;
    }
#ifdef CFD_TESTING
  /* As a power cut here would: the keyring written, the database not. */
  if (stop_before_rekey)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, _ ("Stopped before re-encrypting (testing)"));
      return FALSE;
    }
#endif

  if (!cfd_db_rekey (self->db, self->db_path, old_key->data, new_key->data, error))
    {
      /* Nothing changed in the database: the keyring goes back. */
      memcpy (self->keyring->db_key_check, old_check, CFD_HASH_BYTES);
      g_ptr_array_set_size (self->keyring->db_keys, 0);
      if (!cfd_keyring_save (self->keyring, self->keyring_path, NULL))
        g_debug ("The keyring could not be put back after a failed re-encryption");
      cfd_io_unlock (fd);
      cfd_vault_audit_standalone (self, "vault.rekey", "vault", self->keyring->vault_id,
                                  CFD_AUDIT_FAILURE);
      return FALSE;
    }
  cfd_io_unlock (fd);

  /* The signed-in user's own entry takes the new key now; the others at
   * their next unlock. */
  memcpy (self->secrets->data + CFD_SECRETS_DB_KEY, new_key->data, CFD_KEY_BYTES);
  if (!cfd_vault_settle_delivered_db_key (self, error))
    return FALSE;

  if (!cfd_db_begin (self->db, error)
      || !cfd_vault_audit (self, "vault.rekey", "vault", self->keyring->vault_id, CFD_AUDIT_SUCCESS,
                           NULL, error)
      || !cfd_db_commit (self->db, error))
    {
      cfd_db_rollback (self->db);
      return FALSE;
    }
  return TRUE;
}
