/* cfd-record-sign.c: the canonical form of a record's content, its signature hash, verification. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-record-private.h"
#include "cfd-verified-cache.h"

#define VERIFIED_KEY  "cfd-record-verified"
#define CONNECTED_KEY "cfd-record-verified-connected"

static int
compare_key_pointers (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

GVariant *
cfd_record_content_canonical (GVariant *content)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (content);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  g_autoptr (GVariant) sorted = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  guint8 *buffer;
  gsize size;

  g_variant_iter_init (&iter, content);
  while (g_variant_iter_next (&iter, "{&s@v}", &key, NULL))
    g_ptr_array_add (keys, (gpointer)key);
  g_ptr_array_sort (keys, compare_key_pointers);

  /* The tree only references the caller's values; the one serialized copy
   * goes straight into a buffer that is wiped when freed. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);

      g_autoptr (GVariant) value = NULL;

      if (i > 0 && strcmp (k, g_ptr_array_index (keys, i - 1)) == 0)
        continue;
      /* "v" takes a reference of its own; lookup_value's is dropped here. */
      value = g_variant_lookup_value (content, k, NULL);
      g_variant_builder_add (&builder, "{sv}", k, value);
    }
  sorted = g_variant_ref_sink (g_variant_builder_end (&builder));
  size = g_variant_get_size (sorted);
  buffer = g_malloc (MAX (size, 1));
  /* byte order: host order, in memory only; hashing goes through the wire form. */
  g_variant_store (sorted, buffer);
  bytes = cfd_wiped_bytes_new_take (buffer, size);
  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
}

void
cfd_record_signature_hash_for_vault_id (guint8 out[CFD_HASH_BYTES],
                                        const char *vault_id,
                                        const char *record_id,
                                        const char *patient_id,
                                        CfdRecordKind kind,
                                        CfdRecordCategory category,
                                        const char *parent_id,
                                        const char *author_id,
                                        gint64 occurred,
                                        gint64 signed_at,
                                        GVariant *canonical_content)
{
  g_autoptr (CfdAd) header = cfd_ad_new ("confidant/record-signature/v1");
  crypto_generichash_state state;
  g_autoptr (GBytes) content = cfd_variant_to_wire (canonical_content);
  const guint8 *data;
  gsize len, content_len = g_bytes_get_size (content);
  guint8 prefix[4];

  cfd_ad_add_string (header, vault_id);
  cfd_ad_add_string (header, record_id);
  cfd_ad_add_string (header, patient_id);
  cfd_ad_add_string (header, cfd_record_kind_to_string (kind));
  cfd_ad_add_string (header, cfd_record_category_to_string (category));
  cfd_ad_add_string (header, parent_id != NULL ? parent_id : "");
  cfd_ad_add_string (header, author_id);
  cfd_ad_add_uint (header, (guint64)occurred);
  cfd_ad_add_uint (header, (guint64)signed_at);

  /* The content is the last length-prefixed item; it is hashed in place
   * rather than copied into the (unwiped) header buffer. */
  data = cfd_ad_data (header, &len);
  prefix[0] = (content_len >> 24) & 0xff;
  prefix[1] = (content_len >> 16) & 0xff;
  prefix[2] = (content_len >> 8) & 0xff;
  prefix[3] = content_len & 0xff;
  crypto_generichash_init (&state, NULL, 0, CFD_HASH_BYTES);
  crypto_generichash_update (&state, data, len);
  crypto_generichash_update (&state, prefix, sizeof prefix);
  crypto_generichash_update (&state, g_bytes_get_data (content, NULL), content_len);
  crypto_generichash_final (&state, out, CFD_HASH_BYTES);
}

void
cfd_record_signature_hash (guint8 out[CFD_HASH_BYTES],
                           CfdVault *vault,
                           const char *record_id,
                           const char *patient_id,
                           CfdRecordKind kind,
                           CfdRecordCategory category,
                           const char *parent_id,
                           const char *author_id,
                           gint64 occurred,
                           gint64 signed_at,
                           GVariant *canonical_content)
{
  cfd_record_signature_hash_for_vault_id (out, cfd_vault_get_id (vault), record_id, patient_id,
                                          kind, category, parent_id, author_id, occurred, signed_at,
                                          canonical_content);
}

static void
forget_verified (CfdVault *vault, gpointer user_data)
{
  g_object_set_data (G_OBJECT (vault), VERIFIED_KEY, NULL);
}

static GHashTable *
verified_cache (CfdVault *vault)
{
  GHashTable *cache = g_object_get_data (G_OBJECT (vault), VERIFIED_KEY);

  if (cache != NULL)
    return cache;
  cache = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
  g_object_set_data_full (G_OBJECT (vault), VERIFIED_KEY, cache,
                          (GDestroyNotify)g_hash_table_unref);
  if (g_object_get_data (G_OBJECT (vault), CONNECTED_KEY) == NULL)
    {
      g_signal_connect (vault, "locked", G_CALLBACK (forget_verified), NULL);
      g_object_set_data (G_OBJECT (vault), CONNECTED_KEY, GINT_TO_POINTER (1));
    }
  return cache;
}

gboolean
cfd_record_signature_verify (CfdVault *vault,
                             const guint8 hash[CFD_HASH_BYTES],
                             const guint8 *signature,
                             gsize signature_len,
                             const guint8 *sign_pk,
                             gsize sign_pk_len)
{
  return cfd_record_signature_verify_for_patient (vault, NULL, hash, signature, signature_len,
                                                  sign_pk, sign_pk_len);
}

gboolean
cfd_record_signature_verify_for_patient (CfdVault *vault,
                                         const char *patient_id,
                                         const guint8 hash[CFD_HASH_BYTES],
                                         const guint8 *signature,
                                         gsize signature_len,
                                         const guint8 *sign_pk,
                                         gsize sign_pk_len)
{
  crypto_generichash_state state;
  guint8 digest[CFD_HASH_BYTES];
  g_autoptr (GBytes) key = NULL;
  GHashTable *cache;

  if (signature == NULL || signature_len != CFD_SIGNATURE_BYTES || sign_pk == NULL
      || sign_pk_len != CFD_SIGN_PK_BYTES)
    return FALSE;

  crypto_generichash_init (&state, NULL, 0, sizeof digest);
  crypto_generichash_update (&state, sign_pk, sign_pk_len);
  crypto_generichash_update (&state, hash, CFD_HASH_BYTES);
  crypto_generichash_update (&state, signature, signature_len);
  crypto_generichash_final (&state, digest, sizeof digest);
  key = g_bytes_new (digest, sizeof digest);
  cache = verified_cache (vault);
  if (g_hash_table_contains (cache, key))
    return TRUE;

  /* Verified by this user at an earlier unlock: their own tag says so. */
  if (patient_id != NULL && cfd_verified_cache_contains (vault, patient_id, digest))
    {
      g_hash_table_add (cache, g_steal_pointer (&key));
      return TRUE;
    }
  if (crypto_sign_verify_detached (signature, hash, CFD_HASH_BYTES, sign_pk) != 0)
    return FALSE;
  if (patient_id != NULL)
    cfd_verified_cache_remember (vault, patient_id, digest);
  g_hash_table_add (cache, g_steal_pointer (&key));
  return TRUE;
}
