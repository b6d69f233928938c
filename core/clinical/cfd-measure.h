/* cfd-measure.h: outcome measures (PHQ-9, GAD-7): scoring, severity bands, the risk flag. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_INSTRUMENT_PHQ9,
  CFD_INSTRUMENT_GAD7,
} CfdInstrument;

const char *cfd_instrument_to_string (CfdInstrument instrument); /* "phq9", "gad7" */
gboolean cfd_instrument_from_string (const char *text, CfdInstrument *instrument);
guint cfd_instrument_n_items (CfdInstrument instrument);

/* A severity band of an instrument: totals from low to high, inclusive. */
typedef struct
{
  guint low;
  guint high;
  const char *id; /* "minimal", "mild", "moderate", "moderately severe", "severe" */
} CfdMeasureBand;

/* The published bands, lowest first; n_bands is set to their number. */
const CfdMeasureBand *cfd_measure_bands (CfdInstrument instrument, guint *n_bands);
/* The highest possible total: 27 for the PHQ-9, 21 for the GAD-7. */
guint cfd_measure_max_total (CfdInstrument instrument);
/* The band a total falls in, or NULL when it is beyond the instrument. */
const CfdMeasureBand *cfd_measure_band_for_total (CfdInstrument instrument, guint total);

typedef struct
{
  guint total;
  const char *band; /* "minimal", "mild", "moderate", "moderately severe", "severe" */
  gboolean risk;    /* PHQ-9 item 9 above 0 */
} CfdMeasureScore;

/* Each item 0-3; exactly n_items of them. */
gboolean cfd_measure_score (CfdInstrument instrument,
                            const guint8 *items,
                            gsize n_items,
                            CfdMeasureScore *score,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Stores a measure as a signed record of kind CFD_RECORD_MEASURE; raises the
 * patient's risk flag in the same transaction when the score says so. */
char *cfd_vault_add_measure (CfdVault *vault,
                             const char *patient_id,
                             CfdInstrument instrument,
                             gint64 occurred,
                             const guint8 *items,
                             gsize n_items,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
