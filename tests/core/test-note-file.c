/* test-note-file.c: the "field: value" note file reader, on good, bad and mangled input. */
#include "config.h"

#include <string.h>

#include "cfd-note-file.h"
#include "cfd-sedation.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

static GVariant *
parse_ok (CfdRecordKind kind, const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariant *content = cfd_note_file_parse (kind, text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (content);
  return content;
}

static void
test_dosing (void)
{
  static const char text[] = "# Dosing, 12 March\r\n"
                             "medication: Racemic ketamine\r\n"
                             "route: iv\n"
                             "weight-kg: 72.5\n"
                             "dose-mg: 36\n"
                             "lot-number: LOT 99-A   \n"
                             "vitals: 10:00 128/82 74 98\n"
                             "vitals: 10:20 142/90 81 97 40-min 14\n"
                             "moaas: 4\n"
                             "discharge-criteria-met: Yes\n"
                             "adverse-events:\n"
                             "  Mild nausea at 10:25.\n"
                             "  Resolved without treatment.\n";
  g_autoptr (GVariant) content = parse_ok (CFD_RECORD_DOSING, text);
  g_autoptr (GVariant) vitals = NULL;
  const char *s = NULL, *time = NULL;
  double d = 0;
  gint64 n = 0;
  gboolean b = FALSE;
  guint16 sys, dia, hr, spo2, rr;
  gboolean has_rr;
  const char *timepoint;

  g_assert_true (g_variant_lookup (content, "medication", "&s", &s));
  g_assert_cmpstr (s, ==, "racemic-ketamine");
  g_assert_true (g_variant_lookup (content, "route", "&s", &s));
  g_assert_cmpstr (s, ==, "iv");
  g_assert_true (g_variant_lookup (content, "weight-kg", "d", &d));
  g_assert_cmpfloat (d, ==, 72.5);
  g_assert_true (g_variant_lookup (content, "dose-mg", "d", &d));
  g_assert_cmpfloat (d, ==, 36);
  g_assert_true (g_variant_lookup (content, "lot-number", "&s", &s));
  g_assert_cmpstr (s, ==, "LOT 99-A");
  g_assert_true (g_variant_lookup (content, "moaas", "x", &n));
  g_assert_cmpint (n, ==, 4);
  g_assert_true (g_variant_lookup (content, "discharge-criteria-met", "b", &b));
  g_assert_true (b);
  g_assert_true (g_variant_lookup (content, "adverse-events", "&s", &s));
  g_assert_cmpstr (s, ==, "Mild nausea at 10:25.\nResolved without treatment.");
  vitals = g_variant_lookup_value (content, "vitals", G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_assert_nonnull (vitals);
  g_assert_cmpuint (g_variant_n_children (vitals), ==, 2);
  g_variant_get_child (vitals, 1, "(&s&sqqqqmq)", &time, &timepoint, &sys, &dia, &hr, &spo2,
                       &has_rr, &rr);
  g_assert_cmpstr (timepoint, ==, "40-min");
  g_assert_true (has_rr);
  g_assert_cmpuint (rr, ==, 14);
  g_assert_cmpstr (time, ==, "10:20");
  g_assert_cmpuint (sys, ==, 142);
  g_assert_cmpuint (dia, ==, 90);
  g_assert_cmpuint (hr, ==, 81);
  g_assert_cmpuint (spo2, ==, 97);
  g_assert_true (cfd_template_validate (cfd_template_get (CFD_RECORD_DOSING), content, NULL));
}

/* Rows of ratings, one line each like vital signs: the time, an optional
 * timepoint and the scales rated then, in any order; a scale left out is
 * not rated, never 0. */
static void
test_ratings (void)
{
  static const char text[] = "medication: esketamine\n"
                             "sedation-ratings: 08:55 pre-dose moaas=5 cadss=0 bprs=4\n"
                             "sedation-ratings: 09:40 bprs=6 40-min MOAAS=4\n"
                             "sedation-ratings: 10:30 cadss=3\n";
  g_autoptr (GVariant) content = parse_ok (CFD_RECORD_DOSING, text);
  g_autoptr (GVariant) value = g_variant_lookup_value (content, "sedation-ratings", NULL);
  g_autoptr (GArray) rows = cfd_sedation_ratings (value);
  const CfdSedationRating *r;

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE)));
  g_assert_cmpuint (rows->len, ==, 3);
  r = &g_array_index (rows, CfdSedationRating, 0);
  g_assert_cmpstr (r->time, ==, "08:55");
  g_assert_cmpstr (r->timepoint, ==, "pre-dose");
  g_assert_true (r->has_moaas && r->has_cadss && r->has_bprs);
  g_assert_cmpuint (r->moaas, ==, 5);
  g_assert_cmpuint (r->cadss, ==, 0);
  r = &g_array_index (rows, CfdSedationRating, 1);
  g_assert_cmpstr (r->timepoint, ==, "40-min");
  g_assert_cmpuint (r->moaas, ==, 4);
  g_assert_false (r->has_cadss);
  g_assert_cmpuint (r->bprs, ==, 6);
  r = &g_array_index (rows, CfdSedationRating, 2);
  g_assert_cmpstr (r->timepoint, ==, "");
  g_assert_false (r->has_moaas);
  g_assert_cmpuint (r->cadss, ==, 3);
}

static void
test_multi_line (void)
{
  static const char text[] = "intentions: To feel less alone.\n"
                             "\tAnd to forgive.\n"
                             "\n"
                             "   A new paragraph, after a blank line.\n"
                             "\n"
                             "themes:\n"
                             "  Water; a door; my grandmother's kitchen.\n"
                             "next-session: 2024-03-19\n"
                             "insights: one line\n"
                             "\n"
                             "\n";
  g_autoptr (GVariant) content = parse_ok (CFD_RECORD_INTEGRATION, text);
  const char *s = NULL;

  g_assert_true (g_variant_lookup (content, "intentions", "&s", &s));
  g_assert_cmpstr (s, ==,
                   "To feel less alone.\nAnd to forgive.\n\nA new paragraph, after a blank line.");
  g_assert_true (g_variant_lookup (content, "themes", "&s", &s));
  g_assert_cmpstr (s, ==, "Water; a door; my grandmother's kitchen.");
  g_assert_true (g_variant_lookup (content, "insights", "&s", &s));
  g_assert_cmpstr (s, ==, "one line");
  g_assert_true (g_variant_lookup (content, "next-session", "&s", &s));
  g_assert_cmpstr (s, ==, "2024-03-19");
}

static void
test_other_kinds (void)
{
  g_autoptr (GVariant) intake = parse_ok (
      CFD_RECORD_INTAKE, "presenting-concerns: Low mood\ncontraindications: cardiac, Pregnancy\n");
  g_autoptr (GVariant) risk
      = parse_ok (CFD_RECORD_RISK, "wish-dead: no\nsuicidal-thoughts: true\nrisk-level: High\n");
  g_autoptr (GVariant) addendum
      = parse_ok (CFD_RECORD_ADDENDUM, "reason: Late entry\ntext: Called on Monday.\n");
  g_autofree const char **contra = NULL;
  const char *s = NULL;
  gboolean b = TRUE;

  g_assert_true (g_variant_lookup (intake, "contraindications", "^a&s", &contra));
  g_assert_cmpstrv (contra, ((const char *const[]){ "cardiac", "pregnancy", NULL }));
  g_assert_true (g_variant_lookup (risk, "wish-dead", "b", &b));
  g_assert_false (b);
  g_assert_true (g_variant_lookup (risk, "risk-level", "&s", &s));
  g_assert_cmpstr (s, ==, "high");
  g_assert_true (g_variant_lookup (addendum, "reason", "&s", &s));
  g_assert_cmpstr (s, ==, "late-entry");
}

static void
test_errors (void)
{
  static const struct
  {
    CfdRecordKind kind;
    const char *text;
    const char *message; /* a part of the expected message */
  } cases[] = {
    { CFD_RECORD_PROGRESS, "subjective: ok\nplan: ok\nzzz: Canary Text\n",
      "line 3: not a field of a progress note" },
    { CFD_RECORD_ADDENDUM, "text: ok\nzzz: Canary Text\n", "line 2: not a field of an addendum" },
    { CFD_RECORD_PROGRESS, "subjective ok\n", "line 1: expected" },
    { CFD_RECORD_PROGRESS, "Subjective: ok\n", "line 1: expected" },
    { CFD_RECORD_PROGRESS, "subjective: a\n# note\nsubjective: b\n",
      "line 3: “Subjective” is given twice (first on line 1)" },
    { CFD_RECORD_PROGRESS, "  orphan continuation\n", "line 1: an indented line" },
    { CFD_RECORD_PROGRESS, "", "no fields" },
    { CFD_RECORD_PROGRESS, "# only a comment\n\n", "no fields" },
    { CFD_RECORD_PROGRESS, ": no name\n", "line 1: expected" },
    { CFD_RECORD_DOSING, "moaas: four\n", "line 1: “Sedation (MOAA/S)” must be a whole number" },
    { CFD_RECORD_DOSING, "moaas: 9\n", "line 1: “Sedation (MOAA/S)” must be between 0 and 5" },
    { CFD_RECORD_DOSING, "route: iv\nmoaas: 99999999999999999999\n", "line 2:" },
    { CFD_RECORD_DOSING, "dose-mg: 12,5\n", "line 1: “Dose” must be a number" },
    { CFD_RECORD_DOSING, "dose-mg: nan\n", "line 1: “Dose” must be a number" },
    { CFD_RECORD_DOSING, "weight-kg: 0\n", "line 1: “Weight” must be between" },
    { CFD_RECORD_DOSING, "discharge-criteria-met: maybe\n",
      "line 1: “Discharge criteria met” must be yes or no" },
    { CFD_RECORD_DOSING, "route: nasal\n", "line 1: “Route” must be one of: iv, im" },
    { CFD_RECORD_DOSING, "lot-number: A\n  B\n", "line 1: “Lot number” takes a single line" },
    { CFD_RECORD_DOSING, "route: iv\nvitals: 10:00 128/82 74\n", "line 2: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 25:00 128/82 74 98\n", "line 1: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98 extra\n", "line 1: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98 14 15\n", "line 1: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98 pre-dose 40-min\n", "line 1: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98 1400\n", "line 1: a vitals line" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98 2\n", "respiratory rate outside 4-60" },
    { CFD_RECORD_DOSING, "vitals: 10:00 128/82 74 98\nvitals: 10:05 80/90 74 98\n",
      "line 2: “Vital signs”" },
    { CFD_RECORD_DOSING, "discharge-time: 7pm\n", "line 1: “Discharge time” must be a time" },
    { CFD_RECORD_DOSING, "route: iv\nsedation-ratings: 10:00 5\n", "line 2: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:00 moaas=4 moaas=5\n", "line 1: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:00 pre-dose 40-min moaas=4\n",
      "line 1: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:00 bedtime moaas=4\n", "line 1: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:0 moaas=4\n", "line 1: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:00 moaas=\n", "line 1: a ratings line" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:00 moaas=4\nsedation-ratings: 10:40 moaas=6\n",
      "line 2: “Sedation and dissociation ratings” has a MOAA/S outside 0-5" },
    { CFD_RECORD_DOSING, "sedation-ratings: 10:40 40-min\n",
      "line 1: “Sedation and dissociation ratings” has a row without any rating" },
    { CFD_RECORD_INTEGRATION, "next-session: 2023-02-29\n",
      "line 1: “Next session” must be a real date" },
    { CFD_RECORD_INTAKE, "contraindications: cardiac, fever\n",
      "line 1: “Contraindications screened” takes" },
    { CFD_RECORD_PROGRESS, "subjective: ok\nplan: caf\xc3\n", "line 2: not valid UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) content = NULL;

      g_test_message ("case %u", i);
      content = cfd_note_file_parse (cases[i].kind, cases[i].text, strlen (cases[i].text), &error);
      g_assert_null (content);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: “%s” does not contain “%s”", i, error->message, cases[i].message);
      /* The offending text is never echoed. */
      g_assert_null (strstr (error->message, "Canary"));
      g_assert_null (strstr (error->message, "zzz"));
    }
}

static void
test_nul_and_size (void)
{
  static const char with_nul[] = "subjective: a\0b\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *huge = NULL;

  g_assert_null (cfd_note_file_parse (CFD_RECORD_PROGRESS, with_nul, sizeof with_nul - 1, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "line 1"));
  g_clear_error (&error);

  huge = g_malloc (CFD_NOTE_FILE_MAX_BYTES + 1);
  memset (huge, 'a', CFD_NOTE_FILE_MAX_BYTES + 1);
  g_assert_null (
      cfd_note_file_parse (CFD_RECORD_PROGRESS, huge, CFD_NOTE_FILE_MAX_BYTES + 1, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A large note in one field parses. */
  memcpy (huge, "subjective: ", 12);
  g_assert_null (cfd_note_file_parse ((CfdRecordKind)42, huge, 20, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  {
    g_autoptr (GVariant) content
        = cfd_note_file_parse (CFD_RECORD_PROGRESS, huge, 1024 * 1024, &error);
    const char *text = NULL;

    g_assert_no_error (error);
    g_assert_true (g_variant_lookup (content, "subjective", "&s", &text));
    g_assert_cmpuint (strlen (text), ==, 1024 * 1024 - 12);
  }
}

/* Mangled versions of a good file must give content or an error, never a
 * crash or a warning (G_DEBUG=fatal-warnings). */
static void
test_mangled (void)
{
  static const char good[] = "medication: esketamine\nroute: intranasal\ndose-mg: 56\n"
                             "vitals: 10:00 128/82 74 98\nadverse-events: none\n  at all\n"
                             "discharge-time: 11:30\nescort: Sister\n";
  static const char alphabet[] = ":\n \t#-/0123456789abcdefghijklmnopqrstuvwxyz\xc3\xa9\xff\r";

  g_test_rand_int ();
  for (guint round = 0; round < 3000; round++)
    {
      g_autofree char *text = g_memdup2 (good, sizeof good);
      gsize len = sizeof good - 1;
      guint edits = (guint)g_test_rand_int_range (1, 8);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) content = NULL;

      for (guint e = 0; e < edits; e++)
        {
          gsize at = (gsize)g_test_rand_int_range (0, (gint32)len);

          switch (g_test_rand_int_range (0, 3))
            {
              case 0:
                text[at] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
                break;
              case 1:
                memmove (text + at, text + at + 1, len - at - 1);
                len--;
                break;
              default:
                len = at + 1;
                break;
            }
          if (len < 2)
            break;
        }
      content = cfd_note_file_parse (CFD_RECORD_DOSING, text, len, &error);
      g_assert_true ((content == NULL) != (error == NULL));
      if (content != NULL)
        g_assert_true (cfd_template_validate (cfd_template_get (CFD_RECORD_DOSING), content, NULL));
    }
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/note-file/dosing", test_dosing);
  g_test_add_func ("/confidant/note-file/ratings", test_ratings);
  g_test_add_func ("/confidant/note-file/multi-line", test_multi_line);
  g_test_add_func ("/confidant/note-file/other-kinds", test_other_kinds);
  g_test_add_func ("/confidant/note-file/errors", test_errors);
  g_test_add_func ("/confidant/note-file/nul-and-size", test_nul_and_size);
  g_test_add_func ("/confidant/note-file/mangled", test_mangled);
  return g_test_run ();
}
