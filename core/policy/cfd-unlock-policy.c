/* cfd-unlock-policy.c: unlocking, and the housekeeping every unlock does once the vault is open. */
#include "config.h"

#include "cfd-capsule-supervisor-private.h"
#include "cfd-consent-private.h"
#include "cfd-scoped-key.h"
#include "cfd-secure-private.h"
#include "cfd-unlock-policy.h"
#include "cfd-user-removal.h"
#include "cfd-vault-private.h"
#include "cfd-vault-internal.h"

/* A step below that finds the database damaged fails the unlock (the
 * vault is locked again and the error names the damage); any other
 * failure of a step is logged and the unlock goes on, as it did before
 * the step existed. */
static gboolean
step_failed (GError **step_error, const char *what, GError **error)
{
  if (*step_error == NULL)
    return FALSE;
  if (g_error_matches (*step_error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE))
    {
      g_propagate_error (error, g_steal_pointer (step_error));
      return TRUE;
    }
  g_warning ("Could not %s: %s", what, (*step_error)->message);
  g_clear_error (step_error);
  return FALSE;
}

/* Runs with the vault just unlocked, before anyone can read through it:
 * the mechanism below (vault/) cannot call up into consents and capsules,
 * so the rules that span them live here. */
static gboolean
after_unlock (CfdVault *self, GError **error)
{
  GError *step_error = NULL;

  /* A key rotation of this user's that stopped midway is finished first,
   * so that everything below reads with the key the roster names. */
  cfd_vault_finish_key_rotation (self, &step_error);
  if (step_failed (&step_error, "finish the key rotation under way", error))
    return FALSE;

  /* Addenda and reviews by authors the roster does not know: never shown,
   * and never dropped without a word. */
  cfd_vault_report_unknown_authors (self, &step_error);
  if (step_failed (&step_error, "look for addenda and reviews by unknown authors", error))
    return FALSE;
  /* Patients from before record keys: supervisors' patient-key grants
   * become grants of what their consents cover (docs/SECURITY.md). */
  cfd_scoped_key_upgrade_vault (self, &step_error);
  if (step_failed (&step_error, "upgrade patients to record keys", error))
    return FALSE;
  /* Consent revocations from before they were signed: the owner signs
   * them (docs/FORMATS.md, consent_revocations). */
  cfd_consent_sign_carried_revocations (self, &step_error);
  if (step_failed (&step_error, "sign the consent revocations made before this version", error))
    return FALSE;
  /* Supervisors known by card from before signed statements: vouched for
   * by the owner or a therapist (docs/SECURITY.md, card supervisors). */
  cfd_vault_sign_carried_cards (self, &step_error);
  if (step_failed (&step_error, "sign the statements of card supervisors", error))
    return FALSE;
  /* Revocations interrupted before their key rotation, and consents that
   * expired since, are completed by the first of the practice to unlock. */
  cfd_vault_withdraw_lapsed_consents (self, &step_error);
  if (step_failed (&step_error, "check for lapsed consents", error))
    return FALSE;
  /* A user's removal cut short after the owner signed it: their grants
   * destroyed and the keys they held replaced now. */
  cfd_vault_finish_removals (self, &step_error);
  if (step_failed (&step_error, "finish removing a user", error))
    return FALSE;
  /* Capsules past their expiry lose their key before anyone can open them. */
  cfd_vault_expire_capsules (self, &step_error);
  if (step_failed (&step_error, "destroy the keys of expired capsules", error))
    return FALSE;
  return TRUE;
}

static gboolean
finish_unlock (CfdVault *self, GError **error)
{
  if (after_unlock (self, error))
    return TRUE;
  cfd_vault_lock (self);
  return FALSE;
}

gboolean
cfd_vault_unlock (CfdVault *self, const char *user, const char *passphrase, GError **error)
{
  if (!cfd_vault_unlock_only (self, user, passphrase, error))
    return FALSE;
  return finish_unlock (self, error);
}

gboolean
cfd_vault_recover (CfdVault *self,
                   const char *recovery_key,
                   const char *new_passphrase,
                   GError **error)
{
  if (!cfd_vault_recover_only (self, recovery_key, new_passphrase, error))
    return FALSE;
  return finish_unlock (self, error);
}

/* Secrets handed to the worker thread; wiped when the task is done. */
typedef struct
{
  char *user;
  CfdSecret *passphrase;
  CfdSecret *recovery_key;
} UnlockData;

static void
unlock_data_free (gpointer data)
{
  UnlockData *ud = data;

  g_free (ud->user);
  g_clear_pointer (&ud->passphrase, cfd_secret_free);
  g_clear_pointer (&ud->recovery_key, cfd_secret_free);
  g_free (ud);
}

/* Only one thread touches the vault at a time: the caller waits for the
 * task's callback before using the vault again. */
static void
unlock_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  UnlockData *ud = data;
  GError *error = NULL;
  gboolean ok;

  if (ud->recovery_key != NULL)
    ok = cfd_vault_recover (CFD_VAULT (source), (const char *)ud->recovery_key->data,
                            (const char *)ud->passphrase->data, &error);
  else
    ok = cfd_vault_unlock (CFD_VAULT (source), ud->user, (const char *)ud->passphrase->data,
                           &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_unlock_async (CfdVault *self,
                        const char *user,
                        const char *passphrase,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  UnlockData *ud = g_new0 (UnlockData, 1);

  ud->user = g_strdup (user);
  ud->passphrase = cfd_secret_new_from_string (passphrase);
  g_task_set_source_tag (task, cfd_vault_unlock_async);
  g_task_set_task_data (task, ud, unlock_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
cfd_vault_unlock_finish (CfdVault *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cfd_vault_recover_async (CfdVault *self,
                         const char *recovery_key,
                         const char *new_passphrase,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  UnlockData *ud = g_new0 (UnlockData, 1);

  ud->passphrase = cfd_secret_new_from_string (new_passphrase);
  ud->recovery_key = cfd_secret_new_from_string (recovery_key);
  g_task_set_source_tag (task, cfd_vault_recover_async);
  g_task_set_task_data (task, ud, unlock_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
cfd_vault_recover_finish (CfdVault *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
