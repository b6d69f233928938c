/* cfd-measure-series.h: banded instruments' totals and dosing dates read from a patient's records, for the charts. */
#pragma once

#include <gio/gio.h>

#include "confidant.h"

G_BEGIN_DECLS

/* One scored measure. Totals are clinical data: the series is freed, not
 * kept, when the vault locks. */
typedef struct
{
  gint64 occurred; /* seconds since the epoch */
  guint total;
  const char *band;       /* the definition's band id (definitions are never freed) */
  const char *band_label; /* and its label */
  gboolean risk;          /* a risk item reached its threshold (PHQ-9 item 9 above 0) */
} CfdMeasurePoint;

typedef struct _CfdMeasureSeries CfdMeasureSeries;

/* Reads a timeline (CfdRecord items, any order): measures with a known
 * instrument and a total in range become points, dosing sessions become
 * marks; everything else is left out. Points and marks are oldest first. */
CfdMeasureSeries *cfd_measure_series_new (GListModel *records);
CfdMeasureSeries *cfd_measure_series_ref (CfdMeasureSeries *self);
void cfd_measure_series_unref (CfdMeasureSeries *self);

/* By instrument id: every banded instrument with a definition installed. */
guint cfd_measure_series_get_n_points_for (CfdMeasureSeries *self, const char *instrument_id);
const CfdMeasurePoint *
cfd_measure_series_get_point_for (CfdMeasureSeries *self, const char *instrument_id, guint index);
guint cfd_measure_series_get_n_points (CfdMeasureSeries *self, CfdInstrument instrument);
const CfdMeasurePoint *
cfd_measure_series_get_point (CfdMeasureSeries *self, CfdInstrument instrument, guint index);
guint cfd_measure_series_get_n_dosings (CfdMeasureSeries *self);
gint64 cfd_measure_series_get_dosing (CfdMeasureSeries *self, guint index);

/* The earliest and latest date of any point or dosing; FALSE when empty. */
gboolean cfd_measure_series_get_range (CfdMeasureSeries *self, gint64 *first, gint64 *last);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdMeasureSeries, cfd_measure_series_unref)

G_END_DECLS
