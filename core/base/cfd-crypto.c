/* cfd-crypto.c: the few constructions Confidant builds from libsodium, in one place. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-crypto.h"
#include "cfd-error.h"

G_STATIC_ASSERT (CFD_AEAD_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
G_STATIC_ASSERT (CFD_AEAD_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES);
G_STATIC_ASSERT (CFD_SALT_BYTES == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT (CFD_SEALED_KEY_BYTES == CFD_KEY_BYTES + crypto_box_SEALBYTES);
G_STATIC_ASSERT (CFD_SIGN_SK_BYTES == crypto_sign_SECRETKEYBYTES);

/* Tests build core with CFD_TESTING; the app and the CLI link the build
 * without it, where this flag cannot be set. */
static gboolean allow_weak_params;

void
cfd_kdf_params_moderate (CfdKdfParams *params)
{
  params->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
  params->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
}

gboolean
cfd_kdf_params_within_ceiling (const CfdKdfParams *params)
{
  /* Confidant writes at most 12 passes of 256 MiB (cfd_kdf_calibrate).
   * Anything far beyond would make an unlock hang for minutes or exhaust
   * memory: a keyring asking for it is damaged or hostile. */
  return params->opslimit <= CFD_KDF_MAX_OPSLIMIT && params->memlimit <= CFD_KDF_MAX_MEMLIMIT
         && params->opslimit * params->memlimit <= CFD_KDF_MAX_COST;
}

gboolean
cfd_kdf_params_acceptable (const CfdKdfParams *params)
{
  if (!cfd_kdf_params_within_ceiling (params))
    return FALSE;
  if (allow_weak_params)
    return params->opslimit >= crypto_pwhash_OPSLIMIT_MIN
           && params->memlimit >= crypto_pwhash_MEMLIMIT_MIN;
  return params->opslimit >= crypto_pwhash_OPSLIMIT_MODERATE
         && params->memlimit >= crypto_pwhash_MEMLIMIT_MODERATE;
}

#ifdef CFD_TESTING
void
cfd_kdf_allow_weak_params_for_testing (gboolean allow)
{
  allow_weak_params = allow;
}

void
cfd_kdf_params_weak_for_testing (CfdKdfParams *params)
{
  params->opslimit = crypto_pwhash_OPSLIMIT_MIN;
  params->memlimit = crypto_pwhash_MEMLIMIT_MIN;
}
#endif

/* Raises the time cost above MODERATE on fast machines so an unlock takes
 * roughly half a second; never lowers it. */
void
cfd_kdf_calibrate (CfdKdfParams *params)
{
  static const char probe[] = "calibration";
  guint8 salt[CFD_SALT_BYTES] = { 0 };
  guint8 out[CFD_KEY_BYTES];
  gint64 start, elapsed;

  if (allow_weak_params && params->memlimit < crypto_pwhash_MEMLIMIT_MODERATE)
    return;

  cfd_kdf_params_moderate (params);
  start = g_get_monotonic_time ();
  if (crypto_pwhash (out, sizeof out, probe, strlen (probe), salt, params->opslimit,
                     params->memlimit, crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    return;
  elapsed = MAX (g_get_monotonic_time () - start, 1);
  sodium_memzero (out, sizeof out);

  if (elapsed < 400000)
    params->opslimit = MIN (params->opslimit * 500000 / (guint64)elapsed, 12);
}

gboolean
cfd_kdf_derive (guint8 key[CFD_KEY_BYTES],
                const char *passphrase,
                gsize passphrase_len,
                const guint8 salt[CFD_SALT_BYTES],
                const CfdKdfParams *params,
                GError **error)
{
  if (!cfd_kdf_params_acceptable (params))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WEAK_KDF,
                   _ ("The key derivation settings are outside the accepted range"));
      return FALSE;
    }

  if (crypto_pwhash (key, CFD_KEY_BYTES, passphrase, passphrase_len, salt, params->opslimit,
                     (size_t)params->memlimit, crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED,
                   _ ("Not enough memory to derive the key from the passphrase"));
      return FALSE;
    }
  return TRUE;
}

GBytes *
cfd_aead_seal (const guint8 key[CFD_KEY_BYTES],
               const guint8 *plaintext,
               gsize plaintext_len,
               const guint8 *ad,
               gsize ad_len)
{
  gsize sealed_len = CFD_AEAD_NONCE_BYTES + plaintext_len + CFD_AEAD_TAG_BYTES;
  guint8 *sealed = g_malloc (sealed_len);
  unsigned long long ciphertext_len = 0;

  randombytes_buf (sealed, CFD_AEAD_NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed + CFD_AEAD_NONCE_BYTES, &ciphertext_len,
                                              plaintext, plaintext_len, ad, ad_len, NULL, sealed,
                                              key);
  g_assert (ciphertext_len == plaintext_len + CFD_AEAD_TAG_BYTES);
  return g_bytes_new_take (sealed, sealed_len);
}

GBytes *
cfd_aead_open (const guint8 key[CFD_KEY_BYTES],
               const guint8 *sealed,
               gsize sealed_len,
               const guint8 *ad,
               gsize ad_len)
{
  gsize plaintext_len;
  guint8 *plaintext;

  if (sealed == NULL || sealed_len < CFD_AEAD_NONCE_BYTES + CFD_AEAD_TAG_BYTES)
    return NULL;

  plaintext_len = sealed_len - CFD_AEAD_NONCE_BYTES - CFD_AEAD_TAG_BYTES;
  plaintext = g_malloc (MAX (plaintext_len, 1));
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (
          plaintext, NULL, NULL, sealed + CFD_AEAD_NONCE_BYTES, sealed_len - CFD_AEAD_NONCE_BYTES,
          ad, ad_len, sealed, key)
      != 0)
    {
      g_free (plaintext);
      return NULL;
    }
  return cfd_wiped_bytes_new_take (plaintext, plaintext_len);
}

struct _CfdAd
{
  GByteArray *bytes;
};

CfdAd *
cfd_ad_new (const char *context)
{
  CfdAd *ad = g_new0 (CfdAd, 1);

  ad->bytes = g_byte_array_new ();
  cfd_ad_add_string (ad, context);
  return ad;
}

void
cfd_ad_add_bytes (CfdAd *ad, const guint8 *value, gsize len)
{
  guint8 prefix[4];

  prefix[0] = (len >> 24) & 0xff;
  prefix[1] = (len >> 16) & 0xff;
  prefix[2] = (len >> 8) & 0xff;
  prefix[3] = len & 0xff;
  g_byte_array_append (ad->bytes, prefix, sizeof prefix);
  if (len > 0)
    g_byte_array_append (ad->bytes, value, len);
}

void
cfd_ad_add_string (CfdAd *ad, const char *value)
{
  cfd_ad_add_bytes (ad, (const guint8 *)value, strlen (value));
}

void
cfd_ad_add_uint (CfdAd *ad, guint64 value)
{
  guint64 be = GUINT64_TO_BE (value);

  cfd_ad_add_bytes (ad, (const guint8 *)&be, sizeof be);
}

const guint8 *
cfd_ad_data (CfdAd *ad, gsize *len)
{
  *len = ad->bytes->len;
  return ad->bytes->data;
}

void
cfd_ad_free (CfdAd *ad)
{
  if (ad == NULL)
    return;
  g_byte_array_unref (ad->bytes);
  g_free (ad);
}

void
cfd_random_bytes (guint8 *out, gsize len)
{
  randombytes_buf (out, len);
}

/* Record and patient ids: 128 random bits as 32 lowercase hex digits. */
char *
cfd_new_id (void)
{
  guint8 raw[16];

  randombytes_buf (raw, sizeof raw);
  return cfd_hex_encode (raw, sizeof raw);
}

void
cfd_hash (guint8 out[CFD_HASH_BYTES], const guint8 *data, gsize len)
{
  crypto_generichash (out, CFD_HASH_BYTES, data, len, NULL, 0);
}

void
cfd_keyed_hash (guint8 out[CFD_HASH_BYTES],
                const guint8 key[CFD_KEY_BYTES],
                const guint8 *data,
                gsize len)
{
  crypto_generichash (out, CFD_HASH_BYTES, data, len, key, CFD_KEY_BYTES);
}

char *
cfd_hex_encode (const guint8 *data, gsize len)
{
  char *hex = g_malloc (len * 2 + 1);

  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

gboolean
cfd_constant_time_equal (const guint8 *a, const guint8 *b, gsize len)
{
  return sodium_memcmp (a, b, len) == 0;
}

/* Tests flip this to run the big-endian path on a little-endian machine. */
static gboolean pretend_big_endian;

#ifdef CFD_TESTING
void
cfd_variant_pretend_big_endian_for_testing (gboolean pretend)
{
  pretend_big_endian = pretend;
}
#endif

static gboolean
host_is_big_endian (void)
{
  return G_BYTE_ORDER == G_BIG_ENDIAN || pretend_big_endian;
}

/* The result is wiped when freed: it is often the plaintext about to be
 * sealed. A value built with g_variant_new is serialised straight into it. */
GBytes *
cfd_variant_to_wire (GVariant *value)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (value);
  g_autoptr (GVariant) normal = g_variant_get_normal_form (owned);
  g_autoptr (GVariant) swapped = host_is_big_endian () ? g_variant_byteswap (normal) : NULL;
  GVariant *wire = swapped != NULL ? swapped : normal;
  gsize size = g_variant_get_size (wire);
  guint8 *data = g_malloc (MAX (size, 1));

  g_variant_store (wire, data);
  return cfd_wiped_bytes_new_take (data, size);
}

GVariant *
cfd_variant_from_wire (const GVariantType *type, GBytes *bytes)
{
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));

  /* Checked before swapping: byteswap would quietly normalise bad input,
   * and a second encoding of the same content must stay an error. */
  if (!g_variant_is_normal_form (value))
    return NULL;
  if (host_is_big_endian ())
    return g_variant_byteswap (value);
  return g_steal_pointer (&value);
}
