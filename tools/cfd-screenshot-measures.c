/* cfd-screenshot-measures.c: captures a PCL-5 chart over its bands and the QIDS-SR16 form built from its definition. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-measure-dialog.h"
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

static void
capture (const char *screen)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, scheme_name);
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

/* The patient whose measure panel has a PCL-5 chart (the script gave one
 * patient PCL-5 scores). */
static GtkWidget *
select_patient_with_pcl5 (void)
{
  GtkListView *list = GTK_LIST_VIEW (get_widget ("patient_list"));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      GtkWidget *chart;

      gtk_single_selection_set_selected (selection, i);
      g_signal_emit_by_name (list, "activate", i);
      cfd_test_ui_spin (100);
      chart = cfd_test_ui_find_widget (get_widget ("patient_page/measure_panel"), "pcl5");
      if (chart != NULL)
        return chart;
    }
  g_error ("No patient has a PCL-5 chart");
}

static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t p;

  cfd_test_ui_spin (200);
  if (gtk_widget_compute_point (widget,
                                gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                &GRAPHENE_POINT_INIT (0, 0), &p))
    gtk_adjustment_set_value (adj, p.y - 40);
}

static void
tour (const char *demo_dir, const char *passphrase)
{
  static const int qids[16] = { 1, 3, 0, 2, 2, 0, 1, 0, 0, 2, 1, 0, 1, 2, 1, -1 };
  CfdMeasureDialog *dialog;
  GtkWidget *chart;

  window = cfd_window_new (NULL, demo_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");

  chart = select_patient_with_pcl5 ();
  scroll_to (chart);
  capture ("measures-pcl5-chart");
  gtk_stack_set_visible_child_name (GTK_STACK (get_widget ("patient_page/view_stack")), "table");
  scroll_to (get_widget ("patient_page/view_stack"));
  capture ("measures-pcl5-table");
  gtk_stack_set_visible_child_name (GTK_STACK (get_widget ("patient_page/view_stack")), "chart");

  /* The QIDS-SR16 form, the last item still to answer. */
  gtk_widget_activate_action (get_widget ("patient_page/measure_panel"), "measures.add", NULL);
  cfd_test_ui_spin (200);
  dialog = cfd_test_ui_find_toplevel (CFD_TYPE_MEASURE_DIALOG);
  if (dialog == NULL)
    g_error ("No measure dialog");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 600, 780);
  if (!cfd_measure_dialog_set_instrument_id (dialog, "qids-sr16"))
    g_error ("No QIDS-SR16 definition");
  for (guint i = 0; i < G_N_ELEMENTS (qids); i++)
    cfd_measure_dialog_set_item (dialog, i, qids[i]);
  capture ("measures-qids-form");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;

  if (argc != 5)
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE OUT-DIR light|dark\n", argv[0]);
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
  tour (argv[1], passphrase);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
