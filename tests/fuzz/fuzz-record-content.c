/* fuzz-record-content.c: libFuzzer target for decrypted record and patient content: the GVariant a{sv} checks after unsealing. */
#include "config.h"

#include "cfd-measure-schedule-private.h"
#include "cfd-patient.h"
#include "cfd-template.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* What cfd_patient_key_unseal does with the plaintext (GVariant over the
 * bytes, normal form required), then what the record and patient code do
 * with the dictionary: every kind's template validator and completeness
 * check, and the patient details validator. Decryption itself is not
 * fuzzed: the plaintext is what an attacker with a patient key controls. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GVariant) content
      = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));

  if (!g_variant_is_normal_form (content))
    return 0;

  for (CfdRecordKind kind = CFD_RECORD_INTEGRATION; kind <= CFD_RECORD_LAST_KIND; kind++)
    {
      const CfdTemplate *tmpl = cfd_template_get (kind);
      g_autoptr (GError) error = NULL;

      if (tmpl == NULL)
        g_error ("no template for kind %d", kind);
      if (cfd_template_validate (tmpl, content, &error))
        {
          g_autoptr (GError) incomplete = NULL;

          if (!cfd_template_check_complete (tmpl, content, &incomplete)
              && incomplete->domain != CFD_ERROR)
            g_error ("an incomplete record came without a vault error");
        }
      else if (error == NULL || error->domain != CFD_ERROR)
        g_error ("refused content came without a vault error");

      /* A draft's content (issue 24): kept as typed, so only its shape is
       * checked; whatever passes goes through what the editor and signing
       * do with it. */
      g_clear_error (&error);
      if (cfd_template_validate_draft (tmpl, content, &error))
        {
          g_autoptr (GVariant) computed = cfd_template_compute_draft (tmpl, content);
          g_autoptr (GError) unsignable = NULL;
          g_auto (GStrv) warnings = NULL;

          for (guint i = 0; i < tmpl->fields->len; i++)
            {
              const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
              g_autoptr (GVariant) value = g_variant_lookup_value (computed, field->id, NULL);
              g_autofree char *problem = cfd_template_field_problem (field, value);
              g_autofree char *warning = cfd_template_field_warning (field, value);
            }
          if (!cfd_template_check_signable (tmpl, computed, &unsignable)
              && unsignable->domain != CFD_ERROR)
            g_error ("an unsignable draft came without a vault error");
          warnings = cfd_template_plausibility_warnings (tmpl, computed);
        }
      else if (error == NULL || error->domain != CFD_ERROR)
        g_error ("a refused draft came without a vault error");
    }

  {
    g_autoptr (GError) error = NULL;

    if (!cfd_patient_details_validate (content, &error)
        && (error == NULL || error->domain != CFD_ERROR))
      g_error ("refused details came without a vault error");
  }

  /* The worklist reads a patient's schedule from details as unsealed, not
   * validated: whatever they hold, it gets rules that parse or none. */
  {
    g_autoptr (GPtrArray) rules = cfd_measure_schedule_from_details (content);

    for (guint i = 0; i < rules->len; i++)
      {
        const CfdMeasureRule *rule = g_ptr_array_index (rules, i);

        if (rule->instrument_id == NULL || rule->every_days > CFD_MEASURE_SCHEDULE_MAX_DAYS)
          g_error ("a stored rule was read out of its bounds");
      }
  }
  return 0;
}
