/* cfd-risk-level.h: the level of a risk assessment worked out from its answers, and what raises the flag. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-template.h"

G_BEGIN_DECLS

/* "low", "moderate" or "high" by the rule in docs/CLINICAL.md, or NULL
 * while no question is answered. */
const char *cfd_risk_rule_level (GVariant *content);

/* The content with "rule-level" worked out (see above). */
GVariant *cfd_risk_compute (GVariant *content);

/* A level chosen apart from the rule needs a justification, and can never
 * be "low" when intent, plan or behaviour is yes. */
void cfd_risk_check (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems);

/* TRUE when a signed risk assessment raises the patient's risk flag: any
 * ideation or behaviour answered yes (wish to be dead included), or a
 * level of "high". */
gboolean cfd_risk_raises_flag (GVariant *content);

G_END_DECLS
