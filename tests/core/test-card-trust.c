/* test-card-trust.c: supervisors known by card only, trusted through the
 * statement an owner or therapist of the signed roster signs; rows edited
 * with the database key are ignored and reported. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule.h"
#include "cfd-card-statement.h"
#include "cfd-roster.h"
#include "cfd-test-check.h"
#include "cfd-test-util.h"

#define FX_VAULT      "00112233445566778899aabbccddeeff"
#define FX_OWNER      "0123456789abcdef0123456789abcdef"
#define FX_THERAPIST  "fedcba9876543210fedcba9876543210"
#define FX_SUPERVISOR "5555555555555555aaaaaaaaaaaaaaaa"

typedef struct
{
  guint8 box_pk[CFD_BOX_PK_BYTES], box_sk[CFD_BOX_SK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES], sign_sk[CFD_SIGN_SK_BYTES];
} Keys;

static void
seed_keys (Keys *keys, guint8 seed_byte)
{
  guint8 seed[32];

  memset (seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair (keys->sign_pk, keys->sign_sk, seed);
  crypto_box_seed_keypair (keys->box_pk, keys->box_sk, seed);
}

/* The roster of the roster's own known answer (docs/FORMATS.md), with a
 * supervisor of the vault beside them. */
static CfdRoster *
fixture_roster (Keys *owner, Keys *therapist, Keys *insider)
{
  CfdRoster *roster = cfd_roster_new (FX_VAULT);

  seed_keys (owner, 1);
  seed_keys (therapist, 2);
  seed_keys (insider, 4);
  cfd_roster_add (roster, FX_OWNER, "Fixture Owner", CFD_ROLE_OWNER, owner->box_pk, owner->sign_pk,
                  1700000000, FX_OWNER);
  cfd_roster_add (roster, FX_THERAPIST, "Fixture Therapist", CFD_ROLE_THERAPIST, therapist->box_pk,
                  therapist->sign_pk, 1700000100, FX_OWNER);
  cfd_roster_add (roster, "44444444444444444444444444444444", "Fixture Insider",
                  CFD_ROLE_SUPERVISOR, insider->box_pk, insider->sign_pk, 1700000150, FX_OWNER);
  return roster;
}

/* The known answer: a therapist vouches for a card whose keys come from
 * seeds of 0x03. Ed25519 is deterministic, so the file is exact. Rewrite
 * it (only when the format changes on purpose) with
 * CFD_TEST_WRITE_FIXTURE=1 test-card-trust -p /confidant/card-trust/known-answer;
 * fuzzer seeds with CFD_TEST_WRITE_SEEDS=<folder> and the same test. */
static void
test_known_answer (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "card-statement",
                                                 "therapist-vouches.statement", NULL);
  g_autoptr (CfdRoster) roster = NULL;
  g_autoptr (CfdCardStatement) read = NULL;
  g_autoptr (GBytes) document = NULL, fixture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  CfdCardStatement statement = { 0 };
  Keys owner, therapist, insider, supervisor;
  gchar *contents = NULL;
  gsize len = 0;

  roster = fixture_roster (&owner, &therapist, &insider);
  seed_keys (&supervisor, 3);
  fingerprint = cfd_card_fingerprint (FX_SUPERVISOR, supervisor.box_pk, supervisor.sign_pk);
  statement.vault_id = (char *)FX_VAULT;
  statement.supervisor_id = (char *)FX_SUPERVISOR;
  statement.name = (char *)"Fixture Card Supervisor";
  memcpy (statement.box_pk, supervisor.box_pk, CFD_BOX_PK_BYTES);
  memcpy (statement.sign_pk, supervisor.sign_pk, CFD_SIGN_PK_BYTES);
  statement.fingerprint = fingerprint;
  statement.imported = 1700000300;
  statement.imported_by = (char *)FX_THERAPIST;
  document = cfd_card_statement_sign (&statement, therapist.sign_sk);

  if (g_getenv ("CFD_TEST_WRITE_FIXTURE") != NULL)
    cfd_test_write_bytes (path, g_bytes_get_data (document, NULL), g_bytes_get_size (document));
  if (g_getenv ("CFD_TEST_WRITE_SEEDS") != NULL)
    {
      g_autofree char *seed
          = g_build_filename (g_getenv ("CFD_TEST_WRITE_SEEDS"), "therapist-vouches", NULL);

      cfd_test_write_bytes (seed, g_bytes_get_data (document, NULL), g_bytes_get_size (document));
    }
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  fixture = g_bytes_new_take (contents, len);
  g_assert_true (g_bytes_equal (document, fixture));

  read = cfd_card_statement_verify (fixture, FX_VAULT, roster, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->supervisor_id, ==, FX_SUPERVISOR);
  g_assert_cmpstr (read->name, ==, "Fixture Card Supervisor");
  g_assert_cmpstr (read->fingerprint, ==, fingerprint);
  g_assert_cmpint (read->imported, ==, 1700000300);
  g_assert_cmpmem (read->box_pk, CFD_BOX_PK_BYTES, supervisor.box_pk, CFD_BOX_PK_BYTES);

  /* Another vault's id: refused. */
  g_clear_pointer (&read, cfd_card_statement_free);
  read = cfd_card_statement_verify (fixture, "ffeeddccbbaa99887766554433221100", roster, &error);
  g_assert_null (read);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* A supervisor of the roster is not delegated: their statement is refused,
 * as is one naming a signer whose key did not sign it. */
static void
test_only_owner_and_therapists_vouch (void)
{
  g_autoptr (CfdRoster) roster = NULL;
  g_autoptr (GBytes) by_insider = NULL, forged = NULL;
  g_autoptr (GError) error = NULL;
  CfdCardStatement statement = { 0 };
  Keys owner, therapist, insider, attacker;

  roster = fixture_roster (&owner, &therapist, &insider);
  crypto_box_keypair (attacker.box_pk, attacker.box_sk);
  crypto_sign_keypair (attacker.sign_pk, attacker.sign_sk);
  statement.vault_id = (char *)FX_VAULT;
  statement.supervisor_id = (char *)FX_SUPERVISOR;
  statement.name = (char *)"Planted Supervisor";
  memcpy (statement.box_pk, attacker.box_pk, CFD_BOX_PK_BYTES);
  memcpy (statement.sign_pk, attacker.sign_pk, CFD_SIGN_PK_BYTES);
  statement.fingerprint = (char *)"0000 0000 0000 0000 0000 0000 0000 0000";
  statement.imported = 1700000300;

  statement.imported_by = (char *)"44444444444444444444444444444444";
  by_insider = cfd_card_statement_sign (&statement, insider.sign_sk);
  g_assert_null (cfd_card_statement_verify (by_insider, FX_VAULT, roster, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "not signed by an owner or therapist"));
  g_clear_error (&error);

  statement.imported_by = (char *)FX_THERAPIST;
  forged = cfd_card_statement_sign (&statement, attacker.sign_sk);
  g_assert_null (cfd_card_statement_verify (forged, FX_VAULT, roster, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "does not verify against its signer's key"));
}

static char *
import_card (CfdVault *vault, const char *dir, Keys *supervisor, char **fingerprint)
{
  g_autofree char *path = g_build_filename (dir, "card.cfdcard", NULL);
  g_autoptr (GBytes) file = NULL;
  g_autoptr (GError) error = NULL;
  CfdCardFile card
      = { (char *)"99999999999999999999999999999999", (char *)FX_SUPERVISOR, (char *)"Cora Card" };
  char *id;

  crypto_box_keypair (supervisor->box_pk, supervisor->box_sk);
  crypto_sign_keypair (supervisor->sign_pk, supervisor->sign_sk);
  memcpy (card.box_pk, supervisor->box_pk, CFD_BOX_PK_BYTES);
  memcpy (card.sign_pk, supervisor->sign_pk, CFD_SIGN_PK_BYTES);
  file = cfd_card_file_encode (&card, supervisor->sign_sk);
  cfd_test_write_bytes (path, g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  id = cfd_vault_import_supervisor_card (vault, path, fingerprint, &error);
  g_assert_no_error (error);
  return id;
}

static guint
count_tamper (CfdVault *vault, const char *kind, const char *authorization)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' AND object_kind = '%s' "
      "AND object_id = '%s' AND outcome = 'failure' AND authorization = '%s'",
      kind, FX_SUPERVISOR, authorization);

  return (guint)cfd_test_count_rows (vault, sql);
}

static void
relock (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

static void
exec_sql (CfdVault *vault, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL), sql, &error));
  g_assert_no_error (error);
}

/* Someone with the database key swaps a card supervisor's keys (and name)
 * in the users table, so that capsules and consents go to them: the
 * statement still decides, and the row is reported at the next unlock. */
static void
test_swapped_card_keys_ignored (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = NULL, *fingerprint = NULL, *now_fingerprint = NULL, *sql = NULL;
  g_autofree char *box_hex = NULL, *sign_hex = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GError) error = NULL;
  Keys supervisor, attacker;

  id = import_card (vault, path, &supervisor, &fingerprint);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM supervisor_card_statements"),
                   ==, 1);
  crypto_box_keypair (attacker.box_pk, attacker.box_sk);
  crypto_sign_keypair (attacker.sign_pk, attacker.sign_sk);
  box_hex = cfd_hex_encode (attacker.box_pk, CFD_BOX_PK_BYTES);
  sign_hex = cfd_hex_encode (attacker.sign_pk, CFD_SIGN_PK_BYTES);
  sql = g_strdup_printf ("UPDATE users SET box_pk = X'%s', sign_pk = X'%s' WHERE id = '%s'",
                         box_hex, sign_hex, id);
  exec_sql (vault, sql);
  relock (vault);

  g_assert_cmpuint (count_tamper (vault, "user", ""), ==, 1);
  now_fingerprint = cfd_vault_dup_user_fingerprint (vault, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (now_fingerprint, ==, fingerprint);
  cards = cfd_vault_list_card_supervisors (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpstr (((CfdUserInfo *)g_ptr_array_index (cards, 0))->fingerprint, ==, fingerprint);
  g_assert_true (g_strv_length ((char **)cfd_vault_get_tamper_warnings (vault)) >= 1);
}

/* The statement itself edited (its keys swapped, the signature left): it no
 * longer verifies, the supervisor is ignored and the statement reported. */
static void
test_edited_statement_reported (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GError) error = NULL;
  Keys supervisor;

  id = import_card (vault, path, &supervisor, NULL);
  /* The name is the body's third string; a byte of it changed. */
  exec_sql (vault, "UPDATE supervisor_card_statements SET statement = "
                   "CAST(replace(CAST(statement AS TEXT), 'Cora Card', 'Cora Carx') AS BLOB)");
  relock (vault);
  g_assert_cmpuint (count_tamper (vault, "card-supervisor", "statement"), ==, 1);
  cards = cfd_vault_list_card_supervisors (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 0);
  g_assert_null (cfd_vault_dup_user_fingerprint (vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

/* A statement deleted after it was signed is not signed again from the
 * rows (which may have been swapped with it): reported instead. */
static void
test_deleted_statement_not_signed_again (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *id = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GError) error = NULL;
  Keys supervisor;

  id = import_card (vault, path, &supervisor, NULL);
  exec_sql (vault, "DELETE FROM supervisor_card_statements");
  relock (vault);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM supervisor_card_statements"),
                   ==, 0);
  g_assert_cmpuint (count_tamper (vault, "card-supervisor", "statement-missing"), ==, 1);
  cards = cfd_vault_list_card_supervisors (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 0);
}

/* A card imported before statements existed (rows only) is vouched for at
 * the owner's next unlock, from its rows as they stand. */
static void
test_carried_card_signed_at_unlock (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *sql = NULL, *box_hex = NULL, *sign_hex = NULL, *fingerprint = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GError) error = NULL;
  Keys supervisor;

  crypto_box_keypair (supervisor.box_pk, supervisor.box_sk);
  crypto_sign_keypair (supervisor.sign_pk, supervisor.sign_sk);
  box_hex = cfd_hex_encode (supervisor.box_pk, CFD_BOX_PK_BYTES);
  sign_hex = cfd_hex_encode (supervisor.sign_pk, CFD_SIGN_PK_BYTES);
  sql = g_strdup_printf (
      "INSERT INTO users (id, name, role, box_pk, sign_pk, created) VALUES ('%s', 'Old Card', "
      "'supervisor', X'%s', X'%s', 1700000000); INSERT INTO supervisor_cards (user_id, vault_id, "
      "imported, imported_by) VALUES ('%s', '99999999999999999999999999999999', 1700000000, '%s')",
      FX_SUPERVISOR, box_hex, sign_hex, FX_SUPERVISOR, cfd_vault_get_user_id (vault));
  exec_sql (vault, sql);
  relock (vault);

  g_assert_cmpuint (cfd_test_count_audit (vault, "supervisor.card-sign"), ==, 1);
  g_assert_cmpuint (count_tamper (vault, "user", ""), ==, 0);
  cards = cfd_vault_list_card_supervisors (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  fingerprint = cfd_card_fingerprint (FX_SUPERVISOR, supervisor.box_pk, supervisor.sign_pk);
  g_assert_cmpstr (((CfdUserInfo *)g_ptr_array_index (cards, 0))->fingerprint, ==, fingerprint);

  /* Signed once: the next unlock changes nothing. */
  relock (vault);
  g_assert_cmpuint (cfd_test_count_audit (vault, "supervisor.card-sign"), ==, 1);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/card-trust/known-answer", test_known_answer);
  g_test_add_func ("/confidant/card-trust/only-owner-and-therapists",
                   test_only_owner_and_therapists_vouch);
  g_test_add_func ("/confidant/card-trust/swapped-keys", test_swapped_card_keys_ignored);
  g_test_add_func ("/confidant/card-trust/edited-statement", test_edited_statement_reported);
  g_test_add_func ("/confidant/card-trust/deleted-statement",
                   test_deleted_statement_not_signed_again);
  g_test_add_func ("/confidant/card-trust/carried-card", test_carried_card_signed_at_unlock);
  return g_test_run ();
}
