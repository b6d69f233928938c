/* cfd-unlock-policy.h: unlocking, and the housekeeping every unlock does once the vault is open. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Unlocks as user (the owner when NULL), then completes revocations
 * interrupted before their key rotation, withdraws consents that expired,
 * and destroys the keys of capsules past their expiry. The housekeeping is
 * best effort: its failures are logged, never the unlock's. */
gboolean cfd_vault_unlock (CfdVault *self, const char *user, const char *passphrase, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void cfd_vault_unlock_async (CfdVault *self,
                             const char *user,
                             const char *passphrase,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean cfd_vault_unlock_finish (CfdVault *self,
                                  GAsyncResult *result,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Unlocks as the owner with the recovery key and sets a new passphrase;
 * the same housekeeping follows. */
gboolean cfd_vault_recover (CfdVault *self,
                            const char *recovery_key,
                            const char *new_passphrase,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_vault_recover_async (CfdVault *self,
                              const char *recovery_key,
                              const char *new_passphrase,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean cfd_vault_recover_finish (CfdVault *self,
                                   GAsyncResult *result,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
