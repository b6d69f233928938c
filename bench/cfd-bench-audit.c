/* cfd-bench-audit.c: how long verifying, paging and exporting a large audit log take; prints figures. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cfd-audit-item.h"
#include "cfd-audit-export.h"
#include "cfd-audit-query.h"
#include "cfd-audit-verify.h"
#include "cfd-test-util.h"

#define BATCH 20000

static double
seconds_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* CPU time of this process: on a busy machine (CI runs two suites on two
 * cores) wall time mostly measures the neighbours. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Real appends through the same code path core uses, in large batches. */
static void
fill (CfdVault *vault, gint64 n_records)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GPtrArray) patients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  static const char *const actions[] = { "patient.view", "patient.edit", "record.view",
                                         "patient.list", "vault.unlock", "vault.lock" };
  gint64 now = g_get_real_time () - n_records * 1000;

  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (patients, cfd_new_id ());
  for (gint64 done = 0; done < n_records;)
    {
      g_assert_true (cfd_db_begin (db, &error));
      for (guint i = 0; i < BATCH && done < n_records; i++, done++)
        {
          const char *action = actions[g_random_int_range (0, G_N_ELEMENTS (actions))];

          g_assert_true (cfd_audit_append (
              db, now + done * 1000, cfd_vault_get_user_id (vault), action, "patient",
              g_ptr_array_index (patients, g_random_int_range (0, patients->len)),
              CFD_AUDIT_SUCCESS, NULL, "app@1a2b3c4d", &error));
        }
      g_assert_true (cfd_db_commit (db, &error));
    }
}

static gboolean
hash_row (const CfdAuditEntry *entry,
          const guint8 hash[CFD_HASH_BYTES],
          const char *actor_name,
          gpointer user_data,
          GError **error)
{
  guint8 out[CFD_HASH_BYTES];

  cfd_audit_chain_hash (out, hash, entry);
  ((guint8 *)user_data)[0] ^= out[0];
  return TRUE;
}

static gboolean
count_row (const CfdAuditEntry *entry,
           const guint8 hash[CFD_HASH_BYTES],
           const char *actor_name,
           gpointer user_data,
           GError **error)
{
  (*(gint64 *)user_data)++;
  return TRUE;
}

int
main (int argc, char *argv[])
{
  gint64 n_records = argc > 1 ? g_ascii_strtoll (argv[argc - 1], NULL, 10) : 0;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) page = NULL;
  g_autofree char *path = NULL;
  g_autofree char *csv = NULL;
  CfdAuditReport report;
  gint64 start, counted = 0;

  cfd_test_init (&argc, &argv);
  if (n_records <= 0)
    n_records = 1000000;
  vault = cfd_test_vault_new (&path, NULL);

  start = g_get_monotonic_time ();
  fill (vault, n_records);
  printf ("append: %" G_GINT64_FORMAT " records in %.2f s (%.1f µs each)\n", n_records,
          seconds_since (start), seconds_since (start) * 1e6 / (double)n_records);

  /* Cold-ish: a fresh connection, as after an unlock. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));

  for (guint round = 0; round < 3; round++)
    {
      double cpu = cpu_seconds ();

      start = g_get_monotonic_time ();
      g_assert_true (cfd_vault_audit_verify (vault, NULL, 0, &report, &error));
      printf ("verify: %" G_GINT64_FORMAT
              " records, %u checkpoints in %.3f s wall, %.3f s CPU (target <= 2 s)\n",
              report.n_records, report.n_checkpoints, seconds_since (start), cpu_seconds () - cpu);
    }

  start = g_get_monotonic_time ();
  page = cfd_vault_audit_list (vault, NULL, 0, 200, &error);
  g_assert_nonnull (page);
  printf ("list: first page of 200 in %.4f s\n", seconds_since (start));
  g_clear_object (&page);
  start = g_get_monotonic_time ();
  page = cfd_vault_audit_list (vault, &(CfdAuditFilter){ .action = "patient.edit" }, n_records / 2,
                               200, &error);
  g_assert_nonnull (page);
  printf ("list: a filtered page of 200 from the middle in %.4f s\n", seconds_since (start));

  start = g_get_monotonic_time ();
  g_assert_true (cfd_vault_audit_foreach (vault, NULL, count_row, &counted, &error));
  printf ("stream: %" G_GINT64_FORMAT " rows read back in %.3f s\n", counted,
          seconds_since (start));

  /* The floor under verify: the same rows read and hashed, nothing else. */
  {
    guint8 sink[1] = { 0 };

    start = g_get_monotonic_time ();
    g_assert_true (cfd_vault_audit_foreach (vault, NULL, hash_row, sink, &error));
    printf ("stream and hash: %.3f s\n", seconds_since (start));
  }

  csv = g_build_filename (path, "audit.csv", NULL);
  start = g_get_monotonic_time ();
  g_assert_true (cfd_vault_audit_export_csv_file (vault, NULL, csv, &counted, NULL, &error));
  printf ("export: %" G_GINT64_FORMAT " rows as CSV in %.3f s\n", counted, seconds_since (start));
  return EXIT_SUCCESS;
}
