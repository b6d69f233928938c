/* cfd-test-util.c: what core tests share: scratch folders, cheap vaults, canary scans. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <sodium.h>

#include "cfd-db.h"
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

static const char *find_canary_in_tree (const char *path, char **file_out);

/* What the test left behind (vaults, backups, capsules, keyrings) is
 * searched for every canary before it is removed. Exported PDFs are
 * plaintext by design and are checked by their own tests. */
static void
cleanup (void)
{
  g_autofree char *file = NULL;
  const char *canary;

  if (scratch_root == NULL || g_getenv ("CFD_TEST_KEEP") != NULL)
    return;
  canary = find_canary_in_tree (scratch_root, &file);
  if (canary != NULL)
    {
      fprintf (stderr, "Bail out! The test's secret or patient text '%s' is in %s\n", canary, file);
      remove_tree (scratch_root);
      _exit (1);
    }
  remove_tree (scratch_root);
}

/* Every message logged while a test runs, debug messages included, is
 * searched for the patient names and passphrases the test has used: none
 * may reach a log. The default writer then prints as it always would. */
static GPtrArray *canaries;
static GMutex canaries_lock;
static GLogWriterFunc next_writer = g_log_writer_default;

void
cfd_test_set_log_writer (GLogWriterFunc writer)
{
  next_writer = writer;
}

void
cfd_test_add_canary (const char *text)
{
  if (strlen (text) < CFD_TEST_CANARY_MIN_BYTES)
    g_error ("a canary of %zu bytes can occur in ciphertext by chance: use cfd_test_canary",
             strlen (text));
  g_mutex_lock (&canaries_lock);
  g_ptr_array_add (canaries, g_strdup (text));
  g_mutex_unlock (&canaries_lock);
}

static GLogWriterOutput
canary_log_writer (GLogLevelFlags level,
                   const GLogField *fields,
                   gsize n_fields,
                   gpointer user_data)
{
  g_mutex_lock (&canaries_lock);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length >= 0 || fields[i].value == NULL)
        continue;
      for (guint c = 0; c < canaries->len; c++)
        if (strstr (fields[i].value, g_ptr_array_index (canaries, c)) != NULL)
          {
            /* Not g_error: that would log again, through this writer. */
            fprintf (stderr,
                     "Bail out! A log message holds the test's secret or patient text '%s'\n",
                     (const char *)g_ptr_array_index (canaries, c));
            abort ();
          }
    }
  g_mutex_unlock (&canaries_lock);
  return next_writer (level, fields, n_fields, user_data);
}

const char *
cfd_test_canary (const char *label)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  char tag[CFD_TEST_TAG_CHARS + 1];
  g_autofree char *text = NULL;
  const char *canary;

  for (guint i = 0; i < CFD_TEST_TAG_CHARS; i++)
    tag[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  tag[CFD_TEST_TAG_CHARS] = '\0';
  text = g_strdup_printf ("%s %s", label, tag);
  cfd_test_add_canary (text);
  g_mutex_lock (&canaries_lock);
  canary = g_ptr_array_index (canaries, canaries->len - 1);
  g_mutex_unlock (&canaries_lock);
  return canary;
}

gboolean
cfd_test_name_is (const char *name, const char *label)
{
  gsize len = strlen (label);

  return name != NULL && strncmp (name, label, len) == 0 && name[len] == ' '
         && strlen (name + len + 1) == CFD_TEST_TAG_CHARS;
}

void
cfd_test_watch_logs (void)
{
  canaries = g_ptr_array_new_with_free_func (g_free);
  cfd_test_add_canary (CFD_TEST_PASSPHRASE);
  g_log_set_writer_func (canary_log_writer, NULL, NULL);
}

void
cfd_test_init (int *argc, char ***argv)
{
  cfd_test_watch_logs ();
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
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", cfd_test_canary (name));
  details = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_add_patient (vault, details, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

gint64
cfd_test_count_rows (CfdVault *vault, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (
      sqlite3_prepare_v2 (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, -1, &stmt, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
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

static const char *
find_canary_in_tree (const char *path, char **file_out)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;
  const char *found = NULL;

  if (dir == NULL)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_str_has_suffix (path, ".pdf") || g_file_test (path, G_FILE_TEST_IS_SYMLINK)
          || !g_file_get_contents (path, &data, &len, NULL))
        return NULL;
      g_mutex_lock (&canaries_lock);
      for (guint c = 0; c < canaries->len && found == NULL; c++)
        {
          const char *canary = g_ptr_array_index (canaries, c);

          if (memmem (data, len, canary, strlen (canary)) != NULL)
            found = canary;
        }
      g_mutex_unlock (&canaries_lock);
      if (found != NULL)
        *file_out = g_strdup (path);
      return found;
    }
  while (found == NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      found = find_canary_in_tree (child, file_out);
    }
  g_dir_close (dir);
  return found;
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

GBytes *
cfd_test_read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

void
cfd_test_write_bytes (const char *path, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  /* No fsync: these copies need not survive a power cut. Without the
   * rename that durability brings, GLib writes over an existing file in
   * place and can leave its old tail behind a shorter one. */
  g_unlink (path);
  g_assert_true (g_file_set_contents_full (path, (const char *)data, (gssize)len,
                                           G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
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
