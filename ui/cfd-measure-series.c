/* cfd-measure-series.c: PHQ-9 and GAD-7 totals and dosing dates read from a patient's records, for the chart. */
#include "config.h"

#include "confidant.h"

#include "cfd-measure-series.h"

struct _CfdMeasureSeries
{
  gatomicrefcount ref_count;
  GArray *points[2]; /* CfdMeasurePoint, by CfdInstrument */
  GArray *dosings;   /* gint64 */
};

static int
compare_points (gconstpointer a, gconstpointer b)
{
  const CfdMeasurePoint *pa = a, *pb = b;

  return (pa->occurred > pb->occurred) - (pa->occurred < pb->occurred);
}

static int
compare_times (gconstpointer a, gconstpointer b)
{
  gint64 ta = *(const gint64 *)a, tb = *(const gint64 *)b;

  return (ta > tb) - (ta < tb);
}

static gboolean
read_measure (CfdRecord *record, CfdInstrument *instrument, CfdMeasurePoint *point)
{
  GVariant *content = cfd_record_get_content (record); /* transfer none */
  const char *instrument_id = NULL;
  const CfdMeasureBand *band;
  gint64 total = -1, item9 = 0;

  if (content == NULL || !g_variant_lookup (content, "instrument", "&s", &instrument_id)
      || !cfd_instrument_from_string (instrument_id, instrument)
      || !g_variant_lookup (content, "total", "x", &total) || total < 0
      || total > (gint64)cfd_measure_max_total (*instrument))
    return FALSE;
  /* The band follows from the total; the stored one is only a copy of it. */
  band = cfd_measure_band_for_total (*instrument, (guint)total);
  point->occurred = cfd_record_get_occurred (record);
  point->total = (guint)total;
  point->band = band->id;
  point->risk = *instrument == CFD_INSTRUMENT_PHQ9
                && g_variant_lookup (content, "item-9", "x", &item9) && item9 > 0;
  return TRUE;
}

CfdMeasureSeries *
cfd_measure_series_new (GListModel *records)
{
  CfdMeasureSeries *self = g_new0 (CfdMeasureSeries, 1);
  guint n = records != NULL ? g_list_model_get_n_items (records) : 0;

  g_atomic_ref_count_init (&self->ref_count);
  for (guint i = 0; i < G_N_ELEMENTS (self->points); i++)
    self->points[i] = g_array_new (FALSE, FALSE, sizeof (CfdMeasurePoint));
  self->dosings = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      CfdInstrument instrument;
      CfdMeasurePoint point;

      switch (cfd_record_get_kind (record))
        {
          case CFD_RECORD_MEASURE:
            if (read_measure (record, &instrument, &point))
              g_array_append_val (self->points[instrument], point);
            break;
          case CFD_RECORD_DOSING:
            {
              gint64 occurred = cfd_record_get_occurred (record);
              g_array_append_val (self->dosings, occurred);
            }
            break;
          default:
            break;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->points); i++)
    g_array_sort (self->points[i], compare_points);
  g_array_sort (self->dosings, compare_times);
  return self;
}

CfdMeasureSeries *
cfd_measure_series_ref (CfdMeasureSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cfd_measure_series_unref (CfdMeasureSeries *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->points); i++)
    {
      /* Totals are clinical data: zero them before the memory goes back. */
      if (self->points[i]->len > 0)
        memset (self->points[i]->data, 0, self->points[i]->len * sizeof (CfdMeasurePoint));
      g_array_unref (self->points[i]);
    }
  if (self->dosings->len > 0)
    memset (self->dosings->data, 0, self->dosings->len * sizeof (gint64));
  g_array_unref (self->dosings);
  g_free (self);
}

guint
cfd_measure_series_get_n_points (CfdMeasureSeries *self, CfdInstrument instrument)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (self->points), 0);
  return self->points[instrument]->len;
}

const CfdMeasurePoint *
cfd_measure_series_get_point (CfdMeasureSeries *self, CfdInstrument instrument, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (self->points), NULL);
  g_return_val_if_fail (index < self->points[instrument]->len, NULL);
  return &g_array_index (self->points[instrument], CfdMeasurePoint, index);
}

guint
cfd_measure_series_get_n_dosings (CfdMeasureSeries *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dosings->len;
}

gint64
cfd_measure_series_get_dosing (CfdMeasureSeries *self, guint index)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (index < self->dosings->len, 0);
  return g_array_index (self->dosings, gint64, index);
}

gboolean
cfd_measure_series_get_range (CfdMeasureSeries *self, gint64 *first, gint64 *last)
{
  gboolean any = FALSE;
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  g_return_val_if_fail (self != NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (self->points); i++)
    if (self->points[i]->len > 0)
      {
        lo = MIN (lo, g_array_index (self->points[i], CfdMeasurePoint, 0).occurred);
        hi = MAX (
            hi,
            g_array_index (self->points[i], CfdMeasurePoint, self->points[i]->len - 1).occurred);
        any = TRUE;
      }
  if (self->dosings->len > 0)
    {
      lo = MIN (lo, g_array_index (self->dosings, gint64, 0));
      hi = MAX (hi, g_array_index (self->dosings, gint64, self->dosings->len - 1));
      any = TRUE;
    }
  if (any)
    {
      *first = lo;
      *last = hi;
    }
  return any;
}
