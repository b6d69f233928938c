/* cfd-export-pdf.c: a patient's record written to a PDF file, safely and audited. */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "cfd-authorization.h"
#include "cfd-error.h"
#include "cfd-export-pdf.h"
#include "cfd-io-private.h"
#include "cfd-record-document.h"
#include "cfd-vault-private.h"

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

/* One bookmark per record, at its heading. */
static void
add_outline (CfdRecordDocument *document, cairo_surface_t *surface)
{
  for (guint i = 0; i < cfd_record_document_get_n_outline_entries (document); i++)
    {
      guint page;
      double y;
      const char *title = cfd_record_document_get_outline_entry (document, i, &page, &y);
      g_autofree char *link = NULL;

      if (title == NULL)
        continue;
      /* A whole number of points: cairo parses a decimal point in link
       * attributes by the locale, and refuses "12.5" where the decimal
       * separator is a comma (es_ES and most of Europe). */
      link = g_strdup_printf ("page=%u pos=[0 %d]", page + 1, (int)floor (y));
      cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
    }
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
  /* The metadata never names the patient: a file manager or a mail client
   * shows it without opening the document. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _ ("Patient record"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT,
                                  cfd_record_document_includes_psychotherapy (document)
                                      ? _ ("Medical record and psychotherapy notes")
                                      : _ ("Medical record"));
  if (cfd_record_document_get_practice_name (document) != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR,
                                    cfd_record_document_get_practice_name (document));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Confidant");
  cr = cairo_create (surface);
  pages = cfd_record_document_paginate (document, cr, CFD_EXPORT_PDF_PAGE_WIDTH,
                                        CFD_EXPORT_PDF_PAGE_HEIGHT);
  for (guint page = 0; page < pages; page++)
    {
      cfd_record_document_draw_page (document, cr, page);
      cairo_show_page (cr);
    }
  /* Once every page exists: cairo resolves the bookmarks' pages at finish,
   * and one pointing past a page it failed to write would abort it. */
  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS && sink->error == NULL)
    add_outline (document, surface);
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
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED, _ ("Could not draw the PDF: %s"),
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
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The export needs a file name to write the PDF to"));
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The PDF's destination is a folder; name a file inside it"));
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                           _ ("The folder to save the PDF in does not exist"));
      return FALSE;
    }
  return TRUE;
}

static void
audit_failure (CfdRecordDocument *document, CfdVault *vault)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_vault_is_unlocked (vault))
    return; /* locked meanwhile: there is no log to write to, and no file */
  if (!cfd_record_document_audit (document, vault, FALSE, &error))
    g_warning ("Could not record a failed export: %s", error->message);
}

/* One export, in three steps: prepare (main thread: what the user may
 * export, and a temporary file beside the destination), render (any
 * thread: layout and drawing touch no vault state), commit (main thread:
 * the audit record, then the rename). */
typedef struct
{
  CfdRecordDocument *document;
  char *path;
  char *temp_path;
  int fd;
  guint pages;
} Export;

/* Closes and removes the temporary file, if it is still there. */
static void
export_discard (Export *export)
{
  if (export->fd >= 0)
    close (export->fd);
  export->fd = -1;
  if (export->temp_path != NULL)
    g_unlink (export->temp_path);
  g_clear_pointer (&export->temp_path, g_free);
}

static void
export_free (Export *export)
{
  export_discard (export);
  g_free (export->path);
  g_clear_pointer (&export->document, cfd_record_document_free);
  g_free (export);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Export, export_free)

static Export *
export_prepare (CfdVault *vault,
                const char *patient_id,
                gboolean include_psychotherapy,
                const CfdDisclosureTerms *terms,
                const char *path,
                GError **error)
{
  g_autoptr (Export) export = g_new0 (Export, 1);

  export->fd = -1;
  if (!check_destination (path, error)
      || (terms != NULL && !cfd_disclosure_terms_check (terms, error)))
    return NULL;
  export->document = cfd_record_document_new_for (vault, patient_id, CFD_RECORD_DOCUMENT_EXPORT,
                                                  include_psychotherapy, terms, error);
  if (export->document == NULL)
    return NULL;
  export->path = g_strdup (path);
  export->fd = cfd_io_open_temp (path, &export->temp_path, error);
  if (export->fd < 0)
    {
      g_prefix_error (error, _ ("Cannot save the PDF there: "));
      audit_failure (export->document, vault);
      return NULL;
    }
  return g_steal_pointer (&export);
}

/* On failure the temporary file goes when the export is freed. */
static gboolean
export_render (Export *export, GError **error)
{
  Sink sink = { export->fd, NULL };

  if (!render (export->document, &sink, &export->pages, error) || !cfd_io_fsync (export->fd, error))
    {
      g_prefix_error (error, _ ("The PDF was not saved: "));
      return FALSE;
    }
  close (export->fd);
  export->fd = -1;
  return TRUE;
}

static gboolean
export_commit (Export *export, CfdVault *vault, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (export->path);

  /* Recorded before the file appears, so no export ever exists that the
   * log does not show (nor does one while the vault is locked). */
  if (!cfd_record_document_audit (export->document, vault, TRUE, error))
    {
      export_discard (export);
      return FALSE;
    }
  if (!cfd_io_rename (export->temp_path, export->path, error))
    {
      export_discard (export);
      g_prefix_error (error, _ ("The PDF was not saved: "));
      audit_failure (export->document, vault);
      return FALSE;
    }
  g_clear_pointer (&export->temp_path, g_free);
  if (!cfd_io_fsync_dir (dir, error))
    {
      g_prefix_error (error, _ ("The PDF was saved but may not survive a power cut: "));
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_export_patient_pdf (CfdVault *vault,
                              const char *patient_id,
                              gboolean include_psychotherapy,
                              const char *path,
                              guint *n_pages,
                              GError **error)
{
  return cfd_vault_export_patient_pdf_for (vault, patient_id, include_psychotherapy, NULL, path,
                                           n_pages, error);
}

gboolean
cfd_vault_export_patient_pdf_for (CfdVault *vault,
                                  const char *patient_id,
                                  gboolean include_psychotherapy,
                                  const CfdDisclosureTerms *terms,
                                  const char *path,
                                  guint *n_pages,
                                  GError **error)
{
  g_autoptr (Export) export = NULL;

  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  export = export_prepare (vault, patient_id, include_psychotherapy, terms, path, error);
  if (export == NULL)
    return FALSE;
  if (!export_render (export, error))
    {
      audit_failure (export->document, vault);
      return FALSE;
    }
  if (!export_commit (export, vault, error))
    return FALSE;
  if (n_pages != NULL)
    *n_pages = export->pages;
  return TRUE;
}

char *
cfd_vault_authorize_psychotherapy_release (CfdVault *vault,
                                           const char *patient_id,
                                           const char *authorization,
                                           const char *action,
                                           const char *basis,
                                           GError **error)
{
  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL && action != NULL, NULL);

  if (authorization == NULL || authorization[0] == '\0')
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Psychotherapy notes are disclosed only under the patient's written "
                              "authorization (45 CFR 164.508(a)(2)): name it"));
      return NULL;
    }
  if (strlen (authorization) > 100 || strpbrk (authorization, "\r\n\t") != NULL
      || !g_utf8_validate (authorization, -1, NULL))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The authorization id must be one line of at most 100 characters"));
      return NULL;
    }
  /* On record, live, of this patient and for psychotherapy notes: the same
   * check the FHIR export makes. */
  if (!cfd_vault_check_psychotherapy_authorization (vault, patient_id, authorization, error))
    {
      cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
      return NULL;
    }
  return g_strdup_printf ("%s; psychotherapy notes under authorization %s",
                          basis != NULL ? basis : "", authorization);
}

gboolean
cfd_vault_export_patient_pdf_authorized (CfdVault *vault,
                                         const char *patient_id,
                                         const char *authorization,
                                         const CfdDisclosureTerms *terms,
                                         const char *path,
                                         guint *n_pages,
                                         GError **error)
{
  g_autofree char *basis = NULL;
  CfdDisclosureTerms named;

  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (patient_id != NULL && terms != NULL, FALSE);

  if (!cfd_disclosure_terms_check (terms, error))
    return FALSE;
  basis = cfd_vault_authorize_psychotherapy_release (vault, patient_id, authorization,
                                                     "patient.export", terms->basis, error);
  if (basis == NULL)
    return FALSE;
  named = (CfdDisclosureTerms){ terms->recipient, terms->purpose, basis };
  return cfd_vault_export_patient_pdf_for (vault, patient_id, TRUE, &named, path, n_pages, error);
}

static void
render_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (export_render (data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
rendered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CfdVault *vault = g_task_get_source_object (task);
  Export *export = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      export_discard (export);
      audit_failure (export->document, vault);
      g_task_return_error (task, error);
      return;
    }
  if (!export_commit (export, vault, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, (gssize) export->pages);
}

void
cfd_vault_export_patient_pdf_async (CfdVault *vault,
                                    const char *patient_id,
                                    gboolean include_psychotherapy,
                                    const char *path,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  cfd_vault_export_patient_pdf_for_async (vault, patient_id, include_psychotherapy, NULL, path,
                                          cancellable, callback, user_data);
}

void
cfd_vault_export_patient_pdf_for_async (CfdVault *vault,
                                        const char *patient_id,
                                        gboolean include_psychotherapy,
                                        const CfdDisclosureTerms *terms,
                                        const char *path,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (vault, cancellable, callback, user_data);
  g_autoptr (GTask) worker = NULL;
  GError *error = NULL;
  Export *export;

  g_return_if_fail (CFD_IS_VAULT (vault));
  g_return_if_fail (patient_id != NULL);
  g_task_set_source_tag (task, cfd_vault_export_patient_pdf_async);

  export = export_prepare (vault, patient_id, include_psychotherapy, terms, path, &error);
  if (export == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  worker = g_task_new (vault, cancellable, rendered, g_steal_pointer (&task));
  g_task_set_task_data (worker, export, (GDestroyNotify)export_free);
  g_task_run_in_thread (worker, render_thread);
}

gboolean
cfd_vault_export_patient_pdf_finish (CfdVault *vault,
                                     GAsyncResult *result,
                                     guint *n_pages,
                                     GError **error)
{
  gssize pages;

  g_return_val_if_fail (g_task_is_valid (result, vault), FALSE);
  pages = g_task_propagate_int (G_TASK (result), error);
  if (pages < 0)
    return FALSE;
  if (n_pages != NULL)
    *n_pages = (guint)pages;
  return TRUE;
}
