/* test-ui-export.c: Export as PDF and Print from the patient page: the question, the file, the toasts, the audit. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-audit-query.h"
#include "cfd-consent.h"
#include "cfd-io-private.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-record-export.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

#define PSYCHOTHERAPY_CANARY  "Heronry-dream-canary"
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

static gboolean
collect (const CfdAuditEntry *entry,
         const guint8 hash[CFD_HASH_BYTES],
         const char *actor_name,
         gpointer user_data,
         GError **error)
{
  if (g_str_has_prefix (entry->action, "patient.export")
      || g_str_has_prefix (entry->action, "patient.print"))
    g_ptr_array_add (user_data, g_strdup_printf ("%s %s %s", entry->action, entry->outcome,
                                                 entry->authorization));
  return TRUE;
}

static GPtrArray *
disclosures (void)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  CfdAuditFilter filter = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (
      cfd_vault_audit_foreach (cfd_window_get_vault (window), &filter, collect, seen, &error));
  g_assert_no_error (error);
  return seen;
}

static char *
make_patient (const char *path)
{
  g_autoptr (CfdVault) vault = cfd_vault_open (path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *note = NULL;
  char *patient;
  GVariantDict d;
  g_autoptr (GVariant) content = NULL;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  patient = cfd_test_add_patient (vault, "Winifred Export");
  {
    g_autofree char *supervisor = cfd_vault_add_user (vault, SUPERVISOR, CFD_ROLE_SUPERVISOR,
                                                      SUPERVISOR_PASSPHRASE, &error);
    CfdConsentTerms terms = { .supervisor = SUPERVISOR,
                              .scope = CFD_CONSENT_SCOPE_ALL,
                              .purpose = "Supervision",
                              .obtained_on = "2025-10-01",
                              .method = "signed form" };
    g_autofree char *consent = cfd_vault_grant_consent (vault, patient, &terms, &error);

    g_assert_no_error (error);
  }
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "intentions", "s", PSYCHOTHERAPY_CANARY);
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  note = cfd_vault_create_record (vault, patient, CFD_RECORD_INTEGRATION, 1760000000, content,
                                  &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, note, &error));
  cfd_vault_lock (vault);
  return patient;
}

/* What GTK's recent files hold on disk, as another program would read it. */
static gboolean
recent_file_mentions (gconstpointer needle)
{
  g_autofree char *xbel = g_build_filename (g_get_user_data_dir (), "recently-used.xbel", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (xbel, &text, NULL, NULL) && strstr (text, needle) != NULL;
}

static gboolean
recent_file_forgot (gconstpointer needle)
{
  return !recent_file_mentions (needle);
}

static void
test_export_and_print (void)
{
  g_autofree char *path = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *out_dir = cfd_test_make_dir ();
  g_autofree char *pdf = g_build_filename (out_dir, "record.pdf", NULL);
  g_autofree char *printed = g_build_filename (out_dir, "printed.pdf", NULL);
  g_autofree char *locked_dir = g_build_filename (out_dir, "read-only", NULL);
  g_autofree char *unwritable = g_build_filename (locked_dir, "record.pdf", NULL);
  g_autoptr (GPtrArray) seen = NULL;
  g_autoptr (CfdVault) creator = cfd_test_vault_new (&path, NULL);
  GtkWidget *page;
  AdwMessageDialog *dialog;
  GtkWidget *check;

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
  page = get_widget ("patient_page");
  g_assert_true (gtk_widget_get_visible (get_widget ("patient_page/record_menu_button")));

  /* The question: psychotherapy notes stay out unless ticked; cancel does nothing. */
  g_assert_true (gtk_widget_activate_action (page, "patient.export-pdf", NULL));
  dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "signed medical record"));
  check = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "include_psychotherapy_check");
  g_assert_nonnull (check);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  /* Recipient, purpose and basis: the export is offered once all three are stated. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "recipient_entry")),
      "Dr. Lee, Northside Psychiatry");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "purpose_entry")),
      "continuity of care");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "basis_entry")), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "basis_entry")), "treatment");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  /* Psychotherapy notes in a PDF need a recorded authorization of the
   * patient: none is, so there is nothing to choose and no export. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown"))));
  g_assert_false (gtk_widget_get_sensitive (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown")));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  seen = disclosures ();
  g_assert_cmpuint (seen->len, ==, 0);
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* The file chooser (or the portal's) records a saved file in
   * recently-used.xbel; after the export it must be gone from there. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (pdf);
    g_autofree char *uri = g_file_get_uri (file);

    g_assert_true (gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri));
    cfd_test_ui_wait_until (recent_file_mentions, uri, "the chooser's recent-files entry");
  }

  /* The main path: the PDF is written, the toast says so, the log records it. */
  cfd_record_export_pdf (page, cfd_window_get_vault (window), patient, FALSE, pdf);
  cfd_test_ui_wait_until (window_shows, "to “record.pdf”", "the export toast");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  cfd_test_ui_wait_until (recent_file_forgot, out_dir, "the export gone from recent files");
  seen = disclosures ();
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "patient.export success medical-record");
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* The error path: an unwritable folder gets a clear toast and no file.
   * (Root ignores folder permissions: there the fault hook stands in.) */
  g_assert_cmpint (g_mkdir (locked_dir, 0500), ==, 0);
  if (geteuid () == 0)
    cfd_io_fault_arm (1, EACCES);
  cfd_record_export_pdf (page, cfd_window_get_vault (window), patient, TRUE, unwritable);
  cfd_io_fault_arm (0, 0);
  cfd_test_ui_wait_until (window_shows, "The record was not exported: Cannot save the PDF there",
                          "the failure toast");
  g_assert_false (g_file_test (unwritable, G_FILE_TEST_EXISTS));
  g_assert_false (window_shows ("Winifred Export: "));
  seen = disclosures ();
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==,
                   "patient.export failure medical-record+psychotherapy-notes");
  g_clear_pointer (&seen, g_ptr_array_unref);
  g_chmod (locked_dir, 0700);

  /* Print: the same renderer through GtkPrintOperation (exported to a
   * file, as no printer is there to answer), audited as a print. */
  g_assert_true (gtk_widget_activate_action (page, "patient.print", NULL));
  dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Print"));
  /* Printing them needs the authorization just as much. */
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "recipient_entry")),
      "the patient");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "purpose_entry")), "own copy");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "basis_entry")),
      "patient request");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "print"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (cfd_test_ui_find_widget (
                                   GTK_WIDGET (dialog), "include_psychotherapy_check")),
                               TRUE);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "print"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  cfd_record_export_print (page, cfd_window_get_vault (window), patient, TRUE,
                           GTK_PRINT_OPERATION_ACTION_EXPORT, printed);
  g_assert_true (g_file_test (printed, G_FILE_TEST_IS_REGULAR));
  cfd_test_ui_wait_until (window_shows, "Record sent to print, psychotherapy notes included",
                          "the print toast");
  seen = disclosures ();
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 2), ==,
                   "patient.print success medical-record+psychotherapy-notes");
  {
    g_autofree char *program = g_find_program_in_path ("pdftotext");
    g_autofree char *text = NULL;
    const char *argv[] = { program, printed, "-", NULL };

    if (program != NULL)
      {
        g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                     NULL, &text, NULL, NULL, NULL));
        g_assert_nonnull (strstr (text, PSYCHOTHERAPY_CANARY));
        g_assert_nonnull (strstr (text, "Psychotherapy notes ARE included"));
      }
  }

  /* A supervisor, even under a consent to the whole record, is not offered
   * export or print. */
  cfd_window_lock (window);
  cfd_test_ui_wait_until (page_is, "unlock", "the unlock page");
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_widget ("unlock_page/user_row")), 1);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")),
                         SUPERVISOR_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (page_is, "workspace", "the supervisor's workspace");
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient);
  page = get_widget ("patient_page");
  g_assert_cmpstr (cfd_vault_get_user_name (cfd_window_get_vault (window)), ==, SUPERVISOR);
  g_assert_false (gtk_widget_get_visible (get_widget ("patient_page/record_menu_button")));
  gtk_widget_activate_action (page, "patient.export-pdf", NULL);
  gtk_widget_activate_action (page, "patient.print", NULL);
  g_assert_null (cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

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
  g_test_add_func ("/confidant/ui/export/export-and-print", test_export_and_print);
  return g_test_run ();
}
