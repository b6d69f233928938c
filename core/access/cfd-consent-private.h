/* cfd-consent-private.h: the consent check that core applies to every read by a supervisor. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-consent.h"

G_BEGIN_DECLS

/* TRUE for owners and therapists (their grants decide). For a supervisor,
 * TRUE only under a live, verified consent covering the record; the id of
 * that consent is returned for the audit log's authorization column.
 * Otherwise NOT_PERMITTED (a forged or altered consent: TAMPERED). Pass
 * check_record = FALSE to ask about the patient's details only. */
gboolean cfd_consent_check_access (CfdVault *vault,
                                   const char *patient_id,
                                   gboolean check_record,
                                   gboolean psychotherapy_note,
                                   gint64 occurred,
                                   char **consent_id,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* One consent, decrypted and verified (TAMPERED if not), without auditing;
 * NOT_FOUND if there is none of that id. */
CfdConsent *cfd_consent_load (CfdVault *vault,
                              const char *consent_id,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The terms as sealed and signed: a{sv} (scope, records-from, records-to,
 * purpose, obtained-on, method, expires). */
GVariant *cfd_consent_get_terms (CfdConsent *self);

/* Whether a live, verified consent (signed by an owner or therapist of
 * the roster; its signed expiry against the clock) gives this supervisor
 * the patient. Used by rotation: what the database says alone (a
 * key_withdrawn flag, a grant row) never decides who keeps a key. */
gboolean cfd_consent_supervisor_entitled (CfdVault *vault,
                                          const char *patient_id,
                                          const char *supervisor_id,
                                          gboolean *entitled,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The patient's live consents (of one supervisor, or all when
 * supervisor_id is NULL) that decrypt and verify, as CfdConsent objects.
 * TAMPERED when one does not verify. */
GPtrArray *cfd_consent_list_live (CfdVault *vault,
                                  const char *patient_id,
                                  const char *supervisor_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Rotates the keys of patients whose consents were revoked or expired and
 * whose supervisors still hold a key (after an interrupted revocation, or
 * when an expiry date passed). Runs at every unlock by an owner or
 * therapist; returns how many consents it completed. */
guint cfd_vault_withdraw_lapsed_consents (CfdVault *vault, GError **error);

/* Whether the consent's revocation was tampered with: revoked without a
 * valid signature, its clear-text copy edited, or its row removed while
 * the audit log holds a consent.revoke of it. Such a consent is never
 * live, and each read of it is recorded as vault.tamper. */
gboolean cfd_consent_revocation_is_doubtful (CfdConsent *self);

/* Signs, as the unlocking owner, the revocations carried over unsigned
 * from before schema 11. Runs at every unlock; returns how many. */
guint cfd_consent_sign_carried_revocations (CfdVault *vault, GError **error);

G_END_DECLS
