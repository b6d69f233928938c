/* cfd-patient-private.h: what records and search need from patients inside core. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-patient.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* Loads and unseals without auditing; the caller audits what it does. */
CfdPatient *cfd_patient_load (CfdVault *vault,
                              const char *patient_id,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Sets the risk flag in the patient's details (a new revision, sealed as
 * every update is) unless it is already set, and starts its history with a
 * signed "raised" step naming record_id, the signed record that raised it.
 * Caller holds a write transaction, so the flag commits with that record. */
gboolean cfd_patient_raise_risk_flag (CfdVault *vault,
                                      const char *patient_id,
                                      const char *record_id,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Takes the flag down (resolution); caller holds a write transaction. */
gboolean cfd_patient_lower_risk_flag (CfdVault *vault,
                                      CfdPatient *patient,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Replaces the measure schedule (NULL removes it) in a new revision of
 * the details; clinicians only, audited as patient.measure-schedule. */
gboolean cfd_patient_write_measure_schedule (CfdVault *vault,
                                             const char *patient_id,
                                             GVariant *schedule,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
