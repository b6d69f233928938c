/* test-ui-forms.c: the first-run and new-patient forms speak at the right time: focus, dates, mismatches, the strength colour. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-consent-dialog.h"
#include "cfd-create-page.h"
#include "cfd-patient-dialog.h"
#include "cfd-recovery-key-page.h"

static gboolean
focus_within (GtkWindow *window, GtkWidget *widget)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
on_added (CfdPatientDialog *dialog, const char *id, char **out)
{
  *out = g_strdup (id);
}

static void
test_new_patient (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdPatientDialog *dialog = cfd_patient_dialog_new (NULL, vault);
  GtkWidget *name = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "name_row");
  GtkWidget *birth = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "birth_date_row");
  GtkWidget *error = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "error_label");
  GtkCalendar *calendar
      = GTK_CALENDAR (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "date-calendar"));
  g_autoptr (GDateTime) day = g_date_time_new_local (1988, 4, 2, 0, 0, 0);
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *added = NULL;

  g_signal_connect (dialog, "added", G_CALLBACK (on_added), &added);
  gtk_window_present (GTK_WINDOW (dialog));
  cfd_test_ui_spin (50);
  /* Typing starts in the name, not on Cancel. */
  g_assert_true (focus_within (GTK_WINDOW (dialog), name));

  /* Half typed: no complaint yet. A complete impossible or future date:
   * said at once, before Add. */
  gtk_editable_set_text (GTK_EDITABLE (birth), "1988-0");
  g_assert_false (gtk_widget_get_visible (error));
  gtk_editable_set_text (GTK_EDITABLE (birth), "1988-02-30");
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (birth, "error"));
  gtk_editable_set_text (GTK_EDITABLE (birth), "2999-01-01");
  g_assert_true (gtk_widget_get_visible (error));

  /* The calendar writes the date in the form core stores. */
  gtk_calendar_select_day (calendar, day);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (birth)), ==, "1988-04-02");
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_false (gtk_widget_has_css_class (birth, "error"));

  gtk_editable_set_text (GTK_EDITABLE (name), "Jordan Formtest");
  /* Demographics: sex starts at "not asked"; the choices are FHIR's codes. */
  {
    AdwComboRow *sex = ADW_COMBO_ROW (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "sex_row"));

    g_assert_cmpuint (adw_combo_row_get_selected (sex), ==, 0);
    adw_combo_row_set_selected (sex, 3);
    gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "mrn_row")),
                           "KAT-7");
  }
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "patient.add", NULL));
  g_assert_nonnull (added);
  g_assert_null (dialog);
  patient = cfd_vault_get_patient (vault, added, NULL);
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE), ==, "1988-04-02");
  g_assert_cmpstr (cfd_patient_get_sex (patient), ==, "other");
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_MRN), ==, "KAT-7");
}

/* The block of a level bar's filled part carries the offset's name. */
static gboolean
bar_has_class (GtkWidget *widget, const char *name)
{
  if (gtk_widget_has_css_class (widget, name))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (bar_has_class (child, name))
      return TRUE;
  return FALSE;
}

static void
test_create_page (void)
{
  g_autofree char *dir = cfd_test_make_dir ();
  GtkWidget *window = gtk_window_new ();
  CfdCreatePage *page = g_object_new (CFD_TYPE_CREATE_PAGE, NULL);
  GtkWidget *owner, *passphrase, *confirm, *match, *bar;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  owner = cfd_test_ui_find_widget (GTK_WIDGET (page), "owner_row");
  passphrase = cfd_test_ui_find_widget (GTK_WIDGET (page), "passphrase_row");
  confirm = cfd_test_ui_find_widget (GTK_WIDGET (page), "confirm_row");
  match = cfd_test_ui_find_widget (GTK_WIDGET (page), "match_label");
  bar = cfd_test_ui_find_widget (GTK_WIDGET (page), "strength_bar");

  gtk_editable_set_text (GTK_EDITABLE (owner), "Dr Form Test");
  /* Weak: the bar is the error colour, not the accent. */
  gtk_editable_set_text (GTK_EDITABLE (passphrase), "kitten");
  cfd_test_ui_spin (50);
  g_assert_true (bar_has_class (bar, "weak"));
  g_assert_false (bar_has_class (bar, "high"));
  gtk_editable_set_text (GTK_EDITABLE (passphrase), CFD_TEST_PASSPHRASE);
  cfd_test_ui_spin (50);
  g_assert_false (bar_has_class (bar, "weak"));

  /* Being typed, the confirmation is not yet "different"... */
  gtk_widget_grab_focus (confirm);
  gtk_editable_set_text (GTK_EDITABLE (confirm), "correct horse");
  g_assert_false (gtk_widget_get_visible (match));
  /* ...left unfinished, it is. */
  gtk_widget_grab_focus (owner);
  g_assert_true (gtk_widget_get_visible (match));
  /* Fixed, the message goes as soon as they agree. */
  gtk_editable_set_text (GTK_EDITABLE (confirm), CFD_TEST_PASSPHRASE);
  g_assert_false (gtk_widget_get_visible (match));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Through the whole list: has_item is critical on a list not yet read. */
static gboolean
recent_has (gconstpointer uri)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  gboolean found = FALSE;

  for (GList *l = items; l != NULL; l = l->next)
    found |= g_strcmp0 (gtk_recent_info_get_uri (l->data), uri) == 0;
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
  return found;
}

#define RECOVERY_KEY "K7QM-2XWD-9PLA-4RTE-8NBC-3HJV-6FSY-5GUZ-1MKD"

static void
test_recovery_key_file (void)
{
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "recovery key.txt", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  GtkRecentManager *recent = gtk_recent_manager_get_default ();
  GtkWidget *window = gtk_window_new ();
  CfdRecoveryKeyPage *page = g_object_new (CFD_TYPE_RECOVERY_KEY_PAGE, NULL);
  GStatBuf st;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  cfd_recovery_key_page_set_key (page, RECOVERY_KEY);

  /* An existing file, readable by all, as a chooser might overwrite; and
   * the entry a file chooser may have added for it. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (gtk_recent_manager_add_item (recent, uri));
  cfd_test_ui_wait_until (recent_has, uri, "the recent files entry");

  g_assert_true (cfd_recovery_key_page_save_to (page, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  /* As shown on screen: three groups to a line. */
  g_assert_nonnull (strstr (contents, "K7QM  2XWD  9PLA\n4RTE  8NBC  3HJV\n6FSY  5GUZ  1MKD"));
  g_assert_false (recent_has (uri));
  g_unlink (path);

  /* A folder that cannot be written: a clear error, without the key. */
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "missing", "key.txt", NULL);
  g_assert_false (cfd_recovery_key_page_save_to (page, path, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "K7QM"));
  g_clear_error (&error);

  /* Once the owner has continued, there is nothing left to save. */
  cfd_recovery_key_page_set_key (page, NULL);
  g_assert_false (cfd_recovery_key_page_save_to (page, path, &error));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A consent starts on the narrower medical record: the psychotherapy
 * notes are shared only when chosen (docs/CLINICAL.md). */
static void
test_consent_default_scope (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Consent Default");
  CfdConsentDialog *dialog = cfd_consent_dialog_new (NULL, vault, patient);

  g_assert_cmpuint (adw_combo_row_get_selected (
                        ADW_COMBO_ROW (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "scope_row"))),
                    ==, CFD_CONSENT_SCOPE_MEDICAL);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char *argv[])
{
  /* The recent files list of this run only, not the user's. */
  g_autofree char *data_home = g_dir_make_tmp ("confidant-forms-XXXXXX", NULL);
  g_autofree char *recent_file = g_build_filename (data_home, "recently-used.xbel", NULL);
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/forms/new-patient", test_new_patient);
  g_test_add_func ("/confidant/ui/forms/create-page", test_create_page);
  g_test_add_func ("/confidant/ui/forms/recovery-key-file", test_recovery_key_file);
  g_test_add_func ("/confidant/ui/forms/consent-default-scope", test_consent_default_scope);
  status = g_test_run ();
  g_unlink (recent_file);
  g_rmdir (data_home);
  return status;
}
