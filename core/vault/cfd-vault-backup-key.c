/* cfd-vault-backup-key.c: the owner issues the practice's backup key to the
 * owner and therapists of the signed roster; backups are made and opened
 * with it (cfd-keyring-backup-key.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-keyring-backup-key.h"
#include "cfd-vault-internal.h"

static gboolean
holds_backup_key (CfdRole role)
{
  return role == CFD_ROLE_OWNER || role == CFD_ROLE_THERAPIST;
}

/* Drops copies held by anyone the roster does not list as a member owner or
 * therapist (a user removed or a planted entry); returns whether any went. */
static gboolean
drop_unentitled_copies (CfdKeyring *keyring, const CfdRoster *roster)
{
  gboolean dropped = FALSE;

  for (guint i = keyring->backup_keys->len; i > 0; i--)
    {
      const CfdKeyringBackupKey *key = g_ptr_array_index (keyring->backup_keys, i - 1);
      const CfdRosterEntry *entry = cfd_roster_find (roster, key->user_id);

      if (entry == NULL || !cfd_roster_entry_is_member (entry) || !holds_backup_key (entry->role))
        {
          g_ptr_array_remove_index (keyring->backup_keys, i - 1);
          dropped = TRUE;
        }
    }
  return dropped;
}

gboolean
cfd_vault_issue_backup_keys (CfdVault *self, GError **error)
{
  return cfd_vault_issue_backup_keys_full (self, FALSE, error);
}

gboolean
cfd_vault_issue_backup_keys_full (CfdVault *self, gboolean replace, GError **error)
{
  if (self->role != CFD_ROLE_OWNER)
    return TRUE;
  return cfd_vault_issue_backup_keys_signed_by (self, self->secrets->data + CFD_SECRETS_SIGN_SK,
                                                replace, error);
}

gboolean
cfd_vault_issue_backup_keys_signed_by (CfdVault *self,
                                       const guint8 *owner_sign_sk,
                                       gboolean replace,
                                       GError **error)
{
  g_autoptr (CfdSecret) secret = NULL;
  g_autoptr (GPtrArray) issued = g_ptr_array_new_with_free_func (g_free);
  const guint8 *owner_pk;
  gboolean fresh = FALSE, changed;
  int fd;

  if (self->roster == NULL)
    return TRUE;
  /* Only the owner's own copy tells whether the key stands. */
  if (self->role != CFD_ROLE_OWNER)
    replace = TRUE;
  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;

  /* The owner's own copy, or a new key if it is missing or fails to open
   * (then every copy is issued again, so none holds a key the owner does
   * not). */
  if (!replace)
    secret = cfd_keyring_open_backup_key (self->keyring, self->user_id, self->secrets, NULL);
  if (secret == NULL)
    {
      secret = cfd_secret_new (CFD_BACKUP_SECRET_BYTES);
      cfd_random_bytes (secret->data, secret->len);
      fresh = TRUE;
    }
  owner_pk = self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK;
  changed = drop_unentitled_copies (self->keyring, self->roster);
  for (guint i = 0; i < self->roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (self->roster->entries, i);

      if (!holds_backup_key (entry->role)
          || (!fresh && cfd_keyring_backup_key_is_signed (self->keyring, entry->id, owner_pk)))
        continue;
      /* Sealed to the key the signed roster names, never the keyring's. */
      cfd_keyring_put_backup_key (self->keyring, entry->id, entry->box_pk, secret, owner_sign_sk);
      g_ptr_array_add (issued, g_strdup (entry->id));
    }
  if (issued->len == 0 && !changed)
    {
      cfd_io_unlock (fd);
      return TRUE;
    }

  if (!cfd_db_begin (self->db, error))
    goto failed;
  for (guint i = 0; i < issued->len; i++)
    if (!cfd_vault_audit (self, "backup.key-issue", "user", g_ptr_array_index (issued, i),
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
  return cfd_db_commit (self->db, error);

failed:
  cfd_io_unlock (fd);
  /* The keyring in memory follows the file again at the next reload. */
  return FALSE;
}

CfdSecret *
cfd_vault_get_backup_secret (CfdVault *self, const CfdKeyring *keyring, GError **error)
{
  if (cfd_vault_get_db (self, error) == NULL)
    return NULL;
  if (g_strcmp0 (keyring->vault_id, self->keyring->vault_id) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("That keyring is another vault's"));
      return NULL;
    }
  return cfd_keyring_open_backup_key (keyring, self->user_id, self->secrets, error);
}
