/* cfd-capsule-format-private.h: the supervisor card, capsule and review reply file formats. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <sodium.h>

#include "cfd-crypto.h"
#include "cfd-error.h"

G_BEGIN_DECLS

/* Every file is: magic (8) | format version (u32 BE) | body length (u32 BE)
 * | body (a GVariant in normal form) | Ed25519 signature (64) over all the
 * bytes before it, by a key the body names. See docs/FORMATS.md. */
#define CFD_CAPSULE_FORMAT_VERSION 1
#define CFD_CARD_MAGIC             "CFDCARD\n"
#define CFD_CAPSULE_MAGIC          "CFDCAPSL"
#define CFD_REPLY_MAGIC            "CFDREPLY"
#define CFD_CAPSULE_MAGIC_BYTES    8
#define CFD_CAPSULE_PREFIX_BYTES   16
#define CFD_CARD_MAX_BYTES         (16 * 1024)
#define CFD_CAPSULE_MAX_BYTES      (64 * 1024 * 1024)
#define CFD_REPLY_MAX_BYTES        (16 * 1024 * 1024)
#define CFD_CAPSULE_MAX_RECORDS    100000
#define CFD_REPLY_MAX_REVIEWS      10000
#define CFD_SEALED_BOX_KEY_BYTES   (CFD_KEY_BYTES + crypto_box_SEALBYTES)
#define CFD_FINGERPRINT_BYTES      16

#define CFD_CARD_BODY_TYPE    "(sssayay)"
#define CFD_CAPSULE_BODY_TYPE "(ssssssayaysayxxayay)"
#define CFD_REPLY_BODY_TYPE   "(ssssssaystxayay)"
/* Decrypted payloads. */
#define CFD_CAPSULE_PAYLOAD_TYPE "(a{sv}sa(sssssxxa{sv}ayay))"
#define CFD_REPLY_PAYLOAD_TYPE   "a(sssxa{sv}ay)"

typedef struct
{
  char *vault_id;
  char *user_id;
  char *name;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
} CfdCardFile;

typedef struct
{
  char *capsule_id;
  char *vault_id; /* the therapist's vault */
  char *consent_id;
  char *patient_id;
  char *therapist_id;
  char *therapist_name;
  guint8 therapist_sign_pk[CFD_SIGN_PK_BYTES];
  guint8 therapist_box_pk[CFD_BOX_PK_BYTES];
  char *supervisor_id;
  guint8 supervisor_box_pk[CFD_BOX_PK_BYTES];
  gint64 created; /* seconds */
  gint64 expires;
  guint8 sealed_key[CFD_SEALED_BOX_KEY_BYTES];
  GBytes *payload; /* nonce | ciphertext | tag */
} CfdCapsuleFile;

typedef struct
{
  char *reply_id;
  char *capsule_id;
  char *vault_id; /* the therapist's vault */
  char *consent_id;
  char *patient_id;
  char *supervisor_id;
  guint8 supervisor_sign_pk[CFD_SIGN_PK_BYTES];
  char *therapist_id;
  guint64 seq;
  gint64 created;
  guint8 sealed_key[CFD_SEALED_BOX_KEY_BYTES];
  GBytes *payload;
} CfdReplyFile;

void cfd_card_file_free (CfdCardFile *card);
void cfd_capsule_file_free (CfdCapsuleFile *capsule);
void cfd_reply_file_free (CfdReplyFile *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdCardFile, cfd_card_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdCapsuleFile, cfd_capsule_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdReplyFile, cfd_reply_file_free)

/* "3F2A 9C01 …": 16 bytes of BLAKE2b over the user id and both public keys,
 * in eight groups of four hex digits, to be compared aloud or side by side. */
char *cfd_card_fingerprint (const char *user_id,
                            const guint8 box_pk[CFD_BOX_PK_BYTES],
                            const guint8 sign_pk[CFD_SIGN_PK_BYTES]);

/* Writers: the whole file, signed with sign_sk. */
GBytes *cfd_card_file_encode (const CfdCardFile *card, const guint8 sign_sk[CFD_SIGN_SK_BYTES]);
GBytes *cfd_capsule_file_encode (const CfdCapsuleFile *capsule,
                                 const guint8 sign_sk[CFD_SIGN_SK_BYTES]);
GBytes *cfd_reply_file_encode (const CfdReplyFile *reply, const guint8 sign_sk[CFD_SIGN_SK_BYTES]);

/* Readers: strict. INVALID_INPUT when it is not such a file at all,
 * TRUNCATED when cut off, UNSUPPORTED_VERSION, TAMPERED for anything
 * altered (bad signature, trailing bytes, malformed body, impossible
 * values). The signature is checked against the key the body names; the
 * caller decides whether that key is the one it expects. */
CfdCardFile *
cfd_card_file_parse (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
CfdCapsuleFile *
cfd_capsule_file_parse (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
CfdReplyFile *
cfd_reply_file_parse (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The payload is XChaCha20-Poly1305 under a random key sealed
 * (crypto_box_seal) to the recipient, with the body's other fields as
 * associated data. Sealing fills in sealed_key and payload. */
void cfd_capsule_file_seal (CfdCapsuleFile *capsule, GVariant *payload);
void cfd_reply_file_seal (CfdReplyFile *reply,
                          const guint8 therapist_box_pk[CFD_BOX_PK_BYTES],
                          GVariant *payload);

/* Opens the payload with the recipient's keys: WRONG_RECIPIENT when the
 * sealed key does not open, TAMPERED when the payload does not
 * authenticate or is not of the expected type. The result's buffer is
 * wiped when freed. */
GVariant *cfd_capsule_file_open (const CfdCapsuleFile *capsule,
                                 const guint8 box_pk[CFD_BOX_PK_BYTES],
                                 const guint8 box_sk[CFD_BOX_SK_BYTES],
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
GVariant *cfd_reply_file_open (const CfdReplyFile *reply,
                               const guint8 box_pk[CFD_BOX_PK_BYTES],
                               const guint8 box_sk[CFD_BOX_SK_BYTES],
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks a capsule's decrypted payload: consent terms, and each record a
 * signed record of the patient in the consent's scope, signed before
 * created, whose signature holds for the vault vault_id. TAMPERED if not. */
gboolean cfd_capsule_verify_payload (const char *vault_id,
                                     const char *patient_id,
                                     gint64 created,
                                     GVariant *payload,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A GVariant of the given type from a wiped buffer, in normal form, or NULL. */
GVariant *cfd_capsule_variant_from_plain (GBytes *plain, const char *type);

G_END_DECLS
