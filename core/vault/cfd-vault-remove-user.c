/* cfd-vault-remove-user.c: the owner's signature of a user's removal. The
 * user stays in the signed roster, marked removed, so that what they signed
 * as a member still verifies; they leave the keyring. What follows (their
 * grants destroyed, the keys they held replaced) is in
 * core/access/cfd-user-removal.c. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-vault-internal.h"

/* The roster with the user marked removed, signed, in place of the
 * keyring's; their keyring entry, handed-on database key, backup-key copy
 * and recovery entry leave the keyring in the same write. */
static gboolean
sign_removal (CfdVault *self, CfdRoster *roster, const char *user_id, GError **error)
{
  gint64 now = cfd_vault_now (self) / G_USEC_PER_SEC;
  CfdKeyringUser *user;
  GBytes *document;

  cfd_roster_entry_mark_removed (cfd_roster_find_mutable (roster, user_id), self->user_id, now);
  document = cfd_roster_sign (roster, now, self->secrets->data + CFD_SECRETS_SIGN_SK);
  g_clear_pointer (&self->keyring->roster, g_bytes_unref);
  self->keyring->roster = document;
  user = cfd_keyring_find_user (self->keyring, user_id);
  if (user != NULL)
    cfd_keyring_remove_user (self->keyring, user);
  cfd_keyring_remove_db_key (self->keyring, user_id);
  for (guint i = self->keyring->backup_keys->len; i > 0; i--)
    if (strcmp (
            ((CfdKeyringBackupKey *)g_ptr_array_index (self->keyring->backup_keys, i - 1))->user_id,
            user_id)
        == 0)
      g_ptr_array_remove_index (self->keyring->backup_keys, i - 1);
  for (guint i = self->keyring->recoveries->len; i > 0; i--)
    if (strcmp (
            ((CfdKeyringRecovery *)g_ptr_array_index (self->keyring->recoveries, i - 1))->user_id,
            user_id)
        == 0)
      g_ptr_array_remove_index (self->keyring->recoveries, i - 1);
  return cfd_keyring_save (self->keyring, self->keyring_path, error);
}

static const CfdRosterEntry *
find_member_by_name (const CfdRoster *roster, const char *name)
{
  for (guint i = 0; i < roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (roster->entries, i);

      if (cfd_roster_entry_is_member (entry) && strcmp (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

char *
cfd_vault_sign_user_removal (CfdVault *self, const char *name, GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  g_autofree char *user_id = NULL;
  const CfdRosterEntry *entry;
  int fd;

  if (!cfd_vault_require_role (self, CFD_ROLES_OWNER, "user.remove", error))
    return NULL;
  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return NULL;
  if (self->keyring->roster == NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The vault has no signed roster yet: unlock it as the owner once more, then "
                      "remove the user"));
      return NULL;
    }
  /* Against the owner's own pin, not whatever the file says. */
  roster = cfd_roster_verify (self->keyring->roster, self->keyring->vault_id,
                              self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL)
    {
      cfd_io_unlock (fd);
      return NULL;
    }
  entry = find_member_by_name (roster, name);
  if (entry == NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("There is no user of that name in this vault"));
      return NULL;
    }
  if (strcmp (entry->id, self->user_id) == 0)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED, _ ("You cannot remove yourself"));
      return NULL;
    }
  if (entry->role == CFD_ROLE_OWNER)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The vault's owner cannot be removed"));
      return NULL;
    }
  user_id = g_strdup (entry->id);
  if (!sign_removal (self, roster, user_id, error))
    {
      cfd_io_unlock (fd);
      cfd_vault_audit_standalone (self, "user.remove", "user", user_id, CFD_AUDIT_FAILURE);
      /* The keyring in memory is read again from the file before any use. */
      return NULL;
    }
  cfd_io_unlock (fd);

  /* From here every check reads the roster with the user removed. */
  g_clear_pointer (&roster, cfd_roster_free);
  roster = cfd_roster_verify (self->keyring->roster, self->keyring->vault_id,
                              self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL || !cfd_db_load_roster (self->db, roster, error))
    return NULL;
  g_clear_pointer (&self->roster, cfd_roster_free);
  self->roster = g_steal_pointer (&roster);
  {
    g_autoptr (GError) local_error = NULL;

    if (!cfd_vault_remember_trust_state (self, FALSE, &local_error))
      g_debug ("The owner's trust state could not be kept: %s", local_error->message);
  }
  return g_steal_pointer (&user_id);
}

static gboolean
removal_recorded (CfdDb *db, const char *user_id)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT 1 FROM audit_log WHERE action = 'user.remove' "
                                       "AND object_kind = 'user' AND object_id = ? "
                                       "AND outcome = 'success'",
                                       NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

GPtrArray *
cfd_vault_dup_unfinished_removals (CfdVault *self)
{
  g_autoptr (GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);

  if (self->roster == NULL || self->role != CFD_ROLE_OWNER)
    return g_steal_pointer (&pending);
  for (guint i = 0; i < self->roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (self->roster->entries, i);

      if (!cfd_roster_entry_is_member (entry) && !removal_recorded (self->db, entry->id))
        g_ptr_array_add (pending, g_strdup (entry->id));
    }
  return g_steal_pointer (&pending);
}
