/* test-backup-key.c: the practice's backup key: who gets a copy, and a copy
 * planted by someone who can write the keyring. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-keyring-backup-key.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"

static CfdKeyring *
load_keyring (const char *vault_path)
{
  g_autofree char *path = g_build_filename (vault_path, CFD_VAULT_KEYRING_NAME, NULL);
  g_autoptr (GError) error = NULL;
  CfdKeyring *keyring = cfd_keyring_load (path, &error);

  g_assert_no_error (error);
  return keyring;
}

static void
save_keyring (const char *vault_path, const CfdKeyring *keyring)
{
  g_autofree char *path = g_build_filename (vault_path, CFD_VAULT_KEYRING_NAME, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_keyring_save (keyring, path, &error));
  g_assert_no_error (error);
}

/* The owner and a therapist hold a copy, a supervisor none. */
static void
test_copies_by_role (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *therapist = NULL, *supervisor = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (GError) error = NULL;

  therapist = cfd_vault_add_user (vault, "Tess Therapist", CFD_ROLE_THERAPIST,
                                  "therapist passphrase for the backup key", &error);
  g_assert_no_error (error);
  supervisor = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                   "supervisor passphrase for the backup key", &error);
  g_assert_no_error (error);
  keyring = load_keyring (path);
  g_assert_nonnull (cfd_keyring_find_backup_key (keyring, cfd_vault_get_user_id (vault)));
  g_assert_nonnull (cfd_keyring_find_backup_key (keyring, therapist));
  g_assert_null (cfd_keyring_find_backup_key (keyring, supervisor));
  g_assert_cmpuint (cfd_test_count_audit (vault, "backup.key-issue"), ==, 1);
}

/* Someone who can write the keyring seals a key of their choosing to the
 * owner, signed with a key of their own: the owner's session refuses it,
 * and the owner's next unlock replaces it with a new key it signs. */
static void
test_planted_copy_refused (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  g_autoptr (CfdSecret) chosen = cfd_secret_new (CFD_BACKUP_SECRET_BYTES);
  g_autoptr (CfdSecret) opened = NULL;
  g_autoptr (CfdKeyring) after = NULL;
  guint8 attacker_pk[CFD_SIGN_PK_BYTES], attacker_sk[CFD_SIGN_SK_BYTES];
  const CfdKeyringUser *owner = cfd_keyring_find_owner (keyring);
  g_autoptr (GError) error = NULL;

  memset (chosen->data, 0x5a, chosen->len);
  crypto_sign_keypair (attacker_pk, attacker_sk);
  cfd_keyring_put_backup_key (keyring, owner->id, owner->box_pk, chosen, attacker_sk);
  save_keyring (path, keyring);

  opened = cfd_vault_get_backup_secret (vault, keyring, &error);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_null (opened);
  g_clear_error (&error);

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  after = load_keyring (path);
  opened = cfd_vault_get_backup_secret (vault, after, &error);
  g_assert_no_error (error);
  g_assert_false (sodium_memcmp (opened->data, chosen->data, CFD_BACKUP_SECRET_BYTES) == 0);
  g_assert_cmpuint (cfd_test_count_audit (vault, "backup.key-issue"), ==, 1);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/backup-key/copies-by-role", test_copies_by_role);
  g_test_add_func ("/confidant/backup-key/planted-copy", test_planted_copy_refused);
  return g_test_run ();
}
