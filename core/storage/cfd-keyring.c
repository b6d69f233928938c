/* cfd-keyring.c: reading and writing the keyring file; it is parsed as untrusted input. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-error.h"
#include "cfd-io-private.h"
#include "cfd-keyring.h"

/* File layout (docs/FORMATS.md): magic, version (u32 BE), payload length
 * (u32 BE), a GVariant in normal form, then BLAKE2b-256 of everything before it. */
static const guint8 keyring_magic[8] = { 'C', 'F', 'D', 'K', 'E', 'Y', 'R', 'G' };
#define HEADER_BYTES    16
#define KEYRING_V1_TYPE "(sxayaya(sssuttayayayayx)a(say)a(xs))"
/* Version 2 adds the signed roster (empty until the owner signs one). */
#define KEYRING_V2_TYPE "(sxayaya(sssuttayayayayx)a(say)a(xs)ay)"
/* Version 4 adds the backup keys (user id, sealed and signed key) and the
 * database keys handed on after a rotation (user id, sealed key). */
#define KEYRING_V4_TYPE  "(sxayaya(sssuttayayayayx)a(say)a(xs)aya(say)a(say))"
#define WRAPPED_BYTES    (CFD_AEAD_NONCE_BYTES + CFD_SECRETS_BYTES + CFD_AEAD_TAG_BYTES)
#define WRAPPED_V1_BYTES (CFD_AEAD_NONCE_BYTES + CFD_SECRETS_V1_BYTES + CFD_AEAD_TAG_BYTES)
#define WRAPPED_V2_BYTES (CFD_AEAD_NONCE_BYTES + CFD_SECRETS_V2_BYTES + CFD_AEAD_TAG_BYTES)

/* Newer files hold older entries until their user next unlocks. */
static gboolean
is_wrapped_size (gsize len, guint32 version)
{
  if (len == WRAPPED_BYTES)
    return version >= 3;
  if (len == WRAPPED_V2_BYTES)
    return version >= 2;
  return len == WRAPPED_V1_BYTES;
}

gboolean
cfd_keyring_user_has_trust_state (const CfdKeyringUser *user)
{
  return g_bytes_get_size (user->wrapped) == WRAPPED_BYTES;
}

/* Unwrapped secrets of either entry size, in a buffer of the current size
 * (a version 1 entry's owner pin left all zero). */
static CfdSecret *
secrets_from_plain (GBytes *plain)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (plain, &len);
  CfdSecret *secrets;

  if (len != CFD_SECRETS_BYTES && len != CFD_SECRETS_V2_BYTES && len != CFD_SECRETS_V1_BYTES)
    return NULL;
  secrets = cfd_secret_new (CFD_SECRETS_BYTES);
  memcpy (secrets->data, data, len);
  return secrets;
}

gboolean
cfd_secrets_owner_pinned (const CfdSecret *secrets)
{
  g_return_val_if_fail (secrets->len == CFD_SECRETS_BYTES, FALSE);
  return !sodium_is_zero (secrets->data + CFD_SECRETS_OWNER_SIGN_PK, CFD_SIGN_PK_BYTES);
}
#define MAX_NAME_BYTES 256

static void
user_free (gpointer data)
{
  CfdKeyringUser *user = data;

  g_free (user->id);
  g_free (user->name);
  g_clear_pointer (&user->wrapped, g_bytes_unref);
  g_free (user);
}

static void
recovery_free (gpointer data)
{
  CfdKeyringRecovery *recovery = data;

  g_free (recovery->user_id);
  g_clear_pointer (&recovery->wrapped, g_bytes_unref);
  g_free (recovery);
}

static void
backup_key_free (gpointer data)
{
  CfdKeyringBackupKey *key = data;

  g_free (key->user_id);
  g_clear_pointer (&key->sealed, g_bytes_unref);
  g_free (key);
}

static void
db_key_delivery_free (gpointer data)
{
  CfdKeyringDbKey *key = data;

  g_free (key->user_id);
  g_clear_pointer (&key->sealed, g_bytes_unref);
  g_free (key);
}

static void
failed_unlock_clear (gpointer data)
{
  CfdFailedUnlock *failure = data;

  g_free (failure->user_id);
}

CfdKeyring *
cfd_keyring_new (const char *vault_id)
{
  CfdKeyring *keyring = g_new0 (CfdKeyring, 1);

  keyring->vault_id = g_strdup (vault_id);
  keyring->users = g_ptr_array_new_with_free_func (user_free);
  keyring->recoveries = g_ptr_array_new_with_free_func (recovery_free);
  keyring->failed_unlocks = g_array_new (FALSE, TRUE, sizeof (CfdFailedUnlock));
  g_array_set_clear_func (keyring->failed_unlocks, failed_unlock_clear);
  keyring->backup_keys = g_ptr_array_new_with_free_func (backup_key_free);
  keyring->db_keys = g_ptr_array_new_with_free_func (db_key_delivery_free);
  return keyring;
}

void
cfd_keyring_free (CfdKeyring *keyring)
{
  if (keyring == NULL)
    return;
  g_free (keyring->vault_id);
  g_ptr_array_unref (keyring->users);
  g_ptr_array_unref (keyring->recoveries);
  g_array_unref (keyring->failed_unlocks);
  g_clear_pointer (&keyring->roster, g_bytes_unref);
  g_ptr_array_unref (keyring->backup_keys);
  g_ptr_array_unref (keyring->db_keys);
  g_free (keyring);
}

static gboolean
is_valid_id (const char *id)
{
  if (strlen (id) != 32)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static gboolean
copy_fixed (GVariant *array, guint8 *out, gsize expected)
{
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array (array, &len, 1);

  if (len != expected)
    return FALSE;
  memcpy (out, data, len);
  return TRUE;
}

static gboolean
damaged (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING, _ ("The keyring file is damaged (%s)"),
               what);
  return FALSE;
}

static gboolean
parse_users (CfdKeyring *keyring, GVariant *users, guint32 version, GError **error)
{
  GVariantIter iter;
  GVariant *child;

  g_variant_iter_init (&iter, users);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_autoptr (GVariant) entry = child;
      g_autoptr (GVariant) salt = NULL, wrapped = NULL, box_pk = NULL, sign_pk = NULL;
      CfdKeyringUser *user = g_new0 (CfdKeyringUser, 1);
      const char *role = NULL;
      guint32 alg = 0;
      gsize wrapped_len = 0;
      const guint8 *wrapped_data;

      g_ptr_array_add (keyring->users, user);
      g_variant_get (entry, "(ss&sutt@ay@ay@ay@ayx)", &user->id, &user->name, &role, &alg,
                     &user->kdf.opslimit, &user->kdf.memlimit, &salt, &wrapped, &box_pk, &sign_pk,
                     &user->created);

      if (!is_valid_id (user->id) || cfd_keyring_find_user (keyring, user->id) != user)
        return damaged (error, "a user id is invalid or repeated");
      if (*user->name == '\0' || strlen (user->name) > MAX_NAME_BYTES)
        return damaged (error, "a user name is invalid");
      if (!cfd_role_from_string (role, &user->role))
        return damaged (error, "a user role is unknown");
      if (alg != crypto_pwhash_ALG_ARGON2ID13)
        return damaged (error, "unknown key derivation algorithm");
      if (!cfd_kdf_params_within_ceiling (&user->kdf))
        return damaged (error, "a user's key derivation costs are beyond Confidant's ceiling "
                               "(at most 16 passes and 1 GiB)");
      if (!copy_fixed (salt, user->salt, CFD_SALT_BYTES)
          || !copy_fixed (box_pk, user->box_pk, CFD_BOX_PK_BYTES)
          || !copy_fixed (sign_pk, user->sign_pk, CFD_SIGN_PK_BYTES))
        return damaged (error, "a key has the wrong size");
      wrapped_data = g_variant_get_fixed_array (wrapped, &wrapped_len, 1);
      if (!is_wrapped_size (wrapped_len, version))
        return damaged (error, "wrapped secrets have the wrong size");
      user->wrapped = g_bytes_new (wrapped_data, wrapped_len);
    }

  if (keyring->users->len == 0 || cfd_keyring_find_owner (keyring) == NULL)
    return damaged (error, "there is no owner");
  return TRUE;
}

static gboolean
parse_recoveries (CfdKeyring *keyring, GVariant *recoveries, guint32 version, GError **error)
{
  GVariantIter iter;
  const char *user_id;
  GVariant *wrapped;

  g_variant_iter_init (&iter, recoveries);
  while (g_variant_iter_next (&iter, "(&s@ay)", &user_id, &wrapped))
    {
      g_autoptr (GVariant) owned = wrapped;
      CfdKeyringRecovery *recovery;
      gsize len = 0;
      const guint8 *data = g_variant_get_fixed_array (wrapped, &len, 1);

      if (cfd_keyring_find_user (keyring, user_id) == NULL
          || cfd_keyring_find_recovery (keyring, user_id) != NULL)
        return damaged (error, "a recovery entry names an unknown user");
      if (!is_wrapped_size (len, version))
        return damaged (error, "a recovery entry has the wrong size");
      recovery = g_new0 (CfdKeyringRecovery, 1);
      recovery->user_id = g_strdup (user_id);
      recovery->wrapped = g_bytes_new (data, len);
      g_ptr_array_add (keyring->recoveries, recovery);
    }
  return TRUE;
}

static gboolean
parse_failures (CfdKeyring *keyring, GVariant *failures, GError **error)
{
  GVariantIter iter;
  gint64 time;
  const char *user_id;

  if (g_variant_n_children (failures) > CFD_KEYRING_MAX_FAILURES)
    return damaged (error, "too many failed unlocks recorded");

  g_variant_iter_init (&iter, failures);
  while (g_variant_iter_next (&iter, "(x&s)", &time, &user_id))
    {
      CfdFailedUnlock failure = { time, g_strdup (user_id) };

      g_array_append_val (keyring->failed_unlocks, failure);
    }
  return TRUE;
}

static gboolean
parse_backup_keys (CfdKeyring *keyring, GVariant *keys, GError **error)
{
  GVariantIter iter;
  const char *user_id;
  GVariant *sealed;

  g_variant_iter_init (&iter, keys);
  while (g_variant_iter_next (&iter, "(&s@ay)", &user_id, &sealed))
    {
      g_autoptr (GVariant) owned = sealed;
      CfdKeyringBackupKey *key;
      gsize len = 0;
      const guint8 *data = g_variant_get_fixed_array (sealed, &len, 1);

      /* A copy left behind by a user taken out of the file after an
       * interrupted add opens nothing for anyone: dropped, not damage. */
      if (cfd_keyring_find_user (keyring, user_id) == NULL)
        continue;
      if (cfd_keyring_find_backup_key (keyring, user_id) != NULL)
        return damaged (error, "a backup key is repeated");
      if (len != CFD_KEYRING_BACKUP_KEY_BYTES)
        return damaged (error, "a backup key has the wrong size");
      key = g_new0 (CfdKeyringBackupKey, 1);
      key->user_id = g_strdup (user_id);
      key->sealed = g_bytes_new (data, len);
      g_ptr_array_add (keyring->backup_keys, key);
    }
  return TRUE;
}

static gboolean
parse_db_keys (CfdKeyring *keyring, GVariant *keys, GError **error)
{
  GVariantIter iter;
  const char *user_id;
  GVariant *sealed;

  g_variant_iter_init (&iter, keys);
  while (g_variant_iter_next (&iter, "(&s@ay)", &user_id, &sealed))
    {
      g_autoptr (GVariant) owned = sealed;
      gsize len = 0;
      const guint8 *data = g_variant_get_fixed_array (sealed, &len, 1);

      if (cfd_keyring_find_user (keyring, user_id) == NULL)
        continue;
      if (cfd_keyring_find_db_key (keyring, user_id) != NULL)
        return damaged (error, "a database key is repeated");
      if (len != CFD_SEALED_KEY_BYTES)
        return damaged (error, "a database key has the wrong size");
      cfd_keyring_put_db_key (keyring, user_id, g_bytes_new (data, len));
    }
  return TRUE;
}

static const char *
payload_type (guint32 version)
{
  if (version == 1)
    return KEYRING_V1_TYPE;
  return version < 4 ? KEYRING_V2_TYPE : KEYRING_V4_TYPE;
}

CfdKeyring *
cfd_keyring_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (GBytes) payload_bytes = NULL;
  g_autoptr (GVariant) payload = NULL;
  g_autoptr (GVariant) db_key_check = NULL, db_salt = NULL, users = NULL, recoveries = NULL,
                       failures = NULL, roster = NULL, backup_keys = NULL, db_keys = NULL;
  g_autofree char *vault_id = NULL;
  guint8 checksum[CFD_HASH_BYTES];
  guint32 version, payload_len;
  gint64 created;

  if (len < HEADER_BYTES + CFD_HASH_BYTES || memcmp (data, keyring_magic, 8) != 0)
    {
      damaged (error, "not a keyring file");
      return NULL;
    }

  memcpy (&version, data + 8, 4);
  memcpy (&payload_len, data + 12, 4);
  version = GUINT32_FROM_BE (version);
  payload_len = GUINT32_FROM_BE (payload_len);
  if (version < CFD_KEYRING_OLDEST_VERSION || version > CFD_KEYRING_FORMAT_VERSION)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                   _ ("The keyring uses format version %u; this version of Confidant reads "
                      "version %u"),
                   version, CFD_KEYRING_FORMAT_VERSION);
      return NULL;
    }
  if ((gsize)payload_len != len - HEADER_BYTES - CFD_HASH_BYTES)
    {
      damaged (error, "wrong length");
      return NULL;
    }

  cfd_hash (checksum, data, HEADER_BYTES + payload_len);
  if (!cfd_constant_time_equal (checksum, data + HEADER_BYTES + payload_len, CFD_HASH_BYTES))
    {
      damaged (error, "checksum mismatch");
      return NULL;
    }

  /* Untrusted: GVariant checks every offset; normal form rules out a second
   * encoding of the same content. */
  payload_bytes = g_bytes_new (data + HEADER_BYTES, payload_len);
  payload = cfd_variant_from_wire (G_VARIANT_TYPE (payload_type (version)), payload_bytes);
  if (payload == NULL)
    {
      damaged (error, "malformed contents");
      return NULL;
    }

  if (version == 1)
    g_variant_get (payload, "(sx@ay@ay@a(sssuttayayayayx)@a(say)@a(xs))", &vault_id, &created,
                   &db_key_check, &db_salt, &users, &recoveries, &failures);
  else if (version < 4)
    g_variant_get (payload, "(sx@ay@ay@a(sssuttayayayayx)@a(say)@a(xs)@ay)", &vault_id, &created,
                   &db_key_check, &db_salt, &users, &recoveries, &failures, &roster);
  else
    g_variant_get (payload, "(sx@ay@ay@a(sssuttayayayayx)@a(say)@a(xs)@ay@a(say)@a(say))",
                   &vault_id, &created, &db_key_check, &db_salt, &users, &recoveries, &failures,
                   &roster, &backup_keys, &db_keys);
  if (!is_valid_id (vault_id))
    {
      damaged (error, "invalid vault id");
      return NULL;
    }

  keyring = cfd_keyring_new (vault_id);
  keyring->created = created;
  if (!copy_fixed (db_key_check, keyring->db_key_check, CFD_HASH_BYTES)
      || !copy_fixed (db_salt, keyring->db_salt, CFD_DB_SALT_BYTES))
    {
      damaged (error, "key check has the wrong size");
      return NULL;
    }
  if (!parse_users (keyring, users, version, error)
      || !parse_recoveries (keyring, recoveries, version, error)
      || !parse_failures (keyring, failures, error)
      || (backup_keys != NULL && !parse_backup_keys (keyring, backup_keys, error))
      || (db_keys != NULL && !parse_db_keys (keyring, db_keys, error)))
    return NULL;
  /* Read here, trusted only once verified against a user's owner pin. */
  if (roster != NULL && g_variant_n_children (roster) > 0)
    {
      gsize roster_len = 0;
      const guint8 *roster_data = g_variant_get_fixed_array (roster, &roster_len, 1);

      keyring->roster = g_bytes_new (roster_data, roster_len);
    }

  return g_steal_pointer (&keyring);
}

static GVariant *
fixed_bytes (const guint8 *data, gsize len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1);
}

static GVariant *
bytes_variant (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return fixed_bytes (data, len);
}

GBytes *
cfd_keyring_serialize (const CfdKeyring *keyring)
{
  static const guint8 no_roster[1];
  GVariantBuilder users, recoveries, failures, backup_keys, db_keys;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 checksum[CFD_HASH_BYTES];
  guint32 version_be = GUINT32_TO_BE (CFD_KEYRING_FORMAT_VERSION);
  guint32 length_be;
  gsize payload_len;

  g_variant_builder_init (&users, G_VARIANT_TYPE ("a(sssuttayayayayx)"));
  for (guint i = 0; i < keyring->users->len; i++)
    {
      const CfdKeyringUser *user = g_ptr_array_index (keyring->users, i);

      g_variant_builder_add (
          &users, "(sssutt@ay@ay@ay@ayx)", user->id, user->name, cfd_role_to_string (user->role),
          (guint32)crypto_pwhash_ALG_ARGON2ID13, user->kdf.opslimit, user->kdf.memlimit,
          fixed_bytes (user->salt, CFD_SALT_BYTES), bytes_variant (user->wrapped),
          fixed_bytes (user->box_pk, CFD_BOX_PK_BYTES),
          fixed_bytes (user->sign_pk, CFD_SIGN_PK_BYTES), user->created);
    }

  g_variant_builder_init (&recoveries, G_VARIANT_TYPE ("a(say)"));
  for (guint i = 0; i < keyring->recoveries->len; i++)
    {
      const CfdKeyringRecovery *recovery = g_ptr_array_index (keyring->recoveries, i);

      g_variant_builder_add (&recoveries, "(s@ay)", recovery->user_id,
                             bytes_variant (recovery->wrapped));
    }

  g_variant_builder_init (&failures, G_VARIANT_TYPE ("a(xs)"));
  for (guint i = 0; i < keyring->failed_unlocks->len; i++)
    {
      const CfdFailedUnlock *failure = &g_array_index (keyring->failed_unlocks, CfdFailedUnlock, i);

      g_variant_builder_add (&failures, "(xs)", failure->time, failure->user_id);
    }

  g_variant_builder_init (&backup_keys, G_VARIANT_TYPE ("a(say)"));
  for (guint i = 0; i < keyring->backup_keys->len; i++)
    {
      const CfdKeyringBackupKey *key = g_ptr_array_index (keyring->backup_keys, i);

      g_variant_builder_add (&backup_keys, "(s@ay)", key->user_id, bytes_variant (key->sealed));
    }

  g_variant_builder_init (&db_keys, G_VARIANT_TYPE ("a(say)"));
  for (guint i = 0; i < keyring->db_keys->len; i++)
    {
      const CfdKeyringDbKey *key = g_ptr_array_index (keyring->db_keys, i);

      g_variant_builder_add (&db_keys, "(s@ay)", key->user_id, bytes_variant (key->sealed));
    }

  payload = cfd_variant_to_wire (g_variant_new (
      "(sx@ay@aya(sssuttayayayayx)a(say)a(xs)@aya(say)a(say))", keyring->vault_id, keyring->created,
      fixed_bytes (keyring->db_key_check, CFD_HASH_BYTES),
      fixed_bytes (keyring->db_salt, CFD_DB_SALT_BYTES), &users, &recoveries, &failures,
      keyring->roster != NULL ? bytes_variant (keyring->roster) : fixed_bytes (no_roster, 0),
      &backup_keys, &db_keys));
  payload_len = g_bytes_get_size (payload);
  length_be = GUINT32_TO_BE ((guint32)payload_len);

  g_byte_array_append (out, keyring_magic, sizeof keyring_magic);
  g_byte_array_append (out, (const guint8 *)&version_be, 4);
  g_byte_array_append (out, (const guint8 *)&length_be, 4);
  g_byte_array_append (out, g_bytes_get_data (payload, NULL), payload_len);
  cfd_hash (checksum, out->data, out->len);
  g_byte_array_append (out, checksum, sizeof checksum);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

CfdKeyring *
cfd_keyring_load (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local_error = NULL;

  if (!cfd_io_read_private_file (path, CFD_KEYRING_MAX_BYTES, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        damaged (error, "too large");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return cfd_keyring_parse (data, len, error);
}

gboolean
cfd_keyring_save (const CfdKeyring *keyring, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = cfd_keyring_serialize (keyring);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return cfd_io_atomic_write (path, data, len, error);
}

CfdKeyringUser *
cfd_keyring_find_user (const CfdKeyring *keyring, const char *id_or_name)
{
  for (guint i = 0; i < keyring->users->len; i++)
    {
      CfdKeyringUser *user = g_ptr_array_index (keyring->users, i);

      if (g_strcmp0 (user->id, id_or_name) == 0)
        return user;
    }
  for (guint i = 0; i < keyring->users->len; i++)
    {
      CfdKeyringUser *user = g_ptr_array_index (keyring->users, i);

      if (g_strcmp0 (user->name, id_or_name) == 0)
        return user;
    }
  return NULL;
}

CfdKeyringUser *
cfd_keyring_find_owner (const CfdKeyring *keyring)
{
  for (guint i = 0; i < keyring->users->len; i++)
    {
      CfdKeyringUser *user = g_ptr_array_index (keyring->users, i);

      if (user->role == CFD_ROLE_OWNER)
        return user;
    }
  return NULL;
}

CfdKeyringRecovery *
cfd_keyring_find_recovery (const CfdKeyring *keyring, const char *user_id)
{
  for (guint i = 0; i < keyring->recoveries->len; i++)
    {
      CfdKeyringRecovery *recovery = g_ptr_array_index (keyring->recoveries, i);

      if (g_strcmp0 (recovery->user_id, user_id) == 0)
        return recovery;
    }
  return NULL;
}

CfdKeyringBackupKey *
cfd_keyring_find_backup_key (const CfdKeyring *keyring, const char *user_id)
{
  for (guint i = 0; i < keyring->backup_keys->len; i++)
    {
      CfdKeyringBackupKey *key = g_ptr_array_index (keyring->backup_keys, i);

      if (g_strcmp0 (key->user_id, user_id) == 0)
        return key;
    }
  return NULL;
}

CfdKeyringDbKey *
cfd_keyring_find_db_key (const CfdKeyring *keyring, const char *user_id)
{
  for (guint i = 0; i < keyring->db_keys->len; i++)
    {
      CfdKeyringDbKey *key = g_ptr_array_index (keyring->db_keys, i);

      if (g_strcmp0 (key->user_id, user_id) == 0)
        return key;
    }
  return NULL;
}

void
cfd_keyring_put_db_key (CfdKeyring *keyring, const char *user_id, GBytes *sealed)
{
  CfdKeyringDbKey *key = cfd_keyring_find_db_key (keyring, user_id);

  if (key == NULL)
    {
      key = g_new0 (CfdKeyringDbKey, 1);
      key->user_id = g_strdup (user_id);
      g_ptr_array_add (keyring->db_keys, key);
    }
  g_clear_pointer (&key->sealed, g_bytes_unref);
  key->sealed = sealed;
}

void
cfd_keyring_remove_db_key (CfdKeyring *keyring, const char *user_id)
{
  CfdKeyringDbKey *key = cfd_keyring_find_db_key (keyring, user_id);

  if (key != NULL)
    g_ptr_array_remove (keyring->db_keys, key);
}

void
cfd_keyring_remove_user (CfdKeyring *keyring, CfdKeyringUser *user)
{
  CfdKeyringRecovery *recovery = cfd_keyring_find_recovery (keyring, user->id);
  CfdKeyringBackupKey *backup_key = cfd_keyring_find_backup_key (keyring, user->id);

  /* Entries naming a user the file no longer lists would make it damaged. */
  if (recovery != NULL)
    g_ptr_array_remove (keyring->recoveries, recovery);
  if (backup_key != NULL)
    g_ptr_array_remove (keyring->backup_keys, backup_key);
  cfd_keyring_remove_db_key (keyring, user->id);
  g_ptr_array_remove (keyring->users, user);
}

void
cfd_keyring_add_failed_unlock (CfdKeyring *keyring, const char *user_id, gint64 time)
{
  CfdFailedUnlock failure = { time, g_strdup (user_id) };

  /* Bounded so that someone guessing passphrases cannot grow the file forever;
   * the oldest entries give way, and the count of dropped ones is not kept. */
  if (keyring->failed_unlocks->len >= CFD_KEYRING_MAX_FAILURES)
    g_array_remove_index (keyring->failed_unlocks, 0);
  g_array_append_val (keyring->failed_unlocks, failure);
}

void
cfd_keyring_compute_key_check (guint8 out[CFD_HASH_BYTES],
                               const char *vault_id,
                               const guint8 db_key[CFD_KEY_BYTES])
{
  g_autoptr (CfdAd) msg = cfd_ad_new ("confidant/db-key-check/v1");
  const guint8 *data;
  gsize len;

  cfd_ad_add_string (msg, vault_id);
  data = cfd_ad_data (msg, &len);
  cfd_keyed_hash (out, db_key, data, len);
}

static CfdAd *
user_ad (const CfdKeyringUser *user, const char *vault_id)
{
  CfdAd *ad = cfd_ad_new ("confidant/keyring-user/v1");

  /* The role and public keys are bound so that editing them in the file
   * makes the user's own unlock fail rather than silently take effect. */
  cfd_ad_add_string (ad, vault_id);
  cfd_ad_add_string (ad, user->id);
  cfd_ad_add_string (ad, cfd_role_to_string (user->role));
  cfd_ad_add_uint (ad, user->kdf.opslimit);
  cfd_ad_add_uint (ad, user->kdf.memlimit);
  cfd_ad_add_bytes (ad, user->salt, CFD_SALT_BYTES);
  cfd_ad_add_bytes (ad, user->box_pk, CFD_BOX_PK_BYTES);
  cfd_ad_add_bytes (ad, user->sign_pk, CFD_SIGN_PK_BYTES);
  return ad;
}

/* Argon2id takes the passphrase's UTF-8 bytes in Unicode NFC, so that a
 * passphrase typed where an accent arrives composed (é) and where it arrives
 * as a letter and a combining mark (e + ◌́) opens the same vault. Text
 * that is not UTF-8 cannot be normalised and is taken as it is. */
static CfdSecret *
passphrase_nfc (const char *passphrase)
{
  char *nfc = g_utf8_normalize (passphrase, -1, G_NORMALIZE_NFC);
  CfdSecret *secret;

  if (nfc == NULL)
    return cfd_secret_new_from_string (passphrase);
  secret = cfd_secret_new_from_string (nfc);
  cfd_wipe_free (nfc, strlen (nfc) + 1);
  return secret;
}

#ifdef CFD_TESTING
static gboolean wrap_unnormalised;

void
cfd_keyring_wrap_unnormalised_for_testing (gboolean unnormalised)
{
  wrap_unnormalised = unnormalised;
}

static gboolean wrap_v1;

void
cfd_keyring_wrap_v1_for_testing (gboolean v1)
{
  wrap_v1 = v1;
}

static gboolean wrap_v2;

void
cfd_keyring_wrap_v2_for_testing (gboolean v2)
{
  wrap_v2 = v2;
}
#endif

static void
seal_with_kek (CfdKeyringUser *user,
               const char *vault_id,
               const guint8 *kek,
               const CfdSecret *secrets)
{
  g_autoptr (CfdAd) ad = user_ad (user, vault_id);
  const guint8 *ad_data;
  gsize ad_len, plain_len = secrets->len;

  ad_data = cfd_ad_data (ad, &ad_len);
#ifdef CFD_TESTING
  /* Writes an entry as keyring format version 1 (no owner pin) or 2 (no
   * trust state) did. */
  if (wrap_v1)
    plain_len = CFD_SECRETS_V1_BYTES;
  else if (wrap_v2)
    plain_len = CFD_SECRETS_V2_BYTES;
#endif
  g_clear_pointer (&user->wrapped, g_bytes_unref);
  user->wrapped = cfd_aead_seal (kek, secrets->data, plain_len, ad_data, ad_len);
}

void
cfd_keyring_user_rewrap_with_kek (CfdKeyringUser *user,
                                  const char *vault_id,
                                  const CfdSecret *kek,
                                  const CfdSecret *secrets)
{
  g_return_if_fail (kek->len == CFD_KEY_BYTES && secrets->len == CFD_SECRETS_BYTES);
  seal_with_kek (user, vault_id, kek->data, secrets);
}

gboolean
cfd_keyring_user_wrap (CfdKeyringUser *user,
                       const char *vault_id,
                       const char *passphrase,
                       const CfdSecret *secrets,
                       GError **error)
{
  return cfd_keyring_user_wrap_keeping_kek (user, vault_id, passphrase, secrets, NULL, error);
}

gboolean
cfd_keyring_user_wrap_keeping_kek (CfdKeyringUser *user,
                                   const char *vault_id,
                                   const char *passphrase,
                                   const CfdSecret *secrets,
                                   CfdSecret **kek_out,
                                   GError **error)
{
  g_autoptr (CfdSecret) kek = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdSecret) typed = passphrase_nfc (passphrase);

  g_return_val_if_fail (secrets->len == CFD_SECRETS_BYTES, FALSE);

#ifdef CFD_TESTING
  /* Writes an entry as Confidant did before passphrases were normalised. */
  if (wrap_unnormalised)
    {
      g_clear_pointer (&typed, cfd_secret_free);
      typed = cfd_secret_new_from_string (passphrase);
    }
#endif
  cfd_random_bytes (user->salt, CFD_SALT_BYTES);
  if (!cfd_kdf_derive (kek->data, (const char *)typed->data, typed->len, user->salt, &user->kdf,
                       error))
    return FALSE;

  seal_with_kek (user, vault_id, kek->data, secrets);
  if (kek_out != NULL)
    *kek_out = g_steal_pointer (&kek);
  return TRUE;
}

static CfdSecret *
unwrap_with (const CfdKeyringUser *user,
             const char *vault_id,
             const CfdSecret *passphrase,
             CfdSecret **kek_out,
             GError **error)
{
  g_autoptr (CfdSecret) kek = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdAd) ad = NULL;
  g_autoptr (GBytes) plain = NULL;
  const guint8 *ad_data, *sealed;
  CfdSecret *secrets;
  gsize ad_len, sealed_len;

  if (!cfd_kdf_derive (kek->data, (const char *)passphrase->data, passphrase->len, user->salt,
                       &user->kdf, error))
    return NULL;

  ad = user_ad (user, vault_id);
  ad_data = cfd_ad_data (ad, &ad_len);
  sealed = g_bytes_get_data (user->wrapped, &sealed_len);
  plain = cfd_aead_open (kek->data, sealed, sealed_len, ad_data, ad_len);
  if (plain == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE,
                   _ ("The passphrase is not correct"));
      return NULL;
    }
  secrets = secrets_from_plain (plain);
  if (secrets == NULL)
    damaged (error, "wrapped secrets have the wrong size");
  else if (kek_out != NULL)
    *kek_out = g_steal_pointer (&kek);
  return secrets;
}

CfdSecret *
cfd_keyring_user_unwrap_migrating (const CfdKeyringUser *user,
                                   const char *vault_id,
                                   const char *passphrase,
                                   gboolean *unnormalised,
                                   GError **error)
{
  return cfd_keyring_user_unwrap_keeping_kek (user, vault_id, passphrase, unnormalised, NULL,
                                              error);
}

CfdSecret *
cfd_keyring_user_unwrap_keeping_kek (const CfdKeyringUser *user,
                                     const char *vault_id,
                                     const char *passphrase,
                                     gboolean *unnormalised,
                                     CfdSecret **kek_out,
                                     GError **error)
{
  g_autoptr (CfdSecret) nfc = passphrase_nfc (passphrase);
  g_autoptr (CfdSecret) raw = NULL;
  g_autoptr (GError) local_error = NULL;
  CfdSecret *secrets;

  if (unnormalised != NULL)
    *unnormalised = FALSE;
  secrets = unwrap_with (user, vault_id, nfc, kek_out, &local_error);
  if (secrets != NULL)
    return secrets;
  if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE)
      || strcmp ((const char *)nfc->data, passphrase) == 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Entries wrapped before Confidant normalised hold the bytes as typed:
   * a second Argon2id run, only for passphrases that NFC changes. */
  raw = cfd_secret_new_from_string (passphrase);
  secrets = unwrap_with (user, vault_id, raw, kek_out, NULL);
  if (secrets == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (unnormalised != NULL)
    *unnormalised = TRUE;
  return secrets;
}

CfdSecret *
cfd_keyring_user_unwrap (const CfdKeyringUser *user,
                         const char *vault_id,
                         const char *passphrase,
                         GError **error)
{
  return cfd_keyring_user_unwrap_migrating (user, vault_id, passphrase, NULL, error);
}

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
#define RECOVERY_DATA_CHARS  32
#define RECOVERY_CHECK_CHARS 4
#define RECOVERY_TEXT_CHARS                                                                      \
  (RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS + (RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS) / 4 \
   - 1)

static void
recovery_check (const guint8 raw[CFD_RECOVERY_KEY_BYTES], char out[RECOVERY_CHECK_CHARS])
{
  guint8 digest[CFD_HASH_BYTES];
  guint32 bits;

  cfd_hash (digest, raw, CFD_RECOVERY_KEY_BYTES);
  bits = ((guint32)digest[0] << 16) | ((guint32)digest[1] << 8) | digest[2];
  for (int i = 0; i < RECOVERY_CHECK_CHARS; i++)
    out[i] = crockford[(bits >> (5 * (RECOVERY_CHECK_CHARS - 1 - i))) & 31];
}

char *
cfd_recovery_key_format (const guint8 raw[CFD_RECOVERY_KEY_BYTES])
{
  char chars[RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS];
  /* Sized once: a growing buffer would leave copies of the key behind in
   * the blocks it was moved out of. Nine groups of four, eight dashes. */
  char *out = g_malloc (RECOVERY_TEXT_CHARS + 1);
  gsize used = 0;

  /* 160 bits are exactly 32 base32 digits: five bytes make eight digits. */
  for (int block = 0; block < 4; block++)
    {
      guint64 bits = 0;

      for (int i = 0; i < 5; i++)
        bits = (bits << 8) | raw[block * 5 + i];
      for (int i = 0; i < 8; i++)
        chars[block * 8 + i] = crockford[(bits >> (35 - 5 * i)) & 31];
    }
  recovery_check (raw, chars + RECOVERY_DATA_CHARS);

  for (int i = 0; i < RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS; i++)
    {
      if (i > 0 && i % 4 == 0)
        out[used++] = '-';
      out[used++] = chars[i];
    }
  g_assert (used == RECOVERY_TEXT_CHARS);
  out[used] = '\0';
  sodium_memzero (chars, sizeof chars);
  return out;
}

static int
crockford_value (char c)
{
  c = g_ascii_toupper (c);
  if (c == 'O')
    c = '0';
  else if (c == 'I' || c == 'L')
    c = '1';
  for (int i = 0; i < 32; i++)
    if (crockford[i] == c)
      return i;
  return -1;
}

gboolean
cfd_recovery_key_parse (const char *text, guint8 raw[CFD_RECOVERY_KEY_BYTES])
{
  char chars[RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS];
  char expected[RECOVERY_CHECK_CHARS];
  gsize n = 0;
  gboolean ok;

  for (const char *p = text; *p; p++)
    {
      int value;

      if (*p == '-' || g_ascii_isspace (*p))
        continue;
      value = crockford_value (*p);
      if (value < 0 || n == sizeof chars)
        return FALSE;
      chars[n++] = crockford[value];
    }
  if (n != sizeof chars)
    return FALSE;

  for (int block = 0; block < 4; block++)
    {
      guint64 bits = 0;

      for (int i = 0; i < 8; i++)
        bits = (bits << 5) | (guint64)crockford_value (chars[block * 8 + i]);
      for (int i = 0; i < 5; i++)
        raw[block * 5 + i] = (bits >> (32 - 8 * i)) & 0xff;
    }

  recovery_check (raw, expected);
  ok = memcmp (expected, chars + RECOVERY_DATA_CHARS, RECOVERY_CHECK_CHARS) == 0;
  sodium_memzero (chars, sizeof chars);
  if (!ok)
    sodium_memzero (raw, CFD_RECOVERY_KEY_BYTES);
  return ok;
}

static void
recovery_kek (guint8 kek[CFD_KEY_BYTES],
              const char *vault_id,
              const guint8 raw[CFD_RECOVERY_KEY_BYTES])
{
  g_autoptr (CfdAd) msg = cfd_ad_new ("confidant/recovery-kek/v1");
  const guint8 *data;
  gsize len;

  /* The recovery key is 160 random bits, so a keyed hash (no KDF) suffices. */
  cfd_ad_add_string (msg, vault_id);
  data = cfd_ad_data (msg, &len);
  crypto_generichash (kek, CFD_KEY_BYTES, data, len, raw, CFD_RECOVERY_KEY_BYTES);
}

static CfdAd *
recovery_ad (const char *vault_id, const char *user_id)
{
  CfdAd *ad = cfd_ad_new ("confidant/keyring-recovery/v1");

  cfd_ad_add_string (ad, vault_id);
  cfd_ad_add_string (ad, user_id);
  return ad;
}

GBytes *
cfd_keyring_recovery_wrap (const char *vault_id,
                           const char *user_id,
                           const guint8 raw[CFD_RECOVERY_KEY_BYTES],
                           const CfdSecret *secrets)
{
  g_autoptr (CfdSecret) kek = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdAd) ad = recovery_ad (vault_id, user_id);
  const guint8 *ad_data;
  gsize ad_len;

  recovery_kek (kek->data, vault_id, raw);
  ad_data = cfd_ad_data (ad, &ad_len);
  return cfd_aead_seal (kek->data, secrets->data, secrets->len, ad_data, ad_len);
}

CfdSecret *
cfd_keyring_recovery_unwrap (const CfdKeyringRecovery *recovery,
                             const char *vault_id,
                             const guint8 raw[CFD_RECOVERY_KEY_BYTES])
{
  g_autoptr (CfdSecret) kek = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdAd) ad = recovery_ad (vault_id, recovery->user_id);
  g_autoptr (GBytes) plain = NULL;
  const guint8 *ad_data, *sealed;
  gsize ad_len, sealed_len;

  recovery_kek (kek->data, vault_id, raw);
  ad_data = cfd_ad_data (ad, &ad_len);
  sealed = g_bytes_get_data (recovery->wrapped, &sealed_len);
  plain = cfd_aead_open (kek->data, sealed, sealed_len, ad_data, ad_len);
  if (plain == NULL)
    return NULL;
  return secrets_from_plain (plain);
}
