/* cfd-vault-unlock.c: the mechanism of unlocking with a passphrase or the recovery key, and failed attempts. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <sodium.h>

#include "cfd-vault-internal.h"
#include "cfd-wal.h"

static void
remember_failed_unlock (CfdVault *self, const char *user_id_in)
{
  /* The id may point into the keyring that the reload replaces. */
  g_autofree char *user_id = g_strdup (user_id_in);
  g_autoptr (GError) error = NULL;
  int fd = cfd_vault_reload_keyring_locked (self, &error);

  if (fd < 0
      || (cfd_keyring_add_failed_unlock (self->keyring, user_id, g_get_real_time ()),
          !cfd_keyring_save (self->keyring, self->keyring_path, &error)))
    g_warning ("Could not record a failed unlock: %s", error->message);
  cfd_io_unlock (fd);
}

/* Failed unlocks were kept in the keyring while the database was closed;
 * now they move into the audit log. A crash between the commit and the
 * keyring update would replay them, so ones already logged are skipped. */
/* The keyring is not signed: an account that can write it can add entries.
 * Only ids of users the roster vouches for (or, before the roster, the
 * keyring's own users) and "unknown" are believed, at times not in the
 * future; the rest are dropped and reported as one vault.tamper. */
static gboolean
is_believable_failure (CfdVault *self, const CfdFailedUnlock *failure, gint64 now)
{
  if (failure->user_id == NULL || failure->time > now + 10 * 60 * G_USEC_PER_SEC)
    return FALSE;
  if (strcmp (failure->user_id, "unknown") == 0)
    return TRUE;
  if (self->roster != NULL)
    return cfd_roster_find (self->roster, failure->user_id) != NULL;
  for (guint i = 0; i < self->keyring->users->len; i++)
    {
      const CfdKeyringUser *user = g_ptr_array_index (self->keyring->users, i);

      if (strcmp (user->id, failure->user_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
move_failed_unlocks_into_log (CfdVault *self, GError **error)
{
  g_autofree char *device = cfd_vault_get_device_id (self);
  gint64 now = g_get_real_time ();
  guint moved, ignored = 0;
  int fd;

  if (self->keyring->failed_unlocks->len == 0)
    return TRUE;

  for (guint i = 0; i < self->keyring->failed_unlocks->len; i++)
    {
      const CfdFailedUnlock *failure
          = &g_array_index (self->keyring->failed_unlocks, CfdFailedUnlock, i);
      sqlite3_stmt *stmt;
      gboolean present;

      if (!is_believable_failure (self, failure, now))
        {
          ignored++;
          continue;
        }
      stmt = cfd_db_prepare (
          self->db,
          "SELECT 1 FROM audit_log WHERE time = ? AND actor = ? AND action = 'vault.unlock' "
          "AND outcome = 'failure'",
          error);
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
  if (ignored > 0
      && !cfd_vault_audit (self, "vault.tamper", "failed-unlocks", cfd_vault_get_id (self),
                           CFD_AUDIT_FAILURE, NULL, error))
    return FALSE;
  moved = self->keyring->failed_unlocks->len;
  if (!cfd_db_commit (self->db, error))
    return FALSE;

  fd = cfd_vault_reload_keyring_locked (self, error);
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
    g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                 _ ("The keyring and the database disagree about this user"));
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

  fd = cfd_vault_reload_keyring_locked (self, &error);
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
          cfd_keyring_remove_user (self->keyring, user);
          dropped = TRUE;
        }
    }
  if (dropped && !cfd_keyring_save (self->keyring, self->keyring_path, &error))
    g_debug ("Could not drop a user that was never added: %s", error->message);
  cfd_io_unlock (fd);
}

/* SQLite would open a log with a broken frame at the last good commit
 * before it, without a word. Damage before a durable commit is refused;
 * a broken last transaction (a power cut, or damage to it) is let go as
 * SQLite does, but said aloud: in the log, and to whoever unlocked. */
static gboolean
check_write_ahead_log (CfdVault *self, CfdWalState *state, GError **error)
{
  guint frame = 0;

  if (!cfd_wal_inspect (self->db_path, state, &frame, error))
    return FALSE;
  if (*state == CFD_WAL_DAMAGED)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   _ ("The vault database is damaged: its write-ahead log is broken at frame %u, "
                      "before changes that were saved after it. Opening it would lose those "
                      "changes without a trace, so nothing was opened or changed. Restore from a "
                      "backup, and keep this vault folder as it is"),
                   frame);
      return FALSE;
    }
  return TRUE;
}

/* The owner key the user's own passphrase vouches for must be the keyring's
 * owner key: anyone who can write the folder can rewrite the keyring's
 * clear-text entries, but not the pin inside another user's wrapped secrets.
 * An entry from keyring format version 1 has no pin yet: it trusts the
 * keyring's owner key on this first use and sets *pinned_now, so that the
 * caller wraps the entry again with the pin. */
static gboolean
check_owner_pin (CfdVault *self, CfdSecret *secrets, gboolean *pinned_now, GError **error)
{
  const CfdKeyringUser *owner = cfd_keyring_find_owner (self->keyring);
  guint8 *pin = secrets->data + CFD_SECRETS_OWNER_SIGN_PK;

  *pinned_now = FALSE;
  if (!cfd_secrets_owner_pinned (secrets))
    {
      memcpy (pin, owner->sign_pk, CFD_SIGN_PK_BYTES);
      *pinned_now = TRUE;
      return TRUE;
    }
  if (!cfd_constant_time_equal (pin, owner->sign_pk, CFD_SIGN_PK_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The keyring names an owner signing key this user never trusted: the "
                      "keyring file was altered or replaced"));
      return FALSE;
    }
  return TRUE;
}

/* With the user's secrets in hand: check them against the vault, open the
 * database, record the unlock. Takes ownership of secrets. */
static gboolean
finish_unlock (CfdVault *self,
               const CfdKeyringUser *user,
               CfdSecret *secrets_in,
               CfdSecret *kek_in,
               const char *action,
               gboolean *pinned_now,
               GError **error)
{
  g_autoptr (CfdSecret) secrets = secrets_in;
  g_autoptr (CfdSecret) kek = kek_in;
  g_autoptr (CfdRoster) roster = NULL;
  g_autoptr (CfdSecret) previous_db_key = NULL;
  guint8 check[CFD_HASH_BYTES];
  guint8 salt[CFD_DB_SALT_BYTES];
  CfdWalState wal_state;
  CfdDb *db;

  cfd_keyring_compute_key_check (check, self->keyring->vault_id,
                                 secrets->data + CFD_SECRETS_DB_KEY);
  /* A database key replaced since these secrets were wrapped: the new one
   * was handed on to this user (cfd-key-rotation.c). */
  if (!cfd_constant_time_equal (check, self->keyring->db_key_check, CFD_HASH_BYTES))
    {
      previous_db_key = cfd_vault_take_delivered_db_key (self, user, secrets, error);
      if (previous_db_key == NULL)
        return FALSE;
    }

  if (!check_owner_pin (self, secrets, pinned_now, error)
      || !cfd_vault_check_roster (self->keyring, user, secrets, &roster, error)
      || !cfd_vault_check_roster_seen (secrets, roster, error))
    return FALSE;

  if (!cfd_vault_read_db_salt (self->db_path, salt, error))
    return FALSE;
  if (!cfd_constant_time_equal (salt, self->keyring->db_salt, CFD_DB_SALT_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                   _ ("The keyring does not belong to the database beside it (one of the two "
                      "files was replaced or damaged)"));
      return FALSE;
    }

  if (!check_write_ahead_log (self, &wal_state, error))
    return FALSE;

  /* The key is known to be right, so anything the database says now is
   * damage, not a wrong passphrase. */
  /* A rotation a power cut interrupted between writing the keyring and
   * re-encrypting the database: finished now, by whoever unlocks first. */
  if (previous_db_key != NULL
      && !cfd_db_key_opens (self->db_path, secrets->data + CFD_SECRETS_DB_KEY)
      && cfd_db_key_opens (self->db_path, previous_db_key->data))
    {
      db = cfd_db_open (self->db_path, previous_db_key->data, FALSE, error);
      if (db == NULL)
        return FALSE;
      if (!cfd_db_rekey (db, self->db_path, previous_db_key->data,
                         secrets->data + CFD_SECRETS_DB_KEY, error))
        {
          cfd_db_close (db);
          return FALSE;
        }
    }
  else
    db = cfd_db_open (self->db_path, secrets->data + CFD_SECRETS_DB_KEY, FALSE, error);
  if (db == NULL)
    return FALSE;
  if (!check_user_row (db, user, error)
      || (roster != NULL && !cfd_db_load_roster (db, roster, error)))
    {
      cfd_db_close (db);
      return FALSE;
    }

  cfd_vault_set_unlocked_state (self, db, user, g_steal_pointer (&secrets));
  self->roster = g_steal_pointer (&roster);
  if (kek != NULL)
    cfd_vault_keep_kek (self, user, g_steal_pointer (&kek));
  if (!cfd_db_begin (self->db, error) || !cfd_vault_check_audit_seen (self, error)
      || !move_failed_unlocks_into_log (self, error)
      || !cfd_vault_audit (self, action, "vault", cfd_vault_get_id (self), CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_vault_load_card_supervisors (self, TRUE, error)
      || !cfd_vault_report_unknown_users (self, error)
      || (wal_state == CFD_WAL_BROKEN_TAIL
          && !cfd_vault_audit (self, "vault.discard-broken-write", "vault", cfd_vault_get_id (self),
                               CFD_AUDIT_FAILURE, NULL, error))
      || !cfd_db_commit (self->db, error))
    {
      cfd_db_rollback (self->db);
      cfd_vault_forget_unlocked_state (self);
      return FALSE;
    }
  self->discarded_broken_write = wal_state == CFD_WAL_BROKEN_TAIL;
  drop_users_without_rows (self);
  self->db_key_delivered = previous_db_key != NULL;

  return TRUE;
}

gboolean
cfd_vault_unlock_only (CfdVault *self,
                       const char *user_name,
                       const char *passphrase,
                       GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CfdKeyringUser *user;
  CfdSecret *secrets, *kek = NULL;
  gboolean unnormalised = FALSE, pinned_now = FALSE;
  int fd;

  g_return_val_if_fail (CFD_IS_VAULT (self), FALSE);

  if (self->db != NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("The vault is already unlocked"));
      return FALSE;
    }

  fd = cfd_vault_reload_keyring_locked (self, error);
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
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("There is no user of that name in this vault"));
      return FALSE;
    }

  secrets = cfd_keyring_user_unwrap_keeping_kek (user, self->keyring->vault_id, passphrase,
                                                 &unnormalised, &kek, &local_error);
  if (secrets == NULL)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE))
        remember_failed_unlock (self, user->id);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!finish_unlock (self, user, secrets, kek, "vault.unlock", &pinned_now, error))
    return FALSE;
  /* A vault from before the roster gets one at its owner's unlock; if that
   * fails, the unlock stands and the next one retries. */
  if (self->roster == NULL && self->role == CFD_ROLE_OWNER
      && !cfd_vault_sign_first_roster (self, &local_error))
    {
      g_debug ("The vault's first roster could not be signed: %s", local_error->message);
      g_clear_error (&local_error);
    }
  /* Owners and therapists without a copy of the backup key get one at the
   * owner's unlock; if that fails the unlock stands and the next retries. */
  if (!cfd_vault_issue_backup_keys (self, &local_error))
    {
      g_debug ("The backup key could not be issued: %s", local_error->message);
      g_clear_error (&local_error);
    }

  /* An entry from before passphrases were normalised, or from before the
   * owner key was pinned, is wrapped again now (NFC form, pin inside), while
   * the passphrase is at hand. If that fails the old entry still opens, so
   * the unlock stands and the next one retries (trusting on first use again). */
  if (unnormalised || pinned_now)
    {
      if (cfd_vault_rewrap_user (self, self->user_id, passphrase, NULL, &local_error))
        {
          if (unnormalised
              && !cfd_vault_audit_passphrase_change (self, "user.passphrase-normalise", NULL))
            g_debug ("The passphrase's new wrapping could not be recorded in the audit log");
          if (pinned_now && !cfd_vault_audit_passphrase_change (self, "user.owner-pin", NULL))
            g_debug ("The owner key's pinning could not be recorded in the audit log");
        }
      else
        {
          g_debug ("The user's keyring entry could not be wrapped again: %s", local_error->message);
          g_clear_error (&local_error);
        }
    }
  if (self->db_key_delivered && !cfd_vault_settle_delivered_db_key (self, &local_error))
    {
      g_debug ("The handed-on database key could not be wrapped in: %s", local_error->message);
      g_clear_error (&local_error);
    }
  /* A roster newer than the one this user last saw (or their first): kept
   * in their wrapped secrets now. If that fails the next unlock retries. */
  if (!cfd_vault_remember_trust_state (self, FALSE, &local_error))
    g_debug ("The user's trust state could not be kept: %s", local_error->message);
  return TRUE;
}

gboolean
cfd_vault_recover_only (CfdVault *self,
                        const char *recovery_key,
                        const char *new_passphrase,
                        GError **error)
{
  guint8 raw[CFD_RECOVERY_KEY_BYTES];
  CfdKeyringRecovery *recovery;
  CfdKeyringUser *owner;
  CfdSecret *secrets;
  gboolean pinned_now = FALSE;
  int fd;

  if (self->db != NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("The vault is already unlocked"));
      return FALSE;
    }
  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  cfd_io_unlock (fd);

  owner = cfd_keyring_find_owner (self->keyring);
  if (!cfd_vault_check_new_passphrase (new_passphrase, owner->name, error))
    return FALSE;
  recovery = cfd_keyring_find_recovery (self->keyring, owner->id);
  if (recovery == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("This vault has no recovery key"));
      return FALSE;
    }
  if (!cfd_recovery_key_parse (recovery_key, raw))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY,
                   _ ("That is not a valid recovery key: check each group of four for typing "
                      "mistakes"));
      return FALSE;
    }
  secrets = cfd_keyring_recovery_unwrap (recovery, self->keyring->vault_id, raw);
  sodium_memzero (raw, sizeof raw);
  if (secrets == NULL)
    {
      remember_failed_unlock (self, owner->id);
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY,
                   _ ("The recovery key does not belong to this vault"));
      return FALSE;
    }

  if (!finish_unlock (self, owner, secrets, NULL, "vault.recover", &pinned_now, error))
    return FALSE;
  if (self->roster == NULL && !cfd_vault_sign_first_roster (self, error))
    return FALSE;
  if (!cfd_vault_issue_backup_keys (self, error))
    return FALSE;
  if (!cfd_vault_rewrap_user (self, self->user_id, new_passphrase, NULL, error))
    return FALSE;
  /* A handed-on database key is in the new wrapping; its copy goes. */
  if (self->db_key_delivered && !cfd_vault_settle_delivered_db_key (self, error))
    return FALSE;
  /* The new wrapping carries the owner pin, trusted on first use if the
   * entry came from keyring format version 1. */
  if (pinned_now && !cfd_vault_audit_passphrase_change (self, "user.owner-pin", error))
    return FALSE;
  if (!cfd_vault_audit_passphrase_change (self, "user.passphrase-reset", error))
    return FALSE;
  /* The key just used may be what was compromised: it is replaced at every
   * recovery, and the old one opens nothing written from now on. */
  return cfd_vault_replace_recovery_key (self, error);
}
