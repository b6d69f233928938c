/* cfd-consent-panel.h: a patient's supervision consents, each in plain words, granting and revoking. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_CONSENT_PANEL (cfd_consent_panel_get_type ())
G_DECLARE_FINAL_TYPE (CfdConsentPanel, cfd_consent_panel, CFD, CONSENT_PANEL, GtkWidget)

/* Reads the patient's consents; the panel hides itself when the user may
 * not see them (a supervisor) and clears itself when the vault locks. */
gboolean cfd_consent_panel_load (CfdConsentPanel *self,
                                 CfdVault *vault,
                                 const char *patient_id,
                                 GError **error);
void cfd_consent_panel_clear (CfdConsentPanel *self);

/* What "Send as Capsule…" does once a file is chosen: writes the capsule
 * and says how it went in a toast. */
gboolean
cfd_consent_panel_save_capsule (CfdConsentPanel *self, const char *consent_id, const char *path);

/* Consents shown (revoked and expired included). */
guint cfd_consent_panel_get_n_consents (CfdConsentPanel *self);

G_END_DECLS
