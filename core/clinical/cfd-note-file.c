/* cfd-note-file.c: reading a record's content from a "field: value" text file (docs/NOTE-FILES.md). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cfd-error.h"
#include "cfd-note-file.h"
#include "cfd-secure-private.h"
#include "cfd-sedation.h"
#include "cfd-template-private.h"

#define MAX_FIELD_ID 64

typedef struct
{
  const CfdTemplate *tmpl;
  GVariantDict dict;
  GVariantBuilder vitals;
  const CfdTemplateField *vitals_field;
  guint vitals_count;
  guint vitals_line;
  GVariantBuilder ratings;
  const CfdTemplateField *ratings_field;
  guint ratings_count;
  guint ratings_line;
  GHashTable *seen; /* field id -> line number */
  /* The field being read, its first line, and its text so far. */
  const CfdTemplateField *field;
  guint field_line;
  GString *value;
  guint pending_blank; /* blank lines kept only if the value goes on */
} Parser;

static gboolean line_error (GError **error, guint line, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
line_error (GError **error, guint line, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("line %u: %s"), line, message);
  return FALSE;
}

static void
wipe_gstring (GString *string)
{
  sodium_memzero (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

static gboolean
parse_int64 (const char *text, gint64 *out)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL);
}

static gboolean
parse_double (const char *text, double *out)
{
  char *end = NULL;

  if (*text == '\0' || g_ascii_isspace (*text))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtod (text, &end);
  return errno == 0 && end != NULL && *end == '\0' && isfinite (*out);
}

static gboolean
parse_boolean (const char *text, gboolean *out)
{
  static const char *const yes[] = { "yes", "true", "y", NULL };
  static const char *const no[] = { "no", "false", "n", NULL };

  for (guint i = 0; yes[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      {
        *out = TRUE;
        return TRUE;
      }
  for (guint i = 0; no[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      {
        *out = FALSE;
        return TRUE;
      }
  return FALSE;
}

/* A choice is written as its id or its label, in any case. */
static const char *
find_choice (const CfdTemplateField *field, const char *text)
{
  for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, field->choices[i]) == 0
        || (field->choice_labels != NULL && field->choice_labels[i] != NULL
            && g_utf8_collate (text, field->choice_labels[i]) == 0))
      return field->choices[i];
  return NULL;
}

static GVariant *
parse_checklist (const CfdTemplateField *field, const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *id;

      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      id = find_choice (field, parts[i]);
      if (id == NULL)
        return NULL;
      g_ptr_array_add (ids, (gpointer)id);
    }
  return g_variant_new_strv ((const char *const *)ids->pdata, (gssize)ids->len);
}

/* The optional words after the four numbers of a vitals line: a
 * respiratory rate (digits) and a timepoint (one of the field's choice
 * ids), each at most once, in either order. */
static gboolean
parse_vitals_extras (const CfdTemplateField *field,
                     const char *text,
                     gboolean *has_rr,
                     unsigned *rr,
                     const char **timepoint)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (word[0] == '\0')
        continue;
      if (strspn (word, "0123456789") == strlen (word))
        {
          if (*has_rr || strlen (word) > 3)
            return FALSE;
          *has_rr = TRUE;
          *rr = (unsigned)g_ascii_strtoull (word, NULL, 10);
        }
      else
        {
          const char *id = find_choice (field, word);

          if (**timepoint != '\0' || id == NULL)
            return FALSE;
          *timepoint = id;
        }
    }
  return TRUE;
}

/* "HH:MM SYS/DIA HR SPO2 [RR] [TIMEPOINT]" */
static gboolean
add_vitals (
    Parser *parser, const CfdTemplateField *field, const char *text, guint line, GError **error)
{
  char time[6];
  unsigned sys, dia, hr, spo2, rr = 0;
  gboolean has_rr = FALSE;
  const char *timepoint = "";
  int consumed = 0;

  if (strlen (text) > 64
      || sscanf (text, "%5s %3u/%3u %3u %3u %n", time, &sys, &dia, &hr, &spo2, &consumed) != 5
      || !parse_vitals_extras (field, text + consumed, &has_rr, &rr, &timepoint)
      || !cfd_template_is_valid_time (time) || sys > G_MAXUINT16 || dia > G_MAXUINT16
      || hr > G_MAXUINT16 || spo2 > G_MAXUINT16)
    return line_error (error, line,
                       _ ("a vitals line is written “vitals: HH:MM SYSTOLIC/DIASTOLIC HEART-RATE "
                          "SPO2 [RESPIRATORY-RATE] [TIMEPOINT]”, for example “vitals: 10:30 128/82 "
                          "74 98 14 pre-dose”"));
  /* Each reading is checked on its own, so an error names its line. */
  {
    GVariant *row = g_variant_new ("(ssqqqqmq)", time, timepoint, (guint16)sys, (guint16)dia,
                                   (guint16)hr, (guint16)spo2, has_rr, (guint16)rr);
    g_autoptr (GVariant) one = g_variant_ref_sink (g_variant_new_array (NULL, &row, 1));
    g_autoptr (GVariant) single = NULL;
    g_autoptr (GVariant) reading = g_variant_get_child_value (one, 0);
    g_autoptr (GError) local_error = NULL;
    GVariantDict dict;

    g_variant_dict_init (&dict, NULL);
    g_variant_dict_insert_value (&dict, field->id, one);
    single = g_variant_ref_sink (g_variant_dict_end (&dict));
    if (!cfd_template_validate (parser->tmpl, single, &local_error))
      return line_error (error, line, "%s", local_error->message);

    g_variant_builder_add_value (&parser->vitals, reading);
  }
  if (parser->vitals_field != NULL && parser->vitals_field != field)
    return line_error (error, line, _ ("only one series of vital signs is kept per record"));
  parser->vitals_field = field;
  if (parser->vitals_count++ == 0)
    parser->vitals_line = line;
  return TRUE;
}

/* The words of a ratings line after its time: an optional timepoint (one
 * of the field's choice ids) and any of "moaas=N", "cadss=N", "bprs=N",
 * each at most once, in any order. */
static gboolean
parse_rating_words (const CfdTemplateField *field, const char *text, CfdSedationRating *row)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t", -1);
  static const char *const names[] = { "moaas=", "cadss=", "bprs=" };
  gboolean *has[] = { &row->has_moaas, &row->has_cadss, &row->has_bprs };
  guint16 *score[] = { &row->moaas, &row->cadss, &row->bprs };

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      gboolean known = FALSE;

      if (word[0] == '\0')
        continue;
      for (guint n = 0; n < G_N_ELEMENTS (names); n++)
        {
          const char *digits = word + strlen (names[n]);

          if (g_ascii_strncasecmp (word, names[n], strlen (names[n])) != 0)
            continue;
          if (*has[n] || digits[0] == '\0' || strlen (digits) > 3
              || strspn (digits, "0123456789") != strlen (digits))
            return FALSE;
          *has[n] = TRUE;
          *score[n] = (guint16)g_ascii_strtoull (digits, NULL, 10);
          known = TRUE;
        }
      if (known)
        continue;
      if (row->timepoint[0] != '\0' || find_choice (field, word) == NULL)
        return FALSE;
      row->timepoint = find_choice (field, word);
    }
  return TRUE;
}

/* "HH:MM [TIMEPOINT] [moaas=N] [cadss=N] [bprs=N]" */
static gboolean
add_rating (
    Parser *parser, const CfdTemplateField *field, const char *text, guint line, GError **error)
{
  char time[6];
  CfdSedationRating row = { .time = time, .timepoint = "" };
  int consumed = 0;
  g_autoptr (GVariant) one = NULL;
  g_autoptr (GVariant) single = NULL;
  g_autoptr (GVariant) checked = NULL;
  g_autoptr (GError) local_error = NULL;
  GVariant *value;
  GVariantDict dict;

  if (strlen (text) > 64 || sscanf (text, "%5s%n", time, &consumed) != 1
      || !cfd_template_is_valid_time (time) || !parse_rating_words (field, text + consumed, &row))
    return line_error (error, line,
                       _ ("a ratings line is written “%s: HH:MM [TIMEPOINT] [moaas=N] [cadss=N] "
                          "[bprs=N]”, for example “%s: 10:40 40-min moaas=4 cadss=18 bprs=6”"),
                       field->id, field->id);
  value = g_variant_new ("(ssmqmqmq)", row.time, row.timepoint, row.has_moaas, row.moaas,
                         row.has_cadss, row.cadss, row.has_bprs, row.bprs);
  /* Each row is checked on its own, so an error names its line. */
  one = g_variant_ref_sink (g_variant_new_array (NULL, &value, 1));
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert_value (&dict, field->id, one);
  single = g_variant_ref_sink (g_variant_dict_end (&dict));
  if (!cfd_template_validate (parser->tmpl, single, &local_error))
    return line_error (error, line, "%s", local_error->message);
  checked = g_variant_get_child_value (one, 0);
  g_variant_builder_add_value (&parser->ratings, checked);
  parser->ratings_field = field;
  if (parser->ratings_count++ == 0)
    parser->ratings_line = line;
  return TRUE;
}

/* Checks one field's value on its own, so that an error names its line. */
static gboolean
check_field (Parser *parser, const char *id, GVariant *value, guint line, GError **error)
{
  g_autoptr (GVariant) single = NULL;
  g_autoptr (GError) local_error = NULL;
  GVariantDict one;

  g_variant_ref_sink (value);
  g_variant_dict_init (&one, NULL);
  g_variant_dict_insert_value (&one, id, value);
  single = g_variant_ref_sink (g_variant_dict_end (&one));
  if (!cfd_template_validate (parser->tmpl, single, &local_error))
    {
      g_variant_unref (value);
      return line_error (error, line, "%s", local_error->message);
    }
  g_variant_dict_insert_value (&parser->dict, id, value);
  g_variant_unref (value);
  return TRUE;
}

static gboolean
finish_field (Parser *parser, GError **error)
{
  const CfdTemplateField *field = parser->field;
  const char *text;
  GVariant *value = NULL;
  guint line = parser->field_line;

  if (field == NULL)
    return TRUE;
  parser->field = NULL;
  parser->pending_blank = 0;
  text = parser->value->str;

  switch (field->type)
    {
      case CFD_FIELD_TEXT:
        if (strchr (text, '\n') != NULL)
          return line_error (error, line, _ ("“%s” takes a single line"), field->label);
        value = g_variant_new_string (text);
        break;
      case CFD_FIELD_LONG_TEXT:
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        value = g_variant_new_string (text);
        break;
      case CFD_FIELD_INTEGER:
        {
          gint64 n;

          if (!parse_int64 (text, &n))
            return line_error (error, line, _ ("“%s” must be a whole number"), field->label);
          value = g_variant_new_int64 (n);
          break;
        }
      case CFD_FIELD_NUMBER:
        {
          double d;

          if (!parse_double (text, &d))
            return line_error (error, line, _ ("“%s” must be a number such as 12.5"), field->label);
          value = g_variant_new_double (d);
          break;
        }
      case CFD_FIELD_BOOLEAN:
        {
          gboolean b;

          if (!parse_boolean (text, &b))
            return line_error (error, line, _ ("“%s” must be yes or no"), field->label);
          value = g_variant_new_boolean (b);
          break;
        }
      case CFD_FIELD_CHOICE:
        {
          const char *id = find_choice (field, text);
          g_autofree char *choices = g_strjoinv (", ", field->choices);

          if (id == NULL)
            return line_error (error, line, _ ("“%s” must be one of: %s"), field->label, choices);
          value = g_variant_new_string (id);
          break;
        }
      case CFD_FIELD_CHECKLIST:
        {
          g_autofree char *choices = g_strjoinv (", ", field->choices);

          value = parse_checklist (field, text);
          if (value == NULL)
            return line_error (error, line, _ ("“%s” takes a comma-separated list of: %s"),
                               field->label, choices);
          break;
        }
      case CFD_FIELD_VITALS:
      default:
        g_assert_not_reached ();
    }
  return check_field (parser, field->id, value, line, error);
}

static gboolean
start_field (Parser *parser, const char *line_text, gsize line_len, guint line, GError **error)
{
  const char *colon = memchr (line_text, ':', line_len);
  g_autofree char *id = NULL;
  const char *value;
  const CfdTemplateField *field;

  if (colon == NULL || colon == line_text || colon - line_text > MAX_FIELD_ID)
    return line_error (error, line, _ ("expected “field: value”"));
  for (const char *p = line_text; p < colon; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return line_error (error, line,
                         _ ("expected “field: value”, with a field name in lower case"));
  id = g_strndup (line_text, (gsize)(colon - line_text));
  field = cfd_template_find_field (parser->tmpl, id);
  /* The name is not repeated back: a mistyped line may hold patient text. */
  if (field == NULL)
    {
      /* "an addendum", "a dosing session": the title in lower case. */
      g_autofree char *kind = g_utf8_strdown (parser->tmpl->title, -1);

      /* TRANSLATORS: %s is a kind of record, in lower case ("a dosing
       * session" in English, where the article is chosen by the word). */
      return line_error (error, line,
                         kind[0] != '\0' && strchr ("aeiou", kind[0]) != NULL
                             ? _ ("not a field of an %s (see docs/NOTE-FILES.md)")
                             : _ ("not a field of a %s (see docs/NOTE-FILES.md)"),
                         kind);
    }

  value = colon + 1;
  while (value < line_text + line_len && (*value == ' ' || *value == '\t'))
    value++;

  if (field->type == CFD_FIELD_SEDATION)
    {
      g_autofree char *row = g_strndup (value, (gsize)(line_text + line_len - value));

      return add_rating (parser, field, g_strchomp (row), line, error);
    }
  if (field->type == CFD_FIELD_VITALS)
    {
      g_autofree char *reading = g_strndup (value, (gsize)(line_text + line_len - value));

      return add_vitals (parser, field, g_strchomp (reading), line, error);
    }
  if (g_hash_table_contains (parser->seen, field->id))
    return line_error (error, line, _ ("“%s” is given twice (first on line %u)"), field->label,
                       GPOINTER_TO_UINT (g_hash_table_lookup (parser->seen, field->id)));
  g_hash_table_insert (parser->seen, (gpointer)field->id, GUINT_TO_POINTER (line));
  parser->field = field;
  parser->field_line = line;
  g_string_truncate (parser->value, 0);
  g_string_append_len (parser->value, value, line_text + line_len - value);
  return TRUE;
}

static gboolean
continue_field (Parser *parser, const char *text, gsize len, guint line, GError **error)
{
  const char *p = text;

  while (p < text + len && (*p == ' ' || *p == '\t'))
    p++;
  if (p == text + len)
    {
      /* A whitespace-only line is a paragraph break, if more follows. */
      if (parser->field != NULL)
        parser->pending_blank++;
      return TRUE;
    }
  if (parser->field == NULL)
    return line_error (error, line, _ ("an indented line continues a field, but none came before"));
  if (parser->value->len > 0 || parser->pending_blank > 0)
    for (guint i = 0; i < parser->pending_blank + 1; i++)
      g_string_append_c (parser->value, '\n');
  parser->pending_blank = 0;
  g_string_append_len (parser->value, p, text + len - p);
  return TRUE;
}

static gboolean
parse_lines (Parser *parser, const char *data, gsize len, GError **error)
{
  const char *p = data, *end = data + len;
  guint line = 0;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize)(end - p));
      const char *next = eol != NULL ? eol + 1 : end;
      gsize line_len = (gsize)((eol != NULL ? eol : end) - p);

      line++;
      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      while (line_len > 0 && (p[line_len - 1] == ' ' || p[line_len - 1] == '\t'))
        line_len--;
      if (memchr (p, '\0', line_len) != NULL || !g_utf8_validate (p, (gssize)line_len, NULL))
        return line_error (error, line, _ ("not valid UTF-8 text"));

      if (line_len == 0)
        {
          if (parser->field != NULL)
            parser->pending_blank++;
        }
      else if (*p == ' ' || *p == '\t')
        {
          if (!continue_field (parser, p, line_len, line, error))
            return FALSE;
        }
      else if (*p == '#')
        {
          if (!finish_field (parser, error))
            return FALSE;
        }
      else if (!finish_field (parser, error) || !start_field (parser, p, line_len, line, error))
        return FALSE;
      p = next;
    }
  return finish_field (parser, error);
}

GVariant *
cfd_note_file_parse (CfdRecordKind kind, const char *data, gsize len, GError **error)
{
  Parser parser = { 0 };
  g_autoptr (GVariant) content = NULL;
  gboolean ok;

  if ((guint)kind > CFD_RECORD_LAST_KIND || (data == NULL && len > 0))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("Unknown record kind"));
      return NULL;
    }
  if (len > CFD_NOTE_FILE_MAX_BYTES)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("A note file may hold at most 16 MiB"));
      return NULL;
    }
  parser.tmpl = cfd_template_get (kind);
  g_variant_dict_init (&parser.dict, NULL);
  g_variant_builder_init (&parser.vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_init (&parser.ratings, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  parser.seen = g_hash_table_new (g_str_hash, g_str_equal);
  parser.value = g_string_new (NULL);

  ok = parse_lines (&parser, data, len, error);
  if (ok && parser.vitals_count > 0)
    ok = check_field (&parser, parser.vitals_field->id, g_variant_builder_end (&parser.vitals),
                      parser.vitals_line, error);
  else
    g_variant_builder_clear (&parser.vitals);
  if (ok && parser.ratings_count > 0)
    ok = check_field (&parser, parser.ratings_field->id, g_variant_builder_end (&parser.ratings),
                      parser.ratings_line, error);
  else
    g_variant_builder_clear (&parser.ratings);

  wipe_gstring (parser.value);
  g_hash_table_unref (parser.seen);
  content = g_variant_ref_sink (g_variant_dict_end (&parser.dict));
  if (!ok)
    return NULL;
  if (g_variant_n_children (content) == 0)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The note file holds no fields"));
      return NULL;
    }
  return g_steal_pointer (&content);
}
