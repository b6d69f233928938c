/* cfd-consent-dialog.h: recording a patient's consent to a supervisor's review, term by term. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_CONSENT_DIALOG (cfd_consent_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdConsentDialog, cfd_consent_dialog, CFD, CONSENT_DIALOG, AdwWindow)

CfdConsentDialog *
cfd_consent_dialog_new (GtkWindow *parent, CfdVault *vault, const char *patient_id);

G_END_DECLS
