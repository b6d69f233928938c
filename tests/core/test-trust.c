/* test-trust.c: the owner key pinned in each user's wrapped secrets, the
 * signed roster, and the attacks on the keyring they refuse. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-roster.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"

#define THERAPIST_NAME       "Tess Therapist"
#define THERAPIST_PASSPHRASE "therapist passphrase for the pin tests"

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

static void
save_keyring (const char *vault_path, const CfdKeyring *keyring)
{
  g_autofree char *path = keyring_path (vault_path);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_keyring_save (keyring, path, &error));
  g_assert_no_error (error);
}

/* The roster the owner signed names every user with their keys. */
static void
test_roster_signed_at_creation (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  g_autoptr (CfdRoster) roster = NULL;
  g_autoptr (GError) error = NULL;
  const CfdKeyringUser *therapist = cfd_keyring_find_user (keyring, THERAPIST_NAME);
  const CfdRosterEntry *entry;

  g_assert_nonnull (keyring->roster);
  roster = cfd_roster_verify (keyring->roster, keyring->vault_id, owner_sign_pk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster->entries->len, ==, 2);
  g_assert_cmpuint (roster->seq, ==, 2);
  entry = cfd_roster_find (roster, therapist->id);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->role, ==, CFD_ROLE_THERAPIST);
  g_assert_cmpmem (entry->sign_pk, CFD_SIGN_PK_BYTES, therapist->sign_pk, CFD_SIGN_PK_BYTES);
  g_assert_cmpmem (entry->box_pk, CFD_BOX_PK_BYTES, therapist->box_pk, CFD_BOX_PK_BYTES);
  g_assert_cmpstr (entry->added_by, ==, cfd_keyring_find_owner (keyring)->id);

  /* The fuzzer's version 2 seeds (tests/fuzz/roster; the two-users.* ones
   * are version 1, kept) come from here:
   * CFD_TEST_WRITE_SEEDS=<folder> test-trust -p /confidant/trust/roster/signed-at-creation */
  if (g_getenv ("CFD_TEST_WRITE_SEEDS") != NULL)
    {
      g_autoptr (GVariant) document
          = g_variant_new_from_bytes (G_VARIANT_TYPE ("(ayay)"), keyring->roster, FALSE);
      g_autoptr (GVariant) body = g_variant_get_child_value (document, 0);
      g_autofree char *document_path
          = g_build_filename (g_getenv ("CFD_TEST_WRITE_SEEDS"), "two-users-v2.document", NULL);
      g_autofree char *body_path
          = g_build_filename (g_getenv ("CFD_TEST_WRITE_SEEDS"), "two-users-v2.body", NULL);

      cfd_test_write_bytes (document_path, g_bytes_get_data (keyring->roster, NULL),
                            g_bytes_get_size (keyring->roster));
      cfd_test_write_bytes (body_path, g_variant_get_data (body), g_variant_get_size (body));
    }
}

/* The attack: a user of the vault (who holds the database key) plants a
 * keyring entry of their own as a "therapist", wrapped under a passphrase
 * they chose, with the right owner pin. The roster does not know it. */
static void
test_planted_keyring_entry_refused (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  g_autoptr (CfdSecret) insider = NULL, planted = cfd_secret_new (CFD_SECRETS_BYTES);
  g_autoptr (GError) error = NULL;
  CfdKeyringUser *mallory = g_new0 (CfdKeyringUser, 1);

  insider = cfd_keyring_user_unwrap (cfd_keyring_find_user (keyring, THERAPIST_NAME),
                                     keyring->vault_id, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  memcpy (planted->data, insider->data, CFD_SECRETS_BYTES);
  mallory->id = cfd_new_id ();
  mallory->name = g_strdup ("Mallory Planted");
  mallory->role = CFD_ROLE_THERAPIST;
  mallory->created = g_get_real_time () / G_USEC_PER_SEC;
  cfd_kdf_params_weak_for_testing (&mallory->kdf);
  crypto_box_keypair (mallory->box_pk, planted->data + CFD_SECRETS_BOX_SK);
  crypto_sign_keypair (mallory->sign_pk, planted->data + CFD_SECRETS_SIGN_SK);
  g_assert_true (
      cfd_keyring_user_wrap (mallory, keyring->vault_id, "mallory's own", planted, &error));
  g_assert_no_error (error);
  g_ptr_array_add (keyring->users, mallory);
  save_keyring (path, keyring);

  g_assert_false (cfd_vault_unlock (vault, "Mallory Planted", "mallory's own", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, "This user's keys are not in the vault's signed roster");
  g_assert_false (cfd_vault_is_unlocked (vault));
}

/* The attack: the roster itself replaced by one signed with another key. */
static void
test_forged_roster_refused (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autoptr (CfdKeyring) keyring = load_keyring (path);
  g_autoptr (CfdRoster) roster = NULL;
  g_autoptr (GError) error = NULL;
  guint8 forger_pk[CFD_SIGN_PK_BYTES], forger_sk[CFD_SIGN_SK_BYTES];

  roster = cfd_roster_verify (keyring->roster, keyring->vault_id, owner_sign_pk, &error);
  g_assert_no_error (error);
  crypto_sign_keypair (forger_pk, forger_sk);
  g_bytes_unref (keyring->roster);
  keyring->roster = cfd_roster_sign (roster, 0, forger_sk);
  save_keyring (path, keyring);

  g_assert_false (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==,
                   "The vault's roster is not signed by the owner this user trusts");
}

/* A keyring without a roster (a vault from before it, whose entries have
 * no trust state yet): other users still unlock; the owner's next unlock
 * signs one and records vault.roster-sign. */
static void
test_first_roster_signed_by_owner (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  cfd_keyring_wrap_v2_for_testing (TRUE);
  path = vault_with_therapist (&vault, owner_sign_pk);
  cfd_keyring_wrap_v2_for_testing (FALSE);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);

    g_clear_pointer (&keyring->roster, g_bytes_unref);
    save_keyring (path, keyring);
  }

  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "vault.roster-sign"), ==, 0);
  cfd_vault_lock (vault);

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_test_count_audit (vault, "vault.roster-sign"), ==, 1);
  cfd_vault_lock (vault);

  {
    g_autoptr (CfdKeyring) keyring = load_keyring (path);
    g_autoptr (CfdRoster) roster = NULL;

    g_assert_nonnull (keyring->roster);
    roster = cfd_roster_verify (keyring->roster, keyring->vault_id, owner_sign_pk, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (roster->entries->len, ==, 2);
  }
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

/* Fixed keys from fixed seeds (32 bytes of the given value), so that
 * Ed25519's deterministic signature makes a roster byte for byte the same
 * on every host. */
typedef struct
{
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  guint8 sign_sk[CFD_SIGN_SK_BYTES];
  guint8 box_pk[CFD_BOX_PK_BYTES];
} FixtureKeys;

static void
fixture_keys (FixtureKeys *keys, guint8 seed_byte)
{
  guint8 seed[32], box_sk[CFD_BOX_SK_BYTES];

  memset (seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair (keys->sign_pk, keys->sign_sk, seed);
  crypto_box_seed_keypair (keys->box_pk, box_sk, seed);
}

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "roster", name, NULL);
  g_autoptr (GError) error = NULL;
  gchar *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* The version 1 known answer, written by the code before version 2: it
 * still verifies and reads, with no history and nobody removed. */
static void
test_roster_known_answer_v1 (void)
{
  const char *therapist_id = "fedcba9876543210fedcba9876543210";
  g_autoptr (GBytes) fixture = read_fixture ("two-users.roster");
  g_autoptr (CfdRoster) read = NULL;
  g_autoptr (GError) error = NULL;
  const CfdRosterEntry *therapist;
  FixtureKeys owner, therapist_keys;

  fixture_keys (&owner, 1);
  fixture_keys (&therapist_keys, 2);
  read = cfd_roster_verify (fixture, "00112233445566778899aabbccddeeff", owner.sign_pk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->seq, ==, 1);
  g_assert_cmpint (read->issued, ==, 1700000200);
  g_assert_cmpuint (read->entries->len, ==, 2);
  therapist = cfd_roster_find (read, therapist_id);
  g_assert_cmpstr (therapist->name, ==, "Fixture Therapist");
  g_assert_cmpmem (therapist->box_pk, CFD_BOX_PK_BYTES, therapist_keys.box_pk, CFD_BOX_PK_BYTES);
  g_assert_cmpuint (therapist->retired_keys->len, ==, 0);
  g_assert_cmpint (therapist->removed, ==, 0);
  g_assert_null (therapist->removed_by);
  g_assert_true (cfd_roster_entry_is_member (therapist));
  g_assert_true (cfd_roster_entry_knows_sign_pk (therapist, therapist_keys.sign_pk));
  g_assert_false (cfd_roster_entry_knows_sign_pk (therapist, owner.sign_pk));

  /* The therapist's key is not the owner's: the same document is refused. */
  g_clear_pointer (&read, cfd_roster_free);
  read = cfd_roster_verify (fixture, "00112233445566778899aabbccddeeff", therapist_keys.sign_pk,
                            &error);
  g_assert_null (read);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* The version 2 known answer: the owner, a therapist whose first key pair
 * (seed 3) was replaced at 1700000300 by the pair of seed 2, and a
 * supervisor (seed 4) removed by the owner at 1700000400. Rewrite it (only
 * when the format changes on purpose) with
 * CFD_TEST_WRITE_FIXTURE=1 test-trust -p /confidant/trust/roster/known-answer-v2 */
static void
test_roster_known_answer_v2 (void)
{
  const char *owner_id = "0123456789abcdef0123456789abcdef";
  const char *therapist_id = "fedcba9876543210fedcba9876543210";
  const char *supervisor_id = "00000000111111112222222233333333";
  g_autoptr (CfdRoster) roster = cfd_roster_new ("00112233445566778899aabbccddeeff");
  g_autoptr (CfdRoster) read = NULL;
  g_autoptr (GBytes) document = NULL, fixture = NULL;
  g_autoptr (GError) error = NULL;
  const CfdRosterEntry *therapist, *supervisor;
  const CfdRosterRetiredKey *retired;
  FixtureKeys owner, therapist_keys, therapist_old, supervisor_keys;
  CfdRosterEntry *entry;

  fixture_keys (&owner, 1);
  fixture_keys (&therapist_keys, 2);
  fixture_keys (&therapist_old, 3);
  fixture_keys (&supervisor_keys, 4);
  cfd_roster_add (roster, owner_id, "Fixture Owner", CFD_ROLE_OWNER, owner.box_pk, owner.sign_pk,
                  1700000000, owner_id);
  entry = cfd_roster_add (roster, therapist_id, "Fixture Therapist", CFD_ROLE_THERAPIST,
                          therapist_old.box_pk, therapist_old.sign_pk, 1700000100, owner_id);
  cfd_roster_entry_retire_keys (entry, therapist_keys.box_pk, therapist_keys.sign_pk, 1700000300);
  entry = cfd_roster_add (roster, supervisor_id, "Fixture Supervisor", CFD_ROLE_SUPERVISOR,
                          supervisor_keys.box_pk, supervisor_keys.sign_pk, 1700000150, owner_id);
  cfd_roster_entry_mark_removed (entry, owner_id, 1700000400);
  document = cfd_roster_sign (roster, 1700000500, owner.sign_sk);

  if (g_getenv ("CFD_TEST_WRITE_FIXTURE") != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "roster",
                                                     "three-users-v2.roster", NULL);

      cfd_test_write_bytes (path, g_bytes_get_data (document, NULL), g_bytes_get_size (document));
    }
  fixture = read_fixture ("three-users-v2.roster");
  g_assert_true (g_bytes_equal (document, fixture));

  read = cfd_roster_verify (fixture, "00112233445566778899aabbccddeeff", owner.sign_pk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->seq, ==, 1);
  g_assert_cmpint (read->issued, ==, 1700000500);
  g_assert_cmpuint (read->entries->len, ==, 3);

  therapist = cfd_roster_find (read, therapist_id);
  g_assert_cmpmem (therapist->sign_pk, CFD_SIGN_PK_BYTES, therapist_keys.sign_pk,
                   CFD_SIGN_PK_BYTES);
  g_assert_cmpuint (therapist->retired_keys->len, ==, 1);
  retired = &g_array_index (therapist->retired_keys, CfdRosterRetiredKey, 0);
  g_assert_cmpmem (retired->box_pk, CFD_BOX_PK_BYTES, therapist_old.box_pk, CFD_BOX_PK_BYTES);
  g_assert_cmpint (retired->retired, ==, 1700000300);
  g_assert_true (cfd_roster_entry_knows_sign_pk (therapist, therapist_keys.sign_pk));
  g_assert_true (cfd_roster_entry_knows_sign_pk (therapist, therapist_old.sign_pk));
  g_assert_false (cfd_roster_entry_knows_sign_pk (therapist, supervisor_keys.sign_pk));
  g_assert_true (cfd_roster_entry_is_member (therapist));

  supervisor = cfd_roster_find (read, supervisor_id);
  g_assert_false (cfd_roster_entry_is_member (supervisor));
  g_assert_cmpint (supervisor->removed, ==, 1700000400);
  g_assert_cmpstr (supervisor->removed_by, ==, owner_id);
  g_assert_true (cfd_roster_entry_knows_sign_pk (supervisor, supervisor_keys.sign_pk));

  /* The version 2 signature covers its own domain: signed by anyone else,
   * or for another vault, it is refused. */
  g_clear_pointer (&read, cfd_roster_free);
  read = cfd_roster_verify (fixture, "00112233445566778899aabbccddeeff", therapist_keys.sign_pk,
                            &error);
  g_assert_null (read);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  read = cfd_roster_verify (fixture, "ffeeddccbbaa99887766554433221100", owner.sign_pk, &error);
  g_assert_null (read);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* What a parser must refuse in a version 2 body, each signed by the right
 * owner so that only the contents are at fault. */
static void
test_roster_v2_refuses_bad_history (void)
{
  const char *owner_id = "0123456789abcdef0123456789abcdef";
  const char *therapist_id = "fedcba9876543210fedcba9876543210";
  FixtureKeys owner, therapist_keys, other;
  CfdRosterEntry *entry;

  fixture_keys (&owner, 1);
  fixture_keys (&therapist_keys, 2);
  fixture_keys (&other, 3);
  for (guint attack = 0; attack < 3; attack++)
    {
      g_autoptr (CfdRoster) roster = cfd_roster_new ("00112233445566778899aabbccddeeff");
      g_autoptr (CfdRoster) read = NULL;
      g_autoptr (GBytes) document = NULL;
      g_autoptr (GError) error = NULL;
      CfdRosterEntry *owner_entry;

      owner_entry = cfd_roster_add (roster, owner_id, "Fixture Owner", CFD_ROLE_OWNER, owner.box_pk,
                                    owner.sign_pk, 1700000000, owner_id);
      entry = cfd_roster_add (roster, therapist_id, "Fixture Therapist", CFD_ROLE_THERAPIST,
                              therapist_keys.box_pk, therapist_keys.sign_pk, 1700000100, owner_id);
      if (attack == 0) /* the owner removed: the vault would have none */
        cfd_roster_entry_mark_removed (owner_entry, owner_id, 1700000200);
      else if (attack == 1) /* a removal naming nobody */
        cfd_roster_entry_mark_removed (entry, "", 1700000200);
      else /* retired keys out of order */
        {
          cfd_roster_entry_retire_keys (entry, other.box_pk, other.sign_pk, 1700000300);
          cfd_roster_entry_retire_keys (entry, therapist_keys.box_pk, therapist_keys.sign_pk,
                                        1700000200);
        }
      document = cfd_roster_sign (roster, 1700000500, owner.sign_sk);
      read
          = cfd_roster_verify (document, "00112233445566778899aabbccddeeff", owner.sign_pk, &error);
      g_assert_null (read);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
    }
}

static guint
count_tamper_records (CfdVault *vault, const char *user_id)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = cfd_db_prepare (cfd_vault_get_db (vault, NULL),
                                       "SELECT count(*) FROM audit_log WHERE action = "
                                       "'vault.tamper' AND object_kind = 'user' AND object_id = ? "
                                       "AND outcome = 'failure'",
                                       &error);
  guint count;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* Finding 1 of issue #17: a user with the database key swaps the owner's
 * box_pk in the users table, so that the next patient's key is sealed to
 * them. The grant reads the signed roster: the swapped row is ignored. */
static void
test_swapped_box_pk_ignored (void)
{
  g_autoptr (CfdVault) vault = NULL;
  guint8 owner_sign_pk[CFD_SIGN_PK_BYTES];
  g_autofree char *path = vault_with_therapist (&vault, owner_sign_pk);
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL, *sql = NULL, *patient = NULL, *owner_id = NULL;
  guint8 attacker_pk[CFD_BOX_PK_BYTES], attacker_sk[CFD_BOX_SK_BYTES];
  guint8 opened[CFD_KEY_BYTES];
  sqlite3_stmt *stmt;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  crypto_box_keypair (attacker_pk, attacker_sk);
  hex = cfd_hex_encode (attacker_pk, CFD_BOX_PK_BYTES);
  sql = g_strdup_printf ("UPDATE users SET box_pk = X'%s' WHERE role = 'owner'", hex);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL), sql, &error));
  g_assert_no_error (error);

  patient = cfd_test_add_patient (vault, "Swapped Box");
  stmt = cfd_db_prepare (cfd_vault_get_db (vault, NULL),
                         "SELECT sealed_key FROM patient_keys WHERE patient_id = ? AND user_id = ?",
                         &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, patient, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, cfd_vault_get_user_id (vault), -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, CFD_SEALED_KEY_BYTES);
  g_assert_cmpint (crypto_box_seal_open (opened, sqlite3_column_blob (stmt, 0),
                                         CFD_SEALED_KEY_BYTES, attacker_pk, attacker_sk),
                   ==, -1);
  sqlite3_reset (stmt);

  /* The swapped row is reported at the next unlock, by whoever unlocks. */
  owner_id = g_strdup (cfd_vault_get_user_id (vault));
  g_assert_cmpuint (count_tamper_records (vault, owner_id), ==, 0);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, THERAPIST_NAME, THERAPIST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_tamper_records (vault, owner_id), ==, 1);
  g_assert_cmpuint (count_tamper_records (vault, cfd_vault_get_user_id (vault)), ==, 0);
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
  g_test_add_func ("/confidant/trust/roster/signed-at-creation", test_roster_signed_at_creation);
  g_test_add_func ("/confidant/trust/roster/planted-keyring-entry",
                   test_planted_keyring_entry_refused);
  g_test_add_func ("/confidant/trust/roster/forged-roster", test_forged_roster_refused);
  g_test_add_func ("/confidant/trust/roster/first-signed-by-owner",
                   test_first_roster_signed_by_owner);
  g_test_add_func ("/confidant/trust/roster/swapped-box-pk", test_swapped_box_pk_ignored);
  g_test_add_func ("/confidant/trust/roster/known-answer", test_roster_known_answer_v1);
  g_test_add_func ("/confidant/trust/roster/known-answer-v2", test_roster_known_answer_v2);
  g_test_add_func ("/confidant/trust/roster/v2-bad-history", test_roster_v2_refuses_bad_history);
  return g_test_run ();
}
