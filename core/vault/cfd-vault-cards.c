/* cfd-vault-cards.c: supervisors known by card only, as the vault trusts
 * them: the statements an owner or therapist of the signed roster signed
 * (docs/FORMATS.md, "Card supervisor statement"), never their users rows. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-vault-internal.h"
#include "cfd-vault-private.h"

static gboolean
report_statement (CfdVault *self, const char *user_id, const char *why, GError **error)
{
  g_autofree char *warning = NULL;

  if (!cfd_vault_audit (self, "vault.tamper", "card-supervisor", user_id, CFD_AUDIT_FAILURE,
                        "statement", error))
    return FALSE;
  /* TRANSLATORS: the first %s is the supervisor's id, the second why the
   * statement does not verify. */
  warning = g_strdup_printf (_ ("The signed statement of a supervisor known by card (id %s) does "
                                "not verify (%s): that supervisor is ignored"),
                             user_id, why);
  cfd_vault_add_tamper_warning (self, warning);
  return TRUE;
}

/* Verifies every stored statement against the signed roster and loads the
 * good ones into temp.signed_cards. With report (at unlock, inside the
 * caller's transaction), each bad one is recorded as vault.tamper (object
 * card-supervisor, authorization "statement") and kept for a warning. */
gboolean
cfd_vault_load_card_supervisors (CfdVault *self, gboolean report, GError **error)
{
  g_autoptr (GPtrArray) verified
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_card_statement_free);
  g_autoptr (GPtrArray) bad_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) bad_reasons = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  /* A vault of a schema before statements (opened by a user who does not
   * migrate it) has none: no card supervisor is trusted until the owner's
   * or a therapist's unlock migrates it and signs the cards. */
  if (self->roster == NULL || !cfd_db_has_table (self->db, "supervisor_card_statements"))
    return TRUE;
  stmt = cfd_db_prepare (self->db,
                         "SELECT user_id, statement FROM main.supervisor_card_statements "
                         "ORDER BY user_id",
                         error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *user_id = (const char *)sqlite3_column_text (stmt, 0);
      g_autoptr (GBytes) document
          = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      g_autoptr (GError) local_error = NULL;
      CfdCardStatement *statement = cfd_card_statement_verify (document, cfd_vault_get_id (self),
                                                               self->roster, &local_error);

      if (statement != NULL && g_strcmp0 (statement->supervisor_id, user_id) != 0)
        {
          g_clear_pointer (&statement, cfd_card_statement_free);
          g_set_error (&local_error, CFD_ERROR, CFD_ERROR_TAMPERED,
                       _ ("it is filed under another supervisor"));
        }
      if (statement != NULL)
        g_ptr_array_add (verified, statement);
      else
        {
          g_ptr_array_add (bad_ids, g_strdup (user_id != NULL ? user_id : "?"));
          g_ptr_array_add (bad_reasons, g_strdup (local_error->message));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (self->db, rc, "reading the card supervisors", error);
      return FALSE;
    }
  if (!cfd_db_load_card_statements (self->db, verified, error))
    return FALSE;
  for (guint i = 0; report && i < bad_ids->len; i++)
    if (!report_statement (self, g_ptr_array_index (bad_ids, i), g_ptr_array_index (bad_reasons, i),
                           error))
      return FALSE;
  return TRUE;
}

/* Signs what the caller (an owner or therapist) vouches for, stores it in
 * place of any earlier statement for this supervisor and loads it; inside
 * the caller's transaction. */
gboolean
cfd_vault_sign_card_statement (CfdVault *self,
                               const char *supervisor_id,
                               const char *name,
                               const guint8 box_pk[CFD_BOX_PK_BYTES],
                               const guint8 sign_pk[CFD_SIGN_PK_BYTES],
                               const char *fingerprint,
                               gint64 imported,
                               GError **error)
{
  CfdCardStatement statement = { 0 };
  g_autoptr (GBytes) document = NULL;
  sqlite3_stmt *stmt;

  if (self->roster == NULL || (self->role != CFD_ROLE_OWNER && self->role != CFD_ROLE_THERAPIST))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("Only an owner or therapist of the signed roster can vouch for a supervisor "
                      "known by card"));
      return FALSE;
    }
  statement.vault_id = (char *)cfd_vault_get_id (self);
  statement.supervisor_id = (char *)supervisor_id;
  statement.name = (char *)name;
  memcpy (statement.box_pk, box_pk, CFD_BOX_PK_BYTES);
  memcpy (statement.sign_pk, sign_pk, CFD_SIGN_PK_BYTES);
  statement.fingerprint = (char *)fingerprint;
  statement.imported = imported;
  statement.imported_by = self->user_id;
  document = cfd_card_statement_sign (&statement, self->secrets->data + CFD_SECRETS_SIGN_SK);

  stmt = cfd_db_prepare (self->db,
                         "INSERT OR REPLACE INTO main.supervisor_card_statements (user_id, "
                         "statement) VALUES (?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, supervisor_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 2, g_bytes_get_data (document, NULL), g_bytes_get_size (document),
                     SQLITE_TRANSIENT);
  if (!cfd_db_step_done (self->db, stmt, error))
    return FALSE;
  return cfd_vault_load_card_supervisors (self, FALSE, error);
}
