/* cfd-passphrase-dialog.h: changing the signed-in user's passphrase, and replacing their keys. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PASSPHRASE_DIALOG (cfd_passphrase_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdPassphraseDialog, cfd_passphrase_dialog, CFD, PASSPHRASE_DIALOG, AdwWindow)

/* Emits "changed" (a recovery key as a pointer, NULL unless an owner's key
 * change issued a new one) and closes once the change is done. */
CfdPassphraseDialog *cfd_passphrase_dialog_new (GtkWindow *parent, CfdVault *vault);

G_END_DECLS
