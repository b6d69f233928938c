/* test-consent.c: supervisors see a patient only under a live consent, and revoking rotates the key. */
#include "config.h"

#include <string.h>

#include "cfd-consent-private.h"
#include "cfd-patient-key.h"
#include "cfd-scoped-key.h"
#include "cfd-record.h"
#include "cfd-review.h"
#include "cfd-search.h"
#include "cfd-test-util.h"

#define CANARY          "Ottoline Quibbage"
#define SUPERVISOR_PASS "supervisor passphrase"

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

typedef struct
{
  CfdVault *vault;
  char *patient;
  char *supervisor;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fake_now = g_get_real_time ();
  f->vault = cfd_test_vault_new (NULL, NULL);
  cfd_vault_set_clock_for_testing (f->vault, fake_clock, NULL);
  f->patient = cfd_test_add_patient (f->vault, CANARY);
  f->supervisor = cfd_vault_add_user (f->vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                      SUPERVISOR_PASS, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->vault);
  g_free (f->patient);
  g_free (f->supervisor);
}

static void
switch_user (Fixture *f, gboolean supervisor)
{
  g_autoptr (GError) error = NULL;

  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, supervisor ? "Sam Supervisor" : NULL,
                                   supervisor ? SUPERVISOR_PASS : CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
}

static char *
grant (Fixture *f, CfdConsentScope scope, gint64 expires)
{
  CfdConsentTerms terms = {
    .supervisor = "Sam Supervisor",
    .scope = scope,
    .purpose = "Clinical supervision of integration work",
    .obtained_on = "2026-11-01",
    .method = "signed form",
    .expires = expires,
  };
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_grant_consent (f->vault, f->patient, &terms, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static guint
visible_patients (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_patients (f->vault, TRUE, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (list);
}

static void
test_without_consent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;

  switch_user (f, TRUE);
  g_assert_cmpuint (visible_patients (f), ==, 0);
  patient = cfd_vault_get_patient (f->vault, f->patient, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_null (strstr (error->message, "Ottoline"));
}

static void
test_grant_and_scope (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autofree char *authorization = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) consents = NULL;

  switch_user (f, TRUE);
  g_assert_cmpuint (visible_patients (f), ==, 1);
  patient = cfd_vault_get_patient (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_test_name_is (cfd_patient_get_name (patient), CANARY));

  /* Medical scope: the medical record yes, psychotherapy notes no. */
  g_assert_true (
      cfd_consent_check_access (f->vault, f->patient, TRUE, FALSE, 0, &authorization, &error));
  g_assert_cmpstr (authorization, ==, consent);
  g_clear_pointer (&authorization, g_free);
  g_assert_false (
      cfd_consent_check_access (f->vault, f->patient, TRUE, TRUE, 0, &authorization, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  consents = cfd_vault_list_consents (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (consents), ==, 1);
  {
    g_autoptr (CfdConsent) c = g_list_model_get_item (consents, 0);
    g_autofree char *summary = cfd_consent_describe (c, "Sam Supervisor");

    g_assert_cmpint (cfd_consent_get_scope (c), ==, CFD_CONSENT_SCOPE_MEDICAL);
    g_assert_nonnull (strstr (summary, "not the psychotherapy notes"));
  }

  /* Supervisors never grant. */
  {
    CfdConsentTerms terms = { .supervisor = "Sam Supervisor",
                              .purpose = "x",
                              .obtained_on = "2026-01-01",
                              .method = "verbal with witness" };

    g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &terms, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  }
}

static void
test_date_range (Fixture *f, gconstpointer data)
{
  CfdConsentTerms terms = {
    .supervisor = "Sam Supervisor",
    .scope = CFD_CONSENT_SCOPE_ALL,
    .records_from = 1000000,
    .records_to = 2000000,
    .purpose = "Case review",
    .obtained_on = "2026-11-01",
    .method = "verbal with witness",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_grant_consent (f->vault, f->patient, &terms, &error);
  g_autofree char *authorization = NULL;

  g_assert_no_error (error);
  switch_user (f, TRUE);
  g_assert_true (
      cfd_consent_check_access (f->vault, f->patient, TRUE, TRUE, 1500000, &authorization, &error));
  g_clear_pointer (&authorization, g_free);
  g_assert_false (cfd_consent_check_access (f->vault, f->patient, TRUE, FALSE, 2000001,
                                            &authorization, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

static void
test_invalid_terms (Fixture *f, gconstpointer data)
{
  CfdConsentTerms good = { .supervisor = "Sam Supervisor",
                           .purpose = "Supervision",
                           .obtained_on = "2026-11-01",
                           .method = "signed form" };
  CfdConsentTerms bad;
  g_autoptr (GError) error = NULL;

  bad = good;
  bad.purpose = "  ";
  g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &bad, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  bad = good;
  bad.obtained_on = "2026-02-30";
  g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &bad, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  bad = good;
  bad.expires = fake_now / G_USEC_PER_SEC - 10;
  g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &bad, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  bad = good;
  bad.supervisor = "Test Owner";
  g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &bad, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  bad = good;
  bad.supervisor = "Nobody";
  g_assert_null (cfd_vault_grant_consent (f->vault, f->patient, &bad, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static GBytes *
patient_sealed (CfdVault *vault, const char *patient_id, guint *version, guint64 *revision)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes;

  sqlite3_prepare_v2 (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                      "SELECT sealed, key_version, revision FROM patients WHERE id = ?", -1, &stmt,
                      NULL);
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
  *version = (guint)sqlite3_column_int64 (stmt, 1);
  *revision = (guint64)sqlite3_column_int64 (stmt, 2);
  sqlite3_finalize (stmt);
  return bytes;
}

static void
test_revoke_rotates (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (CfdSecret) saved_key = NULL;
  g_autoptr (GBytes) sealed = NULL;
  guint version;
  guint64 revision;

  /* The supervisor keeps a copy of their key (the details key) while they may. */
  switch_user (f, TRUE);
  {
    const guint8 *key = cfd_details_key_get (f->vault, f->patient, 1, &error);

    g_assert_no_error (error);
    saved_key = cfd_secret_new_from_data (key, CFD_KEY_BYTES);
  }

  switch_user (f, FALSE);
  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) change = NULL;
    GVariantDict dict;

    g_variant_dict_init (&dict, NULL);
    g_variant_dict_insert (&dict, CFD_PATIENT_PRONOUNS, "s", "she/her");
    change = g_variant_ref_sink (g_variant_dict_end (&dict));
    g_assert_true (cfd_vault_update_patient (f->vault, f->patient, change, &error));
  }
  sealed = patient_sealed (f->vault, f->patient, &version, &revision);
  g_assert_cmpuint (version, ==, 2);

  /* The old key opens nothing written after the revocation. */
  {
    g_autoptr (CfdAd) ad = cfd_ad_new ("confidant/field");
    g_autoptr (GBytes) plain = NULL;
    const guint8 *ad_data;
    gsize ad_len, len;
    const guint8 *bytes = g_bytes_get_data (sealed, &len);

    for (guint v = 1; v <= 2; v++)
      {
        g_clear_pointer (&ad, cfd_ad_free);
        ad = cfd_ad_new ("confidant/field");
        cfd_ad_add_uint (ad, CFD_FIELD_FORMAT_VERSION);
        cfd_ad_add_string (ad, cfd_vault_get_id (f->vault));
        cfd_ad_add_string (ad, f->patient);
        cfd_ad_add_string (ad, "patients");
        cfd_ad_add_string (ad, f->patient);
        cfd_ad_add_uint (ad, revision);
        cfd_ad_add_uint (ad, v);
        ad_data = cfd_ad_data (ad, &ad_len);
        plain = cfd_aead_open (saved_key->data, bytes, len, ad_data, ad_len);
        g_assert_null (plain);
      }
  }

  switch_user (f, TRUE);
  g_assert_cmpuint (visible_patients (f), ==, 0);
  patient = cfd_vault_get_patient (f->vault, f->patient, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  /* The practice still reads everything, under the new key. */
  switch_user (f, FALSE);
  patient = cfd_vault_get_patient (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_PRONOUNS), ==, "she/her");
}

static void
test_expiry (Fixture *f, gconstpointer data)
{
  gint64 expires = fake_now / G_USEC_PER_SEC + 86400;
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, expires);
  g_autoptr (GError) error = NULL;

  switch_user (f, TRUE);
  g_assert_cmpuint (visible_patients (f), ==, 1);

  /* Refused from the moment it expires, before any rotation. */
  fake_now = (expires + 1) * G_USEC_PER_SEC;
  g_assert_cmpuint (visible_patients (f), ==, 0);

  /* The practice's next unlock withdraws the key. */
  switch_user (f, FALSE);
  switch_user (f, TRUE);
  g_assert_null (cfd_patient_key_get (f->vault, f->patient, 2, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

static void
exec_sql (CfdVault *vault, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message)
      != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A supervisor who holds the database key extends their own consent. */
static void
test_tampered_consent (Fixture *f, gconstpointer data)
{
  gint64 expires = fake_now / G_USEC_PER_SEC + 86400;
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, expires);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *sql = NULL;

  switch_user (f, TRUE);
  sql = g_strdup_printf ("UPDATE consents SET expires = NULL WHERE id = '%s'", consent);
  exec_sql (f->vault, sql);
  patient = cfd_vault_get_patient (f->vault, f->patient, &error);
  g_assert_null (patient);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* Finding 3: the supervisor, with the database key, marks their expired
 * consent's key as already withdrawn (key_withdrawn is not signed). The
 * practice's next unlock decides from the signed expiry and the clock and
 * rotates the key away all the same. */
static void
test_unsigned_withdrawn_flag (Fixture *f, gconstpointer data)
{
  gint64 expires = fake_now / G_USEC_PER_SEC + 86400;
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, expires);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;

  switch_user (f, TRUE);
  sql = g_strdup_printf ("UPDATE consents SET key_withdrawn = 1 WHERE id = '%s'", consent);
  exec_sql (f->vault, sql);
  fake_now = (expires + 1) * G_USEC_PER_SEC;

  switch_user (f, FALSE);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action "
                                                  "= 'consent.key-withdrawn'"),
                   ==, 1);
  switch_user (f, TRUE);
  g_assert_null (cfd_patient_key_get (f->vault, f->patient, 2, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

/* Finding 3: a supervisor without consent plants a patient_keys row for
 * themselves (a copy of the owner's grant under their own user id). When
 * the key rotates, the row is not carried forward: its signature does not
 * verify and no consent entitles them. key.grant records name who got the
 * new key. */
static void
test_planted_reader_not_regranted (Fixture *f, gconstpointer data)
{
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  const char *owner = NULL;

  switch_user (f, TRUE);
  sql = g_strdup_printf ("INSERT INTO patient_keys (patient_id, key_version, user_id, sealed_key, "
                         "granted_by, granted_at, signature) SELECT patient_id, key_version, "
                         "'%s', sealed_key, granted_by, granted_at, signature FROM patient_keys "
                         "WHERE patient_id = '%s'",
                         f->supervisor, f->patient);
  exec_sql (f->vault, sql);

  switch_user (f, FALSE);
  owner = cfd_vault_get_user_id (f->vault);
  g_assert_true (cfd_db_begin (cfd_vault_get_db (f->vault, NULL), &error));
  g_assert_true (cfd_patient_key_rotate (f->vault, f->patient, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_db_commit (cfd_vault_get_db (f->vault, NULL), &error));
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM patient_keys WHERE key_version = 2 AND user_id = "
                         "'%s'",
                         f->supervisor);
  g_assert_cmpint (cfd_test_count_rows (f->vault, sql), ==, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'key.grant' AND "
                         "authorization = 'to %s'",
                         owner);
  g_assert_cmpint (cfd_test_count_rows (f->vault, sql), ==, 2);
}

static char *
signed_record (Fixture *f, CfdRecordKind kind, const char *field, const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) content = NULL;
  char *id;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, field, "s", text);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_create_record (f->vault, f->patient, kind, fake_now / G_USEC_PER_SEC, content,
                                &error);
  g_assert_no_error (error);
  if (!cfd_vault_sign_record (f->vault, id, &error))
    g_assert_no_error (error);
  return id;
}

/* Medical scope: the progress note is in, the integration note (a
 * psychotherapy note) is out: in the timeline, when opened, in search. */
static void
test_record_scope (Fixture *f, gconstpointer data)
{
  g_autofree char *progress = signed_record (f, CFD_RECORD_PROGRESS, "subjective",
                                             "Sleeping better since the second session");
  g_autofree char *integration
      = signed_record (f, CFD_RECORD_INTEGRATION, "intentions", "Zanzibarian lighthouse imagery");
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_MEDICAL, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (GListModel) hits = NULL;
  g_autoptr (CfdRecord) record = NULL;

  switch_user (f, TRUE);
  timeline = cfd_vault_list_records (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);
  record = cfd_vault_get_record (f->vault, progress, &error);
  g_assert_no_error (error);
  g_clear_object (&record);
  record = cfd_vault_get_record (f->vault, integration, &error);
  g_assert_null (record);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  hits = cfd_vault_search (f->vault, "Zanzibarian", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 0);
  g_clear_object (&hits);
  hits = cfd_vault_search (f->vault, "sleeping", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
}

static void
test_review (Fixture *f, gconstpointer data)
{
  g_autofree char *progress
      = signed_record (f, CFD_RECORD_PROGRESS, "subjective", "Mood brighter this week");
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autofree char *comment = NULL;
  g_autofree char *cosign = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) reviews = NULL;
  g_autoptr (CfdRecord) record = NULL;

  /* Only supervisors review. */
  g_assert_null (cfd_vault_cosign_record (f->vault, progress, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  switch_user (f, TRUE);
  comment = cfd_vault_add_review_comment (f->vault, progress, "Consider the sleep diary.", &error);
  g_assert_no_error (error);
  cosign = cfd_vault_cosign_record (f->vault, progress, &error);
  g_assert_no_error (error);
  g_assert_null (cfd_vault_add_review_comment (f->vault, progress, "   ", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* The practice sees both, verified; the record is unchanged. */
  switch_user (f, FALSE);
  reviews = cfd_vault_list_reviews (f->vault, progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 2);
  {
    g_autoptr (CfdReview) first = g_list_model_get_item (reviews, 0);
    g_autoptr (CfdReview) second = g_list_model_get_item (reviews, 1);
    CfdReview *c = cfd_review_get_kind (first) == CFD_REVIEW_COMMENT ? first : second;

    g_assert_cmpstr (cfd_review_get_text (c), ==, "Consider the sleep diary.");
    g_assert_cmpstr (cfd_review_get_author_id (c), ==, f->supervisor);
  }
  record = cfd_vault_get_record (f->vault, progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_record_get_revision (record), ==, 1);

  /* Revocation re-seals records and reviews; the practice still reads them. */
  g_clear_object (&reviews);
  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  reviews = cfd_vault_list_reviews (f->vault, progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 2);
  g_clear_object (&record);
  record = cfd_vault_get_record (f->vault, progress, &error);
  g_assert_no_error (error);

  /* A review whose signature no longer matches is reported. */
  {
    g_autofree char *sql = g_strdup_printf (
        "DROP TRIGGER reviews_immutable; UPDATE reviews SET created = created + 1 WHERE id = '%s'",
        comment);

    g_clear_object (&reviews);
    exec_sql (f->vault, sql);
    reviews = cfd_vault_list_reviews (f->vault, progress, &error);
    g_assert_null (reviews);
    g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  }
}

static gint64
grants_to_supervisor (Fixture *f, const char *record_id)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM record_grants WHERE record_id = '%s' AND user_id = '%s'", record_id,
      f->supervisor);

  return cfd_test_count_rows (f->vault, sql);
}

static gint64
revocation_tamper_records (Fixture *f, const char *consent)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM audit_log WHERE action = 'vault.tamper' AND object_kind = 'consent' "
      "AND object_id = '%s' AND outcome = 'failure'",
      consent);

  return cfd_test_count_rows (f->vault, sql);
}

static gboolean
consent_is_live (Fixture *f, const char *consent, gboolean *doubtful)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdConsent) loaded = cfd_consent_load (f->vault, consent, &error);

  g_assert_no_error (error);
  *doubtful = cfd_consent_revocation_is_doubtful (loaded);
  return cfd_consent_is_live (loaded, fake_now / G_USEC_PER_SEC);
}

/* The revoking owner signs the revocation: the consent, the time, and
 * their own id. */
static void
test_revocation_signed (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  gboolean doubtful = TRUE;

  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM consent_revocations r JOIN consents c ON c.id = "
                         "r.consent_id WHERE r.consent_id = '%s' AND r.revoked_by = '%s' AND "
                         "length(r.signature) = 64 AND r.revoked_at = c.revoked_at",
                         consent, cfd_vault_get_user_id (f->vault));
  g_assert_cmpint (cfd_test_count_rows (f->vault, sql), ==, 1);
  g_assert_false (consent_is_live (f, consent, &doubtful));
  g_assert_false (doubtful);
  g_assert_cmpint (revocation_tamper_records (f, consent), ==, 0);
}

static char *
revocation_attack (guint which, const char *consent)
{
  switch (which)
    {
      case 0:
        return g_strdup_printf (
            "UPDATE consents SET revoked_at = NULL, key_withdrawn = 0 WHERE id = '%s'", consent);
      case 1:
        return g_strdup_printf ("UPDATE consent_revocations SET revoked_at = revoked_at + 86400 "
                                "WHERE consent_id = '%1$s'; UPDATE consents SET revoked_at = "
                                "revoked_at + 86400 WHERE id = '%1$s'",
                                consent);
      default:
        return g_strdup_printf ("DELETE FROM consent_revocations WHERE consent_id = '%1$s'; "
                                "UPDATE consents SET revoked_at = NULL WHERE id = '%1$s'",
                                consent);
    }
}

/* The attack of clear-revocation.py, in three forms: the clear-text copy
 * cleared; the signed row's time changed; the row deleted with the copy
 * cleared (the audit log's consent.revoke decides). Each time the owner
 * then signs a record the consent would cover: the supervisor gets no key
 * for it, and the tampering is recorded. */
static void
test_cleared_revocation (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autoptr (GError) error = NULL;
  gint64 reported = 0;

  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *sql = revocation_attack (i, consent);
      g_autofree char *record = NULL;
      g_autoptr (CfdRecord) read = NULL;
      gboolean doubtful = FALSE;

      switch_user (f, TRUE);
      exec_sql (f->vault, sql);
      switch_user (f, FALSE);
      record = signed_record (f, CFD_RECORD_PROGRESS, "subjective", "Written after it ended");
      g_assert_cmpint (grants_to_supervisor (f, record), ==, 0);
      g_assert_false (consent_is_live (f, consent, &doubtful));
      g_assert_true (doubtful);
      g_assert_cmpint (revocation_tamper_records (f, consent), >, reported);
      reported = revocation_tamper_records (f, consent);

      switch_user (f, TRUE);
      read = cfd_vault_get_record (f->vault, record, &error);
      g_assert_null (read);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
      g_clear_error (&error);
      switch_user (f, FALSE);
    }
}

/* A signature that does not verify is no revocation to trust, and no
 * consent to bring back to life either. */
static void
test_forged_revocation_signature (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  gboolean doubtful = FALSE;

  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  switch_user (f, TRUE);
  sql = g_strdup_printf ("UPDATE consent_revocations SET revoked_by = '%s' WHERE consent_id = '%s'",
                         f->supervisor, consent);
  exec_sql (f->vault, sql);
  switch_user (f, FALSE);
  g_assert_false (consent_is_live (f, consent, &doubtful));
  g_assert_true (doubtful);
  g_assert_cmpint (revocation_tamper_records (f, consent), >, 0);
}

/* A vault from before signed revocations: the migration carries its
 * revocations over unsigned (still revoked, nothing reported), and the
 * owner's next unlock signs them. */
static void
test_carried_revocation_signed_at_unlock (Fixture *f, gconstpointer data)
{
  g_autofree char *consent = grant (f, CFD_CONSENT_SCOPE_ALL, 0);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  gboolean doubtful = TRUE;

  g_assert_true (cfd_vault_revoke_consent (f->vault, consent, &error));
  g_assert_no_error (error);
  /* Back to schema 10: no table of signed revocations, no index. */
  exec_sql (f->vault, "DROP INDEX audit_log_consent_revoke; DROP TABLE consent_revocations; "
                      "PRAGMA user_version = 10");
  switch_user (f, TRUE);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM consent_revocations "
                                                  "WHERE signature IS NULL"),
                   ==, 1);
  g_assert_cmpuint (visible_patients (f), ==, 0);
  g_assert_cmpint (revocation_tamper_records (f, consent), ==, 0);

  switch_user (f, FALSE);
  sql = g_strdup_printf ("SELECT count(*) FROM consent_revocations WHERE consent_id = '%s' AND "
                         "revoked_by = '%s' AND length(signature) = 64",
                         consent, cfd_vault_get_user_id (f->vault));
  g_assert_cmpint (cfd_test_count_rows (f->vault, sql), ==, 1);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action "
                                                  "= 'consent.revocations-signed'"),
                   ==, 1);
  g_assert_false (consent_is_live (f, consent, &doubtful));
  g_assert_false (doubtful);
  g_assert_cmpint (revocation_tamper_records (f, consent), ==, 0);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
#define ADD(path, func) \
  g_test_add ("/confidant/consent/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("without-consent", test_without_consent);
  ADD ("grant-and-scope", test_grant_and_scope);
  ADD ("date-range", test_date_range);
  ADD ("invalid-terms", test_invalid_terms);
  ADD ("revoke-rotates", test_revoke_rotates);
  ADD ("expiry", test_expiry);
  ADD ("tampered", test_tampered_consent);
  ADD ("unsigned-withdrawn-flag", test_unsigned_withdrawn_flag);
  ADD ("planted-reader-not-regranted", test_planted_reader_not_regranted);
  ADD ("record-scope", test_record_scope);
  ADD ("review", test_review);
  ADD ("revocation-signed", test_revocation_signed);
  ADD ("cleared-revocation", test_cleared_revocation);
  ADD ("forged-revocation-signature", test_forged_revocation_signature);
  ADD ("carried-revocation-signed-at-unlock", test_carried_revocation_signed_at_unlock);
  return g_test_run ();
}
