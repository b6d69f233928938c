/* cfd-audit-sessions.h: audit records grouped by session, from an unlock to the lock that ends it, for a reader who asks "what happened while the vault was open". */
#pragma once

#include "confidant.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *items; /* CfdAuditItem, newest first, as in the log's listing */
  /* The unlock (or recovery, or creation) that began the session is among
   * the items: FALSE for a session whose start is older than the records
   * loaded, or filtered out. */
  gboolean started;
  /* The lock that ended it is among the items. */
  gboolean ended;
} CfdAuditSession;

void cfd_audit_session_free (CfdAuditSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdAuditSession, cfd_audit_session_free)

/* ENTRIES holds CfdAuditItems newest first; returns CfdAuditSessions,
 * newest first. */
GPtrArray *cfd_audit_sessions_group (GListModel *entries);

/* The same for a listing a filter thinned (one patient's history, one
 * user, one action), whose unlocks are not among ENTRIES: STARTS holds the
 * sequence numbers of the unlocks that began sessions, in any order, and
 * each entry goes with the latest unlock before it. */
GPtrArray *cfd_audit_sessions_group_by_starts (GListModel *entries, GArray *starts);

G_END_DECLS
