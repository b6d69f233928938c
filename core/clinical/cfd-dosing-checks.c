/* cfd-dosing-checks.c: what a dosing record must satisfy across its fields before it is signed.
 *
 * Each rule here is listed in docs/CLINICAL.md with its source. The rules
 * run at signing only: a draft keeps whatever was typed. Times are minutes
 * of one day; a session is not expected to cross midnight. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cfd-dosing-checks.h"
#include "cfd-template-private.h"
#include "cfd-sedation.h"
#include "cfd-vitals.h"

#define ESKETAMINE_MG_PER_DEVICE 28
#define MAX_DEVICES              3
#define DEVICE_INTERVAL_MINUTES  5
#define BP_WINDOW_FROM           35 /* minutes after dosing */
#define BP_WINDOW_TO             45

#define TIMEPOINT_TOLERANCE 5 /* minutes either side of a named "N-min" timepoint */

typedef struct
{
  int minutes;
  const char *timepoint; /* "" when none was chosen */
  guint16 systolic, diastolic, pulse, spo2;
  gboolean has_rr;
  guint16 rr;
} Reading;

static const char *const device_times[MAX_DEVICES]
    = { "device-1-time", "device-2-time", "device-3-time" };

static const char *
string_value (GVariant *content, const char *id)
{
  const char *value = NULL;

  return g_variant_lookup (content, id, "&s", &value) ? value : NULL;
}

static gboolean
has_text (GVariant *content, const char *id)
{
  const char *text = string_value (content, id);

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static gboolean
time_value (GVariant *content, const char *id, int *minutes)
{
  const char *text = string_value (content, id);

  if (text == NULL || !cfd_template_is_valid_time (text))
    return FALSE;
  *minutes = ((text[0] - '0') * 10 + (text[1] - '0')) * 60 + (text[3] - '0') * 10 + (text[4] - '0');
  return TRUE;
}

static char *
time_text (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

static gboolean
is (GVariant *content, const char *id, const char *choice)
{
  return g_strcmp0 (string_value (content, id), choice) == 0;
}

static const char *
label_of (const CfdTemplate *tmpl, const char *id)
{
  const CfdTemplateField *field = cfd_template_find_field (tmpl, id);

  return field != NULL ? field->label : id;
}

static void add_problem (const CfdTemplate *tmpl,
                         GPtrArray *problems,
                         const char *field_id,
                         const char *format,
                         ...) G_GNUC_PRINTF (4, 5);

/* format continues the sentence that starts with the field's label. */
static void
add_problem (
    const CfdTemplate *tmpl, GPtrArray *problems, const char *field_id, const char *format, ...)
{
  CfdTemplateProblem *problem = g_new0 (CfdTemplateProblem, 1);
  g_autofree char *rest = NULL;
  va_list args;

  va_start (args, format);
  rest = g_strdup_vprintf (format, args);
  va_end (args);
  problem->field_id = g_strdup (field_id);
  problem->message = g_strdup_printf ("“%s” %s", label_of (tmpl, field_id), rest);
  g_ptr_array_add (problems, problem);
}

/* When the dose was given: the infusion start, the time of an IM or oral
 * dose, or the first nasal spray device, by route. */
static gboolean
dose_start (GVariant *content, int *minutes)
{
  if (is (content, "route", "iv"))
    return time_value (content, "infusion-start", minutes);
  if (is (content, "route", "intranasal"))
    return time_value (content, "device-1-time", minutes);
  return time_value (content, "dose-time", minutes);
}

/* The readings with a valid time; content must outlive them. */
static GArray *
readings_of (GVariant *content)
{
  GArray *readings = g_array_new (FALSE, FALSE, sizeof (Reading));
  g_autoptr (GVariant) vitals = g_variant_lookup_value (content, "vitals", NULL);
  g_autoptr (GArray) stored = cfd_vitals_readings (vitals);

  for (guint i = 0; i < stored->len; i++)
    {
      const CfdVitalReading *v = &g_array_index (stored, CfdVitalReading, i);
      Reading reading = {
        .timepoint = v->timepoint,
        .systolic = v->systolic,
        .diastolic = v->diastolic,
        .pulse = v->heart_rate,
        .spo2 = v->spo2,
        .has_rr = v->has_respiratory_rate,
        .rr = v->respiratory_rate,
      };

      if (!cfd_template_is_valid_time (v->time))
        continue;
      reading.minutes = ((v->time[0] - '0') * 10 + (v->time[1] - '0')) * 60
                        + (v->time[3] - '0') * 10 + (v->time[4] - '0');
      g_array_append_val (readings, reading);
    }
  return readings;
}

/* Readings taken before the dose; without a dose time, the first one. */
static gboolean
is_pre_dose (const Reading *reading, guint index, gboolean has_start, int start)
{
  if (strcmp (reading->timepoint, "pre-dose") == 0)
    return TRUE;
  return has_start ? reading->minutes <= start : index == 0;
}

/* Each value past a threshold, one phrase each, for the action-taken rule. */
static void
list_values_past_thresholds (GVariant *content,
                             GArray *readings,
                             gboolean has_start,
                             int start,
                             const CfdDosingThresholds *t,
                             GPtrArray *reasons)
{
  g_autoptr (GVariant) ratings = NULL;
  g_autoptr (GArray) rows = NULL;
  gint64 moaas;

  for (guint i = 0; i < readings->len; i++)
    {
      const Reading *r = &g_array_index (readings, Reading, i);
      g_autofree char *at = time_text (r->minutes);

      if (is_pre_dose (r, i, has_start, start)
          && (r->systolic > t->pre_dose_systolic || r->diastolic > t->pre_dose_diastolic))
        g_ptr_array_add (
            reasons, g_strdup_printf (_ ("pre-dose blood pressure %u/%u mmHg at %s is above %u/%u"),
                                      r->systolic, r->diastolic, at, t->pre_dose_systolic,
                                      t->pre_dose_diastolic));
      else if (r->systolic >= t->systolic || r->diastolic >= t->diastolic)
        g_ptr_array_add (
            reasons, g_strdup_printf (_ ("blood pressure %u/%u mmHg at %s is at or above %u/%u"),
                                      r->systolic, r->diastolic, at, t->systolic, t->diastolic));
      if (r->spo2 < t->spo2_below)
        g_ptr_array_add (reasons,
                         g_strdup_printf (_ ("oxygen saturation %u %% at %s is below %u %%"),
                                          r->spo2, at, t->spo2_below));
      if (r->pulse > t->heart_rate_above)
        g_ptr_array_add (reasons, g_strdup_printf (_ ("heart rate %u /min at %s is above %u"),
                                                   r->pulse, at, t->heart_rate_above));
      else if (r->pulse < t->heart_rate_below)
        g_ptr_array_add (reasons, g_strdup_printf (_ ("heart rate %u /min at %s is below %u"),
                                                   r->pulse, at, t->heart_rate_below));
      if (r->has_rr && r->rr < t->respiratory_rate_below)
        g_ptr_array_add (reasons, g_strdup_printf (_ ("respiratory rate %u /min at %s is below %u"),
                                                   r->rr, at, t->respiratory_rate_below));
    }
  if (g_variant_lookup (content, "moaas", "x", &moaas) && moaas <= t->moaas_at_or_below)
    g_ptr_array_add (reasons,
                     g_strdup_printf (_ ("sedation MOAA/S %" PRId64 " is at or below %" PRId64),
                                      moaas, t->moaas_at_or_below));
  /* The same threshold for every row of ratings. */
  ratings = g_variant_lookup_value (content, "sedation-ratings", NULL);
  rows = cfd_sedation_ratings (ratings);
  for (guint i = 0; i < rows->len; i++)
    {
      const CfdSedationRating *r = &g_array_index (rows, CfdSedationRating, i);

      if (r->has_moaas && r->moaas <= t->moaas_at_or_below)
        g_ptr_array_add (reasons,
                         g_strdup_printf (_ ("sedation MOAA/S %u at %s is at or below %" PRId64),
                                          r->moaas, r->time, t->moaas_at_or_below));
    }
}

static void
check_thresholds (const CfdTemplate *tmpl,
                  GVariant *content,
                  GArray *readings,
                  gboolean has_start,
                  int start,
                  const CfdDosingThresholds *t,
                  GPtrArray *problems)
{
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) joined = g_string_new (NULL);

  list_values_past_thresholds (content, readings, has_start, start, t, reasons);
  if (reasons->len == 0 || has_text (content, "action-taken"))
    return;
  for (guint i = 0; i < reasons->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? "; " : "",
                            (const char *)g_ptr_array_index (reasons, i));
  add_problem (tmpl, problems, "action-taken", _ ("must say what was done: %s"), joined->str);
}

static void
check_times (const CfdTemplate *tmpl,
             GVariant *content,
             GArray *readings,
             gboolean has_start,
             int start,
             GPtrArray *problems)
{
  int infusion_start, infusion_stop, discharge, ready;
  gboolean has_discharge = time_value (content, "discharge-time", &discharge);
  gboolean has_ready = time_value (content, "ready-to-leave-time", &ready);

  if (time_value (content, "infusion-start", &infusion_start)
      && time_value (content, "infusion-stop", &infusion_stop) && infusion_stop < infusion_start)
    add_problem (tmpl, problems, "infusion-stop",
                 _ ("is before “%s”; a session ending after midnight cannot be recorded"),
                 label_of (tmpl, "infusion-start"));
  if (has_discharge && has_start && discharge < start)
    {
      g_autofree char *at = time_text (start);

      add_problem (tmpl, problems, "discharge-time", _ ("is before the dose was given (%s)"), at);
    }
  if (has_discharge && readings->len > 0)
    {
      int last = 0;

      for (guint i = 0; i < readings->len; i++)
        last = MAX (last, g_array_index (readings, Reading, i).minutes);
      if (discharge < last)
        {
          g_autofree char *at = time_text (last);

          add_problem (tmpl, problems, "discharge-time",
                       _ ("is before the last vital-sign reading (%s)"), at);
        }
    }
  if (has_ready && has_start && ready < start)
    {
      g_autofree char *at = time_text (start);

      add_problem (tmpl, problems, "ready-to-leave-time", _ ("is before the dose was given (%s)"),
                   at);
    }
  if (has_ready && has_discharge && discharge < ready)
    add_problem (tmpl, problems, "discharge-time", _ ("is before “%s”"),
                 label_of (tmpl, "ready-to-leave-time"));
}

/* Ratings are made from before the dose until discharge: a row after the
 * discharge time is a typing slip (a session crossing midnight cannot be
 * recorded anyway). A baseline row before the dose is allowed. */
static void
check_rating_times (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  g_autoptr (GVariant) ratings = g_variant_lookup_value (content, "sedation-ratings", NULL);
  g_autoptr (GArray) rows = cfd_sedation_ratings (ratings);
  int discharge;

  if (!time_value (content, "discharge-time", &discharge))
    return;
  for (guint i = 0; i < rows->len; i++)
    {
      const char *time = g_array_index (rows, CfdSedationRating, i).time;
      int minutes;

      if (!cfd_template_is_valid_time (time))
        continue;
      minutes
          = ((time[0] - '0') * 10 + (time[1] - '0')) * 60 + (time[3] - '0') * 10 + (time[4] - '0');
      if (minutes > discharge)
        {
          g_autofree char *at = time_text (discharge);

          add_problem (tmpl, problems, "sedation-ratings",
                       _ ("has a row at %s, after discharge (%s)"), time, at);
          return;
        }
    }
}

/* A named timepoint says when a reading or rating was taken relative to
 * the dose; its time must agree: "pre-dose" at or before the dose, "N-min"
 * within TIMEPOINT_TOLERANCE of N minutes after it, "discharge" after it.
 * field_id names the field the rows came from, noun what one row is. */
static void
check_timepoints (const CfdTemplate *tmpl,
                  const char *field_id,
                  const char *noun,
                  GArray *readings,
                  gboolean has_start,
                  int start,
                  GPtrArray *problems)
{
  if (!has_start)
    return;
  for (guint i = 0; i < readings->len; i++)
    {
      const Reading *r = &g_array_index (readings, Reading, i);
      g_autofree char *at = time_text (r->minutes);
      g_autofree char *dose = time_text (start);
      const char *label = cfd_template_field_choice_label (cfd_template_find_field (tmpl, field_id),
                                                           r->timepoint);
      char *end = NULL;
      guint64 after;

      if (r->timepoint[0] == '\0')
        continue;
      if (strcmp (r->timepoint, "pre-dose") == 0)
        {
          if (r->minutes > start)
            /* TRANSLATORS: follows the field's label; the %s are: a reading or a rating, its time, its timepoint and the dose time. */
            add_problem (tmpl, problems, field_id,
                         _ ("has a %s at %s marked “%s”, after the dose was given (%s)"), noun, at,
                         label, dose);
          continue;
        }
      if (strcmp (r->timepoint, "discharge") == 0)
        {
          if (r->minutes < start)
            /* TRANSLATORS: follows the field's label; the %s are: a reading or a rating, its time, its timepoint and the dose time. */
            add_problem (tmpl, problems, field_id,
                         _ ("has a %s at %s marked “%s”, before the dose was given (%s)"), noun, at,
                         label, dose);
          continue;
        }
      after = g_ascii_strtoull (r->timepoint, &end, 10);
      if (end != NULL && strcmp (end, "-min") == 0
          && ABS (r->minutes - start - (int)after) > TIMEPOINT_TOLERANCE)
        /* TRANSLATORS: follows the field's label; the %s are: a reading or a rating, its time, its timepoint and the dose time. */
        add_problem (tmpl, problems, field_id,
                     _ ("has a %s at %s marked “%s”, %d minutes after the dose (%s); it must "
                        "be within %d minutes of %" PRIu64),
                     noun, at, label, r->minutes - start, dose, TIMEPOINT_TOLERANCE, after);
    }
}

/* The rating rows with a valid time, as readings with only a time and a
 * timepoint, for check_timepoints(); content must outlive them. */
static GArray *
rating_times_of (GVariant *content)
{
  GArray *times = g_array_new (FALSE, TRUE, sizeof (Reading));
  g_autoptr (GVariant) ratings = g_variant_lookup_value (content, "sedation-ratings", NULL);
  g_autoptr (GArray) rows = cfd_sedation_ratings (ratings);

  for (guint i = 0; i < rows->len; i++)
    {
      const CfdSedationRating *r = &g_array_index (rows, CfdSedationRating, i);
      Reading reading = { .timepoint = r->timepoint };

      if (!cfd_template_is_valid_time (r->time))
        continue;
      reading.minutes = ((r->time[0] - '0') * 10 + (r->time[1] - '0')) * 60
                        + (r->time[3] - '0') * 10 + (r->time[4] - '0');
      g_array_append_val (times, reading);
    }
  return times;
}

static void
check_discharge (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  gboolean met = TRUE;

  if (g_variant_lookup (content, "discharge-criteria-met", "b", &met) && !met
      && !has_text (content, "disposition"))
    add_problem (tmpl, problems, "disposition",
                 _ ("must say what happened when the discharge criteria were not met"));
}

/* Dose = strength × count for tablets or troches. */
static void
check_oral_dose (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  double dose, strength;
  gint64 count;

  if (!is (content, "route", "sublingual-oral")
      || !g_variant_lookup (content, "dose-mg", "d", &dose)
      || !g_variant_lookup (content, "sl-strength-mg", "d", &strength)
      || !g_variant_lookup (content, "sl-count", "x", &count))
    return;
  if (fabs (strength * (double)count - dose) > 0.001)
    add_problem (tmpl, problems, "dose-mg",
                 _ ("must be the strength × the count: %g mg × %" PRId64 " = %g mg"), strength,
                 count, strength * (double)count);
}

/* Devices 1..n each have a time, in order; none past the number used. */
static void
check_devices (const CfdTemplate *tmpl, GVariant *content, gboolean esketamine, GPtrArray *problems)
{
  gint64 devices = 0;
  gboolean has_devices = g_variant_lookup (content, "devices", "x", &devices);
  int previous = -1;

  if (!is (content, "route", "intranasal"))
    return;
  if (!has_devices)
    {
      if (esketamine)
        add_problem (tmpl, problems, "devices", _ ("must be filled in for esketamine (1 to 3)"));
      return;
    }
  for (gint64 k = 0; k < MAX_DEVICES; k++)
    {
      int minutes;
      gboolean has_time = time_value (content, device_times[k], &minutes);

      if (k >= devices)
        {
          if (has_text (content, device_times[k]))
            add_problem (tmpl, problems, device_times[k],
                         _ ("is given but only %" PRId64 " device(s) were used"), devices);
          continue;
        }
      if (!has_time)
        {
          if (!has_text (content, device_times[k]))
            add_problem (tmpl, problems, device_times[k],
                         _ ("must be filled in (one time per device)"));
          continue;
        }
      if (minutes < previous)
        add_problem (tmpl, problems, device_times[k], _ ("is before the device before it"));
      previous = minutes;
    }
}

static void
check_esketamine (const CfdTemplate *tmpl,
                  GVariant *content,
                  GArray *readings,
                  gboolean has_start,
                  int start,
                  const CfdDosingThresholds *t,
                  GPtrArray *problems)
{
  const char *route = string_value (content, "route");
  double dose;
  gint64 devices, observed;
  gboolean pre_dose = FALSE, window = FALSE;
  int ready;

  if (route != NULL && strcmp (route, "intranasal") != 0)
    add_problem (tmpl, problems, "route", _ ("must be intranasal for esketamine (a nasal spray)"));
  if (g_variant_lookup (content, "dose-mg", "d", &dose))
    {
      if (dose != 28 && dose != 56 && dose != 84)
        add_problem (tmpl, problems, "dose-mg",
                     _ ("of esketamine must be 28, 56 or 84 mg (28 mg per nasal spray device), not "
                        "%g mg"),
                     dose);
      else if (g_variant_lookup (content, "devices", "x", &devices)
               && dose != ESKETAMINE_MG_PER_DEVICE * devices)
        add_problem (
            tmpl, problems, "dose-mg",
            _ ("must be 28 mg × the devices used: %" PRId64 " device(s) give %" PRId64 " mg"),
            devices, ESKETAMINE_MG_PER_DEVICE * devices);
    }

  /* The monitoring the label and the REMS ask for, unless the clinician
   * says why it could not be done. */
  if (has_text (content, "monitoring-override"))
    return;
  for (guint i = 0; i < readings->len; i++)
    {
      const Reading *r = &g_array_index (readings, Reading, i);

      if (has_start && r->minutes <= start)
        pre_dose = TRUE;
      if (has_start && r->minutes >= start + BP_WINDOW_FROM && r->minutes <= start + BP_WINDOW_TO)
        window = TRUE;
    }
  if (readings->len == 0)
    add_problem (
        tmpl, problems, "vitals",
        _ ("need blood pressure and oxygen saturation before dosing and 35–45 minutes after "
           "(esketamine), or a reason in “%s”"),
        label_of (tmpl, "monitoring-override"));
  else if (has_start && !pre_dose)
    add_problem (
        tmpl, problems, "vitals",
        _ ("need a blood pressure reading before dosing (esketamine), or a reason in “%s”"),
        label_of (tmpl, "monitoring-override"));
  if (readings->len > 0 && has_start && !window)
    add_problem (tmpl, problems, "vitals",
                 _ ("need a blood pressure reading 35–45 minutes after dosing (esketamine), or a "
                    "reason in “%s”"),
                 label_of (tmpl, "monitoring-override"));
  if (!g_variant_lookup (content, "observation-minutes", "x", &observed))
    add_problem (
        tmpl, problems, "observation-minutes",
        _ ("must be filled in for esketamine (at least %u min), or a reason given in “%s”"),
        t->esketamine_monitoring_minutes, label_of (tmpl, "monitoring-override"));
  else if (observed < t->esketamine_monitoring_minutes)
    add_problem (
        tmpl, problems, "observation-minutes",
        _ ("must be at least %u min for esketamine, not %" PRId64 ", or a reason given in “%s”"),
        t->esketamine_monitoring_minutes, observed, label_of (tmpl, "monitoring-override"));
  if (!time_value (content, "ready-to-leave-time", &ready))
    {
      if (!has_text (content, "ready-to-leave-time"))
        add_problem (tmpl, problems, "ready-to-leave-time",
                     _ ("must be filled in for esketamine, or a reason given in “%s”"),
                     label_of (tmpl, "monitoring-override"));
    }
  else if (has_start && ready - start < (int)t->esketamine_monitoring_minutes)
    add_problem (tmpl, problems, "ready-to-leave-time",
                 _ ("must be at least %u minutes after dosing for esketamine, or a reason given in "
                    "“%s”"),
                 t->esketamine_monitoring_minutes, label_of (tmpl, "monitoring-override"));
}

void
cfd_dosing_check (const CfdTemplate *tmpl,
                  GVariant *content,
                  const CfdDosingThresholds *thresholds,
                  GPtrArray *problems)
{
  g_autoptr (GArray) readings = readings_of (content);
  g_autoptr (GArray) rating_times = rating_times_of (content);
  gboolean esketamine = is (content, "medication", "esketamine");
  int start = 0;
  gboolean has_start = dose_start (content, &start);

  if (has_text (content, "carried-forward"))
    add_problem (tmpl, problems, "carried-forward",
                 _ ("must be cleared once medication, route, dose and weight are confirmed for "
                    "this session"));
  if (esketamine)
    check_esketamine (tmpl, content, readings, has_start, start, thresholds, problems);
  check_devices (tmpl, content, esketamine, problems);
  check_oral_dose (tmpl, content, problems);
  check_times (tmpl, content, readings, has_start, start, problems);
  /* TRANSLATORS: what one row of vital signs is, as in "has a reading at 10:40". */
  check_timepoints (tmpl, "vitals", _ ("reading"), readings, has_start, start, problems);
  /* TRANSLATORS: what one row of sedation ratings is, as in "has a rating at 10:40". */
  check_timepoints (tmpl, "sedation-ratings", _ ("rating"), rating_times, has_start, start,
                    problems);
  check_rating_times (tmpl, content, problems);
  check_thresholds (tmpl, content, readings, has_start, start, thresholds, problems);
  check_discharge (tmpl, content, problems);
}

gboolean
cfd_dosing_add_warnings (GVariant *content, GStrvBuilder *builder)
{
  gboolean any = FALSE;
  int previous = 0;
  gboolean has_previous = FALSE;

  if (!is (content, "route", "intranasal"))
    return FALSE;
  for (guint k = 0; k < MAX_DEVICES; k++)
    {
      int minutes;

      if (!time_value (content, device_times[k], &minutes))
        {
          has_previous = FALSE;
          continue;
        }
      if (has_previous && minutes >= previous && minutes - previous < DEVICE_INTERVAL_MINUTES)
        {
          g_autofree char *warning
              = g_strdup_printf (_ ("Nasal spray devices %u and %u were %d minute(s) apart; the "
                                    "label asks for 5 minutes between devices"),
                                 k, k + 1, minutes - previous);

          g_strv_builder_add (builder, warning);
          any = TRUE;
        }
      previous = minutes;
      has_previous = TRUE;
    }
  return any;
}

GVariant *
cfd_dosing_compute (GVariant *content)
{
  GVariantDict dict;
  double dose, concentration;
  int start, stop;
  gboolean iv = is (content, "route", "iv");
  gboolean has_dose = g_variant_lookup (content, "dose-mg", "d", &dose);

  g_variant_dict_init (&dict, content);
  g_variant_dict_remove (&dict, "iv-volume-ml");
  g_variant_dict_remove (&dict, "infusion-rate");
  if (iv && has_dose && g_variant_lookup (content, "iv-concentration", "d", &concentration)
      && concentration > 0)
    g_variant_dict_insert (&dict, "iv-volume-ml", "d", round (dose / concentration * 10.0) / 10.0);
  if (iv && has_dose && time_value (content, "infusion-start", &start)
      && time_value (content, "infusion-stop", &stop) && stop > start)
    g_variant_dict_insert (&dict, "infusion-rate", "d",
                           round (dose / ((stop - start) / 60.0) * 10.0) / 10.0);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}
