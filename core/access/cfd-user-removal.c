/* cfd-user-removal.c: the owner removes a user. The signed roster marks
 * them removed (core/vault/cfd-vault-remove-user.c); here every grant to
 * them is destroyed and every key they could have copied (the patient keys
 * they held, the database key) is replaced, so an old copy of their
 * keyring entry opens nothing written afterwards. */
#include "config.h"

#include "cfd-patient-key.h"
#include "cfd-user-removal.h"
#include "cfd-vault-private.h"

/* Patients for whom the user holds any grant: a patient key, a details key
 * or a record key. */
static GPtrArray *
patients_granted_to (CfdDb *db, const char *user_id, GError **error)
{
  g_autoptr (GPtrArray) patients = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt
      = cfd_db_prepare (db,
                        "SELECT patient_id FROM patient_keys WHERE user_id = ?1 UNION "
                        "SELECT patient_id FROM details_grants WHERE user_id = ?1 UNION "
                        "SELECT patient_id FROM record_grants WHERE user_id = ?1 ORDER BY 1",
                        error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (patients, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading a removed user's grants", error);
      return NULL;
    }
  return g_steal_pointer (&patients);
}

static gboolean
destroy_grants (CfdDb *db, const char *user_id, GError **error)
{
  static const char *const statements[] = {
    "DELETE FROM patient_keys WHERE user_id = ?",
    "DELETE FROM details_grants WHERE user_id = ?",
    "DELETE FROM record_grants WHERE user_id = ?",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *stmt = cfd_db_prepare (db, statements[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
      if (!cfd_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

#ifdef CFD_TESTING
static gboolean stop_after_roster;

void
cfd_vault_stop_removal_after_roster_for_testing (gboolean stop)
{
  stop_after_roster = stop;
}
#endif

/* The steps after the signed roster marks the user removed, each safe to
 * run again: a removal interrupted after the roster was written is finished
 * by the owner's next unlock (cfd_vault_finish_removals). */
static gboolean
finish_removal (CfdVault *self, const char *user_id, GError **error)
{
  CfdDb *db = cfd_vault_get_db (self, error);
  g_autoptr (GPtrArray) patients = NULL;
  const char *exclude[] = { user_id, NULL };

  /* The user's grants and the patient keys they held, in one transaction:
   * each patient key is replaced, its other readers re-granted, the old
   * grants destroyed. */
  if (db == NULL || !cfd_db_begin (db, error))
    return FALSE;
  patients = patients_granted_to (db, user_id, error);
  if (patients == NULL)
    goto rollback;
  for (guint i = 0; i < patients->len; i++)
    if (!cfd_patient_key_rotate (self, g_ptr_array_index (patients, i), exclude, error))
      goto rollback;
  if (!destroy_grants (db, user_id, error) || !cfd_db_commit (db, error))
    goto rollback;

  /* The database key, the recovery key and the backup key: the removed
   * user's old keyring entry unwraps the old database key. */
  if (!cfd_vault_rotate_keys (self, error))
    return FALSE;

  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (self, "user.remove", "user", user_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    goto rollback;
  return TRUE;

rollback:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_vault_remove_user (CfdVault *self, const char *name, GError **error)
{
  g_autofree char *user_id = NULL;

  g_return_val_if_fail (CFD_IS_VAULT (self), FALSE);
  user_id = cfd_vault_sign_user_removal (self, name, error);
  if (user_id == NULL)
    return FALSE;
#ifdef CFD_TESTING
  if (stop_after_roster)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, "Stopped after signing the removal (testing)");
      return FALSE;
    }
#endif
  return finish_removal (self, user_id, error);
}

gboolean
cfd_vault_finish_removals (CfdVault *self, GError **error)
{
  g_autoptr (GPtrArray) pending = cfd_vault_dup_unfinished_removals (self);

  for (guint i = 0; i < pending->len; i++)
    if (!finish_removal (self, g_ptr_array_index (pending, i), error))
      return FALSE;
  return TRUE;
}
