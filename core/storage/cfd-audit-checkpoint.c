/* cfd-audit-checkpoint.c: signed heads of the audit chain: writing and reading them, their wire form and the receipt. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-audit-checkpoint-private.h"
#include "cfd-error.h"

#define WIRE_MAGIC     "CFDAUDC"
#define WIRE_VERSION   1
#define WIRE_FIXED_LEN (8 + 8 + 8 + CFD_HASH_BYTES + CFD_SIGN_PK_BYTES + CFD_SIGNATURE_BYTES)

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Ids are written by core (hex) but read back from backups and the
 * database: anything beyond plain ASCII letters, digits and '-' is refused
 * so that no text a person typed can travel in a checkpoint. */
static gboolean
is_valid_id (const char *id, gsize len)
{
  if (len == 0 || len > CFD_AUDIT_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-')
      return FALSE;
  return TRUE;
}

GBytes *
cfd_audit_checkpoint_message (const CfdAuditCheckpoint *checkpoint)
{
  g_autoptr (CfdAd) ad = cfd_ad_new ("confidant/audit/checkpoint/v1");
  const guint8 *data;
  gsize len;

  cfd_ad_add_string (ad, checkpoint->vault_id);
  cfd_ad_add_uint (ad, (guint64)checkpoint->seq);
  cfd_ad_add_uint (ad, (guint64)checkpoint->time);
  cfd_ad_add_bytes (ad, checkpoint->head, CFD_HASH_BYTES);
  cfd_ad_add_string (ad, checkpoint->signer);
  data = cfd_ad_data (ad, &len);
  return g_bytes_new (data, len);
}

gboolean
cfd_audit_checkpoint_check_signature (const CfdAuditCheckpoint *checkpoint,
                                      const guint8 expected_pk[CFD_SIGN_PK_BYTES])
{
  g_autoptr (GBytes) message = NULL;
  gsize len;
  const guint8 *data;

  if (!cfd_constant_time_equal (checkpoint->signer_pk, expected_pk, CFD_SIGN_PK_BYTES))
    return FALSE;
  message = cfd_audit_checkpoint_message (checkpoint);
  data = g_bytes_get_data (message, &len);
  return crypto_sign_verify_detached (checkpoint->signature, data, len, checkpoint->signer_pk) == 0;
}

static gboolean
read_head (CfdDb *db, gint64 *seq, guint8 head[CFD_HASH_BYTES], GError **error)
{
  sqlite3_stmt *stmt
      = cfd_db_prepare (db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 1) == CFD_HASH_BYTES)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      memcpy (head, sqlite3_column_blob (stmt, 1), CFD_HASH_BYTES);
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                 rc == SQLITE_DONE ? "The audit log is empty" : "The last audit record is damaged");
  else
    cfd_db_set_error (db, rc, "reading the audit log", error);
  return FALSE;
}

gboolean
cfd_audit_checkpoint_write (CfdDb *db,
                            const char *vault_id,
                            const char *signer,
                            const guint8 sign_sk[CFD_SIGN_SK_BYTES],
                            gint64 now,
                            CfdAuditCheckpoint *out,
                            GError **error)
{
  CfdAuditCheckpoint cp = { 0 };
  g_autoptr (GBytes) message = NULL;
  const guint8 *data;
  gsize len;
  sqlite3_stmt *stmt;

  g_strlcpy (cp.vault_id, vault_id, sizeof cp.vault_id);
  g_strlcpy (cp.signer, signer, sizeof cp.signer);
  crypto_sign_ed25519_sk_to_pk (cp.signer_pk, sign_sk);
  cp.time = now;

  if (!cfd_db_begin (db, error))
    return FALSE;
  if (!read_head (db, &cp.seq, cp.head, error))
    goto failed;
  message = cfd_audit_checkpoint_message (&cp);
  data = g_bytes_get_data (message, &len);
  crypto_sign_detached (cp.signature, NULL, data, len, sign_sk);

  stmt = cfd_db_prepare (db,
                         "INSERT INTO audit_checkpoints (seq, time, head, signer, signature) "
                         "VALUES (?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, cp.seq);
  sqlite3_bind_int64 (stmt, 2, cp.time);
  sqlite3_bind_blob (stmt, 3, cp.head, CFD_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, cp.signer, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 5, cp.signature, CFD_SIGNATURE_BYTES, SQLITE_STATIC);
  if (!cfd_db_step_done (db, stmt, error) || !cfd_db_commit (db, error))
    goto failed;
  if (out != NULL)
    *out = cp;
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_audit_checkpoint_read_latest (CfdDb *db,
                                  const char *vault_id,
                                  CfdAuditCheckpoint *out,
                                  GError **error)
{
  sqlite3_stmt *stmt;
  const char *signer;
  int rc;

  stmt = cfd_db_prepare (db,
                         "SELECT c.seq, c.time, c.head, c.signer, c.signature, u.sign_pk "
                         "FROM audit_checkpoints c LEFT JOIN temp.roster u ON u.id = c.signer "
                         "ORDER BY c.id DESC LIMIT 1",
                         error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                     _ ("The audit log has no checkpoint yet"));
      else
        cfd_db_set_error (db, rc, "reading audit checkpoints", error);
      return FALSE;
    }
  signer = (const char *)sqlite3_column_text (stmt, 3);
  if (sqlite3_column_bytes (stmt, 2) != CFD_HASH_BYTES
      || sqlite3_column_bytes (stmt, 4) != CFD_SIGNATURE_BYTES
      || sqlite3_column_bytes (stmt, 5) != CFD_SIGN_PK_BYTES || signer == NULL
      || !is_valid_id (signer, strlen (signer)))
    {
      sqlite3_reset (stmt);
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The latest audit checkpoint is damaged"));
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  out->seq = sqlite3_column_int64 (stmt, 0);
  out->time = sqlite3_column_int64 (stmt, 1);
  memcpy (out->head, sqlite3_column_blob (stmt, 2), CFD_HASH_BYTES);
  g_strlcpy (out->signer, signer, sizeof out->signer);
  memcpy (out->signature, sqlite3_column_blob (stmt, 4), CFD_SIGNATURE_BYTES);
  memcpy (out->signer_pk, sqlite3_column_blob (stmt, 5), CFD_SIGN_PK_BYTES);
  g_strlcpy (out->vault_id, vault_id, sizeof out->vault_id);
  sqlite3_reset (stmt);
  return TRUE;
}

static void
put_u64 (GByteArray *out, guint64 value)
{
  guint64 be = GUINT64_TO_BE (value);

  g_byte_array_append (out, (const guint8 *)&be, sizeof be);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 be;

  memcpy (&be, p, sizeof be);
  return GUINT64_FROM_BE (be);
}

GBytes *
cfd_audit_checkpoint_serialize (const CfdAuditCheckpoint *checkpoint)
{
  GByteArray *out = g_byte_array_new ();
  guint8 version = WIRE_VERSION;
  guint8 id_len;

  g_byte_array_append (out, (const guint8 *)WIRE_MAGIC, 7);
  g_byte_array_append (out, &version, 1);
  put_u64 (out, (guint64)checkpoint->seq);
  put_u64 (out, (guint64)checkpoint->time);
  g_byte_array_append (out, checkpoint->head, CFD_HASH_BYTES);
  g_byte_array_append (out, checkpoint->signer_pk, CFD_SIGN_PK_BYTES);
  g_byte_array_append (out, checkpoint->signature, CFD_SIGNATURE_BYTES);
  id_len = (guint8)strlen (checkpoint->vault_id);
  g_byte_array_append (out, &id_len, 1);
  g_byte_array_append (out, (const guint8 *)checkpoint->vault_id, id_len);
  id_len = (guint8)strlen (checkpoint->signer);
  g_byte_array_append (out, &id_len, 1);
  g_byte_array_append (out, (const guint8 *)checkpoint->signer, id_len);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
               _ ("The audit checkpoint is malformed: %s"), what);
  return FALSE;
}

/* Reads a length-prefixed id at *pos, moving *pos past it. */
static gboolean
parse_id (const guint8 *data, gsize len, gsize *pos, char out[CFD_AUDIT_ID_MAX + 1])
{
  gsize id_len;

  if (*pos >= len)
    return FALSE;
  id_len = data[*pos];
  if (id_len > len - *pos - 1 || !is_valid_id ((const char *)data + *pos + 1, id_len))
    return FALSE;
  memcpy (out, data + *pos + 1, id_len);
  out[id_len] = '\0';
  *pos += 1 + id_len;
  return TRUE;
}

gboolean
cfd_audit_checkpoint_parse (const guint8 *data, gsize len, CfdAuditCheckpoint *out, GError **error)
{
  CfdAuditCheckpoint cp = { 0 };
  gsize pos = 0;

  if (data == NULL || len < WIRE_FIXED_LEN + 2)
    return malformed (error, "too short");
  if (memcmp (data, WIRE_MAGIC, 7) != 0)
    return malformed (error, "not a checkpoint");
  if (data[7] != WIRE_VERSION)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                   _ ("The audit checkpoint has format version %u; this version of Confidant reads "
                      "version %u"),
                   data[7], WIRE_VERSION);
      return FALSE;
    }
  pos = 8;
  cp.seq = (gint64)get_u64 (data + pos);
  cp.time = (gint64)get_u64 (data + pos + 8);
  pos += 16;
  if (cp.seq < 1)
    return malformed (error, "sequence number out of range");
  memcpy (cp.head, data + pos, CFD_HASH_BYTES);
  pos += CFD_HASH_BYTES;
  memcpy (cp.signer_pk, data + pos, CFD_SIGN_PK_BYTES);
  pos += CFD_SIGN_PK_BYTES;
  memcpy (cp.signature, data + pos, CFD_SIGNATURE_BYTES);
  pos += CFD_SIGNATURE_BYTES;
  if (!parse_id (data, len, &pos, cp.vault_id) || !parse_id (data, len, &pos, cp.signer))
    return malformed (error, "bad vault or signer id");
  if (pos != len)
    return malformed (error, "trailing bytes");
  *out = cp;
  return TRUE;
}

char *
cfd_audit_checkpoint_format_receipt (const CfdAuditCheckpoint *checkpoint)
{
  GString *text = g_string_new (NULL);
  guint bits = 0;
  guint acc = 0;
  guint written = 0;

  g_string_append_printf (text, "seq %" G_GINT64_FORMAT " \u00b7 ", checkpoint->seq);
  /* 80 bits, most significant first, five at a time: 16 symbols. */
  for (guint i = 0; i < CFD_AUDIT_RECEIPT_HEAD_BYTES; i++)
    {
      acc = (acc << 8) | checkpoint->head[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          if (written > 0 && written % 4 == 0)
            g_string_append_c (text, '-');
          g_string_append_c (text, crockford[(acc >> bits) & 0x1f]);
          written++;
        }
    }
  return g_string_free (text, FALSE);
}

static int
crockford_value (char c)
{
  c = g_ascii_toupper (c);
  if (c == 'O')
    return 0;
  if (c == 'I' || c == 'L')
    return 1;
  for (int i = 0; crockford[i] != '\0'; i++)
    if (crockford[i] == c)
      return i;
  return -1;
}

static gboolean
bad_receipt (GError **error)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
               _ ("That is not an audit receipt (expected something like "
                  "\"seq 1234 \u00b7 3F9A-C21B-77D0-E4A5\")"));
  return FALSE;
}

gboolean
cfd_audit_receipt_parse (const char *text,
                         gint64 *seq,
                         guint8 head_prefix[CFD_AUDIT_RECEIPT_HEAD_BYTES],
                         GError **error)
{
  const char *p = text;
  guint64 number = 0;
  guint symbols = 0;
  guint bits = 0;
  guint acc = 0;
  guint n_bytes = 0;
  gboolean any_digit = FALSE;

  if (text == NULL || strlen (text) > 200)
    return bad_receipt (error);
  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "seq", 3) == 0)
    p += 3;
  while (g_ascii_isspace (*p) || *p == '#' || *p == ':')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (number > (guint64)G_MAXINT64 / 10)
        return bad_receipt (error);
      number = number * 10 + (guint64)(*p - '0');
      any_digit = TRUE;
    }
  if (!any_digit || number < 1 || number > (guint64)G_MAXINT64)
    return bad_receipt (error);

  for (; *p != '\0'; p++)
    {
      int value;

      /* Separators a person might write: spaces, dashes, a middle dot
       * (U+00B7, two bytes in UTF-8), a colon or a slash. */
      if (g_ascii_isspace (*p) || *p == '-' || *p == ':' || *p == '/' || *p == '\xc2'
          || *p == '\xb7')
        continue;
      value = crockford_value (*p);
      if (value < 0 || symbols == 16)
        return bad_receipt (error);
      symbols++;
      acc = (acc << 5) | (guint)value;
      bits += 5;
      if (bits >= 8)
        {
          bits -= 8;
          head_prefix[n_bytes++] = (acc >> bits) & 0xff;
        }
    }
  if (symbols != 16 || n_bytes != CFD_AUDIT_RECEIPT_HEAD_BYTES)
    return bad_receipt (error);
  *seq = (gint64)number;
  return TRUE;
}
