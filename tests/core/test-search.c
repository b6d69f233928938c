/* test-search.c: search across readable records: permissions, folding, snippets, audit, the index. */
#include "config.h"

#include <string.h>

#include "cfd-record-private.h"
#include "cfd-search-private.h"
#include "cfd-search.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)

static char *
add_note (CfdVault *vault, const char *patient, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) content = NULL;
  GVariantDict d;
  char *id;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", text);
  g_variant_dict_insert (&d, "plan", "s", "Continue.");
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS, OCCURRED, content, &error);
  g_assert_no_error (error);
  return id;
}

static GListModel *
search_ok (CfdVault *vault, const char *query)
{
  g_autoptr (GError) error = NULL;
  GListModel *hits = cfd_vault_search (vault, query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static gboolean
hits_contain (GListModel *hits, const char *record_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (hits); i++)
    {
      g_autoptr (CfdSearchHit) hit = g_list_model_get_item (hits, i);

      if (g_strcmp0 (cfd_search_hit_get_record_id (hit), record_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
relock (CfdVault *vault, const char *user, const char *passphrase)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, user, passphrase, &error));
  g_assert_no_error (error);
}

static void
test_permitted_only (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *theo
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "lantern meadow quietly 31", &error);
  g_autofree char *tess
      = cfd_vault_add_user (vault, "Tess", CFD_ROLE_THERAPIST, "harbour violet sketch 52", &error);
  g_autofree char *owner_patient = cfd_test_add_patient (vault, "Owner Patient");
  g_autofree char *owner_note = add_note (vault, owner_patient, "A lighthouse on the shore.");
  g_autofree char *theo_patient = NULL, *theo_note = NULL;
  g_autofree char *tess_patient = NULL, *tess_note = NULL;
  g_autoptr (GListModel) hits = NULL;

  relock (vault, "Theo", "lantern meadow quietly 31");
  theo_patient = cfd_test_add_patient (vault, "Theo Patient");
  theo_note = add_note (vault, theo_patient, "Dreamt of the LIGHTHOUSE keeper.");
  relock (vault, "Tess", "harbour violet sketch 52");
  tess_patient = cfd_test_add_patient (vault, "Tess Patient");
  tess_note = add_note (vault, tess_patient, "Lighthouses, again and again.");

  hits = search_ok (vault, "lighthouse");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_true (hits_contain (hits, tess_note));
  g_clear_object (&hits);

  relock (vault, "Theo", "lantern meadow quietly 31");
  hits = search_ok (vault, "lighthouse");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_true (hits_contain (hits, theo_note));
  {
    g_autoptr (CfdSearchHit) hit = g_list_model_get_item (hits, 0);

    g_assert_cmpstr (cfd_search_hit_get_patient_id (hit), ==, theo_patient);
    g_assert_true (cfd_test_name_is (cfd_search_hit_get_patient_name (hit), "Theo Patient"));
    g_assert_cmpint (cfd_search_hit_get_kind (hit), ==, CFD_RECORD_PROGRESS);
    g_assert_cmpint (cfd_search_hit_get_occurred (hit), ==, OCCURRED);
    g_assert_nonnull (strstr (cfd_search_hit_get_snippet (hit), "LIGHTHOUSE keeper"));
  }
  g_clear_object (&hits);

  /* The owner holds a grant to every patient of the practice. */
  relock (vault, NULL, CFD_TEST_PASSPHRASE);
  hits = search_ok (vault, "lighthouse");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 3);
  g_assert_true (hits_contain (hits, owner_note));
  g_assert_true (hits_contain (hits, theo_note));
  g_assert_true (hits_contain (hits, tess_note));
}

static void
test_folding (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Folding");
  /* "Café" with a precomposed é, "Crème" with a combining grave. */
  g_autofree char *latin = add_note (vault, patient, "Café Cre\xcc\x80me and the Ñandú.");
  g_autofree char *rtl = add_note (vault, patient, "אמר: שלום לך, then 🌊🌊 waves.");
  static const struct
  {
    const char *query;
    gboolean latin;
  } cases[] = {
    { "cafe creme", TRUE }, { "CAFÉ", TRUE }, { "ñandu", TRUE },  { "NANDU", TRUE },
    { "שלום", FALSE },      { "🌊", FALSE },   { "WAVES", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GListModel) hits = search_ok (vault, cases[i].query);
      g_autoptr (CfdSearchHit) hit = NULL;

      g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
      hit = g_list_model_get_item (hits, 0);
      g_assert_cmpstr (cfd_search_hit_get_record_id (hit), ==, cases[i].latin ? latin : rtl);
    }
  {
    g_autoptr (GListModel) hits = search_ok (vault, "creme");
    g_autoptr (CfdSearchHit) hit = g_list_model_get_item (hits, 0);

    /* The snippet shows the text as written, not as folded. */
    g_assert_nonnull (strstr (cfd_search_hit_get_snippet (hit), "Café Cre\xcc\x80me"));
  }
  {
    g_autoptr (GListModel) hits = search_ok (vault, "nothing like this");

    g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 0);
  }
}

static void
test_snippet (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint8 query[64];
  gsize len = cfd_search_fold ("NEEDLE", 6, query, sizeof query);
  char *snippet;

  for (guint i = 0; i < 50; i++)
    g_string_append (text, "hay\nstack ");
  g_string_append (text, "the needle here");
  for (guint i = 0; i < 50; i++)
    g_string_append (text, " more hay");
  snippet = cfd_search_snippet (text->str, query, len);
  g_assert_nonnull (snippet);
  g_assert_true (g_str_has_prefix (snippet, "…"));
  g_assert_true (g_str_has_suffix (snippet, "…"));
  g_assert_nonnull (strstr (snippet, "the needle here"));
  g_assert_null (strchr (snippet, '\n'));
  g_assert_cmpuint (g_utf8_strlen (snippet, -1), <=, 2 * 60 + 6 + 2);
  cfd_wipe_string (snippet);

  g_assert_null (cfd_search_snippet ("no match at all", query, len));
  g_assert_null (cfd_search_snippet ("", query, len));
}

static void
test_audit_never_holds_query (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Audit");
  g_autofree char *note = add_note (vault, patient, "Zephyrine-Querytext-4471 appears here.");
  g_autoptr (GListModel) hits = search_ok (vault, "zephyrine-querytext-4471");
  sqlite3 *db = cfd_db_handle (cfd_vault_get_db (vault, NULL));
  sqlite3_stmt *stmt = NULL;
  guint searches = 0;

  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT action, object_kind, object_id, authorization, "
                                       "device FROM audit_log",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      searches += g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "record.search") == 0;
      for (int c = 0; c < 5; c++)
        {
          g_autofree char *value
              = g_ascii_strdown ((const char *)sqlite3_column_text (stmt, c), -1);

          g_assert_null (strstr (value, "zephyrine"));
          g_assert_null (strstr (value, "querytext"));
        }
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (searches, ==, 1);
  cfd_vault_lock (vault);
  g_assert_false (cfd_test_dir_contains (path, "zephyrine"));
  g_assert_false (cfd_test_dir_contains (path, "Zephyrine"));
}

static void
test_index_lifetime (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Index");
  g_autofree char *first = add_note (vault, patient, "first entry about otters");
  g_autofree char *second = NULL;
  g_autoptr (GListModel) hits = search_ok (vault, "otters");
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;
  GVariantDict d;

  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_nonnull (g_object_get_data (G_OBJECT (vault), "cfd-search-index"));
  g_clear_object (&hits);

  /* New and changed records are found without relocking. */
  second = add_note (vault, patient, "second entry, otters again");
  hits = search_ok (vault, "otters");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 2);
  g_clear_object (&hits);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "now about beavers");
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  g_assert_true (cfd_vault_save_draft (vault, first, OCCURRED, content, &error));
  hits = search_ok (vault, "otters");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_true (hits_contain (hits, second));
  g_clear_object (&hits);

  cfd_vault_lock (vault);
  g_assert_null (g_object_get_data (G_OBJECT (vault), "cfd-search-index"));
  g_assert_null (cfd_vault_search (vault, "otters", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
}

static void
test_bad_queries (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Bad Queries");
  g_autofree char *note = add_note (vault, patient, "text");
  g_autofree char *longer = g_strnfill (2000, 'a');
  const char *queries[] = { "", "   ", "\xff\xfe", longer };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (cfd_vault_search (vault, queries[i], &error));
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    }
}

/* Figures for the record: building the index over 200 notes of about
 * 1 KiB, then searching it again. */
static void
test_many (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Many Notes");
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GListModel) hits = NULL;
  gint64 start, first, again;

  while (text->len < 1024)
    g_string_append (text, "Slept poorly; the walk by the river helped. Ça va mieux. ");
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s%s", text->str, i == 150 ? " Quokka." : "");
      g_autofree char *id = add_note (vault, patient, body);
    }
  start = g_get_monotonic_time ();
  hits = search_ok (vault, "quokka");
  first = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_clear_object (&hits);
  start = g_get_monotonic_time ();
  hits = search_ok (vault, "CA VA");
  again = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 200);
  g_test_message ("Search over 200 notes: %.2f ms with indexing, %.2f ms for 200 hits after",
                  first / 1000.0, again / 1000.0);
  g_assert_cmpint (first, <, 2 * G_USEC_PER_SEC);
}

/* The index is built in storage order and then put in timeline order:
 * hits come newest first across patients, whatever order they were written in. */
static void
test_hits_newest_first (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *a = cfd_test_add_patient (vault, "Order Alpha");
  g_autofree char *b = cfd_test_add_patient (vault, "Order Beta");
  const gint64 days[] = { 3, 9, 1, 7, 5 };
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GListModel) hits = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autoptr (GVariant) content = NULL;
      GVariantDict d;
      char *id;

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "subjective", "s", "Walked by the orchard.");
      content = g_variant_ref_sink (g_variant_dict_end (&d));
      id = cfd_vault_create_record (vault, i % 2 == 0 ? a : b, CFD_RECORD_PROGRESS,
                                    OCCURRED + days[i] * 86400, content, &error);
      g_assert_no_error (error);
      g_ptr_array_add (ids, id);
    }
  hits = search_ok (vault, "orchard");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, G_N_ELEMENTS (days));
  for (guint i = 0; i + 1 < g_list_model_get_n_items (hits); i++)
    {
      g_autoptr (CfdSearchHit) newer = g_list_model_get_item (hits, i);
      g_autoptr (CfdSearchHit) older = g_list_model_get_item (hits, i + 1);

      g_assert_cmpint (cfd_search_hit_get_occurred (newer), >, cfd_search_hit_get_occurred (older));
    }
  {
    g_autoptr (CfdSearchHit) first = g_list_model_get_item (hits, 0);

    g_assert_cmpstr (cfd_search_hit_get_record_id (first), ==, g_ptr_array_index (ids, 1));
  }
}

/* Folding Hangul triples its bytes (each syllable decomposes into three
 * jamo): a record whose folded text outgrows the room made for it is
 * folded again into a larger buffer, and still found. */
static void
test_folding_grows (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Fold Grows");
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *id = NULL;
  g_autoptr (GListModel) hits = NULL;

  for (guint i = 0; i < 12000; i++)
    g_string_append (text, "\xed\x95\x9c");                      /* U+D55C */
  g_string_append (text, " \xeb\xb0\x94\xeb\x8b\xa4 tidewater"); /* U+BC14 U+B2E4 */
  id = add_note (vault, patient, text->str);
  hits = search_ok (vault, "\xeb\xb0\x94\xeb\x8b\xa4");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  g_assert_true (hits_contain (hits, id));
  g_clear_object (&hits);
  hits = search_ok (vault, "tidewater");
  g_assert_true (hits_contain (hits, id));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/search/permitted-only", test_permitted_only);
  g_test_add_func ("/confidant/search/folding", test_folding);
  g_test_add_func ("/confidant/search/snippet", test_snippet);
  g_test_add_func ("/confidant/search/audit-never-holds-query", test_audit_never_holds_query);
  g_test_add_func ("/confidant/search/index-lifetime", test_index_lifetime);
  g_test_add_func ("/confidant/search/bad-queries", test_bad_queries);
  g_test_add_func ("/confidant/search/many", test_many);
  g_test_add_func ("/confidant/search/newest-first", test_hits_newest_first);
  g_test_add_func ("/confidant/search/folding-grows", test_folding_grows);
  return g_test_run ();
}
