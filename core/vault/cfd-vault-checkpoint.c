/* cfd-vault-checkpoint.c: the signed-in user signs the head of the vault's audit chain. */
#include "config.h"

#include "cfd-audit-checkpoint-private.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-vault-private.h"

gboolean
cfd_vault_audit_checkpoint (CfdVault *vault, CfdAuditCheckpoint *out, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  if (db == NULL)
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
