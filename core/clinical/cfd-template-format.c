/* cfd-template-format.c: a field's value in words, as the record document
 * (PDF, print) and the app's signed-record view show it. */
#include "config.h"

#include "cfd-template.h"

const char *
cfd_template_field_choice_label (const CfdTemplateField *field, const char *id)
{
  for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
    if (g_strcmp0 (field->choices[i], id) == 0)
      return field->choice_labels != NULL && field->choice_labels[i] != NULL
                 ? field->choice_labels[i]
                 : id;
  return id;
}

static char *
with_unit (const CfdTemplateField *field, char *number)
{
  char *text;

  if (field->unit == NULL || field->unit[0] == '\0')
    return number;
  text = g_strdup_printf ("%s %s", number, field->unit);
  g_free (number);
  return text;
}

char *
cfd_template_field_format (const CfdTemplateField *field, GVariant *value)
{
  switch (field->type)
    {
      case CFD_FIELD_TEXT:
      case CFD_FIELD_LONG_TEXT:
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
          return NULL;
        return g_variant_dup_string (value, NULL);
      case CFD_FIELD_INTEGER:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
          return NULL;
        return with_unit (field,
                          g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value)));
      case CFD_FIELD_NUMBER:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          return NULL;
        return with_unit (field, g_strdup_printf ("%g", g_variant_get_double (value)));
      case CFD_FIELD_CHOICE:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
          return NULL;
        return g_strdup (
            cfd_template_field_choice_label (field, g_variant_get_string (value, NULL)));
      case CFD_FIELD_BOOLEAN:
        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
          return NULL;
        return g_strdup (g_variant_get_boolean (value) ? "Yes" : "No");
      case CFD_FIELD_CHECKLIST:
        {
          g_autofree const char **ids = NULL;
          GString *text;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
            return NULL;
          ids = g_variant_get_strv (value, NULL);
          text = g_string_new (NULL);
          for (guint i = 0; ids[i] != NULL; i++)
            g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                                    cfd_template_field_choice_label (field, ids[i]));
          return g_string_free (text, FALSE);
        }
      case CFD_FIELD_VITALS:
      default:
        return NULL;
    }
}
