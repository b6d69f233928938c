/* fuzz-backup-header.c: libFuzzer target for the backup file reader, which reads untrusted files. */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfd-backup-private.h"
#include "cfd-error.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A header that parses must encode back to the very same bytes. */
static void
check_round_trip (CfdBackupHeader *header, const guint8 *file)
{
  guint8 hash[CFD_HASH_BYTES];
  gsize header_bytes = header->header_bytes;
  g_autoptr (GBytes) encoded = NULL;
  gsize len = 0;
  const guint8 *bytes;

  memcpy (hash, header->hash, sizeof hash);
  encoded = cfd_backup_header_encode (header);
  bytes = g_bytes_get_data (encoded, &len);
  if (len != header_bytes || memcmp (bytes, file, len) != 0
      || memcmp (hash, header->hash, sizeof hash) != 0)
    g_error ("a backup header changed on a round trip");
}

static void
read_backup (const guint8 *file, gsize size)
{
  static const guint8 zero_key[CFD_KEY_BYTES];
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdBackupHeader) header = NULL;
  int fd = memfd_create ("backup", MFD_CLOEXEC);

  if (fd < 0)
    g_error ("memfd_create failed");
  if (size > 0 && write (fd, file, size) != (ssize_t)size)
    g_error ("short write to a memfd");
  lseek (fd, 0, SEEK_SET);

  header = cfd_backup_header_read (fd, size, &error);
  if (header == NULL)
    {
      if (error == NULL || error->domain != CFD_ERROR)
        g_error ("a refused backup came without a vault error");
      close (fd);
      return;
    }
  /* No input can authenticate under a key nobody used. */
  if (cfd_backup_decrypt_stream (fd, header, zero_key, NULL, NULL, NULL, NULL, NULL, 0, 0, &error))
    g_error ("a stream authenticated under the wrong key");
  if (error == NULL || error->domain != CFD_ERROR)
    g_error ("a refused stream came without a vault error");
  close (fd);
  check_round_trip (header, file);
}

/* Inputs that do not start with the magic are taken as a header body and
 * given a valid prefix and hash, so that the fuzzer also explores what lies
 * behind the checksums, not only the checksums themselves. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree guint8 *file = NULL;
  guint8 digest[CFD_HASH_BYTES];
  guint32 be;

  if (size >= CFD_BACKUP_MAGIC_BYTES
      && memcmp (data, CFD_BACKUP_MAGIC, CFD_BACKUP_MAGIC_BYTES) == 0)
    {
      read_backup (data, size);
      return 0;
    }
  if (size > CFD_BACKUP_MAX_BODY_BYTES)
    return 0;

  file = g_malloc (CFD_BACKUP_PREFIX_BYTES + size + CFD_HASH_BYTES);
  memcpy (file, CFD_BACKUP_MAGIC, CFD_BACKUP_MAGIC_BYTES);
  be = GUINT32_TO_BE (CFD_BACKUP_FORMAT_VERSION);
  memcpy (file + 8, &be, 4);
  be = GUINT32_TO_BE ((guint32)size);
  memcpy (file + 12, &be, 4);
  cfd_hash (digest, file, 16);
  memcpy (file + 16, digest, CFD_BACKUP_PREFIX_CHECK);
  if (size > 0)
    memcpy (file + CFD_BACKUP_PREFIX_BYTES, data, size);
  cfd_hash (file + CFD_BACKUP_PREFIX_BYTES + size, file, CFD_BACKUP_PREFIX_BYTES + size);
  read_backup (file, CFD_BACKUP_PREFIX_BYTES + size + CFD_HASH_BYTES);
  return 0;
}
