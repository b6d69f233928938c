/* cfd-screenshot-passphrase.c: captures the Change Passphrase dialog, filled in, with its key change option, and the Users page of Preferences with its Add User dialog. */
#include "config.h"

#include <stdlib.h>

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-passphrase-dialog.h"
#include "cfd-preferences-window.h"
#include "cfd-user-dialog.h"
#include "cfd-window.h"

static const char *out_dir;
static const char *scheme_name;
static CfdWindow *window;

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static void
capture (const char *screen, int width)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, scheme_name);
  g_autofree char *crop = g_strdup_printf ("%dx800+0+0", width);
  const char *argv[] = { "import", "-window", "root",    "-crop", crop, "+repage",
                         "-strip", "+dither", "-colors", "64",    file, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  cfd_test_ui_spin (700);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Capturing %s: %s", file, error->message);
  g_print ("%s\n", file);
}

static void
set_row (GtkWidget *dialog, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (dialog, id)), text);
}

static void
tour (const char *vault_dir, const char *passphrase, int width)
{
  GtkWidget *dialog;
  const char *suffix = width < 600 ? "-narrow" : "";
  g_autofree char *weak = g_strdup_printf ("passphrase-weak%s", suffix);
  g_autofree char *ready = g_strdup_printf ("passphrase-rotate%s", suffix);

  window = cfd_window_new (NULL, vault_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 800);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      passphrase);
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"),
                              "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  cfd_test_ui_spin (300);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.change-passphrase", NULL);
  cfd_test_ui_spin (500);
  dialog = cfd_test_ui_find_toplevel (CFD_TYPE_PASSPHRASE_DIALOG);
  g_assert (dialog != NULL);
  if (width < 600)
    gtk_window_set_default_size (GTK_WINDOW (dialog), width, 800);
  set_row (dialog, "current_row", passphrase);
  set_row (dialog, "new_row", "password1");
  set_row (dialog, "confirm_row", "password");
  capture (weak, width);
  set_row (dialog, "new_row", "quiet harbour lantern oatmeal Zx81");
  set_row (dialog, "confirm_row", "quiet harbour lantern oatmeal Zx81");
  gtk_switch_set_active (GTK_SWITCH (cfd_test_ui_find_widget (dialog, "rotate_switch")), TRUE);
  capture (ready, width);
  gtk_window_destroy (GTK_WINDOW (dialog));

  {
    g_autofree char *users = g_strdup_printf ("users-page%s", suffix);
    g_autofree char *add = g_strdup_printf ("users-add%s", suffix);
    GtkWidget *prefs;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
    cfd_test_ui_spin (500);
    prefs = cfd_test_ui_find_toplevel (CFD_TYPE_PREFERENCES_WINDOW);
    g_assert (prefs != NULL);
    gtk_window_set_default_size (GTK_WINDOW (prefs), MIN (width, 800), 700);
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "users");
    capture (users, width);
    g_signal_emit_by_name (cfd_test_ui_find_widget (prefs, "add_user_button"), "clicked");
    cfd_test_ui_spin (500);
    dialog = cfd_test_ui_find_toplevel (CFD_TYPE_USER_DIALOG);
    g_assert (dialog != NULL);
    if (width < 600)
      gtk_window_set_default_size (GTK_WINDOW (dialog), width, 800);
    set_row (dialog, "name_row", "Dr Imre Halász");
    set_row (dialog, "passphrase_row", "plum ferry violet anchor Qk27");
    set_row (dialog, "confirm_row", "plum ferry violet anchor Qk27");
    adw_combo_row_set_selected (ADW_COMBO_ROW (cfd_test_ui_find_widget (dialog, "role_row")), 1);
    capture (add, width);
  }
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;

  if (argc != 5 && argc != 6)
    {
      g_printerr ("Usage: %s VAULT PASSPHRASE-FILE OUT-DIR light|dark [WIDTH]\n", argv[0]);
      return 2;
    }
  out_dir = argv[3];
  scheme_name = argv[4];

  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");
  if (!g_file_get_contents (argv[2], &passphrase, NULL, NULL))
    g_error ("Cannot read the passphrase file");
  g_strchomp (passphrase);
  if (!cfd_test_ui_init ())
    g_error ("No display to capture the screens on");
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/confidant/Confidant/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      g_strcmp0 (scheme_name, "dark") == 0
                                          ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_mkdir_with_parents (out_dir, 0755);
  tour (argv[1], passphrase, argc == 6 ? atoi (argv[5]) : 1280);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
