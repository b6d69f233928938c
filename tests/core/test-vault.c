/* test-vault.c: creating, unlocking, locking, recovery, users, and what damage looks like. */
#include "config.h"

#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-passphrase.h"
#include "cfd-search.h"
#include "cfd-vault-private.h"
#include "cfd-test-util.h"

static char *
file_in (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
test_create_permissions (void)
{
  g_autofree char *path = NULL;
  g_autofree char *recovery = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, &recovery);
  g_autofree char *db = file_in (path, CFD_VAULT_DATABASE_NAME);
  g_autofree char *keyring = file_in (path, CFD_VAULT_KEYRING_NAME);
  struct stat st;

  g_assert_true (cfd_vault_is_unlocked (vault));
  g_assert_cmpint (cfd_vault_get_user_role (vault), ==, CFD_ROLE_OWNER);
  g_assert_cmpuint (strlen (recovery), ==, 44);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (keyring, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_create_refuses_existing (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *recovery = NULL;

  again = cfd_vault_create (path, "Someone", "bramble ferry quiet 26", &recovery, &error);
  g_assert_null (again);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_assert_true (cfd_vault_is_unlocked (vault));
}

static void
test_lock_unlock (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) reopened = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_false (cfd_vault_is_unlocked (vault));

  reopened = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (reopened, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_vault_get_user_name (reopened), ==, "Test Owner");
  g_assert_true (cfd_vault_unlock (vault, "Test Owner", CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

static void
test_settings_took_effect (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  sqlite3 *db = cfd_db_handle (cfd_vault_get_db (vault, NULL));
  static const struct
  {
    const char *sql;
    const char *expected;
  } checks[] = {
    { "PRAGMA journal_mode", "wal" }, { "PRAGMA synchronous", "2" },
    { "PRAGMA foreign_keys", "1" },   { "PRAGMA secure_delete", "1" },
    { "PRAGMA temp_store", "2" },     { "PRAGMA cipher_page_size", "4096" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, checks[i].sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, checks[i].expected);
      sqlite3_finalize (stmt);
    }
  g_assert_cmpint (cfd_db_schema_version (cfd_vault_get_db (vault, NULL)), ==,
                   cfd_db_latest_schema_version ());
}

static void
test_wrong_passphrase (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *db_path = file_in (path, CFD_VAULT_DATABASE_NAME);
  g_autofree char *keyring_path = file_in (path, CFD_VAULT_KEYRING_NAME);
  g_autoptr (GBytes) db_before = NULL;
  g_autoptr (GBytes) db_after = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  db_before = cfd_test_read_bytes (db_path);

  g_assert_false (cfd_vault_unlock (vault, NULL, "not the passphrase", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_assert_false (cfd_vault_is_unlocked (vault));
  g_assert_null (strstr (error->message, "not the passphrase"));
  g_clear_error (&error);

  /* The database is untouched; the failure waits in the keyring. */
  db_after = cfd_test_read_bytes (db_path);
  g_assert_true (g_bytes_equal (db_before, db_after));
  keyring = cfd_keyring_load (keyring_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keyring->failed_unlocks->len, ==, 1);
  g_clear_pointer (&keyring, cfd_keyring_free);

  /* At the next unlock it moves into the audit log, exactly once. */
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'vault.unlock' AND outcome = 'failure'"),
                   ==, 1);
  keyring = cfd_keyring_load (keyring_path, &error);
  g_assert_cmpuint (keyring->failed_unlocks->len, ==, 0);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'vault.unlock' AND outcome = 'failure'"),
                   ==, 1);
}

static void
test_unknown_user (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_false (cfd_vault_unlock (vault, "Nobody", CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static void
test_recovery (void)
{
  g_autofree char *path = NULL;
  g_autofree char *recovery = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, &recovery);
  g_autoptr (GError) error = NULL;
  guint8 other_raw[CFD_RECOVERY_KEY_BYTES] = { 1, 2, 3 };
  g_autofree char *other = cfd_recovery_key_format (other_raw);

  cfd_vault_lock (vault);

  g_assert_false (cfd_vault_recover (vault, other, "new passphrase", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY);
  g_clear_error (&error);
  g_assert_false (cfd_vault_recover (vault, "not-a-key", "new passphrase", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY);
  g_clear_error (&error);
  g_assert_false (cfd_vault_is_unlocked (vault));

  g_assert_true (cfd_vault_recover (vault, recovery, "new passphrase", &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_is_unlocked (vault));
  cfd_vault_lock (vault);

  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (cfd_vault_unlock (vault, NULL, "new passphrase", &error));
  g_assert_no_error (error);
}

static void
test_change_passphrase (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_change_passphrase (vault, "wrong", "bramble ferry quiet 26", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (cfd_vault_change_passphrase (vault, CFD_TEST_PASSPHRASE, "", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (
      cfd_vault_change_passphrase (vault, CFD_TEST_PASSPHRASE, "bramble ferry quiet 26", &error));
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_clear_error (&error);
  g_assert_true (cfd_vault_unlock (vault, NULL, "bramble ferry quiet 26", &error));
}

/* Every path that sets a passphrase refuses a trivially guessable one and
 * says why, with the system's word list and with Confidant's estimate. */
static void
assert_weak (GError *error)
{
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WEAK_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "too easy to guess ("));
}

static void
check_passphrase_policy (const char *dictionary)
{
  const char *weak[] = { "a", "password", "12345678", "Dr Ada Owner 2024", "aaaaaaaaaaaa" };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "vault", NULL);
  g_autofree char *recovery = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GPtrArray) users = NULL;

  cfd_passphrase_set_dictionary_for_testing (dictionary);
  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_assert_null (cfd_vault_create (path, "Dr Ada Owner", weak[i], &recovery, &error));
      assert_weak (error);
      /* The message never repeats the passphrase ("a" and "password" are
       * in any English sentence). */
      if (i >= 2)
        g_assert_null (strstr (error->message, weak[i]));
      g_clear_error (&error);
      g_assert_false (cfd_vault_exists (path));
    }

  vault = cfd_vault_create (path, "Dr Ada Owner", CFD_TEST_PASSPHRASE, &recovery, &error);
  g_assert_no_error (error);
  g_assert_null (cfd_vault_add_user (vault, "Theodora", CFD_ROLE_THERAPIST, "a", &error));
  assert_weak (error);
  g_clear_error (&error);
  g_assert_null (cfd_vault_add_user (vault, "Theodora", CFD_ROLE_THERAPIST, "theodora", &error));
  assert_weak (error);
  g_clear_error (&error);
  g_assert_null (
      cfd_vault_add_user (vault, "Theodora", CFD_ROLE_SUPERVISOR, "Theodora Theodora 1", &error));
  assert_weak (error);
  g_clear_error (&error);
  g_assert_false (cfd_vault_change_passphrase (vault, CFD_TEST_PASSPHRASE, "a", &error));
  assert_weak (error);
  g_clear_error (&error);

  cfd_vault_lock (vault);
  g_assert_false (cfd_vault_recover (vault, recovery, "password", &error));
  assert_weak (error);
  g_clear_error (&error);
  /* Nothing changed: the old passphrase still opens, and only the owner. */
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  users = cfd_vault_list_users (vault);
  g_assert_cmpuint (users->len, ==, 1);
  cfd_passphrase_set_dictionary_for_testing (NULL);
}

static void
test_passphrase_policy (void)
{
  check_passphrase_policy (NULL);
}

static void
test_passphrase_policy_without_word_list (void)
{
  check_passphrase_policy ("/nonexistent/confidant-test/cracklib_dict");
}

static void
test_add_user (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *nested = NULL;
  g_autoptr (GPtrArray) users = NULL;

  id = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR, "sam's passphrase",
                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_null (cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                     "saffron kettle drift 19", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_clear_error (&error);
  users = cfd_vault_list_users (vault);
  g_assert_cmpuint (users->len, ==, 2);

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Supervisor", "sam's passphrase", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_vault_get_user_role (vault), ==, CFD_ROLE_SUPERVISOR);

  /* Only the owner adds users. */
  nested = cfd_vault_add_user (vault, "Eve", CFD_ROLE_THERAPIST, "saffron kettle drift 19", &error);
  g_assert_null (nested);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

static void
test_lock_forgets_everything (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Lock Test");
  g_autoptr (GError) error = NULL;
  gboolean locked_signal = FALSE;

  g_signal_connect_swapped (vault, "locked", G_CALLBACK (g_nullify_pointer), &locked_signal);
  locked_signal = TRUE;
  g_assert_cmpuint (cfd_vault_count_live_secrets_for_testing (vault), >, 1);
  cfd_vault_lock (vault);
  g_assert_false (locked_signal);
  g_assert_cmpuint (cfd_vault_count_live_secrets_for_testing (vault), ==, 0);
  g_assert_null (cfd_vault_get_db (vault, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_null (cfd_vault_get_patient (vault, patient, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
}

static void
test_damaged_database (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *db_path = file_in (path, CFD_VAULT_DATABASE_NAME);
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  /* Inside the first page, past SQLCipher's salt: its HMAC fails. */
  cfd_test_flip_byte (db_path, 2000);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE);
  g_assert_false (cfd_vault_is_unlocked (vault));
}

static void
test_damaged_keyring (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *keyring_path = file_in (path, CFD_VAULT_KEYRING_NAME);
  g_autoptr (CfdVault) reopened = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  cfd_test_flip_byte (keyring_path, 40);
  reopened = cfd_vault_open (path, &error);
  g_assert_null (reopened);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
  g_clear_error (&error);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
}

static void
test_foreign_keyring (void)
{
  g_autofree char *path_a = NULL, *path_b = NULL;
  g_autoptr (CfdVault) a = cfd_test_vault_new (&path_a, NULL);
  g_autoptr (CfdVault) b = cfd_test_vault_new (&path_b, NULL);
  g_autofree char *keyring_a = file_in (path_a, CFD_VAULT_KEYRING_NAME);
  g_autofree char *keyring_b = file_in (path_b, CFD_VAULT_KEYRING_NAME);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (CfdVault) mixed = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (a);
  cfd_vault_lock (b);
  bytes = cfd_test_read_bytes (keyring_b);
  g_assert_true (g_file_set_contents (keyring_a, g_bytes_get_data (bytes, NULL),
                                      (gssize)g_bytes_get_size (bytes), NULL));
  mixed = cfd_vault_open (path_a, &error);
  g_assert_no_error (error);
  g_assert_false (cfd_vault_unlock (mixed, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
}

static void
test_weak_kdf_refused_outside_tests (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  cfd_kdf_allow_weak_params_for_testing (FALSE);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WEAK_KDF);
}

static void
unlocked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_unlock_finish (CFD_VAULT (source), result, &error));
  g_assert_no_error (error);
  g_main_loop_quit (loop);
}

static void
test_unlock_async (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  cfd_vault_lock (vault);
  cfd_vault_unlock_async (vault, NULL, CFD_TEST_PASSPHRASE, NULL, unlocked_cb, loop);
  g_main_loop_run (loop);
  g_assert_true (cfd_vault_is_unlocked (vault));
}

static char *
raw_key_hex (const char *path)
{
  g_autofree char *keyring_path = file_in (path, CFD_VAULT_KEYRING_NAME);
  g_autoptr (CfdKeyring) keyring = cfd_keyring_load (keyring_path, NULL);
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (GError) error = NULL;

  secrets = cfd_keyring_user_unwrap (cfd_keyring_find_owner (keyring), keyring->vault_id,
                                     CFD_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);
  return cfd_hex_encode (secrets->data + CFD_SECRETS_DB_KEY, CFD_KEY_BYTES);
}

/* The database is a standard SQLCipher file: the stock shell reads it with
 * the raw key and nothing without. */
static void
test_sqlcipher_shell (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *db_path = file_in (path, CFD_VAULT_DATABASE_NAME);
  g_autofree char *hex = NULL;
  g_autofree char *with_key = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *shell = g_find_program_in_path ("sqlcipher");
  int status = 0;

  if (shell == NULL)
    {
      g_test_skip ("the sqlcipher shell is not installed");
      return;
    }
  g_free (cfd_test_add_patient (vault, "Shell Test"));
  cfd_vault_lock (vault);
  hex = raw_key_hex (path);

  {
    const char *argv[] = { shell, db_path, "SELECT count(*) FROM patients;", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                 &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  with_key = g_strdup_printf ("PRAGMA key = \"x'%s'\"; PRAGMA cipher_page_size = 4096; "
                              "SELECT count(*) FROM patients;",
                              hex);
  {
    const char *argv[] = { shell, db_path, with_key, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                 &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (g_strstrip (out), ==, "1");
  }
}

static gpointer
lock_in_thread (gpointer data)
{
  cfd_vault_lock (CFD_VAULT (data));
  return NULL;
}

/* A lock waits for a job that uses the database (a backup on a worker
 * thread, say), and no job starts once the vault is locked. */
static void
test_lock_waits_for_jobs (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  CfdVaultJob *job = cfd_vault_job_begin (vault, &error);
  GThread *thread;
  gint64 deadline;

  g_assert_no_error (error);
  g_assert_nonnull (job);
  thread = g_thread_new ("lock", lock_in_thread, vault);

  /* While the job runs, the database stays open. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  while (g_get_monotonic_time () < deadline)
    {
      g_assert_nonnull (cfd_vault_get_db (vault, NULL));
      g_thread_yield ();
    }
  cfd_vault_job_end (job);
  g_thread_join (thread);
  g_assert_false (cfd_vault_is_unlocked (vault));

  g_assert_null (cfd_vault_job_begin (vault, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
}

/* A vault folder others can write, or a file in it that is a symlink or
 * someone else's, is refused with the fix in the message, and nothing is
 * created or changed through a planted link. */
static void
test_folder_checks (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) reopened = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *lock = file_in (path, "keyring.lock");
  g_autofree char *keyring = file_in (path, CFD_VAULT_KEYRING_NAME);
  g_autofree char *db = file_in (path, CFD_VAULT_DATABASE_NAME);
  g_autofree char *outside = cfd_test_make_dir ();
  g_autofree char *target = file_in (outside, "victim");
  g_autofree char *moved = file_in (path, "vault.db.real");

  cfd_vault_lock (vault);

  g_assert_cmpint (g_chmod (path, 0777), ==, 0);
  reopened = cfd_vault_open (path, &error);
  g_assert_null (reopened);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "chmod 700"));
  g_clear_error (&error);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);

  g_assert_cmpint (g_chmod (keyring, 0666), ==, 0);
  g_assert_null (cfd_vault_open (path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (keyring, 0600), ==, 0);

  /* The lock, planted as a symlink: opening it must not create the target. */
  g_unlink (lock);
  g_assert_cmpint (symlink (target, lock), ==, 0);
  g_assert_false (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "symlink"));
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_unlink (lock);

  /* The database moved aside and linked back. */
  g_assert_cmpint (g_rename (db, moved), ==, 0);
  g_assert_cmpint (symlink (moved, db), ==, 0);
  g_assert_null (cfd_vault_open (path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_unlink (db);
  g_assert_cmpint (g_rename (moved, db), ==, 0);

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

/* Failed unlocks planted in the (unsigned) keyring by whoever can write it:
 * ids the roster does not know, or times in the future, are not believed;
 * they are dropped and reported once as vault.tamper. */
static void
test_forged_failed_unlocks (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *keyring_path = file_in (path, CFD_VAULT_KEYRING_NAME);
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *owner = g_strdup (cfd_vault_get_user_id (vault));
  gint64 now = g_get_real_time ();

  cfd_vault_lock (vault);
  g_assert_false (cfd_vault_unlock (vault, NULL, "not the passphrase", &error));
  g_clear_error (&error);
  keyring = cfd_keyring_load (keyring_path, &error);
  g_assert_no_error (error);
  cfd_keyring_add_failed_unlock (keyring, "0123456789abcdef0123456789abcdef", now - 100);
  cfd_keyring_add_failed_unlock (keyring, "Dr Blame Someone", now - 50);
  cfd_keyring_add_failed_unlock (keyring, owner, now + G_GINT64_CONSTANT (86400000000) * 365);
  cfd_keyring_add_failed_unlock (keyring, "unknown", now - 10);
  g_assert_true (cfd_keyring_save (keyring, keyring_path, &error));

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  /* The real failure and the "unknown" one, nothing else. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'vault.unlock' AND outcome = 'failure'"),
                   ==, 2);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'vault.unlock' AND outcome = 'failure' AND "
                                               "actor NOT IN ('unknown', (SELECT id FROM users "
                                               "WHERE role = 'owner'))"),
                   ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'vault.tamper' AND object_kind = "
                                               "'failed-unlocks'"),
                   ==, 1);
  g_clear_pointer (&keyring, cfd_keyring_free);
  keyring = cfd_keyring_load (keyring_path, &error);
  g_assert_cmpuint (keyring->failed_unlocks->len, ==, 0);
}

/* The VmFlags of the mapping that holds address, from /proc/self/smaps. */
static char *
mapping_flags (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;

      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x ", &start, &end) == 2
          && strchr (lines[i], ' ') == lines[i] + strcspn (lines[i], " "))
        inside = (guint64)(guintptr)address >= start && (guint64)(guintptr)address < end;
      else if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        return g_strconcat (lines[i] + strlen ("VmFlags:"), " ", NULL);
    }
  return NULL;
}

static guint64
vm_locked_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmLck:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmLck:"), NULL, 10);
}

/* After an unlock the keys are in locked memory (VmLck counts them) that a
 * core dump leaves out (MADV_DONTDUMP, "dd"), and locking frees it. */
static void
test_keys_in_locked_memory (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *flags = NULL;
  struct rlimit limit;

#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer turns mlock into a no-op");
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  g_test_skip ("AddressSanitizer turns mlock into a no-op");
  return;
#endif
#endif
  g_assert_cmpint (getrlimit (RLIMIT_MEMLOCK, &limit), ==, 0);
  if (limit.rlim_cur < 64 * 1024)
    {
      g_test_skip ("RLIMIT_MEMLOCK is too small here to lock any key");
      return;
    }
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);

  g_test_message ("VmLck after unlock: %" G_GUINT64_FORMAT " KiB", vm_locked_kib ());
  g_assert_cmpuint (vm_locked_kib (), >, 0);
  flags = mapping_flags (cfd_vault_get_db_key (vault));
  g_assert_nonnull (flags);
  g_assert_nonnull (strstr (flags, " lo "));
  g_assert_nonnull (strstr (flags, " dd "));
  g_clear_pointer (&flags, g_free);
  flags = mapping_flags (cfd_vault_get_sign_secret_key (vault));
  g_assert_nonnull (strstr (flags, " lo "));
  g_assert_nonnull (strstr (flags, " dd "));

  /* The search index (at least 64 KiB of decrypted text) does not use up
   * the locked memory the keys need: it is left out of VmLck. */
  {
    guint64 before = vm_locked_kib ();
    g_autoptr (GListModel) hits = cfd_vault_search (vault, "anything", &error);

    g_assert_no_error (error);
    g_test_message ("VmLck after building the search index: %" G_GUINT64_FORMAT " KiB",
                    vm_locked_kib ());
    g_assert_cmpuint (vm_locked_kib (), <, before + 64);
  }
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/vault/create/permissions", test_create_permissions);
  g_test_add_func ("/confidant/vault/create/refuses-existing", test_create_refuses_existing);
  g_test_add_func ("/confidant/vault/unlock/round-trip", test_lock_unlock);
  g_test_add_func ("/confidant/vault/unlock/async", test_unlock_async);
  g_test_add_func ("/confidant/vault/unlock/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/confidant/vault/unlock/unknown-user", test_unknown_user);
  g_test_add_func ("/confidant/vault/unlock/weak-kdf-refused", test_weak_kdf_refused_outside_tests);
  g_test_add_func ("/confidant/vault/settings", test_settings_took_effect);
  g_test_add_func ("/confidant/vault/recovery", test_recovery);
  g_test_add_func ("/confidant/vault/passphrase-change", test_change_passphrase);
  g_test_add_func ("/confidant/vault/users/add", test_add_user);
  g_test_add_func ("/confidant/vault/folder-checks", test_folder_checks);
  g_test_add_func ("/confidant/vault/memory/keys-locked", test_keys_in_locked_memory);
  g_test_add_func ("/confidant/vault/forged-failed-unlocks", test_forged_failed_unlocks);
  g_test_add_func ("/confidant/vault/passphrase-policy", test_passphrase_policy);
  g_test_add_func ("/confidant/vault/passphrase-policy/estimate",
                   test_passphrase_policy_without_word_list);
  g_test_add_func ("/confidant/vault/lock/forgets-everything", test_lock_forgets_everything);
  g_test_add_func ("/confidant/vault/lock/waits-for-jobs", test_lock_waits_for_jobs);
  g_test_add_func ("/confidant/vault/damage/database", test_damaged_database);
  g_test_add_func ("/confidant/vault/damage/keyring", test_damaged_keyring);
  g_test_add_func ("/confidant/vault/damage/foreign-keyring", test_foreign_keyring);
  g_test_add_func ("/confidant/vault/sqlcipher-shell", test_sqlcipher_shell);
  return g_test_run ();
}
