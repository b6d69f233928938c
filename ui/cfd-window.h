/* cfd-window.h: the main window: first run, unlock, and the unlocked workspace. */
#pragma once

#include "cfd-application.h"

G_BEGIN_DECLS

#define CFD_TYPE_WINDOW (cfd_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdWindow, cfd_window, CFD, WINDOW, AdwApplicationWindow)

CfdWindow *cfd_window_new (CfdApplication *app);

G_END_DECLS
