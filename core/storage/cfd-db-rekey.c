/* cfd-db-rekey.c: re-encrypting the database under a new key, and proving it took. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <sodium.h>

#include "cfd-db.h"
#include "cfd-error.h"

/* x'<64 hex>', in guarded memory: the raw-key form cfd_db_open uses. */
static CfdSecret *
raw_key_text (const guint8 key[CFD_KEY_BYTES])
{
  CfdSecret *text = cfd_secret_new (3 + 2 * CFD_KEY_BYTES + 1);

  text->data[0] = 'x';
  text->data[1] = '\'';
  sodium_bin2hex ((char *)text->data + 2, 2 * CFD_KEY_BYTES + 1, key, CFD_KEY_BYTES);
  text->data[2 + 2 * CFD_KEY_BYTES] = '\'';
  return text;
}

/* Whether key opens the file at path, on a connection of its own. */
static gboolean
key_opens (const char *path, const guint8 key[CFD_KEY_BYTES])
{
  g_autoptr (CfdSecret) text = raw_key_text (key);
  sqlite3 *handle = NULL;
  gboolean opens;

  if (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      sqlite3_close (handle);
      return FALSE;
    }
  opens = sqlite3_key_v2 (handle, "main", text->data, 3 + 2 * CFD_KEY_BYTES) == SQLITE_OK
          /* As cfd_db_open sets them (an unknown pragma is ignored by 3.x). */
          && sqlite3_exec (handle, "PRAGMA cipher_compatibility = 3", NULL, NULL, NULL) == SQLITE_OK
          && sqlite3_exec (handle, "PRAGMA cipher_page_size = 4096", NULL, NULL, NULL) == SQLITE_OK
          && sqlite3_exec (handle, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL)
                 == SQLITE_OK;
  sqlite3_close (handle);
  return opens;
}

gboolean
cfd_db_rekey (CfdDb *db,
              const char *path,
              const guint8 old_key[CFD_KEY_BYTES],
              const guint8 new_key[CFD_KEY_BYTES],
              GError **error)
{
  g_autoptr (CfdSecret) text = raw_key_text (new_key);
  sqlite3 *handle = cfd_db_handle (db);
  int rc;

  g_return_val_if_fail (!cfd_db_in_transaction (db), FALSE);

  /* SQLCipher 3.4 ignores PRAGMA rekey on a database in WAL mode without a
   * word: the log is folded in and the database leaves WAL for the rollback
   * journal (which also makes the rekey all-or-nothing), and comes back. */
  rc = sqlite3_exec (handle, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (handle, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "preparing to re-encrypt the database", error);
      return FALSE;
    }
  rc = sqlite3_rekey_v2 (handle, "main", text->data, 3 + 2 * CFD_KEY_BYTES);
  if (sqlite3_exec (handle, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
    g_debug ("The database did not return to WAL mode after re-encryption");
  if (rc != SQLITE_OK)
    {
      cfd_db_set_error (db, rc, "re-encrypting the database", error);
      return FALSE;
    }

  /* The proof is in the file: the old key must no longer open it, and the
   * new one must. */
  if (key_opens (path, old_key) || !key_opens (path, new_key))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_FAILED,
                   _ ("Re-encrypting the database did not take effect; it is still under its "
                      "previous key"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_db_key_opens (const char *path, const guint8 key[CFD_KEY_BYTES])
{
  return key_opens (path, key);
}
