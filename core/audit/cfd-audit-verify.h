/* cfd-audit-verify.h: recomputing the audit chain and naming the first damage it shows. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_AUDIT_INTACT,
  /* A record no longer hashes to what its successor was chained to, or the
   * chain was rewritten up to a checkpoint. */
  CFD_AUDIT_DAMAGE_EDITED,
  /* A gap in the sequence, a renumbered tail, or fewer records than a
   * checkpoint kept in the vault itself says there were. */
  CFD_AUDIT_DAMAGE_DELETED,
  /* Records that are genuine but sit at another position. */
  CFD_AUDIT_DAMAGE_REORDERED,
  /* The log is behind a checkpoint that had left the machine (a receipt,
   * a backup): the whole vault was put back to an earlier state. */
  CFD_AUDIT_DAMAGE_ROLLED_BACK,
  /* A checkpoint whose signature does not verify, or by an unknown signer. */
  CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT,
} CfdAuditDamage;

/* "intact", "edited", "deleted", "reordered", "rolled-back", "forged-checkpoint" */
const char *cfd_audit_damage_to_string (CfdAuditDamage damage);

typedef struct
{
  CfdAuditDamage damage;
  gint64 first_bad_seq;  /* 0 when intact */
  gint64 checkpoint_seq; /* the checkpoint that showed the damage, or 0 */
  gint64 n_records;
  gint64 last_seq;
  guint8 head[CFD_HASH_BYTES]; /* recomputed; meaningful only when intact */
  guint n_checkpoints;         /* stored and given checkpoints compared */
  /* Checkpoints with a valid signature by a supervisor in the roster: older
   * versions let any user sign one. They vouch for nothing (a supervisor
   * could rewrite the log and sign it) and are not compared; they are not
   * damage either. */
  guint n_supervisor_checkpoints;
} CfdAuditReport;

/* A sentence for people: what is wrong and from which record on. */
char *cfd_audit_report_describe (const CfdAuditReport *report);

/* Recomputes the whole chain, streaming, in one read snapshot; checks every
 * stored checkpoint and the given ones (from a backup, say). TRUE when
 * intact; FALSE with CFD_ERROR_TAMPERED when damaged (report says
 * how), or another code when the log could not be read. The check itself
 * is recorded as audit.verify. */
gboolean cfd_vault_audit_verify (CfdVault *vault,
                                 const CfdAuditCheckpoint *external,
                                 guint n_external,
                                 CfdAuditReport *report,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* As above, with a receipt a person wrote down as one more checkpoint.
 * CFD_ERROR_INVALID_INPUT when the text is not a receipt. */
gboolean cfd_audit_verify_receipt (CfdVault *vault,
                                   const char *receipt,
                                   CfdAuditReport *report,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same in a worker thread, for the viewer: a million records take
 * about a second. Nothing else may use the vault until the callback runs. */
void cfd_vault_audit_verify_async (CfdVault *vault,
                                   const CfdAuditCheckpoint *external,
                                   guint n_external,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean cfd_vault_audit_verify_finish (CfdVault *vault,
                                        GAsyncResult *result,
                                        CfdAuditReport *report,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
