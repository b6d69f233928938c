/* test-measure-series.c: the chart's data read from a real timeline: totals, bands, risk, dosing marks, order. */
#include "config.h"

#include <string.h>

#include "cfd-measure.h"
#include "cfd-record.h"
#include "cfd-test-util.h"

#include "cfd-measure-series.h"

#define DAY      (24 * 60 * 60)
#define JAN_2026 G_GINT64_CONSTANT (1767268800) /* 2026-01-01 12:00 UTC */

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

/* The chart's bands must be core's bands, total by total. */
static void
test_bands_match_core (void)
{
  for (CfdInstrument instrument = CFD_INSTRUMENT_PHQ9; instrument <= CFD_INSTRUMENT_GAD7;
       instrument++)
    {
      guint n_items = cfd_instrument_n_items (instrument);
      guint max = cfd_measure_max_total (instrument);
      guint n_bands;
      const CfdMeasureBand *bands = cfd_measure_bands (instrument, &n_bands);

      g_assert_cmpuint (max, ==, instrument == CFD_INSTRUMENT_PHQ9 ? 27 : 21);
      g_assert_cmpuint (n_bands, ==, instrument == CFD_INSTRUMENT_PHQ9 ? 5 : 4);
      g_assert_cmpuint (bands[0].low, ==, 0);
      g_assert_cmpuint (bands[n_bands - 1].high, ==, max);
      for (guint i = 1; i < n_bands; i++)
        g_assert_cmpuint (bands[i].low, ==, bands[i - 1].high + 1);
      for (guint total = 0; total <= max; total++)
        {
          guint8 items[9];
          CfdMeasureScore score;
          g_autoptr (GError) error = NULL;

          items_for_total (items, n_items, total);
          g_assert_true (cfd_measure_score (instrument, items, n_items, &score, &error));
          g_assert_cmpstr (cfd_measure_band_for_total (instrument, total)->id, ==, score.band);
        }
      g_assert_null (cfd_measure_band_for_total (instrument, max + 1));
    }
}

static void
add_measure (CfdVault *vault,
             const char *patient,
             CfdInstrument instrument,
             gint64 when,
             guint total,
             gboolean risk)
{
  guint n = cfd_instrument_n_items (instrument);
  guint8 items[9];
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  items_for_total (items, n, total - (risk ? 1 : 0));
  if (risk)
    items[8] = 1;
  id = cfd_vault_add_measure (vault, patient, instrument, when, items, n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
}

static void
add_record (CfdVault *vault, const char *patient, CfdRecordKind kind, gint64 when)
{
  g_autoptr (GVariant) content
      = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_create_record (vault, patient, kind, when, content, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* A dosing session that passes the signing checks: the series draws only
 * signed sessions, never drafts. */
static void
add_signed_dosing (CfdVault *vault, const char *patient, gint64 when)
{
  GVariantDict d;
  GVariantBuilder vitals;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_variant_builder_init (&vitals, G_VARIANT_TYPE ("a(sqqqq)"));
  g_variant_builder_add (&vitals, "(sqqqq)", "10:05", 128, 82, 74, 98);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "iv");
  g_variant_dict_insert (&d, "weight-kg", "d", 80.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, when, content, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
}

static void
test_from_timeline (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Series Patient");
  g_autofree char *other = cfd_test_add_patient (vault, "Other Patient");
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdMeasureSeries) series = NULL;
  const CfdMeasurePoint *p;
  gint64 first = 0, last = 0;

  /* Added out of order: the series sorts by the session date. */
  add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, JAN_2026 + 30 * DAY, 14, FALSE);
  add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, JAN_2026, 22, TRUE);
  add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, JAN_2026 + 60 * DAY, 4, FALSE);
  add_measure (vault, patient, CFD_INSTRUMENT_GAD7, JAN_2026 + 2 * DAY, 15, FALSE);
  add_signed_dosing (vault, patient, JAN_2026 + 20 * DAY);
  add_signed_dosing (vault, patient, JAN_2026 + 10 * DAY);
  /* A draft dosing session is not drawn as one that took place. */
  add_record (vault, patient, CFD_RECORD_DOSING, JAN_2026 + 15 * DAY);
  add_record (vault, patient, CFD_RECORD_INTEGRATION, JAN_2026 + 90 * DAY);
  /* Another patient's scores never show up. */
  add_measure (vault, other, CFD_INSTRUMENT_PHQ9, JAN_2026 + 5 * DAY, 27, FALSE);

  records = cfd_vault_list_records (vault, patient, NULL);
  g_assert_nonnull (records);
  series = cfd_measure_series_new (records);

  g_assert_cmpuint (cfd_measure_series_get_n_points (series, CFD_INSTRUMENT_PHQ9), ==, 3);
  p = cfd_measure_series_get_point (series, CFD_INSTRUMENT_PHQ9, 0);
  g_assert_cmpint (p->occurred, ==, JAN_2026);
  g_assert_cmpuint (p->total, ==, 22);
  g_assert_cmpstr (p->band, ==, "severe");
  g_assert_true (p->risk);
  p = cfd_measure_series_get_point (series, CFD_INSTRUMENT_PHQ9, 1);
  g_assert_cmpint (p->occurred, ==, JAN_2026 + 30 * DAY);
  g_assert_cmpuint (p->total, ==, 14);
  g_assert_cmpstr (p->band, ==, "moderate");
  g_assert_false (p->risk);
  p = cfd_measure_series_get_point (series, CFD_INSTRUMENT_PHQ9, 2);
  g_assert_cmpuint (p->total, ==, 4);
  g_assert_cmpstr (p->band, ==, "minimal");

  g_assert_cmpuint (cfd_measure_series_get_n_points (series, CFD_INSTRUMENT_GAD7), ==, 1);
  p = cfd_measure_series_get_point (series, CFD_INSTRUMENT_GAD7, 0);
  g_assert_cmpuint (p->total, ==, 15);
  g_assert_cmpstr (p->band, ==, "severe");
  g_assert_false (p->risk);

  g_assert_cmpuint (cfd_measure_series_get_n_dosings (series), ==, 2);
  g_assert_cmpint (cfd_measure_series_get_dosing (series, 0), ==, JAN_2026 + 10 * DAY);
  g_assert_cmpint (cfd_measure_series_get_dosing (series, 1), ==, JAN_2026 + 20 * DAY);

  /* The integration note is not on the chart, so it does not widen it. */
  g_assert_true (cfd_measure_series_get_range (series, &first, &last));
  g_assert_cmpint (first, ==, JAN_2026);
  g_assert_cmpint (last, ==, JAN_2026 + 60 * DAY);
}

static void
test_empty (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "No Scores");
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdMeasureSeries) series = NULL;
  g_autoptr (CfdMeasureSeries) none = cfd_measure_series_new (NULL);
  gint64 first = -1, last = -1;

  add_record (vault, patient, CFD_RECORD_INTAKE, JAN_2026);
  records = cfd_vault_list_records (vault, patient, NULL);
  series = cfd_measure_series_new (records);
  g_assert_cmpuint (cfd_measure_series_get_n_points (series, CFD_INSTRUMENT_PHQ9), ==, 0);
  g_assert_cmpuint (cfd_measure_series_get_n_points (series, CFD_INSTRUMENT_GAD7), ==, 0);
  g_assert_cmpuint (cfd_measure_series_get_n_dosings (series), ==, 0);
  g_assert_false (cfd_measure_series_get_range (series, &first, &last));
  g_assert_cmpint (first, ==, -1);
  g_assert_false (cfd_measure_series_get_range (none, &first, &last));
}

/* Any banded instrument by its id: a PCL-5 on both sides of its cut-off
 * and a QIDS-SR16 with its risk item; an EBI (a mean, no bands) is not
 * charted. */
static void
test_other_instruments (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Charted");
  int pcl_low[20] = { 0 }, pcl_high[20], qids[16] = { 0 };
  int ebi[8] = { 50, 50, 50, 50, 50, 50, 50, 50 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdMeasureSeries) series = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  const CfdMeasurePoint *p;

  for (guint i = 0; i < 20; i++)
    pcl_high[i] = i < 13 ? 2 : 0;
  pcl_high[13] = 4;
  pcl_high[14] = 3; /* 26 + 4 + 3 = 33 */
  pcl_low[0] = 3;
  qids[11] = 2;
  a = cfd_vault_add_instrument_measure (vault, patient, "pcl5", JAN_2026 + 10 * DAY, pcl_high, 20,
                                        CFD_MEASURE_MODE_SELF_REPORT, &error);
  g_assert_no_error (error);
  b = cfd_vault_add_instrument_measure (vault, patient, "pcl5", JAN_2026, pcl_low, 20,
                                        CFD_MEASURE_MODE_SELF_REPORT, &error);
  g_assert_no_error (error);
  c = cfd_vault_add_instrument_measure (vault, patient, "qids-sr16", JAN_2026, qids, 16,
                                        CFD_MEASURE_MODE_INTERVIEW, &error);
  g_assert_no_error (error);
  d = cfd_vault_add_instrument_measure (vault, patient, "ebi", JAN_2026, ebi, 8,
                                        CFD_MEASURE_MODE_SELF_REPORT, &error);
  g_assert_no_error (error);
  records = cfd_vault_list_records (vault, patient, &error);
  g_assert_no_error (error);
  series = cfd_measure_series_new (records);

  g_assert_cmpuint (cfd_measure_series_get_n_points_for (series, "pcl5"), ==, 2);
  p = cfd_measure_series_get_point_for (series, "pcl5", 0);
  g_assert_cmpuint (p->total, ==, 3);
  g_assert_cmpstr (p->band, ==, "below");
  p = cfd_measure_series_get_point_for (series, "pcl5", 1);
  g_assert_cmpuint (p->total, ==, 33);
  g_assert_cmpstr (p->band, ==, "probable");
  g_assert_cmpstr (p->band_label, ==, "Probable PTSD");
  g_assert_false (p->risk);
  g_assert_cmpuint (cfd_measure_series_get_n_points_for (series, "qids-sr16"), ==, 1);
  p = cfd_measure_series_get_point_for (series, "qids-sr16", 0);
  g_assert_cmpuint (p->total, ==, 2);
  g_assert_true (p->risk);
  g_assert_cmpuint (cfd_measure_series_get_n_points_for (series, "ebi"), ==, 0);
  g_assert_cmpuint (cfd_measure_series_get_n_points (series, CFD_INSTRUMENT_PHQ9), ==, 0);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/measure-series/bands-match-core", test_bands_match_core);
  g_test_add_func ("/confidant/measure-series/from-timeline", test_from_timeline);
  g_test_add_func ("/confidant/measure-series/empty", test_empty);
  g_test_add_func ("/confidant/measure-series/other-instruments", test_other_instruments);
  return g_test_run ();
}
