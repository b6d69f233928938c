/* cfd-vault-trust.c: the trust state each user keeps in their wrapped
 * secrets (the roster and the audit log head they last saw), checked at
 * unlock and written again at lock, so that a keyring or log put back to an
 * older copy, or rewritten, is told apart without anyone writing it down. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-vault-internal.h"

static guint64
read_be64 (const guint8 *data)
{
  guint64 value = 0;

  for (int i = 0; i < 8; i++)
    value = (value << 8) | data[i];
  return value;
}

static void
write_be64 (guint8 *data, guint64 value)
{
  for (int i = 7; i >= 0; i--)
    {
      data[i] = value & 0xff;
      value >>= 8;
    }
}

void
cfd_vault_add_tamper_warning (CfdVault *self, const char *warning)
{
  /* Kept NULL-terminated, for callers that walk it as a strv. */
  if (self->tamper_warnings == NULL)
    self->tamper_warnings = g_ptr_array_new_with_free_func (g_free);
  else
    g_ptr_array_set_size (self->tamper_warnings, self->tamper_warnings->len - 1);
  g_ptr_array_add (self->tamper_warnings, g_strdup (warning));
  g_ptr_array_add (self->tamper_warnings, NULL);
}

/* A roster can only move forward: emptied, older, or another document
 * under the number this user saw means the keyring file was altered or put
 * back. Refused before the database opens, since the checks that read the
 * roster would otherwise fall back to the users table. */
gboolean
cfd_vault_check_roster_seen (const CfdSecret *secrets, const CfdRoster *roster, GError **error)
{
  guint64 seen = read_be64 (secrets->data + CFD_SECRETS_ROSTER_SEQ);

  if (seen == 0)
    return TRUE;
  if (roster == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The vault's signed roster is missing, but this user last saw roster number "
                      "%" PRIu64 ": the keyring file was altered or replaced with an "
                      "older copy. Nothing was opened"),
                   seen);
      return FALSE;
    }
  if (roster->seq < seen)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The vault's signed roster is number %" PRIu64 ", older than number %" PRIu64
                      " this user last saw: the keyring file was replaced with an older copy. "
                      "Nothing was opened"),
                   roster->seq, seen);
      return FALSE;
    }
  if (roster->seq == seen
      && !cfd_constant_time_equal (roster->document_hash, secrets->data + CFD_SECRETS_ROSTER_HASH,
                                   CFD_HASH_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The vault's signed roster number %" PRIu64
                      " is not the one this user saw under that number. Nothing was opened"),
                   seen);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_audit_row (CfdDb *db, gint64 seq, guint8 hash[CFD_HASH_BYTES], gboolean *found, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT hash FROM audit_log WHERE seq = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_HASH_BYTES;
  if (*found)
    memcpy (hash, sqlite3_column_blob (stmt, 0), CFD_HASH_BYTES);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_audit_head (CfdDb *db, gint64 *seq, guint8 hash[CFD_HASH_BYTES], GError **error)
{
  sqlite3_stmt *stmt
      = cfd_db_prepare (db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *seq = 0;
  memset (hash, 0, CFD_HASH_BYTES);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 1) == CFD_HASH_BYTES)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      memcpy (hash, sqlite3_column_blob (stmt, 1), CFD_HASH_BYTES);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      return FALSE;
    }
  return TRUE;
}

/* The log's record at the seq this user saw at their last lock must still
 * carry the chain hash they saw: the hash covers every record before it, so
 * any rewrite up to there (re-chained and re-signed or not) changes it.
 * What is found is recorded as vault.tamper (object "audit", the seq, and
 * what happened as its authorization) inside the caller's transaction, and
 * kept for a warning; the unlock goes on, so the log can be examined. */
gboolean
cfd_vault_check_audit_seen (CfdVault *self, GError **error)
{
  gint64 seen = (gint64)read_be64 (self->secrets->data + CFD_SECRETS_AUDIT_SEQ);
  guint8 hash[CFD_HASH_BYTES], head_hash[CFD_HASH_BYTES];
  g_autofree char *seq_text = NULL;
  g_autofree char *warning = NULL;
  const char *what;
  gboolean found;
  gint64 head;

  if (seen <= 0)
    return TRUE;
  if (!read_audit_row (self->db, seen, hash, &found, error)
      || !read_audit_head (self->db, &head, head_hash, error))
    return FALSE;
  if (found
      && cfd_constant_time_equal (hash, self->secrets->data + CFD_SECRETS_AUDIT_HEAD,
                                  CFD_HASH_BYTES))
    return TRUE;

  if (found)
    {
      what = "rewritten";
      warning = g_strdup_printf (
          "The audit log was rewritten: its record %" G_GINT64_FORMAT
          " is not the one you saw when you last locked the vault (records up to it were "
          "changed, removed or added, and the log chained again)",
          seen);
    }
  else if (head < seen)
    {
      what = "rolled-back";
      warning = g_strdup_printf (
          "The audit log was rolled back: it ends at record %" G_GINT64_FORMAT
          ", before record %" G_GINT64_FORMAT
          " you saw when you last locked the vault (records were removed, or the "
          "database was replaced with an older copy)",
          head, seen);
    }
  else
    {
      what = "deleted";
      warning = g_strdup_printf ("The audit log was edited: record %" G_GINT64_FORMAT
                                 ", which you saw when you last locked the vault, was deleted",
                                 seen);
    }
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seen);
  if (!cfd_vault_audit (self, "vault.tamper", "audit", seq_text, CFD_AUDIT_FAILURE, what, error))
    return FALSE;
  cfd_vault_add_tamper_warning (self, warning);
  return TRUE;
}

gboolean
cfd_vault_get_seen_audit_head (CfdVault *self, gint64 *seq, guint8 head[CFD_HASH_BYTES])
{
  if (self->secrets == NULL)
    return FALSE;
  *seq = (gint64)read_be64 (self->secrets->data + CFD_SECRETS_AUDIT_SEQ);
  memcpy (head, self->secrets->data + CFD_SECRETS_AUDIT_HEAD, CFD_HASH_BYTES);
  return *seq > 0;
}

void
cfd_vault_trust_state_set_roster (CfdSecret *secrets, const CfdRoster *roster)
{
  write_be64 (secrets->data + CFD_SECRETS_ROSTER_SEQ, roster->seq);
  memcpy (secrets->data + CFD_SECRETS_ROSTER_HASH, roster->document_hash, CFD_HASH_BYTES);
}

void
cfd_vault_keep_kek (CfdVault *self, const CfdKeyringUser *user, CfdSecret *kek)
{
  g_clear_pointer (&self->kek, cfd_secret_free);
  self->kek = kek;
  memcpy (self->kek_salt, user->salt, CFD_SALT_BYTES);
}

/* Writes what this session has seen into the signed-in user's wrapped
 * secrets: the verified roster's number and hash, and, at lock
 * (with_audit_head), the audit log's head as the user leaves it. At
 * unlock the head seen at the last lock stays, so that audit verify in
 * this session still compares the log with it. Cheap (no Argon2id): the key derived at unlock seals it again. The
 * state only moves forward within a session; a second process of the same
 * user that locks later writes what it saw, which is older but still true,
 * so the checks stay sound and only see less far. */
gboolean
cfd_vault_remember_trust_state (CfdVault *self, gboolean with_audit_head, GError **error)
{
  guint8 *state = self->secrets->data + CFD_SECRETS_ROSTER_SEQ;
  guint8 before[CFD_SECRETS_BYTES - CFD_SECRETS_ROSTER_SEQ];
  guint8 head_hash[CFD_HASH_BYTES];
  CfdKeyringUser *user;
  gint64 head;
  gboolean ok;
  int fd;

  if (self->kek == NULL)
    return TRUE;
  memcpy (before, state, sizeof before);
  if (self->roster != NULL
      && self->roster->seq >= read_be64 (self->secrets->data + CFD_SECRETS_ROSTER_SEQ))
    cfd_vault_trust_state_set_roster (self->secrets, self->roster);
  /* The head as it is now, even if behind what was seen before: the
   * difference was reported at this unlock (vault.tamper). */
  if (with_audit_head && !read_audit_head (self->db, &head, head_hash, error))
    return FALSE;
  if (with_audit_head)
    {
      write_be64 (self->secrets->data + CFD_SECRETS_AUDIT_SEQ, (guint64)head);
      memcpy (self->secrets->data + CFD_SECRETS_AUDIT_HEAD, head_hash, CFD_HASH_BYTES);
    }

  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  user = cfd_keyring_find_user (self->keyring, self->user_id);
  /* The passphrase changed in another process since this unlock: that one
   * wrapped its own state, and this key no longer fits. */
  if (user == NULL || memcmp (user->salt, self->kek_salt, CFD_SALT_BYTES) != 0
      || (memcmp (before, state, sizeof before) == 0 && cfd_keyring_user_has_trust_state (user)))
    {
      cfd_io_unlock (fd);
      return TRUE;
    }
  cfd_keyring_user_rewrap_with_kek (user, self->keyring->vault_id, self->kek, self->secrets);
  ok = cfd_keyring_save (self->keyring, self->keyring_path, error);
  cfd_io_unlock (fd);
  return ok;
}
