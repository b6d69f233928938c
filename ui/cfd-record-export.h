/* cfd-record-export.h: exporting a patient's record as PDF and printing it, from the patient page. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

/* Asks who the document is for, why and on what basis (all three
 * required), and whether to include the psychotherapy notes (off unless
 * ticked); for an export also the format (PDF, FHIR or measures as CSV;
 * see cfd-data-export.h) and then where to save it; then exports or
 * prints.
 * The outcome is shown as a toast in parent's window. */
void cfd_record_export_ask (GtkWidget *parent,
                            CfdVault *vault,
                            const char *patient_id,
                            CfdRecordDocumentUse use);

/* Exports to path (the layout and writing in a worker thread) and toasts
 * the outcome when done. */
void cfd_record_export_pdf (GtkWidget *parent,
                            CfdVault *vault,
                            const char *patient_id,
                            gboolean include_psychotherapy,
                            const char *path);

/* The same, stating who the PDF is for, why and on what basis: the export
 * enters the accounting of disclosures. The export dialog uses this. */
void cfd_record_export_pdf_for (GtkWidget *parent,
                                CfdVault *vault,
                                const char *patient_id,
                                gboolean include_psychotherapy,
                                const CfdDisclosureTerms *terms,
                                const char *path);
/* Prints through GtkPrintOperation with the same renderer as the PDF. The
 * app uses GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG; tests use
 * GTK_PRINT_OPERATION_ACTION_EXPORT with export_filename. A print that
 * reaches the printer (or fails) is audited; a cancelled one is not. */
void cfd_record_export_print (GtkWidget *parent,
                              CfdVault *vault,
                              const char *patient_id,
                              gboolean include_psychotherapy,
                              GtkPrintOperationAction action,
                              const char *export_filename);

/* The same, with the disclosure's terms (the print dialog's path). */
void cfd_record_export_print_for (GtkWidget *parent,
                                  CfdVault *vault,
                                  const char *patient_id,
                                  gboolean include_psychotherapy,
                                  const CfdDisclosureTerms *terms,
                                  GtkPrintOperationAction action,
                                  const char *export_filename);
G_END_DECLS
