/* cfd-chart.c: a patient's chart lists, each entry signed, every revision kept.
 *
 * One table holds the four lists. A row is one revision of one entry: its
 * fields sealed under the patient key, and signed by its author's Ed25519
 * key over the list, the entry, the revision number, the time and a hash
 * of the fields. An edit or a resolution is the next revision; nothing is
 * updated in place (a trigger refuses it), so the history is the rows. On
 * reading, every revision of every entry is checked against the signed
 * roster, and an entry's revisions must run 1..n without a gap. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <sodium.h>

#include "cfd-chart.h"
#include "cfd-date.h"
#include "cfd-icd10.h"
#include "cfd-record.h"
#include "cfd-patient-key.h"
#include "cfd-patient-private.h"
#include "cfd-vault-private.h"

#define TABLE       "chart_entries"
#define FIELDS_TYPE G_VARIANT_TYPE_VARDICT

struct _CfdChartEntry
{
  GObject parent_instance;

  char *id; /* this revision's row */
  char *item_id;
  CfdChartList list;
  guint revision;
  char *actor_id;
  char *actor_name;
  gint64 time;
  GVariant *fields; /* a{sv} of strings; its buffer is wiped when freed */
};

G_DEFINE_FINAL_TYPE (CfdChartEntry, cfd_chart_entry, G_TYPE_OBJECT)

static void
cfd_chart_entry_finalize (GObject *object)
{
  CfdChartEntry *self = CFD_CHART_ENTRY (object);

  g_free (self->id);
  g_free (self->item_id);
  g_free (self->actor_id);
  g_free (self->actor_name);
  g_clear_pointer (&self->fields, g_variant_unref);
  G_OBJECT_CLASS (cfd_chart_entry_parent_class)->finalize (object);
}

static void
cfd_chart_entry_class_init (CfdChartEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_chart_entry_finalize;
}

static void
cfd_chart_entry_init (CfdChartEntry *self)
{
}

const char *
cfd_chart_entry_get_item_id (CfdChartEntry *self)
{
  return self->item_id;
}

CfdChartList
cfd_chart_entry_get_list (CfdChartEntry *self)
{
  return self->list;
}

guint
cfd_chart_entry_get_revision (CfdChartEntry *self)
{
  return self->revision;
}

const char *
cfd_chart_entry_get_actor_id (CfdChartEntry *self)
{
  return self->actor_id;
}

const char *
cfd_chart_entry_get_actor_name (CfdChartEntry *self)
{
  return self->actor_name;
}

gint64
cfd_chart_entry_get_time (CfdChartEntry *self)
{
  return self->time;
}

const char *
cfd_chart_entry_get_field (CfdChartEntry *self, const char *field)
{
  const char *text = NULL;

  if (self->fields == NULL || !g_variant_lookup (self->fields, field, "&s", &text))
    return NULL;
  return text;
}

GVariant *
cfd_chart_entry_get_fields (CfdChartEntry *self)
{
  return self->fields;
}

gboolean
cfd_chart_entry_get_active (CfdChartEntry *self)
{
  const char *status = cfd_chart_entry_get_field (self, CFD_CHART_STATUS);

  return status == NULL || g_strcmp0 (status, "active") == 0;
}

CfdMedicationFlags
cfd_chart_entry_get_medication_flags (CfdChartEntry *self)
{
  CfdMedicationFlags flags = 0;

  if (self->list != CFD_CHART_MEDICATION
      || !cfd_medication_flags_parse (cfd_chart_entry_get_field (self, CFD_CHART_FLAGS), &flags))
    return 0;
  return flags;
}

static void
append_parts (GString *text, const char *open, const char *const *parts, guint n)
{
  gboolean first = TRUE;

  for (guint i = 0; i < n; i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      g_string_append (text, first ? open : ", ");
      g_string_append (text, parts[i]);
      first = FALSE;
    }
  if (!first)
    g_string_append_c (text, ')');
}

/* A fixed word of the line, translated only when asked: confidant-cli and
 * the FHIR export keep English. */
static const char *word (gboolean translated, const char *english) G_GNUC_FORMAT (2);

static const char *
word (gboolean translated, const char *english)
{
  return translated ? _ (english) : english;
}

static char *
describe (CfdChartEntry *self, gboolean translated)
{
  GString *text = g_string_new (NULL);
  const char *(*field) (CfdChartEntry *, const char *) = cfd_chart_entry_get_field;

  switch (self->list)
    {
      case CFD_CHART_PROBLEM:
        {
          const char *code = field (self, CFD_CHART_CODE);
          const char *onset = field (self, CFD_CHART_ONSET);
          g_autofree char *since
              = onset != NULL ? g_strdup_printf (word (translated, N_ ("since %s")), onset) : NULL;
          const char *parts[] = { since };

          if (code != NULL)
            g_string_append_printf (text, "%s ", code);
          g_string_append (text, field (self, CFD_CHART_TEXT));
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
      case CFD_CHART_ALLERGY:
        {
          const char *parts[]
              = { field (self, CFD_CHART_REACTION), field (self, CFD_CHART_SEVERITY) };

          if (field (self, CFD_CHART_NKDA) != NULL)
            g_string_append (text, word (translated, N_ ("No known drug allergies")));
          else
            g_string_append (text, field (self, CFD_CHART_SUBSTANCE));
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
      case CFD_CHART_MEDICATION:
        {
          const char *stop = field (self, CFD_CHART_STOP);
          g_autofree char *until
              = stop != NULL ? g_strdup_printf (word (translated, N_ ("stopped %s")), stop) : NULL;
          const char *parts[] = { until };

          g_string_append (text, field (self, CFD_CHART_NAME));
          if (field (self, CFD_CHART_DOSE) != NULL)
            g_string_append_printf (text, " %s", field (self, CFD_CHART_DOSE));
          if (field (self, CFD_CHART_FREQUENCY) != NULL)
            g_string_append_printf (text, " %s", field (self, CFD_CHART_FREQUENCY));
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
      case CFD_CHART_TRIAL:
        {
          const char *weeks = field (self, CFD_CHART_WEEKS);
          const char *response = field (self, CFD_CHART_RESPONSE);
          g_autofree char *weeks_text
              = weeks != NULL ? g_strdup_printf (word (translated, N_ ("%s weeks")), weeks) : NULL;
          g_autofree char *response_text
              = response != NULL
                    ? g_strdup_printf (word (translated, N_ ("response: %s")), response)
                    : NULL;
          const char *parts[] = { weeks_text, response_text };

          g_string_append (text, field (self, CFD_CHART_DRUG));
          if (field (self, CFD_CHART_DOSE) != NULL)
            g_string_append_printf (text, " %s", field (self, CFD_CHART_DOSE));
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
      case CFD_CHART_PLAN:
        {
          const char *review = field (self, CFD_CHART_REVIEW);
          g_autofree char *review_text
              = review != NULL ? g_strdup_printf (word (translated, N_ ("review %s")), review)
                               : NULL;
          const char *parts[] = { field (self, CFD_CHART_INTERVENTIONS),
                                  field (self, CFD_CHART_FREQUENCY), review_text };

          g_string_append (text, field (self, CFD_CHART_GOAL));
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
      case CFD_CHART_EPISODE:
        {
          const char *kind = field (self, CFD_CHART_KIND);
          const char *planned = field (self, CFD_CHART_PLANNED);
          const char *end = field (self, CFD_CHART_END);
          g_autofree char *planned_text
              = planned != NULL
                    ? g_strdup_printf (word (translated, N_ ("%s sessions planned")), planned)
                    : NULL;
          const char *parts[] = { planned_text };

          g_string_append (text, g_strcmp0 (kind, "first-series") == 0
                                     ? word (translated, N_ ("First series"))
                                 : g_strcmp0 (kind, "maintenance") == 0
                                     ? word (translated, N_ ("Maintenance"))
                                     : word (translated, N_ ("Other episode")));
          g_string_append_printf (text, " %s", field (self, CFD_CHART_START));
          if (end != NULL)
            g_string_append_printf (text, " – %s", end);
          append_parts (text, " (", parts, G_N_ELEMENTS (parts));
          break;
        }
    }
  return g_string_free (text, FALSE);
}

char *
cfd_chart_entry_describe (CfdChartEntry *self)
{
  return describe (self, FALSE);
}

char *
cfd_chart_entry_describe_translated (CfdChartEntry *self)
{
  return describe (self, TRUE);
}

static gboolean
tampered (GError **error)
{
  g_set_error_literal (
      error, CFD_ERROR, CFD_ERROR_TAMPERED,
      _ ("A chart entry failed verification; the vault may have been tampered with"));
  return FALSE;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/* What the author signs: the revision's place in full, the fields by their
 * hash (the fields are sealed, and the message is not wiped). */
static CfdAd *
entry_message (CfdVault *vault,
               const char *id,
               const char *item_id,
               const char *patient_id,
               CfdChartList list,
               guint revision,
               const char *actor_id,
               gint64 time,
               GVariant *fields)
{
  CfdAd *msg = cfd_ad_new ("confidant/chart/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (fields);
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, item_id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, cfd_chart_list_to_string (list));
  cfd_ad_add_uint (msg, revision);
  cfd_ad_add_string (msg, actor_id);
  cfd_ad_add_uint (msg, (guint64)time);
  cfd_ad_add_bytes (msg, digest, sizeof digest);
  return msg;
}

static gboolean
insert_revision (CfdVault *vault,
                 const char *patient_id,
                 guint key_version,
                 const char *item_id,
                 CfdChartList list,
                 guint revision,
                 GVariant *fields,
                 GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *id = cfd_new_id ();
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[crypto_sign_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  sqlite3_stmt *stmt;

  if (db == NULL)
    return FALSE;
  sealed
      = cfd_patient_key_seal (vault, patient_id, key_version, TABLE, id, revision, fields, error);
  if (sealed == NULL)
    return FALSE;
  msg = entry_message (vault, id, item_id, patient_id, list, revision,
                       cfd_vault_get_user_id (vault), now, fields);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));

  stmt = cfd_db_prepare (db,
                         "INSERT INTO chart_entries (id, item_id, patient_id, list, revision, "
                         "actor_id, time, key_version, sealed, signature) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cfd_chart_list_to_string (list), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, revision);
  sqlite3_bind_text (stmt, 6, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, key_version);
  cfd_db_bind_bytes (stmt, 9, sealed);
  sqlite3_bind_blob (stmt, 10, signature, sizeof signature, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error);
}

/* Structure from the row, the fields unsealed, the signature verified
 * against the roster key of an owner or therapist. */
static CfdChartEntry *
entry_from_row (CfdVault *vault, const char *patient_id, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdChartEntry) entry = g_object_new (CFD_TYPE_CHART_ENTRY, NULL);
  const char *role = (const char *)sqlite3_column_text (stmt, 9);
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const guint8 *msg_data;
  gsize msg_len;

  entry->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  entry->item_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  entry->revision = (guint)sqlite3_column_int64 (stmt, 3);
  entry->actor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  entry->time = sqlite3_column_int64 (stmt, 5);
  entry->actor_name = g_strdup ((const char *)sqlite3_column_text (stmt, 11));
  if (entry->id == NULL || entry->item_id == NULL || entry->actor_id == NULL
      || !cfd_chart_list_from_string ((const char *)sqlite3_column_text (stmt, 2), &entry->list))
    {
      tampered (error);
      return NULL;
    }

  sealed = cfd_db_column_bytes (stmt, 7);
  entry->fields
      = cfd_patient_key_unseal (vault, patient_id, (guint)sqlite3_column_int64 (stmt, 6), TABLE,
                                entry->id, entry->revision, sealed, FIELDS_TYPE, error);
  if (entry->fields == NULL)
    return NULL;
  msg = entry_message (vault, entry->id, entry->item_id, patient_id, entry->list, entry->revision,
                       entry->actor_id, entry->time, entry->fields);
  msg_data = cfd_ad_data (msg, &msg_len);
  if ((g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "therapist") != 0)
      || sqlite3_column_bytes (stmt, 8) != crypto_sign_BYTES
      || sqlite3_column_bytes (stmt, 10) != crypto_sign_PUBLICKEYBYTES
      || crypto_sign_verify_detached (sqlite3_column_blob (stmt, 8), msg_data, msg_len,
                                      sqlite3_column_blob (stmt, 10))
             != 0
      || !cfd_chart_fields_validate (entry->list, entry->fields, NULL))
    {
      tampered (error);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* Signatures catch a forged or altered revision, not a removed one: the
 * latest revision of an entry, or a whole entry, could be deleted and the
 * rest would still verify. Every revision is written in the transaction
 * of its own audit record, so the patient's successful chart.add, edit and
 * resolve records count the rows there must be; a row deleted shows as a
 * shortfall, and deleting its audit record too breaks the audit chain. */
static gboolean
check_nothing_removed (CfdVault *vault, const char *patient_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  gint64 missing = 0;
  int rc;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "SELECT (SELECT count(*) FROM audit_log WHERE object_id = ?1 "
                         "AND object_kind = 'patient' AND outcome = 'success' "
                         "AND action IN ('chart.add', 'chart.edit', 'chart.resolve')) "
                         "- (SELECT count(*) FROM chart_entries WHERE patient_id = ?1)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    missing = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      cfd_db_set_error (db, rc, "reading the chart", error);
      return FALSE;
    }
  return missing == 0 || tampered (error);
}

/* Every revision of the patient's entries (or of one entry), grouped by
 * entry in the order the entries were added, each entry's revisions in
 * order and checked to run 1..n in one list. All lists are read even when
 * one is shown, so that a revision moved to another list is seen.
 * Unaudited: the callers audit what they do. */
static GPtrArray *
load_revisions (CfdVault *vault, const char *patient_id, const char *item_id, GError **error)
{
  g_autoptr (GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdChartEntry *previous = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL || !check_nothing_removed (vault, patient_id, error))
    return NULL;
  stmt = cfd_db_prepare (
      db,
      "SELECT e.id, e.item_id, e.list, e.revision, e.actor_id, e.time, e.key_version, e.sealed, "
      "e.signature, u.role, u.sign_pk, u.name "
      "FROM chart_entries e LEFT JOIN temp.roster u ON u.id = e.actor_id "
      "WHERE e.patient_id = ?1 AND (?2 IS NULL OR e.item_id = ?2) "
      "ORDER BY (SELECT min(f.rowid) FROM chart_entries f WHERE f.item_id = e.item_id), "
      "e.item_id, e.revision",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (item_id != NULL)
    sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdChartEntry *entry = entry_from_row (vault, patient_id, stmt, error);
      gboolean same_item;

      if (entry == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      /* A revision removed, or one entry's revision moved to another list,
       * breaks the numbering; so does a first revision numbered 2. */
      same_item = previous != NULL && g_strcmp0 (previous->item_id, entry->item_id) == 0;
      if ((same_item
           && (entry->revision != previous->revision + 1 || entry->list != previous->list))
          || (!same_item && entry->revision != 1))
        {
          g_object_unref (entry);
          sqlite3_reset (stmt);
          tampered (error);
          return NULL;
        }
      g_ptr_array_add (revisions, entry);
      previous = entry;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the chart", error);
      return NULL;
    }
  return g_steal_pointer (&revisions);
}

/* The last revision of each entry of the list, from load_revisions()'s
 * order. */
static GListStore *
latest_of (GPtrArray *revisions, CfdChartList list, gboolean include_closed)
{
  GListStore *store = g_list_store_new (CFD_TYPE_CHART_ENTRY);

  for (guint i = 0; i < revisions->len; i++)
    {
      CfdChartEntry *entry = g_ptr_array_index (revisions, i);
      CfdChartEntry *next = i + 1 < revisions->len ? g_ptr_array_index (revisions, i + 1) : NULL;

      if (next != NULL && g_strcmp0 (next->item_id, entry->item_id) == 0)
        continue;
      if (entry->list == list && (include_closed || cfd_chart_entry_get_active (entry)))
        g_list_store_append (store, entry);
    }
  return store;
}

static gboolean
audit_read (CfdVault *vault, const char *action, const char *patient_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);

  if (db == NULL || !cfd_db_begin (db, error))
    return FALSE;
  if (!cfd_vault_audit (vault, action, "patient", patient_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

GListModel *
cfd_vault_list_chart (CfdVault *vault,
                      const char *patient_id,
                      CfdChartList list,
                      gboolean include_closed,
                      GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GPtrArray) revisions = NULL;
  g_autoptr (GListStore) store = NULL;

  g_return_val_if_fail (patient_id != NULL, NULL);
  g_return_val_if_fail (list < CFD_CHART_N_LISTS, NULL);
  /* Loading proves the user may read this patient. */
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  revisions = load_revisions (vault, patient_id, NULL, error);
  if (revisions == NULL)
    return NULL;
  store = latest_of (revisions, list, include_closed);
  if (!audit_read (vault, "chart.list", patient_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

gboolean
cfd_vault_list_chart_all (CfdVault *vault,
                          const char *patient_id,
                          gboolean include_closed,
                          GListModel *lists[CFD_CHART_N_LISTS],
                          GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GPtrArray) revisions = NULL;

  g_return_val_if_fail (patient_id != NULL && lists != NULL, FALSE);
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL)
    return FALSE;
  revisions = load_revisions (vault, patient_id, NULL, error);
  if (revisions == NULL || !audit_read (vault, "chart.list", patient_id, error))
    return FALSE;
  for (guint list = 0; list < CFD_CHART_N_LISTS; list++)
    lists[list] = G_LIST_MODEL (latest_of (revisions, (CfdChartList)list, include_closed));
  return TRUE;
}

GListModel *
cfd_vault_chart_history (CfdVault *vault,
                         const char *patient_id,
                         const char *item_id,
                         GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GPtrArray) revisions = NULL;
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_CHART_ENTRY);

  g_return_val_if_fail (patient_id != NULL && item_id != NULL, NULL);
  patient = cfd_patient_load (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  revisions = load_revisions (vault, patient_id, item_id, error);
  if (revisions == NULL)
    return NULL;
  if (revisions->len == 0)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                           _ ("This patient's chart has no such entry"));
      return NULL;
    }
  for (guint i = 0; i < revisions->len; i++)
    g_list_store_append (store, g_ptr_array_index (revisions, i));
  if (!audit_read (vault, "chart.history", patient_id, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* "No known drug allergies" and a named allergy cannot both be active:
 * one of them is wrong, and a banner must not show both. */
static gboolean
check_allergy_exclusion (GPtrArray *revisions,
                         const char *item_id,
                         GVariant *fields,
                         GError **error)
{
  g_autoptr (GListStore) active = latest_of (revisions, CFD_CHART_ALLERGY, FALSE);
  gboolean nkda = g_variant_lookup (fields, CFD_CHART_NKDA, "&s", NULL);
  const char *status = NULL;

  /* A closed entry excludes nothing. */
  if (g_variant_lookup (fields, CFD_CHART_STATUS, "&s", &status)
      && g_strcmp0 (status, "active") != 0)
    return TRUE;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (active)); i++)
    {
      g_autoptr (CfdChartEntry) other = g_list_model_get_item (G_LIST_MODEL (active), i);
      gboolean other_nkda = cfd_chart_entry_get_field (other, CFD_CHART_NKDA) != NULL;

      if (g_strcmp0 (other->item_id, item_id) == 0)
        continue;
      if (nkda && other_nkda)
        return invalid (error, _ ("“No known drug allergies” is already recorded"));
      if (nkda)
        return invalid (error, _ ("An allergy is recorded: mark it inactive before recording no "
                                  "known drug allergies"));
      if (other_nkda)
        return invalid (error, _ ("“No known drug allergies” is recorded: mark it inactive before "
                                  "adding an allergy"));
    }
  return TRUE;
}

/* A plan's goal is for a problem on this patient's chart: its id names a
 * problem entry, so that the plan reads problems → goals → interventions. */
static gboolean
check_plan_problem (GPtrArray *revisions, GVariant *fields, GError **error)
{
  const char *problem = NULL;

  if (!g_variant_lookup (fields, CFD_CHART_PLAN_PROBLEM, "&s", &problem))
    return TRUE; /* validation reports it */
  for (guint i = 0; i < revisions->len; i++)
    {
      CfdChartEntry *entry = g_ptr_array_index (revisions, i);

      if (entry->list == CFD_CHART_PROBLEM && g_strcmp0 (entry->item_id, problem) == 0)
        return TRUE;
    }
  return invalid (error, _ ("A plan's “problem” is the id of a problem on this patient's chart"));
}

/* A medication's flags gain the classes its name is known to belong to:
 * a missed benzodiazepine or MAOI matters more than a redundant flag. */
static GVariant *
with_known_flags (GVariant *fields)
{
  const char *name = NULL, *given = NULL;
  CfdMedicationFlags flags = 0, known;
  g_autofree char *text = NULL;
  GVariantDict dict;

  if (!g_variant_lookup (fields, CFD_CHART_NAME, "&s", &name))
    return g_variant_ref (fields);
  known = cfd_medication_flags_for_name (name);
  if (g_variant_lookup (fields, CFD_CHART_FLAGS, "&s", &given)
      && !cfd_medication_flags_parse (given, &flags))
    return g_variant_ref (fields); /* validation reports it */
  if (known == 0 && given == NULL)
    return g_variant_ref (fields);
  g_variant_dict_init (&dict, fields);
  text = cfd_medication_flags_to_string (flags | known);
  if (*text != '\0')
    g_variant_dict_insert (&dict, CFD_CHART_FLAGS, "s", text);
  else
    g_variant_dict_remove (&dict, CFD_CHART_FLAGS);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* A problem given only its code takes the code's title from the list. */
static GVariant *
with_code_title (GVariant *fields)
{
  const char *code = NULL, *title;
  GVariantDict dict;

  if (!g_variant_lookup (fields, CFD_CHART_CODE, "&s", &code)
      || g_variant_lookup (fields, CFD_CHART_TEXT, "&s", NULL)
      || (title = cfd_icd10_title (code)) == NULL)
    return g_variant_ref (fields);
  g_variant_dict_init (&dict, fields);
  g_variant_dict_insert (&dict, CFD_CHART_TEXT, "s", title);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

typedef enum
{
  CHANGE_ADD,
  CHANGE_EDIT,
  CHANGE_RESOLVE,
} ChangeKind;

static const char *const change_actions[] = { "chart.add", "chart.edit", "chart.resolve" };

/* The fields of the next revision: an edit merges over the latest (an
 * empty value removes a field); a resolution sets the closed status. */
static GVariant *
next_fields (CfdVault *vault, CfdChartEntry *latest, ChangeKind kind, GVariant *changes)
{
  GVariantDict dict;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_dict_init (&dict, latest != NULL ? latest->fields : NULL);
  if (kind == CHANGE_RESOLVE)
    {
      g_variant_dict_insert (&dict, CFD_CHART_STATUS, "s", cfd_chart_closed_status (latest->list));
      if (latest->list == CFD_CHART_MEDICATION
          && cfd_chart_entry_get_field (latest, CFD_CHART_STOP) == NULL)
        {
          g_autofree char *today = cfd_date_format (cfd_vault_now (vault) / G_USEC_PER_SEC);

          g_variant_dict_insert (&dict, CFD_CHART_STOP, "s", today);
        }
      /* An episode closed without an end ends today. */
      if (latest->list == CFD_CHART_EPISODE
          && cfd_chart_entry_get_field (latest, CFD_CHART_END) == NULL)
        {
          g_autofree char *today = cfd_date_format (cfd_vault_now (vault) / G_USEC_PER_SEC);

          g_variant_dict_insert (&dict, CFD_CHART_END, "s", today);
        }
    }
  else
    {
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
      if (!g_variant_dict_contains (&dict, CFD_CHART_STATUS))
        g_variant_dict_insert (&dict, CFD_CHART_STATUS, "s", "active");
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
change (CfdVault *vault,
        const char *patient_id,
        ChangeKind kind,
        CfdChartList list,
        const char *item_id,
        GVariant *changes,
        char **new_item_id,
        GError **error)
{
  const char *action = change_actions[kind];
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GPtrArray) revisions = NULL;
  g_autoptr (GVariant) merged = NULL;
  g_autoptr (GVariant) fields = NULL;
  g_autofree char *fresh_id = NULL;
  CfdChartEntry *latest = NULL;
  GError *local_error = NULL;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, FALSE);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, action, error))
    return FALSE;
  if (kind != CHANGE_RESOLVE
      && (changes == NULL || !g_variant_is_of_type (changes, G_VARIANT_TYPE_VARDICT)))
    return invalid (error, _ ("A chart entry must be a dictionary of text fields"));
  db = cfd_vault_get_db (vault, error);
  if (db == NULL || !cfd_db_begin (db, error))
    return FALSE;
  patient = cfd_patient_load (vault, patient_id, &local_error);
  if (patient == NULL)
    goto failed;
  if (kind != CHANGE_ADD)
    {
      g_autoptr (GPtrArray) history = load_revisions (vault, patient_id, item_id, &local_error);

      if (history == NULL)
        goto failed;
      if (history->len == 0)
        {
          g_set_error_literal (&local_error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                               _ ("This patient's chart has no such entry"));
          goto failed;
        }
      latest = g_object_ref (g_ptr_array_index (history, history->len - 1));
      list = latest->list;
      if (kind == CHANGE_RESOLVE && !cfd_chart_entry_get_active (latest))
        {
          g_set_error (&local_error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("This %s is already %s"), cfd_chart_list_to_string (list),
                       cfd_chart_closed_status (list));
          goto failed;
        }
    }
  merged = next_fields (vault, latest, kind, changes);
  fields = list == CFD_CHART_MEDICATION ? with_known_flags (merged)
           : list == CFD_CHART_PROBLEM  ? with_code_title (merged)
                                        : g_variant_ref (merged);
  if (latest != NULL && g_variant_equal (fields, latest->fields))
    {
      invalid (&local_error, "Nothing changed");
      goto failed;
    }
  if (!cfd_chart_fields_validate (list, fields, &local_error))
    goto failed;
  if (list == CFD_CHART_ALLERGY)
    {
      revisions = load_revisions (vault, patient_id, NULL, &local_error);
      if (revisions == NULL || !check_allergy_exclusion (revisions, item_id, fields, &local_error))
        goto failed;
    }
  if (list == CFD_CHART_PLAN)
    {
      revisions = load_revisions (vault, patient_id, NULL, &local_error);
      if (revisions == NULL || !check_plan_problem (revisions, fields, &local_error))
        goto failed;
    }
  if (kind == CHANGE_ADD)
    item_id = fresh_id = cfd_new_id ();
  if (!insert_revision (vault, patient_id, cfd_patient_get_key_version (patient), item_id, list,
                        latest != NULL ? latest->revision + 1 : 1, fields, &local_error)
      || !cfd_vault_audit (vault, action, "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  g_clear_object (&latest);
  if (new_item_id != NULL)
    *new_item_id = g_steal_pointer (&fresh_id);
  return TRUE;

failed:
  g_clear_object (&latest);
  cfd_db_rollback (db);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_DENIED);
  else if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_LOCKED))
    cfd_vault_audit_standalone (vault, action, "patient", patient_id, CFD_AUDIT_FAILURE);
  g_propagate_error (error, local_error);
  return FALSE;
}

char *
cfd_vault_add_chart_entry (
    CfdVault *vault, const char *patient_id, CfdChartList list, GVariant *fields, GError **error)
{
  char *item_id = NULL;

  g_return_val_if_fail (list < CFD_CHART_N_LISTS, NULL);
  if (!change (vault, patient_id, CHANGE_ADD, list, NULL, fields, &item_id, error))
    return NULL;
  return item_id;
}

gboolean
cfd_vault_edit_chart_entry (
    CfdVault *vault, const char *patient_id, const char *item_id, GVariant *fields, GError **error)
{
  g_return_val_if_fail (item_id != NULL, FALSE);
  return change (vault, patient_id, CHANGE_EDIT, 0, item_id, fields, NULL, error);
}

gboolean
cfd_vault_resolve_chart_entry (CfdVault *vault,
                               const char *patient_id,
                               const char *item_id,
                               GError **error)
{
  g_return_val_if_fail (item_id != NULL, FALSE);
  return change (vault, patient_id, CHANGE_RESOLVE, 0, item_id, NULL, NULL, error);
}

gboolean
cfd_vault_count_episode_sessions (CfdVault *vault,
                                  const char *patient_id,
                                  CfdChartEntry *episode,
                                  guint *completed,
                                  GError **error)
{
  const char *start, *end;
  g_autofree char *today = NULL;
  g_autoptr (GListModel) records = NULL;
  guint n = 0;

  g_return_val_if_fail (CFD_IS_CHART_ENTRY (episode), FALSE);
  g_return_val_if_fail (episode->list == CFD_CHART_EPISODE, FALSE);
  start = cfd_chart_entry_get_field (episode, CFD_CHART_START);
  end = cfd_chart_entry_get_field (episode, CFD_CHART_END);
  if (end == NULL)
    end = today = cfd_date_format (cfd_vault_now (vault) / G_USEC_PER_SEC);
  records = cfd_vault_list_records (vault, patient_id, error);
  if (records == NULL)
    return FALSE;
  /* Only signed sessions count: a draft may still be a session that did
   * not happen. */
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      g_autofree char *day = NULL;

      if (cfd_record_get_kind (record) != CFD_RECORD_DOSING
          || cfd_record_get_status (record) != CFD_RECORD_SIGNED)
        continue;
      day = cfd_date_format (cfd_record_get_occurred (record));
      if (g_strcmp0 (day, start) >= 0 && g_strcmp0 (day, end) <= 0)
        n++;
    }
  *completed = n;
  return TRUE;
}
