/* test-ui-editor.c: issue 24 in the real window: drafts keep what was typed through a lock, unanswered stays unanswered, discarding, stray keys, whose chart is on screen. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "cfd-audit-query.h"
#include "cfd-draft-recovery.h"
#include "cfd-export-pdf.h"
#include "cfd-fault-vfs.h"
#include "cfd-io-private.h"
#include "cfd-io.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-record-editor.h"
#include "cfd-record-form.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

/* The patients' names are canaries (cfd_test_canary: label and a tag). */
#define PATIENT_A   (patient_a_name)
#define PATIENT_B   (patient_b_name)
#define AE_TEXT     "CANARY-ae Mild nausea at 10:20, settled"
#define MORE_TEXT   " CANARY-more typed as the disk filled"
#define RISK_NOTES  "CANARY-risk asked at intake"
#define DRAFT_WORDS "CANARY-discard a note begun by mistake"

static const char *patient_a_name;
static const char *patient_b_name;
static char *vault_path;
static char *patient_a;
static char *patient_b;
static CfdWindow *window;
static char *dosing_id;

/* ---- helpers ---- */

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

static const char *
text_of (const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (get_widget (id)));
}

static void
activate (const char *widget_id, const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (get_widget (widget_id), action, parameter));
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static CfdRecordEditor *
editor (void)
{
  return CFD_RECORD_EDITOR (get_widget ("editor"));
}

static gboolean
editor_saved (gconstpointer data)
{
  return !cfd_record_editor_has_unsaved_changes (editor ());
}

static CfdVault *
vault (void)
{
  return cfd_window_get_vault (window);
}

static const char *
content_page (void)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (get_widget ("content_stack")));
}

static void
unlock (void)
{
  set_text ("unlock_page/passphrase_row", CFD_TEST_PASSPHRASE);
  activate ("unlock_page", "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace after unlocking");
}

static guint
n_records (const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) records = cfd_vault_list_records (vault (), patient_id, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (records);
}

static GtkWidget *
reading_cell (guint row_index, guint cell)
{
  return cfd_record_form_reading_cell (get_widget ("field-vitals"), row_index, cell);
}

static void
set_view_text (const char *id, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget (id))), text, -1);
}

static GtkWindow *
message_dialog (void)
{
  GtkWindow *dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (dialog);
  return dialog;
}

static void
respond (const char *response)
{
  GtkWindow *dialog = message_dialog ();

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
}

static gboolean
problem_says (const char *field_id, const char *needle)
{
  g_autofree char *id = g_strconcat ("problem-", field_id, NULL);
  GtkWidget *label = get_widget (id);

  return gtk_widget_get_visible (label)
         && strstr (gtk_label_get_label (GTK_LABEL (label)), needle) != NULL;
}

/* ---- setup: a vault with two patients, the window unlocked on it ---- */

static void
test_setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) setup = cfd_test_vault_new (&vault_path, NULL);
  const guint8 items[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 2 };
  g_autofree char *measure = NULL;
  GVariantDict d;

  patient_a_name = cfd_test_canary ("Ada Chartwell");
  patient_b_name = cfd_test_canary ("Bram Oakhurst");
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, CFD_PATIENT_NAME, "s", PATIENT_A);
  g_variant_dict_insert (&d, CFD_PATIENT_BIRTH_DATE, "s", "1980-05-01");
  patient_a = cfd_vault_add_patient (setup, g_variant_dict_end (&d), &error);
  g_assert_no_error (error);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, CFD_PATIENT_NAME, "s", PATIENT_B);
  g_variant_dict_insert (&d, CFD_PATIENT_BIRTH_DATE, "s", "1990-01-01");
  patient_b = cfd_vault_add_patient (setup, g_variant_dict_end (&d), &error);
  g_assert_no_error (error);
  /* Patient B's PHQ-9 item 9 is above 0: a risk flag to be seen. */
  measure = cfd_vault_add_measure (setup, patient_b, CFD_INSTRUMENT_PHQ9,
                                   g_get_real_time () / G_USEC_PER_SEC, items, 9, &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);

  window = cfd_window_new (NULL, vault_path);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  unlock ();
}

/* ---- finding 1: a half-filled vitals row, then Ctrl+L, then unlock ---- */

static void
test_half_filled_lock (void)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ae = NULL;

  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_a);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("dosing"));
  dosing_id = g_strdup (cfd_record_editor_get_record_id (editor ()));
  g_assert_nonnull (dosing_id);

  /* Numbers start blank, never at an invented value. */
  g_assert_cmpstr (text_of ("field-weight-kg"), ==, "");
  g_assert_cmpstr (text_of ("field-moaas"), ==, "");

  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-medication")), 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-route")), 1);
  set_text ("field-dose-mg", "40");
  g_signal_emit_by_name (g_object_get_data (G_OBJECT (get_widget ("field-vitals")), "add-button"),
                         "clicked");
  /* A reading starts blank too, with only its time filled in. */
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_SYSTOLIC))), ==, "");
  gtk_editable_set_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_TIME)), "10:05");
  gtk_editable_set_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_SYSTOLIC)), "128");
  set_view_text ("field-adverse-events", AE_TEXT);
  set_text ("field-weight-kg", "7");
  set_text ("field-infusion-start", "10:");

  /* Each problem beside its field; mg/kg follows the typing. */
  g_assert_true (problem_says ("vitals", "needs a time and a whole number"));
  g_assert_true (problem_says ("infusion-start", "write the time as HH:MM"));
  g_assert_true (problem_says ("weight-kg", "below the usual 20 kg"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_widget ("field-dose-mg-per-kg"))), ==,
                   "5.714 mg/kg");
  g_assert_true (problem_says ("dose-mg-per-kg", "above the usual 3 mg/kg"));
  g_assert_true (cfd_record_editor_has_unsaved_changes (editor ()));

  /* Ctrl+L before the autosave. */
  activate ("workspace", "win.lock", NULL);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  g_assert_false (cfd_test_ui_any_window_has_text ("CANARY"));
  g_assert_false (cfd_test_ui_any_window_has_text (PATIENT_A));

  unlock ();
  g_assert_cmpstr (content_page (), ==, "record");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, dosing_id);
  /* Every typed character, valid or not. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (get_widget ("field-medication"))),
                    ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (get_widget ("field-route"))), ==, 1);
  g_assert_cmpstr (text_of ("field-dose-mg"), ==, "40");
  g_assert_cmpstr (text_of ("field-weight-kg"), ==, "7");
  g_assert_cmpstr (text_of ("field-infusion-start"), ==, "10:");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_TIME))),
                   ==, "10:05");
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_SYSTOLIC))), ==, "128");
  for (guint i = CFD_VITALS_CELL_DIASTOLIC; i < CFD_VITALS_N_CELLS; i++)
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (reading_cell (0, i))), ==, "");
  ae = cfd_test_ui_text_view_text (get_widget ("field-adverse-events"));
  g_assert_cmpstr (ae, ==, AE_TEXT);
  g_assert_true (problem_says ("vitals", "needs a time and a whole number"));

  /* And in the vault, as typed. */
  record = cfd_vault_get_record (vault (), dosing_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (record, "adverse-events"), ==, AE_TEXT);
  {
    double weight = 0;
    const char *start = NULL;

    /* A number typed is a number; a time half-typed is kept as text. */
    g_assert_true (g_variant_lookup (cfd_record_get_content (record), "weight-kg", "d", &weight));
    g_assert_cmpfloat (weight, ==, 7);
    g_assert_true (
        g_variant_lookup (cfd_record_get_content (record), "infusion-start", "&s", &start));
    g_assert_cmpstr (start, ==, "10:");
  }
}

/* ---- a lock whose save fails: sealed, restored at the next unlock ---- */

static void
test_failed_save_lock (void)
{
  GtkTextBuffer *buffer
      = gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget ("field-adverse-events")));
  GtkTextIter end;
  g_autofree char *text = NULL;
  g_autofree char *file = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, MORE_TEXT, -1);
  gtk_editable_set_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_DIASTOLIC)), "8");

  /* The save's first write fails (the disk is full at that moment); the
   * lock happens anyway. */
  cfd_io_fault_arm (1, ENOSPC);
  activate ("workspace", "win.lock", NULL);
  cfd_io_fault_arm (0, 0);
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "unlock");
  g_assert_false (cfd_test_ui_any_window_has_text ("CANARY"));
  /* Sealed in the vault folder: nothing of the text readable there. */
  g_assert_false (cfd_test_dir_contains (vault_path, "CANARY-more"));
  {
    g_autoptr (GPtrArray) users = cfd_vault_list_users (vault ());
    CfdUserInfo *owner = g_ptr_array_index (users, 0);

    file = g_strconcat (vault_path, "/" CFD_DRAFT_RECOVERY_PREFIX, owner->id, NULL);
  }
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  unlock ();
  g_assert_cmpstr (content_page (), ==, "record");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, dosing_id);
  text = cfd_test_ui_text_view_text (get_widget ("field-adverse-events"));
  g_assert_cmpstr (text, ==, AE_TEXT MORE_TEXT);
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (reading_cell (0, CFD_VITALS_CELL_DIASTOLIC))), ==, "8");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (get_widget ("recovery_revealer"))));
  cfd_test_ui_wait_until (editor_saved, NULL, "the recovered draft's save");
  record = cfd_vault_get_record (vault (), dosing_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (record, "adverse-events"), ==, AE_TEXT MORE_TEXT);
  /* Saved for real: the sealed copy is gone. */
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_null (cfd_vault_open_draft_recovery (vault (), &error));
  g_assert_no_error (error);
}

/* ---- finding 2: an untouched yes/no is "not assessed" ---- */

static char *
pdf_text (const char *pdf)
{
  g_autofree char *program = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { NULL, "-layout", pdf, "-", NULL };

  if (program == NULL)
    return NULL;
  argv[0] = program;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static void
test_not_assessed (void)
{
  g_autofree char *risk_id = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *pdf = g_build_filename (dir, "chart.pdf", NULL);
  g_autofree char *text = NULL;
  GtkWindow *dialog;
  gboolean answer;

  activate ("editor", "editor.close", NULL);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("risk"));
  risk_id = g_strdup (cfd_record_editor_get_record_id (editor ()));

  /* Every question starts unanswered, never "No". */
  g_assert_true (
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (get_widget ("field-plan-unset"))));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (get_widget ("field-plan-no"))));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (get_widget ("field-wish-dead-no")), TRUE);
  set_view_text ("field-notes", RISK_NOTES);

  /* Signing names what is still unanswered, and signs nothing. */
  activate ("editor", "editor.sign", NULL);
  dialog = message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Not Ready to Sign");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "“Suicidal thoughts” must be answered yes or no"));
  g_assert_null (
      strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "“Wish to be dead”"));
  respond ("close");

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (get_widget ("field-suicidal-thoughts-no")),
                                TRUE);
  activate ("editor", "editor.sign", NULL);
  respond ("sign");
  record = cfd_vault_get_record (vault (), risk_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "wish-dead", "b", &answer));
  g_assert_false (answer);
  g_assert_false (g_variant_lookup (cfd_record_get_content (record), "plan", "b", &answer));
  /* Shown signed: still "Not assessed", read-only. */
  g_assert_true (
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (get_widget ("field-plan-unset"))));
  g_assert_false (gtk_widget_is_sensitive (get_widget ("field-plan-no")));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (cfd_vault_export_patient_pdf (vault (), patient_a, FALSE, pdf, NULL, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  if (text == NULL)
    {
      g_test_message ("pdftotext is not installed: the PDF's words were not checked");
      return;
    }
  g_assert_true (g_regex_match_simple ("Wish to be dead +No", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Plan +Not assessed", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Intent +Not assessed", text, 0, 0));
  g_unlink (pdf);
  g_rmdir (dir);
}

/* ---- rules across fields, shown as the record is typed ---- */

static GtkWidget *
problem_get (const char *field_id)
{
  g_autofree char *name = g_strdup_printf ("problem-%s", field_id);

  return get_widget (name);
}

static void
discard_open_draft (void)
{
  activate ("editor", "editor.discard", NULL);
  respond ("discard");
}

static void
test_cross_field_rules (void)
{
  /* Risk: the level by rule follows the answers; Low is refused with a plan. */
  activate ("editor", "editor.close", NULL);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("risk"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (get_widget ("field-wish-dead-yes")), TRUE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_widget ("field-rule-level"))), ==, "Low");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (get_widget ("field-plan-yes")), TRUE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_widget ("field-rule-level"))), ==, "High");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-risk-level")), 1); /* Low */
  g_assert_true (problem_says ("risk-level", "cannot be Low"));
  discard_open_draft ();

  /* Dosing: esketamine by IV is named under the route; the IV fields go
   * away when the route is intranasal, and the device fields appear. */
  activate ("patient_page", "patient.new-record", g_variant_new_string ("dosing"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-medication")), 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-route")), 1);
  g_assert_true (problem_says ("route", "must be intranasal for esketamine"));
  g_assert_true (
      gtk_widget_get_visible (gtk_widget_get_parent (get_widget ("field-infusion-start"))));
  g_assert_false (
      gtk_widget_get_visible (gtk_widget_get_parent (get_widget ("field-device-1-time"))));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-route")), 4);
  g_assert_false (gtk_widget_get_visible (problem_get ("route")));
  g_assert_false (
      gtk_widget_get_visible (gtk_widget_get_parent (get_widget ("field-infusion-start"))));
  g_assert_true (
      gtk_widget_get_visible (gtk_widget_get_parent (get_widget ("field-device-1-time"))));
  discard_open_draft ();
}

/* ---- discarding a draft ---- */

static void
test_discard (void)
{
  g_autofree char *draft_id = NULL;
  g_autoptr (CfdRecord) gone = NULL;
  g_autoptr (GError) error = NULL;
  guint before;

  /* The signed risk assessment on screen cannot be discarded. */
  g_assert_false (gtk_widget_get_visible (get_widget ("editor/discard_button")));
  activate ("editor", "editor.close", NULL);
  before = n_records (patient_a);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("progress"));
  draft_id = g_strdup (cfd_record_editor_get_record_id (editor ()));
  set_view_text ("field-subjective", DRAFT_WORDS);
  g_assert_true (gtk_widget_get_visible (get_widget ("editor/discard_button")));

  /* Cancel keeps it. */
  activate ("editor", "editor.discard", NULL);
  respond ("cancel");
  g_assert_cmpstr (cfd_record_editor_get_record_id (editor ()), ==, draft_id);

  activate ("editor", "editor.discard", NULL);
  respond ("discard");
  g_assert_cmpstr (content_page (), ==, "patient");
  gone = cfd_vault_get_record (vault (), draft_id, &error);
  g_assert_null (gone);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_records (patient_a), ==, before);
  g_assert_false (cfd_test_ui_any_window_has_text ("CANARY-discard"));
}

/* ---- finding 5: stray keystrokes create nothing ---- */

typedef int (*FakeKeyFunc) (void *display, unsigned int keycode, int is_press, unsigned long delay);
typedef int (*FakeMotionFunc) (void *display, int screen, int x, int y, unsigned long delay);
typedef unsigned char (*KeysymToKeycodeFunc) (void *display, unsigned long keysym);
typedef int (*FlushFunc) (void *display);
typedef int (*FakeButtonFunc) (void *display,
                               unsigned int button,
                               int is_press,
                               unsigned long delay);
typedef int (*TranslateFunc) (void *display,
                              unsigned long from,
                              unsigned long to,
                              int x,
                              int y,
                              int *to_x,
                              int *to_y,
                              unsigned long *child);
typedef unsigned long (*RootFunc) (void *display);

typedef struct
{
  void *display;
  FakeKeyFunc fake_key;
  FakeMotionFunc fake_motion;
  KeysymToKeycodeFunc keycode;
  FlushFunc flush;
  FakeButtonFunc fake_button;
  TranslateFunc translate;
  RootFunc root;
} XTest;

/* Real key presses through the X server (XTest, loaded at run time so the
 * build needs no X headers beyond GTK's); FALSE when there is none. */
static gboolean
xtest_open (XTest *x)
{
  GdkDisplay *display = gdk_display_get_default ();
  void *xtst, *x11;

  if (!GDK_IS_X11_DISPLAY (display))
    return FALSE;
  xtst = dlopen ("libXtst.so.6", RTLD_NOW);
  x11 = dlopen ("libX11.so.6", RTLD_NOW);
  if (xtst == NULL || x11 == NULL)
    return FALSE;
  x->display = gdk_x11_display_get_xdisplay (display);
  x->fake_key = (FakeKeyFunc)dlsym (xtst, "XTestFakeKeyEvent");
  x->fake_motion = (FakeMotionFunc)dlsym (xtst, "XTestFakeMotionEvent");
  x->keycode = (KeysymToKeycodeFunc)dlsym (x11, "XKeysymToKeycode");
  x->flush = (FlushFunc)dlsym (x11, "XFlush");
  x->fake_button = (FakeButtonFunc)dlsym (xtst, "XTestFakeButtonEvent");
  x->translate = (TranslateFunc)dlsym (x11, "XTranslateCoordinates");
  x->root = (RootFunc)dlsym (x11, "XDefaultRootWindow");
  return x->fake_key != NULL && x->fake_motion != NULL && x->keycode != NULL && x->flush != NULL
         && x->fake_button != NULL && x->translate != NULL && x->root != NULL;
}

static void
xtest_key (XTest *x, guint keyval, gboolean control)
{
  unsigned int control_code = x->keycode (x->display, GDK_KEY_Control_L);
  unsigned int code = x->keycode (x->display, keyval);

  if (control)
    x->fake_key (x->display, control_code, TRUE, 0);
  x->fake_key (x->display, code, TRUE, 0);
  x->fake_key (x->display, code, FALSE, 0);
  if (control)
    x->fake_key (x->display, control_code, FALSE, 0);
  x->flush (x->display);
  cfd_test_ui_spin (60);
}

/* A left click at (x, y) of widget, through the X server. */
static void
xtest_click (XTest *x, GtkWidget *widget, double wx, double wy)
{
  graphene_point_t point;
  double dx = 0, dy = 0;
  int sx = 0, sy = 0;
  unsigned long child = 0;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (wx, wy), &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  x->translate (x->display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                x->root (x->display), (int)(point.x + dx), (int)(point.y + dy), &sx, &sy, &child);
  x->fake_motion (x->display, -1, sx, sy, 0);
  x->flush (x->display);
  cfd_test_ui_spin (100);
  x->fake_button (x->display, 1, TRUE, 0);
  x->flush (x->display);
  cfd_test_ui_spin (60);
  x->fake_button (x->display, 1, FALSE, 0);
  x->flush (x->display);
  cfd_test_ui_spin (200);
}

static gboolean
window_active (gconstpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (window));
}

static gboolean
popover_open (GtkWidget *root)
{
  if (GTK_IS_POPOVER (root) && gtk_widget_get_visible (root))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (popover_open (child))
      return TRUE;
  return FALSE;
}

static void
test_stray_keys (void)
{
  GtkWidget *focus;
  GtkWidget *new_record = get_widget ("patient_page/new_record_button");
  const guint letters[] = { GDK_KEY_space, GDK_KEY_d, GDK_KEY_i,     GDK_KEY_t, GDK_KEY_p,
                            GDK_KEY_r,     GDK_KEY_s, GDK_KEY_space, GDK_KEY_d };
  guint before_a = n_records (patient_a), before_b = n_records (patient_b);
  XTest x;

  /* The patient page as it opens; then as it is after Preferences. */
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_b);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, new_record));
  /* A click on New Record leaves the focus where it was. */
  g_assert_false (gtk_widget_get_focus_on_click (new_record));

  if (!xtest_open (&x))
    {
      g_test_message ("No XTest: key presses were not sent; focus and menu checked only");
    }
  else
    {
      gtk_window_present (GTK_WINDOW (window));
      x.fake_motion (x.display, -1, 200, 200, 0);
      cfd_test_ui_wait_until (window_active, NULL, "the window to have the keyboard");
      /* New Record cannot even be given the focus, where the old code
       * left it; the keys go wherever the focus is. */
      g_assert_false (gtk_widget_grab_focus (gtk_widget_get_first_child (new_record)));
      for (guint i = 0; i < G_N_ELEMENTS (letters); i++)
        xtest_key (&x, letters[i], FALSE);
      xtest_key (&x, GDK_KEY_Escape, FALSE);
      cfd_test_ui_spin (200);
      g_assert_cmpuint (n_records (patient_b), ==, before_b);
      g_assert_cmpstr (content_page (), ==, "patient");
      /* Tab into the page, as a keyboard user does: the first stop is not
       * New Record (it was, with the old code), and typing there creates
       * nothing either. */
      cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_b);
      gtk_widget_child_focus (get_widget ("patient_page"), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, new_record));
      for (guint i = 0; i < G_N_ELEMENTS (letters); i++)
        xtest_key (&x, letters[i], FALSE);
      cfd_test_ui_spin (200);
      g_assert_cmpuint (n_records (patient_b), ==, before_b);

      /* Ctrl+N opens the menu; a letter picks nothing from it. */
      /* (The stray letters went to the search field, which catches typing
       * into the window: back to the patient.) */
      g_assert_cmpuint (n_records (patient_b), ==, before_b);
      cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_b);
      xtest_key (&x, GDK_KEY_n, TRUE);
      g_assert_true (popover_open (new_record));
      xtest_key (&x, GDK_KEY_d, FALSE);
      xtest_key (&x, GDK_KEY_Escape, FALSE);
      cfd_test_ui_spin (200);
      g_assert_cmpuint (n_records (patient_b), ==, before_b);
    }

  /* The menu's items have no mnemonic letters at all. */
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (new_record));

    for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
      {
        g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

        for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
          {
            g_autofree char *label = NULL;

            g_assert_true (
                g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL, "s", &label));
            g_assert_null (strchr (label, '_'));
          }
      }
  }
  /* Ctrl+N on a patient's page is the menu, not a record. */
  activate ("workspace", "workspace.new", NULL);
  g_assert_true (popover_open (new_record));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (new_record));
  g_assert_cmpuint (n_records (patient_a), ==, before_a);
  g_assert_cmpuint (n_records (patient_b), ==, before_b);
}

/* ---- findings 6 and 7: whose chart, and what was opened ---- */

static gint64
count_views (void)
{
  CfdAuditFilter filter = { .action = "patient.view" };
  g_autoptr (GError) error = NULL;
  gint64 count = 0;

  g_assert_true (cfd_vault_audit_count (vault (), &filter, &count, &error));
  g_assert_no_error (error);
  return count;
}

static void
test_identity_pinned (void)
{
  GtkWidget *scroller = get_widget ("patient_page/scroller");
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autofree char *dose_identity = NULL;

  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_a);
  cfd_test_ui_spin (100);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  cfd_test_ui_spin (50);

  /* Switching patients starts at the top; name, age and risk are pinned
   * outside what scrolls. */
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_b);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_false (gtk_widget_is_ancestor (get_widget ("patient_page/name_label"), scroller));
  g_assert_false (gtk_widget_is_ancestor (get_widget ("patient_page/risk_box"), scroller));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget ("patient_page/name_label"))), ==,
                   PATIENT_B);
  g_assert_true (gtk_widget_get_visible (get_widget ("patient_page/risk_box")));
  g_assert_true (g_str_has_suffix (adw_view_switcher_title_get_subtitle (
                                       ADW_VIEW_SWITCHER_TITLE (get_widget ("patient_page/title"))),
                                   "years"));

  /* The editor says whose chart it is, above the form and in its header. */
  cfd_workspace_open_record (CFD_WORKSPACE (get_widget ("workspace")), dosing_id);
  dose_identity = g_strdup (gtk_label_get_label (GTK_LABEL (get_widget ("editor/identity_label"))));
  {
    g_autofree char *prefix = g_strconcat (PATIENT_A, " · ", NULL);

    g_assert_true (g_str_has_prefix (dose_identity, prefix));
  }
  g_assert_true (g_str_has_suffix (dose_identity, " years"));
  g_assert_false (gtk_widget_get_visible (get_widget ("editor/identity_risk")));
  g_assert_true (g_str_has_prefix (
      adw_window_title_get_subtitle (ADW_WINDOW_TITLE (get_widget ("editor/title"))), PATIENT_A));
  activate ("editor", "editor.close", NULL);
  cfd_workspace_open_patient (CFD_WORKSPACE (get_widget ("workspace")), patient_b);
  activate ("patient_page", "patient.new-record", g_variant_new_string ("progress"));
  g_assert_true (g_str_has_prefix (
      gtk_label_get_label (GTK_LABEL (get_widget ("editor/identity_label"))), PATIENT_B));
  g_assert_true (gtk_widget_get_visible (get_widget ("editor/identity_risk")));
  activate ("editor", "editor.discard", NULL);
  respond ("discard");
}

static void
test_arrow_keys_preview (void)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (
      gtk_list_view_get_model (GTK_LIST_VIEW (get_widget ("patient_list"))));
  gint64 views = count_views ();
  guint other;

  /* The list is sorted by name: A at 0, B at 1; B is open. */
  g_assert_cmpstr (cfd_patient_get_name (gtk_single_selection_get_selected_item (selection)), ==,
                   PATIENT_B);
  other = gtk_single_selection_get_selected (selection) == 0 ? 1 : 0;
  /* What an arrow key does to the list: the selection moves, nothing opens. */
  gtk_single_selection_set_selected (selection, other);
  g_assert_cmpstr (content_page (), ==, "preview");
  g_assert_cmpint (count_views (), ==, views);
  g_assert_false (cfd_test_ui_has_text (get_widget ("content_stack"), PATIENT_B));
  gtk_single_selection_set_selected (selection, 1 - other);
  gtk_single_selection_set_selected (selection, other);
  g_assert_cmpint (count_views (), ==, views);

  /* Enter opens it, and that is recorded once. */
  g_signal_emit_by_name (get_widget ("patient_list"), "activate", other);
  g_assert_cmpstr (content_page (), ==, "patient");
  g_assert_cmpint (count_views (), ==, views + 1);

  /* A click on the other name opens that chart at once: clicks down the
   * list (a click on the open patient's row changes nothing) until the
   * selection moves. */
  {
    XTest x;
    GtkWidget *list = get_widget ("patient_list");

    if (!xtest_open (&x))
      {
        g_test_message ("No XTest: the click was not sent");
        return;
      }
    for (int y = 4; y < gtk_widget_get_height (list)
                    && gtk_single_selection_get_selected (selection) != 1 - other;
         y += 12)
      xtest_click (&x, list, 60, y);
    g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 1 - other);
    g_assert_cmpstr (content_page (), ==, "patient");
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget ("patient_page/name_label"))), ==,
                     cfd_patient_get_name (gtk_single_selection_get_selected_item (selection)));
    g_assert_cmpint (count_views (), ==, views + 2);
  }
}

static void
test_teardown (void)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
}

int
main (int argc, char *argv[])
{
  int status;

  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/editor/setup", test_setup);
  g_test_add_func ("/confidant/ui/editor/half-filled-vitals-lock", test_half_filled_lock);
  g_test_add_func ("/confidant/ui/editor/failed-save-lock", test_failed_save_lock);
  g_test_add_func ("/confidant/ui/editor/unanswered-not-assessed", test_not_assessed);
  g_test_add_func ("/confidant/ui/editor/discard", test_discard);
  g_test_add_func ("/confidant/ui/editor/stray-keys", test_stray_keys);
  g_test_add_func ("/confidant/ui/editor/identity-pinned", test_identity_pinned);
  g_test_add_func ("/confidant/ui/editor/arrow-keys-preview", test_arrow_keys_preview);
  g_test_add_func ("/confidant/ui/editor/cross-field-rules", test_cross_field_rules);
  g_test_add_func ("/confidant/ui/editor/teardown", test_teardown);
  status = g_test_run ();
  g_free (vault_path);
  g_free (patient_a);
  g_free (patient_b);
  g_free (dosing_id);
  return status;
}
