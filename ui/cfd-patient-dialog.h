/* cfd-patient-dialog.h: the form for a new patient's identifying details. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PATIENT_DIALOG (cfd_patient_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CfdPatientDialog, cfd_patient_dialog, CFD, PATIENT_DIALOG, AdwWindow)

/* Emits "added" with the new patient's id once it is stored. */
CfdPatientDialog *cfd_patient_dialog_new (GtkWindow *parent, CfdVault *vault);

/* The same form filled with an existing patient's details; Save stores
 * them as "confidant-cli patient edit" does (core's checks, audited as
 * patient.edit; a blank field removes the detail) and emits "saved". */
CfdPatientDialog *
cfd_patient_dialog_new_edit (GtkWindow *parent, CfdVault *vault, CfdPatient *patient);

G_END_DECLS
