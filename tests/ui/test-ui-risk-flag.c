/* test-ui-risk-flag.c: the risk flag dialog on a real vault: the history, Review and Resolve, locking. */
#include "config.h"

#include <adwaita.h>

#include "cfd-measure.h"
#include "cfd-risk-flag.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-risk-flag-dialog.h"

#define JAN_2026 G_GINT64_CONSTANT (1767268800)

static void
count_change (gpointer dialog, guint *changes)
{
  (*changes)++;
}

static gboolean
flag_is_up (CfdVault *vault, const char *patient_id)
{
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, patient_id, NULL);

  g_assert_nonnull (patient);
  return cfd_patient_get_risk_flag (patient);
}

static void
test_review_and_resolve (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Flag Dialog Person");
  static const guint8 risky[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) steps = NULL;
  CfdRiskFlagDialog *dialog;
  guint changes = 0;

  g_free (cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, JAN_2026, risky, 9, &error));
  g_assert_no_error (error);
  dialog = cfd_risk_flag_dialog_new (NULL, vault, patient, &error);
  g_assert_no_error (error);
  g_signal_connect (dialog, "changed", G_CALLBACK (count_change), &changes);
  gtk_window_present (GTK_WINDOW (dialog));
  cfd_test_ui_spin (50);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (dialog), "Raised"));
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (dialog), "measure record of 2026-01-01"));

  /* Resolving first is refused, and says why, in the dialog. */
  cfd_risk_flag_dialog_set_action_text (dialog, "Nothing done yet.");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "flag.resolve", NULL);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (dialog), "Review the risk flag before"));
  g_assert_cmpuint (changes, ==, 0);

  cfd_risk_flag_dialog_set_action_text (dialog, "Called; safety plan reviewed.");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "flag.review", NULL);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (dialog), "Called; safety plan reviewed."));
  g_assert_true (flag_is_up (vault, patient));

  cfd_risk_flag_dialog_set_action_text (dialog, "No ideation at follow-up.");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "flag.resolve", NULL);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_false (flag_is_up (vault, patient));
  g_assert_true (cfd_test_ui_has_text (GTK_WIDGET (dialog), "No flag is open"));
  steps = cfd_vault_list_risk_flag (vault, patient, &error);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 3);

  /* Locking closes it, and nothing typed stays. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  cfd_vault_lock (vault);
  cfd_test_ui_spin (50);
  g_assert_null (dialog);
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
  g_test_add_func ("/confidant/ui/risk-flag/review-and-resolve", test_review_and_resolve);
  return g_test_run ();
}
