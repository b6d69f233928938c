/* cfd-idle-monitor.c: input anywhere in the application's toplevels, so that idleness locks the vault. */
#include "config.h"

#include "cfd-idle-monitor.h"

struct _CfdIdleMonitor
{
  GObject parent_instance;

  GListModel *toplevels;
  /* Marks the toplevels this monitor already watches (a toplevel may be
   * reported again, and tests run several monitors at once). */
  GQuark watched;
  gint64 last_activity;
};

G_DEFINE_FINAL_TYPE (CfdIdleMonitor, cfd_idle_monitor, G_TYPE_OBJECT)

enum
{
  ACTIVITY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
note_activity (CfdIdleMonitor *self)
{
  self->last_activity = g_get_monotonic_time ();
  g_signal_emit (self, signals[ACTIVITY], 0);
}

static gboolean
key_pressed (CfdIdleMonitor *self)
{
  note_activity (self);
  return GDK_EVENT_PROPAGATE;
}

/* GTK also reports motion when the widgets under a pointer that has not
 * moved change (a page swapped, a toast shown, a window appearing under
 * it): that is not someone at the keyboard, and counting it could keep an
 * unattended vault open. */
static void
pointer_moved (GtkEventControllerMotion *motion, double x, double y, CfdIdleMonitor *self)
{
  double *last = g_object_get_data (G_OBJECT (motion), "cfd-last-position");

  if (last == NULL)
    {
      /* The first report only says where the pointer is: movement from
       * there is activity. */
      last = g_new (double, 2);
      last[0] = x;
      last[1] = y;
      g_object_set_data_full (G_OBJECT (motion), "cfd-last-position", last, g_free);
      return;
    }
  if (last[0] == x && last[1] == y)
    return;
  last[0] = x;
  last[1] = y;
  note_activity (self);
}

static void
watch (CfdIdleMonitor *self, GtkWidget *toplevel)
{
  GtkEventController *keys;
  GtkEventController *motion;
  GtkGesture *click;

  if (g_object_get_qdata (G_OBJECT (toplevel), self->watched) != NULL)
    return;
  g_object_set_qdata (G_OBJECT (toplevel), self->watched, GINT_TO_POINTER (TRUE));

  keys = gtk_event_controller_key_new ();
  motion = gtk_event_controller_motion_new ();
  click = gtk_gesture_click_new ();
  /* Capture phase: input counts as activity whichever child consumes it. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  /* Object-scoped: a toplevel that outlives this monitor stops reporting. */
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "motion", G_CALLBACK (pointer_moved), self, 0);
  g_signal_connect_object (click, "pressed", G_CALLBACK (note_activity), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (toplevel, keys);
  gtk_widget_add_controller (toplevel, motion);
  gtk_widget_add_controller (toplevel, GTK_EVENT_CONTROLLER (click));
}

static void
toplevels_changed (
    GListModel *toplevels, guint position, guint removed, guint added, CfdIdleMonitor *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      watch (self, toplevel);
    }
}

gint64
cfd_idle_monitor_get_last_activity (CfdIdleMonitor *self)
{
  g_return_val_if_fail (CFD_IS_IDLE_MONITOR (self), 0);
  return self->last_activity;
}

static void
cfd_idle_monitor_dispose (GObject *object)
{
  CfdIdleMonitor *self = CFD_IDLE_MONITOR (object);

  if (self->toplevels != NULL)
    g_signal_handlers_disconnect_by_func (self->toplevels, toplevels_changed, self);
  g_clear_object (&self->toplevels);
  G_OBJECT_CLASS (cfd_idle_monitor_parent_class)->dispose (object);
}

static void
cfd_idle_monitor_class_init (CfdIdleMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfd_idle_monitor_dispose;

  /**
   * CfdIdleMonitor::activity:
   *
   * Input in any toplevel. Emitted often (every pointer motion): handlers
   * only note the time.
   */
  signals[ACTIVITY] = g_signal_new ("activity", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cfd_idle_monitor_init (CfdIdleMonitor *self)
{
  static guint serial;
  g_autofree char *mark = g_strdup_printf ("cfd-idle-monitor-%u", serial++);

  self->watched = g_quark_from_string (mark);
  self->last_activity = g_get_monotonic_time ();
  self->toplevels = g_object_ref (gtk_window_get_toplevels ());
  g_signal_connect (self->toplevels, "items-changed", G_CALLBACK (toplevels_changed), self);
  toplevels_changed (self->toplevels, 0, 0, g_list_model_get_n_items (self->toplevels), self);
}

CfdIdleMonitor *
cfd_idle_monitor_new (void)
{
  return g_object_new (CFD_TYPE_IDLE_MONITOR, NULL);
}
