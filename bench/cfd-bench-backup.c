/* cfd-bench-backup.c: backup create + verify throughput against cp of the same bytes to the same folder. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-backup.h"
#include "cfd-bench-stats.h"
#include "cfd-demo-text.h"
#include "cfd-test-util.h"

static int patients = 3000;
static int iterations = 5;

static void
fill (CfdVault *vault)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, &error);

  /* One transaction (the saves nest as savepoints): filling is not what
   * is measured. */
  g_assert_true (cfd_db_begin (db, &error));
  for (int i = 0; i < patients; i++)
    {
      g_autofree char *name = cfd_demo_text_name (rand);
      g_autofree char *birth = cfd_demo_text_birth_date (rand);
      g_autofree char *notes = cfd_demo_text_paragraphs (rand, 400, 1600);
      g_autoptr (GVariant) details = NULL;
      g_autofree char *id = NULL;
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
      g_variant_dict_insert (&dict, CFD_PATIENT_BIRTH_DATE, "s", birth);
      g_variant_dict_insert (&dict, CFD_PATIENT_NOTES, "s", notes);
      details = g_variant_ref_sink (g_variant_dict_end (&dict));
      id = cfd_vault_add_patient (vault, details, &error);
      g_assert_no_error (error);
    }
  g_assert_true (cfd_db_commit (db, &error));
}

/* cp, then (as a backup must) the file flushed to the medium. */
static double
time_cp (const char *from, const char *to, gboolean flush)
{
  const char *argv[] = { "cp", from, to, NULL };
  g_autoptr (GError) error = NULL;
  gint64 start = cfd_bench_now ();
  int status = 0;
  double ms;

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, &error));
  if (flush)
    {
      int fd = open (to, O_RDONLY | O_CLOEXEC);

      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (fsync (fd), ==, 0);
      close (fd);
    }
  ms = cfd_bench_ms_since (start);
  g_unlink (to);
  return ms;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[]
      = { { "patients", 0, 0, G_OPTION_ARG_INT, &patients, "Patients in the vault (default 3000)",
            "N" },
          { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Backups timed (default 5)", "N" },
          { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *copy = NULL;
  g_autoptr (CfdBenchSeries) backup = cfd_bench_series_new ("backup create + verify");
  g_autoptr (CfdBenchSeries) cp = cfd_bench_series_new ("cp");
  g_autoptr (CfdBenchSeries) cp_sync = cfd_bench_series_new ("cp + fsync");
  g_autofree char *last = NULL;
  guint64 bytes = 0;
  gint64 start;
  double mb, t_backup, t_cp, t_cp_sync;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  cfd_test_init (&argc, &argv);

  vault = cfd_test_vault_new (&path, NULL);
  start = cfd_bench_now ();
  fill (vault);
  printf ("# %d patients added in %.0f ms\n", patients, cfd_bench_ms_since (start));
  folder = cfd_test_make_dir ();
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  copy = g_build_filename (folder, "cp-copy", NULL);

  for (int i = 0; i < iterations; i++)
    {
      g_autoptr (CfdBackupInfo) info = NULL;

      start = cfd_bench_now ();
      info = cfd_vault_backup (vault, folder, 1, NULL, NULL, NULL, &error);
      cfd_bench_series_add (backup, cfd_bench_ms_since (start));
      g_assert_no_error (error);
      bytes = info->file_bytes;
      g_free (last);
      last = g_strdup (info->path);

      cfd_bench_series_add (cp, time_cp (last, copy, FALSE));
      cfd_bench_series_add (cp_sync, time_cp (last, copy, TRUE));
    }

  mb = (double)bytes / 1e6;
  t_backup = cfd_bench_series_percentile (backup, 50);
  t_cp = cfd_bench_series_percentile (cp, 50);
  t_cp_sync = cfd_bench_series_percentile (cp_sync, 50);
  printf ("# backup file %.2f MB; medians of %d runs (ms: p50, p95, n)\n", mb, iterations);
  cfd_bench_series_print_row (backup, stdout);
  cfd_bench_series_print_row (cp, stdout);
  cfd_bench_series_print_row (cp_sync, stdout);
  printf ("# throughput: backup create + verify %.1f MB/s; cp %.1f MB/s; cp + fsync %.1f MB/s\n",
          mb / (t_backup / 1000), mb / (t_cp / 1000), mb / (t_cp_sync / 1000));
  printf ("# backup as a share of cp: %.0f%%; of cp + fsync: %.0f%%\n", 100 * t_cp / t_backup,
          100 * t_cp_sync / t_backup);
  return 0;
}
