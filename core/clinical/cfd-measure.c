/* cfd-measure.c: outcome measures (PHQ-9, GAD-7): scoring, severity bands, the risk flag. */
#include "config.h"

#include "cfd-measure.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-template.h"

typedef struct
{
  const char *id;
  const char *name;
  guint n_items;
  const CfdMeasureBand *bands;
  guint n_bands;
} Instrument;

/* Cut-offs as published with the instruments (Kroenke et al. 2001 for the
 * PHQ-9; Spitzer et al. 2006 for the GAD-7). The scorer and the app's
 * charts both read these. */
static const CfdMeasureBand phq9_bands[] = {
  { 0, 4, "minimal" },  { 5, 9, "mild" }, { 10, 14, "moderate" }, { 15, 19, "moderately severe" },
  { 20, 27, "severe" },
};
static const CfdMeasureBand gad7_bands[] = {
  { 0, 4, "minimal" },
  { 5, 9, "mild" },
  { 10, 14, "moderate" },
  { 15, 21, "severe" },
};

static const Instrument instruments[] = {
  { "phq9", "PHQ-9", 9, phq9_bands, G_N_ELEMENTS (phq9_bands) },
  { "gad7", "GAD-7", 7, gad7_bands, G_N_ELEMENTS (gad7_bands) },
};

#define PHQ9_SELF_HARM_ITEM 8 /* item 9, counted from 0 */

const char *
cfd_instrument_to_string (CfdInstrument instrument)
{
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (instruments), NULL);
  return instruments[instrument].id;
}

gboolean
cfd_instrument_from_string (const char *text, CfdInstrument *instrument)
{
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (g_strcmp0 (text, instruments[i].id) == 0)
      {
        *instrument = (CfdInstrument)i;
        return TRUE;
      }
  return FALSE;
}

guint
cfd_instrument_n_items (CfdInstrument instrument)
{
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (instruments), 0);
  return instruments[instrument].n_items;
}

const CfdMeasureBand *
cfd_measure_bands (CfdInstrument instrument, guint *n_bands)
{
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (instruments), NULL);
  *n_bands = instruments[instrument].n_bands;
  return instruments[instrument].bands;
}

guint
cfd_measure_max_total (CfdInstrument instrument)
{
  return cfd_instrument_n_items (instrument) * 3;
}

const CfdMeasureBand *
cfd_measure_band_for_total (CfdInstrument instrument, guint total)
{
  guint n_bands = 0;
  const CfdMeasureBand *bands = cfd_measure_bands (instrument, &n_bands);

  for (guint i = 0; i < n_bands; i++)
    if (total >= bands[i].low && total <= bands[i].high)
      return &bands[i];
  return NULL;
}

gboolean
cfd_measure_score (CfdInstrument instrument,
                   const guint8 *items,
                   gsize n_items,
                   CfdMeasureScore *score,
                   GError **error)
{
  const Instrument *inst;
  guint total = 0;

  if ((guint)instrument >= G_N_ELEMENTS (instruments))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, "Unknown measure instrument");
      return FALSE;
    }
  inst = &instruments[instrument];
  if (items == NULL || n_items != inst->n_items)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "The %s has %u items; %" G_GSIZE_FORMAT " were given", inst->name, inst->n_items,
                   items == NULL ? 0 : n_items);
      return FALSE;
    }
  for (gsize i = 0; i < n_items; i++)
    {
      if (items[i] > 3)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       "Item %" G_GSIZE_FORMAT " of the %s must be scored 0 to 3", i + 1,
                       inst->name);
          return FALSE;
        }
      total += items[i];
    }
  score->total = total;
  score->band = cfd_measure_band_for_total (instrument, total)->id;
  score->risk = instrument == CFD_INSTRUMENT_PHQ9 && items[PHQ9_SELF_HARM_ITEM] > 0;
  return TRUE;
}

static GVariant *
measure_content (CfdInstrument instrument,
                 const guint8 *items,
                 gsize n_items,
                 const CfdMeasureScore *score)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "instrument", "s", cfd_instrument_to_string (instrument));
  for (gsize i = 0; i < n_items; i++)
    {
      g_autofree char *key = g_strdup_printf ("item-%" G_GSIZE_FORMAT, i + 1);

      g_variant_dict_insert (&dict, key, "x", (gint64)items[i]);
    }
  g_variant_dict_insert (&dict, "total", "x", (gint64)score->total);
  g_variant_dict_insert (&dict, "band", "s", score->band);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

char *
cfd_vault_add_measure (CfdVault *vault,
                       const char *patient_id,
                       CfdInstrument instrument,
                       gint64 occurred,
                       const guint8 *items,
                       gsize n_items,
                       GError **error)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_MEASURE);
  g_autoptr (GVariant) content = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  CfdMeasureScore score;
  guint key_version;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, NULL);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "measure.add", error)
      || !cfd_measure_score (instrument, items, n_items, &score, error))
    return NULL;
  if (occurred < 0 || occurred > G_GINT64_CONSTANT (253402300799))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           "The measure's date must be between 1970 and 9999");
      return NULL;
    }
  content = measure_content (instrument, items, n_items, &score);
  /* The template and this file must agree; a mismatch is a defect. */
  if (!cfd_template_validate (tmpl, content, error)
      || !cfd_template_check_complete (tmpl, content, error))
    g_return_val_if_reached (NULL);

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return NULL;
  if (!cfd_record_patient_access (vault, patient_id, "measure.add", &key_version, &local_error))
    goto failed;
  id = cfd_record_insert_signed (vault, patient_id, key_version, CFD_RECORD_MEASURE,
                                 CFD_RECORD_CATEGORY_MEDICAL, NULL, occurred, content,
                                 &local_error);
  if (id == NULL
      || (score.risk && !cfd_patient_raise_risk_flag (vault, patient_id, id, &local_error))
      || !cfd_vault_audit (vault, "measure.add", "record", id, CFD_AUDIT_SUCCESS, NULL,
                           &local_error)
      || !cfd_db_commit (db, &local_error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  cfd_db_rollback (db);
  if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED))
    cfd_vault_audit_standalone (vault, "measure.add", "patient", patient_id, CFD_AUDIT_DENIED);
  g_propagate_error (error, local_error);
  return NULL;
}
