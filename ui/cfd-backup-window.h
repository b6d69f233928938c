/* cfd-backup-window.h: backing up to removable media or a folder, with progress, verifying, generations, the reminder. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_BACKUP_WINDOW (cfd_backup_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdBackupWindow, cfd_backup_window, CFD, BACKUP_WINDOW, AdwWindow)

/* Closes when the vault locks (a running backup is cancelled). */
CfdBackupWindow *cfd_backup_window_new (GtkWindow *parent, CfdVault *vault);

/* A folder to back up to besides the removable media (the "Choose Folder"
 * button asks for one); it becomes the selected destination. */
gboolean cfd_backup_window_add_folder (CfdBackupWindow *self, const char *folder, GError **error);

/* Destinations listed (media and chosen folders), and the backups of this
 * vault on the selected one, newest first. */
guint cfd_backup_window_get_n_destinations (CfdBackupWindow *self);
guint cfd_backup_window_get_n_generations (CfdBackupWindow *self);

/* A backup or a verification is running. */
gboolean cfd_backup_window_is_busy (CfdBackupWindow *self);
/* The last finished operation's message for people, or NULL. */
const char *cfd_backup_window_get_status (CfdBackupWindow *self);
/* The reminder: shown when no backup verified within backup-reminder-days. */
gboolean cfd_backup_window_get_reminder_visible (CfdBackupWindow *self);

/* Why a reminder is due, or NULL when it is not: last_verified is 0 for
 * never (µs since the epoch otherwise), days 0 turns reminders off. */
char *cfd_backup_reminder_text (gint64 last_verified, gint64 now, guint days);

/* When a backup of vault was last verified (µs since the epoch), or 0. */
gint64 cfd_backup_last_verified (CfdVault *vault);

G_END_DECLS
