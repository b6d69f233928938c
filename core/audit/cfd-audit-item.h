/* cfd-audit-item.h: one audit record as an item of the audit viewer's list model. */
/* CfdAuditEntry (cfd-types.h) is the same record as plain data, as the
 * chain hashes it; this object is what a GListModel holds. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib-object.h>

#include "cfd-types.h"

G_BEGIN_DECLS

#define CFD_TYPE_AUDIT_ITEM (cfd_audit_item_get_type ())
G_DECLARE_FINAL_TYPE (CfdAuditItem, cfd_audit_item, CFD, AUDIT_ITEM, GObject)

/* The log holds ids, actions and outcomes, never patient content, so these
 * are also read-only properties the viewer can bind to. */
CfdAuditItem *cfd_audit_item_new (const CfdAuditEntry *entry, const char *actor_name);

gint64 cfd_audit_item_get_seq (CfdAuditItem *self);
gint64 cfd_audit_item_get_time (CfdAuditItem *self); /* µs since the epoch, UTC */
const char *cfd_audit_item_get_actor_id (CfdAuditItem *self);
/* The user's name, or NULL when the id is not a user of this vault. */
const char *cfd_audit_item_get_actor_name (CfdAuditItem *self);
const char *cfd_audit_item_get_action (CfdAuditItem *self);
const char *cfd_audit_item_get_object_kind (CfdAuditItem *self);
const char *cfd_audit_item_get_object_id (CfdAuditItem *self);
const char *cfd_audit_item_get_outcome (CfdAuditItem *self);
const char *cfd_audit_item_get_authorization (CfdAuditItem *self);
const char *cfd_audit_item_get_device (CfdAuditItem *self);

G_END_DECLS
