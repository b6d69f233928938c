/* cfd-search.c: text search across every record the signed-in user may read. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-search-private.h"
#include "cfd-search.h"

#define INDEX_KEY       "cfd-search-index"
#define CONNECTED_KEY   "cfd-search-connected"
#define MAX_QUERY_BYTES 1024
#define MAX_HITS        500
#define FIELD_SEPARATOR 0x1f /* folds to itself; no query holds it */

/* The folded query, shared by every hit of one search: one guarded
 * allocation rather than one per hit, which locked memory would not allow. */
typedef struct
{
  CfdSecret *folded;
} SharedQuery;

static void
shared_query_clear (gpointer data)
{
  cfd_secret_free (((SharedQuery *)data)->folded);
}

static void
shared_query_release (SharedQuery *query)
{
  g_rc_box_release_full (query, shared_query_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SharedQuery, shared_query_release)

struct _CfdSearchHit
{
  GObject parent_instance;

  char *patient_id;
  char *patient_name;
  char *record_id;
  CfdRecordKind kind;
  gint64 occurred;
  char *snippet;
  /* The snippet is cut when first asked for: a search can match hundreds
   * of records, and a view shows a screenful. */
  GWeakRef vault;
  SharedQuery *query;
};

G_DEFINE_FINAL_TYPE (CfdSearchHit, cfd_search_hit, G_TYPE_OBJECT)

static char *
snippet_for (CfdVault *vault, const char *record_id, const guint8 *query, gsize query_len);

static void
cfd_search_hit_finalize (GObject *object)
{
  CfdSearchHit *self = CFD_SEARCH_HIT (object);

  g_free (self->patient_id);
  g_free (self->record_id);
  cfd_wipe_string (self->patient_name);
  cfd_wipe_string (self->snippet);
  g_weak_ref_clear (&self->vault);
  g_clear_pointer (&self->query, shared_query_release);
  G_OBJECT_CLASS (cfd_search_hit_parent_class)->finalize (object);
}

static void
cfd_search_hit_class_init (CfdSearchHitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_search_hit_finalize;
}

static void
cfd_search_hit_init (CfdSearchHit *self)
{
  g_weak_ref_init (&self->vault, NULL);
}

const char *
cfd_search_hit_get_patient_id (CfdSearchHit *self)
{
  return self->patient_id;
}

const char *
cfd_search_hit_get_patient_name (CfdSearchHit *self)
{
  return self->patient_name;
}

const char *
cfd_search_hit_get_record_id (CfdSearchHit *self)
{
  return self->record_id;
}

CfdRecordKind
cfd_search_hit_get_kind (CfdSearchHit *self)
{
  return self->kind;
}

gint64
cfd_search_hit_get_occurred (CfdSearchHit *self)
{
  return self->occurred;
}

const char *
cfd_search_hit_get_snippet (CfdSearchHit *self)
{
  if (self->snippet == NULL)
    {
      g_autoptr (CfdVault) vault = g_weak_ref_get (&self->vault);

      /* After a lock there is nothing to cut it from, and that is right. */
      if (vault != NULL && cfd_vault_is_unlocked (vault) && self->query != NULL)
        self->snippet = snippet_for (vault, self->record_id, self->query->folded->data,
                                     self->query->folded->len);
      else
        self->snippet = g_strdup ("");
      g_clear_pointer (&self->query, shared_query_release);
    }
  return self->snippet;
}

/* The index: every readable record's text, folded, in one guarded buffer
 * (each record's text ends with a NUL), and where each record starts.
 * Only ids, kinds and dates sit in ordinary memory. */
typedef struct
{
  gsize offset;
  gsize len;
  char *record_id;
  char *patient_id;
  CfdRecordKind kind;
  gint64 occurred;
  guint rank; /* place in the timeline order, newest first */
} Entry;

typedef struct
{
  CfdSecret *text;
  GArray *entries;
  char *fingerprint;
} SearchIndex;

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->record_id);
  g_free (entry->patient_id);
}

static void
search_index_free (gpointer data)
{
  SearchIndex *index = data;

  cfd_secret_free (index->text);
  g_array_unref (index->entries);
  g_free (index->fingerprint);
  g_free (index);
}

static void
forget_index (CfdVault *vault, gpointer user_data)
{
  g_object_set_data (G_OBJECT (vault), INDEX_KEY, NULL);
}

/* Changes whenever anything in the database changes: data_version when
 * another connection (the CLI beside the app) commits, total_changes when
 * this one does. Reading these costs nothing; summing over the records
 * table meant reading every page of it before each search. */
static char *
current_fingerprint (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  char *fingerprint = NULL;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "PRAGMA data_version", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    fingerprint = g_strdup_printf (
        "%" G_GINT64_FORMAT "/%d/%s", (gint64)sqlite3_column_int64 (stmt, 0),
        sqlite3_total_changes (cfd_db_handle (db)), cfd_vault_get_user_id (vault));
  else
    cfd_db_set_error (db, rc, "searching", error);
  sqlite3_reset (stmt);
  return fingerprint;
}

/* Grows the guarded text buffer by doubling while the index is built;
 * the old one is wiped as it is freed. */
static void
reserve (SearchIndex *index, gsize used, gsize needed)
{
  CfdSecret *bigger;
  gsize capacity = index->text->len;

  if (used + needed <= capacity)
    return;
  while (used + needed > capacity)
    capacity *= 2;
  bigger = cfd_secret_new_unlocked (capacity);
  memcpy (bigger->data, index->text->data, used);
  cfd_secret_free (index->text);
  index->text = bigger;
}

typedef struct
{
  SearchIndex *index;
  gsize used;
} IndexBuilder;

/* Folds one text field onto the end of the index, then its separator.
 * Folding rarely makes text longer (never for ASCII), so it is folded
 * straight into room for its own length, and again only if it grew. */
static void
append_folded (IndexBuilder *builder, const char *text, gsize len)
{
  SearchIndex *index = builder->index;
  gsize folded;

  reserve (index, builder->used, len + 2);
  folded = cfd_search_fold (text, len, index->text->data + builder->used,
                            index->text->len - builder->used);
  if (folded + 2 > index->text->len - builder->used)
    {
      reserve (index, builder->used, folded + 2);
      cfd_search_fold (text, len, index->text->data + builder->used, folded);
    }
  builder->used += folded;
  index->text->data[builder->used++] = FIELD_SEPARATOR;
}

/* Each record is folded as it is read, in one pass over its fields, so
 * the decrypted records do not all stay in memory at once. */
static gboolean
index_record (CfdRecord *record, gpointer user_data, GError **error)
{
  IndexBuilder *builder = user_data;
  SearchIndex *index = builder->index;
  GVariant *content = cfd_record_get_content (record);
  gsize n_fields = g_variant_n_children (content);
  Entry entry = { 0 };

  entry.offset = builder->used;
  for (gsize i = 0; i < n_fields; i++)
    {
      g_autoptr (GVariant) field = g_variant_get_child_value (content, i);
      g_autoptr (GVariant) boxed = g_variant_get_child_value (field, 1);
      g_autoptr (GVariant) value = g_variant_get_variant (boxed);

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          gsize len;
          const char *text = g_variant_get_string (value, &len);

          append_folded (builder, text, len);
        }
    }
  entry.len = builder->used - entry.offset;
  entry.record_id = g_strdup (cfd_record_get_id (record));
  entry.patient_id = g_strdup (cfd_record_get_patient_id (record));
  entry.kind = cfd_record_get_kind (record);
  entry.occurred = cfd_record_get_occurred (record);
  reserve (index, builder->used, 1);
  index->text->data[builder->used++] = '\0';
  g_array_append_val (index->entries, entry);
  return TRUE;
}

/* Each readable record's place, newest first, from a query that sorts
 * only ids and dates. */
static GHashTable *
timeline_ranks (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autoptr (GHashTable) ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  guint rank = 0;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db,
                         "SELECT r.id FROM records r JOIN patients p ON p.id = r.patient_id "
                         "JOIN patient_keys k ON k.patient_id = p.id "
                         "AND k.key_version = p.key_version AND k.user_id = ? "
                         "ORDER BY r.occurred DESC, r.created DESC, r.id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (ranks, g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
                         GUINT_TO_POINTER (++rank));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "searching", error);
      return NULL;
    }
  return g_steal_pointer (&ranks);
}

static int
compare_rank (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;

  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Moves the text into a buffer of exactly its size, record by record in
 * timeline order, so that a scan meets the newest records first; the
 * growing buffer is wiped as it is freed. */
static void
settle (SearchIndex *index, gsize used, GHashTable *ranks)
{
  CfdSecret *exact = cfd_secret_new_unlocked (MAX (used, 1));
  gsize at = 0;

  for (guint i = 0; i < index->entries->len; i++)
    {
      Entry *entry = &g_array_index (index->entries, Entry, i);
      gpointer rank = g_hash_table_lookup (ranks, entry->record_id);

      /* A record written between the two queries goes last. */
      entry->rank = rank != NULL ? GPOINTER_TO_UINT (rank) : G_MAXUINT;
    }
  g_array_sort (index->entries, compare_rank);
  for (guint i = 0; i < index->entries->len; i++)
    {
      Entry *entry = &g_array_index (index->entries, Entry, i);

      memcpy (exact->data + at, index->text->data + entry->offset, entry->len + 1);
      entry->offset = at;
      at += entry->len + 1;
    }
  cfd_secret_free (index->text);
  index->text = exact;
  /* Searching scans up to the buffer's length. */
  index->text->len = used;
}

static SearchIndex *
build_index (CfdVault *vault, char *fingerprint, GError **error)
{
  SearchIndex *index = g_new0 (SearchIndex, 1);
  IndexBuilder builder = { index, 0 };
  g_autoptr (GHashTable) ranks = NULL;

  index->fingerprint = fingerprint;
  index->text = cfd_secret_new_unlocked (64 * 1024);
  index->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (index->entries, entry_clear);
  ranks = timeline_ranks (vault, error);
  if (ranks == NULL
      || !cfd_record_foreach_readable (vault, NULL,
                                       CFD_RECORD_READ_UNVERIFIED | CFD_RECORD_READ_STORAGE_ORDER,
                                       index_record, &builder, error))
    {
      search_index_free (index);
      return NULL;
    }
  settle (index, builder.used, ranks);
  return index;
}

static SearchIndex *
get_index (CfdVault *vault, GError **error)
{
  SearchIndex *index = g_object_get_data (G_OBJECT (vault), INDEX_KEY);
  char *fingerprint = current_fingerprint (vault, error);

  if (fingerprint == NULL)
    return NULL;
  if (index != NULL && g_strcmp0 (index->fingerprint, fingerprint) == 0)
    {
      g_free (fingerprint);
      return index;
    }
  index = build_index (vault, fingerprint, error);
  if (index == NULL)
    return NULL;
  g_object_set_data_full (G_OBJECT (vault), INDEX_KEY, index, search_index_free);
  if (g_object_get_data (G_OBJECT (vault), CONNECTED_KEY) == NULL)
    {
      g_signal_connect (vault, "locked", G_CALLBACK (forget_index), NULL);
      g_object_set_data (G_OBJECT (vault), CONNECTED_KEY, GINT_TO_POINTER (1));
    }
  return index;
}

/* The snippet comes from the record's own text, loaded again: the index
 * holds only folded text. */
static char *
snippet_for (CfdVault *vault, const char *record_id, const guint8 *query, gsize query_len)
{
  g_autoptr (CfdRecord) record = cfd_record_load (vault, record_id, NULL);
  GVariantIter iter;
  GVariant *value;
  char *snippet = NULL;

  if (record == NULL)
    return g_strdup ("");
  g_variant_iter_init (&iter, cfd_record_get_content (record));
  while (snippet == NULL && g_variant_iter_next (&iter, "{&sv}", NULL, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        snippet = cfd_search_snippet (g_variant_get_string (value, NULL), query, query_len);
      g_variant_unref (value);
    }
  return snippet != NULL ? snippet : g_strdup ("");
}

static const char *
patient_name (CfdVault *vault, GHashTable *names, const char *patient_id)
{
  const char *name = g_hash_table_lookup (names, patient_id);

  if (name == NULL)
    {
      g_autoptr (CfdPatient) patient = cfd_patient_load (vault, patient_id, NULL);

      name = patient != NULL ? cfd_patient_get_name (patient) : "";
      g_hash_table_insert (names, g_strdup (patient_id), g_strdup (name));
      name = g_hash_table_lookup (names, patient_id);
    }
  return name;
}

static void
wipe_name (gpointer data)
{
  cfd_wipe_string (data);
}

GListModel *
cfd_vault_search (CfdVault *vault, const char *query, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_SEARCH_HIT);
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_name);
  g_autoptr (CfdSecret) folded = NULL;
  g_autoptr (SharedQuery) shared = NULL;
  SearchIndex *index;
  gsize query_len, folded_len;
  guint entry = 0;
  CfdDb *db;

  g_return_val_if_fail (query != NULL, NULL);
  query_len = strlen (query);
  if (query_len > MAX_QUERY_BYTES || !g_utf8_validate (query, (gssize)query_len, NULL))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Search for at most 1,024 bytes of text"));
      return NULL;
    }
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (query));

    folded_len = cfd_search_fold (trimmed, strlen (trimmed), NULL, 0);
    folded = cfd_secret_new (MAX (folded_len, 1));
    cfd_search_fold (trimmed, strlen (trimmed), folded->data, folded_len);
    sodium_memzero (trimmed, strlen (trimmed));
  }
  if (folded_len == 0)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Type something to search for"));
      return NULL;
    }
  shared = g_rc_box_new0 (SharedQuery);
  shared->folded = g_steal_pointer (&folded);

  index = get_index (vault, error);
  if (index == NULL)
    return NULL;

  /* Entries lie in buffer order, so one scan finds each record's first hit. */
  for (const guint8 *at = index->text->data, *end = at + index->text->len;
       at < end && g_list_model_get_n_items (G_LIST_MODEL (store)) < MAX_HITS;)
    {
      const guint8 *found = memmem (at, (gsize)(end - at), shared->folded->data, folded_len);
      const Entry *e;
      g_autoptr (CfdSearchHit) hit = NULL;

      if (found == NULL)
        break;
      while (entry + 1 < index->entries->len
             && g_array_index (index->entries, Entry, entry + 1).offset
                    <= (gsize)(found - index->text->data))
        entry++;
      e = &g_array_index (index->entries, Entry, entry);
      hit = g_object_new (CFD_TYPE_SEARCH_HIT, NULL);
      hit->patient_id = g_strdup (e->patient_id);
      hit->patient_name = g_strdup (patient_name (vault, names, e->patient_id));
      hit->record_id = g_strdup (e->record_id);
      hit->kind = e->kind;
      hit->occurred = e->occurred;
      g_weak_ref_set (&hit->vault, vault);
      hit->query = g_rc_box_acquire (shared);
      g_list_store_append (store, hit);
      at = index->text->data + e->offset + e->len + 1;
      entry++;
      if (entry >= index->entries->len)
        break;
    }

  /* That a search happened is recorded; what was searched for never is. */
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  if (!cfd_vault_audit (vault, "record.search", "vault", cfd_vault_get_id (vault),
                        CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  /* The audit record just written is the only change since the index was
   * checked; without this, every search would rebuild it. */
  if (!cfd_db_in_transaction (db))
    {
      g_free (index->fingerprint);
      index->fingerprint = current_fingerprint (vault, NULL);
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}
