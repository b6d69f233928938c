/* cfd-screenshot-dosing.c: captures the dosing editor with its signing checks, wide and at 360 px. */
#include "config.h"

#include <stdlib.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-record-form.h"
#include "cfd-window.h"

static const char *out_dir;
static const char *scheme_name;
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

/* The screen's top-left width × 800 pixels: the window sits there under Xvfb. */
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
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t p;

  /* From the top: the child's coordinates are those of what is in view. */
  gtk_adjustment_set_value (adj, 0);
  cfd_test_ui_spin (200);
  if (gtk_widget_compute_point (widget,
                                gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                &GRAPHENE_POINT_INIT (0, 0), &p))
    gtk_adjustment_set_value (adj, p.y - 12);
}

static void
set_text (const char *path, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_widget (path)), text);
}

/* cells in CFD_VITALS_CELL_* order; the timepoint as its position in
 * the drop-down (0: none). */
static void
add_reading (const char *const cells[CFD_VITALS_N_CELLS])
{
  GtkWidget *vitals = get_widget ("editor/field-vitals");
  guint row = 0;

  g_signal_emit_by_name (g_object_get_data (G_OBJECT (vitals), "add-button"), "clicked");
  while (cfd_record_form_reading_cell (vitals, row + 1, 0) != NULL)
    row++;
  for (guint i = 0; i < CFD_VITALS_N_CELLS; i++)
    {
      GtkWidget *cell = cfd_record_form_reading_cell (vitals, row, i);

      if (i == CFD_VITALS_CELL_TIMEPOINT)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (cell), (guint)atoi (cells[i]));
      else
        gtk_editable_set_text (GTK_EDITABLE (cell), cells[i]);
    }
}

static void
tour (const char *demo_dir, const char *passphrase, int width)
{
  /* A pre-dose reading past 140/90, one at 40 minutes with a
   * respiratory rate of 8, and a reading marked "Pre-dose" taken after
   * the dose. */
  static const char *const pre_dose[] = { "08:50", "1", "152", "94", "78", "98", "14" };
  static const char *const forty[] = { "09:40", "3", "138", "86", "74", "97", "8" };
  static const char *const misnamed[] = { "09:10", "1", "132", "84", "72", "98", "" };
  GtkListView *list;

  window = cfd_window_new (NULL, demo_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 800);
  gtk_window_present (GTK_WINDOW (window));
  set_text ("unlock_page/passphrase_row", passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  list = GTK_LIST_VIEW (get_widget ("patient_list"));
  g_signal_emit_by_name (list, "activate", 0);
  cfd_test_ui_spin (300);

  /* An esketamine session typed with mistakes: 84 mg from two devices
   * 3 minutes apart, a pre-dose BP above 140/90 and no action, 10 minutes
   * of observation. Each problem is shown under its field. */
  gtk_widget_activate_action (get_widget ("patient_page"), "patient.new-record", "s", "dosing");
  cfd_test_ui_spin (300);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("editor/field-medication")), 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("editor/field-route")), 4);
  set_text ("editor/field-weight-kg", "70");
  set_text ("editor/field-dose-mg", "84");
  set_text ("editor/field-devices", "2");
  set_text ("editor/field-device-1-time", "09:00");
  set_text ("editor/field-device-2-time", "09:03");
  add_reading (pre_dose);
  add_reading (forty);
  add_reading (misnamed);
  set_text ("editor/field-observation-minutes", "10");
  cfd_test_ui_spin (1800);
  if (width < 600)
    {
      scroll_to (gtk_widget_get_parent (get_widget ("editor/field-observation-minutes")));
      capture ("dosing-checks-narrow", width);
      scroll_to (gtk_widget_get_parent (get_widget ("editor/field-vitals")));
      capture ("dosing-vitals-narrow", width);
      return;
    }
  scroll_to (gtk_widget_get_parent (get_widget ("editor/field-dose-mg")));
  capture ("dosing-checks", width);
  scroll_to (gtk_widget_get_parent (get_widget ("editor/field-vitals")));
  capture ("dosing-vitals", width);
  scroll_to (gtk_widget_get_parent (get_widget ("editor/field-observation-minutes")));
  capture ("dosing-checks-action", width);
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;
  int width;

  if (argc != 5 && argc != 6)
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE OUT-DIR light|dark [WIDTH]\n", argv[0]);
      return 2;
    }
  out_dir = argv[3];
  scheme_name = argv[4];
  width = argc == 6 ? atoi (argv[5]) : 1280;

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
  /* GNOME's title bars, which a narrow window is made for, have only a
   * close button; Xvfb without a window manager would show three. */
  if (width < 600)
    g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "icon:close", NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      g_strcmp0 (scheme_name, "dark") == 0
                                          ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_mkdir_with_parents (out_dir, 0755);
  tour (argv[1], passphrase, width);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
