/* cfd-vault-private.h: what the rest of core needs from an unlocked vault. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-audit.h"
#include "cfd-db.h"
#include "cfd-keyring.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* NULL (with CFD_ERROR_LOCKED set) when the vault is locked. */
CfdDb *cfd_vault_get_db (CfdVault *self, GError **error);
const guint8 *cfd_vault_get_box_secret_key (CfdVault *self);
const guint8 *cfd_vault_get_box_public_key (CfdVault *self);
const guint8 *cfd_vault_get_sign_secret_key (CfdVault *self);
/* The audit log's seq and chain hash this user saw at their last lock,
 * from their own wrapped secrets; FALSE when they have not locked since the
 * trust state came in. */
gboolean cfd_vault_get_seen_audit_head (CfdVault *self, gint64 *seq, guint8 head[CFD_HASH_BYTES]);
CfdKeyArena *cfd_vault_get_key_arena (CfdVault *self);
const char *cfd_vault_get_owner_id (CfdVault *self);
/* The database key of an unlocked vault (backups derive their keys from it). */
const guint8 *cfd_vault_get_db_key (CfdVault *self);
/* The practice's backup key, opened from the signed-in user's copy in
 * keyring (a backup's own, or the file as a backup is about to embed it):
 * NOT_PERMITTED for a supervisor, or a therapist the owner has not issued
 * it to yet. */
CfdSecret *cfd_vault_get_backup_secret (CfdVault *self,
                                        const CfdKeyring *keyring,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "app@1a2b3c4d": the device field of audit records written for this vault. */
char *cfd_vault_get_device_id (CfdVault *self);

gint64 cfd_vault_now (CfdVault *self);

/* The mechanism of unlocking: check the keys against the vault, open the
 * database, move failed attempts into the log, record the unlock. What an
 * unlock must also do is policy, above every layer it touches: callers use
 * cfd_vault_unlock() and cfd_vault_recover() (cfd-unlock-policy.h). */
gboolean cfd_vault_unlock_only (CfdVault *self,
                                const char *user,
                                const char *passphrase,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Unlocks as the owner with the recovery key and sets a new passphrase. */
gboolean cfd_vault_recover_only (CfdVault *self,
                                 const char *recovery_key,
                                 const char *new_passphrase,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Appends to the audit log as the signed-in user, inside the caller's transaction. */
gboolean cfd_vault_audit (CfdVault *self,
                          const char *action,
                          const char *object_kind,
                          const char *object_id,
                          CfdAuditOutcome outcome,
                          const char *authorization,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Records a denied or failed action in a transaction of its own; used on
 * paths where the action itself rolled back. Errors here are logged, not
 * returned, so they never mask the error being reported. */
void cfd_vault_audit_standalone (CfdVault *self,
                                 const char *action,
                                 const char *object_kind,
                                 const char *object_id,
                                 CfdAuditOutcome outcome);

/* NOT_PERMITTED (and a denied record for action in the log) unless the
 * signed-in user's role is one of allowed_roles. */
gboolean
cfd_vault_require_role (CfdVault *self, CfdRoles allowed_roles, const char *action, GError **error);

/* Owner only: marks the named user removed in a newly signed roster and
 * takes them out of the keyring (their entry, handed-on database key,
 * backup-key copy). Returns their id. The rest of the removal is
 * cfd_vault_remove_user's (core/access). */
char *cfd_vault_sign_user_removal (CfdVault *self, const char *name, GError **error);
/* The ids of users the roster marks removed whose removal the audit log
 * does not record as done (the owner's unlock only; else empty). */
GPtrArray *cfd_vault_dup_unfinished_removals (CfdVault *self);

#ifdef CFD_TESTING
typedef gint64 (*CfdClockFunc) (gpointer user_data);
void cfd_vault_set_clock_for_testing (CfdVault *self, CfdClockFunc func, gpointer user_data);
gsize cfd_vault_count_live_secrets_for_testing (CfdVault *self);
/* cfd_vault_rotate_keys stops after writing the keyring, as a power cut
 * before the database is re-encrypted would. */
void cfd_vault_stop_rotation_before_rekey_for_testing (gboolean stop);
/* cfd_vault_rotate_user_keys stops after the grants were sealed again to
 * the new key, before the keyring is written. */
void cfd_vault_stop_user_rotation_for_testing (gboolean stop);
#endif

/* Records each addendum and review whose author the signed roster does
 * not know as vault.tamper, with a warning (docs/SECURITY.md). Run once an
 * unlock has loaded the roster. */
gboolean cfd_vault_report_unknown_authors (CfdVault *self, GError **error);

/* cfd-vault-trust.c: a warning for the app and CLI beside a vault.tamper record. */
void cfd_vault_add_tamper_warning (CfdVault *self, const char *warning);

/* cfd-vault-cards.c: supervisors known by card only, trusted through the
 * statement an owner or therapist of the signed roster signed. */
gboolean cfd_vault_load_card_supervisors (CfdVault *self, gboolean report, GError **error);
gboolean cfd_vault_sign_card_statement (CfdVault *self,
                                        const char *supervisor_id,
                                        const char *name,
                                        const guint8 box_pk[CFD_BOX_PK_BYTES],
                                        const guint8 sign_pk[CFD_SIGN_PK_BYTES],
                                        const char *fingerprint,
                                        gint64 imported,
                                        GError **error);

G_END_DECLS
