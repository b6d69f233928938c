/* cfd-measure.h: outcome measures: storing a scored instrument as a signed record, the risk flag. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-instrument.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* The two instruments Confidant had before instruments were data (see
 * cfd-instrument.h). These functions read their definitions; they stay for
 * callers that know only these two. */
typedef enum
{
  CFD_INSTRUMENT_PHQ9,
  CFD_INSTRUMENT_GAD7,
} CfdInstrument;

const char *cfd_instrument_to_string (CfdInstrument instrument); /* "phq9", "gad7" */
gboolean cfd_instrument_from_string (const char *text, CfdInstrument *instrument);
/* The scored items: 9 for the PHQ-9 (item 10 is not in the total), 7 for the GAD-7. */
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

/* Each item 0-3; exactly the scored items, or for the PHQ-9 also item 10. */
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

typedef enum
{
  CFD_MEASURE_MODE_SELF_REPORT, /* the patient filled it in */
  CFD_MEASURE_MODE_INTERVIEW,   /* read out and answered in an interview */
} CfdMeasureMode;

const char *cfd_measure_mode_to_string (CfdMeasureMode mode); /* "self-report", "interview" */
gboolean cfd_measure_mode_from_string (const char *text, CfdMeasureMode *mode);

/* Scores the answers with the instrument's definition (one per item,
 * CFD_ANSWER_NONE where not answered) and stores them as a signed record of
 * kind CFD_RECORD_MEASURE with the mode and the rater the definition names;
 * raises the patient's risk flag in the same transaction when the score
 * says so. NOT_FOUND for an instrument no definition has. */
char *cfd_vault_add_instrument_measure (CfdVault *vault,
                                        const char *patient_id,
                                        const char *instrument_id,
                                        gint64 occurred,
                                        const int *answers,
                                        gsize n_answers,
                                        CfdMeasureMode mode,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* What a stored measure's content holds, read with its instrument's
 * definition; NULL when the content names no instrument Confidant knows
 * (a practice's definition that is not installed here). */
typedef struct
{
  const CfdInstrumentDef *def;
  int *answers; /* one per item of def, CFD_ANSWER_NONE where none */
  guint n_answers;
  gboolean has_total;
  gint64 total;
  gboolean has_mean;
  double mean;
  const char *band;   /* points into the content */
  const char *result; /* points into the content */
  const char *mode;   /* NULL in measures stored before the mode was recorded */
  const char *rater;  /* likewise */
  GVariant *content;  /* the strings above point into it; held until freed */
} CfdMeasureReading;

CfdMeasureReading *cfd_measure_reading_new (GVariant *content);
void cfd_measure_reading_free (CfdMeasureReading *reading);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdMeasureReading, cfd_measure_reading_free)

G_END_DECLS
