/* cfd-restore-window.h: restoring a backup into a new folder: file, passphrase, folder, verify, open. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_RESTORE_WINDOW (cfd_restore_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdRestoreWindow, cfd_restore_window, CFD, RESTORE_WINDOW, AdwWindow)

CfdRestoreWindow *cfd_restore_window_new (GtkWindow *parent);

/* The steps' choices, as the file choosers make them. set_file reads the
 * backup's header (nothing is trusted before the restore verifies it). */
gboolean cfd_restore_window_set_file (CfdRestoreWindow *self, const char *path, GError **error);
/* The new vault goes into folder, which must not exist yet or be empty. */
void cfd_restore_window_set_target (CfdRestoreWindow *self, const char *folder);

/* A restore is running. */
gboolean cfd_restore_window_is_busy (CfdRestoreWindow *self);
/* The folder restored into once it succeeded, else NULL. */
const char *cfd_restore_window_get_restored (CfdRestoreWindow *self);
/* The last error shown, or NULL. */
const char *cfd_restore_window_get_error (CfdRestoreWindow *self);

G_END_DECLS
