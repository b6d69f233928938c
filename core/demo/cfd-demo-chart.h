/* cfd-demo-chart.h: an invented patient's chart (problems, allergies, medications, antidepressant trials). */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Signed entries for one demo patient, chosen with their own random
 * sequence (seed), so the practice's other content stays as it was. */
gboolean cfd_demo_add_chart (CfdVault *vault, guint32 seed, const char *patient_id, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
