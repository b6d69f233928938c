/* cfd-audit.h: the hash-chained audit log: appending records inside the caller's transaction. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-crypto.h"
#include "cfd-db.h"
#include "cfd-types.h"

G_BEGIN_DECLS

/* h_i = BLAKE2b-256(h_{i-1} || encoding of record i); h_0 is 32 zero bytes. */
void cfd_audit_chain_hash (guint8 out[CFD_HASH_BYTES],
                           const guint8 previous[CFD_HASH_BYTES],
                           const CfdAuditEntry *entry);

/* Appends one record; the caller holds a write transaction, so the record
 * commits or rolls back with the action it describes. */
gboolean cfd_audit_append (CfdDb *db,
                           gint64 time,
                           const char *actor,
                           const char *action,
                           const char *object_kind,
                           const char *object_id,
                           CfdAuditOutcome outcome,
                           const char *authorization,
                           const char *device,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
