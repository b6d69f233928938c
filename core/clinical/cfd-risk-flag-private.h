/* cfd-risk-flag-private.h: what raising the flag (from patients and records) needs inside core. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-risk-flag.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* Adds the signed "raised" step of a new cycle, naming the record that
 * raised it. Caller holds the write transaction that sets the flag. */
gboolean cfd_risk_flag_add_raised (CfdVault *vault,
                                   const char *patient_id,
                                   guint key_version,
                                   const char *record_id,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
