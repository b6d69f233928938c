/* cfd-backup-banner.h: the main window's bar that asks for a backup when the last verified one is too old. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_BACKUP_BANNER (cfd_backup_banner_get_type ())
G_DECLARE_FINAL_TYPE (CfdBackupBanner, cfd_backup_banner, CFD, BACKUP_BANNER, GtkWidget)

/* The unlocked vault to watch, or NULL (locked): the bar then hides. */
void cfd_backup_banner_set_vault (CfdBackupBanner *self, CfdVault *vault);

/* Looks at the backups again (after the Backups window closes). */
void cfd_backup_banner_refresh (CfdBackupBanner *self);

/* The bar is showing. */
gboolean cfd_backup_banner_get_revealed (CfdBackupBanner *self);

G_END_DECLS
