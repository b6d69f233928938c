/* cfd-measure-schedule.c: which measures a patient is to give and when, feeding the worklist.
 *
 * The schedule is one of the patient's details, so it is sealed under the
 * patient key with them and every change is a new, audited revision. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-instrument.h"
#include "cfd-measure-schedule-private.h"
#include "cfd-patient-private.h"

#define BEFORE_EACH_DOSING "before-each-dosing"
#define MAX_RULES          64

void
cfd_measure_rule_free (CfdMeasureRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->instrument_id);
  g_free (rule);
}

gboolean
cfd_measure_cadence_parse (const char *text, guint *every_days, GError **error)
{
  guint64 days = 0;

  if (g_strcmp0 (text, BEFORE_EACH_DOSING) == 0)
    {
      *every_days = 0;
      return TRUE;
    }
  if (text != NULL && g_str_has_prefix (text, "every-") && g_str_has_suffix (text, "-days"))
    {
      g_autofree char *number = g_strndup (text + strlen ("every-"),
                                           strlen (text) - strlen ("every-") - strlen ("-days"));

      if (g_ascii_string_to_unsigned (number, 10, 1, CFD_MEASURE_SCHEDULE_MAX_DAYS, &days, NULL))
        {
          *every_days = (guint)days;
          return TRUE;
        }
    }
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
               _ ("A cadence is “before-each-dosing” or “every-N-days” with N from 1 to %u"),
               CFD_MEASURE_SCHEDULE_MAX_DAYS);
  return FALSE;
}

char *
cfd_measure_cadence_to_string (guint every_days)
{
  if (every_days == 0)
    return g_strdup (BEFORE_EACH_DOSING);
  return g_strdup_printf ("every-%u-days", every_days);
}

CfdMeasureRule *
cfd_measure_rule_parse (const char *text, GError **error)
{
  const char *colon = text != NULL ? strchr (text, ':') : NULL;
  g_autoptr (CfdMeasureRule) rule = NULL;

  if (colon == NULL || colon == text)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("A schedule rule is written INSTRUMENT:CADENCE, for example "
                              "phq9:before-each-dosing or pcl5:every-30-days"));
      return NULL;
    }
  rule = g_new0 (CfdMeasureRule, 1);
  rule->instrument_id = g_strndup (text, colon - text);
  if (!cfd_measure_cadence_parse (colon + 1, &rule->every_days, error))
    return NULL;
  return g_steal_pointer (&rule);
}

gboolean
cfd_measure_rule_is_due (const CfdMeasureRule *rule,
                         gint64 last_measure,
                         gint64 last_dosing,
                         gint64 now)
{
  if (last_measure == 0)
    return TRUE;
  if (rule->every_days == 0)
    /* A measure dated the same moment as the dosing counts as taken
     * before it: sessions are often recorded with the date alone. */
    return last_dosing > last_measure;
  return now - last_measure >= (gint64)rule->every_days * 86400;
}

gboolean
cfd_measure_schedule_validate (GVariant *schedule, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char *instrument, *cadence;

  if (!g_variant_is_of_type (schedule, CFD_MEASURE_SCHEDULE_TYPE)
      || g_variant_n_children (schedule) > MAX_RULES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("A measure schedule is a list of at most %u rules"), MAX_RULES);
      return FALSE;
    }
  g_variant_iter_init (&iter, schedule);
  while (g_variant_iter_next (&iter, "(&s&s)", &instrument, &cadence))
    {
      guint days;

      if (*instrument == '\0' || strlen (instrument) > 64)
        {
          g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                               _ ("A schedule rule names no instrument"));
          return FALSE;
        }
      if (!cfd_measure_cadence_parse (cadence, &days, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer)instrument))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("The schedule names “%s” twice: one rule per instrument"), instrument);
          return FALSE;
        }
    }
  return TRUE;
}

GPtrArray *
cfd_measure_schedule_from_details (GVariant *details)
{
  GPtrArray *rules = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_measure_rule_free);
  g_autoptr (GVariant) schedule
      = g_variant_lookup_value (details, CFD_PATIENT_MEASURE_SCHEDULE, CFD_MEASURE_SCHEDULE_TYPE);
  GVariantIter iter;
  const char *instrument, *cadence;

  if (schedule == NULL)
    return rules;
  g_variant_iter_init (&iter, schedule);
  while (g_variant_iter_next (&iter, "(&s&s)", &instrument, &cadence))
    {
      CfdMeasureRule *rule;
      guint every_days;

      /* Details are validated when written, not when read: a rule that
       * does not parse (a later version's cadence) asks for nothing. */
      if (!cfd_measure_cadence_parse (cadence, &every_days, NULL))
        continue;
      rule = g_new0 (CfdMeasureRule, 1);
      rule->instrument_id = g_strdup (instrument);
      rule->every_days = every_days;
      g_ptr_array_add (rules, rule);
    }
  return rules;
}

GPtrArray *
cfd_vault_get_measure_schedule (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, patient_id, error);

  if (patient == NULL)
    return NULL;
  return cfd_patient_get_measure_schedule (patient);
}

GPtrArray *
cfd_patient_get_measure_schedule (CfdPatient *patient)
{
  return cfd_measure_schedule_from_details (cfd_patient_get_details (patient));
}

gboolean
cfd_vault_set_measure_schedule (CfdVault *vault,
                                const char *patient_id,
                                const char *const *rules,
                                GError **error)
{
  g_autoptr (GVariant) schedule = NULL;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, CFD_MEASURE_SCHEDULE_TYPE);
  for (guint i = 0; rules != NULL && rules[i] != NULL; i++)
    {
      g_autoptr (CfdMeasureRule) rule = cfd_measure_rule_parse (rules[i], error);
      g_autofree char *cadence = NULL;

      if (rule == NULL)
        {
          g_variant_builder_clear (&builder);
          return FALSE;
        }
      if (cfd_instrument_lookup (rule->instrument_id) == NULL)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No instrument “%s” is installed"),
                       rule->instrument_id);
          g_variant_builder_clear (&builder);
          return FALSE;
        }
      cadence = cfd_measure_cadence_to_string (rule->every_days);
      g_variant_builder_add (&builder, "(ss)", rule->instrument_id, cadence);
    }
  schedule = g_variant_ref_sink (g_variant_builder_end (&builder));
  if (!cfd_measure_schedule_validate (schedule, error))
    return FALSE;
  return cfd_patient_write_measure_schedule (
      vault, patient_id, g_variant_n_children (schedule) > 0 ? schedule : NULL, error);
}
