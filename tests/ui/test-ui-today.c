/* test-ui-today.c: the Today window on a real vault: its groups, measures due, opening an item, locking. */
#include "config.h"

#include <adwaita.h>

#include "cfd-date.h"
#include "cfd-measure.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-today-window.h"

#define JAN_2026 G_GINT64_CONSTANT (1767268800)

static void
remember_open (gpointer window, const char *patient_id, const char *record_id, char **opened)
{
  g_free (*opened);
  *opened = g_strdup (patient_id);
}

static GtkWidget *
find_activatable_row (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ACTION_ROW (child) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)))
        return child;
      found = find_activatable_row (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_today (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *flagged = cfd_test_add_patient (vault, "Today Flagged Person");
  g_autofree char *calm = cfd_test_add_patient (vault, "Today Calm Person");
  static const guint8 risky[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *opened = NULL;
  CfdTodayWindow *today;
  GtkWidget *row;

  today = cfd_today_window_new (NULL, vault);
  gtk_window_present (GTK_WINDOW (today));
  cfd_test_ui_spin (50);
  g_assert_cmpuint (cfd_today_window_get_n_items (today), ==, 0);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), "Nothing Needs Attention"));
  gtk_window_destroy (GTK_WINDOW (today));

  g_free (cfd_vault_add_measure (vault, flagged, CFD_INSTRUMENT_PHQ9, JAN_2026, risky, 9, &error));
  g_assert_no_error (error);
  today = cfd_today_window_new (NULL, vault);
  g_signal_connect (today, "open", G_CALLBACK (remember_open), &opened);
  gtk_window_present (GTK_WINDOW (today));
  cfd_test_ui_spin (50);
  g_assert_cmpuint (cfd_today_window_get_n_items (today), ==, 1);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), "Open Risk Flags"));
  {
    g_autoptr (CfdPatient) shown = cfd_vault_get_patient (vault, flagged, NULL);
    g_autoptr (CfdPatient) not_shown = cfd_vault_get_patient (vault, calm, NULL);

    g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), cfd_patient_get_name (shown)));
    g_assert_false (cfd_test_ui_has_text (GTK_WIDGET (today), cfd_patient_get_name (not_shown)));
  }

  /* Activating the row opens that patient and closes the window. */
  row = find_activatable_row (GTK_WIDGET (today));
  g_assert_nonnull (row);
  g_object_add_weak_pointer (G_OBJECT (today), (gpointer *)&today);
  g_signal_emit_by_name (row, "activated");
  cfd_test_ui_spin (50);
  g_assert_cmpstr (opened, ==, flagged);
  g_assert_null (today);

  /* Locking closes it: it shows patients' names. */
  today = cfd_today_window_new (NULL, vault);
  gtk_window_present (GTK_WINDOW (today));
  g_object_add_weak_pointer (G_OBJECT (today), (gpointer *)&today);
  cfd_vault_lock (vault);
  cfd_test_ui_spin (50);
  g_assert_null (today);
}

/* A patient's schedule puts its measures due in their own group, with why. */
static void
test_measures_due (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Today Scheduled Person");
  const char *rules[] = { "pcl5:every-30-days", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) shown = NULL;
  CfdTodayWindow *today;

  g_assert_true (cfd_vault_set_measure_schedule (vault, patient, rules, &error));
  g_assert_no_error (error);
  shown = cfd_vault_get_patient (vault, patient, &error);
  g_assert_no_error (error);
  today = cfd_today_window_new (NULL, vault);
  gtk_window_present (GTK_WINDOW (today));
  cfd_test_ui_spin (50);
  g_assert_cmpuint (cfd_today_window_get_n_items (today), ==, 1);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), "Measures Due"));
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), cfd_patient_get_name (shown)));
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), "No PCL-5 yet"));
  g_assert_nonnull (find_activatable_row (GTK_WIDGET (today)));
  gtk_window_destroy (GTK_WINDOW (today));
}

/* A signed esketamine session puts its REMS form in its own group, with
 * the session day and the day it is due; activating it opens the record. */
static void
test_rems_form_due (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Today Esketamine Person");
  g_autoptr (GError) error = NULL;
  g_autofree char *record = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *session = NULL, *due = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GVariantBuilder vitals;
  GVariantDict d;
  CfdTodayWindow *today;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "esketamine");
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
  record = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, now, g_variant_dict_end (&d),
                                    &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, record, &error));
  g_assert_no_error (error);

  today = cfd_today_window_new (NULL, vault);
  gtk_window_present (GTK_WINDOW (today));
  cfd_test_ui_spin (50);
  g_assert_cmpuint (cfd_today_window_get_n_items (today), ==, 1);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), "REMS Forms Due"));
  session = cfd_date_format (now);
  due = cfd_date_format (cfd_rems_form_due_date (now));
  expected = g_strdup_printf ("Session %s · due by %s", session, due);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (today), expected));
  g_assert_nonnull (find_activatable_row (GTK_WIDGET (today)));
  gtk_window_destroy (GTK_WINDOW (today));
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
  g_test_add_func ("/confidant/ui/today/lists-and-opens", test_today);
  g_test_add_func ("/confidant/ui/today/measures-due", test_measures_due);
  g_test_add_func ("/confidant/ui/today/rems-form-due", test_rems_form_due);
  return g_test_run ();
}
