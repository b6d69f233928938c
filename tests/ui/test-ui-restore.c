/* test-ui-restore.c: the restore wizard on a real backup: a wrong passphrase changes nothing, the right one restores a vault that opens. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-backup.h"
#include "cfd-patient.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-restore-window.h"
#include "cfd-window.h"

/* Stands in for the application's app.open-vault, which shows the vault
 * in the main window (test-ui-vault-banner). */
static void
open_vault (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (cfd_window_new (NULL, g_variant_get_string (parameter, NULL))));
}

static gboolean
idle (gconstpointer window)
{
  return !cfd_restore_window_is_busy (CFD_RESTORE_WINDOW ((gpointer)window));
}

static void
test_restore (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Restored Patient");
  g_autofree char *folder = cfd_test_make_dir ();
  g_autofree char *target_parent = cfd_test_make_dir ();
  g_autofree char *target = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (CfdVault) restored = NULL;
  g_autoptr (CfdPatient) back = NULL;
  g_autoptr (GError) error = NULL;
  CfdRestoreWindow *window;
  GtkEditable *user, *secret;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (target_parent, 0700), ==, 0);
  target = g_build_filename (target_parent, "restored", NULL);
  info = cfd_vault_backup (vault, folder, 3, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  window = cfd_restore_window_new (NULL);
  {
    static const GActionEntry app_actions[] = { { "open-vault", open_vault, "s" } };
    g_autoptr (GSimpleActionGroup) app = g_simple_action_group_new ();

    g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                     NULL);
    gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app));
  }
  gtk_window_present (GTK_WINDOW (window));
  user = GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (window), "user_row"));
  secret = GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (window), "secret_row"));

  /* Not a backup: refused at once. */
  g_assert_false (cfd_restore_window_set_file (window, "/etc/hostname", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (cfd_restore_window_set_file (window, info->path, &error));
  g_assert_no_error (error);
  cfd_restore_window_set_target (window, target);
  gtk_editable_set_text (user, "Test Owner");

  /* A wrong passphrase: an error, no folder, and the field emptied. */
  gtk_editable_set_text (secret, "not the passphrase");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "restore.restore", NULL));
  g_assert_cmpstr (gtk_editable_get_text (secret), ==, "");
  cfd_test_ui_wait_until (idle, window, "the restore");
  g_assert_nonnull (cfd_restore_window_get_error (window));
  g_assert_null (cfd_restore_window_get_restored (window));
  g_assert_false (cfd_vault_exists (target));

  /* The right one: verified, restored, and the vault opens with it. */
  gtk_editable_set_text (secret, CFD_TEST_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "restore.restore", NULL));
  cfd_test_ui_wait_until (idle, window, "the restore");
  g_assert_null (cfd_restore_window_get_error (window));
  g_assert_cmpstr (cfd_restore_window_get_restored (window), ==, target);
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (window), "open_button")));
  g_assert_true (cfd_vault_exists (target));
  restored = cfd_vault_open (target, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (restored, "Test Owner", CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);
  back = cfd_vault_get_patient (restored, patient, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_test_name_is (cfd_patient_get_name (back), "Restored Patient"));
  cfd_vault_lock (restored);

  /* Open: the application is asked for the restored vault in a window of
   * its own, asking to unlock. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "restore.open", NULL));
  g_assert_null (window);
  {
    GList *toplevels = gtk_window_list_toplevels ();
    CfdWindow *opened = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (CFD_IS_WINDOW (l->data))
        opened = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (opened);
    g_assert_cmpstr (cfd_window_get_page_name (opened), ==, "unlock");
    g_assert_nonnull (cfd_window_get_vault (opened));
    g_assert_cmpstr (cfd_vault_get_path (cfd_window_get_vault (opened)), ==, target);
    gtk_window_destroy (GTK_WINDOW (opened));
  }
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
  g_test_add_func ("/confidant/ui/restore/wizard", test_restore);
  return g_test_run ();
}
