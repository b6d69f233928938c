/* test-rems.c: the REMS Patient Monitoring Form: filled from the dosing record, what is missing, due dates, submissions, the PDF. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cfd-chart.h"
#include "cfd-date.h"
#include "cfd-patient-key.h"
#include "cfd-practice.h"
#include "cfd-record.h"
#include "cfd-rems-form-private.h"
#include "cfd-rems-pdf.h"
#include "cfd-template.h"
#include "cfd-test-util.h"
#include "cfd-worklist.h"

static gint64 fake_now;

static char *add_record (CfdVault *vault, const char *patient, GVariant *content, gboolean sign);

static gint64
fake_clock (gpointer user_data)
{
  return fake_now * G_USEC_PER_SEC;
}

static gint64
day (const char *date)
{
  gint64 seconds = 0;

  g_assert_true (cfd_date_parse (date, &seconds));
  return seconds;
}

/* A 56 mg esketamine session that passes the signing checks. */
static GVariant *
esketamine (const char *medication)
{
  GVariantBuilder vitals;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", medication);
  g_variant_dict_insert (&d, "route", "s", "intranasal");
  g_variant_dict_insert (&d, "weight-kg", "d", 70.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 56.0);
  g_variant_dict_insert (&d, "devices", "x", (gint64)2);
  g_variant_dict_insert (&d, "device-1-time", "s", "09:00");
  g_variant_dict_insert (&d, "device-2-time", "s", "09:05");
  g_variant_dict_insert (&d, "lot-number", "s", "LOT-7Q41, LOT-7Q42");
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "08:50", "", 128, 82, 72, 98, FALSE, 0);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "09:41", "", 136, 86, 76, 95, FALSE, 0);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:55", "", 124, 80, 70, 97, FALSE, 0);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "moaas", "x", (gint64)4);
  g_variant_dict_insert (&d, "cadss", "x", (gint64)9);
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)125);
  g_variant_dict_insert (&d, "ready-to-leave-time", "s", "11:00");
  g_variant_dict_insert (&d, "discharge-time", "s", "11:05");
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static GVariant *
details (const char *sex)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "name", "s", "Rowan Hale");
  g_variant_dict_insert (&d, "birth-date", "s", "1984-03-09");
  if (sex != NULL)
    g_variant_dict_insert (&d, "sex", "s", sex);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static CfdPractice *
practice (void)
{
  CfdPractice *p = cfd_practice_new ();

  cfd_practice_set_name (p, "Riverside Ketamine Clinic");
  cfd_practice_set_address (p, "12 Elm Street\nSpringfield, IL 62701");
  cfd_practice_set_phone (p, "+1 555 0100");
  return p;
}

static const char *
answer (CfdRemsForm *form, const char *section_start, const char *question)
{
  for (guint i = 0; i < cfd_rems_form_get_n_fields (form); i++)
    {
      const CfdRemsFormField *f = cfd_rems_form_get_field (form, i);

      if (g_str_has_prefix (f->section, section_start) && strcmp (f->question, question) == 0)
        return f->value;
    }
  g_error ("no question %s / %s", section_start, question);
}

static gboolean
strv_has (char **strv, const char *text)
{
  return g_strv_contains ((const char *const *)strv, text);
}

static const char *
detail (CfdRemsForm *form, const char *section_start, const char *question)
{
  for (guint i = 0; i < cfd_rems_form_get_n_fields (form); i++)
    {
      const CfdRemsFormField *f = cfd_rems_form_get_field (form, i);

      if (g_str_has_prefix (f->section, section_start) && strcmp (f->question, question) == 0)
        return f->detail;
    }
  g_error ("no question %s / %s", section_start, question);
}

/* Beside each concomitant-medication question, the patient's active
 * medications of its class by name; the answers stay the record's, so an
 * unanswered question is still missing however full the list is. */
static void
test_medication_list_beside_questions (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autofree char *patient = NULL, *record = NULL, *stopped = NULL;
  g_autoptr (CfdRemsForm) form = NULL;
  g_auto (GStrv) missing = NULL;
  g_autoptr (GError) error = NULL;
  const char *lists[]
      = { "name: Lorazepam\ndose: 0.5 mg\n", "name: Clonazepam\ndose: 1 mg\n",
          "name: Zolpidem\ndose: 5 mg\n", "name: Phenelzine\ndose: 15 mg\nstatus: stopped\n" };

  fake_now = day ("2026-12-01") + 12 * 3600;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr (GVariant) fields
          = cfd_chart_fields_parse (CFD_CHART_MEDICATION, lists[i], strlen (lists[i]), &error);
      g_autofree char *id = NULL;

      g_assert_no_error (error);
      id = cfd_vault_add_chart_entry (vault, patient, CFD_CHART_MEDICATION, fields, &error);
      g_assert_no_error (error);
    }
  record = add_record (vault, patient, content, TRUE);
  form = cfd_vault_get_rems_form (vault, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail (form, "Concomitant", "Benzodiazepines"), ==,
                   "medication list: Lorazepam, Clonazepam");
  g_assert_cmpstr (detail (form, "Concomitant", "Non-benzodiazepine sedative hypnotics"), ==,
                   "medication list: Zolpidem");
  g_assert_cmpstr (detail (form, "Concomitant", "Psychostimulants"), ==,
                   "none on the medication list");
  /* A stopped MAOI is not a concomitant one. */
  g_assert_cmpstr (detail (form, "Concomitant", "Monoamine oxidase inhibitors (MAOIs)"), ==,
                   "none on the medication list");
  missing = cfd_rems_form_list_missing (form);
  g_assert_null (answer (form, "Concomitant", "Benzodiazepines"));
  g_assert_true (strv_has (missing, "Concomitant medication that may cause sedation or blood "
                                    "pressure changes: Benzodiazepines"));
}

static void
test_fill (void)
{
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autoptr (GVariant) patient = details (NULL);
  g_autoptr (CfdPractice) p = practice ();
  g_autoptr (CfdRemsForm) form = cfd_rems_form_new_from_parts (
      "rec", "pat", day ("2026-12-01") + 9 * 3600, content, patient, p, "Dr. Ada Moss");
  g_auto (GStrv) missing = cfd_rems_form_list_missing (form);

  g_assert_cmpstr (answer (form, "Patient", "Name"), ==, "Rowan Hale");
  g_assert_cmpstr (answer (form, "Patient", "Birth date (MM/DD/YYYY)"), ==, "03/09/1984");
  g_assert_null (answer (form, "Patient", "Sex"));
  g_assert_cmpstr (answer (form, "Healthcare setting", "Name"), ==, "Riverside Ketamine Clinic");
  g_assert_cmpstr (answer (form, "Healthcare setting", "Address"), ==,
                   "12 Elm Street, Springfield, IL 62701");
  g_assert_cmpstr (answer (form, "Treatment", "Treatment date (MM/DD/YYYY)"), ==, "12/01/2026");
  g_assert_cmpstr (answer (form, "Treatment", "Dose administered"), ==, "56 mg");
  g_assert_cmpstr (answer (form, "Treatment", "Lot number(s)"), ==, "LOT-7Q41, LOT-7Q42");
  g_assert_cmpstr (answer (form, "Treatment", "Total time, first device to end of monitoring"), ==,
                   "125 minutes");
  g_assert_cmpstr (answer (form, "Treatment", "Monitored for at least 2 hours"), ==, "Yes");
  g_assert_cmpstr (
      answer (form, "Treatment", "Ready to leave, minutes from start of administration"), ==,
      "120 minutes");
  g_assert_cmpstr (answer (form, "Blood", "Prior to administration"), ==, "128/82 mmHg at 08:50");
  g_assert_cmpstr (answer (form, "Blood", "About 40 minutes after administration"), ==,
                   "136/86 mmHg at 09:41");
  g_assert_cmpstr (answer (form, "Blood", "Prior to the end of the session"), ==,
                   "124/80 mmHg at 10:55");
  g_assert_cmpstr (answer (form, "Pulse", "Oxygen saturation during monitoring"), ==,
                   "lowest 95 %");
  /* What the record does not state is missing, never guessed from a score. */
  g_assert_null (answer (form, "During", "Sedation"));
  g_assert_true (strv_has (missing, "Patient: Sex"));
  g_assert_true (strv_has (missing, "During monitoring, did the patient experience: Sedation"));
  g_assert_true (strv_has (missing, "Concomitant medication that may cause sedation or blood "
                                    "pressure changes: Benzodiazepines"));
  g_assert_true (strv_has (missing, "Healthcare provider conducting patient monitoring: Email"));
  g_assert_false (strv_has (missing, "Treatment session: Dose administered"));
}

static void
test_sex_and_other_dose (void)
{
  g_autoptr (GVariant) patient = details ("Female");
  g_autoptr (CfdPractice) p = practice ();
  g_autoptr (GVariant) base = esketamine ("esketamine");
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (CfdRemsForm) form = NULL;
  g_auto (GStrv) missing = NULL;

  g_variant_dict_init (&d, base);
  g_variant_dict_insert (&d, "dose-mg", "d", 28.0);
  g_variant_dict_remove (&d, "vitals");
  g_variant_dict_insert (&d, "rems-sedation", "b", FALSE);
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  form = cfd_rems_form_new_from_parts ("rec", "pat", day ("2026-12-01"), content, patient, p, NULL);
  missing = cfd_rems_form_list_missing (form);
  g_assert_cmpstr (answer (form, "Patient", "Sex"), ==, "Female");
  g_assert_cmpstr (answer (form, "Treatment", "Dose administered"), ==, "Other: 28 mg");
  g_assert_cmpstr (answer (form, "During", "Sedation"), ==, "No");
  g_assert_false (strv_has (missing, "Patient: Sex"));
  g_assert_true (strv_has (missing, "Blood pressure: Prior to administration"));
  g_assert_true (strv_has (missing, "Pulse oximetry: Oxygen saturation during monitoring"));
}

/* The dosing template asks the form's yes/no questions for esketamine
 * only; a record signed with them fills the form, and each unanswered one
 * ("not assessed": absent) stays missing. */
static void
test_template_questions (void)
{
  const char *ids[] = { "rems-sedation",
                        "rems-dissociation",
                        "rems-respiratory-depression",
                        "concomitant-benzodiazepines",
                        "concomitant-sedative-hypnotics",
                        "concomitant-psychostimulants",
                        "concomitant-maois" };
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_DOSING);
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GVariant) base = esketamine ("esketamine");
  g_autoptr (GVariant) content = NULL;
  g_autofree char *patient = NULL, *record = NULL;
  g_autoptr (CfdRemsForm) form = NULL;
  g_auto (GStrv) missing = NULL;
  g_autoptr (GError) error = NULL;
  GVariantDict d;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const CfdTemplateField *field = cfd_template_find_field (tmpl, ids[i]);

      g_assert_nonnull (field);
      g_assert_cmpint (field->type, ==, CFD_FIELD_BOOLEAN);
      g_assert_cmpstr (field->shown_when_field, ==, "medication");
      g_assert_true (g_strv_equal ((const char *const *)field->shown_when_values,
                                   (const char *const[]){ "esketamine", NULL }));
    }

  g_variant_dict_init (&d, base);
  g_variant_dict_insert (&d, "rems-sedation", "b", TRUE);
  g_variant_dict_insert (&d, "rems-dissociation", "b", FALSE);
  g_variant_dict_insert (&d, "concomitant-benzodiazepines", "b", TRUE);
  g_variant_dict_insert (&d, "concomitant-sedative-hypnotics", "b", FALSE);
  g_variant_dict_insert (&d, "concomitant-psychostimulants", "b", FALSE);
  g_variant_dict_insert (&d, "concomitant-maois", "b", FALSE);
  content = g_variant_ref_sink (g_variant_dict_end (&d));

  fake_now = day ("2026-12-01") + 12 * 3600;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  record = add_record (vault, patient, content, TRUE);
  form = cfd_vault_get_rems_form (vault, record, &error);
  g_assert_no_error (error);
  missing = cfd_rems_form_list_missing (form);

  g_assert_cmpstr (answer (form, "During", "Sedation"), ==, "Yes");
  g_assert_cmpstr (answer (form, "During", "Dissociation"), ==, "No");
  g_assert_cmpstr (answer (form, "Concomitant", "Benzodiazepines"), ==, "Yes");
  g_assert_cmpstr (answer (form, "Concomitant", "Psychostimulants"), ==, "No");
  g_assert_cmpstr (answer (form, "Concomitant", "Monoamine oxidase inhibitors (MAOIs)"), ==, "No");
  g_assert_false (strv_has (missing, "During monitoring, did the patient experience: Sedation"));
  g_assert_false (strv_has (missing, "Concomitant medication that may cause sedation or blood "
                                     "pressure changes: Benzodiazepines"));
  /* Not assessed: still missing, not "No". */
  g_assert_null (answer (form, "During", "Respiratory depression"));
  g_assert_true (
      strv_has (missing, "During monitoring, did the patient experience: Respiratory depression"));
}

static void
test_due_dates (void)
{
  gint64 session = day ("2026-12-01") + 15 * 3600;

  g_assert_cmpint (cfd_rems_form_due_date (session), ==, day ("2026-12-08"));
  g_assert_false (cfd_rems_form_is_overdue (session, day ("2026-12-01")));
  g_assert_false (cfd_rems_form_is_overdue (session, day ("2026-12-08")));
  g_assert_false (cfd_rems_form_is_overdue (session, day ("2026-12-08") + 86399));
  g_assert_true (cfd_rems_form_is_overdue (session, day ("2026-12-09")));
  /* Across a month's end. */
  g_assert_cmpint (cfd_rems_form_due_date (day ("2026-12-28")), ==, day ("2027-01-04"));
}

static char *
add_record (CfdVault *vault, const char *patient, GVariant *content, gboolean sign)
{
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, day ("2026-12-01"),
                                      content, &error);

  g_assert_no_error (error);
  if (sign)
    {
      g_assert_true (cfd_vault_sign_record (vault, id, &error));
      g_assert_no_error (error);
    }
  return id;
}

static CfdWorklistItem *
rems_item (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) items = cfd_vault_get_worklist (vault, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (CfdWorklistItem) item = g_list_model_get_item (items, i);

      if (cfd_worklist_item_get_kind (item) == CFD_WORKLIST_REMS_FORM_DUE)
        return g_steal_pointer (&item);
    }
  return NULL;
}

static void
test_worklist_and_submission (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL, *record = NULL, *racemic = NULL, *draft = NULL;
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autoptr (CfdWorklistItem) item = NULL;
  g_autoptr (CfdRemsSubmission) submission = NULL;
  g_autoptr (GError) error = NULL;

  fake_now = day ("2026-12-01") + 12 * 3600;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  record = add_record (vault, patient, content, TRUE);

  item = rems_item (vault);
  g_assert_nonnull (item);
  g_assert_cmpstr (cfd_worklist_item_get_record_id (item), ==, record);
  g_assert_cmpint (cfd_worklist_item_get_due (item), ==, day ("2026-12-08"));
  g_assert_false (cfd_worklist_item_get_overdue (item));
  g_assert_cmpstr (cfd_worklist_item_get_reason (item), ==, "REMS form due by 2026-12-08");
  g_clear_object (&item);

  fake_now = day ("2026-12-08") + 86399;
  item = rems_item (vault);
  g_assert_false (cfd_worklist_item_get_overdue (item));
  g_clear_object (&item);
  fake_now = day ("2026-12-09");
  item = rems_item (vault);
  g_assert_true (cfd_worklist_item_get_overdue (item));
  g_assert_cmpstr (cfd_worklist_item_get_reason (item), ==,
                   "REMS form overdue: it was due 2026-12-08");
  g_clear_object (&item);

  /* Refused: a future day, a day before the session, no confirmation. */
  g_assert_false (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-10"), "A1", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (
      cfd_vault_record_rems_submission (vault, record, day ("2026-11-30"), "A1", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-09"), "  ", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM rems_submissions"), ==, 0);

  g_assert_true (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-09"), "PMF-88412", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'rems.submitted' AND outcome = 'success'"),
                   ==, 1);
  /* The two refused dates are in the log; an empty confirmation is refused
   * before the vault is touched, as every malformed argument is. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'rems.submitted' AND outcome = 'failure'"),
                   ==, 2);
  submission = cfd_vault_get_rems_submission (vault, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (submission->confirmation, ==, "PMF-88412");
  g_assert_cmpint (submission->submitted_on, ==, day ("2026-12-09"));
  g_assert_null (rems_item (vault));
  /* The confirmation number is sealed, not stored as typed. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM rems_submissions WHERE "
                                               "instr(sealed, 'PMF-88412') > 0"),
                   ==, 0);

  /* Bad records: unknown, not esketamine, a draft. */
  g_assert_false (
      cfd_vault_record_rems_submission (vault, "no-such-record", day ("2026-12-09"), "A1", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr (GVariant) other = esketamine ("racemic-ketamine");
    g_autoptr (CfdRemsForm) form = NULL;

    racemic = add_record (vault, patient, other, FALSE);
    form = cfd_vault_get_rems_form (vault, racemic, &error);
    g_assert_null (form);
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "not esketamine"));
    g_clear_error (&error);
  }
  draft = add_record (vault, patient, content, FALSE);
  g_assert_null (cfd_vault_get_rems_form (vault, draft, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "draft"));
  g_clear_error (&error);
  g_assert_null (cfd_vault_get_rems_form (vault, "no-such-record", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

static void
test_tampered_submission (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL, *record = NULL;
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autoptr (CfdRemsSubmission) submission = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db;

  fake_now = day ("2026-12-02");
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  record = add_record (vault, patient, content, TRUE);
  g_assert_true (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-02"), "PMF-1", &error));
  db = cfd_vault_get_db (vault, &error);
  /* A row copied behind Confidant's back, its signature over another id
   * and time, must not pass. */
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (db),
                                 "INSERT INTO rems_submissions SELECT 'forged', patient_id, "
                                 "record_id, submitted_on, actor_id, time + 10, key_version, 1, "
                                 "sealed, signature FROM rems_submissions",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  submission = cfd_vault_get_rems_submission (vault, record, &error);
  g_assert_null (submission);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_survives_key_rotation (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL, *record = NULL;
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autoptr (CfdRemsSubmission) submission = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  fake_now = day ("2026-12-02");
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  record = add_record (vault, patient, content, TRUE);
  g_assert_true (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-02"), "PMF-ROT", &error));
  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (vault, patient, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM rems_submissions WHERE key_version <> 2"),
      ==, 0);
  submission = cfd_vault_get_rems_submission (vault, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (submission->confirmation, ==, "PMF-ROT");
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    return NULL;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_pdf (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "pmf.pdf", NULL);
  g_autofree char *patient = NULL, *record = NULL, *text = NULL;
  g_autoptr (GVariant) content = esketamine ("esketamine");
  g_autoptr (CfdPractice) p = practice ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) missing = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  fake_now = day ("2026-12-03");
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  g_assert_true (cfd_vault_set_practice (vault, p, &error));
  patient = cfd_test_add_patient (vault, "Rowan Hale");
  record = add_record (vault, patient, content, TRUE);
  g_assert_true (
      cfd_vault_record_rems_submission (vault, record, day ("2026-12-02"), "PMF-5521", &error));
  g_assert_true (cfd_vault_export_rems_form_pdf (vault, record, path, &missing, &error));
  g_assert_no_error (error);
  g_assert_true (strv_has (missing, "Patient: Sex"));
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM disclosures d JOIN audit_log "
                                               "a ON a.seq = d.audit_seq WHERE a.action = "
                                               "'patient.export-rems'"),
                   ==, 1);

  text = pdf_text (path);
  if (text == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  for (const char *const *want
       = (const char *const[]){ "Rowan Hale", "Riverside Ketamine Clinic", "12/01/2026", "56 mg",
                                "LOT-7Q41, LOT-7Q42", "128/82 mmHg at 08:50",
                                "136/86 mmHg at 09:41", "124/80 mmHg at 10:55", "lowest 95 %",
                                "125 minutes", "120 minutes", "recorded MOAA/S 4",
                                "submit by 2026-12-08", "PMF-5521", "MISSING", "• Patient: Sex",
                                NULL };
       *want != NULL; want++)
    if (strstr (text, *want) == NULL)
      g_error ("the PDF's text lacks “%s”:\n%s", *want, text);

  /* A draft writes nothing. */
  {
    g_autofree char *draft = add_record (vault, patient, content, FALSE);
    g_autofree char *other = g_build_filename (dir, "draft.pdf", NULL);

    g_assert_false (cfd_vault_export_rems_form_pdf (vault, draft, other, NULL, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/rems/fill", test_fill);
  g_test_add_func ("/confidant/rems/sex-and-other-dose", test_sex_and_other_dose);
  g_test_add_func ("/confidant/rems/template-questions", test_template_questions);
  g_test_add_func ("/confidant/rems/medication-list", test_medication_list_beside_questions);
  g_test_add_func ("/confidant/rems/due-dates", test_due_dates);
  g_test_add_func ("/confidant/rems/worklist-and-submission", test_worklist_and_submission);
  g_test_add_func ("/confidant/rems/tampered-submission", test_tampered_submission);
  g_test_add_func ("/confidant/rems/key-rotation", test_survives_key_rotation);
  g_test_add_func ("/confidant/rems/pdf", test_pdf);
  return g_test_run ();
}
