/* fuzz-review-reply.c: libFuzzer target for the review reply reader, which reads a supervisor's file. */
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

static const guint8 seed_sign[32] = { 0x22 };
static const guint8 seed_box[32] = { 0x33 };

static void
check_refusal (GError *error)
{
  if (error == NULL || error->domain != CFD_ERROR)
    g_error ("a refused reply came without a vault error");
}

static void
read_reply (const guint8 *file, gsize size, const guint8 *sign_sk)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdReplyFile) reply = cfd_reply_file_parse (file, size, &error);
  g_autoptr (GVariant) payload = NULL;
  guint8 box_pk[CFD_BOX_PK_BYTES], box_sk[CFD_BOX_SK_BYTES];

  if (reply == NULL)
    {
      check_refusal (error);
      return;
    }
  if (sign_sk != NULL)
    {
      g_autoptr (GBytes) again = cfd_reply_file_encode (reply, sign_sk);

      if (g_bytes_get_size (again) != size || memcmp (g_bytes_get_data (again, NULL), file, size))
        g_error ("a reply changed on a round trip");
    }
  crypto_box_seed_keypair (box_pk, box_sk, seed_box);
  payload = cfd_reply_file_open (reply, box_pk, box_sk, &error);
  if (payload == NULL)
    check_refusal (error);
}

/* As fuzz-capsule: inputs without the magic become a signed body. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) body = NULL;
  g_autoptr (GVariant) normal = NULL;
  g_autoptr (CfdReplyFile) fields = NULL;
  g_autoptr (GVariant) ssign = NULL, skey = NULL, raw = NULL;
  g_autoptr (GBytes) file = NULL;
  guint8 sign_pk[CFD_SIGN_PK_BYTES], sign_sk[CFD_SIGN_SK_BYTES];
  const guint8 *p;
  gsize n = 0;

  if (size >= CFD_CAPSULE_MAGIC_BYTES && memcmp (data, CFD_REPLY_MAGIC, 8) == 0)
    {
      read_reply (data, size, NULL);
      return 0;
    }
  if (size > 1024 * 1024)
    return 0;

  bytes = g_bytes_new (data, size);
  crypto_sign_seed_keypair (sign_pk, sign_sk, seed_sign);
  body = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (CFD_REPLY_BODY_TYPE), bytes, FALSE));
  normal = g_variant_get_normal_form (body);
  fields = g_new0 (CfdReplyFile, 1);
  g_variant_get (normal, "(ssssss@aystx@ay@ay)", &fields->reply_id, &fields->capsule_id,
                 &fields->vault_id, &fields->consent_id, &fields->patient_id,
                 &fields->supervisor_id, &ssign, &fields->therapist_id, &fields->seq,
                 &fields->created, &skey, &raw);
  memcpy (fields->supervisor_sign_pk, sign_pk, CFD_SIGN_PK_BYTES);
  p = g_variant_get_fixed_array (skey, &n, 1);
  if (n > 0)
    memcpy (fields->sealed_key, p, MIN (n, CFD_SEALED_BOX_KEY_BYTES));
  fields->payload = g_variant_get_data_as_bytes (raw);
  file = cfd_reply_file_encode (fields, sign_sk);
  read_reply (g_bytes_get_data (file, NULL), g_bytes_get_size (file), sign_sk);
  return 0;
}
