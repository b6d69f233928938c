/* cfd-capsule.h: supervision across machines: supervisor cards, capsules and review replies. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-consent.h"
#include "cfd-review.h"
#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Supervisor cards: a user's name and public keys, for another vault.
 * Both return the card's fingerprint, to be compared aloud or side by side. */
gboolean cfd_vault_export_supervisor_card (CfdVault *vault,
                                           const char *path,
                                           char **fingerprint,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The fingerprint of a user's keys as the vault's signature checks know
 * them (the signed roster), written as on their card: what a signed
 * record's signer is shown with. NOT_FOUND for an unknown user. */
char *cfd_vault_dup_user_fingerprint (CfdVault *vault,
                                      const char *user_id,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Owner or therapist: the card's user becomes a supervisor of this vault
 * who can be named in consents but cannot unlock it. Returns their user id. */
char *cfd_vault_import_supervisor_card (CfdVault *vault,
                                        const char *path,
                                        char **fingerprint,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The supervisors known by card only (CfdUserInfo, role supervisor): they
 * are named in consents but are not in the keyring. */
GPtrArray *cfd_vault_list_card_supervisors (CfdVault *vault,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* cfd_vault_list_users, then the supervisors known by card: everyone whose
 * name a review, consent or record may carry. */
GPtrArray *cfd_vault_list_users_and_cards (CfdVault *vault);

/* Owner or therapist: the patient's signed records within a live consent's
 * scope, sealed to the consent's supervisor and signed by the signed-in
 * user. The capsule expires with the consent, or after
 * CFD_CAPSULE_DEFAULT_DAYS when the consent has no expiry. Returns the
 * capsule id; *n_records (if not NULL) gets how many records went in. */
#define CFD_CAPSULE_DEFAULT_DAYS 90
char *cfd_vault_export_capsule (CfdVault *vault,
                                const char *consent_id,
                                const char *path,
                                guint *n_records,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, stating recipient, purpose and basis for the accounting of
 * disclosures; with NULL the consent states them (its supervisor, its
 * purpose, the consent as basis). The audit record's authorization is
 * then the disclosure's (docs/FORMATS.md), the consent named in the
 * accounting's description. */
char *cfd_vault_export_capsule_for (CfdVault *vault,
                                    const char *consent_id,
                                    const CfdDisclosureTerms *terms,
                                    const char *path,
                                    guint *n_records,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A capsule in the supervisor's own vault: read-only, unreadable after its
 * expiry. Content getters work only on a capsule from cfd_vault_open_capsule. */
#define CFD_TYPE_CAPSULE (cfd_capsule_get_type ())
G_DECLARE_FINAL_TYPE (CfdCapsule, cfd_capsule, CFD, CAPSULE, GObject)

const char *cfd_capsule_get_id (CfdCapsule *self);
const char *cfd_capsule_get_consent_id (CfdCapsule *self);
const char *cfd_capsule_get_patient_id (CfdCapsule *self);
const char *cfd_capsule_get_therapist_name (CfdCapsule *self);
/* The fingerprint of the therapist's signing key (as on their card). */
const char *cfd_capsule_get_therapist_fingerprint (CfdCapsule *self);
gint64 cfd_capsule_get_created (CfdCapsule *self);
gint64 cfd_capsule_get_expires (CfdCapsule *self);
/* TRUE once the capsule key is destroyed. */
gboolean cfd_capsule_get_expired (CfdCapsule *self);

const char *cfd_capsule_get_patient_name (CfdCapsule *self);
CfdConsentScope cfd_capsule_get_scope (CfdCapsule *self);
const char *cfd_capsule_get_purpose (CfdCapsule *self);
/* The records, newest first, as CfdCapsuleRecord items. */
GListModel *cfd_capsule_get_records (CfdCapsule *self);

#define CFD_TYPE_CAPSULE_RECORD (cfd_capsule_record_get_type ())
G_DECLARE_FINAL_TYPE (CfdCapsuleRecord, cfd_capsule_record, CFD, CAPSULE_RECORD, GObject)

const char *cfd_capsule_record_get_id (CfdCapsuleRecord *self);
const char *cfd_capsule_record_get_parent_id (CfdCapsuleRecord *self); /* NULL if none */
const char *cfd_capsule_record_get_kind (CfdCapsuleRecord *self);      /* "integration", ... */
gboolean cfd_capsule_record_is_psychotherapy_note (CfdCapsuleRecord *self);
gint64 cfd_capsule_record_get_occurred (CfdCapsuleRecord *self);
gint64 cfd_capsule_record_get_signed_at (CfdCapsuleRecord *self);
GVariant *cfd_capsule_record_get_content (CfdCapsuleRecord *self); /* a{sv} */
const char *cfd_capsule_record_get_text (CfdCapsuleRecord *self, const char *field);

/* The supervisor's side. Import checks that the capsule is for the
 * signed-in user (WRONG_RECIPIENT), intact and signed (TAMPERED,
 * TRUNCATED), not expired (EXPIRED), and not from a therapist whose key
 * differs from the one an earlier capsule of theirs carried (TAMPERED).
 * Returns the capsule id. */
char *cfd_vault_import_capsule (CfdVault *vault,
                                const char *path,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The signed-in user's capsules, newest first, without their contents. */
GListModel *cfd_vault_list_capsules (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Opens one, audited as capsule.open; EXPIRED (and the key destroyed) once
 * past its expiry. */
CfdCapsule *cfd_vault_open_capsule (CfdVault *vault,
                                    const char *capsule_id,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A review of a record in a capsule, signed as if written in the
 * therapist's vault; it waits for the next review reply. */
char *cfd_vault_capsule_add_comment (CfdVault *vault,
                                     const char *capsule_id,
                                     const char *record_id,
                                     const char *text,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *cfd_vault_capsule_cosign (CfdVault *vault,
                                const char *capsule_id,
                                const char *record_id,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes the reviews not yet sent as a signed reply sealed to the
 * therapist; each reply has the next sequence number. INVALID_INPUT when
 * there is nothing to send. Returns how many reviews went in. */
guint cfd_vault_export_review_reply (CfdVault *vault,
                                     const char *capsule_id,
                                     const char *path,
                                     GError **error);

/* The therapist's side: verifies a reply against the supervisor's key from
 * their card, refuses one imported before or older than the last
 * (REPLAYED), and adds its reviews to the original records. Returns how
 * many reviews were added. */
gboolean cfd_vault_import_review_reply (CfdVault *vault,
                                        const char *path,
                                        guint *n_reviews,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
