/* cfd-vault.h: a vault folder: its users, unlocking and locking, and who is signed in. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-error.h"
#include "cfd-types.h"

G_BEGIN_DECLS

#define CFD_TYPE_VAULT (cfd_vault_get_type ())
G_DECLARE_FINAL_TYPE (CfdVault, cfd_vault, CFD, VAULT, GObject)

#define CFD_VAULT_DATABASE_NAME "vault.db"
#define CFD_VAULT_KEYRING_NAME  "keyring"

/* A user as anyone may see them before unlocking: no key material. */
typedef struct
{
  char *id;
  char *name;
  CfdRole role;
  /* A supervisor known by card: the card's fingerprint; otherwise NULL. */
  char *fingerprint;
} CfdUserInfo;

void cfd_user_info_free (CfdUserInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdUserInfo, cfd_user_info_free)

gboolean cfd_vault_exists (const char *path);
char *cfd_vault_default_path (void);

/* Creates the vault folder and unlocks it as its owner. The recovery key is
 * returned once and never stored in readable form. */
CfdVault *cfd_vault_create (const char *path,
                            const char *owner_name,
                            const char *passphrase,
                            char **recovery_key,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_vault_create_async (const char *path,
                             const char *owner_name,
                             const char *passphrase,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
CfdVault *cfd_vault_create_finish (GAsyncResult *result,
                                   char **recovery_key,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads the keyring; the vault stays locked. */
CfdVault *cfd_vault_open (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *cfd_vault_get_path (CfdVault *self);
const char *cfd_vault_get_id (CfdVault *self);
void cfd_vault_set_source (CfdVault *self, const char *source);
GPtrArray *cfd_vault_list_users (CfdVault *self);

/* Unlocking is in cfd-unlock-policy.h: the policy layer adds what every
 * unlock must also do. */

void cfd_vault_lock (CfdVault *self);
gboolean cfd_vault_is_unlocked (CfdVault *self);

const char *cfd_vault_get_user_id (CfdVault *self);
const char *cfd_vault_get_user_name (CfdVault *self);
CfdRole cfd_vault_get_user_role (CfdVault *self);

/* TRUE when this unlock found the last transaction written before the
 * vault was closed broken, and discarded it: a power cut in the middle of
 * a save leaves this, and so does damage to that save. Earlier saves are
 * intact (damage to them refuses the unlock instead). The event is in the
 * audit log as vault.discard-broken-write; tell the user. */
gboolean cfd_vault_get_discarded_broken_write (CfdVault *self);

/* What this unlock found tampered with, one sentence each (NULL-terminated,
 * empty when nothing was): the roster ignoring a users row, the audit log
 * rewritten, rolled back or edited since this user's last lock. Each is
 * also in the audit log as vault.tamper. Valid until the vault locks. */
const char *const *cfd_vault_get_tamper_warnings (CfdVault *self);

/* The recovery key issued by the last recovery (cfd_vault_recover always
 * replaces the one used) or key rotation, once: NULL after the first call
 * and when none was issued. The old key opens nothing written since; show
 * this one to the owner to print or write down. Free with cfd_wipe_string. */
char *cfd_vault_take_new_recovery_key (CfdVault *self);

gboolean cfd_vault_change_passphrase (CfdVault *self,
                                      const char *old_passphrase,
                                      const char *new_passphrase,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Owner only; after a passphrase may have leaked (with a copy of the
 * keyring, which every backup embeds): re-encrypts the database under a new
 * key (checked: the old one no longer opens it) and hands it on to every
 * user, sealed to their X25519 key, for their next unlock; issues a new
 * recovery key (cfd_vault_take_new_recovery_key) and a new backup key.
 * Recorded as vault.rekey. The users' X25519 and Ed25519 key pairs are not
 * replaced (docs/SECURITY.md). */
gboolean cfd_vault_rotate_keys (CfdVault *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The owner's approval, given in person, of a change only the owner can
 * sign for another user (their key rotation): the owner's passphrase opens
 * the owner's own keyring entry in this process, and the key it holds must
 * be the owner key the signed-in user pinned. Kept in locked memory; free
 * it as soon as the change is done. */
typedef struct _CfdOwnerApproval CfdOwnerApproval;
CfdOwnerApproval *cfd_vault_approve_as_owner (CfdVault *self,
                                              const char *owner_passphrase,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_owner_approval_free (CfdOwnerApproval *approval);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdOwnerApproval, cfd_owner_approval_free)

/* Any user, after their passphrase or keyring copy may have leaked: a new
 * X25519 key pair for the signed-in user; every grant sealed to them
 * (patient, details and record keys) is verified, sealed again to the new
 * key and signed by the owner; the roster naming the new key is signed by
 * the owner (one number higher); then the database is re-encrypted under a
 * new key and a new backup key issued (as cfd_vault_rotate_keys; for the
 * owner also a new recovery key). A non-owner needs approval (above); the
 * owner passes NULL. Recorded as key.rotate naming the user. A rotation
 * stopped midway is finished at the user's next unlock. */
gboolean cfd_vault_rotate_user_keys (CfdVault *self,
                                     CfdOwnerApproval *approval,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Owner only. Returns the new user's id. */
char *cfd_vault_add_user (CfdVault *self,
                          const char *name,
                          CfdRole role,
                          const char *passphrase,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Work that uses the unlocked vault from a worker thread (verifying or
 * exporting the audit log, making or checking a backup, the app's
 * passphrase and user dialogs calling the synchronous calls above) runs
 * as a job:
 * locking waits for running jobs to end before it closes the database,
 * and no job starts once a lock has begun (LOCKED). */
typedef struct _CfdVaultJob CfdVaultJob;
CfdVaultJob *cfd_vault_job_begin (CfdVault *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_vault_job_end (CfdVaultJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdVaultJob, cfd_vault_job_end)

G_END_DECLS
