/* cfd-test-check.c: invariants a vault on disk must keep after any fault, crash or attack. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cfd-test-check.h"

static const char *const best_effort_warnings[] = {
  "Could not record",         /* a lock, a failed unlock, a denied action */
  "Could not checkpoint the", /* the audit checkpoint signed at lock */
};

static GLogWriterOutput
best_effort_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  gboolean expected = FALSE;

  if (level & G_LOG_LEVEL_WARNING)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
          for (guint j = 0; j < G_N_ELEMENTS (best_effort_warnings); j++)
            expected |= g_str_has_prefix (fields[i].value, best_effort_warnings[j]);
    }
  if (expected)
    return g_log_writer_default (level & ~G_LOG_FLAG_FATAL, fields, n_fields, data);
  g_log_writer_default (level, fields, n_fields, data);
  /* Every other warning stays fatal, as under G_DEBUG=fatal-warnings. */
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

void
cfd_test_allow_best_effort_warnings (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      cfd_test_set_log_writer (best_effort_writer);
      g_once_init_leave (&done, 1);
    }
}

CfdVault *
cfd_test_reopen (const char *path, const char *user, const char *passphrase, GError **error)
{
  g_autoptr (CfdVault) vault = cfd_vault_open (path, error);

  if (vault == NULL || !cfd_vault_unlock (vault, user, passphrase, error))
    return NULL;
  return g_steal_pointer (&vault);
}

static sqlite3 *
handle_of (CfdVault *vault)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_assert_nonnull (db);
  return cfd_db_handle (db);
}

gboolean
cfd_test_check_integrity (CfdVault *vault, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *answer = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (handle_of (vault), "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    answer = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (g_strcmp0 (answer, "ok") != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE, "integrity_check: %s (rc %d)",
                   answer != NULL ? answer : "no answer", rc);
      return FALSE;
    }
  return TRUE;
}

static const char *
text_column (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

gboolean
cfd_test_check_audit_chain (CfdVault *vault, guint *rows_out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  guint8 previous[CFD_HASH_BYTES] = { 0 };
  gint64 expected_seq = 1;
  guint rows = 0;
  int rc;

  rc = sqlite3_prepare_v2 (handle_of (vault),
                           "SELECT seq, time, actor, action, object_kind, object_id, outcome, "
                           "authorization, device, hash FROM audit_log ORDER BY seq",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   "cannot read the audit log (rc %d)", rc);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint8 hash[CFD_HASH_BYTES];
      CfdAuditEntry entry = {
        .seq = sqlite3_column_int64 (stmt, 0),
        .time = sqlite3_column_int64 (stmt, 1),
        .actor = text_column (stmt, 2),
        .action = text_column (stmt, 3),
        .object_kind = text_column (stmt, 4),
        .object_id = text_column (stmt, 5),
        .outcome = text_column (stmt, 6),
        .authorization = text_column (stmt, 7),
        .device = text_column (stmt, 8),
      };

      if (entry.seq != expected_seq)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       "audit sequence jumps from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                       expected_seq - 1, entry.seq);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      cfd_audit_chain_hash (hash, previous, &entry);
      if (sqlite3_column_bytes (stmt, 9) != CFD_HASH_BYTES
          || memcmp (hash, sqlite3_column_blob (stmt, 9), CFD_HASH_BYTES) != 0)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       "audit record %" G_GINT64_FORMAT " does not chain", entry.seq);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      memcpy (previous, hash, CFD_HASH_BYTES);
      expected_seq++;
      rows++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   "reading the audit log stopped (rc %d)", rc);
      return FALSE;
    }
  if (rows_out != NULL)
    *rows_out = rows;
  return TRUE;
}

static gint64
count (CfdVault *vault, const char *sql, const char *bind)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (handle_of (vault), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (bind != NULL)
    sqlite3_bind_text (stmt, 1, bind, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

gboolean
cfd_test_check_consistency (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);
  const char *owner = cfd_vault_get_owner_id (vault);
  gint64 n;

  n = count (vault,
             "SELECT count(*) FROM patients p WHERE NOT EXISTS (SELECT 1 FROM patient_keys k "
             "WHERE k.patient_id = p.id AND k.key_version = p.key_version AND k.user_id = ?)",
             owner);
  if (n != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   "%" G_GINT64_FORMAT " patients without the owner's grant", n);
      return FALSE;
    }
  n = count (vault,
             "SELECT count(*) FROM patient_keys k WHERE NOT EXISTS "
             "(SELECT 1 FROM patients p WHERE p.id = k.patient_id)",
             NULL);
  if (n != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   "%" G_GINT64_FORMAT " grants without a patient", n);
      return FALSE;
    }

  n = count (vault, "SELECT count(*) FROM users", NULL);
  if (n != (gint64)users->len)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                   "the database has %" G_GINT64_FORMAT " users, the keyring %u", n, users->len);
      return FALSE;
    }
  for (guint i = 0; i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);

      if (count (vault, "SELECT count(*) FROM users WHERE id = ?", user->id) != 1)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING,
                       "keyring user %s is not in the database", user->name);
          return FALSE;
        }
    }
  return TRUE;
}

GHashTable *
cfd_test_patient_names (CfdVault *vault, GError **error)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, error);

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (list, i);

      g_hash_table_insert (names, g_strdup (cfd_patient_get_id (patient)),
                           g_strdup (cfd_patient_get_name (patient)));
    }
  return g_steal_pointer (&names);
}

guint
cfd_test_count_audit (CfdVault *vault, const char *action)
{
  return (guint)count (
      vault, "SELECT count(*) FROM audit_log WHERE action = ? AND outcome = 'success'", action);
}

GHashTable *
cfd_test_assert_sound (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  GHashTable *names;
  guint rows = 0;

  cfd_test_check_integrity (vault, &error);
  g_assert_no_error (error);
  cfd_test_check_audit_chain (vault, &rows, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows, >, 0);
  cfd_test_check_consistency (vault, &error);
  g_assert_no_error (error);
  names = cfd_test_patient_names (vault, &error);
  g_assert_no_error (error);
  return names;
}

char *
cfd_test_copy_vault (const char *path)
{
  static const char *const names[] = { CFD_VAULT_DATABASE_NAME, CFD_VAULT_KEYRING_NAME };
  char *copy = cfd_test_make_dir ();

  g_assert_cmpint (g_mkdir_with_parents (copy, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (path, names[i], NULL);
      g_autofree char *to = g_build_filename (copy, names[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (from, &data, &len, NULL));
      g_assert_true (g_file_set_contents (to, data, (gssize)len, NULL));
      g_assert_cmpint (g_chmod (to, 0600), ==, 0);
    }
  return copy;
}
