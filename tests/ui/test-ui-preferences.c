/* test-ui-preferences.c: the preferences window writes GSettings, follows outside changes and audits each change. */
#include "config.h"

#include <adwaita.h>

#include "cfd-audit-item.h"
#include "cfd-audit-query.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-preferences-window.h"

static guint
count_changes (CfdVault *vault, const char *key)
{
  CfdAuditFilter filter = { .action = "settings.change" };
  g_autoptr (GListModel) list = cfd_vault_audit_list (vault, &filter, 0, 0, NULL);
  guint n = 0;

  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdAuditItem) entry = g_list_model_get_item (list, i);

      n += g_strcmp0 (cfd_audit_item_get_object_id (entry), key) == 0;
    }
  return n;
}

static void
test_settings (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  CfdPreferencesWindow *window = cfd_preferences_window_new (NULL, settings, vault);
  GtkSpinButton *auto_lock
      = GTK_SPIN_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (window), "auto_lock_spin"));
  GtkSpinButton *generations
      = GTK_SPIN_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (window), "generations_spin"));
  GtkSpinButton *reminder
      = GTK_SPIN_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (window), "reminder_spin"));

  gtk_window_present (GTK_WINDOW (window));
  /* The schema's defaults are what the window shows first. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (auto_lock), ==, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (generations), ==, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (reminder), ==, 7);

  gtk_spin_button_set_value (auto_lock, 15);
  gtk_spin_button_set_value (generations, 12);
  gtk_spin_button_set_value (reminder, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 15);
  g_assert_cmpuint (g_settings_get_uint (settings, "backup-generations"), ==, 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "backup-reminder-days"), ==, 0);
  /* Out of the schema's range: the spin button keeps to it. */
  gtk_spin_button_set_value (auto_lock, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 1);

  g_assert_cmpuint (count_changes (vault, "auto-lock-minutes"), ==, 2);
  g_assert_cmpuint (count_changes (vault, "backup-generations"), ==, 1);
  g_assert_cmpuint (count_changes (vault, "backup-reminder-days"), ==, 1);

  /* A change from elsewhere shows at once. */
  g_settings_set_uint (settings, "backup-generations", 3);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (generations), ==, 3);

  /* Locked: the setting still changes, and nothing is written to the log. */
  cfd_vault_lock (vault);
  gtk_spin_button_set_value (reminder, 30);
  g_assert_cmpuint (g_settings_get_uint (settings, "backup-reminder-days"), ==, 30);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
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
  g_test_add_func ("/confidant/ui/preferences/settings", test_settings);
  return g_test_run ();
}
