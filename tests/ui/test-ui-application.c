/* test-ui-application.c: the application locks every window when the machine sleeps or the screensaver starts, and opens vaults for other windows. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfd-crypto.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-secure-private.h"
#include "cfd-test-ui.h"

#include "cfd-application.h"
#include "cfd-record-editor.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

#define PASSPHRASE "river lantern quietly 42"
#define CANARY     "CANARY-typed-as-the-screensaver-starts"

static gboolean
is_unlocked (gconstpointer vault)
{
  return cfd_vault_is_unlocked ((CfdVault *)vault);
}

static gboolean
is_locked (gconstpointer vault)
{
  return !cfd_vault_is_unlocked ((CfdVault *)vault);
}

static gboolean
name_owned (gconstpointer owned)
{
  return *(const gboolean *)owned;
}

static void
name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
}

static void
test_sleep_locks (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-app-XXXXXX", NULL);
  g_autoptr (CfdVault) setup = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdApplication) app = NULL;
  g_autoptr (GDBusConnection) logind = NULL;
  g_autoptr (GPtrArray) users = NULL;
  CfdUserInfo *owner;
  CfdWindow *window;
  CfdVault *vault;
  gboolean owned = FALSE;
  guint owner_id;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  setup = cfd_vault_create (path, "Dr Ada Owner", PASSPHRASE, &key, &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);
  g_clear_object (&setup);

  /* A stand-in for logind on the test bus, which the app takes for the
   * system bus. */
  logind = g_dbus_connection_new_for_address_sync (
      g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  owner_id
      = g_bus_own_name_on_connection (logind, "org.freedesktop.login1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                      name_acquired, NULL, &owned, NULL);
  cfd_test_ui_wait_until (name_owned, &owned, "the logind name");

  app = cfd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = cfd_window_new (app, path);
  gtk_window_present (GTK_WINDOW (window));
  vault = cfd_window_get_vault (window);
  users = cfd_vault_list_users (vault);
  owner = g_ptr_array_index (users, 0);
  g_assert_true (cfd_vault_unlock (vault, owner->id, PASSPHRASE, &error));
  g_assert_no_error (error);
  cfd_test_ui_wait_until (is_unlocked, vault, "the unlock");

  /* Give the app time to subscribe, then announce the sleep. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (200 * 1000);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (g_dbus_connection_emit_signal (logind, NULL, "/org/freedesktop/login1",
                                                "org.freedesktop.login1.Manager", "PrepareForSleep",
                                                g_variant_new ("(b)", TRUE), &error));
  g_assert_no_error (error);
  cfd_test_ui_wait_until (is_locked, vault, "the lock before sleep");
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");

  gtk_window_destroy (GTK_WINDOW (window));
  g_bus_unown_name (owner_id);

  {
    g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (path, name, NULL);
        g_unlink (file);
      }
    g_rmdir (path);
  }
}

/* ---- the screensaver ---- */

/* By type, and by id or widget name when one is given. */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *id)
{
  const char *buildable_id
      = GTK_IS_BUILDABLE (root) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)) : NULL;

  if ((type == G_TYPE_INVALID || G_TYPE_CHECK_INSTANCE_TYPE (root, type))
      && (id == NULL || g_strcmp0 (buildable_id, id) == 0
          || g_strcmp0 (gtk_widget_get_name (root), id) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Stand-ins for GNOME's session manager and screensaver. GtkApplication
 * (with register-session) watches the screensaver only in a session whose
 * manager it could register with: it asks the screensaver whether it is
 * active and then follows its ActiveChanged signal. */
static const char session_xml[]
    = "<node><interface name='org.gnome.SessionManager'>"
      "<method name='RegisterClient'><arg type='s' direction='in'/>"
      "<arg type='s' direction='in'/><arg type='o' direction='out'/></method>"
      "<method name='UnregisterClient'><arg type='o' direction='in'/></method>"
      "</interface>"
      "<interface name='org.gnome.ScreenSaver'>"
      "<method name='GetActive'><arg type='b' direction='out'/></method>"
      "<signal name='ActiveChanged'><arg type='b'/></signal>"
      "</interface></node>";

static void
screensaver_method (GDBusConnection *connection,
                    const char *sender,
                    const char *path,
                    const char *interface,
                    const char *method,
                    GVariant *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer user_data)
{
  if (g_strcmp0 (method, "GetActive") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
  else if (g_strcmp0 (method, "RegisterClient") == 0)
    g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(o)", "/org/gnome/SessionManager/Client1"));
  else if (g_strcmp0 (method, "UnregisterClient") == 0)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No such method");
}

static const GDBusInterfaceVTable screensaver_vtable = { screensaver_method, NULL, NULL, { 0 } };

/* The stand-ins answer from a thread of their own: GtkApplication calls
 * RegisterClient synchronously from the main thread. */
typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GDBusConnection *connection;
  GMutex lock;
  GCond cond;
  guint n_names;
  gboolean ready;
} FakeSession;

static void
fake_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  FakeSession *fake = user_data;

  if (++fake->n_names < 2)
    return;
  g_mutex_lock (&fake->lock);
  fake->ready = TRUE;
  g_cond_signal (&fake->cond);
  g_mutex_unlock (&fake->lock);
}

static gpointer
fake_session_run (gpointer user_data)
{
  FakeSession *fake = user_data;
  g_autoptr (GDBusNodeInfo) node = NULL;
  g_autoptr (GError) error = NULL;
  guint objects[2], names[2];

  g_main_context_push_thread_default (fake->context);
  fake->connection = g_dbus_connection_new_for_address_sync (
      g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (session_xml, &error);
  g_assert_no_error (error);
  objects[0] = g_dbus_connection_register_object (fake->connection, "/org/gnome/SessionManager",
                                                  node->interfaces[0], &screensaver_vtable, NULL,
                                                  NULL, &error);
  g_assert_no_error (error);
  objects[1] = g_dbus_connection_register_object (fake->connection, "/org/gnome/ScreenSaver",
                                                  node->interfaces[1], &screensaver_vtable, NULL,
                                                  NULL, &error);
  g_assert_no_error (error);
  names[0] = g_bus_own_name_on_connection (fake->connection, "org.gnome.SessionManager",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, fake_name_acquired, NULL,
                                           fake, NULL);
  names[1] = g_bus_own_name_on_connection (fake->connection, "org.gnome.ScreenSaver",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, fake_name_acquired, NULL,
                                           fake, NULL);
  g_main_loop_run (fake->loop);

  g_bus_unown_name (names[0]);
  g_bus_unown_name (names[1]);
  g_dbus_connection_unregister_object (fake->connection, objects[0]);
  g_dbus_connection_unregister_object (fake->connection, objects[1]);
  g_dbus_connection_flush_sync (fake->connection, NULL, NULL);
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

static void
fake_session_start (FakeSession *fake)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_mutex_init (&fake->lock);
  g_cond_init (&fake->cond);
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  fake->thread = g_thread_new ("fake-session", fake_session_run, fake);
  g_mutex_lock (&fake->lock);
  while (!fake->ready)
    if (!g_cond_wait_until (&fake->cond, &fake->lock, deadline))
      g_error ("Timed out waiting for the session manager and screensaver names");
  g_mutex_unlock (&fake->lock);
}

static void
fake_session_stop (FakeSession *fake)
{
  g_main_loop_quit (fake->loop);
  g_thread_join (fake->thread);
  g_clear_object (&fake->connection);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->cond);
}

static gboolean
app_sees_screensaver (gconstpointer app)
{
  gboolean active = FALSE;

  g_object_get ((gpointer)app, "screensaver-active", &active, NULL);
  return active;
}

static gboolean
shows_workspace (gconstpointer window)
{
  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)window)), "workspace") == 0;
}

static void
test_screensaver_locks (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-ss-XXXXXX", NULL);
  g_autoptr (CfdVault) setup = NULL;
  g_autofree char *key = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *draft_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdApplication) app = NULL;
  FakeSession fake = { 0 };
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (CfdRecord) saved = NULL;
  CfdUserInfo *owner;
  CfdWindow *window;
  CfdVault *vault;
  GtkWidget *unlock_page, *workspace, *editor, *view;
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  setup = cfd_vault_create (path, "Dr Ada Owner", PASSPHRASE, &key, &error);
  g_assert_no_error (error);
  patient_id = cfd_vault_add_patient (
      setup, g_variant_new_parsed ("{'name': <'Screensaver Testpatient'>}"), &error);
  g_assert_no_error (error);
  draft_id = cfd_vault_create_record (
      setup, patient_id, CFD_RECORD_PROGRESS, g_get_real_time () / G_USEC_PER_SEC,
      g_variant_new_parsed ("{'subjective': <'Slept better.'>}"), &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);
  g_clear_object (&setup);

  /* The session manager and screensaver must be on the session bus before
   * the application starts: GtkApplication looks for them once, at startup. */
  fake_session_start (&fake);

  app = cfd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  /* The sleep test's application keeps its object path on this process's
   * bus connection; this one takes a path of its own. */
  g_application_set_application_id (G_APPLICATION (app), "org.confidant.Confidant.ScreensaverTest");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = cfd_window_new (app, path);
  gtk_window_present (GTK_WINDOW (window));
  vault = cfd_window_get_vault (window);
  users = cfd_vault_list_users (vault);
  owner = g_ptr_array_index (users, 0);
  /* Through the unlock page, so that the window shows the workspace. */
  unlock_page = find_widget (GTK_WIDGET (window), G_TYPE_INVALID, "unlock_page");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (unlock_page, G_TYPE_INVALID, "passphrase_row")),
                         PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (unlock_page, "unlock.unlock", NULL));
  cfd_test_ui_wait_until (is_unlocked, vault, "the unlock");
  cfd_test_ui_wait_until (shows_workspace, window, "the workspace");

  /* The draft is open and being typed into; autosave is far off. */
  workspace = find_widget (GTK_WIDGET (window), CFD_TYPE_WORKSPACE, NULL);
  g_assert_nonnull (workspace);
  cfd_workspace_open_record (CFD_WORKSPACE (workspace), draft_id);
  editor = find_widget (workspace, CFD_TYPE_RECORD_EDITOR, NULL);
  g_assert_nonnull (editor);
  g_assert_cmpstr (cfd_record_editor_get_record_id (CFD_RECORD_EDITOR (editor)), ==, draft_id);
  cfd_record_editor_set_autosave_delay (CFD_RECORD_EDITOR (editor), 60 * 1000);
  view = find_widget (editor, GTK_TYPE_TEXT_VIEW, "field-subjective");
  g_assert_nonnull (view);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, " " CANARY, -1);
  g_assert_true (cfd_record_editor_has_unsaved_changes (CFD_RECORD_EDITOR (editor)));
  g_assert_true (cfd_test_ui_any_window_has_text (CANARY));
  g_assert_false (app_sees_screensaver (app));

  /* The screensaver starts. */
  g_assert_true (g_dbus_connection_emit_signal (fake.connection, NULL, "/org/gnome/ScreenSaver",
                                                "org.gnome.ScreenSaver", "ActiveChanged",
                                                g_variant_new ("(b)", TRUE), &error));
  g_assert_no_error (error);
  cfd_test_ui_wait_until (app_sees_screensaver, app, "GtkApplication:screensaver-active");
  cfd_test_ui_wait_until (is_locked, vault, "the lock when the screensaver starts");
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");

  /* Nothing of the patient is left in any window ... */
  g_assert_false (cfd_test_ui_any_window_has_text (CANARY));
  g_assert_false (cfd_test_ui_any_window_has_text ("Slept better"));
  g_assert_false (cfd_test_ui_any_window_has_text ("Screensaver Testpatient"));

  /* ... and what was typed was saved before the lock. */
  g_assert_true (cfd_vault_unlock (vault, owner->id, PASSPHRASE, &error));
  g_assert_no_error (error);
  saved = cfd_vault_get_record (vault, draft_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (saved, "subjective"), ==, "Slept better. " CANARY);
  g_assert_cmpuint (cfd_record_get_revision (saved), ==, 2);
  g_clear_object (&saved);
  cfd_vault_lock (vault);

  gtk_window_destroy (GTK_WINDOW (window));
  fake_session_stop (&fake);

  {
    g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (path, name, NULL);
        g_unlink (file);
      }
    g_rmdir (path);
  }
}

/* ---- the auto-lock setting (issue 24, finding 4) ---- */

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static gboolean
page_is_unlock (gconstpointer window)
{
  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)window)), "unlock") == 0;
}

static gboolean
page_is_workspace (gconstpointer window)
{
  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)window)), "workspace") == 0;
}

static void
test_auto_lock_setting (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-app-XXXXXX", NULL);
  g_autoptr (CfdVault) setup = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdApplication) app = NULL;
  GSettings *settings;
  CfdWindow *window;
  int width = 0, height = 0;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  setup = cfd_vault_create (path, "Dr Ada Owner", PASSPHRASE, &key, &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);
  g_clear_object (&setup);

  app = cfd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  /* An object path of its own, as in the screensaver test. */
  g_application_set_application_id (G_APPLICATION (app), "org.confidant.Confidant.AutoLockTest");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  settings = cfd_application_get_settings (app);
  g_assert_nonnull (settings);
  g_settings_set_uint (settings, "auto-lock-minutes", 1);
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 700);

  /* Read when the window is attached to the application, not before. */
  window = cfd_window_new (app, path);
  g_assert_cmpuint (cfd_window_get_auto_lock_interval (window), ==, 60 * 1000);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);

  fake_now = g_get_monotonic_time ();
  cfd_window_set_clock_for_testing (window, fake_clock, NULL);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (
      cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is_workspace, window, "the workspace");

  /* 59 idle seconds: still open. A minute and a bit: the lock page. The
   * seconds count from the last input the window saw: other tests' windows
   * come and go on the same display, and real input there is activity. */
  {
    gint64 last = cfd_window_get_last_activity_for_testing (window);
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    fake_now = last + 59 * G_USEC_PER_SEC;
    cfd_test_ui_spin (300);
    if (cfd_window_get_last_activity_for_testing (window) == last)
      g_assert_true (cfd_vault_is_unlocked (cfd_window_get_vault (window)));
    while (!page_is_unlock (window))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        if (cfd_window_get_last_activity_for_testing (window) != last)
          g_test_message ("input counted as activity at +%" G_GINT64_FORMAT " s",
                          (cfd_window_get_last_activity_for_testing (window) - last)
                              / G_USEC_PER_SEC);
        last = cfd_window_get_last_activity_for_testing (window);
        fake_now = last + 61 * G_USEC_PER_SEC;
        cfd_test_ui_spin (100);
      }
  }
  g_assert_false (cfd_vault_is_unlocked (cfd_window_get_vault (window)));

  /* Changes are followed live. */
  g_settings_set_uint (settings, "auto-lock-minutes", 2);
  g_assert_cmpuint (cfd_window_get_auto_lock_interval (window), ==, 2 * 60 * 1000);
  g_settings_set_int (settings, "window-width", 1000);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  g_settings_reset (settings, "auto-lock-minutes");
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");

  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (path, name, NULL);
        g_unlink (file);
      }
    g_rmdir (path);
  }
}

/* ---- opening another vault ---- */

static CfdWindow *
window_for_path (CfdApplication *app, const char *path)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (CFD_IS_WINDOW (l->data) && cfd_window_get_vault (l->data) != NULL
        && g_strcmp0 (cfd_vault_get_path (cfd_window_get_vault (l->data)), path) == 0)
      return l->data;
  return NULL;
}

/* app.open-vault, which the restore window activates instead of making a
 * window itself: the vault opens in a window of its own, asking to unlock. */
static void
test_open_vault (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-open-XXXXXX", NULL);
  g_autoptr (CfdVault) setup = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdApplication) app = NULL;
  CfdWindow *window;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  setup = cfd_vault_create (path, "Dr Ada Owner", PASSPHRASE, &key, &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);
  g_clear_object (&setup);

  app = cfd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_set_application_id (G_APPLICATION (app), "org.confidant.Confidant.OpenVaultTest");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_assert_null (window_for_path (app, path));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-vault", g_variant_new_string (path));
  window = window_for_path (app, path);
  g_assert_nonnull (window);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  gtk_window_destroy (GTK_WINDOW (window));

  {
    g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (path, name, NULL);
        g_unlink (file);
      }
    g_rmdir (path);
  }
}

int
main (int argc, char *argv[])
{
  GTestDBus *bus;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display to run the window on\n");
      return 0;
    }
  if (g_find_program_in_path ("dbus-daemon") == NULL)
    {
      g_print ("1..0 # SKIP no dbus-daemon for a test bus\n");
      return 0;
    }
  /* Up before libadwaita first connects to the session bus, so that the
   * application's session bus is the test bus too (the screensaver test
   * puts a session manager and a screensaver there). */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
  adw_init ();
  g_assert_true (cfd_secure_init ());
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/confidant/ui/application/sleep-locks", test_sleep_locks);
  g_test_add_func ("/confidant/ui/application/screensaver-locks", test_screensaver_locks);
  g_test_add_func ("/confidant/ui/application/auto-lock-setting", test_auto_lock_setting);
  g_test_add_func ("/confidant/ui/application/open-vault", test_open_vault);
  status = g_test_run ();
  /* libadwaita keeps its settings-portal connection to the session bus for
   * the life of the process, so the bus is stopped but never torn down
   * (g_test_dbus_down() would wait for that connection to go). */
  g_test_dbus_stop (bus);
  /* Leave without running exit handlers: the process-wide bus connections
   * and GTK's threads still point at the bus just stopped, and once in a
   * CI run the exit waited on them until the test timed out. */
  fflush (stdout);
  fflush (stderr);
  _exit (status);
}
