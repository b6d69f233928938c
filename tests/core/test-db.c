/* test-db.c: transactions and their nesting as savepoints. */
#include "config.h"

#include "cfd-test-util.h"

static gint64
count (CfdDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  sqlite3_prepare_v2 (cfd_db_handle (db), "SELECT count(*) FROM vault_meta", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
insert (CfdDb *db, const char *key)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO vault_meta VALUES ('%s', 'v')", key);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
test_nesting (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) error = NULL;
  gint64 before = count (db);

  /* An inner rollback undoes only the inner work. */
  g_assert_true (cfd_db_begin (db, &error));
  insert (db, "outer");
  g_assert_true (cfd_db_begin (db, &error));
  insert (db, "inner");
  cfd_db_rollback (db);
  g_assert_true (cfd_db_in_transaction (db));
  g_assert_true (cfd_db_begin (db, &error));
  insert (db, "inner-kept");
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_true (cfd_db_in_transaction (db));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_false (cfd_db_in_transaction (db));
  g_assert_cmpint (count (db), ==, before + 2);

  /* An outer rollback undoes inner work that was "committed". */
  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_db_begin (db, &error));
  insert (db, "lost");
  g_assert_true (cfd_db_commit (db, &error));
  cfd_db_rollback (db);
  g_assert_false (cfd_db_in_transaction (db));
  g_assert_cmpint (count (db), ==, before + 2);

  /* Patients added inside one outer transaction commit together. */
  g_assert_true (cfd_db_begin (db, &error));
  g_free (cfd_test_add_patient (vault, "Batch One"));
  g_free (cfd_test_add_patient (vault, "Batch Two"));
  g_assert_true (cfd_db_commit (db, &error));
  {
    g_autoptr (GListModel) list = cfd_vault_list_patients (vault, FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  }
}

static void
test_constraint_errors (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) error = NULL;

  /* The audit log refuses edits, and the error says so specifically. */
  g_assert_false (cfd_db_exec (db, "UPDATE audit_log SET actor = 'x'", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IMMUTABLE);
  g_clear_error (&error);
  g_assert_false (cfd_db_exec (db, "INSERT INTO users (id) VALUES ('x')", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/db/transactions/nesting", test_nesting);
  g_test_add_func ("/confidant/db/errors/constraints", test_constraint_errors);
  return g_test_run ();
}
