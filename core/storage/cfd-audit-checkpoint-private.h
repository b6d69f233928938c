/* cfd-audit-checkpoint-private.h: writing and reading checkpoints in the database, beside the audit append. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-audit-checkpoint.h"
#include "cfd-db.h"

G_BEGIN_DECLS

/* Signs the current head of the chain in db as signer and stores it; out
 * may be NULL. Runs its own transaction (nested when the caller holds one).
 * Below the vault so that locking, which owns the key, can call it. */
gboolean cfd_audit_checkpoint_write (CfdDb *db,
                                     const char *vault_id,
                                     const char *signer,
                                     const guint8 sign_sk[CFD_SIGN_SK_BYTES],
                                     gint64 now,
                                     CfdAuditCheckpoint *out,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The most recently stored checkpoint, with the signer's key from the users
 * table; CFD_ERROR_NOT_FOUND if none. */
gboolean cfd_audit_checkpoint_read_latest (CfdDb *db,
                                           const char *vault_id,
                                           CfdAuditCheckpoint *out,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
