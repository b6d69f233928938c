/* cfd-screenshot-capsule.c: captures the supervision files window and a capsule's read-only view. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-capsule-window.h"
#include "cfd-supervision-window.h"

static const char *out_dir;
static const char *scheme_name;

static void
capture (const char *screen)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, scheme_name);
  /* Few colours and no dithering keep each picture small and crisp. */
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

/* The first expander row below root, opened. */
static gboolean
expand_first (GtkWidget *root)
{
  if (ADW_IS_EXPANDER_ROW (root))
    {
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (root), TRUE);
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (expand_first (child))
      return TRUE;
  return FALSE;
}

static void
tour (const char *path, const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_vault_open (path, &error);
  g_autoptr (GListModel) capsules = NULL;
  g_autoptr (CfdCapsule) first = NULL;
  CfdSupervisionWindow *window;
  CfdCapsuleWindow *view;

  if (vault == NULL || !cfd_vault_unlock (vault, NULL, passphrase, &error))
    g_error ("Cannot unlock the supervisor's vault: %s", error->message);
  window = cfd_supervision_window_new (NULL, vault);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  capture ("supervision-files");

  capsules = cfd_vault_list_capsules (vault, &error);
  if (capsules == NULL || g_list_model_get_n_items (capsules) == 0)
    g_error ("The supervisor's vault holds no capsule");
  first = g_list_model_get_item (capsules, 0);
  view = cfd_capsule_window_new (NULL, vault, cfd_capsule_get_id (first), &error);
  if (view == NULL)
    g_error ("Cannot open the capsule: %s", error->message);
  gtk_window_set_default_size (GTK_WINDOW (view), 1280, 800);
  gtk_window_present (GTK_WINDOW (view));
  cfd_test_ui_spin (200);
  expand_first (GTK_WIDGET (view));
  capture ("capsule");
  cfd_vault_lock (vault);
  cfd_test_ui_spin (100);
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;

  if (argc != 5)
    {
      g_printerr ("Usage: %s SUPERVISOR-VAULT PASSPHRASE-FILE OUT-DIR light|dark\n", argv[0]);
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
