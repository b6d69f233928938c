/* test-crypto.c: AEAD, associated data, recovery-key encoding, guarded key arena. */
#include "config.h"

#include <string.h>

#include "cfd-test-util.h"

static void
test_aead_round_trip (void)
{
  guint8 key[CFD_KEY_BYTES];
  static const char text[] = "integration notes";
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) plain = NULL;
  const guint8 *data;
  gsize len;

  cfd_random_bytes (key, sizeof key);
  sealed = cfd_aead_seal (key, (const guint8 *)text, sizeof text, (const guint8 *)"ad", 2);
  g_assert_cmpuint (g_bytes_get_size (sealed), ==,
                    sizeof text + CFD_AEAD_NONCE_BYTES + CFD_AEAD_TAG_BYTES);
  data = g_bytes_get_data (sealed, &len);
  plain = cfd_aead_open (key, data, len, (const guint8 *)"ad", 2);
  g_assert_nonnull (plain);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text, sizeof text);
}

static void
test_aead_rejects_changes (void)
{
  guint8 key[CFD_KEY_BYTES];
  g_autoptr (GBytes) sealed = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;

  cfd_random_bytes (key, sizeof key);
  sealed = cfd_aead_seal (key, (const guint8 *)"x", 1, (const guint8 *)"ad", 2);
  len = g_bytes_get_size (sealed);
  copy = g_memdup2 (g_bytes_get_data (sealed, NULL), len);

  /* Other associated data, a flipped bit anywhere, a truncation: all refused. */
  g_assert_null (cfd_aead_open (key, copy, len, (const guint8 *)"ae", 2));
  for (gsize i = 0; i < len; i++)
    {
      copy[i] ^= 0x80;
      g_assert_null (cfd_aead_open (key, copy, len, (const guint8 *)"ad", 2));
      copy[i] ^= 0x80;
    }
  g_assert_null (cfd_aead_open (key, copy, len - 1, (const guint8 *)"ad", 2));
  g_assert_null (cfd_aead_open (key, copy, 3, (const guint8 *)"ad", 2));
}

/* Known answer: the associated-data encoding is part of the on-disk format. */
static void
test_ad_encoding (void)
{
  g_autoptr (CfdAd) ad = cfd_ad_new ("ctx");
  static const guint8 expected[] = {
    0, 0, 0, 3, 'c', 't', 'x', 0, 0, 0, 2, 'i', 'd', 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2,
  };
  const guint8 *data;
  gsize len;

  cfd_ad_add_string (ad, "id");
  cfd_ad_add_uint (ad, 0x0102);
  data = cfd_ad_data (ad, &len);
  g_assert_cmpmem (data, len, expected, sizeof expected);
}

static void
test_recovery_key_format (void)
{
  guint8 raw[CFD_RECOVERY_KEY_BYTES];
  guint8 parsed[CFD_RECOVERY_KEY_BYTES];
  g_autofree char *text = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *typo = NULL;

  for (int i = 0; i < CFD_RECOVERY_KEY_BYTES; i++)
    raw[i] = (guint8)(i * 13 + 7);
  text = cfd_recovery_key_format (raw);
  /* Known answer: nine groups of four, the last a check group. */
  g_assert_cmpstr (text, ==, "0WA2-2BHV-91AP-4VVW-H6BA-7C5X-SBBY-9WFY-3J7B");
  g_assert_true (cfd_recovery_key_parse (text, parsed));
  g_assert_cmpmem (parsed, sizeof parsed, raw, sizeof raw);

  /* Lower case, spaces and look-alike letters are forgiven. */
  lower = g_ascii_strdown (text, -1);
  lower[0] = 'o';
  g_assert_true (cfd_recovery_key_parse (lower, parsed));
  g_assert_cmpmem (parsed, sizeof parsed, raw, sizeof raw);

  /* A typo is caught by the check group. */
  typo = g_strdup (text);
  typo[6] = typo[6] == 'A' ? 'B' : 'A';
  g_assert_false (cfd_recovery_key_parse (typo, parsed));
  g_assert_false (cfd_recovery_key_parse ("0WA2-2BHV", parsed));
  g_assert_false (cfd_recovery_key_parse ("", parsed));
  g_assert_false (cfd_recovery_key_parse ("UUUU-2BHV-91AP-4VVW-H6BA-7C5X-SBBY-9WFY-3J7B", parsed));
}

static void
test_key_arena (void)
{
  g_autoptr (CfdKeyArena) arena = cfd_key_arena_new ();
  char name[32];

  /* Past the first region, so the arena grows and keeps every key. */
  for (int i = 0; i < 200; i++)
    {
      guint8 *slot;

      g_snprintf (name, sizeof name, "p%d", i);
      slot = cfd_key_arena_insert (arena, name);
      memset (slot, i, CFD_KEY_ARENA_KEY_BYTES);
    }
  g_assert_cmpuint (cfd_key_arena_size (arena), ==, 200);
  for (int i = 0; i < 200; i++)
    {
      guint8 *slot;

      g_snprintf (name, sizeof name, "p%d", i);
      slot = cfd_key_arena_lookup (arena, name);
      g_assert_nonnull (slot);
      g_assert_cmpint (slot[0], ==, i);
      g_assert_cmpint (slot[31], ==, i);
    }
  cfd_key_arena_remove (arena, "p5");
  g_assert_null (cfd_key_arena_lookup (arena, "p5"));
  cfd_key_arena_clear (arena);
  g_assert_cmpuint (cfd_key_arena_size (arena), ==, 0);
  g_assert_null (cfd_key_arena_lookup (arena, "p7"));
}

static void
test_kdf_floor (void)
{
  CfdKdfParams params = { 1, 8192 };
  guint8 key[CFD_KEY_BYTES];
  guint8 salt[CFD_SALT_BYTES] = { 0 };
  g_autoptr (GError) error = NULL;

  cfd_kdf_allow_weak_params_for_testing (FALSE);
  g_assert_false (cfd_kdf_params_acceptable (&params));
  g_assert_false (cfd_kdf_derive (key, "x", 1, salt, &params, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WEAK_KDF);
  cfd_kdf_params_moderate (&params);
  g_assert_true (cfd_kdf_params_acceptable (&params));
  /* Absurd costs are as suspect as weak ones. */
  params.memlimit = G_GUINT64_CONSTANT (1) << 40;
  g_assert_false (cfd_kdf_params_acceptable (&params));
  cfd_kdf_allow_weak_params_for_testing (TRUE);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/crypto/aead/round-trip", test_aead_round_trip);
  g_test_add_func ("/confidant/crypto/aead/rejects-changes", test_aead_rejects_changes);
  g_test_add_func ("/confidant/crypto/ad/encoding", test_ad_encoding);
  g_test_add_func ("/confidant/crypto/recovery-key/format", test_recovery_key_format);
  g_test_add_func ("/confidant/crypto/key-arena", test_key_arena);
  g_test_add_func ("/confidant/crypto/kdf/floor", test_kdf_floor);
  return g_test_run ();
}
