/* cfd-unlock-page.h: unlocking the vault with a passphrase, or with the recovery key. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_UNLOCK_PAGE (cfd_unlock_page_get_type ())
G_DECLARE_FINAL_TYPE (CfdUnlockPage, cfd_unlock_page, CFD, UNLOCK_PAGE, GtkWidget)

/* Resets the page: empty fields, no error, the users of vault to pick from. */
void cfd_unlock_page_set_vault (CfdUnlockPage *self, CfdVault *vault);
void cfd_unlock_page_focus (CfdUnlockPage *self);

/* Seconds the page waits before another try after this many wrong
 * passphrases or recovery keys in a row. */
guint cfd_unlock_page_retry_delay (guint consecutive_failures);

G_END_DECLS
