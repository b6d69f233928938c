/* test-ui-help.c: the shortcuts window lists every real shortcut, F1 opens the guide, the About window is complete. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-application.h"
#include "cfd-help-window.h"
#include "cfd-record-editor.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

/* GTK's own keys, which no Confidant widget binds: Enter activates the
 * selected row of the patient list, F10 opens the primary menu. */
static const char *const gtk_builtin[] = { "Return", "F10", NULL };

static char *
normalize (guint keyval, GdkModifierType mods)
{
  return gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods);
}

static void
collect_listed (GtkWidget *root, GPtrArray *out)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (root))
    {
      g_autofree char *accel = NULL;
      guint keyval;
      GdkModifierType mods;

      g_object_get (root, "accelerator", &accel, NULL);
      g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
      g_ptr_array_add (out, normalize (keyval, mods));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed (child, out);
}

/* The key bindings a widget class installs sit in a shortcut controller of
 * the instance. */
static void
collect_bound (GtkWidget *widget, GPtrArray *out)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          /* Confidant binds actions by name; GTK's own classes bind
           * signals and callbacks (focus moves, the inspector). */
          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && GTK_IS_NAMED_ACTION (gtk_shortcut_get_action (shortcut)))
            g_ptr_array_add (
                out, normalize (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))));
        }
    }
}

static void
collect_app_accels (GtkApplication *app, GPtrArray *out)
{
  g_auto (GStrv) actions = gtk_application_list_action_descriptions (app);

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (app, actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint keyval;
          GdkModifierType mods;

          g_assert_true (gtk_accelerator_parse (accels[j], &keyval, &mods));
          g_ptr_array_add (out, normalize (keyval, mods));
        }
    }
}

static gboolean
contains (GPtrArray *list, const char *accel)
{
  return g_ptr_array_find_with_equal_func (list, accel, g_str_equal, NULL);
}

/* One application for the whole run: its object path on the session bus
 * stays taken after the first is gone. */
static CfdApplication *app;

static void
start_app (void)
{
  g_autoptr (GError) error = NULL;

  app = cfd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
}

static void
test_shortcuts_window (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-help-XXXXXX", NULL);
  g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) bound = g_ptr_array_new_with_free_func (g_free);
  GtkShortcutsWindow *overlay;
  CfdRecordEditor *editor;
  CfdWindow *window;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  window = cfd_window_new (app, path);
  gtk_window_present (GTK_WINDOW (window));

  /* GtkApplication found the help overlay in the resources. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  collect_listed (GTK_WIDGET (overlay), listed);
  g_assert_cmpuint (listed->len, >=, 10);

  collect_app_accels (GTK_APPLICATION (app), bound);
  collect_bound (GTK_WIDGET (window), bound);
  collect_bound (cfd_test_ui_find_widget (GTK_WIDGET (window), "workspace"), bound);
  editor = CFD_RECORD_EDITOR (cfd_test_ui_find_widget (GTK_WIDGET (window), "editor"));
  collect_bound (GTK_WIDGET (editor), bound);

  /* Ctrl+? itself is one of them. */
  g_assert_true (contains (bound, "<Control>question"));
  /* Every shortcut listed is real... */
  for (guint i = 0; i < listed->len; i++)
    if (!g_strv_contains (gtk_builtin, g_ptr_array_index (listed, i)))
      {
        if (!contains (bound, g_ptr_array_index (listed, i)))
          g_error ("The shortcuts window lists %s, which nothing binds",
                   (char *)g_ptr_array_index (listed, i));
      }
  /* ...and every real one is listed. */
  for (guint i = 0; i < bound->len; i++)
    if (!contains (listed, g_ptr_array_index (bound, i)))
      g_error ("%s is bound but missing from the shortcuts window",
               (char *)g_ptr_array_index (bound, i));

  /* The menu's item opens it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  cfd_test_ui_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  gtk_window_close (GTK_WINDOW (overlay));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_guide_and_about (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-help-XXXXXX", NULL);
  g_auto (GStrv) help_accels = NULL;
  CfdHelpWindow *guide;
  int minimum = 0;
  AdwAboutWindow *about;
  CfdWindow *window;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  window = cfd_window_new (app, path);
  gtk_window_present (GTK_WINDOW (window));

  help_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.help");
  g_assert_true (g_strv_contains ((const char *const *)help_accels, "F1"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "help", NULL);
  guide = cfd_test_ui_find_toplevel (CFD_TYPE_HELP_WINDOW);
  g_assert_nonnull (guide);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (guide)) == GTK_WINDOW (window));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (guide), "recovery key"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (guide), "Ctrl+?"));
  /* Usable in half a phone's width: the guide's text wraps. */
  gtk_widget_measure (GTK_WIDGET (guide), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (minimum, <=, 360);
  gtk_window_destroy (GTK_WINDOW (guide));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = cfd_test_ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_nonnull (adw_about_window_get_website (about));
  g_assert_nonnull (adw_about_window_get_developers (about));
  gtk_window_destroy (GTK_WINDOW (about));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  start_app ();
  g_test_add_func ("/confidant/ui/help/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/confidant/ui/help/guide-and-about", test_guide_and_about);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
