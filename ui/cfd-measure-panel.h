/* cfd-measure-panel.h: a patient's PHQ-9 and GAD-7 scores as charts and as a table, and adding one. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_MEASURE_PANEL (cfd_measure_panel_get_type ())
G_DECLARE_FINAL_TYPE (CfdMeasurePanel, cfd_measure_panel, CFD, MEASURE_PANEL, GtkWidget)

/* records is the patient's timeline (CfdRecord items); the panel keeps a
 * reference until it is cleared, which the vault's "locked" signal does. */
void cfd_measure_panel_load (CfdMeasurePanel *self,
                             CfdVault *vault,
                             const char *patient_id,
                             GListModel *records);
void cfd_measure_panel_clear (CfdMeasurePanel *self);

G_END_DECLS
