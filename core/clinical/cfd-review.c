/* cfd-review.c: a supervisor's review of a signed record: comments and co-signatures. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-patient-key.h"
#include "cfd-record-private.h"
#include "cfd-review-private.h"

#define REVIEW_CONTENT_TYPE G_VARIANT_TYPE_VARDICT
#define MAX_COMMENT_BYTES   (256 * 1024)

struct _CfdReview
{
  GObject parent_instance;

  char *id;
  char *record_id;
  char *author_id;
  CfdReviewKind kind;
  gint64 created;
  GVariant *content; /* {"text": s}; wiped with its buffer */
};

G_DEFINE_FINAL_TYPE (CfdReview, cfd_review, G_TYPE_OBJECT)

static void
cfd_review_finalize (GObject *object)
{
  CfdReview *self = CFD_REVIEW (object);

  g_free (self->id);
  g_free (self->record_id);
  g_free (self->author_id);
  g_clear_pointer (&self->content, g_variant_unref);
  G_OBJECT_CLASS (cfd_review_parent_class)->finalize (object);
}

static void
cfd_review_class_init (CfdReviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_review_finalize;
}

static void
cfd_review_init (CfdReview *self)
{
}

const char *
cfd_review_get_id (CfdReview *self)
{
  return self->id;
}

const char *
cfd_review_get_record_id (CfdReview *self)
{
  return self->record_id;
}

const char *
cfd_review_get_author_id (CfdReview *self)
{
  return self->author_id;
}

CfdReviewKind
cfd_review_get_kind (CfdReview *self)
{
  return self->kind;
}

gint64
cfd_review_get_created (CfdReview *self)
{
  return self->created;
}

const char *
cfd_review_get_text (CfdReview *self)
{
  const char *text = "";

  if (self->content != NULL)
    g_variant_lookup (self->content, "text", "&s", &text);
  return text;
}

const char *
cfd_review_kind_to_string (CfdReviewKind kind)
{
  return kind == CFD_REVIEW_COSIGN ? "cosign" : "comment";
}

/* What the record's author signed: the review is bound to exactly that
 * content, so a co-signature cannot be moved to another record or version. */
static void
record_hash (guint8 out[CFD_HASH_BYTES], CfdVault *vault, CfdRecord *record)
{
  g_autoptr (GVariant) canonical = cfd_record_content_canonical (cfd_record_get_content (record));

  cfd_record_signature_hash (out, vault, cfd_record_get_id (record),
                             cfd_record_get_patient_id (record), cfd_record_get_kind (record),
                             cfd_record_get_category (record), cfd_record_get_parent_id (record),
                             cfd_record_get_author_id (record), cfd_record_get_occurred (record),
                             cfd_record_get_signed_at (record), canonical);
}

void
cfd_review_record_hash (guint8 out[CFD_HASH_BYTES], CfdVault *vault, CfdRecord *record)
{
  record_hash (out, vault, record);
}

CfdAd *
cfd_review_message (const char *vault_id,
                    const char *review_id,
                    const char *record_id,
                    const guint8 record_digest[CFD_HASH_BYTES],
                    const char *author_id,
                    CfdReviewKind kind,
                    gint64 created,
                    GVariant *content)
{
  CfdAd *msg = cfd_ad_new ("confidant/review/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (content);
  guint8 content_digest[CFD_HASH_BYTES];

  cfd_hash (content_digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, vault_id);
  cfd_ad_add_string (msg, review_id);
  cfd_ad_add_string (msg, record_id);
  cfd_ad_add_bytes (msg, record_digest, CFD_HASH_BYTES);
  cfd_ad_add_string (msg, author_id);
  cfd_ad_add_string (msg, cfd_review_kind_to_string (kind));
  cfd_ad_add_uint (msg, (guint64)created);
  cfd_ad_add_bytes (msg, content_digest, sizeof content_digest);
  return msg;
}

static CfdAd *
review_message (CfdVault *vault,
                const char *review_id,
                const char *record_id,
                const guint8 record_digest[CFD_HASH_BYTES],
                const char *author_id,
                CfdReviewKind kind,
                gint64 created,
                GVariant *content)
{
  return cfd_review_message (cfd_vault_get_id (vault), review_id, record_id, record_digest,
                             author_id, kind, created, content);
}

static char *
add_review (
    CfdVault *vault, const char *record_id, CfdReviewKind kind, GVariant *content, GError **error)
{
  const char *action = kind == CFD_REVIEW_COSIGN ? "review.cosign" : "review.comment";
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  guint8 digest[CFD_HASH_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  guint key_version = 0;
  gint64 now;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_SUPERVISOR, action, error))
    return NULL;
  /* Loading checks the consent's scope like any read by a supervisor. */
  record = cfd_record_load (vault, record_id, &local_error);
  if (record == NULL)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        cfd_vault_audit_standalone (vault, action, "record", record_id, CFD_AUDIT_DENIED);
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("Only a signed record can be reviewed"));
      return NULL;
    }
  if (!cfd_record_patient_access (vault, cfd_record_get_patient_id (record), action, &key_version,
                                  error))
    return NULL;

  id = cfd_new_id ();
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  record_hash (digest, vault, record);
  msg = review_message (vault, id, record_id, digest, cfd_vault_get_user_id (vault), kind, now,
                        content);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  sealed = cfd_patient_key_seal (vault, cfd_record_get_patient_id (record), key_version, "reviews",
                                 id, 1, content, error);
  if (sealed == NULL)
    goto failed;
  stmt
      = cfd_db_prepare (db,
                        "INSERT INTO reviews (id, record_id, patient_id, author_id, kind, created, "
                        "key_version, revision, sealed, signature) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cfd_record_get_patient_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, cfd_review_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_int64 (stmt, 7, key_version);
  cfd_db_bind_bytes (stmt, 8, sealed);
  sqlite3_bind_blob (stmt, 9, signature, sizeof signature, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, action, "record", record_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  cfd_db_rollback (db);
  return NULL;
}

char *
cfd_vault_add_review_comment (CfdVault *vault,
                              const char *record_id,
                              const char *text,
                              GError **error)
{
  g_autoptr (GVariant) content = NULL;
  GVariantDict dict;
  gboolean blank = TRUE;

  for (const char *p = text != NULL ? text : ""; *p; p++)
    blank &= g_ascii_isspace (*p) != 0;
  if (blank || strlen (text) > MAX_COMMENT_BYTES || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("A review comment needs text (at most 256 KiB of UTF-8)"));
      return NULL;
    }
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "text", "s", text);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  return add_review (vault, record_id, CFD_REVIEW_COMMENT, content, error);
}

char *
cfd_vault_cosign_record (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (GVariant) content
      = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  return add_review (vault, record_id, CFD_REVIEW_COSIGN, content, error);
}

static gboolean
tampered (GError **error)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("A review failed verification; the vault may have been tampered with"));
  return FALSE;
}

static GListModel *
load_reviews (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_REVIEW);
  g_autoptr (CfdRecord) record = NULL;
  guint8 digest[CFD_HASH_BYTES];
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  /* Reviews are shown with their record, to whoever may read it. */
  record = cfd_record_load (vault, record_id, error);
  if (record == NULL)
    return NULL;
  record_hash (digest, vault, record);

  db = cfd_vault_get_db (vault, error);
  stmt = cfd_db_prepare (db,
                         "SELECT r.id, r.author_id, r.kind, r.created, r.key_version, r.revision, "
                         "r.sealed, r.signature, u.role, u.sign_pk FROM reviews r JOIN temp.roster "
                         "u ON u.id = r.author_id WHERE r.record_id = ? ORDER BY r.created, r.id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdReview) review = g_object_new (CFD_TYPE_REVIEW, NULL);
      g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 6);
      g_autoptr (CfdAd) msg = NULL;
      const guint8 *msg_data;
      gsize msg_len;

      review->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      review->record_id = g_strdup (record_id);
      review->author_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      review->kind = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), "cosign") == 0
                         ? CFD_REVIEW_COSIGN
                         : CFD_REVIEW_COMMENT;
      review->created = sqlite3_column_int64 (stmt, 3);
      review->content = cfd_patient_key_unseal (vault, cfd_record_get_patient_id (record),
                                                (guint)sqlite3_column_int64 (stmt, 4), "reviews",
                                                review->id, (guint64)sqlite3_column_int64 (stmt, 5),
                                                sealed, REVIEW_CONTENT_TYPE, error);
      if (review->content == NULL)
        goto failed;

      /* Only supervisors review; the signature covers the record's hash. */
      msg = review_message (vault, review->id, record_id, digest, review->author_id, review->kind,
                            review->created, review->content);
      msg_data = cfd_ad_data (msg, &msg_len);
      if (g_strcmp0 ((const char *)sqlite3_column_text (stmt, 8), "supervisor") != 0
          || sqlite3_column_bytes (stmt, 7) != CFD_SIGNATURE_BYTES
          || sqlite3_column_bytes (stmt, 9) != CFD_SIGN_PK_BYTES
          || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 7), msg_data, msg_len,
                                          sqlite3_column_blob (stmt, 9))
                 != 0)
        {
          tampered (error);
          goto failed;
        }
      g_list_store_append (store, review);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading reviews", error);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));

failed:
  sqlite3_reset (stmt);
  return NULL;
}

/* Decrypts the record's reviews (and the record), so it is audited like
 * any read: review.list, denied when the user may not read the record,
 * failure when something does not verify. */
GListModel *
cfd_vault_list_reviews (CfdVault *vault, const char *record_id, GError **error)
{
  GError *local_error = NULL;
  g_autoptr (GListModel) reviews = load_reviews (vault, record_id, &local_error);
  CfdDb *db;

  if (reviews == NULL)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        cfd_vault_audit_standalone (vault, "review.list", "record", record_id, CFD_AUDIT_DENIED);
      else if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
        cfd_vault_audit_standalone (vault, "review.list", "record", record_id, CFD_AUDIT_FAILURE);
      g_propagate_error (error, local_error);
      return NULL;
    }
  db = cfd_vault_get_db (vault, error);
  if (db == NULL || !cfd_db_begin (db, error))
    return NULL;
  if (!cfd_vault_audit (vault, "review.list", "record", record_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&reviews);
}

gboolean
cfd_review_insert_verified (CfdVault *vault,
                            CfdRecord *record,
                            const char *review_id,
                            const char *author_id,
                            const guint8 author_sign_pk[CFD_SIGN_PK_BYTES],
                            CfdReviewKind kind,
                            gint64 created,
                            GVariant *content,
                            const guint8 signature[CFD_SIGNATURE_BYTES],
                            const char *authorization,
                            GError **error)
{
  const char *patient_id = cfd_record_get_patient_id (record);
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 digest[CFD_HASH_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  guint key_version = 0;
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;

  if (db == NULL)
    return FALSE;
  if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("Only a signed record can be reviewed"));
      return FALSE;
    }
  record_hash (digest, vault, record);
  msg = review_message (vault, review_id, cfd_record_get_id (record), digest, author_id, kind,
                        created, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  if (crypto_sign_verify_detached (signature, msg_data, msg_len, author_sign_pk) != 0)
    return tampered (error);
  if (!cfd_record_patient_access (vault, patient_id, "review.import", &key_version, error))
    return FALSE;
  sealed = cfd_patient_key_seal (vault, patient_id, key_version, "reviews", review_id, 1, content,
                                 error);
  if (sealed == NULL)
    return FALSE;
  stmt
      = cfd_db_prepare (db,
                        "INSERT INTO reviews (id, record_id, patient_id, author_id, kind, created, "
                        "key_version, revision, sealed, signature) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, review_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cfd_record_get_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, author_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, cfd_review_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, created);
  sqlite3_bind_int64 (stmt, 7, key_version);
  cfd_db_bind_bytes (stmt, 8, sealed);
  sqlite3_bind_blob (stmt, 9, signature, CFD_SIGNATURE_BYTES, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error)
         && cfd_vault_audit (vault, "review.import", "record", cfd_record_get_id (record),
                             CFD_AUDIT_SUCCESS, authorization, error);
}
