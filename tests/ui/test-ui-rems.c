/* test-ui-rems.c: the REMS panel under a signed esketamine dosing record: due, missing questions, recording the submission. */
#include "config.h"

#include <adwaita.h>

#include "cfd-date.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-rems-panel.h"

static char *
signed_dosing (CfdVault *vault, const char *patient, const char *medication, gint64 occurred)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder vitals;
  GVariantDict d;
  char *record;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", medication);
  g_variant_dict_insert (&d, "route", "s", "intranasal");
  g_variant_dict_insert (&d, "dose-mg", "d", 56.0);
  g_variant_dict_insert (&d, "devices", "x", (gint64)2);
  g_variant_dict_insert (&d, "device-1-time", "s", "09:00");
  g_variant_dict_insert (&d, "device-2-time", "s", "09:05");
  g_variant_builder_init (&vitals, G_VARIANT_TYPE ("a(sqqqq)"));
  g_variant_builder_add (&vitals, "(sqqqq)", "08:50", 128, 82, 72, 98);
  g_variant_builder_add (&vitals, "(sqqqq)", "09:40", 136, 86, 76, 97);
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "observation-minutes", "x", (gint64)120);
  g_variant_dict_insert (&d, "ready-to-leave-time", "s", "11:00");
  g_variant_dict_insert (&d, "discharge-time", "s", "11:05");
  g_variant_dict_insert (&d, "discharge-criteria-met", "b", TRUE);
  record = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, occurred,
                                    g_variant_dict_end (&d), &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, record, &error));
  g_assert_no_error (error);
  return record;
}

static GtkWidget *
find_type (GtkWidget *root, GType type, guint skip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && skip-- == 0)
        return child;
      found = find_type (child, type, skip);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child)
          && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_due_then_submitted (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Panel Esketamine Person");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *record = signed_dosing (vault, patient, "esketamine", now);
  g_autoptr (CfdRecord) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *due = cfd_date_format (cfd_rems_form_due_date (now));
  g_autofree char *due_text = g_strdup_printf ("Due by %s", due);
  GtkWidget *window = gtk_window_new ();
  CfdRemsPanel *panel = g_object_new (CFD_TYPE_REMS_PANEL, NULL);
  GtkWidget *confirmation;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  gtk_window_present (GTK_WINDOW (window));
  loaded = cfd_vault_get_record (vault, record, &error);
  g_assert_no_error (error);
  cfd_rems_panel_show (panel, vault, loaded);
  cfd_test_ui_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_assert_true (cfd_test_ui_has_text (window, "REMS Patient Monitoring Form"));
  g_assert_true (cfd_test_ui_has_text (window, due_text));
  g_assert_true (cfd_test_ui_has_text (window, "questions the record does not answer"));
  g_assert_true (cfd_test_ui_has_text (window, "Patient: Sex"));

  /* The second entry row is the confirmation number; the date is today. */
  confirmation = find_type (window, ADW_TYPE_ENTRY_ROW, 1);
  g_assert_nonnull (confirmation);
  gtk_editable_set_text (GTK_EDITABLE (confirmation), "PMF-77120");
  g_signal_emit_by_name (find_button (window, "_Record Submission"), "clicked");
  cfd_test_ui_spin (50);
  g_assert_true (cfd_test_ui_has_text (window, "Confirmation number PMF-77120"));
  g_assert_null (find_button (window, "_Record Submission"));
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM rems_submissions"), ==, 1);

  /* Locking drops what the panel shows of the patient. */
  cfd_rems_panel_clear (panel);
  g_assert_false (cfd_test_ui_has_text (window, "PMF-77120"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_hidden_for_other_records (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Panel Ketamine Person");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GError) error = NULL;
  g_autofree char *record = NULL;
  g_autoptr (CfdRecord) loaded = NULL;
  CfdRemsPanel *panel = g_object_ref_sink (g_object_new (CFD_TYPE_REMS_PANEL, NULL));
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  record = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, now, g_variant_dict_end (&d),
                                    &error);
  g_assert_no_error (error);
  loaded = cfd_vault_get_record (vault, record, &error);
  g_assert_no_error (error);
  cfd_rems_panel_show (panel, vault, loaded);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_object_unref (panel);
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
  g_test_add_func ("/confidant/ui/rems/due-then-submitted", test_due_then_submitted);
  g_test_add_func ("/confidant/ui/rems/hidden-for-other-records", test_hidden_for_other_records);
  return g_test_run ();
}
