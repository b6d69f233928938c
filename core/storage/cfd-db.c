/* cfd-db.c: the SQLCipher database: keying, settings that must take effect, schema, transactions. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-db.h"
#include "cfd-error.h"
#include "cfd-schema.h"

struct _CfdDb
{
  sqlite3 *handle;
  GHashTable *statements; /* sql -> sqlite3_stmt */
  guint depth;            /* of cfd_db_begin calls; inner ones are savepoints */
  gboolean roster_loaded; /* temp.roster is the signed roster, not the users view */
};

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

void
cfd_db_set_error (CfdDb *db, int rc, const char *what, GError **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);
  int code;

  switch (rc & 0xff)
    {
      case SQLITE_FULL:
        code = CFD_ERROR_NO_SPACE;
        break;
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        code = CFD_ERROR_DAMAGED_DATABASE;
        break;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        code = CFD_ERROR_BUSY;
        break;
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
        code = CFD_ERROR_IO;
        break;
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_AUTH:
        code = CFD_ERROR_NOT_PERMITTED;
        break;
      case SQLITE_CONSTRAINT:
        /* Triggers that guard signed records raise with this text. */
        code = strstr (detail, "immutable") != NULL ? CFD_ERROR_IMMUTABLE : CFD_ERROR_INVALID_INPUT;
        break;
      default:
        code = CFD_ERROR_FAILED;
        break;
    }

  /* SQLite's messages name tables and constraints, never bound values, so
   * they are safe to pass on. */
  g_set_error (error, CFD_ERROR, code, _ ("Database error while %s: %s"), what, detail);
}

static gboolean
query_text (CfdDb *db, const char *sql, char **out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "reading a setting", error);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading a setting", error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out = rc == SQLITE_ROW ? g_strdup ((const char *)sqlite3_column_text (stmt, 0)) : NULL;
  sqlite3_finalize (stmt);
  return TRUE;
}

gboolean
cfd_db_exec (CfdDb *db, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "updating the vault", error);
      return FALSE;
    }
  return TRUE;
}

void
cfd_db_purge_wal (CfdDb *db, const char *what)
{
  if (!cfd_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL))
    g_debug ("Checkpoint after %s did not complete", what);
}

static gboolean
apply_key (CfdDb *db, const guint8 key[CFD_KEY_BYTES], GError **error)
{
  /* Raw-key form x'<64 hex>': SQLCipher skips its own PBKDF2, since the key
   * is already random. The text is secret, so it lives in guarded memory. */
  g_autoptr (CfdSecret) text = cfd_secret_new (3 + 2 * CFD_KEY_BYTES + 1);
  g_autofree char *version = NULL;
  int rc;

  if (!query_text (db, "PRAGMA cipher_version", &version, error))
    return FALSE;
  if (version == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED,
                   _ ("The SQLite library in use has no encryption (SQLCipher is required)"));
      return FALSE;
    }

  text->data[0] = 'x';
  text->data[1] = '\'';
  sodium_bin2hex ((char *)text->data + 2, 2 * CFD_KEY_BYTES + 1, key, CFD_KEY_BYTES);
  text->data[2 + 2 * CFD_KEY_BYTES] = '\'';
  rc = sqlite3_key_v2 (db->handle, "main", text->data, 3 + 2 * CFD_KEY_BYTES);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "applying the database key", error);
      return FALSE;
    }

  /* SQLCipher 4 reads version 3 files only in compatibility mode, and it
   * must be set before the page size. */
  if (version[0] >= '4' && !cfd_db_exec (db, "PRAGMA cipher_compatibility = 3", error))
    return FALSE;
  return cfd_db_exec (db, "PRAGMA cipher_page_size = 4096", error);
}

/* Unknown pragmas do nothing, silently: read every setting back. */
static gboolean
check_setting (CfdDb *db, const char *pragma, const char *expected, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
  g_autofree char *value = NULL;

  if (!query_text (db, sql, &value, error))
    return FALSE;
  if (g_ascii_strcasecmp (value != NULL ? value : "", expected) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED,
                   _ ("The database setting %s did not take effect (%s instead of %s)"), pragma,
                   value != NULL ? value : "nothing", expected);
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure (CfdDb *db, GError **error)
{
  static const struct
  {
    const char *set;
    const char *pragma;
    const char *expected;
  } settings[] = {
    { "PRAGMA journal_mode = WAL", "journal_mode", "wal" },
    { "PRAGMA synchronous = FULL", "synchronous", "2" },
    { "PRAGMA foreign_keys = ON", "foreign_keys", "1" },
    { "PRAGMA secure_delete = ON", "secure_delete", "1" },
    { "PRAGMA temp_store = MEMORY", "temp_store", "2" },
    { NULL, "cipher_page_size", "4096" },
  };

  sqlite3_busy_timeout (db->handle, CFD_DB_BUSY_TIMEOUT_MS);

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      if (settings[i].set != NULL)
        {
          g_autofree char *ignored = NULL;

          /* journal_mode answers with a row, so it is stepped, not exec'd. */
          if (!query_text (db, settings[i].set, &ignored, error))
            return FALSE;
        }
      if (!check_setting (db, settings[i].pragma, settings[i].expected, error))
        return FALSE;
    }
  return TRUE;
}

CfdDb *
cfd_db_open (const char *path, const guint8 key[CFD_KEY_BYTES], gboolean create, GError **error)
{
  g_autoptr (CfdDb) db = g_new0 (CfdDb, 1);
  g_autofree char *ignored = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  if (create)
    flags |= SQLITE_OPEN_CREATE;
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   _ ("The vault database file is missing"));
      return NULL;
    }

  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  rc = sqlite3_open_v2 (path, &db->handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "opening the database", error);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);

  if (!apply_key (db, key, error))
    return NULL;

  /* The first read is where a wrong key or a damaged first page shows. */
  rc = sqlite3_exec (db->handle, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "opening the database", error);
      return NULL;
    }

  if (!configure (db, error))
    return NULL;
  if (!cfd_schema_migrate (db, error))
    return NULL;

  /* Every key and signer check reads temp.roster. Until an unlock loads the
   * owner-signed roster (cfd_db_load_roster) it is the users table as
   * stored: a vault from before the roster, or a connection that checks
   * nothing. It lives in this connection's memory, never in the file. */
  rc = sqlite3_exec (db->handle,
                     "CREATE TEMP VIEW roster AS "
                     "SELECT id, name, role, box_pk, sign_pk, 0 AS removed FROM main.users; "
                     "CREATE TEMP TABLE signed_cards (id TEXT PRIMARY KEY, "
                     "name TEXT NOT NULL, box_pk BLOB NOT NULL, sign_pk BLOB NOT NULL, "
                     "fingerprint TEXT NOT NULL)",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "preparing the roster", error);
      return NULL;
    }

  return g_steal_pointer (&db);
}

gboolean
cfd_db_load_roster (CfdDb *db, const CfdRoster *roster, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* The first load replaces the view of the users table; a later one (a
   * user added) replaces the rows. */
  /* Supervisors imported by card have no keyring entry and are not in the
   * signed roster: they come from temp.signed_cards, the statements an
   * owner or therapist of the roster signed (cfd_db_load_card_statements),
   * never from their users rows. */
  rc = sqlite3_exec (db->handle,
                     db->roster_loaded
                         ? "DELETE FROM temp.signed_roster"
                         : "DROP VIEW temp.roster; "
                           "CREATE TEMP TABLE signed_roster (id TEXT PRIMARY KEY, "
                           "name TEXT NOT NULL, role TEXT NOT NULL, box_pk BLOB NOT NULL, "
                           "sign_pk BLOB NOT NULL, removed INTEGER NOT NULL); "
                           "CREATE TEMP VIEW roster AS "
                           "SELECT id, name, role, box_pk, sign_pk, removed "
                           "FROM temp.signed_roster "
                           "UNION ALL "
                           "SELECT id, name, 'supervisor', box_pk, sign_pk, 0 "
                           "FROM temp.signed_cards "
                           "WHERE id NOT IN (SELECT id FROM temp.signed_roster)",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "loading the roster", error);
      return FALSE;
    }
  stmt = cfd_db_prepare (db, "INSERT INTO temp.signed_roster VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (roster->entries, i);

      sqlite3_bind_text (stmt, 1, entry->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, entry->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, cfd_role_to_string (entry->role), -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 4, entry->box_pk, CFD_BOX_PK_BYTES, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 5, entry->sign_pk, CFD_SIGN_PK_BYTES, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, entry->removed);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          cfd_db_set_error (db, rc, "loading the roster", error);
          return FALSE;
        }
    }
  db->roster_loaded = TRUE;
  return TRUE;
}

gboolean
cfd_db_load_card_statements (CfdDb *db, GPtrArray *statements, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!db->roster_loaded)
    return TRUE;
  rc = sqlite3_exec (db->handle, "DELETE FROM temp.signed_cards", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "loading the card supervisors", error);
      return FALSE;
    }
  stmt = cfd_db_prepare (db, "INSERT OR REPLACE INTO temp.signed_cards VALUES (?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < statements->len; i++)
    {
      const CfdCardStatement *statement = g_ptr_array_index (statements, i);

      sqlite3_bind_text (stmt, 1, statement->supervisor_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, statement->name, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, statement->box_pk, CFD_BOX_PK_BYTES, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 4, statement->sign_pk, CFD_SIGN_PK_BYTES, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, statement->fingerprint, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          cfd_db_set_error (db, rc, "loading the card supervisors", error);
          return FALSE;
        }
    }
  return TRUE;
}

void
cfd_db_close (CfdDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db);
}

sqlite3 *
cfd_db_handle (CfdDb *db)
{
  return db->handle;
}

int
cfd_db_schema_version (CfdDb *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

gboolean
cfd_db_has_table (CfdDb *db, const char *name)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* Nested begins become savepoints, so an operation that runs its own
 * transaction can also run inside a larger one (a bulk import commits once
 * instead of once per record). */
gboolean
cfd_db_begin (CfdDb *db, GError **error)
{
  /* SQLite may have rolled back on its own (SQLITE_FULL, SQLITE_IOERR). */
  if (sqlite3_get_autocommit (db->handle))
    db->depth = 0;
  if (!cfd_db_exec (db, db->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT cfd_nested", error))
    return FALSE;
  db->depth++;
  return TRUE;
}

gboolean
cfd_db_commit (CfdDb *db, GError **error)
{
  if (db->depth > 1)
    {
      if (!cfd_db_exec (db, "RELEASE cfd_nested", error))
        {
          cfd_db_rollback (db);
          return FALSE;
        }
      db->depth--;
      return TRUE;
    }
  if (cfd_db_exec (db, "COMMIT", error))
    {
      db->depth = 0;
      return TRUE;
    }
  cfd_db_rollback (db);
  return FALSE;
}

void
cfd_db_rollback (CfdDb *db)
{
  if (sqlite3_get_autocommit (db->handle))
    {
      db->depth = 0;
      return;
    }
  if (db->depth > 1)
    {
      sqlite3_exec (db->handle, "ROLLBACK TO cfd_nested; RELEASE cfd_nested", NULL, NULL, NULL);
      db->depth--;
      return;
    }
  sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  db->depth = 0;
}

gboolean
cfd_db_in_transaction (CfdDb *db)
{
  return !sqlite3_get_autocommit (db->handle);
}

sqlite3_stmt *
cfd_db_prepare (CfdDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "preparing a query", error);
      return NULL;
    }
  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
cfd_db_step_done (CfdDb *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "saving", error);
      return FALSE;
    }
  return TRUE;
}

void
cfd_db_bind_bytes (sqlite3_stmt *stmt, int column, GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  sqlite3_bind_blob64 (stmt, column, data != NULL ? (const void *)data : "", len, SQLITE_TRANSIENT);
}

GBytes *
cfd_db_column_bytes (sqlite3_stmt *stmt, int column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int len = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, (gsize)MAX (len, 0));
}
