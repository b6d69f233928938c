/* cfd-measure-series.c: banded instruments' totals and dosing dates read from a patient's records, for the charts. */
#include "config.h"

#include "confidant.h"

#include "cfd-measure-series.h"

struct _CfdMeasureSeries
{
  gatomicrefcount ref_count;
  /* CfdMeasurePoint arrays, one per instrument of the shipped and added
   * definitions, in the library's order (ids point into the definitions) */
  GPtrArray *defs;
  GPtrArray *points;
  GArray *dosings; /* gint64 */
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

/* A measure of a banded instrument whose definition is installed, with a
 * total in range; the band follows from the total (the stored one is only
 * a copy of it), and the risk from the items by the same definition. */
static gboolean
read_measure (CfdRecord *record, const CfdInstrumentDef **def, CfdMeasurePoint *point)
{
  g_autoptr (CfdMeasureReading) reading = cfd_measure_reading_new (cfd_record_get_content (record));
  const CfdInstrumentBand *band;
  CfdInstrumentScore score;
  guint n_bands = 0;

  if (reading == NULL || !reading->has_total || reading->total < 0
      || reading->total > cfd_instrument_def_get_max_total (reading->def)
      || cfd_instrument_def_get_bands (reading->def, &n_bands) == NULL)
    return FALSE;
  band = cfd_instrument_def_band_for_total (reading->def, (int)reading->total);
  *def = reading->def;
  point->occurred = cfd_record_get_occurred (record);
  point->total = (guint)reading->total;
  point->band = band->id;
  point->band_label = band->label;
  point->risk
      = cfd_instrument_def_score (reading->def, reading->answers, reading->n_answers, &score, NULL)
        && score.risk;
  return TRUE;
}

static GArray *
points_for (CfdMeasureSeries *self, const CfdInstrumentDef *def)
{
  for (guint i = 0; i < self->defs->len; i++)
    if (g_ptr_array_index (self->defs, i) == def)
      return g_ptr_array_index (self->points, i);
  return NULL;
}

CfdMeasureSeries *
cfd_measure_series_new (GListModel *records)
{
  CfdMeasureSeries *self = g_new0 (CfdMeasureSeries, 1);
  guint n = records != NULL ? g_list_model_get_n_items (records) : 0;

  g_atomic_ref_count_init (&self->ref_count);
  self->defs = cfd_instrument_list ();
  self->points = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  for (guint i = 0; i < self->defs->len; i++)
    g_ptr_array_add (self->points, g_array_new (FALSE, FALSE, sizeof (CfdMeasurePoint)));
  self->dosings = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      const CfdInstrumentDef *def = NULL;
      CfdMeasurePoint point;
      GArray *points;

      switch (cfd_record_get_kind (record))
        {
          case CFD_RECORD_MEASURE:
            if (read_measure (record, &def, &point) && (points = points_for (self, def)) != NULL)
              g_array_append_val (points, point);
            break;
          case CFD_RECORD_DOSING:
            {
              gint64 occurred = cfd_record_get_occurred (record);

              /* A draft is not yet a session that happened as written:
               * only signed dosing records are marked on the charts. */
              if (cfd_record_get_status (record) == CFD_RECORD_SIGNED)
                g_array_append_val (self->dosings, occurred);
            }
            break;
          default:
            break;
        }
    }
  for (guint i = 0; i < self->points->len; i++)
    g_array_sort (g_ptr_array_index (self->points, i), compare_points);
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
  for (guint i = 0; i < self->points->len; i++)
    {
      GArray *points = g_ptr_array_index (self->points, i);

      /* Totals are clinical data: zero them before the memory goes back. */
      if (points->len > 0)
        memset (points->data, 0, points->len * sizeof (CfdMeasurePoint));
    }
  g_ptr_array_unref (self->points);
  g_ptr_array_unref (self->defs);
  if (self->dosings->len > 0)
    memset (self->dosings->data, 0, self->dosings->len * sizeof (gint64));
  g_array_unref (self->dosings);
  g_free (self);
}

static GArray *
points_by_id (CfdMeasureSeries *self, const char *instrument_id)
{
  return points_for (self, cfd_instrument_lookup (instrument_id));
}

guint
cfd_measure_series_get_n_points_for (CfdMeasureSeries *self, const char *instrument_id)
{
  GArray *points;

  g_return_val_if_fail (self != NULL, 0);
  points = points_by_id (self, instrument_id);
  return points != NULL ? points->len : 0;
}

const CfdMeasurePoint *
cfd_measure_series_get_point_for (CfdMeasureSeries *self, const char *instrument_id, guint index)
{
  GArray *points;

  g_return_val_if_fail (self != NULL, NULL);
  points = points_by_id (self, instrument_id);
  g_return_val_if_fail (points != NULL && index < points->len, NULL);
  return &g_array_index (points, CfdMeasurePoint, index);
}

guint
cfd_measure_series_get_n_points (CfdMeasureSeries *self, CfdInstrument instrument)
{
  return cfd_measure_series_get_n_points_for (self, cfd_instrument_to_string (instrument));
}

const CfdMeasurePoint *
cfd_measure_series_get_point (CfdMeasureSeries *self, CfdInstrument instrument, guint index)
{
  return cfd_measure_series_get_point_for (self, cfd_instrument_to_string (instrument), index);
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
  for (guint i = 0; i < self->points->len; i++)
    {
      GArray *points = g_ptr_array_index (self->points, i);

      if (points->len == 0)
        continue;
      lo = MIN (lo, g_array_index (points, CfdMeasurePoint, 0).occurred);
      hi = MAX (hi, g_array_index (points, CfdMeasurePoint, points->len - 1).occurred);
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
