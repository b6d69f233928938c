/* cfd-keyring.h: the keyring file beside the database: users, their wrapped secrets, recovery. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-crypto.h"
#include "cfd-types.h"
#include "cfd-secure.h"

G_BEGIN_DECLS

/* Version 2 pins the owner's signing key inside each user's wrapped
 * secrets; version 1 files are still read, and each user's entry is
 * wrapped again with the pin at that user's next unlock. Version 3 adds the
 * user's trust state to the wrapped secrets (below); version 2 entries
 * gain it at their user's next unlock. Version 4 adds the practice's
 * backup key, sealed to each owner and therapist (cfd-keyring-backup-key.h),
 * and the database key handed on to each user after a rotation. */
#define CFD_KEYRING_FORMAT_VERSION 4
#define CFD_KEYRING_OLDEST_VERSION 1
#define CFD_KEYRING_MAX_BYTES      (4 * 1024 * 1024)
#define CFD_KEYRING_MAX_FAILURES   1000
#define CFD_DB_SALT_BYTES          16

/* What a user's passphrase unlocks, in one guarded buffer. */
#define CFD_SECRETS_DB_KEY  0
#define CFD_SECRETS_BOX_SK  (CFD_SECRETS_DB_KEY + CFD_KEY_BYTES)
#define CFD_SECRETS_SIGN_SK (CFD_SECRETS_BOX_SK + CFD_BOX_SK_BYTES)
/* The owner's Ed25519 public key as this user trusts it: authenticated by
 * the user's own passphrase, so no one else can swap it. All zero in an
 * entry wrapped before version 2 (not pinned yet). */
#define CFD_SECRETS_OWNER_SIGN_PK (CFD_SECRETS_SIGN_SK + CFD_SIGN_SK_BYTES)
/* The trust state: what this user last saw, kept where only their own
 * passphrase can change it, so a keyring or log put back to an older copy
 * is told apart. The signed roster's sequence number (u64, big-endian) and
 * the BLAKE2b-256 of its document; the audit log's last seq (u64,
 * big-endian) and chain hash at this user's last lock. All zero in an entry
 * wrapped before version 3 (nothing seen yet). */
#define CFD_SECRETS_ROSTER_SEQ  (CFD_SECRETS_OWNER_SIGN_PK + CFD_SIGN_PK_BYTES)
#define CFD_SECRETS_ROSTER_HASH (CFD_SECRETS_ROSTER_SEQ + 8)
#define CFD_SECRETS_AUDIT_SEQ   (CFD_SECRETS_ROSTER_HASH + CFD_HASH_BYTES)
#define CFD_SECRETS_AUDIT_HEAD  (CFD_SECRETS_AUDIT_SEQ + 8)
#define CFD_SECRETS_BYTES       (CFD_SECRETS_AUDIT_HEAD + CFD_HASH_BYTES)
#define CFD_SECRETS_V1_BYTES    CFD_SECRETS_OWNER_SIGN_PK
#define CFD_SECRETS_V2_BYTES    CFD_SECRETS_ROSTER_SEQ

typedef struct
{
  char *id;
  char *name;
  CfdRole role;
  CfdKdfParams kdf;
  guint8 salt[CFD_SALT_BYTES];
  GBytes *wrapped;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gint64 created;
} CfdKeyringUser;

typedef struct
{
  char *user_id;
  GBytes *wrapped;
} CfdKeyringRecovery;

typedef struct
{
  gint64 time;
  char *user_id;
} CfdFailedUnlock;

/* The practice's backup key for one user: sealed to their X25519 key and
 * signed by the owner (cfd-keyring-backup-key.h). */
/* The current database key sealed (crypto_box_seal) to a user's X25519 key
 * when it was replaced (cfd-key-rotation.c): their wrapped secrets still
 * hold the previous one, and their next unlock takes this one in. */
typedef struct
{
  char *user_id;
  GBytes *sealed; /* CFD_SEALED_KEY_BYTES */
} CfdKeyringDbKey;

#define CFD_KEYRING_BACKUP_KEY_BYTES (CFD_SEALED_KEY_BYTES + CFD_SIGNATURE_BYTES)
typedef struct
{
  char *user_id;
  GBytes *sealed;
} CfdKeyringBackupKey;

typedef struct
{
  char *vault_id;
  gint64 created;
  guint8 db_key_check[CFD_HASH_BYTES];
  guint8 db_salt[CFD_DB_SALT_BYTES]; /* the database file's first bytes */
  GPtrArray *users;                  /* CfdKeyringUser */
  GPtrArray *recoveries;             /* CfdKeyringRecovery */
  GArray *failed_unlocks;            /* CfdFailedUnlock */
  GBytes *roster; /* the owner-signed roster (cfd-roster.h); NULL until the owner signs one */
  GPtrArray *backup_keys; /* CfdKeyringBackupKey; empty until the owner issues them */
  GPtrArray *db_keys;     /* CfdKeyringDbKey: the database key handed on after a rotation */
} CfdKeyring;

CfdKeyring *cfd_keyring_new (const char *vault_id);
void cfd_keyring_free (CfdKeyring *keyring);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdKeyring, cfd_keyring_free)

CfdKeyring *cfd_keyring_parse (const guint8 *data, gsize len, GError **error);
GBytes *cfd_keyring_serialize (const CfdKeyring *keyring);
CfdKeyring *cfd_keyring_load (const char *path, GError **error);
gboolean cfd_keyring_save (const CfdKeyring *keyring,
                           const char *path,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

CfdKeyringUser *cfd_keyring_find_user (const CfdKeyring *keyring, const char *id_or_name);
CfdKeyringUser *cfd_keyring_find_owner (const CfdKeyring *keyring);
CfdKeyringRecovery *cfd_keyring_find_recovery (const CfdKeyring *keyring, const char *user_id);
CfdKeyringBackupKey *cfd_keyring_find_backup_key (const CfdKeyring *keyring, const char *user_id);
CfdKeyringDbKey *cfd_keyring_find_db_key (const CfdKeyring *keyring, const char *user_id);
/* Takes sealed; replaces the user's entry if there is one. */
void cfd_keyring_put_db_key (CfdKeyring *keyring, const char *user_id, GBytes *sealed);
void cfd_keyring_remove_db_key (CfdKeyring *keyring, const char *user_id);
/* Removes the user and every entry that names them (frees user). */
void cfd_keyring_remove_user (CfdKeyring *keyring, CfdKeyringUser *user);
void cfd_keyring_add_failed_unlock (CfdKeyring *keyring, const char *user_id, gint64 time);

/* Whether the secrets carry a pinned owner key (FALSE for an entry wrapped
 * by keyring format version 1). */
gboolean cfd_secrets_owner_pinned (const CfdSecret *secrets);

void cfd_keyring_compute_key_check (guint8 out[CFD_HASH_BYTES],
                                    const char *vault_id,
                                    const guint8 db_key[CFD_KEY_BYTES]);

/* Derives the user's key from the passphrase (slow: Argon2id) and (un)wraps. */
gboolean cfd_keyring_user_wrap (CfdKeyringUser *user,
                                const char *vault_id,
                                const char *passphrase,
                                const CfdSecret *secrets,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
CfdSecret *cfd_keyring_user_unwrap (const CfdKeyringUser *user,
                                    const char *vault_id,
                                    const char *passphrase,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* As above; also opens an entry wrapped before passphrases were normalised
 * to NFC (the bytes as typed), and then sets *unnormalised so the caller
 * can wrap it again under the NFC form. */
CfdSecret *cfd_keyring_user_unwrap_migrating (const CfdKeyringUser *user,
                                              const char *vault_id,
                                              const char *passphrase,
                                              gboolean *unnormalised,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* As above, and hands back the key derived from the passphrase, so that the
 * user's trust state can be wrapped again at lock without the passphrase
 * (or a second Argon2id run). The key opens nothing but these secrets. */
CfdSecret *cfd_keyring_user_unwrap_keeping_kek (const CfdKeyringUser *user,
                                                const char *vault_id,
                                                const char *passphrase,
                                                gboolean *unnormalised,
                                                CfdSecret **kek_out,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* cfd_keyring_user_wrap that also hands back the derived key. */
gboolean cfd_keyring_user_wrap_keeping_kek (CfdKeyringUser *user,
                                            const char *vault_id,
                                            const char *passphrase,
                                            const CfdSecret *secrets,
                                            CfdSecret **kek_out,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Wraps the secrets again under a key from one of the above (same salt and
 * parameters, a fresh nonce): cheap, for the trust state. */
void cfd_keyring_user_rewrap_with_kek (CfdKeyringUser *user,
                                       const char *vault_id,
                                       const CfdSecret *kek,
                                       const CfdSecret *secrets);
/* Whether the entry was wrapped with the trust state (version 3 secrets). */
gboolean cfd_keyring_user_has_trust_state (const CfdKeyringUser *user);
#ifdef CFD_TESTING
/* Wraps under the passphrase's bytes as typed, as before normalisation. */
void cfd_keyring_wrap_unnormalised_for_testing (gboolean unnormalised);
/* Wraps without the owner pin, as keyring format version 1 did. */
void cfd_keyring_wrap_v1_for_testing (gboolean v1);
/* Wraps without the trust state, as keyring format version 2 did. */
void cfd_keyring_wrap_v2_for_testing (gboolean v2);
#endif

/* The recovery key: 20 random bytes shown as 8 groups of 4 base32 letters
 * and a group of 4 check letters, so a mistyped group is caught. */
#define CFD_RECOVERY_KEY_BYTES 20
char *cfd_recovery_key_format (const guint8 raw[CFD_RECOVERY_KEY_BYTES]);
gboolean cfd_recovery_key_parse (const char *text, guint8 raw[CFD_RECOVERY_KEY_BYTES]);

GBytes *cfd_keyring_recovery_wrap (const char *vault_id,
                                   const char *user_id,
                                   const guint8 raw[CFD_RECOVERY_KEY_BYTES],
                                   const CfdSecret *secrets);
CfdSecret *cfd_keyring_recovery_unwrap (const CfdKeyringRecovery *recovery,
                                        const char *vault_id,
                                        const guint8 raw[CFD_RECOVERY_KEY_BYTES]);

G_END_DECLS
