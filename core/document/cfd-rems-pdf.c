/* cfd-rems-pdf.c: a REMS Patient Monitoring Form written as a PDF, listing what is missing, audited.
 *
 * The form is laid out with the record document's layout (same fonts,
 * page numbers, A4) as a list of the REMS form's questions: Confidant
 * does not reproduce the manufacturer's form, it gives the answers to copy
 * into it (online or by fax) and says which ones the vault cannot give. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <cairo-pdf.h>

#include "cfd-date.h"
#include "cfd-document-layout-private.h"
#include "cfd-error.h"
#include "cfd-export-file-private.h"
#include "cfd-export-pdf.h"
#include "cfd-rems-pdf.h"
#include "cfd-secure.h"

static cairo_status_t
append_piece (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The PDF holds patient text: wiped before its memory goes back. */
static void
wipe_bytes (GByteArray *bytes)
{
  gsize length = bytes->len;

  cfd_wipe_free (g_byte_array_free (bytes, FALSE), length);
}

/* The question as a label and the answer under it: the form's questions
 * are too long for a label-and-value line. The detail follows the answer
 * in brackets; a missing answer stands out. */
static void
add_answer (CfdDocumentLayout *layout, const CfdRemsFormField *field)
{
  char *markup;

  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, field->question);
  if (field->value == NULL && field->detail == NULL)
    markup = g_markup_printf_escaped ("<b>MISSING</b>");
  else if (field->value == NULL)
    markup = g_markup_printf_escaped ("<b>MISSING</b> (%s)", field->detail);
  else if (field->detail == NULL)
    markup = g_markup_printf_escaped ("%s", field->value);
  else
    markup = g_markup_printf_escaped ("%s (%s)", field->value, field->detail);
  cfd_document_layout_add_markup (layout, CFD_BLOCK_TEXT, markup);
  cfd_wipe_string (markup);
}

static void
add_missing (CfdDocumentLayout *layout, char **missing)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (missing[0] == NULL)
    {
      cfd_document_layout_add (layout, CFD_BLOCK_NOTICE,
                               "Every question of the form is answered from the record.");
      return;
    }
  g_string_append_printf (text,
                          "Missing (%u): the record does not answer these; answer them on "
                          "the form yourself or complete the record.",
                          g_strv_length (missing));
  for (guint i = 0; missing[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s", missing[i]);
  cfd_document_layout_add (layout, CFD_BLOCK_NOTICE, text->str);
}

static void
add_status (CfdDocumentLayout *layout, CfdRemsForm *form, CfdRemsSubmission *submission)
{
  g_autofree char *session = cfd_date_format (cfd_rems_form_get_session_date (form));
  g_autofree char *due = cfd_date_format (cfd_rems_form_get_due_date (form));
  g_autofree char *meta = NULL;

  meta = g_strdup_printf ("Session %s · submit by %s (within %d days) · dosing record %s", session,
                          due, CFD_REMS_FORM_DAYS, cfd_rems_form_get_record_id (form));
  cfd_document_layout_add (layout, CFD_BLOCK_META, meta);
  if (submission != NULL)
    {
      g_autofree char *on = cfd_date_format (submission->submitted_on);
      char *line = g_strdup_printf ("Submitted on %s, confirmation number %s", on,
                                    submission->confirmation);

      cfd_document_layout_add (layout, CFD_BLOCK_META, line);
      cfd_wipe_string (line);
    }
}

static CfdDocumentLayout *
layout_form (CfdRemsForm *form, CfdRemsSubmission *submission)
{
  CfdDocumentLayout *layout
      = cfd_document_layout_new ("SPRAVATO REMS Patient Monitoring Form", "Confidential");
  g_auto (GStrv) missing = cfd_rems_form_list_missing (form);
  const char *section = NULL;

  cfd_document_layout_add (layout, CFD_BLOCK_TITLE, "SPRAVATO® REMS Patient Monitoring Form");
  cfd_document_layout_add (layout, CFD_BLOCK_META,
                           "The answers to the REMS Patient Monitoring Form (outpatient), from the "
                           "signed esketamine dosing record. Copy them into the form at the REMS "
                           "website or on the fax form.");
  add_status (layout, form, submission);
  add_missing (layout, missing);
  for (guint i = 0; i < cfd_rems_form_get_n_fields (form); i++)
    {
      const CfdRemsFormField *field = cfd_rems_form_get_field (form, i);

      if (g_strcmp0 (section, field->section) != 0)
        {
          section = field->section;
          cfd_document_layout_add (layout, CFD_BLOCK_SPACE, NULL);
          cfd_document_layout_add (layout, CFD_BLOCK_RECORD, section);
        }
      add_answer (layout, field);
    }
  return layout;
}

static GByteArray *
render (CfdDocumentLayout *layout, GError **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (
      append_piece, bytes, CFD_EXPORT_PDF_PAGE_WIDTH, CFD_EXPORT_PDF_PAGE_HEIGHT);
  cairo_t *cr;
  cairo_status_t status;
  guint pages;

  /* Never the patient's name: a file manager shows the metadata. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  "REMS Patient Monitoring Form");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Confidant");
  cr = cairo_create (surface);
  pages = cfd_document_layout_paginate (layout, cr, CFD_EXPORT_PDF_PAGE_WIDTH,
                                        CFD_EXPORT_PDF_PAGE_HEIGHT);
  for (guint page = 0; page < pages; page++)
    {
      cfd_document_layout_draw_page (layout, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      wipe_bytes (g_steal_pointer (&bytes));
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED, _ ("Could not draw the PDF: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

gboolean
cfd_vault_export_rems_form_pdf (
    CfdVault *vault, const char *record_id, const char *path, char ***missing, GError **error)
{
  static const CfdDisclosureTerms terms = {
    .recipient = "SPRAVATO REMS",
    .purpose = "REMS Patient Monitoring Form",
    .basis = "public health: FDA-required REMS (45 CFR 164.512(b)(1)(iii))",
  };
  g_autoptr (CfdRemsForm) form = NULL;
  g_autoptr (CfdRemsSubmission) submission = NULL;
  g_autoptr (CfdDocumentLayout) layout = NULL;
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree char *description = NULL;
  g_autofree char *session = NULL;
  CfdExportDisclosure disclosure;
  GError *local_error = NULL;
  gboolean written;

  g_return_val_if_fail (record_id != NULL, FALSE);
  if (!cfd_export_file_check_destination (path, "REMS form", error))
    return FALSE;
  form = cfd_vault_get_rems_form (vault, record_id, error);
  if (form == NULL)
    return FALSE;
  submission = cfd_vault_get_rems_submission (vault, record_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  layout = layout_form (form, submission);
  bytes = render (layout, error);
  if (bytes == NULL)
    return FALSE;
  session = cfd_date_format (cfd_rems_form_get_session_date (form));
  description = g_strdup_printf ("REMS Patient Monitoring Form of the esketamine session of %s "
                                 "(dosing record %s)",
                                 session, record_id);
  disclosure = (CfdExportDisclosure){ "patient.export-rems", cfd_rems_form_get_patient_id (form),
                                      FALSE, &terms, description };
  written = cfd_export_file_write (vault, path, "REMS form", bytes->data, bytes->len, &disclosure,
                                   error);
  wipe_bytes (g_steal_pointer (&bytes));
  if (written && missing != NULL)
    *missing = cfd_rems_form_list_missing (form);
  return written;
}
