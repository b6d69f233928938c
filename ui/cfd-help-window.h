/* cfd-help-window.h: the user guide, a page of the app opened with F1. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_HELP_WINDOW (cfd_help_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdHelpWindow, cfd_help_window, CFD, HELP_WINDOW, AdwWindow)

CfdHelpWindow *cfd_help_window_new (GtkWindow *parent);

G_END_DECLS
