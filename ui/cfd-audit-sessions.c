/* cfd-audit-sessions.c: groups audit records into unlock-to-lock sessions. */
#include "config.h"

#include "cfd-audit-sessions.h"

void
cfd_audit_session_free (CfdAuditSession *session)
{
  if (session == NULL)
    return;
  g_ptr_array_unref (session->items);
  g_free (session);
}

static gboolean
begins_session (const char *action)
{
  return g_strcmp0 (action, "vault.unlock") == 0 || g_strcmp0 (action, "vault.recover") == 0
         || g_strcmp0 (action, "vault.create") == 0;
}

/* The listing runs newest first, so a session is met from its end: a
 * lock opens a new group, and the unlock that began the session closes
 * it. Whatever comes between a lock and the next older unlock (records
 * left out by a filter, or a vault closed without its lock recorded) stays
 * with the session it was found in. */
GPtrArray *
cfd_audit_sessions_group (GListModel *entries)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_audit_session_free);
  CfdAuditSession *current = NULL;
  guint n = g_list_model_get_n_items (entries);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdAuditItem) item = g_list_model_get_item (entries, i);
      const char *action = cfd_audit_item_get_action (item);
      gboolean is_lock = g_strcmp0 (action, "vault.lock") == 0;

      if (current == NULL || current->started || (is_lock && current->items->len > 0))
        {
          current = g_new0 (CfdAuditSession, 1);
          current->items = g_ptr_array_new_with_free_func (g_object_unref);
          current->ended = is_lock;
          g_ptr_array_add (sessions, current);
        }
      g_ptr_array_add (current->items, g_object_ref (item));
      if (begins_session (action))
        current->started = TRUE;
    }
  return sessions;
}

static int
compare_seq (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* The latest start at or before seq, or -1; sorted holds them ascending. */
static gint64
start_of (GArray *sorted, gint64 seq)
{
  guint low = 0, high = sorted->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (sorted, gint64, middle) <= seq)
        low = middle + 1;
      else
        high = middle;
    }
  return low > 0 ? g_array_index (sorted, gint64, low - 1) : -1;
}

GPtrArray *
cfd_audit_sessions_group_by_starts (GListModel *entries, GArray *starts)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_audit_session_free);
  g_autoptr (GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), starts->len);
  CfdAuditSession *current = NULL;
  gint64 current_start = 0;
  guint n = g_list_model_get_n_items (entries);

  g_array_append_vals (sorted, starts->data, starts->len);
  g_array_sort (sorted, compare_seq);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdAuditItem) item = g_list_model_get_item (entries, i);
      gint64 start = start_of (sorted, cfd_audit_item_get_seq (item));

      if (current == NULL || start != current_start)
        {
          current = g_new0 (CfdAuditSession, 1);
          current->items = g_ptr_array_new_with_free_func (g_object_unref);
          current->started = start >= 0;
          current_start = start;
          g_ptr_array_add (sessions, current);
        }
      if (g_strcmp0 (cfd_audit_item_get_action (item), "vault.lock") == 0)
        current->ended = TRUE;
      g_ptr_array_add (current->items, g_object_ref (item));
    }
  return sessions;
}
