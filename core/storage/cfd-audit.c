/* cfd-audit.c: the hash-chained audit log: appending records inside the caller's transaction. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-audit.h"
#include "cfd-error.h"

/* The CfdAd encoding (4-byte big-endian length, then the bytes) gathered in
 * a buffer and hashed in one go: verifying a long log hashes every record,
 * and this spares an allocation and many small updates each.
 * tests/test-audit.c pins the bytes. */
typedef struct
{
  crypto_generichash_state state;
  guint8 buffer[1024];
  gsize len;
} Hasher;

static void
hasher_put (Hasher *h, const void *data, gsize len)
{
  if (h->len + len > sizeof h->buffer)
    {
      crypto_generichash_update (&h->state, h->buffer, h->len);
      h->len = 0;
      if (len > sizeof h->buffer)
        {
          crypto_generichash_update (&h->state, data, len);
          return;
        }
    }
  memcpy (h->buffer + h->len, data, len);
  h->len += len;
}

static void
hash_element (Hasher *h, const void *data, gsize len)
{
  guint8 prefix[4] = { (len >> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff };

  hasher_put (h, prefix, sizeof prefix);
  hasher_put (h, data, len);
}

static void
hash_string (Hasher *h, const char *value)
{
  hash_element (h, value, strlen (value));
}

static void
hash_uint (Hasher *h, guint64 value)
{
  guint64 be = GUINT64_TO_BE (value);

  hash_element (h, &be, sizeof be);
}

void
cfd_audit_chain_hash (guint8 out[CFD_HASH_BYTES],
                      const guint8 previous[CFD_HASH_BYTES],
                      const CfdAuditEntry *entry)
{
  Hasher h;

  crypto_generichash_init (&h.state, NULL, 0, CFD_HASH_BYTES);
  h.len = 0;
  hasher_put (&h, previous, CFD_HASH_BYTES);
  hash_string (&h, "confidant/audit/v1");
  hash_uint (&h, (guint64)entry->seq);
  hash_uint (&h, (guint64)entry->time);
  hash_string (&h, entry->actor);
  hash_string (&h, entry->action);
  hash_string (&h, entry->object_kind);
  hash_string (&h, entry->object_id);
  hash_string (&h, entry->outcome);
  hash_string (&h, entry->authorization);
  hash_string (&h, entry->device);
  crypto_generichash_update (&h.state, h.buffer, h.len);
  crypto_generichash_final (&h.state, out, CFD_HASH_BYTES);
}

gboolean
cfd_audit_append (CfdDb *db,
                  gint64 time,
                  const char *actor,
                  const char *action,
                  const char *object_kind,
                  const char *object_id,
                  CfdAuditOutcome outcome,
                  const char *authorization,
                  const char *device,
                  GError **error)
{
  guint8 previous[CFD_HASH_BYTES] = { 0 };
  guint8 hash[CFD_HASH_BYTES];
  CfdAuditEntry entry = {
    .seq = 1,
    .time = time,
    .actor = actor,
    .action = action,
    .object_kind = object_kind,
    .object_id = object_id != NULL ? object_id : "",
    .outcome = cfd_audit_outcome_to_string (outcome),
    .authorization = authorization != NULL ? authorization : "",
    .device = device,
  };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (cfd_db_in_transaction (db), FALSE);

  stmt = cfd_db_prepare (db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_bytes (stmt, 1) != CFD_HASH_BYTES)
        {
          sqlite3_reset (stmt);
          g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("The last audit record is damaged"));
          return FALSE;
        }
      entry.seq = sqlite3_column_int64 (stmt, 0) + 1;
      memcpy (previous, sqlite3_column_blob (stmt, 1), CFD_HASH_BYTES);
    }
  else if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  cfd_audit_chain_hash (hash, previous, &entry);

  stmt = cfd_db_prepare (db,
                         "INSERT INTO audit_log (seq, time, actor, action, object_kind, "
                         "object_id, outcome, authorization, device, hash) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry.seq);
  sqlite3_bind_int64 (stmt, 2, entry.time);
  sqlite3_bind_text (stmt, 3, entry.actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entry.action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, entry.object_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, entry.object_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, entry.outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, entry.authorization, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, entry.device, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 10, hash, CFD_HASH_BYTES, SQLITE_STATIC);
  return cfd_db_step_done (db, stmt, error);
}
