/* test-template.c: the record templates load, and content is checked against them. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cfd-template.h"
#include "cfd-test-util.h"

static void
test_all_kinds_load (void)
{
  for (guint k = CFD_RECORD_INTEGRATION; k <= CFD_RECORD_ADDENDUM; k++)
    {
      const CfdTemplate *tmpl = cfd_template_get ((CfdRecordKind)k);

      g_assert_nonnull (tmpl);
      g_assert_cmpint (tmpl->kind, ==, k);
      g_assert_nonnull (tmpl->title);
      g_assert_cmpuint (tmpl->fields->len, >, 0);
      for (guint i = 0; i < tmpl->fields->len; i++)
        {
          const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);

          g_assert_nonnull (field->id);
          g_assert_nonnull (field->label);
          g_assert_true (field->min <= field->max);
          g_assert_true (cfd_template_find_field (tmpl, field->id) == field);
          if (field->type == CFD_FIELD_CHOICE || field->type == CFD_FIELD_CHECKLIST)
            g_assert_cmpuint (g_strv_length (field->choices), ==,
                              g_strv_length (field->choice_labels));
        }
    }
  /* Loaded once and shared. */
  g_assert_true (cfd_template_get (CFD_RECORD_DOSING) == cfd_template_get (CFD_RECORD_DOSING));
}

static void
test_fields (void)
{
  const CfdTemplate *dosing = cfd_template_get (CFD_RECORD_DOSING);
  const CfdTemplate *measure = cfd_template_get (CFD_RECORD_MEASURE);
  const CfdTemplate *integration = cfd_template_get (CFD_RECORD_INTEGRATION);
  const CfdTemplateField *field;

  field = cfd_template_find_field (dosing, "route");
  g_assert_cmpint (field->type, ==, CFD_FIELD_CHOICE);
  g_assert_true (field->required);
  g_assert_cmpstrv (field->choices,
                    ((const char *const[]){ "iv", "im", "sublingual-oral", "intranasal", NULL }));
  field = cfd_template_find_field (dosing, "moaas");
  g_assert_cmpint (field->type, ==, CFD_FIELD_INTEGER);
  g_assert_cmpfloat (field->min, ==, 0);
  g_assert_cmpfloat (field->max, ==, 5);
  field = cfd_template_find_field (dosing, "weight-kg");
  g_assert_cmpstr (field->unit, ==, "kg");
  g_assert_cmpint (cfd_template_find_field (dosing, "vitals")->type, ==, CFD_FIELD_VITALS);
  g_assert_cmpint (cfd_template_find_field (measure, "item-9")->type, ==, CFD_FIELD_INTEGER);
  /* Each item's own range is the instrument definition's; the template
   * holds the outer bounds every definition stays within. */
  g_assert_cmpfloat (cfd_template_find_field (measure, "item-9")->max, ==, 1000);
  g_assert_nonnull (cfd_template_find_field (measure, "item-60"));
  g_assert_null (cfd_template_find_field (measure, "item-61"));
  g_assert_nonnull (cfd_template_find_field (integration, "themes")->help);
  g_assert_null (cfd_template_find_field (integration, "no-such-field"));
}

static GVariant *
one (const char *key, GVariant *value)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, key, value);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static GVariant *
vitals (const char *time, guint16 sys, guint16 dia, guint16 hr, guint16 spo2)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPE));
  g_variant_builder_add (&b, "(sqqqq)", "10:00", 120, 80, 70, 98);
  g_variant_builder_add (&b, "(sqqqq)", time, sys, dia, hr, spo2);
  return g_variant_builder_end (&b);
}

static void
test_validate (void)
{
  const CfdTemplate *dosing = cfd_template_get (CFD_RECORD_DOSING);
  const CfdTemplate *intake = cfd_template_get (CFD_RECORD_INTAKE);
  const CfdTemplate *integration = cfd_template_get (CFD_RECORD_INTEGRATION);
  const char *dup[] = { "cardiac", "cardiac", NULL };
  const char *unknown[] = { "cardiac", "fever", NULL };
  const char *fine[] = { "cardiac", "pregnancy", NULL };
  struct
  {
    const CfdTemplate *tmpl;
    const char *key;
    GVariant *value;
    gboolean valid;
    const char *label; /* named in the error */
  } cases[] = {
    { dosing, "moaas", g_variant_new_int64 (5), TRUE, NULL },
    { dosing, "moaas", g_variant_new_int64 (6), FALSE, "Sedation (MOAA/S)" },
    { dosing, "moaas", g_variant_new_int64 (-1), FALSE, "Sedation" },
    { dosing, "moaas", g_variant_new_double (3.0), FALSE, "Sedation" },
    { dosing, "dose-mg", g_variant_new_double (1000.0), TRUE, NULL },
    { dosing, "dose-mg", g_variant_new_double (1000.5), FALSE, "Dose" },
    { dosing, "dose-mg", g_variant_new_double (NAN), FALSE, "Dose" },
    { dosing, "dose-mg", g_variant_new_string ("40"), FALSE, "Dose" },
    { dosing, "weight-kg", g_variant_new_double (0.0), FALSE, "Weight" },
    { dosing, "medication", g_variant_new_string ("esketamine"), TRUE, NULL },
    { dosing, "medication", g_variant_new_string ("Esketamine"), FALSE, "Medication" },
    { dosing, "route", g_variant_new_string ("oral"), FALSE, "Route" },
    { dosing, "discharge-criteria-met", g_variant_new_boolean (TRUE), TRUE, NULL },
    { dosing, "discharge-criteria-met", g_variant_new_string ("yes"), FALSE, "Discharge" },
    { dosing, "discharge-time", g_variant_new_string ("23:59"), TRUE, NULL },
    { dosing, "discharge-time", g_variant_new_string ("24:00"), FALSE, "Discharge time" },
    { dosing, "discharge-time", g_variant_new_string ("12:60"), FALSE, "Discharge time" },
    { dosing, "discharge-time", g_variant_new_string ("9:00"), FALSE, "Discharge time" },
    { dosing, "lot-number", g_variant_new_string ("A\nB"), FALSE, "Lot number" },
    { dosing, "vitals", vitals ("10:30", 140, 90, 80, 97), TRUE, NULL },
    { dosing, "vitals", vitals ("10:3", 140, 90, 80, 97), FALSE, "Vital signs" },
    { dosing, "vitals", vitals ("10:30", 90, 90, 80, 97), FALSE, "Vital signs" },
    { dosing, "vitals", vitals ("10:30", 140, 90, 300, 97), FALSE, "Vital signs" },
    { dosing, "vitals", vitals ("10:30", 140, 90, 80, 101), FALSE, "Vital signs" },
    { dosing, "vitals", g_variant_new_string ("10:30 140/90"), FALSE, "Vital signs" },
    { intake, "contraindications", g_variant_new_strv (fine, -1), TRUE, NULL },
    { intake, "contraindications", g_variant_new_strv (dup, -1), FALSE, "Contraindications" },
    { intake, "contraindications", g_variant_new_strv (unknown, -1), FALSE, "Contraindications" },
    { integration, "next-session", g_variant_new_string ("2024-02-29"), TRUE, NULL },
    { integration, "next-session", g_variant_new_string ("2023-02-29"), FALSE, "Next session" },
    { integration, "next-session", g_variant_new_string ("2024-2-01"), FALSE, "Next session" },
    { integration, "next-session", g_variant_new_string ("2024-02-01x"), FALSE, "Next session" },
    { integration, "intentions", g_variant_new_string ("Line one\nLine two"), TRUE, NULL },
    { integration, "no-such", g_variant_new_string ("x"), FALSE, "no-such" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GVariant) content = one (cases[i].key, cases[i].value);
      g_autoptr (GError) error = NULL;
      gboolean ok = cfd_template_validate (cases[i].tmpl, content, &error);

      g_test_message ("case %u: %s", i, cases[i].key);
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (!cases[i].valid)
        {
          g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
          g_assert_nonnull (strstr (error->message, cases[i].label));
        }
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) strings = g_variant_ref_sink (g_variant_new_parsed ("{'a': 'b'}"));

    g_assert_false (cfd_template_validate (dosing, NULL, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_false (cfd_template_validate (dosing, strings, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  }
}

static void
test_check_complete (void)
{
  const CfdTemplate *progress = cfd_template_get (CFD_RECORD_PROGRESS);
  g_autoptr (GVariant) blank = one ("subjective", g_variant_new_string (" \n\t "));
  g_autoptr (GVariant) filled = one ("subjective", g_variant_new_string ("Sleeping better."));
  g_autoptr (GVariant) other = one ("plan", g_variant_new_string ("Continue."));
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_template_check_complete (progress, filled, &error));
  g_assert_no_error (error);
  g_assert_false (cfd_template_check_complete (progress, blank, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Subjective"));
  g_clear_error (&error);
  g_assert_false (cfd_template_check_complete (progress, other, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

/* mg/kg is computed by core: flagged in the template, worked out by one
 * function that the editor shows live and saving stores. */
static void
test_computed_dose_per_kg (void)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_DOSING);
  const CfdTemplateField *field = cfd_template_find_field (tmpl, "dose-mg-per-kg");
  g_autoptr (GVariant) input = NULL;
  g_autoptr (GVariant) computed = NULL;
  g_autoptr (GVariant) without_weight = NULL;
  g_autoptr (GError) error = NULL;
  GVariantDict d;
  double per_kg = 0;

  g_assert_nonnull (field);
  g_assert_true (field->computed);
  g_assert_false (cfd_template_find_field (tmpl, "dose-mg")->computed);

  /* Whatever the caller wrote there is replaced. */
  g_clear_pointer (&input, g_variant_unref);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "dose-mg", "d", 56.25);
  g_variant_dict_insert (&d, "weight-kg", "d", 75.0);
  g_variant_dict_insert (&d, "dose-mg-per-kg", "d", 99.0);
  computed
      = cfd_template_compute (tmpl, (input = g_variant_ref_sink (g_variant_dict_end (&d))), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (computed, "dose-mg-per-kg", "d", &per_kg));
  g_assert_cmpfloat_with_epsilon (per_kg, 0.75, 1e-9);

  /* Rounded to 3 decimals. */
  g_clear_pointer (&computed, g_variant_unref);
  g_clear_pointer (&input, g_variant_unref);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "dose-mg", "d", 50.0);
  g_variant_dict_insert (&d, "weight-kg", "d", 70.0);
  computed
      = cfd_template_compute (tmpl, (input = g_variant_ref_sink (g_variant_dict_end (&d))), &error);
  g_assert_true (g_variant_lookup (computed, "dose-mg-per-kg", "d", &per_kg));
  g_assert_cmpfloat_with_epsilon (per_kg, 0.714, 1e-9);

  /* Without a weight there is nothing to compute, and a stale value goes. */
  g_clear_pointer (&input, g_variant_unref);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "dose-mg", "d", 50.0);
  g_variant_dict_insert (&d, "dose-mg-per-kg", "d", 0.5);
  without_weight
      = cfd_template_compute (tmpl, (input = g_variant_ref_sink (g_variant_dict_end (&d))), &error);
  g_assert_no_error (error);
  g_assert_false (g_variant_lookup (without_weight, "dose-mg-per-kg", "d", &per_kg));

  /* A weight of 0 is refused, not divided by. */
  g_clear_pointer (&input, g_variant_unref);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "dose-mg", "d", 50.0);
  g_variant_dict_insert (&d, "weight-kg", "d", 0.0);
  g_assert_null (
      cfd_template_compute (tmpl, (input = g_variant_ref_sink (g_variant_dict_end (&d))), &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/template/all-kinds-load", test_all_kinds_load);
  g_test_add_func ("/confidant/template/fields", test_fields);
  g_test_add_func ("/confidant/template/validate", test_validate);
  g_test_add_func ("/confidant/template/check-complete", test_check_complete);
  g_test_add_func ("/confidant/template/computed-dose-per-kg", test_computed_dose_per_kg);
  return g_test_run ();
}
