/* cfd-patient-dialog.h: the form for a new patient's identifying details. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PATIENT_DIALOG (cfd_patient_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdPatientDialog, cfd_patient_dialog, CFD, PATIENT_DIALOG, AdwWindow)

/* Emits "added" with the new patient's id once it is stored. */
CfdPatientDialog *cfd_patient_dialog_new (GtkWindow *parent, CfdVault *vault);

G_END_DECLS
