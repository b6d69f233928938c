/* cfd-demo-dosing.c: invented dosing sessions that a careful clinic could have recorded.
 *
 * Every session passes the signing checks of core/clinical/cfd-dosing-checks.c:
 * esketamine is intranasal at 56 or 84 mg with its devices 5 minutes apart,
 * blood pressure is taken before and 40 minutes after dosing, the rare
 * reading past a threshold has an action taken, and times follow each other. */
#include "config.h"

#include <math.h>

#include "cfd-demo-dosing.h"
#include "cfd-demo-text.h"
#include "cfd-rems-concomitant.h"
#include "cfd-sedation.h"
#include "cfd-template.h"

typedef struct
{
  GRand *rand;
  GVariantBuilder vitals;
  int last_reading;
  gboolean past_threshold;
} Session;

static char *
clock_text (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

static void
insert_time (GVariantDict *dict, const char *field, int minutes)
{
  g_autofree char *text = clock_text (minutes);

  g_variant_dict_insert (dict, field, "s", text);
}

/* MOAA/S, CADSS and BPRS+ before the dose, at 40 and 90 minutes, each
 * under its named timepoint: the
 * peak of dissociation near 40 minutes, back to baseline before
 * discharge (always at least 95 minutes after the dose); sedation never
 * deep enough to reach the practice's MOAA/S threshold. */
static GVariant *
ratings (GRand *rand, int start)
{
  GVariantBuilder rows = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  const int at[] = { -5, 40, 90 };
  const char *const timepoints[] = { "pre-dose", "40-min", "90-min" };
  const guint16 moaas[] = { 5, (guint16)g_rand_int_range (rand, 3, 6), 5 };
  const guint16 cadss[]
      = { (guint16)g_rand_int_range (rand, 0, 3), (guint16)g_rand_int_range (rand, 0, 36),
          (guint16)g_rand_int_range (rand, 0, 5) };
  const guint16 bprs[] = { 4, (guint16)g_rand_int_range (rand, 4, 8), 4 };

  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autofree char *time = clock_text (start + at[i]);

      g_variant_builder_add (&rows, "(ssmqmqmq)", time, timepoints[i], TRUE, moaas[i], TRUE,
                             cadss[i], TRUE, bprs[i]);
    }
  return g_variant_builder_end (&rows);
}

/* One reading; now and then (about one reading in 25) a blood pressure
 * just past the pre-dose threshold, which the session then acts on. */
static void
add_reading (Session *session, int minutes, const char *timepoint)
{
  g_autofree char *time = clock_text (minutes);
  gboolean pre_dose = g_str_equal (timepoint, "pre-dose");
  guint16 systolic = (guint16)g_rand_int_range (session->rand, 108, 139);
  guint16 diastolic = (guint16)g_rand_int_range (session->rand, 64, 89);

  if (pre_dose && g_rand_int_range (session->rand, 0, 25) == 0)
    {
      systolic = (guint16)g_rand_int_range (session->rand, 142, 150);
      session->past_threshold = TRUE;
    }
  g_variant_builder_add (&session->vitals, "(ssqqqqmq)", time, timepoint, systolic, diastolic,
                         (guint16)g_rand_int_range (session->rand, 58, 96),
                         (guint16)g_rand_int_range (session->rand, 95, 101), TRUE,
                         (guint16)g_rand_int_range (session->rand, 12, 19));
  session->last_reading = MAX (session->last_reading, minutes);
}

static void
esketamine (Session *session, GVariantDict *dict, int start)
{
  gint64 devices = g_rand_boolean (session->rand) ? 2 : 3;
  int observed = 120 + 5 * g_rand_int_range (session->rand, 0, 7);

  g_variant_dict_insert (dict, "medication", "s", "esketamine");
  g_variant_dict_insert (dict, "route", "s", "intranasal");
  g_variant_dict_insert (dict, "dose-mg", "d", 28.0 * (double)devices);
  g_variant_dict_insert (dict, "devices", "x", devices);
  for (gint64 k = 0; k < devices; k++)
    {
      g_autofree char *field = g_strdup_printf ("device-%" G_GINT64_FORMAT "-time", k + 1);

      insert_time (dict, field, start + 5 * (int)k);
    }
  add_reading (session, start - 10, "pre-dose");
  add_reading (session, start + 40, "40-min");
  add_reading (session, start + 90, "90-min");
  add_reading (session, start + observed - 5, "discharge");
  g_variant_dict_insert (dict, "observation-minutes", "x", (gint64)observed);
  insert_time (dict, "ready-to-leave-time", start + observed);
  insert_time (dict, "discharge-time",
               start + observed + 5 * g_rand_int_range (session->rand, 1, 4));
}

/* 0.5 mg/kg over 40 minutes, the dose of the published IV trials. */
static void
intravenous (Session *session, GVariantDict *dict, double weight, int start)
{
  double dose = round (weight * 0.5);

  g_variant_dict_insert (dict, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (dict, "route", "s", "iv");
  g_variant_dict_insert (dict, "dose-mg", "d", dose);
  g_variant_dict_insert (dict, "iv-concentration", "d", 1.0);
  insert_time (dict, "infusion-start", start);
  insert_time (dict, "infusion-stop", start + 40);
  add_reading (session, start - 5, "pre-dose");
  add_reading (session, start + 20, "");
  add_reading (session, start + 40, "40-min");
  add_reading (session, start + 80, "");
  g_variant_dict_insert (dict, "observation-minutes", "x", (gint64)60);
  insert_time (dict, "ready-to-leave-time", start + 100);
  insert_time (dict, "discharge-time", start + 105);
}

static void
sublingual (Session *session, GVariantDict *dict, int start)
{
  gint64 count = g_rand_int_range (session->rand, 2, 5);
  g_autofree char *sitter = cfd_demo_text_name (session->rand);

  g_variant_dict_insert (dict, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (dict, "route", "s", "sublingual-oral");
  g_variant_dict_insert (dict, "dose-mg", "d", 50.0 * (double)count);
  g_variant_dict_insert (dict, "sl-strength-mg", "d", 50.0);
  g_variant_dict_insert (dict, "sl-count", "x", count);
  g_variant_dict_insert (dict, "sl-hold-minutes", "x", (gint64)15);
  g_variant_dict_insert (dict, "sl-disposal", "s", "spit");
  g_variant_dict_insert (dict, "sl-setting", "s", "clinic");
  g_variant_dict_insert (dict, "sl-sitter", "s", sitter);
  insert_time (dict, "dose-time", start);
  add_reading (session, start - 5, "pre-dose");
  add_reading (session, start + 30, "");
  add_reading (session, start + 75, "");
  g_variant_dict_insert (dict, "observation-minutes", "x", (gint64)90);
  insert_time (dict, "ready-to-leave-time", start + 90);
  insert_time (dict, "discharge-time", start + 95);
}

/* The demo's own reading of its sessions (not a clinical rule: the form's
 * answers stay the clinician's, docs/CLINICAL.md): sedation when any
 * MOAA/S is below 5 (less than fully alert), dissociation when any CADSS
 * total is above 4; its readings never show respiratory depression (SpO2
 * 95-100 %, 12-18 breaths a minute). */
static void
answer_rems_questions (GVariantDict *dict, GVariant *ratings, guint concomitant)
{
  g_autoptr (GArray) rows = cfd_sedation_ratings (ratings);
  gboolean sedation = FALSE, dissociation = FALSE;

  for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
    g_variant_dict_insert (dict, cfd_rems_concomitant[q].field_id, "b",
                           (concomitant & (1u << q)) != 0);
  for (guint i = 0; i < rows->len; i++)
    {
      const CfdSedationRating *r = &g_array_index (rows, CfdSedationRating, i);

      sedation |= r->has_moaas && r->moaas < CFD_SEDATION_MOAAS_MAX;
      dissociation |= r->has_cadss && r->cadss > 4;
    }
  g_variant_dict_insert (dict, "rems-sedation", "b", sedation);
  g_variant_dict_insert (dict, "rems-dissociation", "b", dissociation);
  g_variant_dict_insert (dict, "rems-respiratory-depression", "b", FALSE);
}

GVariant *
cfd_demo_dosing_content (GRand *rand, guint concomitant)
{
  g_autoptr (GVariant) session_ratings = NULL;
  Session session = { .rand = rand };
  GVariantDict dict;
  double weight = round (g_rand_double_range (rand, 52, 110) * 10) / 10;
  int start = 9 * 60 + 5 * g_rand_int_range (rand, 0, 48); /* 09:00-12:55 */
  int kind = g_rand_int_range (rand, 0, 10);
  g_autofree char *escort = cfd_demo_text_name (rand);
  g_autofree char *escort_text = g_strdup_printf ("%s (partner)", escort);
  g_autofree char *lot = g_strdup_printf ("KX%06d", g_rand_int_range (rand, 0, 1000000));

  g_variant_dict_init (&dict, NULL);
  g_variant_builder_init (&session.vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_dict_insert (&dict, "weight-kg", "d", weight);
  if (kind < 6)
    esketamine (&session, &dict, start);
  else if (kind < 9)
    intravenous (&session, &dict, weight, start);
  else
    sublingual (&session, &dict, start);
  g_variant_dict_insert_value (&dict, "vitals", g_variant_builder_end (&session.vitals));
  if (session.past_threshold)
    g_variant_dict_insert (&dict, "action-taken", "s",
                           "Blood pressure rechecked after 10 minutes of rest and within range; "
                           "prescriber reviewed and agreed to dose.");
  g_variant_dict_insert (&dict, "lot-number", "s", lot);
  session_ratings = g_variant_ref_sink (ratings (rand, start));
  g_variant_dict_insert_value (&dict, "sedation-ratings", session_ratings);
  if (kind < 6)
    answer_rems_questions (&dict, session_ratings, concomitant);
  if (g_rand_int_range (rand, 0, 4) == 0)
    g_variant_dict_insert (&dict, "adverse-events", "s",
                           "Transient nausea and dizziness, resolved before discharge.");
  g_variant_dict_insert (&dict, "discharge-criteria-met", "b", TRUE);
  g_variant_dict_insert (&dict, "escort", "s", escort_text);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}
