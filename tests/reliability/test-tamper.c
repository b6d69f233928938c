/* test-tamper.c: single-byte flips anywhere in the database, its WAL or the keyring are refused or harmless. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-backup.h"
#include "cfd-test-check.h"

static const char *const names[] = {
  "Quillon Vexmartyr", "Ada Lovelace", "Grace Hopper",
  "Mary Somerville",   "Emmy Noether", "Lise Meitner",
};

typedef enum
{
  OUTCOME_REFUSED_OPEN,   /* cfd_vault_open: the keyring was refused */
  OUTCOME_REFUSED_UNLOCK, /* cfd_vault_unlock failed */
  OUTCOME_REFUSED_READ,   /* listing the patients failed */
  OUTCOME_FOUND_BY_CHECK, /* integrity_check or the audit chain */
  OUTCOME_DISCARDED,      /* the last transaction, broken, discarded and reported as such */
  OUTCOME_PADDING,        /* in the bytes after a page's HMAC, which nothing covers */
  OUTCOME_SUPERSEDED,     /* in a database page the WAL holds a newer copy of */
  OUTCOME_UNNOTICED,      /* anything else unnoticed: fails the test */
  N_OUTCOMES
} Outcome;

static const char *const outcome_names[] = {
  "refused at open",
  "refused at unlock",
  "refused when reading",
  "found by integrity_check/audit chain",
  "last transaction discarded, reported",
  "unnoticed: unauthenticated page padding",
  "unnoticed: stale page superseded by the WAL",
  "unnoticed",
};

/* SQLCipher 3 pages: 4096 bytes, of which the last 48 are reserved: IV
 * (16), HMAC-SHA1 (20) over the encrypted data and the IV, then 12 bytes
 * of padding to the cipher block size that no HMAC covers. */
#define PAGE_BYTES             4096
#define PAGE_PADDING_START     (PAGE_BYTES - 48 + 16 + 20)
#define WAL_HEADER_BYTES       32
#define WAL_FRAME_HEADER_BYTES 24

typedef struct
{
  GBytes *db;
  GBytes *wal; /* NULL: checkpointed */
  GBytes *keyring;
  GHashTable *ids;       /* id -> name, all patients */
  GHashTable *wal_pages; /* page numbers with a copy in the WAL */
  guint checkpointed;    /* patients in the database file itself */
} Snapshot;

typedef struct
{
  guint counts[N_OUTCOMES];
  GHashTable *codes; /* "where: code" -> count */
  GString *unnoticed_offsets;
  int last_code; /* of the last flip's error, -1 for none */
} Tally;

static guint
env_uint (const char *name, guint fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? (guint)g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
write_bytes (const char *dir, const char *name, GBytes *bytes, gssize flip_at, guint8 mask)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);

  if (flip_at >= 0)
    copy[flip_at] ^= mask;
  cfd_test_write_bytes (path, copy, len);
}

static void
snapshot_free (Snapshot *s)
{
  g_clear_pointer (&s->db, g_bytes_unref);
  g_clear_pointer (&s->wal, g_bytes_unref);
  g_clear_pointer (&s->keyring, g_bytes_unref);
  g_clear_pointer (&s->ids, g_hash_table_unref);
  g_clear_pointer (&s->wal_pages, g_hash_table_unref);
}

/* A vault with three patients checkpointed into the database file, and
 * with_wal: three more in WAL frames not yet copied back into it. */
static void
snapshot_init (Snapshot *s, gboolean with_wal)
{
  g_autofree char *path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *keyring_path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GError) error = NULL;

  s->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->wal_pages = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < 3; i++)
    g_hash_table_insert (s->ids, cfd_test_add_patient (vault, names[i]), (gpointer)names[i]);
  s->checkpointed = 3;
  /* Closing the last connection checkpoints and removes the WAL. */
  g_clear_object (&vault);

  db_path = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  wal_path = g_strconcat (db_path, "-wal", NULL);
  keyring_path = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);
  g_assert_false (g_file_test (wal_path, G_FILE_TEST_EXISTS));

  if (with_wal)
    {
      vault = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);
      g_assert_no_error (error);
      for (guint i = 3; i < G_N_ELEMENTS (names); i++)
        g_hash_table_insert (s->ids, cfd_test_add_patient (vault, names[i]), (gpointer)names[i]);
      /* Copied while the vault is open and idle: the state a power cut
       * would leave. */
      s->wal = cfd_test_read_bytes (wal_path);
      g_assert_cmpuint (g_bytes_get_size (s->wal), >, 0);
      for (gsize at = WAL_HEADER_BYTES;
           at + WAL_FRAME_HEADER_BYTES + PAGE_BYTES <= g_bytes_get_size (s->wal);
           at += WAL_FRAME_HEADER_BYTES + PAGE_BYTES)
        {
          const guint8 *frame = (const guint8 *)g_bytes_get_data (s->wal, NULL) + at;
          guint32 page = (guint32)frame[0] << 24 | (guint32)frame[1] << 16 | (guint32)frame[2] << 8
                         | frame[3];

          g_hash_table_add (s->wal_pages, GUINT_TO_POINTER (page));
        }
    }
  s->db = cfd_test_read_bytes (db_path);
  s->keyring = cfd_test_read_bytes (keyring_path);
}

static void
count_code (Tally *t, const char *where, const GError *error)
{
  static const char *const codes[] = {
    "FAILED",          "WRONG_PASSPHRASE", "WRONG_RECOVERY_KEY", "DAMAGED_DATABASE",
    "DAMAGED_KEYRING", "TAMPERED",         "NOT_PERMITTED",      "UNSUPPORTED_VERSION",
  };
  g_autofree char *key = NULL;

  g_assert_true (error->domain == CFD_ERROR);
  t->last_code = error->code;
  key = g_strdup_printf ("%s: %s", where,
                         (guint)error->code < G_N_ELEMENTS (codes) ? codes[error->code] : "other");

  g_hash_table_insert (
      t->codes, g_strdup (key),
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (t->codes, key)) + 1));
}

/* No patient's name may leak into an error message. */
static void
assert_clean_message (const GError *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_null (strstr (error->message, names[i]));
}

static Outcome
try_flip (const Snapshot *s, const char *dir, Tally *t)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_vault_open (dir, &error);
  g_autoptr (GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (vault == NULL)
    {
      assert_clean_message (error);
      count_code (t, "open", error);
      g_assert_true (g_error_matches (error, CFD_ERROR, CFD_ERROR_DAMAGED_KEYRING)
                     || g_error_matches (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION));
      return OUTCOME_REFUSED_OPEN;
    }
  if (!cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error))
    {
      assert_clean_message (error);
      count_code (t, "unlock", error);
      g_assert_true (error->domain == CFD_ERROR);
      g_assert_true (
          error->code == CFD_ERROR_DAMAGED_DATABASE || error->code == CFD_ERROR_DAMAGED_KEYRING
          || error->code == CFD_ERROR_WRONG_PASSPHRASE || error->code == CFD_ERROR_TAMPERED
          || error->code == CFD_ERROR_UNSUPPORTED_VERSION);
      return OUTCOME_REFUSED_UNLOCK;
    }

  seen = cfd_test_patient_names (vault, &error);
  if (seen == NULL)
    {
      assert_clean_message (error);
      count_code (t, "read", error);
      g_assert_true (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED)
                     || g_error_matches (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE));
      return OUTCOME_REFUSED_READ;
    }

  /* Whatever is returned is exactly what was saved: never other text. */
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_true (g_hash_table_contains (s->ids, key));
      g_assert_true (cfd_test_name_is (value, g_hash_table_lookup (s->ids, key)));
    }

  if (!cfd_test_check_integrity (vault, &error)
      || !cfd_test_check_audit_chain (vault, NULL, &error))
    {
      count_code (t, "check", error);
      return OUTCOME_FOUND_BY_CHECK;
    }
  /* A flip in the WAL's last transaction cannot be told from a power cut
   * during it: SQLite drops that transaction, and the unlock says so. No
   * earlier commit may go, and nothing may go without a word. */
  if (cfd_vault_get_discarded_broken_write (vault))
    {
      g_assert_nonnull (s->wal);
      g_assert_cmpuint (g_hash_table_size (seen) + 1, >=, g_hash_table_size (s->ids));
      return OUTCOME_DISCARDED;
    }
  if (g_hash_table_size (seen) < g_hash_table_size (s->ids))
    g_error ("a flip rolled the vault back to %u of %u patients without a word",
             g_hash_table_size (seen), g_hash_table_size (s->ids));
  return OUTCOME_UNNOTICED;
}

/* Thousands of unlocks, each syncing its audit record: on a RAM disk when
 * there is one, since what is tested here is reading, not durability. */
static char *
scratch_dir (void)
{
  char *dir = NULL;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && g_access ("/dev/shm", W_OK) == 0)
    dir = g_mkdtemp (g_strdup ("/dev/shm/confidant-tamper-XXXXXX"));
  return dir != NULL ? dir : cfd_test_make_dir ();
}

static void
remove_scratch (const char *dir)
{
  static const char *const files[]
      = { CFD_VAULT_DATABASE_NAME, CFD_VAULT_DATABASE_NAME "-wal", CFD_VAULT_DATABASE_NAME "-shm",
          CFD_VAULT_KEYRING_NAME, CFD_VAULT_KEYRING_NAME ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

typedef enum
{
  TARGET_DB,
  TARGET_WAL,
  TARGET_KEYRING,
} Target;

static void
run_flips (gboolean with_wal, Target target)
{
  static guint runs;
  Snapshot s = { 0 };
  Tally t = { 0 };
  guint flips = env_uint ("CFD_TAMPER_FLIPS", 1000);
  guint32 seed = g_getenv ("CFD_TAMPER_SEED") != NULL
                     ? (guint32)g_ascii_strtoull (g_getenv ("CFD_TAMPER_SEED"), NULL, 10)
                     : (guint32)g_get_real_time () + runs++;
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *dir = scratch_dir ();
  g_autofree char *wal_path = g_build_filename (dir, CFD_VAULT_DATABASE_NAME "-wal", NULL);
  g_autofree char *shm_path = g_build_filename (dir, CFD_VAULT_DATABASE_NAME "-shm", NULL);
  GBytes *victim;
  g_autoptr (GString) summary = g_string_new (NULL);

  snapshot_init (&s, with_wal);
  victim = target == TARGET_DB ? s.db : target == TARGET_WAL ? s.wal : s.keyring;
  t.codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.unnoticed_offsets = g_string_new (NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  for (guint i = 0; i < flips; i++)
    {
      gssize at = g_rand_int_range (rand, 0, (gint32)g_bytes_get_size (victim));
      guint8 mask = (guint8)g_rand_int_range (rand, 1, 256);
      Outcome outcome;

      g_unlink (wal_path);
      g_unlink (shm_path);
      write_bytes (dir, CFD_VAULT_DATABASE_NAME, s.db, target == TARGET_DB ? at : -1, mask);
      write_bytes (dir, CFD_VAULT_KEYRING_NAME, s.keyring, target == TARGET_KEYRING ? at : -1,
                   mask);
      if (s.wal != NULL)
        write_bytes (dir, CFD_VAULT_DATABASE_NAME "-wal", s.wal, target == TARGET_WAL ? at : -1,
                     mask);
      t.last_code = -1;
      outcome = try_flip (&s, dir, &t);
      /* The keyring check value tells a damaged database from a wrong key,
       * and the salt is the only part of the database the keyring checks. */
      if (target == TARGET_DB && t.last_code == CFD_ERROR_DAMAGED_KEYRING)
        g_assert_cmpint (at, <, 16);
      if (outcome == OUTCOME_UNNOTICED && target == TARGET_DB)
        {
          /* Harmless, and the only flips allowed to go unnoticed: bytes no
           * read ever uses, or a stale copy the next checkpoint overwrites. */
          if (at % PAGE_BYTES >= PAGE_PADDING_START)
            outcome = OUTCOME_PADDING;
          else if (g_hash_table_contains (s.wal_pages, GUINT_TO_POINTER (at / PAGE_BYTES + 1)))
            outcome = OUTCOME_SUPERSEDED;
        }
      t.counts[outcome]++;
      if (outcome == OUTCOME_UNNOTICED)
        g_string_append_printf (t.unnoticed_offsets, " %" G_GSSIZE_FORMAT, at);
    }

  g_string_append_printf (summary, "%s%s: %u flips (seed %u, file %" G_GSIZE_FORMAT " bytes):",
                          target == TARGET_DB    ? "database"
                          : target == TARGET_WAL ? "WAL"
                                                 : "keyring",
                          with_wal ? " with WAL frames" : ", checkpointed", flips, seed,
                          g_bytes_get_size (victim));
  for (guint o = 0; o < N_OUTCOMES; o++)
    if (t.counts[o] > 0)
      g_string_append_printf (summary, " %s %u;", outcome_names[o], t.counts[o]);
  g_test_message ("%s", summary->str);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, t.codes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_test_message ("  %s: %u", (const char *)key, GPOINTER_TO_UINT (value));
  }
  if (t.unnoticed_offsets->len > 0)
    g_test_message ("  unnoticed at:%s", t.unnoticed_offsets->str);

  /* The keyring is checksummed as a whole, the WAL frame by frame, and
   * every database page but its padding carries an HMAC. */
  g_assert_cmpuint (t.counts[OUTCOME_UNNOTICED], ==, 0);

  g_hash_table_unref (t.codes);
  g_string_free (t.unnoticed_offsets, TRUE);
  remove_scratch (dir);
  snapshot_free (&s);
}

static void
test_db_checkpointed (void)
{
  run_flips (FALSE, TARGET_DB);
}

static void
test_db_with_wal (void)
{
  run_flips (TRUE, TARGET_DB);
}

static void
test_wal (void)
{
  run_flips (TRUE, TARGET_WAL);
}

static void
test_keyring (void)
{
  run_flips (FALSE, TARGET_KEYRING);
}

/* A backup: the reader must refuse any flipped byte (chunks are AEAD, the
 * header is the first chunk's associated data); none may pass. */
static void
test_backup (void)
{
  guint flips = env_uint ("CFD_TAMPER_FLIPS", 1000);
  guint32 seed = g_getenv ("CFD_TAMPER_SEED") != NULL
                     ? (guint32)g_ascii_strtoull (g_getenv ("CFD_TAMPER_SEED"), NULL, 10)
                     : (guint32)g_get_real_time ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *folder = cfd_test_make_dir ();
  g_autofree char *dir = scratch_dir ();
  g_autofree char *copy = g_build_filename (dir, "flipped" CFD_BACKUP_FILE_SUFFIX, NULL);
  g_autoptr (GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GBytes) original = NULL;
  g_autoptr (GError) error = NULL;
  guint header_refused = 0;

  {
    g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
    g_autoptr (CfdBackupInfo) info = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      g_free (cfd_test_add_patient (vault, names[i]));
    g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
    info = cfd_vault_backup (vault, folder, 1, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    original = cfd_test_read_bytes (info->path);
  }

  for (guint i = 0; i < flips; i++)
    {
      gssize at = g_rand_int_range (rand, 0, (gint32)g_bytes_get_size (original));
      guint8 mask = (guint8)g_rand_int_range (rand, 1, 256);
      g_autoptr (CfdBackupInfo) header = NULL;
      g_autoptr (CfdBackupInfo) verified = NULL;
      g_autoptr (GError) header_error = NULL;
      Tally t = { .codes = codes };

      write_bytes (dir, "flipped" CFD_BACKUP_FILE_SUFFIX, original, at, mask);
      /* Reading the header alone proves nothing, but must not crash. */
      header = cfd_backup_read_info (copy, &header_error);
      header_refused += header == NULL;
      verified = cfd_backup_verify (copy, NULL, CFD_TEST_PASSPHRASE, CFD_BACKUP_SECRET_PASSPHRASE,
                                    NULL, NULL, NULL, &error);
      if (verified != NULL)
        g_error ("a backup with byte %" G_GSSIZE_FORMAT " flipped verified", at);
      g_assert_nonnull (error);
      assert_clean_message (error);
      count_code (&t, "verify", error);
      g_clear_error (&error);
    }

  g_test_message ("backup: %u flips (seed %u, file %" G_GSIZE_FORMAT " bytes): all refused by "
                  "verification, %u already by the header reader",
                  flips, seed, g_bytes_get_size (original), header_refused);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, codes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_test_message ("  %s: %u", (const char *)key, GPOINTER_TO_UINT (value));
  }
  g_unlink (copy);
  remove_scratch (dir);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_test_allow_best_effort_warnings ();

  g_test_add_func ("/confidant/tamper/database/checkpointed", test_db_checkpointed);
  g_test_add_func ("/confidant/tamper/database/with-wal", test_db_with_wal);
  g_test_add_func ("/confidant/tamper/wal", test_wal);
  g_test_add_func ("/confidant/tamper/keyring", test_keyring);
  g_test_add_func ("/confidant/tamper/backup", test_backup);
  return g_test_run ();
}
