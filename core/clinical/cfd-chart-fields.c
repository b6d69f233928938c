/* cfd-chart-fields.c: what each chart list may hold, checked; "field: value" text parsed; medication classes.
 *
 * The fields are text so that a draft-like value (an onset "2019", a dose
 * "titrating") is kept as the clinician wrote it; only the values that
 * drive a check (status, severity, response, flags, weeks, dates) have a
 * fixed form. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfd-chart.h"
#include "cfd-date.h"
#include "cfd-error.h"

typedef struct
{
  const char *name;
  gboolean required;
} FieldSpec;

#define MAX_FIELDS 9

typedef struct
{
  const char *name;
  const char *closed_status;
  FieldSpec fields[MAX_FIELDS];
} ListSpec;

static const ListSpec lists[CFD_CHART_N_LISTS] = {
  [CFD_CHART_PROBLEM] = { "problem",
                          "resolved",
                          { { CFD_CHART_CODE, FALSE },
                            { CFD_CHART_TEXT, TRUE },
                            { CFD_CHART_ONSET, FALSE },
                            { CFD_CHART_NOTE, FALSE } } },
  /* The substance is required unless the entry is "no known drug
   * allergies"; checked below. */
  [CFD_CHART_ALLERGY] = { "allergy",
                          "inactive",
                          { { CFD_CHART_SUBSTANCE, FALSE },
                            { CFD_CHART_REACTION, FALSE },
                            { CFD_CHART_SEVERITY, FALSE },
                            { CFD_CHART_NKDA, FALSE },
                            { CFD_CHART_NOTE, FALSE } } },
  [CFD_CHART_MEDICATION] = { "medication",
                             "stopped",
                             { { CFD_CHART_NAME, TRUE },
                               { CFD_CHART_DOSE, FALSE },
                               { CFD_CHART_FREQUENCY, FALSE },
                               { CFD_CHART_START, FALSE },
                               { CFD_CHART_STOP, FALSE },
                               { CFD_CHART_FLAGS, FALSE },
                               { CFD_CHART_NOTE, FALSE } } },
  [CFD_CHART_TRIAL] = { "trial",
                        "withdrawn",
                        { { CFD_CHART_DRUG, TRUE },
                          { CFD_CHART_DOSE, FALSE },
                          { CFD_CHART_WEEKS, FALSE },
                          { CFD_CHART_RESPONSE, FALSE },
                          { CFD_CHART_NOTE, FALSE } } },
  /* The problem is checked against the chart's problems when stored. */
  [CFD_CHART_PLAN] = { "plan",
                       "completed",
                       { { CFD_CHART_PLAN_PROBLEM, TRUE },
                         { CFD_CHART_GOAL, TRUE },
                         { CFD_CHART_INTERVENTIONS, FALSE },
                         { CFD_CHART_FREQUENCY, FALSE },
                         { CFD_CHART_REVIEW, FALSE },
                         { CFD_CHART_NOTE, FALSE } } },
  [CFD_CHART_EPISODE] = { "episode",
                          "closed",
                          { { CFD_CHART_KIND, TRUE },
                            { CFD_CHART_START, TRUE },
                            { CFD_CHART_PLANNED, FALSE },
                            { CFD_CHART_END, FALSE },
                            { CFD_CHART_NOTE, FALSE } } },
};

const char *
cfd_chart_list_to_string (CfdChartList list)
{
  g_return_val_if_fail (list < CFD_CHART_N_LISTS, NULL);
  return lists[list].name;
}

gboolean
cfd_chart_list_from_string (const char *text, CfdChartList *list)
{
  for (guint i = 0; i < CFD_CHART_N_LISTS; i++)
    if (g_strcmp0 (text, lists[i].name) == 0)
      {
        *list = (CfdChartList)i;
        return TRUE;
      }
  return FALSE;
}

const char *
cfd_chart_closed_status (CfdChartList list)
{
  g_return_val_if_fail (list < CFD_CHART_N_LISTS, NULL);
  return lists[list].closed_status;
}

static const struct
{
  const char *name;
  const char *label;
} flag_names[CFD_MEDICATION_N_FLAGS] = {
  /* The labels are marked for the app, which shows them translated;
   * confidant-cli prints them as they are. */
  { "benzodiazepine", N_ ("Benzodiazepine") }, { "z-drug", N_ ("Z-drug hypnotic") },
  { "stimulant", N_ ("Stimulant") },           { "maoi", N_ ("MAOI") },
  { "lamotrigine", N_ ("Lamotrigine") },       { "opioid", N_ ("Opioid") },
};

static guint
flag_index (CfdMedicationFlags flag)
{
  for (guint i = 0; i < CFD_MEDICATION_N_FLAGS; i++)
    if (flag == (CfdMedicationFlags)(1u << i))
      return i;
  return CFD_MEDICATION_N_FLAGS;
}

const char *
cfd_medication_flag_to_string (CfdMedicationFlags flag)
{
  guint i = flag_index (flag);

  g_return_val_if_fail (i < CFD_MEDICATION_N_FLAGS, NULL);
  return flag_names[i].name;
}

const char *
cfd_medication_flag_label (CfdMedicationFlags flag)
{
  guint i = flag_index (flag);

  g_return_val_if_fail (i < CFD_MEDICATION_N_FLAGS, NULL);
  return flag_names[i].label;
}

gboolean
cfd_medication_flags_parse (const char *text, CfdMedicationFlags *flags)
{
  g_auto (GStrv) words = NULL;

  *flags = 0;
  if (text == NULL)
    return TRUE;
  words = g_strsplit_set (text, " ,", -1);
  for (guint w = 0; words[w] != NULL; w++)
    {
      gboolean known = FALSE;

      if (*words[w] == '\0')
        continue;
      for (guint i = 0; i < CFD_MEDICATION_N_FLAGS; i++)
        if (g_ascii_strcasecmp (words[w], flag_names[i].name) == 0)
          {
            *flags |= 1u << i;
            known = TRUE;
          }
      if (!known)
        return FALSE;
    }
  return TRUE;
}

char *
cfd_medication_flags_to_string (CfdMedicationFlags flags)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < CFD_MEDICATION_N_FLAGS; i++)
    if (flags & (1u << i))
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", flag_names[i].name);
  return g_string_free (text, FALSE);
}

/* Generic names and the class each belongs to, from the drugs' US labels
 * (docs/CLINICAL.md, "Medication classes"). Not exhaustive: a clinician
 * sets the flags of anything else by hand. */
static const struct
{
  const char *name;
  CfdMedicationFlags flags;
} known_drugs[] = {
  { "alprazolam", CFD_MEDICATION_BENZODIAZEPINE },
  { "chlordiazepoxide", CFD_MEDICATION_BENZODIAZEPINE },
  { "clobazam", CFD_MEDICATION_BENZODIAZEPINE },
  { "clonazepam", CFD_MEDICATION_BENZODIAZEPINE },
  { "clorazepate", CFD_MEDICATION_BENZODIAZEPINE },
  { "diazepam", CFD_MEDICATION_BENZODIAZEPINE },
  { "estazolam", CFD_MEDICATION_BENZODIAZEPINE },
  { "lorazepam", CFD_MEDICATION_BENZODIAZEPINE },
  { "midazolam", CFD_MEDICATION_BENZODIAZEPINE },
  { "oxazepam", CFD_MEDICATION_BENZODIAZEPINE },
  { "temazepam", CFD_MEDICATION_BENZODIAZEPINE },
  { "triazolam", CFD_MEDICATION_BENZODIAZEPINE },
  { "eszopiclone", CFD_MEDICATION_Z_DRUG },
  { "zaleplon", CFD_MEDICATION_Z_DRUG },
  { "zolpidem", CFD_MEDICATION_Z_DRUG },
  { "amphetamine", CFD_MEDICATION_STIMULANT },
  { "armodafinil", CFD_MEDICATION_STIMULANT },
  { "dexmethylphenidate", CFD_MEDICATION_STIMULANT },
  { "dextroamphetamine", CFD_MEDICATION_STIMULANT },
  { "lisdexamfetamine", CFD_MEDICATION_STIMULANT },
  { "methamphetamine", CFD_MEDICATION_STIMULANT },
  { "methylphenidate", CFD_MEDICATION_STIMULANT },
  { "modafinil", CFD_MEDICATION_STIMULANT },
  { "isocarboxazid", CFD_MEDICATION_MAOI },
  { "phenelzine", CFD_MEDICATION_MAOI },
  { "selegiline", CFD_MEDICATION_MAOI },
  { "tranylcypromine", CFD_MEDICATION_MAOI },
  { "lamotrigine", CFD_MEDICATION_LAMOTRIGINE },
  { "buprenorphine", CFD_MEDICATION_OPIOID },
  { "codeine", CFD_MEDICATION_OPIOID },
  { "fentanyl", CFD_MEDICATION_OPIOID },
  { "hydrocodone", CFD_MEDICATION_OPIOID },
  { "hydromorphone", CFD_MEDICATION_OPIOID },
  { "methadone", CFD_MEDICATION_OPIOID },
  { "morphine", CFD_MEDICATION_OPIOID },
  { "oxycodone", CFD_MEDICATION_OPIOID },
  { "oxymorphone", CFD_MEDICATION_OPIOID },
  { "tapentadol", CFD_MEDICATION_OPIOID },
  { "tramadol", CFD_MEDICATION_OPIOID },
};

CfdMedicationFlags
cfd_medication_flags_for_name (const char *name)
{
  g_autofree char *first = NULL;
  const char *end;

  if (name == NULL)
    return 0;
  while (g_ascii_isspace (*name))
    name++;
  for (end = name; g_ascii_isalpha (*end) || *end == '-'; end++)
    ;
  first = g_strndup (name, end - name);
  for (guint i = 0; i < G_N_ELEMENTS (known_drugs); i++)
    if (g_ascii_strcasecmp (first, known_drugs[i].name) == 0)
      return known_drugs[i].flags;
  return 0;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static const FieldSpec *
find_field (CfdChartList list, const char *name)
{
  for (guint i = 0; i < MAX_FIELDS && lists[list].fields[i].name != NULL; i++)
    if (g_strcmp0 (lists[list].fields[i].name, name) == 0)
      return &lists[list].fields[i];
  return NULL;
}

static gboolean
one_of (const char *value, const char *const *choices)
{
  for (guint i = 0; choices[i] != NULL; i++)
    if (g_strcmp0 (value, choices[i]) == 0)
      return TRUE;
  return FALSE;
}

/* YYYY, YYYY-MM or a real YYYY-MM-DD: an onset is often known only to the
 * year or month. */
static gboolean
partial_date_is_valid (const char *text)
{
  gsize len = strlen (text);
  int month;

  if (len == 10)
    return cfd_date_is_valid (text);
  if (len != 4 && len != 7)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  if (len == 4)
    return TRUE;
  if (text[4] != '-' || !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[6]))
    return FALSE;
  month = (text[5] - '0') * 10 + (text[6] - '0');
  return month >= 1 && month <= 12;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* An ICD-10-CM code: a letter, two characters, then optionally a dot and
 * one to four characters (docs/CLINICAL.md). The code list is a help,
 * not a limit: codes outside it are kept. */
static gboolean
icd10_code_is_valid (const char *code)
{
  gsize len = strlen (code);

  if (len < 3 || len > 8 || !g_ascii_isupper (code[0]) || !g_ascii_isdigit (code[1])
      || !g_ascii_isalnum (code[2]))
    return FALSE;
  if (len == 3)
    return TRUE;
  if (code[3] != '.' || len == 4)
    return FALSE;
  for (gsize i = 4; i < len; i++)
    if (!g_ascii_isalnum (code[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_value (CfdChartList list, const char *key, const char *value, GError **error)
{
  static const char *const severities[] = { "mild", "moderate", "severe", "unknown", NULL };
  static const char *const episode_kinds[] = { "first-series", "maintenance", "other", NULL };
  static const char *const responses[]
      = { "none", "partial", "remission", "intolerant", "unknown", NULL };

  if (g_strcmp0 (key, CFD_CHART_STATUS) == 0)
    {
      if (g_strcmp0 (value, "active") != 0 && g_strcmp0 (value, lists[list].closed_status) != 0)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("The status of a %s is active or %s"), lists[list].name,
                       lists[list].closed_status);
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (key, CFD_CHART_CODE) == 0 && !icd10_code_is_valid (value))
    return invalid (error,
                    _ ("An ICD-10-CM code is written like F33.1 (a letter, two characters, a "
                       "dot, up to four more)"));
  if ((g_strcmp0 (key, CFD_CHART_ONSET) == 0 || g_strcmp0 (key, CFD_CHART_START) == 0
       || g_strcmp0 (key, CFD_CHART_STOP) == 0)
      && list != CFD_CHART_EPISODE && !partial_date_is_valid (value))
    return invalid (error, _ ("A date is written YYYY, YYYY-MM or YYYY-MM-DD"));
  /* An episode's days decide which dosing sessions it counts, and a review
   * is due on a day: whole dates. */
  if (((list == CFD_CHART_EPISODE
        && (g_strcmp0 (key, CFD_CHART_START) == 0 || g_strcmp0 (key, CFD_CHART_END) == 0))
       || g_strcmp0 (key, CFD_CHART_REVIEW) == 0)
      && !cfd_date_is_valid (value))
    return invalid (error, _ ("This date is written YYYY-MM-DD"));
  if (g_strcmp0 (key, CFD_CHART_KIND) == 0 && !one_of (value, episode_kinds))
    return invalid (error, _ ("The kind of an episode is first-series, maintenance or other"));
  if (g_strcmp0 (key, CFD_CHART_PLANNED) == 0)
    {
      guint64 planned;

      if (!g_ascii_string_to_unsigned (value, 10, 0, 520, &planned, NULL))
        return invalid (error, _ ("The planned sessions are a whole number from 0 to 520"));
    }
  if (g_strcmp0 (key, CFD_CHART_SEVERITY) == 0 && !one_of (value, severities))
    return invalid (error, _ ("The severity is mild, moderate, severe or unknown"));
  if (g_strcmp0 (key, CFD_CHART_RESPONSE) == 0 && !one_of (value, responses))
    return invalid (error, _ ("The response is none, partial, remission, intolerant or unknown"));
  if (g_strcmp0 (key, CFD_CHART_NKDA) == 0 && g_strcmp0 (value, "yes") != 0)
    return invalid (error, _ ("“nkda” is either “yes” or absent"));
  if (g_strcmp0 (key, CFD_CHART_FLAGS) == 0)
    {
      CfdMedicationFlags flags;

      if (!cfd_medication_flags_parse (value, &flags))
        return invalid (error, _ ("The medication flags are benzodiazepine, z-drug, stimulant, "
                                  "maoi, lamotrigine and opioid"));
    }
  if (g_strcmp0 (key, CFD_CHART_WEEKS) == 0)
    {
      guint64 weeks;

      if (!g_ascii_string_to_unsigned (value, 10, 0, 520, &weeks, NULL))
        return invalid (error, _ ("The weeks of a trial are a whole number from 0 to 520"));
    }
  return TRUE;
}

gboolean
cfd_chart_fields_validate (CfdChartList list, GVariant *fields, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  const char *text;

  g_return_val_if_fail (list < CFD_CHART_N_LISTS, FALSE);
  if (fields == NULL || !g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT))
    return invalid (error, _ ("A chart entry must be a dictionary of text fields"));

  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr (GVariant) owned = value;

      if (g_strcmp0 (key, CFD_CHART_STATUS) != 0 && find_field (list, key) == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("A %s has no field “%s”"),
                       lists[list].name, key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return invalid (error, _ ("Chart fields must be text"));
      text = g_variant_get_string (value, NULL);
      if (strlen (text) > CFD_CHART_MAX_FIELD_BYTES)
        return invalid (error, _ ("A chart field is longer than 4 KiB"));
      if (!check_value (list, key, text, error))
        return FALSE;
    }

  for (guint i = 0; i < MAX_FIELDS && lists[list].fields[i].name != NULL; i++)
    if (lists[list].fields[i].required
        && (!g_variant_lookup (fields, lists[list].fields[i].name, "&s", &text) || is_blank (text)))
      {
        g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("A %s needs a “%s”"),
                     lists[list].name, lists[list].fields[i].name);
        return FALSE;
      }

  if (list == CFD_CHART_ALLERGY)
    {
      gboolean nkda = g_variant_lookup (fields, CFD_CHART_NKDA, "&s", &text);
      gboolean substance
          = g_variant_lookup (fields, CFD_CHART_SUBSTANCE, "&s", &text) && !is_blank (text);

      if (nkda
          && (substance || g_variant_lookup (fields, CFD_CHART_REACTION, "&s", &text)
              || g_variant_lookup (fields, CFD_CHART_SEVERITY, "&s", &text)))
        return invalid (error, _ ("“No known drug allergies” names no substance, reaction or "
                                  "severity"));
      if (!nkda && !substance)
        return invalid (error,
                        _ ("An allergy needs a “substance” (or “nkda: yes” for no known drug "
                           "allergies)"));
    }
  if (list == CFD_CHART_EPISODE)
    {
      const char *start = NULL, *end = NULL;

      /* Both YYYY-MM-DD, checked above: they compare as text. */
      if (g_variant_lookup (fields, CFD_CHART_START, "&s", &start)
          && g_variant_lookup (fields, CFD_CHART_END, "&s", &end) && strcmp (end, start) < 0)
        return invalid (error, _ ("An episode ends on or after its start"));
    }
  return TRUE;
}

GVariant *
cfd_chart_fields_parse (CfdChartList list, const char *text, gsize length, GError **error)
{
  g_autoptr (GVariantDict) dict = g_variant_dict_new (NULL);
  g_autoptr (GVariant) fields = NULL;
  const char *end = text + length;
  const char *line = text;
  guint line_number = 0;

  g_return_val_if_fail (list < CFD_CHART_N_LISTS, NULL);
  if (length > 64 * 1024)
    {
      invalid (error, _ ("A chart entry is longer than 64 KiB"));
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, length, NULL))
    {
      invalid (error, _ ("A chart entry must be UTF-8 text without NUL bytes"));
      return NULL;
    }

  while (line < end)
    {
      const char *newline = memchr (line, '\n', end - line);
      const char *stop = newline != NULL ? newline : end;
      g_autofree char *raw = g_strndup (line, stop - line);
      char *colon;
      char *key, *value;

      line_number++;
      line = newline != NULL ? newline + 1 : end;
      g_strstrip (raw);
      if (*raw == '\0' || *raw == '#')
        continue;
      colon = strchr (raw, ':');
      if (colon == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("Line %u is not written “field: value”"), line_number);
          return NULL;
        }
      *colon = '\0';
      key = g_strstrip (raw);
      value = g_strstrip (colon + 1);
      if (g_variant_dict_contains (dict, key))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("Line %u repeats a field given earlier"), line_number);
          return NULL;
        }
      /* An empty value is kept: an edit removes the field with it. */
      g_variant_dict_insert (dict, key, "s", value);
    }
  fields = g_variant_ref_sink (g_variant_dict_end (dict));
  return g_steal_pointer (&fields);
}
