/* cfd-export-fhir.h: a patient's signed record as a FHIR R4 Bundle (JSON), scoped, audited as a disclosure. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-disclosure.h"
#include "cfd-record.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Which records an export holds. */
typedef struct
{
  gint64 from; /* occurred at or after, seconds; 0 for no bound */
  gint64 to;   /* occurred before, seconds; 0 for no bound */
  guint kinds; /* (1 << CfdRecordKind) for each kind wanted; 0 for every kind */
  /* Psychotherapy notes only with both: the id of the patient's written
   * authorization (45 CFR 164.508(a)(2)), stated in the accounting. */
  gboolean include_psychotherapy;
  const char *authorization;
  /* Filed documents (cfd-attachment.h), inline, only when asked for. */
  gboolean include_attachments;
} CfdExportScope;

/* The FHIR R4 Bundle (type "collection") of the patient's signed records
 * within scope; the mapping is in docs/FORMATS.md, "FHIR export". Who may:
 * as for the PDF (cfd_record_document_new). Psychotherapy notes need an
 * authorization (INVALID_INPUT without). n_resources (may be NULL) is the
 * number of entries. The text is wiped when the string is freed with
 * cfd_wipe_string. */
char *cfd_vault_build_patient_fhir (CfdVault *vault,
                                    const char *patient_id,
                                    const CfdExportScope *scope,
                                    guint *n_resources,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes the Bundle to path as the PDF export writes (a temporary file
 * renamed into place, mode 0600), recorded as "patient.export-fhir" with
 * the terms in the accounting of disclosures. */
gboolean cfd_vault_export_patient_fhir (CfdVault *vault,
                                        const char *patient_id,
                                        const CfdExportScope *scope,
                                        const CfdDisclosureTerms *terms,
                                        const char *path,
                                        guint *n_resources,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses "dosing,measure,…" into a kinds mask; FALSE naming an unknown kind. */
gboolean cfd_export_scope_parse_kinds (const char *text, guint *kinds, GError **error);

G_END_DECLS
