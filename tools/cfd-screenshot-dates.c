/* cfd-screenshot-dates.c: captures the date fields (a record's date with its calendar open, a new patient's birth date, a consent's dates) in the real window. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-consent-dialog.h"
#include "cfd-patient-dialog.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

static const char *out_dir;
static const char *suffix; /* "light", "dark-narrow", … */
static CfdWindow *window;

static GtkWidget *
get_widget (const char *path)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (window), path);
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static void
capture (const char *screen)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, suffix);
  const char *argv[]
      = { "import", "-window", "root", "-strip", "+dither", "-colors", "64", file, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  cfd_test_ui_spin (700);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Capturing %s: %s", file, error->message);
  g_print ("%s\n", file);
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr (GListModel) toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        return GTK_WINDOW (item);
    }
  return NULL;
}

/* Opens the calendar beside editable (its next sibling, or a row's suffix). */
static void
open_calendar (GtkWidget *root)
{
  GtkWidget *button = cfd_test_ui_find_widget (root, "date-calendar-button");

  g_assert_nonnull (button);
  gtk_widget_grab_focus (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
}

static void
tour (const char *demo_dir, const char *passphrase, int width)
{
  CfdVault *vault;
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) error = NULL;
  GtkWindow *dialog;
  GtkWidget *scrolled;

  /* GNOME's own title bar buttons (close only), as the tour has them. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "icon:close", NULL);
  window = cfd_window_new (NULL, demo_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), width, width > 400 ? 800 : 740);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  vault = cfd_window_get_vault (window);
  patients = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  patient = g_list_model_get_item (patients, 0);
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")),
                              cfd_patient_get_id (patient));
  cfd_test_ui_spin (300);

  /* A new session record: its next-session date typed, then its calendar. */
  gtk_widget_activate_action (get_widget ("patient_page"), "patient.new-record", "s", "session");
  cfd_test_ui_spin (500);
  {
    GtkWidget *entry = get_widget ("editor/field-next-session");

    scrolled = gtk_widget_get_ancestor (entry, GTK_TYPE_SCROLLED_WINDOW);
    cfd_test_ui_spin (300);
    {
      graphene_point_t point;

      if (gtk_widget_compute_point (entry,
                                    gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                    &GRAPHENE_POINT_INIT (0, 0), &point))
        gtk_adjustment_set_value (
            gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), point.y - 120);
    }
    gtk_editable_set_text (GTK_EDITABLE (entry), "07/12/26");
    capture ("date-typed");
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    open_calendar (gtk_widget_get_parent (entry));
    capture ("date-calendar");
  }

  /* A new patient's birth date, typed the locale's way. */
  gtk_widget_activate_action (get_widget ("workspace"), "workspace.new-patient", NULL);
  cfd_test_ui_spin (300);
  dialog = find_toplevel (CFD_TYPE_PATIENT_DIALOG);
  if (dialog != NULL)
    {
      gtk_window_set_default_size (dialog, MIN (width, 560), 700);
      gtk_editable_set_text (
          GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "birth_date_row")),
          "31/12/1988");
      capture ("date-birth");
      gtk_window_destroy (dialog);
    }

  dialog = GTK_WINDOW (
      cfd_consent_dialog_new (GTK_WINDOW (window), vault, cfd_patient_get_id (patient)));
  gtk_window_set_default_size (dialog, MIN (width, 560), 740);
  gtk_window_present (dialog);
  capture ("date-consent");
  gtk_window_destroy (dialog);
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;

  if (argc != 6)
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE OUT-DIR light|dark WIDTH\n", argv[0]);
      return 2;
    }
  out_dir = argv[3];
  suffix = g_strdup_printf ("%s-%s", argv[4], argv[5]);
  setlocale (LC_ALL, "");
  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");
  if (!g_file_get_contents (argv[2], &passphrase, NULL, NULL))
    g_error ("Cannot read the passphrase file");
  g_strchomp (passphrase);
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CONFIDANT_LOCALEDIR") != NULL
                                       ? g_getenv ("CONFIDANT_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("CONFIDANT_VAULT_DIR", argv[1], TRUE);
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
                                      g_strcmp0 (argv[4], "dark") == 0
                                          ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_mkdir_with_parents (out_dir, 0755);
  tour (argv[1], passphrase, atoi (argv[5]));
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
