/* cfd-backup-media.h: finding removable media (USB sticks, external disks) to back up to. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/* A place a backup can go. Labels and uuids describe the medium, never a
 * patient, so they may be shown, logged and kept in the ledger. */
typedef struct
{
  char *label;
  char *uuid; /* "" when the medium reports none */
  char *path; /* where it is mounted, or the folder itself */
  guint64 free_bytes;
  guint64 size_bytes;
  gboolean removable;
} CfdBackupMedium;

void cfd_backup_medium_free (CfdBackupMedium *medium);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdBackupMedium, cfd_backup_medium_free)

/* Mounted media that can be removed or ejected, as GIO's volume monitor
 * sees them; empty when there are none. Call from the main thread (or any
 * one thread throughout), as GVolumeMonitor requires. */
GPtrArray *cfd_backup_media_list (void);

/* Describes any folder as a medium: the mount it is on when GIO knows one
 * (its label and uuid), else the folder's own name. */
CfdBackupMedium *cfd_backup_medium_for_folder (const char *folder,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Free bytes on the file system holding folder. */
gboolean cfd_backup_query_free_space (const char *folder,
                                      guint64 *free_bytes,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
