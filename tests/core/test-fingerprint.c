/* test-fingerprint.c: a signer's fingerprint comes from the keys the vault's signature checks use, and matches their card. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cfd-capsule.h"
#include "cfd-test-util.h"

static void
test_owner_matches_card (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *card = g_build_filename (dir, "owner.card", NULL);
  g_autofree char *from_card = NULL;
  g_autofree char *from_roster = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (cfd_vault_export_supervisor_card (vault, card, &from_card, &error));
  g_assert_no_error (error);
  from_roster = cfd_vault_dup_user_fingerprint (vault, cfd_vault_get_user_id (vault), &error);
  g_assert_no_error (error);
  /* The same keys, read aloud the same way. */
  g_assert_cmpstr (from_roster, ==, from_card);
  g_assert_cmpuint (strlen (from_roster), ==, 8 * 4 + 7);
  g_unlink (card);
}

static void
test_unknown_and_locked (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *locked = NULL;
  g_autofree char *owner = g_strdup (cfd_vault_get_user_id (vault));

  none = cfd_vault_dup_user_fingerprint (vault, "no-such-user", &error);
  g_assert_null (none);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Locked: nothing to read the roster with. */
  cfd_vault_lock (vault);
  locked = cfd_vault_dup_user_fingerprint (vault, owner, &error);
  g_assert_null (locked);
  g_assert_nonnull (error);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/fingerprint/owner-matches-card", test_owner_matches_card);
  g_test_add_func ("/confidant/fingerprint/unknown-and-locked", test_unknown_and_locked);
  return g_test_run ();
}
