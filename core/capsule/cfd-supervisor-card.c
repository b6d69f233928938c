/* cfd-supervisor-card.c: exporting a user's card, and importing a supervisor's card into a vault. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule.h"
#include "cfd-io-private.h"
#include "cfd-vault-private.h"

gboolean
cfd_vault_export_supervisor_card (CfdVault *vault,
                                  const char *path,
                                  char **fingerprint,
                                  GError **error)
{
  g_autoptr (GBytes) file = NULL;
  CfdDb *db = cfd_vault_get_db (vault, error);
  CfdCardFile card = { 0 };
  gsize len = 0;
  const guint8 *data;

  if (db == NULL)
    return FALSE;
  card.vault_id = (char *)cfd_vault_get_id (vault);
  card.user_id = (char *)cfd_vault_get_user_id (vault);
  card.name = (char *)cfd_vault_get_user_name (vault);
  memcpy (card.box_pk, cfd_vault_get_box_public_key (vault), CFD_BOX_PK_BYTES);
  crypto_sign_ed25519_sk_to_pk (card.sign_pk, cfd_vault_get_sign_secret_key (vault));
  file = cfd_card_file_encode (&card, cfd_vault_get_sign_secret_key (vault));
  data = g_bytes_get_data (file, &len);
  if (!cfd_io_atomic_write (path, data, len, error))
    return FALSE;
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "supervisor.card-export", "user", card.user_id, CFD_AUDIT_SUCCESS,
                           NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  if (fingerprint != NULL)
    *fingerprint = cfd_card_fingerprint (card.user_id, card.box_pk, card.sign_pk);
  return TRUE;
}

char *
cfd_vault_dup_user_fingerprint (CfdVault *vault, const char *user_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  sqlite3_stmt *stmt;
  gboolean found;

  if (db == NULL)
    return NULL;
  /* temp.roster is what every signature check reads: the owner-signed
   * roster once an unlock has loaded it. */
  stmt = cfd_db_prepare (db, "SELECT box_pk, sign_pk FROM temp.roster WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_BOX_PK_BYTES
          && sqlite3_column_bytes (stmt, 1) == CFD_SIGN_PK_BYTES;
  if (found)
    {
      memcpy (box_pk, sqlite3_column_blob (stmt, 0), CFD_BOX_PK_BYTES);
      memcpy (sign_pk, sqlite3_column_blob (stmt, 1), CFD_SIGN_PK_BYTES);
    }
  sqlite3_reset (stmt);
  if (!found)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such user"));
      return NULL;
    }
  return cfd_card_fingerprint (user_id, box_pk, sign_pk);
}

/* 0: no such user; 1: the same user with the same keys; -1: a clash. */
static int
existing_user (CfdDb *db, const CfdCardFile *card, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT id, role, box_pk, sign_pk FROM users WHERE id = ? OR name = ?", error);
  int found = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, card->user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, card->name, -1, SQLITE_TRANSIENT);
  while (found >= 0 && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean same
          = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), card->user_id) == 0
            && g_strcmp0 ((const char *)sqlite3_column_text (stmt, 1), "supervisor") == 0
            && sqlite3_column_bytes (stmt, 2) == CFD_BOX_PK_BYTES
            && sqlite3_column_bytes (stmt, 3) == CFD_SIGN_PK_BYTES
            && memcmp (sqlite3_column_blob (stmt, 2), card->box_pk, CFD_BOX_PK_BYTES) == 0
            && memcmp (sqlite3_column_blob (stmt, 3), card->sign_pk, CFD_SIGN_PK_BYTES) == 0;

      found = same ? 1 : -1;
    }
  sqlite3_reset (stmt);
  if (found < 0)
    g_set_error (error, CFD_ERROR, CFD_ERROR_EXISTS,
                 _ ("This vault already has a user of that name or id with other keys; if the "
                    "supervisor's keys changed, compare the new fingerprint with them first"));
  return found;
}

char *
cfd_vault_import_supervisor_card (CfdVault *vault,
                                  const char *path,
                                  char **fingerprint,
                                  GError **error)
{
  g_autoptr (CfdCardFile) card = NULL;
  g_autofree guint8 *data = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  gsize len = 0;
  gint64 now;
  int existing;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "supervisor.card-import", error))
    return NULL;
  if (!cfd_io_read_file (path, CFD_CARD_MAX_BYTES + 64, &data, &len, error))
    return NULL;
  card = cfd_card_file_parse (data, len, error);
  if (card == NULL)
    return NULL;
  if (g_strcmp0 (card->vault_id, cfd_vault_get_id (vault)) == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("This card is from a user of this vault; add supervisors who share it as "
                      "users instead"));
      return NULL;
    }

  db = cfd_vault_get_db (vault, error);
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  if (!cfd_db_begin (db, error))
    return NULL;
  existing = existing_user (db, card, error);
  if (existing < 0)
    goto failed;
  if (existing == 0)
    {
      stmt = cfd_db_prepare (db,
                             "INSERT INTO users (id, name, role, box_pk, sign_pk, created) "
                             "VALUES (?, ?, 'supervisor', ?, ?, ?)",
                             error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, card->user_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, card->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 3, card->box_pk, CFD_BOX_PK_BYTES, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 4, card->sign_pk, CFD_SIGN_PK_BYTES, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 5, now);
      if (!cfd_db_step_done (db, stmt, error))
        goto failed;
      stmt = cfd_db_prepare (db,
                             "INSERT INTO supervisor_cards (user_id, vault_id, imported, "
                             "imported_by) VALUES (?, ?, ?, ?)",
                             error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, card->user_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, card->vault_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_text (stmt, 4, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
      if (!cfd_db_step_done (db, stmt, error))
        goto failed;
    }
  if (!cfd_vault_audit (vault, "supervisor.card-import", "user", card->user_id, CFD_AUDIT_SUCCESS,
                        NULL, error)
      || !cfd_db_commit (db, error))
    goto failed;
  if (fingerprint != NULL)
    *fingerprint = cfd_card_fingerprint (card->user_id, card->box_pk, card->sign_pk);
  return g_strdup (card->user_id);

failed:
  cfd_db_rollback (db);
  return NULL;
}

GPtrArray *
cfd_vault_list_card_supervisors (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_user_info_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (
      db,
      "SELECT u.id, u.name, u.box_pk, u.sign_pk FROM users u JOIN supervisor_cards c "
      "ON c.user_id = u.id WHERE u.role = 'supervisor' ORDER BY u.name",
      error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdUserInfo *info = g_new0 (CfdUserInfo, 1);

      info->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      info->name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      info->role = CFD_ROLE_SUPERVISOR;
      /* The schema holds both keys at exactly their size. */
      if (sqlite3_column_bytes (stmt, 2) == CFD_BOX_PK_BYTES
          && sqlite3_column_bytes (stmt, 3) == CFD_SIGN_PK_BYTES)
        info->fingerprint = cfd_card_fingerprint (info->id, sqlite3_column_blob (stmt, 2),
                                                  sqlite3_column_blob (stmt, 3));
      g_ptr_array_add (users, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "listing supervisors", error);
      return NULL;
    }
  return g_steal_pointer (&users);
}

GPtrArray *
cfd_vault_list_users_and_cards (CfdVault *vault)
{
  GPtrArray *users = cfd_vault_list_users (vault);
  g_autoptr (GPtrArray) cards
      = cfd_vault_is_unlocked (vault) ? cfd_vault_list_card_supervisors (vault, NULL) : NULL;

  for (guint i = 0; cards != NULL && i < cards->len; i++)
    g_ptr_array_add (users, g_steal_pointer (&g_ptr_array_index (cards, i)));
  return users;
}
