/* cfd-disclosures-window.h: a patient's accounting of disclosures (45 CFR 164.528), from the patient page. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_DISCLOSURES_WINDOW (cfd_disclosures_window_get_type ())
G_DECLARE_FINAL_TYPE (
    CfdDisclosuresWindow, cfd_disclosures_window, CFD, DISCLOSURES_WINDOW, AdwWindow)

/* Reads the last six years of the patient's disclosures through
 * cfd_vault_list_disclosures (so reading them is audited as the CLI's
 * is) and shows them, newest first; an empty state when there are none
 * and an error page when they cannot be read or were tampered with. */
CfdDisclosuresWindow *cfd_disclosures_window_new (GtkWindow *parent,
                                                  CfdVault *vault,
                                                  const char *patient_id,
                                                  const char *patient_name);

/* "list", "empty" or "error": what the window shows. */
const char *cfd_disclosures_window_get_state (CfdDisclosuresWindow *self);

G_END_DECLS
