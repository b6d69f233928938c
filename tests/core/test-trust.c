/* test-trust.c: the owner key pinned in each user's wrapped secrets, and
 * the attacks on the keyring it refuses. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-test-check.h"
#include "cfd-test-util.h"

#define THERAPIST_NAME       "Tess Therapist"
#define THERAPIST_PASSPHRASE "tess's passphrase for the pin tests"

static char *
keyring_path (const char *vault_path)
{
  return g_build_filename (vault_path, CFD_VAULT_KEYRING_NAME, NULL);
}

static CfdKeyring *
load_keyring (const char *vault_path)
{
  g_autofree char *path = keyring_path (vault_path);
  g_autoptr (GError) error = NULL;
  CfdKeyring *keyring = cfd_keyring_load (path, &error);

  g_assert_no_error (error);
  return keyring;
}

/* The owner key a user's own passphrase vouches for, read the way an
 * attacker with that passphrase would: straight from the keyring file. */
static void
assert_pin (const char *vault_path,
            const char *user_name,
            const char *passphrase,
            const guint8 expected[CFD_SIGN_PK_BYTES])
{
  g_autoptr (CfdKeyring) keyring = load_keyring (vault_path);
  g_autoptr (CfdSecret) secrets = NULL;
  g_autoptr (GError) error = NULL;
  CfdKeyringUser *user = user_name != NULL ? cfd_keyring_find_user (keyring, user_name)
                                           : cfd_keyring_find_owner (keyring);

  secrets = cfd_keyring_user_unwrap (user, keyring->vault_id, passphrase, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_secrets_owner_pinned (secrets));
  g_assert_cmpmem (secrets->data + CFD_SECRETS_OWNER_SIGN_PK, CFD_SIGN_PK_BYTES, expected,
                   CFD_SIGN_PK_BYTES);
}

static char *
vault_with_therapist (CfdVault **vault_out, guint8 owner_sign_pk[CFD_SIGN_PK_BYTES])
{
  char *path = NULL;
  CfdVault *vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;

  id = cfd_vault_add_user (vault, THERAPIST_NAME, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  keyring = load_keyring (path);
  memcpy (owner_sign_pk, cfd_keyring_find_owner (keyring)->sign_pk, CFD_SIGN_PK_BYTES);
  *vault_out = vault;
  return path;
}

/* A new vault pins the owner's own key for the owner, and a user the owner
 * adds gets the same pin. */
static void
test_new_entries_pinned (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);

  assert_pin (path, NULL, CFD_TEST_PASSPHRASE, owner_sign_pk);
  assert_pin (path, THERAPIST_NAME, THERAPIST_PASSPHRASE, owner_sign_pk);
  g_assert_cmpuint (g_bytes_get_size (cfd_keyring_find_owner (keyring)->wrapped), ==,
                    CFD_AEAD_NONCE_BYTES + CFD_SECRETS_BYTES + CFD_AEAD_TAG_BYTES);
}

/* The attack: someone who can write the vault folder puts their own keys
 * in the owner's keyring entry (and fixes the file's checksum), so that
 * anything sealed to or signed by "the owner" is theirs. The therapist's
 * unlock refuses the keyring. */
static void
test_swapped_owner_key_refused (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autofree char *file = keyring_path (path);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  g_autoptr (GError) error = NULL;
  CfdKeyringUser *owner = cfd_keyring_find_owner (keyring);
  guint8 attacker_sign_sk[CFD_SIGN_SK_BYTES], attacker_box_sk[CFD_BOX_SK_BYTES];

  crypto_sign_keypair (owner->sign_pk, attacker_sign_sk);
  crypto_box_keypair (owner->box_pk, attacker_box_sk);
  g_assert_true (cfd_keyring_save (keyring, file, &error));
  g_assert_no_error (error);

  g_assert_false (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring names an owner signing key this user never trusted: the "
                   "keyring file was altered or replaced");
  g_assert_false (cfd_vault_is_unlocked (vault));
}

/* Entries from keyring format version 1 have no pin: the user's next unlock
 * trusts the keyring's owner key on first use, wraps the entry again with
 * the pin, and records it. After that, a swap is refused. */
static void
test_v1_entry_pinned_at_unlock (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  cfd_keyring_wrap_v1_for_testing (TRUE);
  path = vault_with_therapist (&vault, owner_sign_pk);
  cfd_keyring_wrap_v1_for_testing (FALSE);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);
    g_autoptr (CfdSecret) secrets = NULL;

    g_assert_cmpuint (g_bytes_get_size (cfd_keyring_find_user (keyring, THERAPIST_NAME)->wrapped),
                      ==, CFD_AEAD_NONCE_BYTES + CFD_SECRETS_V1_BYTES + CFD_AEAD_TAG_BYTES);
    secrets = cfd_keyring_user_unwrap (cfd_keyring_find_user (keyring, THERAPIST_NAME),
                                       keyring->vault_id, THERAPIST_PASSPHRASE, &error);
    g_assert_no_error (error);
    g_assert_false (cfd_secrets_owner_pinned (secrets));
  }

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "user.owner-pin"), ==, 1);
  assert_pin (path, THERAPIST_NAME, THERAPIST_PASSPHRASE, owner_sign_pk);

  /* Pinned once: the next unlock records nothing new. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "user.owner-pin"), ==, 1);
  cfd_vault_lock (vault);

  /* The owner's own entry migrates the same way. */
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "user.owner-pin"), ==, 2);
  assert_pin (path, NULL, CFD_TEST_PASSPHRASE, owner_sign_pk);
}

/* A version 1 file cannot carry version 2 entries: the version is not a
 * label an attacker can change to hide the pin. */
static void
test_v1_file_with_pinned_entries_is_damage (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autofree char *file = keyring_path (path);
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;

  g_assert_true (g_file_get_contents (file, (char **)&data, &len, &error));
  data[11] = 1;
  cfd_hash (data + len - CFD_HASH_BYTES, data, len - CFD_HASH_BYTES);
  keyring = cfd_keyring_parse (data, len, &error);
  g_assert_null (keyring);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/trust/owner-pin/new-entries", test_new_entries_pinned);
  g_test_add_func ("/confidant/trust/owner-pin/swapped-owner-key", test_swapped_owner_key_refused);
  g_test_add_func ("/confidant/trust/owner-pin/v1-entry-pinned-at-unlock",
                   test_v1_entry_pinned_at_unlock);
  g_test_add_func ("/confidant/trust/owner-pin/v1-file-with-pinned-entries",
                   test_v1_file_with_pinned_entries_is_damage);
  return g_test_run ();
}
