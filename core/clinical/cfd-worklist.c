/* cfd-worklist.c: what needs a clinician's attention across every patient they may read.
 *
 * One pass over the records the user may read (decrypted and verified as
 * the timeline reads them), plus the patients' flags. Each source of items
 * is one function below. REMS forms are due for every signed esketamine
 * dosing record without a verified submission.
 * Measures due come from each patient's schedule, compared with the
 * latest signed measure of each instrument and the latest signed dosing. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdlib.h>
#include <string.h>

#include "cfd-date.h"
#include "cfd-instrument.h"
#include "cfd-measure-schedule-private.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-rems-form-private.h"
#include "cfd-risk-flag.h"
#include "cfd-worklist.h"

#define DRAFT_HOURS_SETTING "worklist_draft_hours"
#define MAX_DRAFT_HOURS     8760

struct _CfdWorklistItem
{
  GObject parent_instance;

  CfdWorklistKind kind;
  char *patient_id;
  char *patient_name;
  char *record_id;
  const char *record_kind;
  gint64 since;
  char *instrument_id;
  char *reason;
  gint64 due;
  gboolean overdue;
};

G_DEFINE_FINAL_TYPE (CfdWorklistItem, cfd_worklist_item, G_TYPE_OBJECT)

static void
cfd_worklist_item_finalize (GObject *object)
{
  CfdWorklistItem *self = CFD_WORKLIST_ITEM (object);

  g_free (self->patient_id);
  cfd_wipe_string (self->patient_name);
  g_free (self->record_id);
  g_free (self->instrument_id);
  g_free (self->reason);
  G_OBJECT_CLASS (cfd_worklist_item_parent_class)->finalize (object);
}

static void
cfd_worklist_item_class_init (CfdWorklistItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_worklist_item_finalize;
}

static void
cfd_worklist_item_init (CfdWorklistItem *self)
{
}

CfdWorklistKind
cfd_worklist_item_get_kind (CfdWorklistItem *self)
{
  return self->kind;
}

const char *
cfd_worklist_item_get_patient_id (CfdWorklistItem *self)
{
  return self->patient_id;
}

const char *
cfd_worklist_item_get_patient_name (CfdWorklistItem *self)
{
  return self->patient_name;
}

const char *
cfd_worklist_item_get_record_id (CfdWorklistItem *self)
{
  return self->record_id;
}

const char *
cfd_worklist_item_get_record_kind (CfdWorklistItem *self)
{
  return self->record_kind;
}

gint64
cfd_worklist_item_get_since (CfdWorklistItem *self)
{
  return self->since;
}

const char *
cfd_worklist_item_get_instrument_id (CfdWorklistItem *self)
{
  return self->instrument_id;
}

const char *
cfd_worklist_item_get_reason (CfdWorklistItem *self)
{
  return self->reason;
}

gint64
cfd_worklist_item_get_due (CfdWorklistItem *self)
{
  return self->due;
}

gboolean
cfd_worklist_item_get_overdue (CfdWorklistItem *self)
{
  return self->overdue;
}

const char *
cfd_worklist_kind_to_string (CfdWorklistKind kind)
{
  static const char *const names[]
      = { "stale-draft", "open-risk-flag", "next-session-past", "rems-form-due", "measure-due" };

  g_return_val_if_fail (kind <= CFD_WORKLIST_MEASURE_DUE, NULL);
  return names[kind];
}

guint
cfd_vault_get_worklist_draft_hours (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  guint hours = CFD_WORKLIST_DEFAULT_DRAFT_HOURS;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return 0;
  stmt = cfd_db_prepare (db, "SELECT value FROM vault_meta WHERE key = '" DRAFT_HOURS_SETTING "'",
                         error);
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      guint64 value = 0;

      /* A value no version wrote falls back to the default. */
      if (g_ascii_string_to_unsigned ((const char *)sqlite3_column_text (stmt, 0), 10, 1,
                                      MAX_DRAFT_HOURS, &value, NULL))
        hours = (guint)value;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the worklist settings", error);
      return 0;
    }
  return hours;
}

gboolean
cfd_vault_set_worklist_draft_hours (CfdVault *vault, guint hours, GError **error)
{
  g_autofree char *text = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, "practice.worklist-draft-hours", error))
    return FALSE;
  if (hours < 1 || hours > MAX_DRAFT_HOURS)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The draft age must be between 1 and %u hours"), MAX_DRAFT_HOURS);
      return FALSE;
    }
  text = g_strdup_printf ("%u", hours);
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO vault_meta (key, value) "
                         "VALUES ('" DRAFT_HOURS_SETTING "', ?)",
                         error);
  if (stmt == NULL)
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "practice.worklist-draft-hours", "vault",
                           cfd_vault_get_id (vault), CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* What the pass over records learns about one patient. */
typedef struct
{
  gint64 last_session;  /* the latest occurred date of a signed record that is a session */
  gint64 next_session;  /* from the latest signed record that names one; 0 for none */
  gint64 next_occurred; /* that record's date, to find the latest */
  char *next_record_id;
  const char *next_record_kind;
  gint64 last_dosing;          /* the latest occurred date of a signed dosing record; 0 for none */
  GHashTable *last_measure_of; /* instrument id -> gint64 *: its latest signed measure */
} PatientScan;

static void
patient_scan_free (PatientScan *scan)
{
  g_clear_pointer (&scan->last_measure_of, g_hash_table_unref);
  g_free (scan->next_record_id);
  g_free (scan);
}

typedef struct
{
  CfdVault *vault;
  GHashTable *scans; /* patient id -> PatientScan */
  GPtrArray *drafts; /* CfdRecord: stale drafts of this user */
  gint64 draft_cutoff;
  GPtrArray *esketamine; /* CfdRecord: signed esketamine dosing, for REMS forms */
} Pass;

static PatientScan *
scan_for (Pass *pass, const char *patient_id)
{
  PatientScan *scan = g_hash_table_lookup (pass->scans, patient_id);

  if (scan == NULL)
    {
      scan = g_new0 (PatientScan, 1);
      g_hash_table_insert (pass->scans, g_strdup (patient_id), scan);
    }
  return scan;
}

static void
note_measure (PatientScan *scan, CfdRecord *record)
{
  GVariant *content = cfd_record_get_content (record);
  const char *instrument = NULL;
  gint64 *last;

  if (content == NULL || !g_variant_lookup (content, "instrument", "&s", &instrument))
    return;
  if (scan->last_measure_of == NULL)
    scan->last_measure_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  last = g_hash_table_lookup (scan->last_measure_of, instrument);
  if (last == NULL)
    {
      last = g_new0 (gint64, 1);
      g_hash_table_insert (scan->last_measure_of, g_strdup (instrument), last);
    }
  *last = MAX (*last, cfd_record_get_occurred (record));
}

static gboolean
visit_record (CfdRecord *record, gpointer user_data, GError **error)
{
  Pass *pass = user_data;
  CfdRecordKind kind = cfd_record_get_kind (record);
  PatientScan *scan;
  const char *next;
  gint64 next_day;

  if (cfd_record_get_status (record) == CFD_RECORD_DRAFT)
    {
      if (g_strcmp0 (cfd_record_get_author_id (record), cfd_vault_get_user_id (pass->vault)) == 0
          && cfd_record_get_updated (record) < pass->draft_cutoff)
        g_ptr_array_add (pass->drafts, g_object_ref (record));
      return TRUE;
    }

  if (kind == CFD_RECORD_MEASURE)
    {
      note_measure (scan_for (pass, cfd_record_get_patient_id (record)), record);
      return TRUE;
    }
  /* Addenda and measures are not sessions: they neither set nor keep a
   * next-session date. */
  if (kind == CFD_RECORD_ADDENDUM)
    return TRUE;
  scan = scan_for (pass, cfd_record_get_patient_id (record));
  if (kind == CFD_RECORD_DOSING)
    scan->last_dosing = MAX (scan->last_dosing, cfd_record_get_occurred (record));
  if (kind == CFD_RECORD_DOSING && cfd_rems_form_applies (cfd_record_get_content (record)))
    g_ptr_array_add (pass->esketamine, g_object_ref (record));
  scan->last_session = MAX (scan->last_session, cfd_record_get_occurred (record));
  next = cfd_record_get_text (record, "next-session");
  if (next != NULL && cfd_date_parse (next, &next_day)
      && (scan->next_record_id == NULL || cfd_record_get_occurred (record) > scan->next_occurred))
    {
      scan->next_session = next_day;
      scan->next_occurred = cfd_record_get_occurred (record);
      g_free (scan->next_record_id);
      scan->next_record_id = g_strdup (cfd_record_get_id (record));
      scan->next_record_kind = cfd_record_kind_to_string (kind);
    }
  return TRUE;
}

static CfdWorklistItem *
item_new (CfdWorklistKind kind, CfdPatient *patient, const char *record_id, gint64 since)
{
  CfdWorklistItem *item = g_object_new (CFD_TYPE_WORKLIST_ITEM, NULL);

  item->kind = kind;
  item->patient_id = g_strdup (cfd_patient_get_id (patient));
  item->patient_name = g_strdup (cfd_patient_get_name (patient));
  item->record_id = g_strdup (record_id);
  item->since = since;
  return item;
}

/* The time the open flag was raised; 0 when it predates its history. */
static gint64
flag_raised_at (CfdDb *db, const char *patient_id)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT coalesce(max(time), 0) FROM risk_flag_entries "
                                       "WHERE patient_id = ? AND step = 'raised'",
                                       NULL);
  gint64 time = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    time = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return time;
}

/* The instrument's short name as clinicians say it ("PCL-5"), or its id. */
static const char *
instrument_name (const char *instrument_id)
{
  const CfdInstrumentDef *def = cfd_instrument_lookup (instrument_id);

  return def != NULL ? cfd_instrument_def_get_name (def) : instrument_id;
}

static void
add_measures_due (GListStore *store, CfdPatient *patient, PatientScan *scan, gint64 now)
{
  g_autoptr (GPtrArray) rules
      = cfd_measure_schedule_from_details (cfd_patient_get_details (patient));

  for (guint i = 0; i < rules->len; i++)
    {
      const CfdMeasureRule *rule = g_ptr_array_index (rules, i);
      gint64 *last = scan != NULL && scan->last_measure_of != NULL
                         ? g_hash_table_lookup (scan->last_measure_of, rule->instrument_id)
                         : NULL;
      gint64 last_measure = last != NULL ? *last : 0;
      gint64 last_dosing = scan != NULL ? scan->last_dosing : 0;
      g_autoptr (CfdWorklistItem) item = NULL;

      if (!cfd_measure_rule_is_due (rule, last_measure, last_dosing, now))
        continue;
      item = item_new (CFD_WORKLIST_MEASURE_DUE, patient, NULL, last_measure);
      item->instrument_id = g_strdup (rule->instrument_id);
      if (last_measure == 0)
        item->reason = g_strdup_printf ("no %s yet", instrument_name (rule->instrument_id));
      else if (rule->every_days == 0)
        item->reason = g_strdup_printf ("%s before the next dosing session",
                                        instrument_name (rule->instrument_id));
      else
        item->reason
            = g_strdup_printf ("last %s %" G_GINT64_FORMAT " days ago",
                               instrument_name (rule->instrument_id), (now - last_measure) / 86400);
      g_list_store_append (store, item);
    }
}

/* A form is due from its session until CFD_REMS_FORM_DAYS after, and
 * overdue after that, until a verified submission names its record. */
static gboolean
add_rems_forms_due (CfdVault *vault,
                    GListStore *store,
                    GHashTable *patients_by_id,
                    GPtrArray *esketamine,
                    gint64 today,
                    GError **error)
{
  for (guint i = 0; i < esketamine->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (esketamine, i);
      CfdPatient *patient
          = g_hash_table_lookup (patients_by_id, cfd_record_get_patient_id (record));
      g_autoptr (CfdRemsSubmission) submission = NULL;
      g_autoptr (CfdWorklistItem) item = NULL;
      GError *local_error = NULL;
      gint64 session = cfd_record_get_occurred (record);

      if (patient == NULL)
        continue;
      submission = cfd_rems_submission_latest (vault, record, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (submission != NULL)
        continue;
      item = item_new (CFD_WORKLIST_REMS_FORM_DUE, patient, cfd_record_get_id (record),
                       session - session % 86400);
      item->record_kind = cfd_record_kind_to_string (CFD_RECORD_DOSING);
      item->due = cfd_rems_form_due_date (session);
      item->overdue = cfd_rems_form_is_overdue (session, today);
      {
        g_autofree char *due = cfd_date_format (item->due);

        item->reason = g_strdup_printf (
            item->overdue ? "REMS form overdue: it was due %s" : "REMS form due by %s", due);
      }
      g_list_store_append (store, item);
    }
  return TRUE;
}

static int
compare_items (gconstpointer a, gconstpointer b, gpointer user_data)
{
  CfdWorklistItem *x = (CfdWorklistItem *)a, *y = (CfdWorklistItem *)b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->since != y->since)
    return x->since < y->since ? -1 : 1;
  if (strcmp (x->patient_id, y->patient_id) != 0)
    return strcmp (x->patient_id, y->patient_id);
  return g_strcmp0 (x->instrument_id, y->instrument_id);
}

GListModel *
cfd_vault_get_worklist (CfdVault *vault, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_WORKLIST_ITEM);
  g_autoptr (GHashTable) scans = NULL;
  g_autoptr (GPtrArray) drafts = NULL;
  g_autoptr (GPtrArray) esketamine = NULL;
  g_autoptr (GHashTable) patients_by_id = NULL;
  g_autoptr (GListModel) patients = NULL;
  gint64 now, today;
  guint hours;
  Pass pass;
  CfdDb *db;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "worklist.view", error))
    return NULL;
  hours = cfd_vault_get_worklist_draft_hours (vault, error);
  if (hours == 0)
    return NULL;
  /* Archived patients keep their drafts and flags: they are listed too. */
  patients = cfd_vault_list_patients (vault, TRUE, error);
  if (patients == NULL)
    return NULL;
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  today = now - now % 86400;

  scans
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)patient_scan_free);
  drafts = g_ptr_array_new_with_free_func (g_object_unref);
  esketamine = g_ptr_array_new_with_free_func (g_object_unref);
  pass = (Pass){ vault, scans, drafts, now - (gint64)hours * 3600, esketamine };
  if (!cfd_record_foreach_readable (vault, NULL, CFD_RECORD_READ_DEFAULT, visit_record, &pass,
                                    error))
    return NULL;

  patients_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (patients); i++)
    {
      CfdPatient *patient = g_list_model_get_item (patients, i);

      g_hash_table_insert (patients_by_id, (gpointer)cfd_patient_get_id (patient), patient);
    }

  for (guint i = 0; i < drafts->len; i++)
    {
      CfdRecord *draft = g_ptr_array_index (drafts, i);
      CfdPatient *patient = g_hash_table_lookup (patients_by_id, cfd_record_get_patient_id (draft));
      g_autoptr (CfdWorklistItem) item = NULL;

      if (patient == NULL)
        continue;
      item = item_new (CFD_WORKLIST_STALE_DRAFT, patient, cfd_record_get_id (draft),
                       cfd_record_get_updated (draft));
      item->record_kind = cfd_record_kind_to_string (cfd_record_get_kind (draft));
      g_list_store_append (store, item);
    }

  db = cfd_vault_get_db (vault, error);
  for (guint i = 0; i < g_list_model_get_n_items (patients); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (patients, i);
      PatientScan *scan = g_hash_table_lookup (scans, cfd_patient_get_id (patient));

      if (cfd_patient_get_risk_flag (patient))
        {
          g_autoptr (CfdWorklistItem) item
              = item_new (CFD_WORKLIST_OPEN_RISK_FLAG, patient, NULL,
                          flag_raised_at (db, cfd_patient_get_id (patient)));

          g_list_store_append (store, item);
        }
      if (scan != NULL && scan->next_record_id != NULL && scan->next_session < today
          && scan->last_session < scan->next_session)
        {
          g_autoptr (CfdWorklistItem) item = item_new (CFD_WORKLIST_NEXT_SESSION_PAST, patient,
                                                       scan->next_record_id, scan->next_session);

          item->record_kind = scan->next_record_kind;
          g_list_store_append (store, item);
        }
      add_measures_due (store, patient, scan, now);
    }
  if (!add_rems_forms_due (vault, store, patients_by_id, esketamine, now, error))
    return NULL;
  g_list_store_sort (store, compare_items, NULL);

  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "worklist.view", "vault", cfd_vault_get_id (vault),
                           CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}
