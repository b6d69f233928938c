/* cfd-draft-recovery.c: a draft that could not be saved before a lock, sealed to its author until the next unlock. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-crypto.h"
#include "cfd-draft-recovery.h"
#include "cfd-io-private.h"
#include "cfd-io.h"
#include "cfd-secure.h"
#include "cfd-vault-private.h"

#define MAGIC         "CFDDRAFT"
#define MAGIC_LEN     8
#define VERSION       1
#define HEADER_LEN    (MAGIC_LEN + 1)
#define MAX_FILE_LEN  (64 * 1024 * 1024)
#define PAYLOAD_TYPE  "(ssssxxa{sv})"
#define KIND_DRAFT    "draft"
#define KIND_ADDENDUM "new-addendum"

void
cfd_draft_recovery_free (CfdDraftRecovery *recovery)
{
  if (recovery == NULL)
    return;
  g_free (recovery->record_id);
  g_free (recovery->parent_id);
  g_clear_pointer (&recovery->content, g_variant_unref);
  g_free (recovery);
}

/* The sealed copy lives on the vault object, which outlives the lock;
 * keyed by user so that another user's unlock never sees it. */
static char *
memory_key (const char *user_id)
{
  return g_strdup_printf ("cfd-draft-recovery-%s", user_id);
}

static char *
file_path (CfdVault *vault, const char *user_id)
{
  g_autofree char *name = g_strconcat (CFD_DRAFT_RECOVERY_PREFIX, user_id, NULL);

  return g_build_filename (cfd_vault_get_path (vault), name, NULL);
}

gboolean
cfd_vault_seal_draft_recovery (CfdVault *vault,
                               const char *record_id,
                               const char *parent_id,
                               gint64 occurred,
                               GVariant *content,
                               gboolean *on_disk,
                               GError **error)
{
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GVariant) owned = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) write_error = NULL;
  const char *user_id;
  guint8 *sealed;
  gsize plain_len, sealed_len;

  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  g_return_val_if_fail ((record_id == NULL) != (parent_id == NULL), FALSE);
  owned = content != NULL ? g_variant_ref_sink (content) : NULL;
  if (on_disk != NULL)
    *on_disk = FALSE;
  if (!cfd_vault_is_unlocked (vault))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_LOCKED,
                           _ ("The draft can be kept for recovery only before the vault locks"));
      return FALSE;
    }
  if (content == NULL || !g_variant_is_of_type (content, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Record content must be a dictionary of fields"));
      return FALSE;
    }
  user_id = cfd_vault_get_user_id (vault);
  /* Little-endian on every host, in a buffer that is wiped when freed. */
  plain = cfd_variant_to_wire (g_variant_new ("(ssssxx@a{sv})", cfd_vault_get_id (vault), user_id,
                                              record_id != NULL ? KIND_DRAFT : KIND_ADDENDUM,
                                              record_id != NULL ? record_id : parent_id, occurred,
                                              cfd_vault_now (vault) / G_USEC_PER_SEC, content));
  plain_len = g_bytes_get_size (plain);
  sealed_len = HEADER_LEN + crypto_box_SEALBYTES + plain_len;
  sealed = g_malloc (sealed_len);
  memcpy (sealed, MAGIC, MAGIC_LEN);
  sealed[MAGIC_LEN] = VERSION;
  crypto_box_seal (sealed + HEADER_LEN, g_bytes_get_data (plain, NULL), plain_len,
                   cfd_vault_get_box_public_key (vault));

  key = memory_key (user_id);
  g_object_set_data_full (G_OBJECT (vault), key, g_bytes_new (sealed, sealed_len),
                          (GDestroyNotify)g_bytes_unref);
  /* Best effort: on a full disk this fails, and the memory copy is what
   * survives until the next unlock. */
  path = file_path (vault, user_id);
  if (cfd_io_atomic_write (path, sealed, sealed_len, &write_error))
    {
      if (on_disk != NULL)
        *on_disk = TRUE;
    }
  else
    g_debug ("The draft recovery file was not written: %s", write_error->message);
  g_free (sealed);
  return TRUE;
}

static gboolean
tampered (GError **error)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("The recovered draft is damaged or was not sealed for this user"));
  return FALSE;
}

static CfdDraftRecovery *
open_sealed (CfdVault *vault, GBytes *sealed, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (sealed, &len);
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GVariant) payload = NULL;
  g_autoptr (CfdDraftRecovery) recovery = NULL;
  const char *vault_id, *user_id, *kind, *id;
  guint8 *buffer;
  gsize plain_len;

  if (len < HEADER_LEN + crypto_box_SEALBYTES || memcmp (data, MAGIC, MAGIC_LEN) != 0)
    {
      tampered (error);
      return NULL;
    }
  if (data[MAGIC_LEN] != VERSION)
    {
      g_set_error (
          error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
          _ ("The recovered draft was written by another version of Confidant (format %u)"),
          data[MAGIC_LEN]);
      return NULL;
    }
  plain_len = len - HEADER_LEN - crypto_box_SEALBYTES;
  buffer = sodium_malloc (MAX (plain_len, 1));
  if (crypto_box_seal_open (buffer, data + HEADER_LEN, len - HEADER_LEN,
                            cfd_vault_get_box_public_key (vault),
                            cfd_vault_get_box_secret_key (vault))
      != 0)
    {
      sodium_free (buffer);
      tampered (error);
      return NULL;
    }
  plain = cfd_wiped_bytes_new (buffer, plain_len);
  sodium_free (buffer);
  payload = cfd_variant_from_wire (G_VARIANT_TYPE (PAYLOAD_TYPE), plain);
  if (payload == NULL)
    {
      tampered (error);
      return NULL;
    }
  recovery = g_new0 (CfdDraftRecovery, 1);
  g_variant_get (payload, "(&s&s&s&sxx@a{sv})", &vault_id, &user_id, &kind, &id,
                 &recovery->occurred, &recovery->sealed_at, &recovery->content);
  /* Sealing proves nothing about who sealed: the payload names its vault
   * and user, and must name these. */
  if (g_strcmp0 (vault_id, cfd_vault_get_id (vault)) != 0
      || g_strcmp0 (user_id, cfd_vault_get_user_id (vault)) != 0
      || (g_strcmp0 (kind, KIND_DRAFT) != 0 && g_strcmp0 (kind, KIND_ADDENDUM) != 0))
    {
      tampered (error);
      return NULL;
    }
  if (g_strcmp0 (kind, KIND_DRAFT) == 0)
    recovery->record_id = g_strdup (id);
  else
    recovery->parent_id = g_strdup (id);
  return g_steal_pointer (&recovery);
}

CfdDraftRecovery *
cfd_vault_open_draft_recovery (CfdVault *vault, GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GBytes) sealed = NULL;
  GBytes *in_memory;
  CfdDraftRecovery *recovery;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  if (!cfd_vault_is_unlocked (vault))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_LOCKED, _ ("The vault is locked"));
      return NULL;
    }
  key = memory_key (cfd_vault_get_user_id (vault));
  path = file_path (vault, cfd_vault_get_user_id (vault));
  in_memory = g_object_get_data (G_OBJECT (vault), key);
  if (in_memory != NULL)
    sealed = g_bytes_ref (in_memory);
  else
    {
      guint8 *data = NULL;
      gsize len = 0;
      g_autoptr (GError) read_error = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return NULL;
      if (!cfd_io_read_file (path, MAX_FILE_LEN, &data, &len, &read_error))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_IO,
                       _ ("The recovered draft could not be read: %s"), read_error->message);
          return NULL;
        }
      sealed = g_bytes_new_take (data, len);
    }
  recovery = open_sealed (vault, sealed, error);
  if (recovery != NULL)
    cfd_vault_audit_standalone (
        vault, "record.recover-draft", "record",
        recovery->record_id != NULL ? recovery->record_id : recovery->parent_id, CFD_AUDIT_SUCCESS);
  return recovery;
}

gboolean
cfd_vault_forget_draft_recovery (CfdVault *vault, GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  if (!cfd_vault_is_unlocked (vault))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_LOCKED, _ ("The vault is locked"));
      return FALSE;
    }
  key = memory_key (cfd_vault_get_user_id (vault));
  path = file_path (vault, cfd_vault_get_user_id (vault));
  g_object_set_data (G_OBJECT (vault), key, NULL);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      cfd_io_set_error_from_errno (error, saved_errno, "removing the recovered draft");
      return FALSE;
    }
  return cfd_io_fsync_dir (cfd_vault_get_path (vault), error);
}
