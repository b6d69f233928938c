/* test-keyring.c: the keyring file format: round trips and every kind of damage. */
#include "config.h"

#include <string.h>

#include "cfd-test-util.h"

static GBytes *
sample_keyring_bytes (void)
{
  g_autofree char *path = NULL;
  g_autofree char *keyring_path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gchar *data = NULL;
  gsize len = 0;

  id = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR, "another passphrase",
                           &error);
  g_assert_no_error (error);
  keyring_path = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);
  g_assert_true (g_file_get_contents (keyring_path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static void
test_round_trip (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  g_autoptr (GBytes) again = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  keyring = cfd_keyring_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keyring->users->len, ==, 2);
  g_assert_cmpuint (keyring->recoveries->len, ==, 1);
  g_assert_nonnull (cfd_keyring_find_user (keyring, "Sam Supervisor"));
  g_assert_cmpint (cfd_keyring_find_user (keyring, "Sam Supervisor")->role, ==,
                   CFD_ROLE_SUPERVISOR);
  g_assert_nonnull (cfd_keyring_find_owner (keyring));

  /* Serialising what was parsed gives the same bytes: one encoding only. */
  again = cfd_keyring_serialize (keyring);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
test_every_flipped_byte_is_damage (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdKeyring) keyring = NULL;

      copy[i] ^= 0x01;
      keyring = cfd_keyring_parse (copy, len, &error);
      g_assert_null (keyring);
      g_assert_true (g_error_matches (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING)
                     || g_error_matches (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION));
      copy[i] ^= 0x01;
    }
}

static void
test_truncation_and_trailing_data (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *longer = g_malloc (len + 1);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdKeyring) keyring = cfd_keyring_parse (data, cut, &error);

      g_assert_null (keyring);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
    }

  memcpy (longer, data, len);
  longer[len] = 0;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CfdKeyring) keyring = cfd_keyring_parse (longer, len + 1, &error);

    g_assert_null (keyring);
    g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
  }
}

static void
test_newer_version_refused (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdKeyring) keyring = NULL;
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));

  copy[11] = CFD_KEYRING_FORMAT_VERSION + 1;
  keyring = cfd_keyring_parse (copy, len, &error);
  g_assert_null (keyring);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION);
}

/* A valid checksum over hostile contents: the structure checks must hold. */
static void
test_resealed_garbage_is_damage (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  gsize len;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  GRand *rand = g_rand_new_with_seed (42);

  for (int round = 0; round < 2000; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdKeyring) keyring = NULL;
      gsize at = 16 + g_rand_int_range (rand, 0, (gint32)(len - 16 - CFD_HASH_BYTES));
      guint8 saved = copy[at];

      copy[at] = (guint8)g_rand_int (rand);
      cfd_hash (copy + len - CFD_HASH_BYTES, copy, len - CFD_HASH_BYTES);
      keyring = cfd_keyring_parse (copy, len, &error);
      /* Either still structurally valid (a changed salt, say) or damaged;
       * never a crash. */
      if (keyring == NULL)
        g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
      copy[at] = saved;
    }
  g_rand_free (rand);
}

/* A keyring asking for more Argon2id than Confidant ever writes (64 passes
 * of 4 GiB would hold an unlock for many minutes) is refused as damaged
 * when read, before any key derivation; the ceiling's edge still opens. */
static void
test_kdf_ceiling (void)
{
  g_autoptr (GBytes) bytes = sample_keyring_bytes ();
  const struct
  {
    guint64 opslimit, memlimit;
    gboolean accepted;
  } cases[] = {
    { 64, G_GUINT64_CONSTANT (4) << 30, FALSE },
    { 17, G_GUINT64_CONSTANT (256) << 20, FALSE },
    { 2, (G_GUINT64_CONSTANT (1) << 30) + 1024, FALSE },
    { 16, G_GUINT64_CONSTANT (512) << 20, FALSE },
    { 16, G_GUINT64_CONSTANT (256) << 20, TRUE },
    { 4, G_GUINT64_CONSTANT (1) << 30, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdKeyring) keyring = NULL;
      g_autoptr (CfdKeyring) again = NULL;
      g_autoptr (GBytes) changed = NULL;
      CfdKeyringUser *user;
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      keyring = cfd_keyring_parse (data, len, &error);
      g_assert_no_error (error);
      user = g_ptr_array_index (keyring->users, 1);
      user->kdf.opslimit = cases[i].opslimit;
      user->kdf.memlimit = cases[i].memlimit;
      changed = cfd_keyring_serialize (keyring);
      data = g_bytes_get_data (changed, &len);
      again = cfd_keyring_parse (data, len, &error);
      if (cases[i].accepted)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_null (again);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING);
      g_assert_nonnull (strstr (error->message, "ceiling"));
    }
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/keyring/round-trip", test_round_trip);
  g_test_add_func ("/confidant/keyring/flipped-byte", test_every_flipped_byte_is_damage);
  g_test_add_func ("/confidant/keyring/truncation", test_truncation_and_trailing_data);
  g_test_add_func ("/confidant/keyring/newer-version", test_newer_version_refused);
  g_test_add_func ("/confidant/keyring/resealed-garbage", test_resealed_garbage_is_damage);
  g_test_add_func ("/confidant/keyring/kdf-ceiling", test_kdf_ceiling);
  return g_test_run ();
}
