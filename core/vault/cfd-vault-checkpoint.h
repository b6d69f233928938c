/* cfd-vault-checkpoint.h: the signed-in user signs the head of the vault's audit chain. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-audit-checkpoint.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Signs the current head as the signed-in user and stores it in the vault;
 * the backup and export writers call this and embed the result. out may be
 * NULL. Runs its own transaction (nested when the caller holds one). */
gboolean cfd_vault_audit_checkpoint (CfdVault *vault,
                                     CfdAuditCheckpoint *out,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The most recently stored checkpoint; CFD_ERROR_NOT_FOUND if none. */
gboolean cfd_vault_audit_latest_checkpoint (CfdVault *vault,
                                            CfdAuditCheckpoint *out,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
