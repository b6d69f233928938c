/* cfd-keyring-backup-key.h: the practice's backup key, which only the owner and therapists hold. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-keyring.h"

G_BEGIN_DECLS

/* Backups (format 2) are encrypted under a key derived from this secret,
 * not from the database key that every user of the vault, supervisors
 * included, unwraps with their own passphrase. The owner makes it and
 * seals a copy to the X25519 key of each owner and therapist in the signed
 * roster; each copy is signed by the owner, so that someone who can write
 * the keyring cannot slip a key of their own choosing to the owner and read
 * the backups made with it. Entry: crypto_box_seal (key, box_pk) || the
 * owner's Ed25519 signature over "confidant/backup-key/v1", vault id, user
 * id and the sealed bytes (docs/FORMATS.md). */
#define CFD_BACKUP_SECRET_BYTES CFD_KEY_BYTES

/* Seals secret to box_pk for user_id, signed with the owner's key, and
 * puts it in the keyring in place of any entry the user had. */
void cfd_keyring_put_backup_key (CfdKeyring *keyring,
                                 const char *user_id,
                                 const guint8 box_pk[CFD_BOX_PK_BYTES],
                                 const CfdSecret *secret,
                                 const guint8 owner_sign_sk[CFD_SIGN_SK_BYTES]);

/* Whether the user's entry is there and carries the signature of the owner
 * key given (the owner checks a therapist's entry without opening it). */
gboolean cfd_keyring_backup_key_is_signed (const CfdKeyring *keyring,
                                           const char *user_id,
                                           const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES]);

/* Opens the user's entry with their X25519 secret key, once its signature
 * verifies against the owner key they pinned in their own wrapped secrets.
 * NOT_PERMITTED when the user has no entry (a supervisor never does),
 * TAMPERED when it does not verify or open. */
CfdSecret *cfd_keyring_open_backup_key (const CfdKeyring *keyring,
                                        const char *user_id,
                                        const CfdSecret *secrets,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
