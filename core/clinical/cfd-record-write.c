/* cfd-record-write.c: creating records, saving drafts, signing, and addenda. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-risk-level.h"
#include "cfd-scoped-key.h"
#include "cfd-session-link.h"
#include "cfd-template.h"

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gint64
now_seconds (CfdVault *vault)
{
  return cfd_vault_now (vault) / G_USEC_PER_SEC;
}

/* The canonical content of a draft: what was typed, valid or not (only
 * its shape is checked; validity is required at signing), with what core
 * computes filled in where it can be. */
static GVariant *
prepare_draft_content (CfdRecordKind kind, GVariant *content, GError **error)
{
  g_autoptr (GVariant) computed = NULL;

  if (!cfd_template_validate_draft (cfd_template_get (kind), content, error))
    return NULL;
  computed = cfd_template_compute_draft (cfd_template_get (kind), content);
  return cfd_record_content_canonical (computed);
}

static void
fail_in_transaction (CfdVault *vault, const char *action, const char *object_id, GError *error)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  if (db != NULL)
    cfd_db_rollback (db);
  if (g_error_matches (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED)
      || g_error_matches (error, CFD_ERROR, CFD_ERROR_IMMUTABLE))
    cfd_vault_audit_standalone (vault, action, "record", object_id, CFD_AUDIT_DENIED);
  else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    cfd_vault_audit_standalone (vault, action, "record", object_id, CFD_AUDIT_FAILURE);
}

static gboolean
insert_row (CfdVault *vault,
            const char *id,
            const char *patient_id,
            guint key_version,
            CfdRecordKind kind,
            CfdRecordCategory category,
            const char *parent_id,
            gint64 occurred,
            gint64 signed_at,
            const guint8 *signature,
            GVariant *canonical,
            GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GBytes) sealed = NULL;
  sqlite3_stmt *stmt;
  gint64 now = now_seconds (vault);

  sealed = cfd_patient_key_seal (vault, patient_id, key_version, CFD_RECORDS_TABLE, id, 1,
                                 canonical, error);
  if (sealed == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "INSERT INTO records (id, patient_id, parent_id, author_id, kind, class, "
                         "status, occurred, created, updated, signed_at, key_version, revision, "
                         "sealed, signature) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, 1, ?12, ?13)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  if (parent_id != NULL)
    sqlite3_bind_text (stmt, 3, parent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, cfd_record_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, cfd_record_category_to_string (category), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, signature != NULL ? "signed" : "draft", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, occurred);
  sqlite3_bind_int64 (stmt, 9, now);
  if (signature != NULL)
    {
      sqlite3_bind_int64 (stmt, 10, signed_at);
      sqlite3_bind_blob (stmt, 13, signature, CFD_SIGNATURE_BYTES, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 11, key_version);
  cfd_db_bind_bytes (stmt, 12, sealed);
  return cfd_db_step_done (db, stmt, error);
}

static gboolean
check_occurred (gint64 occurred, GError **error)
{
  /* Up to the year 9999: dates are shown and parsed as YYYY-MM-DD. */
  if (occurred < 0 || occurred > G_GINT64_CONSTANT (253402300799))
    return invalid (error, _ ("The record's date must be between 1970 and 9999"));
  return TRUE;
}

char *
cfd_vault_create_record (CfdVault *vault,
                         const char *patient_id,
                         CfdRecordKind kind,
                         gint64 occurred,
                         GVariant *content,
                         GError **error)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (GVariant) canonical = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  guint key_version;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, NULL);
  /* A floating content is taken, as GLib's own functions do. */
  owned = content != NULL ? g_variant_ref_sink (content) : NULL;
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.create", error))
    return NULL;
  if ((guint)kind > CFD_RECORD_LAST_KIND)
    {
      invalid (error, _ ("Unknown record kind"));
      return NULL;
    }
  if (kind == CFD_RECORD_MEASURE || kind == CFD_RECORD_ADDENDUM)
    {
      invalid (error, _ ("Measures and addenda are created by their own functions"));
      return NULL;
    }
  if (!check_occurred (occurred, error))
    return NULL;
  if (kind == CFD_RECORD_SESSION)
    {
      GVariant *filled = cfd_session_fill_from_dosing (vault, patient_id, occurred, owned);

      g_clear_pointer (&owned, g_variant_unref);
      owned = filled;
      content = owned;
    }
  canonical = prepare_draft_content (kind, content, error);
  if (canonical == NULL)
    return NULL;

  db = cfd_vault_get_db (vault, error);
  id = cfd_new_id ();
  if (!cfd_db_begin (db, error))
    return NULL;
  if (!cfd_record_patient_access (vault, patient_id, "record.create", &key_version, &local_error)
      || !insert_row (vault, id, patient_id, key_version, kind, cfd_record_kind_category (kind),
                      NULL, occurred, 0, NULL, canonical, &local_error)
      || !cfd_vault_audit (vault, "record.create", "record", id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    {
      cfd_db_rollback (db);
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        cfd_vault_audit_standalone (vault, "record.create", "patient", patient_id,
                                    CFD_AUDIT_DENIED);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&id);
}

/* Loads a record for a change by its author, inside the caller's
 * transaction so nothing moves between the check and the write. */
static CfdRecord *
load_own_draft (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) record = cfd_record_load (vault, record_id, error);

  if (record == NULL)
    return NULL;
  if (cfd_record_get_status (record) == CFD_RECORD_SIGNED)
    {
      g_set_error_literal (
          error, CFD_ERROR, CFD_ERROR_IMMUTABLE,
          _ ("This record is signed and cannot be changed; add an addendum instead"));
      return NULL;
    }
  if (g_strcmp0 (cfd_record_get_author_id (record), cfd_vault_get_user_id (vault)) != 0)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                           _ ("Only the author of a draft may change or sign it"));
      return NULL;
    }
  return g_steal_pointer (&record);
}

/* The revision being replaced moves to the history unchanged, still
 * sealed with the binding it was written under: its columns are copied
 * as stored. A one-row INSERT ... VALUES into a table without insert
 * triggers runs without a statement journal, where INSERT ... SELECT
 * needs one; on SQLCipher every page put in that journal is encrypted
 * and MACed once more, which was an eighth of a save. */
static gboolean
keep_revision (CfdDb *db, const char *record_id, GError **error)
{
  sqlite3_stmt *select;
  sqlite3_stmt *insert;
  int rc;

  select = cfd_db_prepare (db,
                           "SELECT patient_id, revision, occurred, updated, key_version, sealed "
                           "FROM records WHERE id = ?",
                           error);
  insert = select == NULL ? NULL
                          : cfd_db_prepare (db,
                                            "INSERT INTO record_revisions (record_id, patient_id, "
                                            "revision, occurred, saved, key_version, sealed) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                            error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (select, 1, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (select);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (select);
      if (rc == SQLITE_DONE)
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such record"));
      else
        cfd_db_set_error (db, rc, "reading a record", error);
      return FALSE;
    }
  sqlite3_bind_text (insert, 1, record_id, -1, SQLITE_TRANSIENT);
  /* sqlite3_bind_value copies, so the row can be released first. */
  for (int i = 0; i < 6; i++)
    sqlite3_bind_value (insert, i + 2, sqlite3_column_value (select, i));
  sqlite3_reset (select);
  return cfd_db_step_done (db, insert, error);
}

gboolean
cfd_vault_save_draft (
    CfdVault *vault, const char *record_id, gint64 occurred, GVariant *content, GError **error)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GVariant) canonical = NULL;
  g_autoptr (GBytes) sealed = NULL;
  GError *local_error = NULL;
  guint key_version;
  guint64 revision;
  sqlite3_stmt *stmt;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, FALSE);
  owned = content != NULL ? g_variant_ref_sink (content) : NULL;
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.save", error)
      || !check_occurred (occurred, error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  record = load_own_draft (vault, record_id, &local_error);
  if (record == NULL)
    goto failed;
  if (cfd_record_get_kind (record) == CFD_RECORD_ADDENDUM
      && occurred != cfd_record_get_occurred (record))
    {
      /* The date of an addendum says when it was written, which is what
       * makes it a later addition rather than a rewrite of the record. */
      invalid (&local_error, "An addendum is dated when it was begun; its date cannot be changed");
      goto failed;
    }
  if (cfd_record_get_kind (record) == CFD_RECORD_SESSION)
    {
      GVariant *filled = cfd_session_fill_from_dosing (vault, cfd_record_get_patient_id (record),
                                                       occurred, owned);

      g_clear_pointer (&owned, g_variant_unref);
      owned = filled;
      content = owned;
    }
  canonical = prepare_draft_content (cfd_record_get_kind (record), content, &local_error);
  if (canonical == NULL
      || !cfd_record_patient_access (vault, cfd_record_get_patient_id (record), "record.save",
                                     &key_version, &local_error))
    goto failed;

  revision = cfd_record_get_revision (record);
  if (!keep_revision (db, record_id, &local_error))
    goto failed;

  sealed
      = cfd_patient_key_seal (vault, cfd_record_get_patient_id (record), key_version,
                              CFD_RECORDS_TABLE, record_id, revision + 1, canonical, &local_error);
  if (sealed == NULL)
    goto failed;
  /* The date is set only when it changes: setting it, even to the value
   * it has, rewrites the record's entry in the timeline index. */
  stmt = cfd_db_prepare (db,
                         occurred != cfd_record_get_occurred (record)
                             ? "UPDATE records SET occurred = ?2, updated = ?3, key_version = ?4, "
                               "revision = ?5, sealed = ?6 WHERE id = ?1"
                             : "UPDATE records SET updated = ?3, key_version = ?4, revision = ?5, "
                               "sealed = ?6 WHERE id = ?1",
                         &local_error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, occurred);
  sqlite3_bind_int64 (stmt, 3, now_seconds (vault));
  sqlite3_bind_int64 (stmt, 4, key_version);
  sqlite3_bind_int64 (stmt, 5, (gint64)(revision + 1));
  cfd_db_bind_bytes (stmt, 6, sealed);
  if (!cfd_db_step_done (db, stmt, &local_error)
      || !cfd_vault_audit (vault, "record.save", "record", record_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return TRUE;

failed:
  fail_in_transaction (vault, "record.save", record_id, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
cfd_vault_discard_draft (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  GError *local_error = NULL;
  guint key_version;
  sqlite3_stmt *stmt;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, FALSE);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.discard", error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  record = load_own_draft (vault, record_id, &local_error);
  if (record == NULL
      || !cfd_record_patient_access (vault, cfd_record_get_patient_id (record), "record.discard",
                                     &key_version, &local_error))
    goto failed;
  /* The status condition repeats the check in SQL, and the schema's
   * trigger refuses a signed row whatever the statement; the revisions go
   * with the row (ON DELETE CASCADE). */
  stmt
      = cfd_db_prepare (db, "DELETE FROM records WHERE id = ?1 AND status = 'draft'", &local_error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, &local_error)
      || !cfd_vault_audit (vault, "record.discard", "record", record_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return TRUE;

failed:
  fail_in_transaction (vault, "record.discard", record_id, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* The record an addendum is attached to, loaded and verified: it must be
 * signed (a draft can still be edited) and not itself an addendum. */
static CfdRecord *
load_addendum_parent (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) parent = cfd_record_load (vault, record_id, error);

  if (parent == NULL)
    return NULL;
  if (cfd_record_get_status (parent) != CFD_RECORD_SIGNED
      || cfd_record_get_kind (parent) == CFD_RECORD_ADDENDUM)
    {
      invalid (error, _ ("An addendum is attached to a signed record that is not itself an "
                         "addendum; a draft can still be edited"));
      return NULL;
    }
  return g_steal_pointer (&parent);
}

static void
sign_hash (guint8 signature[CFD_SIGNATURE_BYTES], CfdVault *vault, const guint8 *hash)
{
  crypto_sign_detached (signature, NULL, hash, CFD_HASH_BYTES,
                        cfd_vault_get_sign_secret_key (vault));
}

/* A risk assessment that records ideation or behaviour raises the flag,
 * as PHQ-9 item 9 does (cfd-risk-level.c says what counts). */
static gboolean
risk_answers_raise_flag (CfdRecord *record)
{
  return cfd_record_get_kind (record) == CFD_RECORD_RISK
         && cfd_risk_raises_flag (cfd_record_get_content (record));
}

gboolean
cfd_vault_sign_record (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  CfdDosingThresholds thresholds;
  guint8 hash[CFD_HASH_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  GError *local_error = NULL;
  sqlite3_stmt *stmt;
  gint64 signed_at;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, FALSE);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.sign", error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  record = load_own_draft (vault, record_id, &local_error);
  if (record == NULL || !cfd_vault_get_dosing_thresholds (vault, &thresholds, &local_error)
      || !cfd_template_check_signable_with (cfd_template_get (cfd_record_get_kind (record)),
                                            cfd_record_get_content (record), &thresholds,
                                            &local_error)
      || (cfd_record_get_kind (record) == CFD_RECORD_SESSION
          && !cfd_session_check_dosing_link (vault, record, &local_error))
      || (cfd_record_get_kind (record) == CFD_RECORD_INTEGRATION
          && !cfd_integration_check_session_link (vault, record, &local_error)))
    goto failed;
  if (cfd_record_get_parent_id (record) != NULL)
    {
      /* A draft addendum is signed only onto a record that still verifies. */
      g_autoptr (CfdRecord) parent
          = load_addendum_parent (vault, cfd_record_get_parent_id (record), &local_error);

      if (parent == NULL)
        goto failed;
    }

  signed_at = now_seconds (vault);
  cfd_record_signature_hash (hash, vault, record_id, cfd_record_get_patient_id (record),
                             cfd_record_get_kind (record), cfd_record_get_category (record),
                             cfd_record_get_parent_id (record), cfd_record_get_author_id (record),
                             cfd_record_get_occurred (record), signed_at,
                             cfd_record_get_content (record));
  sign_hash (signature, vault, hash);
  stmt = cfd_db_prepare (db,
                         "UPDATE records SET status = 'signed', signed_at = ?2, signature = ?3 "
                         "WHERE id = ?1 AND status = 'draft'",
                         &local_error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, signed_at);
  sqlite3_bind_blob (stmt, 3, signature, sizeof signature, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, &local_error)
      || !cfd_record_key_seal_signed (vault, record_id, &local_error)
      || (risk_answers_raise_flag (record)
          && !cfd_patient_raise_risk_flag (vault, cfd_record_get_patient_id (record), record_id,
                                           &local_error))
      || !cfd_vault_audit (vault, "record.sign", "record", record_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return TRUE;

failed:
  fail_in_transaction (vault, "record.sign", record_id, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

char *
cfd_record_insert_signed (CfdVault *vault,
                          const char *patient_id,
                          guint key_version,
                          CfdRecordKind kind,
                          CfdRecordCategory category,
                          const char *parent_id,
                          gint64 occurred,
                          GVariant *content,
                          GError **error)
{
  g_autofree char *id = cfd_new_id ();
  g_autoptr (GVariant) canonical = cfd_record_content_canonical (content);
  guint8 hash[CFD_HASH_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
  gint64 signed_at = now_seconds (vault);

  cfd_record_signature_hash (hash, vault, id, patient_id, kind, category, parent_id,
                             cfd_vault_get_user_id (vault), occurred, signed_at, canonical);
  sign_hash (signature, vault, hash);
  if (!insert_row (vault, id, patient_id, key_version, kind, category, parent_id, occurred,
                   signed_at, signature, canonical, error)
      || !cfd_record_key_seal_signed (vault, id, error))
    return NULL;
  return g_steal_pointer (&id);
}

char *
cfd_vault_add_addendum (CfdVault *vault, const char *record_id, GVariant *content, GError **error)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_ADDENDUM);
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (CfdRecord) parent = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  guint key_version;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, NULL);
  owned = content != NULL ? g_variant_ref_sink (content) : NULL;
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.addendum", error)
      || !cfd_template_validate (tmpl, content, error)
      || !cfd_template_check_complete (tmpl, content, error))
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  parent = load_addendum_parent (vault, record_id, &local_error);
  if (parent == NULL
      || !cfd_record_patient_access (vault, cfd_record_get_patient_id (parent), "record.addendum",
                                     &key_version, &local_error))
    goto failed;
  id = cfd_record_insert_signed (vault, cfd_record_get_patient_id (parent), key_version,
                                 CFD_RECORD_ADDENDUM, cfd_record_get_category (parent), record_id,
                                 now_seconds (vault), content, &local_error);
  if (id == NULL
      || !cfd_vault_audit (vault, "record.addendum", "record", id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  fail_in_transaction (vault, "record.addendum", record_id, local_error);
  g_propagate_error (error, local_error);
  return NULL;
}

char *
cfd_vault_create_addendum_draft (CfdVault *vault,
                                 const char *record_id,
                                 GVariant *content,
                                 GError **error)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (GVariant) canonical = NULL;
  g_autoptr (CfdRecord) parent = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  guint key_version;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, NULL);
  owned = content != NULL ? g_variant_ref_sink (content) : NULL;
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "record.create", error))
    return NULL;
  /* Like any draft: kept as typed, complete or not. */
  canonical = prepare_draft_content (CFD_RECORD_ADDENDUM, content, error);
  if (canonical == NULL)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  parent = load_addendum_parent (vault, record_id, &local_error);
  if (parent == NULL
      || !cfd_record_patient_access (vault, cfd_record_get_patient_id (parent), "record.create",
                                     &key_version, &local_error))
    goto failed;
  id = cfd_new_id ();
  if (!insert_row (vault, id, cfd_record_get_patient_id (parent), key_version, CFD_RECORD_ADDENDUM,
                   cfd_record_get_category (parent), record_id, now_seconds (vault), 0, NULL,
                   canonical, &local_error)
      || !cfd_vault_audit (vault, "record.create", "record", id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  fail_in_transaction (vault, "record.create", record_id, local_error);
  g_propagate_error (error, local_error);
  return NULL;
}
