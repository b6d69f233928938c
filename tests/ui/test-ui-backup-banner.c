/* test-ui-backup-banner.c: the main window asks for a backup when the last verified one is older than the reminder setting, and the Backups window remembers its folder. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-backup-banner.h"
#include "cfd-backup-window.h"
#include "cfd-window.h"

static gboolean
page_is (gconstpointer data)
{
  const char *const *args = data;

  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)args[0])), args[1]) == 0;
}

static gboolean
backup_done (gconstpointer window)
{
  return !cfd_backup_window_is_busy (CFD_BACKUP_WINDOW ((gpointer)window));
}

static void
test_banner (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) setup = cfd_test_vault_new (&path, NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *folder = cfd_test_make_dir ();
  g_autoptr (GError) error = NULL;
  CfdBackupBanner *banner;
  CfdBackupWindow *backups;
  CfdWindow *window;
  CfdVault *vault;
  const char *workspace[2], *unlock[2];

  cfd_vault_lock (setup);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  window = cfd_window_new (NULL, path);
  gtk_window_present (GTK_WINDOW (window));
  banner = CFD_BACKUP_BANNER (cfd_test_ui_find_widget (GTK_WIDGET (window), "backup_banner"));
  workspace[0] = unlock[0] = (const char *)window;
  workspace[1] = "workspace";
  unlock[1] = "unlock";

  /* Locked: nothing is said about the vault. */
  g_assert_false (cfd_backup_banner_get_revealed (banner));

  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"),
                              "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, workspace, "the workspace");
  vault = cfd_window_get_vault (window);

  /* Never backed up: the bar asks, in words. */
  g_assert_true (cfd_backup_banner_get_revealed (banner));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (banner), "no verified backup yet"));

  /* Reminders off, then on again, take effect at once. */
  g_settings_set_uint (settings, "backup-reminder-days", 0);
  g_assert_false (cfd_backup_banner_get_revealed (banner));
  g_settings_set_uint (settings, "backup-reminder-days", 7);
  g_assert_true (cfd_backup_banner_get_revealed (banner));

  /* The bar's button opens Backups; a verified backup there, and the bar
   * goes when the window closes. The folder is remembered. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.backup", NULL));
  backups = cfd_test_ui_find_toplevel (CFD_TYPE_BACKUP_WINDOW);
  g_assert_nonnull (backups);
  g_assert_true (cfd_backup_window_add_folder (backups, folder, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (backups), "backup.start", "s", folder));
  cfd_test_ui_wait_until (backup_done, backups, "the backup");
  gtk_window_destroy (GTK_WINDOW (backups));
  g_assert_false (cfd_backup_banner_get_revealed (banner));
  g_assert_cmpint (cfd_backup_last_verified (vault), >, 0);

  {
    g_autofree char *remembered = g_settings_get_string (settings, "backup-folder");
    g_autofree char *canonical = g_canonicalize_filename (folder, NULL);

    g_assert_cmpstr (remembered, ==, canonical);
  }
  /* Offered again, without choosing it, the next time Backups opens. */
  backups = cfd_backup_window_new (GTK_WINDOW (window), vault);
  g_assert_cmpuint (cfd_backup_window_get_n_generations (backups), ==, 1);
  gtk_window_destroy (GTK_WINDOW (backups));

  cfd_window_lock (window);
  cfd_test_ui_wait_until (page_is, unlock, "the unlock page");
  g_assert_false (cfd_backup_banner_get_revealed (banner));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/backup-banner/reminder", test_banner);
  return g_test_run ();
}
