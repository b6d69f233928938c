/* cfd-export-pdf.c: a patient's record written to a PDF file, safely and audited. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "cfd-error.h"
#include "cfd-export-pdf.h"
#include "cfd-io.h"
#include "cfd-record-document.h"

typedef struct
{
  int fd;
  GError *error;
} Sink;

/* cairo hands the PDF over in pieces; they go straight to the temporary
 * file through the same write path (and fault hooks) as every other file. */
static cairo_status_t
write_piece (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!cfd_io_write_all (sink->fd, data, length, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
render (CfdRecordDocument *document, Sink *sink, guint *n_pages, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  guint pages;

  surface = cairo_pdf_surface_create_for_stream (write_piece, sink, CFD_EXPORT_PDF_PAGE_WIDTH,
                                                 CFD_EXPORT_PDF_PAGE_HEIGHT);
  /* The metadata stays generic: a file manager shows it without opening
   * the document. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Patient record");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Confidant");
  cr = cairo_create (surface);
  pages = cfd_record_document_paginate (document, cr, CFD_EXPORT_PDF_PAGE_WIDTH,
                                        CFD_EXPORT_PDF_PAGE_HEIGHT);
  for (guint page = 0; page < pages; page++)
    {
      cfd_record_document_draw_page (document, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&sink->error));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_FAILED, "Could not draw the PDF: %s",
                   cairo_status_to_string (status));
      return FALSE;
    }
  *n_pages = pages;
  return TRUE;
}

static gboolean
check_destination (const char *path, GError **error)
{
  g_autofree char *dir = NULL;

  if (path == NULL || path[0] == '\0')
    {
      g_set_error_literal (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                           "The export needs a file name to write the PDF to");
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_INVALID_INPUT,
                           "The PDF's destination is a folder; name a file inside it");
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_NOT_FOUND,
                           "The folder to save the PDF in does not exist");
      return FALSE;
    }
  return TRUE;
}

static void
audit_failure (CfdRecordDocument *document, CfdVault *vault)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_record_document_audit (document, vault, FALSE, &error))
    g_warning ("Could not record a failed export: %s", error->message);
}

gboolean
cfd_vault_export_patient_pdf (CfdVault *vault,
                              const char *patient_id,
                              gboolean include_psychotherapy,
                              const char *path,
                              guint *n_pages,
                              GError **error)
{
  g_autoptr (CfdRecordDocument) document = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = NULL;
  Sink sink = { -1, NULL };
  guint pages = 0;

  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  if (!check_destination (path, error))
    return FALSE;
  document = cfd_record_document_new (vault, patient_id, CFD_RECORD_DOCUMENT_EXPORT,
                                      include_psychotherapy, error);
  if (document == NULL)
    return FALSE;

  sink.fd = cfd_io_open_temp (path, &temp_path, error);
  if (sink.fd < 0)
    {
      g_prefix_error (error, "Cannot save the PDF there: ");
      audit_failure (document, vault);
      return FALSE;
    }
  if (!render (document, &sink, &pages, error) || !cfd_io_fsync (sink.fd, error))
    {
      close (sink.fd);
      g_unlink (temp_path);
      g_prefix_error (error, "The PDF was not saved: ");
      audit_failure (document, vault);
      return FALSE;
    }
  close (sink.fd);

  /* Recorded before the file appears, so no export ever exists that the
   * log does not show. */
  if (!cfd_record_document_audit (document, vault, TRUE, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }
  if (!cfd_io_rename (temp_path, path, error))
    {
      g_unlink (temp_path);
      g_prefix_error (error, "The PDF was not saved: ");
      audit_failure (document, vault);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (!cfd_io_fsync_dir (dir, error))
    {
      g_prefix_error (error, "The PDF was saved but may not survive a power cut: ");
      return FALSE;
    }
  if (n_pages != NULL)
    *n_pages = pages;
  return TRUE;
}
