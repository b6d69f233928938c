/* cfd-vault-checkpoint.c: the signed-in user signs the head of the vault's audit chain. */
#include "config.h"

#include "cfd-audit-checkpoint-private.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-vault-private.h"

gboolean
cfd_vault_audit_checkpoint (CfdVault *vault, CfdAuditCheckpoint *out, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  /* Only those the roster makes owner or therapist vouch for the log: a
   * supervisor holds the database key too, and could otherwise rewrite the
   * log and sign the result. */
  if (db == NULL
      || !cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "audit.checkpoint", error))
    return FALSE;
  return cfd_audit_checkpoint_write (db, cfd_vault_get_id (vault), cfd_vault_get_user_id (vault),
                                     cfd_vault_get_sign_secret_key (vault), cfd_vault_now (vault),
                                     out, error);
}

gboolean
cfd_vault_audit_latest_checkpoint (CfdVault *vault, CfdAuditCheckpoint *out, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  if (db == NULL)
    return FALSE;
  return cfd_audit_checkpoint_read_latest (db, cfd_vault_get_id (vault), out, error);
}
