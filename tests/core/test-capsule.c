/* test-capsule.c: supervision capsules between two vaults: round trip, every refusal, expiry, audit. */
#include "config.h"

#include <string.h>

#include "cfd-capsule-format-private.h"
#include "cfd-capsule.h"
#include "cfd-consent.h"
#include "cfd-record-private.h"
#include "cfd-review-private.h"
#include "cfd-review.h"
#include "cfd-test-util.h"

#define CANARY        "Ottoline Quibbage"
#define NOTE_CANARY   "Zanzibarian lighthouse imagery"
#define PROGRESS_TEXT "Sleeping better since the second session"
#define SUPERVISOR    "Sam Supervisor"
#define COMMENT       "Consider exploring the lighthouse image next time"
#define DAY           (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static gint64 therapist_now;
static gint64 supervisor_now;

static gint64
therapist_clock (gpointer user_data)
{
  return therapist_now;
}

static gint64
supervisor_clock (gpointer user_data)
{
  return supervisor_now;
}

typedef struct
{
  char *dir; /* files passed between the vaults */
  CfdVault *therapist;
  char *supervisor_path;
  CfdVault *supervisor;
  char *patient;
  char *progress;    /* signed, medical: goes in */
  char *integration; /* signed psychotherapy note: outside a medical consent */
  char *draft;       /* never leaves */
  char *consent;
  char *card_path;
  char *capsule_path;
  char *reply_path;
} Fixture;

static CfdVault *
other_vault (const char *owner, char **path_out)
{
  g_autofree char *path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (GError) error = NULL;
  CfdVault *vault = cfd_vault_create (path, owner, CFD_TEST_PASSPHRASE, &recovery, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vault);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return vault;
}

static char *
record (Fixture *f, CfdRecordKind kind, const char *field, const char *text, gboolean sign)
{
  g_autoptr (GError) error = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) content = NULL;
  char *id;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, field, "s", text);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_create_record (f->therapist, f->patient, kind,
                                therapist_now / G_USEC_PER_SEC - 3600, content, &error);
  g_assert_no_error (error);
  if (sign && !cfd_vault_sign_record (f->therapist, id, &error))
    g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  therapist_now = supervisor_now = g_get_real_time ();
  f->dir = cfd_test_make_dir ();
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->card_path = g_build_filename (f->dir, "sam.cfdcard", NULL);
  f->capsule_path = g_build_filename (f->dir, "patient.cfdcapsule", NULL);
  f->reply_path = g_build_filename (f->dir, "review.cfdreply", NULL);

  f->therapist = cfd_test_vault_new (NULL, NULL);
  cfd_vault_set_clock_for_testing (f->therapist, therapist_clock, NULL);
  f->patient = cfd_test_add_patient (f->therapist, CANARY);
  f->progress = record (f, CFD_RECORD_PROGRESS, "subjective", PROGRESS_TEXT, TRUE);
  f->integration = record (f, CFD_RECORD_INTEGRATION, "intentions", NOTE_CANARY, TRUE);
  f->draft = record (f, CFD_RECORD_PROGRESS, "subjective", "An unfinished thought", FALSE);

  f->supervisor = other_vault (SUPERVISOR, &f->supervisor_path);
  cfd_vault_set_clock_for_testing (f->supervisor, supervisor_clock, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->therapist);
  g_clear_object (&f->supervisor);
  g_free (f->supervisor_path);
  g_free (f->dir);
  g_free (f->patient);
  g_free (f->progress);
  g_free (f->integration);
  g_free (f->draft);
  g_free (f->consent);
  g_free (f->card_path);
  g_free (f->capsule_path);
  g_free (f->reply_path);
}

static guint
count_audit (CfdVault *vault, const char *action, const char *outcome)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  sqlite3_stmt *stmt = cfd_db_prepare (
      db, "SELECT count(*) FROM audit_log WHERE action = ? AND outcome = ?", NULL);
  guint n;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, outcome, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint)sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Card across, consent, capsule out: the state every test starts from. */
static char *
share_capsule (Fixture *f, CfdConsentScope scope, gint64 expires)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *user = NULL;
  CfdConsentTerms terms = {
    .supervisor = SUPERVISOR,
    .scope = scope,
    .purpose = "Clinical supervision of integration work",
    .obtained_on = "2026-11-01",
    .method = "signed form",
    .expires = expires,
  };
  guint n = 0;
  char *capsule;

  g_assert_true (cfd_vault_export_supervisor_card (f->supervisor, f->card_path, &theirs, &error));
  g_assert_no_error (error);
  user = cfd_vault_import_supervisor_card (f->therapist, f->card_path, &ours, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user, ==, cfd_vault_get_user_id (f->supervisor));
  /* What the two read to each other. */
  g_assert_cmpstr (theirs, ==, ours);
  g_assert_cmpuint (strlen (ours), ==, 39);

  f->consent = cfd_vault_grant_consent (f->therapist, f->patient, &terms, &error);
  g_assert_no_error (error);
  capsule = cfd_vault_export_capsule (f->therapist, f->consent, f->capsule_path, &n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (capsule);
  g_assert_cmpuint (n, ==, scope == CFD_CONSENT_SCOPE_ALL ? 2 : 1);
  return capsule;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *imported = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *cosign = NULL;
  g_autoptr (CfdCapsule) capsule = NULL;
  g_autoptr (CfdCapsuleRecord) item = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GListModel) reviews = NULL;
  g_autoptr (CfdReview) first = NULL;
  g_autoptr (CfdReview) second = NULL;
  guint n = 0;

  /* Sealed: no patient text in the file. */
  g_assert_false (cfd_test_dir_contains (f->dir, CANARY));
  g_assert_false (cfd_test_dir_contains (f->dir, PROGRESS_TEXT));
  g_assert_cmpuint (count_audit (f->therapist, "capsule.export", "success"), ==, 1);
  g_assert_cmpuint (count_audit (f->therapist, "supervisor.card-import", "success"), ==, 1);
  g_assert_cmpuint (count_audit (f->supervisor, "supervisor.card-export", "success"), ==, 1);

  imported = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imported, ==, capsule_id);
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.import", "success"), ==, 1);
  /* Stored sealed in the supervisor's vault too. */
  g_assert_false (cfd_test_dir_contains (f->supervisor_path, CANARY));

  list = cfd_vault_list_capsules (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);

  capsule = cfd_vault_open_capsule (f->supervisor, capsule_id, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_test_name_is (cfd_capsule_get_patient_name (capsule), CANARY));
  g_assert_cmpstr (cfd_capsule_get_therapist_name (capsule), ==, "Test Owner");
  g_assert_cmpstr (cfd_capsule_get_consent_id (capsule), ==, f->consent);
  g_assert_cmpint (cfd_capsule_get_scope (capsule), ==, CFD_CONSENT_SCOPE_MEDICAL);
  g_assert_false (cfd_capsule_get_expired (capsule));
  /* The psychotherapy note is out of scope and the draft never leaves. */
  g_assert_cmpuint (g_list_model_get_n_items (cfd_capsule_get_records (capsule)), ==, 1);
  item = g_list_model_get_item (cfd_capsule_get_records (capsule), 0);
  g_assert_cmpstr (cfd_capsule_record_get_id (item), ==, f->progress);
  g_assert_cmpstr (cfd_capsule_record_get_kind (item), ==, "progress");
  g_assert_cmpstr (cfd_capsule_record_get_text (item, "subjective"), ==, PROGRESS_TEXT);
  g_assert_false (cfd_capsule_record_is_psychotherapy_note (item));
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.open", "success"), ==, 1);

  /* Read-only: a record outside the capsule cannot be reviewed. */
  g_assert_null (cfd_vault_capsule_cosign (f->supervisor, capsule_id, f->integration, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  comment = cfd_vault_capsule_add_comment (f->supervisor, capsule_id, f->progress, COMMENT, &error);
  g_assert_no_error (error);
  cosign = cfd_vault_capsule_cosign (f->supervisor, capsule_id, f->progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (
      cfd_vault_export_review_reply (f->supervisor, capsule_id, f->reply_path, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_false (cfd_test_dir_contains (f->dir, "lighthouse"));
  /* Nothing new to send. */
  g_assert_cmpuint (
      cfd_vault_export_review_reply (f->supervisor, capsule_id, f->reply_path, &error), ==, 0);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cfd_vault_import_review_reply (f->therapist, f->reply_path, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (count_audit (f->therapist, "review.import", "success"), ==, 2);
  g_assert_cmpuint (count_audit (f->therapist, "review.import-reply", "success"), ==, 1);

  /* The reviews sit on the original record and verify as if written here. */
  reviews = cfd_vault_list_reviews (f->therapist, f->progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 2);
  first = g_list_model_get_item (reviews, 0);
  second = g_list_model_get_item (reviews, 1);
  g_assert_cmpstr (cfd_review_get_author_id (first), ==, cfd_vault_get_user_id (f->supervisor));
  g_assert_true ((g_strcmp0 (cfd_review_get_id (first), comment) == 0
                  && g_strcmp0 (cfd_review_get_text (first), COMMENT) == 0)
                 || (g_strcmp0 (cfd_review_get_id (second), comment) == 0
                     && g_strcmp0 (cfd_review_get_text (second), COMMENT) == 0));

  /* Both logs still verify. */
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM reviews"), ==, 2);
}

static void
test_scope_all (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autofree char *imported = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);
  g_autoptr (CfdCapsule) capsule = NULL;

  g_assert_no_error (error);
  capsule = cfd_vault_open_capsule (f->supervisor, capsule_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (cfd_capsule_get_records (capsule)), ==, 2);
}

static void
test_wrong_recipient (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (CfdVault) stranger = other_vault ("Olive Other", NULL);
  g_autofree char *id = cfd_vault_import_capsule (stranger, f->capsule_path, &error);

  g_assert_null (id);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT);
  g_assert_null (strstr (error->message, CANARY));
  g_assert_cmpuint (cfd_test_count_rows (stranger, "SELECT count(*) FROM capsules"), ==, 0);
  g_assert_cmpuint (count_audit (stranger, "capsule.import", "denied"), ==, 1);
  g_clear_error (&error);

  /* Nor back into the vault it came from. */
  g_assert_null (cfd_vault_import_capsule (f->therapist, f->capsule_path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM capsules"), ==, 0);
}

/* Every one of these is refused with a vault error and imports nothing. */
static void
assert_capsule_refused (Fixture *f, const char *path, int code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_import_capsule (f->supervisor, path, &error);

  g_assert_null (id);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CFD_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  g_assert_cmpuint (cfd_test_count_rows (f->supervisor, "SELECT count(*) FROM capsules"), ==, 0);
}

static void
test_bad_signature (Fixture *f, gconstpointer data)
{
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (f->capsule_path);
  gsize len = 0;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  g_autofree char *path = g_build_filename (f->dir, "bad-signature.cfdcapsule", NULL);

  copy[len - 1] ^= 0x01;
  cfd_test_write_bytes (path, copy, len);
  assert_capsule_refused (f, path, CFD_ERROR_TAMPERED);
}

/* A capsule re-signed by someone else who knows the supervisor's public
 * key: the first capsule from that therapist pins their key. */
static void
test_forged_signer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (f->capsule_path);
  g_autoptr (CfdCapsuleFile) parsed = NULL;
  g_autoptr (GBytes) forged = NULL;
  g_autofree char *path = g_build_filename (f->dir, "forged.cfdcapsule", NULL);
  g_autofree char *first = NULL;
  guint8 pk[CFD_SIGN_PK_BYTES], sk[CFD_SIGN_SK_BYTES];
  gsize len = 0;
  const guint8 *data_ = g_bytes_get_data (bytes, &len);

  first = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);
  g_assert_no_error (error);

  parsed = cfd_capsule_file_parse (data_, len, &error);
  g_assert_no_error (error);
  crypto_sign_keypair (pk, sk);
  memcpy (parsed->therapist_sign_pk, pk, sizeof pk);
  g_free (parsed->capsule_id);
  parsed->capsule_id = g_strdup ("0123456789abcdef0123456789abcdef");
  forged = cfd_capsule_file_encode (parsed, sk);
  cfd_test_write_bytes (path, g_bytes_get_data (forged, NULL), g_bytes_get_size (forged));
  g_assert_null (cfd_vault_import_capsule (f->supervisor, path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_assert_cmpuint (cfd_test_count_rows (f->supervisor, "SELECT count(*) FROM capsules"), ==, 1);
}

static void
test_tampered (Fixture *f, gconstpointer data)
{
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (f->capsule_path);
  g_autofree char *path = g_build_filename (f->dir, "tampered.cfdcapsule", NULL);
  gsize len = g_bytes_get_size (bytes);
  const guint8 *original = g_bytes_get_data (bytes, NULL);
  g_autofree guint8 *copy = g_malloc (len + 1);

  /* One flipped bit anywhere: the magic (not a capsule), the version
   * (unsupported), the length (truncated or too long), or anything else. */
  for (gsize offset = 0; offset < len; offset += offset < 64 ? 1 : 97)
    {
      memcpy (copy, original, len);
      copy[offset] ^= 0x10;
      cfd_test_write_bytes (path, copy, len);
      assert_capsule_refused (f, path,
                              offset < 8    ? CFD_ERROR_INVALID_INPUT
                              : offset < 12 ? CFD_ERROR_UNSUPPORTED_VERSION
                              : offset < 16 ? -1
                                            : CFD_ERROR_TAMPERED);
    }
  /* Data after the end. */
  memcpy (copy, original, len);
  copy[len] = 0;
  cfd_test_write_bytes (path, copy, len + 1);
  assert_capsule_refused (f, path, CFD_ERROR_TAMPERED);
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (f->capsule_path);
  g_autofree char *path = g_build_filename (f->dir, "cut.cfdcapsule", NULL);
  gsize len = g_bytes_get_size (bytes);

  for (gsize cut = 0; cut < len; cut += cut < 32 ? 1 : 211)
    {
      cfd_test_write_bytes (path, g_bytes_get_data (bytes, NULL), cut);
      assert_capsule_refused (f, path, CFD_ERROR_TRUNCATED);
    }
  cfd_test_write_bytes (path, g_bytes_get_data (bytes, NULL), len - 1);
  assert_capsule_refused (f, path, CFD_ERROR_TRUNCATED);
}

static void
test_expired_on_import (Fixture *f, gconstpointer data)
{
  g_autofree char *capsule_id
      = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, therapist_now / G_USEC_PER_SEC + 2 * 86400);

  supervisor_now += 3 * DAY;
  assert_capsule_refused (f, f->capsule_path, CFD_ERROR_EXPIRED);
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.import", "denied"), ==, 1);
}

static gboolean
key_present (Fixture *f, const char *capsule_id)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM capsules WHERE id = '%s' AND wrapped_key IS NOT NULL", capsule_id);

  return cfd_test_count_rows (f->supervisor, sql) == 1;
}

/* Past its expiry the capsule's key is destroyed when it is opened... */
static void
test_expiry_at_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id
      = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, therapist_now / G_USEC_PER_SEC + 2 * 86400);
  g_autofree char *imported = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);
  g_autoptr (CfdCapsule) capsule = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (CfdCapsule) listed = NULL;
  g_autofree char *comment = NULL;

  g_assert_no_error (error);
  comment = cfd_vault_capsule_add_comment (f->supervisor, capsule_id, f->progress, COMMENT, &error);
  g_assert_no_error (error);
  g_assert_true (key_present (f, capsule_id));

  supervisor_now += 2 * DAY;
  capsule = cfd_vault_open_capsule (f->supervisor, capsule_id, &error);
  g_assert_null (capsule);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_false (key_present (f, capsule_id));
  g_assert_cmpuint (
      cfd_test_count_rows (f->supervisor,
                           "SELECT count(*) FROM capsule_reviews WHERE sealed IS NOT NULL"),
      ==, 0);
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.expire", "success"), ==, 1);
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.open", "denied"), ==, 1);

  /* Still listed, marked as expired; and the clock going back does not help. */
  list = cfd_vault_list_capsules (f->supervisor, &error);
  g_assert_no_error (error);
  listed = g_list_model_get_item (list, 0);
  g_assert_true (cfd_capsule_get_expired (listed));
  supervisor_now -= 2 * DAY;
  g_assert_null (cfd_vault_open_capsule (f->supervisor, capsule_id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_cmpuint (
      cfd_vault_export_review_reply (f->supervisor, capsule_id, f->reply_path, &error), ==, 0);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXPIRED);
}

/* ...and at unlock, before anyone asks for it. */
static void
test_expiry_at_unlock (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id
      = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, therapist_now / G_USEC_PER_SEC + 86400);
  g_autofree char *imported = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);

  g_assert_no_error (error);
  cfd_vault_lock (f->supervisor);
  supervisor_now += 2 * DAY;
  g_assert_true (cfd_vault_unlock (f->supervisor, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_false (key_present (f, capsule_id));
  g_assert_cmpuint (count_audit (f->supervisor, "capsule.expire", "success"), ==, 1);
}

static void
test_duplicate_capsule (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *first = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);

  g_assert_no_error (error);
  g_assert_null (cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
}

/* A supervisor who shares the vault reads the patient there. */
static void
test_local_supervisor (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *local = cfd_vault_add_user (f->therapist, "Lou Local", CFD_ROLE_SUPERVISOR,
                                               "local supervisor passphrase", &error);
  g_autofree char *consent = NULL;
  g_autofree char *path = g_build_filename (f->dir, "local.cfdcapsule", NULL);
  CfdConsentTerms terms = {
    .supervisor = "Lou Local",
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Supervision",
    .obtained_on = "2026-11-01",
    .method = "signed form",
  };

  g_assert_no_error (error);
  consent = cfd_vault_grant_consent (f->therapist, f->patient, &terms, &error);
  g_assert_no_error (error);
  g_assert_null (cfd_vault_export_capsule (f->therapist, consent, path, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_revoked_consent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *path = g_build_filename (f->dir, "after-revoke.cfdcapsule", NULL);

  g_assert_true (cfd_vault_revoke_consent (f->therapist, f->consent, &error));
  g_assert_no_error (error);
  g_assert_null (cfd_vault_export_capsule (f->therapist, f->consent, path, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_audit (f->therapist, "capsule.export", "denied"), ==, 1);
}

/* Supervisor side: import, comment, export the reply; returns its path. */
static char *
reply_once (Fixture *f, const char *capsule_id, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id
      = cfd_vault_capsule_add_comment (f->supervisor, capsule_id, f->progress, COMMENT, &error);
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (cfd_vault_export_review_reply (f->supervisor, capsule_id, path, &error), ==, 1);
  g_assert_no_error (error);
  return path;
}

static void
import_capsule (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_import_capsule (f->supervisor, f->capsule_path, &error);

  g_assert_no_error (error);
}

static void
test_replayed_reply (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *one = NULL, *two = NULL;
  guint n = 0;

  import_capsule (f);
  one = reply_once (f, capsule_id, "one.cfdreply");
  two = reply_once (f, capsule_id, "two.cfdreply");

  g_assert_true (cfd_vault_import_review_reply (f->therapist, two, &n, &error));
  g_assert_no_error (error);
  /* The same reply again, and an older one after a newer. */
  g_assert_false (cfd_vault_import_review_reply (f->therapist, two, &n, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_REPLAYED);
  g_clear_error (&error);
  g_assert_false (cfd_vault_import_review_reply (f->therapist, one, &n, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_REPLAYED);
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM reviews"), ==, 1);
  g_assert_cmpuint (count_audit (f->therapist, "review.import-reply", "denied"), ==, 2);
}

static void
assert_reply_refused (Fixture *f, const char *path, int code)
{
  g_autoptr (GError) error = NULL;
  guint n = 0;

  g_assert_false (cfd_vault_import_review_reply (f->therapist, path, &n, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CFD_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM reviews"), ==, 0);
}

/* Reviews written after the patient withdrew consent stay out. */
static void
test_reply_after_revocation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *before = NULL, *after = NULL;
  guint n = 0;

  import_capsule (f);
  before = reply_once (f, capsule_id, "before.cfdreply");
  therapist_now += 60 * G_USEC_PER_SEC;
  g_assert_true (cfd_vault_revoke_consent (f->therapist, f->consent, &error));
  g_assert_no_error (error);
  supervisor_now += 120 * G_USEC_PER_SEC;
  after = reply_once (f, capsule_id, "after.cfdreply");

  g_assert_true (cfd_vault_import_review_reply (f->therapist, before, &n, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_vault_import_review_reply (f->therapist, after, &n, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM reviews"), ==, 1);
  g_assert_cmpuint (count_audit (f->therapist, "review.import-reply", "denied"), ==, 1);
}

static void
test_reply_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *reply = NULL;
  g_autofree char *path = g_build_filename (f->dir, "bad.cfdreply", NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (CfdReplyFile) parsed = NULL;
  g_autoptr (GBytes) forged = NULL;
  g_autoptr (CfdVault) elsewhere = NULL;
  guint8 pk[CFD_SIGN_PK_BYTES], sk[CFD_SIGN_SK_BYTES];
  g_autofree guint8 *copy = NULL;
  gsize len;
  guint n = 0;

  import_capsule (f);
  reply = reply_once (f, capsule_id, "reply.cfdreply");
  bytes = cfd_test_read_bytes (reply);
  len = g_bytes_get_size (bytes);
  copy = g_malloc (len);

  /* Bad signature, flipped bits, cut off. */
  for (gsize offset = 16; offset < len; offset += 53)
    {
      memcpy (copy, g_bytes_get_data (bytes, NULL), len);
      copy[offset] ^= 0x04;
      cfd_test_write_bytes (path, copy, len);
      assert_reply_refused (f, path, CFD_ERROR_TAMPERED);
    }
  for (gsize cut = 0; cut < len; cut += 37)
    {
      cfd_test_write_bytes (path, g_bytes_get_data (bytes, NULL), cut);
      assert_reply_refused (f, path, CFD_ERROR_TRUNCATED);
    }

  /* Signed by a key that is not on the supervisor's card. */
  parsed = cfd_reply_file_parse (g_bytes_get_data (bytes, NULL), len, &error);
  g_assert_no_error (error);
  crypto_sign_keypair (pk, sk);
  memcpy (parsed->supervisor_sign_pk, pk, sizeof pk);
  forged = cfd_reply_file_encode (parsed, sk);
  cfd_test_write_bytes (path, g_bytes_get_data (forged, NULL), g_bytes_get_size (forged));
  assert_reply_refused (f, path, CFD_ERROR_TAMPERED);
  g_assert_cmpuint (count_audit (f->therapist, "review.import-reply", "failure"), ==, 1);

  /* Into another vault. */
  elsewhere = other_vault ("Tess Therapist", NULL);
  g_assert_false (cfd_vault_import_review_reply (elsewhere, reply, &n, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT);
  g_clear_error (&error);

  /* And the genuine one still goes in. */
  g_assert_true (cfd_vault_import_review_reply (f->therapist, reply, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
}

static void
test_card_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "bad.cfdcard", NULL);
  g_autofree char *own = g_build_filename (f->dir, "own.cfdcard", NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (CfdVault) namesake = other_vault (SUPERVISOR, NULL);
  g_autofree char *namesake_card = g_build_filename (f->dir, "namesake.cfdcard", NULL);
  g_autofree char *user = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;

  g_assert_true (cfd_vault_export_supervisor_card (f->supervisor, f->card_path, NULL, &error));
  g_assert_no_error (error);
  bytes = cfd_test_read_bytes (f->card_path);
  len = g_bytes_get_size (bytes);
  copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  copy[len / 2] ^= 0x01;
  cfd_test_write_bytes (path, copy, len);
  g_assert_null (cfd_vault_import_supervisor_card (f->therapist, path, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  cfd_test_write_bytes (path, copy, len / 2);
  g_assert_null (cfd_vault_import_supervisor_card (f->therapist, path, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TRUNCATED);
  g_clear_error (&error);

  /* A card from this very vault. */
  g_assert_true (cfd_vault_export_supervisor_card (f->therapist, own, NULL, &error));
  g_assert_null (cfd_vault_import_supervisor_card (f->therapist, own, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Twice is fine; a second "Sam Supervisor" with other keys is not. */
  user = cfd_vault_import_supervisor_card (f->therapist, f->card_path, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&user, g_free);
  user = cfd_vault_import_supervisor_card (f->therapist, f->card_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_export_supervisor_card (namesake, namesake_card, NULL, &error));
  g_assert_null (cfd_vault_import_supervisor_card (f->therapist, namesake_card, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_EXISTS);
  g_assert_cmpuint (cfd_test_count_rows (f->therapist, "SELECT count(*) FROM supervisor_cards"), ==,
                    1);
}

/* A card-only supervisor can be named in a consent but cannot unlock. */
static void
test_card_user_cannot_unlock (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *capsule_id = share_capsule (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GPtrArray) users = cfd_vault_list_users (f->therapist);

  g_autoptr (GPtrArray) cards = cfd_vault_list_card_supervisors (f->therapist, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 1);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpstr (((CfdUserInfo *)g_ptr_array_index (cards, 0))->name, ==, SUPERVISOR);
  {
    g_autoptr (GPtrArray) everyone = cfd_vault_list_users_and_cards (f->therapist);

    g_assert_cmpuint (everyone->len, ==, 2);
    g_assert_cmpstr (((CfdUserInfo *)g_ptr_array_index (everyone, 1))->id, ==,
                     cfd_vault_get_user_id (f->supervisor));
  }
  cfd_vault_lock (f->therapist);
  g_assert_false (cfd_vault_unlock (f->therapist, SUPERVISOR, CFD_TEST_PASSPHRASE, &error));
  g_assert_nonnull (error);
}

/* Known-answer files (tests/fixtures/capsule): written once from fixed
 * keys, read by every later version. CFD_WRITE_CAPSULE_FIXTURES=DIR writes
 * them again (only when the format version changes). */
#define FX_THERAPIST_VAULT  "f1x7face0000000000000000000000a1"
#define FX_SUPERVISOR_VAULT "f1x7face0000000000000000000000b2"
#define FX_THERAPIST        "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e"
#define FX_SUPERVISOR       "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
#define FX_CAPSULE          "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"
#define FX_CONSENT          "c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5"
#define FX_PATIENT          "9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a"
#define FX_RECORD           "4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e"
#define FX_REPLY            "3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e"
#define FX_REVIEW           "1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e"
#define FX_CREATED          G_GINT64_CONSTANT (1764547200) /* 2025-12-01 */
#define FX_EXPIRES          G_GINT64_CONSTANT (1767225600) /* 2026-01-01 */
#define FX_OCCURRED         G_GINT64_CONSTANT (1764460800)
#define FX_FINGERPRINT      "CC8C 1B0B 2DD1 B1A7 1718 CE96 FFB8 1038"

typedef struct
{
  guint8 box_pk[CFD_BOX_PK_BYTES], box_sk[CFD_BOX_SK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES], sign_sk[CFD_SIGN_SK_BYTES];
} FxKeys;

static void
fx_keys (FxKeys *keys, guint8 box_seed, guint8 sign_seed)
{
  guint8 seed[32];

  memset (seed, box_seed, sizeof seed);
  crypto_box_seed_keypair (keys->box_pk, keys->box_sk, seed);
  memset (seed, sign_seed, sizeof seed);
  crypto_sign_seed_keypair (keys->sign_pk, keys->sign_sk, seed);
}

static GVariant *
fx_record_content (void)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", "Fixture progress note");
  return cfd_record_content_canonical (g_variant_dict_end (&dict));
}

static void
fx_record_hash (guint8 hash[CFD_HASH_BYTES], GVariant *canonical)
{
  cfd_record_signature_hash_for_vault_id (hash, FX_THERAPIST_VAULT, FX_RECORD, FX_PATIENT,
                                          CFD_RECORD_PROGRESS, CFD_RECORD_CATEGORY_MEDICAL, NULL,
                                          FX_THERAPIST, FX_OCCURRED, FX_CREATED - 60, canonical);
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "capsule", name, NULL);
}

static void
write_fixtures (const char *dir)
{
  FxKeys therapist, supervisor;
  CfdCardFile card = { (char *)FX_SUPERVISOR_VAULT, (char *)FX_SUPERVISOR, (char *)SUPERVISOR };
  CfdCapsuleFile capsule = { 0 };
  CfdReplyFile reply = { 0 };
  g_autoptr (GVariant) content = fx_record_content ();
  g_autoptr (GVariant) comment = NULL;
  g_autoptr (GBytes) card_file = NULL, capsule_file = NULL, reply_file = NULL;
  g_autoptr (CfdAd) msg = NULL;
  GVariantDict terms, text;
  guint8 hash[CFD_HASH_BYTES], record_sig[CFD_SIGNATURE_BYTES], review_sig[CFD_SIGNATURE_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  g_autofree char *card_path = g_build_filename (dir, "v1.cfdcard", NULL);
  g_autofree char *capsule_path = g_build_filename (dir, "v1.cfdcapsule", NULL);
  g_autofree char *reply_path = g_build_filename (dir, "v1.cfdreply", NULL);
  g_autofree char *fingerprint = NULL;

  fx_keys (&therapist, 0x33, 0x44);
  fx_keys (&supervisor, 0x11, 0x22);
  memcpy (card.box_pk, supervisor.box_pk, CFD_BOX_PK_BYTES);
  memcpy (card.sign_pk, supervisor.sign_pk, CFD_SIGN_PK_BYTES);
  card_file = cfd_card_file_encode (&card, supervisor.sign_sk);

  fx_record_hash (hash, content);
  crypto_sign_detached (record_sig, NULL, hash, sizeof hash, therapist.sign_sk);
  g_variant_dict_init (&terms, NULL);
  g_variant_dict_insert (&terms, "expires", "x", FX_EXPIRES);
  g_variant_dict_insert (&terms, "method", "s", "signed form");
  g_variant_dict_insert (&terms, "obtained-on", "s", "2025-11-30");
  g_variant_dict_insert (&terms, "purpose", "s", "Fixture supervision");
  g_variant_dict_insert (&terms, "records-from", "x", G_GINT64_CONSTANT (0));
  g_variant_dict_insert (&terms, "records-to", "x", G_GINT64_CONSTANT (0));
  g_variant_dict_insert (&terms, "scope", "s", "medical");
  capsule.capsule_id = (char *)FX_CAPSULE;
  capsule.vault_id = (char *)FX_THERAPIST_VAULT;
  capsule.consent_id = (char *)FX_CONSENT;
  capsule.patient_id = (char *)FX_PATIENT;
  capsule.therapist_id = (char *)FX_THERAPIST;
  capsule.therapist_name = (char *)"Test Owner";
  memcpy (capsule.therapist_sign_pk, therapist.sign_pk, CFD_SIGN_PK_BYTES);
  memcpy (capsule.therapist_box_pk, therapist.box_pk, CFD_BOX_PK_BYTES);
  capsule.supervisor_id = (char *)FX_SUPERVISOR;
  memcpy (capsule.supervisor_box_pk, supervisor.box_pk, CFD_BOX_PK_BYTES);
  capsule.created = FX_CREATED;
  capsule.expires = FX_EXPIRES;
  cfd_capsule_file_seal (
      &capsule,
      g_variant_new_parsed (
          "(%@a{sv}, 'Fixture Patient', [(%s, '', %s, 'progress', 'medical', "
          "%x, %x, %@a{sv}, %@ay, %@ay)])",
          g_variant_dict_end (&terms), FX_RECORD, FX_THERAPIST, FX_OCCURRED, FX_CREATED - 60,
          content,
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, record_sig, sizeof record_sig, 1),
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, therapist.sign_pk, CFD_SIGN_PK_BYTES,
                                     1)));
  capsule_file = cfd_capsule_file_encode (&capsule, therapist.sign_sk);

  g_variant_dict_init (&text, NULL);
  g_variant_dict_insert (&text, "text", "s", "Fixture comment");
  comment = g_variant_ref_sink (g_variant_dict_end (&text));
  msg = cfd_review_message (FX_THERAPIST_VAULT, FX_REVIEW, FX_RECORD, hash, FX_SUPERVISOR,
                            CFD_REVIEW_COMMENT, FX_CREATED + 60, comment);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (review_sig, NULL, msg_data, msg_len, supervisor.sign_sk);
  reply.reply_id = (char *)FX_REPLY;
  reply.capsule_id = (char *)FX_CAPSULE;
  reply.vault_id = (char *)FX_THERAPIST_VAULT;
  reply.consent_id = (char *)FX_CONSENT;
  reply.patient_id = (char *)FX_PATIENT;
  reply.supervisor_id = (char *)FX_SUPERVISOR;
  memcpy (reply.supervisor_sign_pk, supervisor.sign_pk, CFD_SIGN_PK_BYTES);
  reply.therapist_id = (char *)FX_THERAPIST;
  reply.seq = 1;
  reply.created = FX_CREATED + 120;
  cfd_reply_file_seal (
      &reply, therapist.box_pk,
      g_variant_new_parsed (
          "[(%s, %s, 'comment', %x, %@a{sv}, %@ay)]", FX_REVIEW, FX_RECORD, FX_CREATED + 60,
          comment,
          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, review_sig, sizeof review_sig, 1)));
  reply_file = cfd_reply_file_encode (&reply, supervisor.sign_sk);

  cfd_test_write_bytes (card_path, g_bytes_get_data (card_file, NULL),
                        g_bytes_get_size (card_file));
  cfd_test_write_bytes (capsule_path, g_bytes_get_data (capsule_file, NULL),
                        g_bytes_get_size (capsule_file));
  cfd_test_write_bytes (reply_path, g_bytes_get_data (reply_file, NULL),
                        g_bytes_get_size (reply_file));
  g_clear_pointer (&capsule.payload, g_bytes_unref);
  g_clear_pointer (&reply.payload, g_bytes_unref);
  fingerprint = cfd_card_fingerprint (FX_SUPERVISOR, supervisor.box_pk, supervisor.sign_pk);
  g_print ("# fixtures written; supervisor fingerprint %s\n", fingerprint);
}

/* Parses, and encodes back to the very same bytes (Ed25519 is deterministic). */
static void
test_fixture_card (void)
{
  g_autofree char *path = fixture_path ("v1.cfdcard");
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdCardFile) card = NULL;
  g_autoptr (GBytes) again = NULL;
  g_autofree char *fingerprint = NULL;
  FxKeys supervisor;

  fx_keys (&supervisor, 0x11, 0x22);
  card = cfd_card_file_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->vault_id, ==, FX_SUPERVISOR_VAULT);
  g_assert_cmpstr (card->user_id, ==, FX_SUPERVISOR);
  g_assert_cmpstr (card->name, ==, SUPERVISOR);
  g_assert_cmpmem (card->box_pk, CFD_BOX_PK_BYTES, supervisor.box_pk, CFD_BOX_PK_BYTES);
  g_assert_cmpmem (card->sign_pk, CFD_SIGN_PK_BYTES, supervisor.sign_pk, CFD_SIGN_PK_BYTES);
  fingerprint = cfd_card_fingerprint (card->user_id, card->box_pk, card->sign_pk);
  g_assert_cmpstr (fingerprint, ==, FX_FINGERPRINT);
  again = cfd_card_file_encode (card, supervisor.sign_sk);
  g_assert_true (g_bytes_equal (again, bytes));
}

static void
test_fixture_capsule (void)
{
  g_autofree char *path = fixture_path ("v1.cfdcapsule");
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdCapsuleFile) capsule = NULL;
  g_autoptr (GVariant) payload = NULL;
  g_autoptr (GVariant) terms = NULL, records = NULL, item = NULL, content = NULL, sig = NULL;
  g_autoptr (GVariant) expected = fx_record_content ();
  g_autoptr (GBytes) again = NULL;
  const char *name = NULL, *scope = NULL;
  guint8 hash[CFD_HASH_BYTES];
  FxKeys therapist, supervisor;

  fx_keys (&therapist, 0x33, 0x44);
  fx_keys (&supervisor, 0x11, 0x22);
  capsule
      = cfd_capsule_file_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (capsule->capsule_id, ==, FX_CAPSULE);
  g_assert_cmpstr (capsule->vault_id, ==, FX_THERAPIST_VAULT);
  g_assert_cmpstr (capsule->consent_id, ==, FX_CONSENT);
  g_assert_cmpstr (capsule->patient_id, ==, FX_PATIENT);
  g_assert_cmpstr (capsule->therapist_id, ==, FX_THERAPIST);
  g_assert_cmpstr (capsule->supervisor_id, ==, FX_SUPERVISOR);
  g_assert_cmpint (capsule->created, ==, FX_CREATED);
  g_assert_cmpint (capsule->expires, ==, FX_EXPIRES);
  g_assert_cmpmem (capsule->therapist_sign_pk, CFD_SIGN_PK_BYTES, therapist.sign_pk,
                   CFD_SIGN_PK_BYTES);
  again = cfd_capsule_file_encode (capsule, therapist.sign_sk);
  g_assert_true (g_bytes_equal (again, bytes));

  /* The therapist cannot open what was sealed to the supervisor. */
  g_assert_null (cfd_capsule_file_open (capsule, therapist.box_pk, therapist.box_sk, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_WRONG_RECIPIENT);
  g_clear_error (&error);
  payload = cfd_capsule_file_open (capsule, supervisor.box_pk, supervisor.box_sk, &error);
  g_assert_no_error (error);
  terms = g_variant_get_child_value (payload, 0);
  g_assert_true (g_variant_lookup (terms, "scope", "&s", &scope));
  g_assert_cmpstr (scope, ==, "medical");
  g_variant_get_child (payload, 1, "&s", &name);
  g_assert_cmpstr (name, ==, "Fixture Patient");
  records = g_variant_get_child_value (payload, 2);
  g_assert_cmpuint (g_variant_n_children (records), ==, 1);
  item = g_variant_get_child_value (records, 0);
  content = g_variant_get_child_value (item, 7);
  sig = g_variant_get_child_value (item, 8);
  g_assert_true (g_variant_equal (content, expected));
  fx_record_hash (hash, content);
  g_assert_cmpint (
      crypto_sign_verify_detached (g_variant_get_data (sig), hash, sizeof hash, therapist.sign_pk),
      ==, 0);
}

static void
test_fixture_reply (void)
{
  g_autofree char *path = fixture_path ("v1.cfdreply");
  g_autoptr (GBytes) bytes = cfd_test_read_bytes (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdReplyFile) reply = NULL;
  g_autoptr (GVariant) reviews = NULL, review = NULL, content = NULL, sig = NULL;
  g_autoptr (GVariant) record = fx_record_content ();
  g_autoptr (GBytes) again = NULL;
  g_autoptr (CfdAd) msg = NULL;
  const char *text = NULL;
  guint8 hash[CFD_HASH_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  FxKeys therapist, supervisor;

  fx_keys (&therapist, 0x33, 0x44);
  fx_keys (&supervisor, 0x11, 0x22);
  reply = cfd_reply_file_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply->reply_id, ==, FX_REPLY);
  g_assert_cmpstr (reply->capsule_id, ==, FX_CAPSULE);
  g_assert_cmpstr (reply->therapist_id, ==, FX_THERAPIST);
  g_assert_cmpuint (reply->seq, ==, 1);
  g_assert_cmpint (reply->created, ==, FX_CREATED + 120);
  again = cfd_reply_file_encode (reply, supervisor.sign_sk);
  g_assert_true (g_bytes_equal (again, bytes));

  reviews = cfd_reply_file_open (reply, therapist.box_pk, therapist.box_sk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (reviews), ==, 1);
  review = g_variant_get_child_value (reviews, 0);
  content = g_variant_get_child_value (review, 4);
  sig = g_variant_get_child_value (review, 5);
  g_assert_true (g_variant_lookup (content, "text", "&s", &text));
  g_assert_cmpstr (text, ==, "Fixture comment");
  fx_record_hash (hash, record);
  msg = cfd_review_message (FX_THERAPIST_VAULT, FX_REVIEW, FX_RECORD, hash, FX_SUPERVISOR,
                            CFD_REVIEW_COMMENT, FX_CREATED + 60, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  g_assert_cmpint (
      crypto_sign_verify_detached (g_variant_get_data (sig), msg_data, msg_len, supervisor.sign_pk),
      ==, 0);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);

  if (g_getenv ("CFD_WRITE_CAPSULE_FIXTURES") != NULL)
    {
      write_fixtures (g_getenv ("CFD_WRITE_CAPSULE_FIXTURES"));
      return 0;
    }
  /* The fixture's decrypted payload, as a seed for fuzz-capsule. */
  if (g_getenv ("CFD_WRITE_CAPSULE_SEED") != NULL)
    {
      g_autofree char *path = fixture_path ("v1.cfdcapsule");
      g_autoptr (GBytes) bytes = cfd_test_read_bytes (path);
      g_autoptr (CfdCapsuleFile) capsule
          = cfd_capsule_file_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
      g_autoptr (GVariant) payload = NULL;
      FxKeys supervisor;

      fx_keys (&supervisor, 0x11, 0x22);
      payload = cfd_capsule_file_open (capsule, supervisor.box_pk, supervisor.box_sk, NULL);
      cfd_test_write_bytes (g_getenv ("CFD_WRITE_CAPSULE_SEED"), g_variant_get_data (payload),
                            g_variant_get_size (payload));
      return 0;
    }
  g_test_add_func ("/confidant/capsule/fixture/card", test_fixture_card);
  g_test_add_func ("/confidant/capsule/fixture/capsule", test_fixture_capsule);
  g_test_add_func ("/confidant/capsule/fixture/reply", test_fixture_reply);

#define ADD(path, func) \
  g_test_add ("/confidant/capsule/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("scope-all", test_scope_all);
  ADD ("wrong-recipient", test_wrong_recipient);
  ADD ("bad-signature", test_bad_signature);
  ADD ("forged-signer", test_forged_signer);
  ADD ("tampered", test_tampered);
  ADD ("truncated", test_truncated);
  ADD ("expired-on-import", test_expired_on_import);
  ADD ("expiry-at-open", test_expiry_at_open);
  ADD ("expiry-at-unlock", test_expiry_at_unlock);
  ADD ("duplicate", test_duplicate_capsule);
  ADD ("revoked-consent", test_revoked_consent);
  ADD ("local-supervisor", test_local_supervisor);
  ADD ("replayed-reply", test_replayed_reply);
  ADD ("reply-refusals", test_reply_refusals);
  ADD ("reply-after-revocation", test_reply_after_revocation);
  ADD ("card-refusals", test_card_refusals);
  ADD ("card-user-cannot-unlock", test_card_user_cannot_unlock);
#undef ADD
  return g_test_run ();
}
