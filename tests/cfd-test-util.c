/* cfd-test-util.c: what core tests share: scratch folders, cheap vaults, canary scans. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-test-util.h"

static char *scratch_root;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
cleanup (void)
{
  if (scratch_root != NULL && g_getenv ("CFD_TEST_KEEP") == NULL)
    remove_tree (scratch_root);
}

void
cfd_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_assert_true (cfd_secure_init ());
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  scratch_root = g_dir_make_tmp ("confidant-test-XXXXXX", NULL);
  g_assert_nonnull (scratch_root);
  atexit (cleanup);
}

char *
cfd_test_make_dir (void)
{
  static guint counter;

  return g_strdup_printf ("%s/%u", scratch_root, ++counter);
}

CfdVault *
cfd_test_vault_new (char **path_out, char **recovery_out)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (GError) error = NULL;
  CfdVault *vault = cfd_vault_create (path, "Test Owner", CFD_TEST_PASSPHRASE, &recovery, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vault);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  if (recovery_out != NULL)
    *recovery_out = g_steal_pointer (&recovery);
  return vault;
}

char *
cfd_test_add_patient (CfdVault *vault, const char *name)
{
  g_autoptr (GError) error = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) details = NULL;
  char *id;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_add_patient (vault, details, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  gsize needle_len = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return len >= needle_len && memmem (data, len, needle, needle_len) != NULL;
}

gboolean
cfd_test_dir_contains (const char *path, const char *needle)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;
  gboolean found = FALSE;

  if (dir == NULL)
    return file_contains (path, needle);
  while (!found && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      found = cfd_test_dir_contains (child, needle);
    }
  g_dir_close (dir);
  return found;
}

void
cfd_test_flip_byte (const char *path, goffset offset)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_cmpint (offset, <, (goffset)len);
  data[offset] ^= 0x01;
  g_assert_true (g_file_set_contents (path, data, (gssize)len, &error));
}
