/* test-ui-window.c: drives the real window through its actions: first run, unlock, notes, locking. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-crypto.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-secure-private.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"
#include "cfd-unlock-page.h"

#include "cfd-record-editor.h"
#include "cfd-record-form.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

#define PASSPHRASE     "river lantern quietly 42"
#define NEW_PASSPHRASE "orchard compass gently 77"
#define PATIENT_NAME   "Imogen Testpatient"
#define FIRST_TEXT     "Felt held by the music; wants to revisit the river image"
#define CANARY_TEXT    " CANARY-typed-just-before-lock"
#define ADDENDUM_TEXT  "CANARY-addendum: the dose was 45 mg, not 40"
#define ADDENDUM_MORE  " (checked against the pharmacy log)"

static char *vault_dir;
static GPtrArray *scratch_dirs;
static CfdWindow *window;
static char *record_id;
static char *recovery_key;
static const char *current_passphrase = PASSPHRASE;

/* ---- helpers ---- */

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* "page/child" looks for child inside page: several pages share ids. */
static GtkWidget *
get_widget (const char *path)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (window), path);
}

static void
set_text (const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_widget (id)), text);
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static gboolean
sidebar_is (gconstpointer name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("sidebar_stack"))),
                    name)
         == 0;
}

static gboolean
widget_visible (gconstpointer widget)
{
  return gtk_widget_get_visible (GTK_WIDGET ((gpointer)widget));
}

static gboolean
editor_saved (gconstpointer editor)
{
  return !cfd_record_editor_has_unsaved_changes (CFD_RECORD_EDITOR ((gpointer)editor));
}

static void
activate (const char *widget_id, const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (get_widget (widget_id), action, parameter));
}

static void
confirm_sign (void)
{
  GtkWindow *dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "sign");
  gtk_window_destroy (dialog);
}

static CfdRecordEditor *
editor (void)
{
  return CFD_RECORD_EDITOR (get_widget ("editor"));
}

static void
unlock_with (const char *passphrase)
{
  set_text ("unlock_page/passphrase_row", passphrase);
  activate ("unlock_page", "unlock.unlock", NULL);
}

/* ---- the story of one vault, in order ---- */

static void
test_first_run (void)
{
  GtkWidget *key_label;

  window = cfd_window_new (NULL, vault_dir);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "create");

  /* A weak passphrase keeps "Create" disabled. */
  set_text ("create_page/owner_row", "Dr Ada Owner");
  set_text ("create_page/passphrase_row", "abc");
  set_text ("create_page/confirm_row", "abc");
  g_assert_false (gtk_widget_get_sensitive (get_widget ("create_page/create_button")));
  set_text ("create_page/passphrase_row", PASSPHRASE);
  set_text ("create_page/confirm_row", PASSPHRASE "x");
  /* Said once the confirmation is entered, not while it is typed. */
  g_assert_false (gtk_widget_get_visible (get_widget ("create_page/match_label")));
  g_signal_emit_by_name (get_widget ("create_page/confirm_row"), "entry-activated");
  g_assert_true (gtk_widget_get_visible (get_widget ("create_page/match_label")));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "create");
  set_text ("create_page/confirm_row", PASSPHRASE);
  g_assert_true (gtk_widget_get_sensitive (get_widget ("create_page/create_button")));

  activate ("create_page", "create.create", NULL);
  cfd_test_ui_wait_until (page_is, "recovery-key", "the recovery key page");

  key_label = get_widget ("key_label");
  g_assert_cmpuint (strlen (gtk_label_get_label (GTK_LABEL (key_label))), >, 30);
  recovery_key = g_strdup (gtk_label_get_label (GTK_LABEL (key_label)));
  /* Continue waits for the "stored it safely" check. */
  activate ("recovery_key_page", "recovery.continue", NULL);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "recovery-key");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget ("stored_check")), TRUE);
  activate ("recovery_key_page", "recovery.continue", NULL);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "workspace");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (key_label)), ==, "");
  g_assert_true (cfd_vault_exists (vault_dir));
}

static void
test_unlock_wrong_then_right (void)
{
  GtkWidget *error_label;

  activate ("workspace", "win.lock", NULL);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  g_assert_false (cfd_vault_is_unlocked (cfd_window_get_vault (window)));

  error_label = get_widget ("unlock_page/error_label");
  unlock_with ("not the passphrase");
  /* The KDF runs in a worker: the spinner shows while the loop keeps running. */
  g_assert_true (gtk_widget_get_visible (get_widget ("unlock_page/spinner")));
  cfd_test_ui_wait_until (widget_visible, error_label, "the wrong-passphrase message");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "Wrong passphrase"));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");

  unlock_with (PASSPHRASE);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  g_assert_true (cfd_vault_is_unlocked (cfd_window_get_vault (window)));
}

static gboolean
widget_hidden (gconstpointer widget)
{
  return !gtk_widget_get_visible (GTK_WIDGET ((gpointer)widget));
}

static gboolean
spinner_stopped (gconstpointer unused)
{
  return !gtk_widget_get_visible (get_widget ("unlock_page/spinner"));
}

/* Two typos cost nothing; the third wrong passphrase in a row makes the
 * page wait before it accepts another try, and says how long. */
static void
test_unlock_backoff (void)
{
  GtkWidget *wait_label = get_widget ("unlock_page/wait_label");

  g_assert_cmpuint (cfd_unlock_page_retry_delay (1), ==, 0);
  g_assert_cmpuint (cfd_unlock_page_retry_delay (2), ==, 0);
  g_assert_cmpuint (cfd_unlock_page_retry_delay (3), ==, 2);
  g_assert_cmpuint (cfd_unlock_page_retry_delay (4), ==, 4);
  g_assert_cmpuint (cfd_unlock_page_retry_delay (50), ==, 30);

  activate ("workspace", "win.lock", NULL);
  for (guint i = 0; i < 3; i++)
    {
      unlock_with ("not the passphrase");
      cfd_test_ui_wait_until (spinner_stopped, NULL, "a wrong passphrase refused");
      g_assert_cmpint (gtk_widget_get_visible (wait_label), ==, i == 2);
    }
  g_assert_nonnull (
      strstr (gtk_label_get_label (GTK_LABEL (wait_label)), "Try again in 2 seconds"));
  /* While it waits, the right passphrase is not even tried. */
  unlock_with (current_passphrase);
  g_assert_false (gtk_widget_get_visible (get_widget ("unlock_page/spinner")));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  cfd_test_ui_wait_until (widget_hidden, wait_label, "the wait to end");
  unlock_with (current_passphrase);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after the wait");
}

static void
test_recover (void)
{
  GtkWidget *error_label = get_widget ("unlock_page/recover_error_label");
  g_autofree char *wrong_key = g_strdup (recovery_key);

  activate ("workspace", "win.lock", NULL);
  activate ("unlock_page", "unlock.show-recovery", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("mode_stack"))), ==,
                   "recover");

  /* One letter off: the check letters catch it before any KDF runs. */
  wrong_key[0] = wrong_key[0] == 'A' ? 'B' : 'A';
  set_text ("unlock_page/recovery_key_row", wrong_key);
  set_text ("unlock_page/new_passphrase_row", NEW_PASSPHRASE);
  set_text ("unlock_page/confirm_row", NEW_PASSPHRASE);
  activate ("unlock_page", "unlock.recover", NULL);
  cfd_test_ui_wait_until (widget_visible, error_label, "the wrong-recovery-key message");
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");

  /* The key as printed, line breaks and all. */
  set_text ("unlock_page/recovery_key_row", recovery_key);
  activate ("unlock_page", "unlock.recover", NULL);
  /* The key used is replaced: the new one is shown before the workspace. */
  cfd_test_ui_wait_until (page_is, "recovery-key", "the new recovery key after recovery");
  {
    const char *shown = gtk_label_get_label (GTK_LABEL (get_widget ("key_label")));

    g_assert_cmpuint (strlen (shown), >, 30);
    g_assert_cmpstr (shown, !=, recovery_key);
    g_free (recovery_key);
    recovery_key = g_strdup (shown);
  }
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget ("stored_check")), TRUE);
  activate ("recovery_key_page", "recovery.continue", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after recovery");
  current_passphrase = NEW_PASSPHRASE;

  activate ("workspace", "win.lock", NULL);
  unlock_with (PASSPHRASE);
  cfd_test_ui_wait_until (widget_visible, get_widget ("unlock_page/error_label"),
                          "the old passphrase refused");
  unlock_with (current_passphrase);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace with the new passphrase");
}

static void
test_add_patient (void)
{
  GtkWindow *dialog;
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("sidebar_stack"))), ==,
                   "empty");
  activate ("workspace", "workspace.new-patient", NULL);
  dialog = cfd_test_ui_find_toplevel (g_type_from_name ("CfdPatientDialog"));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "name_row")),
                         PATIENT_NAME);
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "birth_date_row")), "1984-02-29");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "patient.add", NULL));

  patients = cfd_vault_list_patients (cfd_window_get_vault (window), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (patients), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "patient");
  g_assert_true (cfd_test_ui_has_text (get_widget ("patient_page"), PATIENT_NAME));

  /* Filter-as-you-type. */
  set_text ("filter_entry", "nobody-by-this-name");
  cfd_test_ui_wait_until (sidebar_is, "no-match", "the filter to hide every patient");
  set_text ("filter_entry", "imogen");
  cfd_test_ui_wait_until (sidebar_is, "list", "the filter to match case-insensitively");
  set_text ("filter_entry", "");
}

static void
test_note_autosave (void)
{
  GtkWidget *view;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  activate ("patient_page", "patient.new-record", g_variant_new_string ("integration"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "record");
  record_id = g_strdup (cfd_record_editor_get_record_id (editor ()));
  g_assert_nonnull (record_id);

  view = get_widget ("field-intentions");
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), FIRST_TEXT, -1);
  g_assert_true (cfd_record_editor_has_unsaved_changes (editor ()));

  /* Nothing is written until typing pauses for the debounce delay. */
  cfd_test_ui_wait_until (editor_saved, editor (), "the autosave");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget ("saved_label"))), ==, "Saved");

  record = cfd_vault_get_record (cfd_window_get_vault (window), record_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (record, "intentions"), ==, FIRST_TEXT);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
}

static void
test_lock_mid_edit (void)
{
  GtkWidget *view = get_widget ("field-intentions");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter end;
  g_autofree char *text = NULL;
  GtkWindow *dialog;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, CANARY_TEXT, -1);
  g_assert_true (cfd_record_editor_has_unsaved_changes (editor ()));

  /* A half-filled New Patient form is open too. */
  activate ("workspace", "workspace.new-patient", NULL);
  dialog = cfd_test_ui_find_toplevel (g_type_from_name ("CfdPatientDialog"));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "name_row")),
                         "Form CANARY");

  /* Ctrl+L before the autosave fires. */
  activate ("workspace", "win.lock", NULL);
  g_assert_null (cfd_test_ui_find_toplevel (g_type_from_name ("CfdPatientDialog")));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  g_assert_false (cfd_test_ui_any_window_has_text ("CANARY"));
  g_assert_false (cfd_test_ui_any_window_has_text (PATIENT_NAME));
  g_assert_false (cfd_test_ui_any_window_has_text ("river image"));

  unlock_with (current_passphrase);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");

  /* Back where the user was, with every typed character. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "record");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
  text = cfd_test_ui_text_view_text (get_widget ("field-intentions"));
  g_assert_cmpstr (text, ==, FIRST_TEXT CANARY_TEXT);
}

static void
test_idle_lock (void)
{
  GtkWidget *view = get_widget ("field-intentions");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, " idle", -1);
  cfd_record_editor_set_autosave_delay (editor (), 60 * 1000);

  cfd_window_set_auto_lock_interval (window, 300);
  cfd_test_ui_wait_until (page_is, "unlock", "the idle lock");
  cfd_window_set_auto_lock_interval (window, 0);
  g_assert_false (cfd_vault_is_unlocked (cfd_window_get_vault (window)));
  g_assert_false (cfd_test_ui_has_text (GTK_WIDGET (window), "idle"));

  unlock_with (current_passphrase);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  text = cfd_test_ui_text_view_text (get_widget ("field-intentions"));
  g_assert_cmpstr (text, ==, FIRST_TEXT CANARY_TEXT " idle");
}

static void
test_history_and_sign (void)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GListModel) revisions = NULL;
  g_autoptr (GError) error = NULL;

  revisions = cfd_vault_list_revisions (cfd_window_get_vault (window), record_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (revisions), >=, 2);

  /* An earlier revision opens read-only in a window of its own, and a lock
   * closes it with everything else. */
  {
    GtkListBox *list = GTK_LIST_BOX (get_widget ("revision_list"));
    GtkWindow *viewer;
    GtkWidget *view;

    g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, 1));
    viewer = cfd_test_ui_find_toplevel (ADW_TYPE_WINDOW);
    g_assert_nonnull (viewer);
    view = cfd_test_ui_find_widget (GTK_WIDGET (viewer), "field-intentions");
    g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
    g_assert_false (
        gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (viewer), "sign_button")));
    activate ("workspace", "win.lock", NULL);
    g_assert_null (cfd_test_ui_find_toplevel (ADW_TYPE_WINDOW));
    unlock_with (current_passphrase);
    cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  }

  activate ("editor", "editor.sign", NULL);
  /* Nothing happens until the dialog is answered. */
  record = cfd_vault_get_record (cfd_window_get_vault (window), record_id, &error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
  g_clear_object (&record);
  confirm_sign ();

  record = cfd_vault_get_record (cfd_window_get_vault (window), record_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
  g_assert_cmpstr (cfd_record_get_text (record, "intentions"), ==, FIRST_TEXT CANARY_TEXT " idle");
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (get_widget ("field-intentions"))));
  g_assert_false (gtk_widget_get_visible (get_widget ("sign_button")));
  g_assert_true (gtk_widget_get_visible (get_widget ("addendum_button")));
}

static void
test_addendum (void)
{
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GError) error = NULL;
  guint n_addenda = 0;
  g_autoptr (CfdPatient) patient = NULL;

  activate ("editor", "editor.add-addendum", NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget ("field-text"))),
                            "Late entry: the session ran ten minutes over.", -1);
  activate ("editor", "editor.sign", NULL);
  confirm_sign ();

  patient = CFD_PATIENT (g_list_model_get_item (
      cfd_vault_list_patients (cfd_window_get_vault (window), FALSE, &error), 0));
  records = cfd_vault_list_records (cfd_window_get_vault (window), cfd_patient_get_id (patient),
                                    &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (cfd_record_get_kind (record) == CFD_RECORD_ADDENDUM)
        {
          n_addenda++;
          g_assert_cmpstr (cfd_record_get_parent_id (record), ==, record_id);
          g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
        }
    }
  g_assert_cmpuint (n_addenda, ==, 1);
  /* The editor is back on the signed record. */
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
}

static CfdRecord *
only_addendum_draft (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) addenda
      = cfd_vault_list_addenda (cfd_window_get_vault (window), record_id, &error);
  CfdRecord *draft = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (addenda); i++)
    {
      g_autoptr (CfdRecord) item = g_list_model_get_item (addenda, i);

      if (cfd_record_get_status (item) == CFD_RECORD_DRAFT)
        {
          g_assert_null (draft);
          draft = g_object_ref (item);
        }
    }
  g_assert_nonnull (draft);
  return draft;
}

/* An addendum typed on a signed record and not yet signed survives a lock
 * as a draft addendum, is found again with its record, and is signed later. */
static void
test_addendum_survives_lock (void)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;
  g_autofree char *text = NULL;
  g_autofree char *addendum_id = NULL;
  g_autoptr (CfdRecord) draft = NULL;
  g_autoptr (CfdRecord) signed_addendum = NULL;
  g_autoptr (GError) error = NULL;
  GtkListBox *addenda;

  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
  /* The idle-lock test left the debounce at a minute: nothing autosaves. */
  activate ("editor", "editor.add-addendum", NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget ("field-text"))),
                            ADDENDUM_TEXT, -1);
  g_assert_true (cfd_record_editor_has_unsaved_changes (editor ()));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget ("saved_label"))), ==, "Editing");

  /* Ctrl+L before any save: the lock saves it, and leaves no trace of it
   * (or of the record it amends) in any window. */
  activate ("workspace", "win.lock", NULL);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  g_assert_false (cfd_vault_is_unlocked (cfd_window_get_vault (window)));
  g_assert_false (cfd_test_ui_any_window_has_text ("CANARY"));
  g_assert_false (cfd_test_ui_any_window_has_text ("45 mg"));
  g_assert_false (cfd_test_ui_any_window_has_text ("river image"));
  g_assert_false (cfd_test_ui_any_window_has_text (PATIENT_NAME));

  unlock_with (current_passphrase);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");

  /* Stored as a draft addendum to the signed record ... */
  draft = only_addendum_draft ();
  addendum_id = g_strdup (cfd_record_get_id (draft));
  g_assert_cmpint (cfd_record_get_kind (draft), ==, CFD_RECORD_ADDENDUM);
  g_assert_cmpstr (cfd_record_get_text (draft, "text"), ==, ADDENDUM_TEXT);

  /* ... and open again where the user was, text and all, still signable. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "record");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, addendum_id);
  text = cfd_test_ui_text_view_text (get_widget ("field-text"));
  g_assert_cmpstr (text, ==, ADDENDUM_TEXT);
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (get_widget ("field-text"))));
  g_assert_true (gtk_widget_get_visible (get_widget ("sign_button")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (get_widget ("sign_button")), ==,
                   "Sign the Addendum");
  g_assert_false (gtk_widget_get_visible (get_widget ("date_box")));
  g_assert_false (gtk_widget_get_visible (get_widget ("addendum_button")));

  /* More typing autosaves, with the editor's quiet indicator. */
  cfd_record_editor_set_autosave_delay (editor (), 100);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget ("field-text")));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, ADDENDUM_MORE, -1);
  cfd_test_ui_wait_until (editor_saved, editor (), "the addendum autosave");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget ("saved_label"))), ==, "Saved");
  g_clear_object (&draft);
  draft = only_addendum_draft ();
  g_assert_cmpstr (cfd_record_get_id (draft), ==, addendum_id);
  g_assert_cmpstr (cfd_record_get_text (draft, "text"), ==, ADDENDUM_TEXT ADDENDUM_MORE);
  g_assert_cmpuint (cfd_record_get_revision (draft), ==, 2);

  /* Back leads to the signed record, which lists the draft below itself. */
  activate ("editor", "editor.close", NULL);
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
  g_assert_true (gtk_widget_get_visible (get_widget ("addenda_box")));
  addenda = GTK_LIST_BOX (get_widget ("addenda_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (addenda, 1));
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (addenda), "Draft"));
  g_signal_emit_by_name (addenda, "row-activated", gtk_list_box_get_row_at_index (addenda, 1));
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, addendum_id);

  /* Signed now: immutable, and shown with its record. */
  activate ("editor", "editor.sign", NULL);
  confirm_sign ();
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
  signed_addendum = cfd_vault_get_record (cfd_window_get_vault (window), addendum_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (signed_addendum), ==, CFD_RECORD_SIGNED);
  g_assert_cmpstr (cfd_record_get_parent_id (signed_addendum), ==, record_id);
  g_assert_cmpstr (cfd_record_get_text (signed_addendum, "text"), ==, ADDENDUM_TEXT ADDENDUM_MORE);
  g_assert_false (cfd_test_ui_has_text (GTK_WIDGET (addenda), "Draft"));
  cfd_record_editor_set_autosave_delay (editor (), 60 * 1000);
}

static void
test_dosing_form (void)
{
  GtkWidget *vitals, *add, *per_kg;
  GVariant *content, *readings;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dosing_id = NULL;
  const char *time, *timepoint;
  guint16 systolic, diastolic, heart_rate, spo2, rr;
  gboolean has_rr;
  double dose = 0;
  const char *medication = NULL;

  /* The idle-lock test stretched the debounce; back to the default. */
  cfd_record_editor_set_autosave_delay (editor (), 1500);
  activate ("editor", "editor.close", NULL);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("dosing"));
  dosing_id = g_strdup (cfd_record_editor_get_record_id (editor ()));

  /* Choices are drop-downs, numbers entries, the vitals an editable list. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-medication")), 2);
  set_text ("field-dose-mg", "56.25");
  vitals = get_widget ("field-vitals");
  add = g_object_get_data (G_OBJECT (vitals), "add-button");
  g_signal_emit_by_name (add, "clicked");
  {
    const char *values[] = { "128", "82", "74", "98" };

    gtk_editable_set_text (GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, 0)), "10:05");
    for (guint i = 0; i < 4; i++)
      gtk_editable_set_text (
          GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_SYSTOLIC + i)),
          values[i]);
  }
  cfd_test_ui_wait_until (editor_saved, editor (), "the dosing autosave");

  record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
  g_assert_no_error (error);
  content = cfd_record_get_content (record);
  g_assert_true (g_variant_lookup (content, "medication", "&s", &medication));
  g_assert_cmpstr (medication, ==, "esketamine");
  g_assert_true (g_variant_lookup (content, "dose-mg", "d", &dose));
  g_assert_cmpfloat_with_epsilon (dose, 56.25, 0.001);
  /* No timepoint chosen and no respiratory rate typed: both left out, the
   * reading is still a value. */
  readings = g_variant_lookup_value (content, "vitals", G_VARIANT_TYPE ("a(ssqqqqmq)"));
  g_assert_nonnull (readings);
  g_assert_cmpuint (g_variant_n_children (readings), ==, 1);
  g_variant_get_child (readings, 0, "(&s&sqqqqmq)", &time, &timepoint, &systolic, &diastolic,
                       &heart_rate, &spo2, &has_rr, &rr);
  g_assert_cmpstr (timepoint, ==, "");
  g_assert_false (has_rr);
  g_assert_cmpstr (time, ==, "10:05");
  g_assert_cmpuint (systolic, ==, 128);
  g_assert_cmpuint (spo2, ==, 98);
  g_variant_unref (readings);
  /* Untouched number fields stay out of the record rather than reading 0. */
  g_assert_false (g_variant_lookup (content, "weight-kg", "d", &dose));
  g_assert_false (g_variant_lookup (content, "dose-mg-per-kg", "d", &dose));

  /* mg/kg is core's: shown, not typed, and it follows dose and weight as
   * they change, before anything is saved. */
  per_kg = get_widget ("field-dose-mg-per-kg");
  g_assert_true (GTK_IS_LABEL (per_kg));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (per_kg)), "—"));
  set_text ("field-weight-kg", "75");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (per_kg)), ==, "0.75 mg/kg");
  set_text ("field-dose-mg", "60");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (per_kg)), ==, "0.8 mg/kg");
  cfd_test_ui_wait_until (editor_saved, editor (), "the dosing autosave with a weight");
  g_clear_object (&record);
  record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "dose-mg-per-kg", "d", &dose));
  g_assert_cmpfloat_with_epsilon (dose, 0.8, 1e-9);

  /* The reading gains a timepoint (the drop-down's "Pre-dose") and a
   * respiratory rate; a second reading half typed keeps every cell. */
  gtk_drop_down_set_selected (
      GTK_DROP_DOWN (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_TIMEPOINT)), 1);
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_RESPIRATORY_RATE)),
      "14");
  cfd_test_ui_wait_until (editor_saved, editor (), "the autosave with a respiratory rate");
  g_clear_object (&record);
  record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
  g_assert_no_error (error);
  readings = g_variant_lookup_value (cfd_record_get_content (record), "vitals",
                                     G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_assert_nonnull (readings);
  g_variant_get_child (readings, 0, "(&s&sqqqqmq)", &time, &timepoint, &systolic, &diastolic,
                       &heart_rate, &spo2, &has_rr, &rr);
  g_assert_cmpstr (timepoint, ==, "pre-dose");
  g_assert_true (has_rr);
  g_assert_cmpuint (rr, ==, 14);
  g_variant_unref (readings);

  g_signal_emit_by_name (add, "clicked");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 1, CFD_VITALS_CELL_SYSTOLIC)), "13");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 1, CFD_VITALS_CELL_RESPIRATORY_RATE)),
      "1x");
  cfd_test_ui_wait_until (editor_saved, editor (), "the autosave of a half-typed reading");
  g_clear_object (&record);
  record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
  readings = g_variant_lookup_value (cfd_record_get_content (record), "vitals",
                                     G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE));
  g_assert_nonnull (readings);
  g_assert_cmpuint (g_variant_n_children (readings), ==, 2);
  {
    const char *cells[CFD_VITALS_N_CELLS];

    g_variant_get_child (readings, 0, "(&s&s&s&s&s&s&s)", &cells[0], &cells[1], &cells[2],
                         &cells[3], &cells[4], &cells[5], &cells[6]);
    g_assert_cmpstr (cells[CFD_VITALS_CELL_TIMEPOINT], ==, "pre-dose");
    g_assert_cmpstr (cells[CFD_VITALS_CELL_RESPIRATORY_RATE], ==, "14");
    g_variant_get_child (readings, 1, "(&s&s&s&s&s&s&s)", &cells[0], &cells[1], &cells[2],
                         &cells[3], &cells[4], &cells[5], &cells[6]);
    g_assert_cmpstr (cells[CFD_VITALS_CELL_SYSTOLIC], ==, "13");
    g_assert_cmpstr (cells[CFD_VITALS_CELL_DIASTOLIC], ==, "");
    g_assert_cmpstr (cells[CFD_VITALS_CELL_RESPIRATORY_RATE], ==, "1x");
  }
  g_variant_unref (readings);
  /* Sedation ratings are rows too: a new record offers them, not the
   * single MOAA/S and CADSS of older records; a full row is a value with
   * the blank scale left out, a half-typed one keeps every cell. */
  {
    GtkWidget *ratings = get_widget ("field-sedation-ratings");
    GtkWidget *add_rating = g_object_get_data (G_OBJECT (ratings), "add-button");
    g_autoptr (GVariant) rows = NULL;
    const char *at, *rated_at;
    gboolean has_moaas, has_cadss, has_bprs;
    guint16 moaas, cadss, bprs;

    g_assert_false (gtk_widget_get_visible (
        gtk_widget_get_ancestor (get_widget ("field-moaas"), GTK_TYPE_BOX)));
    g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (ratings, GTK_TYPE_BOX)));
    g_signal_emit_by_name (add_rating, "clicked");
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_rating_cell (ratings, 0, CFD_SEDATION_CELL_TIME)), "10:45");
    /* "No timepoint", then the field's choices: pre-dose, 15 min, 40 min… */
    gtk_drop_down_set_selected (
        GTK_DROP_DOWN (cfd_record_form_rating_cell (ratings, 0, CFD_SEDATION_CELL_TIMEPOINT)), 3);
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_rating_cell (ratings, 0, CFD_SEDATION_CELL_MOAAS)), "4");
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_rating_cell (ratings, 0, CFD_SEDATION_CELL_BPRS)), "6");
    cfd_test_ui_wait_until (editor_saved, editor (), "the autosave of a row of ratings");
    g_clear_object (&record);
    record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
    g_assert_no_error (error);
    rows = g_variant_lookup_value (cfd_record_get_content (record), "sedation-ratings",
                                   G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
    g_assert_nonnull (rows);
    g_variant_get_child (rows, 0, "(&s&smqmqmq)", &at, &rated_at, &has_moaas, &moaas, &has_cadss,
                         &cadss, &has_bprs, &bprs);
    g_assert_cmpstr (rated_at, ==, "40-min");
    g_assert_cmpstr (at, ==, "10:45");
    g_assert_true (has_moaas);
    g_assert_cmpuint (moaas, ==, 4);
    g_assert_false (has_cadss);
    g_assert_true (has_bprs);
    g_assert_cmpuint (bprs, ==, 6);
    g_clear_pointer (&rows, g_variant_unref);

    g_signal_emit_by_name (add_rating, "clicked");
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_rating_cell (ratings, 1, CFD_SEDATION_CELL_CADSS)), "1o");
    cfd_test_ui_wait_until (editor_saved, editor (), "the autosave of a half-typed row");
    g_clear_object (&record);
    record = cfd_vault_get_record (cfd_window_get_vault (window), dosing_id, &error);
    g_assert_no_error (error);
    rows = g_variant_lookup_value (cfd_record_get_content (record), "sedation-ratings",
                                   G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPED_TYPE));
    g_assert_nonnull (rows);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 2);
    {
      const char *cells[CFD_SEDATION_N_CELLS];

      g_variant_get_child (rows, 0, "(&s&s&s&s&s)", &cells[0], &cells[1], &cells[2], &cells[3],
                           &cells[4]);
      g_assert_cmpstr (cells[CFD_SEDATION_CELL_TIMEPOINT], ==, "40-min");
      g_assert_cmpstr (cells[CFD_SEDATION_CELL_MOAAS], ==, "4");
      g_assert_cmpstr (cells[CFD_SEDATION_CELL_CADSS], ==, "");
      g_variant_get_child (rows, 1, "(&s&s&s&s&s)", &cells[0], &cells[1], &cells[2], &cells[3],
                           &cells[4]);
      g_assert_cmpstr (cells[CFD_SEDATION_CELL_CADSS], ==, "1o");
    }
  }

  /* Shown again from the vault as typed. */
  cfd_record_form_set_content (
      CFD_RECORD_FORM (gtk_widget_get_ancestor (vitals, CFD_TYPE_RECORD_FORM)),
      cfd_record_get_content (record));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (
                        cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_TIMEPOINT))),
                    ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       cfd_record_form_reading_cell (vitals, 1, CFD_VITALS_CELL_RESPIRATORY_RATE))),
                   ==, "1x");
}

static gboolean
has_icon (GtkWidget *root, const char *icon_name)
{
  if (GTK_IS_IMAGE (root) && gtk_widget_get_visible (root)
      && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (root)), icon_name) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_icon (child, icon_name))
      return TRUE;
  return FALSE;
}

static void
test_risk_flag (void)
{
  CfdVault *vault = cfd_window_get_vault (window);
  g_autoptr (GListModel) patients = cfd_vault_list_patients (vault, FALSE, NULL);
  g_autoptr (CfdPatient) patient = g_list_model_get_item (patients, 0);
  const guint8 items[9] = { 1, 2, 1, 2, 1, 1, 0, 1, 1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *measure_id = NULL;

  g_assert_false (has_icon (get_widget ("patient_page/timeline"), "dialog-warning-symbolic"));
  measure_id = cfd_vault_add_measure (vault, cfd_patient_get_id (patient), CFD_INSTRUMENT_PHQ9,
                                      g_get_real_time () / G_USEC_PER_SEC, items, 9, &error);
  g_assert_no_error (error);

  /* Item 9 above 0: the patient's flag, and the measure's row, say so. */
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")),
                              cfd_patient_get_id (patient));
  /* As after any stored record: the list, with its risk marks, reloads. */
  g_signal_emit_by_name (get_widget ("patient_page"), "records-changed");
  g_assert_true (gtk_widget_get_visible (get_widget ("patient_page/risk_box")));
  g_assert_true (has_icon (get_widget ("patient_page/timeline"), "dialog-warning-symbolic"));
  g_assert_true (has_icon (get_widget ("patient_list"), "dialog-warning-symbolic"));
}

static gboolean
results_shown (gconstpointer user_data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("search_page/stack"))),
                    "results")
         == 0;
}

static void
test_search (void)
{
  activate ("workspace", "win.search", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "search");
  set_text ("search_page/entry", "river image");
  g_signal_emit_by_name (get_widget ("search_page/entry"), "search-changed");
  cfd_test_ui_wait_until (results_shown, NULL, "search results");
  g_assert_true (cfd_test_ui_has_text (get_widget ("result_list"), PATIENT_NAME));

  /* Enter opens the first result. */
  g_signal_emit_by_name (get_widget ("search_page/entry"), "activate");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack"))), ==,
                   "record");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, record_id);
}

static void
test_close (void)
{
  CfdVault *vault = cfd_window_get_vault (window);

  g_object_add_weak_pointer (G_OBJECT (vault), (gpointer *)&vault);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
  /* The window was the vault's only holder; destroying it locks and frees it. */
  g_assert_null (vault);
  g_clear_pointer (&recovery_key, g_free);
  g_clear_pointer (&record_id, g_free);
}

/* Opens a window on path and tries passphrase; returns the unlock page's message. */
static char *
unlock_message_for (const char *path, const char *passphrase)
{
  char *message;

  window = cfd_window_new (NULL, path);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  unlock_with (passphrase);
  cfd_test_ui_wait_until (widget_visible, get_widget ("unlock_page/error_label"),
                          "an unlock error");
  message = g_strdup (gtk_label_get_label (GTK_LABEL (get_widget ("unlock_page/error_label"))));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
  return message;
}

static char *
make_locked_vault (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "confidant-ui-damage-XXXXXX", NULL);
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (g_mkdtemp (path));
  g_rmdir (path);
  g_ptr_array_add (scratch_dirs, g_strdup (path));
  vault = cfd_vault_create (path, "Dr Ada Owner", PASSPHRASE, &key, &error);
  g_assert_no_error (error);
  cfd_wipe_string (g_steal_pointer (&key));
  cfd_vault_lock (vault);
  return g_steal_pointer (&path);
}

static void
overwrite (const char *file, goffset offset, gsize length)
{
  g_autofree char *contents = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (file, &contents, &size, &error));
  g_assert_cmpuint (size, >, offset + length);
  memset (contents + offset, 0x5a, length);
  g_assert_true (g_file_set_contents (file, contents, size, &error));
}

static void
test_damaged_database (void)
{
  g_autofree char *path = make_locked_vault ();
  g_autofree char *db = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  g_autofree char *message = NULL;

  /* The right passphrase on a damaged database is not a wrong passphrase. */
  overwrite (db, 1024, 2048);
  message = unlock_message_for (path, PASSPHRASE);
  g_assert_nonnull (strstr (message, "database is damaged"));
}

static void
test_wrong_passphrase_message (void)
{
  g_autofree char *path = make_locked_vault ();
  g_autofree char *message = unlock_message_for (path, "not it at all");

  g_assert_nonnull (strstr (message, "Wrong passphrase"));
}

static void
test_damaged_keyring (void)
{
  g_autofree char *path = make_locked_vault ();
  g_autofree char *keyring = g_build_filename (path, CFD_VAULT_KEYRING_NAME, NULL);

  /* A keyring that cannot be read at all: the window says so instead of
   * offering a passphrase field that could never work. */
  g_assert_true (g_file_set_contents (keyring, "not a keyring", -1, NULL));
  window = cfd_window_new (NULL, path);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "error");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
}

/* The database put back to an older copy: the unlock goes on, and a banner
 * above the workspace says what was found. */
static void
test_tamper_banner (void)
{
  g_autofree char *path = make_locked_vault ();
  g_autofree char *db = g_build_filename (path, CFD_VAULT_DATABASE_NAME, NULL);
  g_autoptr (GBytes) older = cfd_test_read_bytes (db);
  g_autoptr (GError) error = NULL;
  const char *text;

  {
    g_autoptr (CfdVault) vault = cfd_vault_open (path, &error);

    g_assert_no_error (error);
    g_assert_true (cfd_vault_unlock (vault, NULL, PASSPHRASE, &error));
    g_assert_no_error (error);
    cfd_vault_lock (vault);
  }
  cfd_test_write_bytes (db, g_bytes_get_data (older, NULL), g_bytes_get_size (older));

  window = cfd_window_new (NULL, path);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (get_widget ("tamper_banner"))));
  unlock_with (PASSPHRASE);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (get_widget ("tamper_banner"))));
  text = gtk_label_get_text (GTK_LABEL (get_widget ("tamper_label")));
  g_assert_nonnull (strstr (text, "The audit log was rolled back"));
  g_assert_nonnull (strstr (text, "vault.tamper"));

  /* Gone with the lock, so the next user does not see it. */
  cfd_window_lock (window);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (get_widget ("tamper_banner"))));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
}

static gboolean
leaflet_folded (gconstpointer unused)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (get_widget ("leaflet")));
}

static void
test_narrow_window (void)
{
  g_autofree char *path = make_locked_vault ();
  g_autoptr (CfdVault) vault = cfd_vault_open (path, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *patient_id = NULL;

  g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);
  CfdUserInfo *owner = g_ptr_array_index (users, 0);

  g_assert_true (cfd_vault_unlock (vault, owner->id, PASSPHRASE, &error));
  g_assert_no_error (error);
  patient_id
      = cfd_vault_add_patient (vault, g_variant_new_parsed ("{'name': <'Narrow Window'>}"), &error);
  g_assert_no_error (error);
  cfd_vault_lock (vault);

  /* A phone-sized window shows one pane at a time, with a way back. */
  window = cfd_window_new (NULL, path);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_present (GTK_WINDOW (window));
  unlock_with (PASSPHRASE);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  cfd_test_ui_wait_until (leaflet_folded, NULL, "the folded layout");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (get_widget ("leaflet"))), ==,
                   "sidebar");
  /* Opening is Enter (or a click) on the row, not moving the selection. */
  g_signal_emit_by_name (get_widget ("patient_list"), "activate", 0);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (get_widget ("leaflet"))), ==,
                   "content");
  g_assert_true (gtk_widget_get_visible (get_widget ("patient_page/back_button")));
  activate ("patient_page/back_button", "workspace.back", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (get_widget ("leaflet"))), ==,
                   "sidebar");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
}

int
main (int argc, char *argv[])
{
  int status;
  static const char *const secrets[]
      = { PASSPHRASE, NEW_PASSPHRASE, PATIENT_NAME, FIRST_TEXT, CANARY_TEXT, ADDENDUM_TEXT };

  /* Whatever GTK, the app and core log while the window is driven, debug
   * messages included, holds none of what is typed into it. */
  cfd_test_watch_logs ();
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    cfd_test_add_canary (secrets[i]);
  g_test_init (&argc, &argv, NULL);

  if (!cfd_test_ui_init ())
    {
      /* A TAP plan of zero with a reason: the whole program is skipped. */
      g_print ("1..0 # SKIP no display to run the window on\n");
      return 0;
    }
  g_assert_true (cfd_secure_init ());
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  vault_dir = g_build_filename (g_get_tmp_dir (), "confidant-ui-test-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (vault_dir));
  g_rmdir (vault_dir); /* the first-run page creates it */
  scratch_dirs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (scratch_dirs, g_strdup (vault_dir));

  g_test_add_func ("/confidant/ui/window/first-run", test_first_run);
  g_test_add_func ("/confidant/ui/window/unlock-wrong-then-right", test_unlock_wrong_then_right);
  g_test_add_func ("/confidant/ui/window/unlock-backoff", test_unlock_backoff);
  g_test_add_func ("/confidant/ui/window/recover", test_recover);
  g_test_add_func ("/confidant/ui/window/add-patient", test_add_patient);
  g_test_add_func ("/confidant/ui/window/note-autosave", test_note_autosave);
  g_test_add_func ("/confidant/ui/window/lock-mid-edit", test_lock_mid_edit);
  g_test_add_func ("/confidant/ui/window/idle-lock", test_idle_lock);
  g_test_add_func ("/confidant/ui/window/sign", test_history_and_sign);
  g_test_add_func ("/confidant/ui/window/addendum", test_addendum);
  g_test_add_func ("/confidant/ui/window/addendum-survives-lock", test_addendum_survives_lock);
  g_test_add_func ("/confidant/ui/window/dosing-form", test_dosing_form);
  g_test_add_func ("/confidant/ui/window/risk-flag", test_risk_flag);
  g_test_add_func ("/confidant/ui/window/search", test_search);
  g_test_add_func ("/confidant/ui/window/close", test_close);
  g_test_add_func ("/confidant/ui/unlock/wrong-passphrase", test_wrong_passphrase_message);
  g_test_add_func ("/confidant/ui/unlock/damaged-database", test_damaged_database);
  g_test_add_func ("/confidant/ui/unlock/damaged-keyring", test_damaged_keyring);
  g_test_add_func ("/confidant/ui/unlock/tamper-banner", test_tamper_banner);
  g_test_add_func ("/confidant/ui/window/narrow", test_narrow_window);
  status = g_test_run ();
  for (guint i = 0; i < scratch_dirs->len; i++)
    remove_tree (g_ptr_array_index (scratch_dirs, i));
  g_ptr_array_unref (scratch_dirs);
  g_free (vault_dir);
  return status;
}
