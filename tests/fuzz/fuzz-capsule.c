/* fuzz-capsule.c: libFuzzer target for the capsule and card readers, which read files from another machine. */
#include "config.h"

#include <string.h>

#include "cfd-capsule-format-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Opening a payload puts its key in guarded memory, which needs libsodium
 * initialised. */
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");
  return 0;
}

static const guint8 seed_sign[32] = { 0x44 };
static const guint8 seed_box[32] = { 0x11 };

static void
check_refusal (GError *error)
{
  if (error == NULL || error->domain != CFD_ERROR)
    g_error ("a refused capsule came without a vault error");
}

/* A capsule that parses must encode back to the same bytes under the
 * same key, and its payload must be refused or verified, never crash. */
static void
read_capsule (const guint8 *file, gsize size, const guint8 *sign_sk)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdCapsuleFile) capsule = cfd_capsule_file_parse (file, size, &error);
  g_autoptr (GVariant) payload = NULL;
  guint8 box_pk[CFD_BOX_PK_BYTES], box_sk[CFD_BOX_SK_BYTES];

  if (capsule == NULL)
    {
      check_refusal (error);
      return;
    }
  if (sign_sk != NULL)
    {
      g_autoptr (GBytes) again = cfd_capsule_file_encode (capsule, sign_sk);

      if (g_bytes_get_size (again) != size || memcmp (g_bytes_get_data (again, NULL), file, size))
        g_error ("a capsule changed on a round trip");
    }
  crypto_box_seed_keypair (box_pk, box_sk, seed_box);
  payload = cfd_capsule_file_open (capsule, box_pk, box_sk, &error);
  if (payload == NULL)
    check_refusal (error);
}

/* Inputs without the magic are taken two ways: as a body (normalized,
 * given the harness's signing key and signed, so the fuzzer explores what
 * lies behind the signature) and as a decrypted payload. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) body = NULL;
  g_autoptr (GVariant) normal = NULL;
  g_autoptr (GVariant) payload = NULL;
  guint8 sign_pk[CFD_SIGN_PK_BYTES], sign_sk[CFD_SIGN_SK_BYTES];

  if (size >= CFD_CAPSULE_MAGIC_BYTES && memcmp (data, CFD_CAPSULE_MAGIC, 8) == 0)
    {
      read_capsule (data, size, NULL);
      return 0;
    }
  /* Supervisor cards come the same way, from another machine. */
  if (size >= CFD_CAPSULE_MAGIC_BYTES && memcmp (data, CFD_CARD_MAGIC, 8) == 0)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdCardFile) card = cfd_card_file_parse (data, size, &error);

      if (card == NULL)
        check_refusal (error);
      else
        g_free (cfd_card_fingerprint (card->user_id, card->box_pk, card->sign_pk));
      return 0;
    }
  if (size > 1024 * 1024)
    return 0;

  bytes = g_bytes_new (data, size);
  crypto_sign_seed_keypair (sign_pk, sign_sk, seed_sign);
  body = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (CFD_CAPSULE_BODY_TYPE), bytes, FALSE));
  normal = g_variant_get_normal_form (body);
  {
    g_autoptr (CfdCapsuleFile) fields = g_new0 (CfdCapsuleFile, 1);
    g_autoptr (GVariant) tsign = NULL, tbox = NULL, sbox = NULL, skey = NULL, raw = NULL;
    g_autoptr (GBytes) file = NULL;
    gsize n = 0;
    const guint8 *p;

    g_variant_get (normal, "(ssssss@ay@ays@ayxx@ay@ay)", &fields->capsule_id, &fields->vault_id,
                   &fields->consent_id, &fields->patient_id, &fields->therapist_id,
                   &fields->therapist_name, &tsign, &tbox, &fields->supervisor_id, &sbox,
                   &fields->created, &fields->expires, &skey, &raw);
    memcpy (fields->therapist_sign_pk, sign_pk, CFD_SIGN_PK_BYTES);
    p = g_variant_get_fixed_array (tbox, &n, 1);
    if (n > 0)
      memcpy (fields->therapist_box_pk, p, MIN (n, CFD_BOX_PK_BYTES));
    p = g_variant_get_fixed_array (sbox, &n, 1);
    if (n > 0)
      memcpy (fields->supervisor_box_pk, p, MIN (n, CFD_BOX_PK_BYTES));
    p = g_variant_get_fixed_array (skey, &n, 1);
    if (n > 0)
      memcpy (fields->sealed_key, p, MIN (n, CFD_SEALED_BOX_KEY_BYTES));
    fields->payload = g_variant_get_data_as_bytes (raw);
    file = cfd_capsule_file_encode (fields, sign_sk);
    read_capsule (g_bytes_get_data (file, NULL), g_bytes_get_size (file), sign_sk);
  }

  payload = cfd_capsule_variant_from_plain (bytes, CFD_CAPSULE_PAYLOAD_TYPE);
  if (payload != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!cfd_capsule_verify_payload ("f1x7face0000000000000000000000a1",
                                       "9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a",
                                       G_GINT64_CONSTANT (1764547200), payload, &error))
        check_refusal (error);
    }
  return 0;
}
