/* test-formats.c: files do not depend on the host's byte order, and passphrases are NFC. */
#include "config.h"

#include <string.h>

#include "cfd-crypto.h"
#include "cfd-keyring.h"
#include "cfd-test-util.h"

/* "Crème brûlée" composed (NFC) and decomposed (NFD): what two keyboards or
 * input methods may send for the same typed passphrase. */
#define PASSPHRASE_NFC               \
  "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" \
  "e Vq7Rk2XmP9tZ"
#define PASSPHRASE_NFD                  \
  "Cre\xcc\x80me bru\xcc\x82le\xcc\x81" \
  "e Vq7Rk2XmP9tZ"

static GBytes *
read_fixture (const char *folder, const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", folder, name, NULL);

  return cfd_test_read_bytes (path);
}

/* Integers are little-endian in every file, whatever the host. */
static void
test_wire_is_little_endian (void)
{
  static const guint8 expected[]
      = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x0d, 0x0c, 0x0b, 0x0a, 'h', 'i', 0x00 };
  const guint64 big = G_GUINT64_CONSTANT (0x0102030405060708);
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new ("(tus)", big, 0x0a0b0c0d, "hi"));
  g_autoptr (GVariant) as_big_endian_host_holds_it = g_variant_byteswap (value);
  g_autoptr (GBytes) here = NULL, there = NULL;
  g_autoptr (GVariant) read_there = NULL;

  here = cfd_variant_to_wire (value);
  g_assert_cmpmem (g_bytes_get_data (here, NULL), g_bytes_get_size (here), expected,
                   sizeof expected);

  /* A big-endian host holds the swapped form in memory and writes the
   * same bytes; reading them back it gets its own form again. */
  cfd_variant_pretend_big_endian_for_testing (TRUE);
  there = cfd_variant_to_wire (as_big_endian_host_holds_it);
  read_there = cfd_variant_from_wire (G_VARIANT_TYPE ("(tus)"), there);
  cfd_variant_pretend_big_endian_for_testing (FALSE);
  g_assert_true (g_bytes_equal (here, there));
  g_assert_nonnull (read_there);
  g_assert_true (g_variant_equal (read_there, as_big_endian_host_holds_it));
}

/* Round-trips the on-disk bytes of one GVariant as a big-endian host would:
 * what it reads is the byteswapped value, and what it writes back is the
 * file's bytes exactly. */
static void
assert_round_trip_as_big_endian (const char *type, const guint8 *data, gsize len)
{
  g_autoptr (GBytes) on_disk = g_bytes_new (data, len);
  g_autoptr (GVariant) here = cfd_variant_from_wire (G_VARIANT_TYPE (type), on_disk);
  g_autoptr (GVariant) there = NULL;
  g_autoptr (GVariant) expected = NULL;
  g_autoptr (GBytes) written_there = NULL, written_here = NULL;

  g_assert_nonnull (here);
  expected = g_variant_byteswap (here);

  cfd_variant_pretend_big_endian_for_testing (TRUE);
  there = cfd_variant_from_wire (G_VARIANT_TYPE (type), on_disk);
  g_assert_nonnull (there);
  written_there = cfd_variant_to_wire (there);
  cfd_variant_pretend_big_endian_for_testing (FALSE);
  written_here = cfd_variant_to_wire (here);

  /* Not vacuous: the value holds integers, so the two hosts' forms differ. */
  g_assert_false (g_variant_equal (there, here));
  g_assert_true (g_variant_equal (there, expected));
  g_assert_cmpmem (g_bytes_get_data (written_there, NULL), g_bytes_get_size (written_there), data,
                   len);
  g_assert_cmpmem (g_bytes_get_data (written_here, NULL), g_bytes_get_size (written_here), data,
                   len);
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/* The known-answer backup: its header body, and the keyring inside it. */
static void
test_backup_fixture_byteswapped (void)
{
  g_autoptr (GBytes) file = read_fixture ("backup", "v1-moderate.cfdbackup");
  const guint8 *data = g_bytes_get_data (file, NULL);
  guint32 body_len = be32 (data + 12);
  g_autoptr (GBytes) body_bytes = g_bytes_new (data + 24, body_len);
  g_autoptr (GVariant) body
      = cfd_variant_from_wire (G_VARIANT_TYPE ("(stxuut(say)ay)"), body_bytes);
  g_autoptr (GVariant) keyring_value = NULL;
  const guint8 *keyring;
  gsize keyring_len = 0;

  assert_round_trip_as_big_endian ("(stxuut(say)ay)", data + 24, body_len);

  g_assert_nonnull (body);
  keyring_value = g_variant_get_child_value (body, 7);
  keyring = g_variant_get_fixed_array (keyring_value, &keyring_len, 1);
  g_assert_cmpmem (keyring, 8, "CFDKEYRG", 8);
  assert_round_trip_as_big_endian ("(sxayaya(sssuttayayayayx)a(say)a(xs))", keyring + 16,
                                   be32 (keyring + 12));
}

/* The supervision files' frames. */
static void
test_capsule_fixtures_byteswapped (void)
{
  static const struct
  {
    const char *name;
    const char *type;
  } files[] = {
    { "v1.cfdcard", "(sssayay)" },
    { "v1.cfdcapsule", "(ssssssayaysayxxayay)" },
    { "v1.cfdreply", "(ssssssaystxayay)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GBytes) file = read_fixture ("capsule", files[i].name);
      const guint8 *data = g_bytes_get_data (file, NULL);

      /* A card holds no integer: swapping changes nothing there. */
      if (i == 0)
        {
          g_autoptr (GBytes) body = g_bytes_new (data + 16, be32 (data + 12));
          g_autoptr (GVariant) value = cfd_variant_from_wire (G_VARIANT_TYPE (files[i].type), body);
          g_autoptr (GBytes) back = NULL;

          g_assert_nonnull (value);
          cfd_variant_pretend_big_endian_for_testing (TRUE);
          back = cfd_variant_to_wire (value);
          cfd_variant_pretend_big_endian_for_testing (FALSE);
          g_assert_true (g_bytes_equal (back, body));
          continue;
        }
      assert_round_trip_as_big_endian (files[i].type, data + 16, be32 (data + 12));
    }
}

/* Untrusted input is checked before it is swapped: byteswapping would
 * normalise it, and a second encoding of the same value must stay an error. */
static void
test_from_wire_refuses_non_normal (void)
{
  /* "(s)" of "a" with a trailing byte that normal form would not have. */
  static const guint8 bad[] = { 'a', 0x00, 0x00 };
  g_autoptr (GBytes) bytes = g_bytes_new_static (bad, sizeof bad);
  g_autoptr (GVariant) here = cfd_variant_from_wire (G_VARIANT_TYPE ("(s)"), bytes);
  g_autoptr (GVariant) there = NULL;

  g_assert_null (here);
  cfd_variant_pretend_big_endian_for_testing (TRUE);
  there = cfd_variant_from_wire (G_VARIANT_TYPE ("(s)"), bytes);
  cfd_variant_pretend_big_endian_for_testing (FALSE);
  g_assert_null (there);
}

static CfdVault *
reopen (const char *path)
{
  g_autoptr (GError) error = NULL;
  CfdVault *vault = cfd_vault_open (path, &error);

  g_assert_no_error (error);
  return vault;
}

/* A passphrase set in NFC opens when typed in NFD, and the other way round. */
static void
test_nfd_opens_nfc (void)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdVault) again = NULL;

  g_assert_cmpstr (PASSPHRASE_NFC, !=, PASSPHRASE_NFD);
  vault = cfd_vault_create (path, "Test Owner", PASSPHRASE_NFC, &recovery, &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  again = reopen (path);
  g_assert_true (cfd_vault_unlock (again, NULL, PASSPHRASE_NFD, &error));
  g_assert_no_error (error);
  cfd_vault_lock (again);
  g_assert_true (cfd_vault_unlock (again, NULL, PASSPHRASE_NFC, &error));
  g_assert_no_error (error);
  cfd_vault_lock (again);
  g_assert_false (cfd_vault_unlock (again, NULL, "Creme brulee Vq7Rk2XmP9tZ", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
}

static gboolean
entry_is_unnormalised (const char *path, const char *passphrase)
{
  g_autofree char *keyring_path = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = cfd_keyring_load (keyring_path, &error);
  g_autoptr (CfdSecret) secrets = NULL;
  gboolean unnormalised = FALSE;

  g_assert_no_error (error);
  secrets = cfd_keyring_user_unwrap_migrating (cfd_keyring_find_owner (keyring), keyring->vault_id,
                                               passphrase, &unnormalised, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secrets);
  return unnormalised;
}

/* An entry wrapped (before normalisation) under the NFD bytes as typed
 * opens with the same typing, and is wrapped again under NFC right then. */
static void
test_legacy_entry_migrates (void)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdVault) again = NULL;

  cfd_keyring_wrap_unnormalised_for_testing (TRUE);
  vault = cfd_vault_create (path, "Test Owner", PASSPHRASE_NFD, &recovery, &error);
  cfd_keyring_wrap_unnormalised_for_testing (FALSE);
  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (entry_is_unnormalised (path, PASSPHRASE_NFD));

  again = reopen (path);
  g_assert_true (cfd_vault_unlock (again, NULL, PASSPHRASE_NFD, &error));
  g_assert_no_error (error);
  cfd_vault_lock (again);

  g_assert_false (entry_is_unnormalised (path, PASSPHRASE_NFD));
  g_assert_false (entry_is_unnormalised (path, PASSPHRASE_NFC));
  g_assert_true (cfd_vault_unlock (again, NULL, PASSPHRASE_NFC, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  cfd_test_add_canary (PASSPHRASE_NFC);
  cfd_test_add_canary (PASSPHRASE_NFD);
  g_test_add_func ("/confidant/formats/wire/little-endian", test_wire_is_little_endian);
  g_test_add_func ("/confidant/formats/wire/backup-fixture-byteswapped",
                   test_backup_fixture_byteswapped);
  g_test_add_func ("/confidant/formats/wire/capsule-fixtures-byteswapped",
                   test_capsule_fixtures_byteswapped);
  g_test_add_func ("/confidant/formats/wire/refuses-non-normal", test_from_wire_refuses_non_normal);
  g_test_add_func ("/confidant/formats/passphrase/nfd-opens-nfc", test_nfd_opens_nfc);
  g_test_add_func ("/confidant/formats/passphrase/legacy-entry-migrates",
                   test_legacy_entry_migrates);
  return g_test_run ();
}
