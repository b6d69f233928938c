/* cfd-rems-form-private.h: the dosing facts the REMS form reads, and the form built from parts, for core and tests. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-practice.h"
#include "cfd-record.h"
#include "cfd-rems-form.h"

G_BEGIN_DECLS

typedef struct
{
  int minutes; /* of the day */
  guint16 systolic, diastolic, pulse, spo2;
} CfdRemsReading;

/* What the form needs from a dosing record, whatever the template calls
 * it. Strings point into the content; a yes/no is "yes", "no" or NULL. */
typedef struct
{
  const char *medication, *route;
  gboolean has_dose;
  double dose_mg;
  const char *lots;
  int devices;
  gboolean has_first_device, has_ready_to_leave, has_discharge, has_observation_minutes;
  int first_device, ready_to_leave, discharge, observation_minutes;
  GArray *readings; /* CfdRemsReading, as typed */
  /* The recorded scores, printed beside the sedation and dissociation
   * questions, never turned into their answers: "MOAA/S 4" from a record
   * with one number, "MOAA/S 5 at 08:50, 3 at 09:30" from rows; NULL when
   * none. Owned. */
  char *sedation_scores, *dissociation_scores;
  const char *sedation, *dissociation, *respiratory_depression;
  const char *benzodiazepines, *sedative_hypnotics, *psychostimulants, *maois;
} CfdRemsDosingFacts;

void cfd_rems_dosing_facts_read (GVariant *content, CfdRemsDosingFacts *facts);
void cfd_rems_dosing_facts_clear (CfdRemsDosingFacts *facts);
const char *cfd_rems_patient_sex (GVariant *patient_details);

/* INVALID_INPUT, saying why, unless the record is a signed esketamine
 * dosing record. */
gboolean cfd_rems_form_check_record (CfdRecord *record, GError **error) G_GNUC_WARN_UNUSED_RESULT;

CfdRemsForm *cfd_rems_form_new_from_parts (const char *record_id,
                                           const char *patient_id,
                                           gint64 session_date,
                                           GVariant *content,
                                           GVariant *patient_details,
                                           CfdPractice *practice,
                                           const char *provider_name);

/* cfd_vault_get_rems_submission for a record already loaded (and so
 * already checked for access and signature). */
CfdRemsSubmission *cfd_rems_submission_latest (CfdVault *vault,
                                               CfdRecord *record,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
