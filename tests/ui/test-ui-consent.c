/* test-ui-consent.c: the consent panel on a real vault: granting, revoking with its key rotation, supervisor mode. */
#include "config.h"

#include <adwaita.h>

#include "cfd-consent.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-consent-dialog.h"
#include "cfd-consent-panel.h"
#include "cfd-measure-panel.h"

#define SUPERVISOR            "Dr Sable Supervisor"
#define SUPERVISOR_PASSPHRASE "supervisor passphrase for tests"

static void
test_grant_revoke_supervise (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Consent Patient");
  g_autofree char *supervisor_id = NULL;
  g_autofree char *second = NULL;
  g_autoptr (GListModel) consents = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdConsent) revoked = NULL;
  g_autoptr (CfdVault) as_supervisor = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdConsentPanel *panel = g_object_new (CFD_TYPE_CONSENT_PANEL, NULL);
  CfdMeasurePanel *measures = g_object_new (CFD_TYPE_MEASURE_PANEL, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  CfdConsentDialog *dialog;
  AdwMessageDialog *confirm;
  CfdConsentTerms terms = { 0 };
  guint key_version_before;

  supervisor_id
      = cfd_vault_add_user (vault, SUPERVISOR, CFD_ROLE_SUPERVISOR, SUPERVISOR_PASSPHRASE, &error);
  g_assert_no_error (error);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (panel));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (measures));
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (cfd_consent_panel_load (panel, vault, patient, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_consent_panel_get_n_consents (panel), ==, 0);
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "add_button")));

  /* Granting through the dialog: nothing until a purpose is given. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "consents.add", NULL));
  dialog = cfd_test_ui_find_toplevel (CFD_TYPE_CONSENT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.grant", NULL));
  consents = cfd_vault_list_consents (vault, patient, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (consents), ==, 0);
  g_clear_object (&consents);
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "purpose_row")),
      "monthly clinical supervision");
  adw_combo_row_set_selected (
      ADW_COMBO_ROW (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "scope_row")), 1);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.grant", NULL));
  cfd_test_ui_spin (50);
  g_assert_null (dialog);

  consents = cfd_vault_list_consents (vault, patient, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (consents), ==, 1);
  {
    g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, 0);

    g_assert_cmpstr (cfd_consent_get_supervisor_id (consent), ==, supervisor_id);
    g_assert_cmpint (cfd_consent_get_scope (consent), ==, CFD_CONSENT_SCOPE_MEDICAL);
    g_assert_cmpstr (cfd_consent_get_purpose (consent), ==, "monthly clinical supervision");
    g_assert_cmpstr (cfd_consent_get_method (consent), ==, "signed form");
    revoked = g_object_ref (consent);
  }
  g_assert_cmpuint (cfd_consent_panel_get_n_consents (panel), ==, 1);
  g_assert_true (
      cfd_test_ui_has_label (GTK_WIDGET (panel), SUPERVISOR " may read the medical record"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), "Active"));

  /* Revoking asks first; cancelling changes nothing. */
  {
    g_autoptr (CfdPatient) p = cfd_vault_get_patient (vault, patient, NULL);
    key_version_before = cfd_patient_get_key_version (p);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "consents.revoke", "s",
                                             cfd_consent_get_id (revoked)));
  confirm = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (confirm);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "key will be replaced"));
  adw_message_dialog_response (confirm, "cancel");
  gtk_window_destroy (GTK_WINDOW (confirm));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), "Active"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "consents.revoke", "s",
                                             cfd_consent_get_id (revoked)));
  confirm = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (confirm, "revoke");
  gtk_window_destroy (GTK_WINDOW (confirm));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), "Revoked"));
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (panel), "Active"));
  {
    g_autoptr (CfdPatient) p = cfd_vault_get_patient (vault, patient, NULL);
    g_assert_cmpuint (cfd_patient_get_key_version (p), >, key_version_before);
  }
  g_clear_object (&consents);
  consents = cfd_vault_list_consents (vault, patient, NULL);
  {
    g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, 0);
    g_assert_cmpint (cfd_consent_get_revoked_at (consent), !=, 0);
  }

  /* Supervisor mode: a live consent, then the same panels as the supervisor. */
  terms.supervisor = supervisor_id;
  terms.scope = CFD_CONSENT_SCOPE_ALL;
  terms.purpose = "case review";
  terms.obtained_on = "2026-01-05";
  terms.method = "signed form";
  second = cfd_vault_grant_consent (vault, patient, &terms, &error);
  g_assert_no_error (error);
  as_supervisor = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (as_supervisor, SUPERVISOR, SUPERVISOR_PASSPHRASE, &error));
  g_assert_no_error (error);
  records = cfd_vault_list_records (as_supervisor, patient, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_consent_panel_load (panel, as_supervisor, patient, &error));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel)));
  cfd_measure_panel_load (measures, as_supervisor, patient, records);
  g_assert_false (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (measures), "add_button")));

  /* The owner's view comes back with both consents, and locking empties it. */
  g_assert_true (cfd_consent_panel_load (panel, vault, patient, &error));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_assert_cmpuint (cfd_consent_panel_get_n_consents (panel), ==, 2);
  cfd_vault_lock (vault);
  g_assert_cmpuint (cfd_consent_panel_get_n_consents (panel), ==, 0);
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (panel), SUPERVISOR));

  cfd_vault_lock (as_supervisor);
  g_object_add_weak_pointer (G_OBJECT (panel), (gpointer *)&panel);
  gtk_window_destroy (GTK_WINDOW (window));
  cfd_test_ui_spin (50);
  g_assert_null (panel);
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
  g_test_add_func ("/confidant/ui/consent/grant-revoke-supervise", test_grant_revoke_supervise);
  return g_test_run ();
}
