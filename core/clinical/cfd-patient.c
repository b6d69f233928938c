/* cfd-patient.c: patients: their identifying details, sealed under each patient's own key. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <string.h>

#include "cfd-consent-private.h"
#include "cfd-date.h"
#include "cfd-key-cache.h"
#include "cfd-measure-schedule-private.h"
#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-patient.h"
#include "cfd-retention-private.h"
#include "cfd-scoped-key.h"
#include "cfd-risk-flag-private.h"

#define DETAILS_TYPE     G_VARIANT_TYPE_VARDICT
#define MAX_DETAIL_BYTES (64 * 1024)

struct _CfdPatient
{
  GObject parent_instance;

  char *id;
  GVariant *details;
  gboolean archived;
  gint64 created;
  gint64 retention_until;
  guint key_version;
  guint64 revision;
};

G_DEFINE_FINAL_TYPE (CfdPatient, cfd_patient, G_TYPE_OBJECT)

static void
cfd_patient_finalize (GObject *object)
{
  CfdPatient *self = CFD_PATIENT (object);

  g_free (self->id);
  /* The details' buffer comes from cfd_patient_key_unseal, which wipes it. */
  g_clear_pointer (&self->details, g_variant_unref);
  G_OBJECT_CLASS (cfd_patient_parent_class)->finalize (object);
}

static void
cfd_patient_class_init (CfdPatientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_patient_finalize;
}

static void
cfd_patient_init (CfdPatient *self)
{
}

const char *
cfd_patient_get_id (CfdPatient *self)
{
  return self->id;
}

const char *
cfd_patient_get_detail (CfdPatient *self, const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (self->details, key, "&s", &value))
    return NULL;
  return value;
}

const char *
cfd_patient_get_name (CfdPatient *self)
{
  const char *name = cfd_patient_get_detail (self, CFD_PATIENT_NAME);

  return name != NULL ? name : "";
}

GVariant *
cfd_patient_get_details (CfdPatient *self)
{
  return self->details;
}

gboolean
cfd_patient_get_risk_flag (CfdPatient *self)
{
  gboolean flag = FALSE;

  g_variant_lookup (self->details, CFD_PATIENT_RISK_FLAG, "b", &flag);
  return flag;
}

gboolean
cfd_patient_get_archived (CfdPatient *self)
{
  return self->archived;
}

gint64
cfd_patient_get_created (CfdPatient *self)
{
  return self->created;
}

gint64
cfd_patient_get_retention_until (CfdPatient *self)
{
  return self->retention_until;
}

guint
cfd_patient_get_key_version (CfdPatient *self)
{
  return self->key_version;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

gboolean
cfd_patient_details_validate (GVariant *details, GError **error)
{
  static const char *const string_keys[] = {
    CFD_PATIENT_NAME,
    CFD_PATIENT_BIRTH_DATE,
    CFD_PATIENT_PRONOUNS,
    CFD_PATIENT_CONTACT,
    CFD_PATIENT_EMERGENCY_CONTACT,
    CFD_PATIENT_NOTES,
    /* Demographics */
    CFD_PATIENT_GIVEN_NAME,
    CFD_PATIENT_FAMILY_NAME,
    CFD_PATIENT_SEX,
    CFD_PATIENT_MRN,
    CFD_PATIENT_ADDRESS,
    CFD_PATIENT_PRIMARY_CARE,
    CFD_PATIENT_REFERRING_PROVIDER,
  };
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (details == NULL || !g_variant_is_of_type (details, DETAILS_TYPE))
    return invalid (error, _ ("Patient details must be a dictionary of text fields"));

  g_variant_iter_init (&iter, details);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr (GVariant) owned = value;
      gboolean known = FALSE;

      if (g_strcmp0 (key, CFD_PATIENT_RISK_FLAG) == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            return invalid (error, _ ("The risk flag must be true or false"));
          continue;
        }
      if (g_strcmp0 (key, CFD_PATIENT_MEASURE_SCHEDULE) == 0)
        {
          if (!cfd_measure_schedule_validate (value, error))
            return FALSE;
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
        known |= g_strcmp0 (key, string_keys[i]) == 0;
      if (!known)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("Unknown patient detail “%s”"),
                       key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return invalid (error, _ ("Patient details must be text"));
      if (g_variant_get_size (value) > MAX_DETAIL_BYTES)
        return invalid (error, _ ("A patient detail is longer than 64 KiB"));
      if (g_strcmp0 (key, CFD_PATIENT_BIRTH_DATE) == 0
          && !cfd_date_is_valid (g_variant_get_string (value, NULL)))
        return invalid (error, _ ("The birth date must be a real date written YYYY-MM-DD"));
      /* FHIR's AdministrativeGender, which the REMS form and the export read. */
      if (g_strcmp0 (key, CFD_PATIENT_SEX) == 0
          && !g_strv_contains ((const char *const[]){ "female", "male", "other", "unknown", NULL },
                               g_variant_get_string (value, NULL)))
        return invalid (error, _ ("The sex is female, male, other or unknown"));
    }

  {
    const char *name = NULL;
    g_autofree char *stripped = NULL;

    if (!g_variant_lookup (details, CFD_PATIENT_NAME, "&s", &name))
      return invalid (error, _ ("A patient needs a name"));
    stripped = g_strstrip (g_strdup (name));
    if (*stripped == '\0')
      return invalid (error, _ ("A patient needs a name"));
  }
  return TRUE;
}

static int
compare_key_pointers (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* Rebuilt with keys in sorted order, so equal details seal to equal bytes. */
static GVariant *
sorted_details (GVariant *details)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, details);
  while (g_variant_iter_next (&iter, "{&s@v}", &key, NULL))
    g_ptr_array_add (keys, (gpointer)key);
  g_ptr_array_sort (keys, compare_key_pointers);

  g_variant_builder_init (&builder, DETAILS_TYPE);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);

      g_autoptr (GVariant) value = NULL;

      if (i > 0 && strcmp (k, g_ptr_array_index (keys, i - 1)) == 0)
        continue;
      /* "v" takes a reference of its own; lookup_value's is dropped here. */
      value = g_variant_lookup_value (details, k, NULL);
      g_variant_builder_add (&builder, "{sv}", k, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
write_patient_row (CfdVault *vault,
                   const char *sql,
                   const char *id,
                   guint key_version,
                   guint64 revision,
                   GVariant *details,
                   GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GVariant) sorted = sorted_details (details);
  g_autoptr (GBytes) sealed = NULL;
  sqlite3_stmt *stmt;

  sealed = cfd_patient_key_seal (vault, id, key_version, "patients", id, revision, sorted, error);
  if (sealed == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, cfd_vault_now (vault) / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, key_version);
  sqlite3_bind_int64 (stmt, 4, (gint64)revision);
  cfd_db_bind_bytes (stmt, 5, sealed);
  return cfd_db_step_done (db, stmt, error);
}

char *
cfd_vault_add_patient (CfdVault *vault, GVariant *details, GError **error)
{
  g_autofree char *id = NULL;
  CfdDb *db;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "patient.create", error)
      || !cfd_patient_details_validate (details, error))
    return NULL;
  db = cfd_vault_get_db (vault, error);

  id = cfd_new_id ();
  if (!cfd_db_begin (db, error))
    return NULL;
  if (!cfd_patient_key_create (vault, id, error)
      || !write_patient_row (vault,
                             "INSERT INTO patients (id, created, updated, key_version, revision, "
                             "sealed) VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
                             id, 1, 1, details, error)
      || !cfd_vault_audit (vault, "patient.create", "patient", id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      cfd_patient_key_forget (vault, id, 1);
      return NULL;
    }
  return g_steal_pointer (&id);
}

#define PATIENT_COLUMNS                                                                      \
  "p.id, p.created, p.archived, coalesce(p.retention_until, 0), p.key_version, p.revision, " \
  "p.sealed"

static CfdPatient *
patient_from_row (CfdVault *vault, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdPatient) patient = g_object_new (CFD_TYPE_PATIENT, NULL);
  g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 6);

  patient->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  patient->created = sqlite3_column_int64 (stmt, 1);
  patient->archived = sqlite3_column_int (stmt, 2) != 0;
  patient->retention_until = sqlite3_column_int64 (stmt, 3);
  patient->key_version = (guint)sqlite3_column_int64 (stmt, 4);
  patient->revision = (guint64)sqlite3_column_int64 (stmt, 5);
  patient->details
      = cfd_patient_key_unseal (vault, patient->id, patient->key_version, "patients", patient->id,
                                patient->revision, sealed, DETAILS_TYPE, error);
  if (patient->details == NULL)
    return NULL;
  return g_steal_pointer (&patient);
}

/* What the patient list keeps between calls for as long as the vault is
 * unlocked: each listed patient's unsealed details and the collation key
 * of their name, with the sealed bytes they came from. A row whose key
 * version, revision and sealed bytes are the ones already opened would
 * open to the same details, so it is not opened again; any other row is.
 * Dropped at lock, where the details' buffers are wiped (they come from
 * cfd_patient_key_unseal) and so are the keys, which spell the names. */
typedef struct
{
  GBytes *sealed;
  GVariant *details;
  char *sort_key;
  guint key_version;
  guint64 revision;
  guint generation;
} ListedPatient;

typedef struct
{
  GHashTable *patients; /* id -> ListedPatient */
  guint generation;
} ListCache;

#define LIST_CACHE_KEY     "cfd-patient-list-cache"
#define LIST_CONNECTED_KEY "cfd-patient-list-connected"

static void
listed_patient_free (gpointer data)
{
  ListedPatient *listed = data;

  g_bytes_unref (listed->sealed);
  g_variant_unref (listed->details);
  cfd_wipe_string (listed->sort_key);
  g_free (listed);
}

static void
list_cache_free (gpointer data)
{
  ListCache *cache = data;

  g_hash_table_unref (cache->patients);
  g_free (cache);
}

static void
forget_list_cache (CfdVault *vault)
{
  g_object_set_data (G_OBJECT (vault), LIST_CACHE_KEY, NULL);
}

static ListCache *
get_list_cache (CfdVault *vault)
{
  ListCache *cache = g_object_get_data (G_OBJECT (vault), LIST_CACHE_KEY);

  if (cache != NULL)
    return cache;
  cache = g_new0 (ListCache, 1);
  cache->patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, listed_patient_free);
  g_object_set_data_full (G_OBJECT (vault), LIST_CACHE_KEY, cache, list_cache_free);
  if (g_object_get_data (G_OBJECT (vault), LIST_CONNECTED_KEY) == NULL)
    {
      g_signal_connect (vault, "locked", G_CALLBACK (forget_list_cache), NULL);
      g_object_set_data (G_OBJECT (vault), LIST_CONNECTED_KEY, GINT_TO_POINTER (1));
    }
  return cache;
}

/* The patient of a list row, from the cache when the row is the one it
 * was made from; the sort key is the cache's. */
static CfdPatient *
listed_patient_from_row (
    CfdVault *vault, ListCache *cache, sqlite3_stmt *stmt, const char **sort_key, GError **error)
{
  const char *id = (const char *)sqlite3_column_text (stmt, 0);
  guint key_version = (guint)sqlite3_column_int64 (stmt, 4);
  guint64 revision = (guint64)sqlite3_column_int64 (stmt, 5);
  const void *sealed = sqlite3_column_blob (stmt, 6);
  gsize sealed_len = (gsize)sqlite3_column_bytes (stmt, 6);
  ListedPatient *listed = id != NULL ? g_hash_table_lookup (cache->patients, id) : NULL;
  CfdPatient *patient;

  if (listed != NULL && listed->key_version == key_version && listed->revision == revision
      && g_bytes_get_size (listed->sealed) == sealed_len
      && memcmp (g_bytes_get_data (listed->sealed, NULL), sealed, sealed_len) == 0)
    {
      patient = g_object_new (CFD_TYPE_PATIENT, NULL);
      patient->id = g_strdup (id);
      patient->created = sqlite3_column_int64 (stmt, 1);
      patient->archived = sqlite3_column_int (stmt, 2) != 0;
      patient->retention_until = sqlite3_column_int64 (stmt, 3);
      patient->key_version = key_version;
      patient->revision = revision;
      patient->details = g_variant_ref (listed->details);
    }
  else
    {
      patient = patient_from_row (vault, stmt, error);
      if (patient == NULL)
        return NULL;
      listed = g_new0 (ListedPatient, 1);
      listed->sealed = g_bytes_new (sealed, sealed_len);
      listed->details = g_variant_ref (patient->details);
      listed->sort_key = g_utf8_collate_key (cfd_patient_get_name (patient), -1);
      listed->key_version = key_version;
      listed->revision = revision;
      g_hash_table_replace (cache->patients, g_strdup (patient->id), listed);
    }
  listed->generation = cache->generation;
  *sort_key = listed->sort_key;
  return patient;
}

typedef struct
{
  CfdPatient *patient;
  const char *sort_key;
} SortEntry;

static void
clear_sort_entry (gpointer data)
{
  SortEntry *entry = data;

  g_clear_object (&entry->patient);
}

static int
compare_sort_entries (gconstpointer a, gconstpointer b)
{
  const SortEntry *x = a, *y = b;
  int by_name = strcmp (x->sort_key, y->sort_key);

  return by_name != 0 ? by_name : strcmp (x->patient->id, y->patient->id);
}

/* Patients left out of this list (deleted, or no longer granted) leave
 * the cache, so that their details are not kept until the lock. An
 * archived patient left out of a list without them is opened again. */
static gboolean
listed_elsewhere (gpointer key, gpointer value, gpointer user_data)
{
  ListedPatient *listed = value;
  ListCache *cache = user_data;

  return listed->generation != cache->generation;
}

GListModel *
cfd_vault_list_patients (CfdVault *vault, gboolean include_archived, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_PATIENT);
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (SortEntry));
  CfdDb *db = cfd_vault_get_db (vault, error);
  ListCache *cache;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  cache = get_list_cache (vault);
  g_array_set_clear_func (entries, clear_sort_entry);
  /* The key cache is read before the scan starts, so that a damaged page
   * in it is reported as such rather than in the middle of the scan. */
  if (!cfd_key_cache_load (vault, error))
    return NULL;

  /* Only patients whose current key has been granted to this user. */
  stmt = cfd_db_prepare (db,
                         cfd_scoped_keys_available (db)
                             ? "SELECT " PATIENT_COLUMNS " FROM patients p WHERE "
                               "(EXISTS (SELECT 1 FROM patient_keys k WHERE k.patient_id = p.id "
                               "AND k.key_version = p.key_version AND k.user_id = ?1) "
                               "OR EXISTS (SELECT 1 FROM details_grants g WHERE g.patient_id = "
                               "p.id AND g.key_version = p.key_version AND g.user_id = ?1)) "
                               "AND (p.archived = 0 OR ?2)"
                             : "SELECT " PATIENT_COLUMNS " FROM patients p JOIN patient_keys k "
                               "ON k.patient_id = p.id AND k.key_version = p.key_version "
                               "AND k.user_id = ? WHERE p.archived = 0 OR ?",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, include_archived);
  cache->generation++;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SortEntry entry = { NULL, NULL };

      entry.patient = listed_patient_from_row (vault, cache, stmt, &entry.sort_key, error);
      if (entry.patient == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_array_append_val (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "listing patients", error);
      return NULL;
    }
  g_hash_table_foreach_remove (cache->patients, listed_elsewhere, cache);

  /* A supervisor keeps a key only while some consent is live; expiry is
   * checked here too, before the practice's next unlock rotates the key. */
  for (guint i = entries->len; i-- > 0;)
    {
      SortEntry *entry = &g_array_index (entries, SortEntry, i);
      g_autofree char *consent_id = NULL;
      g_autoptr (GError) denied = NULL;

      if (!cfd_consent_check_access (vault, entry->patient->id, FALSE, FALSE, 0, &consent_id,
                                     &denied))
        {
          if (!g_error_matches (denied, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
            {
              g_propagate_error (error, g_steal_pointer (&denied));
              return NULL;
            }
          g_array_remove_index (entries, i);
        }
    }

  /* One sort, by the cached collation keys, and one splice into the store. */
  g_array_sort (entries, compare_sort_entries);
  {
    g_autofree gpointer *patients = g_new (gpointer, MAX (entries->len, 1));

    for (guint i = 0; i < entries->len; i++)
      patients[i] = g_array_index (entries, SortEntry, i).patient;
    g_list_store_splice (store, 0, 0, patients, entries->len);
  }

  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "patient.list", "vault", cfd_vault_get_id (vault),
                           CFD_AUDIT_SUCCESS, NULL, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  /* The keys this list unwrapped go into the user's cache with the same
   * commit, so the next unlock's first list skips their verification. */
  if (!cfd_key_cache_save (vault, error) || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* Loads without auditing; the callers audit what they do with it. */
static CfdPatient *
load_patient (CfdVault *vault, const char *patient_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  CfdPatient *patient;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such patient"));
      else
        cfd_db_set_error (db, rc, "reading a patient", error);
      return NULL;
    }
  patient = patient_from_row (vault, stmt, error);
  sqlite3_reset (stmt);
  if (patient != NULL)
    {
      g_autofree char *consent_id = NULL;

      if (!cfd_consent_check_access (vault, patient_id, FALSE, FALSE, 0, &consent_id, error))
        g_clear_object (&patient);
    }
  return patient;
}

/* Loads for an action, auditing a refusal as denied. */
static CfdPatient *
load_patient_for (CfdVault *vault, const char *patient_id, const char *action, GError **error)
{
  GError *local_error = NULL;
  CfdPatient *patient = load_patient (vault, patient_id, &local_error);

  if (patient == NULL)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
        cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
      else if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED)
               || g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_FOUND))
        /* An unknown id is recorded too: probing for ids is an access attempt. */
        cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_FAILURE);
      g_propagate_error (error, local_error);
    }
  return patient;
}

CfdPatient *
cfd_vault_get_patient (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (CfdPatient) patient = load_patient_for (vault, patient_id, "patient.view", error);
  CfdDb *db;

  if (patient == NULL)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "patient.view", "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&patient);
}

static GVariant *
merge_details (GVariant *current, GVariant *changes)
{
  GVariantDict dict;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_dict_init (&dict, current);
  g_variant_iter_init (&iter, changes);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
          && *g_variant_get_string (value, NULL) == '\0')
        g_variant_dict_remove (&dict, key);
      else
        g_variant_dict_insert_value (&dict, key, value);
      g_variant_unref (value);
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
update_patient_row (
    CfdVault *vault, CfdPatient *patient, GVariant *details, const char *action, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  if (!cfd_patient_details_validate (details, error) || !cfd_db_begin (db, error))
    return FALSE;
  if (!write_patient_row (vault,
                          "UPDATE patients SET updated = ?2, key_version = ?3, revision = ?4, "
                          "sealed = ?5 WHERE id = ?1",
                          patient->id, patient->key_version, patient->revision + 1, details, error)
      || !cfd_vault_audit (vault, action, "patient", patient->id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_update_patient (CfdVault *vault,
                          const char *patient_id,
                          GVariant *details,
                          GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GVariant) merged = NULL;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "patient.edit", error))
    return FALSE;
  if (details == NULL || !g_variant_is_of_type (details, DETAILS_TYPE))
    return invalid (error, _ ("Patient details must be a dictionary of text fields"));
  /* The flag moves only through its signed steps (cfd-risk-flag.c). */
  {
    g_autoptr (GVariant) flag = g_variant_lookup_value (details, CFD_PATIENT_RISK_FLAG, NULL);

    if (flag != NULL)
      return invalid (error, _ ("The risk flag is raised by records and resolved by its review"));
  }
  /* The schedule has its own audited action (cfd-measure-schedule.c). */
  {
    g_autoptr (GVariant) schedule
        = g_variant_lookup_value (details, CFD_PATIENT_MEASURE_SCHEDULE, NULL);

    if (schedule != NULL)
      return invalid (error, _ ("The measure schedule is set on its own"));
  }
  patient = load_patient_for (vault, patient_id, "patient.edit", error);
  if (patient == NULL)
    return FALSE;
  merged = merge_details (patient->details, details);
  return update_patient_row (vault, patient, merged, "patient.edit", error);
}

static gboolean
update_column (CfdVault *vault,
               const char *patient_id,
               const char *sql,
               gint64 value,
               const char *action,
               GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, action, error))
    return FALSE;
  /* Loading proves the user may read this patient. */
  patient = load_patient_for (vault, patient_id, action, error);
  if (patient == NULL)
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db, sql, error);
  if (stmt == NULL)
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, value);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, action, "patient", patient_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_set_patient_archived (CfdVault *vault,
                                const char *patient_id,
                                gboolean archived,
                                GError **error)
{
  return update_column (vault, patient_id, "UPDATE patients SET archived = ?1 WHERE id = ?2",
                        archived ? 1 : 0, archived ? "patient.archive" : "patient.unarchive",
                        error);
}

gboolean
cfd_vault_set_patient_retention (CfdVault *vault,
                                 const char *patient_id,
                                 gint64 retain_until,
                                 GError **error)
{
  if (retain_until < 0)
    return invalid (error, _ ("The retention date must be after 1970"));
  if (retain_until != 0)
    {
      g_autoptr (CfdPatient) patient
          = load_patient_for (vault, patient_id, "patient.retention", error);
      CfdRetention retention;

      if (patient == NULL
          || !cfd_retention_compute (vault, patient_id,
                                     cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE), 0,
                                     &retention, error))
        return FALSE;
      if (retain_until < retention.rule_until)
        {
          g_autofree char *until = cfd_date_format (retention.rule_until);

          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("A date set by hand can only extend retention: the practice's rule keeps "
                          "these records until %s"),
                       until);
          return FALSE;
        }
    }
  return update_column (vault, patient_id,
                        "UPDATE patients SET retention_until = nullif(?1, 0) WHERE id = ?2",
                        retain_until, "patient.retention", error);
}

static gboolean
delete_patient (CfdVault *vault,
                const char *patient_id,
                const char *confirm_name,
                const char *override_reason,
                GError **error)
{
  const char *action = override_reason != NULL ? "patient.delete-override" : "patient.delete";
  g_autoptr (CfdPatient) patient = NULL;
  CfdRetention retention;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, action, error))
    return FALSE;
  patient = load_patient_for (vault, patient_id, action, error);
  if (patient == NULL)
    return FALSE;

  if (g_strcmp0 (confirm_name, cfd_patient_get_name (patient)) != 0)
    {
      cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_FAILURE);
      return invalid (error, _ ("The name typed to confirm does not match the patient's name"));
    }
  if (!cfd_retention_compute (vault, patient_id,
                              cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE),
                              patient->retention_until, &retention, error))
    return FALSE;
  if (override_reason == NULL
      && !cfd_retention_allows_deletion (&retention, cfd_vault_now (vault) / G_USEC_PER_SEC))
    {
      if (retention.status == CFD_RETENTION_UNKNOWN)
        g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                     _ ("This patient's retention date is unknown: the rule “%s” keeps a minor's "
                        "records longer, and no birth date is recorded"),
                     retention.rule->label);
      else
        {
          g_autofree char *until = cfd_date_format (retention.keep_until);

          g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                       _ ("This patient's records must be kept until %s"), until);
        }
      cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
      return FALSE;
    }

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  /* Grants first: without them no one can open what may linger elsewhere
   * (old pages, backups whose keyrings are rotated out). The rows that
   * reference the patient go with it through ON DELETE CASCADE. */
  stmt = cfd_db_prepare (db, "DELETE FROM patient_keys WHERE patient_id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error))
    goto failed;
  stmt = cfd_db_prepare (db, "DELETE FROM patients WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_retention_add_disposition (vault, patient_id, &retention, override_reason, error)
      || !cfd_vault_audit (vault, action, "patient", patient_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    goto failed;

  cfd_patient_key_forget (vault, patient_id, patient->key_version);
  cfd_db_purge_wal (db, "deleting a patient");
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_vault_delete_patient (CfdVault *vault,
                          const char *patient_id,
                          const char *confirm_name,
                          GError **error)
{
  return delete_patient (vault, patient_id, confirm_name, NULL, error);
}

gboolean
cfd_vault_delete_patient_overriding_retention (CfdVault *vault,
                                               const char *patient_id,
                                               const char *confirm_name,
                                               const char *reason,
                                               GError **error)
{
  g_autofree char *stripped = NULL;

  if (reason == NULL || !g_utf8_validate (reason, -1, NULL))
    return invalid (error, _ ("The reason for overriding retention must be UTF-8 text"));
  if (strlen (reason) > MAX_DETAIL_BYTES)
    return invalid (error, _ ("The reason for overriding retention is longer than 64 KiB"));
  stripped = g_strstrip (g_strdup (reason));
  if (*stripped == '\0')
    return invalid (error, _ ("Write down why the retention period is being overridden"));
  return delete_patient (vault, patient_id, confirm_name, stripped, error);
}

CfdPatient *
cfd_patient_load (CfdVault *vault, const char *patient_id, GError **error)
{
  return load_patient (vault, patient_id, error);
}

static gboolean
write_risk_flag (CfdVault *vault, CfdPatient *patient, gboolean raised, GError **error)
{
  g_autoptr (GVariant) flagged = NULL;
  GVariantDict dict;

  g_variant_dict_init (&dict, patient->details);
  g_variant_dict_insert (&dict, CFD_PATIENT_RISK_FLAG, "b", raised);
  flagged = g_variant_ref_sink (g_variant_dict_end (&dict));
  return write_patient_row (vault,
                            "UPDATE patients SET updated = ?2, key_version = ?3, revision = ?4, "
                            "sealed = ?5 WHERE id = ?1",
                            patient->id, patient->key_version, patient->revision + 1, flagged,
                            error);
}

gboolean
cfd_patient_raise_risk_flag (CfdVault *vault,
                             const char *patient_id,
                             const char *record_id,
                             GError **error)
{
  g_autoptr (CfdPatient) patient = load_patient (vault, patient_id, error);

  if (patient == NULL)
    return FALSE;
  if (cfd_patient_get_risk_flag (patient))
    return TRUE;
  return write_risk_flag (vault, patient, TRUE, error)
         && cfd_risk_flag_add_raised (vault, patient_id, patient->key_version, record_id, error)
         && cfd_vault_audit (vault, "patient.risk-flag", "patient", patient_id, CFD_AUDIT_SUCCESS,
                             NULL, error);
}

gboolean
cfd_patient_lower_risk_flag (CfdVault *vault, CfdPatient *patient, GError **error)
{
  return write_risk_flag (vault, patient, FALSE, error);
}

gboolean
cfd_patient_write_measure_schedule (CfdVault *vault,
                                    const char *patient_id,
                                    GVariant *schedule,
                                    GError **error)
{
  const char *action = "patient.measure-schedule";
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GVariant) changed = NULL;
  GVariantDict dict;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, action, error))
    return FALSE;
  patient = load_patient_for (vault, patient_id, action, error);
  if (patient == NULL)
    return FALSE;
  g_variant_dict_init (&dict, patient->details);
  if (schedule != NULL)
    g_variant_dict_insert_value (&dict, CFD_PATIENT_MEASURE_SCHEDULE, schedule);
  else
    g_variant_dict_remove (&dict, CFD_PATIENT_MEASURE_SCHEDULE);
  changed = g_variant_ref_sink (g_variant_dict_end (&dict));
  return update_patient_row (vault, patient, changed, action, error);
}
