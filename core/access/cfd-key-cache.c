/* cfd-key-cache.c: a user's own cache of the patient keys they have already unwrapped.
 *
 * Opening a patient key from its grant costs an Ed25519 verification and
 * an X25519 unseal, about 70 µs; the first patient list after an unlock
 * pays that once per patient. A user who has verified a grant keeps the
 * key in the table patient_key_cache, sealed (XChaCha20-Poly1305) under a
 * key derived from their own X25519 secret, with associated data that
 * names the vault, the user, the patient, the key version and a digest of
 * the grant row and its granter as the roster has them. An entry opens
 * only for this user and only while that grant is unchanged: any other
 * grant, a granter demoted or re-keyed in the roster, or a tampered entry
 * fall back to the full verification. Deleting a grant (rotation,
 * revocation, patient deletion) deletes its entries by trigger. The
 * reasoning is in docs/SECURITY.md, "Cache of unwrapped patient keys". */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-key-cache.h"

#define CACHE_DATA_KEY "cfd-key-cache"
#define CONNECTED_KEY  "cfd-key-cache-connected"

#define ENTRY_BYTES (CFD_AEAD_NONCE_BYTES + CFD_KEY_BYTES + CFD_AEAD_TAG_BYTES)

typedef struct
{
  char *patient_id;
  guint key_version;
  guint8 sealed[ENTRY_BYTES];
} PendingEntry;

typedef struct
{
  CfdSecret *key;      /* derived from the user's X25519 secret */
  GHashTable *entries; /* "patient/version" -> sealed entry (GBytes), as read */
  GArray *pending;     /* PendingEntry, not yet written */
  guint hits;
} KeyCache;

static void
pending_entry_clear (gpointer data)
{
  PendingEntry *entry = data;

  g_free (entry->patient_id);
}

static void
key_cache_free (gpointer data)
{
  KeyCache *cache = data;

  cfd_secret_free (cache->key);
  g_clear_pointer (&cache->entries, g_hash_table_unref);
  g_array_unref (cache->pending);
  g_free (cache);
}

static void
forget_cache (CfdVault *vault)
{
  g_object_set_data (G_OBJECT (vault), CACHE_DATA_KEY, NULL);
}

/* The cache key: a keyed BLAKE2b of the vault and user ids under the
 * user's X25519 secret, which only their passphrase (or recovery key)
 * unwraps. Whoever holds the database key alone cannot derive it. */
static KeyCache *
get_cache (CfdVault *vault)
{
  KeyCache *cache = g_object_get_data (G_OBJECT (vault), CACHE_DATA_KEY);
  g_autoptr (CfdAd) context = NULL;
  const guint8 *data;
  gsize len;

  if (cache != NULL)
    return cache;
  cache = g_new0 (KeyCache, 1);
  cache->key = cfd_secret_new (CFD_KEY_BYTES);
  context = cfd_ad_new ("confidant/key-cache/key/v1");
  cfd_ad_add_string (context, cfd_vault_get_id (vault));
  cfd_ad_add_string (context, cfd_vault_get_user_id (vault));
  data = cfd_ad_data (context, &len);
  cfd_keyed_hash (cache->key->data, cfd_vault_get_box_secret_key (vault), data, len);
  cache->pending = g_array_new (FALSE, FALSE, sizeof (PendingEntry));
  g_array_set_clear_func (cache->pending, pending_entry_clear);
  g_object_set_data_full (G_OBJECT (vault), CACHE_DATA_KEY, cache, key_cache_free);
  if (g_object_get_data (G_OBJECT (vault), CONNECTED_KEY) == NULL)
    {
      g_signal_connect (vault, "locked", G_CALLBACK (forget_cache), NULL);
      g_object_set_data (G_OBJECT (vault), CONNECTED_KEY, GINT_TO_POINTER (1));
    }
  return cache;
}

static char *
entry_name (const char *patient_id, guint key_version)
{
  return g_strdup_printf ("%s/%u", patient_id, key_version);
}

/* One scan of the user's entries. Sealed entries are not secret; they are
 * kept as read, and opened one at a time when their grant is looked up.
 * A table that cannot be read (damaged pages) is an error; a vault without
 * the table (an older schema) has no entries. */
static gboolean
load_entries (CfdVault *vault, KeyCache *cache, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  cache->entries
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (
      db, "SELECT patient_id, key_version, sealed FROM patient_key_cache WHERE user_id = ?", NULL);
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *patient_id = (const char *)sqlite3_column_text (stmt, 0);

      if (patient_id == NULL || sqlite3_column_bytes (stmt, 2) != ENTRY_BYTES)
        continue;
      g_hash_table_insert (cache->entries,
                           entry_name (patient_id, (guint)sqlite3_column_int64 (stmt, 1)),
                           g_bytes_new (sqlite3_column_blob (stmt, 2), ENTRY_BYTES));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the patient key cache", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_key_cache_load (CfdVault *vault, GError **error)
{
  KeyCache *cache = get_cache (vault);

  if (cache->entries != NULL)
    return TRUE;
  return load_entries (vault, cache, error);
}

static CfdAd *
entry_ad (CfdVault *vault,
          const char *patient_id,
          guint key_version,
          const guint8 grant_digest[CFD_HASH_BYTES])
{
  CfdAd *ad = cfd_ad_new ("confidant/key-cache/entry/v1");

  cfd_ad_add_string (ad, cfd_vault_get_id (vault));
  cfd_ad_add_string (ad, cfd_vault_get_user_id (vault));
  cfd_ad_add_string (ad, patient_id);
  cfd_ad_add_uint (ad, key_version);
  cfd_ad_add_bytes (ad, grant_digest, CFD_HASH_BYTES);
  return ad;
}

void
cfd_key_cache_grant_digest (guint8 digest[CFD_HASH_BYTES],
                            const guint8 *grant_message,
                            gsize grant_message_len,
                            const guint8 *signature,
                            const char *granter_role,
                            const guint8 *granter_sign_pk)
{
  g_autoptr (CfdAd) grant = cfd_ad_new ("confidant/key-cache/grant/v1");
  const guint8 *data;
  gsize len;

  cfd_ad_add_bytes (grant, grant_message, grant_message_len);
  cfd_ad_add_bytes (grant, signature, CFD_SIGNATURE_BYTES);
  cfd_ad_add_string (grant, granter_role);
  cfd_ad_add_bytes (grant, granter_sign_pk, CFD_SIGN_PK_BYTES);
  data = cfd_ad_data (grant, &len);
  cfd_hash (digest, data, len);
}

gboolean
cfd_key_cache_lookup (CfdVault *vault,
                      const char *patient_id,
                      guint key_version,
                      const guint8 grant_digest[CFD_HASH_BYTES],
                      guint8 key[CFD_KEY_BYTES])
{
  KeyCache *cache = get_cache (vault);
  g_autofree char *name = entry_name (patient_id, key_version);
  g_autoptr (CfdAd) ad = NULL;
  const guint8 *ad_data, *sealed;
  gsize ad_len;
  GBytes *entry;

  if (cache->entries == NULL && !load_entries (vault, cache, NULL))
    return FALSE;
  entry = g_hash_table_lookup (cache->entries, name);
  if (entry == NULL)
    return FALSE;
  ad = entry_ad (vault, patient_id, key_version, grant_digest);
  ad_data = cfd_ad_data (ad, &ad_len);
  sealed = g_bytes_get_data (entry, NULL);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (key, NULL, NULL, sealed + CFD_AEAD_NONCE_BYTES,
                                                  ENTRY_BYTES - CFD_AEAD_NONCE_BYTES, ad_data,
                                                  ad_len, sealed, cache->key->data)
      != 0)
    {
      /* Stale (the grant or its granter changed) or damaged: either way
       * the caller verifies the grant and a fresh entry replaces this one. */
      sodium_memzero (key, CFD_KEY_BYTES);
      g_hash_table_remove (cache->entries, name);
      return FALSE;
    }
  cache->hits++;
  return TRUE;
}

void
cfd_key_cache_remember (CfdVault *vault,
                        const char *patient_id,
                        guint key_version,
                        const guint8 grant_digest[CFD_HASH_BYTES],
                        const guint8 key[CFD_KEY_BYTES])
{
  KeyCache *cache = get_cache (vault);
  g_autoptr (CfdAd) ad = entry_ad (vault, patient_id, key_version, grant_digest);
  PendingEntry entry = { g_strdup (patient_id), key_version, { 0 } };
  const guint8 *ad_data;
  gsize ad_len;

  ad_data = cfd_ad_data (ad, &ad_len);
  cfd_random_bytes (entry.sealed, CFD_AEAD_NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (entry.sealed + CFD_AEAD_NONCE_BYTES, NULL, key,
                                              CFD_KEY_BYTES, ad_data, ad_len, NULL, entry.sealed,
                                              cache->key->data);
  g_array_append_val (cache->pending, entry);
}

gboolean
cfd_key_cache_save (CfdVault *vault, GError **error)
{
  KeyCache *cache = g_object_get_data (G_OBJECT (vault), CACHE_DATA_KEY);
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (cache == NULL || cache->pending->len == 0 || db == NULL)
    return TRUE;
  g_return_val_if_fail (cfd_db_in_transaction (db), TRUE);
  if (!cfd_db_exec (db, "SAVEPOINT key_cache", &local_error))
    {
      g_debug ("The patient key cache was not saved: %s", local_error->message);
      g_array_set_size (cache->pending, 0);
      return TRUE;
    }
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO patient_key_cache (user_id, patient_id, "
                         "key_version, sealed) VALUES (?, ?, ?, ?)",
                         &local_error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < cache->pending->len; i++)
    {
      PendingEntry *entry = &g_array_index (cache->pending, PendingEntry, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, entry->patient_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, entry->key_version);
      sqlite3_bind_blob (stmt, 4, entry->sealed, ENTRY_BYTES, SQLITE_STATIC);
      ok = cfd_db_step_done (db, stmt, &local_error);
    }
  if (stmt != NULL)
    sqlite3_clear_bindings (stmt);
  g_array_set_size (cache->pending, 0);
  /* Some errors (a damaged page, a full disk) make SQLite roll back the
   * whole transaction, the caller's work with it: that is the caller's
   * error to report, as it would have been had its own write met it. */
  if (!ok && !cfd_db_in_transaction (db))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!ok)
    {
      g_debug ("The patient key cache was not saved: %s", local_error->message);
      if (!cfd_db_exec (db, "ROLLBACK TO key_cache", NULL))
        g_debug ("Could not roll back to the key cache's savepoint");
    }
  if (!cfd_db_exec (db, "RELEASE key_cache", NULL))
    g_debug ("Could not release the key cache's savepoint");
  return TRUE;
}

#ifdef CFD_TESTING
guint
cfd_key_cache_hits_for_testing (CfdVault *vault)
{
  KeyCache *cache = g_object_get_data (G_OBJECT (vault), CACHE_DATA_KEY);

  return cache != NULL ? cache->hits : 0;
}
#endif
