/* cfd-user-dialog.h: the owner adds a therapist or supervisor with an initial passphrase. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_USER_DIALOG (cfd_user_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdUserDialog, cfd_user_dialog, CFD, USER_DIALOG, AdwWindow)

/* Emits "added" and closes once the user is in the roster. */
CfdUserDialog *cfd_user_dialog_new (GtkWindow *parent, CfdVault *vault);

G_END_DECLS
