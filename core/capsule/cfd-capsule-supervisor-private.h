/* cfd-capsule-supervisor-private.h: what the supervisor's side and the capsule objects share. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-capsule.h"

G_BEGIN_DECLS

CfdCapsule *cfd_capsule_new (const char *id,
                             const char *consent_id,
                             const char *patient_id,
                             const char *therapist_name,
                             const char *therapist_fingerprint,
                             gint64 created,
                             gint64 expires,
                             gboolean expired);
/* payload: CFD_CAPSULE_PAYLOAD_TYPE, already verified. */
void cfd_capsule_set_payload (CfdCapsule *self, GVariant *payload);

/* Destroys the keys of capsules past their expiry (at every unlock and
 * open); returns how many. */
guint cfd_vault_expire_capsules (CfdVault *vault, GError **error);

/* Cards imported before signed statements: vouched for at the next unlock
 * of an owner or therapist (cfd-supervisor-card.c). */
gboolean cfd_vault_sign_carried_cards (CfdVault *vault, GError **error);

G_END_DECLS
