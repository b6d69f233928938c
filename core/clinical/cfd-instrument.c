/* cfd-instrument.c: reading an instrument definition (a key file) and checking it hangs together. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-error.h"
#include "cfd-instrument-private.h"

#define MAX_TEXT_BYTES 4096
#define MAX_GROUPS     16
#define MAX_BANDS      12
#define MAX_ID_BYTES   32
#define MAX_ANSWER     1000

static const char *const rule_names[] = {
  [CFD_SCORING_SUM] = "sum",
  [CFD_SCORING_MEAN] = "mean",
  [CFD_SCORING_DOMAIN_MAX] = "domain-max",
  [CFD_SCORING_SUBSCALE_PERCENT] = "subscale-percent",
  [CFD_SCORING_CLUSTER_RULE] = "cluster-rule",
  [CFD_SCORING_SCREENER] = "screener",
};

/* The group each rule takes its sets of items from. */
static const char *const rule_groups[] = {
  [CFD_SCORING_SUM] = NULL,
  [CFD_SCORING_MEAN] = NULL,
  [CFD_SCORING_DOMAIN_MAX] = "Domain",
  [CFD_SCORING_SUBSCALE_PERCENT] = "Subscale",
  [CFD_SCORING_CLUSTER_RULE] = "Cluster",
  [CFD_SCORING_SCREENER] = "Triage",
};

static const char *const instrument_keys[]
    = { "Id",        "Version",      "Name",  "Title",      "Construct",       "RecallPeriod",
        "Rater",     "Scoring",      "LOINC", "ScoreLOINC", "Licence",         "Source",
        "Options",   "OptionLabels", "Min",   "Max",        "EndorsedAtLeast", "ThresholdPercent",
        "ResultMet", "ResultNotMet", NULL };
static const char *const item_keys[] = { "Text", "LOINC", "Scored",      "Options", "OptionLabels",
                                         "Min",  "Max",   "RiskAtLeast", "AskIf",   NULL };
static const char *const band_keys[] = { "Label", "Low", "High", NULL };
static const char *const group_keys[] = { "Label", "Items", "Needed", "RaisesRisk", NULL };

const char *
cfd_scoring_rule_to_string (CfdScoringRule rule)
{
  g_return_val_if_fail ((guint)rule < G_N_ELEMENTS (rule_names), NULL);
  return rule_names[rule];
}

const char *
cfd_rater_type_to_string (CfdRaterType rater)
{
  return rater == CFD_RATER_CLINICIAN ? "clinician" : "self-report";
}

static void
item_clear (CfdInstrumentItem *item)
{
  g_free (item->text);
  g_free (item->loinc);
  g_strfreev (item->option_labels);
}

static void
group_clear (CfdInstrumentGroup *group)
{
  g_free (group->id);
  g_free (group->label);
  g_free (group->items);
}

void
cfd_instrument_def_free (CfdInstrumentDef *def)
{
  if (def == NULL)
    return;
  for (guint i = 0; i < def->n_items; i++)
    item_clear (&def->items[i]);
  for (guint i = 0; i < def->n_groups; i++)
    group_clear (&def->groups[i]);
  for (guint i = 0; i < def->n_bands; i++)
    {
      g_free (def->bands[i].id);
      g_free (def->bands[i].label);
    }
  g_free (def->items);
  g_free (def->groups);
  g_free (def->bands);
  g_free (def->id);
  g_free (def->name);
  g_free (def->title);
  g_free (def->construct);
  g_free (def->recall_period);
  g_free (def->licence);
  g_free (def->source);
  g_free (def->loinc);
  g_free (def->score_loinc);
  g_free (def->result_met);
  g_free (def->result_not_met);
  g_free (def);
}

static gboolean G_GNUC_PRINTF (3, 4)
    fail (GError **error, const char *group, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* TRANSLATORS: the first %s is the definition's [group], the second the problem in it. */
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("Measure definition, [%s]: %s"), group,
               what);
  return FALSE;
}

/* Identifiers are stored in records and typed on the command line:
 * lower-case letters, digits, "-" and spaces (a band "moderately severe"). */
static gboolean
id_is_valid (const char *id, gboolean allow_space)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_ID_BYTES || id[0] == ' ' || id[len - 1] == ' ')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && !(allow_space && *p == ' '))
      return FALSE;
  return TRUE;
}

static gboolean
check_keys (GKeyFile *file, const char *group, const char *const *allowed, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      /* Translations (Text[fr]) sit beside the key they translate. */
      g_autofree char *base = g_strndup (keys[i], strcspn (keys[i], "["));

      if (!g_strv_contains (allowed, base))
        return fail (error, group, _ ("unknown key %s"), base);
    }
  return TRUE;
}

/* A string key: NULL and no error when absent and optional. */
static gboolean
get_text (GKeyFile *file,
          const char *group,
          const char *key,
          gboolean required,
          char **out,
          GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *value = NULL;

  *out = NULL;
  if (!g_key_file_has_key (file, group, key, NULL))
    return required ? fail (error, group, _ ("%s is missing"), key) : TRUE;
  value = g_key_file_get_string (file, group, key, &local);
  if (value == NULL)
    return fail (error, group, _ ("%s cannot be read: %s"), key, local->message);
  g_strstrip (value);
  if (value[0] == '\0')
    return required ? fail (error, group, _ ("%s is empty"), key) : TRUE;
  if (strlen (value) > MAX_TEXT_BYTES)
    return fail (error, group, _ ("%s is longer than %d bytes"), key, MAX_TEXT_BYTES);
  *out = g_steal_pointer (&value);
  return TRUE;
}

/* A whole number key within [min, max]; absent leaves *out as it is. */
static gboolean
get_int (GKeyFile *file,
         const char *group,
         const char *key,
         gboolean required,
         int min,
         int max,
         int *out,
         GError **error)
{
  g_autofree char *value = NULL;
  gint64 number;

  if (!g_key_file_has_key (file, group, key, NULL))
    return required ? fail (error, group, _ ("%s is missing"), key) : TRUE;
  value = g_key_file_get_value (file, group, key, NULL);
  if (value == NULL || !g_ascii_string_to_signed (g_strstrip (value), 10, min, max, &number, NULL))
    return fail (error, group, _ ("%s must be a whole number from %d to %d"), key, min, max);
  *out = (int)number;
  return TRUE;
}

static gboolean
get_bool (GKeyFile *file, const char *group, const char *key, gboolean *out, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  *out = g_key_file_get_boolean (file, group, key, &local);
  if (local != NULL)
    return fail (error, group, _ ("%s must be true or false"), key);
  return TRUE;
}

/* Options=0;1;2;3 with OptionLabels of the same length, or Min and Max.
 * Unset keys leave what the instrument gave every item. */
static gboolean
read_answers (GKeyFile *file, const char *group, CfdInstrumentItem *item, GError **error)
{
  g_auto (GStrv) values = NULL;
  gboolean has_range = g_key_file_has_key (file, group, "Min", NULL)
                       || g_key_file_has_key (file, group, "Max", NULL);
  gsize n_values = 0, n_labels = 0;

  if (g_key_file_has_key (file, group, "Options", NULL))
    {
      if (has_range)
        return fail (error, group, _ ("give either Options or Min and Max, not both"));
      values = g_key_file_get_string_list (file, group, "Options", &n_values, NULL);
      if (values == NULL || n_values < 2 || n_values > CFD_INSTRUMENT_MAX_OPTIONS)
        return fail (error, group, _ ("Options must list 2 to %d answers"),
                     CFD_INSTRUMENT_MAX_OPTIONS);
      for (gsize i = 0; i < n_values; i++)
        {
          gint64 number;

          if (!g_ascii_string_to_signed (g_strstrip (values[i]), 10, 0, MAX_ANSWER, &number, NULL))
            return fail (error, group, _ ("Options must be whole numbers from 0 to %d"),
                         MAX_ANSWER);
          if (i > 0 && number <= item->options[i - 1])
            return fail (error, group, _ ("Options must rise from first to last"));
          item->options[i] = (int)number;
        }
      item->n_options = (guint)n_values;
      item->min = item->options[0];
      item->max = item->options[n_values - 1];
      g_clear_pointer (&item->option_labels, g_strfreev);
      if (!g_key_file_has_key (file, group, "OptionLabels", NULL))
        return fail (error, group, _ ("Options needs OptionLabels"));
    }
  else if (has_range)
    {
      item->n_options = 0;
      g_clear_pointer (&item->option_labels, g_strfreev);
      if (!get_int (file, group, "Min", TRUE, 0, MAX_ANSWER, &item->min, error)
          || !get_int (file, group, "Max", TRUE, 0, MAX_ANSWER, &item->max, error))
        return FALSE;
      if (item->max <= item->min)
        return fail (error, group, _ ("Max must be above Min"));
    }
  if (g_key_file_has_key (file, group, "OptionLabels", NULL))
    {
      g_auto (GStrv) labels = NULL;

      if (item->n_options == 0)
        return fail (error, group, _ ("OptionLabels needs Options"));
      labels = g_key_file_get_string_list (file, group, "OptionLabels", &n_labels, NULL);
      if (labels == NULL || n_labels != item->n_options)
        return fail (error, group, _ ("OptionLabels must have one label for each of the Options"));
      for (gsize i = 0; i < n_labels; i++)
        if (strlen (g_strstrip (labels[i])) == 0 || strlen (labels[i]) > MAX_TEXT_BYTES)
          return fail (error, group, _ ("OptionLabels has an empty or overlong label"));
      g_strfreev (item->option_labels);
      item->option_labels = g_steal_pointer (&labels);
    }
  return TRUE;
}

static gboolean
parse_item_list (
    const char *group, const char *text, guint n_items, guint **out, guint *n_out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ";", -1);
  g_autofree guint *items = g_new0 (guint, n_items + 1);
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 number;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      /* Distinct numbers from 1 to n_items: never more than n_items of them. */
      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, n_items, &number, NULL))
        return fail (error, group, _ ("Items must be item numbers from 1 to %u, each once"),
                     n_items);
      for (guint j = 0; j < n; j++)
        if (items[j] == number)
          return fail (error, group, _ ("Items names item %u twice"), (guint)number);
      items[n++] = (guint)number;
    }
  *out = g_steal_pointer (&items);
  *n_out = n;
  return TRUE;
}

static gboolean
read_instrument (GKeyFile *file, CfdInstrumentDef *def, CfdInstrumentItem *defaults, GError **error)
{
  const char *g = "Instrument";
  g_autofree char *rater = NULL, *rule = NULL;
  int version = 1, threshold = 0, endorsed = 1;
  guint i;

  if (!g_key_file_has_group (file, g))
    return fail (error, g, _ ("the group is missing"));
  if (!check_keys (file, g, instrument_keys, error)
      || !get_text (file, g, "Id", TRUE, &def->id, error)
      || !get_int (file, g, "Version", FALSE, 1, 1000000, &version, error)
      || !get_text (file, g, "Name", TRUE, &def->name, error)
      || !get_text (file, g, "Title", FALSE, &def->title, error)
      || !get_text (file, g, "Construct", FALSE, &def->construct, error)
      || !get_text (file, g, "RecallPeriod", TRUE, &def->recall_period, error)
      || !get_text (file, g, "Rater", TRUE, &rater, error)
      || !get_text (file, g, "Scoring", TRUE, &rule, error)
      || !get_text (file, g, "LOINC", FALSE, &def->loinc, error)
      || !get_text (file, g, "ScoreLOINC", FALSE, &def->score_loinc, error)
      || !get_text (file, g, "Licence", TRUE, &def->licence, error)
      || !get_text (file, g, "Source", TRUE, &def->source, error)
      || !get_text (file, g, "ResultMet", FALSE, &def->result_met, error)
      || !get_text (file, g, "ResultNotMet", FALSE, &def->result_not_met, error)
      || !get_int (file, g, "EndorsedAtLeast", FALSE, 0, MAX_ANSWER, &endorsed, error)
      || !get_int (file, g, "ThresholdPercent", FALSE, 1, 100, &threshold, error)
      || !read_answers (file, g, defaults, error))
    return FALSE;
  if (!id_is_valid (def->id, FALSE))
    return fail (error, g, _ ("Id must be 1 to %d lower-case letters, digits or \"-\""),
                 MAX_ID_BYTES);
  if (g_utf8_strlen (def->name, -1) > 40)
    return fail (error, g, _ ("Name must be at most 40 characters"));
  def->version = (guint)version;
  def->endorsed_at_least = endorsed;
  def->threshold_percent = threshold;
  if (g_strcmp0 (rater, "self-report") == 0)
    def->rater = CFD_RATER_SELF_REPORT;
  else if (g_strcmp0 (rater, "clinician") == 0)
    def->rater = CFD_RATER_CLINICIAN;
  else
    return fail (error, g, _ ("Rater must be self-report or clinician"));
  for (i = 0; i < G_N_ELEMENTS (rule_names); i++)
    if (g_strcmp0 (rule, rule_names[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (rule_names))
    return fail (error, g,
                 _ ("Scoring must be one of sum, mean, domain-max, subscale-percent, cluster-rule, "
                    "screener"));
  def->rule = (CfdScoringRule)i;
  if ((def->rule == CFD_SCORING_SUBSCALE_PERCENT) != (threshold > 0))
    return fail (error, g,
                 _ ("ThresholdPercent goes with subscale-percent scoring, and only with it"));
  if ((def->rule == CFD_SCORING_SUBSCALE_PERCENT || def->rule == CFD_SCORING_CLUSTER_RULE)
      && (def->result_met == NULL || def->result_not_met == NULL))
    return fail (error, g, _ ("%s scoring needs ResultMet and ResultNotMet"), rule);
  return TRUE;
}

static gboolean
read_item (GKeyFile *file,
           const char *group,
           const CfdInstrumentItem *defaults,
           CfdInstrumentDef *def,
           guint number,
           GError **error)
{
  CfdInstrumentItem *item = &def->items[number - 1];
  int ask_if = 0;

  if (item->number != 0)
    return fail (error, group, _ ("item %u is defined twice"), number);
  *item = *defaults;
  item->option_labels = g_strdupv (defaults->option_labels);
  item->number = number;
  item->scored = TRUE;
  item->risk_at_least = -1;
  /* An item depends only on one before it, so skipping never loops. */
  if (number == 1 && g_key_file_has_key (file, group, "AskIf", NULL))
    return fail (error, group, _ ("the first item cannot depend on another"));
  if (!check_keys (file, group, item_keys, error)
      || !get_text (file, group, "Text", TRUE, &item->text, error)
      || !get_text (file, group, "LOINC", FALSE, &item->loinc, error)
      || !get_bool (file, group, "Scored", &item->scored, error)
      || !read_answers (file, group, item, error)
      || !get_int (file, group, "RiskAtLeast", FALSE, 0, MAX_ANSWER, &item->risk_at_least, error)
      || !get_int (file, group, "AskIf", FALSE, 1, MAX (1, (int)number - 1), &ask_if, error))
    return FALSE;
  item->ask_if = (guint)ask_if;
  if (item->max == 0 && item->n_options == 0)
    return fail (error, group,
                 _ ("no answers: give Options or Min and Max here or in [Instrument]"));
  if (item->risk_at_least > item->max)
    return fail (error, group, _ ("RiskAtLeast is above every answer"));
  return TRUE;
}

static gboolean
read_band (GKeyFile *file, const char *group, const char *id, CfdInstrumentDef *def, GError **error)
{
  CfdInstrumentBand *band = &def->bands[def->n_bands];

  if (def->n_bands >= MAX_BANDS)
    return fail (error, group, _ ("more than %d bands"), MAX_BANDS);
  if (!id_is_valid (id, TRUE))
    return fail (error, group, _ ("a band id is lower-case letters, digits, \"-\" and spaces"));
  band->id = g_strdup (id);
  def->n_bands++;
  return check_keys (file, group, band_keys, error)
         && get_text (file, group, "Label", TRUE, &band->label, error)
         && get_int (file, group, "Low", TRUE, 0, 1000000, &band->low, error)
         && get_int (file, group, "High", TRUE, 0, 1000000, &band->high, error);
}

static gboolean
read_group (
    GKeyFile *file, const char *group, const char *id, CfdInstrumentDef *def, GError **error)
{
  CfdInstrumentGroup *set = &def->groups[def->n_groups];
  g_autofree char *items = NULL;
  int needed = 0;

  if (def->n_groups >= MAX_GROUPS)
    return fail (error, group, _ ("more than %d groups"), MAX_GROUPS);
  if (!id_is_valid (id, FALSE))
    return fail (error, group, _ ("a group id is lower-case letters, digits and \"-\""));
  set->id = g_strdup (id);
  def->n_groups++;
  if (!check_keys (file, group, group_keys, error)
      || !get_text (file, group, "Label", TRUE, &set->label, error)
      || !get_text (file, group, "Items", def->rule != CFD_SCORING_SCREENER, &items, error)
      || !get_int (file, group, "Needed", def->rule == CFD_SCORING_CLUSTER_RULE, 1,
                   CFD_INSTRUMENT_MAX_ITEMS, &needed, error)
      || !get_bool (file, group, "RaisesRisk", &set->raises_risk, error))
    return FALSE;
  set->needed = (guint)needed;
  if (items != NULL
      && !parse_item_list (group, items, def->n_items, &set->items, &set->n_items, error))
    return FALSE;
  if (def->rule != CFD_SCORING_SCREENER && set->n_items == 0)
    return fail (error, group, _ ("Items lists no item"));
  if (set->needed > set->n_items)
    return fail (error, group, _ ("Needed is more than the cluster's items"));
  if (def->rule != CFD_SCORING_CLUSTER_RULE && g_key_file_has_key (file, group, "Needed", NULL))
    return fail (error, group, _ ("Needed belongs to clusters only"));
  if (def->rule != CFD_SCORING_SCREENER && set->raises_risk)
    return fail (error, group, _ ("RaisesRisk belongs to triage levels only"));
  return TRUE;
}

/* Every item of an instrument is numbered 1..n; the count comes first so
 * that groups can check the items they name. */
static gboolean
count_items (GKeyFile *file, GStrv groups, guint *n_items, GError **error)
{
  guint highest = 0, count = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      guint64 number;

      if (!g_str_has_prefix (groups[i], "Item "))
        continue;
      if (!g_ascii_string_to_unsigned (groups[i] + 5, 10, 1, CFD_INSTRUMENT_MAX_ITEMS, &number,
                                       NULL))
        return fail (error, groups[i], _ ("items are numbered 1 to %d"), CFD_INSTRUMENT_MAX_ITEMS);
      highest = MAX (highest, (guint)number);
      count++;
    }
  if (count == 0)
    return fail (error, "Instrument", _ ("there are no [Item N] groups"));
  if (count != highest)
    return fail (error, "Instrument", _ ("items must be numbered 1 to %u without gaps"), highest);
  *n_items = count;
  return TRUE;
}

/* What the rule needs of the groups and answers, and the maximum total. */
static gboolean
check_rule (CfdInstrumentDef *def, GError **error)
{
  g_autofree guint *owner = g_new0 (guint, def->n_items + 1);
  const char *wanted = rule_groups[def->rule];
  int max_total = 0;

  if (wanted == NULL && def->n_groups > 0)
    return fail (error, "Instrument", _ ("%s scoring takes no groups"), rule_names[def->rule]);
  if (wanted != NULL && def->n_groups == 0)
    return fail (error, "Instrument", _ ("%s scoring needs [%s ...] groups"), rule_names[def->rule],
                 wanted);
  if (def->rule == CFD_SCORING_SUBSCALE_PERCENT
      && def->n_groups > G_N_ELEMENTS (((CfdInstrumentScore *)NULL)->subscale_percent))
    return fail (error, "Instrument", _ ("too many subscales"));
  /* Domains and subscales partition what they cover: an item counted twice
   * would weigh double. */
  if (def->rule == CFD_SCORING_DOMAIN_MAX || def->rule == CFD_SCORING_SUBSCALE_PERCENT
      || def->rule == CFD_SCORING_CLUSTER_RULE)
    for (guint g = 0; g < def->n_groups; g++)
      for (guint k = 0; k < def->groups[g].n_items; k++)
        {
          guint n = def->groups[g].items[k];

          if (owner[n] != 0)
            return fail (error, def->groups[g].id, _ ("item %u is in two groups"), n);
          owner[n] = g + 1;
          if (!def->items[n - 1].scored)
            return fail (error, def->groups[g].id, _ ("item %u is not scored"), n);
        }
  if (def->rule == CFD_SCORING_SCREENER)
    {
      for (guint i = 0; i < def->n_items; i++)
        if (def->items[i].n_options != 2 || def->items[i].options[0] != 0
            || def->items[i].options[1] != 1)
          return fail (error, "Instrument", _ ("screener items are answered 0 (no) or 1 (yes)"));
      for (guint g = 0; g + 1 < def->n_groups; g++)
        if (def->groups[g].n_items == 0)
          return fail (error, def->groups[g].id,
                       _ ("only the last triage level may list no items (it is the default)"));
      return TRUE;
    }
  for (guint i = 0; i < def->n_items; i++)
    {
      const CfdInstrumentItem *item = &def->items[i];

      if (!item->scored)
        continue;
      if (def->rule == CFD_SCORING_MEAN)
        max_total = MAX (max_total, item->max);
      else if (def->rule != CFD_SCORING_DOMAIN_MAX || owner[item->number] == 0)
        max_total += item->max;
    }
  if (def->rule == CFD_SCORING_DOMAIN_MAX)
    for (guint g = 0; g < def->n_groups; g++)
      {
        int highest = 0;

        for (guint k = 0; k < def->groups[g].n_items; k++)
          highest = MAX (highest, def->items[def->groups[g].items[k] - 1].max);
        max_total += highest;
      }
  if (max_total == 0)
    return fail (error, "Instrument", _ ("no item is scored"));
  def->max_total = max_total;
  return TRUE;
}

/* Bands run from 0 to the maximum total, in order, without gaps or overlaps:
 * every total falls in exactly one. */
static gboolean
check_bands (CfdInstrumentDef *def, GError **error)
{
  int next = 0;

  if (def->n_bands == 0)
    return TRUE;
  if (def->rule == CFD_SCORING_SCREENER || def->rule == CFD_SCORING_SUBSCALE_PERCENT
      || def->rule == CFD_SCORING_MEAN)
    return fail (error, "Instrument", _ ("%s scoring takes no bands"), rule_names[def->rule]);
  for (guint i = 0; i < def->n_bands; i++)
    {
      const CfdInstrumentBand *band = &def->bands[i];

      if (band->low != next || band->high < band->low)
        return fail (error, band->id,
                     _ ("bands must run from 0 upwards without gaps (expected Low=%d)"), next);
      next = band->high + 1;
    }
  if (next - 1 != def->max_total)
    return fail (error, def->bands[def->n_bands - 1].id,
                 _ ("the last band must end at the highest total, %d"), def->max_total);
  return TRUE;
}

CfdInstrumentDef *
cfd_instrument_def_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (CfdInstrumentDef) def = g_new0 (CfdInstrumentDef, 1);
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) groups = NULL;
  CfdInstrumentItem defaults = { 0 };
  gboolean ok = FALSE;

  if (data == NULL || length > CFD_INSTRUMENT_MAX_FILE_BYTES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "Measure definition: larger than %d KiB", CFD_INSTRUMENT_MAX_FILE_BYTES / 1024);
      return NULL;
    }
  /* GKeyFile stops at a NUL; a file with one is not text. */
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, (gssize)length, NULL))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           "Measure definition: not UTF-8 text");
      return NULL;
    }
  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, "Measure definition: %s",
                   local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (file, NULL);
  if (!read_instrument (file, def, &defaults, error)
      || !count_items (file, groups, &def->n_items, error))
    goto out;
  def->items = g_new0 (CfdInstrumentItem, def->n_items);
  def->bands = g_new0 (CfdInstrumentBand, MAX_BANDS);
  def->groups = g_new0 (CfdInstrumentGroup, MAX_GROUPS);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      const char *wanted = rule_groups[def->rule];

      if (strcmp (group, "Instrument") == 0)
        continue;
      if (g_str_has_prefix (group, "Item "))
        {
          if (!read_item (file, group, &defaults, def,
                          (guint)g_ascii_strtoull (group + 5, NULL, 10), error))
            goto out;
        }
      else if (g_str_has_prefix (group, "Band "))
        {
          if (!read_band (file, group, group + 5, def, error))
            goto out;
        }
      else if (wanted != NULL && g_str_has_prefix (group, wanted) && group[strlen (wanted)] == ' ')
        {
          if (!read_group (file, group, group + strlen (wanted) + 1, def, error))
            goto out;
        }
      else
        {
          fail (error, group, _ ("unknown group for %s scoring"), rule_names[def->rule]);
          goto out;
        }
    }
  for (guint i = 0; i < def->n_bands; i++)
    for (guint j = 0; j < i; j++)
      if (strcmp (def->bands[i].id, def->bands[j].id) == 0)
        {
          fail (error, def->bands[i].id, _ ("two bands have this id"));
          goto out;
        }
  ok = check_rule (def, error) && check_bands (def, error);

out:
  item_clear (&defaults);
  return ok ? g_steal_pointer (&def) : NULL;
}
