/* cfd-measure.c: outcome measures: storing a scored instrument as a signed record, the risk flag. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-measure.h"
#include "cfd-patient-private.h"
#include "cfd-record-private.h"
#include "cfd-template.h"

#define MAX_LEGACY_BANDS 12

/* The ids the enum stands for: also what measures stored before
 * instruments were data hold in "instrument". */
static const char *const legacy_ids[] = { "phq9", "gad7" };

static const CfdInstrumentDef *
legacy_def (CfdInstrument instrument)
{
  const CfdInstrumentDef *def;

  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (legacy_ids), NULL);
  def = cfd_instrument_lookup (legacy_ids[instrument]);
  g_assert (def != NULL); /* shipped: a missing one aborts at load */
  return def;
}

const char *
cfd_instrument_to_string (CfdInstrument instrument)
{
  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (legacy_ids), NULL);
  return legacy_ids[instrument];
}

gboolean
cfd_instrument_from_string (const char *text, CfdInstrument *instrument)
{
  for (guint i = 0; i < G_N_ELEMENTS (legacy_ids); i++)
    if (g_strcmp0 (text, legacy_ids[i]) == 0)
      {
        *instrument = (CfdInstrument)i;
        return TRUE;
      }
  return FALSE;
}

static guint
n_scored (const CfdInstrumentDef *def)
{
  guint n = 0;

  for (guint i = 0; i < cfd_instrument_def_get_n_items (def); i++)
    if (cfd_instrument_def_get_item (def, i)->scored)
      n++;
  return n;
}

guint
cfd_instrument_n_items (CfdInstrument instrument)
{
  return n_scored (legacy_def (instrument));
}

/* The bands in the older struct, copied once from the definitions. */
const CfdMeasureBand *
cfd_measure_bands (CfdInstrument instrument, guint *n_bands)
{
  static CfdMeasureBand bands[G_N_ELEMENTS (legacy_ids)][MAX_LEGACY_BANDS];
  static guint counts[G_N_ELEMENTS (legacy_ids)];
  static gsize copied;

  g_return_val_if_fail ((guint)instrument < G_N_ELEMENTS (legacy_ids), NULL);
  if (g_once_init_enter (&copied))
    {
      for (guint k = 0; k < G_N_ELEMENTS (legacy_ids); k++)
        {
          guint n = 0;
          const CfdInstrumentBand *from
              = cfd_instrument_def_get_bands (legacy_def ((CfdInstrument)k), &n);

          g_assert (n <= MAX_LEGACY_BANDS);
          for (guint i = 0; i < n; i++)
            bands[k][i] = (CfdMeasureBand){ (guint)from[i].low, (guint)from[i].high, from[i].id };
          counts[k] = n;
        }
      g_once_init_leave (&copied, 1);
    }
  *n_bands = counts[instrument];
  return bands[instrument];
}

guint
cfd_measure_max_total (CfdInstrument instrument)
{
  return (guint)cfd_instrument_def_get_max_total (legacy_def (instrument));
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

/* The older calls give the scored items only, or for the PHQ-9 item 10 as
 * well: spread them over the definition's items. */
static int *
legacy_answers (const CfdInstrumentDef *def, const guint8 *items, gsize n_items, GError **error)
{
  guint n_all = cfd_instrument_def_get_n_items (def);
  guint scored = n_scored (def);
  int *answers;

  if (items == NULL || (n_items != scored && n_items != n_all))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The %s has %u items; %zu were given"), cfd_instrument_def_get_name (def),
                   scored, items == NULL ? 0 : n_items);
      return NULL;
    }
  answers = g_new (int, n_all);
  for (guint i = 0; i < n_all; i++)
    answers[i] = i < n_items ? items[i] : CFD_ANSWER_NONE;
  return answers;
}

gboolean
cfd_measure_score (CfdInstrument instrument,
                   const guint8 *items,
                   gsize n_items,
                   CfdMeasureScore *score,
                   GError **error)
{
  const CfdInstrumentDef *def;
  g_autofree int *answers = NULL;
  CfdInstrumentScore result;

  if ((guint)instrument >= G_N_ELEMENTS (legacy_ids))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Unknown measure instrument"));
      return FALSE;
    }
  def = legacy_def (instrument);
  answers = legacy_answers (def, items, n_items, error);
  if (answers == NULL
      || !cfd_instrument_def_score (def, answers, cfd_instrument_def_get_n_items (def), &result,
                                    error))
    return FALSE;
  score->total = (guint)result.total;
  score->band = result.band;
  score->risk = result.risk;
  return TRUE;
}

const char *
cfd_measure_mode_to_string (CfdMeasureMode mode)
{
  return mode == CFD_MEASURE_MODE_INTERVIEW ? "interview" : "self-report";
}

gboolean
cfd_measure_mode_from_string (const char *text, CfdMeasureMode *mode)
{
  if (g_strcmp0 (text, "self-report") == 0)
    *mode = CFD_MEASURE_MODE_SELF_REPORT;
  else if (g_strcmp0 (text, "interview") == 0)
    *mode = CFD_MEASURE_MODE_INTERVIEW;
  else
    return FALSE;
  return TRUE;
}

static GVariant *
measure_content (const CfdInstrumentDef *def,
                 const int *answers,
                 CfdMeasureMode mode,
                 const CfdInstrumentScore *score)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "instrument", "s", cfd_instrument_def_get_id (def));
  g_variant_dict_insert (&dict, "instrument-version", "x",
                         (gint64)cfd_instrument_def_get_version (def));
  g_variant_dict_insert (&dict, "mode", "s", cfd_measure_mode_to_string (mode));
  g_variant_dict_insert (&dict, "rater", "s",
                         cfd_instrument_def_get_rater (def) == CFD_RATER_CLINICIAN ? "clinician"
                                                                                   : "patient");
  for (guint i = 0; i < cfd_instrument_def_get_n_items (def); i++)
    {
      g_autofree char *key = NULL;

      if (answers[i] == CFD_ANSWER_NONE)
        continue;
      key = g_strdup_printf ("item-%u", i + 1);
      g_variant_dict_insert (&dict, key, "x", (gint64)answers[i]);
    }
  if (score->has_total)
    g_variant_dict_insert (&dict, "total", "x", (gint64)score->total);
  if (score->has_mean)
    g_variant_dict_insert (&dict, "mean", "d", score->mean);
  if (score->band != NULL)
    g_variant_dict_insert (&dict, "band", "s", score->band);
  if (score->result != NULL)
    g_variant_dict_insert (&dict, "result", "s", score->result);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

char *
cfd_vault_add_instrument_measure (CfdVault *vault,
                                  const char *patient_id,
                                  const char *instrument_id,
                                  gint64 occurred,
                                  const int *answers,
                                  gsize n_answers,
                                  CfdMeasureMode mode,
                                  GError **error)
{
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_MEASURE);
  const CfdInstrumentDef *def = cfd_instrument_lookup (instrument_id);
  g_autoptr (GVariant) content = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  CfdInstrumentScore score;
  guint key_version;
  CfdDb *db;

  g_return_val_if_fail (patient_id != NULL, NULL);
  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "measure.add", error))
    return NULL;
  if (def == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                   _ ("No instrument is defined with the id %s"),
                   instrument_id != NULL ? instrument_id : "(none)");
      return NULL;
    }
  if (!cfd_instrument_def_score (def, answers, n_answers, &score, error))
    return NULL;
  if (occurred < 0 || occurred > G_GINT64_CONSTANT (253402300799))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The measure's date must be between 1970 and 9999"));
      return NULL;
    }
  content = measure_content (def, answers, mode, &score);
  /* The template and the definitions must agree (at most 60 items, answers
   * up to 1000): the parser refuses definitions beyond those, so a
   * mismatch here is a defect. */
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

char *
cfd_vault_add_measure (CfdVault *vault,
                       const char *patient_id,
                       CfdInstrument instrument,
                       gint64 occurred,
                       const guint8 *items,
                       gsize n_items,
                       GError **error)
{
  const CfdInstrumentDef *def;
  g_autofree int *answers = NULL;

  if ((guint)instrument >= G_N_ELEMENTS (legacy_ids))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Unknown measure instrument"));
      return NULL;
    }
  def = legacy_def (instrument);
  answers = legacy_answers (def, items, n_items, error);
  if (answers == NULL)
    return NULL;
  return cfd_vault_add_instrument_measure (vault, patient_id, legacy_ids[instrument], occurred,
                                           answers, cfd_instrument_def_get_n_items (def),
                                           CFD_MEASURE_MODE_SELF_REPORT, error);
}

CfdMeasureReading *
cfd_measure_reading_new (GVariant *content)
{
  CfdMeasureReading *reading;
  const char *instrument = NULL;
  const CfdInstrumentDef *def;

  if (content == NULL || !g_variant_lookup (content, "instrument", "&s", &instrument))
    return NULL;
  def = cfd_instrument_lookup (instrument);
  if (def == NULL)
    return NULL;
  reading = g_new0 (CfdMeasureReading, 1);
  reading->content = g_variant_ref (content);
  reading->def = def;
  reading->n_answers = cfd_instrument_def_get_n_items (def);
  reading->answers = g_new (int, reading->n_answers);
  for (guint i = 0; i < reading->n_answers; i++)
    {
      g_autofree char *key = g_strdup_printf ("item-%u", i + 1);
      gint64 value;

      reading->answers[i]
          = g_variant_lookup (content, key, "x", &value) && value >= 0 && value <= G_MAXINT
                ? (int)value
                : CFD_ANSWER_NONE;
    }
  reading->has_total = g_variant_lookup (content, "total", "x", &reading->total);
  reading->has_mean = g_variant_lookup (content, "mean", "d", &reading->mean);
  g_variant_lookup (content, "band", "&s", &reading->band);
  g_variant_lookup (content, "result", "&s", &reading->result);
  g_variant_lookup (content, "mode", "&s", &reading->mode);
  g_variant_lookup (content, "rater", "&s", &reading->rater);
  return reading;
}

void
cfd_measure_reading_free (CfdMeasureReading *reading)
{
  if (reading == NULL)
    return;
  g_free (reading->answers);
  g_variant_unref (reading->content);
  g_free (reading);
}
