/* test-backup.c: backups and restores: round trips, every way a backup file can be bad, faults. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "cfd-backup-media.h"
#include "cfd-backup-private.h"
#include "cfd-fault-vfs.h"
#include "cfd-io-private.h"
#include "cfd-test-util.h"

#define CANARY "Canary Wexford-Almsbury"

/* The committed known-answer backup: a vault made with the weak test KDF,
 * passphrase FIXTURE_PASSPHRASE, two patients. Every later version of
 * Confidant must still restore it. */
#define FIXTURE_PASSPHRASE "correct horse battery staple"
#define FIXTURE_PATIENT_1  "Fixture Patient Alder"
#define FIXTURE_PATIENT_2  "Fixture Patient Birch"

/* Whether a patient added as cfd_test_add_patient (vault, label) is among
 * names (see cfd_test_name_is). */
static gboolean
names_have (GHashTable *names, const char *label)
{
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (cfd_test_name_is (name, label))
      return TRUE;
  return FALSE;
}

static CfdBackupInfo *
backup_ok (CfdVault *vault, const char *folder, guint generations)
{
  g_autoptr (GError) error = NULL;
  CfdBackupInfo *info = cfd_vault_backup (vault, folder, generations, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static char *
new_folder (void)
{
  char *path = cfd_test_make_dir ();

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

static GHashTable *
patient_names (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, &error);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (list, i);

      g_hash_table_add (names, g_strdup (cfd_patient_get_name (patient)));
    }
  return names;
}

static CfdVault *
open_restored (const char *folder, const char *user, const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_vault_open (folder, &error);

  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (vault, user, passphrase, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&vault);
}

static guint
count_audit (CfdVault *vault, const char *action, const char *outcome)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  sqlite3_stmt *stmt = NULL;
  guint count;

  g_assert_nonnull (db);
  g_assert_cmpint (sqlite3_prepare_v2 (cfd_db_handle (db),
                                       "SELECT count(*) FROM audit_log WHERE action = ? AND "
                                       "outcome = ?",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outcome, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint)sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Files in folder whose name contains part. */
static guint
count_files (const char *folder, const char *part)
{
  GDir *dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint count = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, part) != NULL)
      count++;
  g_dir_close (dir);
  return count;
}

/* Verifies with the passphrase; returns the error (or NULL). */
static GError *
verify_error (const char *path)
{
  GError *error = NULL;
  g_autoptr (CfdBackupInfo) info = cfd_backup_verify (
      path, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE, NULL, NULL, NULL, &error);

  g_assert_true ((info == NULL) == (error != NULL));
  return error;
}

/* A vault with some patients and a backup of it made with small chunks,
 * so that there are many chunk boundaries to cut at. */
typedef struct
{
  CfdVault *vault;
  char *vault_path;
  char *recovery;
  char *folder;
  char *file;
  GBytes *bytes;
  CfdBackupHeader *header;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  int fd;

  f->vault = cfd_test_vault_new (&f->vault_path, &f->recovery);
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %d", CANARY, i);
      g_autofree char *id = cfd_test_add_patient (f->vault, name);
    }
  f->folder = new_folder ();
  cfd_backup_set_chunk_size_for_testing (4096);
  info = backup_ok (f->vault, f->folder, CFD_BACKUP_DEFAULT_GENERATIONS);
  cfd_backup_set_chunk_size_for_testing (0);
  f->file = g_strdup (info->path);
  f->bytes = cfd_test_read_bytes (f->file);
  fd = cfd_backup_open_file (f->file, &f->header, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_cmpuint (cfd_backup_chunk_count (f->header->payload_bytes, f->header->chunk_size), >, 4);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->vault);
  g_free (f->vault_path);
  g_free (f->recovery);
  g_free (f->folder);
  g_free (f->file);
  g_bytes_unref (f->bytes);
  cfd_backup_header_free (f->header);
}

/* Offsets where chunks (and the header, and the stream header) begin. */
static GArray *
boundaries (const Fixture *f)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint64 chunks = cfd_backup_chunk_count (f->header->payload_bytes, f->header->chunk_size);
  gsize offset = f->header->header_bytes + CFD_BACKUP_STREAM_HEADER;
  gsize fixed[] = { 0,
                    1,
                    7,
                    8,
                    12,
                    16,
                    23,
                    24,
                    25,
                    100,
                    f->header->header_bytes - 32,
                    f->header->header_bytes - 1,
                    f->header->header_bytes,
                    f->header->header_bytes + 1 };

  g_array_append_vals (offsets, fixed, G_N_ELEMENTS (fixed));
  for (guint64 i = 0; i < chunks; i++)
    {
      g_array_append_val (offsets, offset);
      offset += f->header->chunk_size + CFD_BACKUP_CHUNK_OVERHEAD;
    }
  return offsets;
}

static void
test_round_trip (void)
{
  g_autofree char *path = NULL;
  g_autofree char *recovery = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, &recovery);
  g_autofree char *folder = new_folder ();
  g_autofree char *target = cfd_test_make_dir ();
  g_autofree char *target2 = cfd_test_make_dir ();
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (CfdBackupInfo) restored = NULL;
  g_autoptr (CfdVault) copy = NULL;
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GHashTable) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *keyring_path = NULL;
  struct stat st;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Round Trip Patient %02d", i);
      g_autofree char *id = cfd_test_add_patient (vault, name);
    }
  before = patient_names (vault);
  info = backup_ok (vault, folder, 3);
  g_assert_cmpuint (info->seq, ==, 1);
  g_assert_cmpstr (info->vault_id, ==, cfd_vault_get_id (vault));
  {
    g_autofree char *name = g_path_get_basename (info->path);

    g_assert_true (g_str_has_prefix (name, "confidant-"));
    g_assert_true (g_str_has_suffix (name, CFD_BACKUP_FILE_SUFFIX));
  }
  /* A checkpoint of the audit log, signed by whoever made the backup. */
  g_assert_cmpuint (info->audit_seq, >, 0);
  g_assert_cmpstr (info->audit_signer, ==, cfd_vault_get_user_id (vault));

  restored = cfd_backup_restore (info->path, target, NULL, CFD_TEST_PASSPHRASE,
                                 CFD_BACKUP_SECRET_PASSPHRASE, CFD_RESTORE_FLAGS_NONE, NULL, NULL,
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_assert_cmpuint (restored->seq, ==, 1);

  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  db_path = g_build_filename (target, CFD_VAULT_DATABASE_NAME, NULL);
  keyring_path = g_build_filename (target, CFD_VAULT_KEYRING_NAME, NULL);
  g_assert_cmpint (g_stat (db_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (keyring_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  copy = open_restored (target, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpstr (cfd_vault_get_id (copy), ==, cfd_vault_get_id (vault));
  after = patient_names (copy);
  g_assert_cmpuint (g_hash_table_size (after), ==, 20);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, before);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_assert_true (g_hash_table_contains (after, key));
  }
  g_assert_cmpuint (count_audit (copy, "backup.restore", "success"), ==, 1);
  g_clear_object (&copy);

  /* The recovery key opens the same backup. */
  g_clear_pointer (&restored, cfd_backup_info_free);
  restored
      = cfd_backup_restore (info->path, target2, NULL, recovery, CFD_BACKUP_SECRET_RECOVERY_KEY,
                            CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  copy = open_restored (target2, NULL, CFD_TEST_PASSPHRASE);
  g_clear_pointer (&after, g_hash_table_unref);
  after = patient_names (copy);
  g_assert_cmpuint (g_hash_table_size (after), ==, 20);
  g_assert_true (names_have (after, "Round Trip Patient 07"));
}

/* A reader that still holds an older snapshot keeps the log from being
 * folded into the database file: the backup is then made page by page,
 * and still holds exactly what was committed when it started. */
static void
test_snapshot_with_reader (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *db_path = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  g_autofree char *folder = new_folder ();
  g_autofree char *target = cfd_test_make_dir ();
  g_autofree char *first = cfd_test_add_patient (vault, "Before The Reader");
  g_autofree char *second = NULL;
  g_autoptr (CfdDb) reader = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (CfdBackupInfo) restored = NULL;
  g_autoptr (CfdVault) copy = NULL;
  g_autoptr (GHashTable) names = NULL;
  g_autoptr (GError) error = NULL;

  info = backup_ok (vault, folder, 5);
  g_assert_true (cfd_backup_snapshot_last_was_file_copy_for_testing ());
  g_clear_pointer (&info, cfd_backup_info_free);

  reader = cfd_db_open (db_path, cfd_vault_get_db_key (vault), FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_db_exec (reader, "BEGIN; SELECT count(*) FROM patients", &error));
  second = cfd_test_add_patient (vault, "While Someone Reads");

  info = backup_ok (vault, folder, 5);
  g_assert_false (cfd_backup_snapshot_last_was_file_copy_for_testing ());
  cfd_db_rollback (reader);

  restored = cfd_backup_restore (info->path, target, NULL, CFD_TEST_PASSPHRASE,
                                 CFD_BACKUP_SECRET_PASSPHRASE, CFD_RESTORE_FLAGS_NONE, NULL, NULL,
                                 NULL, &error);
  g_assert_no_error (error);
  copy = open_restored (target, NULL, CFD_TEST_PASSPHRASE);
  names = patient_names (copy);
  g_assert_cmpuint (g_hash_table_size (names), ==, 2);
  g_assert_true (names_have (names, "Before The Reader"));
  g_assert_true (names_have (names, "While Someone Reads"));
}

static void
test_sequence_and_ledger (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  CfdBackupRecord *record;

  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 5);

      g_assert_cmpuint (info->seq, ==, i);
      if (i == 3)
        name = g_path_get_basename (info->path);
    }
  g_assert_cmpuint (count_audit (vault, "backup.create", "success"), ==, 3);
  g_assert_cmpuint (count_audit (vault, "backup.verify", "success"), ==, 3);

  records = cfd_vault_list_backup_records (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpuint (record->seq, ==, 3);
  g_assert_cmpstr (record->file_name, ==, name);
  g_assert_true (record->verified);
  g_assert_cmpstr (record->user_id, ==, cfd_vault_get_user_id (vault));
  g_assert_cmpstr (record->location, ==, folder);
  g_assert_cmpuint (record->size, >, 0);
  g_assert_nonnull (record->medium_label);

  /* The sequence lives in the database: a new session continues it. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  {
    g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 5);

    g_assert_cmpuint (info->seq, ==, 4);
  }
}

typedef struct
{
  const char *vault_path;
  const char *folder;
  guint scans;
} CanaryScan;

/* Scans the vault folder (where the snapshot lives) and the target (where
 * the temporary file is) while the backup is being written. */
static void
scan_for_canary (guint64 done, guint64 total, gpointer data)
{
  CanaryScan *scan = data;

  if (total == 0 || done >= total / 2)
    return;
  g_assert_false (cfd_test_dir_contains (scan->vault_path, CANARY));
  g_assert_false (cfd_test_dir_contains (scan->folder, CANARY));
  scan->scans++;
}

static void
test_no_canary_anywhere (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autofree char *id = cfd_test_add_patient (vault, CANARY);
  g_autoptr (GError) error = NULL;
  CanaryScan scan = { path, folder, 0 };

  cfd_backup_set_chunk_size_for_testing (4096);
  info = cfd_vault_backup (vault, folder, 2, NULL, scan_for_canary, &scan, &error);
  cfd_backup_set_chunk_size_for_testing (0);
  g_assert_no_error (error);
  g_assert_cmpuint (scan.scans, >, 2);
  g_assert_false (cfd_test_dir_contains (folder, CANARY));
  g_assert_false (cfd_test_dir_contains (path, CANARY));
  g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
  g_assert_cmpuint (count_files (folder, ".tmp-"), ==, 0);
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) offsets = boundaries (f);
  g_autofree char *cut = g_build_filename (f->folder, "cut.cfdbackup", NULL);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (f->bytes, &len);

  /* Also one byte short of the end and a few cuts inside chunks. */
  for (gsize extra = 1; extra < len; extra += len / 7)
    g_array_append_val (offsets, extra);
  {
    gsize last = len - 1;

    g_array_append_val (offsets, last);
  }
  for (guint i = 0; i < offsets->len; i++)
    {
      gsize at = g_array_index (offsets, gsize, i);
      g_autoptr (GError) error = NULL;

      g_assert_cmpuint (at, <, len);
      cfd_test_write_bytes (cut, bytes, at);
      error = verify_error (cut);
      g_test_message ("cut at %" G_GSIZE_FORMAT ": %s", at, error ? error->message : "accepted");
      g_assert_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED);
    }
}

static void
test_trailing_byte (Fixture *f, gconstpointer data)
{
  g_autofree char *longer = g_build_filename (f->folder, "long.cfdbackup", NULL);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (f->bytes, &len);
  g_autofree guint8 *copy = g_malloc (len + 1);
  g_autoptr (GError) error = NULL;

  g_assert_null (verify_error (f->file));
  memcpy (copy, bytes, len);
  copy[len] = 0;
  cfd_test_write_bytes (longer, copy, len + 1);
  error = verify_error (longer);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_swapped_chunks (Fixture *f, gconstpointer data)
{
  g_autofree char *swapped = g_build_filename (f->folder, "swapped.cfdbackup", NULL);
  gsize len = 0;
  g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (f->bytes), &len);
  gsize clen = f->header->chunk_size + CFD_BACKUP_CHUNK_OVERHEAD;
  gsize first = f->header->header_bytes + CFD_BACKUP_STREAM_HEADER;
  g_autofree guint8 *tmp = g_malloc (clen);

  for (guint a = 0; a < 3; a++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *work = g_memdup2 (copy, len);
      guint8 *x = work + first + a * clen;
      guint8 *y = work + first + (a + 1) * clen;

      memcpy (tmp, x, clen);
      memcpy (x, y, clen);
      memcpy (y, tmp, clen);
      cfd_test_write_bytes (swapped, work, len);
      error = verify_error (swapped);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
    }
}

static void
test_flipped_bits (Fixture *f, gconstpointer data)
{
  g_autofree char *flipped = g_build_filename (f->folder, "flipped.cfdbackup", NULL);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (f->bytes, &len);
  g_autofree guint8 *work = g_memdup2 (bytes, len);
  g_autoptr (GArray) offsets = boundaries (f);
  guint tested = 0;

  for (gsize at = 3; at < len; at += len / 97 + 1)
    g_array_append_val (offsets, at);
  for (gsize at = len - 20; at < len; at++)
    g_array_append_val (offsets, at);

  for (guint i = 0; i < offsets->len; i++)
    {
      gsize at = g_array_index (offsets, gsize, i);
      guint8 bit = (guint8)(1u << (at % 8));
      g_autoptr (GError) error = NULL;

      work[at] ^= bit;
      cfd_test_write_bytes (flipped, work, len);
      work[at] ^= bit;
      error = verify_error (flipped);
      if (at < CFD_BACKUP_MAGIC_BYTES)
        g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      else
        g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
      tested++;
    }
  g_assert_cmpuint (tested, >, 100);
}

/* A header that is self-consistent (checksums recomputed) but not the one
 * the stream was written with. */
static void
test_swapped_header (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->folder, "reheadered.cfdbackup", NULL);
  gsize len = 0, new_len = 0;
  const guint8 *bytes = g_bytes_get_data (f->bytes, &len);
  g_autoptr (GBytes) header_bytes = NULL;
  const guint8 *header_data;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  f->header->time += G_USEC_PER_SEC;
  header_bytes = cfd_backup_header_encode (f->header);
  header_data = g_bytes_get_data (header_bytes, &new_len);
  g_assert_cmpuint (new_len, ==, f->header->header_bytes);
  g_byte_array_append (out, header_data, new_len);
  g_byte_array_append (out, bytes + new_len, len - new_len);
  cfd_test_write_bytes (path, out->data, out->len);
  error = verify_error (path);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_wrong_secret (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autofree char *target = cfd_test_make_dir ();
  g_autofree char *parent = g_path_get_dirname (target);

  info = cfd_backup_verify (f->file, NULL, "not the passphrase", CFD_BACKUP_SECRET_PASSPHRASE, NULL,
                            NULL, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  info = cfd_backup_verify (f->file, "Nobody", CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                            NULL, NULL, NULL, &error);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  info = cfd_backup_verify (f->file, NULL, "AAAA-BBBB", CFD_BACKUP_SECRET_RECOVERY_KEY, NULL, NULL,
                            NULL, &error);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY);
  g_clear_error (&error);

  /* A well-formed recovery key of another vault. */
  {
    g_autofree char *other_path = NULL;
    g_autofree char *other_recovery = NULL;
    g_autoptr (CfdVault) other = cfd_test_vault_new (&other_path, &other_recovery);

    info = cfd_backup_verify (f->file, NULL, other_recovery, CFD_BACKUP_SECRET_RECOVERY_KEY, NULL,
                              NULL, NULL, &error);
    g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY);
    g_clear_error (&error);
  }

  /* The right recovery key verifies. */
  info = cfd_backup_verify (f->file, NULL, f->recovery, CFD_BACKUP_SECRET_RECOVERY_KEY, NULL, NULL,
                            NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_clear_pointer (&info, cfd_backup_info_free);

  /* A restore with the wrong passphrase leaves nothing behind. */
  info = cfd_backup_restore (f->file, target, NULL, "wrong", CFD_BACKUP_SECRET_PASSPHRASE,
                             CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (parent, ".restoring-"), ==, 0);
}

static void
test_unsupported_version (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->folder, "future.cfdbackup", NULL);
  g_autofree char *junk = g_build_filename (f->folder, "junk.cfdbackup", NULL);
  gsize len = 0;
  g_autofree guint8 *work = g_bytes_unref_to_data (g_bytes_ref (f->bytes), &len);
  guint8 digest[CFD_HASH_BYTES];
  g_autoptr (GError) error = NULL;

  /* The next format, with a prefix check that matches: a genuine newer file. */
  work[11] = CFD_BACKUP_FORMAT_VERSION + 1;
  cfd_hash (digest, work, 16);
  memcpy (work + 16, digest, CFD_BACKUP_PREFIX_CHECK);
  cfd_test_write_bytes (path, work, len);
  error = verify_error (path);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION);
  g_clear_error (&error);

  {
    static const char zip[] = "PK\x03\x04 not a backup at all";

    cfd_test_write_bytes (junk, (const guint8 *)zip, sizeof zip - 1);
  }
  error = verify_error (junk);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

static void
test_damaged_restore_leaves_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *target = cfd_test_make_dir ();
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *bad = g_build_filename (f->folder, "bad.cfdbackup", NULL);
  gsize len = 0;
  g_autofree guint8 *work = g_bytes_unref_to_data (g_bytes_ref (f->bytes), &len);
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;

  /* Damage near the end: most of the database is already written out
   * when the stream fails. */
  work[len - 30] ^= 0x40;
  cfd_test_write_bytes (bad, work, len);
  info = cfd_backup_restore (bad, target, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                             CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (parent, ".restoring-"), ==, 0);
}

static void
test_restore_refuses_existing (Fixture *f, gconstpointer data)
{
  g_autofree char *other_path = NULL;
  g_autoptr (CfdVault) other = cfd_test_vault_new (&other_path, NULL);
  g_autofree char *other_keyring = g_build_filename (other_path, CFD_VAULT_KEYRING_NAME, NULL);
  g_autoptr (GBytes) keyring_before = NULL;
  g_autoptr (GBytes) keyring_after = NULL;
  g_autofree char *busy = new_folder ();
  g_autofree char *busy_file = g_build_filename (busy, "notes.txt", NULL);
  g_autofree char *empty = new_folder ();
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) copy = NULL;
  g_autofree char *canary = g_strdup_printf ("%s 3", CANARY);
  g_autofree char *other_patient = cfd_test_add_patient (other, "Other Vault Patient");
  g_autoptr (GHashTable) names = NULL;

  cfd_vault_lock (other);
  keyring_before = cfd_test_read_bytes (other_keyring);
  info = cfd_backup_restore (f->file, other_path, NULL, CFD_TEST_PASSPHRASE,
                             CFD_BACKUP_SECRET_PASSPHRASE, CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL,
                             &error);
  g_assert_null (info);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_clear_error (&error);
  keyring_after = cfd_test_read_bytes (other_keyring);
  g_assert_true (g_bytes_equal (keyring_before, keyring_after));

  cfd_test_write_bytes (busy_file, (const guint8 *)"x", 1);
  info = cfd_backup_restore (f->file, busy, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                             CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_clear_error (&error);

  /* An empty folder is as good as a new one. */
  info
      = cfd_backup_restore (f->file, empty, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                            CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, cfd_backup_info_free);

  /* With the explicit confirmation the other vault is replaced. */
  info = cfd_backup_restore (f->file, other_path, NULL, CFD_TEST_PASSPHRASE,
                             CFD_BACKUP_SECRET_PASSPHRASE, CFD_RESTORE_OVERWRITE_EXISTING_VAULT,
                             NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  copy = open_restored (other_path, NULL, CFD_TEST_PASSPHRASE);
  g_assert_cmpstr (cfd_vault_get_id (copy), ==, cfd_vault_get_id (f->vault));
  names = patient_names (copy);
  g_assert_true (names_have (names, canary));
  g_assert_false (names_have (names, "Other Vault Patient"));
  {
    g_autofree char *parent = g_path_get_dirname (other_path);

    g_assert_cmpuint (count_files (parent, ".replaced-"), ==, 0);
  }
}

static void
test_vault_verify_and_ledger (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;
  gsize len = 0;
  g_autofree guint8 *work = g_bytes_unref_to_data (g_bytes_ref (f->bytes), &len);

  g_assert_true (cfd_vault_verify_backup (f->vault, f->file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_audit (f->vault, "backup.verify", "success"), ==, 2);

  /* The medium has since damaged the file: the ledger says so. */
  work[len / 2] ^= 0x02;
  cfd_test_write_bytes (f->file, work, len);
  g_assert_false (cfd_vault_verify_backup (f->vault, f->file, NULL, NULL, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpuint (count_audit (f->vault, "backup.verify", "failure"), ==, 1);
  records = cfd_vault_list_backup_records (f->vault, NULL);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_false (((CfdBackupRecord *)g_ptr_array_index (records, 0))->verified);
}

/* A header-only file that names this vault and a nearby sequence number,
 * made as long as its header says (a sparse file: nothing after the header
 * is written). Headers are not authenticated, so anyone who can write the
 * medium can make one. */
static char *
plant_header_only (const char *folder, const char *genuine_path, guint64 seq, gint64 time)
{
  int fd = open (genuine_path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  g_autoptr (CfdBackupHeader) header = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  char *path;
  gsize len;
  const guint8 *data;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  header = cfd_backup_header_read (fd, (guint64)st.st_size, &error);
  close (fd);
  g_assert_no_error (error);
  header->seq = seq;
  bytes = cfd_backup_header_encode (header);
  data = g_bytes_get_data (bytes, &len);
  name = cfd_backup_file_name (header->vault_id, seq, time);
  path = g_build_filename (folder, name, NULL);
  cfd_test_write_bytes (path, data, len);
  g_assert_cmpint (truncate (path, (off_t)cfd_backup_expected_file_size (header)), ==, 0);
  return path;
}

/* Pruning counts and removes only backups the media ledger records as
 * written to this folder and verified: planted files with the next
 * sequence numbers neither push genuine generations out nor get removed. */
static void
test_prune_trusts_the_ledger (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (CfdBackupInfo) first = backup_ok (vault, folder, 2);
  g_autoptr (CfdBackupInfo) second = backup_ok (vault, folder, 2);
  g_autoptr (CfdBackupInfo) third = NULL;
  g_autoptr (GPtrArray) planted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  guint listed_planted = 0;

  for (guint i = 1; i <= 3; i++)
    g_ptr_array_add (planted, plant_header_only (folder, second->path, second->seq + i,
                                                 G_GINT64_CONSTANT (86400000000) * (1000 + i)));
  list = cfd_backup_list (folder, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    if (((CfdBackupInfo *)g_ptr_array_index (list, i))->seq > second->seq)
      listed_planted++;
  /* The listing shows them (it reads headers only): the danger is real. */
  g_assert_cmpuint (listed_planted, ==, 3);

  third = backup_ok (vault, folder, 2);
  g_assert_cmpuint (third->seq, ==, second->seq + 1);
  /* Two genuine generations kept: the newest two. */
  g_assert_false (g_file_test (first->path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second->path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (third->path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < planted->len; i++)
    g_assert_true (g_file_test (g_ptr_array_index (planted, i), G_FILE_TEST_EXISTS));

  /* And once more: still the two newest genuine ones. */
  {
    g_autoptr (CfdBackupInfo) fourth = backup_ok (vault, folder, 2);

    g_assert_false (g_file_test (second->path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (third->path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (fourth->path, G_FILE_TEST_EXISTS));
  }
}

static void
test_generations (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *other_path = NULL;
  g_autoptr (CfdVault) other = cfd_test_vault_new (&other_path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (CfdBackupInfo) foreign = backup_ok (other, folder, 1);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  guint64 seqs[5];

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 2);

      seqs[i] = info->seq;
      g_assert_true (g_file_test (info->path, G_FILE_TEST_EXISTS));
      /* Two of this vault's, and the other vault's is never touched. */
      g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, MIN (i + 1, 2) + 1);
    }
  g_assert_true (g_file_test (foreign->path, G_FILE_TEST_EXISTS));
  list = cfd_backup_list (folder, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      CfdBackupInfo *info = g_ptr_array_index (list, i);

      if (g_strcmp0 (info->vault_id, cfd_vault_get_id (vault)) == 0)
        g_assert_true (info->seq == seqs[3] || info->seq == seqs[4]);
    }

  /* A backup that fails is no reason to drop one: keeping one generation
   * with a failing write still leaves both. */
  cfd_io_fault_arm (3, EIO);
  g_assert_null (cfd_vault_backup (vault, folder, 1, NULL, NULL, NULL, &error));
  cfd_io_fault_arm (0, 0);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
  g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, 3);
  g_assert_cmpuint (count_files (folder, ".tmp-"), ==, 0);

  g_clear_error (&error);
  g_assert_null (cfd_vault_backup (vault, folder, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

typedef struct
{
  char *path;
  GBytes *bytes;
} Kept;

static void
kept_free (gpointer data)
{
  Kept *kept = data;

  g_free (kept->path);
  g_bytes_unref (kept->bytes);
  g_free (kept);
}

static void
assert_kept (GPtrArray *kept)
{
  for (guint i = 0; i < kept->len; i++)
    {
      Kept *k = g_ptr_array_index (kept, i);
      g_autoptr (GBytes) now = cfd_test_read_bytes (k->path);

      g_assert_true (g_bytes_equal (now, k->bytes));
    }
}

static void
test_fault_at_every_io_call (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (kept_free);
  g_autofree char *id = cfd_test_add_patient (vault, CANARY);
  guint failures = 0;
  guint nth;

  cfd_backup_set_chunk_size_for_testing (4096);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 2);
      Kept *k = g_new0 (Kept, 1);

      k->path = g_strdup (info->path);
      k->bytes = cfd_test_read_bytes (info->path);
      g_ptr_array_add (kept, k);
    }

  for (nth = 1;; nth++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdBackupInfo) info = NULL;
      int err = nth % 3 == 0 ? ENODEV : nth % 3 == 1 ? EIO : ENOSPC;

      cfd_io_fault_arm (nth, err);
      info = cfd_vault_backup (vault, folder, 2, NULL, NULL, NULL, &error);
      /* Done when no call was left to fail, or when the one that failed
       * came after the backup was verified and recorded (flushing the
       * folder after pruning, which costs nothing but space). */
      if (info != NULL)
        {
          cfd_io_fault_arm (0, 0);
          g_assert_true (g_file_test (info->path, G_FILE_TEST_EXISTS));
          break;
        }
      cfd_io_fault_arm (0, 0);
      g_assert_null (info);
      g_assert_nonnull (error);
      g_test_message ("fault %u (%s): %s", nth, g_strerror (err), error->message);
      g_assert_true (error->domain == CFD_ERROR);
      if (err == ENODEV)
        g_assert_error (error, CFD_ERROR, CFD_ERROR_MEDIUM_REMOVED);
      else if (err == ENOSPC)
        g_assert_error (error, CFD_ERROR, CFD_ERROR_NO_SPACE);
      else
        g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
      failures++;

      assert_kept (kept);
      g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, 2);
      g_assert_cmpuint (count_files (folder, ".tmp-"), ==, 0);
      g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
      g_assert_false (cfd_test_dir_contains (folder, CANARY));
    }
  cfd_backup_set_chunk_size_for_testing (0);
  /* Opening, many writes, the file's fsync, the rename, the folder's fsync. */
  g_assert_cmpuint (failures, >, 8);
  /* The backup that finally succeeded replaced the oldest generation. */
  g_assert_false (g_file_test (((Kept *)g_ptr_array_index (kept, 0))->path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, 2);
}

/* The same sweep with the database's own I/O counted too (reserving the
 * sequence, the checkpoint folded into the file, the ledger and audit
 * records). A failure while recording a backup that is already written
 * and verified keeps the file, says so, and prunes nothing. */
static void
test_fault_with_database_io (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *folder = new_folder ();
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (kept_free);
  guint failures = 0, recorded_failures = 0;

  cfd_fault_vfs_install ();
  vault = cfd_test_vault_new (&path, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 2);
      Kept *k = g_new0 (Kept, 1);

      k->path = g_strdup (info->path);
      k->bytes = cfd_test_read_bytes (info->path);
      g_ptr_array_add (kept, k);
    }

  for (guint nth = 1;; nth++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdBackupInfo) info = NULL;
      g_autoptr (GPtrArray) list = NULL;

      guint calls;

      cfd_io_fault_arm (nth, nth % 2 ? EIO : ENODEV);
      info = cfd_vault_backup (vault, folder, 2, NULL, NULL, NULL, &error);
      calls = cfd_io_fault_count ();
      cfd_io_fault_arm (0, 0);
      if (info != NULL && calls < nth)
        break;
      if (info != NULL)
        {
          /* A failure the backup could work around (a checkpoint that did
           * not complete, so the snapshot was made page by page; flushing
           * the folder after pruning): it succeeded, and the two newest
           * are now the ones to keep. */
          g_autoptr (GPtrArray) now = cfd_backup_list (folder, NULL);

          g_assert_cmpuint (now->len, ==, 2);
          g_ptr_array_set_size (kept, 0);
          for (guint i = 0; i < now->len; i++)
            {
              Kept *k = g_new0 (Kept, 1);

              k->path = g_strdup (((CfdBackupInfo *)g_ptr_array_index (now, i))->path);
              k->bytes = cfd_test_read_bytes (k->path);
              g_ptr_array_add (kept, k);
            }
          continue;
        }
      g_assert_nonnull (error);
      g_test_message ("fault %u: %s", nth, error->message);
      failures++;
      assert_kept (kept);
      g_assert_cmpuint (count_files (folder, ".tmp-"), ==, 0);
      g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
      list = cfd_backup_list (folder, NULL);
      if (list->len == 3)
        {
          /* Written and verified; only its record failed. It is good. */
          CfdBackupInfo *newest = g_ptr_array_index (list, 2);
          g_autoptr (CfdBackupInfo) checked = NULL;

          g_assert_true (strstr (error->message, "recording it failed") != NULL);
          checked = cfd_backup_verify (newest->path, NULL, CFD_TEST_PASSPHRASE,
                                       CFD_BACKUP_SECRET_PASSPHRASE, NULL, NULL, NULL, &error);
          g_assert_nonnull (checked);
          g_unlink (newest->path);
          recorded_failures++;
        }
      else
        g_assert_cmpuint (list->len, ==, 2);
      /* The vault is still sound and usable. */
      g_assert_true (cfd_vault_is_unlocked (vault));
    }
  g_assert_cmpuint (failures, >, 10);
  g_assert_cmpuint (recorded_failures, >, 0);
  g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, 2);
}

/* Too little room on the medium is found before anything is written. */
static void
test_no_space (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (CfdBackupInfo) first = backup_ok (vault, folder, 1);
  g_autoptr (GBytes) before = cfd_test_read_bytes (first->path);
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;

  struct stat st_before, st_after;

  g_assert_cmpint (g_stat (folder, &st_before), ==, 0);
  cfd_backup_set_free_space_for_testing (first->file_bytes);
  g_assert_null (cfd_vault_backup (vault, folder, 1, NULL, NULL, NULL, &error));
  cfd_backup_set_free_space_for_testing (0);
  /* Not even a temporary file was made (and removed) in the folder. */
  g_assert_cmpint (g_stat (folder, &st_after), ==, 0);
  g_assert_cmpint (st_after.st_mtim.tv_sec, ==, st_before.st_mtim.tv_sec);
  g_assert_cmpint (st_after.st_mtim.tv_nsec, ==, st_before.st_mtim.tv_nsec);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NO_SPACE);
  g_assert_cmpuint (count_files (folder, ""), ==, 1);
  after = cfd_test_read_bytes (first->path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
}

typedef struct
{
  const char *folder;
  GPtrArray *kept;
  gboolean acted;
} Spoiler;

/* Damages the new file on the medium after it is renamed into place,
 * while it is being read back. */
static void
spoil_during_read_back (guint64 done, guint64 total, gpointer data)
{
  Spoiler *spoiler = data;
  g_autoptr (GPtrArray) list = NULL;

  if (spoiler->acted || total == 0 || done <= total / 2)
    return;
  list = cfd_backup_list (spoiler->folder, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      CfdBackupInfo *info = g_ptr_array_index (list, i);
      gboolean old = FALSE;

      for (guint k = 0; k < spoiler->kept->len; k++)
        old |= g_strcmp0 (((Kept *)g_ptr_array_index (spoiler->kept, k))->path, info->path) == 0;
      if (!old)
        {
          /* In place: the reader holds the file open. */
          int fd = open (info->path, O_RDWR | O_CLOEXEC);
          guint8 byte = 0;

          g_assert_cmpint (fd, >=, 0);
          g_assert_cmpint (pread (fd, &byte, 1, (off_t)info->file_bytes - 40), ==, 1);
          byte ^= 0x10;
          g_assert_cmpint (pwrite (fd, &byte, 1, (off_t)info->file_bytes - 40), ==, 1);
          close (fd);
          spoiler->acted = TRUE;
        }
    }
}

/* A backup that does not read back intact is not a generation: it is
 * removed, the ledger says the medium failed, and nothing older goes. */
static void
test_failed_verify_prunes_nothing (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (kept_free);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  Spoiler spoiler = { folder, kept, FALSE };

  cfd_backup_set_chunk_size_for_testing (4096);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CfdBackupInfo) info = backup_ok (vault, folder, 2);
      Kept *k = g_new0 (Kept, 1);

      k->path = g_strdup (info->path);
      k->bytes = cfd_test_read_bytes (info->path);
      g_ptr_array_add (kept, k);
    }
  g_assert_null (
      cfd_vault_backup (vault, folder, 1, NULL, spoil_during_read_back, &spoiler, &error));
  cfd_backup_set_chunk_size_for_testing (0);
  g_assert_true (spoiler.acted);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  assert_kept (kept);
  g_assert_cmpuint (count_files (folder, CFD_BACKUP_FILE_SUFFIX), ==, 2);
  g_assert_cmpuint (count_audit (vault, "backup.verify", "failure"), ==, 1);
  records = cfd_vault_list_backup_records (vault, NULL);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_false (((CfdBackupRecord *)g_ptr_array_index (records, 0))->verified);
}

typedef struct
{
  const char *folder;
  GCancellable *cancellable;
  gboolean acted;
} MidWrite;

static void
remove_folder_mid_write (guint64 done, guint64 total, gpointer data)
{
  MidWrite *mid = data;

  if (mid->acted || total == 0 || done < total / 8)
    return;
  mid->acted = TRUE;
  cfd_backup_remove_tree (mid->folder);
  g_assert_false (g_file_test (mid->folder, G_FILE_TEST_EXISTS));
}

static void
cancel_mid_write (guint64 done, guint64 total, gpointer data)
{
  MidWrite *mid = data;

  if (mid->acted || total == 0 || done < total / 8)
    return;
  mid->acted = TRUE;
  g_cancellable_cancel (mid->cancellable);
}

static void
test_medium_removed (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GError) error = NULL;
  MidWrite mid = { folder, NULL, FALSE };

  cfd_backup_set_chunk_size_for_testing (4096);
  g_assert_null (cfd_vault_backup (vault, folder, 2, NULL, remove_folder_mid_write, &mid, &error));
  cfd_backup_set_chunk_size_for_testing (0);
  g_assert_true (mid.acted);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_MEDIUM_REMOVED);
  g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
  g_assert_cmpuint (count_audit (vault, "backup.create", "failure"), ==, 1);

  g_clear_error (&error);
  g_assert_null (cfd_vault_backup (vault, folder, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static void
test_cancel (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  MidWrite mid = { folder, cancellable, FALSE };

  cfd_backup_set_chunk_size_for_testing (4096);
  g_assert_null (cfd_vault_backup (vault, folder, 2, cancellable, cancel_mid_write, &mid, &error));
  cfd_backup_set_chunk_size_for_testing (0);
  g_assert_true (mid.acted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_files (folder, ""), ==, 0);
  g_assert_cmpuint (count_files (path, ".backup-"), ==, 0);
}

static void
make_scratch (const char *path, gboolean is_dir, gint64 age_seconds)
{
  struct utimbuf times;
  gint64 when = g_get_real_time () / G_USEC_PER_SEC - age_seconds;

  if (is_dir)
    {
      g_autofree char *inner = g_build_filename (path, "snapshot.db", NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      cfd_test_write_bytes (inner, (const guint8 *)"scratch", 7);
    }
  else
    cfd_test_write_bytes (path, (const guint8 *)"scratch", 7);
  times.actime = times.modtime = (time_t)when;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* What a killed backup left behind goes once it is stale; what may belong
 * to a backup still running stays. */
static void
test_stale_scratch (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autofree char *prefix = g_strdup_printf ("confidant-%.8s-", cfd_vault_get_id (vault));
  g_autofree char *old_dir = g_build_filename (path, ".backup-OLD123", NULL);
  g_autofree char *new_dir = g_build_filename (path, ".backup-NEW123", NULL);
  g_autofree char *old_tmp
      = g_strdup_printf ("%s/%s000001-x" CFD_BACKUP_FILE_SUFFIX ".tmp-OLD123", folder, prefix);
  g_autofree char *new_tmp
      = g_strdup_printf ("%s/%s000002-x" CFD_BACKUP_FILE_SUFFIX ".tmp-NEW123", folder, prefix);
  g_autofree char *other_tmp
      = g_build_filename (folder, "confidant-ffffffff-000001-x.cfdbackup.tmp-OLD", NULL);
  g_autoptr (CfdBackupInfo) info = NULL;

  make_scratch (old_dir, TRUE, 2 * 86400);
  make_scratch (new_dir, TRUE, 60);
  make_scratch (old_tmp, FALSE, 2 * 86400);
  make_scratch (new_tmp, FALSE, 60);
  make_scratch (other_tmp, FALSE, 2 * 86400);
  info = backup_ok (vault, folder, 2);
  g_assert_false (g_file_test (old_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_tmp, G_FILE_TEST_EXISTS));
  /* Another vault's is not this vault's to judge. */
  g_assert_true (g_file_test (other_tmp, G_FILE_TEST_EXISTS));
  cfd_backup_remove_tree (new_dir);
}

static void
test_supervisor_denied (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                            "compass thistle marble 47", &error);

  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Supervisor", "compass thistle marble 47", &error));
  g_assert_null (cfd_vault_backup (vault, folder, 2, NULL, NULL, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_cmpuint (count_files (folder, ""), ==, 0);
}

typedef struct
{
  GMainLoop *loop;
  GThread *main_thread;
  guint progress_calls;
  guint64 last_done;
  CfdBackupInfo *info;
  GError *error;
} AsyncState;

static void
async_progress (guint64 done, guint64 total, gpointer data)
{
  AsyncState *state = data;

  g_assert_true (g_thread_self () == state->main_thread);
  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, state->last_done);
  state->last_done = done;
  state->progress_calls++;
}

static void
backup_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncState *state = data;

  state->info = cfd_vault_backup_finish (CFD_VAULT (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
restore_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncState *state = data;

  state->info = cfd_backup_restore_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
test_async (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = new_folder ();
  g_autofree char *target = cfd_test_make_dir ();
  AsyncState state = { g_main_loop_new (NULL, FALSE), g_thread_self (), 0, 0, NULL, NULL };
  g_autofree char *first = cfd_test_add_patient (vault, "Async Patient Before");
  g_autofree char *second = NULL;
  g_autoptr (CfdVault) copy = NULL;
  g_autoptr (GHashTable) names = NULL;

  cfd_backup_set_chunk_size_for_testing (4096);
  cfd_vault_backup_async (vault, folder, 2, NULL, async_progress, &state, backup_done, &state);
  /* The vault stays usable while the backup runs on its own connection. */
  second = cfd_test_add_patient (vault, "Async Patient During");
  g_main_loop_run (state.loop);
  cfd_backup_set_chunk_size_for_testing (0);
  g_assert_no_error (state.error);
  g_assert_nonnull (state.info);
  g_assert_cmpuint (state.progress_calls, >, 1);
  g_assert_cmpuint (state.last_done, ==, 2 * state.info->file_bytes);

  {
    g_autofree char *file = g_strdup (state.info->path);

    g_clear_pointer (&state.info, cfd_backup_info_free);
    state.progress_calls = 0;
    state.last_done = 0;
    cfd_backup_restore_async (file, target, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                              CFD_RESTORE_FLAGS_NONE, NULL, async_progress, &state, restore_done,
                              &state);
    g_main_loop_run (state.loop);
  }
  g_assert_no_error (state.error);
  g_assert_nonnull (state.info);
  g_assert_cmpuint (state.progress_calls, >, 1);
  copy = open_restored (target, NULL, CFD_TEST_PASSPHRASE);
  names = patient_names (copy);
  g_assert_true (names_have (names, "Async Patient Before"));
  cfd_backup_info_free (state.info);
  g_main_loop_unref (state.loop);
}

static void
test_media (void)
{
  g_autoptr (GPtrArray) media = cfd_backup_media_list ();
  g_autofree char *folder = new_folder ();
  g_autofree char *missing = cfd_test_make_dir ();
  g_autoptr (CfdBackupMedium) medium = NULL;
  g_autoptr (GError) error = NULL;

  /* Whatever this machine has plugged in: each is a mounted folder. */
  for (guint i = 0; i < media->len; i++)
    {
      CfdBackupMedium *m = g_ptr_array_index (media, i);

      g_assert_true (g_file_test (m->path, G_FILE_TEST_IS_DIR));
      g_assert_true (m->removable);
      g_assert_nonnull (m->label);
      g_assert_nonnull (m->uuid);
    }

  medium = cfd_backup_medium_for_folder (folder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (medium->path, ==, folder);
  g_assert_nonnull (medium->label);
  g_assert_cmpuint (medium->free_bytes, >, 0);

  g_assert_null (cfd_backup_medium_for_folder (missing, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static char *
fixture_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "backup", "v1.cfdbackup", NULL);
}

/* Regenerate (only when the format changes on purpose, with a new
 * version): CFD_TEST_WRITE_FIXTURE=1 test-backup -p /confidant/backup/fixture */
static void
write_fixture (void)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault
      = cfd_vault_create (path, "Test Owner", FIXTURE_PASSPHRASE, &recovery, &error);
  const char *const names[] = { FIXTURE_PATIENT_1, FIXTURE_PATIENT_2 };
  g_autofree char *folder = new_folder ();
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autofree char *out = fixture_path ();
  g_autofree char *key_out = g_strconcat (out, ".recovery-key", NULL);
  g_autoptr (GBytes) bytes = NULL;

  g_assert_no_error (error);
  /* Not cfd_test_add_patient: the fixture's names are fixed, not tagged. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GVariantDict dict;
      g_autofree char *id = NULL;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", names[i]);
      id = cfd_vault_add_patient (vault, g_variant_dict_end (&dict), &error);
      g_assert_no_error (error);
    }
  cfd_backup_set_chunk_size_for_testing (4096);
  info = backup_ok (vault, folder, 1);
  cfd_backup_set_chunk_size_for_testing (0);
  bytes = cfd_test_read_bytes (info->path);
  cfd_test_write_bytes (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  cfd_test_write_bytes (key_out, (const guint8 *)recovery, strlen (recovery));
  g_test_message ("wrote %s (vault %s)", out, cfd_vault_get_id (vault));
}

static void
test_fixture (void)
{
  g_autofree char *path = fixture_path ();
  g_autofree char *key_path = g_strconcat (path, ".recovery-key", NULL);
  g_autofree char *recovery = NULL;
  g_autofree char *target = cfd_test_make_dir ();
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) copy = NULL;
  g_autoptr (GHashTable) names = NULL;

  if (g_getenv ("CFD_TEST_WRITE_FIXTURE") != NULL)
    write_fixture ();

  info = cfd_backup_read_info (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->seq, ==, 1);
  g_assert_cmpuint (strlen (info->vault_id), ==, 32);
  g_clear_pointer (&info, cfd_backup_info_free);

  info = cfd_backup_verify (path, "Test Owner", FIXTURE_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, cfd_backup_info_free);

  g_assert_true (g_file_get_contents (key_path, &recovery, NULL, NULL));
  info = cfd_backup_restore (path, target, NULL, recovery, CFD_BACKUP_SECRET_RECOVERY_KEY,
                             CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  copy = open_restored (target, "Test Owner", FIXTURE_PASSPHRASE);
  names = patient_names (copy);
  g_assert_cmpuint (g_hash_table_size (names), ==, 2);
  g_assert_true (g_hash_table_contains (names, FIXTURE_PATIENT_1));
  g_assert_true (g_hash_table_contains (names, FIXTURE_PATIENT_2));
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

#define ADD_F(name, func) \
  g_test_add ("/confidant/backup/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/confidant/backup/round-trip", test_round_trip);
  g_test_add_func ("/confidant/backup/sequence-and-ledger", test_sequence_and_ledger);
  g_test_add_func ("/confidant/backup/snapshot-with-reader", test_snapshot_with_reader);
  g_test_add_func ("/confidant/backup/no-canary", test_no_canary_anywhere);
  ADD_F ("reject/truncated", test_truncated);
  ADD_F ("reject/trailing-byte", test_trailing_byte);
  ADD_F ("reject/swapped-chunks", test_swapped_chunks);
  ADD_F ("reject/flipped-bits", test_flipped_bits);
  ADD_F ("reject/swapped-header", test_swapped_header);
  ADD_F ("reject/wrong-secret", test_wrong_secret);
  ADD_F ("reject/unsupported-version", test_unsupported_version);
  ADD_F ("restore/damaged-leaves-nothing", test_damaged_restore_leaves_nothing);
  ADD_F ("restore/refuses-existing", test_restore_refuses_existing);
  ADD_F ("verify/ledger", test_vault_verify_and_ledger);
  g_test_add_func ("/confidant/backup/generations", test_generations);
  g_test_add_func ("/confidant/backup/generations/ledger-only", test_prune_trusts_the_ledger);
  g_test_add_func ("/confidant/backup/fault/every-io-call", test_fault_at_every_io_call);
  g_test_add_func ("/confidant/backup/fault/with-database-io", test_fault_with_database_io);
  g_test_add_func ("/confidant/backup/fault/medium-removed", test_medium_removed);
  g_test_add_func ("/confidant/backup/fault/no-space", test_no_space);
  g_test_add_func ("/confidant/backup/generations/failed-verify",
                   test_failed_verify_prunes_nothing);
  g_test_add_func ("/confidant/backup/cancel", test_cancel);
  g_test_add_func ("/confidant/backup/stale-scratch", test_stale_scratch);
  g_test_add_func ("/confidant/backup/supervisor-denied", test_supervisor_denied);
  g_test_add_func ("/confidant/backup/async", test_async);
  g_test_add_func ("/confidant/backup/media", test_media);
  g_test_add_func ("/confidant/backup/fixture", test_fixture);
  return g_test_run ();
}
