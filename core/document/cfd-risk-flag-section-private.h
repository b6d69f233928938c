/* cfd-risk-flag-section-private.h: the risk flag's history as a section of the record document. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-document-layout-private.h"
#include "cfd-patient.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Adds "Risk flag" with every step (raised by which record, reviewed and
 * resolved with the action taken, who and when); nothing when the flag was
 * never raised. */
gboolean cfd_risk_flag_section_add (CfdDocumentLayout *layout,
                                    CfdVault *vault,
                                    CfdPatient *patient,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
