/* test-measure.c: storing measures, the risk flag, bad input, and measures stored before instruments were data. */
#include "config.h"

#include <string.h>

#include "cfd-measure.h"
#include "cfd-record.h"
#include "cfd-template.h"
#include "cfd-backup.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)

/* Items summing to total, filled from item 1 with 3s; item 9 of the PHQ-9
 * stays 0 unless the total needs it. */
static void
items_for_total (guint8 *items, guint n, guint total)
{
  memset (items, 0, n);
  for (guint i = 0; i < n && total > 0; i++)
    {
      items[i] = (guint8)MIN (total, 3u);
      total -= items[i];
    }
}

static void
check_bands (CfdInstrument instrument, const guint *totals, const char *const *bands, guint n)
{
  guint n_items = cfd_instrument_n_items (instrument);

  for (guint i = 0; i < n; i++)
    {
      guint8 items[9];
      CfdMeasureScore score = { 0 };
      g_autoptr (GError) error = NULL;

      items_for_total (items, n_items, totals[i]);
      g_assert_true (cfd_measure_score (instrument, items, n_items, &score, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (score.total, ==, totals[i]);
      g_assert_cmpstr (score.band, ==, bands[i]);
    }
}

static void
test_phq9_bands (void)
{
  static const guint totals[] = { 0, 4, 5, 9, 10, 14, 15, 19, 20, 27 };
  static const char *const bands[] = {
    "minimal",           "minimal",           "mild",   "mild",   "moderate", "moderate",
    "moderately severe", "moderately severe", "severe", "severe",
  };

  g_assert_cmpuint (cfd_instrument_n_items (CFD_INSTRUMENT_PHQ9), ==, 9);
  check_bands (CFD_INSTRUMENT_PHQ9, totals, bands, G_N_ELEMENTS (totals));
}

static void
test_gad7_bands (void)
{
  static const guint totals[] = { 0, 4, 5, 9, 10, 14, 15, 21 };
  static const char *const bands[] = {
    "minimal", "minimal", "mild", "mild", "moderate", "moderate", "severe", "severe",
  };

  g_assert_cmpuint (cfd_instrument_n_items (CFD_INSTRUMENT_GAD7), ==, 7);
  check_bands (CFD_INSTRUMENT_GAD7, totals, bands, G_N_ELEMENTS (totals));
}

static void
test_item9_risk (void)
{
  guint8 phq[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  guint8 gad[7] = { 3, 3, 3, 3, 3, 3, 3 };
  CfdMeasureScore score;

  g_assert_true (cfd_measure_score (CFD_INSTRUMENT_PHQ9, phq, 9, &score, NULL));
  g_assert_true (score.risk);
  g_assert_cmpstr (score.band, ==, "minimal");
  phq[8] = 0;
  phq[0] = 3;
  g_assert_true (cfd_measure_score (CFD_INSTRUMENT_PHQ9, phq, 9, &score, NULL));
  g_assert_false (score.risk);
  g_assert_true (cfd_measure_score (CFD_INSTRUMENT_GAD7, gad, 7, &score, NULL));
  g_assert_false (score.risk);
  g_assert_cmpstr (score.band, ==, "severe");
}

static void
test_bad_items (void)
{
  guint8 items[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  CfdMeasureScore score;
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_PHQ9, items, 8, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "PHQ-9 has 9 items; 8 were given"));
  g_clear_error (&error);
  /* Ten for the PHQ-9 is item 10 as well, which is not in the total. */
  g_assert_true (cfd_measure_score (CFD_INSTRUMENT_PHQ9, items, 10, &score, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (score.total, ==, 9);
  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_PHQ9, items, 11, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_GAD7, items, 9, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "GAD-7 has 7 items"));
  g_clear_error (&error);
  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_GAD7, NULL, 7, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  items[3] = 4;
  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_PHQ9, items, 9, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Item 4"));
  g_clear_error (&error);
  items[3] = 255;
  g_assert_false (cfd_measure_score (CFD_INSTRUMENT_GAD7, items, 7, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_measure_score ((CfdInstrument)7, items, 7, &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

static void
test_instrument_names (void)
{
  CfdInstrument instrument;

  g_assert_true (cfd_instrument_from_string ("phq9", &instrument));
  g_assert_cmpint (instrument, ==, CFD_INSTRUMENT_PHQ9);
  g_assert_true (cfd_instrument_from_string ("gad7", &instrument));
  g_assert_cmpint (instrument, ==, CFD_INSTRUMENT_GAD7);
  g_assert_cmpstr (cfd_instrument_to_string (CFD_INSTRUMENT_GAD7), ==, "gad7");
  g_assert_false (cfd_instrument_from_string ("PHQ-9", &instrument));
  g_assert_false (cfd_instrument_from_string (NULL, &instrument));
}

static gboolean
risk_flag (CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, patient_id, &error);

  g_assert_no_error (error);
  return cfd_patient_get_risk_flag (patient);
}

static void
test_stored_measure (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Measured");
  guint8 calm[9] = { 1, 1, 1, 1, 1, 1, 1, 0, 0 };
  guint8 risky[9] = { 2, 2, 2, 2, 2, 2, 2, 2, 1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr (CfdRecord) record = NULL;
  gint64 total = 0, item9 = -1;
  const char *band = NULL;

  first = cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, OCCURRED, calm, 9, &error);
  g_assert_no_error (error);
  g_assert_false (risk_flag (vault, patient));
  record = cfd_vault_get_record (vault, first, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_kind (record), ==, CFD_RECORD_MEASURE);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
  g_assert_cmpint (cfd_record_get_category (record), ==, CFD_RECORD_CATEGORY_MEDICAL);
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "total", "x", &total));
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "band", "&s", &band));
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "item-9", "x", &item9));
  g_assert_cmpint (total, ==, 7);
  g_assert_cmpstr (band, ==, "mild");
  g_assert_cmpint (item9, ==, 0);
  g_assert_cmpstr (cfd_record_get_text (record, "instrument"), ==, "phq9");

  /* Item 9 above 0 raises the flag in the same transaction: a new,
   * sealed patient revision and its own audit entry. */
  second = cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, OCCURRED, risky, 9, &error);
  g_assert_no_error (error);
  g_assert_true (risk_flag (vault, patient));
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT revision FROM patients"), ==, 2);
  g_assert_cmpint (cfd_test_count_rows (
                       vault, "SELECT count(*) FROM audit_log WHERE action = 'patient.risk-flag'"),
                   ==, 1);
  g_assert_cmpint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = 'measure.add'"),
      ==, 2);

  /* A refused measure changes nothing, the flag included. */
  g_assert_null (
      cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_GAD7, OCCURRED, risky, 9, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM records"), ==, 2);
}

static void
test_failed_measure_leaves_flag (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Unflagged");
  guint8 risky[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 3 };
  g_autoptr (GError) error = NULL;

  /* A measure whose insert fails takes its risk flag down with it. */
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "CREATE TRIGGER no_measures BEFORE INSERT ON records "
                                 "BEGIN SELECT RAISE (ABORT, 'no'); END",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_null (
      cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, OCCURRED, risky, 9, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (risk_flag (vault, patient));
}

static void
test_risk_assessment_flag (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Assessed");
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "wish-dead", "b", TRUE);
  g_variant_dict_insert (&d, "suicidal-thoughts", "b", TRUE);
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_RISK, OCCURRED, content, &error);
  g_assert_no_error (error);
  /* A draft is not yet an assessment. */
  g_assert_false (risk_flag (vault, patient));
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_true (risk_flag (vault, patient));
}

static void
test_not_permitted (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Not Theirs");
  g_autoptr (GError) error = NULL;
  g_autofree char *theo
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "lantern meadow quietly 31", &error);
  guint8 items[7] = { 0 };

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Theo", "lantern meadow quietly 31", &error));
  g_assert_null (
      cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_GAD7, OCCURRED, items, 7, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_null (cfd_vault_add_measure (vault, "0123456789abcdef0123456789abcdef",
                                        CFD_INSTRUMENT_GAD7, OCCURRED, items, 7, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
}

/* Any instrument by its definition, with the mode and the rater. */
static void
test_stored_instrument (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Checklisted");
  int pcl[20] = { 2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0 };
  int ebi[8] = { 0, 100, 50, 50, 75, 25, 100, 100 };
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (CfdMeasureReading) reading = NULL;

  first = cfd_vault_add_instrument_measure (vault, patient, "pcl5", OCCURRED, pcl, 20,
                                            CFD_MEASURE_MODE_INTERVIEW, &error);
  g_assert_no_error (error);
  record = cfd_vault_get_record (vault, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (record, "instrument"), ==, "pcl5");
  g_assert_cmpstr (cfd_record_get_text (record, "mode"), ==, "interview");
  g_assert_cmpstr (cfd_record_get_text (record, "rater"), ==, "patient");
  g_assert_cmpstr (cfd_record_get_text (record, "band"), ==, "below");
  g_assert_cmpstr (cfd_record_get_text (record, "result"), ==, "met");
  reading = cfd_measure_reading_new (cfd_record_get_content (record));
  g_assert_nonnull (reading);
  g_assert_cmpstr (cfd_instrument_def_get_id (reading->def), ==, "pcl5");
  g_assert_cmpint (reading->total, ==, 12);
  g_assert_cmpint (reading->answers[7], ==, 2);
  g_assert_cmpint (reading->answers[19], ==, 0);
  g_assert_false (risk_flag (vault, patient));

  second = cfd_vault_add_instrument_measure (vault, patient, "ebi", OCCURRED, ebi, 8,
                                             CFD_MEASURE_MODE_SELF_REPORT, &error);
  g_assert_no_error (error);
  g_clear_object (&record);
  record = cfd_vault_get_record (vault, second, &error);
  g_assert_no_error (error);
  {
    double mean = 0;

    g_assert_true (g_variant_lookup (cfd_record_get_content (record), "mean", "d", &mean));
    g_assert_cmpfloat_with_epsilon (mean, 62.5, 1e-9);
    g_assert_false (g_variant_lookup_value (cfd_record_get_content (record), "total", NULL));
  }

  g_assert_null (cfd_vault_add_instrument_measure (vault, patient, "madrs", OCCURRED, ebi, 8,
                                                   CFD_MEASURE_MODE_INTERVIEW, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  ebi[2] = CFD_ANSWER_NONE;
  g_assert_null (cfd_vault_add_instrument_measure (vault, patient, "ebi", OCCURRED, ebi, 8,
                                                   CFD_MEASURE_MODE_INTERVIEW, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM records"), ==, 2);
}

/* v1-measures.cfdbackup was made by confidant-cli when the PHQ-9 and GAD-7
 * were built in (tests/fixtures/measures/make-v1-measures.sh). Restored,
 * its measures keep their signatures, items, totals and bands, and the
 * definitions score their items to the same totals and bands. */
#define V1_PASSPHRASE "fixture measures passphrase"

static void
test_v1_measures (void)
{
  g_autofree char *path
      = g_test_build_filename (G_TEST_DIST, "fixtures", "measures", "v1-measures.cfdbackup", NULL);
  g_autofree char *key_path = g_strconcat (path, ".recovery-key", NULL);
  g_autofree char *target = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (GListModel) records = NULL;
  static const struct
  {
    const char *instrument;
    guint8 items[9];
    guint n_items;
    gint64 total;
    const char *band;
  } expected[] = {
    { "phq9", { 3, 3, 3, 3, 3, 3, 3, 3, 1 }, 9, 25, "severe" },
    { "phq9", { 1, 2, 1, 0, 3, 2, 1, 1, 0 }, 9, 11, "moderate" },
    { "gad7", { 3, 3, 2, 2, 1, 1, 0 }, 7, 12, "moderate" },
  };
  guint seen = 0;

  g_assert_true (g_file_get_contents (key_path, &recovery, NULL, NULL));
  info = cfd_backup_restore (path, target, NULL, recovery, CFD_BACKUP_SECRET_RECOVERY_KEY,
                             CFD_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  vault = cfd_vault_open (target, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (vault, "Test Owner", V1_PASSPHRASE, &error));
  g_assert_no_error (error);
  patients = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (patients), ==, 1);
  {
    g_autoptr (CfdPatient) patient = g_list_model_get_item (patients, 0);

    g_assert_true (cfd_patient_get_risk_flag (patient));
    records = cfd_vault_list_records (vault, cfd_patient_get_id (patient), &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) listed = g_list_model_get_item (records, i);
      g_autoptr (CfdRecord) record = NULL;
      g_autoptr (CfdMeasureReading) reading = NULL;
      CfdMeasureScore score;
      CfdInstrument instrument;
      guint8 items[9];
      guint e;

      if (cfd_record_get_kind (listed) != CFD_RECORD_MEASURE)
        continue;
      /* Read again by id: that verifies the author's signature. */
      record = cfd_vault_get_record (vault, cfd_record_get_id (listed), &error);
      g_assert_no_error (error);
      g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
      reading = cfd_measure_reading_new (cfd_record_get_content (record));
      g_assert_nonnull (reading);
      /* Two were taken the same day: match by instrument and stored total. */
      for (e = 0; e < G_N_ELEMENTS (expected); e++)
        if (g_str_equal (expected[e].instrument, cfd_record_get_text (record, "instrument"))
            && expected[e].total == reading->total)
          break;
      g_assert_cmpuint (e, <, G_N_ELEMENTS (expected));
      g_assert_null (cfd_record_get_text (record, "mode"));
      g_assert_true (reading->has_total);
      g_assert_cmpint (reading->total, ==, expected[e].total);
      g_assert_cmpstr (reading->band, ==, expected[e].band);
      g_assert_null (reading->mode);
      for (guint k = 0; k < expected[e].n_items; k++)
        {
          g_assert_cmpint (reading->answers[k], ==, expected[e].items[k]);
          items[k] = (guint8)reading->answers[k];
        }
      if (g_str_equal (expected[e].instrument, "phq9"))
        g_assert_cmpint (reading->answers[9], ==, CFD_ANSWER_NONE);
      g_assert_true (cfd_instrument_from_string (expected[e].instrument, &instrument));
      g_assert_true (cfd_measure_score (instrument, items, expected[e].n_items, &score, NULL));
      g_assert_cmpint (score.total, ==, expected[e].total);
      g_assert_cmpstr (score.band, ==, expected[e].band);
      g_assert_true (cfd_template_validate (cfd_template_get (CFD_RECORD_MEASURE),
                                            cfd_record_get_content (record), &error));
      g_assert_no_error (error);
      seen++;
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (expected));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/measure/phq9/bands", test_phq9_bands);
  g_test_add_func ("/confidant/measure/gad7/bands", test_gad7_bands);
  g_test_add_func ("/confidant/measure/phq9/item9-risk", test_item9_risk);
  g_test_add_func ("/confidant/measure/bad-items", test_bad_items);
  g_test_add_func ("/confidant/measure/instrument-names", test_instrument_names);
  g_test_add_func ("/confidant/measure/stored", test_stored_measure);
  g_test_add_func ("/confidant/measure/failed-leaves-flag", test_failed_measure_leaves_flag);
  g_test_add_func ("/confidant/measure/risk-assessment-flag", test_risk_assessment_flag);
  g_test_add_func ("/confidant/measure/not-permitted", test_not_permitted);
  g_test_add_func ("/confidant/measure/stored-instrument", test_stored_instrument);
  g_test_add_func ("/confidant/measure/v1-measures", test_v1_measures);
  return g_test_run ();
}
