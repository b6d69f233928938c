/* cfd-audit-query.c: reading the audit log back, filtered and in pages, for the viewer and exports. */
#include "config.h"

#include <string.h>

#include "cfd-audit-item.h"
#include "cfd-audit-query.h"
#include "cfd-vault-private.h"

/* Notes, when the vault has them, name their patient in records.patient_id;
 * their audit records name only the record. Resolving through that column
 * needs no decryption. */
static gboolean
has_records_table (CfdDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found
      = sqlite3_prepare_v2 (cfd_db_handle (db),
                            "SELECT id FROM records WHERE patient_id = ? LIMIT 0", -1, &stmt, NULL)
        == SQLITE_OK;

  sqlite3_finalize (stmt);
  return found;
}

typedef struct
{
  GString *sql;
  GPtrArray *texts; /* bound in order after the integers below */
  gint64 ints[4];
  guint n_ints;
} Query;

/* Appends "?" for a text parameter, numbered so texts and integers can mix. */
static void
bind_text_later (Query *q, const char *value)
{
  g_ptr_array_add (q->texts, g_strdup (value));
  g_string_append_printf (q->sql, "?%u", 100 + q->texts->len);
}

static void
bind_int_later (Query *q, gint64 value)
{
  q->ints[q->n_ints++] = value;
  g_string_append_printf (q->sql, "?%u", q->n_ints);
}

static sqlite3_stmt *
build_query (CfdVault *vault,
             CfdDb *db,
             const CfdAuditFilter *filter,
             gint64 before_seq,
             guint limit,
             gboolean count,
             gboolean newest_first,
             GError **error)
{
  Query q = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free), { 0 }, 0 };
  const char *actor = filter != NULL ? filter->actor : NULL;
  sqlite3_stmt *stmt;

  /* Anyone but the owner reads only what they did themselves. */
  if (cfd_vault_get_user_role (vault) != CFD_ROLE_OWNER)
    actor = cfd_vault_get_user_id (vault);

  g_string_append (q.sql, count ? "SELECT count(*)"
                                : "SELECT a.seq, a.time, a.actor, a.action, a.object_kind, "
                                  "a.object_id, a.outcome, a.authorization, a.device, a.hash, "
                                  "u.name");
  g_string_append (q.sql, " FROM audit_log a LEFT JOIN users u ON u.id = a.actor WHERE 1");
  if (filter != NULL && filter->since != 0)
    {
      g_string_append (q.sql, " AND a.time >= ");
      bind_int_later (&q, filter->since);
    }
  if (filter != NULL && filter->until != 0)
    {
      g_string_append (q.sql, " AND a.time < ");
      bind_int_later (&q, filter->until);
    }
  if (before_seq > 0)
    {
      g_string_append (q.sql, " AND a.seq < ");
      bind_int_later (&q, before_seq);
    }
  if (actor != NULL)
    {
      g_string_append (q.sql, " AND a.actor = ");
      bind_text_later (&q, actor);
    }
  if (filter != NULL && filter->action != NULL)
    {
      if (g_str_has_suffix (filter->action, ".*"))
        {
          /* A family as a range, so no character in it acts as a wildcard. */
          g_autofree char *low = g_strndup (filter->action, strlen (filter->action) - 1);
          g_autofree char *high = g_strdup (low);

          high[strlen (high) - 1]++;
          g_string_append (q.sql, " AND a.action >= ");
          bind_text_later (&q, low);
          g_string_append (q.sql, " AND a.action < ");
          bind_text_later (&q, high);
        }
      else
        {
          g_string_append (q.sql, " AND a.action = ");
          bind_text_later (&q, filter->action);
        }
    }
  if (filter != NULL && filter->patient_id != NULL)
    {
      g_string_append (q.sql, " AND ((a.object_kind = 'patient' AND a.object_id = ");
      bind_text_later (&q, filter->patient_id);
      g_string_append (q.sql, ")");
      if (has_records_table (db))
        {
          g_string_append (q.sql, " OR (a.object_kind = 'record' AND a.object_id IN "
                                  "(SELECT id FROM records WHERE patient_id = ");
          bind_text_later (&q, filter->patient_id);
          g_string_append (q.sql, "))");
        }
      g_string_append (q.sql, ")");
    }
  if (!count)
    g_string_append (q.sql, newest_first ? " ORDER BY a.seq DESC" : " ORDER BY a.seq");
  if (!count && limit > 0)
    {
      g_string_append (q.sql, " LIMIT ");
      bind_int_later (&q, limit);
    }

  stmt = cfd_db_prepare (db, q.sql->str, error);
  if (stmt != NULL)
    {
      for (guint i = 0; i < q.n_ints; i++)
        sqlite3_bind_int64 (stmt, (int)i + 1, q.ints[i]);
      for (guint i = 0; i < q.texts->len; i++)
        sqlite3_bind_text (stmt, 101 + (int)i, g_ptr_array_index (q.texts, i), -1,
                           SQLITE_TRANSIENT);
    }
  g_string_free (q.sql, TRUE);
  g_ptr_array_unref (q.texts);
  return stmt;
}

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

static gboolean
run_query (CfdVault *vault,
           const CfdAuditFilter *filter,
           gint64 before_seq,
           guint limit,
           gboolean newest_first,
           CfdAuditRowFunc func,
           gpointer user_data,
           GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = build_query (vault, db, filter, before_seq, limit, FALSE, newest_first, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      static const guint8 no_hash[CFD_HASH_BYTES];
      CfdAuditEntry entry = {
        .seq = sqlite3_column_int64 (stmt, 0),
        .time = sqlite3_column_int64 (stmt, 1),
        .actor = column_text (stmt, 2),
        .action = column_text (stmt, 3),
        .object_kind = column_text (stmt, 4),
        .object_id = column_text (stmt, 5),
        .outcome = column_text (stmt, 6),
        .authorization = column_text (stmt, 7),
        .device = column_text (stmt, 8),
      };
      const guint8 *hash = sqlite3_column_bytes (stmt, 9) == CFD_HASH_BYTES
                               ? sqlite3_column_blob (stmt, 9)
                               : no_hash;

      if (!func (&entry, hash, (const char *)sqlite3_column_text (stmt, 10), user_data, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_audit_foreach (CfdVault *vault,
                         const CfdAuditFilter *filter,
                         CfdAuditRowFunc func,
                         gpointer user_data,
                         GError **error)
{
  return run_query (vault, filter, 0, 0, FALSE, func, user_data, error);
}

static gboolean
append_object (const CfdAuditEntry *entry,
               const guint8 hash[CFD_HASH_BYTES],
               const char *actor_name,
               gpointer user_data,
               GError **error)
{
  g_autoptr (CfdAuditItem) item = cfd_audit_item_new (entry, actor_name);

  g_list_store_append (user_data, item);
  return TRUE;
}

GListModel *
cfd_vault_audit_list (
    CfdVault *vault, const CfdAuditFilter *filter, gint64 before_seq, guint limit, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_AUDIT_ITEM);

  if (!run_query (vault, filter, before_seq, limit, TRUE, append_object, store, error))
    return NULL;
  if (before_seq == 0)
    {
      CfdDb *db = cfd_vault_get_db (vault, error);

      if (!cfd_db_begin (db, error)
          || !cfd_vault_audit (vault, "audit.view", "vault", cfd_vault_get_id (vault),
                               CFD_AUDIT_SUCCESS, NULL, error)
          || !cfd_db_commit (db, error))
        {
          cfd_db_rollback (db);
          return NULL;
        }
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

gboolean
cfd_vault_audit_count (CfdVault *vault, const CfdAuditFilter *filter, gint64 *count, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = build_query (vault, db, filter, 0, 0, TRUE, FALSE, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "counting audit records", error);
      return FALSE;
    }
  return TRUE;
}
