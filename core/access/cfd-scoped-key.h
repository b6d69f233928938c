/* cfd-scoped-key.h: what a consent opens: the patient's details key and the keys of the signed
 * records it covers, never the patient key itself. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-consent.h"
#include "cfd-secure.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* FALSE in a database before schema 6 (only the tests make one now):
 * everything is then under the patient key, as before. */
gboolean cfd_scoped_keys_available (CfdDb *db);

/* Whether rows sealed with this table name in their associated data are
 * under the details key (patients, consents, reviews, risk flag entries)
 * rather than the patient key (records' drafts and revisions, wrapped
 * record keys, the wrapped details key). */
gboolean cfd_scoped_key_is_details_table (const char *ad_table);

/* The details key of a key version: unwrapped with the patient key by the
 * practice, or opened from a supervisor's verified details grant. A patient
 * not yet upgraded has none, and the patient key itself is returned
 * (readers who hold it). NOT_PERMITTED without either. The pointer is valid
 * until the next key is cached. */
const guint8 *
cfd_details_key_get (CfdVault *vault, const char *patient_id, guint key_version, GError **error);

/* The key a signed record's body is sealed under, when it has one at this
 * revision (*keyed TRUE): unwrapped with the patient key, or opened from
 * the signed-in supervisor's verified record grant (NOT_PERMITTED without
 * one). *keyed FALSE and NULL without error: the body is under the patient
 * key (drafts, earlier revisions, records of a patient not yet upgraded). */
/* The same, without an allocation: the key is in a slot of the key arena,
 * valid until the next key is opened or cached. */
const guint8 *cfd_record_key_open (CfdVault *vault,
                                   const char *patient_id,
                                   const char *record_id,
                                   guint64 revision,
                                   gboolean *keyed,
                                   GError **error);

CfdSecret *cfd_record_key_get (CfdVault *vault,
                               const char *patient_id,
                               const char *record_id,
                               guint64 revision,
                               gboolean *keyed,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Makes the details key of a new key version and wraps it under the
 * patient key. Caller holds a write transaction. */
gboolean cfd_scoped_key_create_details (CfdVault *vault,
                                        const char *patient_id,
                                        guint key_version,
                                        const guint8 patient_key[CFD_KEY_BYTES],
                                        const guint8 details_key[CFD_KEY_BYTES],
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Moves a record just signed under a record key of its own and grants
 * that key to every supervisor whose live, verified consent covers it.
 * Caller holds a write transaction. */
gboolean cfd_record_key_seal_signed (CfdVault *vault,
                                     const char *record_id,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Grants a consent's supervisor the details key and the key of every
 * signed record the consent covers. Caller holds a write transaction. */
gboolean cfd_scoped_key_grant_consent (CfdVault *vault,
                                       CfdConsent *consent,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Upgrades one patient from before record keys: a details key, every
 * signed record under a record key, and each supervisor's patient-key
 * grant replaced by what their live consents cover. Nothing when already
 * done. Caller holds a write transaction and the patient key. */
gboolean cfd_scoped_key_upgrade_patient (CfdVault *vault,
                                         const char *patient_id,
                                         guint key_version,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Upgrades every patient whose key the signed-in user holds; each in a
 * transaction of its own. Returns how many were upgraded. */
guint cfd_scoped_key_upgrade_vault (CfdVault *vault, GError **error);

/* Rotation: grants the new details key to each supervisor who held the
 * old one through a grant that verifies and who has a live consent now,
 * except those in exclude. */
gboolean cfd_scoped_key_rotate_details_grants (CfdVault *vault,
                                               const char *patient_id,
                                               guint old_version,
                                               const guint8 new_details_key[CFD_KEY_BYTES],
                                               const char *const *exclude,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

char *cfd_details_key_arena_name (const char *patient_id, guint key_version);

/* Key rotation: the signed-in supervisor's details grant (record_id "")
 * or record grant, verified and opened with their current X25519 key,
 * sealed again to new_box_pk and signed by signer_id (the owner, whose
 * approval the rotation carries). Caller holds a write transaction. */
gboolean cfd_scoped_key_regrant_to_new_box_key (CfdVault *vault,
                                                const char *patient_id,
                                                const char *record_id,
                                                guint key_version,
                                                const char *consent_id,
                                                const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                                                const char *signer_id,
                                                const guint8 *signer_sk,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
