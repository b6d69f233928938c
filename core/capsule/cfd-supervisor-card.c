/* cfd-supervisor-card.c: exporting a user's card, and importing a supervisor's card into a vault. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule-supervisor-private.h"
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
  g_autofree char *card_fingerprint = NULL;
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
  /* The importer vouches for the keys whose fingerprint they compared:
   * the statement, not the rows, is what the vault trusts. */
  card_fingerprint = cfd_card_fingerprint (card->user_id, card->box_pk, card->sign_pk);
  if (!cfd_vault_sign_card_statement (vault, card->user_id, card->name, card->box_pk, card->sign_pk,
                                      card_fingerprint, now, error)
      || !cfd_vault_audit (vault, "supervisor.card-import", "user", card->user_id,
                           CFD_AUDIT_SUCCESS, "statement", error)
      || !cfd_db_commit (db, error))
    goto failed;
  if (fingerprint != NULL)
    *fingerprint = g_steal_pointer (&card_fingerprint);
  return g_strdup (card->user_id);

failed:
  cfd_db_rollback (db);
  /* The statement loaded before the rollback is read again as stored. */
  if (!cfd_vault_load_card_supervisors (vault, FALSE, NULL))
    g_debug ("The card supervisors could not be loaded again");
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
  /* As their verified statements vouch for them (cfd-vault-cards.c). */
  stmt = cfd_db_prepare (
      db, "SELECT id, name, box_pk, sign_pk FROM temp.signed_cards ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdUserInfo *info = g_new0 (CfdUserInfo, 1);

      info->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      info->name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      info->role = CFD_ROLE_SUPERVISOR;
      /* Loaded from statements whose keys have exactly their size. */
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

static gboolean
sign_carried_card (CfdVault *vault, CfdDb *db, const char *user_id, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "SELECT u.name, u.box_pk, u.sign_pk, c.imported FROM users u "
      "JOIN supervisor_cards c ON c.user_id = u.id WHERE u.id = ? AND u.role = 'supervisor'",
      error);
  g_autofree char *name = NULL;
  g_autofree char *fingerprint = NULL;
  guint8 box_pk[CFD_BOX_PK_BYTES], sign_pk[CFD_SIGN_PK_BYTES];
  gint64 imported = 0;
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 1) == CFD_BOX_PK_BYTES
          && sqlite3_column_bytes (stmt, 2) == CFD_SIGN_PK_BYTES;
  if (found)
    {
      name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      memcpy (box_pk, sqlite3_column_blob (stmt, 1), CFD_BOX_PK_BYTES);
      memcpy (sign_pk, sqlite3_column_blob (stmt, 2), CFD_SIGN_PK_BYTES);
      imported = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);
  /* A card row without a supervisor row: nothing to vouch for. */
  if (!found)
    return TRUE;
  fingerprint = cfd_card_fingerprint (user_id, box_pk, sign_pk);
  return cfd_vault_sign_card_statement (vault, user_id, name, box_pk, sign_pk, fingerprint,
                                        imported, error)
         && cfd_vault_audit (vault, "supervisor.card-sign", "user", user_id, CFD_AUDIT_SUCCESS,
                             "statement", error);
}

/* Whether a statement for this supervisor was ever recorded as signed. */
static gboolean
was_signed_before (CfdDb *db, const char *user_id, gboolean *signed_before, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "SELECT 1 FROM audit_log WHERE action IN ('supervisor.card-import', "
      "'supervisor.card-sign') AND object_id = ? AND authorization = 'statement' LIMIT 1",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  *signed_before = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      return FALSE;
    }
  return TRUE;
}

/* Cards imported before statements existed are vouched for at the next
 * unlock of an owner or therapist, from their rows as they stand (trust on
 * first use, as the first roster was), and recorded as supervisor.card-sign.
 * A card whose statement was signed before and is now missing is not signed
 * again: it stays ignored and is reported as vault.tamper. */
gboolean
cfd_vault_sign_carried_cards (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  if (!cfd_db_has_table (db, "supervisor_card_statements"))
    return TRUE;
  stmt = cfd_db_prepare (db,
                         "SELECT c.user_id FROM supervisor_cards c WHERE NOT EXISTS ("
                         "SELECT 1 FROM supervisor_card_statements s WHERE s.user_id = c.user_id) "
                         "ORDER BY c.user_id",
                         error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cards, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the card supervisors", error);
      return FALSE;
    }
  if (cards->len == 0)
    return TRUE;
  if (!cfd_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < cards->len; i++)
    {
      const char *user_id = g_ptr_array_index (cards, i);
      gboolean signed_before = FALSE;
      CfdRole role = cfd_vault_get_user_role (vault);

      if (!was_signed_before (db, user_id, &signed_before, error))
        goto failed;
      if (signed_before)
        {
          if (!cfd_vault_audit (vault, "vault.tamper", "card-supervisor", user_id,
                                CFD_AUDIT_FAILURE, "statement-missing", error))
            goto failed;
          cfd_vault_add_tamper_warning (
              vault, _ ("The signed statement of a supervisor known by card was deleted from the "
                        "database: that supervisor is ignored until their card is imported again"));
          continue;
        }
      if (role != CFD_ROLE_OWNER && role != CFD_ROLE_THERAPIST)
        continue;
      if (!sign_carried_card (vault, db, user_id, error))
        goto failed;
    }
  if (!cfd_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (db);
  if (!cfd_vault_load_card_supervisors (vault, FALSE, NULL))
    g_debug ("The card supervisors could not be loaded again");
  return FALSE;
}
