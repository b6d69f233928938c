/* cfd-chart-summary.h: a patient's chart at a glance: the patient page's section, the dosing editor's banner. */
#pragma once

#include <gtk/gtk.h>

#include "confidant.h"

G_BEGIN_DECLS

typedef enum
{
  /* Active problems, allergies, active medications: the patient page. */
  CFD_CHART_SUMMARY_SECTION,
  /* Allergies and the medications of a flagged class only: what the
   * person giving ketamine must see before dosing. */
  CFD_CHART_SUMMARY_BANNER,
} CfdChartSummaryMode;

#define CFD_TYPE_CHART_SUMMARY (cfd_chart_summary_get_type ())
G_DECLARE_FINAL_TYPE (CfdChartSummary, cfd_chart_summary, CFD, CHART_SUMMARY, GtkBox)

GtkWidget *cfd_chart_summary_new (CfdChartSummaryMode mode);

/* Reads the lists (each verified by core); hides itself when the chart
 * cannot be read by this user, and says so when it was tampered with. */
void cfd_chart_summary_load (CfdChartSummary *self, CfdVault *vault, const char *patient_id);
/* Drops the patient text, as at lock. */
void cfd_chart_summary_clear (CfdChartSummary *self);

G_END_DECLS
