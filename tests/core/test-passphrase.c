/* test-passphrase.c: the strength meter's scores, with and without the system's word list. */
#include "config.h"

#include "cfd-passphrase.h"
#include "cfd-test-util.h"

#define MISSING_DICTIONARY "/nonexistent/confidant-test/cracklib_dict"

/* Without a word list, the estimate decides: never everything refused. */
static void
test_estimate_without_dictionary (void)
{
  g_autoptr (CfdPassphraseChecker) checker = cfd_passphrase_checker_new (MISSING_DICTIONARY);
  g_autofree char *problem = NULL;
  static const char *const refused[] = {
    "a",
    "abc",
    "password",
    "password12",
    "aaaaaaaaaaaaaaaaaaaa",
    "1234567890123456",
    "abcdefghijklm",
  };
  static const char *const accepted[] = {
    "correct horse battery staple",
    "river lantern quietly 42",
    "Tr0ub4dor&3x",
    "myverylongpassphrase",
  };

  g_assert_cmpint (cfd_passphrase_checker_get_method (checker), ==, CFD_PASSPHRASE_ESTIMATED);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_clear_pointer (&problem, g_free);
      g_assert_cmpint (cfd_passphrase_checker_rate (checker, refused[i], NULL, &problem), ==, -1);
      g_assert_nonnull (problem);
      /* The reason never quotes the passphrase ("a" is in any sentence). */
      if (strlen (refused[i]) > 1)
        g_assert_null (strstr (problem, refused[i]));
    }
  g_clear_pointer (&problem, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      int score = cfd_passphrase_checker_rate (checker, accepted[i], NULL, &problem);

      g_assert_cmpint (score, >=, 40);
      g_assert_cmpint (score, <=, 100);
      g_assert_null (problem);
    }
  /* More words, more strength, up to a full meter. */
  g_assert_cmpint (
      cfd_passphrase_checker_rate (checker, "orchard compass gently river", NULL, NULL), <,
      cfd_passphrase_checker_rate (checker, "orchard compass gently river lantern", NULL, NULL));
  g_assert_cmpint (cfd_passphrase_checker_rate (
                       checker, "orchard compass gently river lantern meadow", NULL, NULL),
                   ==, 100);
  /* The user's own name does not count as strength. */
  g_assert_cmpint (
      cfd_passphrase_checker_rate (checker, "orchard compass gently river", "Ada", NULL), >=, 0);
  g_assert_cmpint (
      cfd_passphrase_checker_rate (checker, "lovelace lovelace lovelace", "Lovelace", &problem), ==,
      -1);
  g_assert_nonnull (strstr (problem, "name"));
}

static void
test_estimate_bits (void)
{
  /* Runs and repeats add nothing: "abcdef" guesses like one letter. */
  g_assert_cmpfloat (cfd_passphrase_estimate_bits ("abcdef"), ==,
                     cfd_passphrase_estimate_bits ("a"));
  g_assert_cmpfloat (cfd_passphrase_estimate_bits ("aaaaaa"), ==,
                     cfd_passphrase_estimate_bits ("a"));
  /* A four-word phrase counts as its words, not its letters. */
  g_assert_cmpfloat (cfd_passphrase_estimate_bits ("correct horse battery staple"), ==, 44.0);
  g_assert_cmpfloat (cfd_passphrase_estimate_bits (""), ==, 0.0);
}

/* A word list that exists but cannot be read is no word list either. */
static void
test_broken_dictionary (void)
{
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *base = g_build_filename (dir, "dict", NULL);
  g_autofree char *pwd = g_strconcat (base, ".pwd", NULL);
  g_autoptr (CfdPassphraseChecker) checker = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  cfd_test_write_bytes (pwd, (const guint8 *)"not a word list", 15);
  checker = cfd_passphrase_checker_new (base);
  g_assert_cmpint (cfd_passphrase_checker_get_method (checker), ==, CFD_PASSPHRASE_ESTIMATED);
  g_assert_cmpint (
      cfd_passphrase_checker_rate (checker, "orchard compass gently river", NULL, NULL), >=, 40);
}

/* With the system's word list, libpwquality decides (skipped where the
 * machine has none: the fresh-machine check covers that case). */
static void
test_system_dictionary (void)
{
  g_autoptr (CfdPassphraseChecker) checker = cfd_passphrase_checker_new (NULL);
  g_autofree char *problem = NULL;

  if (cfd_passphrase_checker_get_method (checker) != CFD_PASSPHRASE_CHECKED)
    {
      g_test_skip ("no cracklib word list on this machine");
      return;
    }
  g_assert_cmpint (cfd_passphrase_checker_rate (checker, "password", NULL, &problem), ==, -1);
  g_assert_nonnull (problem);
  g_assert_cmpint (
      cfd_passphrase_checker_rate (checker, "correct horse battery staple", NULL, NULL), >=, 40);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/passphrase/estimate-without-dictionary",
                   test_estimate_without_dictionary);
  g_test_add_func ("/confidant/passphrase/estimate-bits", test_estimate_bits);
  g_test_add_func ("/confidant/passphrase/broken-dictionary", test_broken_dictionary);
  g_test_add_func ("/confidant/passphrase/system-dictionary", test_system_dictionary);
  return g_test_run ();
}
