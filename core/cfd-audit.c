/* cfd-audit.c: the hash-chained audit log: appending records inside the caller's transaction. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-audit.h"
#include "cfd-error.h"

static const char *const outcome_names[] = { "success", "failure", "denied" };

const char *
cfd_audit_outcome_to_string (CfdAuditOutcome outcome)
{
  g_return_val_if_fail (outcome <= CFD_AUDIT_DENIED, "failure");
  return outcome_names[outcome];
}

void
cfd_audit_chain_hash (guint8 out[CFD_HASH_BYTES],
                      const guint8 previous[CFD_HASH_BYTES],
                      const CfdAuditEntry *entry)
{
  g_autoptr (CfdAd) encoding = cfd_ad_new ("confidant/audit/v1");
  crypto_generichash_state state;
  const guint8 *data;
  gsize len;

  cfd_ad_add_uint (encoding, (guint64)entry->seq);
  cfd_ad_add_uint (encoding, (guint64)entry->time);
  cfd_ad_add_string (encoding, entry->actor);
  cfd_ad_add_string (encoding, entry->action);
  cfd_ad_add_string (encoding, entry->object_kind);
  cfd_ad_add_string (encoding, entry->object_id);
  cfd_ad_add_string (encoding, entry->outcome);
  cfd_ad_add_string (encoding, entry->authorization);
  cfd_ad_add_string (encoding, entry->device);
  data = cfd_ad_data (encoding, &len);

  crypto_generichash_init (&state, NULL, 0, CFD_HASH_BYTES);
  crypto_generichash_update (&state, previous, CFD_HASH_BYTES);
  crypto_generichash_update (&state, data, len);
  crypto_generichash_final (&state, out, CFD_HASH_BYTES);
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
          g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_TAMPERED,
                       "The last audit record is damaged");
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
