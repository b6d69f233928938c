/* test-interop.c: the practice profile, the accounting of disclosures, the FHIR bundle and the measures CSV. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cfd-authorization.h"
#include "cfd-db.h"
#include "cfd-disclosure.h"
#include "cfd-export-csv.h"
#include "cfd-export-fhir.h"
#include "cfd-export-pdf.h"
#include "cfd-import-fhir.h"
#include "cfd-patient.h"
#include "cfd-measure.h"
#include "cfd-practice.h"
#include "cfd-record.h"
#include "cfd-template.h"
#include "cfd-test-util.h"
#include "cfd-vault-private.h"

#define OCCURRED             G_GINT64_CONSTANT (1760000000) /* 2025-10-09 */
#define DAY                  G_GINT64_CONSTANT (86400)
#define PSYCHOTHERAPY_CANARY "Harbour-imagery-canary"

static const CfdDisclosureTerms terms
    = { "Dr. Lee, Northside Psychiatry", "continuity of care", "treatment" };

typedef struct
{
  CfdVault *vault;
  char *patient;
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->vault = cfd_test_vault_new (NULL, NULL);
  f->patient = cfd_test_add_patient (f->vault, "Petra Interop");
  f->dir = cfd_test_make_dir ();
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->vault);
  g_free (f->patient);
  g_free (f->dir);
}

static char *
add_phq9 (Fixture *f, gint64 occurred)
{
  /* The known answer: 2+1+2+2+3+2+1+1+0 = 14, "moderate". */
  const guint8 items[9] = { 2, 1, 2, 2, 3, 2, 1, 1, 0 };
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_add_measure (f->vault, f->patient, CFD_INSTRUMENT_PHQ9, occurred, items, 9,
                                    &error);

  g_assert_no_error (error);
  return id;
}

static char *
add_signed (Fixture *f, CfdRecordKind kind, gint64 occurred, GVariant *content)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) owned = g_variant_ref_sink (content);
  char *id = cfd_vault_create_record (f->vault, f->patient, kind, occurred, owned, &error);

  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (f->vault, id, &error));
  g_assert_no_error (error);
  return id;
}

static GVariant *
dosing_content (void)
{
  GVariantDict d;
  GVariantBuilder vitals;

  /* One reading with a respiratory rate, one without (exported without). */
  g_variant_builder_init (&vitals, G_VARIANT_TYPE ("a(ssqqqqmq)"));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:05", "pre-dose", 128, 82, 74, 98, TRUE,
                         (guint16)14);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:50", "", 124, 80, 70, 98, FALSE, (guint16)0);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "im");
  g_variant_dict_insert (&d, "weight-kg", "d", 80.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert (&d, "dose-mg-per-kg", "d", 0.5);
  g_variant_dict_insert (&d, "lot-number", "s", "KX-2231");
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  return g_variant_dict_end (&d);
}

/* --- the practice profile ------------------------------------------- */

static void
test_practice_checks (void)
{
  static const char *const bad[] = {
    "[Practice]\nName=A\nFax=1\n",          /* unknown key */
    "[Practice]\nName=A\n[Billing]\nX=1\n", /* unknown section */
    "[Clinician Ada]\nNPI=12345\n",         /* NPI not ten digits */
    "[Practice]\nName=A\\tB\n",             /* control character */
    "not a key file",
  };
  g_autoptr (CfdPractice) good = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CfdPractice) practice
          = cfd_practice_new_from_data (bad[i], strlen (bad[i]), &error);

      g_assert_null (practice);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  static const char good_text[] = "[Practice]\nName=Riverside\nAddress=1 Elm St\\nSpringfield\n"
                                  "[Clinician Ada]\nCredentials=MD\nNPI=1234567893\n";

  good = cfd_practice_new_from_data (good_text, strlen (good_text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_practice_get_name (good), ==, "Riverside");
  g_assert_cmpstr (cfd_practice_get_address (good), ==, "1 Elm St\nSpringfield");
  g_assert_cmpstr (cfd_practice_get_credentials (good, "Ada"), ==, "MD");
  g_assert_cmpstr (cfd_practice_get_npi (good, "Ada"), ==, "1234567893");
  g_assert_null (cfd_practice_get_phone (good));
}

static void
test_practice_owner_only (Fixture *f, gconstpointer data)
{
  g_autoptr (CfdPractice) practice = cfd_practice_new ();
  g_autoptr (CfdPractice) stored = NULL;
  g_autoptr (CfdPractice) stranger = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *theo = NULL;
  gint64 changes;

  cfd_practice_set_name (practice, "Riverside Ketamine Clinic");
  cfd_practice_set_phone (practice, "+1 555 0100");
  g_assert_true (cfd_vault_set_practice (f->vault, practice, &error));
  g_assert_no_error (error);
  changes = cfd_test_count_rows (f->vault, "SELECT count(*) FROM audit_log WHERE action = "
                                           "'settings.change' AND object_id = 'practice'");
  g_assert_cmpint (changes, ==, 1);
  stored = cfd_vault_get_practice (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_practice_get_name (stored), ==, "Riverside Ketamine Clinic");

  /* A clinician must be a user of the vault. */
  stranger
      = cfd_practice_new_from_data ("[Clinician Nobody Here]\nCredentials=MD\n",
                                    strlen ("[Clinician Nobody Here]\nCredentials=MD\n"), &error);
  g_assert_no_error (error);
  g_assert_false (cfd_vault_set_practice (f->vault, stranger, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  theo = cfd_vault_add_user (f->vault, "Theo", CFD_ROLE_THERAPIST, "violet harbor quartz ladder",
                             &error);
  g_assert_no_error (error);
  cfd_vault_lock (f->vault);
  g_assert_true (cfd_vault_unlock (f->vault, "Theo", "violet harbor quartz ladder", &error));
  g_assert_false (cfd_vault_set_practice (f->vault, practice, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

/* --- the accounting of disclosures ---------------------------------- */

static void
test_terms_required (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "r.pdf", NULL);
  g_autofree char *json = g_build_filename (f->dir, "r.json", NULL);
  CfdDisclosureTerms no_purpose = { "the patient", "", "patient request" };
  CfdDisclosureTerms two_lines = { "the patient\nand someone", "copy", "patient request" };
  CfdExportScope scope = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_vault_export_patient_pdf_for (f->vault, f->patient, FALSE, &no_purpose, pdf,
                                                    NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (
      cfd_vault_export_patient_fhir (f->vault, f->patient, &scope, &two_lines, json, NULL, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
}

/* Issue 21: after a PDF, a FHIR and a CSV export, the accounting lists all
 * three with recipient and purpose. */
static void
test_accounting_lists_three (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "r.pdf", NULL);
  g_autofree char *json = g_build_filename (f->dir, "r.json", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "m.csv", NULL);
  g_autofree char *measure = add_phq9 (f, OCCURRED);
  CfdDisclosureTerms self_copy = { "the patient", "patient's own copy", "patient request" };
  CfdDisclosureTerms registry = { "Outcomes registry", "quality improvement", "authorization A-7" };
  CfdExportScope scope = { 0 };
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  CfdDisclosure *d;

  g_assert_true (
      cfd_vault_export_patient_pdf_for (f->vault, f->patient, FALSE, &terms, pdf, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (
      cfd_vault_export_patient_fhir (f->vault, f->patient, &scope, &self_copy, json, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (
      cfd_vault_export_measures_csv (f->vault, f->patient, &registry, csv, NULL, &error));
  g_assert_no_error (error);

  list = cfd_vault_list_disclosures (f->vault, f->patient,
                                     cfd_disclosure_accounting_start (f->vault), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  d = g_ptr_array_index (list, 0);
  g_assert_cmpstr (d->action, ==, "patient.export");
  g_assert_cmpstr (d->recipient, ==, terms.recipient);
  g_assert_cmpstr (d->purpose, ==, terms.purpose);
  g_assert_true (g_str_has_prefix (d->description, "Patient record as PDF"));
  d = g_ptr_array_index (list, 1);
  g_assert_cmpstr (d->action, ==, "patient.export-fhir");
  g_assert_cmpstr (d->recipient, ==, "the patient");
  g_assert_cmpstr (d->basis, ==, "patient request");
  d = g_ptr_array_index (list, 2);
  g_assert_cmpstr (d->action, ==, "patient.export-csv");
  g_assert_cmpstr (d->purpose, ==, "quality improvement");
  g_assert_cmpstr (d->description, ==, "Outcome measures as CSV (1 administration)");

  /* Nothing older than six years is listed. */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = cfd_vault_list_disclosures (f->vault, f->patient, G_MAXINT64 / G_USEC_PER_SEC / 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  /* The exports hold the patient's name: gone before the leak check. */
  g_assert_cmpint (g_unlink (pdf), ==, 0);
  g_assert_cmpint (g_unlink (json), ==, 0);
  g_assert_cmpint (g_unlink (csv), ==, 0);
}

/* A row changed behind the log's back no longer matches the hash its
 * audit record carries. */
static void
test_accounting_tamper (Fixture *f, gconstpointer data)
{
  g_autofree char *csv = g_build_filename (f->dir, "m.csv", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (f->vault, NULL);

  g_assert_true (cfd_vault_export_measures_csv (f->vault, f->patient, &terms, csv, NULL, &error));
  g_assert_no_error (error);
  /* The table refuses updates... */
  g_assert_false (cfd_db_exec (db, "UPDATE disclosures SET recipient = 'nobody'", &error));
  g_clear_error (&error);
  /* ...so the attacker drops the trigger first. */
  g_assert_true (cfd_db_exec (db,
                              "DROP TRIGGER disclosures_append_only_update;"
                              "UPDATE disclosures SET recipient = 'nobody'",
                              &error));
  g_assert_no_error (error);
  list = cfd_vault_list_disclosures (f->vault, f->patient, 0, &error);
  g_assert_null (list);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

/* --- FHIR ------------------------------------------------------------- */

static JsonArray *
bundle_entries (JsonParser *parser)
{
  JsonObject *bundle = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "collection");
  return json_object_get_array_member (bundle, "entry");
}

static const char *
first_code (JsonObject *concept)
{
  JsonArray *codings = json_object_get_array_member (concept, "coding");

  return json_object_get_string_member (json_array_get_object_element (codings, 0), "code");
}

/* The resource of the given type whose code.coding[0] is code (or the
 * first of the type when code is NULL). */
static JsonObject *
find (JsonArray *entries, const char *type, const char *code, guint *count)
{
  JsonObject *found = NULL;

  if (count != NULL)
    *count = 0;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r
          = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), type) != 0)
        continue;
      if (code != NULL
          && (!json_object_has_member (r, "code")
              || g_strcmp0 (first_code (json_object_get_object_member (r, "code")), code) != 0))
        continue;
      if (count != NULL)
        (*count)++;
      if (found == NULL)
        found = r;
    }
  return found;
}

static JsonParser *
build (Fixture *f, const CfdExportScope *scope, char **text_out)
{
  g_autoptr (GError) error = NULL;
  JsonParser *parser = json_parser_new ();
  char *json = cfd_vault_build_patient_fhir (f->vault, f->patient, scope, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  if (text_out != NULL)
    *text_out = json;
  else
    cfd_wipe_string (json);
  return parser;
}

/* Issue 21's known answer: the PHQ-9 "2 1 2 2 3 2 1 1 0" exports with
 * total 14 under LOINC 44261-6, its items under their own codes with LA
 * answers. */
static void
test_fhir_phq9_known_answer (Fixture *f, gconstpointer data)
{
  g_autofree char *measure = add_phq9 (f, OCCURRED);
  CfdExportScope scope = { 0 };
  g_autoptr (JsonParser) parser = build (f, &scope, NULL);
  JsonArray *entries = bundle_entries (parser);
  JsonObject *total = find (entries, "Observation", "44261-6", NULL);
  JsonObject *item5 = find (entries, "Observation", "44251-7", NULL);
  JsonObject *item9 = find (entries, "Observation", "44260-8", NULL);
  JsonObject *panel = find (entries, "Observation", "44249-1", NULL);
  JsonObject *response = find (entries, "QuestionnaireResponse", NULL, NULL);
  JsonArray *items;
  JsonObject *last;
  guint n_provenance;

  g_assert_nonnull (total);
  g_assert_cmpint (json_object_get_int_member (total, "valueInteger"), ==, 14);
  g_assert_nonnull (item5); /* item 5, scored 3: "Nearly every day" */
  g_assert_cmpstr (first_code (json_object_get_object_member (item5, "valueCodeableConcept")), ==,
                   "LA6571-9");
  g_assert_cmpstr (first_code (json_object_get_object_member (item9, "valueCodeableConcept")), ==,
                   "LA6568-5");
  g_assert_nonnull (panel);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (panel, "hasMember")), ==,
                    10);
  g_assert_nonnull (response);
  items = json_object_get_array_member (response, "item");
  g_assert_cmpuint (json_array_get_length (items), ==, 10);
  last = json_array_get_object_element (items, 9);
  g_assert_cmpstr (json_object_get_string_member (last, "linkId"), ==, "44261-6");
  g_assert_cmpint (
      json_object_get_int_member (
          json_array_get_object_element (json_object_get_array_member (last, "answer"), 0),
          "valueInteger"),
      ==, 14);
  g_assert_nonnull (find (entries, "Provenance", NULL, &n_provenance));
  g_assert_cmpuint (n_provenance, ==, 1);
}

static void
test_fhir_dosing (Fixture *f, gconstpointer data)
{
  g_autofree char *dosing = add_signed (f, CFD_RECORD_DOSING, OCCURRED, dosing_content ());
  CfdExportScope scope = { 0 };
  g_autoptr (JsonParser) parser = build (f, &scope, NULL);
  JsonArray *entries = bundle_entries (parser);
  JsonObject *administration = find (entries, "MedicationAdministration", NULL, NULL);
  JsonObject *medication = find (entries, "Medication", NULL, NULL);
  JsonObject *bp = find (entries, "Observation", "85354-9", NULL);
  JsonObject *route, *rr;
  JsonArray *components;
  guint n_found = 0;

  g_assert_nonnull (administration);
  route = json_object_get_object_member (json_object_get_object_member (administration, "dosage"),
                                         "route");
  g_assert_cmpstr (first_code (route), ==, "78421000"); /* SNOMED CT: intramuscular route */
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (medication, "batch"), "lotNumber"),
                   ==, "KX-2231");
  g_assert_nonnull (bp);
  components = json_object_get_array_member (bp, "component");
  g_assert_cmpstr (first_code (json_object_get_object_member (
                       json_array_get_object_element (components, 0), "code")),
                   ==, "8480-6");
  g_assert_cmpstr (first_code (json_object_get_object_member (
                       json_array_get_object_element (components, 1), "code")),
                   ==, "8462-4");
  g_assert_nonnull (find (entries, "Observation", "8867-4", &n_found));
  g_assert_cmpuint (n_found, ==, 2);
  g_assert_nonnull (find (entries, "Observation", "59408-5", NULL));
  /* Respiratory rate, LOINC 9279-1, only for the reading that has one. */
  rr = find (entries, "Observation", "9279-1", &n_found);
  g_assert_nonnull (rr);
  g_assert_cmpuint (n_found, ==, 1);
  g_assert_cmpfloat (
      json_object_get_double_member (json_object_get_object_member (rr, "valueQuantity"), "value"),
      ==, 14);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (rr, "valueQuantity"), "unit"),
      ==, "/min");
  g_assert_nonnull (find (entries, "Observation", "29463-7", NULL));
  g_assert_nonnull (find (entries, "Encounter", NULL, NULL));
}

/* The patient's signed authorization to release psychotherapy notes. */
static char *
record_authorization (Fixture *f)
{
  static const char form[] = "scope: psychotherapy-notes\n"
                             "description: Integration session notes\n"
                             "disclosed-by: the practice\n"
                             "recipient: the patient\n"
                             "purpose: at the request of the individual\n"
                             "expiry-event: the end of treatment\n"
                             "signed-by: Petra Interop\n"
                             "signed-on: 2025-10-09\n"
                             "statement-revocation: yes\n"
                             "statement-conditioning: yes\n"
                             "statement-redisclosure: yes\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) signed_terms = cfd_authorization_terms_parse (form, strlen (form), &error);
  char *id;

  g_assert_no_error (error);
  id = cfd_vault_record_authorization (f->vault, f->patient, signed_terms, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_fhir_psychotherapy_needs_authorization (Fixture *f, gconstpointer data)
{
  GVariantDict d;
  g_autofree char *note = NULL;
  g_autofree char *text = NULL;
  CfdExportScope without = { 0 };
  CfdExportScope asked = { .include_psychotherapy = TRUE };
  CfdExportScope authorized = { .include_psychotherapy = TRUE };
  g_autofree char *authorization = NULL;
  g_autoptr (JsonParser) plain = NULL;
  g_autoptr (JsonParser) labelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *refused = NULL;
  JsonObject *document, *meta;
  JsonArray *security;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "intentions", "s", PSYCHOTHERAPY_CANARY);
  note = add_signed (f, CFD_RECORD_INTEGRATION, OCCURRED, g_variant_dict_end (&d));

  plain = build (f, &without, &text);
  g_assert_null (strstr (text, "PSYTHPN"));
  g_assert_null (find (bundle_entries (plain), "DocumentReference", NULL, NULL));
  cfd_wipe_string (g_steal_pointer (&text));

  refused = cfd_vault_build_patient_fhir (f->vault, f->patient, &asked, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  asked.authorization = "AUTH-1\nand more";
  refused = cfd_vault_build_patient_fhir (f->vault, f->patient, &asked, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);

  g_clear_error (&error);
  /* Named, but not on record: refused too. */
  asked.authorization = "AUTH-2026-014";
  refused = cfd_vault_build_patient_fhir (f->vault, f->patient, &asked, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);

  authorization = record_authorization (f);
  authorized.authorization = authorization;
  labelled = build (f, &authorized, NULL);
  document = find (bundle_entries (labelled), "DocumentReference", NULL, NULL);
  g_assert_nonnull (document);
  meta = json_object_get_object_member (document, "meta");
  security = json_object_get_array_member (meta, "security");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (security, 0), "code"), ==,
      "PSYTHPN");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (security, 1), "code"), ==, "R");
}

/* A session record is an Encounter with the session's times (virtual for
 * telehealth) and a DocumentReference of the record. */
static void
test_fhir_session (Fixture *f, gconstpointer data)
{
  GVariantDict d;
  g_autofree char *session = NULL;
  g_autoptr (JsonParser) parser = NULL;
  CfdExportScope scope = { 0 };
  JsonObject *encounter, *period;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "start-time", "s", "10:00");
  g_variant_dict_insert (&d, "end-time", "s", "10:50");
  g_variant_dict_insert (&d, "modality", "s", "telehealth-video");
  g_variant_dict_insert (&d, "telehealth-location", "s", "Austin, Texas");
  g_variant_dict_insert (&d, "progress", "s", "Sleeping better.");
  g_variant_dict_insert (&d, "risk-status", "s", "none-identified");
  g_variant_dict_insert (&d, "plan", "s", "Weekly integration sessions.");
  session = add_signed (f, CFD_RECORD_SESSION, OCCURRED, g_variant_dict_end (&d));
  parser = build (f, &scope, NULL);
  encounter = find (bundle_entries (parser), "Encounter", NULL, NULL);
  g_assert_nonnull (encounter);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (encounter, "class"), "code"),
      ==, "VR");
  period = json_object_get_object_member (encounter, "period");
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (period, "start"), "2025-10-09T10:00:00"));
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (period, "end"), "2025-10-09T10:50:00"));
  g_assert_nonnull (find (bundle_entries (parser), "DocumentReference", NULL, NULL));
}

static void
test_fhir_scope (Fixture *f, gconstpointer data)
{
  g_autofree char *early = add_phq9 (f, OCCURRED);
  g_autofree char *late = add_phq9 (f, OCCURRED + 30 * DAY);
  g_autofree char *dosing = add_signed (f, CFD_RECORD_DOSING, OCCURRED, dosing_content ());
  CfdExportScope scope = { .from = OCCURRED + DAY };
  g_autoptr (GError) error = NULL;
  guint n_totals, n_administrations;

  g_assert_true (cfd_export_scope_parse_kinds ("measure", &scope.kinds, &error));
  g_assert_no_error (error);
  {
    g_autoptr (JsonParser) parser = build (f, &scope, NULL);
    JsonArray *entries = bundle_entries (parser);

    find (entries, "Observation", "44261-6", &n_totals);
    find (entries, "MedicationAdministration", NULL, &n_administrations);
    g_assert_cmpuint (n_totals, ==, 1);
    g_assert_cmpuint (n_administrations, ==, 0);
  }
  g_assert_false (cfd_export_scope_parse_kinds ("measure,telepathy", &scope.kinds, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

#define RATING_MOAAS "MOAA/S (Modified Observer's Assessment of Alertness/Sedation)"

/* The text of the first code of an Observation, "" without one. */
static const char *
code_text (JsonObject *observation)
{
  JsonObject *code = json_object_get_object_member (observation, "code");

  return code != NULL && json_object_has_member (code, "text")
             ? json_object_get_string_member (code, "text")
             : "";
}

/* Sedation ratings: an Observation per rating made, by text, at its row's
 * time with its timepoint; imported back, one dosing draft holding the
 * same rows. */
static void
test_fhir_ratings (Fixture *f, gconstpointer data)
{
  GVariantBuilder rows;
  GVariantDict d;
  g_autoptr (GVariant) signed_rows = NULL;
  g_autoptr (GVariant) base = NULL;
  g_autofree char *dosing = NULL;
  g_autofree char *json = NULL;
  g_autofree char *imported_id = NULL;
  g_autoptr (CfdVault) other = cfd_test_vault_new (NULL, NULL);
  g_autoptr (CfdFhirImport) import = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GListModel) after = NULL;
  g_autoptr (GError) error = NULL;
  CfdExportScope scope = { 0 };
  JsonArray *entries;
  guint moaas = 0, cadss = 0, bprs = 0, at_40 = 0, dosing_drafts = 0;

  g_variant_builder_init (&rows, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  g_variant_builder_add (&rows, "(ssmqmqmq)", "10:05", "pre-dose", TRUE, (guint16)5, TRUE,
                         (guint16)1, TRUE, (guint16)4);
  g_variant_builder_add (&rows, "(ssmqmqmq)", "10:50", "40-min", TRUE, (guint16)4, FALSE,
                         (guint16)0, TRUE, (guint16)6);
  signed_rows = g_variant_ref_sink (g_variant_builder_end (&rows));
  base = g_variant_ref_sink (dosing_content ());
  g_variant_dict_init (&d, base);
  g_variant_dict_insert (&d, "dose-time", "s", "10:10");
  g_variant_dict_insert_value (&d, "sedation-ratings", signed_rows);
  dosing = add_signed (f, CFD_RECORD_DOSING, OCCURRED, g_variant_dict_end (&d));

  json = cfd_vault_build_patient_fhir (f->vault, f->patient, &scope, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  entries = bundle_entries (parser);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r
          = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");
      const char *text;

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), "Observation") != 0)
        continue;
      text = code_text (r);
      moaas += g_str_has_prefix (text, "MOAA/S");
      cadss += g_str_has_prefix (text, "CADSS");
      bprs += g_str_has_prefix (text, "BPRS+");
      if (g_str_has_prefix (text, "MOAA/S")
          && strstr (json_object_get_string_member (r, "effectiveDateTime"), "T10:50") != NULL)
        {
          JsonObject *extension
              = json_array_get_object_element (json_object_get_array_member (r, "extension"), 0);

          g_assert_cmpstr (json_object_get_string_member (extension, "valueCode"), ==, "40-min");
          g_assert_cmpint (json_object_get_int_member (r, "valueInteger"), ==, 4);
          at_40++;
        }
    }
  /* CADSS was not rated at 10:50: no Observation, never a 0. */
  g_assert_cmpuint (moaas, ==, 2);
  g_assert_cmpuint (cadss, ==, 1);
  g_assert_cmpuint (bprs, ==, 2);
  g_assert_cmpuint (at_40, ==, 1);

  import = cfd_fhir_import_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->ratings->len, ==, 5);
  imported_id = cfd_vault_import_fhir (other, import, "Riverside Ketamine Clinic", &error);
  g_assert_no_error (error);
  after = cfd_vault_list_records (other, imported_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (after); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (after, i);
      g_autoptr (GVariant) back = NULL;

      if (cfd_record_get_kind (record) != CFD_RECORD_DOSING)
        continue;
      g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
      g_assert_cmpint (cfd_record_get_occurred (record) / DAY, ==, OCCURRED / DAY);
      back = g_variant_lookup_value (cfd_record_get_content (record), "sedation-ratings", NULL);
      g_assert_true (g_variant_equal (back, signed_rows));
      dosing_drafts++;
    }
  g_assert_cmpuint (dosing_drafts, ==, 1);
  cfd_wipe_string (g_steal_pointer (&json));
}

/* Export, import into an empty vault: the same patient, every measure
 * (total and items) back, notes as drafts marked imported. */
static void
test_fhir_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *phq9 = add_phq9 (f, OCCURRED);
  const guint8 gad7_items[7] = { 3, 2, 1, 0, 1, 2, 3 };
  g_autofree char *gad7 = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *json = NULL;
  g_autofree char *imported_id = NULL;
  g_autoptr (CfdVault) other = cfd_test_vault_new (NULL, NULL);
  g_autoptr (CfdFhirImport) import = NULL;
  g_autoptr (CfdPatient) original = NULL;
  g_autoptr (CfdPatient) copy = NULL;
  g_autoptr (GListModel) before = NULL;
  g_autoptr (GListModel) after = NULL;
  g_autoptr (GError) error = NULL;
  CfdExportScope scope = { 0 };
  GVariantDict d;
  guint measures = 0, drafts = 0;

  gad7 = cfd_vault_add_measure (f->vault, f->patient, CFD_INSTRUMENT_GAD7, OCCURRED + DAY,
                                gad7_items, 7, &error);
  g_assert_no_error (error);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Slept better since the last session.");
  progress = add_signed (f, CFD_RECORD_PROGRESS, OCCURRED + 2 * DAY, g_variant_dict_end (&d));
  json = cfd_vault_build_patient_fhir (f->vault, f->patient, &scope, NULL, &error);
  g_assert_no_error (error);

  import = cfd_fhir_import_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  imported_id = cfd_vault_import_fhir (other, import, "Riverside Ketamine Clinic", &error);
  g_assert_no_error (error);

  original = cfd_vault_get_patient (f->vault, f->patient, &error);
  copy = cfd_vault_get_patient (other, imported_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_patient_get_name (copy), ==, cfd_patient_get_name (original));
  g_assert_cmpstr (cfd_patient_get_detail (copy, CFD_PATIENT_BIRTH_DATE), ==,
                   cfd_patient_get_detail (original, CFD_PATIENT_BIRTH_DATE));

  before = cfd_vault_list_records (f->vault, f->patient, &error);
  after = cfd_vault_list_records (other, imported_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (after); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (after, i);

      if (cfd_record_get_kind (record) == CFD_RECORD_PROGRESS)
        {
          g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
          g_assert_true (g_str_has_prefix (cfd_record_get_text (record, "subjective"),
                                           "Imported from Riverside Ketamine Clinic"));
          g_assert_nonnull (strstr (cfd_record_get_text (record, "subjective"),
                                    "Slept better since the last session."));
          drafts++;
          continue;
        }
      g_assert_cmpint (cfd_record_get_kind (record), ==, CFD_RECORD_MEASURE);
      measures++;
      /* The same content (instrument, items, total, band) on the same day. */
      for (guint j = 0; j < g_list_model_get_n_items (before); j++)
        {
          g_autoptr (CfdRecord) source = g_list_model_get_item (before, j);

          if (cfd_record_get_kind (source) == CFD_RECORD_MEASURE
              && cfd_record_get_occurred (source) == cfd_record_get_occurred (record))
            g_assert_true (
                g_variant_equal (cfd_record_get_content (source), cfd_record_get_content (record)));
        }
    }
  g_assert_cmpuint (measures, ==, 2);
  g_assert_cmpuint (drafts, ==, 1);
  cfd_wipe_string (g_steal_pointer (&json));
}

/* Untrusted bundles: each refused as invalid input, nothing half-read. */
/* A bundle whose last note cannot be written (a trigger stands in for a
 * full disk or a constraint) leaves nothing behind: no patient, no
 * measure, no audit record of the steps before. Into an existing patient,
 * the same: their record is as it was. */
static void
test_fhir_import_one_transaction (Fixture *f, gconstpointer data)
{
  g_autofree char *phq9 = add_phq9 (f, OCCURRED);
  g_autofree char *progress = NULL;
  g_autofree char *json = NULL;
  g_autofree char *matched = NULL;
  g_autofree char *again = NULL;
  g_autoptr (CfdVault) other = cfd_test_vault_new (NULL, NULL);
  g_autoptr (CfdFhirImport) import = NULL;
  g_autoptr (GError) error = NULL;
  CfdExportScope scope = { 0 };
  GVariantDict d;
  const char *const counts[] = { "SELECT count(*) FROM patients", "SELECT count(*) FROM records",
                                 "SELECT count(*) FROM audit_log" };
  gint64 before[G_N_ELEMENTS (counts)], mine_before[G_N_ELEMENTS (counts)];

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = g_strdup_printf ("Note %u of the referral.", i);

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "subjective", "s", text);
      g_free (progress);
      progress
          = add_signed (f, CFD_RECORD_PROGRESS, OCCURRED + (i + 1) * DAY, g_variant_dict_end (&d));
    }
  json = cfd_vault_build_patient_fhir (f->vault, f->patient, &scope, NULL, &error);
  g_assert_no_error (error);
  import = cfd_fhir_import_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->notes->len, ==, 2);

  /* In another vault the identifier names no one: a new patient. */
  g_assert_null (cfd_vault_match_fhir_patient (other, import, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    before[i] = cfd_test_count_rows (other, counts[i]);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (other, NULL),
                              "CREATE TEMP TRIGGER fail_late BEFORE INSERT ON records "
                              "WHEN NEW.kind = 'progress' AND (SELECT count(*) FROM records "
                              "WHERE kind = 'progress') = 1 "
                              "BEGIN SELECT RAISE (ABORT, 'the disk is full'); END",
                              NULL));
  g_assert_null (cfd_vault_import_fhir (other, import, "Riverside", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    g_assert_cmpint (cfd_test_count_rows (other, counts[i]), ==, before[i]);

  /* In its own vault it names the patient; the import goes to them, and a
   * late failure leaves their record as it was. */
  matched = cfd_vault_match_fhir_patient (f->vault, import, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (matched, ==, f->patient);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    mine_before[i] = cfd_test_count_rows (f->vault, counts[i]);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (f->vault, NULL),
                              "CREATE TEMP TRIGGER fail_late BEFORE INSERT ON records "
                              "WHEN NEW.status = 'draft' AND (SELECT count(*) FROM records "
                              "WHERE status = 'draft') = 1 "
                              "BEGIN SELECT RAISE (ABORT, 'the disk is full'); END",
                              NULL));
  g_assert_null (cfd_vault_import_fhir_into (f->vault, import, "Riverside", matched, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    g_assert_cmpint (cfd_test_count_rows (f->vault, counts[i]), ==, mine_before[i]);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (f->vault, NULL), "DROP TRIGGER fail_late", NULL));
  again = cfd_vault_import_fhir_into (f->vault, import, "Riverside", matched, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, f->patient);
  g_assert_cmpint (cfd_test_count_rows (f->vault, counts[0]), ==, mine_before[0]);
  /* One measure (signed) and two notes (drafts) more. */
  g_assert_cmpint (cfd_test_count_rows (f->vault, counts[1]), ==, mine_before[1] + 3);
  g_assert_cmpint (cfd_test_count_rows (f->vault, "SELECT count(*) FROM records WHERE status = "
                                                  "'draft' AND kind = 'progress'"),
                   ==, 2);
  cfd_wipe_string (g_steal_pointer (&json));
}

static void
test_fhir_import_refuses (void)
{
  static const char *const bad[] = {
    "",
    "[]",
    "{\"resourceType\":\"Patient\"}",
    "{\"resourceType\":\"Bundle\",\"entry\":[]}",
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"A\"}],\"birthDate\":\"1970-02-30\"}}]}",
    /* a total that is not the sum of the items */
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"A B\"}]}},{\"resource\":{\"resourceType\":\"QuestionnaireResponse\","
    "\"questionnaire\":\"http://loinc.org/q/69737-5\",\"authored\":\"2026-01-05\",\"item\":["
    "{\"linkId\":\"69725-0\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"68509-9\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"69733-4\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"69734-2\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"69735-9\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"69689-8\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6568-5\"}}]},"
    "{\"linkId\":\"69736-7\",\"answer\":[{\"valueCoding\":{\"code\":\"LA6571-9\"}}]},"
    "{\"linkId\":\"70274-6\",\"answer\":[{\"valueInteger\":21}]}]}}]}",
    /* a MOAA/S outside 0-5 */
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"A B\"}]}},{\"resource\":{\"resourceType\":\"Observation\","
    "\"code\":{\"text\":\"" RATING_MOAAS "\"},\"effectiveDateTime\":\"2026-01-05T10:50:00Z\","
    "\"valueInteger\":9}}]}",
    /* a rating without a time of day */
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"A B\"}]}},{\"resource\":{\"resourceType\":\"Observation\","
    "\"code\":{\"text\":\"" RATING_MOAAS "\"},\"effectiveDateTime\":\"2026-01-05\","
    "\"valueInteger\":4}}]}",
    /* a timepoint the dosing record does not list */
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"name\":[{\"text\":\"A B\"}]}},{\"resource\":{\"resourceType\":\"Observation\","
    "\"code\":{\"text\":\"" RATING_MOAAS "\"},\"effectiveDateTime\":\"2026-01-05T10:50:00Z\","
    "\"extension\":[{\"url\":\"urn:confidant:dosing:rating-timepoint\",\"valueCode\":\"45-min\"}],"
    "\"valueInteger\":4}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdFhirImport) import = cfd_fhir_import_parse (bad[i], strlen (bad[i]), &error);

      g_assert_null (import);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    }
}

/* --- CSV -------------------------------------------------------------- */

static void
test_csv_cells (void)
{
  g_autoptr (GString) line = g_string_new (NULL);

  cfd_csv_append_cell (line, "=HYPERLINK(\"x\")");
  cfd_csv_append_cell (line, "-2+3");
  cfd_csv_append_cell (line, "@SUM(A1)");
  cfd_csv_append_cell (line, "plain, with comma");
  cfd_csv_append_cell (line, NULL);
  g_assert_cmpstr (line->str, ==,
                   "\"'=HYPERLINK(\"\"x\"\")\",\"'-2+3\",\"'@SUM(A1)\",\"plain, with comma\",\"\"");
}

static void
test_csv_rows (Fixture *f, gconstpointer data)
{
  g_autofree char *dosing = add_signed (f, CFD_RECORD_DOSING, OCCURRED, dosing_content ());
  g_autofree char *measure = add_phq9 (f, OCCURRED + 3 * DAY);
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *expected = NULL;
  guint rows = 0;

  csv = cfd_vault_build_measures_csv (f->vault, f->patient, &rows, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 1);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "patient_id,date,instrument,loinc_panel,loinc_total,item_loinc_codes,items,"
                   "total,band,mode,rater,days_since_dosing");
  expected = g_strdup_printf (
      "\"%s\",\"2025-10-12\",\"phq9\",\"44249-1\",\"44261-6\","
      "\"44250-9;44255-8;44259-0;44254-1;44251-7;44258-2;44252-5;44253-3;44260-8\","
      "\"2;1;2;2;3;2;1;1;0\",\"14\",\"moderate\",\"self-report\",\"Test Owner\",",
      f->patient);
  g_assert_true (g_str_has_prefix (lines[1], expected));
  g_assert_true (g_str_has_suffix (lines[1], ",\"3\""));
  cfd_wipe_string (g_steal_pointer (&csv));
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  g_test_add_func ("/confidant/interop/practice/checks", test_practice_checks);
  ADD ("/confidant/interop/practice/owner-only", test_practice_owner_only);
  ADD ("/confidant/interop/disclosures/terms-required", test_terms_required);
  ADD ("/confidant/interop/disclosures/lists-three", test_accounting_lists_three);
  ADD ("/confidant/interop/disclosures/tamper", test_accounting_tamper);
  ADD ("/confidant/interop/fhir/phq9-known-answer", test_fhir_phq9_known_answer);
  ADD ("/confidant/interop/fhir/dosing", test_fhir_dosing);
  ADD ("/confidant/interop/fhir/psychotherapy-needs-authorization",
       test_fhir_psychotherapy_needs_authorization);
  ADD ("/confidant/interop/fhir/session", test_fhir_session);
  ADD ("/confidant/interop/fhir/scope", test_fhir_scope);
  ADD ("/confidant/interop/fhir/round-trip", test_fhir_round_trip);
  ADD ("/confidant/interop/fhir/ratings", test_fhir_ratings);
  ADD ("/confidant/interop/fhir/import-one-transaction", test_fhir_import_one_transaction);
  g_test_add_func ("/confidant/interop/fhir/import-refuses", test_fhir_import_refuses);
  g_test_add_func ("/confidant/interop/csv/cells", test_csv_cells);
  ADD ("/confidant/interop/csv/rows", test_csv_rows);
#undef ADD
  return g_test_run ();
}
