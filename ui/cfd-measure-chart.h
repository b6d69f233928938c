/* cfd-measure-chart.h: one instrument's totals over time, over its severity bands, with dosing sessions marked. */
#pragma once

#include <gtk/gtk.h>

#include "cfd-measure-series.h"

G_BEGIN_DECLS

#define CFD_TYPE_MEASURE_CHART (cfd_measure_chart_get_type ())
G_DECLARE_FINAL_TYPE (CfdMeasureChart, cfd_measure_chart, CFD, MEASURE_CHART, GtkDrawingArea)

GtkWidget *cfd_measure_chart_new (CfdInstrument instrument);

/* Any instrument whose definition has bands. */
GtkWidget *cfd_measure_chart_new_for_id (const char *instrument_id);
const char *cfd_measure_chart_get_instrument_id (CfdMeasureChart *self);
void cfd_measure_chart_set_instrument_id (CfdMeasureChart *self, const char *instrument_id);

CfdInstrument cfd_measure_chart_get_instrument (CfdMeasureChart *self);
void cfd_measure_chart_set_instrument (CfdMeasureChart *self, CfdInstrument instrument);

/* NULL clears the chart (as when the vault locks). */
void cfd_measure_chart_set_series (CfdMeasureChart *self, CfdMeasureSeries *series);

/* What the pointer at (x, y) shows: a point's date, total and band, or a
 * dosing session's date; NULL over nothing. Hovering draws the same. */
char *cfd_measure_chart_describe_at (CfdMeasureChart *self, double x, double y);

G_END_DECLS
