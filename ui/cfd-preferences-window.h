/* cfd-preferences-window.h: auto-lock, backup generations and the backup reminder, kept in GSettings. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PREFERENCES_WINDOW (cfd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (
    CfdPreferencesWindow, cfd_preferences_window, CFD, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* settings may be NULL: the window then opens the application's schema.
 * vault may be NULL; when unlocked, every change is recorded in its audit
 * log (settings.change, by key). */
CfdPreferencesWindow *
cfd_preferences_window_new (GtkWindow *parent, GSettings *settings, CfdVault *vault);

/* Saves what was typed in the practice profile and not yet saved (locking
 * calls this first, as it saves drafts). FALSE when the core refused it. */
gboolean cfd_preferences_window_save_pending (CfdPreferencesWindow *self);

G_END_DECLS
