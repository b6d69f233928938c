/* cfd-attachment.c: files filed to a patient, sealed a chunk at a time under a key of their own.
 *
 * An attachment is one row and its chunks. The row holds what may be
 * seen without the keys (type, media type, size, number of chunks, filer,
 * time), the attachment key wrapped under the patient key (so that key
 * rotation re-wraps it and a consent could one day grant it alone, as a
 * record key is), the title, file name and BLAKE2b hash sealed under the
 * attachment key, and the filer's signature over all of it. Each chunk is
 * sealed under the attachment key with the attachment, its place and the
 * number of chunks as associated data, so a chunk moved, swapped, dropped
 * or added does not open. Nothing is ever updated in place; rows go only
 * with the patient (ON DELETE CASCADE when the patient is crypto-shredded).
 * docs/FORMATS.md, "Attachments", gives the bytes. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-attachment.h"
#include "cfd-io-private.h"
#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-secure-private.h"
#include "cfd-vault-private.h"

#define TABLE     "attachments"
#define META_TYPE G_VARIANT_TYPE_VARDICT

struct _CfdAttachment
{
  GObject parent_instance;

  char *id;
  char *patient_id;
  CfdAttachmentType kind;
  char *title; /* patient text: wiped when finalized */
  char *file_name;
  char *media_type;
  guint64 size;
  guint chunks;
  guint key_version;
  guint8 hash[CFD_HASH_BYTES];
  char *hash_hex;
  char *actor_id;
  char *actor_name;
  gint64 time;
};

G_DEFINE_FINAL_TYPE (CfdAttachment, cfd_attachment, G_TYPE_OBJECT)

static void
cfd_attachment_finalize (GObject *object)
{
  CfdAttachment *self = CFD_ATTACHMENT (object);

  g_free (self->id);
  g_free (self->patient_id);
  cfd_wipe_string (self->title);
  cfd_wipe_string (self->file_name);
  g_free (self->media_type);
  g_free (self->hash_hex);
  g_free (self->actor_id);
  g_free (self->actor_name);
  G_OBJECT_CLASS (cfd_attachment_parent_class)->finalize (object);
}

static void
cfd_attachment_class_init (CfdAttachmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_attachment_finalize;
}

static void
cfd_attachment_init (CfdAttachment *self)
{
}

const char *
cfd_attachment_get_id (CfdAttachment *self)
{
  return self->id;
}

const char *
cfd_attachment_get_patient_id (CfdAttachment *self)
{
  return self->patient_id;
}

CfdAttachmentType
cfd_attachment_get_kind (CfdAttachment *self)
{
  return self->kind;
}

const char *
cfd_attachment_get_title (CfdAttachment *self)
{
  return self->title;
}

const char *
cfd_attachment_get_file_name (CfdAttachment *self)
{
  return self->file_name;
}

const char *
cfd_attachment_get_media_type (CfdAttachment *self)
{
  return self->media_type;
}

guint64
cfd_attachment_get_size (CfdAttachment *self)
{
  return self->size;
}

const char *
cfd_attachment_get_hash_hex (CfdAttachment *self)
{
  return self->hash_hex;
}

const char *
cfd_attachment_get_actor_id (CfdAttachment *self)
{
  return self->actor_id;
}

const char *
cfd_attachment_get_actor_name (CfdAttachment *self)
{
  return self->actor_name;
}

gint64
cfd_attachment_get_time (CfdAttachment *self)
{
  return self->time;
}

gboolean
cfd_attachment_is_image (CfdAttachment *self)
{
  return g_str_has_prefix (self->media_type, "image/");
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/* A failed check is reported as TAMPERED and recorded as vault.tamper
 * (in a transaction of its own: the caller's read rolls back). */
static gboolean
tampered (CfdVault *vault, const char *attachment_id, const char *what, GError **error)
{
  cfd_vault_audit_standalone (vault, "vault.tamper", "attachment",
                              attachment_id != NULL ? attachment_id : "", CFD_AUDIT_FAILURE);
  /* TRANSLATORS: %s says what failed, as in "its hash is missing". */
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("A filed attachment failed verification (%s); the vault may have been tampered "
                  "with"),
               what);
  return FALSE;
}

/* --- The bytes bound together -------------------------------------- */

static CfdAd *
meta_ad (CfdVault *vault, const char *id, const char *patient_id)
{
  CfdAd *ad = cfd_ad_new ("confidant/attachment-meta/v1");

  cfd_ad_add_string (ad, cfd_vault_get_id (vault));
  cfd_ad_add_string (ad, id);
  cfd_ad_add_string (ad, patient_id);
  return ad;
}

static CfdAd *
chunk_ad (CfdVault *vault, const char *id, guint seq, guint chunks)
{
  CfdAd *ad = cfd_ad_new ("confidant/attachment-chunk/v1");

  cfd_ad_add_string (ad, cfd_vault_get_id (vault));
  cfd_ad_add_string (ad, id);
  cfd_ad_add_uint (ad, seq);
  cfd_ad_add_uint (ad, chunks);
  return ad;
}

/* What the filer signs: everything in the row but the wrapped key (which
 * rotation replaces), the sealed title and name by the hash of their
 * plaintext, and the file's hash. */
static CfdAd *
signed_message (CfdVault *vault, CfdAttachment *a, GBytes *meta_wire)
{
  CfdAd *msg = cfd_ad_new ("confidant/attachment/v1");
  guint8 meta_hash[CFD_HASH_BYTES];

  cfd_hash (meta_hash, g_bytes_get_data (meta_wire, NULL), g_bytes_get_size (meta_wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, a->id);
  cfd_ad_add_string (msg, a->patient_id);
  cfd_ad_add_string (msg, cfd_attachment_type_to_string (a->kind));
  cfd_ad_add_string (msg, a->media_type);
  cfd_ad_add_uint (msg, a->size);
  cfd_ad_add_uint (msg, a->chunks);
  cfd_ad_add_bytes (msg, a->hash, sizeof a->hash);
  cfd_ad_add_string (msg, a->actor_id);
  cfd_ad_add_uint (msg, (guint64)a->time);
  cfd_ad_add_bytes (msg, meta_hash, sizeof meta_hash);
  return msg;
}

static GVariant *
meta_variant (CfdAttachment *a)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "title", "s", a->title);
  g_variant_dict_insert (&dict, "name", "s", a->file_name);
  g_variant_dict_insert_value (
      &dict, "blake2b",
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, a->hash, sizeof a->hash, 1));
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static GBytes *
wrap_key (CfdVault *vault,
          const char *patient_id,
          guint key_version,
          const char *id,
          const guint8 key[CFD_KEY_BYTES],
          GError **error)
{
  const guint8 *patient_key = cfd_patient_key_get (vault, patient_id, key_version, error);
  g_autoptr (CfdAd) ad = NULL;
  const guint8 *ad_data;
  gsize ad_len;

  if (patient_key == NULL)
    return NULL;
  ad = cfd_patient_key_field_ad (vault, patient_id, key_version, TABLE, id, 1);
  ad_data = cfd_ad_data (ad, &ad_len);
  return cfd_aead_seal (patient_key, key, CFD_KEY_BYTES, ad_data, ad_len);
}

/* The attachment key, opened with the patient key: a user without a grant
 * of the patient key (a supervisor) gets NOT_PERMITTED. */
static CfdSecret *
unwrap_key (CfdVault *vault, CfdAttachment *a, GBytes *wrapped, GError **error)
{
  const guint8 *patient_key = cfd_patient_key_get (vault, a->patient_id, a->key_version, error);
  g_autoptr (CfdAd) ad = NULL;
  g_autoptr (GBytes) plain = NULL;
  const guint8 *ad_data;
  gsize ad_len;

  if (patient_key == NULL)
    return NULL;
  ad = cfd_patient_key_field_ad (vault, a->patient_id, a->key_version, TABLE, a->id, 1);
  ad_data = cfd_ad_data (ad, &ad_len);
  if (wrapped != NULL)
    plain = cfd_aead_open (patient_key, g_bytes_get_data (wrapped, NULL),
                           g_bytes_get_size (wrapped), ad_data, ad_len);
  if (plain == NULL || g_bytes_get_size (plain) != CFD_KEY_BYTES)
    {
      tampered (vault, a->id, _ ("its key does not open"), error);
      return NULL;
    }
  return cfd_secret_new_from_data (g_bytes_get_data (plain, NULL), CFD_KEY_BYTES);
}

/* --- Filing ---------------------------------------------------------- */

/* Reads exactly length bytes at offset; a short read means the file
 * changed under us. */
static gboolean
read_at (int fd, guint8 *buffer, gsize length, goffset offset, GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = pread (fd, buffer + done, length - done, offset + (goffset)done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          cfd_io_set_error_from_errno (error, errno, _ ("Cannot read the file to attach"));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TRUNCATED,
                               _ ("The file to attach became shorter while it was being read"));
          return FALSE;
        }
      done += (gsize)n;
    }
  return TRUE;
}

/* The file opened without following a link, checked to be a regular file
 * of an acceptable size and a complete PDF, PNG or JPEG; its media type
 * and size returned. */
static int
open_checked (const char *path, const char **media_type, gsize *size, GError **error)
{
  guint8 head[8] = { 0 };
  guint8 tail[CFD_ATTACHMENT_TAIL_BYTES];
  struct stat st;
  gsize tail_len;
  int fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      if (errno == ELOOP)
        invalid (error, _ ("The file to attach is a symbolic link; choose the file itself"));
      else
        cfd_io_set_error_from_errno (error, errno, _ ("Cannot open the file to attach"));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      invalid (error, _ ("Only a regular file can be attached"));
      return -1;
    }
  if (st.st_size == 0)
    {
      close (fd);
      invalid (error, _ ("The file to attach is empty"));
      return -1;
    }
  if (st.st_size > CFD_ATTACHMENT_MAX_BYTES)
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The file to attach is %.1f MB; the largest file that can be filed is %d MB"),
                   (double)st.st_size / (1024.0 * 1024.0),
                   CFD_ATTACHMENT_MAX_BYTES / (1024 * 1024));
      return -1;
    }
  *size = (gsize)st.st_size;
  tail_len = MIN (*size, sizeof tail);
  if (!read_at (fd, head, MIN (*size, sizeof head), 0, error)
      || !read_at (fd, tail, tail_len, (goffset)(*size - tail_len), error))
    {
      close (fd);
      return -1;
    }
  *media_type = cfd_attachment_sniff_head (head, MIN (*size, sizeof head));
  if (*media_type == NULL)
    {
      close (fd);
      invalid (error, _ ("Only PDF, PNG and JPEG files can be attached, and this file is none of "
                         "them"));
      return -1;
    }
  if (!cfd_attachment_tail_complete (*media_type, tail, tail_len))
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED,
                   _ ("The file to attach looks like a %s but does not end like a complete one: it "
                      "may be cut short"),
                   g_str_equal (*media_type, CFD_MEDIA_PDF)   ? _ ("PDF")
                   : g_str_equal (*media_type, CFD_MEDIA_PNG) ? _ ("PNG image")
                                                              : _ ("JPEG image"));
      return -1;
    }
  return fd;
}

static gboolean
insert_chunk (CfdDb *db, const char *id, guint seq, GBytes *sealed, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "INSERT INTO attachment_chunks (attachment_id, seq, sealed) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, seq);
  cfd_db_bind_bytes (stmt, 3, sealed);
  return cfd_db_step_done (db, stmt, error);
}

/* Reads the file a chunk at a time: each is hashed, sealed and stored, so
 * no more than one chunk of the file is in memory. */
static gboolean
seal_chunks (CfdVault *vault,
             CfdDb *db,
             CfdAttachment *a,
             int fd,
             const guint8 key[CFD_KEY_BYTES],
             GError **error)
{
  g_autoptr (CfdSecret) buffer = cfd_secret_new_unlocked (CFD_ATTACHMENT_CHUNK_BYTES);
  crypto_generichash_state state;
  guint8 extra;

  crypto_generichash_init (&state, NULL, 0, sizeof a->hash);
  for (guint seq = 0; seq < a->chunks; seq++)
    {
      goffset offset = (goffset)seq * CFD_ATTACHMENT_CHUNK_BYTES;
      gsize length = MIN (CFD_ATTACHMENT_CHUNK_BYTES, a->size - (guint64)offset);
      g_autoptr (CfdAd) ad = chunk_ad (vault, a->id, seq, a->chunks);
      g_autoptr (GBytes) sealed = NULL;
      const guint8 *ad_data;
      gsize ad_len;

      if (!read_at (fd, buffer->data, length, offset, error))
        return FALSE;
      crypto_generichash_update (&state, buffer->data, length);
      ad_data = cfd_ad_data (ad, &ad_len);
      sealed = cfd_aead_seal (key, buffer->data, length, ad_data, ad_len);
      if (!insert_chunk (db, a->id, seq, sealed, error))
        return FALSE;
    }
  crypto_generichash_final (&state, a->hash, sizeof a->hash);
  /* A file that grew while it was read is not what was checked. */
  if (pread (fd, &extra, 1, (goffset)a->size) != 0)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The file to attach changed while it was being read"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_row (CfdVault *vault,
            CfdDb *db,
            CfdAttachment *a,
            GBytes *wrapped,
            const guint8 key[CFD_KEY_BYTES],
            GError **error)
{
  g_autoptr (GVariant) meta = meta_variant (a);
  g_autoptr (GBytes) meta_wire = cfd_variant_to_wire (meta);
  g_autoptr (CfdAd) ad = meta_ad (vault, a->id, a->patient_id);
  g_autoptr (CfdAd) msg = signed_message (vault, a, meta_wire);
  g_autoptr (GBytes) sealed = NULL;
  guint8 signature[crypto_sign_BYTES];
  const guint8 *data;
  gsize len;
  sqlite3_stmt *stmt;

  data = cfd_ad_data (ad, &len);
  sealed = cfd_aead_seal (key, g_bytes_get_data (meta_wire, NULL), g_bytes_get_size (meta_wire),
                          data, len);
  data = cfd_ad_data (msg, &len);
  crypto_sign_detached (signature, NULL, data, len, cfd_vault_get_sign_secret_key (vault));

  stmt = cfd_db_prepare (db,
                         "INSERT INTO attachments (id, patient_id, revision, type, media_type, "
                         "size, chunks, actor_id, time, key_version, wrapped_key, sealed, "
                         "signature) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, a->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, a->patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cfd_attachment_type_to_string (a->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, a->media_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, (gint64)a->size);
  sqlite3_bind_int64 (stmt, 6, a->chunks);
  sqlite3_bind_text (stmt, 7, a->actor_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, a->time);
  sqlite3_bind_int64 (stmt, 9, a->key_version);
  cfd_db_bind_bytes (stmt, 10, wrapped);
  cfd_db_bind_bytes (stmt, 11, sealed);
  sqlite3_bind_blob (stmt, 12, signature, sizeof signature, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error);
}

static gboolean
check_title (const char *title, GError **error)
{
  if (!g_utf8_validate (title, -1, NULL) || strlen (title) > CFD_ATTACHMENT_MAX_TITLE_BYTES)
    return invalid (error, _ ("An attachment's title is one line of text of at most 300 bytes"));
  for (const char *p = title; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return invalid (error, _ ("An attachment's title is one line of text of at most 300 bytes"));
  return TRUE;
}

char *
cfd_vault_add_attachment (CfdVault *vault,
                          const char *patient_id,
                          CfdAttachmentType type,
                          const char *title,
                          const char *path,
                          GError **error)
{
  g_autoptr (CfdAttachment) a = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GBytes) wrapped = NULL;
  g_autofree char *base = NULL;
  const char *media_type = NULL;
  GError *local_error = NULL;
  guint8 key[CFD_KEY_BYTES];
  gsize size = 0;
  CfdDb *db;
  int fd;

  g_return_val_if_fail (patient_id != NULL && path != NULL, NULL);
  g_return_val_if_fail (type < CFD_ATTACHMENT_N_TYPES, NULL);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "attachment.add", error))
    return NULL;
  if (title != NULL && *title != '\0' && !check_title (title, error))
    return NULL;
  fd = open_checked (path, &media_type, &size, error);
  if (fd < 0)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (db == NULL || !cfd_db_begin (db, error))
    {
      close (fd);
      return NULL;
    }

  a = g_object_new (CFD_TYPE_ATTACHMENT, NULL);
  a->id = cfd_new_id ();
  a->patient_id = g_strdup (patient_id);
  a->kind = type;
  a->media_type = g_strdup (media_type);
  a->size = size;
  a->chunks = (guint)((size + CFD_ATTACHMENT_CHUNK_BYTES - 1) / CFD_ATTACHMENT_CHUNK_BYTES);
  a->actor_id = g_strdup (cfd_vault_get_user_id (vault));
  a->time = cfd_vault_now (vault) / G_USEC_PER_SEC;
  base = g_path_get_basename (path);
  a->file_name = cfd_attachment_sanitize_name (base, media_type);
  a->title = g_strdup (title != NULL && *title != '\0' ? title : a->file_name);

  patient = cfd_patient_load (vault, patient_id, &local_error);
  if (patient == NULL)
    goto failed;
  a->key_version = cfd_patient_get_key_version (patient);
  cfd_random_bytes (key, sizeof key);
  wrapped = wrap_key (vault, patient_id, a->key_version, a->id, key, &local_error);
  if (wrapped == NULL || !seal_chunks (vault, db, a, fd, key, &local_error))
    goto failed;
  a->hash_hex = cfd_hex_encode (a->hash, sizeof a->hash);
  if (!insert_row (vault, db, a, wrapped, key, &local_error)
      || !cfd_vault_audit (vault, "attachment.add", "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  sodium_memzero (key, sizeof key);
  close (fd);
  return g_strdup (a->id);

failed:
  sodium_memzero (key, sizeof key);
  close (fd);
  cfd_db_rollback (db);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, "attachment.add", "patient", patient_id, CFD_AUDIT_DENIED);
  else if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_LOCKED))
    cfd_vault_audit_standalone (vault, "attachment.add", "patient", patient_id, CFD_AUDIT_FAILURE);
  g_propagate_error (error, local_error);
  return NULL;
}

/* --- Reading --------------------------------------------------------- */

#define ROW_COLUMNS                                                                  \
  "a.id, a.patient_id, a.type, a.media_type, a.size, a.chunks, a.actor_id, a.time, " \
  "a.key_version, a.wrapped_key, a.sealed, a.signature, u.role, u.sign_pk, u.name, a.revision"
#define ROW_FROM "FROM attachments a LEFT JOIN temp.roster u ON u.id = a.actor_id "

/* The row checked: its key unwrapped, title, name and hash unsealed, and
 * the signature verified against the roster key of an owner or therapist.
 * The attachment key is returned in *key_out when asked for. */
static CfdAttachment *
attachment_from_row (CfdVault *vault, sqlite3_stmt *stmt, CfdSecret **key_out, GError **error)
{
  g_autoptr (CfdAttachment) a = g_object_new (CFD_TYPE_ATTACHMENT, NULL);
  const char *role = (const char *)sqlite3_column_text (stmt, 12);
  g_autoptr (GBytes) wrapped = cfd_db_column_bytes (stmt, 9);
  g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 10);
  g_autoptr (GBytes) meta_wire = NULL;
  g_autoptr (GVariant) meta = NULL;
  g_autoptr (CfdSecret) key = NULL;
  g_autoptr (CfdAd) ad = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *hash = NULL;
  const guint8 *data;
  gsize len, hash_len = 0;
  gint64 size, chunks;

  a->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  a->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  a->media_type = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  size = sqlite3_column_int64 (stmt, 4);
  chunks = sqlite3_column_int64 (stmt, 5);
  a->actor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
  a->time = sqlite3_column_int64 (stmt, 7);
  a->key_version = (guint)sqlite3_column_int64 (stmt, 8);
  a->actor_name = g_strdup ((const char *)sqlite3_column_text (stmt, 14));
  if (a->id == NULL || a->patient_id == NULL || a->actor_id == NULL || a->media_type == NULL
      || !cfd_attachment_type_from_string ((const char *)sqlite3_column_text (stmt, 2), &a->kind)
      || size < 1 || size > CFD_ATTACHMENT_MAX_BYTES || sqlite3_column_int64 (stmt, 15) != 1
      || chunks != (size + CFD_ATTACHMENT_CHUNK_BYTES - 1) / CFD_ATTACHMENT_CHUNK_BYTES)
    {
      tampered (vault, a->id, _ ("its row is malformed"), error);
      return NULL;
    }
  a->size = (guint64)size;
  a->chunks = (guint)chunks;

  key = unwrap_key (vault, a, wrapped, error);
  if (key == NULL)
    return NULL;
  ad = meta_ad (vault, a->id, a->patient_id);
  data = cfd_ad_data (ad, &len);
  if (sealed != NULL)
    meta_wire = cfd_aead_open (key->data, g_bytes_get_data (sealed, NULL),
                               g_bytes_get_size (sealed), data, len);
  if (meta_wire != NULL)
    meta = cfd_variant_from_wire (META_TYPE, meta_wire);
  if (meta == NULL || !g_variant_lookup (meta, "title", "s", &a->title)
      || !g_variant_lookup (meta, "name", "s", &a->file_name))
    {
      tampered (vault, a->id, _ ("its title and name do not open"), error);
      return NULL;
    }
  {
    g_autoptr (GVariant) hash_value
        = g_variant_lookup_value (meta, "blake2b", G_VARIANT_TYPE_BYTESTRING);

    if (hash_value != NULL)
      hash = g_variant_get_fixed_array (hash_value, &hash_len, 1);
    if (hash == NULL || hash_len != sizeof a->hash)
      {
        tampered (vault, a->id, _ ("its hash is missing"), error);
        return NULL;
      }
    memcpy (a->hash, hash, sizeof a->hash);
  }
  a->hash_hex = cfd_hex_encode (a->hash, sizeof a->hash);

  msg = signed_message (vault, a, meta_wire);
  data = cfd_ad_data (msg, &len);
  if ((g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "therapist") != 0)
      || sqlite3_column_bytes (stmt, 11) != crypto_sign_BYTES
      || sqlite3_column_bytes (stmt, 13) != crypto_sign_PUBLICKEYBYTES
      || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 11), data, len,
                                      sqlite3_column_blob (stmt, 13))
             != 0)
    {
      tampered (vault, a->id, _ ("its signature does not verify against the roster"), error);
      return NULL;
    }
  if (key_out != NULL)
    *key_out = g_steal_pointer (&key);
  return g_steal_pointer (&a);
}

/* A signature catches an altered row, not a removed one: every filing is
 * written in the transaction of its own attachment.add audit record, so
 * those records count the rows there must be. */
static gboolean
check_nothing_removed (CfdVault *vault, CfdDb *db, const char *patient_id, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 missing = 0;
  int rc;

  stmt = cfd_db_prepare (db,
                         "SELECT (SELECT count(*) FROM audit_log WHERE object_id = ?1 "
                         "AND object_kind = 'patient' AND outcome = 'success' "
                         "AND action = 'attachment.add') "
                         "- (SELECT count(*) FROM attachments WHERE patient_id = ?1)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    missing = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "reading the attachments", error);
      return FALSE;
    }
  return missing == 0 || tampered (vault, NULL, _ ("one has been removed"), error);
}

static gboolean
audit_read (CfdVault *vault,
            const char *action,
            const char *object_kind,
            const char *object_id,
            GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  if (db == NULL || !cfd_db_begin (db, error))
    return FALSE;
  if (!cfd_vault_audit (vault, action, object_kind, object_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

GListModel *
cfd_vault_list_attachments (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_ATTACHMENT);
  g_autoptr (CfdPatient) patient = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (patient_id != NULL, NULL);
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (db == NULL || !check_nothing_removed (vault, db, patient_id, error))
    return NULL;
  stmt = cfd_db_prepare (
      db, "SELECT " ROW_COLUMNS " " ROW_FROM "WHERE a.patient_id = ? ORDER BY a.time, a.rowid",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdAttachment *a = attachment_from_row (vault, stmt, NULL, error);

      if (a == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_list_store_append (store, a);
      g_object_unref (a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the attachments", error);
      return NULL;
    }
  if (!audit_read (vault, "attachment.list", "patient", patient_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* One attachment by id, checked, with its key. */
static CfdAttachment *
load_one (CfdVault *vault, const char *attachment_id, CfdSecret **key, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *patient_id = NULL;
  CfdAttachment *a = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT patient_id FROM attachments WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, attachment_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (patient_id == NULL)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No attachment has that id"));
      return NULL;
    }
  /* Loading proves the user may read this patient. */
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL || !check_nothing_removed (vault, db, patient_id, error))
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT " ROW_COLUMNS " " ROW_FROM "WHERE a.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, attachment_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    a = attachment_from_row (vault, stmt, key, error);
  else
    cfd_db_set_error (db, rc, "reading the attachment", error);
  sqlite3_reset (stmt);
  return a;
}

typedef gboolean (*ChunkSink) (const guint8 *data,
                               gsize length,
                               gpointer user_data,
                               GError **error);

/* Every chunk opened in order, handed to sink, and the whole checked
 * against the signed size and hash before the caller may use what sink
 * received. */
static gboolean
read_chunks (CfdVault *vault,
             CfdAttachment *a,
             const guint8 key[CFD_KEY_BYTES],
             ChunkSink sink,
             gpointer user_data,
             GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  crypto_generichash_state state;
  guint8 hash[CFD_HASH_BYTES];
  guint64 total = 0;
  guint seq = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  /* A statement of its own: a sink may write to the database. */
  if (sqlite3_prepare_v2 (cfd_db_handle (db),
                          "SELECT seq, sealed FROM attachment_chunks WHERE attachment_id = ? "
                          "ORDER BY seq",
                          -1, &stmt, NULL)
      != SQLITE_OK)
    {
      cfd_db_set_error (db, sqlite3_errcode (cfd_db_handle (db)), "reading the attachment", error);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, a->id, -1, SQLITE_TRANSIENT);
  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdAd) ad = NULL;
      g_autoptr (GBytes) plain = NULL;
      const guint8 *ad_data;
      gsize ad_len;

      if (sqlite3_column_int64 (stmt, 0) != seq || seq >= a->chunks)
        {
          sqlite3_finalize (stmt);
          return tampered (vault, a->id, _ ("its chunks are out of order"), error);
        }
      ad = chunk_ad (vault, a->id, seq, a->chunks);
      ad_data = cfd_ad_data (ad, &ad_len);
      plain = cfd_aead_open (key, sqlite3_column_blob (stmt, 1),
                             (gsize)sqlite3_column_bytes (stmt, 1), ad_data, ad_len);
      if (plain == NULL)
        {
          sqlite3_finalize (stmt);
          return tampered (vault, a->id, _ ("a chunk does not open"), error);
        }
      crypto_generichash_update (&state, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
      total += g_bytes_get_size (plain);
      if (!sink (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), user_data, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      seq++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the attachment", error);
      return FALSE;
    }
  crypto_generichash_final (&state, hash, sizeof hash);
  if (seq != a->chunks || total != a->size)
    return tampered (vault, a->id, _ ("chunks are missing"), error);
  if (!cfd_constant_time_equal (hash, a->hash, sizeof hash))
    return tampered (vault, a->id, _ ("its content does not match its hash"), error);
  return TRUE;
}

typedef struct
{
  CfdSecret *buffer;
  gsize filled;
} Collected;

static gboolean
append_to_buffer (const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  Collected *collected = user_data;

  /* The size is signed: more than it says is tampering. */
  if (length > collected->buffer->len - collected->filled)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                           _ ("A filed attachment failed verification (it is longer than its "
                              "signed size); the vault may have been tampered with"));
      return FALSE;
    }
  memcpy (collected->buffer->data + collected->filled, data, length);
  collected->filled += length;
  return TRUE;
}

GBytes *
cfd_vault_open_attachment (CfdVault *vault, const char *attachment_id, GError **error)
{
  g_autoptr (CfdAttachment) a = NULL;
  g_autoptr (CfdSecret) key = NULL;
  g_autoptr (CfdSecret) buffer = NULL;
  Collected collected;
  guint8 *copy;

  g_return_val_if_fail (attachment_id != NULL, NULL);
  a = load_one (vault, attachment_id, &key, error);
  if (a == NULL)
    return NULL;
  /* Wiped and kept out of core dumps while the chunks are checked. */
  buffer = cfd_secret_new_unlocked (a->size);
  collected = (Collected){ buffer, 0 };
  if (!read_chunks (vault, a, key->data, append_to_buffer, &collected, error))
    return NULL;
  if (!audit_read (vault, "attachment.open", "patient", a->patient_id, error))
    return NULL;
  copy = g_malloc (a->size);
  memcpy (copy, buffer->data, a->size);
  return cfd_wiped_bytes_new_take (copy, a->size);
}

/* --- Export ---------------------------------------------------------- */

static gboolean
write_to_fd (const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  return cfd_io_write_all (GPOINTER_TO_INT (user_data), data, length, error);
}

static gboolean
record_export (CfdVault *vault,
               CfdAttachment *a,
               const CfdDisclosureTerms *terms,
               CfdAuditOutcome outcome,
               GError **error)
{
  g_autofree char *description = g_strdup_printf (
      "Filed %s document %s (%s, %" G_GUINT64_FORMAT " bytes, BLAKE2b %s)",
      cfd_attachment_type_to_string (a->kind), a->id, a->media_type, a->size, a->hash_hex);

  return cfd_vault_record_disclosure (vault, "attachment.export", a->patient_id, FALSE, outcome,
                                      terms, description, error);
}

static void
record_failed_export (CfdVault *vault, CfdAttachment *a, const CfdDisclosureTerms *terms)
{
  g_autoptr (GError) error = NULL;

  if (cfd_vault_is_unlocked (vault) && !record_export (vault, a, terms, CFD_AUDIT_FAILURE, &error))
    g_warning ("Could not record a failed export: %s", error->message);
}

/* The temporary file is put in place: without overwrite by a hard link,
 * which fails when anything (a file, a symbolic link) is at path. */
static gboolean
put_in_place (const char *temp_path, const char *path, gboolean overwrite, GError **error)
{
  if (overwrite)
    return cfd_io_rename (temp_path, path, error);
  if (link (temp_path, path) != 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error_literal (error, CFD_ERROR, CFD_ERROR_EXISTS,
                             _ ("A file of that name already exists; choose another name"));
      else
        cfd_io_set_error_from_errno (error, saved, _ ("Cannot save the attachment there"));
      return FALSE;
    }
  g_unlink (temp_path);
  return TRUE;
}

gboolean
cfd_vault_export_attachment (CfdVault *vault,
                             const char *attachment_id,
                             const CfdDisclosureTerms *terms,
                             const char *path,
                             gboolean overwrite,
                             GError **error)
{
  g_autoptr (CfdAttachment) a = NULL;
  g_autoptr (CfdSecret) key = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = NULL;
  GError *local_error = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (attachment_id != NULL, FALSE);
  if (terms == NULL)
    return invalid (error, _ ("An attachment leaves the practice only with a recipient, a purpose "
                              "and a basis"));
  if (!cfd_disclosure_terms_check (terms, error))
    return FALSE;
  if (path == NULL || *path == '\0')
    return invalid (error, _ ("The export needs a file name to write the attachment to"));
  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                           _ ("The folder to save the attachment in does not exist"));
      return FALSE;
    }
  if (lstat (path, &st) == 0 && (!overwrite || S_ISDIR (st.st_mode)))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_EXISTS,
                           S_ISDIR (st.st_mode)
                               ? _ ("The destination is a folder; name a file inside it")
                               : _ ("A file of that name already exists; choose another name"));
      return FALSE;
    }
  a = load_one (vault, attachment_id, &key, error);
  if (a == NULL)
    return FALSE;

  fd = cfd_io_open_temp (path, &temp_path, &local_error);
  if (fd < 0)
    goto failed;
  if (!read_chunks (vault, a, key->data, write_to_fd, GINT_TO_POINTER (fd), &local_error)
      || !cfd_io_fsync (fd, &local_error))
    {
      close (fd);
      g_unlink (temp_path);
      goto failed;
    }
  close (fd);
  /* Recorded before the file appears, so no copy exists that the
   * accounting does not show. */
  if (!record_export (vault, a, terms, CFD_AUDIT_SUCCESS, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }
  if (!put_in_place (temp_path, path, overwrite, &local_error))
    {
      g_unlink (temp_path);
      goto failed;
    }
  if (!cfd_io_fsync_dir (dir, error))
    {
      g_prefix_error (error, _ ("The attachment was saved but may not survive a power cut: "));
      return FALSE;
    }
  return TRUE;

failed:
  if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
    record_failed_export (vault, a, terms);
  g_propagate_error (error, local_error);
  return FALSE;
}
