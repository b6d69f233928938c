/* test-ui-disclosures.c: the patient page's Disclosures window: empty, one export's terms, tampering, supervisors. */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "cfd-consent.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-disclosures-window.h"
#include "cfd-record-export.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

#define SUPERVISOR            "Dr Sable Supervisor"
#define SUPERVISOR_PASSPHRASE "supervisor passphrase for tests"

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

static gboolean
window_shows (gconstpointer text)
{
  return cfd_test_ui_has_label (GTK_WIDGET (window), text);
}

static char *
make_patient (const char *path)
{
  g_autoptr (CfdVault) vault = cfd_vault_open (path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = NULL;
  g_autofree char *consent = NULL;
  g_autofree char *note = NULL;
  g_autoptr (GVariant) content = NULL;
  CfdConsentTerms terms = { .supervisor = SUPERVISOR,
                            .scope = CFD_CONSENT_SCOPE_ALL,
                            .purpose = "Supervision",
                            .obtained_on = "2025-10-01",
                            .method = "signed form" };
  GVariantDict d;
  char *patient;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  patient = cfd_test_add_patient (vault, "Winifred Disclosed");
  supervisor
      = cfd_vault_add_user (vault, SUPERVISOR, CFD_ROLE_SUPERVISOR, SUPERVISOR_PASSPHRASE, &error);
  g_assert_no_error (error);
  consent = cfd_vault_grant_consent (vault, patient, &terms, &error);
  g_assert_no_error (error);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "intentions", "s", "Quiet morning");
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  note = cfd_vault_create_record (vault, patient, CFD_RECORD_INTEGRATION, 1760000000, content,
                                  &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, note, &error));
  cfd_vault_lock (vault);
  return patient;
}

/* Opens the Disclosures window from the patient page's menu. */
static CfdDisclosuresWindow *
open_disclosures (void)
{
  CfdDisclosuresWindow *disclosures;

  g_assert_true (
      gtk_widget_activate_action (get_widget ("patient_page"), "patient.disclosures", NULL));
  disclosures = cfd_test_ui_find_toplevel (CFD_TYPE_DISCLOSURES_WINDOW);
  g_assert_nonnull (disclosures);
  return disclosures;
}

static void
test_disclosures (void)
{
  g_autofree char *path = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *out_dir = cfd_test_make_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "record.pdf", NULL);
  g_autoptr (CfdVault) creator = cfd_test_vault_new (&path, NULL);
  CfdDisclosureTerms terms = { "Dr. Lee, Northside Psychiatry", "continuity of care", "treatment" };
  CfdDisclosuresWindow *disclosures;

  cfd_vault_lock (creator);
  patient = make_patient (path);
  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0700), ==, 0);

  window = cfd_window_new (NULL, path);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")),
                         CFD_TEST_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient);

  /* Nothing disclosed yet: the empty state says so. */
  disclosures = open_disclosures ();
  g_assert_cmpstr (cfd_disclosures_window_get_state (disclosures), ==, "empty");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "No Disclosures"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "None recorded."));
  gtk_window_destroy (GTK_WINDOW (disclosures));

  /* The patient's authorizations are listed under the disclosures, with
   * their state. */
  {
    static const char form[] = "scope: psychotherapy-notes\n"
                               "description: Integration session notes\n"
                               "disclosed-by: the practice\n"
                               "recipient: Dr. Lee, Northside Psychiatry\n"
                               "purpose: continuity of care\n"
                               "expiry-event: the end of treatment\n"
                               "signed-by: the patient\n"
                               "signed-on: 2025-01-02\n"
                               "statement-revocation: yes\n"
                               "statement-conditioning: yes\n"
                               "statement-redisclosure: yes\n";
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) signed_terms = cfd_authorization_terms_parse (form, strlen (form), &error);
    g_autofree char *id = cfd_vault_record_authorization (cfd_window_get_vault (window), patient,
                                                          signed_terms, &error);

    g_assert_no_error (error);
    disclosures = open_disclosures ();
    g_assert_nonnull (cfd_test_ui_find_widget (GTK_WIDGET (disclosures), "authorization_row"));
    g_assert_true (cfd_test_ui_has_label (
        GTK_WIDGET (disclosures),
        "Psychotherapy notes to Dr. Lee, Northside Psychiatry, for continuity of care"));
    gtk_window_destroy (GTK_WINDOW (disclosures));
  }

  /* An export that states its terms shows as a row with all of them. */
  cfd_record_export_pdf_for (get_widget ("patient_page"), cfd_window_get_vault (window), patient,
                             FALSE, &terms, pdf);
  cfd_test_ui_wait_until (window_shows, "to “record.pdf”", "the export toast");
  disclosures = open_disclosures ();
  g_assert_cmpstr (cfd_disclosures_window_get_state (disclosures), ==, "list");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "Dr. Lee, Northside Psychiatry"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "Purpose: continuity of care"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "Basis: treatment"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "1 disclosure since"));
  /* Locking takes the window, and the patient text in it, away. */
  g_object_add_weak_pointer (G_OBJECT (disclosures), (gpointer *)&disclosures);
  cfd_window_lock (window);
  cfd_test_ui_wait_until (page_is, "unlock", "the unlock page");
  g_assert_null (disclosures);

  /* A row changed behind the audit log's back: an error page, not the row. */
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")),
                         CFD_TEST_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking again");
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient);
  g_assert_true (cfd_db_exec (cfd_vault_get_db (cfd_window_get_vault (window), NULL),
                              "DROP TRIGGER disclosures_append_only_update;"
                              "UPDATE disclosures SET recipient = 'Someone Else'",
                              NULL));
  disclosures = open_disclosures ();
  g_assert_cmpstr (cfd_disclosures_window_get_state (disclosures), ==, "error");
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "Accounting Tampered With"));
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (disclosures), "Someone Else"));
  gtk_window_destroy (GTK_WINDOW (disclosures));

  /* A supervisor reviews under consent and is never shown the disclosures. */
  cfd_window_lock (window);
  cfd_test_ui_wait_until (page_is, "unlock", "the unlock page");
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_widget ("unlock_page/user_row")), 1);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")),
                         SUPERVISOR_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is, "workspace", "the supervisor's workspace");
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient);
  g_assert_cmpstr (cfd_vault_get_user_name (cfd_window_get_vault (window)), ==, SUPERVISOR);
  gtk_widget_activate_action (get_widget ("patient_page"), "patient.disclosures", NULL);
  g_assert_null (cfd_test_ui_find_toplevel (CFD_TYPE_DISCLOSURES_WINDOW));

  cfd_window_lock (window);
  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add_func ("/confidant/ui/disclosures/accounting", test_disclosures);
  return g_test_run ();
}
