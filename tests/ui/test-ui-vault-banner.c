/* test-ui-vault-banner.c: a vault opened after start (a restored copy) replaces the main window's vault, which locks first; the window names its folder, and "Use This Vault From Now On" makes it the vault opened at start. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-vault-banner.h"
#include "cfd-window.h"

static gboolean
page_is (gconstpointer data)
{
  const char *const *args = data;

  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)args[0])), args[1]) == 0;
}

static void
unlock (CfdWindow *window)
{
  const char *workspace[2] = { (const char *)window, "workspace" };

  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"),
                              "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, workspace, "the workspace");
}

static void
test_open_other_vault (void)
{
  g_autofree char *main_path = NULL;
  g_autofree char *restored_path = NULL;
  g_autoptr (CfdVault) main_setup = cfd_test_vault_new (&main_path, NULL);
  g_autoptr (CfdVault) restored_setup = cfd_test_vault_new (&restored_path, NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *restored_name = g_path_get_basename (restored_path);
  g_autofree char *remembered = NULL;
  g_autoptr (CfdVault) first = NULL;
  CfdVaultBanner *banner;
  CfdWindow *window;
  const char *unlock_page[2];

  cfd_vault_lock (main_setup);
  cfd_vault_lock (restored_setup);
  g_settings_set_string (settings, "vault-path", main_path);
  window = cfd_window_new (NULL, main_path);
  gtk_window_present (GTK_WINDOW (window));
  banner = CFD_VAULT_BANNER (cfd_test_ui_find_widget (GTK_WIDGET (window), "vault_banner"));
  unlock_page[0] = (const char *)window;
  unlock_page[1] = "unlock";

  /* The vault opened at start: nothing to say. */
  g_assert_false (cfd_vault_banner_get_revealed (banner));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Confidant");
  unlock (window);
  first = g_object_ref (cfd_window_get_vault (window));
  g_assert_true (cfd_vault_is_unlocked (first));

  /* The restored copy replaces it in the same window: the first vault is
   * locked, the copy waits for its passphrase, and its folder is named. */
  cfd_window_open_vault (window, restored_path);
  g_assert_false (cfd_vault_is_unlocked (first));
  cfd_test_ui_wait_until (page_is, unlock_page, "the unlock page");
  g_assert_true (cfd_window_get_vault (window) != first);
  g_assert_true (cfd_vault_banner_get_revealed (banner));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (banner), restored_name));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), restored_name));
  unlock (window);
  g_assert_true (cfd_vault_banner_get_revealed (banner));

  /* Made the vault of every start: the setting holds its folder, and the
   * bar goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (banner), "vault-banner.use", NULL));
  remembered = g_settings_get_string (settings, "vault-path");
  g_assert_cmpstr (remembered, ==, restored_path);
  g_assert_false (cfd_vault_banner_get_revealed (banner));

  /* Back to the first vault: it is no longer the one opened at start. */
  cfd_window_open_vault (window, main_path);
  cfd_test_ui_wait_until (page_is, unlock_page, "the unlock page");
  g_assert_true (cfd_vault_banner_get_revealed (banner));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "vault-path");
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
  g_test_add_func ("/confidant/ui/vault-banner/open-other-vault", test_open_other_vault);
  return g_test_run ();
}
