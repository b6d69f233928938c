/* test-wal.c: a broken write-ahead log is refused when saved changes would go, and reported when only the last write would. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-db.h"
#include "cfd-test-check.h"
#include "cfd-wal.h"

#define WAL_HEADER_BYTES 32
#define FRAME_BYTES      (24 + 4096)

static const char *const names[] = {
  "Wilhelmina Quade",  "Barnaby Osei",      "Ottoline Farrugia",
  "Cassius Lindqvist", "Perpetua Nakamura", "Evander Okonkwo",
};

/* A vault's three files as a power cut would leave them: three patients
 * checkpointed into the database, three more only in WAL frames, each in
 * a transaction of its own. */
typedef struct
{
  GBytes *db;
  GBytes *wal;
  GBytes *keyring;
} Files;

static Files files;

static void
files_init (void)
{
  g_autofree char *path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *keyring_path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    g_free (cfd_test_add_patient (vault, names[i]));
  g_clear_object (&vault);

  vault = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);
  g_assert_no_error (error);
  for (guint i = 3; i < G_N_ELEMENTS (names); i++)
    g_free (cfd_test_add_patient (vault, names[i]));

  db_path = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  wal_path = g_strconcat (db_path, "-wal", NULL);
  files.db = cfd_test_read_bytes (db_path);
  files.wal = cfd_test_read_bytes (wal_path);
  keyring_path = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);
  files.keyring = cfd_test_read_bytes (keyring_path);
  g_assert_cmpuint ((g_bytes_get_size (files.wal) - WAL_HEADER_BYTES) % FRAME_BYTES, ==, 0);
}

static guint
n_frames (GByteArray *wal)
{
  return (wal->len - WAL_HEADER_BYTES) / FRAME_BYTES;
}

static guint8 *
frame_at (GByteArray *wal, guint frame)
{
  g_assert_cmpuint (frame, >=, 1);
  g_assert_cmpuint (frame, <=, n_frames (wal));
  return wal->data + WAL_HEADER_BYTES + (gsize)(frame - 1) * FRAME_BYTES;
}

static gboolean
is_commit (GByteArray *wal, guint frame)
{
  const guint8 *header = frame_at (wal, frame);

  return (header[4] | header[5] | header[6] | header[7]) != 0;
}

/* The first frame of the last transaction: just after the commit before it. */
static guint
last_transaction_start (GByteArray *wal)
{
  guint frame = n_frames (wal) - 1;

  g_assert_true (is_commit (wal, n_frames (wal)));
  while (frame > 0 && !is_commit (wal, frame))
    frame--;
  return frame + 1;
}

static GByteArray *
wal_copy (void)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (files.wal, &len);

  return g_byte_array_append (g_byte_array_new (), data, (guint)len);
}

static void
place_file (const char *dir, const char *name, const guint8 *data, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  cfd_test_write_bytes (path, data, len);
}

/* Places the files in a fresh folder, with wal instead of the one taken. */
static char *
place (GByteArray *wal)
{
  char *dir = cfd_test_make_dir ();
  gsize len;
  const guint8 *data;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  data = g_bytes_get_data (files.db, &len);
  place_file (dir, CFD_VAULT_DATABASE_NAME, data, len);
  data = g_bytes_get_data (files.keyring, &len);
  place_file (dir, CFD_VAULT_KEYRING_NAME, data, len);
  place_file (dir, CFD_VAULT_DATABASE_NAME "-wal", wal->data, wal->len);
  return dir;
}

static CfdWalState
inspect (GByteArray *wal, guint *first_bad)
{
  return cfd_wal_inspect_bytes (wal->data, wal->len, first_bad);
}

static guint
count_discards (CfdVault *vault)
{
  sqlite3 *handle = cfd_db_handle (cfd_vault_get_db (vault, NULL));
  sqlite3_stmt *stmt = NULL;
  guint count;

  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "SELECT count(*) FROM audit_log WHERE action = "
                                       "'vault.discard-broken-write' AND outcome = 'failure'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint)sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Unlocks the folder and checks it holds the first n_patients names. */
static void
assert_opens_with (const char *dir, guint n_patients, gboolean discarded)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (dir, NULL, CFD_TEST_PASSPHRASE, &error);
  g_autoptr (GHashTable) seen = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (cfd_vault_get_discarded_broken_write (vault), ==, discarded);
  g_assert_cmpuint (count_discards (vault), ==, discarded ? 1 : 0);
  seen = cfd_test_assert_sound (vault);
  g_assert_cmpuint (g_hash_table_size (seen), ==, n_patients);
}

static void
test_intact (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = place (wal);

  g_assert_cmpint (inspect (wal, NULL), ==, CFD_WAL_INTACT);
  assert_opens_with (dir, G_N_ELEMENTS (names), FALSE);
}

/* Shorter than its header, or cut off inside a frame: nothing committed
 * is in the part SQLite ignores. */
static void
test_short (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();

  g_assert_cmpint (cfd_wal_inspect_bytes (wal->data, 0, NULL), ==, CFD_WAL_INTACT);
  g_assert_cmpint (cfd_wal_inspect_bytes (wal->data, 17, NULL), ==, CFD_WAL_INTACT);
  g_assert_cmpint (cfd_wal_inspect_bytes (wal->data, WAL_HEADER_BYTES + 100, NULL), ==,
                   CFD_WAL_INTACT);
}

static void
test_partial_frame_at_end (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = NULL;

  /* A kill in the middle of appending the next transaction's first frame. */
  g_byte_array_append (wal, frame_at (wal, 1), FRAME_BYTES / 2);
  dir = place (wal);
  g_assert_cmpint (inspect (wal, NULL), ==, CFD_WAL_INTACT);
  assert_opens_with (dir, G_N_ELEMENTS (names), FALSE);
}

/* After a checkpoint SQLite writes the log again from the start, under new
 * salts; frames of the older generation beyond the end are normal. */
static void
test_older_generation_after_end (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = NULL;
  guint8 *stale;

  g_byte_array_append (wal, frame_at (wal, 2), FRAME_BYTES);
  stale = frame_at (wal, n_frames (wal));
  stale[11] ^= 0x01; /* salt-1 */
  dir = place (wal);
  g_assert_cmpint (inspect (wal, NULL), ==, CFD_WAL_INTACT);
  assert_opens_with (dir, G_N_ELEMENTS (names), FALSE);
}

/* A power cut while the last transaction's pages were written back out of
 * order: its commit frame is on disk, the second half of the page before
 * it is not. SQLite drops the transaction; the unlock says so. */
static void
test_power_cut_in_last_transaction (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = NULL;
  guint start = last_transaction_start (wal);
  guint broken = n_frames (wal) - 1;
  guint first_bad = 0;

  g_assert_cmpuint (broken, >=, start);
  memset (frame_at (wal, broken) + 24 + 2048, 0, 2048);
  dir = place (wal);
  g_assert_cmpint (inspect (wal, &first_bad), ==, CFD_WAL_BROKEN_TAIL);
  g_assert_cmpuint (first_bad, ==, broken);
  assert_opens_with (dir, G_N_ELEMENTS (names) - 1, TRUE);
}

static void
test_power_cut_in_commit_frame (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = NULL;
  guint first_bad = 0;

  memset (frame_at (wal, n_frames (wal)) + 24 + 4000, 0, 96);
  dir = place (wal);
  g_assert_cmpint (inspect (wal, &first_bad), ==, CFD_WAL_BROKEN_TAIL);
  g_assert_cmpuint (first_bad, ==, n_frames (wal));
  assert_opens_with (dir, G_N_ELEMENTS (names) - 1, TRUE);
}

/* Salts are outside the checksum: a damaged salt in the last frame must
 * not pass for a frame left over from an older generation. */
static void
test_damaged_salt_in_last_frame (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  g_autofree char *dir = NULL;
  guint first_bad = 0;

  frame_at (wal, n_frames (wal))[8] ^= 0x04;
  dir = place (wal);
  g_assert_cmpint (inspect (wal, &first_bad), ==, CFD_WAL_BROKEN_TAIL);
  g_assert_cmpuint (first_bad, ==, n_frames (wal));
  assert_opens_with (dir, G_N_ELEMENTS (names) - 1, TRUE);
}

/* Damage before a commit that later transactions followed: refused, and
 * the folder is left exactly as it was. */
static void
assert_refused (GByteArray *wal, guint expected_first_bad)
{
  g_autofree char *dir = place (wal);
  g_autofree char *db_path = g_build_filename (dir, CFD_VAULT_DATABASE_NAME, NULL);
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GBytes) wal_after = NULL;
  g_autoptr (GBytes) db_after = NULL;
  guint first_bad = 0;

  g_assert_cmpint (inspect (wal, &first_bad), ==, CFD_WAL_DAMAGED);
  g_assert_cmpuint (first_bad, ==, expected_first_bad);

  vault = cfd_test_reopen (dir, NULL, CFD_TEST_PASSPHRASE, &error);
  g_assert_null (vault);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE);
  g_assert_nonnull (strstr (error->message, "write-ahead log"));

  wal_after = cfd_test_read_bytes (wal_path);
  db_after = cfd_test_read_bytes (db_path);
  g_assert_cmpmem (g_bytes_get_data (wal_after, NULL), g_bytes_get_size (wal_after), wal->data,
                   wal->len);
  g_assert_true (g_bytes_equal (db_after, files.db));
}

static void
test_damage_before_durable_commit (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();

  frame_at (wal, 2)[24 + 1000] ^= 0x40;
  assert_refused (wal, 2);
}

static void
test_damaged_commit_frame_before_later_transaction (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();
  guint commit = last_transaction_start (wal) - 1;

  frame_at (wal, commit)[24 + 10] ^= 0x01;
  assert_refused (wal, commit);
}

static void
test_damaged_checksum_field (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();

  frame_at (wal, 3)[17] ^= 0x80;
  assert_refused (wal, 3);
}

static void
test_damaged_salt_in_frame (void)
{
  g_autoptr (GByteArray) wal = wal_copy ();

  frame_at (wal, 1)[9] ^= 0x02;
  assert_refused (wal, 1);
}

/* SQLite ignores the whole log when its header does not check. */
static void
test_damaged_header (void)
{
  static const guint offsets[] = { 0, 5, 10, 13, 18, 22, 26, 31 };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autoptr (GByteArray) wal = wal_copy ();

      wal->data[offsets[i]] ^= 0x10;
      assert_refused (wal, 1);
    }
}

int
main (int argc, char **argv)
{
  int status;

  cfd_test_init (&argc, &argv);
  files_init ();

  g_test_add_func ("/confidant/wal/intact", test_intact);
  g_test_add_func ("/confidant/wal/short", test_short);
  g_test_add_func ("/confidant/wal/partial-frame-at-end", test_partial_frame_at_end);
  g_test_add_func ("/confidant/wal/older-generation-after-end", test_older_generation_after_end);
  g_test_add_func ("/confidant/wal/power-cut/last-transaction", test_power_cut_in_last_transaction);
  g_test_add_func ("/confidant/wal/power-cut/commit-frame", test_power_cut_in_commit_frame);
  g_test_add_func ("/confidant/wal/damaged/salt-in-last-frame", test_damaged_salt_in_last_frame);
  g_test_add_func ("/confidant/wal/damaged/before-durable-commit",
                   test_damage_before_durable_commit);
  g_test_add_func ("/confidant/wal/damaged/commit-frame",
                   test_damaged_commit_frame_before_later_transaction);
  g_test_add_func ("/confidant/wal/damaged/checksum-field", test_damaged_checksum_field);
  g_test_add_func ("/confidant/wal/damaged/salt", test_damaged_salt_in_frame);
  g_test_add_func ("/confidant/wal/damaged/header", test_damaged_header);
  status = g_test_run ();

  g_bytes_unref (files.db);
  g_bytes_unref (files.wal);
  g_bytes_unref (files.keyring);
  return status;
}
