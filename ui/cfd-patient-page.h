/* cfd-patient-page.h: one patient: details, risk flag, latest measures and the timeline. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_PATIENT_PAGE (cfd_patient_page_get_type ())
G_DECLARE_FINAL_TYPE (CfdPatientPage, cfd_patient_page, CFD, PATIENT_PAGE, GtkWidget)

gboolean cfd_patient_page_load (CfdPatientPage *self,
                                CfdVault *vault,
                                const char *patient_id,
                                GError **error);
const char *cfd_patient_page_get_patient_id (CfdPatientPage *self);
/* The patient on the page (transfer none), or NULL. */
CfdPatient *cfd_patient_page_get_patient (CfdPatientPage *self);
/* Opens the New Record menu (Ctrl+N); a record is created only when an
 * item of it is then chosen. */
void cfd_patient_page_show_new_record_menu (CfdPatientPage *self);
void cfd_patient_page_clear (CfdPatientPage *self);
void cfd_patient_page_set_show_back_button (CfdPatientPage *self, gboolean show);

G_END_DECLS
