/* cfd-backup-format.c: the backup file's header, its checks, and the keys and sizes the stream uses. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-io-private.h"

G_STATIC_ASSERT (sizeof CFD_BACKUP_MAGIC - 1 == CFD_BACKUP_MAGIC_BYTES);
G_STATIC_ASSERT (sizeof CFD_BACKUP_KDF_CONTEXT - 1 == crypto_kdf_CONTEXTBYTES);
G_STATIC_ASSERT (CFD_KEY_BYTES == crypto_secretstream_xchacha20poly1305_KEYBYTES);

/* vault id, seq, time, schema version, chunk size, payload bytes,
 * (checkpoint kind, checkpoint), keyring file */
#define BODY_TYPE "(stxuut(say)ay)"

void
cfd_backup_header_free (CfdBackupHeader *header)
{
  if (header == NULL)
    return;
  g_free (header->vault_id);
  g_free (header->checkpoint_kind);
  g_clear_pointer (&header->checkpoint, g_bytes_unref);
  g_clear_pointer (&header->keyring, g_bytes_unref);
  g_free (header);
}

void
cfd_backup_info_free (CfdBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->vault_id);
  g_free (info->audit_signer);
  g_free (info);
}

static void
put_be32 (guint8 *out, guint32 value)
{
  for (int i = 3; i >= 0; i--, value >>= 8)
    out[i] = value & 0xff;
}

static guint32
get_be32 (const guint8 *in)
{
  return ((guint32)in[0] << 24) | ((guint32)in[1] << 16) | ((guint32)in[2] << 8) | in[3];
}

static void
prefix_check (guint8 out[CFD_BACKUP_PREFIX_CHECK], const guint8 *prefix)
{
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, prefix, 16);
  memcpy (out, digest, CFD_BACKUP_PREFIX_CHECK);
}

GBytes *
cfd_backup_header_encode (CfdBackupHeader *header)
{
  g_autoptr (GBytes) body = NULL;
  gsize keyring_len = 0, checkpoint_len = 0;
  const guint8 *keyring = g_bytes_get_data (header->keyring, &keyring_len);
  const guint8 *checkpoint = g_bytes_get_data (header->checkpoint, &checkpoint_len);
  GByteArray *out;
  guint8 prefix[CFD_BACKUP_PREFIX_BYTES];
  gsize body_len;

  body = cfd_variant_to_wire (g_variant_new (
      "(stxuut(s@ay)@ay)", header->vault_id, header->seq, header->time, header->schema_version,
      header->chunk_size, header->payload_bytes, header->checkpoint_kind,
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, checkpoint, checkpoint_len, 1),
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, keyring, keyring_len, 1)));
  body_len = g_bytes_get_size (body);

  memcpy (prefix, CFD_BACKUP_MAGIC, CFD_BACKUP_MAGIC_BYTES);
  put_be32 (prefix + 8, header->version);
  put_be32 (prefix + 12, (guint32)body_len);
  prefix_check (prefix + 16, prefix);

  out = g_byte_array_sized_new (CFD_BACKUP_PREFIX_BYTES + body_len + CFD_HASH_BYTES);
  g_byte_array_append (out, prefix, sizeof prefix);
  g_byte_array_append (out, g_bytes_get_data (body, NULL), body_len);
  cfd_hash (header->hash, out->data, out->len);
  g_byte_array_append (out, header->hash, CFD_HASH_BYTES);
  header->header_bytes = out->len;
  return g_byte_array_free_to_bytes (out);
}

/* Reads exactly len bytes; FALSE with *got < len at the end of the file. */
static gboolean
read_exact (int fd, guint8 *buf, gsize len, gsize *got, GError **error)
{
  *got = 0;
  while (*got < len)
    {
      ssize_t n = read (fd, buf + *got, len - *got);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          cfd_io_set_error_from_errno (error, errno, "reading the backup");
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      *got += (gsize)n;
    }
  return TRUE;
}

static void
set_truncated (GError **error)
{
  g_set_error (
      error, CFD_ERROR, CFD_ERROR_TRUNCATED,
      _ ("The backup file is incomplete (it was cut off, perhaps by an interrupted copy)"));
}

static void
set_damaged (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("The backup file is damaged or was altered (%s)"), what);
}

static gboolean
parse_body (CfdBackupHeader *header, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  g_autoptr (GVariant) body = cfd_variant_from_wire (G_VARIANT_TYPE (BODY_TYPE), bytes);
  g_autoptr (GVariant) checkpoint = NULL;
  g_autoptr (GVariant) keyring = NULL;
  const char *vault_id = NULL;
  const char *kind = NULL;

  if (body == NULL)
    {
      set_damaged (error, "malformed header");
      return FALSE;
    }
  g_variant_get (body, "(&stxuut(&s@ay)@ay)", &vault_id, &header->seq, &header->time,
                 &header->schema_version, &header->chunk_size, &header->payload_bytes, &kind,
                 &checkpoint, &keyring);
  if (strlen (vault_id) != 32 || header->seq == 0 || header->chunk_size < CFD_BACKUP_MIN_CHUNK_BYTES
      || header->chunk_size > CFD_BACKUP_MAX_CHUNK_BYTES || header->payload_bytes > G_MAXINT64 / 2)
    {
      set_damaged (error, "impossible header values");
      return FALSE;
    }
  header->vault_id = g_strdup (vault_id);
  header->checkpoint_kind = g_strdup (kind);
  /* byte order: both are ay, bytes as they are. */
  header->checkpoint = g_variant_get_data_as_bytes (checkpoint);
  header->keyring = g_variant_get_data_as_bytes (keyring);
  return TRUE;
}

CfdBackupHeader *
cfd_backup_header_read (int fd, guint64 file_size, GError **error)
{
  g_autoptr (CfdBackupHeader) header = g_new0 (CfdBackupHeader, 1);
  guint8 prefix[CFD_BACKUP_PREFIX_BYTES];
  guint8 check[CFD_BACKUP_PREFIX_CHECK];
  g_autofree guint8 *rest = NULL;
  guint32 body_len;
  gsize got = 0;
  crypto_generichash_state state;
  guint8 hash[CFD_HASH_BYTES];

  if (!read_exact (fd, prefix, sizeof prefix, &got, error))
    return NULL;
  /* A file cut off inside the magic (even an empty one) is still taken
   * for ours: a copy that was interrupted. */
  if (memcmp (prefix, CFD_BACKUP_MAGIC, MIN (got, CFD_BACKUP_MAGIC_BYTES)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("This is not a Confidant backup file"));
      return NULL;
    }
  if (got < sizeof prefix)
    {
      set_truncated (error);
      return NULL;
    }
  /* Checked before the version: every version keeps these 24 bytes, so a
   * flipped bit in the version reads as damage, not as "too new". */
  prefix_check (check, prefix);
  if (!cfd_constant_time_equal (check, prefix + 16, CFD_BACKUP_PREFIX_CHECK))
    {
      set_damaged (error, "damaged header");
      return NULL;
    }
  header->version = get_be32 (prefix + 8);
  if (header->version < CFD_BACKUP_OLDEST_VERSION || header->version > CFD_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                   _ ("The backup was written in format %u, which this version of Confidant cannot "
                      "read (it reads format %u); use a newer Confidant"),
                   header->version, CFD_BACKUP_FORMAT_VERSION);
      return NULL;
    }
  body_len = get_be32 (prefix + 12);
  if (body_len > CFD_BACKUP_MAX_BODY_BYTES)
    {
      set_damaged (error, "header too large");
      return NULL;
    }
  rest = g_malloc ((gsize)body_len + CFD_HASH_BYTES);
  if (!read_exact (fd, rest, (gsize)body_len + CFD_HASH_BYTES, &got, error))
    return NULL;
  if (got < (gsize)body_len + CFD_HASH_BYTES)
    {
      set_truncated (error);
      return NULL;
    }

  crypto_generichash_init (&state, NULL, 0, CFD_HASH_BYTES);
  crypto_generichash_update (&state, prefix, sizeof prefix);
  crypto_generichash_update (&state, rest, body_len);
  crypto_generichash_final (&state, hash, CFD_HASH_BYTES);
  if (!cfd_constant_time_equal (hash, rest + body_len, CFD_HASH_BYTES))
    {
      set_damaged (error, "header checksum mismatch");
      return NULL;
    }
  memcpy (header->hash, hash, CFD_HASH_BYTES);
  header->header_bytes = sizeof prefix + body_len + CFD_HASH_BYTES;
  if (!parse_body (header, rest, body_len, error))
    return NULL;

  /* The header fixes the file's exact size, so a short file is a cut-off
   * copy and a long one has something appended. */
  if (file_size < cfd_backup_expected_file_size (header))
    {
      set_truncated (error);
      return NULL;
    }
  if (file_size > cfd_backup_expected_file_size (header))
    {
      set_damaged (error, "unexpected data after the end");
      return NULL;
    }
  return g_steal_pointer (&header);
}

guint64
cfd_backup_chunk_count (guint64 payload_bytes, guint32 chunk_size)
{
  return payload_bytes / chunk_size + 1;
}

guint64
cfd_backup_expected_file_size (const CfdBackupHeader *header)
{
  guint64 chunks = cfd_backup_chunk_count (header->payload_bytes, header->chunk_size);

  return header->header_bytes + CFD_BACKUP_STREAM_HEADER + header->payload_bytes
         + chunks * CFD_BACKUP_CHUNK_OVERHEAD;
}

/* Format 1: every user's and the recovery entry's secrets hold the
 * database key, so any of them opens any backup of the vault (format 2,
 * cfd-backup-key.c, does not); the sequence number keeps each backup's
 * stream key distinct. */
void
cfd_backup_stream_key (guint8 out[CFD_KEY_BYTES], const guint8 db_key[CFD_KEY_BYTES], guint64 seq)
{
  crypto_kdf_derive_from_key (out, CFD_KEY_BYTES, seq, CFD_BACKUP_KDF_CONTEXT, db_key);
}

CfdBackupInfo *
cfd_backup_info_from_header (const CfdBackupHeader *header, const char *path)
{
  CfdBackupInfo *info = g_new0 (CfdBackupInfo, 1);
  gsize len = 0;
  const guint8 *checkpoint = g_bytes_get_data (header->checkpoint, &len);

  info->path = g_strdup (path);
  info->vault_id = g_strdup (header->vault_id);
  info->seq = header->seq;
  info->time = header->time;
  info->schema_version = header->schema_version;
  info->payload_bytes = header->payload_bytes;
  info->file_bytes = cfd_backup_expected_file_size (header);
  if (g_strcmp0 (header->checkpoint_kind, CFD_BACKUP_CHECKPOINT_SIGNED) == 0)
    {
      CfdAuditCheckpoint cp;

      if (cfd_audit_checkpoint_parse (checkpoint, len, &cp, NULL))
        {
          info->audit_seq = (guint64)cp.seq;
          memcpy (info->audit_hash, cp.head, CFD_HASH_BYTES);
          info->audit_time = cp.time;
          info->audit_signer = g_strdup (cp.signer);
        }
    }
  return info;
}

char *
cfd_backup_file_name (const char *vault_id, guint64 seq, gint64 time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (when, "%Y%m%dT%H%M%SZ");

  return g_strdup_printf ("confidant-%.8s-%06" G_GUINT64_FORMAT "-%s" CFD_BACKUP_FILE_SUFFIX,
                          vault_id, seq, stamp);
}
