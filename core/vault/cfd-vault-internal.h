/* cfd-vault-internal.h: the vault object's state, shared only by the cfd-vault*.c files. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-io-private.h"
#include "cfd-roster.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

struct _CfdVault
{
  GObject parent_instance;

  char *path;
  char *db_path;
  char *keyring_path;
  char *lock_path;
  char *source;
  GMutex job_mutex;
  GCond job_done;
  guint jobs;
  gboolean locking;
  char *device; /* device_id(), computed once: every audit record carries it */
  CfdKeyring *keyring;

  /* Set only while unlocked. */
  CfdDb *db;
  char *user_id;
  char *user_name;
  CfdRole role;
  CfdSecret *secrets;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  CfdKeyArena *patient_keys;
  gboolean discarded_broken_write;
  /* The owner-signed roster, verified against the user's owner pin at
   * unlock; NULL in a vault whose owner has not unlocked since the roster
   * came in. */
  CfdRoster *roster;
  /* The key the passphrase gave at unlock and the salt it was derived with:
   * the trust state in the user's wrapped secrets is written again with it
   * at lock (cfd-vault-trust.c). NULL after a recovery-key unlock until the
   * new passphrase is set. */
  CfdSecret *kek;
  guint8 kek_salt[CFD_SALT_BYTES];
  /* What this unlock found tampered with, in words, for the app and the CLI
   * to show (each also recorded as vault.tamper). */
  GPtrArray *tamper_warnings;
  /* A recovery key issued during this unlock (cfd-key-rotation.c), kept
   * until the front end takes it to show once. */
  CfdSecret *new_recovery_key;
  /* This unlock took a database key handed on after a rotation: the
   * user's entry is wrapped again with it once the unlock is done. */
  gboolean db_key_delivered;

#ifdef CFD_TESTING
  CfdClockFunc clock_func;
  gpointer clock_data;
#endif
};

/* Secrets handed to a worker thread; wiped when the task is done. */
typedef struct
{
  char *user;
  CfdSecret *passphrase;
  CfdSecret *secondary;
  char *owner_name;
  char *path;
} CfdVaultTaskData;

void cfd_vault_task_data_free (gpointer data);

/* cfd-vault.c */
CfdVault *cfd_vault_new_for_path (const char *path);
void cfd_vault_set_unlocked_state (CfdVault *self,
                                   CfdDb *db,
                                   const CfdKeyringUser *user,
                                   CfdSecret *secrets);
void cfd_vault_forget_unlocked_state (CfdVault *self);
/* Re-reads the keyring under the lock file; the returned fd releases it. */
int cfd_vault_reload_keyring_locked (CfdVault *self, GError **error);

/* cfd-vault-roster.c */
GBytes *cfd_vault_sign_roster_from_keyring (const CfdKeyring *keyring,
                                            const CfdKeyringUser *owner,
                                            const CfdSecret *owner_secrets,
                                            gint64 now);
gboolean cfd_vault_check_roster (const CfdKeyring *keyring,
                                 const CfdKeyringUser *user,
                                 const CfdSecret *secrets,
                                 CfdRoster **roster_out,
                                 GError **error);
gboolean cfd_vault_sign_first_roster (CfdVault *self, GError **error);
gboolean cfd_vault_report_unknown_users (CfdVault *self, GError **error);

/* cfd-vault-trust.c */
gboolean
cfd_vault_check_roster_seen (const CfdSecret *secrets, const CfdRoster *roster, GError **error);
gboolean cfd_vault_check_audit_seen (CfdVault *self, GError **error);
void cfd_vault_trust_state_set_roster (CfdSecret *secrets, const CfdRoster *roster);
void cfd_vault_keep_kek (CfdVault *self, const CfdKeyringUser *user, CfdSecret *kek);
gboolean cfd_vault_remember_trust_state (CfdVault *self, gboolean with_audit_head, GError **error);

/* cfd-vault-backup-key.c: the owner seals the backup key to every owner
 * and therapist of the signed roster who lacks a copy it signed; recorded
 * as backup.key-issue. Nothing for other roles. */
gboolean cfd_vault_issue_backup_keys (CfdVault *self, GError **error);
/* With replace, a new backup key for everyone, whatever they held. */
gboolean cfd_vault_issue_backup_keys_full (CfdVault *self, gboolean replace, GError **error);

/* cfd-key-rotation.c: a new recovery key for the owner, in place of the
 * old one (which then opens nothing written from now on); kept for
 * cfd_vault_take_new_recovery_key and recorded as user.recovery-key-replace. */
gboolean cfd_vault_replace_recovery_key (CfdVault *self, GError **error);
/* The database key replaced and handed on (the body of
 * cfd_vault_rotate_keys, for any signed-in user). */
gboolean cfd_vault_rekey_database (CfdVault *self, GError **error);
/* As cfd_vault_issue_backup_keys_full, signed with owner_sign_sk (the
 * owner's approval) when the signed-in user is not the owner. */
gboolean cfd_vault_issue_backup_keys_signed_by (CfdVault *self,
                                                const guint8 *owner_sign_sk,
                                                gboolean replace,
                                                GError **error);
/* A key rotation this user started and a stop interrupted: finished at
 * unlock (core/policy/cfd-user-key-rotation.c). */
gboolean cfd_vault_finish_key_rotation (CfdVault *self, GError **error);
/* At unlock, when the user's secrets hold a database key older than the
 * keyring's: takes the one handed on to them, returns the previous. */
CfdSecret *cfd_vault_take_delivered_db_key (CfdVault *self,
                                            const CfdKeyringUser *user,
                                            CfdSecret *secrets,
                                            GError **error);
gboolean cfd_vault_settle_delivered_db_key (CfdVault *self, GError **error);

/* cfd-vault-create.c */
CfdKeyringUser *cfd_vault_new_keyring_user (const char *name,
                                            CfdRole role,
                                            const guint8 db_key[CFD_KEY_BYTES],
                                            gint64 now,
                                            CfdSecret **secrets_out);
gboolean cfd_vault_is_valid_user_name (const char *name);
void cfd_vault_choose_kdf_params (CfdKdfParams *params);
gboolean cfd_vault_insert_user_row (CfdDb *db, const CfdKeyringUser *user, GError **error);
gboolean
cfd_vault_read_db_salt (const char *db_path, guint8 salt[CFD_DB_SALT_BYTES], GError **error);

/* cfd-vault-users.c */
gboolean
cfd_vault_check_new_passphrase (const char *passphrase, const char *user_name, GError **error);
/* Wraps the signed-in user's secrets under a new passphrase; *changed says
 * whether the keyring file was replaced, even when an error follows. */
gboolean cfd_vault_rewrap_user (CfdVault *self,
                                const char *user_id,
                                const char *new_passphrase,
                                gboolean *changed,
                                GError **error);
gboolean cfd_vault_audit_passphrase_change (CfdVault *self, const char *action, GError **error);

G_END_DECLS
