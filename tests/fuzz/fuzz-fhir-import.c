/* fuzz-fhir-import.c: libFuzzer target for the FHIR bundle reader (cfd_fhir_import_parse), which reads untrusted JSON. */
#include "config.h"

#include "cfd-import-fhir.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Whatever the reader accepts has a usable name and complete, in-range
 * measures; whatever it refuses is refused as invalid input. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdFhirImport) import = cfd_fhir_import_parse ((const char *)data, size, &error);

  if (import == NULL)
    {
      if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        g_error ("a refused bundle came without INVALID_INPUT");
      return 0;
    }
  if (import->name == NULL || import->name[0] == '\0')
    g_error ("a bundle was accepted without a patient name");
  for (guint i = 0; i < import->measures->len; i++)
    {
      CfdFhirImportMeasure *m = &g_array_index (import->measures, CfdFhirImportMeasure, i);
      CfdInstrumentScore score;

      /* Another instrument of the library: answers that score. */
      if (m->def != NULL)
        {
          if (!cfd_instrument_def_score (m->def, m->answers, m->n_items, &score, NULL))
            g_error ("a measure that does not score was accepted");
          continue;
        }
      if (m->n_items != cfd_instrument_n_items (m->instrument))
        g_error ("an incomplete measure was accepted");
      for (guint j = 0; j < m->n_items; j++)
        if (m->items[j] > 3)
          g_error ("an item score beyond 3 was accepted");
    }
  return 0;
}
