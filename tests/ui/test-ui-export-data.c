/* test-ui-export-data.c: FHIR and CSV from the patient page's export dialog: the questions, the files, their mode, the accounting. */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cfd-io-private.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-data-export.h"
#include "cfd-record-export.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

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

static char *
make_patient (const char *path)
{
  g_autoptr (CfdVault) vault = cfd_vault_open (path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *note = NULL;
  g_autoptr (GVariant) content = NULL;
  GVariantDict d;
  char *patient;

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  patient = cfd_test_add_patient (vault, "Winifred Bundle");
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

static void
set_entry (AdwMessageDialog *dialog, const char *name, const char *text)
{
  GtkWidget *entry = cfd_test_ui_find_widget (GTK_WIDGET (dialog), name);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static guint
count_disclosures (const char *patient, const char *recipient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list
      = cfd_vault_list_disclosures (cfd_window_get_vault (window), patient, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    n += g_strcmp0 (((CfdDisclosure *)g_ptr_array_index (list, i))->recipient, recipient) == 0;
  return n;
}

/* The patient's signed authorization for psychotherapy notes, recorded
 * in the window's vault. */
static char *
record_authorization (const char *patient)
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
  char *id;

  g_assert_no_error (error);
  id = cfd_vault_record_authorization (cfd_window_get_vault (window), patient, signed_terms,
                                       &error);
  g_assert_no_error (error);
  return id;
}

static void
test_export_data (void)
{
  g_autofree char *path = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *out_dir = cfd_test_make_dir ();
  g_autofree char *json = g_build_filename (out_dir, "bundle.json", NULL);
  g_autofree char *csv = g_build_filename (out_dir, "measures.csv", NULL);
  g_autofree char *authorized = g_build_filename (out_dir, "authorized.json", NULL);
  g_autofree char *locked_dir = g_build_filename (out_dir, "read-only", NULL);
  g_autofree char *unwritable = g_build_filename (locked_dir, "bundle.json", NULL);
  g_autoptr (CfdVault) creator = cfd_test_vault_new (&path, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  CfdDisclosureTerms terms = { "Dr. Lee, Northside Psychiatry", "continuity of care", "treatment" };
  AdwMessageDialog *dialog;
  GtkWidget *page, *check, *formats;
  JsonObject *root;

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

  /* The dialog: PDF first; FHIR with psychotherapy notes asks for the
   * authorization; CSV cannot include them. */
  g_assert_true (gtk_widget_activate_action (page, "patient.export-pdf", NULL));
  dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  formats = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "format_dropdown");
  check = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "include_psychotherapy_check");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (formats)), ==,
                    CFD_EXPORT_FORMAT_PDF);
  set_entry (dialog, "recipient_entry", terms.recipient);
  set_entry (dialog, "purpose_entry", terms.purpose);
  set_entry (dialog, "basis_entry", terms.basis);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (formats), CFD_EXPORT_FORMAT_FHIR);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "FHIR R4 bundle"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  /* No authorization is recorded yet: nothing to choose, no export. */
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown"))));
  g_assert_false (gtk_widget_get_sensitive (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown")));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* Once the patient's authorization is on record, it is the choice. */
  authorization = record_authorization (patient);
  g_assert_true (gtk_widget_activate_action (page, "patient.export-pdf", NULL));
  dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  formats = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "format_dropdown");
  check = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "include_psychotherapy_check");
  set_entry (dialog, "recipient_entry", terms.recipient);
  set_entry (dialog, "purpose_entry", terms.purpose);
  set_entry (dialog, "basis_entry", terms.basis);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (formats), CFD_EXPORT_FORMAT_FHIR);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (gtk_widget_get_sensitive (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown")));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  /* A PDF with psychotherapy notes is offered the same authorization. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (formats), CFD_EXPORT_FORMAT_PDF);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (
      cfd_test_ui_find_widget (GTK_WIDGET (dialog), "authorization_dropdown"))));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (formats), CFD_EXPORT_FORMAT_CSV);
  g_assert_false (gtk_widget_get_sensitive (check));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (count_disclosures (patient, terms.recipient), ==, 0);

  /* FHIR: a private file holding a Bundle, kept out of the recent files,
   * in the accounting with its terms. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (json);
    g_autofree char *uri = g_file_get_uri (file);

    g_assert_true (gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri));
    cfd_test_ui_wait_until (recent_file_mentions, uri, "the chooser's recent-files entry");
  }
  cfd_data_export_fhir (page, cfd_window_get_vault (window), patient, NULL, &terms, json);
  cfd_test_ui_wait_until (window_shows, "to “bundle.json”", "the FHIR export toast");
  assert_private (json);
  g_assert_true (json_parser_load_from_file (parser, json, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "collection");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "entry")), >, 0);
  {
    g_autofree char *text = NULL;

    /* Without an authorization, no psychotherapy notes. */
    g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
    g_assert_null (strstr (text, "PSYTHPN"));
  }
  cfd_test_ui_wait_until (recent_file_forgot, out_dir, "the export gone from recent files");
  g_assert_cmpuint (count_disclosures (patient, terms.recipient), ==, 1);

  /* With the patient's authorization the integration note goes too,
   * labelled as psychotherapy notes. */
  {
    g_autofree char *text = NULL;

    cfd_data_export_fhir (page, cfd_window_get_vault (window), patient, authorization, &terms,
                          authorized);
    cfd_test_ui_wait_until (window_shows, "psychotherapy notes included",
                            "the authorized FHIR export toast");
    assert_private (authorized);
    g_assert_true (g_file_get_contents (authorized, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "PSYTHPN"));
    g_assert_cmpuint (count_disclosures (patient, terms.recipient), ==, 2);
  }

  /* CSV: the measures, the same way. */
  cfd_data_export_csv (page, cfd_window_get_vault (window), patient, &terms, csv);
  cfd_test_ui_wait_until (window_shows, "to “measures.csv”", "the CSV export toast");
  assert_private (csv);
  g_assert_cmpuint (count_disclosures (patient, terms.recipient), ==, 3);

  /* A folder that cannot be written: a clear toast, no file. (Root
   * ignores folder permissions: there the fault hook stands in.) */
  g_assert_cmpint (g_mkdir (locked_dir, 0500), ==, 0);
  if (geteuid () == 0)
    cfd_io_fault_arm (1, EACCES);
  cfd_data_export_fhir (page, cfd_window_get_vault (window), patient, NULL, &terms, unwritable);
  cfd_io_fault_arm (0, 0);
  cfd_test_ui_wait_until (window_shows, "The record was not exported", "the failure toast");
  g_assert_false (g_file_test (unwritable, G_FILE_TEST_EXISTS));
  g_chmod (locked_dir, 0700);

  /* The exports hold the patient's name by design; the canary check at
   * exit looks for it in every file the test leaves behind. */
  g_assert_cmpint (g_remove (json), ==, 0);
  g_assert_cmpint (g_remove (csv), ==, 0);
  g_assert_cmpint (g_remove (authorized), ==, 0);
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
  g_test_add_func ("/confidant/ui/export-data/fhir-and-csv", test_export_data);
  return g_test_run ();
}
