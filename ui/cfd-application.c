/* cfd-application.c: the Confidant application: one vault, its windows, locking. */
#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <glib-unix.h>

#include "confidant.h"

#include "cfd-application.h"
#include "cfd-help-window.h"
#include "cfd-vault-banner.h"
#include "cfd-window.h"

struct _CfdApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  CfdIdleMonitor *idle_monitor;
  GCancellable *cancellable;
  GDBusConnection *system_bus;
  guint sleep_subscription;
  int sleep_inhibit_fd;
  guint signal_sources[3];
};

G_DEFINE_FINAL_TYPE (CfdApplication, cfd_application, ADW_TYPE_APPLICATION)

/* Where the project and its documents live; the metainfo names the same. */
#define CFD_HOMEPAGE "https://confidant.example.org"

#define LOGIND_NAME      "org.freedesktop.login1"
#define LOGIND_PATH      "/org/freedesktop/login1"
#define LOGIND_INTERFACE "org.freedesktop.login1.Manager"

GSettings *
cfd_application_get_settings (CfdApplication *self)
{
  g_return_val_if_fail (CFD_IS_APPLICATION (self), NULL);
  return self->settings;
}

CfdIdleMonitor *
cfd_application_get_idle_monitor (CfdApplication *self)
{
  g_return_val_if_fail (CFD_IS_APPLICATION (self), NULL);

  /* Created on first use: GTK is initialized by then, not at init. */
  if (self->idle_monitor == NULL)
    self->idle_monitor = cfd_idle_monitor_new ();
  return self->idle_monitor;
}

char *
cfd_application_dup_vault_path (CfdApplication *self)
{
  return cfd_vault_banner_dup_start_path (self->settings);
}

void
cfd_application_lock_all (CfdApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CFD_IS_WINDOW (l->data))
      cfd_window_lock (CFD_WINDOW (l->data));
}

static void
release_sleep_inhibitor (CfdApplication *self)
{
  if (self->sleep_inhibit_fd >= 0)
    {
      close (self->sleep_inhibit_fd);
      self->sleep_inhibit_fd = -1;
    }
}

static void
inhibit_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdApplication) self = user_data;
  g_autoptr (GUnixFDList) fds = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds, result,
                                                           &error);
  if (reply == NULL)
    {
      /* Without the delay lock we still lock on PrepareForSleep, only with
       * less time guaranteed before the machine sleeps. */
      g_debug ("No sleep inhibitor: %s", error->message);
      return;
    }
  release_sleep_inhibitor (self);
  if (fds != NULL && g_unix_fd_list_get_length (fds) > 0)
    self->sleep_inhibit_fd = g_unix_fd_list_get (fds, 0, NULL);
}

/* A delay inhibitor makes logind wait (a few seconds at most) for us to
 * lock before the machine sleeps; we take a new one after every resume. */
static void
take_sleep_inhibitor (CfdApplication *self)
{
  if (self->system_bus == NULL || self->sleep_inhibit_fd >= 0)
    return;
  g_dbus_connection_call_with_unix_fd_list (
      self->system_bus, LOGIND_NAME, LOGIND_PATH, LOGIND_INTERFACE, "Inhibit",
      g_variant_new ("(ssss)", "sleep", "Confidant", _ ("Lock the vault"), "delay"),
      G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, self->cancellable, inhibit_done,
      g_object_ref (self));
}

static void
prepare_for_sleep (GDBusConnection *connection,
                   const char *sender,
                   const char *path,
                   const char *interface,
                   const char *signal,
                   GVariant *parameters,
                   gpointer user_data)
{
  CfdApplication *self = user_data;
  gboolean going_to_sleep = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (going_to_sleep)
    {
      cfd_application_lock_all (self);
      release_sleep_inhibitor (self);
    }
  else
    take_sleep_inhibitor (self);
}

static void
system_bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      /* No system bus (a container, a test): there is no suspend to watch. */
      g_debug ("No system bus: %s", error->message);
      return;
    }
  self->system_bus = bus;
  self->sleep_subscription = g_dbus_connection_signal_subscribe (
      bus, LOGIND_NAME, LOGIND_INTERFACE, "PrepareForSleep", LOGIND_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep, self, NULL);
  take_sleep_inhibitor (self);
}

static void
screensaver_changed (CfdApplication *self)
{
  gboolean active = FALSE;

  g_object_get (self, "screensaver-active", &active, NULL);
  if (active)
    cfd_application_lock_all (self);
}

static void
lock_all_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  cfd_application_lock_all (CFD_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GApplication *app = user_data;

  /* Locking first saves every open draft. */
  cfd_application_lock_all (CFD_APPLICATION (app));
  g_application_quit (app);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *developers[] = { "The Confidant developers", NULL };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  g_object_set (about, "transient-for", parent, "application-name", _ ("Confidant"),
                "application-icon", APP_ID, "version", PACKAGE_VERSION, "developer-name",
                _ ("The Confidant developers"), "developers", developers, "copyright",
                "© 2026 The Confidant developers", "license-type", GTK_LICENSE_GPL_3_0, "website",
                CFD_HOMEPAGE, "issue-url", CFD_HOMEPAGE "/issues", "comments",
                _ ("Encrypted clinical notes for ketamine-assisted therapy, kept on this "
                   "computer. Nothing is sent anywhere.\n\nConfidant is a record-keeping tool: "
                   "it does not give clinical advice, and its checks do not replace the "
                   "prescriber’s judgement."),
                NULL);
  /* The documents that say what Confidant promises and what it checks. */
  adw_about_window_add_link (about, _ ("_User Guide"), CFD_HOMEPAGE "/guide");
  adw_about_window_add_link (about, _ ("_Security Model"), CFD_HOMEPAGE "/docs/SECURITY.md");
  adw_about_window_add_link (about, _ ("_Clinical Checks and Their Sources"),
                             CFD_HOMEPAGE "/docs/CLINICAL.md");
  adw_about_window_add_link (about, _ ("_File Formats"), CFD_HOMEPAGE "/docs/FORMATS.md");
  adw_about_window_add_credit_section (
      about, _ ("Built With"),
      (const char *[]){ "GTK https://gtk.org",
                        "libadwaita https://gnome.pages.gitlab.gnome.org/libadwaita/",
                        "SQLCipher https://www.zetetic.net/sqlcipher/",
                        "libsodium https://libsodium.org", NULL });
  adw_about_window_add_legal_section (about, "SQLCipher", "Copyright © Zetetic LLC",
                                      GTK_LICENSE_BSD_3, NULL);
  adw_about_window_add_legal_section (about, "libsodium", "Copyright © Frank Denis",
                                      GTK_LICENSE_CUSTOM, "ISC License");
  gtk_window_present (GTK_WINDOW (about));
}

static void
help_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  g_autofree char *installed
      = g_build_filename (DATADIR, "help", "C", "confidant", "index.page", NULL);
  g_autoptr (GAppInfo) viewer = g_app_info_get_default_for_uri_scheme ("help");

  /* The help viewer, with the guide's Mallard pages, when both are here;
   * else the same guide as a page of the app (help/C and the page are
   * kept saying the same by tests/help). */
  if (viewer != NULL && g_file_test (installed, G_FILE_TEST_EXISTS))
    {
      gtk_show_uri (parent, "help:confidant", GDK_CURRENT_TIME);
      return;
    }
  gtk_window_present (GTK_WINDOW (cfd_help_window_new (parent)));
}

/* SIGTERM (logout, shutdown, kill) saves open drafts and locks first. */
static gboolean
terminate_signal (gpointer user_data)
{
  GApplication *app = user_data;

  cfd_application_lock_all (CFD_APPLICATION (app));
  g_application_quit (app);
  return G_SOURCE_CONTINUE;
}

/* A vault other than the application's own (the restore window asks for
 * the vault it restored) opens in the main window, which locks the vault
 * it showed first and names the new one's folder: two identical windows
 * would leave the user guessing which vault each one is. */
static void
open_vault_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CfdApplication *self = CFD_APPLICATION (user_data);
  const char *path = g_variant_get_string (parameter, NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CFD_IS_WINDOW (l->data))
      {
        cfd_window_open_vault (CFD_WINDOW (l->data), path);
        gtk_window_present (GTK_WINDOW (l->data));
        return;
      }
  gtk_window_present (GTK_WINDOW (cfd_window_new (self, path)));
}

static const GActionEntry app_actions[] = {
  { "lock-all", lock_all_action },
  { "quit", quit_action },
  { "about", about_action },
  { "help", help_action },
  { "open-vault", open_vault_action, "s" },
};

static void
cfd_application_startup (GApplication *app)
{
  CfdApplication *self = CFD_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (cfd_application_parent_class)->startup (app);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_warning ("The GSettings schema %s is not installed; using defaults", APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);

  g_signal_connect_swapped (app, "notify::screensaver-active", G_CALLBACK (screensaver_changed),
                            app);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_ready, g_object_ref (self));
  self->signal_sources[0] = g_unix_signal_add (SIGTERM, terminate_signal, app);
  self->signal_sources[1] = g_unix_signal_add (SIGINT, terminate_signal, app);
  self->signal_sources[2] = g_unix_signal_add (SIGHUP, terminate_signal, app);
}

static void
cfd_application_shutdown (GApplication *app)
{
  CfdApplication *self = CFD_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->signal_sources); i++)
    g_clear_handle_id (&self->signal_sources[i], g_source_remove);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  release_sleep_inhibitor (self);
  g_clear_object (&self->system_bus);
  G_APPLICATION_CLASS (cfd_application_parent_class)->shutdown (app);
}

/* For the launch benchmark (bench/launch.sh): quit as soon as the first
 * frame is on screen, so that the time to it is the process's run time. */
static void
quit_after_first_frame (GdkFrameClock *clock, gpointer app)
{
  g_signal_handlers_disconnect_by_func (clock, quit_after_first_frame, app);
  g_application_quit (G_APPLICATION (app));
}

static void
watch_first_frame (GtkWidget *window, gpointer app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (quit_after_first_frame), app);
}

static void
cfd_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      g_autofree char *path = cfd_application_dup_vault_path (CFD_APPLICATION (app));

      window = GTK_WINDOW (cfd_window_new (CFD_APPLICATION (app), path));
      if (g_getenv ("CONFIDANT_QUIT_AFTER_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (watch_first_frame), app);
    }
  gtk_window_present (window);
}

static void
cfd_application_finalize (GObject *object)
{
  CfdApplication *self = CFD_APPLICATION (object);

  /* An application registered but never run has no shutdown. */
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  release_sleep_inhibitor (self);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cfd_application_parent_class)->finalize (object);
}

static void
cfd_application_class_init (CfdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = cfd_application_finalize;
  app_class->startup = cfd_application_startup;
  app_class->shutdown = cfd_application_shutdown;
  app_class->activate = cfd_application_activate;
}

static void
cfd_application_init (CfdApplication *self)
{
  self->cancellable = g_cancellable_new ();
  self->sleep_inhibit_fd = -1;
}

CfdApplication *
cfd_application_new (void)
{
  /* register-session makes GtkApplication:screensaver-active work. */
  return g_object_new (CFD_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "register-session", TRUE, NULL);
}
