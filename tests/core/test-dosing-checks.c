/* test-dosing-checks.c: dosing records are refused at signing when their fields disagree. */
#include "config.h"

#include <string.h>

#include "cfd-dosing-carry.h"
#include "cfd-record.h"
#include "cfd-sedation.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1764547200) /* 2025-12-01 */

/* A 56 mg esketamine session that meets every rule: two devices 5 minutes
 * apart, BP before and 40 minutes after, 2 hours of monitoring. */
static void
esketamine_session (GVariantDict *d)
{
  GVariantBuilder vitals;

  g_variant_dict_init (d, NULL);
  g_variant_dict_insert (d, "medication", "s", "esketamine");
  g_variant_dict_insert (d, "route", "s", "intranasal");
  g_variant_dict_insert (d, "weight-kg", "d", 70.0);
  g_variant_dict_insert (d, "dose-mg", "d", 56.0);
  g_variant_dict_insert (d, "devices", "x", (gint64)2);
  g_variant_dict_insert (d, "device-1-time", "s", "09:00");
  g_variant_dict_insert (d, "device-2-time", "s", "09:05");
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "08:50", "", 128, 82, 72, 98, TRUE, (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "09:40", "", 136, 86, 76, 97, TRUE, (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:55", "", 124, 80, 70, 98, TRUE, (guint16)16);
  g_variant_dict_insert_value (d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (d, "moaas", "x", (gint64)4);
  g_variant_dict_insert (d, "observation-minutes", "x", (gint64)120);
  g_variant_dict_insert (d, "ready-to-leave-time", "s", "11:00");
  g_variant_dict_insert (d, "discharge-time", "s", "11:05");
  g_variant_dict_insert (d, "discharge-criteria-met", "b", TRUE);
}

/* An IV racemic ketamine infusion of 0.5 mg/kg over 40 minutes, its
 * readings in the form of records signed before respiratory rate and
 * timepoints (still valid). */
static void
iv_session (GVariantDict *d)
{
  GVariantBuilder vitals;

  g_variant_dict_init (d, NULL);
  g_variant_dict_insert (d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (d, "route", "s", "iv");
  g_variant_dict_insert (d, "weight-kg", "d", 70.0);
  g_variant_dict_insert (d, "dose-mg", "d", 35.0);
  g_variant_dict_insert (d, "iv-concentration", "d", 1.0);
  g_variant_dict_insert (d, "infusion-start", "s", "10:00");
  g_variant_dict_insert (d, "infusion-stop", "s", "10:40");
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPE));
  g_variant_builder_add (&vitals, "(sqqqq)", "09:55", 122, 78, 70, 99);
  g_variant_builder_add (&vitals, "(sqqqq)", "10:20", 134, 84, 74, 98);
  g_variant_builder_add (&vitals, "(sqqqq)", "11:00", 126, 80, 70, 98);
  g_variant_dict_insert_value (d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (d, "observation-minutes", "x", (gint64)60);
  g_variant_dict_insert (d, "discharge-time", "s", "11:10");
  g_variant_dict_insert (d, "discharge-criteria-met", "b", TRUE);
}

/* The content as the editor and the vault would sign it: computed fields filled in. */
static GVariant *
finish (GVariantDict *d)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_DOSING);
  g_autoptr (GVariant) content = g_variant_ref_sink (g_variant_dict_end (d));
  g_autoptr (GError) error = NULL;
  GVariant *computed = cfd_template_compute (tmpl, content, &error);

  g_assert_no_error (error);
  return computed;
}

static void
assert_signable (GVariant *content)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_template_check_signable (cfd_template_get (CFD_RECORD_DOSING), content, &error))
    g_error ("expected signable, got: %s", error->message);
}

/* Refused, and the message names the field and says what is wrong. */
static void
assert_refused (GVariant *content, const char *label, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *quoted = g_strdup_printf ("“%s”", label);

  g_assert_false (
      cfd_template_check_signable (cfd_template_get (CFD_RECORD_DOSING), content, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  if (strstr (error->message, quoted) == NULL || strstr (error->message, words) == NULL)
    g_error ("expected %s … %s in: %s", quoted, words, error->message);
}

static void
test_valid_sessions_sign (void)
{
  GVariantDict d;
  g_autoptr (GVariant) esketamine = NULL;
  g_autoptr (GVariant) iv = NULL;
  double rate = 0, volume = 0;

  esketamine_session (&d);
  esketamine = finish (&d);
  assert_signable (esketamine);
  iv_session (&d);
  iv = finish (&d);
  assert_signable (iv);
  /* Rate and volume are computed: 35 mg over 40 minutes, at 1 mg/mL. */
  g_assert_true (g_variant_lookup (iv, "infusion-rate", "d", &rate));
  g_assert_cmpfloat_with_epsilon (rate, 52.5, 0.001);
  g_assert_true (g_variant_lookup (iv, "iv-volume-ml", "d", &volume));
  g_assert_cmpfloat_with_epsilon (volume, 35.0, 0.001);
  /* ... and only for IV. */
  g_assert_false (g_variant_lookup (esketamine, "infusion-rate", "d", &rate));
}

/* The inputs of the review that were signed without a word. */
static void
test_iv_esketamine_300_mg (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "medication", "s", "esketamine");
  g_variant_dict_insert (&d, "dose-mg", "d", 300.0);
  content = finish (&d);
  assert_refused (content, "Route", "must be intranasal for esketamine");
  assert_refused (content, "Dose", "must be 28, 56 or 84 mg");
}

static void
test_infusion_stop_before_start (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "infusion-stop", "s", "09:30");
  content = finish (&d);
  assert_refused (content, "Infusion stop", "is before “Infusion start”");
  /* No rate is computed from a negative time. */
  g_assert_null (g_variant_lookup_value (content, "infusion-rate", NULL));
}

static void
test_bp_190_120_spo2_88 (void)
{
  GVariantDict d;
  GVariantBuilder vitals;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) with_action = NULL;
  g_autoptr (GVariant) vitals_again = NULL;

  iv_session (&d);
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "09:55", "", 122, 78, 70, 99, TRUE, (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:20", "", 190, 120, 96, 88, TRUE, (guint16)16);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  content = finish (&d);
  assert_refused (content, "Action taken", "blood pressure 190/120 mmHg at 10:20");
  assert_refused (content, "Action taken", "oxygen saturation 88 % at 10:20 is below 92 %");

  iv_session (&d);
  vitals_again = g_variant_lookup_value (content, "vitals", NULL);
  g_variant_dict_insert_value (&d, "vitals", vitals_again);
  g_variant_dict_insert (&d, "action-taken", "s",
                         "Infusion paused, oxygen 2 L/min; BP 150/92 and SpO2 96 % after 10 min");
  with_action = finish (&d);
  assert_signable (with_action);
}

static void
test_pre_dose_bp_above_label (void)
{
  GVariantDict d;
  GVariantBuilder vitals;
  g_autoptr (GVariant) content = NULL;

  esketamine_session (&d);
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "08:50", "", 146, 88, 72, 98, TRUE, (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "09:40", "", 138, 86, 76, 97, TRUE, (guint16)16);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  content = finish (&d);
  assert_refused (content, "Action taken",
                  "pre-dose blood pressure 146/88 mmHg at 08:50 is above 140/90");
}

static void
test_moaas_0 (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "moaas", "x", (gint64)0);
  content = finish (&d);
  assert_refused (content, "Action taken", "sedation MOAA/S 0");
}

static void
test_10_minutes_observation_esketamine (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) overridden = NULL;

  esketamine_session (&d);
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)10);
  content = finish (&d);
  assert_refused (content, "Observation time", "must be at least 120 min for esketamine");

  /* A typed reason lets it be signed, and says why. */
  esketamine_session (&d);
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)10);
  g_variant_dict_insert (&d, "monitoring-override", "s",
                         "Patient left against advice after 10 minutes; prescriber informed");
  overridden = finish (&d);
  assert_signable (overridden);
}

static void
test_discharge_before_dosing (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "discharge-time", "s", "09:30");
  content = finish (&d);
  assert_refused (content, "Discharge time", "is before the dose was given (10:00)");
  assert_refused (content, "Discharge time", "is before the last vital-sign reading (11:00)");
}

static void
test_discharge_criteria_not_met (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) disposed = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", FALSE);
  content = finish (&d);
  assert_refused (content, "Disposition", "discharge criteria were not met");
  iv_session (&d);
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", FALSE);
  g_variant_dict_insert (&d, "disposition", "s", "Kept for observation, then sent to the ED");
  disposed = finish (&d);
  assert_signable (disposed);
}

static void
test_esketamine_dose_and_devices (void)
{
  GVariantDict d;
  g_autoptr (GVariant) odd_dose = NULL;
  g_autoptr (GVariant) wrong_count = NULL;
  g_autoptr (GVariant) missing_time = NULL;
  g_autoptr (GVariant) extra_time = NULL;

  esketamine_session (&d);
  g_variant_dict_insert (&d, "dose-mg", "d", 60.0);
  odd_dose = finish (&d);
  assert_refused (odd_dose, "Dose", "must be 28, 56 or 84 mg");

  esketamine_session (&d);
  g_variant_dict_insert (&d, "dose-mg", "d", 84.0);
  wrong_count = finish (&d);
  assert_refused (wrong_count, "Dose", "2 device(s) give 56 mg");

  esketamine_session (&d);
  g_variant_dict_remove (&d, "device-2-time");
  missing_time = finish (&d);
  assert_refused (missing_time, "Device 2 time", "must be filled in");

  esketamine_session (&d);
  g_variant_dict_insert (&d, "device-3-time", "s", "09:10");
  extra_time = finish (&d);
  assert_refused (extra_time, "Device 3 time", "only 2 device(s)");
}

static void
test_esketamine_monitoring (void)
{
  GVariantDict d;
  GVariantBuilder vitals;
  g_autoptr (GVariant) no_window = NULL;
  g_autoptr (GVariant) no_ready = NULL;

  esketamine_session (&d);
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "08:50", "", 128, 82, 72, 98, TRUE, (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:30", "", 124, 80, 70, 98, TRUE, (guint16)16);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  no_window = finish (&d);
  assert_refused (no_window, "Vital signs", "35–45 minutes after dosing");

  esketamine_session (&d);
  g_variant_dict_remove (&d, "ready-to-leave-time");
  no_ready = finish (&d);
  assert_refused (no_ready, "Ready to leave", "must be filled in for esketamine");
}

/* Readings with named timepoints and a respiratory rate; rr 0 leaves it out. */
static GVariant *
readings (const char *const *times, const char *const *timepoints, const guint16 *rr, guint n)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  for (guint i = 0; i < n; i++)
    g_variant_builder_add (&b, "(ssqqqqmq)", times[i], timepoints[i], (guint16)128, (guint16)82,
                           (guint16)72, (guint16)98, rr[i] != 0, rr[i]);
  return g_variant_builder_end (&b);
}

static GVariant *
esketamine_with (const char *const *times, const char *const *timepoints, const guint16 *rr)
{
  GVariantDict d;

  esketamine_session (&d);
  g_variant_dict_insert_value (&d, "vitals", readings (times, timepoints, rr, 3));
  return finish (&d);
}

static void
test_timepoints_agree_with_times (void)
{
  const char *const times[] = { "08:50", "09:40", "10:55" };
  const char *const named[] = { "pre-dose", "40-min", "discharge" };
  const char *const pre_dose_late[] = { "pre-dose", "pre-dose", "discharge" };
  const char *const forty_early[] = { "08:50", "09:20", "10:55" };
  const char *const discharge_early[] = { "discharge", "40-min", "" };
  const guint16 rr[] = { 16, 14, 15 };
  g_autoptr (GVariant) ok = esketamine_with (times, named, rr);
  g_autoptr (GVariant) late = esketamine_with (times, pre_dose_late, rr);
  g_autoptr (GVariant) early = NULL;
  g_autoptr (GVariant) before = esketamine_with (times, discharge_early, rr);

  assert_signable (ok);
  /* The dose (device 1) was at 09:00. */
  assert_refused (late, "Vital signs",
                  "reading at 09:40 marked “Pre-dose”, after the dose was given (09:00)");
  {
    GVariantDict d;

    esketamine_session (&d);
    g_variant_dict_insert_value (&d, "vitals", readings (forty_early, named, rr, 3));
    g_variant_dict_insert (&d, "monitoring-override", "s", "Cuff failed at 40 minutes");
    early = finish (&d);
  }
  assert_refused (early, "Vital signs",
                  "reading at 09:20 marked “40 min”, 20 minutes after the dose (09:00); it must "
                  "be within 5 minutes of 40");
  assert_refused (before, "Vital signs",
                  "reading at 08:50 marked “Before discharge”, before the dose was given");
}

static void
test_impossible_readings (void)
{
  const char *const times[] = { "08:50", "09:40", "10:55" };
  const char *const none[] = { "", "", "" };
  const char *const unknown[] = { "bedtime", "", "" };
  const guint16 rr_2[] = { 16, 2, 15 };
  const guint16 rr_61[] = { 16, 61, 15 };
  const guint16 rr_ok[] = { 16, 14, 0 };
  g_autoptr (GVariant) too_slow = esketamine_with (times, none, rr_2);
  g_autoptr (GVariant) too_fast = esketamine_with (times, none, rr_61);
  g_autoptr (GVariant) not_listed = esketamine_with (times, unknown, rr_ok);
  g_autoptr (GVariant) rr_left_out = esketamine_with (times, none, rr_ok);

  assert_refused (too_slow, "Vital signs", "respiratory rate outside 4-60 per minute");
  assert_refused (too_fast, "Vital signs", "respiratory rate outside 4-60 per minute");
  assert_refused (not_listed, "Vital signs", "timepoint that is not one of the listed ones");
  /* The respiratory rate is optional: a reading without it signs. */
  assert_signable (rr_left_out);
}

static void
test_low_respiratory_rate_and_heart_rate_need_action (void)
{
  GVariantDict d;
  GVariantBuilder b;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) acted = NULL;
  g_autoptr (GVariant) vitals_again = NULL;

  esketamine_session (&d);
  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&b, "(ssqqqqmq)", "08:50", "pre-dose", 128, 82, 72, 98, TRUE, (guint16)16);
  g_variant_builder_add (&b, "(ssqqqqmq)", "09:40", "40-min", 136, 86, 130, 97, TRUE, (guint16)8);
  g_variant_builder_add (&b, "(ssqqqqmq)", "10:55", "discharge", 124, 80, 46, 98, FALSE,
                         (guint16)0);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&b));
  content = finish (&d);
  assert_refused (content, "Action taken", "respiratory rate 8 /min at 09:40 is below 10");
  assert_refused (content, "Action taken", "heart rate 130 /min at 09:40 is above 120");
  assert_refused (content, "Action taken", "heart rate 46 /min at 10:55 is below 50");

  esketamine_session (&d);
  vitals_again = g_variant_lookup_value (content, "vitals", NULL);
  g_variant_dict_insert_value (&d, "vitals", vitals_again);
  g_variant_dict_insert (&d, "action-taken", "s", "Stimulated, counted 14/min after 2 minutes");
  acted = finish (&d);
  assert_signable (acted);
}

/* A reading half typed, its respiratory rate and timepoint as typed: kept. */
static void
test_typed_readings_are_kept (void)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_DOSING);
  GVariantBuilder b;
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE));
  g_variant_builder_add (&b, "(sssssss)", "09:4", "at arrival", "128", "", "7a", "98", "1 2");
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&b));
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  g_assert_true (cfd_template_validate_draft (tmpl, content, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_template_check_signable (tmpl, content, &error));
  g_assert_nonnull (strstr (error->message, "needs a time and a whole number"));
}

static void
test_route_fields_only_for_their_route (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  /* A value kept in a field of another route (as an old draft may hold). */
  esketamine_session (&d);
  g_variant_dict_insert (&d, "im-site", "s", "deltoid");
  content = finish (&d);
  assert_refused (content, "Injection site", "applies only when “Route” is Intramuscular");
}

static void
test_oral_dose_is_strength_times_count (void)
{
  GVariantDict d;
  g_autoptr (GVariant) wrong = NULL;
  g_autoptr (GVariant) right = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "route", "s", "sublingual-oral");
  g_variant_dict_remove (&d, "iv-concentration");
  g_variant_dict_remove (&d, "infusion-start");
  g_variant_dict_remove (&d, "infusion-stop");
  g_variant_dict_insert (&d, "dose-time", "s", "10:00");
  g_variant_dict_insert (&d, "dose-mg", "d", 200.0);
  g_variant_dict_insert (&d, "sl-strength-mg", "d", 50.0);
  g_variant_dict_insert (&d, "sl-count", "x", (gint64)3);
  wrong = finish (&d);
  assert_refused (wrong, "Dose", "50 mg × 3 = 150 mg");

  g_variant_dict_init (&d, wrong);
  g_variant_dict_insert (&d, "dose-mg", "d", 150.0);
  right = finish (&d);
  assert_signable (right);
}

static void
test_device_interval_warning (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_auto (GStrv) warnings = NULL;

  esketamine_session (&d);
  g_variant_dict_insert (&d, "device-2-time", "s", "09:02");
  content = finish (&d);
  /* A warning, not a refusal. */
  assert_signable (content);
  warnings = cfd_template_plausibility_warnings (cfd_template_get (CFD_RECORD_DOSING), content);
  g_assert_nonnull (warnings);
  g_assert_nonnull (strstr (warnings[0], "devices 1 and 2 were 2 minute(s) apart"));
}

/* The form shows each cross-field problem under the field it names. */
static void
test_problems_name_their_field (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  gboolean found = FALSE;

  iv_session (&d);
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", FALSE);
  content = finish (&d);
  problems = cfd_template_cross_field_problems (cfd_template_get (CFD_RECORD_DOSING), content);
  for (guint i = 0; i < problems->len; i++)
    found
        |= strcmp (((CfdTemplateProblem *)g_ptr_array_index (problems, i))->field_id, "disposition")
           == 0;
  g_assert_true (found);
}

/* Drafts keep what was typed: the rules are for signing only. */
/* An esketamine session (dosed at 09:00) with a pre-dose row of ratings
 * and one row at time under timepoint ("" for none), the three ratings
 * given or left out (-1). */
static GVariant *
with_rating_at (const char *time, const char *timepoint, int moaas, int cadss, int bprs)
{
  GVariantBuilder b;
  GVariantDict d;

  esketamine_session (&d);
  g_variant_dict_remove (&d, "moaas");
  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  g_variant_builder_add (&b, "(ssmqmqmq)", "08:55", "pre-dose", TRUE, (guint16)5, TRUE, (guint16)0,
                         TRUE, (guint16)4);
  g_variant_builder_add (&b, "(ssmqmqmq)", time, timepoint, moaas >= 0, (guint16)MAX (moaas, 0),
                         cadss >= 0, (guint16)MAX (cadss, 0), bprs >= 0, (guint16)MAX (bprs, 0));
  g_variant_dict_insert_value (&d, "sedation-ratings", g_variant_builder_end (&b));
  return finish (&d);
}

static GVariant *
with_rating (const char *time, int moaas, int cadss, int bprs)
{
  return with_rating_at (time, "", moaas, cadss, bprs);
}

/* Rows of MOAA/S, CADSS and BPRS+: each rating optional, each within its
 * scale, a time on every row, none after discharge; a MOAA/S at or below
 * the practice's threshold on any row needs the action taken. */
static void
test_sedation_ratings (void)
{
  const char *label = "Sedation and dissociation ratings";
  g_autoptr (GVariant) full = with_rating ("09:40", 4, 18, 6);
  g_autoptr (GVariant) moaas_only = with_rating ("09:40", 3, -1, -1);
  g_autoptr (GVariant) bprs_only = with_rating ("09:40", -1, -1, 28);
  g_autoptr (GVariant) moaas_high = with_rating ("09:40", 6, -1, -1);
  g_autoptr (GVariant) cadss_high = with_rating ("09:40", -1, 93, -1);
  g_autoptr (GVariant) bprs_low = with_rating ("09:40", -1, -1, 3);
  g_autoptr (GVariant) bprs_high = with_rating ("09:40", -1, -1, 29);
  g_autoptr (GVariant) empty_row = with_rating ("09:40", -1, -1, -1);
  g_autoptr (GVariant) bad_time = with_rating ("9:40", 5, -1, -1);
  g_autoptr (GVariant) after_discharge = with_rating ("11:30", 5, -1, -1);
  g_autoptr (GVariant) deep = with_rating ("09:40", 1, 20, -1);
  g_autoptr (GVariant) acted = NULL;
  GVariantDict d;

  assert_signable (full);
  assert_signable (moaas_only);
  assert_signable (bprs_only);
  assert_refused (moaas_high, label, "MOAA/S outside 0-5");
  assert_refused (cadss_high, label, "CADSS total outside 0-92");
  assert_refused (bprs_low, label, "BPRS+ total outside 4-28");
  assert_refused (bprs_high, label, "BPRS+ total outside 4-28");
  assert_refused (empty_row, label, "a row without any rating");
  assert_refused (bad_time, label, "needs a time written HH:MM");
  assert_refused (after_discharge, label, "has a row at 11:30, after discharge (11:05)");
  assert_refused (deep, "Action taken", "sedation MOAA/S 1 at 09:40 is at or below 1");

  g_variant_dict_init (&d, deep);
  g_variant_dict_insert (&d, "action-taken", "s", "Airway checked; monitored one to one.");
  acted = g_variant_ref_sink (g_variant_dict_end (&d));
  assert_signable (acted);
}

/* A half-typed row is kept in the draft as typed and refused at signing. */
static void
test_typed_ratings_are_kept (void)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_DOSING);
  GVariantBuilder b;
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) kept = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPED_TYPE));
  g_variant_builder_add (&b, "(sssss)", "09:4", "40-min", "4-5", "", "");
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "sedation-ratings", g_variant_builder_end (&b));
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  g_assert_true (cfd_template_validate_draft (tmpl, content, &error));
  g_assert_no_error (error);
  kept = g_variant_lookup_value (content, "sedation-ratings", NULL);
  g_assert_true (
      cfd_template_value_is_typed (cfd_template_find_field (tmpl, "sedation-ratings"), kept));
  rows = cfd_sedation_typed_cells (kept);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((char **)rows->pdata[0])[CFD_SEDATION_CELL_TIME], ==, "09:4");
  g_assert_cmpstr (((char **)rows->pdata[0])[CFD_SEDATION_CELL_TIMEPOINT], ==, "40-min");
  g_assert_cmpstr (((char **)rows->pdata[0])[CFD_SEDATION_CELL_MOAAS], ==, "4-5");
  g_assert_false (cfd_template_check_signable (tmpl, content, &error));
  g_assert_nonnull (strstr (error->message, "“Sedation and dissociation ratings” needs a time and "
                                            "whole numbers"));
}

/* Rating rows carry the vital signs' timepoints, checked the same way:
 * "pre-dose" not after the dose, "N-min" within 5 minutes of N minutes
 * after it, "discharge" not before it, and only the listed ones. */
static void
test_rating_timepoints (void)
{
  const char *label = "Sedation and dissociation ratings";
  g_autoptr (GVariant) on_time = with_rating_at ("09:42", "40-min", 4, 18, 6);
  g_autoptr (GVariant) edge = with_rating_at ("09:35", "40-min", 4, -1, -1);
  g_autoptr (GVariant) late = with_rating_at ("09:50", "40-min", 4, -1, -1);
  g_autoptr (GVariant) pre_after = with_rating_at ("09:10", "pre-dose", 5, -1, -1);
  g_autoptr (GVariant) discharge_before = with_rating_at ("08:58", "discharge", 5, -1, -1);
  g_autoptr (GVariant) discharge = with_rating_at ("11:00", "discharge", 5, 0, 4);
  g_autoptr (GVariant) not_listed = with_rating_at ("09:40", "45-min", 4, -1, -1);

  assert_signable (on_time);
  assert_signable (edge);
  assert_signable (discharge);
  assert_refused (late, label,
                  "has a rating at 09:50 marked “40 min”, 50 minutes after the dose (09:00); it "
                  "must be within 5 minutes of 40");
  assert_refused (pre_after, label,
                  "has a rating at 09:10 marked “Pre-dose”, after the dose was given (09:00)");
  assert_refused (discharge_before, label,
                  "has a rating at 08:58 marked “Before discharge”, before the dose was given");
  assert_refused (not_listed, label, "timepoint that is not one of the listed ones");
}

/* Rows signed before ratings had timepoints keep their form and stay
 * valid; they read back with no timepoint. */
static void
test_ratings_without_timepoints (void)
{
  GVariantBuilder b;
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) rows_value = NULL;
  g_autoptr (GArray) rows = NULL;

  esketamine_session (&d);
  g_variant_dict_remove (&d, "moaas");
  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_V1_TYPE));
  g_variant_builder_add (&b, "(smqmqmq)", "09:40", TRUE, (guint16)4, FALSE, (guint16)0, TRUE,
                         (guint16)6);
  g_variant_dict_insert_value (&d, "sedation-ratings", g_variant_builder_end (&b));
  content = finish (&d);
  assert_signable (content);
  rows_value = g_variant_lookup_value (content, "sedation-ratings", NULL);
  rows = cfd_sedation_ratings (rows_value);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_array_index (rows, CfdSedationRating, 0).timepoint, ==, "");
  g_assert_cmpuint (g_array_index (rows, CfdSedationRating, 0).bprs, ==, 6);
}

static void
test_drafts_keep_everything (void)
{
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;

  iv_session (&d);
  g_variant_dict_insert (&d, "medication", "s", "esketamine");
  g_variant_dict_insert (&d, "dose-mg", "d", 300.0);
  g_variant_dict_insert (&d, "infusion-stop", "s", "09:00");
  g_variant_dict_insert (&d, "discharge-time", "s", "08:00");
  content = finish (&d);
  g_assert_true (
      cfd_template_validate_draft (cfd_template_get (CFD_RECORD_DOSING), content, &error));
  g_assert_no_error (error);
}

/* A new draft from the last signed session: the order and the weight,
 * never what belongs to the day, and signed only once confirmed. */
static void
test_carry_forward (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Carried");
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr (CfdRecord) draft = NULL;
  g_autoptr (GVariant) session = NULL;
  g_autoptr (GVariant) confirmed = NULL;
  GVariant *content;
  GVariantDict d;
  double dose = 0, weight = 0;
  const char *marker = NULL;

  /* Nothing signed yet: nothing to carry forward. */
  g_assert_null (cfd_vault_carry_forward_dosing (vault, patient, OCCURRED, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  esketamine_session (&d);
  g_variant_dict_insert (&d, "adverse-events", "s", "Nausea");
  g_variant_dict_insert (&d, "lot-number", "s", "LOT42");
  session = finish (&d);
  first = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED - 7 * 86400, session,
                                   &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, first, &error));
  g_assert_no_error (error);

  second = cfd_vault_carry_forward_dosing (vault, patient, OCCURRED, &error);
  g_assert_no_error (error);
  draft = cfd_vault_get_record (vault, second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (draft), ==, CFD_RECORD_DRAFT);
  content = cfd_record_get_content (draft);
  g_assert_cmpstr (cfd_record_get_text (draft, "medication"), ==, "esketamine");
  g_assert_cmpstr (cfd_record_get_text (draft, "route"), ==, "intranasal");
  g_assert_true (g_variant_lookup (content, "dose-mg", "d", &dose));
  g_assert_cmpfloat (dose, ==, 56.0);
  g_assert_true (g_variant_lookup (content, "weight-kg", "d", &weight));
  g_assert_cmpfloat (weight, ==, 70.0);
  g_assert_true (g_variant_lookup (content, "carried-forward", "&s", &marker));
  g_assert_nonnull (strstr (marker, "session of 2025-11-24"));
  for (const char *const *never
       = (const char *const[]){ "vitals", "device-1-time", "adverse-events", "lot-number", "moaas",
                                "discharge-time", "devices", NULL };
       *never != NULL; never++)
    g_assert_null (g_variant_lookup_value (content, *never, NULL));
  /* The copy is confirmed before signing. */
  assert_refused (content, "Carried forward – confirm", "must be cleared");
  g_assert_false (cfd_vault_sign_record (vault, second, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Confirmed and completed, it signs. */
  esketamine_session (&d);
  confirmed = finish (&d);
  g_assert_true (cfd_vault_save_draft (vault, second, OCCURRED, confirmed, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, second, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

  g_test_add_func ("/dosing-checks/valid-sessions-sign", test_valid_sessions_sign);
  g_test_add_func ("/dosing-checks/iv-esketamine-300-mg", test_iv_esketamine_300_mg);
  g_test_add_func ("/dosing-checks/infusion-stop-before-start", test_infusion_stop_before_start);
  g_test_add_func ("/dosing-checks/bp-190-120-spo2-88", test_bp_190_120_spo2_88);
  g_test_add_func ("/dosing-checks/pre-dose-bp-above-label", test_pre_dose_bp_above_label);
  g_test_add_func ("/dosing-checks/moaas-0", test_moaas_0);
  g_test_add_func ("/dosing-checks/10-minutes-observation-esketamine",
                   test_10_minutes_observation_esketamine);
  g_test_add_func ("/dosing-checks/discharge-before-dosing", test_discharge_before_dosing);
  g_test_add_func ("/dosing-checks/discharge-criteria-not-met", test_discharge_criteria_not_met);
  g_test_add_func ("/dosing-checks/esketamine-dose-and-devices", test_esketamine_dose_and_devices);
  g_test_add_func ("/dosing-checks/esketamine-monitoring", test_esketamine_monitoring);
  g_test_add_func ("/dosing-checks/route-fields-only-for-their-route",
                   test_route_fields_only_for_their_route);
  g_test_add_func ("/dosing-checks/oral-dose-is-strength-times-count",
                   test_oral_dose_is_strength_times_count);
  g_test_add_func ("/dosing-checks/device-interval-warning", test_device_interval_warning);
  g_test_add_func ("/dosing-checks/problems-name-their-field", test_problems_name_their_field);
  g_test_add_func ("/dosing-checks/sedation-ratings", test_sedation_ratings);
  g_test_add_func ("/dosing-checks/rating-timepoints", test_rating_timepoints);
  g_test_add_func ("/dosing-checks/ratings-without-timepoints", test_ratings_without_timepoints);
  g_test_add_func ("/dosing-checks/typed-ratings-are-kept", test_typed_ratings_are_kept);
  g_test_add_func ("/dosing-checks/drafts-keep-everything", test_drafts_keep_everything);
  g_test_add_func ("/dosing-checks/carry-forward", test_carry_forward);
  g_test_add_func ("/dosing-checks/timepoints-agree-with-times", test_timepoints_agree_with_times);
  g_test_add_func ("/dosing-checks/impossible-readings", test_impossible_readings);
  g_test_add_func ("/dosing-checks/low-respiratory-rate-and-heart-rate-need-action",
                   test_low_respiratory_rate_and_heart_rate_need_action);
  g_test_add_func ("/dosing-checks/typed-readings-are-kept", test_typed_readings_are_kept);
  return g_test_run ();
}
