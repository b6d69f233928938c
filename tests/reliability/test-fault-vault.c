/* test-fault-vault.c: a failed write, sync or full disk while unlocking, changing a passphrase or adding a user. */
#include "config.h"

#include <string.h>

#include "cfd-fault-vfs.h"
#include "cfd-test-fault.h"

#define NEW_PASSPHRASE "new passphrase for the owner"
#define SAM_PASSPHRASE "passphrase of sam"

typedef struct
{
  char *template_path;
  char *patient_id;
  char *error_message; /* of the last run, when it failed */
} Fixture;

static void
fixture_init (Fixture *fx)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&fx->template_path, NULL);

  fx->patient_id = cfd_test_add_patient (vault, "Ada Lovelace");
}

static void
fixture_free (Fixture *fx)
{
  g_free (fx->template_path);
  g_free (fx->patient_id);
  g_free (fx->error_message);
}

static void
remember_error (Fixture *fx, gboolean ok, GError **error)
{
  g_clear_pointer (&fx->error_message, g_free);
  if (!ok && error != NULL && *error != NULL)
    fx->error_message = g_strdup ((*error)->message);
}

/* Earlier work survives whatever happened. */
static void
assert_patient_kept (Fixture *fx, CfdVault *vault)
{
  g_autoptr (GHashTable) names = cfd_test_assert_sound (vault);

  g_assert_cmpuint (g_hash_table_size (names), ==, 1);
  g_assert_true (cfd_test_name_is (g_hash_table_lookup (names, fx->patient_id), "Ada Lovelace"));
}

static gboolean
op_change_passphrase (CfdVault *vault, gpointer data, GError **error)
{
  gboolean ok = cfd_vault_change_passphrase (vault, CFD_TEST_PASSPHRASE, NEW_PASSPHRASE, error);

  remember_error (data, ok, error);
  return ok;
}

static void
verify_change_passphrase (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (GError) old_error = NULL;
  g_autoptr (GError) new_error = NULL;
  g_autoptr (CfdVault) with_old = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &old_error);
  g_autoptr (CfdVault) with_new = NULL;

  g_clear_object (&with_old);
  with_new = cfd_test_reopen (path, NULL, NEW_PASSPHRASE, &new_error);

  /* Exactly one passphrase opens the vault, and it is the one the user was
   * told is in effect. */
  if (succeeded
      || (fx->error_message != NULL
          && g_str_has_prefix (fx->error_message, "The passphrase was changed")))
    {
      g_assert_no_error (new_error);
      g_assert_error (old_error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
      assert_patient_kept (fx, with_new);
      if (succeeded)
        g_assert_cmpuint (cfd_test_count_audit (with_new, "user.passphrase-change"), ==, 1);
    }
  else
    {
      g_assert_no_error (old_error);
      g_assert_error (new_error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
      with_old = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &old_error);
      g_assert_no_error (old_error);
      assert_patient_kept (fx, with_old);
      g_assert_cmpuint (cfd_test_count_audit (with_old, "user.passphrase-change"), ==, 0);
    }
}

static void
test_change_passphrase (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "changing the passphrase", NULL, NULL, CFD_TEST_PASSPHRASE, op_change_passphrase,
    verify_change_passphrase,  &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

static gboolean
op_add_user (CfdVault *vault, gpointer data, GError **error)
{
  g_autofree char *id
      = cfd_vault_add_user (vault, "Sam", CFD_ROLE_THERAPIST, SAM_PASSPHRASE, error);

  remember_error (data, id != NULL, error);
  return id != NULL;
}

static void
verify_add_user (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) owner = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);
  g_autoptr (CfdVault) sam = NULL;
  g_autoptr (GPtrArray) users = NULL;

  g_assert_no_error (error);
  /* Also checks that the database and the keyring list the same users. */
  assert_patient_kept (fx, owner);
  users = cfd_vault_list_users (owner);
  g_assert_cmpuint (users->len, ==, succeeded ? 2 : 1);
  g_assert_cmpuint (cfd_test_count_audit (owner, "user.add"), ==, succeeded ? 1 : 0);
  g_clear_object (&owner);

  sam = cfd_test_reopen (path, "Sam", SAM_PASSPHRASE, &error);
  if (succeeded)
    {
      g_assert_no_error (error);
      g_assert_cmpint (cfd_vault_get_user_role (sam), ==, CFD_ROLE_THERAPIST);
    }
  else
    g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static void
test_add_user (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "adding a user", NULL, NULL, CFD_TEST_PASSPHRASE, op_add_user, verify_add_user, &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

/* Locking and unlocking again: the unlock writes its audit record (and
 * moves recorded failed unlocks into the log). */
static gboolean
op_relock (CfdVault *vault, gpointer data, GError **error)
{
  g_autoptr (GError) wrong = NULL;
  gboolean ok;

  cfd_vault_lock (vault);
  /* A failed unlock goes into the keyring first, the log later. */
  g_assert_false (cfd_vault_unlock (vault, NULL, "not the passphrase", &wrong));
  ok = cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, error);
  remember_error (data, ok, error);
  return ok;
}

static void
verify_relock (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) owner = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);

  g_assert_no_error (error);
  assert_patient_kept (fx, owner);
}

static void
test_unlock (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "locking and unlocking", NULL, NULL, CFD_TEST_PASSPHRASE, op_relock, verify_relock, &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();

  g_test_add_func ("/confidant/fault/vault/change-passphrase", test_change_passphrase);
  g_test_add_func ("/confidant/fault/vault/add-user", test_add_user);
  g_test_add_func ("/confidant/fault/vault/unlock", test_unlock);
  return g_test_run ();
}
