/* cfd-session-section-private.h: every signed session record as a list in the record document. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-document-layout-private.h"
#include "cfd-record.h"

G_BEGIN_DECLS

/* Adds "Sessions": one entry per signed session record among records
 * (CfdRecord items, oldest first), with its date, start and end times,
 * modality and plan, so the medical record (and the patient's copy under
 * 45 CFR 164.524) shows them at a glance. Nothing when there are none. */
void cfd_session_section_add (CfdDocumentLayout *layout, GPtrArray *records);

G_END_DECLS
