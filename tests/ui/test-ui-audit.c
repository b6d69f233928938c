/* test-ui-audit.c: the audit window on a real vault: paging, filters, verifying (intact and tampered), receipts, export. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-audit-item.h"
#include "cfd-audit-export.h"
#include "cfd-patient.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-audit-window.h"
#include "cfd-window.h"

static gboolean
verified (gconstpointer window)
{
  return cfd_audit_window_get_verify_result (CFD_AUDIT_WINDOW ((gpointer)window)) != NULL;
}

static gboolean
idle (gconstpointer window)
{
  return gtk_widget_is_sensitive (
      GTK_WIDGET (g_object_get_data (G_OBJECT ((gpointer)window), "filter-box")));
}

static gboolean
released (gconstpointer vault)
{
  /* The window's reference and ours: core's worker has let go. */
  return g_atomic_int_get (&G_OBJECT (vault)->ref_count) <= 2;
}

static CfdAuditWindow *
open_window (CfdVault *vault, const char *patient_id)
{
  CfdAuditWindow *window = cfd_audit_window_new (NULL, vault, patient_id);

  g_object_set_data (G_OBJECT (window), "filter-box",
                     cfd_test_ui_find_widget (GTK_WIDGET (window), "filter_box"));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
view_patient (CfdVault *vault, const char *id)
{
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, id, NULL);

  g_assert_nonnull (patient);
}

static void
test_browse_verify_export (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *first = cfd_test_add_patient (vault, "First Audited");
  g_autofree char *second = cfd_test_add_patient (vault, "Second Audited");
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *receipt = NULL;
  g_autoptr (GFile) csv_file = NULL;
  CfdAuditWindow *window;
  GListModel *entries;
  guint n;

  for (int i = 0; i < 4; i++)
    {
      view_patient (vault, first);
      view_patient (vault, second);
    }
  window = open_window (vault, NULL);
  entries = cfd_audit_window_get_entries (window);
  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 10);

  /* Paging: three at a time, newest first, no overlap. */
  cfd_audit_window_set_page_size (window, 3);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 3);
  g_assert_true (cfd_audit_window_has_more (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.load-more", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 6);
  for (guint i = 1; i < 6; i++)
    {
      g_autoptr (CfdAuditItem) a = g_list_model_get_item (entries, i - 1);
      g_autoptr (CfdAuditItem) b = g_list_model_get_item (entries, i);

      g_assert_cmpint (cfd_audit_item_get_seq (a), >, cfd_audit_item_get_seq (b));
    }
  cfd_audit_window_set_page_size (window, 0);

  /* Filters: an action family, and dates. */
  cfd_audit_window_set_action (window, "patient.*");
  n = g_list_model_get_n_items (entries);
  g_assert_cmpuint (n, >=, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdAuditItem) entry = g_list_model_get_item (entries, i);
      g_assert_true (g_str_has_prefix (cfd_audit_item_get_action (entry), "patient."));
    }
  cfd_audit_window_set_action (window, NULL);
  g_assert_false (cfd_audit_window_set_dates (window, "2026-02-30", NULL));
  g_assert_true (cfd_audit_window_set_dates (window, "2999-01-01", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 0);
  g_assert_true (cfd_audit_window_set_dates (window, NULL, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (entries), >, 10);

  /* The same through the filter bar: a whole date filters, a half-typed
   * or impossible one is marked and waits. */
  {
    GtkEditable *since
        = GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (window), "since_entry"));
    GtkDropDown *actions
        = GTK_DROP_DOWN (cfd_test_ui_find_widget (GTK_WIDGET (window), "action_dropdown"));
    GtkDropDown *patients
        = GTK_DROP_DOWN (cfd_test_ui_find_widget (GTK_WIDGET (window), "patient_dropdown"));

    gtk_editable_set_text (since, "2999-01-01");
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 0);
    /* Replacing the text empties the field first (no filter), then the
     * impossible date leaves that as it was. */
    gtk_editable_set_text (since, "2026-13-0");
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (since), "error"));
    g_assert_cmpuint (g_list_model_get_n_items (entries), >, 10);
    gtk_editable_set_text (since, "");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (since), "error"));
    g_assert_cmpuint (g_list_model_get_n_items (entries), >, 10);

    /* "Patients" is the third action family; patients are listed by name. */
    gtk_drop_down_set_selected (actions, 2);
    n = g_list_model_get_n_items (entries);
    g_assert_cmpuint (n, >, 0);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr (CfdAuditItem) entry = g_list_model_get_item (entries, i);
        g_assert_true (g_str_has_prefix (cfd_audit_item_get_action (entry), "patient."));
      }
    for (guint p = 1; p < g_list_model_get_n_items (gtk_drop_down_get_model (patients)); p++)
      if (cfd_test_name_is (
              gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (patients)), p),
              "Second Audited"))
        gtk_drop_down_set_selected (patients, p);
    n = g_list_model_get_n_items (entries);
    g_assert_cmpuint (n, >=, 4);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr (CfdAuditItem) entry = g_list_model_get_item (entries, i);
        g_assert_cmpstr (cfd_audit_item_get_object_id (entry), ==, second);
      }
    gtk_drop_down_set_selected (patients, 0);
    gtk_drop_down_set_selected (actions, 0);
  }

  /* Verifying an intact log. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.verify", NULL));
  cfd_test_ui_wait_until (verified, window, "the verification");
  g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "intact"));
  cfd_test_ui_wait_until (released, vault, "the verifier to let go of the vault");

  /* A receipt to write down. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.checkpoint", NULL));
  g_assert_nonnull (cfd_audit_window_get_receipt (window));
  g_assert_true (g_str_has_prefix (cfd_audit_window_get_receipt (window), "seq "));
  receipt = g_strdup (cfd_audit_window_get_receipt (window));

  /* A receipt written down: typed back in, in lower case, it still matches;
   * a made-up one does not; anything else is not a receipt. */
  {
    GtkEditable *entry
        = GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (window), "receipt_entry"));
    g_autofree char *typed = g_ascii_strdown (receipt, -1);
    g_autofree char *forged = NULL;

    gtk_editable_set_text (entry, typed);
    g_signal_emit_by_name (entry, "activate");
    cfd_test_ui_wait_until (idle, window, "the receipt check");
    cfd_test_ui_wait_until (released, vault, "the receipt check to let go of the vault");
    g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "matches"));

    forged = g_strdup_printf ("%.*s0000-0000-0000-0000",
                              (int)(strrchr (receipt, ' ') - receipt + 1), receipt);
    gtk_editable_set_text (entry, forged);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.check-receipt", NULL));
    cfd_test_ui_wait_until (idle, window, "the second receipt check");
    cfd_test_ui_wait_until (released, vault, "the receipt check to let go of the vault");
    g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "does not match"));

    gtk_editable_set_text (entry, "yesterday's receipt");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.check-receipt", NULL));
    cfd_test_ui_wait_until (idle, window, "the third receipt check");
    cfd_test_ui_wait_until (released, vault, "the receipt check to let go of the vault");
    g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "not a receipt"));
  }

  /* Export what the filter shows. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  csv_path = g_build_filename (dir, "audit.csv", NULL);
  csv_file = g_file_new_for_path (csv_path);
  cfd_audit_window_set_action (window, "patient.*");
  cfd_audit_window_export (window, csv_file);
  cfd_test_ui_wait_until (idle, window, "the export");
  cfd_test_ui_wait_until (released, vault, "the exporter to let go of the vault");
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, CFD_AUDIT_CSV_HEADER "\r\n")
                 || g_str_has_prefix (csv, CFD_AUDIT_CSV_HEADER "\n"));
  g_assert_nonnull (strstr (csv, ",patient.view,"));
  g_assert_null (strstr (csv, ",audit.view,"));
  /* Exporting makes a checkpoint: the receipt moved on. */
  g_assert_cmpstr (cfd_audit_window_get_receipt (window), !=, receipt);

  /* Tampering: edit a record the way a holder of the database key could. */
  g_assert_true (cfd_db_exec (cfd_vault_get_db (vault, NULL),
                              "DROP TRIGGER audit_log_append_only_update;"
                              "UPDATE audit_log SET object_id = 'someone-else' WHERE seq = 3",
                              NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "audit.verify", NULL));
  g_assert_false (
      gtk_widget_is_sensitive (cfd_test_ui_find_widget (GTK_WIDGET (window), "filter_box")));
  cfd_test_ui_wait_until (idle, window, "the second verification");
  g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "altered"));
  g_assert_nonnull (strstr (cfd_audit_window_get_verify_result (window), "3"));
  cfd_test_ui_wait_until (released, vault, "the verifier to let go of the vault");

  /* Locking closes the window. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  cfd_vault_lock (vault);
  cfd_test_ui_wait_until (released, vault, "nothing");
  g_assert_null (window);
}

static void
test_access_history (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *first = cfd_test_add_patient (vault, "History Patient");
  g_autofree char *second = cfd_test_add_patient (vault, "Someone Else");
  CfdAuditWindow *window;
  GListModel *entries;
  guint n, views = 0;

  for (int i = 0; i < 3; i++)
    view_patient (vault, first);
  view_patient (vault, second);

  window = open_window (vault, first);
  entries = cfd_audit_window_get_entries (window);
  n = g_list_model_get_n_items (entries);
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdAuditItem) entry = g_list_model_get_item (entries, i);

      g_assert_cmpstr (cfd_audit_item_get_object_id (entry), !=, second);
      if (g_strcmp0 (cfd_audit_item_get_action (entry), "patient.view") == 0)
        {
          g_assert_cmpstr (cfd_audit_item_get_object_id (entry), ==, first);
          views++;
        }
    }
  g_assert_cmpuint (views, >=, 3);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
window_page_is (gconstpointer data)
{
  const char *const *args = data;

  return g_strcmp0 (cfd_window_get_page_name (CFD_WINDOW ((gpointer)args[0])), args[1]) == 0;
}

static void
press_keys (GtkWidget *target)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (target);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_a, 38, 0, &handled);
    }
}

/* Opened from the main window's menu, the log window's own input keeps
 * the vault from idle-locking; without input it locks and the window goes. */
static void
test_activity (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  CfdWindow *window;
  CfdAuditWindow *audit = NULL;
  const char *unlocked[] = { NULL, "workspace" };
  const char *locked[] = { NULL, "unlock" };
  GList *toplevels;
  gint64 until;

  cfd_vault_lock (vault);
  window = cfd_window_new (NULL, path);
  unlocked[0] = locked[0] = (const char *)window;
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  g_assert_true (gtk_widget_activate_action (
      cfd_test_ui_find_widget (GTK_WIDGET (window), "unlock_page"), "unlock.unlock", NULL));
  cfd_test_ui_wait_until (window_page_is, unlocked, "the workspace");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit-log", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CFD_IS_AUDIT_WINDOW (l->data))
      audit = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (audit);
  g_object_add_weak_pointer (G_OBJECT (audit), (gpointer *)&audit);

  /* Typing in the log window for three times the idle interval. */
  cfd_window_set_auto_lock_interval (window, 300);
  until = g_get_monotonic_time () + 900 * 1000;
  while (g_get_monotonic_time () < until)
    {
      gint64 step = g_get_monotonic_time () + 50 * 1000;

      press_keys (GTK_WIDGET (audit));
      while (g_get_monotonic_time () < step)
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_true (window_page_is (unlocked));
  g_assert_nonnull (audit);

  /* Then nothing: the vault locks and takes the log window with it. */
  cfd_test_ui_wait_until (window_page_is, locked, "the idle lock");
  g_assert_null (audit);
  cfd_window_set_auto_lock_interval (window, 0);
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
  g_test_add_func ("/confidant/ui/audit/browse-verify-export", test_browse_verify_export);
  g_test_add_func ("/confidant/ui/audit/access-history", test_access_history);
  g_test_add_func ("/confidant/ui/audit/activity", test_activity);
  return g_test_run ();
}
