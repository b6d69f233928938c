/* cfd-dosing-checks.h: what a dosing record must satisfy across its fields before it is signed. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-dosing-thresholds.h"
#include "cfd-template.h"

G_BEGIN_DECLS

/* Appends a CfdTemplateProblem for each cross-field rule the content
 * breaks. Only values of the field's own type are looked at: a value as
 * typed is already a problem of its field. */
void cfd_dosing_check (const CfdTemplate *tmpl,
                       GVariant *content,
                       const CfdDosingThresholds *thresholds,
                       GPtrArray *problems);

/* Adds the dosing warnings (nasal spray devices under 5 minutes apart) to
 * builder; TRUE when it added any. Warnings never stop signing. */
gboolean cfd_dosing_add_warnings (GVariant *content, GStrvBuilder *builder);

/* The content with the IV volume (dose ÷ concentration) and the infusion
 * rate (dose ÷ infusion time) worked out, or left out when they cannot be
 * or the route is not intravenous. */
GVariant *cfd_dosing_compute (GVariant *content);

G_END_DECLS
