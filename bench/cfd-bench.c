/* cfd-bench.c: every user action on a generated practice, timed, with the plaintext baseline beside it.
 *
 * Builds a vault with the testing build of core (cheap Argon2id, so that
 * setup is quick; the real KDF is timed on its own and reported apart),
 * runs each action a number of times, then runs cfd-bench-plain on the
 * same practice and prints p50/p95 per action, the encrypted/plaintext
 * ratio, and whether each target of docs/BENCHMARKS.md is met. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cfd-backup.h"
#include "cfd-bench-stats.h"
#include "cfd-demo.h"
#include "cfd-unlock-policy.h"
#include "cfd-demo-text.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-search.h"
#include "cfd-vault-private.h"

#define PASSPHRASE "benchmark passphrase"

typedef struct
{
  GPtrArray *series;    /* CfdBenchSeries */
  GHashTable *baseline; /* action -> p50 (double *) */
} Results;

static CfdBenchSeries *
series (Results *results, const char *action)
{
  CfdBenchSeries *s = cfd_bench_series_new (action);

  g_ptr_array_add (results->series, s);
  return s;
}

/* Processor time of this process, in microseconds: on a machine shared
 * with other work, wall time measures the queue as much as the action. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
cpu_ms_since (gint64 start)
{
  return (double)(cpu_now () - start) / 1000.0;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("benchmark step failed: %s", error != NULL ? error->message : "?");
}

/* A progress note of 0.5-4 KB, in the fields of its template. */
static GVariant *
progress_note (GRand *rand)
{
  GVariantDict dict;
  g_autofree char *subjective = cfd_demo_text_paragraphs (rand, 250, 2000);
  g_autofree char *plan = cfd_demo_text_paragraphs (rand, 250, 2000);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", subjective);
  g_variant_dict_insert (&dict, "plan", "s", plan);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static void
time_kdf (Results *results)
{
  CfdBenchSeries *s = series (results, "argon2id (moderate)");
  CfdKdfParams params;
  guint8 salt[CFD_SALT_BYTES] = { 0 };
  guint8 key[CFD_KEY_BYTES];

  cfd_kdf_params_moderate (&params);
  for (int i = 0; i < 3; i++)
    {
      gint64 t = cfd_bench_now ();

      check (cfd_kdf_derive (key, PASSPHRASE, strlen (PASSPHRASE), salt, &params, NULL), NULL);
      cfd_bench_series_add (s, cfd_bench_ms_since (t));
    }
}

/* Unlock beyond the KDF: the vault's own work (keyring, database open and
 * checks, audit record), with the test KDF's time subtracted. */
static void
time_unlock (Results *results, CfdVault *vault, int iterations)
{
  CfdBenchSeries *s = series (results, "unlock (beyond KDF)");
  CfdKdfParams weak;
  guint8 salt[CFD_SALT_BYTES] = { 0 };
  guint8 key[CFD_KEY_BYTES];
  g_autoptr (GError) error = NULL;

  cfd_kdf_params_weak_for_testing (&weak);
  for (int i = 0; i < iterations; i++)
    {
      gint64 t;
      double kdf_ms;

      cfd_vault_lock (vault);
      t = cfd_bench_now ();
      check (cfd_kdf_derive (key, PASSPHRASE, strlen (PASSPHRASE), salt, &weak, &error), error);
      kdf_ms = cfd_bench_ms_since (t);
      t = cfd_bench_now ();
      check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);
      cfd_bench_series_add (s, MAX (cfd_bench_ms_since (t) - kdf_ms, 0));
    }
}

/* What a user waits for right after unlocking: the first patient list,
 * and the first timeline opened (with no list before it), each timed
 * after a fresh unlock, so that nothing of the previous one is cached. */
static void
time_cold (Results *results, CfdVault *vault, GRand *rand, GPtrArray *patients, int iterations)
{
  CfdBenchSeries *list_s = series (results, "first list after unlock");
  CfdBenchSeries *list_cpu = series (results, "first list after unlock, CPU");
  CfdBenchSeries *timeline_s = series (results, "open timeline (cold)");
  CfdBenchSeries *timeline_cpu = series (results, "open timeline (cold), CPU");
  CfdBenchSeries *again_s = series (results, "timeline opened before (cold)");
  CfdBenchSeries *again_cpu = series (results, "timeline opened before, CPU");
  g_autoptr (GPtrArray) opened = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < iterations; i++)
    {
      g_autoptr (GListModel) list = NULL;
      gint64 t, c;

      cfd_vault_lock (vault);
      check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);
      t = cfd_bench_now ();
      c = cpu_now ();
      list = cfd_vault_list_patients (vault, FALSE, &error);
      check (list != NULL, error);
      cfd_bench_series_add (list_s, cfd_bench_ms_since (t));
      cfd_bench_series_add (list_cpu, cpu_ms_since (c));
    }

  for (int i = 0; i < iterations; i++)
    {
      const char *pid
          = g_ptr_array_index (patients, g_rand_int_range (rand, 0, (gint32)patients->len));
      g_autoptr (GListModel) records = NULL;
      gint64 t, c;

      cfd_vault_lock (vault);
      check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);
      t = cfd_bench_now ();
      c = cpu_now ();
      records = cfd_vault_list_records (vault, pid, &error);
      check (records != NULL, error);
      cfd_bench_series_add (timeline_s, cfd_bench_ms_since (t));
      cfd_bench_series_add (timeline_cpu, cpu_ms_since (c));
      g_ptr_array_add (opened, (gpointer)pid);
    }

  /* The same timelines at a later unlock: what a user who sees the same
   * patients week after week waits for. */
  for (guint i = 0; i < opened->len; i++)
    {
      g_autoptr (GListModel) records = NULL;
      gint64 t, c;

      cfd_vault_lock (vault);
      check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);
      t = cfd_bench_now ();
      c = cpu_now ();
      records = cfd_vault_list_records (vault, g_ptr_array_index (opened, i), &error);
      check (records != NULL, error);
      cfd_bench_series_add (again_s, cfd_bench_ms_since (t));
      cfd_bench_series_add (again_cpu, cpu_ms_since (c));
    }
}

static GPtrArray *
patient_ids (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  check (list != NULL, error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (list, i);

      g_ptr_array_add (ids, g_strdup (cfd_patient_get_id (patient)));
    }
  return ids;
}

static void
time_reads (Results *results,
            CfdVault *vault,
            GRand *rand,
            GPtrArray *patients,
            int iterations,
            GPtrArray *record_ids)
{
  CfdBenchSeries *list_s = series (results, "list patients");
  CfdBenchSeries *list_cpu = series (results, "list patients, CPU");
  CfdBenchSeries *timeline_s = series (results, "open timeline");
  CfdBenchSeries *timeline_cpu = series (results, "open timeline, CPU");
  CfdBenchSeries *read_s = series (results, "read record");
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < iterations; i++)
    {
      gint64 t = cfd_bench_now ();
      gint64 c = cpu_now ();
      g_autoptr (GListModel) list = cfd_vault_list_patients (vault, FALSE, &error);

      check (list != NULL, error);
      cfd_bench_series_add (list_s, cfd_bench_ms_since (t));
      cfd_bench_series_add (list_cpu, cpu_ms_since (c));
    }

  for (int i = 0; i < iterations; i++)
    {
      const char *pid
          = g_ptr_array_index (patients, g_rand_int_range (rand, 0, (gint32)patients->len));
      gint64 t = cfd_bench_now ();
      gint64 c = cpu_now ();
      g_autoptr (GListModel) records = cfd_vault_list_records (vault, pid, &error);

      check (records != NULL, error);
      cfd_bench_series_add (timeline_s, cfd_bench_ms_since (t));
      cfd_bench_series_add (timeline_cpu, cpu_ms_since (c));
      for (guint r = 0; r < g_list_model_get_n_items (records) && record_ids->len < 2000; r++)
        {
          g_autoptr (CfdRecord) record = g_list_model_get_item (records, r);

          g_ptr_array_add (record_ids, g_strdup (cfd_record_get_id (record)));
        }
    }

  for (int i = 0; i < iterations; i++)
    {
      const char *rid
          = g_ptr_array_index (record_ids, g_rand_int_range (rand, 0, (gint32)record_ids->len));
      gint64 t = cfd_bench_now ();
      g_autoptr (CfdRecord) record = cfd_vault_get_record (vault, rid, &error);

      check (record != NULL, error);
      cfd_bench_series_add (read_s, cfd_bench_ms_since (t));
    }
}

/* The target names a timeline of 200 records: one patient gets that many. */
static void
time_long_timeline (Results *results, CfdVault *vault, GRand *rand, int iterations)
{
  CfdBenchSeries *s = series (results, "timeline of 200 records");
  g_autoptr (GError) error = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) details = NULL;
  g_autofree char *pid = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", "Timeline Longstaff");
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  pid = cfd_vault_add_patient (vault, details, &error);
  check (pid != NULL, error);
  check (cfd_db_begin (db, &error), error);
  for (int r = 0; r < 200; r++)
    {
      g_autoptr (GVariant) content = progress_note (rand);
      g_autofree char *rid = cfd_vault_create_record (vault, pid, CFD_RECORD_PROGRESS,
                                                      1600000000 + r * 86400, content, &error);

      check (rid != NULL, error);
      check (cfd_vault_sign_record (vault, rid, &error), error);
    }
  check (cfd_db_commit (db, &error), error);

  for (int i = 0; i < iterations; i++)
    {
      gint64 t = cfd_bench_now ();
      g_autoptr (GListModel) records = cfd_vault_list_records (vault, pid, &error);

      check (records != NULL && g_list_model_get_n_items (records) == 200, error);
      cfd_bench_series_add (s, cfd_bench_ms_since (t));
    }
}

static void
time_writes (Results *results, CfdVault *vault, GRand *rand, GPtrArray *patients, int iterations)
{
  CfdBenchSeries *save_s = series (results, "save draft");
  CfdBenchSeries *sign_s = series (results, "sign");
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < iterations; i++)
    {
      const char *pid
          = g_ptr_array_index (patients, g_rand_int_range (rand, 0, (gint32)patients->len));
      g_autoptr (GVariant) first = progress_note (rand);
      g_autoptr (GVariant) second = progress_note (rand);
      g_autofree char *rid = cfd_vault_create_record (
          vault, pid, CFD_RECORD_PROGRESS, g_get_real_time () / G_USEC_PER_SEC, first, &error);
      gint64 t;

      check (rid != NULL, error);
      t = cfd_bench_now ();
      check (cfd_vault_save_draft (vault, rid, g_get_real_time () / G_USEC_PER_SEC, second, &error),
             error);
      cfd_bench_series_add (save_s, cfd_bench_ms_since (t));

      t = cfd_bench_now ();
      check (cfd_vault_sign_record (vault, rid, &error), error);
      cfd_bench_series_add (sign_s, cfd_bench_ms_since (t));
    }
}

static void
time_search (Results *results, CfdVault *vault, int iterations)
{
  static const char *const queries[] = { "kitchen", "lake", "friendship", "zzznotfound" };
  CfdBenchSeries *first_s = series (results, "search (first)");
  CfdBenchSeries *first_cpu = series (results, "search (first), CPU");
  CfdBenchSeries *warm_s = series (results, "search (warm)");
  g_autoptr (GError) error = NULL;
  gint64 t, c;

  /* "First" is the first query after an unlock, index built from nothing. */
  cfd_vault_lock (vault);
  check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);
  t = cfd_bench_now ();
  c = cpu_now ();
  {
    g_autoptr (GListModel) hits = cfd_vault_search (vault, queries[0], &error);

    check (hits != NULL, error);
  }
  cfd_bench_series_add (first_s, cfd_bench_ms_since (t));
  cfd_bench_series_add (first_cpu, cpu_ms_since (c));

  for (int i = 0; i < MAX (iterations / 5, 5); i++)
    {
      g_autoptr (GListModel) hits = NULL;

      t = cfd_bench_now ();
      hits = cfd_vault_search (vault, queries[i % G_N_ELEMENTS (queries)], &error);
      check (hits != NULL, error);
      cfd_bench_series_add (warm_s, cfd_bench_ms_since (t));
    }
}

/* The whole practice: a backup made (snapshot, written, read back and
 * verified) and restored into a new folder (decrypted, checked, opened).
 * The test KDF keeps the restore's unlock check out of the figure. */
static void
time_backup_restore (Results *results, CfdVault *vault, const char *scratch)
{
  CfdBenchSeries *backup_s = series (results, "backup create + verify");
  CfdBenchSeries *restore_s = series (results, "restore");
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *target = g_strdup_printf ("%s/backups-%d", scratch, i);
      g_autofree char *restored = g_strdup_printf ("%s/restored-%d", scratch, i);
      g_autoptr (CfdBackupInfo) made = NULL;
      g_autoptr (CfdBackupInfo) back = NULL;
      gint64 t;

      g_mkdir_with_parents (target, 0700);
      t = cfd_bench_now ();
      made = cfd_vault_backup (vault, target, 1, NULL, NULL, NULL, &error);
      check (made != NULL, error);
      cfd_bench_series_add (backup_s, cfd_bench_ms_since (t));

      t = cfd_bench_now ();
      back = cfd_backup_restore (made->path, restored, NULL, PASSPHRASE,
                                 CFD_BACKUP_SECRET_PASSPHRASE, CFD_RESTORE_FLAGS_NONE, NULL, NULL,
                                 NULL, &error);
      check (back != NULL, error);
      cfd_bench_series_add (restore_s, cfd_bench_ms_since (t));
    }
}

static void
load_baseline (
    Results *results, const char *plain, int patients, int records, int iterations, guint32 seed)
{
  g_autofree char *p = g_strdup_printf ("%d", patients);
  g_autofree char *r = g_strdup_printf ("%d", records);
  g_autofree char *k = g_strdup_printf ("%d", iterations);
  g_autofree char *s = g_strdup_printf ("%u", seed);
  const char *argv[]
      = { plain, "--patients", p, "--records", r, "--iterations", k, "--seed", s, NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (plain == NULL)
    return;
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                     &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("baseline did not run: %s\n", error->message);
      return;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) cols = g_strsplit (lines[i], "\t", -1);
      double *p50 = g_new (double, 1);

      if (g_strv_length (cols) < 2)
        {
          g_free (p50);
          continue;
        }
      *p50 = g_ascii_strtod (cols[1], NULL);
      g_hash_table_insert (results->baseline, g_strdup (cols[0]), p50);
    }
}

typedef struct
{
  const char *action;
  double limit_ms;  /* p50 must be at most this, or 0 */
  double max_ratio; /* p50 / baseline p50 must be at most this, or 0 */
  const char *label;
} Target;

static const Target targets[] = {
  { "save draft", 0, 2.0, "save draft p50 <= 2x baseline" },
  { "timeline of 200 records", 20, 0, "timeline of 200 records <= 20 ms" },
  { "search (warm)", 100, 0, "search warm <= 100 ms" },
  { "search (first)", 1000, 0, "search first query <= 1 s" },
  { "unlock (beyond KDF)", 100, 0, "unlock beyond the KDF <= 100 ms" },
};

static void
print_results (Results *results, const char *scale, glong rss_kib)
{
  printf ("\n== %s ==\n", scale);
  printf ("%-30s %10s %10s %6s %12s %8s\n", "action", "p50 ms", "p95 ms", "n", "plain p50",
          "ratio");
  for (guint i = 0; i < results->series->len; i++)
    {
      CfdBenchSeries *s = g_ptr_array_index (results->series, i);
      double p50 = cfd_bench_series_percentile (s, 50);
      double *plain = g_hash_table_lookup (results->baseline, s->action);

      printf ("%-30s %10.3f %10.3f %6u", s->action, p50, cfd_bench_series_percentile (s, 95),
              s->samples->len);
      if (plain != NULL && *plain > 0)
        printf (" %12.3f %8.2f\n", *plain, p50 / *plain);
      else
        printf (" %12s %8s\n", "-", "-");
    }
  printf ("%-30s %10.1f MB\n", "RSS, vault open", rss_kib / 1024.0);

  printf ("\ntargets:\n");
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    for (guint i = 0; i < results->series->len; i++)
      {
        CfdBenchSeries *s = g_ptr_array_index (results->series, i);
        double p50 = cfd_bench_series_percentile (s, 50);
        double *plain = g_hash_table_lookup (results->baseline, s->action);
        gboolean met;

        if (g_strcmp0 (s->action, targets[t].action) != 0)
          continue;
        if (targets[t].max_ratio > 0)
          {
            if (plain == NULL || *plain <= 0)
              continue;
            met = p50 / *plain <= targets[t].max_ratio;
          }
        else
          met = p50 <= targets[t].limit_ms;
        printf ("  %-40s %s\n", targets[t].label, met ? "met" : "NOT MET");
      }
  printf ("  %-40s %s\n", "RSS with the vault open <= 150 MB",
          rss_kib <= 150 * 1024 ? "met" : "NOT MET");
}

int
main (int argc, char *argv[])
{
  int patients = 500, records = 40, iterations = 30;
  gint64 seed = 1;
  g_autofree char *plain = NULL;
  g_autofree char *scale = NULL;
  g_autofree char *generate = NULL;
  g_autofree char *reuse = NULL;
  gboolean cold_only = FALSE;
  GOptionEntry entries[]
      = { { "patients", 0, 0, G_OPTION_ARG_INT, &patients, "Patients", "N" },
          { "records", 0, 0, G_OPTION_ARG_INT, &records, "Records per patient", "M" },
          { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Samples per action", "K" },
          { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Generator seed", "S" },
          { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &plain, "The cfd-bench-plain program",
            "PATH" },
          { "generate", 0, 0, G_OPTION_ARG_FILENAME, &generate, "Only create the practice in DIR",
            "DIR" },
          { "vault", 0, 0, G_OPTION_ARG_FILENAME, &reuse,
            "Time a practice made before with --generate (a copy: actions change it)", "DIR" },
          { "cold-only", 0, 0, G_OPTION_ARG_NONE, &cold_only,
            "Only the rows timed right after an unlock (for a profiler)", NULL },
          { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("- Confidant benchmarks");
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) patient_list = NULL;
  g_autoptr (GPtrArray) record_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *recovery = NULL;
  Results results = { 0 };
  CfdDemoOptions options = { 0 };
  gint64 t;
  glong rss;
  GRand *rand;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!cfd_secure_init ())
    return 1;
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  results.series = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_bench_series_free);
  results.baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  scale = g_strdup_printf ("%d patients x %d records = %d records", patients, records,
                           patients * records);
  rand = g_rand_new_with_seed ((guint32)seed);

  if (generate != NULL)
    {
      vault = cfd_vault_create (generate, "Bench Owner", PASSPHRASE, &recovery, &error);
      check (vault != NULL, error);
      options.patients = (guint)patients;
      options.records_per_patient = (guint)records;
      options.seed = (guint32)seed;
      check (cfd_demo_populate (vault, &options, NULL, NULL, &error), error);
      return 0;
    }

  /* The practice is generated by a child, so that this process's memory is
   * that of a user with the vault open, not of the generator. */
  dir = g_build_filename (g_dir_make_tmp ("confidant-bench-XXXXXX", NULL), "vault", NULL);
  t = cfd_bench_now ();
  if (reuse != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (dir);
      const char *copy[] = { "cp", "-a", reuse, dir, NULL };
      int status = 0;

      check (g_spawn_sync (parent, (char **)copy, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                           &status, &error)
                 && g_spawn_check_wait_status (status, &error),
             error);
    }
  else
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *p = g_strdup_printf ("%d", patients);
      g_autofree char *r = g_strdup_printf ("%d", records);
      g_autofree char *s = g_strdup_printf ("%u", (guint32)seed);
      const char *child[]
          = { self, "--generate", dir, "--patients", p, "--records", r, "--seed", s, NULL };
      int status = 0;

      check (g_spawn_sync (NULL, (char **)child, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                           &status, &error)
                 && g_spawn_check_wait_status (status, &error),
             error);
    }
  printf ("generated %s in %.1f s\n", scale, cfd_bench_ms_since (t) / 1000);
  fflush (stdout);
  vault = cfd_vault_open (dir, &error);
  check (vault != NULL, error);
  check (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error), error);

  time_kdf (&results);
  time_unlock (&results, vault, MAX (iterations / 3, 5));
  patient_list = patient_ids (vault);
  time_cold (&results, vault, rand, patient_list, cold_only ? iterations : MAX (iterations / 3, 5));
  if (cold_only)
    {
      print_results (&results, scale, cfd_bench_current_rss_kib ());
      cfd_vault_lock (vault);
      g_rand_free (rand);
      g_ptr_array_unref (results.series);
      g_hash_table_unref (results.baseline);
      return 0;
    }
  time_reads (&results, vault, rand, patient_list, iterations, record_ids);
  time_long_timeline (&results, vault, rand, iterations);
  time_writes (&results, vault, rand, patient_list, iterations);
  time_search (&results, vault, iterations);
  rss = cfd_bench_current_rss_kib ();
  {
    g_autofree char *scratch = g_path_get_dirname (dir);

    time_backup_restore (&results, vault, scratch);
  }

  load_baseline (&results, plain, patients, records, iterations, (guint32)seed);
  print_results (&results, scale, rss);

  cfd_vault_lock (vault);
  g_rand_free (rand);
  g_ptr_array_unref (results.series);
  g_hash_table_unref (results.baseline);
  return 0;
}
