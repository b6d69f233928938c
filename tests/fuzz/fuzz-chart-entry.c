/* fuzz-chart-entry.c: libFuzzer target for the chart entry reader (cfd_chart_fields_parse), which reads untrusted "field: value" text. */
#include "config.h"

#include "cfd-chart.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The first byte picks the list; the rest is the text. Whatever the reader
 * accepts is an a{sv} of strings that validation accepts or refuses as
 * invalid input; whatever the reader refuses is refused as invalid input.
 * A describe of a valid entry never crashes. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) fields = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  CfdChartList list;

  if (size < 1)
    return 0;
  list = (CfdChartList)(data[0] % CFD_CHART_N_LISTS);
  fields = cfd_chart_fields_parse (list, (const char *)data + 1, size - 1, &error);
  if (fields == NULL)
    {
      if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        g_error ("a refused chart entry came without INVALID_INPUT");
      return 0;
    }
  if (!g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT))
    g_error ("a chart entry parsed to something other than a{sv}");
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        g_error ("a chart field parsed to something other than text");
      g_variant_unref (value);
    }
  if (!cfd_chart_fields_validate (list, fields, &error)
      && !g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
    g_error ("a refused chart entry came without INVALID_INPUT");
  {
    CfdMedicationFlags flags;
    const char *text = NULL;

    if (g_variant_lookup (fields, CFD_CHART_FLAGS, "&s", &text))
      (void)cfd_medication_flags_parse (text, &flags);
    if (g_variant_lookup (fields, CFD_CHART_NAME, "&s", &text))
      (void)cfd_medication_flags_for_name (text);
  }
  return 0;
}
