/* cfd-scoped-key.c: what a consent opens: the patient's details key and the keys of the signed
 * records it covers, never the patient key itself (docs/SECURITY.md, "Consent scope"). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-consent-private.h"
#include "cfd-patient-key.h"
#include "cfd-scoped-key.h"

static const char *const details_tables[]
    = { "patients", "consents", "reviews", "risk_flag_entries", NULL };

gboolean
cfd_scoped_keys_available (CfdDb *db)
{
  return cfd_db_has_table (db, "record_grants");
}

gboolean
cfd_scoped_key_is_details_table (const char *ad_table)
{
  return g_strv_contains (details_tables, ad_table);
}

char *
cfd_details_key_arena_name (const char *patient_id, guint key_version)
{
  return g_strdup_printf ("%s/%u/details", patient_id, key_version);
}

/* A grant to a supervisor: of the details key (record id "", the key
 * version) or of one record's key (the record id, key version 0). */
static CfdAd *
scoped_grant_message (CfdVault *vault,
                      const char *patient_id,
                      const char *record_id,
                      guint key_version,
                      const char *user_id,
                      const char *consent_id,
                      const guint8 *sealed_key,
                      const char *granted_by,
                      gint64 granted_at)
{
  CfdAd *msg = cfd_ad_new (record_id[0] != '\0' ? "confidant/record-grant/v1"
                                                : "confidant/details-grant/v1");

  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, record_id);
  cfd_ad_add_uint (msg, key_version);
  cfd_ad_add_string (msg, user_id);
  cfd_ad_add_string (msg, consent_id);
  cfd_ad_add_bytes (msg, sealed_key, CFD_SEALED_KEY_BYTES);
  cfd_ad_add_string (msg, granted_by);
  cfd_ad_add_uint (msg, (guint64)granted_at);
  return msg;
}

static gboolean
tampered (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("A key grant failed verification (%s); the vault may have been tampered with"),
               what);
  return FALSE;
}

/* The patient key of the signed-in user, copied (the arena moves as it
 * grows); NULL with NOT_PERMITTED for a user who holds no grant of it. */
static CfdSecret *
patient_key_copy (CfdVault *vault, const char *patient_id, guint key_version, GError **error)
{
  const guint8 *key = cfd_patient_key_get (vault, patient_id, key_version, error);

  return key != NULL ? cfd_secret_new_from_data (key, CFD_KEY_BYTES) : NULL;
}

/* Seals key to box_pk, signs the grant with signer_sk as signer_id and
 * stores it in details_grants or record_grants. */
static gboolean
store_scoped_grant (CfdVault *vault,
                    const char *patient_id,
                    const char *record_id,
                    guint key_version,
                    const char *user_id,
                    const char *consent_id,
                    const guint8 box_pk[CFD_BOX_PK_BYTES],
                    const guint8 key[CFD_KEY_BYTES],
                    const char *signer_id,
                    const guint8 *signer_sk,
                    GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  guint8 sealed[CFD_SEALED_KEY_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *msg_data;
  gsize msg_len;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;

  if (db == NULL)
    return FALSE;
  crypto_box_seal (sealed, key, CFD_KEY_BYTES, box_pk);
  msg = scoped_grant_message (vault, patient_id, record_id, key_version, user_id, consent_id,
                              sealed, signer_id, now);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, signer_sk);

  stmt = cfd_db_prepare (db,
                         record_id[0] != '\0'
                             ? "INSERT OR REPLACE INTO record_grants (record_id, patient_id, "
                               "user_id, consent_id, sealed_key, granted_by, granted_at, "
                               "signature) VALUES (?1, ?2, ?4, ?5, ?6, ?7, ?8, ?9)"
                             : "INSERT OR REPLACE INTO details_grants (patient_id, key_version, "
                               "user_id, consent_id, sealed_key, granted_by, granted_at, "
                               "signature) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         error);
  if (stmt == NULL)
    return FALSE;
  if (record_id[0] != '\0')
    sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_STATIC);
  if (record_id[0] == '\0')
    sqlite3_bind_int64 (stmt, 3, key_version);
  sqlite3_bind_text (stmt, 4, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, consent_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, sealed, sizeof sealed, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, signer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_blob (stmt, 9, signature, sizeof signature, SQLITE_STATIC);
  return cfd_db_step_done (db, stmt, error);
}

/* Seals key to user_id's X25519 key in the roster, signs the grant as the
 * signed-in user and stores it in details_grants or record_grants. */
static gboolean
insert_scoped_grant (CfdVault *vault,
                     const char *patient_id,
                     const char *record_id,
                     guint key_version,
                     const char *user_id,
                     const char *consent_id,
                     const guint8 key[CFD_KEY_BYTES],
                     GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  guint8 box_pk[CFD_BOX_PK_BYTES];
  sqlite3_stmt *stmt;
  gboolean found;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT box_pk FROM temp.roster WHERE id = ? AND removed = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_BOX_PK_BYTES;
  if (found)
    memcpy (box_pk, sqlite3_column_blob (stmt, 0), CFD_BOX_PK_BYTES);
  sqlite3_reset (stmt);
  if (!found)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such user"));
      return FALSE;
    }
  return store_scoped_grant (vault, patient_id, record_id, key_version, user_id, consent_id, box_pk,
                             key, cfd_vault_get_user_id (vault),
                             cfd_vault_get_sign_secret_key (vault), error);
}

/* Opens the signed-in user's grant from details_grants or record_grants
 * into out, after checking it was signed by an owner or therapist of the
 * roster. NOT_PERMITTED when there is none. */
static gboolean
open_scoped_grant (CfdVault *vault,
                   const char *patient_id,
                   const char *record_id,
                   guint key_version,
                   guint8 out[CFD_KEY_BYTES],
                   GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const char *user_id = cfd_vault_get_user_id (vault);
  sqlite3_stmt *stmt;
  guint8 sealed[CFD_SEALED_KEY_BYTES], signature[CFD_SIGNATURE_BYTES];
  guint8 granter_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *consent_id = NULL, *granted_by = NULL, *granter_role = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *msg_data;
  gsize msg_len;
  gint64 granted_at;
  int rc;

  stmt = cfd_db_prepare (
      db,
      record_id[0] != '\0'
          ? "SELECT g.sealed_key, g.consent_id, g.granted_by, g.granted_at, g.signature, r.role, "
            "r.sign_pk FROM record_grants g JOIN temp.roster r ON r.id = g.granted_by "
            "WHERE g.record_id = ?1 AND g.patient_id = ?2 AND g.user_id = ?4"
          : "SELECT g.sealed_key, g.consent_id, g.granted_by, g.granted_at, g.signature, r.role, "
            "r.sign_pk FROM details_grants g JOIN temp.roster r ON r.id = g.granted_by "
            "WHERE g.patient_id = ?2 AND g.key_version = ?3 AND g.user_id = ?4",
      error);
  if (stmt == NULL)
    return FALSE;
  if (record_id[0] != '\0')
    sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_STATIC);
  if (record_id[0] == '\0')
    sqlite3_bind_int64 (stmt, 3, key_version);
  sqlite3_bind_text (stmt, 4, user_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        cfd_db_set_error (db, rc, "reading a key grant", error);
      else
        g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                             record_id[0] != '\0'
                                 ? "No live consent of this patient covers this record"
                                 : "You have no access to this patient");
      return FALSE;
    }
  if (sqlite3_column_bytes (stmt, 0) != CFD_SEALED_KEY_BYTES
      || sqlite3_column_bytes (stmt, 4) != CFD_SIGNATURE_BYTES
      || sqlite3_column_bytes (stmt, 6) != CFD_SIGN_PK_BYTES)
    {
      sqlite3_reset (stmt);
      return tampered (error, "wrong size");
    }
  memcpy (sealed, sqlite3_column_blob (stmt, 0), sizeof sealed);
  consent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  granted_by = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  granted_at = sqlite3_column_int64 (stmt, 3);
  memcpy (signature, sqlite3_column_blob (stmt, 4), sizeof signature);
  granter_role = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
  memcpy (granter_pk, sqlite3_column_blob (stmt, 6), sizeof granter_pk);
  sqlite3_reset (stmt);

  if (g_strcmp0 (granter_role, "owner") != 0 && g_strcmp0 (granter_role, "therapist") != 0)
    return tampered (error, "granted by a user who may not grant");
  msg = scoped_grant_message (vault, patient_id, record_id, key_version, user_id, consent_id,
                              sealed, granted_by, granted_at);
  msg_data = cfd_ad_data (msg, &msg_len);
  if (crypto_sign_verify_detached (signature, msg_data, msg_len, granter_pk) != 0)
    return tampered (error, "bad signature");
  if (crypto_box_seal_open (out, sealed, sizeof sealed, cfd_vault_get_box_public_key (vault),
                            cfd_vault_get_box_secret_key (vault))
      != 0)
    return tampered (error, "cannot be opened");
  return TRUE;
}

/* Opens a key wrapped under the patient key (details_keys, record_keys). */
static gboolean
unwrap_key (CfdVault *vault,
            const guint8 patient_key[CFD_KEY_BYTES],
            const char *patient_id,
            guint key_version,
            const char *table,
            const char *row_id,
            guint64 revision,
            GBytes *wrapped,
            guint8 out[CFD_KEY_BYTES],
            GError **error)
{
  g_autoptr (CfdAd) ad
      = cfd_patient_key_field_ad (vault, patient_id, key_version, table, row_id, revision);
  g_autoptr (GBytes) plain = NULL;
  const guint8 *ad_data;
  gsize ad_len;

  ad_data = cfd_ad_data (ad, &ad_len);
  if (wrapped != NULL)
    plain = cfd_aead_open (patient_key, g_bytes_get_data (wrapped, NULL),
                           g_bytes_get_size (wrapped), ad_data, ad_len);
  if (plain == NULL || g_bytes_get_size (plain) != CFD_KEY_BYTES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("A stored %s entry failed verification; the vault may have been damaged or "
                      "tampered with"),
                   table);
      return FALSE;
    }
  memcpy (out, g_bytes_get_data (plain, NULL), CFD_KEY_BYTES);
  return TRUE;
}

static GBytes *
wrap_key (CfdVault *vault,
          const guint8 patient_key[CFD_KEY_BYTES],
          const char *patient_id,
          guint key_version,
          const char *table,
          const char *row_id,
          guint64 revision,
          const guint8 key[CFD_KEY_BYTES])
{
  g_autoptr (CfdAd) ad
      = cfd_patient_key_field_ad (vault, patient_id, key_version, table, row_id, revision);
  const guint8 *ad_data;
  gsize ad_len;

  ad_data = cfd_ad_data (ad, &ad_len);
  return cfd_aead_seal (patient_key, key, CFD_KEY_BYTES, ad_data, ad_len);
}

static GBytes *
stored_details_key (CfdDb *db, const char *patient_id, guint key_version, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT sealed FROM details_keys WHERE patient_id = ? AND key_version = ?", NULL);
  GBytes *wrapped = NULL;

  /* A database before schema 8 has no details keys. */
  if (stmt == NULL)
    {
      if (cfd_scoped_keys_available (db))
        g_set_error_literal (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                             _ ("The vault's details keys cannot be read"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, key_version);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    wrapped = cfd_db_column_bytes (stmt, 0);
  sqlite3_reset (stmt);
  return wrapped;
}

const guint8 *
cfd_details_key_get (CfdVault *vault, const char *patient_id, guint key_version, GError **error)
{
  g_autofree char *name = cfd_details_key_arena_name (patient_id, key_version);
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdKeyArena *arena;
  g_autoptr (CfdSecret) key = NULL;
  GError *local_error = NULL;
  guint8 *slot;

  if (db == NULL)
    return NULL;
  /* Every read of a detail, consent or review asks: a cached key costs a
   * lookup, no allocation. */
  arena = cfd_vault_get_key_arena (vault);
  slot = cfd_key_arena_lookup (arena, name);
  if (slot != NULL)
    return slot;

  /* The first read of each patient after an unlock comes here: the key is
   * unwrapped straight into its arena slot, without two guarded
   * allocations (each an mmap, mprotect and munmap) per patient. */
  if (cfd_patient_key_get (vault, patient_id, key_version, &local_error) != NULL)
    {
      g_autoptr (GBytes) wrapped = stored_details_key (db, patient_id, key_version, &local_error);
      const guint8 *patient_slot;

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      /* A patient from before details keys: everything is under the patient key. */
      if (wrapped == NULL)
        return cfd_patient_key_get (vault, patient_id, key_version, error);
      /* Inserting may move the arena: the patient key is looked up after. */
      slot = cfd_key_arena_insert (arena, name);
      patient_slot = cfd_patient_key_get (vault, patient_id, key_version, error);
      if (patient_slot == NULL
          || !unwrap_key (vault, patient_slot, patient_id, key_version, "details_keys", patient_id,
                          1, wrapped, slot, error))
        {
          cfd_key_arena_remove (arena, name);
          return NULL;
        }
      return slot;
    }
  key = cfd_secret_new (CFD_KEY_BYTES);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    {
      g_clear_error (&local_error);
      if (!open_scoped_grant (vault, patient_id, "", key_version, key->data, error))
        return NULL;
    }
  else
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  slot = cfd_key_arena_insert (arena, name);
  memcpy (slot, key->data, CFD_KEY_BYTES);
  return slot;
}

/* Record keys are opened for every signed record read, so they are not
 * given an allocation each: one slot of the key arena (locked, not
 * dumpable) holds the last one opened. */
#define RECORD_KEY_SLOT "record-key"

const guint8 *
cfd_record_key_open (CfdVault *vault,
                     const char *patient_id,
                     const char *record_id,
                     guint64 revision,
                     gboolean *keyed,
                     GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdKeyArena *arena;
  g_autoptr (GBytes) wrapped = NULL;
  GError *local_error = NULL;
  const guint8 *patient_key;
  guint8 *slot;
  sqlite3_stmt *stmt;
  guint key_version = 0;

  *keyed = FALSE;
  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT key_version, sealed FROM record_keys "
                         "WHERE record_id = ? AND revision = ? AND patient_id = ?",
                         NULL);
  /* A database before schema 8 has no record keys. */
  if (stmt == NULL)
    {
      if (cfd_scoped_keys_available (db))
        g_set_error_literal (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                             _ ("The vault's record keys cannot be read"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (gint64)revision);
  sqlite3_bind_text (stmt, 3, patient_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      key_version = (guint)sqlite3_column_int64 (stmt, 0);
      wrapped = cfd_db_column_bytes (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (wrapped == NULL)
    return NULL;
  *keyed = TRUE;

  /* The patient key is cached first: inserting into the arena moves it. */
  patient_key = cfd_patient_key_get (vault, patient_id, key_version, &local_error);
  if (patient_key == NULL && !g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);
  arena = cfd_vault_get_key_arena (vault);
  slot = cfd_key_arena_lookup (arena, RECORD_KEY_SLOT);
  if (slot == NULL)
    slot = cfd_key_arena_insert (arena, RECORD_KEY_SLOT);
  if (patient_key != NULL)
    {
      patient_key = cfd_patient_key_get (vault, patient_id, key_version, error);
      if (patient_key == NULL
          || !unwrap_key (vault, patient_key, patient_id, key_version, "record_keys", record_id,
                          revision, wrapped, slot, error))
        return NULL;
      return slot;
    }
  if (!open_scoped_grant (vault, patient_id, record_id, 0, slot, error))
    return NULL;
  return slot;
}

CfdSecret *
cfd_record_key_get (CfdVault *vault,
                    const char *patient_id,
                    const char *record_id,
                    guint64 revision,
                    gboolean *keyed,
                    GError **error)
{
  const guint8 *key = cfd_record_key_open (vault, patient_id, record_id, revision, keyed, error);

  return key != NULL ? cfd_secret_new_from_data (key, CFD_KEY_BYTES) : NULL;
}

gboolean
cfd_scoped_key_create_details (CfdVault *vault,
                               const char *patient_id,
                               guint key_version,
                               const guint8 patient_key[CFD_KEY_BYTES],
                               const guint8 details_key[CFD_KEY_BYTES],
                               GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GBytes) wrapped = wrap_key (vault, patient_key, patient_id, key_version,
                                         "details_keys", patient_id, 1, details_key);
  g_autofree char *name = cfd_details_key_arena_name (patient_id, key_version);
  sqlite3_stmt *stmt;

  if (!cfd_scoped_keys_available (db))
    return TRUE;
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO details_keys (patient_id, key_version, revision, "
                         "sealed) VALUES (?, ?, 1, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, key_version);
  cfd_db_bind_bytes (stmt, 3, wrapped);
  if (!cfd_db_step_done (db, stmt, error))
    return FALSE;
  memcpy (cfd_key_arena_insert (cfd_vault_get_key_arena (vault), name), details_key, CFD_KEY_BYTES);
  return TRUE;
}

/* Grants a record's key to each supervisor whose live consent covers it;
 * returns how many grants were made in *granted. */
static gboolean
grant_record_to_consents (CfdVault *vault,
                          GPtrArray *consents,
                          const char *patient_id,
                          const char *record_id,
                          gboolean psychotherapy,
                          gint64 occurred,
                          const guint8 key[CFD_KEY_BYTES],
                          GError **error)
{
  for (guint i = 0; i < consents->len; i++)
    {
      CfdConsent *consent = g_ptr_array_index (consents, i);

      if (!cfd_consent_covers (consent, psychotherapy, occurred))
        continue;
      if (!insert_scoped_grant (vault, patient_id, record_id, 0,
                                cfd_consent_get_supervisor_id (consent),
                                cfd_consent_get_id (consent), key, error))
        return FALSE;
    }
  return TRUE;
}

/* The live consents that decide grants. One that does not verify (planted
 * or altered) grants nothing, is recorded, and does not stop the signing. */
static GPtrArray *
live_consents_for_grants (CfdVault *vault, const char *patient_id, GError **error)
{
  GError *local_error = NULL;
  GPtrArray *live = cfd_consent_list_live (vault, patient_id, NULL, &local_error);

  if (live != NULL)
    return live;
  if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);
  if (!cfd_vault_audit (vault, "vault.tamper", "consents", patient_id, CFD_AUDIT_FAILURE,
                        "no record keys granted", error))
    return NULL;
  return g_ptr_array_new_with_free_func (g_object_unref);
}

/* Seals one signed record's body (now under the patient key) under a new
 * record key, and wraps that key under the patient key. */
static gboolean
key_one_record (CfdVault *vault,
                const guint8 patient_key[CFD_KEY_BYTES],
                const char *patient_id,
                guint key_version,
                const char *record_id,
                guint64 revision,
                GBytes *sealed,
                guint8 record_key[CFD_KEY_BYTES],
                gboolean *opened,
                GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (CfdAd) old_ad
      = cfd_patient_key_field_ad (vault, patient_id, key_version, "records", record_id, revision);
  g_autoptr (CfdAd) new_ad
      = cfd_patient_key_field_ad (vault, patient_id, 0, "records", record_id, revision);
  g_autoptr (GBytes) plain = NULL, body = NULL, wrapped = NULL;
  const guint8 *ad_data;
  gsize ad_len;
  sqlite3_stmt *stmt;

  ad_data = cfd_ad_data (old_ad, &ad_len);
  plain = cfd_aead_open (patient_key, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                         ad_data, ad_len);
  *opened = plain != NULL;
  if (plain == NULL)
    return cfd_vault_audit (vault, "vault.tamper", "records", record_id, CFD_AUDIT_FAILURE,
                            "not given a record key", error);
  cfd_random_bytes (record_key, CFD_KEY_BYTES);
  ad_data = cfd_ad_data (new_ad, &ad_len);
  body = cfd_aead_seal (record_key, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                        ad_data, ad_len);
  wrapped = wrap_key (vault, patient_key, patient_id, key_version, "record_keys", record_id,
                      revision, record_key);

  stmt = cfd_db_prepare (db, "UPDATE records SET sealed = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  cfd_db_bind_bytes (stmt, 1, body);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_STATIC);
  if (!cfd_db_step_done (db, stmt, error))
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO record_keys (record_id, patient_id, key_version, "
                         "revision, sealed) VALUES (?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, key_version);
  sqlite3_bind_int64 (stmt, 4, (gint64)revision);
  cfd_db_bind_bytes (stmt, 5, wrapped);
  return cfd_db_step_done (db, stmt, error);
}

typedef struct
{
  char *id;
  guint64 revision;
  gboolean psychotherapy;
  gint64 occurred;
  GBytes *sealed;
} UnkeyedRecord;

static void
unkeyed_record_free (gpointer data)
{
  UnkeyedRecord *r = data;

  g_free (r->id);
  g_bytes_unref (r->sealed);
  g_free (r);
}

/* Signed records of the patient whose body is still under the patient
 * key (all of them before the upgrade, or one just signed). */
static GPtrArray *
unkeyed_signed_records (
    CfdDb *db, const char *patient_id, guint key_version, const char *only_record, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (unkeyed_record_free);
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "SELECT id, revision, class, occurred, sealed FROM records WHERE patient_id = ?1 "
      "AND status = 'signed' AND key_version = ?2 AND (?3 IS NULL OR id = ?3) "
      "AND id NOT IN (SELECT record_id FROM record_keys WHERE patient_id = ?1)",
      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, key_version);
  if (only_record != NULL)
    sqlite3_bind_text (stmt, 3, only_record, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      UnkeyedRecord *r = g_new0 (UnkeyedRecord, 1);

      r->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      r->revision = (guint64)sqlite3_column_int64 (stmt, 1);
      r->psychotherapy
          = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), "psychotherapy") == 0;
      r->occurred = sqlite3_column_int64 (stmt, 3);
      r->sealed = cfd_db_column_bytes (stmt, 4);
      g_ptr_array_add (rows, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading records", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Gives record keys to the listed records and grants them under consents
 * (NULL: grant nothing now). */
static gboolean
key_records (CfdVault *vault,
             const guint8 patient_key[CFD_KEY_BYTES],
             const char *patient_id,
             guint key_version,
             GPtrArray *rows,
             GPtrArray *consents,
             GError **error)
{
  g_autoptr (CfdSecret) record_key = cfd_secret_new (CFD_KEY_BYTES);

  for (guint i = 0; i < rows->len; i++)
    {
      UnkeyedRecord *r = g_ptr_array_index (rows, i);
      gboolean opened = FALSE;

      if (r->sealed == NULL
          || !key_one_record (vault, patient_key, patient_id, key_version, r->id, r->revision,
                              r->sealed, record_key->data, &opened, error))
        {
          if (r->sealed == NULL)
            tampered (error, "a record without content");
          return FALSE;
        }
      if (opened && consents != NULL
          && !grant_record_to_consents (vault, consents, patient_id, r->id, r->psychotherapy,
                                        r->occurred, record_key->data, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
patient_upgraded (CfdDb *db, const char *patient_id, guint key_version)
{
  g_autoptr (GBytes) wrapped = stored_details_key (db, patient_id, key_version, NULL);

  return wrapped != NULL;
}

gboolean
cfd_record_key_seal_signed (CfdVault *vault, const char *record_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *patient_id = NULL;
  g_autoptr (CfdSecret) patient_key = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) consents = NULL;
  sqlite3_stmt *stmt;
  guint key_version = 0;

  if (db == NULL)
    return FALSE;
  if (!cfd_scoped_keys_available (db))
    return TRUE;
  stmt = cfd_db_prepare (db, "SELECT patient_id, key_version FROM records WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      key_version = (guint)sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (patient_id == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such record"));
      return FALSE;
    }
  patient_key = patient_key_copy (vault, patient_id, key_version, error);
  if (patient_key == NULL)
    return FALSE;
  /* A patient from before record keys is upgraded whole, this record with it. */
  if (!patient_upgraded (db, patient_id, key_version))
    return cfd_scoped_key_upgrade_patient (vault, patient_id, key_version, error);

  rows = unkeyed_signed_records (db, patient_id, key_version, record_id, error);
  consents = rows != NULL ? live_consents_for_grants (vault, patient_id, error) : NULL;
  return consents != NULL
         && key_records (vault, patient_key->data, patient_id, key_version, rows, consents, error);
}

gboolean
cfd_scoped_key_grant_consent (CfdVault *vault, CfdConsent *consent, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const char *patient_id = cfd_consent_get_patient_id (consent);
  const char *supervisor_id = cfd_consent_get_supervisor_id (consent);
  g_autoptr (GPtrArray) record_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CfdSecret) details_key = NULL;
  g_autofree char *what = NULL;
  const guint8 *key;
  sqlite3_stmt *stmt;
  guint key_version = 0;
  guint granted = 0;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT key_version FROM patients WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    key_version = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (key_version == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such patient"));
      return FALSE;
    }
  if (!cfd_scoped_key_upgrade_patient (vault, patient_id, key_version, error))
    return FALSE;
  key = cfd_details_key_get (vault, patient_id, key_version, error);
  if (key == NULL)
    return FALSE;
  details_key = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  if (!insert_scoped_grant (vault, patient_id, "", key_version, supervisor_id,
                            cfd_consent_get_id (consent), details_key->data, error))
    return FALSE;

  /* Every signed record of the patient with a record key that the consent covers. */
  stmt = cfd_db_prepare (db,
                         "SELECT r.id, r.revision, r.class, r.occurred FROM records r "
                         "JOIN record_keys k ON k.record_id = r.id AND k.revision = r.revision "
                         "WHERE r.patient_id = ? AND r.status = 'signed'",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean psychotherapy
          = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), "psychotherapy") == 0;

      if (cfd_consent_covers (consent, psychotherapy, sqlite3_column_int64 (stmt, 3)))
        {
          g_ptr_array_add (record_ids, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
          g_ptr_array_add (record_ids, g_strdup_printf ("%" G_GINT64_FORMAT,
                                                        (gint64)sqlite3_column_int64 (stmt, 1)));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading records", error);
      return FALSE;
    }
  for (guint i = 0; i + 1 < record_ids->len; i += 2)
    {
      const char *record_id = g_ptr_array_index (record_ids, i);
      guint64 revision = g_ascii_strtoull (g_ptr_array_index (record_ids, i + 1), NULL, 10);
      gboolean keyed = FALSE;
      g_autoptr (CfdSecret) record_key
          = cfd_record_key_get (vault, patient_id, record_id, revision, &keyed, error);

      if (record_key == NULL)
        return FALSE;
      if (!insert_scoped_grant (vault, patient_id, record_id, 0, supervisor_id,
                                cfd_consent_get_id (consent), record_key->data, error))
        return FALSE;
      granted++;
    }

  what = g_strdup_printf ("to %s under %s: details and %u record keys", supervisor_id,
                          cfd_consent_get_id (consent), granted);
  return cfd_vault_audit (vault, "key.grant", "patient", patient_id, CFD_AUDIT_SUCCESS, what,
                          error);
}

/* Supervisors holding the patient key from before record keys: everyone
 * with a grant who is not an owner or therapist of the roster. */
static GPtrArray *
legacy_supervisor_readers (CfdDb *db, const char *patient_id, GError **error)
{
  g_autoptr (GPtrArray) readers = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "SELECT DISTINCT user_id FROM patient_keys WHERE patient_id = ? AND user_id NOT IN "
      "(SELECT id FROM temp.roster WHERE role IN ('owner', 'therapist') AND removed = 0)",
      error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (readers, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  return g_steal_pointer (&readers);
}

gboolean
cfd_scoped_key_upgrade_patient (CfdVault *vault,
                                const char *patient_id,
                                guint key_version,
                                GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (CfdSecret) patient_key = NULL;
  g_autoptr (CfdSecret) details_key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) supervisors = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db == NULL || cfd_db_in_transaction (db), FALSE);
  if (db == NULL)
    return FALSE;
  if (!cfd_scoped_keys_available (db) || patient_upgraded (db, patient_id, key_version))
    return TRUE;
  patient_key = patient_key_copy (vault, patient_id, key_version, error);
  if (patient_key == NULL)
    return FALSE;

  /* The details, consents, reviews and risk flag entries move under the
   * details key; then every signed record under a key of its own. */
  cfd_random_bytes (details_key->data, CFD_KEY_BYTES);
  if (!cfd_patient_key_reseal_details (vault, patient_id, key_version, patient_key->data,
                                       details_key->data, error)
      || !cfd_scoped_key_create_details (vault, patient_id, key_version, patient_key->data,
                                         details_key->data, error))
    return FALSE;
  rows = unkeyed_signed_records (db, patient_id, key_version, NULL, error);
  if (rows == NULL
      || !key_records (vault, patient_key->data, patient_id, key_version, rows, NULL, error))
    return FALSE;

  /* Supervisors lose the patient key and get what their live consents cover. */
  supervisors = legacy_supervisor_readers (db, patient_id, error);
  if (supervisors == NULL)
    return FALSE;
  stmt
      = cfd_db_prepare (db, "DELETE FROM patient_keys WHERE patient_id = ? AND user_id = ?", error);
  for (guint i = 0; stmt != NULL && i < supervisors->len; i++)
    {
      const char *supervisor_id = g_ptr_array_index (supervisors, i);
      g_autoptr (GPtrArray) live = NULL;
      GError *local_error = NULL;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, supervisor_id, -1, SQLITE_STATIC);
      if (!cfd_db_step_done (db, stmt, error))
        return FALSE;
      live = cfd_consent_list_live (vault, patient_id, supervisor_id, &local_error);
      if (live == NULL && !g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      for (guint c = 0; live != NULL && c < live->len; c++)
        if (!cfd_scoped_key_grant_consent (vault, g_ptr_array_index (live, c), error))
          return FALSE;
      stmt = cfd_db_prepare (db, "DELETE FROM patient_keys WHERE patient_id = ? AND user_id = ?",
                             error);
    }
  if (stmt == NULL)
    return FALSE;
  return cfd_vault_audit (vault, "key.scope-upgrade", "patient", patient_id, CFD_AUDIT_SUCCESS,
                          NULL, error);
}

guint
cfd_scoped_key_upgrade_vault (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  guint done = 0;

  if (db == NULL || cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR
      || !cfd_scoped_keys_available (db))
    return 0;
  stmt = cfd_db_prepare (db,
                         "SELECT p.id, p.key_version FROM patients p JOIN patient_keys k "
                         "ON k.patient_id = p.id AND k.key_version = p.key_version "
                         "AND k.user_id = ? WHERE NOT EXISTS (SELECT 1 FROM details_keys d "
                         "WHERE d.patient_id = p.id AND d.key_version = p.key_version)",
                         error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (due, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (
          due, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64 (stmt, 1)));
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i + 1 < due->len; i += 2)
    {
      const char *patient_id = g_ptr_array_index (due, i);
      guint version = (guint)g_ascii_strtoull (g_ptr_array_index (due, i + 1), NULL, 10);
      g_autoptr (GError) local_error = NULL;

      if (cfd_db_begin (db, &local_error)
          && cfd_scoped_key_upgrade_patient (vault, patient_id, version, &local_error)
          && cfd_db_commit (db, &local_error))
        {
          done++;
          continue;
        }
      cfd_db_rollback (db);
      /* The details key made in the failed transaction is not the one on disk. */
      {
        g_autofree char *name = cfd_details_key_arena_name (patient_id, version);

        cfd_key_arena_remove (cfd_vault_get_key_arena (vault), name);
      }
      g_warning ("A patient's keys could not be upgraded to record keys: %s", local_error->message);
    }
  return done;
}

gboolean
cfd_scoped_key_rotate_details_grants (CfdVault *vault,
                                      const char *patient_id,
                                      guint old_version,
                                      const guint8 new_details_key[CFD_KEY_BYTES],
                                      const char *const *exclude,
                                      GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GPtrArray) readers = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT user_id FROM details_grants WHERE patient_id = ? AND key_version = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, old_version);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (readers, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  for (guint i = 0; i < readers->len; i++)
    {
      const char *reader = g_ptr_array_index (readers, i);
      g_autoptr (GPtrArray) live = NULL;
      GError *local_error = NULL;

      if (exclude != NULL && g_strv_contains (exclude, reader))
        continue;
      /* The signed, live consents decide; a details_grants row alone carries nothing. */
      live = cfd_consent_list_live (vault, patient_id, reader, &local_error);
      if (live == NULL)
        {
          if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          g_clear_error (&local_error);
          continue;
        }
      if (live->len == 0)
        continue;
      if (!insert_scoped_grant (vault, patient_id, "", old_version + 1, reader,
                                cfd_consent_get_id (g_ptr_array_index (live, 0)), new_details_key,
                                error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cfd_scoped_key_regrant_to_new_box_key (CfdVault *vault,
                                       const char *patient_id,
                                       const char *record_id,
                                       guint key_version,
                                       const char *consent_id,
                                       const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                                       const char *signer_id,
                                       const guint8 *signer_sk,
                                       GError **error)
{
  g_autoptr (CfdSecret) key = cfd_secret_new (CFD_KEY_BYTES);

  if (!open_scoped_grant (vault, patient_id, record_id, key_version, key->data, error))
    return FALSE;
  return store_scoped_grant (vault, patient_id, record_id, key_version,
                             cfd_vault_get_user_id (vault), consent_id, new_box_pk, key->data,
                             signer_id, signer_sk, error);
}
