/* cfd-vault-forged-rows.c: addenda and reviews whose author the signed roster does not know. */
#include "config.h"

#include "cfd-vault-internal.h"

/* Such a row was put there by someone with the database key (a planted
 * author): it is never shown, since its signature cannot be checked, but it
 * is not dropped without a word either. Each is recorded as vault.tamper at
 * every unlock, and one warning says how many there are. */
gboolean
cfd_vault_report_unknown_authors (CfdVault *self, GError **error)
{
  CfdDb *db = cfd_vault_get_db (self, error);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint addenda = 0, reviews = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  /* At every unlock: through the index of addenda, never a scan of every
   * record's pages. */
  stmt = cfd_db_prepare (
      db,
      "SELECT 'record', id FROM records INDEXED BY records_parent WHERE parent_id > '' "
      "AND author_id NOT IN (SELECT id FROM temp.roster) UNION ALL "
      "SELECT 'review', id FROM reviews "
      "WHERE author_id NOT IN (SELECT id FROM temp.roster) UNION ALL "
      /* Records by a removed user signed after their removal (or never):
       * read only in a vault where someone was removed. */
      "SELECT 'record', r.id FROM temp.roster u JOIN records r ON r.author_id = u.id "
      "WHERE u.removed != 0 AND (r.signed_at IS NULL OR r.signed_at > u.removed)",
      error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (found, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (found, g_strdup ((const char *)sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "looking for rows by unknown authors", error);
      return FALSE;
    }
  if (found->len == 0)
    return TRUE;

  if (!cfd_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i + 1 < found->len; i += 2)
    {
      const char *kind = g_ptr_array_index (found, i);

      if (g_strcmp0 (kind, "record") == 0)
        addenda++;
      else
        reviews++;
      if (!cfd_vault_audit (self, "vault.tamper", kind, g_ptr_array_index (found, i + 1),
                            CFD_AUDIT_FAILURE, "unknown author", error))
        {
          cfd_db_rollback (db);
          return FALSE;
        }
    }
  if (!cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  {
    g_autofree char *warning = g_strdup_printf (
        "%u addend%s and %u review%s name an author who is not a user in the vault's signed "
        "roster, so their signatures cannot be verified: they are forged and not shown",
        addenda, addenda == 1 ? "um" : "a", reviews, reviews == 1 ? "" : "s");

    cfd_vault_add_tamper_warning (self, warning);
  }
  return TRUE;
}
