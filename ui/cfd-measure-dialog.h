/* cfd-measure-dialog.h: scoring any instrument item by item, the form built from its definition. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_MEASURE_DIALOG (cfd_measure_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdMeasureDialog, cfd_measure_dialog, CFD, MEASURE_DIALOG, AdwWindow)

CfdMeasureDialog *
cfd_measure_dialog_new (GtkWindow *parent, CfdVault *vault, const char *patient_id);

void cfd_measure_dialog_set_instrument (CfdMeasureDialog *self, CfdInstrument instrument);
/* FALSE when no definition has this id. */
gboolean cfd_measure_dialog_set_instrument_id (CfdMeasureDialog *self, const char *instrument_id);
/* An item's answer; -1 for unanswered. item counts from 0. */
void cfd_measure_dialog_set_item (CfdMeasureDialog *self, guint item, int score);
/* "14 · Moderate", or a prompt while items are unanswered. */
const char *cfd_measure_dialog_get_summary (CfdMeasureDialog *self);

G_END_DECLS
