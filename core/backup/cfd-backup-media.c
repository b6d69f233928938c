/* cfd-backup-media.c: finding removable media (USB sticks, external disks) to back up to. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-backup-media.h"
#include "cfd-error.h"

void
cfd_backup_medium_free (CfdBackupMedium *medium)
{
  if (medium == NULL)
    return;
  g_free (medium->label);
  g_free (medium->uuid);
  g_free (medium->path);
  g_free (medium);
}

gboolean
cfd_backup_query_free_space (const char *folder, guint64 *free_bytes, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (folder);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInfo) info = g_file_query_filesystem_info (
      file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE "," G_FILE_ATTRIBUTE_FILESYSTEM_SIZE, NULL,
      &local_error);

  if (info == NULL)
    {
      g_set_error (error, CFD_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                       ? CFD_ERROR_MEDIUM_REMOVED
                       : CFD_ERROR_IO,
                   "Could not read the free space of the backup folder: %s", local_error->message);
      return FALSE;
    }
  /* A file system that does not report free space is not refused here;
   * the write itself then reports a full disk. */
  *free_bytes = g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE)
                    ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE)
                    : G_MAXUINT64;
  return TRUE;
}

static char *
mount_uuid (GMount *mount)
{
  g_autoptr (GVolume) volume = g_mount_get_volume (mount);
  char *uuid = g_mount_get_uuid (mount);

  if (uuid == NULL && volume != NULL)
    uuid = g_volume_get_identifier (volume, G_VOLUME_IDENTIFIER_KIND_UUID);
  if (uuid == NULL && volume != NULL)
    uuid = g_volume_get_uuid (volume);
  return uuid != NULL ? uuid : g_strdup ("");
}

static gboolean
mount_is_removable (GMount *mount)
{
  g_autoptr (GDrive) drive = g_mount_get_drive (mount);

  if (drive != NULL && (g_drive_is_removable (drive) || g_drive_can_eject (drive)))
    return TRUE;
  return g_mount_can_eject (mount);
}

static CfdBackupMedium *
medium_from_mount (GMount *mount, const char *path)
{
  CfdBackupMedium *medium = g_new0 (CfdBackupMedium, 1);
  g_autoptr (GFile) root = g_mount_get_root (mount);
  g_autoptr (GFileInfo) info = g_file_query_filesystem_info (
      root, G_FILE_ATTRIBUTE_FILESYSTEM_FREE "," G_FILE_ATTRIBUTE_FILESYSTEM_SIZE, NULL, NULL);

  medium->label = g_mount_get_name (mount);
  medium->uuid = mount_uuid (mount);
  medium->path = g_strdup (path);
  medium->removable = mount_is_removable (mount);
  if (info != NULL)
    {
      medium->free_bytes
          = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
      medium->size_bytes
          = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_SIZE);
    }
  return medium;
}

GPtrArray *
cfd_backup_media_list (void)
{
  g_autoptr (GVolumeMonitor) monitor = g_volume_monitor_get ();
  GList *mounts = g_volume_monitor_get_mounts (monitor);
  GPtrArray *media = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_backup_medium_free);

  for (GList *l = mounts; l != NULL; l = l->next)
    {
      GMount *mount = l->data;
      g_autoptr (GFile) root = g_mount_get_root (mount);
      g_autofree char *path = g_file_get_path (root);

      /* Only media with a local path can take a backup file, and only
       * removable ones are offered: a backup on the vault's own disk does
       * not survive that disk. */
      if (path == NULL || g_mount_is_shadowed (mount) || !mount_is_removable (mount))
        continue;
      g_ptr_array_add (media, medium_from_mount (mount, path));
    }
  g_list_free_full (mounts, g_object_unref);
  return media;
}

CfdBackupMedium *
cfd_backup_medium_for_folder (const char *folder, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (folder);
  g_autoptr (GMount) mount = g_file_find_enclosing_mount (file, NULL, NULL);
  CfdBackupMedium *medium;
  guint64 free_bytes = 0;

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("The backup folder does not exist"));
      return NULL;
    }
  if (!cfd_backup_query_free_space (folder, &free_bytes, error))
    return NULL;
  if (mount != NULL)
    {
      medium = medium_from_mount (mount, folder);
    }
  else
    {
      medium = g_new0 (CfdBackupMedium, 1);
      medium->label = g_path_get_basename (folder);
      medium->uuid = g_strdup ("");
      medium->path = g_strdup (folder);
    }
  medium->free_bytes = free_bytes;
  return medium;
}
