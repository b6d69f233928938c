/* cfd-capsule-therapist.c: the therapist's side of a capsule: sealing it, and importing review replies. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule.h"
#include "cfd-consent-private.h"
#include "cfd-disclosure.h"
#include "cfd-io-private.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-review-private.h"

typedef struct
{
  CfdVault *vault;
  CfdConsent *consent;
  GVariantBuilder *records;
  guint count;
} Collect;

static gboolean
user_keys (CfdDb *db,
           const char *user_id,
           guint8 box_pk[CFD_BOX_PK_BYTES],
           guint8 sign_pk[CFD_SIGN_PK_BYTES],
           char **name,
           GError **error)
{
  sqlite3_stmt *stmt
      = cfd_db_prepare (db, "SELECT box_pk, sign_pk, name FROM temp.roster WHERE id = ?", error);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_BOX_PK_BYTES
      && sqlite3_column_bytes (stmt, 1) == CFD_SIGN_PK_BYTES)
    {
      if (box_pk != NULL)
        memcpy (box_pk, sqlite3_column_blob (stmt, 0), CFD_BOX_PK_BYTES);
      if (sign_pk != NULL)
        memcpy (sign_pk, sqlite3_column_blob (stmt, 1), CFD_SIGN_PK_BYTES);
      if (name != NULL)
        *name = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      found = TRUE;
    }
  sqlite3_reset (stmt);
  if (!found)
    g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such user"));
  return found;
}

/* Signed records within the consent's scope only; drafts never leave. */
static gboolean
collect_record (CfdRecord *record, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  gboolean psychotherapy = cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY;
  g_autoptr (GVariant) canonical = NULL;
  CfdDb *db = cfd_vault_get_db (c->vault, error);
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  if (cfd_record_get_status (record) != CFD_RECORD_SIGNED
      || !cfd_consent_covers (c->consent, psychotherapy, cfd_record_get_occurred (record)))
    return TRUE;
  if (c->count >= CFD_CAPSULE_MAX_RECORDS)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The consent covers more records than one capsule may hold (%d)"),
                   CFD_CAPSULE_MAX_RECORDS);
      return FALSE;
    }
  if (!user_keys (db, cfd_record_get_author_id (record), NULL, sign_pk, NULL, error))
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT signature FROM records WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, cfd_record_get_id (record), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_SIGNATURE_BYTES)
    {
      /* The record was verified when it was loaded; its canonical content
       * is what the signature covers, so that is what travels. */
      canonical = cfd_record_content_canonical (cfd_record_get_content (record));
      g_variant_builder_add (
          c->records, "(sssssxx@a{sv}@ay@ay)", cfd_record_get_id (record),
          cfd_record_get_parent_id (record) != NULL ? cfd_record_get_parent_id (record) : "",
          cfd_record_get_author_id (record),
          cfd_record_kind_to_string (cfd_record_get_kind (record)),
          cfd_record_category_to_string (cfd_record_get_category (record)),
          cfd_record_get_occurred (record), cfd_record_get_signed_at (record), canonical,
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sqlite3_column_blob (stmt, 0),
                                     CFD_SIGNATURE_BYTES, 1),
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sign_pk, CFD_SIGN_PK_BYTES, 1));
      c->count++;
      ok = TRUE;
    }
  sqlite3_reset (stmt);
  if (!ok)
    g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                 _ ("A signed record has no signature; the vault may have been tampered with"));
  return ok;
}

/* A supervisor who is a user of this vault reads the patient here; a
 * capsule is for one who works from a vault of their own. */
static gboolean
is_card_supervisor (CfdDb *db, const char *user_id, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT 1 FROM temp.signed_cards WHERE id = ?", error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (found)
    return TRUE;
  /* A card row whose statement is missing or does not verify: reported
   * at unlock (vault.tamper), and nothing is sealed to its keys. */
  stmt = cfd_db_prepare (db, "SELECT 1 FROM supervisor_cards WHERE user_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (found)
    g_set_error (
        error, CFD_ERROR, CFD_ERROR_TAMPERED,
        _ ("This consent's supervisor is known by a card whose signed statement is missing "
           "or does not verify; nothing was sealed to them"));
  else
    g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                 _ ("This consent's supervisor is a user of this vault and reads the patient here; "
                    "capsules are for supervisors known by their card"));
  return FALSE;
}

static gboolean
insert_export (CfdDb *db, const CfdCapsuleFile *capsule, guint n_records, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "INSERT INTO capsule_exports (id, consent_id, patient_id, supervisor_id, exported_by, "
      "created, expires, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule->capsule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, capsule->consent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, capsule->patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, capsule->supervisor_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, capsule->therapist_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, capsule->created);
  sqlite3_bind_int64 (stmt, 7, capsule->expires);
  sqlite3_bind_int64 (stmt, 8, n_records);
  return cfd_db_step_done (db, stmt, error);
}

char *
cfd_vault_export_capsule (
    CfdVault *vault, const char *consent_id, const char *path, guint *n_records, GError **error)
{
  return cfd_vault_export_capsule_for (vault, consent_id, NULL, path, n_records, error);
}

/* One line of at most 300 characters, as the accounting takes it. */
static char *
one_line (const char *text)
{
  g_autofree char *line = g_strndup (text, strcspn (text, "\r\n"));
  glong length = g_utf8_strlen (line, -1);

  if (length > 300)
    return g_utf8_substring (line, 0, 300);
  return line[0] != '\0' ? g_steal_pointer (&line) : g_strdup ("clinical supervision");
}

/* The consent states them when the person exporting does not: its
 * supervisor, its purpose, and the consent itself as the basis. */
static char *
supervisor_name (CfdVault *vault, const char *id)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users_and_cards (vault);

  for (guint i = 0; i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return one_line (user->name);
    }
  return g_strdup ("the consent's supervisor");
}

char *
cfd_vault_export_capsule_for (CfdVault *vault,
                              const char *consent_id,
                              const CfdDisclosureTerms *stated,
                              const char *path,
                              guint *n_records,
                              GError **error)
{
  g_autofree char *recipient = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *basis = NULL;
  g_autofree char *description = NULL;
  CfdDisclosureTerms terms;
  g_autoptr (CfdConsent) consent = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (CfdCapsuleFile) capsule = NULL;
  g_autoptr (GBytes) file = NULL;
  g_autoptr (GVariant) payload = NULL;
  GVariantBuilder records;
  Collect collect = { vault, NULL, &records, 0 };
  guint key_version = 0;
  gint64 now;
  CfdDb *db;
  const guint8 *data;
  gsize len = 0;

  if (stated != NULL && !cfd_disclosure_terms_check (stated, error))
    return NULL;
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "capsule.export", error))
    return NULL;
  db = cfd_vault_get_db (vault, error);
  consent = cfd_consent_load (vault, consent_id, error);
  if (consent == NULL)
    return NULL;
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  if (!cfd_consent_is_live (consent, now))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The consent was revoked or has expired; a capsule needs a live consent"));
      cfd_vault_audit_standalone (vault, "capsule.export", "patient",
                                  cfd_consent_get_patient_id (consent), CFD_AUDIT_DENIED);
      return NULL;
    }
  if (!cfd_record_patient_access (vault, cfd_consent_get_patient_id (consent), "capsule.export",
                                  &key_version, error))
    return NULL;
  patient = cfd_patient_load (vault, cfd_consent_get_patient_id (consent), error);
  if (patient == NULL)
    return NULL;

  capsule = g_new0 (CfdCapsuleFile, 1);
  capsule->capsule_id = cfd_new_id ();
  capsule->vault_id = g_strdup (cfd_vault_get_id (vault));
  capsule->consent_id = g_strdup (cfd_consent_get_id (consent));
  capsule->patient_id = g_strdup (cfd_consent_get_patient_id (consent));
  capsule->therapist_id = g_strdup (cfd_vault_get_user_id (vault));
  capsule->therapist_name = g_strdup (cfd_vault_get_user_name (vault));
  crypto_sign_ed25519_sk_to_pk (capsule->therapist_sign_pk, cfd_vault_get_sign_secret_key (vault));
  memcpy (capsule->therapist_box_pk, cfd_vault_get_box_public_key (vault), CFD_BOX_PK_BYTES);
  capsule->supervisor_id = g_strdup (cfd_consent_get_supervisor_id (consent));
  if (!is_card_supervisor (db, capsule->supervisor_id, error))
    return NULL;
  if (!user_keys (db, capsule->supervisor_id, capsule->supervisor_box_pk, NULL, NULL, error))
    return NULL;
  capsule->created = now;
  capsule->expires = cfd_consent_get_expires (consent) != 0
                         ? cfd_consent_get_expires (consent)
                         : now + (gint64)CFD_CAPSULE_DEFAULT_DAYS * 86400;

  collect.consent = consent;
  g_variant_builder_init (&records, G_VARIANT_TYPE ("a(sssssxxa{sv}ayay)"));
  if (!cfd_record_foreach_readable (vault, capsule->patient_id, CFD_RECORD_READ_DEFAULT,
                                    collect_record, &collect, error))
    {
      g_variant_builder_clear (&records);
      return NULL;
    }
  payload = g_variant_ref_sink (
      g_variant_new ("(@a{sv}s@a(sssssxxa{sv}ayay))", cfd_consent_get_terms (consent),
                     cfd_patient_get_name (patient), g_variant_builder_end (&records)));
  cfd_capsule_file_seal (capsule, payload);
  file = cfd_capsule_file_encode (capsule, cfd_vault_get_sign_secret_key (vault));
  data = g_bytes_get_data (file, &len);

  if (stated != NULL)
    terms = *stated;
  else
    {
      recipient = supervisor_name (vault, capsule->supervisor_id);
      purpose = one_line (
          cfd_consent_get_purpose (consent) != NULL ? cfd_consent_get_purpose (consent) : "");
      basis = g_strdup_printf ("the patient's supervision consent %s", capsule->consent_id);
      terms = (CfdDisclosureTerms){ recipient, purpose, basis };
    }
  description = g_strdup_printf ("Supervision capsule %s: %u signed record%s within consent %s",
                                 capsule->capsule_id, collect.count, collect.count == 1 ? "" : "s",
                                 capsule->consent_id);

  /* The record of the export commits only if the file is in place; should
   * the commit fail after all, the file goes, since no reply to it could
   * be imported. */
  if (!cfd_db_begin (db, error))
    return NULL;
  if (!insert_export (db, capsule, collect.count, error)
      || !cfd_vault_record_disclosure (vault, "capsule.export", capsule->patient_id,
                                       cfd_consent_get_scope (consent) != CFD_CONSENT_SCOPE_MEDICAL,
                                       CFD_AUDIT_SUCCESS, &terms, description, error)
      || !cfd_io_atomic_write (path, data, len, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  if (!cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_debug ("Could not remove a capsule whose export was not recorded");
      return NULL;
    }
  if (n_records != NULL)
    *n_records = collect.count;
  return g_strdup (capsule->capsule_id);
}

typedef struct
{
  char *consent_id;
  char *patient_id;
  char *supervisor_id;
  char *exported_by;
  gint64 expires;
  gint64 last_seq;
} ExportRow;

static void
export_row_clear (ExportRow *row)
{
  g_free (row->consent_id);
  g_free (row->patient_id);
  g_free (row->supervisor_id);
  g_free (row->exported_by);
}

static gboolean
load_export (CfdDb *db, const char *capsule_id, ExportRow *row, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT consent_id, patient_id, supervisor_id, exported_by, "
                                       "expires, last_reply_seq FROM capsule_exports WHERE id = ?",
                                       error);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, capsule_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      row->consent_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      row->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      row->supervisor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      row->exported_by = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      row->expires = sqlite3_column_int64 (stmt, 4);
      row->last_seq = sqlite3_column_int64 (stmt, 5);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  if (!found)
    g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                 _ ("This reply answers no capsule exported from this vault"));
  return found;
}

static gboolean
reply_seen (CfdDb *db, const char *reply_id, gboolean *seen, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT 1 FROM capsule_replies WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reply_id, -1, SQLITE_TRANSIENT);
  *seen = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
tampered_reply (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("The review reply is damaged or was altered (%s)"), what);
  return FALSE;
}

/* One review of the reply: a signed record of the capsule's patient, in
 * the consent's scope, reviewed before the capsule expired. */
static gboolean
import_review (CfdVault *vault,
               const CfdReplyFile *reply,
               CfdConsent *consent,
               gint64 expires,
               GVariant *item,
               GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) signature = NULL;
  const char *review_id, *record_id, *kind_text;
  CfdReviewKind kind;
  gint64 created;
  gsize sig_len = 0;
  const guint8 *sig;

  g_variant_get (item, "(&s&s&sx@a{sv}@ay)", &review_id, &record_id, &kind_text, &created, &content,
                 &signature);
  sig = g_variant_get_fixed_array (signature, &sig_len, 1);
  if (g_strcmp0 (kind_text, "comment") == 0)
    kind = CFD_REVIEW_COMMENT;
  else if (g_strcmp0 (kind_text, "cosign") == 0)
    kind = CFD_REVIEW_COSIGN;
  else
    return tampered_reply (error, "unknown kind of review");
  if (strlen (review_id) != 32 || strspn (review_id, "0123456789abcdef") != 32
      || sig_len != CFD_SIGNATURE_BYTES || created > expires)
    return tampered_reply (error, "impossible review");
  /* The capsule stays readable until it expires, but what was written
   * after the patient withdrew consent does not join the record. */
  if (cfd_consent_get_revoked_at (consent) != 0 && created > cfd_consent_get_revoked_at (consent))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The reply holds a review written after the consent was revoked"));
      return FALSE;
    }

  record = cfd_record_load (vault, record_id, error);
  if (record == NULL)
    return FALSE;
  if (g_strcmp0 (cfd_record_get_patient_id (record), reply->patient_id) != 0
      || !cfd_consent_covers (consent,
                              cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY,
                              cfd_record_get_occurred (record)))
    return tampered_reply (error, "a review of a record outside the capsule");
  return cfd_review_insert_verified (vault, record, review_id, reply->supervisor_id,
                                     reply->supervisor_sign_pk, kind, created, content, sig,
                                     reply->consent_id, error);
}

static gboolean
import_reply_checked (CfdVault *vault,
                      const CfdReplyFile *reply,
                      const ExportRow *row,
                      guint *n_reviews,
                      GError **error)
{
  g_autoptr (CfdConsent) consent = NULL;
  g_autoptr (GVariant) reviews = NULL;
  CfdDb *db = cfd_vault_get_db (vault, error);
  GVariantIter iter;
  GVariant *item;
  sqlite3_stmt *stmt;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;

  reviews = cfd_reply_file_open (reply, cfd_vault_get_box_public_key (vault),
                                 cfd_vault_get_box_secret_key (vault), error);
  if (reviews == NULL)
    return FALSE;
  if (g_variant_n_children (reviews) > CFD_REPLY_MAX_REVIEWS)
    return tampered_reply (error, "too many reviews");
  consent = cfd_consent_load (vault, row->consent_id, error);
  if (consent == NULL)
    return FALSE;

  if (!cfd_db_begin (db, error))
    return FALSE;
  g_variant_iter_init (&iter, reviews);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      gboolean ok = import_review (vault, reply, consent, row->expires, item, error);

      g_variant_unref (item);
      if (!ok)
        goto failed;
    }
  stmt = cfd_db_prepare (db,
                         "INSERT INTO capsule_replies (id, capsule_id, seq, imported, imported_by) "
                         "VALUES (?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, reply->reply_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, reply->capsule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, (gint64)reply->seq);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error))
    goto failed;
  stmt = cfd_db_prepare (db, "UPDATE capsule_exports SET last_reply_seq = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, (gint64)reply->seq);
  sqlite3_bind_text (stmt, 2, reply->capsule_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "review.import-reply", "patient", reply->patient_id,
                           CFD_AUDIT_SUCCESS, reply->consent_id, error)
      || !cfd_db_commit (db, error))
    goto failed;
  if (n_reviews != NULL)
    *n_reviews = (guint)g_variant_n_children (reviews);
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_vault_import_review_reply (CfdVault *vault, const char *path, guint *n_reviews, GError **error)
{
  g_autoptr (CfdReplyFile) reply = NULL;
  g_autofree guint8 *data = NULL;
  ExportRow row = { 0 };
  GError *local_error = NULL;
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gboolean seen = FALSE;
  gboolean ok = FALSE;
  CfdDb *db;
  gsize len = 0;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "review.import-reply", error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_io_read_file (path, CFD_REPLY_MAX_BYTES + 4096, &data, &len, error))
    return FALSE;
  reply = cfd_reply_file_parse (data, len, error);
  if (reply == NULL)
    return FALSE;
  if (g_strcmp0 (reply->vault_id, cfd_vault_get_id (vault)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT,
                   _ ("This review reply is for another vault"));
      return FALSE;
    }
  if (!load_export (db, reply->capsule_id, &row, error))
    goto out;
  if (g_strcmp0 (row.consent_id, reply->consent_id) != 0
      || g_strcmp0 (row.patient_id, reply->patient_id) != 0
      || g_strcmp0 (row.supervisor_id, reply->supervisor_id) != 0)
    {
      tampered_reply (error, "it does not match the capsule it answers");
      goto out;
    }
  if (g_strcmp0 (reply->therapist_id, cfd_vault_get_user_id (vault)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT,
                   _ ("This review reply is for the user who exported the capsule"));
      goto out;
    }
  /* The key from the supervisor's card, not the one the file names. */
  if (!user_keys (db, reply->supervisor_id, NULL, sign_pk, NULL, error))
    goto out;
  if (!cfd_constant_time_equal (sign_pk, reply->supervisor_sign_pk, CFD_SIGN_PK_BYTES))
    {
      tampered_reply (error, "it is not signed with the key on the supervisor's card");
      cfd_vault_audit_standalone (vault, "review.import-reply", "patient", row.patient_id,
                                  CFD_AUDIT_FAILURE);
      goto out;
    }
  if (!reply_seen (db, reply->reply_id, &seen, error))
    goto out;
  if (seen || (gint64)reply->seq <= row.last_seq)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_REPLAYED,
                   seen ? "This review reply was imported before"
                        : "This review reply is older than one already imported");
      cfd_vault_audit_standalone (vault, "review.import-reply", "patient", row.patient_id,
                                  CFD_AUDIT_DENIED);
      goto out;
    }
  ok = import_reply_checked (vault, reply, &row, n_reviews, &local_error);
  if (!ok)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED)
          || g_error_matches (local_error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT))
        cfd_vault_audit_standalone (vault, "review.import-reply", "patient", row.patient_id,
                                    CFD_AUDIT_FAILURE);
      else if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        cfd_vault_audit_standalone (vault, "review.import-reply", "patient", row.patient_id,
                                    CFD_AUDIT_DENIED);
      g_propagate_error (error, local_error);
    }

out:
  export_row_clear (&row);
  return ok;
}
