/* cfd-audit-query.h: reading the audit log back, filtered and in pages, for the viewer and exports. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-types.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Every member is optional (0 or NULL). The owner sees every record; any
 * other user only their own, whatever actor says. */
typedef struct
{
  gint64 since;           /* µs UTC, inclusive */
  gint64 until;           /* µs UTC, exclusive */
  const char *actor;      /* user id */
  const char *action;     /* "patient.view", or a family: "patient.*" */
  const char *patient_id; /* that patient's records, and of their notes when the vault has them */
} CfdAuditFilter;

/* At most limit entries (0: no limit) with seq < before_seq (0: from the
 * newest), newest first, as CfdAuditItem items. The viewer pages by
 * passing the last item's seq as the next before_seq. Opening the first
 * page is itself recorded (audit.view). */
GListModel *cfd_vault_audit_list (CfdVault *vault,
                                  const CfdAuditFilter *filter,
                                  gint64 before_seq,
                                  guint limit,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean cfd_vault_audit_count (CfdVault *vault,
                                const CfdAuditFilter *filter,
                                gint64 *count,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Called once per matching record; returning FALSE (with error set) stops. */
typedef gboolean (*CfdAuditRowFunc) (const CfdAuditEntry *entry,
                                     const guint8 hash[CFD_HASH_BYTES],
                                     const char *actor_name,
                                     gpointer user_data,
                                     GError **error);

/* Streams matching records, oldest first, one row in memory at a time;
 * records nothing itself (the callers do). */
gboolean cfd_vault_audit_foreach (CfdVault *vault,
                                  const CfdAuditFilter *filter,
                                  CfdAuditRowFunc func,
                                  gpointer user_data,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
