/* test-session.c: the session record: its link to a dosing record, the checks at signing, the
 * integration note without medical-record facts, the PDF's list of sessions, schema 4 to 5. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-audit-verify.h"
#include "cfd-consent.h"
#include "cfd-db.h"
#include "cfd-export-pdf.h"
#include "cfd-record-private.h"
#include "cfd-review.h"
#include "cfd-schema.h"
#include "cfd-session-link.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000) /* 2023-11-14 */
#define DAY      (24 * 60 * 60)
#define LINK     "“Linked dosing record”"

#define SUPERVISOR_PASS "quiet harbour lantern seven"

static GVariant *
dosing_content (void)
{
  GVariantDict d;
  GVariantBuilder vitals;

  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(sqqqq)", "10:00", 128, 82, 74, 98);
  g_variant_builder_add (&vitals, "(sqqqq)", "10:20", 132, 84, 81, 97);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "iv");
  g_variant_dict_insert (&d, "weight-kg", "d", 80.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert (&d, "infusion-start", "s", "10:00");
  g_variant_dict_insert (&d, "infusion-stop", "s", "10:40");
  g_variant_dict_insert (&d, "infusion-rate", "d", 60.0);
  g_variant_dict_insert (&d, "lot-number", "s", "LOT-4411");
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "moaas", "x", (gint64)4);
  g_variant_dict_insert (&d, "cadss", "x", (gint64)18);
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)90);
  g_variant_dict_insert (&d, "discharge-time", "s", "12:10");
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  g_variant_dict_insert (&d, "escort", "s", "Partner");
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

/* A session record; link may be NULL. */
static GVariant *
session_content (const char *link, const char *modality, const char *start, const char *end)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "start-time", "s", start);
  g_variant_dict_insert (&d, "end-time", "s", end);
  g_variant_dict_insert (&d, "modality", "s", modality);
  if (g_strcmp0 (modality, "telehealth-video") == 0)
    g_variant_dict_insert (&d, "telehealth-location", "s", "Austin, Texas");
  if (link != NULL)
    g_variant_dict_insert (&d, "dosing-record", "s", link);
  /* What a caller says about the dosing is not taken: core fills it in. */
  g_variant_dict_insert (&d, "dosing-dose-mg", "d", 999.0);
  g_variant_dict_insert (&d, "progress", "s", "Sleeping better; less rumination.");
  g_variant_dict_insert (&d, "risk-status", "s", "none-identified");
  g_variant_dict_insert (&d, "plan", "s", "Plan-Quokka-3318: weekly integration sessions.");
  g_variant_dict_insert (&d, "next-session", "s", "2023-11-21");
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static char *
create (
    CfdVault *vault, const char *patient, CfdRecordKind kind, gint64 occurred, GVariant *content)
{
  g_autoptr (GVariant) owned = content;
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_create_record (vault, patient, kind, occurred, content, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static void
sign_ok (CfdVault *vault, const char *id)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
}

/* Signing is refused with a message that holds needle. */
static void
sign_refused (CfdVault *vault, const char *id, const char *needle)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_sign_record (vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not say %s", error->message, needle);
}

static void
test_link_fills_dosing_facts (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Sam Session");
  g_autofree char *dosing = create (vault, patient, CFD_RECORD_DOSING, OCCURRED, dosing_content ());
  g_autofree char *session = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  double dose = 0, days = 0;

  sign_ok (vault, dosing);
  session = create (vault, patient, CFD_RECORD_SESSION, OCCURRED + 3 * DAY,
                    session_content (dosing, "telehealth-video", "09:00", "10:15"));
  record = cfd_vault_get_record (vault, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_category (record), ==, CFD_RECORD_CATEGORY_MEDICAL);
  g_assert_cmpstr (cfd_record_get_text (record, "dosing-medication"), ==, "racemic-ketamine");
  g_assert_cmpstr (cfd_record_get_text (record, "dosing-route"), ==, "iv");
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "dosing-dose-mg", "d", &dose));
  g_assert_cmpfloat (dose, ==, 40.0);
  g_assert_true (
      g_variant_lookup (cfd_record_get_content (record), "days-since-dosing", "d", &days));
  g_assert_cmpfloat (days, ==, 3.0);
  sign_ok (vault, session);

  /* A session without a link signs too, and shows no dosing facts. */
  g_free (session);
  session = create (vault, patient, CFD_RECORD_SESSION, OCCURRED + 3 * DAY,
                    session_content (NULL, "in-person", "09:00", "10:15"));
  g_clear_object (&record);
  record = cfd_vault_get_record (vault, session, &error);
  g_assert_no_error (error);
  g_assert_null (g_variant_lookup_value (cfd_record_get_content (record), "dosing-dose-mg", NULL));
  sign_ok (vault, session);
}

static void
test_link_refused_at_signing (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Sam Session");
  g_autofree char *other = cfd_test_add_patient (vault, "Olga Other");
  g_autofree char *later
      = create (vault, patient, CFD_RECORD_DOSING, OCCURRED + DAY, dosing_content ());
  g_autofree char *theirs
      = create (vault, other, CFD_RECORD_DOSING, OCCURRED - DAY, dosing_content ());
  g_autofree char *unsigned_
      = create (vault, patient, CFD_RECORD_DOSING, OCCURRED - DAY, dosing_content ());
  g_autofree char *progress = NULL;
  GVariantDict d;
  struct
  {
    const char *link;
    const char *says;
  } cases[] = {
    { later, "names a dosing record dated after this session" },
    { theirs, "names a dosing record of another patient" },
    { unsigned_, "names a dosing record that is not signed yet" },
    { NULL, "names a record that is not a dosing record" },
    { "0123456789abcdef0123456789abcdef", "names no record of this vault" },
  };

  sign_ok (vault, later);
  sign_ok (vault, theirs);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Fine.");
  progress = create (vault, patient, CFD_RECORD_PROGRESS, OCCURRED - DAY,
                     g_variant_ref_sink (g_variant_dict_end (&d)));
  sign_ok (vault, progress);
  cases[3].link = progress;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* The draft keeps the link as typed; signing says what is wrong. */
      g_autofree char *id = create (vault, patient, CFD_RECORD_SESSION, OCCURRED,
                                    session_content (cases[i].link, "in-person", "09:00", "10:00"));
      g_autofree char *needle = g_strdup_printf ("%s %s", LINK, cases[i].says);

      sign_refused (vault, id, needle);
    }
}

static void
test_times_and_modality (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Sam Session");
  g_autofree char *backwards = create (vault, patient, CFD_RECORD_SESSION, OCCURRED,
                                       session_content (NULL, "in-person", "10:00", "09:00"));
  g_autoptr (GVariant) in_person = session_content (NULL, "in-person", "09:00", "10:00");
  g_autofree char *located = NULL;
  GVariantDict d;

  sign_refused (vault, backwards, "“End” must be after the start");
  g_variant_dict_init (&d, in_person);
  g_variant_dict_insert (&d, "telehealth-location", "s", "Austin, Texas");
  located = create (vault, patient, CFD_RECORD_SESSION, OCCURRED,
                    g_variant_ref_sink (g_variant_dict_end (&d)));
  sign_refused (vault, located, "“Patient location” applies only when");
}

static GVariant *
integration_content (const char *session_link, gboolean with_times)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "intentions", "s", "To meet the grief.");
  g_variant_dict_insert (&d, "themes", "s", "Open sky.");
  if (session_link != NULL)
    g_variant_dict_insert (&d, "session-record", "s", session_link);
  if (with_times)
    {
      g_variant_dict_insert (&d, "start-time", "s", "09:00");
      g_variant_dict_insert (&d, "end-time", "s", "10:15");
      g_variant_dict_insert (&d, "modality", "s", "video");
      g_variant_dict_insert (&d, "dosing-medication", "s", "racemic-ketamine");
      g_variant_dict_insert (&d, "dosing-dose-mg", "d", 70.0);
      g_variant_dict_insert (&d, "plan", "s", "Continue weekly.");
    }
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

/* A note as Confidant signed them before the session record: the times
 * and the plan inside the psychotherapy note. */
static char *
insert_old_integration_note (CfdVault *vault, const char *patient)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  g_autoptr (GVariant) content = integration_content (NULL, TRUE);
  g_autoptr (GError) error = NULL;
  guint key_version = 0;
  char *id;

  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_record_patient_access (vault, patient, "record.create", &key_version, &error));
  id = cfd_record_insert_signed (vault, patient, key_version, CFD_RECORD_INTEGRATION,
                                 CFD_RECORD_CATEGORY_PSYCHOTHERAPY, NULL, OCCURRED, content,
                                 &error);
  g_assert_no_error (error);
  g_assert_true (cfd_db_commit (db, &error));
  return id;
}

static void
test_integration_note (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Ivy Integration");
  g_autofree char *other = cfd_test_add_patient (vault, "Olga Other");
  g_autofree char *session = create (vault, patient, CFD_RECORD_SESSION, OCCURRED,
                                     session_content (NULL, "in-person", "09:00", "10:15"));
  g_autofree char *theirs = create (vault, other, CFD_RECORD_SESSION, OCCURRED,
                                    session_content (NULL, "in-person", "09:00", "10:15"));
  g_autofree char *with_times = create (vault, patient, CFD_RECORD_INTEGRATION, OCCURRED,
                                        integration_content (session, TRUE));
  g_autofree char *wrong_link = create (vault, patient, CFD_RECORD_INTEGRATION, OCCURRED,
                                        integration_content (theirs, FALSE));
  g_autofree char *good = create (vault, patient, CFD_RECORD_INTEGRATION, OCCURRED,
                                  integration_content (session, FALSE));
  g_autofree char *old = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  sign_ok (vault, session);
  sign_refused (vault, with_times, "“Start” now belongs in the session record");
  sign_refused (vault, with_times, "“Plan” now belongs in the session record");
  sign_refused (vault, wrong_link, "“Session record” names a session record of another patient");
  sign_ok (vault, good);

  /* A note signed before keeps its times: it verifies and shows them. */
  old = insert_old_integration_note (vault, patient);
  record = cfd_vault_get_record (vault, old, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
  g_assert_cmpstr (cfd_record_get_text (record, "start-time"), ==, "09:00");
  g_assert_cmpstr (cfd_record_get_text (record, "plan"), ==, "Continue weekly.");
  g_assert_true (cfd_template_find_field (cfd_template_get (CFD_RECORD_INTEGRATION), "start-time")
                     ->only_when_set);
}

/* The PDF's text, by pdftotext; NULL (test skipped) without it. */
static char *
pdf_text (const char *pdf)
{
  g_autofree char *program = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { NULL, "-layout", pdf, "-", NULL };

  if (program == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return NULL;
    }
  argv[0] = program;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_pdf_lists_sessions (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Petra Pdf");
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *pdf = g_build_filename (dir, "record.pdf", NULL);
  g_autofree char *first = create (vault, patient, CFD_RECORD_SESSION, OCCURRED,
                                   session_content (NULL, "in-person", "09:00", "10:15"));
  g_autofree char *second = create (vault, patient, CFD_RECORD_SESSION, OCCURRED + 7 * DAY,
                                    session_content (NULL, "telehealth-video", "14:30", "15:20"));
  g_autofree char *draft = create (vault, patient, CFD_RECORD_SESSION, OCCURRED + 14 * DAY,
                                   session_content (NULL, "telephone", "16:05", "16:40"));
  g_autofree char *text = NULL;
  const char *listing;
  g_autoptr (GError) error = NULL;

  sign_ok (vault, first);
  sign_ok (vault, second);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* The patient's copy: the medical record only. */
  g_assert_true (cfd_vault_export_patient_pdf (vault, patient, FALSE, pdf, NULL, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  if (text == NULL)
    return;
  listing = strstr (text, "Sessions");
  g_assert_nonnull (listing);
  g_assert_nonnull (strstr (listing, "2023-11-14 · 09:00–10:15 · In person"));
  g_assert_nonnull (strstr (listing, "2023-11-21 · 14:30–15:20 · Telehealth (video)"));
  g_assert_nonnull (strstr (listing, "Plan: Plan-Quokka-3318"));
  /* A draft is not part of the record. */
  g_assert_null (strstr (text, "16:05"));
  g_unlink (pdf);
  g_rmdir (dir);
}

/* ---- schema 4 to 5 ---- */

static char *
query_text (CfdVault *vault, const char *sql)
{
  sqlite3 *handle = cfd_db_handle (cfd_vault_get_db (vault, NULL));
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* Everything the rebuild must keep: every row as stored, and the schema of
 * everything but the records table itself. */
#define ROWS_SQL                                                                          \
  "SELECT group_concat(r, ';') FROM (SELECT id || patient_id || coalesce(parent_id, '-')" \
  " || author_id || kind || class || status || occurred || created || updated"            \
  " || coalesce(signed_at, '-') || key_version || revision || hex(sealed)"                \
  " || coalesce(hex(signature), '-') AS r FROM records ORDER BY id)"
#define SCHEMA_SQL                                                                      \
  "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) FROM" \
  " (SELECT * FROM sqlite_master WHERE NOT (type = 'table' AND name = 'records') ORDER BY name)"

static void
test_migration_from_schema_4 (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdVault) reopened = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *dosing = NULL;
  g_autofree char *old_note = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *addendum = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *rows_after = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *session = NULL;
  g_autofree char *revisions = NULL;
  g_autoptr (GListModel) history = NULL;
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (GError) error = NULL;
  CfdAuditReport report = { 0 };
  GVariantDict d;

  /* A vault as schema 4 left it, made by this code. */
  cfd_schema_set_target_for_testing (4);
  vault = cfd_test_vault_new (&path, NULL);
  g_assert_cmpint (cfd_db_schema_version (cfd_vault_get_db (vault, NULL)), ==, 4);
  patient = cfd_test_add_patient (vault, "Mia Migration");
  /* Schema 4 knows no session record. */
  {
    g_autoptr (GVariant) content = session_content (NULL, "in-person", "09:00", "10:00");

    g_assert_null (
        cfd_vault_create_record (vault, patient, CFD_RECORD_SESSION, OCCURRED, content, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  dosing = create (vault, patient, CFD_RECORD_DOSING, OCCURRED, dosing_content ());
  sign_ok (vault, dosing);
  old_note = insert_old_integration_note (vault, patient);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Steady week.");
  progress = create (vault, patient, CFD_RECORD_PROGRESS, OCCURRED + DAY,
                     g_variant_ref_sink (g_variant_dict_end (&d)));
  sign_ok (vault, progress);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "reason", "s", "correction");
  g_variant_dict_insert (&d, "text", "s", "The session was on the 2nd.");
  addendum = cfd_vault_add_addendum (vault, progress, g_variant_dict_end (&d), &error);
  g_assert_no_error (error);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "First words.");
  draft = create (vault, patient, CFD_RECORD_PROGRESS, OCCURRED + 2 * DAY,
                  g_variant_ref_sink (g_variant_dict_end (&d)));
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Second words.");
  g_assert_true (
      cfd_vault_save_draft (vault, draft, OCCURRED + 2 * DAY, g_variant_dict_end (&d), &error));
  g_assert_no_error (error);
  /* A supervisor's comment: a row that refers to a record and would go
   * with it if dropping the old table cascaded. */
  {
    g_autofree char *supervisor = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                                      SUPERVISOR_PASS, &error);
    CfdConsentTerms terms = {
      .supervisor = "Sam Supervisor",
      .scope = CFD_CONSENT_SCOPE_MEDICAL,
      .purpose = "Clinical supervision",
      .obtained_on = "2023-11-01",
      .method = "signed form",
      .expires = 0,
    };
    g_autofree char *consent = NULL;
    g_autofree char *comment = NULL;

    g_assert_no_error (error);
    consent = cfd_vault_grant_consent (vault, patient, &terms, &error);
    g_assert_no_error (error);
    cfd_vault_lock (vault);
    g_assert_true (cfd_vault_unlock (vault, "Sam Supervisor", SUPERVISOR_PASS, &error));
    comment = cfd_vault_add_review_comment (vault, progress, "Consider the sleep diary.", &error);
    g_assert_no_error (error);
    cfd_vault_lock (vault);
    g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
    g_assert_no_error (error);
  }
  rows = query_text (vault, ROWS_SQL);
  schema = query_text (vault, SCHEMA_SQL);
  revisions = query_text (vault, "SELECT count(*) FROM record_revisions");
  g_assert_cmpstr (revisions, ==, "1");
  cfd_vault_lock (vault);
  g_clear_object (&vault);

  /* Opened by this version: migrated, with everything intact. (Migrated
   * to 5 only: later migrations add tables of their own.) */
  cfd_schema_set_target_for_testing (5);
  reopened = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (reopened, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_db_schema_version (cfd_vault_get_db (reopened, NULL)), ==, 5);
  cfd_schema_set_target_for_testing (-1);
  rows_after = query_text (reopened, ROWS_SQL);
  schema_after = query_text (reopened, SCHEMA_SQL);
  g_assert_cmpstr (rows_after, ==, rows);
  g_assert_cmpstr (schema_after, ==, schema);
  g_free (revisions);
  revisions = query_text (reopened, "PRAGMA foreign_keys");
  g_assert_cmpstr (revisions, ==, "1");
  g_free (revisions);
  revisions = query_text (reopened, "SELECT count(*) FROM record_revisions");
  g_assert_cmpstr (revisions, ==, "1");

  /* Every record verifies; the draft keeps its history; the log is whole. */
  timeline = cfd_vault_list_records (reopened, patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 5);
  for (guint i = 0; i < g_list_model_get_n_items (timeline); i++)
    {
      g_autoptr (CfdRecord) listed = g_list_model_get_item (timeline, i);
      g_autoptr (CfdRecord) record
          = cfd_vault_get_record (reopened, cfd_record_get_id (listed), &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }
  {
    g_autoptr (GListModel) reviews = cfd_vault_list_reviews (reopened, progress, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 1);
  }
  history = cfd_vault_list_revisions (reopened, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  g_assert_true (cfd_vault_audit_verify (reopened, NULL, 0, &report, &error));
  g_assert_no_error (error);

  /* The triggers came back: a signed record still cannot change. */
  {
    sqlite3 *handle = cfd_db_handle (cfd_vault_get_db (reopened, NULL));
    g_autofree char *sql
        = g_strdup_printf ("UPDATE records SET occurred = 1 WHERE id = '%s'", progress);

    g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), !=, SQLITE_OK);
  }

  /* And the new kind is now welcome. */
  session = create (reopened, patient, CFD_RECORD_SESSION, OCCURRED + 3 * DAY,
                    session_content (dosing, "in-person", "09:00", "10:00"));
  sign_ok (reopened, session);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/session/link/fills-dosing-facts", test_link_fills_dosing_facts);
  g_test_add_func ("/session/link/refused-at-signing", test_link_refused_at_signing);
  g_test_add_func ("/session/times-and-modality", test_times_and_modality);
  g_test_add_func ("/session/integration-note", test_integration_note);
  g_test_add_func ("/session/pdf-lists-sessions", test_pdf_lists_sessions);
  g_test_add_func ("/session/migration-from-schema-4", test_migration_from_schema_4);
  return g_test_run ();
}
