/* cfd-retention.c: how long a patient's records must be kept: the practice's rule and each patient's date.
 *
 * The rule is a practice setting (vault_meta 'retention_rule'); a patient's
 * date is computed from the last signed record and the birth date, and a
 * date set by hand can only extend it. docs/CLINICAL.md gives each rule's
 * source. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cfd-date.h"
#include "cfd-patient-private.h"
#include "cfd-retention-private.h"

#define RULE_SETTING "retention_rule"

/* Sources in docs/CLINICAL.md, "Retention". */
static const CfdRetentionRule rules[] = {
  { "apa-2007", "Psychologists (APA): 7 years; minors until 3 years after majority",
    "APA Record Keeping Guidelines (2007), guideline 7", 7, 21 },
  { "texas-22-tac-165.1", "Physicians in Texas: 7 years; minors until 21 if longer",
    "22 Tex. Admin. Code \xC2\xA7 165.1(b)", 7, 21 },
  { "hipaa-164.316", "6 years (HIPAA documentation; not a medical-record rule)",
    "45 CFR 164.316(b)(2)(i)", 6, 0 },
};

const CfdRetentionRule *
cfd_retention_rules (guint *n_rules)
{
  *n_rules = G_N_ELEMENTS (rules);
  return rules;
}

const CfdRetentionRule *
cfd_retention_rule_find (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].id, id) == 0)
      return &rules[i];
  return NULL;
}

const CfdRetentionRule *
cfd_retention_rule_default (void)
{
  /* Confidant's default: the APA guideline, the longer of the common rules
   * for adults and the one written for the psychotherapists who use it. */
  return &rules[0];
}

const CfdRetentionRule *
cfd_vault_get_retention_rule (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const CfdRetentionRule *rule = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT value FROM vault_meta WHERE key = '" RULE_SETTING "'", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      rule = cfd_retention_rule_find ((const char *)sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      if (rule == NULL)
        g_set_error_literal (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                             _ ("The practice's retention rule is not one this version of "
                                "Confidant knows"));
      return rule;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the retention rule", error);
      return NULL;
    }
  return cfd_retention_rule_default ();
}

gboolean
cfd_vault_set_retention_rule (CfdVault *vault, const char *rule_id, GError **error)
{
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, "practice.retention-rule", error))
    return FALSE;
  if (cfd_retention_rule_find (rule_id) == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("No retention rule is called “%s”"), rule_id != NULL ? rule_id : "");
      return FALSE;
    }
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO vault_meta (key, value) "
                         "VALUES ('" RULE_SETTING "', ?)",
                         error);
  if (stmt == NULL)
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, rule_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "practice.retention-rule", "vault", cfd_vault_get_id (vault),
                           CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* Midnight UTC of the day holding the second, years later. */
static gint64
add_years (gint64 seconds, guint years)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (seconds);
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) later = NULL;

  day = g_date_time_new_utc (g_date_time_get_year (when), g_date_time_get_month (when),
                             g_date_time_get_day_of_month (when), 0, 0, 0);
  /* 29 February plus years lands on 28 February in other years. */
  later = g_date_time_add_years (day, (int)years);
  return later != NULL ? g_date_time_to_unix (later) : G_MAXINT64;
}

/* Midnight UTC of the day someone born on birth_date (YYYY-MM-DD, any
 * year, 1970 or not) turns age; FALSE for a date that is not one. */
static gboolean
birthday_at (const char *birth_date, guint age, gint64 *seconds)
{
  g_autoptr (GDateTime) day = NULL;
  int year, month, dom;

  if (birth_date == NULL || !cfd_date_is_valid (birth_date)
      || sscanf (birth_date, "%4d-%2d-%2d", &year, &month, &dom) != 3)
    return FALSE;
  /* Born on 29 February: the birthday falls on 28 February in other years. */
  if (month == 2 && dom == 29 && !g_date_is_leap_year ((GDateYear)(year + (int)age)))
    dom = 28;
  day = g_date_time_new_utc (year + (int)age, month, dom, 0, 0, 0);
  if (day == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (day);
  return TRUE;
}

static gboolean
last_signed (CfdVault *vault, const char *patient_id, gint64 *last, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "SELECT coalesce(max(max(occurred, signed_at)), 0) FROM records "
                         "WHERE patient_id = ? AND status = 'signed'",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *last = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "reading the last signed record", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_retention_compute (CfdVault *vault,
                       const char *patient_id,
                       const char *birth_date,
                       gint64 manual_until,
                       CfdRetention *retention,
                       GError **error)
{
  const CfdRetentionRule *rule = cfd_vault_get_retention_rule (vault, error);
  gint64 minor_until = 0;

  memset (retention, 0, sizeof *retention);
  if (rule == NULL || !last_signed (vault, patient_id, &retention->last_signed, error))
    return FALSE;
  retention->rule = rule;
  retention->manual_until = manual_until;

  if (retention->last_signed == 0)
    retention->status = CFD_RETENTION_NOTHING_SIGNED;
  else if (rule->minor_until_age != 0
           && !birthday_at (birth_date, rule->minor_until_age, &minor_until))
    retention->status = CFD_RETENTION_UNKNOWN;
  else
    {
      retention->status = CFD_RETENTION_KNOWN;
      retention->rule_until
          = MAX (add_years (retention->last_signed, rule->years_after_last), minor_until);
    }
  retention->keep_until = MAX (retention->rule_until, manual_until);
  if (retention->status == CFD_RETENTION_NOTHING_SIGNED && manual_until != 0)
    retention->status = CFD_RETENTION_KNOWN;
  return TRUE;
}

gboolean
cfd_vault_get_patient_retention (CfdVault *vault,
                                 const char *patient_id,
                                 CfdRetention *retention,
                                 GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;

  g_return_val_if_fail (patient_id != NULL, FALSE);
  /* Loading proves the user may read this patient. */
  patient = cfd_patient_load (vault, patient_id, error);
  return patient != NULL
         && cfd_retention_compute (vault, patient_id,
                                   cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE),
                                   cfd_patient_get_retention_until (patient), retention, error);
}

gboolean
cfd_retention_allows_deletion (const CfdRetention *retention, gint64 now_seconds)
{
  return retention->status != CFD_RETENTION_UNKNOWN && now_seconds >= retention->keep_until;
}

static CfdAd *
disposition_message (const char *vault_id,
                     const char *id,
                     const char *patient_id,
                     gint64 deleted_at,
                     const char *rule_id,
                     gint64 retain_until,
                     const char *reason,
                     const char *deleted_by)
{
  CfdAd *msg = cfd_ad_new ("confidant/disposition/v1");

  cfd_ad_add_string (msg, vault_id);
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_uint (msg, (guint64)deleted_at);
  cfd_ad_add_string (msg, rule_id);
  cfd_ad_add_uint (msg, (guint64)retain_until);
  cfd_ad_add_uint (msg, reason != NULL);
  cfd_ad_add_string (msg, reason != NULL ? reason : "");
  cfd_ad_add_string (msg, deleted_by);
  return msg;
}

gboolean
cfd_retention_add_disposition (CfdVault *vault,
                               const char *patient_id,
                               const CfdRetention *retention,
                               const char *reason,
                               GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *id = cfd_new_id ();
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  gint64 until = retention->status == CFD_RETENTION_KNOWN ? retention->keep_until : 0;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[crypto_sign_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  sqlite3_stmt *stmt;

  if (db == NULL)
    return FALSE;
  msg = disposition_message (cfd_vault_get_id (vault), id, patient_id, now, retention->rule->id,
                             until, reason, cfd_vault_get_user_id (vault));
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));
  stmt
      = cfd_db_prepare (db,
                        "INSERT INTO dispositions (id, patient_id, deleted_at, rule, retain_until, "
                        "override_reason, deleted_by, signature) "
                        "VALUES (?, ?, ?, ?, nullif(?, 0), ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_text (stmt, 4, retention->rule->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, until);
  if (reason != NULL)
    sqlite3_bind_text (stmt, 6, reason, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_text (stmt, 7, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 8, signature, sizeof signature, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error);
}

void
cfd_disposition_free (CfdDisposition *disposition)
{
  if (disposition == NULL)
    return;
  g_free (disposition->patient_id);
  g_free (disposition->rule_id);
  g_free (disposition->override_reason);
  g_free (disposition->deleted_by);
  g_free (disposition);
}

GPtrArray *
cfd_vault_list_dispositions (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_disposition_free);
  CfdDb *db;
  sqlite3_stmt *stmt;
  int rc;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, "practice.dispositions", error))
    return NULL;
  db = cfd_vault_get_db (vault, error);
  /* Only the owner deletes patients, so only the owner's key signs these. */
  stmt = cfd_db_prepare (db,
                         "SELECT d.id, d.patient_id, d.deleted_at, d.rule, "
                         "coalesce(d.retain_until, 0), d.override_reason, d.deleted_by, "
                         "d.signature, u.sign_pk, u.role FROM dispositions d "
                         "LEFT JOIN temp.roster u ON u.id = d.deleted_by "
                         "ORDER BY d.deleted_at, d.rowid",
                         error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdDisposition) d = g_new0 (CfdDisposition, 1);
      g_autoptr (CfdAd) msg = NULL;
      const char *id = (const char *)sqlite3_column_text (stmt, 0);
      const guint8 *msg_data;
      gsize msg_len;

      d->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      d->deleted_at = sqlite3_column_int64 (stmt, 2);
      d->rule_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      d->retain_until = sqlite3_column_int64 (stmt, 4);
      d->override_reason = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      d->deleted_by = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      msg = disposition_message (cfd_vault_get_id (vault), id, d->patient_id, d->deleted_at,
                                 d->rule_id, d->retain_until, d->override_reason, d->deleted_by);
      msg_data = cfd_ad_data (msg, &msg_len);
      if (g_strcmp0 ((const char *)sqlite3_column_text (stmt, 9), "owner") != 0
          || sqlite3_column_bytes (stmt, 7) != crypto_sign_BYTES
          || sqlite3_column_bytes (stmt, 8) != crypto_sign_PUBLICKEYBYTES
          || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 7), msg_data, msg_len,
                                          sqlite3_column_blob (stmt, 8))
                 != 0)
        {
          sqlite3_reset (stmt);
          g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                               _ ("A disposition entry failed verification; the vault may have "
                                  "been tampered with"));
          return NULL;
        }
      g_ptr_array_add (list, g_steal_pointer (&d));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading disposition entries", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}
