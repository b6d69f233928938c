/* cfd-rems-panel.h: under a signed esketamine dosing record: its REMS form, due or submitted, exported, its submission recorded. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_REMS_PANEL (cfd_rems_panel_get_type ())
G_DECLARE_FINAL_TYPE (CfdRemsPanel, cfd_rems_panel, CFD, REMS_PANEL, GtkWidget)

/* Shows the form's state for record, or hides the panel when the record
 * is not a signed esketamine dosing record. */
void cfd_rems_panel_show (CfdRemsPanel *self, CfdVault *vault, CfdRecord *record);

/* Hides the panel and drops what it holds of the patient. */
void cfd_rems_panel_clear (CfdRemsPanel *self);

G_END_DECLS
