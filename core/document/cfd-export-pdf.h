/* cfd-export-pdf.h: a patient's record written to a PDF file, safely and audited. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* A4, in points: the PDF surface's page. */
#define CFD_EXPORT_PDF_PAGE_WIDTH  595.276
#define CFD_EXPORT_PDF_PAGE_HEIGHT 841.890

/* Writes the patient's record (see cfd_record_document_new for what is in
 * it and who may) as a PDF file at path. The file is written beside path
 * under a temporary name, mode 0600, flushed to disk and renamed over path
 * only once complete: on any failure nothing at path changes and no
 * temporary file is left. The export is recorded in the audit log
 * ("patient.export", with whether psychotherapy notes were included), as a
 * failure when it fails. n_pages (may be NULL) is set on success. */
gboolean cfd_vault_export_patient_pdf (CfdVault *vault,
                                       const char *patient_id,
                                       gboolean include_psychotherapy,
                                       const char *path,
                                       guint *n_pages,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, stating who the PDF is for, why and on what basis: the export
 * enters the accounting of disclosures (cfd-disclosure.h). Every export the
 * app and the CLI make goes through here. */
gboolean cfd_vault_export_patient_pdf_for (CfdVault *vault,
                                           const char *patient_id,
                                           gboolean include_psychotherapy,
                                           const CfdDisclosureTerms *terms,
                                           const char *path,
                                           guint *n_pages,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Before psychotherapy notes go into a PDF or a print (45 CFR 164.508(a)(2)):
 * authorization must name one recorded for this patient, live and covering
 * psychotherapy notes (cfd_vault_check_psychotherapy_authorization). Returns
 * the basis to state, basis with the authorization named, for the accounting
 * of disclosures; on refusal NULL, with the attempt audited as denied under
 * action ("patient.export" or "patient.print"). */
char *cfd_vault_authorize_psychotherapy_release (CfdVault *vault,
                                                 const char *patient_id,
                                                 const char *authorization,
                                                 const char *action,
                                                 const char *basis,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same with the psychotherapy notes, released only under the patient's
 * authorization (45 CFR 164.508(a)(2)): authorization must name one recorded
 * for this patient, live, and covering psychotherapy notes
 * (cfd_vault_check_psychotherapy_authorization). A refusal is audited as
 * denied ("patient.export") and writes nothing; the disclosure's basis names
 * the authorization. */
gboolean cfd_vault_export_patient_pdf_authorized (CfdVault *vault,
                                                  const char *patient_id,
                                                  const char *authorization,
                                                  const CfdDisclosureTerms *terms,
                                                  const char *path,
                                                  guint *n_pages,
                                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, with the layout and writing (the slow part: about a second for
 * 130 pages) in a worker thread. What may be exported is gathered, and the
 * temporary file opened, before this returns; the audit record and the
 * rename happen back in the caller's main context. Locking the vault
 * meanwhile makes the export fail (LOCKED) with nothing left behind. */
void cfd_vault_export_patient_pdf_async (CfdVault *vault,
                                         const char *patient_id,
                                         gboolean include_psychotherapy,
                                         const char *path,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void cfd_vault_export_patient_pdf_for_async (CfdVault *vault,
                                             const char *patient_id,
                                             gboolean include_psychotherapy,
                                             const CfdDisclosureTerms *terms,
                                             const char *path,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
gboolean cfd_vault_export_patient_pdf_finish (CfdVault *vault,
                                              GAsyncResult *result,
                                              guint *n_pages,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
