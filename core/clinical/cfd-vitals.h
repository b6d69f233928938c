/* cfd-vitals.h: the vital-sign readings of a record, whichever form they were stored in. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* One reading. Strings are borrowed from the value it was read from. */
typedef struct
{
  const char *time;      /* "HH:MM" */
  const char *timepoint; /* a choice of the field ("pre-dose", "40-min"…) or "" */
  guint16 systolic;      /* mmHg */
  guint16 diastolic;     /* mmHg */
  guint16 heart_rate;    /* per minute */
  guint16 spo2;          /* % */
  gboolean has_respiratory_rate;
  guint16 respiratory_rate; /* breaths per minute, when has_respiratory_rate */
} CfdVitalReading;

/* The cells of a reading as typed, in this order (CFD_TEMPLATE_VITALS_TYPED_TYPE). */
enum
{
  CFD_VITALS_CELL_TIME,
  CFD_VITALS_CELL_TIMEPOINT,
  CFD_VITALS_CELL_SYSTOLIC,
  CFD_VITALS_CELL_DIASTOLIC,
  CFD_VITALS_CELL_HEART_RATE,
  CFD_VITALS_CELL_SPO2,
  CFD_VITALS_CELL_RESPIRATORY_RATE,
  CFD_VITALS_N_CELLS
};

/* TRUE when value holds readings as values: CFD_TEMPLATE_VITALS_TYPE, or
 * CFD_TEMPLATE_VITALS_V1_TYPE of records written before respiratory rate
 * and timepoints. */
gboolean cfd_vitals_is_readings (GVariant *value);

/* The readings of value (either form above), in stored order; an empty
 * array for any other value. value must outlive the array. */
GArray *cfd_vitals_readings (GVariant *value);

/* Every reading of value as the cells a person would have typed, one
 * CFD_VITALS_N_CELLS-long GStrv each: from what was typed (either typed
 * form) or from values (either form); an absent respiratory rate or
 * timepoint is "". An empty array for any other value. */
GPtrArray *cfd_vitals_typed_cells (GVariant *value);

G_END_DECLS
