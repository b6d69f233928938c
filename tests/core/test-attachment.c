/* test-attachment.c: files filed to a patient: the round trip, what is refused, tampering, rotation, supervisors, shredding. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "cfd-attachment.h"
#include "cfd-consent.h"
#include "cfd-disclosure.h"
#include "cfd-patient-key.h"
#include "cfd-retention.h"
#include "cfd-test-util.h"

#define SUPERVISOR_PASS "supervisor passphrase"

static const CfdDisclosureTerms terms = {
  .recipient = "Dr. Lee, Northside Psychiatry",
  .purpose = "continuity of care",
  .basis = "treatment",
};

/* A PDF of n bytes: its signature, filler that varies, its end. */
static GBytes *
pdf_bytes (gsize n)
{
  guint8 *data = g_malloc (n);

  g_assert_cmpuint (n, >=, 16);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8)((i * 131u) ^ (i >> 9));
  memcpy (data, "%PDF-1.7\n", 9);
  memcpy (data + n - 6, "%%EOF\n", 6);
  return g_bytes_new_take (data, n);
}

static GBytes *
png_bytes (void)
{
  static const guint8 png[]
      = { 0x89, 'P',  'N',  'G', '\r', '\n', 0x1a, '\n', 0,   0,   0,   13,   'I',  'H',  'D',
          'R',  0,    0,    0,   1,    0,    0,    0,    1,   8,   2,   0,    0,    0,    0x90,
          0x77, 0x53, 0xde, 0,   0,    0,    0,    'I',  'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

  return g_bytes_new_static (png, sizeof png);
}

/* A folder of files to attach. */
static char *
make_dir (void)
{
  char *dir = cfd_test_make_dir ();

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static char *
write_file (const char *dir, const char *name, GBytes *bytes)
{
  char *path = g_build_filename (dir, name, NULL);

  cfd_test_write_bytes (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return path;
}

static char *
attach (CfdVault *vault, const char *patient, const char *path, const char *title)
{
  g_autoptr (GError) error = NULL;
  char *id
      = cfd_vault_add_attachment (vault, patient, CFD_ATTACHMENT_REFERRAL, title, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static gint64
count (CfdVault *vault, const char *sql)
{
  return cfd_test_count_rows (vault, sql);
}

static void
raw_exec_ok (CfdVault *vault, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_round_trip (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Filed Person");
  g_autofree char *dir = make_dir ();
  /* Three chunks and a bit. */
  g_autoptr (GBytes) content = pdf_bytes (3 * CFD_ATTACHMENT_CHUNK_BYTES + 1000);
  g_autofree char *path = write_file (dir, "Referral letter.PDF.exe", content);
  g_autofree char *out = g_build_filename (dir, "copy.pdf", NULL);
  g_autofree char *id = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (CfdAttachment) a = NULL;
  g_autoptr (GBytes) opened = NULL;
  g_autoptr (GBytes) exported = NULL;
  g_autoptr (GError) error = NULL;
  guint8 hash[CFD_HASH_BYTES];
  g_autofree char *hash_hex = NULL;

  id = attach (vault, patient, path, "Referral from Dr. Okafor");
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachment_chunks"), ==, 4);
  list = cfd_vault_list_attachments (vault, patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  a = g_list_model_get_item (list, 0);
  g_assert_cmpstr (cfd_attachment_get_id (a), ==, id);
  g_assert_cmpstr (cfd_attachment_get_title (a), ==, "Referral from Dr. Okafor");
  /* The name is kept without its folder, with the extension of what it is. */
  g_assert_cmpstr (cfd_attachment_get_file_name (a), ==, "Referral letter.PDF.pdf");
  g_assert_cmpstr (cfd_attachment_get_media_type (a), ==, CFD_MEDIA_PDF);
  g_assert_cmpuint (cfd_attachment_get_size (a), ==, g_bytes_get_size (content));
  g_assert_cmpint (cfd_attachment_get_kind (a), ==, CFD_ATTACHMENT_REFERRAL);
  g_assert_cmpstr (cfd_attachment_get_actor_name (a), ==, "Test Owner");
  g_assert_false (cfd_attachment_is_image (a));
  crypto_generichash (hash, sizeof hash, g_bytes_get_data (content, NULL),
                      g_bytes_get_size (content), NULL, 0);
  hash_hex = cfd_hex_encode (hash, sizeof hash);
  g_assert_cmpstr (cfd_attachment_get_hash_hex (a), ==, hash_hex);

  opened = cfd_vault_open_attachment (vault, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, content));

  g_assert_true (cfd_vault_export_attachment (vault, id, &terms, out, FALSE, &error));
  g_assert_no_error (error);
  exported = cfd_test_read_bytes (out);
  g_assert_true (g_bytes_equal (exported, content));
  /* Never over an existing file unless asked. */
  g_assert_false (cfd_vault_export_attachment (vault, id, &terms, out, FALSE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (cfd_vault_export_attachment (vault, id, &terms, out, TRUE, &error));
  g_assert_no_error (error);
  /* Each export is in the accounting; opening and listing are audited. */
  g_assert_cmpint (count (vault, "SELECT count(*) FROM disclosures"), ==, 2);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                 "'attachment.export' AND outcome = 'success'"),
                   ==, 2);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                 "'attachment.open' AND outcome = 'success'"),
                   ==, 1);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                 "'attachment.list' AND outcome = 'success'"),
                   ==, 1);
  /* Without terms it does not leave. */
  g_unlink (out);
  g_assert_false (cfd_vault_export_attachment (vault, id, NULL, out, FALSE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  /* Nothing of the content is in the clear in the vault's folder. */
  g_assert_false (cfd_test_dir_contains (dir, "Referral from"));
}

static void
test_image (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Imaged Person");
  g_autofree char *dir = make_dir ();
  g_autoptr (GBytes) content = png_bytes ();
  g_autofree char *path = write_file (dir, ".scan", content);
  g_autofree char *id = attach (vault, patient, path, NULL);
  g_autoptr (GListModel) list = cfd_vault_list_attachments (vault, patient, NULL);
  g_autoptr (CfdAttachment) a = g_list_model_get_item (list, 0);
  g_autoptr (GBytes) opened = cfd_vault_open_attachment (vault, id, NULL);

  g_assert_cmpstr (cfd_attachment_get_media_type (a), ==, CFD_MEDIA_PNG);
  g_assert_cmpstr (cfd_attachment_get_file_name (a), ==, "scan.png");
  g_assert_cmpstr (cfd_attachment_get_title (a), ==, "scan.png");
  g_assert_true (cfd_attachment_is_image (a));
  g_assert_true (g_bytes_equal (opened, content));
}

static void
assert_refused (CfdVault *vault, const char *patient, const char *path, int code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id
      = cfd_vault_add_attachment (vault, patient, CFD_ATTACHMENT_OTHER, NULL, path, &error);

  g_assert_null (id);
  g_assert_error (error, CFD_ERROR, code);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachments"), ==, 0);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachment_chunks"), ==, 0);
}

static void
test_refused (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Refused Person");
  g_autofree char *dir = make_dir ();
  g_autoptr (GBytes) text = g_bytes_new_static ("Dear colleague,\n", 16);
  static const char zip_data[] = "PK\x03\x04 not a pdf %%EOF";
  g_autoptr (GBytes) zip = g_bytes_new_static (zip_data, sizeof zip_data - 1);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) pdf = pdf_bytes (4096);
  g_autoptr (GBytes) cut_pdf = g_bytes_new_from_bytes (pdf, 0, 4000);
  g_autoptr (GBytes) png = png_bytes ();
  g_autoptr (GBytes) cut_png = g_bytes_new_from_bytes (png, 0, g_bytes_get_size (png) - 4);
  g_autofree char *text_path = write_file (dir, "letter.pdf", text);
  g_autofree char *zip_path = write_file (dir, "archive.pdf", zip);
  g_autofree char *empty_path = write_file (dir, "empty.pdf", empty);
  g_autofree char *cut_pdf_path = write_file (dir, "cut.pdf", cut_pdf);
  g_autofree char *cut_png_path = write_file (dir, "cut.png", cut_png);
  g_autofree char *pdf_path = write_file (dir, "whole.pdf", pdf);
  g_autofree char *link_path = g_build_filename (dir, "link.pdf", NULL);
  g_autofree char *big_path = g_build_filename (dir, "big.pdf", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.pdf", NULL);
  int fd;

  /* Type by content: a name says nothing. */
  assert_refused (vault, patient, text_path, CFD_ERROR_INVALID_INPUT);
  assert_refused (vault, patient, zip_path, CFD_ERROR_INVALID_INPUT);
  assert_refused (vault, patient, empty_path, CFD_ERROR_INVALID_INPUT);
  assert_refused (vault, patient, dir, CFD_ERROR_INVALID_INPUT);
  assert_refused (vault, patient, missing_path, CFD_ERROR_NOT_FOUND);
  /* A file cut short. */
  assert_refused (vault, patient, cut_pdf_path, CFD_ERROR_TRUNCATED);
  assert_refused (vault, patient, cut_png_path, CFD_ERROR_TRUNCATED);
  /* A symbolic link is not followed. */
  g_assert_cmpint (symlink (pdf_path, link_path), ==, 0);
  assert_refused (vault, patient, link_path, CFD_ERROR_INVALID_INPUT);
  /* Over the limit (a sparse file: its size is refused before reading). */
  fd = open (big_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "%PDF-1.4\n", 9), ==, 9);
  g_assert_cmpint (ftruncate (fd, CFD_ATTACHMENT_MAX_BYTES + 1), ==, 0);
  g_assert_cmpint (pwrite (fd, "%%EOF", 5, CFD_ATTACHMENT_MAX_BYTES + 1 - 5), ==, 5);
  close (fd);
  assert_refused (vault, patient, big_path, CFD_ERROR_INVALID_INPUT);
  /* A title of more than one line. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (cfd_vault_add_attachment (vault, patient, CFD_ATTACHMENT_LAB, "two\nlines",
                                             pdf_path, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  }
  /* Each failure is in the log; nothing was filed. */
  g_assert_cmpint (count (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                 "'attachment.add' AND outcome = 'success'"),
                   ==, 0);
}

/* Someone holding the patient key but not the filer's signing key puts
 * other bytes in a chunk, sealed as the real ones are: only the signed
 * hash tells. */
static void
reseal_chunk_with_other_bytes (CfdVault *vault, const char *patient, const char *id)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GError) error = NULL;
  const guint8 *patient_key = cfd_patient_key_get (vault, patient, 1, &error);
  g_autoptr (CfdAd) key_ad = cfd_patient_key_field_ad (vault, patient, 1, "attachments", id, 1);
  g_autoptr (CfdAd) ad = cfd_ad_new ("confidant/attachment-chunk/v1");
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GBytes) sealed = NULL;
  guint8 other[64];
  sqlite3_stmt *stmt;
  const guint8 *data;
  gsize len;

  g_assert_no_error (error);
  stmt = cfd_db_prepare (db, "SELECT wrapped_key, chunks FROM attachments WHERE id = ?", NULL);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  data = cfd_ad_data (key_ad, &len);
  key = cfd_aead_open (patient_key, sqlite3_column_blob (stmt, 0),
                       (gsize)sqlite3_column_bytes (stmt, 0), data, len);
  g_assert_nonnull (key);
  cfd_ad_add_string (ad, cfd_vault_get_id (vault));
  cfd_ad_add_string (ad, id);
  cfd_ad_add_uint (ad, 0);
  cfd_ad_add_uint (ad, (guint64)sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);
  memset (other, 'x', sizeof other);
  memcpy (other, "%PDF-1.7 forged", 15);
  data = cfd_ad_data (ad, &len);
  sealed = cfd_aead_seal (g_bytes_get_data (key, NULL), other, sizeof other, data, len);
  raw_exec_ok (vault, "DROP TRIGGER attachment_chunks_immutable");
  stmt = cfd_db_prepare (
      db, "UPDATE attachment_chunks SET sealed = ? WHERE attachment_id = ? AND seq = 0", NULL);
  cfd_db_bind_bytes (stmt, 1, sealed);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  g_assert_true (cfd_db_step_done (db, stmt, NULL));
}

static void
test_tampering (void)
{
  static const char *const attacks[] = {
    /* The row: a field under the signature. */
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET time = time - 86400",
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET type = 'lab'",
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET size = size - 1000",
    /* The signature. */
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET signature = zeroblob(64)",
    /* Another user named as filer. */
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET actor_id = 'someone-else'",
    /* The blob: one chunk's bytes, another chunk in its place, one gone. */
    "DROP TRIGGER attachment_chunks_immutable; UPDATE attachment_chunks SET sealed = "
    "substr(sealed, 1, 40) || x'00' || substr(sealed, 42) WHERE seq = 1",
    "DROP TRIGGER attachment_chunks_immutable; UPDATE attachment_chunks SET sealed = (SELECT "
    "sealed FROM attachment_chunks WHERE seq = 0) WHERE seq = 1",
    "DELETE FROM attachment_chunks WHERE seq = 2",
    /* The wrapped key, and the sealed title and name. */
    "UPDATE attachments SET wrapped_key = substr(wrapped_key, 2) || x'00'",
    "DROP TRIGGER attachments_immutable; UPDATE attachments SET sealed = substr(sealed, 2) || "
    "x'00'",
    /* The whole attachment gone. */
    "DROP TRIGGER attachments_kept; PRAGMA foreign_keys = OFF; DELETE FROM attachments",
    /* The content replaced under the key, sealed as it should be. */
    NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
      g_autofree char *patient = cfd_test_add_patient (vault, "Tampered Person");
      g_autofree char *dir = make_dir ();
      g_autoptr (GBytes) content = pdf_bytes (2 * CFD_ATTACHMENT_CHUNK_BYTES + 10);
      g_autofree char *path = write_file (dir, "scan.pdf", content);
      g_autofree char *out = g_build_filename (dir, "out.pdf", NULL);
      g_autofree char *id = attach (vault, patient, path, "Lab results");
      g_autoptr (GListModel) list = NULL;
      g_autoptr (GBytes) opened = NULL;
      g_autoptr (GError) error = NULL;
      int expected = attacks[i] != NULL && strstr (attacks[i], "DELETE FROM attachments")
                         ? CFD_ERROR_NOT_FOUND
                         : CFD_ERROR_TAMPERED;

      if (attacks[i] != NULL)
        raw_exec_ok (vault, attacks[i]);
      else
        reseal_chunk_with_other_bytes (vault, patient, id);

      list = cfd_vault_list_attachments (vault, patient, &error);
      /* The row's own checks catch what touches it; the chunks are checked
       * when the file is opened. */
      if (attacks[i] == NULL || strstr (attacks[i], "attachment_chunks") != NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (list);
        }
      else
        {
          g_assert_null (list);
          g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
          g_clear_error (&error);
        }
      opened = cfd_vault_open_attachment (vault, id, &error);
      g_assert_null (opened);
      g_assert_error (error, CFD_ERROR, expected);
      g_clear_error (&error);
      g_assert_false (cfd_vault_export_attachment (vault, id, &terms, out, FALSE, &error));
      g_assert_nonnull (error);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      g_assert_cmpint (count (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                     "'vault.tamper'"),
                       >=, 1);
      g_assert_cmpint (count (vault, "SELECT count(*) FROM disclosures"), ==, 0);
    }
}

static void
test_key_rotation (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Rotated Person");
  g_autofree char *dir = make_dir ();
  g_autoptr (GBytes) content = pdf_bytes (CFD_ATTACHMENT_CHUNK_BYTES + 3);
  g_autofree char *path = write_file (dir, "consent.pdf", content);
  g_autofree char *id = attach (vault, patient, path, "Signed consent");
  g_autoptr (GBytes) opened = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (vault, patient, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachments WHERE key_version <> 2"), ==, 0);
  opened = cfd_vault_open_attachment (vault, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, content));
}

/* A supervisor under the widest consent sees the patient, never a filed
 * document: its key is wrapped under the patient key alone. */
static void
test_supervisor_cannot_open (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Supervised Person");
  g_autofree char *dir = make_dir ();
  g_autoptr (GBytes) content = pdf_bytes (5000);
  g_autofree char *path = write_file (dir, "referral.pdf", content);
  g_autofree char *id = attach (vault, patient, path, "Referral");
  g_autofree char *out = g_build_filename (dir, "taken.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor
      = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR, SUPERVISOR_PASS, &error);
  CfdConsentTerms consent = {
    .supervisor = "Sam Supervisor",
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Clinical supervision",
    .obtained_on = "2026-11-01",
    .method = "signed form",
  };
  g_autofree char *consent_id = cfd_vault_grant_consent (vault, patient, &consent, &error);
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GBytes) opened = NULL;

  g_assert_no_error (error);
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Supervisor", SUPERVISOR_PASS, &error));
  list = cfd_vault_list_attachments (vault, patient, &error);
  g_assert_null (list);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  opened = cfd_vault_open_attachment (vault, id, &error);
  g_assert_null (opened);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (cfd_vault_export_attachment (vault, id, &terms, out, FALSE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_null (
      cfd_vault_add_attachment (vault, patient, CFD_ATTACHMENT_OTHER, NULL, path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

static void
test_goes_only_with_the_patient (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Shredded Person");
  g_autofree char *dir = make_dir ();
  g_autoptr (GBytes) content = pdf_bytes (CFD_ATTACHMENT_CHUNK_BYTES * 2);
  g_autofree char *path = write_file (dir, "lab.pdf", content);
  g_autofree char *id = attach (vault, patient, path, "Labs");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "DELETE FROM attachments", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_autoptr (CfdPatient) loaded = cfd_vault_get_patient (vault, patient, NULL);
  g_autofree char *name = g_strdup (cfd_patient_get_name (loaded));

  g_clear_object (&loaded);
  if (!cfd_vault_delete_patient_overriding_retention (vault, patient, name,
                                                      "Transferred to another practice.", &error))
    g_error ("%s", error->message);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachments"), ==, 0);
  g_assert_cmpint (count (vault, "SELECT count(*) FROM attachment_chunks"), ==, 0);
}

static void
test_names (void)
{
  static const struct
  {
    const char *name;
    const char *media_type;
    const char *kept;
  } cases[] = {
    { "scan.pdf", CFD_MEDIA_PDF, "scan.pdf" },
    { "../../etc/passwd", CFD_MEDIA_PDF, "passwd.pdf" },
    { "photo.exe", CFD_MEDIA_JPEG, "photo.jpg" },
    { "\u202egpj.exe", CFD_MEDIA_PNG, "_gpj.png" },
    { "...hidden", CFD_MEDIA_PNG, "hidden.png" },
    { "line\nbreak.pdf", CFD_MEDIA_PDF, "line_break.pdf" },
    { "", CFD_MEDIA_PDF, "attachment.pdf" },
    { NULL, CFD_MEDIA_JPEG, "attachment.jpg" },
    { "bad\xff.pdf", CFD_MEDIA_PDF, "bad\xef\xbf\xbd.pdf" },
  };
  g_autofree char *long_name = g_strnfill (500, 'a');
  g_autofree char *kept_long = cfd_attachment_sanitize_name (long_name, CFD_MEDIA_PDF);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *kept = cfd_attachment_sanitize_name (cases[i].name, cases[i].media_type);

      g_assert_cmpstr (kept, ==, cases[i].kept);
    }
  g_assert_cmpuint (strlen (kept_long), ==, CFD_ATTACHMENT_MAX_NAME_BYTES);
  g_assert_true (g_str_has_suffix (kept_long, ".pdf"));
  g_assert_null (cfd_attachment_sniff_head ((const guint8 *)"GIF89a", 6));
  g_assert_null (cfd_attachment_sniff_head ((const guint8 *)"%PD", 3));
  g_assert_cmpstr (cfd_attachment_sniff_head ((const guint8 *)"\xff\xd8\xff\xe0", 4), ==,
                   CFD_MEDIA_JPEG);
  g_assert_true (
      cfd_attachment_tail_complete (CFD_MEDIA_JPEG, (const guint8 *)"\xff\xd9\r\n\0", 5));
  g_assert_false (cfd_attachment_tail_complete (CFD_MEDIA_JPEG, (const guint8 *)"\xff", 1));
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/attachment/round-trip", test_round_trip);
  g_test_add_func ("/confidant/attachment/image", test_image);
  g_test_add_func ("/confidant/attachment/refused", test_refused);
  g_test_add_func ("/confidant/attachment/tampering", test_tampering);
  g_test_add_func ("/confidant/attachment/key-rotation", test_key_rotation);
  g_test_add_func ("/confidant/attachment/supervisor", test_supervisor_cannot_open);
  g_test_add_func ("/confidant/attachment/shredding", test_goes_only_with_the_patient);
  g_test_add_func ("/confidant/attachment/names", test_names);
  return g_test_run ();
}
