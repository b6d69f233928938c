/* cfd-vault-users.c: adding users and changing passphrases. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-passphrase.h"
#include "cfd-vault-internal.h"

gboolean
cfd_vault_rewrap_user (CfdVault *self,
                       const char *user_id,
                       const char *new_passphrase,
                       gboolean *changed,
                       GError **error)
{
  CfdKeyringUser *user;
  g_autoptr (CfdSecret) kek = NULL;
  int fd = cfd_vault_reload_keyring_locked (self, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  user = cfd_keyring_find_user (self->keyring, user_id);
  if (user == NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("The user was removed"));
      return FALSE;
    }
  cfd_vault_choose_kdf_params (&user->kdf);
  if (!cfd_keyring_user_wrap_keeping_kek (user, self->keyring->vault_id, new_passphrase,
                                          self->secrets, &kek, error))
    {
      cfd_io_unlock (fd);
      return FALSE;
    }
  /* The trust state is sealed at lock under the new key from now on. */
  if (strcmp (user_id, self->user_id) == 0)
    cfd_vault_keep_kek (self, user, g_steal_pointer (&kek));
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
          g_prefix_error (error,
                          _ ("The passphrase was changed, but saving it did not complete: "));
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
gboolean
cfd_vault_audit_passphrase_change (CfdVault *self, const char *action, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!cfd_db_begin (self->db, &local_error)
      || !cfd_vault_audit (self, action, "user", self->user_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (self->db, &local_error))
    {
      cfd_db_rollback (self->db);
      g_set_error (error, CFD_ERROR, local_error->code,
                   _ ("The passphrase was changed, but recording it in the audit log failed: %s"),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Every new passphrase, for every role and from every front end, meets the
 * minimum of the scorer behind the create page's meter: each user's entry
 * wraps the database key, so the weakest passphrase protects the vault. */
gboolean
cfd_vault_check_new_passphrase (const char *passphrase, const char *user_name, GError **error)
{
  g_autoptr (CfdPassphraseChecker) checker = NULL;
  g_autofree char *problem = NULL;

  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The new passphrase must not be empty"));
      return FALSE;
    }
  checker = cfd_passphrase_checker_new (NULL);
  if (cfd_passphrase_checker_rate (checker, passphrase, user_name, &problem) < 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WEAK_PASSPHRASE,
                   _ ("This passphrase is too easy to guess (%s); choose a longer one, such as "
                      "four or more unrelated words"),
                   problem != NULL ? problem : "below the minimum");
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

  if (cfd_vault_get_db (self, error) == NULL
      || !cfd_vault_check_new_passphrase (new_passphrase, self->user_name, error))
    return FALSE;

  user = cfd_keyring_find_user (self->keyring, self->user_id);
  check = user != NULL
              ? cfd_keyring_user_unwrap (user, self->keyring->vault_id, old_passphrase, error)
              : NULL;
  if (check == NULL)
    {
      if (user == NULL)
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("The user was removed"));
      cfd_vault_audit_standalone (self, "user.passphrase-change", "user", self->user_id,
                                  CFD_AUDIT_FAILURE);
      return FALSE;
    }

  if (!cfd_vault_rewrap_user (self, self->user_id, new_passphrase, &changed, error))
    {
      /* The change stands, so the log records it even though the error is
       * reported. */
      if (changed && !cfd_vault_audit_passphrase_change (self, "user.passphrase-change", NULL))
        g_debug ("The passphrase change could not be recorded either");
      return FALSE;
    }
  return cfd_vault_audit_passphrase_change (self, "user.passphrase-change", error);
}

/* The session's roster follows the one just signed. */
static void
refresh_roster (CfdVault *self)
{
  CfdRoster *roster = cfd_roster_verify (self->keyring->roster, self->keyring->vault_id,
                                         self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, NULL);

  if (roster == NULL || !cfd_db_load_roster (self->db, roster, NULL))
    {
      g_debug ("The roster just signed could not be loaded");
      g_clear_pointer (&roster, cfd_roster_free);
      return;
    }
  g_clear_pointer (&self->roster, cfd_roster_free);
  self->roster = roster;
  if (!cfd_vault_load_card_supervisors (self, FALSE, NULL))
    g_debug ("The card supervisors could not be loaded again");
}

/* The roster with the new user signed in, from the roster verified against
 * the owner's own pin (not the one just read from the file), or, in a vault
 * without one yet, from the keyring's users. */
static GBytes *
roster_with_user (CfdVault *self, const CfdKeyringUser *user, GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  gint64 now = cfd_vault_now (self);

  if (self->keyring->roster == NULL)
    return cfd_vault_sign_roster_from_keyring (
        self->keyring, cfd_keyring_find_owner (self->keyring), self->secrets, now);
  roster = cfd_roster_verify (self->keyring->roster, self->keyring->vault_id,
                              self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL)
    return NULL;
  cfd_roster_add (roster, user->id, user->name, user->role, user->box_pk, user->sign_pk,
                  user->created, self->user_id);
  return cfd_roster_sign (roster, now / G_USEC_PER_SEC, self->secrets->data + CFD_SECRETS_SIGN_SK);
}

char *
cfd_vault_add_user (
    CfdVault *self, const char *name, CfdRole role, const char *passphrase, GError **error)
{
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (GBytes) old_roster = NULL;
  g_autoptr (GBytes) signed_roster = NULL;
  g_autoptr (CfdRoster) seen_roster = NULL;
  GBytes *new_roster = NULL;
  CfdKeyringUser *user;
  g_autofree char *id = NULL;
  gboolean keyring_touched = FALSE;
  int fd;

  if (!cfd_vault_require_role (self, CFD_ROLES_OWNER, "user.add", error))
    return NULL;
  if (!cfd_vault_is_valid_user_name (name))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("A user needs a name of 1 to 256 bytes"));
      return NULL;
    }
  if (role == CFD_ROLE_OWNER)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("A vault has exactly one owner"));
      return NULL;
    }
  if (!cfd_vault_check_new_passphrase (passphrase, name, error))
    return NULL;

  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return NULL;
  if (cfd_keyring_find_user (self->keyring, name) != NULL)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS, _ ("A user of that name already exists"));
      return NULL;
    }

  user = cfd_vault_new_keyring_user (name, role, self->secrets->data + CFD_SECRETS_DB_KEY,
                                     cfd_vault_now (self), &secrets);
  /* The new user trusts the owner key the owner's own passphrase vouched
   * for at this unlock, never whatever the keyring file says. */
  memcpy (secrets->data + CFD_SECRETS_OWNER_SIGN_PK,
          self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, CFD_SIGN_PK_BYTES);
  cfd_vault_choose_kdf_params (&user->kdf);
  id = g_strdup (user->id);
  g_ptr_array_add (self->keyring->users, user);

  /* Row and audit record commit only after the keyring holds the user, so a
   * user the database knows can always unlock. */
  signed_roster = roster_with_user (self, user, error);
  if (signed_roster == NULL)
    goto failed;
  /* The new user's trust state starts at the roster that signs them in. */
  seen_roster = cfd_roster_verify (signed_roster, self->keyring->vault_id,
                                   self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (seen_roster == NULL)
    goto failed;
  cfd_vault_trust_state_set_roster (secrets, seen_roster);
  if (!cfd_keyring_user_wrap (user, self->keyring->vault_id, passphrase, secrets, error))
    goto failed;
  new_roster = g_steal_pointer (&signed_roster);
  old_roster = g_steal_pointer (&self->keyring->roster);
  self->keyring->roster = new_roster;
  if (!cfd_db_begin (self->db, error))
    goto failed;
  if (!cfd_vault_insert_user_row (self->db, user, error)
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
  refresh_roster (self);
  {
    g_autoptr (GError) local_error = NULL;

    /* The owner keeps the roster they just signed; if that fails, their
     * next lock or unlock does. */
    if (!cfd_vault_remember_trust_state (self, FALSE, &local_error))
      g_debug ("The owner's trust state could not be kept: %s", local_error->message);
    g_clear_error (&local_error);
    /* A therapist gets the backup key now; if that fails, at the owner's
     * next unlock. */
    if (!cfd_vault_issue_backup_keys (self, &local_error))
      g_debug ("The backup key could not be issued: %s", local_error->message);
  }
  return g_steal_pointer (&id);

failed:
  cfd_keyring_remove_user (self->keyring, user);
  if (new_roster != NULL)
    {
      g_clear_pointer (&self->keyring->roster, g_bytes_unref);
      self->keyring->roster = g_steal_pointer (&old_roster);
    }
  /* The save may have got as far as the rename (or the commit failed after
   * it): write the keyring back without the user, so that no one is listed
   * who cannot unlock. Should that fail too, the next unlock drops the user
   * (drop_users_without_rows). */
  if (keyring_touched && !cfd_keyring_save (self->keyring, self->keyring_path, NULL))
    g_debug ("Could not take a user that was not added back out of the keyring");
  cfd_io_unlock (fd);
  return NULL;
}
