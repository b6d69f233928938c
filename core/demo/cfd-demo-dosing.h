/* cfd-demo-dosing.h: invented dosing sessions that a careful clinic could have recorded. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* A dosing record's content that passes every signing check: esketamine
 * intranasal (56 or 84 mg), IV racemic ketamine at 0.5 mg/kg over 40
 * minutes, or sublingual tablets, with consistent times and readings. An
 * esketamine session answers the REMS form's seven yes/no questions: the
 * concomitant medications from concomitant, a mask of
 * 1 << i for each entry i of cfd_rems_concomitant the patient takes, and
 * sedation, dissociation and respiratory depression from its own ratings
 * and readings. */
GVariant *cfd_demo_dosing_content (GRand *rand, guint concomitant);

G_END_DECLS
