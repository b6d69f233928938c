/* test-crash.c: kill -9 a process saving patients and records at random moments; every acknowledged save survives. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfd-record.h"
#include "cfd-test-check.h"

typedef struct
{
  char *path;
  char *moving_id;
  GHashTable *acked; /* id -> name: every add the writer acknowledged */
  GHashTable *fresh; /* ids acknowledged since the last check */
  guint audit_rows;
  guint kills_before_first_save; /* during start and unlock */
  guint kills_mid_save;          /* with a save announced and not acknowledged */
  guint unacked_commits;         /* of those, the ones that had committed */
  guint discarded_writes;        /* unlocks that found the last transaction broken */
  char *moving_name;             /* the last acknowledged rename of moving_id */
  char *pending;                 /* announced by the writer, perhaps committed */
  GString *partial_line;         /* read so far from the pipe */
  guint acks;
  GHashTable *records; /* id -> AckedRecord: records of moving_id */
  guint signatures;
} Crash;

typedef struct
{
  guint revision;
  char *text;
  gboolean is_signed;
} AckedRecord;

static void
acked_record_free (gpointer data)
{
  AckedRecord *r = data;

  g_free (r->text);
  g_free (r);
}

static guint
env_uint (const char *name, guint fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? (guint)g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
take_line (Crash *c, const char *line)
{
  if (g_str_has_prefix (line, "P "))
    {
      g_free (c->pending);
      c->pending = g_strdup (line + 2);
    }
  else if (g_str_has_prefix (line, "A ") || g_str_has_prefix (line, "E "))
    {
      const char *space = strchr (line + 2, ' ');
      g_autofree char *id = NULL;

      g_assert_nonnull (space);
      id = g_strndup (line + 2, (gsize)(space - line - 2));
      if (line[0] == 'A')
        {
          g_hash_table_add (c->fresh, g_strdup (id));
          g_hash_table_insert (c->acked, g_steal_pointer (&id), g_strdup (space + 1));
        }
      else
        {
          g_assert_cmpstr (id, ==, c->moving_id);
          g_free (c->moving_name);
          c->moving_name = g_strdup (space + 1);
        }
      g_clear_pointer (&c->pending, g_free);
      c->acks++;
    }
  else if (g_str_has_prefix (line, "R "))
    {
      g_auto (GStrv) parts = g_strsplit (line + 2, " ", 3);
      AckedRecord *r;

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      r = g_hash_table_lookup (c->records, parts[0]);
      if (r == NULL)
        {
          r = g_new0 (AckedRecord, 1);
          g_hash_table_insert (c->records, g_strdup (parts[0]), r);
        }
      g_hash_table_add (c->fresh, g_strdup (parts[0]));
      r->revision = (guint)g_ascii_strtoull (parts[1], NULL, 10);
      g_free (r->text);
      r->text = g_strdup (parts[2]);
      g_clear_pointer (&c->pending, g_free);
      c->acks++;
    }
  else if (g_str_has_prefix (line, "S "))
    {
      AckedRecord *r = g_hash_table_lookup (c->records, line + 2);

      g_assert_nonnull (r);
      g_hash_table_add (c->fresh, g_strdup (line + 2));
      r->is_signed = TRUE;
      g_clear_pointer (&c->pending, g_free);
      c->acks++;
      c->signatures++;
    }
  else
    g_error ("unexpected line from the writer: %s", line);
}

/* The records of moving_id: every acknowledged one is there with what was
 * saved (or with the one save that was under way), signatures verify, and
 * any other record is the one whose creation was under way. */
static void
verify_records (Crash *c, CfdVault *vault, gboolean full)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_records (vault, c->moving_id, &error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (list, i);
      const char *id = cfd_record_get_id (record);
      const char *text = cfd_record_get_text (record, "subjective");
      gboolean is_signed = cfd_record_get_status (record) == CFD_RECORD_SIGNED;
      guint revision = (guint)cfd_record_get_revision (record);
      AckedRecord *r = g_hash_table_lookup (c->records, id);

      g_hash_table_add (seen, (gpointer)id);
      if (r == NULL)
        {
          /* Created, not acknowledged: from now on it counts as saved. */
          g_assert_cmpuint (revision, ==, 1);
          g_assert_cmpstr (text, ==, c->pending);
          g_assert_false (is_signed);
          r = g_new0 (AckedRecord, 1);
          r->revision = 1;
          r->text = g_strdup (text);
          g_hash_table_insert (c->records, g_strdup (id), r);
          c->unacked_commits++;
          continue;
        }
      if (revision == r->revision + 1)
        {
          g_assert_cmpstr (text, ==, c->pending);
          r->revision = revision;
          g_free (r->text);
          r->text = g_strdup (text);
          c->unacked_commits++;
        }
      g_assert_cmpuint (revision, ==, r->revision);
      g_assert_cmpstr (text, ==, r->text);
      if (is_signed && !r->is_signed)
        {
          g_autofree char *expected = g_strdup_printf ("sign %s", id);

          g_assert_cmpstr (c->pending, ==, expected);
          g_hash_table_add (c->fresh, g_strdup (id));
          r->is_signed = TRUE;
          c->unacked_commits++;
        }
      g_assert_true (is_signed == r->is_signed);
      if (is_signed && (full || g_hash_table_contains (c->fresh, id)))
        {
          /* Reading a signed record checks its signature (and audits the
           * read, which syncs: so only the new ones, or all on a full check). */
          g_autoptr (CfdRecord) again = cfd_vault_get_record (vault, id, &error);

          g_assert_no_error (error);
          g_assert_nonnull (again);
        }
    }

  g_hash_table_iter_init (&iter, c->records);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_error ("an acknowledged record is missing after a kill");
}

/* Reads what is there; FALSE at end of file. */
static gboolean
drain (Crash *c, int fd)
{
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      for (ssize_t i = 0; i < n; i++)
        {
          if (buf[i] == '\n')
            {
              take_line (c, c->partial_line->str);
              g_string_truncate (c->partial_line, 0);
            }
          else
            g_string_append_c (c->partial_line, buf[i]);
        }
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return TRUE;
  return n != 0;
}

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* Starts the writer, lets it run for delay_us, kills it with SIGKILL. */
static void
run_cycle (Crash *c,
           const char *writer,
           guint cycle,
           gint64 delay_us,
           gboolean from_first_save,
           gboolean wrong_first)
{
  g_autofree char *cycle_text = g_strdup_printf ("%u", cycle);
  int pipe_fds[2];
  int status = 0;
  gint64 deadline;
  guint acks_before = c->acks;
  pid_t pid;
  gboolean open = TRUE;

  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      dup2 (pipe_fds[1], STDOUT_FILENO);
      close (pipe_fds[0]);
      close (pipe_fds[1]);
      execl (writer, writer, c->path, cycle_text, c->moving_id, wrong_first ? "1" : "0",
             (char *)NULL);
      _exit (127);
    }
  close (pipe_fds[1]);
  g_assert_cmpint (fcntl (pipe_fds[0], F_SETFL, O_NONBLOCK), ==, 0);

  /* Most kills count from the first save, so that they land among saves
   * rather than in the start-up; the others count from the start, so that
   * the unlock (and its keyring write) is hit too. */
  if (from_first_save)
    {
      gint64 give_up = now_us () + 10 * G_USEC_PER_SEC;

      while (open && c->pending == NULL && c->acks == acks_before && now_us () < give_up)
        {
          open = drain (c, pipe_fds[0]);
          if (open)
            g_usleep (100);
        }
    }
  deadline = now_us () + delay_us;
  while (open && now_us () < deadline)
    {
      gint64 left;

      open = drain (c, pipe_fds[0]);
      /* Read the clock once: MAX would read it twice, and a negative
       * remainder becomes an endless g_usleep. */
      left = deadline - now_us ();
      if (open && left > 0)
        g_usleep ((gulong)MIN (left, 200));
    }
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* Whatever the writer acknowledged before it died is still in the pipe. */
  while (drain (c, pipe_fds[0]))
    ;
  close (pipe_fds[0]);
  if (!(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL))
    g_error ("the writer ended by itself (status %d) in cycle %u", status, cycle);
  /* A line cut off by the kill was never acknowledged. */
  g_string_truncate (c->partial_line, 0);
  if (c->acks == acks_before && c->pending == NULL)
    c->kills_before_first_save++;
  if (c->pending != NULL)
    c->kills_mid_save++;
}

static char *
decrypt_name (CfdVault *vault, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, id, &error);

  g_assert_no_error (error);
  return g_strdup (cfd_patient_get_name (patient));
}

/* After each kill: the structure, every acknowledged patient's presence,
 * and the names of the ones saved since the last check decrypt to what was
 * saved. A full check decrypts every patient. */
static void
verify (Crash *c, gboolean full)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (c->path, NULL, CFD_TEST_PASSPHRASE, &error);
  g_autoptr (GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint rows = 0;

  g_assert_no_error (error);
  /* A kill between a WAL frame's header and its page can leave a broken
   * last frame; only an unacknowledged save may be in it (checked below). */
  c->discarded_writes += cfd_vault_get_discarded_broken_write (vault);
  cfd_test_check_integrity (vault, &error);
  g_assert_no_error (error);
  cfd_test_check_audit_chain (vault, &rows, &error);
  g_assert_no_error (error);
  cfd_test_check_consistency (vault, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_prepare_v2 (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                       "SELECT id FROM patients", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (present, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  /* Every acknowledged save is there... */
  g_hash_table_iter_init (&iter, c->acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_true (g_hash_table_contains (present, key));
      /* ...and decrypts to what was saved. */
      if (full || g_hash_table_contains (c->fresh, key))
        {
          g_autofree char *name = decrypt_name (vault, key);

          g_assert_cmpstr (name, ==, value);
        }
    }

  /* Anything else is the one save that was under way when the kill came. */
  g_hash_table_iter_init (&iter, present);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *name = NULL;

      if (g_hash_table_contains (c->acked, key))
        continue;
      name = decrypt_name (vault, key);
      if (g_str_equal (key, c->moving_id))
        {
          if (g_strcmp0 (name, c->moving_name) != 0)
            {
              g_assert_cmpstr (name, ==, c->pending);
              c->unacked_commits++;
              g_free (c->moving_name);
              c->moving_name = g_strdup (name);
            }
        }
      else
        {
          /* Committed, not acknowledged: from now on it counts as saved. */
          g_assert_cmpstr (name, ==, c->pending);
          c->unacked_commits++;
          g_hash_table_insert (c->acked, g_strdup (key), g_strdup (name));
        }
    }
  g_assert_cmpuint (g_hash_table_size (present), ==, g_hash_table_size (c->acked) + 1);
  verify_records (c, vault, full);
  g_clear_pointer (&c->pending, g_free);
  g_hash_table_remove_all (c->fresh);
  c->audit_rows = rows;
}

static void
test_kill (void)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "cfd-crash-writer", NULL);
  guint cycles = env_uint ("CFD_CRASH_CYCLES", 200);
  guint max_delay_ms = env_uint ("CFD_CRASH_MAX_DELAY_MS", 40);
  guint full_every = MAX (env_uint ("CFD_CRASH_FULL_CHECK_EVERY", 50), 1);
  guint vault_cycles = env_uint ("CFD_CRASH_VAULT_CYCLES", 0);
  guint vaults = 0;
  guint64 seed = g_getenv ("CFD_CRASH_SEED") != NULL
                     ? g_ascii_strtoull (g_getenv ("CFD_CRASH_SEED"), NULL, 10)
                     : (guint64)g_get_real_time ();
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32)seed);
  Crash c = { 0 };
  gint64 started = now_us ();

  g_test_message ("CFD_CRASH_SEED=%" G_GUINT64_FORMAT " CFD_CRASH_CYCLES=%u "
                  "CFD_CRASH_MAX_DELAY_MS=%u CFD_CRASH_FULL_CHECK_EVERY=%u "
                  "CFD_CRASH_VAULT_CYCLES=%u",
                  (guint64)(guint32)seed, cycles, max_delay_ms, full_every, vault_cycles);
  g_assert_true (g_file_test (writer, G_FILE_TEST_IS_EXECUTABLE));

  c.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c.fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c.records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, acked_record_free);
  c.partial_line = g_string_new (NULL);

  for (guint cycle = 1; cycle <= cycles; cycle++)
    {
      /* One vault for the whole run keeps CI fast; a soak starts a new one
       * now and then, so the per-kill checks do not grow without end. */
      if (cycle == 1 || (vault_cycles > 0 && (cycle - 1) % vault_cycles == 0))
        {
          g_autoptr (CfdVault) vault = NULL;

          g_clear_pointer (&c.path, g_free);
          g_clear_pointer (&c.moving_id, g_free);
          vault = cfd_test_vault_new (&c.path, NULL);
          c.moving_id = cfd_test_add_patient (vault, "Moving");
          g_free (c.moving_name);
          {
            /* The whole name, with the tag cfd_test_add_patient gave it. */
            g_autoptr (CfdPatient) moving = cfd_vault_get_patient (vault, c.moving_id, NULL);

            g_assert_nonnull (moving);
            c.moving_name = g_strdup (cfd_patient_get_name (moving));
          }
          g_hash_table_remove_all (c.acked);
          g_hash_table_remove_all (c.fresh);
          g_hash_table_remove_all (c.records);
          vaults++;
        }
      gint64 delay_us = g_rand_int_range (rand, 0, (gint32)max_delay_ms * 1000 + 1);
      gboolean wrong_first = g_rand_int_range (rand, 0, 8) == 0;

      run_cycle (&c, writer, cycle, delay_us, g_rand_int_range (rand, 0, 4) != 0, wrong_first);
      verify (&c, cycle % full_every == 0 || cycle == cycles
                      || (vault_cycles > 0 && cycle % vault_cycles == 0));
      /* A soak runs for a long time: show where it is. */
      if (cycles >= 1000 && cycle % 500 == 0)
        g_printerr ("# cycle %u of %u: %u acknowledged saves, %.0f s\n", cycle, cycles, c.acks,
                    (double)(now_us () - started) / G_USEC_PER_SEC);
    }

  g_test_message ("%u cycles over %u vaults, %u acknowledged saves (%u signatures; last vault: "
                  "%u patients, %u records, %u audit records), all present after every kill, "
                  "in %.1f s",
                  cycles, vaults, c.acks, c.signatures, g_hash_table_size (c.acked),
                  g_hash_table_size (c.records), c.audit_rows,
                  (double)(now_us () - started) / G_USEC_PER_SEC);
  g_test_message ("kills before the first save: %u; during a save: %u, of which %u had "
                  "committed without being acknowledged; broken last writes discarded at "
                  "unlock: %u",
                  c.kills_before_first_save, c.kills_mid_save, c.unacked_commits,
                  c.discarded_writes);
  /* Kills that all landed before the first save would prove little. */
  g_assert_cmpuint (c.acks, >, cycles / 4);

  g_free (c.path);
  g_free (c.moving_id);
  g_free (c.moving_name);
  g_free (c.pending);
  g_hash_table_unref (c.acked);
  g_hash_table_unref (c.fresh);
  g_hash_table_unref (c.records);
  g_string_free (c.partial_line, TRUE);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/crash/kill-while-saving", test_kill);
  return g_test_run ();
}
