/* test-authorization.c: a patient's HIPAA authorizations: the file, recording, revoking, and the export check. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-authorization.h"
#include "cfd-consent.h"
#include "cfd-db.h"
#include "cfd-disclosure.h"
#include "cfd-export-pdf.h"
#include "cfd-patient-key.h"
#include "cfd-test-util.h"
#include "cfd-vault-private.h"

#define DAY G_GINT64_CONSTANT (86400)
/* 2026-11-02 00:00 UTC, the day the form below was signed. */
#define SIGNED_ON G_GINT64_CONSTANT (1793577600)

static const char form[] = "# The patient's signed form\n"
                           "scope: psychotherapy-notes\n"
                           "description: Integration session notes of 2026\n"
                           "disclosed-by: Riverside Ketamine Clinic\n"
                           "recipient: Dr. Lee, Northside Psychiatry\n"
                           "purpose: at the request of the individual\n"
                           "expires: 2027-12-31\n"
                           "signed-by: Jordan Avery\n"
                           "signed-on: 2026-11-02\n"
                           "statement-revocation: yes\n"
                           "statement-conditioning: yes\n"
                           "statement-redisclosure: yes\n";

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
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fake_now = (SIGNED_ON + 10 * 3600) * G_USEC_PER_SEC;
  f->vault = cfd_test_vault_new (NULL, NULL);
  cfd_vault_set_clock_for_testing (f->vault, fake_clock, NULL);
  f->patient = cfd_test_add_patient (f->vault, "Jordan Avery");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->vault);
  g_free (f->patient);
}

/* The form with one line replaced (or, with NULL, taken out). */
static char *
form_with (const char *field, const char *line)
{
  g_auto (GStrv) lines = g_strsplit (form, "\n", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (g_str_has_prefix (lines[i], field) && lines[i][strlen (field)] == ':')
        {
          if (line != NULL)
            g_string_append_printf (text, "%s\n", line);
        }
      else
        g_string_append_printf (text, "%s\n", lines[i]);
    }
  return g_string_free (text, FALSE);
}

static GVariant *
parse (const char *text, GError **error)
{
  return cfd_authorization_terms_parse (text, strlen (text), error);
}

static char *
record (Fixture *f, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) terms = parse (text, &error);
  char *id;

  g_assert_no_error (error);
  id = cfd_vault_record_authorization (f->vault, f->patient, terms, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static void
test_file (void)
{
  static const struct
  {
    const char *field;
    const char *line;
    const char *named; /* in the error */
  } bad[] = {
    { "description", NULL, "description" },
    { "recipient", NULL, "recipient" },
    { "signed-by", NULL, "signed-by" },
    { "statement-redisclosure", NULL, "statement-redisclosure" },
    { "statement-conditioning", "statement-conditioning: no", "conditioned" },
    { "expires", NULL, "expiry event" },
    { "expires", "expires: 2026-11-01", "before the day it was signed" },
    { "expires", "expires: 2027-12-31\nexpiry-event: end of treatment", "one of them" },
    { "scope", "scope: everything", "medical-record or psychotherapy-notes" },
    { "signed-on", "signed-on: 02/11/2026", "YYYY-MM-DD" },
    { "purpose", "purpose: a\x01b", "purpose" },
    { "purpose", "purpose: one\npurpose: two", "Line 7" },
    { "purpose", "fax: 555", "no field \"fax\"" },
    { "purpose", "just words", "Line 6" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) good = parse (form, &error);
  g_autofree char *by_event = form_with ("expires", "expiry-event: the end of the referral");
  g_autoptr (GVariant) event = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (good);
  event = parse (by_event, &error);
  g_assert_no_error (error);
  g_assert_nonnull (event);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = form_with (bad[i].field, bad[i].line);
      g_autoptr (GVariant) terms = parse (text, &error);

      g_assert_null (terms);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      if (strstr (error->message, bad[i].named) == NULL)
        g_error ("case %u: \"%s\" does not name %s", i, error->message, bad[i].named);
      g_clear_error (&error);
    }
  g_assert_null (cfd_authorization_terms_parse ("scope\0x", 7, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

static void
test_record_list_revoke (Fixture *f, gconstpointer data)
{
  g_autofree char *id = record (f, form);
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GListModel) after = NULL;
  g_autoptr (CfdAuthorization) a = NULL;
  g_autoptr (CfdAuthorization) revoked = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  gint64 now = fake_now / G_USEC_PER_SEC;

  list = cfd_vault_list_authorizations (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  a = g_list_model_get_item (list, 0);
  g_assert_cmpstr (cfd_authorization_get_id (a), ==, id);
  g_assert_cmpint (cfd_authorization_get_scope (a), ==, CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY);
  g_assert_cmpstr (cfd_authorization_get_term (a, CFD_AUTHORIZATION_RECIPIENT), ==,
                   "Dr. Lee, Northside Psychiatry");
  g_assert_cmpstr (cfd_authorization_state (a, now), ==, "live");
  summary = cfd_authorization_describe (a);
  g_assert_cmpstr (summary, ==,
                   "Psychotherapy notes to Dr. Lee, Northside Psychiatry, for at the request of "
                   "the individual, until 2027-12-31; signed by Jordan Avery on 2026-11-02");
  g_assert_true (cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action = "
                                                  "'authorization.record'"),
                   ==, 1);

  g_assert_true (cfd_vault_revoke_authorization (f->vault, id, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_vault_revoke_authorization (f->vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  after = cfd_vault_list_authorizations (f->vault, f->patient, &error);
  g_assert_no_error (error);
  revoked = g_list_model_get_item (after, 0);
  g_assert_cmpstr (cfd_authorization_state (revoked, now), ==, "revoked");
  g_assert_cmpstr (cfd_authorization_get_revoked_by (revoked), ==,
                   cfd_vault_get_user_id (f->vault));
  g_assert_false (cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "revoked"));
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action = "
                                                  "'authorization.revoke'"),
                   ==, 1);
}

static void
test_export_check (Fixture *f, gconstpointer data)
{
  g_autofree char *medical_form = form_with ("scope", "scope: medical-record");
  g_autofree char *notes = record (f, form);
  g_autofree char *medical = record (f, medical_form);
  g_autofree char *other = cfd_test_add_patient (f->vault, "Someone Else");
  g_autoptr (GError) error = NULL;

  g_assert_false (
      cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, "AUTH-2026-014", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Another patient's authorization is no authorization of this one. */
  g_assert_false (cfd_vault_check_psychotherapy_authorization (f->vault, other, notes, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (
      cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, medical, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  /* The expiry day is covered; the day after is not. */
  fake_now = (SIGNED_ON + 424 * DAY + 3600) * G_USEC_PER_SEC; /* 2027-12-31 01:00 */
  g_assert_true (cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, notes, &error));
  g_assert_no_error (error);
  fake_now += DAY * G_USEC_PER_SEC;
  g_assert_false (
      cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, notes, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "expired on 2027-12-31"));
  g_clear_error (&error);
  /* And one cannot be recorded once its expiry has passed. */
  {
    g_autoptr (GVariant) terms = parse (form, &error);

    g_assert_null (cfd_vault_record_authorization (f->vault, f->patient, terms, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  }
}

static void
test_record_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *later = form_with ("signed-on", "signed-on: 2026-11-03");
  g_autoptr (GVariant) terms = parse (later, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (terms);
  g_assert_null (cfd_vault_record_authorization (f->vault, f->patient, terms, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "dated after today"));
  g_clear_error (&error);
  g_clear_pointer (&terms, g_variant_unref);
  terms = parse (form, NULL);
  g_assert_null (cfd_vault_record_authorization (f->vault, "no-such-patient", terms, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM authorizations"), ==, 0);
}

/* A row edited with the database key: a moved expiry, a cleared
 * revocation, a swapped scope are each refused, not believed. */
static void
test_tamper (Fixture *f, gconstpointer data)
{
  static const char *const edits[][2] = {
    { "UPDATE authorizations SET expires = expires + 86400 * 365",
      "UPDATE authorizations SET expires = expires - 86400 * 365" },
    { "UPDATE authorizations SET scope = 'medical-record'",
      "UPDATE authorizations SET scope = 'psychotherapy-notes'" },
  };
  g_autofree char *id = record (f, form);
  CfdDb *db = cfd_vault_get_db (f->vault, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_db_exec (db, "DROP TRIGGER authorizations_update", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr (GListModel) list = NULL;

      g_assert_true (cfd_db_exec (db, edits[i][0], NULL));
      list = cfd_vault_list_authorizations (f->vault, f->patient, &error);
      g_assert_null (list);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
      g_clear_error (&error);
      g_assert_true (cfd_db_exec (db, edits[i][1], NULL));
      g_assert_true (
          cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, id, &error));
      g_assert_no_error (error);
    }
  /* A revocation needs the revoker's signature. */
  g_assert_true (cfd_vault_revoke_authorization (f->vault, id, &error));
  g_assert_true (cfd_db_exec (db, "UPDATE authorizations SET revoked_at = revoked_at + 1", NULL));
  g_assert_false (cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* Rotating the patient key (as revoking a supervision consent does)
 * re-seals the authorizations with everything else of the patient. */
static void
test_key_rotation (Fixture *f, gconstpointer data)
{
  g_autofree char *id = record (f, form);
  CfdDb *db = cfd_vault_get_db (f->vault, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = NULL;

  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (f->vault, f->patient, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM authorizations WHERE "
                                                  "key_version = 2"),
                   ==, 1);
  list = cfd_vault_list_authorizations (f->vault, f->patient, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (cfd_vault_check_psychotherapy_authorization (f->vault, f->patient, id, &error));
  g_assert_no_error (error);
}

/* The table refuses edits that code never makes. */
static void
test_immutable (Fixture *f, gconstpointer data)
{
  g_autofree char *id = record (f, form);
  CfdDb *db = cfd_vault_get_db (f->vault, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_db_exec (db, "UPDATE authorizations SET expires = 0", &error));
  g_clear_error (&error);
  g_assert_false (cfd_db_exec (db, "DELETE FROM authorizations", &error));
  g_clear_error (&error);
  g_assert_true (cfd_vault_revoke_authorization (f->vault, id, &error));
  g_assert_false (cfd_db_exec (db,
                               "UPDATE authorizations SET revoked_at = NULL, revoked_by = "
                               "NULL, revocation_signature = NULL",
                               &error));
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM authorizations WHERE "
                                                  "revoked_at IS NOT NULL"),
                   ==, 1);
}

/* A PDF with psychotherapy notes needs the same checked authorization as
 * FHIR: refused without one, or under a revoked one, audited as denied,
 * with no file; the accounting names the one it went under. */
static void
test_pdf_export (Fixture *f, gconstpointer data)
{
  g_autofree char *notes = record (f, form);
  g_autofree char *revoked = record (f, form);
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *pdf = g_build_filename (dir, "record.pdf", NULL);
  g_autofree char *expected = g_strdup_printf ("treatment; psychotherapy notes under "
                                               "authorization %s",
                                               notes);
  const CfdDisclosureTerms terms
      = { "Dr. Lee, Northside Psychiatry", "continuity of care", "treatment" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) accounting = NULL;
  const char *const refused[] = { NULL, "AUTH-2026-014", revoked };
  CfdDisclosure *last;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (cfd_vault_revoke_authorization (f->vault, revoked, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (cfd_vault_export_patient_pdf_authorized (f->vault, f->patient, refused[i],
                                                               &terms, pdf, NULL, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
    }
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action = "
                                                  "'patient.export' AND outcome = 'denied'"),
                   ==, 2);
  g_assert_true (cfd_vault_export_patient_pdf_authorized (f->vault, f->patient, notes, &terms, pdf,
                                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  accounting = cfd_vault_list_disclosures (f->vault, f->patient, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounting->len, ==, 1);
  last = g_ptr_array_index (accounting, 0);
  g_assert_cmpstr (last->basis, ==, expected);
  g_unlink (pdf);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  g_test_add_func ("/confidant/authorization/file", test_file);
  ADD ("/confidant/authorization/record-list-revoke", test_record_list_revoke);
  ADD ("/confidant/authorization/export-check", test_export_check);
  ADD ("/confidant/authorization/pdf-export", test_pdf_export);
  ADD ("/confidant/authorization/record-refusals", test_record_refusals);
  ADD ("/confidant/authorization/tamper", test_tamper);
  ADD ("/confidant/authorization/key-rotation", test_key_rotation);
  ADD ("/confidant/authorization/immutable", test_immutable);
#undef ADD
  return g_test_run ();
}
