/* test-ui-audit-words.c: the audit log in words, with the raw codes one click away. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-audit-window.h"
#include "cfd-audit-words.h"

static void
test_sentences (void)
{
  g_autofree char *opened
      = cfd_audit_describe ("Dr Rivera", "patient.view", "patient", "Jordan Lee", "success");
  g_autofree char *unknown_patient
      = cfd_audit_describe ("Dr Rivera", "patient.view", "patient", NULL, "success");
  g_autofree char *denied
      = cfd_audit_describe ("Dr Okafor", "patient.export", "patient", "Jordan Lee", "denied");
  g_autofree char *new_code
      = cfd_audit_describe ("Dr Rivera", "vault.something-new", NULL, NULL, "success");

  g_assert_cmpstr (opened, ==, "Dr Rivera opened Jordan Lee’s chart");
  g_assert_cmpstr (unknown_patient, ==, "Dr Rivera opened a patient’s chart");
  g_assert_cmpstr (denied, ==, "Dr Okafor exported Jordan Lee’s record — refused");
  /* A code without words is still shown, as itself. */
  g_assert_cmpstr (new_code, ==, "Dr Rivera: vault.something-new");
}

static gboolean
column_visible (GtkColumnView *view, const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return gtk_column_view_column_get_visible (column);
    }
  g_assert_not_reached ();
}

static gboolean have_display;

static gboolean
shows_text (gconstpointer text)
{
  return cfd_test_ui_any_window_has_text (text);
}

static void
test_window (void)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *patient = NULL;
  g_autoptr (CfdPatient) opened = NULL;
  g_autofree char *sentence = NULL;
  CfdAuditWindow *window;
  GtkColumnView *view;
  GtkToggleButton *details;

  if (!have_display)
    {
      g_test_skip ("No display to run the widgets on");
      return;
    }
  vault = cfd_test_vault_new (NULL, NULL);
  patient = cfd_test_add_patient (vault, "Audit Words");
  /* Opening the chart is what the log should put in words. */
  opened = cfd_vault_get_patient (vault, patient, NULL);
  g_assert_nonnull (opened);
  sentence = g_strdup_printf ("opened %s’s chart", cfd_patient_get_name (opened));
  window = cfd_audit_window_new (NULL, vault, NULL);
  view = GTK_COLUMN_VIEW (cfd_test_ui_find_widget (GTK_WIDGET (window), "view"));
  details = GTK_TOGGLE_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (window), "details_button"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  /* In words by default... */
  cfd_test_ui_wait_until (shows_text, sentence, "the sentence for opening the chart");
  g_assert_true (column_visible (view, "What Happened"));
  g_assert_false (column_visible (view, "Action"));
  /* ...the codes one click away. */
  gtk_toggle_button_set_active (details, TRUE);
  g_assert_true (column_visible (view, "Action"));
  g_assert_true (column_visible (view, "Consent"));
  gtk_toggle_button_set_active (details, FALSE);
  g_assert_false (column_visible (view, "Action"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  have_display = cfd_test_ui_init ();
  g_test_add_func ("/confidant/ui/audit-words/sentences", test_sentences);
  g_test_add_func ("/confidant/ui/audit-words/window", test_window);
  return g_test_run ();
}
