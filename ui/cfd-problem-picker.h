/* cfd-problem-picker.h: finds an ICD-10-CM code in the shipped list and adds it as a signed problem. */
#pragma once

#include <gtk/gtk.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PROBLEM_PICKER (cfd_problem_picker_get_type ())
G_DECLARE_FINAL_TYPE (CfdProblemPicker, cfd_problem_picker, CFD, PROBLEM_PICKER, GtkBox)

GtkWidget *cfd_problem_picker_new (void);

/* The patient a picked code is added to; NULL (at lock) forgets both. The
 * "added" signal follows each problem added. */
void
cfd_problem_picker_set_patient (CfdProblemPicker *self, CfdVault *vault, const char *patient_id);

G_END_DECLS
