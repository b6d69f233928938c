/* cfd-bench-plain.c: the baseline: Confidant's actions on a plain SQLite store with no
 * encryption at all, which is what an unencrypted notes app does.
 *
 * Same schema shape, same journal and synchronous settings, same generated
 * practice; linked to libsqlite3 and nothing of core, so that no SQLCipher
 * symbol is in this binary. Prints one row per action (cfd-bench-stats.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cfd-bench-stats.h"
#include "cfd-demo-text.h"

static sqlite3 *db;
static sqlite3_stmt *audit_stmt;

static void
exec (const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3_stmt *
prepare (const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

static void
create_schema (void)
{
  exec ("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
        "PRAGMA temp_store = MEMORY;"
        "CREATE TABLE patients (id TEXT PRIMARY KEY, created INTEGER, archived INTEGER,"
        "  name TEXT, birth_date TEXT);"
        "CREATE TABLE records (id TEXT PRIMARY KEY, patient_id TEXT REFERENCES patients (id),"
        "  kind TEXT, class TEXT, occurred INTEGER, updated INTEGER, status TEXT,"
        "  revision INTEGER, content TEXT);"
        "CREATE INDEX records_by_patient ON records (patient_id, occurred);"
        "CREATE TABLE record_revisions (record_id TEXT, revision INTEGER, saved_at INTEGER,"
        "  content TEXT, PRIMARY KEY (record_id, revision));"
        "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, time INTEGER, actor TEXT,"
        "  action TEXT, object_kind TEXT, object_id TEXT, outcome TEXT);");
}

static void
audit (const char *action, const char *kind, const char *id)
{
  sqlite3_stmt *stmt;

  if (audit_stmt == NULL)
    audit_stmt
        = prepare ("INSERT INTO audit_log (time, actor, action, object_kind, object_id, outcome)"
                   " VALUES (?, 'bench', ?, ?, ?, 'success')");
  stmt = audit_stmt;
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("audit: %s", sqlite3_errmsg (db));
}

/* Processor time of this process in microseconds, as cfd-bench reports it. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Closes and opens the database again, so that SQLite's cache starts empty. */
static void
reopen (const char *path)
{
  g_clear_pointer (&audit_stmt, sqlite3_finalize);
  g_assert (sqlite3_close (db) == SQLITE_OK);
  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  exec ("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
}

static char *
new_id (GRand *rand)
{
  return g_strdup_printf ("%08x%08x%08x%08x", g_rand_int (rand), g_rand_int (rand),
                          g_rand_int (rand), g_rand_int (rand));
}

static void
populate (
    GRand *rand, guint n_patients, guint n_records, GPtrArray *patient_ids, GPtrArray *record_ids)
{
  sqlite3_stmt *add_patient = prepare ("INSERT INTO patients VALUES (?, ?, 0, ?, ?)");
  sqlite3_stmt *add_record = prepare ("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)");
  static const char *const kinds[] = { "integration", "dosing", "progress", "measure" };

  exec ("BEGIN");
  for (guint p = 0; p < n_patients; p++)
    {
      g_autofree char *id = new_id (rand);
      g_autofree char *name = cfd_demo_text_name (rand);
      g_autofree char *birth = cfd_demo_text_birth_date (rand);

      sqlite3_reset (add_patient);
      sqlite3_bind_text (add_patient, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (add_patient, 2, 1700000000);
      sqlite3_bind_text (add_patient, 3, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (add_patient, 4, birth, -1, SQLITE_STATIC);
      g_assert (sqlite3_step (add_patient) == SQLITE_DONE);

      for (guint r = 0; r < n_records; r++)
        {
          g_autofree char *rid = new_id (rand);
          const char *kind = kinds[r % G_N_ELEMENTS (kinds)];
          g_autofree char *text = cfd_demo_text_paragraphs (rand, 500, 4000);

          sqlite3_reset (add_record);
          sqlite3_bind_text (add_record, 1, rid, -1, SQLITE_STATIC);
          sqlite3_bind_text (add_record, 2, id, -1, SQLITE_STATIC);
          sqlite3_bind_text (add_record, 3, kind, -1, SQLITE_STATIC);
          sqlite3_bind_text (add_record, 4, r % 4 == 0 ? "psychotherapy" : "medical", -1,
                             SQLITE_STATIC);
          sqlite3_bind_int64 (add_record, 5, 1700000000 + r * 86400 * 7);
          sqlite3_bind_int64 (add_record, 6, 1700000000);
          sqlite3_bind_text (add_record, 7, "signed", -1, SQLITE_STATIC);
          sqlite3_bind_text (add_record, 8, text, -1, SQLITE_STATIC);
          g_assert (sqlite3_step (add_record) == SQLITE_DONE);
          g_ptr_array_add (record_ids, g_steal_pointer (&rid));
        }
      g_ptr_array_add (patient_ids, g_steal_pointer (&id));
    }
  exec ("COMMIT");
  sqlite3_finalize (add_patient);
  sqlite3_finalize (add_record);
}

/* Reads every column of every row into memory, as a view would. */
static guint
materialize (sqlite3_stmt *stmt)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count (stmt); c++)
      g_ptr_array_add (rows, g_strdup ((const char *)sqlite3_column_text (stmt, c)));
  sqlite3_reset (stmt);
  return rows->len;
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  int patients = 500, records = 40, iterations = 50;
  gint64 seed = 1;
  GOptionEntry entries[]
      = { { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Scratch folder", "DIR" },
          { "patients", 0, 0, G_OPTION_ARG_INT, &patients, "Patients", "N" },
          { "records", 0, 0, G_OPTION_ARG_INT, &records, "Records per patient", "M" },
          { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Samples per action", "K" },
          { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Generator seed", "S" },
          { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("- plaintext baseline");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) record_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL;
  GRand *rand;
  static const char *const queries[] = { "kitchen", "lake", "friendship", "zzznotfound" };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (dir == NULL)
    dir = g_dir_make_tmp ("confidant-plain-XXXXXX", NULL);
  path = g_build_filename (dir, "plain.db", NULL);
  g_unlink (path);

  rand = g_rand_new_with_seed ((guint32)seed);
  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  create_schema ();
  populate (rand, (guint)patients, (guint)records, patient_ids, record_ids);

  /* The rows Confidant times right after an unlock: here the database is
   * opened again first, so that SQLite's own cache starts empty too. */
  {
    g_autoptr (CfdBenchSeries) list_s = cfd_bench_series_new ("first list after unlock");
    g_autoptr (CfdBenchSeries) list_cpu = cfd_bench_series_new ("first list after unlock, CPU");
    g_autoptr (CfdBenchSeries) timeline_s = cfd_bench_series_new ("open timeline (cold)");
    g_autoptr (CfdBenchSeries) timeline_cpu = cfd_bench_series_new ("open timeline (cold), CPU");

    for (int i = 0; i < MAX (iterations / 3, 5); i++)
      {
        sqlite3_stmt *stmt;
        gint64 t, c;

        reopen (path);
        t = cfd_bench_now ();
        c = cpu_now ();
        stmt = prepare ("SELECT id, name, birth_date FROM patients WHERE archived = 0 "
                        "ORDER BY name");
        materialize (stmt);
        sqlite3_finalize (stmt);
        audit ("patient.list", "vault", "");
        cfd_bench_series_add (list_s, cfd_bench_ms_since (t));
        cfd_bench_series_add (list_cpu, (double)(cpu_now () - c) / 1000.0);
      }
    for (int i = 0; i < MAX (iterations / 3, 5); i++)
      {
        const char *id = g_ptr_array_index (patient_ids, g_rand_int_range (rand, 0, patients));
        sqlite3_stmt *stmt;
        gint64 t, c;

        reopen (path);
        t = cfd_bench_now ();
        c = cpu_now ();
        stmt = prepare ("SELECT id, kind, occurred, status, content FROM records "
                        "WHERE patient_id = ? ORDER BY occurred DESC");
        sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
        materialize (stmt);
        sqlite3_finalize (stmt);
        cfd_bench_series_add (timeline_s, cfd_bench_ms_since (t));
        cfd_bench_series_add (timeline_cpu, (double)(cpu_now () - c) / 1000.0);
      }
    cfd_bench_series_print_row (list_s, stdout);
    cfd_bench_series_print_row (list_cpu, stdout);
    cfd_bench_series_print_row (timeline_s, stdout);
    cfd_bench_series_print_row (timeline_cpu, stdout);
  }

  {
    g_autoptr (CfdBenchSeries) s = cfd_bench_series_new ("list patients");
    sqlite3_stmt *stmt = prepare ("SELECT id, name, birth_date FROM patients WHERE archived = 0 "
                                  "ORDER BY name");

    for (int i = 0; i < iterations; i++)
      {
        gint64 t = cfd_bench_now ();

        materialize (stmt);
        audit ("patient.list", "vault", "");
        cfd_bench_series_add (s, cfd_bench_ms_since (t));
      }
    sqlite3_finalize (stmt);
    cfd_bench_series_print_row (s, stdout);
  }

  {
    g_autoptr (CfdBenchSeries) s = cfd_bench_series_new ("open timeline");
    sqlite3_stmt *stmt = prepare ("SELECT id, kind, occurred, status, content FROM records "
                                  "WHERE patient_id = ? ORDER BY occurred DESC");

    for (int i = 0; i < iterations; i++)
      {
        const char *id = g_ptr_array_index (patient_ids, g_rand_int_range (rand, 0, patients));
        gint64 t = cfd_bench_now ();

        sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
        materialize (stmt);
        cfd_bench_series_add (s, cfd_bench_ms_since (t));
      }
    sqlite3_finalize (stmt);
    cfd_bench_series_print_row (s, stdout);
  }

  {
    g_autoptr (CfdBenchSeries) s = cfd_bench_series_new ("read record");
    sqlite3_stmt *stmt = prepare ("SELECT * FROM records WHERE id = ?");

    for (int i = 0; i < iterations; i++)
      {
        const char *id
            = g_ptr_array_index (record_ids, g_rand_int_range (rand, 0, (gint32)record_ids->len));
        gint64 t = cfd_bench_now ();

        sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
        materialize (stmt);
        audit ("record.read", "record", id);
        cfd_bench_series_add (s, cfd_bench_ms_since (t));
      }
    sqlite3_finalize (stmt);
    cfd_bench_series_print_row (s, stdout);
  }

  {
    g_autoptr (CfdBenchSeries) save = cfd_bench_series_new ("save draft");
    g_autoptr (CfdBenchSeries) sign = cfd_bench_series_new ("sign");
    sqlite3_stmt *add = prepare ("INSERT INTO records VALUES (?, ?, 'progress', 'medical', ?, ?, "
                                 "'draft', 1, ?)");
    sqlite3_stmt *keep = prepare ("INSERT INTO record_revisions SELECT id, revision, updated, "
                                  "content FROM records WHERE id = ?");
    sqlite3_stmt *update = prepare ("UPDATE records SET content = ?, revision = revision + 1, "
                                    "updated = ? WHERE id = ?");
    sqlite3_stmt *mark = prepare ("UPDATE records SET status = 'signed' WHERE id = ?");

    for (int i = 0; i < iterations; i++)
      {
        const char *pid = g_ptr_array_index (patient_ids, g_rand_int_range (rand, 0, patients));
        g_autofree char *rid = new_id (rand);
        g_autofree char *text = cfd_demo_text_paragraphs (rand, 500, 4000);
        gint64 t;

        exec ("BEGIN IMMEDIATE");
        sqlite3_reset (add);
        sqlite3_bind_text (add, 1, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text (add, 2, pid, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (add, 3, g_get_real_time () / G_USEC_PER_SEC);
        sqlite3_bind_int64 (add, 4, g_get_real_time () / G_USEC_PER_SEC);
        sqlite3_bind_text (add, 5, text, -1, SQLITE_STATIC);
        g_assert (sqlite3_step (add) == SQLITE_DONE);
        exec ("COMMIT");

        t = cfd_bench_now ();
        exec ("BEGIN IMMEDIATE");
        sqlite3_reset (keep);
        sqlite3_bind_text (keep, 1, rid, -1, SQLITE_STATIC);
        g_assert (sqlite3_step (keep) == SQLITE_DONE);
        sqlite3_reset (update);
        sqlite3_bind_text (update, 1, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (update, 2, g_get_real_time () / G_USEC_PER_SEC);
        sqlite3_bind_text (update, 3, rid, -1, SQLITE_STATIC);
        g_assert (sqlite3_step (update) == SQLITE_DONE);
        audit ("record.edit", "record", rid);
        exec ("COMMIT");
        cfd_bench_series_add (save, cfd_bench_ms_since (t));

        t = cfd_bench_now ();
        exec ("BEGIN IMMEDIATE");
        sqlite3_reset (mark);
        sqlite3_bind_text (mark, 1, rid, -1, SQLITE_STATIC);
        g_assert (sqlite3_step (mark) == SQLITE_DONE);
        audit ("record.sign", "record", rid);
        exec ("COMMIT");
        cfd_bench_series_add (sign, cfd_bench_ms_since (t));
      }
    sqlite3_finalize (add);
    sqlite3_finalize (keep);
    sqlite3_finalize (update);
    sqlite3_finalize (mark);
    cfd_bench_series_print_row (save, stdout);
    cfd_bench_series_print_row (sign, stdout);
  }

  {
    g_autoptr (CfdBenchSeries) first = cfd_bench_series_new ("search (first)");
    g_autoptr (CfdBenchSeries) warm = cfd_bench_series_new ("search (warm)");
    sqlite3_stmt *stmt = prepare ("SELECT r.id, p.name, substr(r.content, 1, 80) FROM records r "
                                  "JOIN patients p ON p.id = r.patient_id "
                                  "WHERE r.content LIKE '%' || ? || '%'");
    gint64 t;

    /* A plain store has nothing to prepare: its first query is a warm one
     * on a cold page cache at most. */
    sqlite3_close (db);
    g_assert (sqlite3_open (path, &db) == SQLITE_OK);
    exec ("PRAGMA synchronous = FULL");
    sqlite3_finalize (stmt);
    stmt = prepare ("SELECT r.id, p.name, substr(r.content, 1, 80) FROM records r "
                    "JOIN patients p ON p.id = r.patient_id "
                    "WHERE r.content LIKE '%' || ? || '%'");
    t = cfd_bench_now ();
    sqlite3_bind_text (stmt, 1, queries[0], -1, SQLITE_STATIC);
    materialize (stmt);
    cfd_bench_series_add (first, cfd_bench_ms_since (t));
    for (int i = 0; i < MAX (iterations / 5, 5); i++)
      {
        t = cfd_bench_now ();
        sqlite3_bind_text (stmt, 1, queries[i % G_N_ELEMENTS (queries)], -1, SQLITE_STATIC);
        materialize (stmt);
        cfd_bench_series_add (warm, cfd_bench_ms_since (t));
      }
    sqlite3_finalize (stmt);
    cfd_bench_series_print_row (first, stdout);
    cfd_bench_series_print_row (warm, stdout);
  }

  printf ("peak rss kib\t%ld\n", cfd_bench_peak_rss_kib ());
  sqlite3_close (db);
  g_rand_free (rand);
  return 0;
}
