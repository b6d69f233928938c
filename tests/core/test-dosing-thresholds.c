/* test-dosing-thresholds.c: the practice's dosing thresholds: set, audited, used when signing, refused when damaged. */
#include "config.h"

#include <string.h>

#include "cfd-dosing-thresholds.h"
#include "cfd-record.h"
#include "cfd-template.h"
#include "cfd-test-util.h"
#include "cfd-vault-private.h"

#define OCCURRED G_GINT64_CONSTANT (1764547200) /* 2025-12-01 */

/* A 56 mg esketamine session whose pre-dose blood pressure is 146/88 and
 * whose 40-minute oxygen saturation is 94 %, nothing else past a default. */
static GVariant *
session (void)
{
  GVariantDict d;
  GVariantBuilder vitals;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "esketamine");
  g_variant_dict_insert (&d, "route", "s", "intranasal");
  g_variant_dict_insert (&d, "weight-kg", "d", 70.0);
  g_variant_dict_insert (&d, "dose-mg", "d", 56.0);
  g_variant_dict_insert (&d, "dose-mg-per-kg", "d", 0.8);
  g_variant_dict_insert (&d, "devices", "x", (gint64)2);
  g_variant_dict_insert (&d, "device-1-time", "s", "09:00");
  g_variant_dict_insert (&d, "device-2-time", "s", "09:05");
  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "08:50", "pre-dose", 146, 88, 72, 98, TRUE,
                         (guint16)16);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "09:40", "40-min", 136, 86, 76, 94, TRUE,
                         (guint16)14);
  g_variant_builder_add (&vitals, "(ssqqqqmq)", "10:55", "discharge", 124, 80, 70, 98, TRUE,
                         (guint16)15);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)120);
  g_variant_dict_insert (&d, "ready-to-leave-time", "s", "11:00");
  g_variant_dict_insert (&d, "discharge-time", "s", "11:05");
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  return g_variant_dict_end (&d);
}

static char *
draft (CfdVault *vault, const char *patient)
{
  g_autoptr (GError) error = NULL;
  char *id
      = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED, session (), &error);

  g_assert_no_error (error);
  return id;
}

static void
test_defaults_and_settings (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  CfdDosingThresholds t;

  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_no_error (error);
  {
    guint n;
    const CfdDosingThresholdInfo *all = cfd_dosing_thresholds_list (&n);

    for (guint i = 0; i < n; i++)
      g_assert_cmpuint (cfd_dosing_threshold_get (&t, all[i].name), ==,
                        cfd_dosing_threshold_get (&cfd_dosing_default_thresholds, all[i].name));
  }
  g_assert_cmpuint (t.pre_dose_systolic, ==, 140);
  g_assert_cmpuint (t.pre_dose_diastolic, ==, 90);

  g_assert_true (cfd_vault_set_dosing_threshold (vault, "pre-dose-systolic", 150, &error));
  g_assert_true (cfd_vault_set_dosing_threshold (vault, "respiratory-rate-below", 8, &error));
  g_assert_true (cfd_vault_set_dosing_threshold (vault, "moaas-at-or-below", 2, &error));
  g_assert_no_error (error);
  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_cmpuint (t.pre_dose_systolic, ==, 150);
  g_assert_cmpuint (t.respiratory_rate_below, ==, 8);
  g_assert_cmpint (t.moaas_at_or_below, ==, 2);
  g_assert_cmpuint (t.pre_dose_diastolic, ==, 90);
  g_assert_cmpuint (cfd_dosing_threshold_get (&t, "moaas-at-or-below"), ==, 2);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'practice.threshold'"),
                   ==, 3);

  /* Out of bounds or unknown: refused, nothing changed. */
  g_assert_false (cfd_vault_set_dosing_threshold (vault, "pre-dose-systolic", 300, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_set_dosing_threshold (vault, "temperature-above", 38, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_cmpuint (t.pre_dose_systolic, ==, 150);
}

static void
test_parse (void)
{
  const char *const bad[][2] = {
    { "pre-dose-systolic", "written NAME=VALUE" },
    { "temperature-above=38", "No threshold is called “temperature-above”" },
    { "pre-dose-systolic=abc", "must be a whole number from 100 to 220" },
    { "pre-dose-systolic=", "must be a whole number from 100 to 220" },
    { "pre-dose-systolic=-5", "must be a whole number from 100 to 220" },
    { "spo2-below=101", "must be a whole number from 80 to 100" },
  };
  const CfdDosingThresholdInfo *info = NULL;
  guint value = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_dosing_threshold_parse ("spo2-below=94", &info, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "spo2-below");
  g_assert_cmpuint (value, ==, 94);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cfd_dosing_threshold_parse (bad[i][0], &info, &value, &error));
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("%s: expected “%s” in: %s", bad[i][0], bad[i][1], error->message);
      g_clear_error (&error);
    }
}

/* The vault's signing reads the practice's values, not the defaults. */
static void
test_signing_uses_the_practice_values (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Threshold Patient");
  g_autofree char *first = draft (vault, patient);
  g_autofree char *second = draft (vault, patient);
  g_autoptr (GError) error = NULL;

  /* By default 146/88 before dosing is above 140/90. */
  g_assert_false (cfd_vault_sign_record (vault, first, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "pre-dose blood pressure 146/88 mmHg at 08:50 is "
                                            "above 140/90"));
  g_clear_error (&error);

  /* A practice that acts from 150/90 signs it without an action. */
  g_assert_true (cfd_vault_set_dosing_threshold (vault, "pre-dose-systolic", 150, &error));
  g_assert_true (cfd_vault_sign_record (vault, first, &error));
  g_assert_no_error (error);

  /* One that acts below 95 % saturation asks about 94 %. */
  g_assert_true (cfd_vault_set_dosing_threshold (vault, "spo2-below", 95, &error));
  g_assert_false (cfd_vault_sign_record (vault, second, &error));
  g_assert_nonnull (strstr (error->message, "oxygen saturation 94 % at 09:40 is below 95 %"));
  g_assert_nonnull (strstr (error->message, "“Action taken”"));
  g_clear_error (&error);
}

/* A stored value out of its bounds is not used, and nothing is signed. */
static void
test_damaged_setting (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Damaged Setting");
  g_autofree char *id = draft (vault, patient);
  g_autoptr (GError) error = NULL;
  CfdDosingThresholds t;

  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL),
                              "INSERT OR REPLACE INTO vault_meta (key, value) "
                              "VALUES ('threshold.spo2-below', '7')",
                              &error));
  g_assert_false (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE);
  g_assert_nonnull (strstr (error->message, "spo2-below"));
  g_clear_error (&error);
  g_assert_true (cfd_vault_set_dosing_threshold (vault, "pre-dose-systolic", 150, &error));
  g_assert_false (cfd_vault_sign_record (vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE);
  g_clear_error (&error);
  g_assert_cmpint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM records WHERE signed_at IS NOT NULL"), ==,
      0);

  /* A threshold of a later version is left alone. */
  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL),
                              "UPDATE vault_meta SET key = 'threshold.temperature-above', "
                              "value = '38' WHERE key = 'threshold.spo2-below'",
                              &error));
  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.spo2_below, ==, 92);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/dosing-thresholds/defaults-and-settings", test_defaults_and_settings);
  g_test_add_func ("/dosing-thresholds/parse", test_parse);
  g_test_add_func ("/dosing-thresholds/signing-uses-the-practice-values",
                   test_signing_uses_the_practice_values);
  g_test_add_func ("/dosing-thresholds/damaged-setting", test_damaged_setting);
  return g_test_run ();
}
