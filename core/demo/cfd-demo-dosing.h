/* cfd-demo-dosing.h: invented dosing sessions that a careful clinic could have recorded. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* A dosing record's content that passes every signing check: esketamine
 * intranasal (56 or 84 mg), IV racemic ketamine at 0.5 mg/kg over 40
 * minutes, or sublingual tablets, with consistent times and readings. */
GVariant *cfd_demo_dosing_content (GRand *rand);

G_END_DECLS
