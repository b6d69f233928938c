/* cfd-application.h: the Confidant application: one vault, its windows, locking. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_APPLICATION (cfd_application_get_type ())
G_DECLARE_FINAL_TYPE (CfdApplication, cfd_application, CFD, APPLICATION, AdwApplication)

CfdApplication *cfd_application_new (void);

G_END_DECLS
