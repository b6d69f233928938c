/* cfd-consent.h: consent records: what a supervisor may see of a patient, until when. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_CONSENT_SCOPE_ALL,           /* the medical record and psychotherapy notes */
  CFD_CONSENT_SCOPE_MEDICAL,       /* the medical record only */
  CFD_CONSENT_SCOPE_PSYCHOTHERAPY, /* psychotherapy notes only */
} CfdConsentScope;

const char *
cfd_consent_scope_to_string (CfdConsentScope scope); /* "all", "medical", "psychotherapy" */
gboolean cfd_consent_scope_from_string (const char *text, CfdConsentScope *scope);

/* What the patient agreed to; dates are seconds since the epoch (UTC), 0
 * meaning none (no lower or upper bound, no expiry). */
typedef struct
{
  const char *supervisor; /* user id or name; must be a supervisor */
  CfdConsentScope scope;
  gint64 records_from;
  gint64 records_to;
  const char *purpose;
  const char *obtained_on; /* YYYY-MM-DD */
  const char *method;      /* "signed form", "verbal with witness", ... */
  gint64 expires;
} CfdConsentTerms;

#define CFD_TYPE_CONSENT (cfd_consent_get_type ())
G_DECLARE_FINAL_TYPE (CfdConsent, cfd_consent, CFD, CONSENT, GObject)

const char *cfd_consent_get_id (CfdConsent *self);
const char *cfd_consent_get_patient_id (CfdConsent *self);
const char *cfd_consent_get_supervisor_id (CfdConsent *self);
const char *cfd_consent_get_granted_by (CfdConsent *self);
CfdConsentScope cfd_consent_get_scope (CfdConsent *self);
gint64 cfd_consent_get_records_from (CfdConsent *self);
gint64 cfd_consent_get_records_to (CfdConsent *self);
const char *cfd_consent_get_purpose (CfdConsent *self);
const char *cfd_consent_get_obtained_on (CfdConsent *self);
const char *cfd_consent_get_method (CfdConsent *self);
gint64 cfd_consent_get_created (CfdConsent *self);
gint64 cfd_consent_get_expires (CfdConsent *self);
gint64 cfd_consent_get_revoked_at (CfdConsent *self);
gboolean cfd_consent_is_live (CfdConsent *self, gint64 now);
/* Does the consent cover a record of this category (psychotherapy note or not)
 * that happened at this time? */
gboolean cfd_consent_covers (CfdConsent *self, gboolean psychotherapy_note, gint64 occurred);
/* One sentence a therapist can read to the patient: who sees what, until when. */
char *cfd_consent_describe (CfdConsent *self, const char *supervisor_name);

/* Owner or therapist: records the consent, signs it, and grants the patient
 * key to the supervisor. Returns the consent id. */
char *cfd_vault_grant_consent (CfdVault *vault,
                               const char *patient_id,
                               const CfdConsentTerms *terms,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every consent of the patient, newest first, revoked and expired included. */
GListModel *cfd_vault_list_consents (CfdVault *vault,
                                     const char *patient_id,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Ends the consent at once, then rotates the patient key so the supervisor's
 * copy of it opens nothing written from now on. */
gboolean cfd_vault_revoke_consent (CfdVault *vault,
                                   const char *consent_id,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
