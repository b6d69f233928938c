/* cfd-chart-entry-dialog.h: the form that adds or edits one entry of a chart list, signed on save. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_CHART_ENTRY_DIALOG (cfd_chart_entry_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    CfdChartEntryDialog, cfd_chart_entry_dialog, CFD, CHART_ENTRY_DIALOG, AdwWindow)

/* A new entry of list when entry is NULL, else a new revision of entry.
 * Emits "saved" once the signed revision is stored. */
CfdChartEntryDialog *cfd_chart_entry_dialog_new (GtkWindow *parent,
                                                 CfdVault *vault,
                                                 const char *patient_id,
                                                 CfdChartList list,
                                                 CfdChartEntry *entry);

/* Stores what the form holds (the Save button's action), for tests. */
gboolean cfd_chart_entry_dialog_save (CfdChartEntryDialog *self);

G_END_DECLS
