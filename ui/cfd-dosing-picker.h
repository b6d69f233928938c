/* cfd-dosing-picker.h: choosing the signed dosing session a session record follows. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

/* Puts a drop-down under entry (the session record's "Linked dosing
 * record") listing the patient's signed dosing sessions dated on or before
 * the session, newest first; choosing one writes its id into entry, which
 * stays editable. Nothing is added when there is none to choose. */
void cfd_dosing_picker_attach (GtkWidget *entry, CfdVault *vault, CfdRecord *session);

G_END_DECLS
