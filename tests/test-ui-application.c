/* test-ui-application.c: the application locks every window when logind says the machine will sleep. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "cfd-crypto.h"
#include "cfd-patient.h"
#include "cfd-secure.h"

#include "cfd-application.h"
#include "cfd-window.h"

#define PASSPHRASE "river lantern quietly 42"

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_until (gboolean (*cond) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint ticker = g_timeout_add (20, tick, NULL);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (ticker);
}

static gboolean
is_unlocked (gpointer vault)
{
  return cfd_vault_is_unlocked (vault);
}

static gboolean
is_locked (gpointer vault)
{
  return !cfd_vault_is_unlocked (vault);
}

static gboolean
name_owned (gpointer owned)
{
  return *(gboolean *)owned;
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
  wait_until (name_owned, &owned, "the logind name");

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
  wait_until (is_unlocked, vault, "the unlock");

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
  wait_until (is_locked, vault, "the lock before sleep");
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
  adw_init ();
  g_assert_true (cfd_secure_init ());
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

  g_test_add_func ("/confidant/ui/application/sleep-locks", test_sleep_locks);
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
