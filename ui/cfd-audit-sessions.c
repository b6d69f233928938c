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
