/* cfd-chart-section-private.h: the chart (active problems, allergies, medications) on the record document's cover. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-document-layout-private.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Adds "Chart": active problems, allergies ("not recorded" when nobody
 * has said, "no known drug allergies" when someone has), active
 * medications with their flagged classes. Each list verified as it is
 * read (TAMPERED otherwise). */
gboolean cfd_chart_section_add (CfdDocumentLayout *layout,
                                CfdVault *vault,
                                const char *patient_id,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
