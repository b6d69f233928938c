/* cfd-crypto.h: the few constructions Confidant builds from libsodium, in one place. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-secure-private.h"
#include "cfd-types.h"

G_BEGIN_DECLS

/* Version byte that leads the associated data of every encrypted field. */
#define CFD_FIELD_FORMAT_VERSION 1

typedef struct
{
  guint64 opslimit;
  guint64 memlimit;
} CfdKdfParams;

/* Argon2id costs: the floor for every vault a person creates, and what tests
 * may use through the testing build only. */
void cfd_kdf_params_moderate (CfdKdfParams *params);
gboolean cfd_kdf_params_acceptable (const CfdKdfParams *params);
/* The ceiling on costs read from a keyring (docs/FORMATS.md): 16 passes,
 * 1 GiB, and passes × memory at most 16 × 256 MiB, about 1.3 times what
 * the most a calibrated vault asks for (12 × 256 MiB). */
#define CFD_KDF_MAX_OPSLIMIT G_GUINT64_CONSTANT (16)
#define CFD_KDF_MAX_MEMLIMIT (G_GUINT64_CONSTANT (1) << 30)
#define CFD_KDF_MAX_COST     (G_GUINT64_CONSTANT (16) << 28)
gboolean cfd_kdf_params_within_ceiling (const CfdKdfParams *params);
void cfd_kdf_calibrate (CfdKdfParams *params);
#ifdef CFD_TESTING
void cfd_kdf_allow_weak_params_for_testing (gboolean allow);
void cfd_kdf_params_weak_for_testing (CfdKdfParams *params);
#endif

gboolean cfd_kdf_derive (guint8 key[CFD_KEY_BYTES],
                         const char *passphrase,
                         gsize passphrase_len,
                         const guint8 salt[CFD_SALT_BYTES],
                         const CfdKdfParams *params,
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* nonce || ciphertext || tag, XChaCha20-Poly1305-IETF with a random nonce. */
GBytes *cfd_aead_seal (const guint8 key[CFD_KEY_BYTES],
                       const guint8 *plaintext,
                       gsize plaintext_len,
                       const guint8 *ad,
                       gsize ad_len);

/* Returns the plaintext in a buffer that is wiped when freed, or NULL when
 * the input does not authenticate (no error is set: the caller knows what a
 * failure means in its context). */
GBytes *cfd_aead_open (const guint8 key[CFD_KEY_BYTES],
                       const guint8 *sealed,
                       gsize sealed_len,
                       const guint8 *ad,
                       gsize ad_len) G_GNUC_WARN_UNUSED_RESULT;

/* Associated data: an unambiguous, length-prefixed concatenation. */
typedef struct _CfdAd CfdAd;
CfdAd *cfd_ad_new (const char *context);
void cfd_ad_add_string (CfdAd *ad, const char *value);
void cfd_ad_add_bytes (CfdAd *ad, const guint8 *value, gsize len);
void cfd_ad_add_uint (CfdAd *ad, guint64 value);
const guint8 *cfd_ad_data (CfdAd *ad, gsize *len);
void cfd_ad_free (CfdAd *ad);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdAd, cfd_ad_free)

void cfd_random_bytes (guint8 *out, gsize len);
char *cfd_new_id (void);
void cfd_hash (guint8 out[CFD_HASH_BYTES], const guint8 *data, gsize len);
void cfd_keyed_hash (guint8 out[CFD_HASH_BYTES],
                     const guint8 key[CFD_KEY_BYTES],
                     const guint8 *data,
                     gsize len);
char *cfd_hex_encode (const guint8 *data, gsize len);

/* GVariant's serialised form is in the host's byte order; Confidant's files
 * are little-endian on every host. Every GVariant that is written, read,
 * sealed, hashed or signed goes through these two, which byteswap on a
 * big-endian host. from_wire returns NULL unless bytes are the normal form
 * of a value of type (untrusted input is checked before it is swapped). */
GBytes *cfd_variant_to_wire (GVariant *value);
GVariant *cfd_variant_from_wire (const GVariantType *type, GBytes *bytes) G_GNUC_WARN_UNUSED_RESULT;
#ifdef CFD_TESTING
/* Makes the two above behave as on a big-endian host, so that tests on a
 * little-endian machine can prove the bytes on disk do not change. */
void cfd_variant_pretend_big_endian_for_testing (gboolean pretend);
#endif
gboolean cfd_constant_time_equal (const guint8 *a, const guint8 *b, gsize len);

G_END_DECLS
