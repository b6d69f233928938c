/* cfd-window-actions.c: the window's actions and shortcuts, and locking when the application is idle. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-audit-window.h"
#include "cfd-today-window.h"
#include "cfd-backup-window.h"
#include "cfd-passphrase-dialog.h"
#include "cfd-preferences-window.h"
#include "cfd-supervision-window.h"
#include "cfd-ui-util.h"
#include "cfd-window-private.h"

static void schedule_auto_lock (CfdWindow *self, guint delay);

/* Input anywhere in the application counts (the monitor watches every
 * toplevel); so does this window's own restart of the clock, when it is
 * unlocked or its interval changes. */
static gint64
last_activity (CfdWindow *self)
{
  gint64 seen
      = self->idle_monitor != NULL ? cfd_idle_monitor_get_last_activity (self->idle_monitor) : 0;

  return MAX (seen, self->last_activity);
}

static gint64
now_monotonic (CfdWindow *self)
{
#ifdef CFD_TESTING
  if (self->clock_func != NULL)
    return self->clock_func (self->clock_data);
#endif
  return g_get_monotonic_time ();
}

#ifdef CFD_TESTING
void
cfd_window_set_clock_for_testing (CfdWindow *self, CfdWindowClockFunc func, gpointer user_data)
{
  g_return_if_fail (CFD_IS_WINDOW (self));
  self->clock_func = func;
  self->clock_data = user_data;
  cfd_window_actions_restart_idle (self);
}

gint64
cfd_window_get_last_activity_for_testing (CfdWindow *self)
{
  g_return_val_if_fail (CFD_IS_WINDOW (self), 0);
  return last_activity (self);
}
#endif

static gboolean
auto_lock_due (gpointer user_data)
{
  CfdWindow *self = user_data;
  gint64 idle_ms = (now_monotonic (self) - last_activity (self)) / 1000;

  self->auto_lock_source = 0;
  if (self->auto_lock_interval == 0)
    return G_SOURCE_REMOVE;

  /* Activity since the timer was set moves the deadline instead of
   * re-arming a timer on every key press and pointer motion. */
  if (idle_ms < (gint64)self->auto_lock_interval)
    {
      schedule_auto_lock (self, self->auto_lock_interval - (guint)idle_ms);
      return G_SOURCE_REMOVE;
    }

  /* The recovery key is shown only once: idleness does not take it away
   * before the owner has stored it (Ctrl+L still does, and wipes it). */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "recovery-key") == 0)
    {
      schedule_auto_lock (self, self->auto_lock_interval);
      return G_SOURCE_REMOVE;
    }

  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    {
      cfd_window_lock (self);
      cfd_ui_toast (GTK_WIDGET (self), _ ("Locked after a period of inactivity"));
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_auto_lock (CfdWindow *self, guint delay)
{
  g_clear_handle_id (&self->auto_lock_source, g_source_remove);
  if (self->auto_lock_interval == 0)
    return;
#ifdef CFD_TESTING
  /* The test's clock moves in jumps: look at it often. */
  if (self->clock_func != NULL)
    delay = MIN (delay, 20);
#endif
  self->auto_lock_source = g_timeout_add (delay, auto_lock_due, self);
  g_source_set_name_by_id (self->auto_lock_source, "[confidant] auto-lock");
}

void
cfd_window_note_activity (CfdWindow *self)
{
  self->last_activity = now_monotonic (self);
  if (self->auto_lock_source == 0)
    schedule_auto_lock (self, self->auto_lock_interval);
}

void
cfd_window_actions_restart_idle (CfdWindow *self)
{
  self->last_activity = now_monotonic (self);
  schedule_auto_lock (self, self->auto_lock_interval);
}

static void
lock_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cfd_window_lock (CFD_WINDOW (widget));
}

/* Ctrl+N wherever the focus is (or when nothing has it): the workspace
 * decides between the New Record menu and a new patient. */
static void
new_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "workspace") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->workspace), "workspace.new", NULL);
}

static void
search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "workspace") == 0)
    cfd_workspace_show_search (self->workspace);
}

static void
audit_log_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);
  const char *patient_id = parameter != NULL ? g_variant_get_string (parameter, NULL) : NULL;

  /* The patient page's button has an empty target until a patient loads. */
  if (patient_id != NULL && patient_id[0] == '\0')
    return;
  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    gtk_window_present (
        GTK_WINDOW (cfd_audit_window_new (GTK_WINDOW (self), self->vault, patient_id)));
}

static void
today_open (CfdWindow *self, const char *patient_id, const char *record_id)
{
  if (record_id != NULL)
    cfd_workspace_open_record (self->workspace, record_id);
  else
    cfd_workspace_open_patient (self->workspace, patient_id);
}

static void
today_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);
  CfdTodayWindow *today;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault)
      || cfd_vault_get_user_role (self->vault) == CFD_ROLE_SUPERVISOR
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "workspace") != 0)
    return;
  today = cfd_today_window_new (GTK_WINDOW (self), self->vault);
  g_signal_connect_object (today, "open", G_CALLBACK (today_open), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (today));
}

static void
backup_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);

  CfdBackupWindow *window;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  window = cfd_backup_window_new (GTK_WINDOW (self), self->vault);
  /* A backup made there answers the main window's reminder. */
  g_signal_connect_object (window, "destroy", G_CALLBACK (cfd_backup_banner_refresh),
                           self->backup_banner, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
}

static void
supervision_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);

  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    gtk_window_present (GTK_WINDOW (cfd_supervision_window_new (GTK_WINDOW (self), self->vault)));
}

static void
preferences_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings
      = CFD_IS_APPLICATION (app) ? cfd_application_get_settings (CFD_APPLICATION (app)) : NULL;

  gtk_window_present (
      GTK_WINDOW (cfd_preferences_window_new (GTK_WINDOW (self), settings, self->vault)));
}

static void
passphrase_changed (CfdWindow *self, const char *recovery_key)
{
  /* An owner's key change replaced the recovery key: it is stored before
   * going on, on the page the first run shows it on. */
  if (recovery_key != NULL)
    {
      cfd_recovery_key_page_set_key (self->recovery_key_page, recovery_key);
      gtk_stack_set_visible_child_name (self->stack, "recovery-key");
    }
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Passphrase changed")));
}

static void
change_passphrase_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWindow *self = CFD_WINDOW (widget);
  CfdPassphraseDialog *dialog;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  dialog = cfd_passphrase_dialog_new (GTK_WINDOW (self), self->vault);
  g_signal_connect_object (dialog, "changed", G_CALLBACK (passphrase_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
auto_lock_minutes_changed (CfdWindow *self, const char *key, GSettings *settings)
{
  cfd_window_set_auto_lock_interval (self, g_settings_get_uint (settings, key) * 60 * 1000);
}

void
cfd_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_install_action (widget_class, "win.audit-log", NULL, audit_log_action);
  gtk_widget_class_install_action (widget_class, "win.access-history", "s", audit_log_action);
  gtk_widget_class_install_action (widget_class, "win.today", NULL, today_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.today",
                                       NULL);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.supervision", NULL, supervision_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.change-passphrase", NULL,
                                   change_passphrase_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
}

void
cfd_window_actions_init (CfdWindow *self)
{
  self->last_activity = now_monotonic (self);
  schedule_auto_lock (self, self->auto_lock_interval);
}

/* The application's monitor (or, without an application, the window's
 * own) reports input in any toplevel: dialogs need do nothing. */
void
cfd_window_actions_watch_idle (CfdWindow *self, CfdIdleMonitor *monitor)
{
  g_set_object (&self->idle_monitor, monitor);
  g_signal_connect_object (monitor, "activity", G_CALLBACK (cfd_window_note_activity), self,
                           G_CONNECT_SWAPPED);
}

/* The settings object outlives windows; connect per window, object-scoped. */
static void
window_size_changed (CfdWindow *self, const char *key, GSettings *settings)
{
  /* Another window of the app closing writes its size: this one follows
   * for its next unmaximized size, as the setting is the app's. */
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
}

void
cfd_window_actions_watch_settings (CfdWindow *self, GSettings *settings)
{
  g_signal_connect_object (settings, "changed::auto-lock-minutes",
                           G_CALLBACK (auto_lock_minutes_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::window-width", G_CALLBACK (window_size_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::window-height", G_CALLBACK (window_size_changed),
                           self, G_CONNECT_SWAPPED);
}

void
cfd_window_actions_dispose (CfdWindow *self)
{
  g_clear_handle_id (&self->auto_lock_source, g_source_remove);
  g_clear_object (&self->idle_monitor);
}
