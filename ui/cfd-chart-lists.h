/* cfd-chart-lists.h: the Chart tab's four lists, each entry with its history, and, for clinicians, add, edit and resolve. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_CHART_LISTS (cfd_chart_lists_get_type ())
G_DECLARE_FINAL_TYPE (CfdChartLists, cfd_chart_lists, CFD, CHART_LISTS, GtkBox)

GtkWidget *cfd_chart_lists_new (void);

/* Reads the patient's chart (one chart.list audit record); NULL vault (at
 * lock) drops every line shown. Emits "changed" after each signed change. */
void cfd_chart_lists_load (CfdChartLists *self, CfdVault *vault, const char *patient_id);

G_END_DECLS
