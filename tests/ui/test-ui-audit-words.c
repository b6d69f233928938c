/* test-ui-audit-words.c: the audit log in words, with the raw codes one click away. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-audit-sessions.h"
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

static void
add_entry (GListStore *log, gint64 seq, const char *action)
{
  CfdAuditEntry entry = { .seq = seq,
                          .time = seq * G_USEC_PER_SEC,
                          .actor = "user-1",
                          .action = action,
                          .outcome = "success" };
  g_autoptr (CfdAuditItem) item = cfd_audit_item_new (&entry, "Dr Rivera");

  /* The listing runs newest first. */
  g_list_store_insert (log, 0, item);
}

static gint64
seq_at (CfdAuditSession *session, guint i)
{
  return cfd_audit_item_get_seq (g_ptr_array_index (session->items, i));
}

static void
test_sessions (void)
{
  g_autoptr (GListStore) log = g_list_store_new (CFD_TYPE_AUDIT_ITEM);
  g_autoptr (GPtrArray) sessions = NULL;
  CfdAuditSession *session;

  /* The tail of a session whose unlock is older than what was loaded. */
  add_entry (log, 1, "patient.view");
  add_entry (log, 2, "vault.lock");
  /* A whole session. */
  add_entry (log, 3, "vault.unlock");
  add_entry (log, 4, "patient.list");
  add_entry (log, 5, "record.sign");
  add_entry (log, 6, "vault.lock");
  /* A session still open: unlocked, not locked yet. */
  add_entry (log, 7, "vault.unlock");
  add_entry (log, 8, "patient.view");

  sessions = cfd_audit_sessions_group (G_LIST_MODEL (log));
  g_assert_cmpuint (sessions->len, ==, 3);

  session = g_ptr_array_index (sessions, 0);
  g_assert_cmpuint (session->items->len, ==, 2);
  g_assert_cmpint (seq_at (session, 0), ==, 8);
  g_assert_cmpint (seq_at (session, 1), ==, 7);
  g_assert_true (session->started);
  g_assert_false (session->ended);

  session = g_ptr_array_index (sessions, 1);
  g_assert_cmpuint (session->items->len, ==, 4);
  g_assert_cmpint (seq_at (session, 0), ==, 6);
  g_assert_cmpint (seq_at (session, 3), ==, 3);
  g_assert_true (session->started);
  g_assert_true (session->ended);

  session = g_ptr_array_index (sessions, 2);
  g_assert_cmpuint (session->items->len, ==, 2);
  g_assert_false (session->started);
  g_assert_true (session->ended);
}

/* One patient's history holds no unlocks: the sessions come from the
 * unlocks' sequence numbers, read apart. */
static void
test_sessions_filtered (void)
{
  g_autoptr (GListStore) history = g_list_store_new (CFD_TYPE_AUDIT_ITEM);
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) sessions = NULL;
  const gint64 unlocks[] = { 7, 3 };
  CfdAuditSession *session;

  add_entry (history, 1, "patient.view");
  add_entry (history, 4, "patient.view");
  add_entry (history, 5, "record.sign");
  add_entry (history, 8, "patient.view");
  g_array_append_vals (starts, unlocks, G_N_ELEMENTS (unlocks));

  sessions = cfd_audit_sessions_group_by_starts (G_LIST_MODEL (history), starts);
  g_assert_cmpuint (sessions->len, ==, 3);
  session = g_ptr_array_index (sessions, 0);
  g_assert_cmpuint (session->items->len, ==, 1);
  g_assert_cmpint (seq_at (session, 0), ==, 8);
  g_assert_true (session->started);
  session = g_ptr_array_index (sessions, 1);
  g_assert_cmpuint (session->items->len, ==, 2);
  g_assert_cmpint (seq_at (session, 0), ==, 5);
  g_assert_cmpint (seq_at (session, 1), ==, 4);
  g_assert_true (session->started);
  /* Before the first unlock read: a session whose start is unknown. */
  session = g_ptr_array_index (sessions, 2);
  g_assert_cmpint (seq_at (session, 0), ==, 1);
  g_assert_false (session->started);
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
  /* ...grouped by session, the sentence among its records... */
  {
    GtkStack *stack = GTK_STACK (cfd_test_ui_find_widget (GTK_WIDGET (window), "view_stack"));
    GtkWidget *sessions = cfd_test_ui_find_widget (GTK_WIDGET (window), "sessions_list");

    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "sessions");
    g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (sessions), 0));
    g_assert_true (cfd_test_ui_has_text (sessions, sentence));
    gtk_toggle_button_set_active (details, TRUE);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "raw");
    gtk_toggle_button_set_active (details, FALSE);
  }
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
  g_test_add_func ("/confidant/ui/audit-words/sessions", test_sessions);
  g_test_add_func ("/confidant/ui/audit-words/sessions-filtered", test_sessions_filtered);
  g_test_add_func ("/confidant/ui/audit-words/window", test_window);
  return g_test_run ();
}
