/* cfd-record-document.h: a patient's record as a paginated document, for PDF export and printing. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <cairo.h>
#include <gio/gio.h>

#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* What the document is made for; each is its own audit action
 * ("patient.export", "patient.print"). */
typedef enum
{
  CFD_RECORD_DOCUMENT_EXPORT,
  CFD_RECORD_DOCUMENT_PRINT,
} CfdRecordDocumentUse;

typedef struct _CfdRecordDocument CfdRecordDocument;

/* Gathers the patient's signed medical record (and, only when
 * include_psychotherapy is TRUE, their psychotherapy notes) in date order
 * behind a cover page that states what is in it and what is not. Drafts
 * are left out: they are not yet part of the record; the cover counts them.
 *
 * Owners and therapists with access to the patient may do this; a
 * supervisor may not (NOT_PERMITTED, audited as denied): their consent
 * covers reviewing notes, not disclosing the record. */
CfdRecordDocument *cfd_record_document_new (CfdVault *vault,
                                            const char *patient_id,
                                            CfdRecordDocumentUse use,
                                            gboolean include_psychotherapy,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, naming on the cover whom it is prepared for, why and on what
 * basis, and carrying these into its audit record (as
 * cfd_record_document_set_disclosure). */
CfdRecordDocument *cfd_record_document_new_for (CfdVault *vault,
                                                const char *patient_id,
                                                CfdRecordDocumentUse use,
                                                gboolean include_psychotherapy,
                                                const CfdDisclosureTerms *terms,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Wipes every piece of patient text it held. */
void cfd_record_document_free (CfdRecordDocument *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdRecordDocument, cfd_record_document_free)

gboolean cfd_record_document_includes_psychotherapy (CfdRecordDocument *self);
/* The records (addenda included) the document holds. */
guint cfd_record_document_get_n_records (CfdRecordDocument *self);

/* Lays the document out on pages of width x height points (the cairo
 * context's user units) and returns the number of pages. PDF export and
 * GtkPrintOperation's draw-page share this one renderer. */
guint
cfd_record_document_paginate (CfdRecordDocument *self, cairo_t *cr, double width, double height);
/* The practice profile's name (the PDF's author), or NULL. */
const char *cfd_record_document_get_practice_name (CfdRecordDocument *self);
/* The document outline: one entry per record (addenda stay under theirs),
 * in document order. An entry's title, and the page (0-based) and height
 * of its heading in the last pagination; NULL when not laid out. */
guint cfd_record_document_get_n_outline_entries (CfdRecordDocument *self);
const char *
cfd_record_document_get_outline_entry (CfdRecordDocument *self, guint i, guint *page, double *y);
/* Draws page (0-based) of the last pagination. */
void cfd_record_document_draw_page (CfdRecordDocument *self, cairo_t *cr, guint page);

/* States who the document is for, why and on what basis; from then on
 * its audit record carries them into the accounting of disclosures
 * (cfd_vault_record_disclosure). INVALID_INPUT when one is missing. */
gboolean cfd_record_document_set_disclosure (CfdRecordDocument *self,
                                             const CfdDisclosureTerms *terms,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Records that the document was exported or printed (or that this
 * failed), with whether psychotherapy notes were in it, and the terms of
 * the disclosure when they were set; never any of its text. */
gboolean cfd_record_document_audit (CfdRecordDocument *self,
                                    CfdVault *vault,
                                    gboolean succeeded,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
