/* cfd-vault-roster.c: signing the roster (as the owner) and checking it at
 * every unlock against the owner key the user pinned. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-vault-internal.h"

GBytes *
cfd_vault_sign_roster_from_keyring (const CfdKeyring *keyring,
                                    const CfdKeyringUser *owner,
                                    const CfdSecret *owner_secrets,
                                    gint64 now)
{
  g_autoptr (CfdRoster) roster = cfd_roster_new (keyring->vault_id);

  for (guint i = 0; i < keyring->users->len; i++)
    {
      const CfdKeyringUser *user = g_ptr_array_index (keyring->users, i);

      cfd_roster_add (roster, user->id, user->name, user->role, user->box_pk, user->sign_pk,
                      user->created, owner->id);
    }
  return cfd_roster_sign (roster, now / G_USEC_PER_SEC, owner_secrets->data + CFD_SECRETS_SIGN_SK);
}

gboolean
cfd_vault_check_roster (const CfdKeyring *keyring,
                        const CfdKeyringUser *user,
                        const CfdSecret *secrets,
                        CfdRoster **roster_out,
                        GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  const CfdRosterEntry *entry;

  *roster_out = NULL;
  if (keyring->roster == NULL)
    return TRUE;
  roster = cfd_roster_verify (keyring->roster, keyring->vault_id,
                              secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL)
    return FALSE;

  /* The keyring entry that just opened must be one the owner signed in. */
  entry = cfd_roster_find (roster, user->id);
  if (entry != NULL && !cfd_roster_entry_is_member (entry))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("This user was removed from the vault by its owner"));
      return FALSE;
    }
  if (entry == NULL || entry->role != user->role
      || !cfd_constant_time_equal (entry->box_pk, user->box_pk, CFD_BOX_PK_BYTES)
      || !cfd_constant_time_equal (entry->sign_pk, user->sign_pk, CFD_SIGN_PK_BYTES))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("This user's keys are not in the vault's signed roster"));
      return FALSE;
    }
  *roster_out = g_steal_pointer (&roster);
  return TRUE;
}

/* Rows of the users table the signed roster does not vouch for (unknown,
 * or with other keys or another role) are ignored by every check; each is
 * reported in the audit log as vault.tamper at every unlock, inside the
 * caller's transaction. A supervisor known by card is vouched for by their
 * verified statement (cfd-vault-cards.c) instead; one with no statement at
 * all is left to cfd_vault_sign_carried_cards, which signs or reports it. */
gboolean
cfd_vault_report_unknown_users (CfdVault *self, GError **error)
{
  /* A card supervisor without a statement yet is left to
   * cfd_vault_sign_carried_cards; before schema 14 none has one. */
  static const char *const with_statements
      = "SELECT u.id FROM main.users u WHERE NOT EXISTS ("
        "SELECT 1 FROM temp.signed_roster r WHERE r.id = u.id "
        "AND r.role = u.role AND r.box_pk = u.box_pk AND r.sign_pk = u.sign_pk) "
        "AND NOT EXISTS (SELECT 1 FROM temp.signed_cards c WHERE c.id = u.id "
        "AND u.role = 'supervisor' AND c.name = u.name AND c.box_pk = u.box_pk "
        "AND c.sign_pk = u.sign_pk) "
        "AND NOT (u.role = 'supervisor' AND EXISTS ("
        "SELECT 1 FROM main.supervisor_cards c WHERE c.user_id = u.id) "
        "AND NOT EXISTS (SELECT 1 FROM main.supervisor_card_statements s "
        "WHERE s.user_id = u.id)) "
        "ORDER BY u.id";
  static const char *const before_statements
      = "SELECT u.id FROM main.users u WHERE NOT EXISTS ("
        "SELECT 1 FROM temp.signed_roster r WHERE r.id = u.id "
        "AND r.role = u.role AND r.box_pk = u.box_pk AND r.sign_pk = u.sign_pk) "
        "AND NOT (u.role = 'supervisor' AND EXISTS ("
        "SELECT 1 FROM main.supervisor_cards c WHERE c.user_id = u.id)) "
        "ORDER BY u.id";
  g_autoptr (GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (self->roster == NULL)
    return TRUE;
  stmt = cfd_db_prepare (self->db,
                         cfd_db_has_table (self->db, "supervisor_card_statements")
                             ? with_statements
                             : before_statements,
                         error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (unknown, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (self->db, rc, "reading the users table", error);
      return FALSE;
    }
  for (guint i = 0; i < unknown->len; i++)
    {
      g_autofree char *warning = NULL;

      if (!cfd_vault_audit (self, "vault.tamper", "user", g_ptr_array_index (unknown, i),
                            CFD_AUDIT_FAILURE, NULL, error))
        return FALSE;
      warning = g_strdup_printf ("The database lists a user the signed roster does not vouch for "
                                 "(id %s): the row is ignored",
                                 (const char *)g_ptr_array_index (unknown, i));
      cfd_vault_add_tamper_warning (self, warning);
    }
  return TRUE;
}

/* A vault from before the roster: the owner's unlock signs the keyring's
 * users as they stand (trust on first use, like the pin), keeps the roster
 * in the keyring and records vault.roster-sign. */
gboolean
cfd_vault_sign_first_roster (CfdVault *self, GError **error)
{
  g_autoptr (CfdRoster) roster = NULL;
  CfdKeyringUser *owner;
  GBytes *document;
  int fd;

  fd = cfd_vault_reload_keyring_locked (self, error);
  if (fd < 0)
    return FALSE;
  owner = cfd_keyring_find_owner (self->keyring);
  if (self->keyring->roster != NULL || strcmp (owner->id, self->user_id) != 0)
    {
      cfd_io_unlock (fd);
      return TRUE;
    }
  document = cfd_vault_sign_roster_from_keyring (self->keyring, owner, self->secrets,
                                                 cfd_vault_now (self));
  self->keyring->roster = document;
  if (!cfd_keyring_save (self->keyring, self->keyring_path, error))
    {
      g_clear_pointer (&self->keyring->roster, g_bytes_unref);
      cfd_io_unlock (fd);
      return FALSE;
    }
  cfd_io_unlock (fd);

  roster = cfd_roster_verify (document, self->keyring->vault_id,
                              self->secrets->data + CFD_SECRETS_OWNER_SIGN_PK, error);
  if (roster == NULL)
    return FALSE;
  if (!cfd_db_load_roster (self->db, roster, error))
    return FALSE;
  g_clear_pointer (&self->roster, cfd_roster_free);
  self->roster = g_steal_pointer (&roster);
  if (!cfd_vault_load_card_supervisors (self, FALSE, error))
    return FALSE;

  if (!cfd_db_begin (self->db, error)
      || !cfd_vault_audit (self, "vault.roster-sign", "vault", cfd_vault_get_id (self),
                           CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (self->db, error))
    {
      cfd_db_rollback (self->db);
      return FALSE;
    }
  return TRUE;
}
