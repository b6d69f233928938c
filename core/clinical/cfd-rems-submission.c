/* cfd-rems-submission.c: when a REMS Patient Monitoring Form was sent, and its confirmation number.
 *
 * One row of rems_submissions per entry, signed by the clinician who made
 * it over the record, the day and a hash of the sealed confirmation, and
 * checked against the signed roster when read. A correction is a new
 * entry: the latest one counts, the earlier ones stay. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-date.h"
#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-rems-form-private.h"

#define TABLE             "rems_submissions"
#define SECONDS_PER_DAY   86400
#define CONFIRMATION_TYPE G_VARIANT_TYPE_VARDICT

void
cfd_rems_submission_free (CfdRemsSubmission *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->record_id);
  cfd_wipe_string (self->confirmation);
  g_free (self->actor_id);
  g_free (self->actor_name);
  g_free (self);
}

static CfdAd *
entry_message (CfdVault *vault,
               const char *id,
               const char *patient_id,
               const char *record_id,
               gint64 submitted_on,
               const char *actor_id,
               gint64 time,
               GVariant *content)
{
  CfdAd *msg = cfd_ad_new ("confidant/rems-submission/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (content);
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, record_id);
  cfd_ad_add_uint (msg, (guint64)submitted_on);
  cfd_ad_add_string (msg, actor_id);
  cfd_ad_add_uint (msg, (guint64)time);
  cfd_ad_add_bytes (msg, digest, sizeof digest);
  return msg;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
check_confirmation (const char *text, GError **error)
{
  g_autofree char *stripped = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return invalid (error, _ ("The confirmation number must be UTF-8 text"));
  if (strchr (text, '\n') != NULL || strchr (text, '\r') != NULL)
    return invalid (error, _ ("The confirmation number must be one line"));
  if (g_utf8_strlen (text, -1) > CFD_REMS_MAX_CONFIRMATION_CHARS)
    return invalid (error, _ ("The confirmation number is longer than 200 characters"));
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return invalid (error, _ ("Give the confirmation number the REMS returned"));
  return TRUE;
}

static gboolean
insert_entry (CfdVault *vault,
              CfdRecord *record,
              guint key_version,
              gint64 submitted_on,
              const char *confirmation,
              GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const char *patient_id = cfd_record_get_patient_id (record);
  g_autofree char *id = cfd_new_id ();
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[crypto_sign_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  GVariantDict dict;
  sqlite3_stmt *stmt;

  if (db == NULL)
    return FALSE;
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "confirmation", "s", confirmation);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  sealed = cfd_patient_key_seal (vault, patient_id, key_version, TABLE, id, 1, content, error);
  if (sealed == NULL)
    return FALSE;
  msg = entry_message (vault, id, patient_id, cfd_record_get_id (record), submitted_on,
                       cfd_vault_get_user_id (vault), now, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));

  stmt = cfd_db_prepare (db,
                         "INSERT INTO rems_submissions (id, patient_id, record_id, submitted_on, "
                         "actor_id, time, key_version, revision, sealed, signature) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cfd_record_get_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, submitted_on);
  sqlite3_bind_text (stmt, 5, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_int64 (stmt, 7, key_version);
  cfd_db_bind_bytes (stmt, 8, sealed);
  sqlite3_bind_blob (stmt, 9, signature, sizeof signature, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error)
         && cfd_vault_audit (vault, "rems.submitted", "record", cfd_record_get_id (record),
                             CFD_AUDIT_SUCCESS, NULL, error);
}

gboolean
cfd_vault_record_rems_submission (CfdVault *vault,
                                  const char *record_id,
                                  gint64 submitted_on,
                                  const char *confirmation,
                                  GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  GError *local_error = NULL;
  gint64 now, day;
  CfdDb *db;

  g_return_val_if_fail (record_id != NULL, FALSE);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "rems.submitted", error)
      || !check_confirmation (confirmation, error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  record = cfd_record_load (vault, record_id, &local_error);
  if (record == NULL || !cfd_rems_form_check_record (record, &local_error))
    goto failed;
  day = submitted_on - submitted_on % SECONDS_PER_DAY;
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  if (day < cfd_record_get_occurred (record) - cfd_record_get_occurred (record) % SECONDS_PER_DAY)
    {
      invalid (&local_error, "The form cannot have been submitted before the session");
      goto failed;
    }
  if (day > now - now % SECONDS_PER_DAY)
    {
      invalid (&local_error, "The submission date is in the future");
      goto failed;
    }
  patient = cfd_patient_load (vault, cfd_record_get_patient_id (record), &local_error);
  if (patient == NULL
      || !insert_entry (vault, record, cfd_patient_get_key_version (patient), day, confirmation,
                        &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (db);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, "rems.submitted", "record", record_id, CFD_AUDIT_DENIED);
  else if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_LOCKED))
    cfd_vault_audit_standalone (vault, "rems.submitted", "record", record_id, CFD_AUDIT_FAILURE);
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
tampered (GError **error)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("A REMS submission entry failed verification; the vault may have been "
                          "tampered with"));
  return FALSE;
}

/* Columns: id, patient_id, record_id, submitted_on, actor_id, time,
 * key_version, sealed, signature, role, sign_pk, name. */
static CfdRemsSubmission *
entry_from_row (CfdVault *vault, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdRemsSubmission) entry = g_new0 (CfdRemsSubmission, 1);
  const char *patient_id = (const char *)sqlite3_column_text (stmt, 1);
  const char *role = (const char *)sqlite3_column_text (stmt, 9);
  g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 7);
  g_autoptr (GVariant) content = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const char *confirmation = NULL;
  const guint8 *msg_data;
  gsize msg_len;

  entry->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  entry->record_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  entry->submitted_on = sqlite3_column_int64 (stmt, 3);
  entry->actor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  entry->time = sqlite3_column_int64 (stmt, 5);
  entry->actor_name = g_strdup ((const char *)sqlite3_column_text (stmt, 11));
  if (entry->id == NULL || patient_id == NULL || entry->actor_id == NULL || sealed == NULL)
    {
      tampered (error);
      return NULL;
    }
  content = cfd_patient_key_unseal (vault, patient_id, (guint)sqlite3_column_int64 (stmt, 6), TABLE,
                                    entry->id, 1, sealed, CONFIRMATION_TYPE, error);
  if (content == NULL)
    return NULL;
  msg = entry_message (vault, entry->id, patient_id, entry->record_id, entry->submitted_on,
                       entry->actor_id, entry->time, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  if ((g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "therapist") != 0)
      || sqlite3_column_bytes (stmt, 8) != crypto_sign_BYTES
      || sqlite3_column_bytes (stmt, 10) != crypto_sign_PUBLICKEYBYTES
      || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 8), msg_data, msg_len,
                                      sqlite3_column_blob (stmt, 10))
             != 0
      || !g_variant_lookup (content, "confirmation", "&s", &confirmation))
    {
      tampered (error);
      return NULL;
    }
  entry->confirmation = g_strdup (confirmation);
  return g_steal_pointer (&entry);
}

CfdRemsSubmission *
cfd_rems_submission_latest (CfdVault *vault, CfdRecord *record, GError **error)
{
  const char *record_id = cfd_record_get_id (record);
  CfdRemsSubmission *entry = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  db = cfd_vault_get_db (vault, error);
  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT s.id, s.patient_id, s.record_id, s.submitted_on, s.actor_id, "
                         "s.time, s.key_version, s.sealed, s.signature, u.role, u.sign_pk, u.name "
                         "FROM rems_submissions s LEFT JOIN temp.roster u ON u.id = s.actor_id "
                         "WHERE s.record_id = ? AND s.patient_id = ? "
                         "ORDER BY s.time DESC, s.rowid DESC LIMIT 1",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cfd_record_get_patient_id (record), -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = entry_from_row (vault, stmt, error);
  else if (rc != SQLITE_DONE)
    cfd_db_set_error (db, rc, "reading the REMS submissions", error);
  sqlite3_reset (stmt);
  return entry;
}

CfdRemsSubmission *
cfd_vault_get_rems_submission (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) record = NULL;

  g_return_val_if_fail (record_id != NULL, NULL);
  /* Loading proves the user may read the record's patient. */
  record = cfd_record_load (vault, record_id, error);
  if (record == NULL)
    return NULL;
  return cfd_rems_submission_latest (vault, record, error);
}
