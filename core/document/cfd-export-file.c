/* cfd-export-file.c: an export's bytes written beside their destination, audited, then renamed into place. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-error.h"
#include "cfd-export-file-private.h"
#include "cfd-io-private.h"

gboolean
cfd_export_file_check_destination (const char *path, const char *what, GError **error)
{
  g_autofree char *dir = NULL;

  if (path == NULL || path[0] == '\0')
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The export needs a file name to write the %s to"), what);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The %s's destination is a folder; name a file inside it"), what);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("The folder to save the %s in does not exist"), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
audit (CfdVault *vault, const CfdExportDisclosure *d, gboolean succeeded, GError **error)
{
  return cfd_vault_record_disclosure (vault, d->action, d->patient_id, d->psychotherapy_included,
                                      succeeded ? CFD_AUDIT_SUCCESS : CFD_AUDIT_FAILURE, d->terms,
                                      d->description, error);
}

static void
audit_failure (CfdVault *vault, const CfdExportDisclosure *d)
{
  g_autoptr (GError) error = NULL;

  if (cfd_vault_is_unlocked (vault) && !audit (vault, d, FALSE, &error))
    g_warning ("Could not record a failed export: %s", error->message);
}

gboolean
cfd_export_file_write (CfdVault *vault,
                       const char *path,
                       const char *what,
                       const guint8 *data,
                       gsize length,
                       const CfdExportDisclosure *disclosure,
                       GError **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = NULL;
  int fd;

  if (!cfd_export_file_check_destination (path, what, error))
    return FALSE;
  fd = cfd_io_open_temp (path, &temp_path, error);
  if (fd < 0)
    {
      g_prefix_error (error, _ ("Cannot save the %s there: "), what);
      audit_failure (vault, disclosure);
      return FALSE;
    }
  if (!cfd_io_write_all (fd, data, length, error) || !cfd_io_fsync (fd, error))
    {
      close (fd);
      g_unlink (temp_path);
      g_prefix_error (error, _ ("The %s was not saved: "), what);
      audit_failure (vault, disclosure);
      return FALSE;
    }
  close (fd);
  /* Recorded before the file appears, so no export exists that the log
   * does not show. */
  if (!audit (vault, disclosure, TRUE, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }
  if (!cfd_io_rename (temp_path, path, error))
    {
      g_unlink (temp_path);
      g_prefix_error (error, _ ("The %s was not saved: "), what);
      audit_failure (vault, disclosure);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (!cfd_io_fsync_dir (dir, error))
    {
      g_prefix_error (error, _ ("The %s was saved but may not survive a power cut: "), what);
      return FALSE;
    }
  return TRUE;
}
