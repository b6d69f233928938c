/* cfd-user-removal.h: the owner removes a user from the vault. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Owner only; neither the owner nor oneself. The user is marked removed in
 * a newly signed roster and leaves the keyring; every grant to them is
 * destroyed, each patient key they held is replaced, then the database,
 * recovery and backup keys (as cfd_vault_rotate_keys). Recorded as
 * user.remove once all is done; a removal interrupted after the roster was
 * written is finished at the owner's next unlock (cfd_vault_finish_removals). */
gboolean
cfd_vault_remove_user (CfdVault *self, const char *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* At the owner's unlock: removals the roster records but the audit log
 * does not (cut short midway) are finished. */
gboolean cfd_vault_finish_removals (CfdVault *self, GError **error);

#ifdef CFD_TESTING
/* cfd_vault_remove_user stops once the roster is signed and saved, as a
 * power cut there would. */
void cfd_vault_stop_removal_after_roster_for_testing (gboolean stop);
#endif

G_END_DECLS
