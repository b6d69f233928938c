/* cfd-verified-cache.c: which record signatures this user has already verified, kept across unlocks.
 *
 * The first timeline opened after an unlock spent half its time on one
 * Ed25519 verification per signed record (about 40 µs each), although the
 * same user had verified the same signatures before. Each verification
 * that succeeds leaves a tag in verified_signatures: a keyed BLAKE2b,
 * under a key derived from the user's own X25519 secret, of the signer's
 * key as the roster has it, the record's signature hash (over its content
 * and metadata) and the signature. A record, signature or signer changed
 * in any bit gives another tag, so it is verified in full and a bad one is
 * reported as before; nobody without the user's secret can make a tag that
 * matches. The reasoning is in docs/SECURITY.md. */
#include "config.h"

#include <string.h>

#include "cfd-verified-cache.h"

#define CACHE_DATA_KEY "cfd-verified-cache"
#define CONNECTED_KEY  "cfd-verified-cache-connected"

typedef struct
{
  char *patient_id;
  guint8 tag[CFD_HASH_BYTES];
} PendingTag;

typedef struct
{
  CfdSecret *key;     /* derived from the user's X25519 secret */
  GHashTable *loaded; /* patient id -> set of tags (GBytes) read or written */
  GArray *pending;    /* PendingTag, not yet written */
} VerifiedCache;

static void
pending_tag_clear (gpointer data)
{
  g_free (((PendingTag *)data)->patient_id);
}

static void
verified_cache_free (gpointer data)
{
  VerifiedCache *cache = data;

  cfd_secret_free (cache->key);
  g_hash_table_unref (cache->loaded);
  g_array_unref (cache->pending);
  g_free (cache);
}

static void
forget_cache (CfdVault *vault)
{
  g_object_set_data (G_OBJECT (vault), CACHE_DATA_KEY, NULL);
}

static VerifiedCache *
get_cache (CfdVault *vault)
{
  VerifiedCache *cache = g_object_get_data (G_OBJECT (vault), CACHE_DATA_KEY);
  g_autoptr (CfdAd) context = NULL;
  const guint8 *data;
  gsize len;

  if (cache != NULL)
    return cache;
  cache = g_new0 (VerifiedCache, 1);
  cache->key = cfd_secret_new (CFD_KEY_BYTES);
  context = cfd_ad_new ("confidant/verified-cache/key/v1");
  cfd_ad_add_string (context, cfd_vault_get_id (vault));
  cfd_ad_add_string (context, cfd_vault_get_user_id (vault));
  data = cfd_ad_data (context, &len);
  cfd_keyed_hash (cache->key->data, cfd_vault_get_box_secret_key (vault), data, len);
  cache->loaded
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
  cache->pending = g_array_new (FALSE, FALSE, sizeof (PendingTag));
  g_array_set_clear_func (cache->pending, pending_tag_clear);
  g_object_set_data_full (G_OBJECT (vault), CACHE_DATA_KEY, cache, verified_cache_free);
  if (g_object_get_data (G_OBJECT (vault), CONNECTED_KEY) == NULL)
    {
      g_signal_connect (vault, "locked", G_CALLBACK (forget_cache), NULL);
      g_object_set_data (G_OBJECT (vault), CONNECTED_KEY, GINT_TO_POINTER (1));
    }
  return cache;
}

static void
make_tag (VerifiedCache *cache, const guint8 digest[CFD_HASH_BYTES], guint8 tag[CFD_HASH_BYTES])
{
  cfd_keyed_hash (tag, cache->key->data, digest, CFD_HASH_BYTES);
}

/* The patient's tags, read in one query the first time they are asked
 * for; NULL with an error when they cannot be read (damaged pages). A
 * vault without the table (an older schema) has none. */
static GHashTable *
patient_tags (CfdVault *vault, VerifiedCache *cache, const char *patient_id, GError **error)
{
  GHashTable *tags = g_hash_table_lookup (cache->loaded, patient_id);
  g_autoptr (GHashTable) read = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  if (tags != NULL)
    return tags;
  db = cfd_vault_get_db (vault, error);
  if (db == NULL)
    return NULL;
  read = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
  stmt = cfd_db_prepare (
      db, "SELECT tag FROM verified_signatures WHERE user_id = ? AND patient_id = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        if (sqlite3_column_bytes (stmt, 0) == CFD_HASH_BYTES)
          g_hash_table_add (read, g_bytes_new (sqlite3_column_blob (stmt, 0), CFD_HASH_BYTES));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          cfd_db_set_error (db, rc, "reading verified signatures", error);
          return NULL;
        }
    }
  tags = g_steal_pointer (&read);
  g_hash_table_insert (cache->loaded, g_strdup (patient_id), tags);
  return tags;
}

gboolean
cfd_verified_cache_load (CfdVault *vault, const char *patient_id, GError **error)
{
  return patient_tags (vault, get_cache (vault), patient_id, error) != NULL;
}

gboolean
cfd_verified_cache_contains (CfdVault *vault,
                             const char *patient_id,
                             const guint8 digest[CFD_HASH_BYTES])
{
  VerifiedCache *cache = get_cache (vault);
  GHashTable *tags = patient_tags (vault, cache, patient_id, NULL);
  guint8 tag[CFD_HASH_BYTES];
  g_autoptr (GBytes) key = NULL;

  if (tags == NULL)
    return FALSE;
  make_tag (cache, digest, tag);
  key = g_bytes_new (tag, sizeof tag);
  return g_hash_table_contains (tags, key);
}

void
cfd_verified_cache_remember (CfdVault *vault,
                             const char *patient_id,
                             const guint8 digest[CFD_HASH_BYTES])
{
  VerifiedCache *cache = get_cache (vault);
  GHashTable *tags = patient_tags (vault, cache, patient_id, NULL);
  PendingTag pending = { g_strdup (patient_id), { 0 } };

  make_tag (cache, digest, pending.tag);
  if (tags != NULL)
    g_hash_table_add (tags, g_bytes_new (pending.tag, CFD_HASH_BYTES));
  g_array_append_val (cache->pending, pending);
}

gboolean
cfd_verified_cache_save (CfdVault *vault, GError **error)
{
  VerifiedCache *cache = g_object_get_data (G_OBJECT (vault), CACHE_DATA_KEY);
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (cache == NULL || cache->pending->len == 0 || db == NULL)
    return TRUE;
  g_return_val_if_fail (cfd_db_in_transaction (db), TRUE);
  if (!cfd_db_exec (db, "SAVEPOINT verified_cache", &local_error))
    {
      g_debug ("Verified signatures were not saved: %s", local_error->message);
      g_array_set_size (cache->pending, 0);
      return TRUE;
    }
  stmt = cfd_db_prepare (db,
                         "INSERT OR IGNORE INTO verified_signatures (user_id, patient_id, tag) "
                         "VALUES (?, ?, ?)",
                         &local_error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < cache->pending->len; i++)
    {
      PendingTag *pending = &g_array_index (cache->pending, PendingTag, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, pending->patient_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 3, pending->tag, CFD_HASH_BYTES, SQLITE_TRANSIENT);
      ok = cfd_db_step_done (db, stmt, &local_error);
    }
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
      g_debug ("Verified signatures were not saved: %s", local_error->message);
      if (!cfd_db_exec (db, "ROLLBACK TO verified_cache", NULL))
        g_debug ("Could not roll back to the verified signatures' savepoint");
    }
  if (!cfd_db_exec (db, "RELEASE verified_cache", NULL))
    g_debug ("Could not release the verified signatures' savepoint");
  return TRUE;
}
