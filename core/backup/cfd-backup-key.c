/* cfd-backup-key.c: which key a backup's stream is sealed under, by format. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-backup-private.h"
#include "cfd-error.h"
#include "cfd-keyring-backup-key.h"
#include "cfd-vault-private.h"

G_STATIC_ASSERT (sizeof CFD_BACKUP_KDF_CONTEXT_V2 - 1 == crypto_kdf_CONTEXTBYTES);

/* Only the owner's and therapists' copies of the backup key open it, so a
 * supervisor who is a user of the vault cannot read a backup with the
 * database key their own passphrase unwraps. */
void
cfd_backup_stream_key_v2 (guint8 out[CFD_KEY_BYTES],
                          const guint8 backup_secret[CFD_KEY_BYTES],
                          guint64 seq)
{
  crypto_kdf_derive_from_key (out, CFD_KEY_BYTES, seq, CFD_BACKUP_KDF_CONTEXT_V2, backup_secret);
}

static gboolean
refuse_without_backup_key (GError **error, GError *cause)
{
  if (g_error_matches (cause, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Only the practice's owner and therapists can open this backup; this user "
                      "holds no backup key"));
      g_error_free (cause);
    }
  else
    g_propagate_error (error, cause);
  return FALSE;
}

gboolean
cfd_backup_derive_stream_key (guint8 out[CFD_KEY_BYTES],
                              const CfdBackupHeader *header,
                              const CfdKeyring *keyring,
                              const char *user_id,
                              const CfdSecret *secrets,
                              GError **error)
{
  g_autoptr (CfdSecret) backup_secret = NULL;
  GError *local_error = NULL;

  if (header->version == 1)
    {
      cfd_backup_stream_key (out, secrets->data + CFD_SECRETS_DB_KEY, header->seq);
      return TRUE;
    }
  backup_secret = cfd_keyring_open_backup_key (keyring, user_id, secrets, &local_error);
  if (backup_secret == NULL)
    return refuse_without_backup_key (error, local_error);
  cfd_backup_stream_key_v2 (out, backup_secret->data, header->seq);
  return TRUE;
}

gboolean
cfd_backup_derive_vault_stream_key (guint8 out[CFD_KEY_BYTES],
                                    const CfdBackupHeader *header,
                                    CfdVault *vault,
                                    GError **error)
{
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (CfdSecret) backup_secret = NULL;
  GError *local_error = NULL;

  if (header->version == 1)
    {
      cfd_backup_stream_key (out, cfd_vault_get_db_key (vault), header->seq);
      return TRUE;
    }
  keyring = cfd_keyring_parse (g_bytes_get_data (header->keyring, NULL),
                               g_bytes_get_size (header->keyring), error);
  if (keyring == NULL)
    return FALSE;
  backup_secret = cfd_vault_get_backup_secret (vault, keyring, &local_error);
  if (backup_secret == NULL)
    return refuse_without_backup_key (error, local_error);
  cfd_backup_stream_key_v2 (out, backup_secret->data, header->seq);
  return TRUE;
}
