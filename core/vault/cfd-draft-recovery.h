/* cfd-draft-recovery.h: a draft that could not be saved before a lock, sealed to its author until the next unlock. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* The file beside the database; "<prefix><user id>". See docs/FORMATS.md. */
#define CFD_DRAFT_RECOVERY_PREFIX "draft-recovery-"

typedef struct
{
  char *record_id; /* the draft the text belongs to, or NULL for ... */
  char *parent_id; /* ... a new addendum to this signed record, never saved */
  gint64 occurred;
  gint64 sealed_at;
  GVariant *content; /* a{sv}, as typed */
} CfdDraftRecovery;

void cfd_draft_recovery_free (CfdDraftRecovery *recovery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdDraftRecovery, cfd_draft_recovery_free)

/* For the moment a draft cannot be saved (a full disk) and the vault must
 * lock anyway: seals the draft as typed to the signed-in user's public key
 * (crypto_box_seal, so nothing secret is kept for it), keeps the sealed
 * copy in memory with the vault object, and writes it atomically to the
 * recovery file when the disk allows. *on_disk says whether the file was
 * written. One per user: a later call replaces it. Fails only when the
 * vault is locked or the arguments are wrong: the memory copy always holds. */
gboolean cfd_vault_seal_draft_recovery (CfdVault *vault,
                                        const char *record_id,
                                        const char *parent_id,
                                        gint64 occurred,
                                        GVariant *content,
                                        gboolean *on_disk,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* After an unlock: the signed-in user's sealed draft (from memory, else
 * from the recovery file), opened with their secret key; NULL with no error
 * when there is none. TAMPERED when it does not open or is not theirs.
 * It stays until cfd_vault_forget_draft_recovery, so a crash between
 * restoring and saving loses nothing. */
CfdDraftRecovery *cfd_vault_open_draft_recovery (CfdVault *vault,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Drops the signed-in user's sealed draft, memory and file, once what it
 * held is saved. */
gboolean cfd_vault_forget_draft_recovery (CfdVault *vault,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
