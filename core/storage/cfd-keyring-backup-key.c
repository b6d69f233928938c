/* cfd-keyring-backup-key.c: sealing, checking and opening each user's copy of the backup key. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-error.h"
#include "cfd-keyring-backup-key.h"

G_STATIC_ASSERT (CFD_SEALED_KEY_BYTES == CFD_BACKUP_SECRET_BYTES + crypto_box_SEALBYTES);

/* What the owner signs: the sealed bytes bound to this vault and user, so
 * a genuine entry cannot be moved to another user or vault. */
static CfdAd *
signed_message (const char *vault_id, const char *user_id, const guint8 *sealed)
{
  CfdAd *msg = cfd_ad_new ("confidant/backup-key/v1");

  cfd_ad_add_string (msg, vault_id);
  cfd_ad_add_string (msg, user_id);
  cfd_ad_add_bytes (msg, sealed, CFD_SEALED_KEY_BYTES);
  return msg;
}

void
cfd_keyring_put_backup_key (CfdKeyring *keyring,
                            const char *user_id,
                            const guint8 box_pk[CFD_BOX_PK_BYTES],
                            const CfdSecret *secret,
                            const guint8 owner_sign_sk[CFD_SIGN_SK_BYTES])
{
  guint8 entry[CFD_KEYRING_BACKUP_KEY_BYTES];
  g_autoptr (CfdAd) msg = NULL;
  CfdKeyringBackupKey *key;
  const guint8 *msg_data;
  gsize msg_len;

  g_return_if_fail (secret->len == CFD_BACKUP_SECRET_BYTES);

  crypto_box_seal (entry, secret->data, secret->len, box_pk);
  msg = signed_message (keyring->vault_id, user_id, entry);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (entry + CFD_SEALED_KEY_BYTES, NULL, msg_data, msg_len, owner_sign_sk);

  key = cfd_keyring_find_backup_key (keyring, user_id);
  if (key == NULL)
    {
      key = g_new0 (CfdKeyringBackupKey, 1);
      key->user_id = g_strdup (user_id);
      g_ptr_array_add (keyring->backup_keys, key);
    }
  g_clear_pointer (&key->sealed, g_bytes_unref);
  key->sealed = g_bytes_new (entry, sizeof entry);
}

static gboolean
entry_is_signed (const CfdKeyring *keyring,
                 const CfdKeyringBackupKey *key,
                 const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES])
{
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *entry, *msg_data;
  gsize len, msg_len;

  entry = g_bytes_get_data (key->sealed, &len);
  if (len != CFD_KEYRING_BACKUP_KEY_BYTES)
    return FALSE;
  msg = signed_message (keyring->vault_id, key->user_id, entry);
  msg_data = cfd_ad_data (msg, &msg_len);
  return crypto_sign_verify_detached (entry + CFD_SEALED_KEY_BYTES, msg_data, msg_len,
                                      owner_sign_pk)
         == 0;
}

gboolean
cfd_keyring_backup_key_is_signed (const CfdKeyring *keyring,
                                  const char *user_id,
                                  const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES])
{
  const CfdKeyringBackupKey *key = cfd_keyring_find_backup_key (keyring, user_id);

  return key != NULL && entry_is_signed (keyring, key, owner_sign_pk);
}

CfdSecret *
cfd_keyring_open_backup_key (const CfdKeyring *keyring,
                             const char *user_id,
                             const CfdSecret *secrets,
                             GError **error)
{
  const CfdKeyringBackupKey *key = cfd_keyring_find_backup_key (keyring, user_id);
  const guint8 *box_sk = secrets->data + CFD_SECRETS_BOX_SK;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  g_autoptr (CfdSecret) secret = NULL;

  g_return_val_if_fail (secrets->len == CFD_SECRETS_BYTES, NULL);

  if (key == NULL)
    {
      g_set_error (
          error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
          _ ("Only the practice's owner and therapists hold the backup key, and this "
             "user has none (the owner issues it to each therapist at their next unlock)"));
      return NULL;
    }
  if (!cfd_secrets_owner_pinned (secrets)
      || !entry_is_signed (keyring, key, secrets->data + CFD_SECRETS_OWNER_SIGN_PK))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("This user's copy of the backup key is not signed by the vault's owner"));
      return NULL;
    }
  /* The public half from the secret one, never from the keyring file. */
  crypto_scalarmult_base (box_pk, box_sk);
  secret = cfd_secret_new (CFD_BACKUP_SECRET_BYTES);
  if (crypto_box_seal_open (secret->data, g_bytes_get_data (key->sealed, NULL),
                            CFD_SEALED_KEY_BYTES, box_pk, box_sk)
      != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("This user's copy of the backup key does not open with their key"));
      return NULL;
    }
  return g_steal_pointer (&secret);
}
