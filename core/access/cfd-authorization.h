/* cfd-authorization.h: a patient's written HIPAA authorization (45 CFR 164.508): recorded, signed, revoked. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* An authorization for psychotherapy notes may be combined only with
 * another for psychotherapy notes (164.508(b)(3)(ii)), so each one is
 * either the one or the other. */
typedef enum
{
  CFD_AUTHORIZATION_SCOPE_MEDICAL,       /* "medical-record" */
  CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY, /* "psychotherapy-notes" */
} CfdAuthorizationScope;

const char *cfd_authorization_scope_to_string (CfdAuthorizationScope scope);
gboolean cfd_authorization_scope_from_string (const char *text, CfdAuthorizationScope *scope);

/* The keys of the terms (a{sv}), as in the authorization file
 * (docs/FORMATS.md, "Authorization file"): the core elements of
 * 164.508(c)(1) and the three statements of (c)(2). */
#define CFD_AUTHORIZATION_SCOPE            "scope"
#define CFD_AUTHORIZATION_DESCRIPTION      "description"
#define CFD_AUTHORIZATION_DISCLOSED_BY     "disclosed-by"
#define CFD_AUTHORIZATION_RECIPIENT        "recipient"
#define CFD_AUTHORIZATION_PURPOSE          "purpose"
#define CFD_AUTHORIZATION_EXPIRES          "expires"      /* YYYY-MM-DD, or */
#define CFD_AUTHORIZATION_EXPIRY_EVENT     "expiry-event" /* the event that ends it */
#define CFD_AUTHORIZATION_SIGNED_BY        "signed-by"
#define CFD_AUTHORIZATION_SIGNED_ON        "signed-on"
#define CFD_AUTHORIZATION_REPRESENTATIVE   "representative-authority"
#define CFD_AUTHORIZATION_FORM             "form"
#define CFD_AUTHORIZATION_STATEMENT_REVOKE "statement-revocation"
#define CFD_AUTHORIZATION_STATEMENT_COND   "statement-conditioning"
#define CFD_AUTHORIZATION_STATEMENT_REDISC "statement-redisclosure"

/* Reads an authorization file ("field: value" lines; untrusted) into its
 * terms (a{sv} of strings), checked as cfd_authorization_terms_check does.
 * INVALID_INPUT naming the line or the missing element. */
GVariant *cfd_authorization_terms_parse (const char *data,
                                         gsize length,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every required element present and well formed; exactly one of an
 * expiry date (after the day it was signed) or an expiry event; the three
 * required statements answered "yes" (an authorization without them is
 * not valid, 164.508(b)(2)(v)). */
gboolean cfd_authorization_terms_check (GVariant *terms, GError **error) G_GNUC_WARN_UNUSED_RESULT;

#define CFD_TYPE_AUTHORIZATION (cfd_authorization_get_type ())
G_DECLARE_FINAL_TYPE (CfdAuthorization, cfd_authorization, CFD, AUTHORIZATION, GObject)

const char *cfd_authorization_get_id (CfdAuthorization *self);
const char *cfd_authorization_get_patient_id (CfdAuthorization *self);
const char *cfd_authorization_get_recorded_by (CfdAuthorization *self);
gint64 cfd_authorization_get_created (CfdAuthorization *self);
CfdAuthorizationScope cfd_authorization_get_scope (CfdAuthorization *self);
/* The last day it holds (seconds, start of that day, UTC), or 0 when it
 * ends with an event instead. */
gint64 cfd_authorization_get_expires (CfdAuthorization *self);
gint64 cfd_authorization_get_revoked_at (CfdAuthorization *self);
const char *cfd_authorization_get_revoked_by (CfdAuthorization *self);
/* A string of the terms by key (CFD_AUTHORIZATION_…), "" when absent. */
const char *cfd_authorization_get_term (CfdAuthorization *self, const char *key);
/* Not revoked and not past its expiry day. One that ends with an event
 * holds until it is revoked: Confidant cannot see the event happen. */
gboolean cfd_authorization_is_live (CfdAuthorization *self, gint64 now);
/* "live", "revoked" or "expired". */
const char *cfd_authorization_state (CfdAuthorization *self, gint64 now);
/* One line: scope, recipient, purpose, until when. */
char *cfd_authorization_describe (CfdAuthorization *self);

/* Owner or therapist: records the patient's authorization, sealed under
 * the patient key and signed; audited "authorization.record". Refuses an
 * expiry that has passed and a signature dated in the future. Returns the
 * new id. */
char *cfd_vault_record_authorization (CfdVault *vault,
                                      const char *patient_id,
                                      GVariant *terms,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every authorization of the patient, newest first, revoked and expired
 * included, each verified (TAMPERED otherwise); audited. Not for
 * supervisors. */
GListModel *cfd_vault_list_authorizations (CfdVault *vault,
                                           const char *patient_id,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The patient revoked it in writing (164.508(b)(5)): from now on it
 * covers no disclosure. The revocation is signed by the recording user
 * and audited "authorization.revoke"; revoking twice is refused. */
gboolean cfd_vault_revoke_authorization (CfdVault *vault,
                                         const char *authorization_id,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The check an export of psychotherapy notes makes: a recorded, verified
 * authorization of this patient, live now, for psychotherapy notes.
 * NOT_FOUND or NOT_PERMITTED saying which it is not. */
gboolean cfd_vault_check_psychotherapy_authorization (CfdVault *vault,
                                                      const char *patient_id,
                                                      const char *authorization_id,
                                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
