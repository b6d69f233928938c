/* cfd-patient-key.h: per-patient keys: creation, grants to readers, and sealing fields under them. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* Creates version 1 of a new patient's key and grants it to the signed-in
 * user and the owner. Caller holds a write transaction. */
gboolean cfd_patient_key_create (CfdVault *vault,
                                 const char *patient_id,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The key is verified (grant signature by an owner or therapist), unsealed
 * and cached in guarded memory until the vault locks. NOT_PERMITTED when the
 * signed-in user holds no grant. The pointer is valid until the next call. */
const guint8 *
cfd_patient_key_get (CfdVault *vault, const char *patient_id, guint key_version, GError **error);

/* Seals a GVariant under the patient key, bound to where it is stored. */
GBytes *cfd_patient_key_seal (CfdVault *vault,
                              const char *patient_id,
                              guint key_version,
                              const char *table,
                              const char *row_id,
                              guint64 revision,
                              GVariant *content,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Opens and type-checks; TAMPERED when it does not authenticate or is not
 * of the expected type in normal form. The result's buffer is wiped when freed. */
GVariant *cfd_patient_key_unseal (CfdVault *vault,
                                  const char *patient_id,
                                  guint key_version,
                                  const char *table,
                                  const char *row_id,
                                  guint64 revision,
                                  GBytes *sealed,
                                  const GVariantType *type,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Grants an existing key version to another user (sealed to their X25519
 * key, signed by the signed-in user). Caller holds a write transaction. */
gboolean cfd_patient_key_grant (CfdVault *vault,
                                const char *patient_id,
                                guint key_version,
                                const char *user_id,
                                const char *authorization,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Seals key to user_id's X25519 key and signs the grant as the signed-in
 * user; the audit record names the authorization (a consent id) if any.
 * Caller holds a write transaction. */
gboolean cfd_patient_key_insert_grant (CfdVault *vault,
                                       const char *patient_id,
                                       guint key_version,
                                       const char *user_id,
                                       const guint8 key[CFD_KEY_BYTES],
                                       const char *authorization,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The name of a patient key in the vault's key arena. */
char *cfd_patient_key_arena_name (const char *patient_id, guint key_version);

/* A table holding values sealed under patient keys; rotation re-seals every
 * registered table. The associated data of a row is (ad_table, row id,
 * revision, key version) as in cfd_patient_key_seal. */
typedef struct
{
  const char *table;
  const char *ad_table;
  const char *row_id_column;
  const char *revision_column;
  const char *patient_id_column;
  const char *key_version_column;
  const char *sealed_column;
  /* More of the WHERE clause: rows that rotation leaves as they are. */
  const char *skip;
} CfdSealedTable;

/* The associated data of a sealed field (docs/FORMATS.md, Sealed fields). */
CfdAd *cfd_patient_key_field_ad (CfdVault *vault,
                                 const char *patient_id,
                                 guint key_version,
                                 const char *table,
                                 const char *row_id,
                                 guint64 revision);

/* Re-seals the rows of the tables under the details key, from the patient
 * key to the details key, at the same key version (the upgrade to record
 * keys). Caller holds a write transaction. */
gboolean cfd_patient_key_reseal_details (CfdVault *vault,
                                         const char *patient_id,
                                         guint key_version,
                                         const guint8 patient_key[CFD_KEY_BYTES],
                                         const guint8 details_key[CFD_KEY_BYTES],
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Replaces the patient's key with a new version: every registered table is
 * re-sealed, the new key is granted to every current reader except those in
 * exclude (NULL-terminated user ids), and the old grants are destroyed, so a
 * copy of an old grant opens nothing written from now on. Caller holds a
 * write transaction; on error it rolls back and nothing changed. */
gboolean cfd_patient_key_rotate (CfdVault *vault,
                                 const char *patient_id,
                                 const char *const *exclude,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Drops cached keys of versions 1..up_to_version from memory. */
void cfd_patient_key_forget (CfdVault *vault, const char *patient_id, guint up_to_version);

/* Key rotation (cfd-user-key-rotation.c): the signed-in user's grant of a
 * key version, verified and opened with their current X25519 key, sealed
 * again to new_box_pk and signed by signer_id (the owner, whose approval
 * the rotation carries). Caller holds a write transaction. */
gboolean cfd_patient_key_regrant_to_new_box_key (CfdVault *vault,
                                                 const char *patient_id,
                                                 guint key_version,
                                                 const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                                                 const char *signer_id,
                                                 const guint8 *signer_sk,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
