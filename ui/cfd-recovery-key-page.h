/* cfd-recovery-key-page.h: shows the new vault's recovery key once, to print or write down. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_RECOVERY_KEY_PAGE (cfd_recovery_key_page_get_type ())
G_DECLARE_FINAL_TYPE (CfdRecoveryKeyPage, cfd_recovery_key_page, CFD, RECOVERY_KEY_PAGE, GtkWidget)

void cfd_recovery_key_page_set_key (CfdRecoveryKeyPage *self, const char *recovery_key);

/* Writes the key shown, with a line on what it is, to path: mode 0600,
 * and not left in the recent files list. */
gboolean cfd_recovery_key_page_save_to (CfdRecoveryKeyPage *self,
                                        const char *path,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
