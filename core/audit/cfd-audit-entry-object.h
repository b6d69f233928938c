/* cfd-audit-entry-object.h: one audit record as an item of the audit viewer's list model. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib-object.h>

#include "cfd-types.h"

G_BEGIN_DECLS

#define CFD_TYPE_AUDIT_ENTRY_OBJECT (cfd_audit_entry_object_get_type ())
G_DECLARE_FINAL_TYPE (CfdAuditEntryObject, cfd_audit_entry_object, CFD, AUDIT_ENTRY_OBJECT, GObject)

/* The log holds ids, actions and outcomes, never patient content, so these
 * are also read-only properties the viewer can bind to. */
CfdAuditEntryObject *cfd_audit_entry_object_new (const CfdAuditEntry *entry,
                                                 const char *actor_name);

gint64 cfd_audit_entry_object_get_seq (CfdAuditEntryObject *self);
gint64 cfd_audit_entry_object_get_time (CfdAuditEntryObject *self); /* µs since the epoch, UTC */
const char *cfd_audit_entry_object_get_actor_id (CfdAuditEntryObject *self);
/* The user's name, or NULL when the id is not a user of this vault. */
const char *cfd_audit_entry_object_get_actor_name (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_action (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_object_kind (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_object_id (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_outcome (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_authorization (CfdAuditEntryObject *self);
const char *cfd_audit_entry_object_get_device (CfdAuditEntryObject *self);

G_END_DECLS
