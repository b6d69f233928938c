/* fuzz-instrument.c: libFuzzer target for instrument definitions (cfd_instrument_def_parse), which a practice may add. */
#include "config.h"

#include "cfd-error.h"
#include "cfd-instrument.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Whatever the reader accepts must hang together: items within the stored
 * format's bounds, bands covering 0 to the maximum, and the lowest and the
 * highest answers scoring without a crash, as a total inside the bands.
 * Whatever it refuses must be refused as invalid input. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdInstrumentDef) def = cfd_instrument_def_parse ((const char *)data, size, &error);
  int answers[CFD_INSTRUMENT_MAX_ITEMS];
  guint n, n_bands = 0;

  if (def == NULL)
    {
      if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        g_error ("a refused definition came without INVALID_INPUT");
      return 0;
    }
  n = cfd_instrument_def_get_n_items (def);
  if (n == 0 || n > CFD_INSTRUMENT_MAX_ITEMS)
    g_error ("a definition with %u items", n);
  cfd_instrument_def_get_bands (def, &n_bands);
  for (int pass = 0; pass < 2; pass++)
    {
      CfdInstrumentScore score;

      for (guint i = 0; i < n; i++)
        {
          const CfdInstrumentItem *item = cfd_instrument_def_get_item (def, i);

          if (item->min < 0 || item->max > 1000 || item->min > item->max)
            g_error ("item %u answers %d to %d", i + 1, item->min, item->max);
          answers[i] = pass == 0 ? item->min : item->max;
        }
      /* Skipped items are left empty, as the form leaves them. */
      for (guint i = 0; i < n; i++)
        if (!cfd_instrument_def_item_is_asked (def, answers, i))
          answers[i] = CFD_ANSWER_NONE;
      if (!cfd_instrument_def_score (def, answers, n, &score, &error))
        {
          if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
            g_error ("scoring failed without INVALID_INPUT");
          g_clear_error (&error);
          continue;
        }
      if (score.has_total
          && (score.total < 0 || score.total > cfd_instrument_def_get_max_total (def)))
        g_error ("a total of %d beyond 0 to %d", score.total,
                 cfd_instrument_def_get_max_total (def));
      if (n_bands > 0 && score.has_total && score.band == NULL)
        g_error ("a total of %d in no band", score.total);
    }
  return 0;
}
