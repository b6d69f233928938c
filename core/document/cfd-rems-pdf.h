/* cfd-rems-pdf.h: a REMS Patient Monitoring Form written as a PDF, listing what is missing, audited. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-rems-form.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Writes the form of a signed esketamine dosing record
 * (cfd_vault_get_rems_form) as a one-or-two page PDF at path: every
 * question with its answer, each unanswered one marked, the list of what
 * is missing at the top, the due date and any submission recorded. Written
 * as the record exports are (a temporary file, mode 0600, renamed only
 * when complete) and entered in the accounting of disclosures as
 * patient.export-rems, to the SPRAVATO REMS for public health
 * (45 CFR 164.512(b)(1)(iii)). missing (may be NULL) receives the
 * questions left unanswered, as cfd_rems_form_list_missing gives them. */
gboolean cfd_vault_export_rems_form_pdf (CfdVault *vault,
                                         const char *record_id,
                                         const char *path,
                                         char ***missing,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
