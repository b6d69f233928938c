/* cfd-measure-schedule.h: which measures a patient is to give and when, feeding the worklist. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-patient.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* The patient detail that holds the schedule: an array of (instrument id,
 * cadence), sealed with the other details (docs/FORMATS.md). */
#define CFD_PATIENT_MEASURE_SCHEDULE "measure-schedule"

/* The longest interval a rule may name: ten years. */
#define CFD_MEASURE_SCHEDULE_MAX_DAYS 3650

typedef struct
{
  char *instrument_id;
  /* 0: before each dosing session; otherwise every this many days. */
  guint every_days;
} CfdMeasureRule;

void cfd_measure_rule_free (CfdMeasureRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdMeasureRule, cfd_measure_rule_free)

/* "before-each-dosing" or "every-N-days" (N from 1 to the maximum). */
gboolean cfd_measure_cadence_parse (const char *text, guint *every_days, GError **error);
char *cfd_measure_cadence_to_string (guint every_days);

/* "INSTRUMENT:CADENCE", as the command line takes a rule. The instrument
 * is not looked up here: see cfd_vault_set_measure_schedule. */
CfdMeasureRule *cfd_measure_rule_parse (const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Whether a rule asks for a measure now, from the patient's latest signed
 * measure of its instrument and latest signed dosing record (seconds since
 * the epoch, 0 for none). Before each dosing: due when there is no measure
 * yet or the latest dosing is later than the latest measure. Every N days:
 * due when there is no measure yet or it was taken N days or more ago. */
gboolean cfd_measure_rule_is_due (const CfdMeasureRule *rule,
                                  gint64 last_measure,
                                  gint64 last_dosing,
                                  gint64 now);

/* The rules, in the order they were set; an empty array when the patient
 * has none. Anyone who may read the patient; audited as patient.view. */
GPtrArray *cfd_vault_get_measure_schedule (CfdVault *vault,
                                           const char *patient_id,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The rules of a patient already loaded (and its reading audited), for
 * showing on their page without a second read. */
GPtrArray *cfd_patient_get_measure_schedule (CfdPatient *patient) G_GNUC_WARN_UNUSED_RESULT;

/* Replaces the schedule with rules ("INSTRUMENT:CADENCE", NULL-terminated;
 * NULL or empty clears it). Every instrument must be one Confidant knows,
 * and each instrument appears once. Clinicians only (a supervisor reads, never
 * plans, care); a new revision of the patient's details, audited as
 * patient.measure-schedule. */
gboolean cfd_vault_set_measure_schedule (CfdVault *vault,
                                         const char *patient_id,
                                         const char *const *rules,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
