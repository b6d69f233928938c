/* cfd-idle-monitor.h: input anywhere in the application's toplevels, so that idleness locks the vault. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFD_TYPE_IDLE_MONITOR (cfd_idle_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CfdIdleMonitor, cfd_idle_monitor, CFD, IDLE_MONITOR, GObject)

/* Watches every toplevel, present and future: a dialog or a window opened
 * later needs nothing to do for its input to count. Needs GTK initialized. */
CfdIdleMonitor *cfd_idle_monitor_new (void);

/* Monotonic time (µs) of the last key press, pointer motion or click. */
gint64 cfd_idle_monitor_get_last_activity (CfdIdleMonitor *self);

G_END_DECLS
