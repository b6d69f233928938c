/* cfd-sedation.h: the sedation, dissociation and positive-symptom ratings of a dosing record, row by row. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* The ranges of the scales (docs/CLINICAL.md): MOAA/S 0-5, CADSS total of
 * 23 items scored 0-4, BPRS+ total of 4 items scored 1-7. */
#define CFD_SEDATION_MOAAS_MAX 5
#define CFD_SEDATION_CADSS_MAX 92
#define CFD_SEDATION_BPRS_MIN  4
#define CFD_SEDATION_BPRS_MAX  28

/* One row. Strings are borrowed from the value it was read from. */
typedef struct
{
  const char *time;      /* "HH:MM" */
  const char *timepoint; /* a choice of the field ("pre-dose", "40-min"…) or "" */
  gboolean has_moaas, has_cadss, has_bprs;
  guint16 moaas, cadss, bprs;
} CfdSedationRating;

/* The cells of a row as typed, in this order (CFD_TEMPLATE_SEDATION_TYPED_TYPE). */
enum
{
  CFD_SEDATION_CELL_TIME,
  CFD_SEDATION_CELL_TIMEPOINT,
  CFD_SEDATION_CELL_MOAAS,
  CFD_SEDATION_CELL_CADSS,
  CFD_SEDATION_CELL_BPRS,
  CFD_SEDATION_N_CELLS
};

/* TRUE when value holds rows as values: CFD_TEMPLATE_SEDATION_TYPE, or
 * CFD_TEMPLATE_SEDATION_V1_TYPE of rows written before timepoints. */
gboolean cfd_sedation_is_ratings (GVariant *value);

/* The rows of value in stored order; an empty array for any other value.
 * value must outlive the array. */
GArray *cfd_sedation_ratings (GVariant *value);

/* TRUE when value holds rows as typed (either typed form). */
gboolean cfd_sedation_is_typed (GVariant *value);

/* Every row of value as the cells a person would have typed, one
 * CFD_SEDATION_N_CELLS-long GStrv each, from what was typed or from
 * values (either form); an absent rating or timepoint is "". An empty
 * array for any other value. */
GPtrArray *cfd_sedation_typed_cells (GVariant *value);

/* The problem of the first row outside the scales' ranges, without a
 * time, or without any rating, as a phrase ("has a MOAA/S outside 0-5"),
 * or NULL when every row is right. */
const char *cfd_sedation_problem (GVariant *value);

G_END_DECLS
