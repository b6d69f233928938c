/* cfd-capsule-format.c: reading and writing supervisor cards, capsules and review replies. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-capsule-format-private.h"

G_STATIC_ASSERT (sizeof CFD_CARD_MAGIC - 1 == CFD_CAPSULE_MAGIC_BYTES);
G_STATIC_ASSERT (sizeof CFD_CAPSULE_MAGIC - 1 == CFD_CAPSULE_MAGIC_BYTES);
G_STATIC_ASSERT (sizeof CFD_REPLY_MAGIC - 1 == CFD_CAPSULE_MAGIC_BYTES);
G_STATIC_ASSERT (CFD_SEALED_BOX_KEY_BYTES == CFD_SEALED_KEY_BYTES);

#define MAX_NAME_BYTES 256

void
cfd_card_file_free (CfdCardFile *card)
{
  if (card == NULL)
    return;
  g_free (card->vault_id);
  g_free (card->user_id);
  g_free (card->name);
  g_free (card);
}

void
cfd_capsule_file_free (CfdCapsuleFile *capsule)
{
  if (capsule == NULL)
    return;
  g_free (capsule->capsule_id);
  g_free (capsule->vault_id);
  g_free (capsule->consent_id);
  g_free (capsule->patient_id);
  g_free (capsule->therapist_id);
  g_free (capsule->therapist_name);
  g_free (capsule->supervisor_id);
  g_clear_pointer (&capsule->payload, g_bytes_unref);
  g_free (capsule);
}

void
cfd_reply_file_free (CfdReplyFile *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->reply_id);
  g_free (reply->capsule_id);
  g_free (reply->vault_id);
  g_free (reply->consent_id);
  g_free (reply->patient_id);
  g_free (reply->supervisor_id);
  g_free (reply->therapist_id);
  g_clear_pointer (&reply->payload, g_bytes_unref);
  g_free (reply);
}

char *
cfd_card_fingerprint (const char *user_id,
                      const guint8 box_pk[CFD_BOX_PK_BYTES],
                      const guint8 sign_pk[CFD_SIGN_PK_BYTES])
{
  g_autoptr (CfdAd) ad = cfd_ad_new ("confidant/card-fingerprint/v1");
  guint8 digest[CFD_HASH_BYTES];
  GString *text = g_string_new (NULL);
  const guint8 *data;
  gsize len;

  cfd_ad_add_string (ad, user_id);
  cfd_ad_add_bytes (ad, box_pk, CFD_BOX_PK_BYTES);
  cfd_ad_add_bytes (ad, sign_pk, CFD_SIGN_PK_BYTES);
  data = cfd_ad_data (ad, &len);
  cfd_hash (digest, data, len);
  for (guint i = 0; i < CFD_FINGERPRINT_BYTES; i += 2)
    g_string_append_printf (text, "%s%02X%02X", i > 0 ? " " : "", digest[i], digest[i + 1]);
  return g_string_free (text, FALSE);
}

static GVariant *
fixed_bytes (const guint8 *data, gsize len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1);
}

static GBytes *
encode (const char *magic, GVariant *body_in, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  g_autoptr (GBytes) body = cfd_variant_to_wire (body_in);
  gsize body_len = g_bytes_get_size (body);
  GByteArray *out
      = g_byte_array_sized_new (CFD_CAPSULE_PREFIX_BYTES + body_len + CFD_SIGNATURE_BYTES);
  guint32 be;

  g_byte_array_append (out, (const guint8 *)magic, CFD_CAPSULE_MAGIC_BYTES);
  be = GUINT32_TO_BE (CFD_CAPSULE_FORMAT_VERSION);
  g_byte_array_append (out, (const guint8 *)&be, 4);
  be = GUINT32_TO_BE ((guint32)body_len);
  g_byte_array_append (out, (const guint8 *)&be, 4);
  g_byte_array_append (out, g_bytes_get_data (body, NULL), body_len);
  g_byte_array_set_size (out, CFD_CAPSULE_PREFIX_BYTES + body_len + CFD_SIGNATURE_BYTES);
  crypto_sign_detached (out->data + CFD_CAPSULE_PREFIX_BYTES + body_len, NULL, out->data,
                        CFD_CAPSULE_PREFIX_BYTES + body_len, sign_sk);
  return g_byte_array_free_to_bytes (out);
}

static void
set_damaged (GError **error, const char *what, const char *detail)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED, _ ("The %s is damaged or was altered (%s)"),
               what, detail);
}

/* The framing all three formats share: checks everything but the
 * signature, whose key is inside the body. */
static GVariant *
parse_frame (const guint8 *data,
             gsize len,
             const char *magic,
             const char *what,
             gsize max_len,
             const char *type,
             GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) body = NULL;
  guint32 version, body_len;

  /* A file cut off inside the magic (even an empty one) is taken for one
   * of ours: a copy that was interrupted. */
  if (len > 0 && memcmp (data, magic, MIN (len, CFD_CAPSULE_MAGIC_BYTES)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("This is not a Confidant %s file"),
                   what);
      return NULL;
    }
  if (len < CFD_CAPSULE_PREFIX_BYTES)
    goto truncated;
  memcpy (&version, data + 8, 4);
  memcpy (&body_len, data + 12, 4);
  version = GUINT32_FROM_BE (version);
  body_len = GUINT32_FROM_BE (body_len);
  if (version != CFD_CAPSULE_FORMAT_VERSION)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                   _ ("The %s was written in format %u, which this version of Confidant cannot "
                      "read (it reads format %u)"),
                   what, version, CFD_CAPSULE_FORMAT_VERSION);
      return NULL;
    }
  if (body_len > max_len)
    {
      set_damaged (error, what, "too large");
      return NULL;
    }
  if (len < CFD_CAPSULE_PREFIX_BYTES + (gsize)body_len + CFD_SIGNATURE_BYTES)
    goto truncated;
  if (len > CFD_CAPSULE_PREFIX_BYTES + (gsize)body_len + CFD_SIGNATURE_BYTES)
    {
      set_damaged (error, what, "unexpected data after the end");
      return NULL;
    }
  bytes = g_bytes_new (data + CFD_CAPSULE_PREFIX_BYTES, body_len);
  body = cfd_variant_from_wire (G_VARIANT_TYPE (type), bytes);
  if (body == NULL)
    {
      set_damaged (error, what, "malformed contents");
      return NULL;
    }
  return g_steal_pointer (&body);

truncated:
  g_set_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED,
               _ ("The %s file is incomplete (it was cut off, perhaps by an interrupted copy)"),
               what);
  return NULL;
}

static gboolean
check_signature (const guint8 *data,
                 gsize len,
                 const guint8 sign_pk[CFD_SIGN_PK_BYTES],
                 const char *what,
                 GError **error)
{
  gsize signed_len = len - CFD_SIGNATURE_BYTES;

  if (crypto_sign_verify_detached (data + signed_len, data, signed_len, sign_pk) != 0)
    {
      set_damaged (error, what, "the signature does not match");
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_id (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_name (const char *text)
{
  gsize len = strlen (text);

  return len > 0 && len <= MAX_NAME_BYTES && g_utf8_validate (text, len, NULL);
}

/* Copies a byte array of exactly len bytes. */
static gboolean
take_fixed (GVariant *value, guint8 *out, gsize len)
{
  gsize n = 0;
  const guint8 *data = g_variant_get_fixed_array (value, &n, 1);

  if (n != len)
    return FALSE;
  memcpy (out, data, len);
  return TRUE;
}

GBytes *
cfd_card_file_encode (const CfdCardFile *card, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  return encode (CFD_CARD_MAGIC,
                 g_variant_new ("(sss@ay@ay)", card->vault_id, card->user_id, card->name,
                                fixed_bytes (card->box_pk, CFD_BOX_PK_BYTES),
                                fixed_bytes (card->sign_pk, CFD_SIGN_PK_BYTES)),
                 sign_sk);
}

CfdCardFile *
cfd_card_file_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GVariant) body = parse_frame (data, len, CFD_CARD_MAGIC, "supervisor card",
                                           CFD_CARD_MAX_BYTES, CFD_CARD_BODY_TYPE, error);
  g_autoptr (CfdCardFile) card = NULL;
  g_autoptr (GVariant) box = NULL;
  g_autoptr (GVariant) sign = NULL;

  if (body == NULL)
    return NULL;
  card = g_new0 (CfdCardFile, 1);
  g_variant_get (body, "(sss@ay@ay)", &card->vault_id, &card->user_id, &card->name, &box, &sign);
  if (!is_id (card->vault_id) || !is_id (card->user_id) || !is_name (card->name)
      || !take_fixed (box, card->box_pk, CFD_BOX_PK_BYTES)
      || !take_fixed (sign, card->sign_pk, CFD_SIGN_PK_BYTES))
    {
      set_damaged (error, "supervisor card", "impossible values");
      return NULL;
    }
  if (!check_signature (data, len, card->sign_pk, "supervisor card", error))
    return NULL;
  return g_steal_pointer (&card);
}

/* The payload's associated data: every other field of the body, so the
 * payload cannot be moved under another header. */
static CfdAd *
capsule_ad (const CfdCapsuleFile *c)
{
  CfdAd *ad = cfd_ad_new ("confidant/capsule/v1");

  cfd_ad_add_string (ad, c->capsule_id);
  cfd_ad_add_string (ad, c->vault_id);
  cfd_ad_add_string (ad, c->consent_id);
  cfd_ad_add_string (ad, c->patient_id);
  cfd_ad_add_string (ad, c->therapist_id);
  cfd_ad_add_string (ad, c->therapist_name);
  cfd_ad_add_bytes (ad, c->therapist_sign_pk, CFD_SIGN_PK_BYTES);
  cfd_ad_add_bytes (ad, c->therapist_box_pk, CFD_BOX_PK_BYTES);
  cfd_ad_add_string (ad, c->supervisor_id);
  cfd_ad_add_bytes (ad, c->supervisor_box_pk, CFD_BOX_PK_BYTES);
  cfd_ad_add_uint (ad, (guint64)c->created);
  cfd_ad_add_uint (ad, (guint64)c->expires);
  cfd_ad_add_bytes (ad, c->sealed_key, CFD_SEALED_BOX_KEY_BYTES);
  return ad;
}

static CfdAd *
reply_ad (const CfdReplyFile *r)
{
  CfdAd *ad = cfd_ad_new ("confidant/review-reply/v1");

  cfd_ad_add_string (ad, r->reply_id);
  cfd_ad_add_string (ad, r->capsule_id);
  cfd_ad_add_string (ad, r->vault_id);
  cfd_ad_add_string (ad, r->consent_id);
  cfd_ad_add_string (ad, r->patient_id);
  cfd_ad_add_string (ad, r->supervisor_id);
  cfd_ad_add_bytes (ad, r->supervisor_sign_pk, CFD_SIGN_PK_BYTES);
  cfd_ad_add_string (ad, r->therapist_id);
  cfd_ad_add_uint (ad, r->seq);
  cfd_ad_add_uint (ad, (guint64)r->created);
  cfd_ad_add_bytes (ad, r->sealed_key, CFD_SEALED_BOX_KEY_BYTES);
  return ad;
}

static GBytes *
seal_payload (guint8 sealed_key[CFD_SEALED_BOX_KEY_BYTES],
              const guint8 recipient_pk[CFD_BOX_PK_BYTES],
              GVariant *payload_in,
              CfdAd *(*make_ad) (gconstpointer),
              gconstpointer file)
{
  g_autoptr (GBytes) plain = cfd_variant_to_wire (payload_in);
  g_autoptr (CfdSecret) key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdAd) ad = NULL;
  gsize plain_len = g_bytes_get_size (plain);
  const guint8 *ad_data;
  gsize ad_len;
  GBytes *sealed;

  cfd_random_bytes (key->data, CFD_KEY_BYTES);
  crypto_box_seal (sealed_key, key->data, CFD_KEY_BYTES, recipient_pk);
  /* The associated data covers sealed_key, so it is built after it. */
  ad = make_ad (file);
  ad_data = cfd_ad_data (ad, &ad_len);
  sealed = cfd_aead_seal (key->data, g_bytes_get_data (plain, NULL), plain_len, ad_data, ad_len);
  return sealed;
}

void
cfd_capsule_file_seal (CfdCapsuleFile *capsule, GVariant *payload)
{
  g_clear_pointer (&capsule->payload, g_bytes_unref);
  capsule->payload = seal_payload (capsule->sealed_key, capsule->supervisor_box_pk, payload,
                                   (CfdAd * (*)(gconstpointer)) capsule_ad, capsule);
}

void
cfd_reply_file_seal (CfdReplyFile *reply,
                     const guint8 therapist_box_pk[CFD_BOX_PK_BYTES],
                     GVariant *payload)
{
  g_clear_pointer (&reply->payload, g_bytes_unref);
  reply->payload = seal_payload (reply->sealed_key, therapist_box_pk, payload,
                                 (CfdAd * (*)(gconstpointer)) reply_ad, reply);
}

GVariant *
cfd_capsule_variant_from_plain (GBytes *plain, const char *type)
{
  return cfd_variant_from_wire (G_VARIANT_TYPE (type), plain);
}

static GVariant *
open_payload (const guint8 sealed_key[CFD_SEALED_BOX_KEY_BYTES],
              GBytes *payload,
              CfdAd *ad,
              const guint8 box_pk[CFD_BOX_PK_BYTES],
              const guint8 box_sk[CFD_BOX_SK_BYTES],
              const char *type,
              const char *what,
              GError **error)
{
  g_autoptr (CfdSecret) key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (GBytes) plain = NULL;
  GVariant *value;
  const guint8 *ad_data;
  gsize ad_len, payload_len = 0;
  const guint8 *payload_data = g_bytes_get_data (payload, &payload_len);

  if (crypto_box_seal_open (key->data, sealed_key, CFD_SEALED_BOX_KEY_BYTES, box_pk, box_sk) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT,
                   _ ("This %s was sealed for someone else"), what);
      return NULL;
    }
  ad_data = cfd_ad_data (ad, &ad_len);
  plain = cfd_aead_open (key->data, payload_data, payload_len, ad_data, ad_len);
  value = plain != NULL ? cfd_capsule_variant_from_plain (plain, type) : NULL;
  if (value == NULL)
    set_damaged (error, what, "the contents do not authenticate");
  return value;
}

GVariant *
cfd_capsule_file_open (const CfdCapsuleFile *capsule,
                       const guint8 box_pk[CFD_BOX_PK_BYTES],
                       const guint8 box_sk[CFD_BOX_SK_BYTES],
                       GError **error)
{
  g_autoptr (CfdAd) ad = capsule_ad (capsule);

  return open_payload (capsule->sealed_key, capsule->payload, ad, box_pk, box_sk,
                       CFD_CAPSULE_PAYLOAD_TYPE, "capsule", error);
}

GVariant *
cfd_reply_file_open (const CfdReplyFile *reply,
                     const guint8 box_pk[CFD_BOX_PK_BYTES],
                     const guint8 box_sk[CFD_BOX_SK_BYTES],
                     GError **error)
{
  g_autoptr (CfdAd) ad = reply_ad (reply);

  return open_payload (reply->sealed_key, reply->payload, ad, box_pk, box_sk,
                       CFD_REPLY_PAYLOAD_TYPE, "review reply", error);
}

static GVariant *
payload_bytes (GBytes *payload)
{
  gsize len = 0;
  const guint8 *data = payload != NULL ? g_bytes_get_data (payload, &len) : NULL;

  return fixed_bytes (data, len);
}

GBytes *
cfd_capsule_file_encode (const CfdCapsuleFile *c, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  return encode (
      CFD_CAPSULE_MAGIC,
      g_variant_new (
          "(ssssss@ay@ays@ayxx@ay@ay)", c->capsule_id, c->vault_id, c->consent_id, c->patient_id,
          c->therapist_id, c->therapist_name, fixed_bytes (c->therapist_sign_pk, CFD_SIGN_PK_BYTES),
          fixed_bytes (c->therapist_box_pk, CFD_BOX_PK_BYTES), c->supervisor_id,
          fixed_bytes (c->supervisor_box_pk, CFD_BOX_PK_BYTES), c->created, c->expires,
          fixed_bytes (c->sealed_key, CFD_SEALED_BOX_KEY_BYTES), payload_bytes (c->payload)),
      sign_sk);
}

CfdCapsuleFile *
cfd_capsule_file_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GVariant) body = parse_frame (data, len, CFD_CAPSULE_MAGIC, "capsule",
                                           CFD_CAPSULE_MAX_BYTES, CFD_CAPSULE_BODY_TYPE, error);
  g_autoptr (CfdCapsuleFile) c = NULL;
  g_autoptr (GVariant) tsign = NULL, tbox = NULL, sbox = NULL, skey = NULL, payload = NULL;

  if (body == NULL)
    return NULL;
  c = g_new0 (CfdCapsuleFile, 1);
  g_variant_get (body, "(ssssss@ay@ays@ayxx@ay@ay)", &c->capsule_id, &c->vault_id, &c->consent_id,
                 &c->patient_id, &c->therapist_id, &c->therapist_name, &tsign, &tbox,
                 &c->supervisor_id, &sbox, &c->created, &c->expires, &skey, &payload);
  if (!is_id (c->capsule_id) || !is_id (c->vault_id) || !is_id (c->consent_id)
      || !is_id (c->patient_id) || !is_id (c->therapist_id) || !is_name (c->therapist_name)
      || !is_id (c->supervisor_id) || !take_fixed (tsign, c->therapist_sign_pk, CFD_SIGN_PK_BYTES)
      || !take_fixed (tbox, c->therapist_box_pk, CFD_BOX_PK_BYTES)
      || !take_fixed (sbox, c->supervisor_box_pk, CFD_BOX_PK_BYTES)
      || !take_fixed (skey, c->sealed_key, CFD_SEALED_BOX_KEY_BYTES) || c->created <= 0
      || c->expires <= c->created
      || g_variant_n_children (payload) < CFD_AEAD_NONCE_BYTES + CFD_AEAD_TAG_BYTES)
    {
      set_damaged (error, "capsule", "impossible values");
      return NULL;
    }
  if (!check_signature (data, len, c->therapist_sign_pk, "capsule", error))
    return NULL;
  /* byte order: an ay, bytes as they are. */
  c->payload = g_variant_get_data_as_bytes (payload);
  return g_steal_pointer (&c);
}

GBytes *
cfd_reply_file_encode (const CfdReplyFile *r, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  return encode (CFD_REPLY_MAGIC,
                 g_variant_new ("(ssssss@aystx@ay@ay)", r->reply_id, r->capsule_id, r->vault_id,
                                r->consent_id, r->patient_id, r->supervisor_id,
                                fixed_bytes (r->supervisor_sign_pk, CFD_SIGN_PK_BYTES),
                                r->therapist_id, r->seq, r->created,
                                fixed_bytes (r->sealed_key, CFD_SEALED_BOX_KEY_BYTES),
                                payload_bytes (r->payload)),
                 sign_sk);
}

CfdReplyFile *
cfd_reply_file_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GVariant) body = parse_frame (data, len, CFD_REPLY_MAGIC, "review reply",
                                           CFD_REPLY_MAX_BYTES, CFD_REPLY_BODY_TYPE, error);
  g_autoptr (CfdReplyFile) r = NULL;
  g_autoptr (GVariant) ssign = NULL, skey = NULL, payload = NULL;

  if (body == NULL)
    return NULL;
  r = g_new0 (CfdReplyFile, 1);
  g_variant_get (body, "(ssssss@aystx@ay@ay)", &r->reply_id, &r->capsule_id, &r->vault_id,
                 &r->consent_id, &r->patient_id, &r->supervisor_id, &ssign, &r->therapist_id,
                 &r->seq, &r->created, &skey, &payload);
  if (!is_id (r->reply_id) || !is_id (r->capsule_id) || !is_id (r->vault_id)
      || !is_id (r->consent_id) || !is_id (r->patient_id) || !is_id (r->supervisor_id)
      || !is_id (r->therapist_id) || !take_fixed (ssign, r->supervisor_sign_pk, CFD_SIGN_PK_BYTES)
      || !take_fixed (skey, r->sealed_key, CFD_SEALED_BOX_KEY_BYTES) || r->seq == 0
      || r->seq > G_MAXINT64 || r->created <= 0
      || g_variant_n_children (payload) < CFD_AEAD_NONCE_BYTES + CFD_AEAD_TAG_BYTES)
    {
      set_damaged (error, "review reply", "impossible values");
      return NULL;
    }
  if (!check_signature (data, len, r->supervisor_sign_pk, "review reply", error))
    return NULL;
  /* byte order: an ay, bytes as they are. */
  r->payload = g_variant_get_data_as_bytes (payload);
  return g_steal_pointer (&r);
}
