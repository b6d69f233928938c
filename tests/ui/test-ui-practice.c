/* test-ui-practice.c: the practice profile in Preferences: the owner saves it (audited), a refused value keeps what was typed, others only read it. */
#include "config.h"

#include <adwaita.h>

#include "cfd-audit-item.h"
#include "cfd-audit-query.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-preferences-window.h"
#include "cfd-window.h"

#define THERAPIST            "Dr Tam Therapist"
#define THERAPIST_PASSPHRASE "therapist passphrase for tests"

static guint
count_practice_changes (CfdVault *vault)
{
  CfdAuditFilter filter = { .action = "settings.change" };
  g_autoptr (GListModel) list = cfd_vault_audit_list (vault, &filter, 0, 0, NULL);
  guint n = 0;

  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdAuditItem) entry = g_list_model_get_item (list, i);

      n += g_strcmp0 (cfd_audit_item_get_object_id (entry), "practice") == 0;
    }
  return n;
}

static CfdPreferencesWindow *shown;

static gboolean
window_shows (gconstpointer text)
{
  return cfd_test_ui_has_label (GTK_WIDGET (shown), text);
}

static GtkWidget *
find (CfdPreferencesWindow *window, const char *name)
{
  GtkWidget *widget = cfd_test_ui_find_widget (GTK_WIDGET (window), name);

  g_assert_nonnull (widget);
  return widget;
}

static void
set_address (CfdPreferencesWindow *window, const char *text)
{
  gtk_text_buffer_set_text (
      gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (window, "practice_address_view"))), text, -1);
}

static void
test_practice_profile (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) therapist_vault = NULL;
  g_autoptr (CfdPractice) saved = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist = NULL;
  g_autofree char *too_long = g_strnfill (600, 'x');
  CfdPreferencesWindow *window;
  GtkWidget *save;

  therapist
      = cfd_vault_add_user (vault, THERAPIST, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);

  /* The owner: an empty profile to fill in; Save only once something changed. */
  window = cfd_preferences_window_new (NULL, settings, vault);
  shown = window;
  gtk_window_present (GTK_WINDOW (window));
  save = find (window, "practice_save_button");
  g_assert_true (gtk_widget_get_visible (save));
  g_assert_false (gtk_widget_get_sensitive (save));
  gtk_editable_set_text (GTK_EDITABLE (find (window, "practice_name_row")),
                         "Riverside Ketamine Clinic");
  gtk_editable_set_text (GTK_EDITABLE (find (window, "practice_phone_row")), "+1 555 0100");
  set_address (window, "12 Elm Street\nSpringfield, IL 62701\n");
  g_assert_true (gtk_widget_get_sensitive (save));
  g_signal_emit_by_name (save, "clicked");
  g_assert_false (gtk_widget_get_sensitive (save));
  saved = cfd_vault_get_practice (vault, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_practice_get_name (saved), ==, "Riverside Ketamine Clinic");
  g_assert_cmpstr (cfd_practice_get_phone (saved), ==, "+1 555 0100");
  g_assert_cmpstr (cfd_practice_get_address (saved), ==, "12 Elm Street\nSpringfield, IL 62701");
  g_assert_cmpuint (count_practice_changes (vault), ==, 1);
  g_clear_pointer (&saved, cfd_practice_free);

  /* A value the core refuses: nothing stored, nothing audited, the text stays. */
  gtk_editable_set_text (GTK_EDITABLE (find (window, "practice_name_row")), too_long);
  g_signal_emit_by_name (save, "clicked");
  cfd_test_ui_wait_until (window_shows, "The practice profile was not saved", "the refusal toast");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (window, "practice_name_row"))), ==,
                   too_long);
  g_assert_true (gtk_widget_get_sensitive (save));
  saved = cfd_vault_get_practice (vault, &error);
  g_assert_cmpstr (cfd_practice_get_name (saved), ==, "Riverside Ketamine Clinic");
  g_assert_cmpuint (count_practice_changes (vault), ==, 1);
  g_clear_pointer (&saved, cfd_practice_free);
  /* Closing does not drop it either: the window stays open. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_close (GTK_WINDOW (window));
  cfd_test_ui_spin (100);
  g_assert_nonnull (window);

  /* A corrected value is saved when the window closes. */
  gtk_editable_set_text (GTK_EDITABLE (find (window, "practice_name_row")),
                         "Riverside Ketamine Clinic West");
  gtk_window_close (GTK_WINDOW (window));
  cfd_test_ui_spin (100);
  g_assert_null (window);
  saved = cfd_vault_get_practice (vault, &error);
  g_assert_cmpstr (cfd_practice_get_name (saved), ==, "Riverside Ketamine Clinic West");
  g_assert_cmpstr (cfd_practice_get_phone (saved), ==, "+1 555 0100");
  g_assert_cmpuint (count_practice_changes (vault), ==, 2);
  g_clear_pointer (&saved, cfd_practice_free);

  /* A therapist reads the profile and cannot change it. */
  cfd_vault_lock (vault);
  therapist_vault = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (therapist_vault, therapist, THERAPIST_PASSPHRASE, &error));
  window = cfd_preferences_window_new (NULL, settings, therapist_vault);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (window, "practice_name_row"))), ==,
                   "Riverside Ketamine Clinic West");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (find (window, "practice_name_row"))));
  g_assert_false (
      gtk_text_view_get_editable (GTK_TEXT_VIEW (find (window, "practice_address_view"))));
  g_assert_false (gtk_widget_get_visible (find (window, "practice_save_button")));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (window), "Only the vault’s owner"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Before unlocking there is no profile to show. */
  cfd_vault_lock (therapist_vault);
  window = cfd_preferences_window_new (NULL, settings, NULL);
  g_assert_false (gtk_widget_get_visible (find (window, "practice_page")));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The dosing thresholds: the owner changes them (each audited) and they
 * are saved when the window closes; others read them. */
static void
test_thresholds (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) therapist_vault = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist = NULL;
  CfdPreferencesWindow *window;
  GtkWidget *systolic, *spo2, *save;
  CfdDosingThresholds t;

  therapist
      = cfd_vault_add_user (vault, THERAPIST, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  window = cfd_preferences_window_new (NULL, settings, vault);
  gtk_window_present (GTK_WINDOW (window));
  systolic = find (window, "threshold-pre-dose-systolic");
  spo2 = find (window, "threshold-spo2-below");
  save = find (window, "threshold-save");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (systolic)), ==, 140);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (window), "Spravato (esketamine) label"));
  g_assert_false (gtk_widget_get_sensitive (save));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (systolic), 150);
  g_assert_true (gtk_widget_get_sensitive (save));
  g_signal_emit_by_name (save, "clicked");
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_cmpuint (t.pre_dose_systolic, ==, 150);
  g_assert_cmpint (cfd_test_count_rows (
                       vault, "SELECT count(*) FROM audit_log WHERE action = 'practice.threshold'"),
                   ==, 1);
  /* Changed and not saved: closing saves it. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spo2), 94);
  g_assert_true (cfd_preferences_window_save_pending (window));
  g_assert_true (cfd_vault_get_dosing_thresholds (vault, &t, &error));
  g_assert_cmpuint (t.spo2_below, ==, 94);
  gtk_window_destroy (GTK_WINDOW (window));

  /* A therapist sees the practice's values and cannot change them. */
  cfd_vault_lock (vault);
  therapist_vault = cfd_vault_open (path, &error);
  g_assert_true (cfd_vault_unlock (therapist_vault, therapist, THERAPIST_PASSPHRASE, &error));
  window = cfd_preferences_window_new (NULL, settings, therapist_vault);
  gtk_window_present (GTK_WINDOW (window));
  systolic = find (window, "threshold-pre-dose-systolic");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (systolic)), ==, 150);
  g_assert_false (gtk_widget_get_sensitive (systolic));
  g_assert_false (gtk_widget_get_visible (find (window, "threshold-save")));
  gtk_window_destroy (GTK_WINDOW (window));
  cfd_vault_lock (therapist_vault);
}

static CfdWindow *app_window;

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (app_window), name) == 0;
}

/* Locking saves what was typed in the profile first, as it saves drafts. */
static void
test_practice_saved_on_lock (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) creator = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) reader = NULL;
  g_autoptr (CfdPractice) saved = NULL;
  g_autoptr (GError) error = NULL;
  CfdPreferencesWindow *window;

  cfd_vault_lock (creator);
  app_window = cfd_window_new (NULL, path);
  gtk_window_present (GTK_WINDOW (app_window));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (app_window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (
      cfd_test_ui_get_widget (GTK_WIDGET (app_window), "unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_window), "win.preferences", NULL));
  window = cfd_test_ui_find_toplevel (CFD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (window);
  gtk_editable_set_text (GTK_EDITABLE (find (window, "practice_name_row")), "Harbour Clinic");
  cfd_window_lock (app_window);
  cfd_test_ui_wait_until (page_is, "unlock", "the unlock page");

  reader = cfd_vault_open (path, &error);
  g_assert_true (cfd_vault_unlock (reader, NULL, CFD_TEST_PASSPHRASE, &error));
  saved = cfd_vault_get_practice (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_practice_get_name (saved), ==, "Harbour Clinic");
  g_assert_cmpuint (count_practice_changes (reader), ==, 1);
  cfd_vault_lock (reader);
  gtk_window_destroy (GTK_WINDOW (app_window));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_print ("1..0 # SKIP no display to run the window on\n");
      return 0;
    }
  g_test_add_func ("/confidant/ui/practice/profile", test_practice_profile);
  g_test_add_func ("/confidant/ui/practice/thresholds", test_thresholds);
  g_test_add_func ("/confidant/ui/practice/saved-on-lock", test_practice_saved_on_lock);
  return g_test_run ();
}
