/* cfd-risk-flag.h: a patient's risk flag and its history: raised, reviewed, resolved, each signed. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_RISK_FLAG_RAISED,
  CFD_RISK_FLAG_REVIEWED,
  CFD_RISK_FLAG_RESOLVED,
} CfdRiskFlagStep;

const char *cfd_risk_flag_step_to_string (CfdRiskFlagStep step);

/* The longest action text a review or resolution may hold. */
#define CFD_RISK_FLAG_MAX_TEXT_BYTES (16 * 1024)

#define CFD_TYPE_RISK_FLAG_ENTRY (cfd_risk_flag_entry_get_type ())
G_DECLARE_FINAL_TYPE (CfdRiskFlagEntry, cfd_risk_flag_entry, CFD, RISK_FLAG_ENTRY, GObject)

const char *cfd_risk_flag_entry_get_id (CfdRiskFlagEntry *self);
/* Counts from 1; a flag raised again after it was resolved starts the next. */
guint cfd_risk_flag_entry_get_cycle (CfdRiskFlagEntry *self);
CfdRiskFlagStep cfd_risk_flag_entry_get_step (CfdRiskFlagEntry *self);
/* The signed record whose signing raised the flag; NULL for other steps. */
const char *cfd_risk_flag_entry_get_record_id (CfdRiskFlagEntry *self);
const char *cfd_risk_flag_entry_get_actor_id (CfdRiskFlagEntry *self);
/* From the signed roster; NULL when the actor is no longer in it. */
const char *cfd_risk_flag_entry_get_actor_name (CfdRiskFlagEntry *self);
gint64 cfd_risk_flag_entry_get_time (CfdRiskFlagEntry *self);
/* The action taken (reviewed, resolved); NULL for a raised step. */
const char *cfd_risk_flag_entry_get_text (CfdRiskFlagEntry *self);
/* TRUE for a flag raised before its history was kept: the step is carried
 * over unsigned and vouched for by the signed record it names. */
gboolean cfd_risk_flag_entry_get_carried_over (CfdRiskFlagEntry *self);

/* Every step for the patient, oldest first, each signature checked
 * against the signed roster (TAMPERED otherwise). Audited as
 * risk-flag.list. */
GListModel *cfd_vault_list_risk_flag (CfdVault *vault,
                                      const char *patient_id,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Records that a clinician reviewed the open flag and what they did
 * (non-empty text); INVALID_INPUT when no flag is open. */
gboolean cfd_vault_review_risk_flag (CfdVault *vault,
                                     const char *patient_id,
                                     const char *action_text,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Resolves the open flag after at least one review; the patient's flag
 * comes down in the same transaction. */
gboolean cfd_vault_resolve_risk_flag (CfdVault *vault,
                                      const char *patient_id,
                                      const char *action_text,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
