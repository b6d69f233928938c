/* cfd-patient-key.c: per-patient keys: creation, grants to readers, and sealing fields under them. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-consent-private.h"
#include "cfd-key-cache.h"
#include "cfd-patient-key.h"
#include "cfd-scoped-key.h"

char *
cfd_patient_key_arena_name (const char *patient_id, guint key_version)
{
  return g_strdup_printf ("%s/%u", patient_id, key_version);
}

static CfdAd *
grant_message (CfdVault *vault,
               const char *patient_id,
               guint key_version,
               const char *user_id,
               const guint8 *sealed_key,
               const char *granted_by,
               gint64 granted_at)
{
  CfdAd *msg = cfd_ad_new ("confidant/grant/v1");

  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_uint (msg, key_version);
  cfd_ad_add_string (msg, user_id);
  cfd_ad_add_bytes (msg, sealed_key, CFD_SEALED_KEY_BYTES);
  cfd_ad_add_string (msg, granted_by);
  cfd_ad_add_uint (msg, (guint64)granted_at);
  return msg;
}

static gboolean
tampered (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("A patient key grant failed verification (%s); the vault may have been "
                  "tampered with"),
               what);
  return FALSE;
}

/* Seals key to box_pk, signs the grant with signer_sk as signer_id and
 * stores it for user_id, replacing any grant of that key version. */
static gboolean
store_grant (CfdVault *vault,
             const char *patient_id,
             guint key_version,
             const char *user_id,
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
  msg = grant_message (vault, patient_id, key_version, user_id, sealed, signer_id, now);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, signer_sk);

  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO patient_keys (patient_id, key_version, user_id, "
                         "sealed_key, granted_by, granted_at, signature) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, key_version);
  sqlite3_bind_text (stmt, 3, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, sealed, sizeof sealed, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, signer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_blob (stmt, 7, signature, sizeof signature, SQLITE_STATIC);
  return cfd_db_step_done (db, stmt, error);
}

gboolean
cfd_patient_key_insert_grant (CfdVault *vault,
                              const char *patient_id,
                              guint key_version,
                              const char *user_id,
                              const guint8 key[CFD_KEY_BYTES],
                              const char *authorization,
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
  if (!store_grant (vault, patient_id, key_version, user_id, box_pk, key,
                    cfd_vault_get_user_id (vault), cfd_vault_get_sign_secret_key (vault), error))
    return FALSE;

  /* The grantee is named: "to USER-ID", then the consent that allowed it. */
  {
    g_autofree char *what = authorization != NULL
                                ? g_strdup_printf ("to %s under %s", user_id, authorization)
                                : g_strdup_printf ("to %s", user_id);

    return cfd_vault_audit (vault, "key.grant", "patient", patient_id, CFD_AUDIT_SUCCESS, what,
                            error);
  }
}

gboolean
cfd_patient_key_create (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autofree char *name = cfd_patient_key_arena_name (patient_id, 1);
  guint8 *key = cfd_key_arena_insert (cfd_vault_get_key_arena (vault), name);
  const char *owner = cfd_vault_get_owner_id (vault);

  cfd_random_bytes (key, CFD_KEY_BYTES);
  if (!cfd_patient_key_insert_grant (vault, patient_id, 1, cfd_vault_get_user_id (vault), key, NULL,
                                     error))
    return FALSE;

  /* The owner keeps access to every patient of the practice, so that the
   * practice's records survive a therapist leaving. */
  key = cfd_key_arena_lookup (cfd_vault_get_key_arena (vault), name);
  if (owner != NULL && g_strcmp0 (owner, cfd_vault_get_user_id (vault)) != 0
      && !cfd_patient_key_insert_grant (vault, patient_id, 1, owner, key, NULL, error))
    return FALSE;

  /* The details key, which consents open for supervisors. */
  {
    g_autoptr (CfdSecret) patient_key = NULL;
    g_autoptr (CfdSecret) details_key = cfd_secret_new (CFD_KEY_BYTES);

    key = cfd_key_arena_lookup (cfd_vault_get_key_arena (vault), name);
    patient_key = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
    cfd_random_bytes (details_key->data, CFD_KEY_BYTES);
    return cfd_scoped_key_create_details (vault, patient_id, 1, patient_key->data,
                                          details_key->data, error);
  }
}

gboolean
cfd_patient_key_grant (CfdVault *vault,
                       const char *patient_id,
                       guint key_version,
                       const char *user_id,
                       const char *authorization,
                       GError **error)
{
  const guint8 *key = cfd_patient_key_get (vault, patient_id, key_version, error);
  g_autoptr (CfdSecret) copy = NULL;

  if (key == NULL)
    return FALSE;
  /* Granting may grow the arena, which moves the key. */
  copy = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  return cfd_patient_key_insert_grant (vault, patient_id, key_version, user_id, copy->data,
                                       authorization, error);
}

const guint8 *
cfd_patient_key_get (CfdVault *vault, const char *patient_id, guint key_version, GError **error)
{
  g_autofree char *name = cfd_patient_key_arena_name (patient_id, key_version);
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdKeyArena *arena;
  guint8 *slot;
  sqlite3_stmt *stmt;
  guint8 sealed[CFD_SEALED_KEY_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  guint8 granter_pk[CFD_SIGN_PK_BYTES];
  guint8 grant_digest[CFD_HASH_BYTES];
  g_autofree char *granted_by = NULL;
  g_autofree char *granter_role = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *msg_data;
  gsize msg_len;
  gint64 granted_at;
  int rc;

  if (db == NULL)
    return NULL;
  arena = cfd_vault_get_key_arena (vault);
  slot = cfd_key_arena_lookup (arena, name);
  if (slot != NULL)
    return slot;

  stmt = cfd_db_prepare (db,
                         "SELECT k.sealed_key, k.granted_by, k.granted_at, k.signature, "
                         "u.role, u.sign_pk FROM patient_keys k JOIN temp.roster u "
                         "ON u.id = k.granted_by "
                         "WHERE k.patient_id = ? AND k.key_version = ? AND k.user_id = ?",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, key_version);
  sqlite3_bind_text (stmt, 3, cfd_vault_get_user_id (vault), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        cfd_db_set_error (db, rc, "reading a patient key", error);
      else
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                     _ ("You have no access to this patient"));
      return NULL;
    }
  if (sqlite3_column_bytes (stmt, 0) != CFD_SEALED_KEY_BYTES
      || sqlite3_column_bytes (stmt, 3) != CFD_SIGNATURE_BYTES
      || sqlite3_column_bytes (stmt, 5) != CFD_SIGN_PK_BYTES)
    {
      sqlite3_reset (stmt);
      tampered (error, "wrong size");
      return NULL;
    }
  memcpy (sealed, sqlite3_column_blob (stmt, 0), sizeof sealed);
  granted_by = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  granted_at = sqlite3_column_int64 (stmt, 2);
  memcpy (signature, sqlite3_column_blob (stmt, 3), sizeof signature);
  granter_role = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  memcpy (granter_pk, sqlite3_column_blob (stmt, 5), sizeof granter_pk);
  sqlite3_reset (stmt);

  /* Only the practice (owner, therapists) hands out patient keys. */
  if (g_strcmp0 (granter_role, "owner") != 0 && g_strcmp0 (granter_role, "therapist") != 0)
    {
      tampered (error, "granted by a user who may not grant");
      return NULL;
    }
  msg = grant_message (vault, patient_id, key_version, cfd_vault_get_user_id (vault), sealed,
                       granted_by, granted_at);
  msg_data = cfd_ad_data (msg, &msg_len);

  /* This user verified this very grant before: their own cache has the
   * key, bound to the grant row and its granter as they are now. */
  cfd_key_cache_grant_digest (grant_digest, msg_data, msg_len, signature, granter_role, granter_pk);
  slot = cfd_key_arena_insert (arena, name);
  if (cfd_key_cache_lookup (vault, patient_id, key_version, grant_digest, slot))
    return slot;
  cfd_key_arena_remove (arena, name);

  if (crypto_sign_verify_detached (signature, msg_data, msg_len, granter_pk) != 0)
    {
      tampered (error, "bad signature");
      return NULL;
    }

  slot = cfd_key_arena_insert (arena, name);
  if (crypto_box_seal_open (slot, sealed, sizeof sealed, cfd_vault_get_box_public_key (vault),
                            cfd_vault_get_box_secret_key (vault))
      != 0)
    {
      cfd_key_arena_remove (arena, name);
      tampered (error, "cannot be opened");
      return NULL;
    }
  cfd_key_cache_remember (vault, patient_id, key_version, grant_digest, slot);
  return slot;
}

CfdAd *
cfd_patient_key_field_ad (CfdVault *vault,
                          const char *patient_id,
                          guint key_version,
                          const char *table,
                          const char *row_id,
                          guint64 revision)
{
  CfdAd *ad = cfd_ad_new ("confidant/field");

  cfd_ad_add_uint (ad, CFD_FIELD_FORMAT_VERSION);
  cfd_ad_add_string (ad, cfd_vault_get_id (vault));
  cfd_ad_add_string (ad, patient_id);
  cfd_ad_add_string (ad, table);
  cfd_ad_add_string (ad, row_id);
  cfd_ad_add_uint (ad, revision);
  cfd_ad_add_uint (ad, key_version);
  return ad;
}

GBytes *
cfd_patient_key_seal (CfdVault *vault,
                      const char *patient_id,
                      guint key_version,
                      const char *table,
                      const char *row_id,
                      guint64 revision,
                      GVariant *content,
                      GError **error)
{
  const guint8 *key = cfd_scoped_key_is_details_table (table)
                          ? cfd_details_key_get (vault, patient_id, key_version, error)
                          : cfd_patient_key_get (vault, patient_id, key_version, error);
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (CfdAd) ad = NULL;
  const guint8 *ad_data;
  gsize ad_len;

  if (key == NULL)
    return NULL;
  plain = cfd_variant_to_wire (content);
  ad = cfd_patient_key_field_ad (vault, patient_id, key_version, table, row_id, revision);
  ad_data = cfd_ad_data (ad, &ad_len);
  return cfd_aead_seal (key, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), ad_data,
                        ad_len);
}

GVariant *
cfd_patient_key_unseal (CfdVault *vault,
                        const char *patient_id,
                        guint key_version,
                        const char *table,
                        const char *row_id,
                        guint64 revision,
                        GBytes *sealed,
                        const GVariantType *type,
                        GError **error)
{
  const guint8 *key = NULL;
  g_autoptr (CfdAd) ad = NULL;
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GVariant) value = NULL;
  const guint8 *ad_data, *data;
  gsize ad_len, len;

  if (cfd_scoped_key_is_details_table (table))
    key = cfd_details_key_get (vault, patient_id, key_version, error);
  else
    {
      gboolean keyed = FALSE;

      /* A signed record's body under its own key: bound to key version 0. */
      if (g_strcmp0 (table, "records") == 0)
        {
          GError *local_error = NULL;

          key = cfd_record_key_open (vault, patient_id, row_id, revision, &keyed, &local_error);
          if (keyed && key == NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          g_clear_error (&local_error);
        }
      if (keyed)
        key_version = 0;
      else
        key = cfd_patient_key_get (vault, patient_id, key_version, error);
    }
  if (key == NULL)
    return NULL;
  ad = cfd_patient_key_field_ad (vault, patient_id, key_version, table, row_id, revision);
  ad_data = cfd_ad_data (ad, &ad_len);
  data = g_bytes_get_data (sealed, &len);
  plain = cfd_aead_open (key, data, len, ad_data, ad_len);
  if (plain != NULL)
    value = cfd_variant_from_wire (type, plain);
  if (value == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("A stored %s entry failed verification; the vault may have been damaged or "
                      "tampered with"),
                   table);
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* Every table whose rows are sealed under a patient key. A table added to
 * the schema with sealed patient content must be listed here, or rotation
 * would leave its rows under a key that is about to be destroyed. */
static const CfdSealedTable sealed_tables[] = {
  { "patients", "patients", "id", "revision", "id", "key_version", "sealed", NULL },
  { "consents", "consents", "id", "revision", "patient_id", "key_version", "sealed", NULL },
  /* A signed record under its own key keeps its body; its wrapped key,
   * below, is what follows the patient key. */
  { "records", "records", "id", "revision", "patient_id", "key_version", "sealed",
    " AND id NOT IN (SELECT record_id FROM record_keys)" },
  /* Earlier revisions are sealed with the record's own table name and id. */
  { "record_revisions", "records", "record_id", "revision", "patient_id", "key_version", "sealed",
    NULL },
  { "reviews", "reviews", "id", "revision", "patient_id", "key_version", "sealed", NULL },
  { "risk_flag_entries", "risk_flag_entries", "id", "revision", "patient_id", "key_version",
    "sealed", NULL },
  { "rems_submissions", "rems_submissions", "id", "revision", "patient_id", "key_version", "sealed",
    NULL },
  { "chart_entries", "chart_entries", "id", "revision", "patient_id", "key_version", "sealed",
    NULL },
  { "record_keys", "record_keys", "record_id", "revision", "patient_id", "key_version", "sealed",
    NULL },
  { "authorizations", "authorizations", "id", "revision", "patient_id", "key_version", "sealed",
    NULL },
  /* An attachment's key; its chunks stay sealed under it. */
  { "attachments", "attachments", "id", "revision", "patient_id", "key_version", "wrapped_key",
    NULL },
};

static gboolean
reseal_table (CfdVault *vault,
              const CfdSealedTable *t,
              const char *patient_id,
              guint old_version,
              guint new_version,
              const guint8 old_key[CFD_KEY_BYTES],
              const guint8 new_key[CFD_KEY_BYTES],
              GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *select_sql = NULL;
  g_autofree char *update_sql = NULL;
  sqlite3_stmt *select, *update;
  int rc;

  select_sql
      = g_strdup_printf ("SELECT %s, %s, %s FROM %s WHERE %s = ? AND %s = ?%s", t->row_id_column,
                         t->revision_column, t->sealed_column, t->table, t->patient_id_column,
                         t->key_version_column, t->skip != NULL ? t->skip : "");
  update_sql = g_strdup_printf ("UPDATE %s SET %s = ?, %s = ? WHERE %s = ? AND %s = ?", t->table,
                                t->sealed_column, t->key_version_column, t->row_id_column,
                                t->revision_column);
  /* Two statements of their own: the update runs while the select steps. */
  if (sqlite3_prepare_v2 (cfd_db_handle (db), select_sql, -1, &select, NULL) != SQLITE_OK)
    {
      cfd_db_set_error (db, sqlite3_errcode (cfd_db_handle (db)), "rotating a key", error);
      return FALSE;
    }
  update = cfd_db_prepare (db, update_sql, error);
  if (update == NULL)
    {
      sqlite3_finalize (select);
      return FALSE;
    }

  sqlite3_bind_text (select, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (select, 2, old_version);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_autofree char *row_id = g_strdup ((const char *)sqlite3_column_text (select, 0));
      guint64 revision = (guint64)sqlite3_column_int64 (select, 1);
      g_autoptr (CfdAd) old_ad = cfd_patient_key_field_ad (vault, patient_id, old_version,
                                                           t->ad_table, row_id, revision);
      g_autoptr (CfdAd) new_ad = cfd_patient_key_field_ad (vault, patient_id, new_version,
                                                           t->ad_table, row_id, revision);
      g_autoptr (GBytes) plain = NULL;
      g_autoptr (GBytes) sealed = NULL;
      const guint8 *ad_data;
      gsize ad_len, plain_len;
      const guint8 *plain_data;

      ad_data = cfd_ad_data (old_ad, &ad_len);
      plain = cfd_aead_open (old_key, sqlite3_column_blob (select, 2),
                             (gsize)sqlite3_column_bytes (select, 2), ad_data, ad_len);
      /* A row that never opened under this key (planted, or damaged) is
       * left as it is, unreadable from now on, and reported: refusing the
       * rotation would let whoever planted it keep the key that a
       * revocation is taking away. */
      if (plain == NULL)
        {
          if (!cfd_vault_audit (vault, "vault.tamper", t->table, row_id, CFD_AUDIT_FAILURE,
                                "not rotated", error))
            {
              sqlite3_finalize (select);
              return FALSE;
            }
          continue;
        }
      plain_data = g_bytes_get_data (plain, &plain_len);
      ad_data = cfd_ad_data (new_ad, &ad_len);
      sealed = cfd_aead_seal (new_key, plain_data, plain_len, ad_data, ad_len);

      sqlite3_reset (update);
      cfd_db_bind_bytes (update, 1, sealed);
      sqlite3_bind_int64 (update, 2, new_version);
      sqlite3_bind_text (update, 3, row_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 4, (gint64)revision);
      if (!cfd_db_step_done (db, update, error))
        {
          sqlite3_finalize (select);
          return FALSE;
        }
    }
  sqlite3_finalize (select);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "rotating a key", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_patient_key_reseal_details (CfdVault *vault,
                                const char *patient_id,
                                guint key_version,
                                const guint8 patient_key[CFD_KEY_BYTES],
                                const guint8 details_key[CFD_KEY_BYTES],
                                GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (sealed_tables); i++)
    if (cfd_scoped_key_is_details_table (sealed_tables[i].ad_table)
        && !reseal_table (vault, &sealed_tables[i], patient_id, key_version, key_version,
                          patient_key, details_key, error))
      return FALSE;
  return TRUE;
}

/* Rotation of what lies beside the patient key: the details key is
 * replaced too (supervisors who keep a live consent get the new one), and
 * signed records under their own keys move to the new version without
 * being opened. */
static gboolean
rotate_scoped_keys (CfdVault *vault,
                    const char *patient_id,
                    guint version,
                    const guint8 new_key[CFD_KEY_BYTES],
                    const guint8 new_details_key[CFD_KEY_BYTES],
                    const char *const *exclude,
                    GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;

  if (!cfd_scoped_key_rotate_details_grants (vault, patient_id, version, new_details_key, exclude,
                                             error)
      || !cfd_scoped_key_create_details (vault, patient_id, version + 1, new_key, new_details_key,
                                         error))
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "UPDATE records SET key_version = ?2 WHERE patient_id = ?1 "
                         "AND key_version = ?3 AND id IN (SELECT record_id FROM record_keys)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version + 1);
  sqlite3_bind_int64 (stmt, 3, version);
  if (!cfd_db_step_done (db, stmt, error))
    return FALSE;
  stmt = cfd_db_prepare (
      db, "DELETE FROM details_grants WHERE patient_id = ?1 AND key_version <= ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  if (!cfd_db_step_done (db, stmt, error))
    return FALSE;
  stmt = cfd_db_prepare (db, "DELETE FROM details_keys WHERE patient_id = ?1 AND key_version <= ?2",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  return cfd_db_step_done (db, stmt, error);
}

static gboolean
current_key_version (CfdDb *db, const char *patient_id, guint *version, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT key_version FROM patients WHERE id = ?", error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    *version = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (!found)
    g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such patient"));
  return found;
}

static GPtrArray *
current_readers (CfdDb *db, const char *patient_id, guint version, GError **error)
{
  g_autoptr (GPtrArray) readers = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT user_id FROM patient_keys WHERE patient_id = ? AND key_version = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (readers, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  return g_steal_pointer (&readers);
}

/* Whether a reader of the current key keeps it through a rotation: their
 * grant verifies against the roster (granted by an owner or therapist
 * whose signature holds), and they are entitled now: an owner or
 * therapist of the roster, or a supervisor with a live, verified consent. */
static gboolean
reader_entitled (CfdVault *vault,
                 CfdDb *db,
                 const char *patient_id,
                 guint version,
                 const char *reader,
                 gboolean *entitled,
                 GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "SELECT k.sealed_key, k.granted_by, k.granted_at, k.signature, g.role, g.sign_pk, r.role "
      "FROM patient_keys k JOIN temp.roster g ON g.id = k.granted_by "
      "JOIN temp.roster r ON r.id = k.user_id AND r.removed = 0 "
      "WHERE k.patient_id = ? AND k.key_version = ? AND k.user_id = ?",
      error);
  g_autofree char *granted_by = NULL, *granter_role = NULL, *reader_role = NULL;
  guint8 sealed[CFD_SEALED_KEY_BYTES], signature[CFD_SIGNATURE_BYTES];
  guint8 granter_pk[CFD_SIGN_PK_BYTES];
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *msg_data;
  gsize msg_len;
  gint64 granted_at = 0;
  gboolean found;

  *entitled = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, reader, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW
          && sqlite3_column_bytes (stmt, 0) == CFD_SEALED_KEY_BYTES
          && sqlite3_column_bytes (stmt, 3) == CFD_SIGNATURE_BYTES
          && sqlite3_column_bytes (stmt, 5) == CFD_SIGN_PK_BYTES;
  if (found)
    {
      memcpy (sealed, sqlite3_column_blob (stmt, 0), sizeof sealed);
      granted_by = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      granted_at = sqlite3_column_int64 (stmt, 2);
      memcpy (signature, sqlite3_column_blob (stmt, 3), sizeof signature);
      granter_role = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      memcpy (granter_pk, sqlite3_column_blob (stmt, 5), sizeof granter_pk);
      reader_role = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (!found
      || (g_strcmp0 (granter_role, "owner") != 0 && g_strcmp0 (granter_role, "therapist") != 0))
    return TRUE;
  msg = grant_message (vault, patient_id, version, reader, sealed, granted_by, granted_at);
  msg_data = cfd_ad_data (msg, &msg_len);
  if (crypto_sign_verify_detached (signature, msg_data, msg_len, granter_pk) != 0)
    return TRUE;
  if (g_strcmp0 (reader_role, "supervisor") == 0)
    return cfd_consent_supervisor_entitled (vault, patient_id, reader, entitled, error);
  *entitled = TRUE;
  return TRUE;
}

gboolean
cfd_patient_key_rotate (CfdVault *vault,
                        const char *patient_id,
                        const char *const *exclude,
                        GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdKeyArena *arena;
  g_autoptr (CfdSecret) old_key = NULL;
  g_autoptr (CfdSecret) new_key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdSecret) old_details_key = NULL;
  g_autoptr (CfdSecret) new_details_key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (GPtrArray) readers = NULL;
  g_autofree char *new_name = NULL;
  const guint8 *key;
  guint version = 0;
  gboolean scoped;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db == NULL || cfd_db_in_transaction (db), FALSE);
  if (db == NULL || !current_key_version (db, patient_id, &version, error))
    return FALSE;
  scoped = cfd_scoped_keys_available (db);
  key = cfd_patient_key_get (vault, patient_id, version, error);
  if (key == NULL)
    return FALSE;
  old_key = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  cfd_random_bytes (new_key->data, CFD_KEY_BYTES);
  /* A patient from before record keys is upgraded first, so that the
   * supervisors who keep a consent get record keys, not the patient key. */
  if (!cfd_scoped_key_upgrade_patient (vault, patient_id, version, error))
    return FALSE;
  key = cfd_details_key_get (vault, patient_id, version, error);
  if (key == NULL)
    return FALSE;
  old_details_key = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  /* Before schema 8 (the tests make such databases) the details are under
   * the patient key itself. */
  if (scoped)
    cfd_random_bytes (new_details_key->data, CFD_KEY_BYTES);
  else
    memcpy (new_details_key->data, new_key->data, CFD_KEY_BYTES);

  readers = current_readers (db, patient_id, version, error);
  if (readers == NULL)
    return FALSE;
  for (guint i = 0; i < readers->len; i++)
    {
      const char *reader = g_ptr_array_index (readers, i);
      gboolean entitled = FALSE;

      if (exclude != NULL && g_strv_contains (exclude, reader))
        continue;
      /* A row in patient_keys alone (planted, or left from a consent that
       * lapsed) does not carry the new key forward. */
      if (!reader_entitled (vault, db, patient_id, version, reader, &entitled, error))
        return FALSE;
      if (!entitled)
        continue;
      if (!cfd_patient_key_insert_grant (vault, patient_id, version + 1, reader, new_key->data,
                                         NULL, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (sealed_tables); i++)
    {
      gboolean details = cfd_scoped_key_is_details_table (sealed_tables[i].ad_table);
      CfdSealedTable t = sealed_tables[i];

      if (!scoped && g_strcmp0 (t.table, "record_keys") == 0)
        continue;
      if (!scoped)
        t.skip = NULL;
      if (!reseal_table (vault, &t, patient_id, version, version + 1,
                         details ? old_details_key->data : old_key->data,
                         details ? new_details_key->data : new_key->data, error))
        return FALSE;
    }
  if (scoped
      && !rotate_scoped_keys (vault, patient_id, version, new_key->data, new_details_key->data,
                              exclude, error))
    return FALSE;

  stmt = cfd_db_prepare (db, "DELETE FROM patient_keys WHERE patient_id = ? AND key_version <= ?",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "key.rotate", "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           error))
    return FALSE;

  /* The arena is updated last; if the caller's commit fails it calls
   * cfd_patient_key_forget, and the old version is read again from disk. */
  arena = cfd_vault_get_key_arena (vault);
  new_name = cfd_patient_key_arena_name (patient_id, version + 1);
  memcpy (cfd_key_arena_insert (arena, new_name), new_key->data, CFD_KEY_BYTES);
  return TRUE;
}

void
cfd_patient_key_forget (CfdVault *vault, const char *patient_id, guint up_to_version)
{
  CfdKeyArena *arena = cfd_vault_get_key_arena (vault);

  for (guint v = 1; v <= up_to_version; v++)
    {
      g_autofree char *name = cfd_patient_key_arena_name (patient_id, v);
      g_autofree char *details_name = cfd_details_key_arena_name (patient_id, v);

      cfd_key_arena_remove (arena, name);
      cfd_key_arena_remove (arena, details_name);
    }
}

gboolean
cfd_patient_key_regrant_to_new_box_key (CfdVault *vault,
                                        const char *patient_id,
                                        guint key_version,
                                        const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                                        const char *signer_id,
                                        const guint8 *signer_sk,
                                        GError **error)
{
  const guint8 *key = cfd_patient_key_get (vault, patient_id, key_version, error);
  g_autoptr (CfdSecret) copy = NULL;

  if (key == NULL)
    return FALSE;
  copy = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  return store_grant (vault, patient_id, key_version, cfd_vault_get_user_id (vault), new_box_pk,
                      copy->data, signer_id, signer_sk, error);
}
