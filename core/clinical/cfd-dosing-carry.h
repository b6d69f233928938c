/* cfd-dosing-carry.h: a new dosing draft that starts from the patient's last signed session. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-record.h"

G_BEGIN_DECLS

/* Creates a dosing draft dated occurred holding only the medication,
 * route, dose and weight of the patient's most recent signed dosing
 * session (its signature verified), and the "carried-forward" marker that
 * must be cleared, once they are confirmed, before the draft is signed.
 * Times, readings, ratings and adverse events are never carried forward.
 * NOT_FOUND when the patient has no signed dosing session. */
char *cfd_vault_carry_forward_dosing (CfdVault *vault,
                                      const char *patient_id,
                                      gint64 occurred,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
