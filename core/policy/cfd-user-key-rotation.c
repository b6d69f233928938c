/* cfd-user-key-rotation.c (policy: it spans the vault and the grants): a user's X25519 key replaced after a
 * compromise. Every grant sealed to the old key is sealed again to the new
 * one and signed by the owner, the owner signs a roster naming the new
 * key, and the database key (and backup key) are replaced after it, so an
 * old keyring copy with the old passphrase opens nothing written later.
 *
 * The order makes a stop at any point finishable by the user alone:
 *   1. one transaction seals the grants again and keeps, in key_rotations,
 *      the new secret key sealed to the old public key and the signed
 *      roster;
 *   2. the keyring takes the new key (the user's entry, wrapped again under
 *      their passphrase's key, and the roster);
 *   3. a second transaction updates the users row, drops the key_rotations
 *      row and records key.rotate;
 *   4. the database is re-encrypted under a new key, handed on sealed to
 *      the roster's keys.
 * A stop after 1 or 2 is finished at the user's next unlock (their old key
 * opens the row; the owner's signature came with it). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-patient-key.h"
#include "cfd-scoped-key.h"
#include "cfd-vault-internal.h"

struct _CfdOwnerApproval
{
  char *owner_id;
  CfdSecret *secrets; /* the owner's unwrapped secrets */
};

void
cfd_owner_approval_free (CfdOwnerApproval *approval)
{
  if (approval == NULL)
    return;
  g_free (approval->owner_id);
  cfd_secret_free (approval->secrets);
  g_free (approval);
}

CfdOwnerApproval *
cfd_vault_approve_as_owner (CfdVault *self, const char *owner_passphrase, GError **error)
{
  g_autoptr (CfdSecret) secrets = NULL;
  CfdKeyringUser *owner;
  CfdOwnerApproval *approval;
  guint8 sign_pk[CFD_SIGN_PK_BYTES];

  g_return_val_if_fail (CFD_IS_VAULT (self), NULL);
  if (cfd_vault_get_db (self, error) == NULL)
    return NULL;
  owner = cfd_keyring_find_owner (self->keyring);
  if (owner == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING, _ ("The keyring names no owner"));
      return NULL;
    }
  secrets = cfd_keyring_user_unwrap (owner, self->keyring->vault_id, owner_passphrase, error);
  if (secrets == NULL)
    {
      g_prefix_error (error, _ ("The owner's approval: "));
      return NULL;
    }
  /* The owner this user trusts, not whoever the keyring calls owner. */
  crypto_sign_ed25519_sk_to_pk (sign_pk, secrets->data + CFD_SECRETS_SIGN_SK);
  if (!cfd_constant_time_equal (sign_pk, self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK,
                                CFD_SIGN_PK_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The keyring's owner entry does not hold the owner key you trust: the "
                      "keyring file was altered"));
      return NULL;
    }
  approval = g_new0 (CfdOwnerApproval, 1);
  approval->owner_id = g_strdup (owner->id);
  approval->secrets = g_steal_pointer (&secrets);
  return approval;
}

#ifdef CFD_TESTING
static gboolean stop_after_grants;

void
cfd_vault_stop_user_rotation_for_testing (gboolean stop)
{
  stop_after_grants = stop;
}
#endif

/* The roster this session verified, with user_id's current key pair
 * retired (so that what they signed stays verifiable) and the new X25519
 * key in its place, signed one number higher. NULL if the keyring's roster
 * moved on since the unlock. */
static GBytes *
sign_roster_with_new_box_key (CfdVault *self,
                              const char *user_id,
                              const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                              const guint8 *owner_sign_sk,
                              GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  CfdRosterEntry *entry;
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gint64 now = cfd_vault_now (self) / G_USEC_PER_SEC;

  if (self->keyring->roster != NULL)
    roster = cfd_roster_verify (self->keyring->roster, self->keyring->vault_id,
                                self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, NULL);
  if (roster == NULL || roster->seq != self->roster->seq
      || (entry = cfd_roster_find_mutable (roster, user_id)) == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The vault's roster changed since you unlocked; lock, unlock and try again"));
      return NULL;
    }
  /* The signing key stays: records, grants and consents name it in the
   * rows that verify against the roster (docs/SECURITY.md). */
  memcpy (sign_pk, entry->sign_pk, CFD_SIGN_PK_BYTES);
  cfd_roster_entry_retire_keys (entry, new_box_pk, sign_pk, now);
  return cfd_roster_sign (roster, now, owner_sign_sk);
}

typedef struct
{
  char *patient_id;
  char *record_id; /* "" for patient keys and details keys */
  gint64 key_version;
  char *consent_id; /* NULL for patient keys */
} GrantRef;

static void
grant_ref_free (gpointer data)
{
  GrantRef *ref = data;

  g_free (ref->patient_id);
  g_free (ref->record_id);
  g_free (ref->consent_id);
  g_free (ref);
}

static gboolean
collect_grants (CfdVault *self, GPtrArray *refs, GError **error)
{
  static const char *const queries[] = {
    "SELECT patient_id, '', key_version, NULL FROM patient_keys WHERE user_id = ?",
    "SELECT patient_id, '', key_version, consent_id FROM details_grants WHERE user_id = ?",
    "SELECT patient_id, record_id, 0, consent_id FROM record_grants WHERE user_id = ?",
  };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = cfd_db_prepare (self->db, queries[q], error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, self->user_id, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          GrantRef *ref = g_new0 (GrantRef, 1);

          ref->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
          ref->record_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
          ref->key_version = sqlite3_column_int64 (stmt, 2);
          ref->consent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
          g_ptr_array_add (refs, ref);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          cfd_db_set_error (self->db, rc, "reading the grants to rotate", error);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
run_for_user (CfdVault *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->user_id, -1, SQLITE_STATIC);
  return cfd_db_step_done (self->db, stmt, error);
}

/* Step 1, in the caller's transaction. A grant that fails verification is
 * not carried over under the owner's signature: the rotation stops. */
static gboolean
reseal_grants (CfdVault *self,
               const guint8 new_box_pk[CFD_BOX_PK_BYTES],
               const char *owner_id,
               const guint8 *owner_sign_sk,
               guint *count,
               GError **error)
{
  g_autoptr (GPtrArray) refs = g_ptr_array_new_with_free_func (grant_ref_free);

  if (!collect_grants (self, refs, error))
    return FALSE;
  for (guint i = 0; i < refs->len; i++)
    {
      const GrantRef *ref = g_ptr_array_index (refs, i);
      gboolean ok = ref->consent_id == NULL
                        ? cfd_patient_key_regrant_to_new_box_key (
                            self, ref->patient_id, (guint)ref->key_version, new_box_pk, owner_id,
                            owner_sign_sk, error)
                        : cfd_scoped_key_regrant_to_new_box_key (
                            self, ref->patient_id, ref->record_id, (guint)ref->key_version,
                            ref->consent_id, new_box_pk, owner_id, owner_sign_sk, error);

      if (!ok)
        {
          g_prefix_error (error, "Patient %s: ", ref->patient_id);
          return FALSE;
        }
    }
  *count = refs->len;
  /* Cached keys are bound to the old secret key: they go with it. */
  return run_for_user (self, "DELETE FROM patient_key_cache WHERE user_id = ?", error)
         && run_for_user (self, "DELETE FROM verified_signatures WHERE user_id = ?", error);
}

static gboolean
keep_rotation_row (CfdVault *self,
                   const guint8 new_box_sk[CFD_BOX_SK_BYTES],
                   GBytes *roster,
                   GError **error)
{
  guint8 sealed[CFD_SEALED_KEY_BYTES];
  sqlite3_stmt *stmt;

  crypto_box_seal (sealed, new_box_sk, CFD_BOX_SK_BYTES, self->box_pk);
  stmt = cfd_db_prepare (self->db,
                         "INSERT OR REPLACE INTO key_rotations (user_id, old_box_pk, "
                         "sealed_box_sk, roster, started_at) VALUES (?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->user_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, self->box_pk, CFD_BOX_PK_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, sealed, sizeof sealed, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, g_bytes_get_data (roster, NULL), g_bytes_get_size (roster),
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, cfd_vault_now (self) / G_USEC_PER_SEC);
  return cfd_db_step_done (self->db, stmt, error);
}

/* Steps 2 and 3: the keyring and this session take the new key. */
static gboolean
complete_rotation (CfdVault *self,
                   const guint8 new_box_sk[CFD_BOX_SK_BYTES],
                   GBytes *document,
                   const char *authorization,
                   GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  guint8 new_box_pk[CFD_BOX_PK_BYTES];
  const CfdRosterEntry *entry;
  CfdKeyringUser *user;
  sqlite3_stmt *stmt;
  int fd;

  crypto_scalarmult_base (new_box_pk, new_box_sk);
  roster = cfd_roster_verify (document, self->keyring->vault_id,
                              self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL)
    return FALSE;
  entry = cfd_roster_find (roster, self->user_id);
  if (entry == NULL || !cfd_constant_time_equal (entry->box_pk, new_box_pk, CFD_BOX_PK_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The roster kept for this key rotation does not name the new key"));
      return FALSE;
    }
  if (self->kek == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Unlock with your passphrase (not the recovery key) to replace your keys"));
      return FALSE;
    }

  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  user = cfd_keyring_find_user (self->keyring, self->user_id);
  if (user == NULL || memcmp (user->salt, self->kek_salt, CFD_SALT_BYTES) != 0)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Your passphrase was changed in another window; unlock again and retry"));
      return FALSE;
    }
  if (self->roster != NULL && roster->seq <= self->roster->seq)
    {
      cfd_io_unlock (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The roster changed since this key rotation began; the owner must approve "
                      "it again"));
      return FALSE;
    }
  memcpy (self->secrets->data + CFD_SECRETS_BOX_SK, new_box_sk, CFD_BOX_SK_BYTES);
  cfd_vault_trust_state_set_roster (self->secrets, roster);
  memcpy (user->box_pk, new_box_pk, CFD_BOX_PK_BYTES);
  cfd_keyring_user_rewrap_with_kek (user, self->keyring->vault_id, self->kek, self->secrets);
  g_clear_pointer (&self->keyring->roster, g_bytes_unref);
  self->keyring->roster = g_bytes_ref (document);
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      cfd_io_unlock (fd);
      return FALSE;
    }
  cfd_io_unlock (fd);
  memcpy (self->box_pk, new_box_pk, CFD_BOX_PK_BYTES);
  if (!cfd_db_load_roster (self->db, roster, error))
    return FALSE;
  g_clear_pointer (&self->roster, cfd_roster_free);
  self->roster = g_steal_pointer (&roster);

  if (!cfd_db_begin (self->db, error))
    return FALSE;
  stmt = cfd_db_prepare (self->db, "UPDATE users SET box_pk = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_blob (stmt, 1, new_box_pk, CFD_BOX_PK_BYTES, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, self->user_id, -1, SQLITE_STATIC);
  if (!cfd_db_step_done (self->db, stmt, error)
      || !run_for_user (self, "DELETE FROM key_rotations WHERE user_id = ?", error)
      || !cfd_vault_audit (self, "key.rotate", "user", self->user_id, CFD_AUDIT_SUCCESS,
                           authorization, error)
      || !cfd_db_commit (self->db, error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (self->db);
  return FALSE;
}

/* Step 4, and what an old keyring copy still opens besides: the backup key
 * (sealed to the old key there) and, for the owner, the recovery key. */
static gboolean
replace_shared_keys (CfdVault *self, const guint8 *owner_sign_sk, GError **error)
{
  if (!cfd_vault_rekey_database (self, error))
    return FALSE;
  if (owner_sign_sk != NULL
      && !cfd_vault_issue_backup_keys_signed_by (self, owner_sign_sk, TRUE, error))
    return FALSE;
  return self->role != CFD_ROLE_OWNER || cfd_vault_replace_recovery_key (self, error);
}

gboolean
cfd_vault_rotate_user_keys (CfdVault *self, CfdOwnerApproval *approval, GError **error)
{
  g_autoptr (CfdSecret) new_box_sk = cfd_secret_new (CFD_BOX_SK_BYTES);
  g_autoptr (GBytes) document = NULL;
  g_autofree char *authorization = NULL;
  guint8 new_box_pk[CFD_BOX_PK_BYTES];
  const guint8 *owner_sign_sk;
  const char *owner_id;
  guint count = 0;

  g_return_val_if_fail (CFD_IS_VAULT (self), FALSE);
  if (cfd_vault_get_db (self, error) == NULL)
    return FALSE;
  if (self->role == CFD_ROLE_OWNER)
    {
      owner_id = self->user_id;
      owner_sign_sk = self->secrets->data + CFD_SECRETS_SIGN_SK;
    }
  else if (approval != NULL)
    {
      owner_id = approval->owner_id;
      owner_sign_sk = approval->secrets->data + CFD_SECRETS_SIGN_SK;
      authorization = g_strdup_printf ("approved by %s", owner_id);
    }
  else
    {
      cfd_vault_audit_standalone (self, "key.rotate", "user", self->user_id, CFD_AUDIT_DENIED);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Replacing your keys needs the owner's approval: the owner signs the roster "
                      "that names your new key"));
      return FALSE;
    }
  if (self->roster == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The vault has no signed roster yet: the owner must unlock it once first"));
      return FALSE;
    }
  if (self->kek == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Unlock with your passphrase (not the recovery key) to replace your keys"));
      return FALSE;
    }

  crypto_box_keypair (new_box_pk, new_box_sk->data);
  document = sign_roster_with_new_box_key (self, self->user_id, new_box_pk, owner_sign_sk, error);
  if (document == NULL)
    return FALSE;

  if (!cfd_db_begin (self->db, error)
      || !reseal_grants (self, new_box_pk, owner_id, owner_sign_sk, &count, error)
      || !keep_rotation_row (self, new_box_sk->data, document, error)
      || !cfd_db_commit (self->db, error))
    {
      cfd_db_rollback (self->db);
      cfd_vault_audit_standalone (self, "key.rotate", "user", self->user_id, CFD_AUDIT_FAILURE);
      return FALSE;
    }
  g_debug ("%u grants sealed again to the new key", count);
#ifdef CFD_TESTING
  /* As a power cut here would: the grants sealed to the new key, the
   * keyring still naming the old one. */
  if (stop_after_grants)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, "Stopped before writing the keyring (testing)");
      return FALSE;
    }
#endif
  if (!complete_rotation (self, new_box_sk->data, document, authorization, error))
    return FALSE;
  return replace_shared_keys (self, owner_sign_sk, error);
}

gboolean
cfd_vault_finish_key_rotation (CfdVault *self, GError **error)
{
  g_autoptr (CfdSecret) new_box_sk = NULL;
  g_autoptr (GBytes) document = NULL;
  guint8 old_box_pk[CFD_BOX_PK_BYTES];
  guint8 sealed[CFD_SEALED_KEY_BYTES];
  sqlite3_stmt *stmt;
  gboolean found;
  int rc;

  /* A vault of a schema before rotations (opened by a user who does not
   * migrate it) has none under way. */
  if (self->db == NULL || self->kek == NULL || !cfd_db_has_table (self->db, "key_rotations"))
    return TRUE;
  stmt = cfd_db_prepare (self->db,
                         "SELECT old_box_pk, sealed_box_sk, roster FROM key_rotations "
                         "WHERE user_id = ?",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->user_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  found = rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_BOX_PK_BYTES
          && sqlite3_column_bytes (stmt, 1) == CFD_SEALED_KEY_BYTES;
  if (found)
    {
      memcpy (old_box_pk, sqlite3_column_blob (stmt, 0), CFD_BOX_PK_BYTES);
      memcpy (sealed, sqlite3_column_blob (stmt, 1), CFD_SEALED_KEY_BYTES);
      document = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (self->db, rc, "reading a key rotation under way", error);
      return FALSE;
    }
  if (!found)
    return TRUE;

  /* Stopped before the keyring took the new key: the old key opens it. */
  if (cfd_constant_time_equal (old_box_pk, self->box_pk, CFD_BOX_PK_BYTES))
    {
      new_box_sk = cfd_secret_new (CFD_BOX_SK_BYTES);
      if (crypto_box_seal_open (new_box_sk->data, sealed, sizeof sealed, self->box_pk,
                                self->secrets->data + CFD_SECRETS_BOX_SK)
          != 0)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("The key rotation under way cannot be opened with your key"));
          return FALSE;
        }
      if (!complete_rotation (self, new_box_sk->data, document, "finished at unlock", error))
        return FALSE;
    }
  else
    {
      /* Stopped after the keyring: only the record and the row are left. */
      if (!cfd_db_begin (self->db, error)
          || !run_for_user (self,
                            "UPDATE users SET box_pk = (SELECT box_pk FROM temp.roster "
                            "WHERE id = ?1) WHERE id = ?1",
                            error)
          || !run_for_user (self, "DELETE FROM key_rotations WHERE user_id = ?", error)
          || !cfd_vault_audit (self, "key.rotate", "user", self->user_id, CFD_AUDIT_SUCCESS,
                               "finished at unlock", error)
          || !cfd_db_commit (self->db, error))
        {
          cfd_db_rollback (self->db);
          return FALSE;
        }
    }
  /* The database key an old keyring copy holds is replaced too; the backup
   * key waits for the owner (docs/SECURITY.md). */
  return replace_shared_keys (self, NULL, error);
}
