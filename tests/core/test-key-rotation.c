/* test-key-rotation.c: re-encrypting the database under a new key, handing
 * it on to the other users, and finishing a rotation a power cut cut short. */
#include "config.h"

#include <string.h>

#include "cfd-patient-private.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"

#define THERAPIST_NAME       "Tess Therapist"
#define THERAPIST_PASSPHRASE "therapist passphrase for the rotation tests"

static char *
db_path (const char *vault_path)
{
  return g_build_filename (vault_path, CFD_VAULT_DATABASE_NAME, NULL);
}

static CfdVault *
vault_with_therapist (char **path_out)
{
  CfdVault *vault = cfd_test_vault_new (path_out, NULL);
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;

  id = cfd_vault_add_user (vault, THERAPIST_NAME, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  return vault;
}

/* The old key no longer opens the file; the therapist's entry, which held
 * the old key, takes the new one in at their unlock, once. */
static void
test_rotation_hands_on_key (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = vault_with_therapist (&path);
  g_autofree char *db = db_path (path);
  g_autoptr (CfdSecret) old_key
      = cfd_secret_new_from_data (cfd_vault_get_db_key (vault), CFD_KEY_BYTES);
  g_autofree char *new_recovery = NULL;
  g_autofree char *patient = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_rotate_keys (vault, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_db_key_opens (db, old_key->data));
  g_assert_true (cfd_db_key_opens (db, cfd_vault_get_db_key (vault)));
  new_recovery = cfd_vault_take_new_recovery_key (vault);
  g_assert_nonnull (new_recovery);
  g_assert_null (cfd_vault_take_new_recovery_key (vault));
  g_assert_cmpuint (cfd_test_count_audit (vault, "vault.rekey"), ==, 1);
  patient = cfd_test_add_patient (vault, "Rowan Later");
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_db_key_opens (db, old_key->data));
  cfd_vault_lock (vault);
  {
    g_autoptr (CfdKeyring) keyring = NULL;
    g_autofree char *keyring_file = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);

    keyring = cfd_keyring_load (keyring_file, &error);
    g_assert_no_error (error);
    /* Taken in and wrapped: nothing handed on is left for either user. */
    g_assert_cmpuint (keyring->db_keys->len, ==, 0);
  }
}

/* A power cut after the keyring names the new key and before the database
 * is re-encrypted: the next unlock, by any user, finishes it. */
static void
test_interrupted_rotation_finished_at_unlock (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = vault_with_therapist (&path);
  g_autofree char *db = db_path (path);
  g_autoptr (CfdSecret) old_key
      = cfd_secret_new_from_data (cfd_vault_get_db_key (vault), CFD_KEY_BYTES);
  g_autoptr (GError) error = NULL;

  cfd_vault_stop_rotation_before_rekey_for_testing (TRUE);
  g_assert_false (cfd_vault_rotate_keys (vault, &error));
  cfd_vault_stop_rotation_before_rekey_for_testing (FALSE);
  g_clear_error (&error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_db_key_opens (db, old_key->data));

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_db_key_opens (db, old_key->data));
  g_assert_true (cfd_db_key_opens (db, cfd_vault_get_db_key (vault)));
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_test_check_integrity (vault, &error));
  g_assert_no_error (error);
}

/* Only the owner rotates. */
static void
test_therapist_may_not_rotate (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = vault_with_therapist (&path);
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_false (cfd_vault_rotate_keys (vault, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

/* The therapist's patient, read with whatever key the session holds. */
static void
assert_reads_patient (CfdVault *vault, const char *patient_id, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = cfd_patient_load (vault, patient_id, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cfd_patient_get_name (patient), name));
}

/* A therapist's key rotation needs the owner's approval; a wrong owner
 * passphrase gives none, and nothing changes. */
static void
test_user_rotation_needs_owner (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = vault_with_therapist (&path);
  g_autoptr (CfdOwnerApproval) approval = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_false (cfd_vault_rotate_user_keys (vault, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  approval = cfd_vault_approve_as_owner (vault, "not the owner's passphrase", &error);
  g_assert_null (approval);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpuint (cfd_test_count_audit (vault, "key.rotate"), ==, 0);
}

/* A therapist's rotation stopped after the grants were sealed again, before
 * the keyring took the new key: their next unlock opens the new key with
 * the old one and finishes it; their patient reads throughout, the
 * roster keeps the old pair as retired, and the database is re-keyed. */
static void
test_user_rotation_interrupted (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = vault_with_therapist (&path);
  g_autofree char *db = db_path (path);
  g_autofree char *patient = NULL;
  g_autoptr (CfdOwnerApproval) approval = NULL;
  g_autoptr (CfdSecret) old_key = NULL;
  g_autoptr (GError) error = NULL;
  guint8 old_box_pk[CFD_BOX_PK_BYTES];

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  patient = cfd_test_add_patient (vault, "Tara Therapist-Patient");
  memcpy (old_box_pk, cfd_vault_get_box_public_key (vault), CFD_BOX_PK_BYTES);
  old_key = cfd_secret_new_from_data (cfd_vault_get_db_key (vault), CFD_KEY_BYTES);
  approval = cfd_vault_approve_as_owner (vault, CFD_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);

  cfd_vault_stop_user_rotation_for_testing (TRUE);
  g_assert_false (cfd_vault_rotate_user_keys (vault, approval, &error));
  cfd_vault_stop_user_rotation_for_testing (FALSE);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "key.rotate"), ==, 0);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "key.rotate"), ==, 1);
  g_assert_false (memcmp (old_box_pk, cfd_vault_get_box_public_key (vault), CFD_BOX_PK_BYTES) == 0);
  g_assert_false (cfd_db_key_opens (db, old_key->data));
  assert_reads_patient (vault, patient, "Tara Therapist-Patient");
  cfd_vault_lock (vault);

  /* Nothing is left to finish, and the owner still reads everything. */
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_cmpuint (cfd_test_count_audit (vault, "key.rotate"), ==, 1);
  assert_reads_patient (vault, patient, "Tara Therapist-Patient");
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  assert_reads_patient (vault, patient, "Tara Therapist-Patient");
  g_assert_true (cfd_test_check_integrity (vault, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/key-rotation/hands-on-key", test_rotation_hands_on_key);
  g_test_add_func ("/confidant/key-rotation/interrupted",
                   test_interrupted_rotation_finished_at_unlock);
  g_test_add_func ("/confidant/key-rotation/owner-only", test_therapist_may_not_rotate);
  g_test_add_func ("/confidant/key-rotation/user-needs-owner", test_user_rotation_needs_owner);
  g_test_add_func ("/confidant/key-rotation/user-interrupted", test_user_rotation_interrupted);
  return g_test_run ();
}
