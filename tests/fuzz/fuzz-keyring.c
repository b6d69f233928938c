/* fuzz-keyring.c: libFuzzer target for the keyring reader (cfd_keyring_parse), which reads untrusted files. */
#include "config.h"

#include <string.h>

#include "cfd-error.h"
#include "cfd-keyring.h"

#define HEADER_BYTES 16

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A parse that succeeds must survive a round trip unchanged: the writer
 * and the reader agree on every field. */
static void
check_round_trip (const CfdKeyring *keyring)
{
  g_autoptr (GBytes) first = cfd_keyring_serialize (keyring);
  g_autoptr (CfdKeyring) again = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (first, &len);

  again = cfd_keyring_parse (bytes, len, &error);
  if (again == NULL)
    g_error ("a serialized keyring does not parse: %s", error->message);
  second = cfd_keyring_serialize (again);
  if (!g_bytes_equal (first, second))
    g_error ("a keyring changed on a round trip");
}

static void
parse (const guint8 *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = cfd_keyring_parse (data, size, &error);

  if (keyring != NULL)
    check_round_trip (keyring);
  else if (error == NULL || error->domain != CFD_ERROR)
    g_error ("a refused keyring came without a vault error");
}

/* Inputs that do not start with the magic are taken as a payload and given
 * a valid header and checksum, so that the fuzzer also explores what lies
 * behind the checksum, not only the checksum itself. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static guint8 magic[8];
  static gboolean have_magic;
  g_autofree guint8 *file = NULL;
  guint32 be;

  if (!have_magic)
    {
      g_autoptr (CfdKeyring) empty = cfd_keyring_new ("00000000000000000000000000000000");
      g_autoptr (GBytes) bytes = cfd_keyring_serialize (empty);

      memcpy (magic, g_bytes_get_data (bytes, NULL), sizeof magic);
      have_magic = TRUE;
    }

  if (size >= sizeof magic && memcmp (data, magic, sizeof magic) == 0)
    {
      parse (data, size);
      return 0;
    }
  if (size > CFD_KEYRING_MAX_BYTES)
    return 0;

  file = g_malloc (HEADER_BYTES + size + CFD_HASH_BYTES);
  memcpy (file, magic, sizeof magic);
  be = GUINT32_TO_BE (CFD_KEYRING_FORMAT_VERSION);
  memcpy (file + 8, &be, 4);
  be = GUINT32_TO_BE ((guint32)size);
  memcpy (file + 12, &be, 4);
  if (size > 0)
    memcpy (file + HEADER_BYTES, data, size);
  cfd_hash (file + HEADER_BYTES + size, file, HEADER_BYTES + size);
  parse (file, HEADER_BYTES + size + CFD_HASH_BYTES);
  return 0;
}
