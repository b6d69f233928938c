/* cfd-window.h: the main window: first run, unlock, and the unlocked workspace. */
#pragma once

#include "cfd-application.h"
#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_WINDOW (cfd_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdWindow, cfd_window, CFD, WINDOW, AdwApplicationWindow)

/* app may be NULL (tests); vault_path is the vault folder to open or create. */
CfdWindow *cfd_window_new (CfdApplication *app, const char *vault_path);

/* NULL before a vault exists. */
CfdVault *cfd_window_get_vault (CfdWindow *self);

/* "create", "recovery-key", "unlock", "workspace" or "error". */
const char *cfd_window_get_page_name (CfdWindow *self);

/* Saves every open draft, clears every view of patient text, then locks. */
void cfd_window_lock (CfdWindow *self);

/* Saves drafts and locks the vault shown, then shows the vault in PATH
 * (its unlock page); the window then names that folder. */
void cfd_window_open_vault (CfdWindow *self, const char *path);

/* How long without keyboard or pointer input in any of the application's
 * windows and dialogs before the vault locks;
 * 0 turns idle locking off. Set from GSettings auto-lock-minutes. */
void cfd_window_set_auto_lock_interval (CfdWindow *self, guint milliseconds);
guint cfd_window_get_auto_lock_interval (CfdWindow *self);

#ifdef CFD_TESTING
/* Idleness measured with func (monotonic microseconds, like
 * g_get_monotonic_time) instead of the real clock, checked every few
 * milliseconds: a test passes a minute without waiting one. NULL restores
 * the real clock. Test builds only, like core's injectable clock. */
typedef gint64 (*CfdWindowClockFunc) (gpointer user_data);
void
cfd_window_set_clock_for_testing (CfdWindow *self, CfdWindowClockFunc func, gpointer user_data);
/* When input last counted as activity, on that clock. */
gint64 cfd_window_get_last_activity_for_testing (CfdWindow *self);
#endif

G_END_DECLS
