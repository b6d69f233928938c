/* cfd-risk-flag-dialog.h: a patient's risk flag: its history, and Review / Resolve with the action taken. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_RISK_FLAG_DIALOG (cfd_risk_flag_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdRiskFlagDialog, cfd_risk_flag_dialog, CFD, RISK_FLAG_DIALOG, AdwWindow)

/* NULL, with the error, when the history cannot be read. Emits "changed"
 * after each step it records. */
CfdRiskFlagDialog *cfd_risk_flag_dialog_new (GtkWindow *parent,
                                             CfdVault *vault,
                                             const char *patient_id,
                                             GError **error);

/* What Review and Resolve will record; for tests. */
void cfd_risk_flag_dialog_set_action_text (CfdRiskFlagDialog *self, const char *text);

G_END_DECLS
