/* cfd-capsule-supervisor.c: the supervisor's side: importing capsules, opening them until expiry, replying. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule-supervisor-private.h"
#include "cfd-io-private.h"
#include "cfd-record-private.h"
#include "cfd-review-private.h"

#define MAX_COMMENT_BYTES (256 * 1024)

static gboolean
damaged (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("The capsule is damaged or was altered (%s)"), what);
  return FALSE;
}

static gboolean
expired_error (GError **error)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_EXPIRED,
               _ ("The capsule has expired; its key was destroyed and it can no longer be read"));
  return FALSE;
}

static gint64
now_seconds (CfdVault *vault)
{
  return cfd_vault_now (vault) / G_USEC_PER_SEC;
}

static gboolean
terms_cover (GVariant *terms, gboolean psychotherapy, gint64 occurred)
{
  const char *scope = "";
  gint64 from = 0, to = 0;

  g_variant_lookup (terms, "scope", "&s", &scope);
  g_variant_lookup (terms, "records-from", "x", &from);
  g_variant_lookup (terms, "records-to", "x", &to);
  if (g_strcmp0 (scope, "all") != 0
      && g_strcmp0 (scope, psychotherapy ? "psychotherapy" : "medical") != 0)
    return FALSE;
  return (from == 0 || occurred >= from) && (to == 0 || occurred <= to);
}

/* Each record: a signed record of the patient, in the consent's scope,
 * signed before the capsule was made, and its signature holds for the
 * therapist's vault. */
gboolean
cfd_capsule_verify_payload (
    const char *vault_id, const char *patient_id, gint64 created, GVariant *payload, GError **error)
{
  g_autoptr (GVariant) terms = g_variant_get_child_value (payload, 0);
  g_autoptr (GVariant) records = g_variant_get_child_value (payload, 2);
  CfdConsentScope scope;
  const char *scope_text = "";
  const char *name = "";
  GVariantIter iter;
  GVariant *item;

  g_variant_get_child (payload, 1, "&s", &name);
  if (!g_variant_lookup (terms, "scope", "&s", &scope_text)
      || !cfd_consent_scope_from_string (scope_text, &scope) || *name == '\0')
    return damaged (error, "consent terms");
  if (g_variant_n_children (records) > CFD_CAPSULE_MAX_RECORDS)
    return damaged (error, "too many records");

  g_variant_iter_init (&iter, records);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (GVariant) owned = item;
      g_autoptr (GVariant) content = NULL, signature = NULL, author_pk = NULL;
      g_autoptr (GVariant) canonical = NULL;
      const char *id, *parent, *author, *kind_text, *category_text;
      gint64 occurred, signed_at;
      CfdRecordKind kind;
      CfdRecordCategory category;
      guint8 hash[CFD_HASH_BYTES];
      gsize sig_len = 0, pk_len = 0;
      const guint8 *sig, *pk;

      g_variant_get (item, "(&s&s&s&s&sxx@a{sv}@ay@ay)", &id, &parent, &author, &kind_text,
                     &category_text, &occurred, &signed_at, &content, &signature, &author_pk);
      sig = g_variant_get_fixed_array (signature, &sig_len, 1);
      pk = g_variant_get_fixed_array (author_pk, &pk_len, 1);
      if (!cfd_record_kind_from_string (kind_text, &kind)
          || !cfd_record_category_from_string (category_text, &category)
          || (kind != CFD_RECORD_ADDENDUM && category != cfd_record_kind_category (kind))
          || (kind == CFD_RECORD_ADDENDUM) != (*parent != '\0') || *id == '\0' || *author == '\0'
          || signed_at <= 0 || signed_at > created || sig_len != CFD_SIGNATURE_BYTES
          || pk_len != CFD_SIGN_PK_BYTES)
        return damaged (error, "impossible record");
      if (!terms_cover (terms, category == CFD_RECORD_CATEGORY_PSYCHOTHERAPY, occurred))
        return damaged (error, "a record outside the consent");
      canonical = cfd_record_content_canonical (content);
      cfd_record_signature_hash_for_vault_id (hash, vault_id, id, patient_id, kind, category,
                                              *parent != '\0' ? parent : NULL, author, occurred,
                                              signed_at, canonical);
      if (crypto_sign_verify_detached (sig, hash, CFD_HASH_BYTES, pk) != 0)
        return damaged (error, "a record's signature does not match");
    }
  return TRUE;
}

static CfdAd *
store_ad (const char *capsule_id, const char *recipient_id)
{
  CfdAd *ad = cfd_ad_new ("confidant/capsule-store/v1");

  cfd_ad_add_string (ad, capsule_id);
  cfd_ad_add_string (ad, recipient_id);
  return ad;
}

static CfdAd *
review_ad (const char *review_id, const char *capsule_id)
{
  CfdAd *ad = cfd_ad_new ("confidant/capsule-review/v1");

  cfd_ad_add_string (ad, review_id);
  cfd_ad_add_string (ad, capsule_id);
  return ad;
}

/* An earlier capsule from the same therapist pins their signing key. */
static gboolean
check_pinned_key (CfdDb *db, const CfdCapsuleFile *capsule, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT therapist_sign_pk FROM capsules WHERE therapist_id = ? AND vault_id = ?", error);
  gboolean ok = TRUE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule->therapist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, capsule->vault_id, -1, SQLITE_TRANSIENT);
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    ok = sqlite3_column_bytes (stmt, 0) == CFD_SIGN_PK_BYTES
         && memcmp (sqlite3_column_blob (stmt, 0), capsule->therapist_sign_pk, CFD_SIGN_PK_BYTES)
                == 0;
  sqlite3_reset (stmt);
  if (!ok)
    g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                 _ ("The capsule is signed with a different key than earlier capsules from this "
                    "therapist; check with them before trusting it"));
  return ok;
}

static gboolean
capsule_exists (CfdDb *db, const char *capsule_id)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT 1 FROM capsules WHERE id = ?", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

static gboolean
insert_capsule (CfdVault *vault, const CfdCapsuleFile *capsule, GVariant *payload, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (CfdSecret) key = cfd_secret_new (CFD_KEY_BYTES);
  g_autoptr (CfdAd) ad = store_ad (capsule->capsule_id, cfd_vault_get_user_id (vault));
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) plain = cfd_variant_to_wire (payload);
  guint8 wrapped[CFD_SEALED_BOX_KEY_BYTES];
  const guint8 *ad_data;
  gsize ad_len;
  sqlite3_stmt *stmt;

  cfd_random_bytes (key->data, CFD_KEY_BYTES);
  crypto_box_seal (wrapped, key->data, CFD_KEY_BYTES, cfd_vault_get_box_public_key (vault));
  ad_data = cfd_ad_data (ad, &ad_len);
  sealed = cfd_aead_seal (key->data, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                          ad_data, ad_len);
  stmt = cfd_db_prepare (
      db,
      "INSERT INTO capsules (id, recipient_id, vault_id, consent_id, patient_id, therapist_id, "
      "therapist_name, therapist_sign_pk, therapist_box_pk, created, expires, imported, "
      "wrapped_key, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule->capsule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, capsule->vault_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, capsule->consent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, capsule->patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, capsule->therapist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, capsule->therapist_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 8, capsule->therapist_sign_pk, CFD_SIGN_PK_BYTES, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 9, capsule->therapist_box_pk, CFD_BOX_PK_BYTES, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, capsule->created);
  sqlite3_bind_int64 (stmt, 11, capsule->expires);
  sqlite3_bind_int64 (stmt, 12, now_seconds (vault));
  sqlite3_bind_blob (stmt, 13, wrapped, sizeof wrapped, SQLITE_TRANSIENT);
  cfd_db_bind_bytes (stmt, 14, sealed);
  return cfd_db_step_done (db, stmt, error);
}

static char *import_capsule (CfdVault *vault, const char *path, char **capsule_id, GError **error);

/* A refusal is recorded under the capsule's id when the file got far
 * enough to name one; a file that is not a capsule is not an access. */
char *
cfd_vault_import_capsule (CfdVault *vault, const char *path, GError **error)
{
  g_autofree char *capsule_id = NULL;
  GError *local_error = NULL;
  char *id = import_capsule (vault, path, &capsule_id, &local_error);

  if (id == NULL)
    {
      if (capsule_id != NULL && local_error != NULL && local_error->domain == CFD_ERROR
          && local_error->code != CFD_ERROR_EXISTS)
        cfd_vault_audit_standalone (vault, "capsule.import", "capsule", capsule_id,
                                    local_error->code == CFD_ERROR_WRONG_RECIPIENT
                                            || local_error->code == CFD_ERROR_EXPIRED
                                        ? CFD_AUDIT_DENIED
                                        : CFD_AUDIT_FAILURE);
      g_propagate_error (error, local_error);
    }
  return id;
}

static char *
import_capsule (CfdVault *vault, const char *path, char **capsule_id, GError **error)
{
  g_autoptr (CfdCapsuleFile) capsule = NULL;
  g_autoptr (GVariant) payload = NULL;
  g_autofree guint8 *data = NULL;
  CfdDb *db = cfd_vault_get_db (vault, error);
  gsize len = 0;

  if (db == NULL)
    return NULL;
  if (!cfd_io_read_file (path, CFD_CAPSULE_MAX_BYTES + 4096, &data, &len, error))
    return NULL;
  capsule = cfd_capsule_file_parse (data, len, error);
  if (capsule == NULL)
    return NULL;
  *capsule_id = g_strdup (capsule->capsule_id);
  if (g_strcmp0 (capsule->vault_id, cfd_vault_get_id (vault)) == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("This capsule comes from this very vault"));
      return NULL;
    }
  if (g_strcmp0 (capsule->supervisor_id, cfd_vault_get_user_id (vault)) != 0
      || !cfd_constant_time_equal (capsule->supervisor_box_pk, cfd_vault_get_box_public_key (vault),
                                   CFD_BOX_PK_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT,
                   _ ("This capsule was sealed for someone else"));
      return NULL;
    }
  if (now_seconds (vault) >= capsule->expires)
    {
      expired_error (error);
      return NULL;
    }
  if (capsule_exists (db, capsule->capsule_id))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS, _ ("This capsule was imported before"));
      return NULL;
    }
  if (!check_pinned_key (db, capsule, error))
    return NULL;
  payload = cfd_capsule_file_open (capsule, cfd_vault_get_box_public_key (vault),
                                   cfd_vault_get_box_secret_key (vault), error);
  if (payload == NULL)
    return NULL;
  if (!cfd_capsule_verify_payload (capsule->vault_id, capsule->patient_id, capsule->created,
                                   payload, error))
    return NULL;

  if (!cfd_db_begin (db, error))
    return NULL;
  if (!insert_capsule (vault, capsule, payload, error)
      || !cfd_vault_audit (vault, "capsule.import", "capsule", capsule->capsule_id,
                           CFD_AUDIT_SUCCESS, capsule->consent_id, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return g_strdup (capsule->capsule_id);
}

#define CAPSULE_COLUMNS                                                                \
  "id, consent_id, patient_id, therapist_name, therapist_id, therapist_box_pk, "       \
  "therapist_sign_pk, created, expires, wrapped_key IS NULL, vault_id, replies_sent, " \
  "wrapped_key, sealed"

static CfdCapsule *
capsule_from_row (sqlite3_stmt *stmt)
{
  g_autofree char *fingerprint = NULL;

  if (sqlite3_column_bytes (stmt, 5) == CFD_BOX_PK_BYTES
      && sqlite3_column_bytes (stmt, 6) == CFD_SIGN_PK_BYTES)
    fingerprint
        = cfd_card_fingerprint ((const char *)sqlite3_column_text (stmt, 4),
                                sqlite3_column_blob (stmt, 5), sqlite3_column_blob (stmt, 6));
  return cfd_capsule_new (
      (const char *)sqlite3_column_text (stmt, 0), (const char *)sqlite3_column_text (stmt, 1),
      (const char *)sqlite3_column_text (stmt, 2), (const char *)sqlite3_column_text (stmt, 3),
      fingerprint != NULL ? fingerprint : "", sqlite3_column_int64 (stmt, 7),
      sqlite3_column_int64 (stmt, 8), sqlite3_column_int (stmt, 9) != 0);
}

GListModel *
cfd_vault_list_capsules (CfdVault *vault, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_CAPSULE);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT " CAPSULE_COLUMNS " FROM capsules WHERE recipient_id = ? "
                         "ORDER BY created DESC, id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdCapsule) capsule = capsule_from_row (stmt);

      g_list_store_append (store, capsule);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "listing capsules", error);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* Overwrites the key and contents of expired capsules (secure_delete
 * wipes the freed bytes); reviews not yet sent go with them. */
guint
cfd_vault_expire_capsules (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  gint64 now = now_seconds (vault);

  if (db == NULL)
    return 0;
  stmt = cfd_db_prepare (
      db, "SELECT id FROM capsules WHERE wrapped_key IS NOT NULL AND expires <= ?", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (due, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (due->len == 0)
    return 0;

  if (!cfd_db_begin (db, error))
    return 0;
  for (guint i = 0; i < due->len; i++)
    {
      const char *id = g_ptr_array_index (due, i);

      stmt = cfd_db_prepare (db,
                             "UPDATE capsules SET wrapped_key = NULL, sealed = NULL "
                             "WHERE id = ?",
                             error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (!cfd_db_step_done (db, stmt, error))
        goto failed;
      stmt = cfd_db_prepare (db, "UPDATE capsule_reviews SET sealed = NULL WHERE capsule_id = ?",
                             error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (!cfd_db_step_done (db, stmt, error)
          || !cfd_vault_audit (vault, "capsule.expire", "capsule", id, CFD_AUDIT_SUCCESS, NULL,
                               error))
        goto failed;
    }
  if (!cfd_db_commit (db, error))
    goto failed;
  cfd_db_purge_wal (db, "destroying capsule keys");
  return due->len;

failed:
  cfd_db_rollback (db);
  return 0;
}

/* A capsule row opened with the signed-in user's key: the decrypted
 * payload and the capsule key, for writing reviews under it. */
typedef struct
{
  CfdCapsule *capsule;
  char *vault_id;
  char *therapist_id;
  guint8 therapist_box_pk[CFD_BOX_PK_BYTES];
  gint64 replies_sent;
  GVariant *payload;
  CfdSecret *key;
} Opened;

static void
opened_clear (Opened *o)
{
  g_clear_object (&o->capsule);
  g_free (o->vault_id);
  g_free (o->therapist_id);
  g_clear_pointer (&o->payload, g_variant_unref);
  g_clear_pointer (&o->key, cfd_secret_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Opened, opened_clear)

static gboolean
open_row (CfdVault *vault, const char *capsule_id, Opened *o, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (CfdAd) ad = store_ad (capsule_id, cfd_vault_get_user_id (vault));
  g_autoptr (GBytes) plain = NULL;
  sqlite3_stmt *stmt;
  const guint8 *ad_data;
  gsize ad_len;
  gboolean ok = FALSE;

  if (db == NULL)
    return FALSE;
  /* Expiry is enforced here as well as at unlock: the clock may have
   * passed it while the vault stayed open. */
  cfd_vault_expire_capsules (vault, NULL);
  stmt = cfd_db_prepare (db,
                         "SELECT " CAPSULE_COLUMNS " FROM capsules WHERE id = ? AND "
                         "recipient_id = ?",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such capsule"));
      return FALSE;
    }
  o->capsule = capsule_from_row (stmt);
  o->vault_id = g_strdup ((const char *)sqlite3_column_text (stmt, 10));
  o->therapist_id = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  o->replies_sent = sqlite3_column_int64 (stmt, 11);
  if (cfd_capsule_get_expired (o->capsule))
    {
      sqlite3_reset (stmt);
      return expired_error (error);
    }
  memcpy (o->therapist_box_pk, sqlite3_column_blob (stmt, 5), CFD_BOX_PK_BYTES);
  o->key = cfd_secret_new (CFD_KEY_BYTES);
  ad_data = cfd_ad_data (ad, &ad_len);
  if (sqlite3_column_bytes (stmt, 12) == CFD_SEALED_BOX_KEY_BYTES
      && crypto_box_seal_open (o->key->data, sqlite3_column_blob (stmt, 12),
                               CFD_SEALED_BOX_KEY_BYTES, cfd_vault_get_box_public_key (vault),
                               cfd_vault_get_box_secret_key (vault))
             == 0)
    plain = cfd_aead_open (o->key->data, sqlite3_column_blob (stmt, 13),
                           (gsize)sqlite3_column_bytes (stmt, 13), ad_data, ad_len);
  sqlite3_reset (stmt);
  if (plain != NULL)
    o->payload = cfd_capsule_variant_from_plain (plain, CFD_CAPSULE_PAYLOAD_TYPE);
  if (o->payload != NULL)
    ok = cfd_capsule_verify_payload (o->vault_id, cfd_capsule_get_patient_id (o->capsule),
                                     cfd_capsule_get_created (o->capsule), o->payload, error);
  else
    damaged (error, "stored contents do not authenticate");
  if (ok)
    cfd_capsule_set_payload (o->capsule, o->payload);
  return ok;
}

CfdCapsule *
cfd_vault_open_capsule (CfdVault *vault, const char *capsule_id, GError **error)
{
  g_auto (Opened) o = { 0 };
  GError *local_error = NULL;
  CfdDb *db;

  if (!open_row (vault, capsule_id, &o, &local_error))
    {
      if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_FOUND))
        cfd_vault_audit_standalone (vault, "capsule.open", "capsule", capsule_id,
                                    g_error_matches (local_error, CFD_ERROR, CFD_ERROR_EXPIRED)
                                        ? CFD_AUDIT_DENIED
                                        : CFD_AUDIT_FAILURE);
      g_propagate_error (error, local_error);
      return NULL;
    }
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "capsule.open", "capsule", capsule_id, CFD_AUDIT_SUCCESS,
                           cfd_capsule_get_consent_id (o.capsule), error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&o.capsule);
}

static GVariant *
find_record (GVariant *payload, const char *record_id)
{
  g_autoptr (GVariant) records = g_variant_get_child_value (payload, 2);
  GVariantIter iter;
  GVariant *item;

  g_variant_iter_init (&iter, records);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *id = NULL;

      g_variant_get_child (item, 0, "&s", &id);
      if (g_strcmp0 (id, record_id) == 0)
        return item;
      g_variant_unref (item);
    }
  return NULL;
}

static char *
add_review (CfdVault *vault,
            const char *capsule_id,
            const char *record_id,
            CfdReviewKind kind,
            GVariant *content_in,
            GError **error)
{
  g_autoptr (GVariant) content = g_variant_ref_sink (content_in);
  g_auto (Opened) o = { 0 };
  g_autoptr (GVariant) item = NULL;
  g_autoptr (GVariant) record_content = NULL;
  g_autoptr (GVariant) canonical = NULL;
  g_autoptr (CfdAd) msg = NULL;
  g_autoptr (CfdAd) ad = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autofree char *id = NULL;
  const char *rid, *parent, *author, *kind_text, *category_text;
  gint64 occurred, signed_at;
  CfdRecordKind record_kind;
  CfdRecordCategory category;
  guint8 digest[CFD_HASH_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  const guint8 *data;
  gsize len;
  gint64 now;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!open_row (vault, capsule_id, &o, error))
    return NULL;
  item = find_record (o.payload, record_id);
  if (item == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("The capsule holds no such record"));
      return NULL;
    }
  g_variant_get (item, "(&s&s&s&s&sxx@a{sv}@ay@ay)", &rid, &parent, &author, &kind_text,
                 &category_text, &occurred, &signed_at, &record_content, NULL, NULL);
  /* Checked when the capsule was opened. */
  cfd_record_kind_from_string (kind_text, &record_kind);
  cfd_record_category_from_string (category_text, &category);
  canonical = cfd_record_content_canonical (record_content);
  cfd_record_signature_hash_for_vault_id (
      digest, o.vault_id, rid, cfd_capsule_get_patient_id (o.capsule), record_kind, category,
      *parent != '\0' ? parent : NULL, author, occurred, signed_at, canonical);

  id = cfd_new_id ();
  now = now_seconds (vault);
  msg = cfd_review_message (o.vault_id, id, record_id, digest, cfd_vault_get_user_id (vault), kind,
                            now, content);
  data = cfd_ad_data (msg, &len);
  crypto_sign_detached (signature, NULL, data, len, cfd_vault_get_sign_secret_key (vault));
  {
    g_autoptr (GBytes) plain = cfd_variant_to_wire (content);
    const guint8 *ad_data;
    gsize ad_len;

    ad = review_ad (id, capsule_id);
    ad_data = cfd_ad_data (ad, &ad_len);
    sealed = cfd_aead_seal (o.key->data, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                            ad_data, ad_len);
  }

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  stmt = cfd_db_prepare (db,
                         "INSERT INTO capsule_reviews (id, capsule_id, record_id, kind, created, "
                         "sealed, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, capsule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cfd_review_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now);
  cfd_db_bind_bytes (stmt, 6, sealed);
  sqlite3_bind_blob (stmt, 7, signature, sizeof signature, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, kind == CFD_REVIEW_COSIGN ? "capsule.cosign" : "capsule.comment",
                           "capsule", capsule_id, CFD_AUDIT_SUCCESS,
                           cfd_capsule_get_consent_id (o.capsule), error)
      || !cfd_db_commit (db, error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  cfd_db_rollback (db);
  return NULL;
}

char *
cfd_vault_capsule_add_comment (CfdVault *vault,
                               const char *capsule_id,
                               const char *record_id,
                               const char *text,
                               GError **error)
{
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
  return add_review (vault, capsule_id, record_id, CFD_REVIEW_COMMENT, g_variant_dict_end (&dict),
                     error);
}

char *
cfd_vault_capsule_cosign (CfdVault *vault,
                          const char *capsule_id,
                          const char *record_id,
                          GError **error)
{
  return add_review (vault, capsule_id, record_id, CFD_REVIEW_COSIGN,
                     g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0), error);
}

/* The reviews not yet sent, decrypted, as the reply's payload. */
static GVariant *
pending_reviews (CfdVault *vault, const Opened *o, const char *capsule_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  GVariantBuilder builder;
  sqlite3_stmt *stmt;
  int rc;

  stmt = cfd_db_prepare (db,
                         "SELECT id, record_id, kind, created, sealed, signature FROM "
                         "capsule_reviews WHERE capsule_id = ? AND reply_seq IS NULL "
                         "ORDER BY created, id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, capsule_id, -1, SQLITE_TRANSIENT);
  g_variant_builder_init (&builder, G_VARIANT_TYPE (CFD_REPLY_PAYLOAD_TYPE));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *)sqlite3_column_text (stmt, 0);
      g_autoptr (CfdAd) ad = review_ad (id, capsule_id);
      g_autoptr (GBytes) plain = NULL;
      g_autoptr (GVariant) content = NULL;
      const guint8 *ad_data;
      gsize ad_len;

      ad_data = cfd_ad_data (ad, &ad_len);
      plain = cfd_aead_open (o->key->data, sqlite3_column_blob (stmt, 4),
                             (gsize)sqlite3_column_bytes (stmt, 4), ad_data, ad_len);
      content = plain != NULL ? cfd_capsule_variant_from_plain (plain, "a{sv}") : NULL;
      if (content == NULL || sqlite3_column_bytes (stmt, 5) != CFD_SIGNATURE_BYTES)
        {
          sqlite3_reset (stmt);
          g_variant_builder_clear (&builder);
          damaged (error, "a stored review does not authenticate");
          return NULL;
        }
      g_variant_builder_add (
          &builder, "(sssx@a{sv}@ay)", id, (const char *)sqlite3_column_text (stmt, 1),
          (const char *)sqlite3_column_text (stmt, 2), sqlite3_column_int64 (stmt, 3), content,
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sqlite3_column_blob (stmt, 5),
                                     CFD_SIGNATURE_BYTES, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_variant_builder_clear (&builder);
      cfd_db_set_error (db, rc, "reading reviews", error);
      return NULL;
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

guint
cfd_vault_export_review_reply (CfdVault *vault,
                               const char *capsule_id,
                               const char *path,
                               GError **error)
{
  g_auto (Opened) o = { 0 };
  g_autoptr (GVariant) reviews = NULL;
  g_autoptr (CfdReplyFile) reply = NULL;
  g_autoptr (GBytes) file = NULL;
  const guint8 *data;
  gsize len = 0;
  guint count;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!open_row (vault, capsule_id, &o, error))
    return 0;
  reviews = pending_reviews (vault, &o, capsule_id, error);
  if (reviews == NULL)
    return 0;
  count = (guint)g_variant_n_children (reviews);
  if (count == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("There are no new reviews of this capsule to send"));
      return 0;
    }

  reply = g_new0 (CfdReplyFile, 1);
  reply->reply_id = cfd_new_id ();
  reply->capsule_id = g_strdup (capsule_id);
  reply->vault_id = g_strdup (o.vault_id);
  reply->consent_id = g_strdup (cfd_capsule_get_consent_id (o.capsule));
  reply->patient_id = g_strdup (cfd_capsule_get_patient_id (o.capsule));
  reply->supervisor_id = g_strdup (cfd_vault_get_user_id (vault));
  crypto_sign_ed25519_sk_to_pk (reply->supervisor_sign_pk, cfd_vault_get_sign_secret_key (vault));
  reply->therapist_id = g_strdup (o.therapist_id);
  reply->seq = (guint64)o.replies_sent + 1;
  reply->created = now_seconds (vault);
  cfd_reply_file_seal (reply, o.therapist_box_pk, reviews);
  file = cfd_reply_file_encode (reply, cfd_vault_get_sign_secret_key (vault));
  data = g_bytes_get_data (file, &len);

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return 0;
  stmt = cfd_db_prepare (db,
                         "UPDATE capsule_reviews SET reply_seq = ? WHERE capsule_id = ? AND "
                         "reply_seq IS NULL",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, (gint64)reply->seq);
  sqlite3_bind_text (stmt, 2, capsule_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error))
    goto failed;
  stmt = cfd_db_prepare (db, "UPDATE capsules SET replies_sent = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, (gint64)reply->seq);
  sqlite3_bind_text (stmt, 2, capsule_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "review.export-reply", "capsule", capsule_id, CFD_AUDIT_SUCCESS,
                           reply->consent_id, error)
      || !cfd_io_atomic_write (path, data, len, error))
    goto failed;
  if (!cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_debug ("Could not remove a reply whose export was not recorded");
      return 0;
    }
  return count;

failed:
  cfd_db_rollback (db);
  return 0;
}
