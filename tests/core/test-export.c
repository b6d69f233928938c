/* test-export.c: a patient's record as PDF: what is in it, who may make it, the audit, safe writing. */
#include "config.h"

#include <locale.h>

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-audit-query.h"
#include "cfd-consent.h"
#include "cfd-export-pdf.h"
#include "cfd-io-private.h"
#include "cfd-measure.h"
#include "cfd-record-document.h"
#include "cfd-record.h"
#include "cfd-risk-flag.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1760000000) /* 2025-10-09 */
#define DAY      G_GINT64_CONSTANT (86400)

#define PSYCHOTHERAPY_CANARY "Lighthouse-imagery-canary"
#define MEDICAL_CANARY       "Subjective-canary-walks"
#define DRAFT_CANARY         "Unsigned-draft-canary"
#define ADDENDUM_CANARY      "Addendum-canary-correction"

typedef struct
{
  CfdVault *vault;
  char *path;
  char *patient;
  char *dosing;
  char *dir; /* where the PDFs go */
} Fixture;

static char *
create_signed (CfdVault *vault,
               const char *patient,
               CfdRecordKind kind,
               gint64 occurred,
               GVariant *content,
               gboolean sign)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) owned = g_variant_ref_sink (content);
  char *id = cfd_vault_create_record (vault, patient, kind, occurred, owned, &error);

  g_assert_no_error (error);
  if (sign)
    {
      g_assert_true (cfd_vault_sign_record (vault, id, &error));
      g_assert_no_error (error);
    }
  return id;
}

static GVariant *
text_content (const char *field, const char *text)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, field, "s", text);
  return g_variant_dict_end (&d);
}

static GVariant *
dosing_content (void)
{
  GVariantDict d;
  GVariantBuilder vitals;

  g_variant_builder_init (&vitals, G_VARIANT_TYPE ("a(sqqqq)"));
  g_variant_builder_add (&vitals, "(sqqqq)", "10:05", 128, 82, 74, 98);
  g_variant_builder_add (&vitals, "(sqqqq)", "10:20", 141, 88, 81, 97);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "iv");
  g_variant_dict_insert (&d, "weight-kg", "d", 80.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  return g_variant_dict_end (&d);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *integration = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *addendum = NULL;
  g_autofree char *measure = NULL;
  const guint8 items[9] = { 2, 2, 1, 1, 2, 1, 1, 0, 1 };
  GVariant *integration_content;
  GVariantDict d;

  f->vault = cfd_test_vault_new (&f->path, NULL);
  f->patient = cfd_test_add_patient (f->vault, "Quentin Export");
  f->dir = cfd_test_make_dir ();
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->dosing
      = create_signed (f->vault, f->patient, CFD_RECORD_DOSING, OCCURRED, dosing_content (), TRUE);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "intentions", "s", PSYCHOTHERAPY_CANARY);
  integration_content = g_variant_dict_end (&d);
  integration = create_signed (f->vault, f->patient, CFD_RECORD_INTEGRATION, OCCURRED + DAY,
                               integration_content, TRUE);
  progress = create_signed (f->vault, f->patient, CFD_RECORD_PROGRESS, OCCURRED + 2 * DAY,
                            text_content ("subjective", MEDICAL_CANARY), TRUE);
  draft = create_signed (f->vault, f->patient, CFD_RECORD_PROGRESS, OCCURRED + 3 * DAY,
                         text_content ("subjective", DRAFT_CANARY), FALSE);
  {
    g_autoptr (GVariant) content = g_variant_ref_sink (text_content ("text", ADDENDUM_CANARY));

    addendum = cfd_vault_add_addendum (f->vault, progress, content, &error);
    g_assert_no_error (error);
  }
  measure = cfd_vault_add_measure (f->vault, f->patient, CFD_INSTRUMENT_PHQ9, OCCURRED + 4 * DAY,
                                   items, G_N_ELEMENTS (items), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->vault);
  g_free (f->path);
  g_free (f->patient);
  g_free (f->dosing);
  g_free (f->dir);
}

/* The PDF's text as pdftotext reads it (layout kept, so a table row stays
 * on one line); NULL, with the test skipped, when poppler-utils is missing. */
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

static gboolean
count_export (const CfdAuditEntry *entry,
              const guint8 hash[CFD_HASH_BYTES],
              const char *actor_name,
              gpointer user_data,
              GError **error)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add (seen, g_strdup_printf ("%s %s %s %s", entry->action, entry->object_id,
                                          entry->outcome, entry->authorization));
  return TRUE;
}

/* "action patient outcome scope" of every export and print, oldest first. */
static GPtrArray *
disclosures (CfdVault *vault)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  CfdAuditFilter filter = { .action = "patient.*" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (cfd_vault_audit_foreach (vault, &filter, count_export, all, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      const char *row = g_ptr_array_index (all, i);

      if (g_str_has_prefix (row, "patient.export ") || g_str_has_prefix (row, "patient.print "))
        g_ptr_array_add (seen, g_strdup (row));
    }
  return seen;
}

static void
test_medical_record_by_default (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "record.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  guint pages = 0;

  {
    gboolean exported
        = cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, &pages, &error);

    g_assert_no_error (error);
    g_assert_true (exported);
  }
  g_assert_cmpuint (pages, >=, 2);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  text = pdf_text (pdf);
  if (text == NULL)
    return;
  /* The cover says what is in it, and what is not. */
  g_assert_nonnull (strstr (text, "Patient record"));
  g_assert_nonnull (strstr (text, "Quentin Export"));
  g_assert_nonnull (strstr (text, "Psychotherapy notes are NOT included"));
  g_assert_nonnull (strstr (text, "1 unsigned draft was left out"));
  g_assert_nonnull (strstr (text, "Test Owner (owner)"));
  g_assert_nonnull (strstr (text, "2025-10-09 to 2025-10-13"));
  /* The medical record, with its addenda, measures and tables. */
  g_assert_nonnull (strstr (text, MEDICAL_CANARY));
  g_assert_nonnull (strstr (text, ADDENDUM_CANARY));
  g_assert_nonnull (strstr (text, "Racemic ketamine"));
  g_assert_nonnull (strstr (text, "0.5 mg/kg"));
  g_assert_nonnull (strstr (text, "141/88 mmHg"));
  g_assert_nonnull (strstr (text, "11 of 27 — Moderate"));
  g_assert_nonnull (strstr (text, "Item 9 above 0"));
  /* Each item with its wording and the answer's label. */
  g_assert_nonnull (strstr (text, "1. Little interest or pleasure in doing things"));
  g_assert_nonnull (strstr (text, "More than half the days"));
  g_assert_nonnull (strstr (text, "10. If you checked off any problems"));
  g_assert_nonnull (strstr (text, "Not answered"));
  /* Never the psychotherapy note, never the draft. */
  g_assert_null (strstr (text, PSYCHOTHERAPY_CANARY));
  g_assert_null (strstr (text, DRAFT_CANARY));
  /* Every page carries the footer and its number. */
  g_assert_nonnull (strstr (text, "Confidential — contains protected health information"));
  expected = g_strdup_printf ("Page %u of %u", pages, pages);
  g_assert_nonnull (strstr (text, expected));

  seen = disclosures (f->vault);
  g_assert_cmpuint (seen->len, ==, 1);
  expected = (g_free (expected),
              g_strdup_printf ("patient.export %s success medical-record", f->patient));
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected);
}

/* Where the decimal separator is a comma (es_ES, most of Europe), the PDF
 * is written all the same: cairo once refused its bookmarks there. */
static void
test_decimal_comma_locale (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "registro.pdf", NULL);
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autoptr (GError) error = NULL;
  gboolean exported;
  guint pages = 0;

  if (setlocale (LC_ALL, "es_ES.UTF-8") == NULL)
    {
      g_test_skip ("The es_ES.UTF-8 locale is not installed");
      return;
    }
  exported = cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, &pages, &error);
  setlocale (LC_ALL, saved);
  g_assert_no_error (error);
  g_assert_true (exported);
  g_assert_cmpuint (pages, >=, 2);
}

static void
test_psychotherapy_when_asked (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "with-notes.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  g_autoptr (GError) error = NULL;

  {
    gboolean exported
        = cfd_vault_export_patient_pdf (f->vault, f->patient, TRUE, pdf, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (exported);
  }
  text = pdf_text (pdf);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, PSYCHOTHERAPY_CANARY));
  g_assert_nonnull (strstr (text, MEDICAL_CANARY));
  g_assert_nonnull (strstr (text, "Psychotherapy notes ARE included"));
  g_assert_null (strstr (text, DRAFT_CANARY));

  seen = disclosures (f->vault);
  g_assert_cmpuint (seen->len, ==, 1);
  expected = g_strdup_printf ("patient.export %s success medical-record+psychotherapy-notes",
                              f->patient);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected);
}

/* Print and PDF share one renderer: a document drawn onto an image has the
 * same number of pages, and a print is audited as such. */
static void
test_print_document (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecordDocument) document
      = cfd_record_document_new (f->vault, f->patient, CFD_RECORD_DOCUMENT_PRINT, FALSE, &error);
  g_autoptr (GPtrArray) seen = NULL;
  g_autofree char *expected = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint pages;

  g_assert_no_error (error);
  g_assert_false (cfd_record_document_includes_psychotherapy (document));
  /* dosing, progress with its addendum, the measure */
  g_assert_cmpuint (cfd_record_document_get_n_records (document), ==, 4);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cr = cairo_create (surface);
  pages = cfd_record_document_paginate (document, cr, 595, 842);
  g_assert_cmpuint (pages, >=, 2);
  for (guint i = 0; i < pages; i++)
    cfd_record_document_draw_page (document, cr, i);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  g_assert_true (cfd_record_document_audit (document, f->vault, TRUE, &error));
  g_assert_no_error (error);
  seen = disclosures (f->vault);
  g_assert_cmpuint (seen->len, ==, 1);
  expected = g_strdup_printf ("patient.print %s success medical-record", f->patient);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected);
}

/* Supervision consent covers reviewing notes, not disclosing the record:
 * even under a consent to the whole record, a supervisor may not export. */
static void
test_supervisor_may_not_export (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "supervisor.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *sam = cfd_vault_add_user (f->vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR,
                                             "sam's passphrase", &error);
  CfdConsentTerms terms = { .supervisor = "Sam Supervisor",
                            .scope = CFD_CONSENT_SCOPE_ALL,
                            .purpose = "Monthly supervision",
                            .obtained_on = "2025-10-01",
                            .method = "signed form" };
  g_autofree char *consent = cfd_vault_grant_consent (f->vault, f->patient, &terms, &error);
  g_autoptr (GPtrArray) seen = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GListModel) readable = NULL;

  g_assert_no_error (error);
  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, "Sam Supervisor", "sam's passphrase", &error));
  readable = cfd_vault_list_records (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_nonnull (readable); /* the consent is real */

  g_assert_false (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_null (
      cfd_record_document_new (f->vault, f->patient, CFD_RECORD_DOCUMENT_PRINT, TRUE, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));

  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, NULL, CFD_TEST_PASSPHRASE, &error));
  seen = disclosures (f->vault);
  g_assert_cmpuint (seen->len, ==, 2);
  expected = g_strdup_printf ("patient.export %s denied medical-record", f->patient);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected);
  g_free (expected);
  expected
      = g_strdup_printf ("patient.print %s denied medical-record+psychotherapy-notes", f->patient);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, expected);
}

/* A therapist sees only their own patients; another's is not theirs to export. */
static void
test_therapist_without_access (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "theo.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *theo = cfd_vault_add_user (f->vault, "Theo", CFD_ROLE_THERAPIST,
                                              "lantern meadow quietly 31", &error);

  g_assert_no_error (error);
  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, "Theo", "lantern meadow quietly 31", &error));
  g_assert_false (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_bad_destinations (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "record.pdf", NULL);
  g_autofree char *locked_dir = g_build_filename (f->dir, "read-only", NULL);
  g_autofree char *locked = g_build_filename (locked_dir, "record.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;

  g_assert_false (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, "", NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, f->dir, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (
      cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, missing, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cfd_vault_export_patient_pdf (f->vault, "0123456789abcdef0123456789abcdef", FALSE,
                                                locked, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Root ignores folder permissions; there the fault hook stands in. */
  g_assert_cmpint (g_mkdir (locked_dir, 0500), ==, 0);
  if (geteuid () == 0)
    cfd_io_fault_arm (1, EACCES);
  g_assert_false (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, locked, NULL, &error));
  cfd_io_fault_arm (0, 0);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "Cannot save the PDF there"));
  g_assert_null (strstr (error->message, "Quentin"));
  g_assert_false (g_file_test (locked, G_FILE_TEST_EXISTS));
  listing = g_dir_open (locked_dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_chmod (locked_dir, 0700);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* A failure at every write, sync and rename on the way: either the whole
 * PDF is there, or the earlier file at that name is untouched and no
 * temporary file is left. The failed attempts are audited as failures. */
static void
test_faults_leave_nothing_partial (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "record.pdf", NULL);
  static const char earlier[] = "an earlier file at that name";
  gboolean done = FALSE;
  guint failures = 0;

  g_assert_true (g_file_set_contents (pdf, earlier, -1, NULL));
  for (guint nth = 1; nth < 2000 && !done; nth++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;

      cfd_io_fault_arm (nth, ENOSPC);
      done = cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, NULL, &error);
      cfd_io_fault_arm (0, 0);
      g_assert_true (g_file_get_contents (pdf, &contents, NULL, NULL));
      if (done)
        {
          g_assert_no_error (error);
          g_assert_true (g_str_has_prefix (contents, "%PDF-"));
        }
      else if (g_str_has_prefix (contents, "%PDF-"))
        {
          /* Only the folder's flush failed: the complete file is there,
           * and the user was told it may not survive a power cut. */
          g_assert_nonnull (strstr (error->message, "power cut"));
          g_assert_true (g_file_set_contents (pdf, earlier, -1, NULL));
          failures++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_cmpstr (contents, ==, earlier);
          failures++;
        }
      g_assert_cmpuint (count_entries (f->dir), ==, 1);
    }
  g_assert_true (done);
  g_assert_cmpuint (failures, >=, 4); /* open, writes, fsync, rename at least */
  g_test_message ("%u injected faults before the export went through", failures);
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The layout and writing run in a worker thread; the audit record and the
 * rename come back to the main context. */
static void
test_async (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "async.pdf", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  g_autoptr (GError) error = NULL;
  guint pages = 0;
  gboolean exported;

  cfd_vault_export_patient_pdf_async (f->vault, f->patient, TRUE, pdf, NULL, got_result, &result);
  exported
      = cfd_vault_export_patient_pdf_finish (f->vault, wait_for_result (&result), &pages, &error);
  g_assert_no_error (error);
  g_assert_true (exported);
  g_assert_cmpuint (pages, >=, 2);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  seen = disclosures (f->vault);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (seen, 0),
                                   " success medical-record+psychotherapy-notes"));

  /* A failure found before the thread starts comes back the same way. */
  g_clear_object (&result);
  cfd_vault_export_patient_pdf_async (f->vault, f->patient, FALSE, "", NULL, got_result, &result);
  g_assert_false (
      cfd_vault_export_patient_pdf_finish (f->vault, wait_for_result (&result), NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

/* Locked while the worker draws: nothing can be audited, so nothing is
 * written, and the temporary file goes. */
static void
test_async_locked (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "locked.pdf", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  cfd_vault_export_patient_pdf_async (f->vault, f->patient, FALSE, pdf, NULL, got_result, &result);
  cfd_vault_lock (f->vault);
  g_assert_false (
      cfd_vault_export_patient_pdf_finish (f->vault, wait_for_result (&result), NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
  g_clear_object (&result);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->dir), ==, 0);
}

/* Issue 24: a yes/no nobody answered is printed "Not assessed", never "No";
 * an answered No stays No. */
static void
test_unanswered_not_assessed (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "risk.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *risk = NULL;
  g_autoptr (GError) error = NULL;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "wish-dead", "b", FALSE);
  g_variant_dict_insert (&d, "suicidal-thoughts", "b", FALSE);
  risk = create_signed (f->vault, f->patient, CFD_RECORD_RISK, OCCURRED + 5 * DAY,
                        g_variant_dict_end (&d), TRUE);
  {
    gboolean exported
        = cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (exported);
  }
  text = pdf_text (pdf);
  if (text == NULL)
    return;
  g_assert_true (g_regex_match_simple ("Wish to be dead +No", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Thoughts of a method +Not assessed", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Suicidal behaviour +Not assessed", text, 0, 0));
  g_assert_false (g_regex_match_simple ("Thoughts of a method +No\n", text, 0, 0));
}

/* The fixture's PHQ-9 raised the flag; its review and resolution are
 * printed with who took them and the action taken. */
static void
test_risk_flag_history (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "flag.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  guint pages = 0;

  g_assert_true (cfd_vault_review_risk_flag (f->vault, f->patient,
                                             "Called the patient; safety plan reviewed.", &error));
  g_assert_true (cfd_vault_resolve_risk_flag (f->vault, f->patient,
                                              "No ideation at the follow-up visit.", &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_export_patient_pdf (f->vault, f->patient, FALSE, pdf, &pages, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, "Risk flag"));
  g_assert_nonnull (strstr (text, "No flag is open"));
  g_assert_nonnull (strstr (text, "1. Raised"));
  g_assert_nonnull (strstr (text, "By the signed record"));
  g_assert_nonnull (strstr (text, "1. Reviewed"));
  g_assert_nonnull (strstr (text, "Called the patient; safety plan reviewed."));
  g_assert_nonnull (strstr (text, "1. Resolved"));
  g_assert_nonnull (strstr (text, "No ideation at the follow-up visit."));
  g_assert_nonnull (strstr (text, "by Test Owner"));
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  ADD ("/confidant/export/medical-record-by-default", test_medical_record_by_default);
  ADD ("/confidant/export/psychotherapy-when-asked", test_psychotherapy_when_asked);
  ADD ("/confidant/export/decimal-comma-locale", test_decimal_comma_locale);
  ADD ("/confidant/export/print-document", test_print_document);
  ADD ("/confidant/export/unanswered-not-assessed", test_unanswered_not_assessed);
  ADD ("/confidant/export/supervisor-may-not", test_supervisor_may_not_export);
  ADD ("/confidant/export/therapist-without-access", test_therapist_without_access);
  ADD ("/confidant/export/bad-destinations", test_bad_destinations);
  ADD ("/confidant/export/faults-leave-nothing-partial", test_faults_leave_nothing_partial);
  ADD ("/confidant/export/async", test_async);
  ADD ("/confidant/export/async-locked", test_async_locked);
  ADD ("/confidant/export/risk-flag-history", test_risk_flag_history);
#undef ADD
  return g_test_run ();
}
