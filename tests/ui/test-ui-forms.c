/* test-ui-forms.c: the first-run and new-patient forms speak at the right time: focus, dates, mismatches, the strength colour. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-create-page.h"
#include "cfd-patient-dialog.h"

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
  GtkCalendar *calendar = GTK_CALENDAR (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "calendar"));
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
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "patient.add", NULL));
  g_assert_nonnull (added);
  g_assert_null (dialog);
  patient = cfd_vault_get_patient (vault, added, NULL);
  g_assert_cmpstr (cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE), ==, "1988-04-02");
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

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/forms/new-patient", test_new_patient);
  g_test_add_func ("/confidant/ui/forms/create-page", test_create_page);
  return g_test_run ();
}
