/* cfd-record.c: clinical records: the record object, reading, verifying and listing them. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-consent-private.h"
#include "cfd-patient-key.h"
#include "cfd-record-private.h"
#include "cfd-scoped-key.h"
#include "cfd-verified-cache.h"

struct _CfdRecord
{
  GObject parent_instance;

  char *id;
  char *patient_id;
  char *parent_id;
  char *author_id;
  CfdRecordKind kind;
  CfdRecordCategory category;
  CfdRecordStatus status;
  gint64 occurred;
  gint64 updated;
  gint64 signed_at;
  guint64 revision;
  GVariant *content;
};

G_DEFINE_FINAL_TYPE (CfdRecord, cfd_record, G_TYPE_OBJECT)

static const char *const kind_names[] = {
  "integration", "dosing",  "intake",   "progress", "risk",
  "safety-plan", "measure", "addendum", "session",
};

static const char *const class_names[] = { "psychotherapy", "medical" };

const char *
cfd_record_kind_to_string (CfdRecordKind kind)
{
  g_return_val_if_fail ((guint)kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
cfd_record_kind_from_string (const char *text, CfdRecordKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = (CfdRecordKind)i;
        return TRUE;
      }
  return FALSE;
}

const char *
cfd_record_category_to_string (CfdRecordCategory category)
{
  g_return_val_if_fail ((guint)category < G_N_ELEMENTS (class_names), NULL);
  return class_names[category];
}

gboolean
cfd_record_category_from_string (const char *text, CfdRecordCategory *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_names); i++)
    if (g_strcmp0 (text, class_names[i]) == 0)
      {
        *category = (CfdRecordCategory)i;
        return TRUE;
      }
  return FALSE;
}

/* Addenda take their parent's category; the schema holds the same rule. */
CfdRecordCategory
cfd_record_kind_category (CfdRecordKind kind)
{
  return kind == CFD_RECORD_INTEGRATION ? CFD_RECORD_CATEGORY_PSYCHOTHERAPY
                                        : CFD_RECORD_CATEGORY_MEDICAL;
}

static void
cfd_record_finalize (GObject *object)
{
  CfdRecord *self = CFD_RECORD (object);

  g_free (self->id);
  g_free (self->patient_id);
  g_free (self->parent_id);
  g_free (self->author_id);
  /* The content's buffer comes from cfd_patient_key_unseal, which wipes it. */
  g_clear_pointer (&self->content, g_variant_unref);
  G_OBJECT_CLASS (cfd_record_parent_class)->finalize (object);
}

static void
cfd_record_class_init (CfdRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_record_finalize;
}

static void
cfd_record_init (CfdRecord *self)
{
}

const char *
cfd_record_get_id (CfdRecord *self)
{
  return self->id;
}

const char *
cfd_record_get_patient_id (CfdRecord *self)
{
  return self->patient_id;
}

const char *
cfd_record_get_parent_id (CfdRecord *self)
{
  return self->parent_id;
}

const char *
cfd_record_get_author_id (CfdRecord *self)
{
  return self->author_id;
}

CfdRecordKind
cfd_record_get_kind (CfdRecord *self)
{
  return self->kind;
}

CfdRecordCategory
cfd_record_get_category (CfdRecord *self)
{
  return self->category;
}

CfdRecordStatus
cfd_record_get_status (CfdRecord *self)
{
  return self->status;
}

gint64
cfd_record_get_occurred (CfdRecord *self)
{
  return self->occurred;
}

gint64
cfd_record_get_updated (CfdRecord *self)
{
  return self->updated;
}

gint64
cfd_record_get_signed_at (CfdRecord *self)
{
  return self->signed_at;
}

guint64
cfd_record_get_revision (CfdRecord *self)
{
  return self->revision;
}

GVariant *
cfd_record_get_content (CfdRecord *self)
{
  return self->content;
}

const char *
cfd_record_get_text (CfdRecord *self, const char *field)
{
  const char *value = NULL;

  if (self->content == NULL || !g_variant_lookup (self->content, field, "&s", &value))
    return NULL;
  return value;
}

static gboolean
tampered (GError **error)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("A record failed signature verification; the vault may have been "
                          "tampered with"));
  return FALSE;
}

/* A removed author's records stand if signed while they were a member (the
 * roster keeps their keys for that); anything of theirs signed after, or
 * left unsigned, is not theirs to add. */
#define AUTHOR_WAS_MEMBER "(u.removed = 0 OR r.signed_at <= u.removed)"

#define RECORD_COLUMNS                                                                      \
  "r.id, r.patient_id, r.parent_id, r.author_id, r.kind, r.class, r.status, r.occurred, "   \
  "r.updated, coalesce(r.signed_at, 0), r.key_version, r.revision, r.sealed, r.signature, " \
  "u.sign_pk"

#define COL_TEXT(stmt, i) ((const char *)sqlite3_column_text (stmt, i))

/* Structure from the row, content unsealed and, for signed records, the
 * signature checked against the author's key in the users table. */
static CfdRecord *
record_from_row (CfdVault *vault, sqlite3_stmt *stmt, gboolean verify, GError **error)
{
  g_autoptr (CfdRecord) record = g_object_new (CFD_TYPE_RECORD, NULL);
  g_autoptr (GBytes) sealed = NULL;
  const char *status = COL_TEXT (stmt, 6);
  guint key_version = (guint)sqlite3_column_int64 (stmt, 10);

  record->id = g_strdup (COL_TEXT (stmt, 0));
  record->patient_id = g_strdup (COL_TEXT (stmt, 1));
  record->parent_id = g_strdup (COL_TEXT (stmt, 2));
  record->author_id = g_strdup (COL_TEXT (stmt, 3));
  record->occurred = sqlite3_column_int64 (stmt, 7);
  record->updated = sqlite3_column_int64 (stmt, 8);
  record->signed_at = sqlite3_column_int64 (stmt, 9);
  record->revision = (guint64)sqlite3_column_int64 (stmt, 11);
  if (record->id == NULL || record->patient_id == NULL || record->author_id == NULL
      || !cfd_record_kind_from_string (COL_TEXT (stmt, 4), &record->kind)
      || !cfd_record_category_from_string (COL_TEXT (stmt, 5), &record->category)
      || (g_strcmp0 (status, "draft") != 0 && g_strcmp0 (status, "signed") != 0))
    {
      tampered (error);
      return NULL;
    }
  record->status = g_strcmp0 (status, "signed") == 0 ? CFD_RECORD_SIGNED : CFD_RECORD_DRAFT;

  /* Before anything is decrypted: a supervisor reads only what a live
   * consent covers (its scope and dates), whatever keys they hold. */
  if (cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    {
      g_autofree char *consent_id = NULL;

      if (!cfd_consent_check_access (vault, record->patient_id, TRUE,
                                     record->category == CFD_RECORD_CATEGORY_PSYCHOTHERAPY,
                                     record->occurred, &consent_id, error))
        return NULL;
    }

  sealed = cfd_db_column_bytes (stmt, 12);
  record->content = cfd_patient_key_unseal (vault, record->patient_id, key_version,
                                            CFD_RECORDS_TABLE, record->id, record->revision, sealed,
                                            G_VARIANT_TYPE_VARDICT, error);
  if (record->content == NULL)
    return NULL;

  if (verify && record->status == CFD_RECORD_SIGNED)
    {
      guint8 hash[CFD_HASH_BYTES];

      cfd_record_signature_hash (hash, vault, record->id, record->patient_id, record->kind,
                                 record->category, record->parent_id, record->author_id,
                                 record->occurred, record->signed_at, record->content);
      if (!cfd_record_signature_verify_for_patient (
              vault, record->patient_id, hash, sqlite3_column_blob (stmt, 13),
              (gsize)sqlite3_column_bytes (stmt, 13), sqlite3_column_blob (stmt, 14),
              (gsize)sqlite3_column_bytes (stmt, 14)))
        {
          tampered (error);
          return NULL;
        }
    }
  return g_steal_pointer (&record);
}

gboolean
cfd_record_patient_access (
    CfdVault *vault, const char *patient_id, const char *action, guint *key_version, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  GError *local_error = NULL;
  g_autofree char *consent_id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT key_version FROM patients WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *key_version = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such patient"));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "reading a patient", error);
      return FALSE;
    }
  if (cfd_details_key_get (vault, patient_id, *key_version, &local_error) == NULL
      || !cfd_consent_check_access (vault, patient_id, FALSE, FALSE, 0, &consent_id, &local_error))
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED)
          && !cfd_db_in_transaction (db))
        cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* A record that exists but whose author the signed roster does not know
 * (a users row planted beside it by someone with the database key) is
 * forged: never shown, named as such, and recorded as vault.tamper. */
static gboolean
author_unknown (CfdVault *vault, CfdDb *db, const char *record_id, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "SELECT author_id FROM records WHERE id = ?", NULL);
  g_autofree char *author = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    author = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (author == NULL)
    return FALSE;
  if (!cfd_db_in_transaction (db))
    cfd_vault_audit_standalone (vault, "vault.tamper", "record", record_id, CFD_AUDIT_FAILURE);
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("This record is forged: its author is not a user in the vault's signed "
                          "roster, so its signature cannot be verified. It is not shown"));
  return TRUE;
}

CfdRecord *
cfd_record_load (CfdVault *vault, const char *record_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  CfdRecord *record;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT " RECORD_COLUMNS " FROM records r JOIN temp.roster u "
                         "ON u.id = r.author_id AND " AUTHOR_WAS_MEMBER " WHERE r.id = ?",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE && !author_unknown (vault, db, record_id, error))
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such record"));
      else if (rc != SQLITE_DONE)
        cfd_db_set_error (db, rc, "reading a record", error);
      return NULL;
    }
  record = record_from_row (vault, stmt, TRUE, error);
  sqlite3_reset (stmt);
  return record;
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
  if (!cfd_vault_audit (vault, action, object_kind, object_id, CFD_AUDIT_SUCCESS, NULL, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  /* The signatures this read verified are noted with the same commit. */
  if (!cfd_verified_cache_save (vault, error) || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* Refusals and failed verification are audited; a missing record is not
 * an access to anything. */
static void
audit_failed_read (CfdVault *vault, const char *action, const char *record_id, GError *error)
{
  if (g_error_matches (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, action, "record", record_id, CFD_AUDIT_DENIED);
  else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    cfd_vault_audit_standalone (vault, action, "record", record_id, CFD_AUDIT_FAILURE);
}

CfdRecord *
cfd_vault_get_record (CfdVault *vault, const char *record_id, GError **error)
{
  GError *local_error = NULL;
  g_autoptr (CfdRecord) record = NULL;

  g_return_val_if_fail (record_id != NULL, NULL);
  record = cfd_record_load (vault, record_id, &local_error);
  if (record == NULL)
    {
      audit_failed_read (vault, "record.view", record_id, local_error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!audit_read (vault, "record.view", "record", record_id, error))
    return NULL;
  return g_steal_pointer (&record);
}

/* The patients a user holds a key of: the patient key (owner, therapists)
 * or, under a consent, the details key (supervisors; schema 8). */
#define HOLDS_PATIENT_KEY                                           \
  "EXISTS (SELECT 1 FROM patient_keys k WHERE k.patient_id = p.id " \
  "AND k.key_version = p.key_version AND k.user_id = ?1)"
#define HOLDS_DETAILS_KEY                                                 \
  " OR EXISTS (SELECT 1 FROM details_grants g WHERE g.patient_id = p.id " \
  "AND g.key_version = p.key_version AND g.user_id = ?1)"

gboolean
cfd_record_foreach_readable (CfdVault *vault,
                             const char *patient_id,
                             CfdRecordReadFlags flags,
                             CfdRecordFunc func,
                             gpointer user_data,
                             GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  /* Only patients whose current key has been granted to this user. Two
   * statements, because "?2 IS NULL OR r.patient_id = ?2" would keep SQLite
   * from using the patient index and scan every record of the vault. */
  /* The search index reads every record in storage order: SQLite then
   * need not sort whole sealed rows. */
  sql = g_strconcat ("SELECT " RECORD_COLUMNS " FROM records r "
                     "JOIN temp.roster u ON u.id = r.author_id AND " AUTHOR_WAS_MEMBER " "
                     "JOIN patients p ON p.id = r.patient_id WHERE (" HOLDS_PATIENT_KEY,
                     cfd_scoped_keys_available (db) ? HOLDS_DETAILS_KEY : "", ") ",
                     patient_id != NULL ? "AND r.patient_id = ?2 " : "",
                     patient_id == NULL && (flags & CFD_RECORD_READ_STORAGE_ORDER) != 0
                         ? ""
                         : "ORDER BY r.occurred DESC, r.created DESC, r.id",
                     NULL);
  stmt = cfd_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  if (patient_id != NULL)
    sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GError *local_error = NULL;
      g_autoptr (CfdRecord) record
          = record_from_row (vault, stmt, (flags & CFD_RECORD_READ_UNVERIFIED) == 0, &local_error);

      /* Outside a supervisor's consent: not theirs to see, and not an error. */
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        {
          g_clear_error (&local_error);
          continue;
        }
      if (record == NULL)
        g_propagate_error (error, local_error);
      if (record == NULL || !func (record, user_data, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "listing records", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
append_to_store (CfdRecord *record, gpointer user_data, GError **error)
{
  g_list_store_append (user_data, record);
  return TRUE;
}

GListModel *
cfd_vault_list_records (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_RECORD);
  GError *local_error = NULL;
  guint key_version;

  g_return_val_if_fail (patient_id != NULL, NULL);
  if (!cfd_record_patient_access (vault, patient_id, "record.list", &key_version, error))
    return NULL;
  /* Read before the scan, so that a damaged page among them is reported
   * as such rather than in the middle of it. */
  if (!cfd_verified_cache_load (vault, patient_id, error))
    return NULL;
  if (!cfd_record_foreach_readable (vault, patient_id, CFD_RECORD_READ_DEFAULT, append_to_store,
                                    store, &local_error))
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
        cfd_vault_audit_standalone (vault, "record.list", "patient", patient_id, CFD_AUDIT_FAILURE);
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!audit_read (vault, "record.list", "patient", patient_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

GListModel *
cfd_vault_list_addenda (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_RECORD);
  g_autoptr (CfdRecord) parent = NULL;
  GError *local_error = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (record_id != NULL, NULL);
  /* Loading the record proves access to its patient and verifies it. */
  parent = cfd_record_load (vault, record_id, &local_error);
  if (parent == NULL)
    {
      audit_failed_read (vault, "record.list", record_id, local_error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  db = cfd_vault_get_db (vault, error);
  stmt = cfd_db_prepare (db,
                         "SELECT " RECORD_COLUMNS " FROM records r JOIN temp.roster u "
                         "ON u.id = r.author_id AND " AUTHOR_WAS_MEMBER " WHERE r.parent_id = ? "
                         "ORDER BY r.occurred, r.created, r.rowid",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdRecord) addendum = record_from_row (vault, stmt, TRUE, &local_error);

      /* Outside a supervisor's consent, as in the timeline: not shown. */
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        {
          g_clear_error (&local_error);
          continue;
        }
      /* The schema ties an addendum to its record's patient; a row that
       * says otherwise has been put there. */
      if (addendum != NULL && g_strcmp0 (addendum->patient_id, parent->patient_id) != 0)
        {
          g_clear_object (&addendum);
          tampered (&local_error);
        }
      if (addendum == NULL)
        {
          sqlite3_reset (stmt);
          audit_failed_read (vault, "record.list", record_id, local_error);
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_list_store_append (store, addendum);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "listing a record's addenda", error);
      return NULL;
    }
  if (!audit_read (vault, "record.list", "record", record_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

GListModel *
cfd_vault_list_revisions (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_RECORD);
  g_autoptr (CfdRecord) current = NULL;
  GError *local_error = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (record_id != NULL, NULL);
  /* Loading the current revision proves access and checks its signature. */
  current = cfd_record_load (vault, record_id, &local_error);
  if (current == NULL)
    {
      audit_failed_read (vault, "record.history", record_id, local_error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  db = cfd_vault_get_db (vault, error);
  stmt = cfd_db_prepare (db,
                         "SELECT revision, occurred, saved, key_version, sealed "
                         "FROM record_revisions WHERE record_id = ? ORDER BY revision",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdRecord) old = g_object_new (CFD_TYPE_RECORD, NULL);
      g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 4);

      old->id = g_strdup (current->id);
      old->patient_id = g_strdup (current->patient_id);
      old->parent_id = g_strdup (current->parent_id);
      old->author_id = g_strdup (current->author_id);
      old->kind = current->kind;
      old->category = current->category;
      old->status = CFD_RECORD_DRAFT;
      old->revision = (guint64)sqlite3_column_int64 (stmt, 0);
      old->occurred = sqlite3_column_int64 (stmt, 1);
      old->updated = sqlite3_column_int64 (stmt, 2);
      /* Each revision keeps the binding it was sealed with. */
      old->content = cfd_patient_key_unseal (
          vault, old->patient_id, (guint)sqlite3_column_int64 (stmt, 3), CFD_RECORDS_TABLE, old->id,
          old->revision, sealed, G_VARIANT_TYPE_VARDICT, &local_error);
      if (old->content == NULL || old->revision >= current->revision)
        {
          sqlite3_reset (stmt);
          if (local_error == NULL)
            tampered (&local_error);
          audit_failed_read (vault, "record.history", record_id, local_error);
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_list_store_append (store, old);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading a record's history", error);
      return NULL;
    }
  if (!audit_read (vault, "record.history", "record", record_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}
