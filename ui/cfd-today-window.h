/* cfd-today-window.h: Today: what needs attention across every patient (the worklist). */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_TODAY_WINDOW (cfd_today_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdTodayWindow, cfd_today_window, CFD, TODAY_WINDOW, AdwWindow)

/* Emits "open" (patient id, record id or NULL) when an item is activated,
 * then closes. */
CfdTodayWindow *cfd_today_window_new (GtkWindow *parent, CfdVault *vault);

/* How many items are listed; for tests. */
guint cfd_today_window_get_n_items (CfdTodayWindow *self);

G_END_DECLS
