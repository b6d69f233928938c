/* cfd-template.c: what each record kind holds, read from the templates in data/templates. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cfd-error.h"
#include "cfd-date.h"
#include "cfd-dosing-checks.h"
#include "cfd-risk-level.h"
#include "cfd-template-private.h"
#include "cfd-templates-resources.h"
#include "cfd-sedation.h"
#include "cfd-vitals.h"

#define RESOURCE_PREFIX    "/org/confidant/Confidant/templates/"
#define N_KINDS            (CFD_RECORD_LAST_KIND + 1)
#define MAX_LINE_BYTES     (16 * 1024)
#define MAX_TEXT_BYTES     (8 * 1024 * 1024)
#define MAX_VITALS_ROWS    2000
#define MAX_CHECKLIST_SIZE 64
#define MAX_TYPED_CELL     64 /* bytes of one vitals cell as typed */

static const struct
{
  const char *name;
  CfdFieldType type;
} field_types[] = {
  { "text", CFD_FIELD_TEXT },         { "long-text", CFD_FIELD_LONG_TEXT },
  { "integer", CFD_FIELD_INTEGER },   { "number", CFD_FIELD_NUMBER },
  { "choice", CFD_FIELD_CHOICE },     { "date", CFD_FIELD_DATE },
  { "time", CFD_FIELD_TIME },         { "boolean", CFD_FIELD_BOOLEAN },
  { "vitals", CFD_FIELD_VITALS },     { "checklist", CFD_FIELD_CHECKLIST },
  { "sedation", CFD_FIELD_SEDATION },
};

static gboolean is_choice (const CfdTemplateField *field, const char *value);

static void
field_free (gpointer data)
{
  CfdTemplateField *field = data;

  g_free (field->id);
  g_free (field->label);
  g_free (field->help);
  g_free (field->unit);
  g_strfreev (field->choices);
  g_strfreev (field->choice_labels);
  g_free (field->shown_when_field);
  g_strfreev (field->shown_when_values);
  g_free (field);
}

void
cfd_template_problem_free (CfdTemplateProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->field_id);
  g_free (problem->message);
  g_free (problem);
}

/* ShownWhen=FIELD=V1,V2 */
static gboolean
parse_shown_when (CfdTemplateField *field, const char *text)
{
  const char *equals = text != NULL ? strchr (text, '=') : NULL;

  if (text == NULL)
    return TRUE;
  if (equals == NULL || equals == text || equals[1] == '\0')
    return FALSE;
  field->shown_when_field = g_strndup (text, equals - text);
  field->shown_when_values = g_strsplit (equals + 1, ",", -1);
  return TRUE;
}

/* The templates ship inside the binary, so a broken one is a build defect:
 * it aborts loudly rather than letting records go unchecked. */
/* The templates' text is in English; po/extract-templates.py puts each
 * title, label, help and choice label in the message catalogue, and the
 * user's language is looked up here, once, when the templates load. */
static char *
translate (char *text, gboolean translated_wanted)
{
  char *translated;

  if (text == NULL || text[0] == '\0' || !translated_wanted)
    return text;
  translated = g_strdup (g_dgettext (GETTEXT_PACKAGE, text));
  g_free (text);
  return translated;
}

static char *
get_translated (GKeyFile *file, const char *group, const char *key, gboolean translated)
{
  return translate (g_key_file_get_string (file, group, key, NULL), translated);
}

static char **
get_translated_list (GKeyFile *file, const char *group, const char *key, gboolean translated)
{
  char **items = g_key_file_get_string_list (file, group, key, NULL, NULL);

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    items[i] = translate (g_strstrip (items[i]), translated);
  return items;
}

static CfdTemplate *
load_template (CfdRecordKind kind, gboolean translated)
{
  g_autofree char *path
      = g_strdup_printf (RESOURCE_PREFIX "%s.template", cfd_record_kind_to_string (kind));
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = NULL;
  g_autofree char *kind_name = NULL;
  CfdTemplate *tmpl;

  data = g_resource_lookup_data (cfd_templates_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                 &error);
  if (data == NULL || !g_key_file_load_from_bytes (file, data, G_KEY_FILE_NONE, &error))
    g_error ("Record template %s cannot be read: %s", path, error->message);
  kind_name = g_key_file_get_string (file, "Template", "Kind", NULL);
  if (g_strcmp0 (kind_name, cfd_record_kind_to_string (kind)) != 0)
    g_error ("Record template %s names the wrong kind", path);

  tmpl = g_new0 (CfdTemplate, 1);
  tmpl->kind = kind;
  tmpl->title = get_translated (file, "Template", "Title", translated);
  tmpl->description = get_translated (file, "Template", "Description", translated);
  tmpl->fields = g_ptr_array_new_with_free_func (field_free);

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      CfdTemplateField *field;
      g_autofree char *type = NULL;
      g_autofree char *shown_when = NULL;
      gboolean known = FALSE;

      if (!g_str_has_prefix (groups[i], "Field "))
        continue;
      field = g_new0 (CfdTemplateField, 1);
      field->id = g_strdup (groups[i] + strlen ("Field "));
      field->label = get_translated (file, groups[i], "Label", translated);
      field->help = get_translated (file, groups[i], "Help", translated);
      field->unit = g_key_file_get_string (file, groups[i], "Unit", NULL);
      field->required = g_key_file_get_boolean (file, groups[i], "Required", NULL);
      field->computed = g_key_file_get_boolean (file, groups[i], "Computed", NULL);
      field->only_when_set = g_key_file_get_boolean (file, groups[i], "OnlyWhenSet", NULL);
      field->min = g_key_file_has_key (file, groups[i], "Min", NULL)
                       ? g_key_file_get_double (file, groups[i], "Min", NULL)
                       : -G_MAXDOUBLE;
      field->max = g_key_file_has_key (file, groups[i], "Max", NULL)
                       ? g_key_file_get_double (file, groups[i], "Max", NULL)
                       : G_MAXDOUBLE;
      field->plausible_min = g_key_file_has_key (file, groups[i], "PlausibleMin", NULL)
                                 ? g_key_file_get_double (file, groups[i], "PlausibleMin", NULL)
                                 : -G_MAXDOUBLE;
      field->plausible_max = g_key_file_has_key (file, groups[i], "PlausibleMax", NULL)
                                 ? g_key_file_get_double (file, groups[i], "PlausibleMax", NULL)
                                 : G_MAXDOUBLE;
      field->choices = g_key_file_get_string_list (file, groups[i], "Choices", NULL, NULL);
      field->choice_labels = get_translated_list (file, groups[i], "ChoiceLabels", translated);
      shown_when = g_key_file_get_string (file, groups[i], "ShownWhen", NULL);
      type = g_key_file_get_string (file, groups[i], "Type", NULL);
      for (guint t = 0; t < G_N_ELEMENTS (field_types); t++)
        if (g_strcmp0 (type, field_types[t].name) == 0)
          {
            field->type = field_types[t].type;
            known = TRUE;
          }
      if (!known || field->label == NULL || field->min > field->max
          || !parse_shown_when (field, shown_when)
          || (field->computed
              && ((field->type != CFD_FIELD_NUMBER && field->type != CFD_FIELD_CHOICE)
                  || field->required)))
        g_error ("Record template %s: field %s is not well formed", path, field->id);
      if ((field->type == CFD_FIELD_CHOICE || field->type == CFD_FIELD_CHECKLIST)
          && (field->choices == NULL || field->choice_labels == NULL
              || g_strv_length (field->choices) != g_strv_length (field->choice_labels)))
        g_error ("Record template %s: field %s needs as many choices as labels", path, field->id);
      g_ptr_array_add (tmpl->fields, field);
    }
  if (tmpl->fields->len == 0)
    g_error ("Record template %s has no fields", path);
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      const CfdTemplateField *on;

      if (field->shown_when_field == NULL)
        continue;
      on = cfd_template_find_field (tmpl, field->shown_when_field);
      if (on == NULL || on->type != CFD_FIELD_CHOICE)
        g_error ("Record template %s: field %s is shown on an unknown choice", path, field->id);
      for (guint v = 0; field->shown_when_values[v] != NULL; v++)
        if (!is_choice (on, field->shown_when_values[v]))
          g_error ("Record template %s: field %s is shown on an unknown value", path, field->id);
    }
  return tmpl;
}

const CfdTemplate *
cfd_template_get (CfdRecordKind kind)
{
  static CfdTemplate *templates[N_KINDS];
  static gsize loaded;

  g_return_val_if_fail ((guint)kind < N_KINDS, NULL);
  if (g_once_init_enter (&loaded))
    {
      for (guint k = 0; k < N_KINDS; k++)
        templates[k] = load_template ((CfdRecordKind)k, TRUE);
      g_once_init_leave (&loaded, 1);
    }
  return templates[kind];
}

const CfdTemplate *
cfd_template_get_untranslated (CfdRecordKind kind)
{
  static CfdTemplate *templates[N_KINDS];
  static gsize loaded;

  g_return_val_if_fail ((guint)kind < N_KINDS, NULL);
  if (g_once_init_enter (&loaded))
    {
      for (guint k = 0; k < N_KINDS; k++)
        templates[k] = load_template ((CfdRecordKind)k, FALSE);
      g_once_init_leave (&loaded, 1);
    }
  return templates[kind];
}

const CfdTemplateField *
cfd_template_find_field (const CfdTemplate *tmpl, const char *id)
{
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);

      if (g_strcmp0 (field->id, id) == 0)
        return field;
    }
  return NULL;
}

gboolean
cfd_template_is_valid_time (const char *text)
{
  return strlen (text) == 5 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1])
         && text[2] == ':' && g_ascii_isdigit (text[3]) && g_ascii_isdigit (text[4])
         && (text[0] - '0') * 10 + (text[1] - '0') < 24 && text[3] < '6';
}

static gboolean
field_error (GError **error, const CfdTemplateField *field, const char *problem)
{
  /* TRANSLATORS: a field's label, then what is wrong with its value
   * ("must be a whole number"). */
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("“%s” %s"), field->label, problem);
  return FALSE;
}

static gboolean
in_range (const CfdTemplateField *field, double value, GError **error)
{
  g_autofree char *problem = NULL;

  if (isfinite (value) && value >= field->min && value <= field->max)
    return TRUE;
  problem = g_strdup_printf (_ ("must be between %g and %g%s%s"), field->min, field->max,
                             field->unit ? " " : "", field->unit ? field->unit : "");
  return field_error (error, field, problem);
}

static gboolean
is_choice (const CfdTemplateField *field, const char *value)
{
  return value != NULL && field->choices != NULL
         && g_strv_contains ((const char *const *)field->choices, value);
}

/* A rating row's timepoint is one of the field's choices, the same
 * vocabulary as the vital signs' (data/templates/dosing.template). */
static gboolean
check_rating_timepoints (const CfdTemplateField *field, GVariant *value, GError **error)
{
  g_autoptr (GArray) rows = cfd_sedation_ratings (value);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *timepoint = g_array_index (rows, CfdSedationRating, i).timepoint;

      if (timepoint[0] != '\0' && !is_choice (field, timepoint))
        return field_error (error, field, _ ("has a timepoint that is not one of the listed ones"));
    }
  return TRUE;
}

/* The ranges outside which a reading cannot be real (docs/CLINICAL.md):
 * a typing slip, never a patient. */
static gboolean
check_vitals (const CfdTemplateField *field, GVariant *value, GError **error)
{
  g_autoptr (GArray) readings = NULL;

  if (g_variant_n_children (value) > MAX_VITALS_ROWS)
    return field_error (error, field, _ ("has too many readings"));
  readings = cfd_vitals_readings (value);
  for (guint i = 0; i < readings->len; i++)
    {
      const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);

      if (!cfd_template_is_valid_time (r->time))
        return field_error (error, field, _ ("needs a time written HH:MM for every reading"));
      if (r->timepoint[0] != '\0' && !is_choice (field, r->timepoint))
        return field_error (error, field, _ ("has a timepoint that is not one of the listed ones"));
      if (r->systolic < 40 || r->systolic > 300 || r->diastolic < 20 || r->diastolic > 200
          || r->diastolic >= r->systolic)
        return field_error (error, field, _ ("has a blood pressure outside 40-300 / 20-200 mmHg"));
      if (r->heart_rate < 20 || r->heart_rate > 250)
        return field_error (error, field, _ ("has a heart rate outside 20-250 per minute"));
      if (r->spo2 < 50 || r->spo2 > 100)
        return field_error (error, field, _ ("has an oxygen saturation outside 50-100 %"));
      if (r->has_respiratory_rate && (r->respiratory_rate < 4 || r->respiratory_rate > 60))
        return field_error (error, field, _ ("has a respiratory rate outside 4-60 per minute"));
    }
  return TRUE;
}

static gboolean
check_value (const CfdTemplateField *field, GVariant *value, GError **error)
{
  switch (field->type)
    {
      case CFD_FIELD_TEXT:
      case CFD_FIELD_LONG_TEXT:
        {
          gsize len;
          const char *text;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
            return field_error (error, field, _ ("must be text"));
          text = g_variant_get_string (value, &len);
          if (field->type == CFD_FIELD_TEXT && (len > MAX_LINE_BYTES || strchr (text, '\n')))
            return field_error (error, field, _ ("must be a single line of text"));
          if (len > MAX_TEXT_BYTES)
            return field_error (error, field, _ ("is longer than 8 MiB"));
          return TRUE;
        }
      case CFD_FIELD_INTEGER:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
          return field_error (error, field, _ ("must be a whole number"));
        return in_range (field, (double)g_variant_get_int64 (value), error);
      case CFD_FIELD_NUMBER:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          return field_error (error, field, _ ("must be a number"));
        return in_range (field, g_variant_get_double (value), error);
      case CFD_FIELD_CHOICE:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
            || !is_choice (field, g_variant_get_string (value, NULL)))
          return field_error (error, field, _ ("must be one of the listed choices"));
        return TRUE;
      case CFD_FIELD_CHECKLIST:
        {
          g_autofree const char **items = NULL;
          gsize n = 0;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
            return field_error (error, field, _ ("must be a list of choices"));
          items = g_variant_get_strv (value, &n);
          if (n > MAX_CHECKLIST_SIZE)
            return field_error (error, field, _ ("has too many entries"));
          for (gsize i = 0; i < n; i++)
            {
              if (!is_choice (field, items[i]))
                return field_error (error, field, _ ("must hold only the listed choices"));
              for (gsize j = 0; j < i; j++)
                if (strcmp (items[i], items[j]) == 0)
                  return field_error (error, field, _ ("lists a choice twice"));
            }
          return TRUE;
        }
      case CFD_FIELD_DATE:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
            || !cfd_date_is_valid (g_variant_get_string (value, NULL)))
          return field_error (error, field, _ ("must be a real date written YYYY-MM-DD"));
        return TRUE;
      case CFD_FIELD_TIME:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
            || !cfd_template_is_valid_time (g_variant_get_string (value, NULL)))
          return field_error (error, field, _ ("must be a time written HH:MM (00:00-23:59)"));
        return TRUE;
      case CFD_FIELD_BOOLEAN:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
          return field_error (error, field, _ ("must be yes or no"));
        return TRUE;
      case CFD_FIELD_VITALS:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE)))
          return field_error (
              error, field, _ ("needs a time and a whole number for every value of every reading"));
        if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE)))
          return field_error (
              error, field, _ ("needs a time and a whole number for every value of every reading"));
        if (!cfd_vitals_is_readings (value))
          return field_error (error, field, _ ("must be a series of vital sign readings"));
        return check_vitals (field, value, error);
      case CFD_FIELD_SEDATION:
        if (cfd_sedation_is_typed (value))
          return field_error (error, field,
                              _ ("needs a time and whole numbers for the ratings of every row"));
        if (!cfd_sedation_is_ratings (value))
          return field_error (error, field, _ ("must be a series of ratings"));
        if (g_variant_n_children (value) > MAX_VITALS_ROWS)
          return field_error (error, field, _ ("has too many rows"));
        if (cfd_sedation_problem (value) != NULL)
          return field_error (error, field, cfd_sedation_problem (value));
        return check_rating_timepoints (field, value, error);
      default:
        g_assert_not_reached ();
    }
}

/* ---- drafts: what was typed, whatever it is ---- */

static gboolean
is_single_line (GVariant *value, gsize max_len)
{
  gsize len;
  const char *text = g_variant_get_string (value, &len);

  return len <= max_len && strchr (text, '\n') == NULL;
}

static gboolean
check_typed_vitals (const CfdTemplateField *field, GVariant *value, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;

  if (g_variant_n_children (value) > MAX_VITALS_ROWS)
    return field_error (error, field, _ ("has too many readings"));
  rows = cfd_vitals_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      for (guint j = 0; cells[j] != NULL; j++)
        if (strlen (cells[j]) > MAX_TYPED_CELL || strchr (cells[j], '\n') != NULL)
          return field_error (error, field, _ ("has a reading too long to be what was typed"));
    }
  return TRUE;
}

static gboolean
check_typed_sedation (const CfdTemplateField *field, GVariant *value, GError **error)
{
  g_autoptr (GPtrArray) rows = NULL;

  if (g_variant_n_children (value) > MAX_VITALS_ROWS)
    return field_error (error, field, _ ("has too many rows"));
  rows = cfd_sedation_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      for (guint j = 0; cells[j] != NULL; j++)
        if (strlen (cells[j]) > MAX_TYPED_CELL || strchr (cells[j], '\n') != NULL)
          return field_error (error, field, _ ("has a row too long to be what was typed"));
    }
  return TRUE;
}

/* The shape a draft's value may take; the meaning is checked at signing. */
static gboolean
check_draft_value (const CfdTemplateField *field, GVariant *value, GError **error)
{
  switch (field->type)
    {
      case CFD_FIELD_INTEGER:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
          return TRUE;
        break;
      case CFD_FIELD_NUMBER:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          {
            if (!isfinite (g_variant_get_double (value)))
              return field_error (error, field, _ ("must be a finite number"));
            return TRUE;
          }
        break;
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        break;
      case CFD_FIELD_VITALS:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE))
            || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE)))
          return check_typed_vitals (field, value, error);
        if (cfd_vitals_is_readings (value))
          {
            if (g_variant_n_children (value) > MAX_VITALS_ROWS)
              return field_error (error, field, _ ("has too many readings"));
            return TRUE;
          }
        return field_error (error, field, _ ("must be a series of vital sign readings"));
      case CFD_FIELD_SEDATION:
        if (cfd_sedation_is_typed (value))
          return check_typed_sedation (field, value, error);
        if (cfd_sedation_is_ratings (value))
          {
            if (g_variant_n_children (value) > MAX_VITALS_ROWS)
              return field_error (error, field, _ ("has too many rows"));
            return TRUE;
          }
        return field_error (error, field, _ ("must be a series of ratings"));
      default:
        /* Text, choices, yes/no and checklists cannot be typed wrongly:
         * the same rules as for a signed record. */
        return check_value (field, value, error);
    }
  /* A number, date or time as typed: one line of text. */
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      || !is_single_line (value, MAX_LINE_BYTES))
    return field_error (error, field, _ ("must be a value or one line of text as typed"));
  return TRUE;
}

static gboolean
check_dictionary (const CfdTemplate *tmpl, GVariant *content, gboolean draft, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (content == NULL || !g_variant_is_of_type (content, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Record content must be a dictionary of fields"));
      return FALSE;
    }
  g_variant_iter_init (&iter, content);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr (GVariant) owned = value;
      const CfdTemplateField *field = cfd_template_find_field (tmpl, key);

      if (field == NULL)
        {
          /* Field ids come from the caller's program, not from patients. */
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("A %s has no field “%s”"),
                       tmpl->title, key);
          return FALSE;
        }
      if (!(draft ? check_draft_value (field, value, error) : check_value (field, value, error)))
        return FALSE;
    }
  return TRUE;
}

gboolean
cfd_template_validate_draft (const CfdTemplate *tmpl, GVariant *content, GError **error)
{
  return check_dictionary (tmpl, content, TRUE, error);
}

gboolean
cfd_template_value_is_typed (const CfdTemplateField *field, GVariant *value)
{
  switch (field->type)
    {
      case CFD_FIELD_INTEGER:
      case CFD_FIELD_NUMBER:
        return g_variant_is_of_type (value, G_VARIANT_TYPE_STRING);
      case CFD_FIELD_VITALS:
        return g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE))
               || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE));
      case CFD_FIELD_SEDATION:
        return cfd_sedation_is_typed (value);
      default:
        return FALSE;
    }
}

char *
cfd_template_field_problem (const CfdTemplateField *field, GVariant *value)
{
  g_autoptr (GError) error = NULL;

  if (value == NULL || field->computed)
    return NULL;
  if (check_value (field, value, &error))
    return NULL;
  return g_strdup (error->message);
}

gboolean
cfd_template_validate (const CfdTemplate *tmpl, GVariant *content, GError **error)
{
  return check_dictionary (tmpl, content, FALSE, error);
}

static gboolean
is_empty (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      for (const char *p = g_variant_get_string (value, NULL); *p != '\0'; p = g_utf8_next_char (p))
        if (!g_unichar_isspace (g_utf8_get_char (p)))
          return FALSE;
      return TRUE;
    }
  if (g_variant_is_container (value))
    return g_variant_n_children (value) == 0;
  return FALSE;
}

/* Appends the labels of required fields left unanswered to problems. */
static void
list_missing (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = NULL;

      if (!field->required)
        continue;
      value = g_variant_lookup_value (content, field->id, NULL);
      if (value == NULL || is_empty (value))
        g_ptr_array_add (problems, g_strdup_printf (field->type == CFD_FIELD_BOOLEAN
                                                        ? _ ("“%s” must be answered yes or no")
                                                        : _ ("“%s” must be filled in"),
                                                    field->label));
    }
}

static gboolean
problems_error (GPtrArray *problems, const char *lead, GError **error)
{
  g_autoptr (GString) message = NULL;

  if (problems->len == 0)
    return TRUE;
  message = g_string_new (lead);
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (message, "\n• %s", (const char *)g_ptr_array_index (problems, i));
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message->str);
  return FALSE;
}

gboolean
cfd_template_check_complete (const CfdTemplate *tmpl, GVariant *content, GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  list_missing (tmpl, content, problems);
  return problems_error (problems, _ ("Before the record is signed:"), error);
}

gboolean
cfd_template_check_signable (const CfdTemplate *tmpl, GVariant *content, GError **error)
{
  return cfd_template_check_signable_with (tmpl, content, &cfd_dosing_default_thresholds, error);
}

gboolean
cfd_template_check_signable_with (const CfdTemplate *tmpl,
                                  GVariant *content,
                                  const CfdDosingThresholds *thresholds,
                                  GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cross = NULL;

  if (!check_dictionary (tmpl, content, TRUE, error))
    return FALSE;
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);
      char *problem = cfd_template_field_problem (field, value);

      if (problem != NULL)
        g_ptr_array_add (problems, problem);
    }
  list_missing (tmpl, content, problems);
  cross = cfd_template_cross_field_problems_with (tmpl, content, thresholds);
  for (guint i = 0; i < cross->len; i++)
    {
      CfdTemplateProblem *problem = g_ptr_array_index (cross, i);

      g_ptr_array_add (problems, g_strdup (problem->message));
    }
  return problems_error (problems, _ ("Before the record is signed:"), error);
}

static gboolean
numeric_value (GVariant *value, double *out)
{
  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    *out = g_variant_get_double (value);
  else if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    *out = (double)g_variant_get_int64 (value);
  else
    return FALSE;
  return TRUE;
}

char *
cfd_template_field_warning (const CfdTemplateField *field, GVariant *value)
{
  const char *unit = field->unit != NULL ? field->unit : "";
  const char *space = field->unit != NULL ? " " : "";
  double number;

  if (!numeric_value (value, &number))
    return NULL;
  if (number < field->plausible_min)
    return g_strdup_printf ("“%s” is %g%s%s, below the usual %g%s%s", field->label, number, space,
                            unit, field->plausible_min, space, unit);
  if (number > field->plausible_max)
    return g_strdup_printf ("“%s” is %g%s%s, above the usual %g%s%s", field->label, number, space,
                            unit, field->plausible_max, space, unit);
  return NULL;
}

GStrv
cfd_template_plausibility_warnings (const CfdTemplate *tmpl, GVariant *content)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);
      g_autofree char *warning = cfd_template_field_warning (field, value);

      if (warning != NULL)
        {
          g_strv_builder_add (builder, warning);
          any = TRUE;
        }
    }
  if (tmpl->kind == CFD_RECORD_DOSING)
    any |= cfd_dosing_add_warnings (content, builder);
  return any ? g_strv_builder_end (builder) : NULL;
}

/* mg/kg is core's to compute, never the caller's: it is replaced whenever
 * dose and weight are both there and dropped when either is missing. */
static GVariant *
with_dose_per_kg (GVariant *content, gboolean draft, GError **error)
{
  GVariantDict dict;
  double weight = 0, dose = 0;
  gboolean has_weight, has_dose;

  /* A draft's weight or dose may be text as typed: then there is no mg/kg. */
  has_weight = g_variant_lookup (content, "weight-kg", "d", &weight);
  has_dose = g_variant_lookup (content, "dose-mg", "d", &dose);
  if (draft && has_weight && !(weight > 0))
    has_weight = FALSE;
  if (has_weight && !(weight > 0))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The weight must be above 0 kg"));
      return NULL;
    }
  g_variant_dict_init (&dict, content);
  g_variant_dict_remove (&dict, "dose-mg-per-kg");
  if (has_weight && has_dose)
    g_variant_dict_insert (&dict, "dose-mg-per-kg", "d", round (dose / weight * 1000.0) / 1000.0);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static GVariant *
compute (const CfdTemplate *tmpl, GVariant *content, gboolean draft, GError **error)
{
  g_autoptr (GVariant) with_kg = NULL;

  g_return_val_if_fail (content != NULL && g_variant_is_of_type (content, G_VARIANT_TYPE_VARDICT),
                        NULL);

  switch (tmpl->kind)
    {
      case CFD_RECORD_DOSING:
        with_kg = with_dose_per_kg (content, draft, error);
        return with_kg != NULL ? cfd_dosing_compute (with_kg) : NULL;
      case CFD_RECORD_RISK:
        return cfd_risk_compute (content);
      default:
        return g_variant_ref (content);
    }
}

GVariant *
cfd_template_compute (const CfdTemplate *tmpl, GVariant *content, GError **error)
{
  return compute (tmpl, content, FALSE, error);
}

GVariant *
cfd_template_compute_draft (const CfdTemplate *tmpl, GVariant *content)
{
  return compute (tmpl, content, TRUE, NULL);
}

gboolean
cfd_template_field_applies (const CfdTemplateField *field, GVariant *content)
{
  const char *value = NULL;

  if (field->shown_when_field == NULL)
    return TRUE;
  return g_variant_lookup (content, field->shown_when_field, "&s", &value)
         && g_strv_contains ((const char *const *)field->shown_when_values, value);
}

/* A value in a field that does not belong to the record as it is: an
 * infusion rate on an intranasal dose. */
static void
add_misplaced_values (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      const CfdTemplateField *on;
      g_autoptr (GVariant) value = NULL;
      g_autoptr (GString) labels = NULL;
      CfdTemplateProblem *problem;

      if (field->shown_when_field == NULL || cfd_template_field_applies (field, content))
        continue;
      value = g_variant_lookup_value (content, field->id, NULL);
      if (value == NULL || is_empty (value))
        continue;
      on = cfd_template_find_field (tmpl, field->shown_when_field);
      labels = g_string_new (NULL);
      for (guint v = 0; field->shown_when_values[v] != NULL; v++)
        for (guint c = 0; on->choices[c] != NULL; c++)
          if (strcmp (on->choices[c], field->shown_when_values[v]) == 0)
            g_string_append_printf (labels, "%s%s", labels->len > 0 ? _ (" or ") : "",
                                    on->choice_labels[c]);
      problem = g_new0 (CfdTemplateProblem, 1);
      problem->field_id = g_strdup (field->id);
      problem->message = g_strdup_printf (_ ("“%s” applies only when “%s” is %s; clear it"),
                                          field->label, on->label, labels->str);
      g_ptr_array_add (problems, problem);
    }
}

static void
add_field_problem (const CfdTemplate *tmpl,
                   GPtrArray *problems,
                   const char *field_id,
                   const char *message)
{
  const CfdTemplateField *field = cfd_template_find_field (tmpl, field_id);
  CfdTemplateProblem *problem = g_new0 (CfdTemplateProblem, 1);

  problem->field_id = g_strdup (field_id);
  problem->message = g_strdup_printf (_ ("“%s” %s"), field->label, message);
  g_ptr_array_add (problems, problem);
}

/* A session ends after it begins (a session past midnight is recorded on
 * two days). */
static void
check_session_times (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  const char *start = NULL, *end = NULL;

  if (g_variant_lookup (content, "start-time", "&s", &start)
      && g_variant_lookup (content, "end-time", "&s", &end) && cfd_template_is_valid_time (start)
      && cfd_template_is_valid_time (end) && strcmp (end, start) <= 0)
    add_field_problem (tmpl, problems, "end-time", _ ("must be after the start"));
}

/* The facts 45 CFR 164.501 keeps out of psychotherapy notes (times,
 * modality, medication, plan) were fields of the integration note before
 * the session record held them. Notes signed then keep them and show them;
 * a note signed now must leave them to its session record. */
static const char *const integration_medical_fields[] = {
  "start-time",   "end-time",       "modality", "days-since-dosing", "dosing-medication",
  "dosing-route", "dosing-dose-mg", "plan",     "next-session",
};

static void
check_integration_note (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  for (guint i = 0; i < G_N_ELEMENTS (integration_medical_fields); i++)
    {
      g_autoptr (GVariant) value
          = g_variant_lookup_value (content, integration_medical_fields[i], NULL);

      if (value != NULL && !is_empty (value))
        add_field_problem (tmpl, problems, integration_medical_fields[i],
                           _ ("now belongs in the session record (medical record); move it "
                              "there and clear it here"));
    }
}

GPtrArray *
cfd_template_cross_field_problems (const CfdTemplate *tmpl, GVariant *content)
{
  return cfd_template_cross_field_problems_with (tmpl, content, &cfd_dosing_default_thresholds);
}

GPtrArray *
cfd_template_cross_field_problems_with (const CfdTemplate *tmpl,
                                        GVariant *content,
                                        const CfdDosingThresholds *thresholds)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_template_problem_free);

  add_misplaced_values (tmpl, content, problems);
  if (tmpl->kind == CFD_RECORD_DOSING)
    cfd_dosing_check (tmpl, content, thresholds, problems);
  else if (tmpl->kind == CFD_RECORD_RISK)
    cfd_risk_check (tmpl, content, problems);
  else if (tmpl->kind == CFD_RECORD_SESSION)
    check_session_times (tmpl, content, problems);
  else if (tmpl->kind == CFD_RECORD_INTEGRATION)
    check_integration_note (tmpl, content, problems);
  return problems;
}
