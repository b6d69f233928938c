/* cfd-instrument-score.c: scoring answers by an instrument's rule; the definition's accessors. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-error.h"
#include "cfd-instrument-private.h"

const char *
cfd_instrument_def_get_id (const CfdInstrumentDef *def)
{
  return def->id;
}

guint
cfd_instrument_def_get_version (const CfdInstrumentDef *def)
{
  return def->version;
}

const char *
cfd_instrument_def_get_name (const CfdInstrumentDef *def)
{
  return def->name;
}

const char *
cfd_instrument_def_get_title (const CfdInstrumentDef *def)
{
  return def->title != NULL ? def->title : def->name;
}

const char *
cfd_instrument_def_get_construct (const CfdInstrumentDef *def)
{
  return def->construct;
}

const char *
cfd_instrument_def_get_recall_period (const CfdInstrumentDef *def)
{
  return def->recall_period;
}

CfdRaterType
cfd_instrument_def_get_rater (const CfdInstrumentDef *def)
{
  return def->rater;
}

const char *
cfd_instrument_def_get_licence (const CfdInstrumentDef *def)
{
  return def->licence;
}

const char *
cfd_instrument_def_get_source (const CfdInstrumentDef *def)
{
  return def->source;
}

const char *
cfd_instrument_def_get_loinc (const CfdInstrumentDef *def)
{
  return def->loinc;
}

const char *
cfd_instrument_def_get_score_loinc (const CfdInstrumentDef *def)
{
  return def->score_loinc;
}

CfdScoringRule
cfd_instrument_def_get_rule (const CfdInstrumentDef *def)
{
  return def->rule;
}

guint
cfd_instrument_def_get_n_items (const CfdInstrumentDef *def)
{
  return def->n_items;
}

const CfdInstrumentItem *
cfd_instrument_def_get_item (const CfdInstrumentDef *def, guint index)
{
  g_return_val_if_fail (index < def->n_items, NULL);
  return &def->items[index];
}

const CfdInstrumentBand *
cfd_instrument_def_get_bands (const CfdInstrumentDef *def, guint *n_bands)
{
  *n_bands = def->n_bands;
  return def->n_bands > 0 ? def->bands : NULL;
}

const CfdInstrumentGroup *
cfd_instrument_def_get_groups (const CfdInstrumentDef *def, guint *n_groups)
{
  *n_groups = def->n_groups;
  return def->n_groups > 0 ? def->groups : NULL;
}

int
cfd_instrument_def_get_max_total (const CfdInstrumentDef *def)
{
  return def->max_total;
}

const CfdInstrumentBand *
cfd_instrument_def_band_for_total (const CfdInstrumentDef *def, int total)
{
  for (guint i = 0; i < def->n_bands; i++)
    if (total >= def->bands[i].low && total <= def->bands[i].high)
      return &def->bands[i];
  return NULL;
}

const char *
cfd_instrument_def_result_label (const CfdInstrumentDef *def, const char *result)
{
  if (result == NULL)
    return NULL;
  if (g_str_equal (result, "met"))
    return def->result_met;
  if (g_str_equal (result, "not-met"))
    return def->result_not_met;
  if (def->rule == CFD_SCORING_SCREENER)
    for (guint g = 0; g < def->n_groups; g++)
      if (g_str_equal (def->groups[g].id, result))
        return def->groups[g].label;
  return NULL;
}

gboolean
cfd_instrument_def_item_is_asked (const CfdInstrumentDef *def, const int *answers, guint index)
{
  guint gate;

  g_return_val_if_fail (index < def->n_items, FALSE);
  gate = def->items[index].ask_if;
  /* The gate is itself asked or not by the same rule: an item skipped
   * because of a skipped item stays skipped. */
  return gate == 0
         || (cfd_instrument_def_item_is_asked (def, answers, gate - 1) && answers[gate - 1] > 0);
}

static gboolean
answer_is_allowed (const CfdInstrumentItem *item, int answer)
{
  if (item->n_options == 0)
    return answer >= item->min && answer <= item->max;
  for (guint i = 0; i < item->n_options; i++)
    if (item->options[i] == answer)
      return TRUE;
  return FALSE;
}

static gboolean
check_answers (const CfdInstrumentDef *def, const int *answers, gsize n_answers, GError **error)
{
  if (answers == NULL || n_answers != def->n_items)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The %s has %u items; %zu were given"), def->name, def->n_items,
                   answers == NULL ? 0 : n_answers);
      return FALSE;
    }
  for (guint i = 0; i < def->n_items; i++)
    {
      const CfdInstrumentItem *item = &def->items[i];
      gboolean asked = cfd_instrument_def_item_is_asked (def, answers, i);

      if (answers[i] == CFD_ANSWER_NONE)
        {
          if (asked && item->scored)
            {
              g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Item %u of the %s is not answered"), item->number, def->name);
              return FALSE;
            }
          continue;
        }
      if (!asked)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("Item %u of the %s is asked only when item %u is answered yes; it "
                          "must be left empty"),
                       item->number, def->name, item->ask_if);
          return FALSE;
        }
      if (!answer_is_allowed (item, answers[i]))
        {
          if (item->n_options == 0 || item->n_options == (guint)(item->max - item->min + 1))
            g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                         _ ("Item %u of the %s must be scored %d to %d"), item->number, def->name,
                         item->min, item->max);
          else
            g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                         _ ("Item %u of the %s has no answer %d"), item->number, def->name,
                         answers[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
score_domain_max (const CfdInstrumentDef *def, const int *answers, CfdInstrumentScore *score)
{
  g_autofree gboolean *in_domain = g_new0 (gboolean, def->n_items);
  int total = 0;

  for (guint g = 0; g < def->n_groups; g++)
    {
      int highest = 0;

      for (guint k = 0; k < def->groups[g].n_items; k++)
        {
          guint index = def->groups[g].items[k] - 1;

          in_domain[index] = TRUE;
          highest = MAX (highest, answers[index]);
        }
      total += highest;
    }
  /* An item outside every domain counts once, unless the form's own logic
   * left it unasked (CFD_ANSWER_NONE). */
  for (guint i = 0; i < def->n_items; i++)
    if (def->items[i].scored && !in_domain[i] && answers[i] != CFD_ANSWER_NONE)
      total += answers[i];
  score->has_total = TRUE;
  score->total = total;
}

/* Compared in whole numbers (sum * 100 >= threshold * maximum) so that 60 %
 * exactly is met whatever floating point would make of it. */
static void
score_subscales (const CfdInstrumentDef *def, const int *answers, CfdInstrumentScore *score)
{
  gboolean all_met = TRUE;

  for (guint g = 0; g < def->n_groups; g++)
    {
      gint64 sum = 0, max = 0;

      for (guint k = 0; k < def->groups[g].n_items; k++)
        {
          guint index = def->groups[g].items[k] - 1;

          sum += answers[index];
          max += def->items[index].max;
        }
      score->subscale_percent[g] = 100.0 * (double)sum / (double)max;
      if (sum * 100 < (gint64)def->threshold_percent * max)
        all_met = FALSE;
    }
  score->n_subscales = def->n_groups;
  score->result = all_met ? "met" : "not-met";
}

static void
score_clusters (const CfdInstrumentDef *def, const int *answers, CfdInstrumentScore *score)
{
  gboolean all_met = TRUE;

  for (guint g = 0; g < def->n_groups; g++)
    {
      guint endorsed = 0;

      for (guint k = 0; k < def->groups[g].n_items; k++)
        if (answers[def->groups[g].items[k] - 1] >= def->endorsed_at_least)
          endorsed++;
      if (endorsed < def->groups[g].needed)
        all_met = FALSE;
    }
  score->result = all_met ? "met" : "not-met";
}

/* The first triage level, in file order, with any of its items answered
 * yes; the last level lists none and is where nothing else applies. */
static void
score_triage (const CfdInstrumentDef *def, const int *answers, CfdInstrumentScore *score)
{
  for (guint g = 0; g < def->n_groups; g++)
    {
      const CfdInstrumentGroup *level = &def->groups[g];
      gboolean hit = level->n_items == 0;

      for (guint k = 0; k < level->n_items && !hit; k++)
        hit = answers[level->items[k] - 1] > 0;
      if (hit)
        {
          score->result = level->id;
          score->risk |= level->raises_risk;
          return;
        }
    }
  score->result = NULL;
}

gboolean
cfd_instrument_def_score (const CfdInstrumentDef *def,
                          const int *answers,
                          gsize n_answers,
                          CfdInstrumentScore *score,
                          GError **error)
{
  const CfdInstrumentBand *band;
  int sum = 0;
  guint n_scored = 0;

  g_return_val_if_fail (def != NULL && score != NULL, FALSE);
  if (!check_answers (def, answers, n_answers, error))
    return FALSE;
  memset (score, 0, sizeof *score);
  for (guint i = 0; i < def->n_items; i++)
    {
      const CfdInstrumentItem *item = &def->items[i];

      if (answers[i] == CFD_ANSWER_NONE)
        continue;
      if (item->risk_at_least >= 0 && answers[i] >= item->risk_at_least)
        score->risk = TRUE;
      if (item->scored)
        {
          sum += answers[i];
          n_scored++;
        }
    }
  switch (def->rule)
    {
      case CFD_SCORING_SUM:
      case CFD_SCORING_CLUSTER_RULE:
      case CFD_SCORING_SUBSCALE_PERCENT:
        score->has_total = TRUE;
        score->total = sum;
        if (def->rule == CFD_SCORING_CLUSTER_RULE)
          score_clusters (def, answers, score);
        else if (def->rule == CFD_SCORING_SUBSCALE_PERCENT)
          score_subscales (def, answers, score);
        break;
      case CFD_SCORING_MEAN:
        score->has_mean = TRUE;
        score->mean = n_scored > 0 ? (double)sum / n_scored : 0.0;
        break;
      case CFD_SCORING_DOMAIN_MAX:
        score_domain_max (def, answers, score);
        break;
      case CFD_SCORING_SCREENER:
        score_triage (def, answers, score);
        break;
      default:
        g_assert_not_reached ();
    }
  band = score->has_total ? cfd_instrument_def_band_for_total (def, score->total) : NULL;
  score->band = band != NULL ? band->id : NULL;
  return TRUE;
}
