/* cfd-risk-flag.c: a patient's risk flag and its history: raised, reviewed, resolved, each signed.
 *
 * The flag itself stays where the views read it (the risk-flag detail of
 * the patient, sealed); this file keeps why it went up and what was done
 * about it. Every step is a row of risk_flag_entries signed with its
 * actor's Ed25519 key over the step, the record that raised it and a hash
 * of the action text, and checked against the signed roster when read. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-risk-flag-private.h"

#define TABLE     "risk_flag_entries"
#define TEXT_TYPE G_VARIANT_TYPE_VARDICT

struct _CfdRiskFlagEntry
{
  GObject parent_instance;

  char *id;
  guint cycle;
  CfdRiskFlagStep step;
  char *record_id;
  char *actor_id;
  char *actor_name;
  gint64 time;
  GVariant *sealed_content; /* {"action": s}; its buffer is wiped when freed */
  gboolean carried_over;
};

G_DEFINE_FINAL_TYPE (CfdRiskFlagEntry, cfd_risk_flag_entry, G_TYPE_OBJECT)

static void
cfd_risk_flag_entry_finalize (GObject *object)
{
  CfdRiskFlagEntry *self = CFD_RISK_FLAG_ENTRY (object);

  g_free (self->id);
  g_free (self->record_id);
  g_free (self->actor_id);
  g_free (self->actor_name);
  g_clear_pointer (&self->sealed_content, g_variant_unref);
  G_OBJECT_CLASS (cfd_risk_flag_entry_parent_class)->finalize (object);
}

static void
cfd_risk_flag_entry_class_init (CfdRiskFlagEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_risk_flag_entry_finalize;
}

static void
cfd_risk_flag_entry_init (CfdRiskFlagEntry *self)
{
}

const char *
cfd_risk_flag_entry_get_id (CfdRiskFlagEntry *self)
{
  return self->id;
}

guint
cfd_risk_flag_entry_get_cycle (CfdRiskFlagEntry *self)
{
  return self->cycle;
}

CfdRiskFlagStep
cfd_risk_flag_entry_get_step (CfdRiskFlagEntry *self)
{
  return self->step;
}

const char *
cfd_risk_flag_entry_get_record_id (CfdRiskFlagEntry *self)
{
  return self->record_id;
}

const char *
cfd_risk_flag_entry_get_actor_id (CfdRiskFlagEntry *self)
{
  return self->actor_id;
}

const char *
cfd_risk_flag_entry_get_actor_name (CfdRiskFlagEntry *self)
{
  return self->actor_name;
}

gint64
cfd_risk_flag_entry_get_time (CfdRiskFlagEntry *self)
{
  return self->time;
}

const char *
cfd_risk_flag_entry_get_text (CfdRiskFlagEntry *self)
{
  const char *text = NULL;

  if (self->sealed_content == NULL
      || !g_variant_lookup (self->sealed_content, "action", "&s", &text))
    return NULL;
  return text;
}

gboolean
cfd_risk_flag_entry_get_carried_over (CfdRiskFlagEntry *self)
{
  return self->carried_over;
}

static const char *const step_names[] = { "raised", "reviewed", "resolved" };

const char *
cfd_risk_flag_step_to_string (CfdRiskFlagStep step)
{
  g_return_val_if_fail (step <= CFD_RISK_FLAG_RESOLVED, NULL);
  return step_names[step];
}

static gboolean
step_from_string (const char *text, CfdRiskFlagStep *step)
{
  for (guint i = 0; i < G_N_ELEMENTS (step_names); i++)
    if (g_strcmp0 (text, step_names[i]) == 0)
      {
        *step = (CfdRiskFlagStep)i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
tampered (GError **error)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("A risk flag entry failed verification; the vault may have been tampered "
                          "with"));
  return FALSE;
}

/* What the actor signs: the step in full, and the action text by its hash
 * (the text itself is sealed, and the message is not wiped). */
static CfdAd *
entry_message (CfdVault *vault,
               const char *id,
               const char *patient_id,
               guint cycle,
               CfdRiskFlagStep step,
               const char *record_id,
               const char *actor_id,
               gint64 time,
               GVariant *content)
{
  CfdAd *msg = cfd_ad_new ("confidant/risk-flag/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (content);
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_uint (msg, cycle);
  cfd_ad_add_string (msg, step_names[step]);
  cfd_ad_add_string (msg, record_id != NULL ? record_id : "");
  cfd_ad_add_string (msg, actor_id);
  cfd_ad_add_uint (msg, (guint64)time);
  cfd_ad_add_bytes (msg, digest, sizeof digest);
  return msg;
}

static gboolean
insert_step (CfdVault *vault,
             const char *patient_id,
             guint key_version,
             guint cycle,
             CfdRiskFlagStep step,
             const char *record_id,
             const char *text,
             GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
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
  if (text != NULL)
    g_variant_dict_insert (&dict, "action", "s", text);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  sealed = cfd_patient_key_seal (vault, patient_id, key_version, TABLE, id, 1, content, error);
  if (sealed == NULL)
    return FALSE;
  msg = entry_message (vault, id, patient_id, cycle, step, record_id, cfd_vault_get_user_id (vault),
                       now, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));

  stmt = cfd_db_prepare (db,
                         "INSERT INTO risk_flag_entries (id, patient_id, cycle, step, record_id, "
                         "actor_id, time, key_version, revision, sealed, signature) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, cycle);
  sqlite3_bind_text (stmt, 4, step_names[step], -1, SQLITE_STATIC);
  if (record_id != NULL)
    sqlite3_bind_text (stmt, 5, record_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_text (stmt, 6, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, key_version);
  cfd_db_bind_bytes (stmt, 9, sealed);
  sqlite3_bind_blob (stmt, 10, signature, sizeof signature, SQLITE_TRANSIENT);
  /* Raising is audited by the caller as patient.risk-flag, as it always was. */
  return cfd_db_step_done (db, stmt, error)
         && (step == CFD_RISK_FLAG_RAISED
             || cfd_vault_audit (
                 vault, step == CFD_RISK_FLAG_REVIEWED ? "risk-flag.review" : "risk-flag.resolve",
                 "patient", patient_id, CFD_AUDIT_SUCCESS, NULL, error));
}

static gboolean
max_cycle (CfdVault *vault, const char *patient_id, guint *cycle, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (
      db, "SELECT coalesce(max(cycle), 0) FROM risk_flag_entries WHERE patient_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *cycle = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "reading the risk flag", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_risk_flag_add_raised (CfdVault *vault,
                          const char *patient_id,
                          guint key_version,
                          const char *record_id,
                          GError **error)
{
  guint cycle = 0;

  g_return_val_if_fail (record_id != NULL, FALSE);
  return max_cycle (vault, patient_id, &cycle, error)
         && insert_step (vault, patient_id, key_version, cycle + 1, CFD_RISK_FLAG_RAISED, record_id,
                         NULL, error);
}

/* Structure from the row; signed steps unsealed and verified against the
 * roster (owner or therapist), carried-over steps checked against the
 * signed record they name. */
static CfdRiskFlagEntry *
entry_from_row (CfdVault *vault, const char *patient_id, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdRiskFlagEntry) entry = g_object_new (CFD_TYPE_RISK_FLAG_ENTRY, NULL);
  const char *role = (const char *)sqlite3_column_text (stmt, 9);

  entry->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  entry->cycle = (guint)sqlite3_column_int64 (stmt, 1);
  entry->record_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  entry->actor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  entry->time = sqlite3_column_int64 (stmt, 5);
  entry->actor_name = g_strdup ((const char *)sqlite3_column_text (stmt, 11));
  if (entry->id == NULL || entry->actor_id == NULL
      || !step_from_string ((const char *)sqlite3_column_text (stmt, 2), &entry->step))
    {
      tampered (error);
      return NULL;
    }

  if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
    {
      /* Carried over: only a raised step naming a signed record of this
       * patient (column 12 says one exists). */
      if (entry->step != CFD_RISK_FLAG_RAISED || sqlite3_column_int (stmt, 12) == 0)
        {
          tampered (error);
          return NULL;
        }
      entry->carried_over = TRUE;
      return g_steal_pointer (&entry);
    }

  {
    g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 7);
    g_autoptr (CfdAd) msg = NULL;
    const guint8 *msg_data;
    gsize msg_len;

    entry->sealed_content
        = cfd_patient_key_unseal (vault, patient_id, (guint)sqlite3_column_int64 (stmt, 6), TABLE,
                                  entry->id, 1, sealed, TEXT_TYPE, error);
    if (entry->sealed_content == NULL)
      return NULL;
    msg = entry_message (vault, entry->id, patient_id, entry->cycle, entry->step, entry->record_id,
                         entry->actor_id, entry->time, entry->sealed_content);
    msg_data = cfd_ad_data (msg, &msg_len);
    if ((g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "therapist") != 0)
        || sqlite3_column_bytes (stmt, 8) != crypto_sign_BYTES
        || sqlite3_column_bytes (stmt, 10) != crypto_sign_PUBLICKEYBYTES
        || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 8), msg_data, msg_len,
                                        sqlite3_column_blob (stmt, 10))
               != 0
        || (entry->step != CFD_RISK_FLAG_RAISED && cfd_risk_flag_entry_get_text (entry) == NULL))
      {
        tampered (error);
        return NULL;
      }
  }
  return g_steal_pointer (&entry);
}

/* Unaudited: the callers audit what they do. */
static GListStore *
load_entries (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_RISK_FLAG_ENTRY);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT e.id, e.cycle, e.step, e.record_id, e.actor_id, e.time, "
                         "e.key_version, e.sealed, e.signature, u.role, u.sign_pk, u.name, "
                         "EXISTS (SELECT 1 FROM records r WHERE r.id = e.record_id "
                         "AND r.patient_id = e.patient_id AND r.status = 'signed') "
                         "FROM risk_flag_entries e LEFT JOIN temp.roster u ON u.id = e.actor_id "
                         "WHERE e.patient_id = ? ORDER BY e.cycle, e.time, e.rowid",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdRiskFlagEntry) entry = entry_from_row (vault, patient_id, stmt, error);

      if (entry == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_list_store_append (store, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the risk flag", error);
      return NULL;
    }
  return g_steal_pointer (&store);
}

GListModel *
cfd_vault_list_risk_flag (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListStore) store = NULL;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, NULL);
  /* Loading proves the user may read this patient. */
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  store = load_entries (vault, patient_id, error);
  if (store == NULL)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "risk-flag.list", "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
check_text (const char *text, GError **error)
{
  g_autofree char *stripped = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return invalid (error, _ ("The action taken must be UTF-8 text"));
  if (strlen (text) > CFD_RISK_FLAG_MAX_TEXT_BYTES)
    return invalid (error, _ ("The action taken is longer than 16 KiB"));
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return invalid (error, _ ("Write down the action taken"));
  cfd_wipe_string (g_steal_pointer (&stripped));
  return TRUE;
}

/* The open cycle: the last one, unless it ended resolved. A flag raised
 * before any history was kept (set in the patient's details, no raised
 * step found) is open as the next cycle. Sets *reviewed when the open
 * cycle has a review. */
static gboolean
open_cycle (GListModel *entries, gboolean flag_set, guint *cycle, gboolean *reviewed)
{
  guint n = g_list_model_get_n_items (entries);
  guint last_cycle = 0;
  CfdRiskFlagStep last_step = CFD_RISK_FLAG_RESOLVED;

  *reviewed = FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdRiskFlagEntry) entry = g_list_model_get_item (entries, i);

      if (entry->cycle != last_cycle)
        *reviewed = FALSE;
      last_cycle = entry->cycle;
      last_step = entry->step;
      *reviewed |= entry->step == CFD_RISK_FLAG_REVIEWED;
    }
  if (last_cycle != 0 && last_step != CFD_RISK_FLAG_RESOLVED)
    {
      *cycle = last_cycle;
      return TRUE;
    }
  *reviewed = FALSE;
  *cycle = last_cycle + 1;
  return flag_set;
}

static gboolean
take_step (
    CfdVault *vault, const char *patient_id, CfdRiskFlagStep step, const char *text, GError **error)
{
  const char *action = step == CFD_RISK_FLAG_REVIEWED ? "risk-flag.review" : "risk-flag.resolve";
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListStore) entries = NULL;
  GError *local_error = NULL;
  gboolean reviewed;
  guint cycle;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, FALSE);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, action, error)
      || !check_text (text, error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  patient = cfd_patient_load (vault, patient_id, &local_error);
  if (patient == NULL)
    goto failed;
  entries = load_entries (vault, patient_id, &local_error);
  if (entries == NULL)
    goto failed;
  if (!open_cycle (G_LIST_MODEL (entries), cfd_patient_get_risk_flag (patient), &cycle, &reviewed))
    {
      invalid (&local_error, "This patient has no open risk flag");
      goto failed;
    }
  if (step == CFD_RISK_FLAG_RESOLVED && !reviewed)
    {
      invalid (&local_error, "Review the risk flag before resolving it");
      goto failed;
    }
  if (!insert_step (vault, patient_id, cfd_patient_get_key_version (patient), cycle, step, NULL,
                    text, &local_error)
      || (step == CFD_RISK_FLAG_RESOLVED
          && !cfd_patient_lower_risk_flag (vault, patient, &local_error))
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (db);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
  else if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_LOCKED))
    cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_FAILURE);
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
cfd_vault_review_risk_flag (CfdVault *vault,
                            const char *patient_id,
                            const char *action_text,
                            GError **error)
{
  return take_step (vault, patient_id, CFD_RISK_FLAG_REVIEWED, action_text, error);
}

gboolean
cfd_vault_resolve_risk_flag (CfdVault *vault,
                             const char *patient_id,
                             const char *action_text,
                             GError **error)
{
  return take_step (vault, patient_id, CFD_RISK_FLAG_RESOLVED, action_text, error);
}
