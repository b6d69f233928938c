/* test-ui-capsule.c: cards, capsules and replies through the windows, between two real vaults. */
#include "config.h"

#include <adwaita.h>

#include "cfd-capsule.h"
#include "cfd-consent.h"
#include "cfd-record.h"
#include "cfd-review.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-capsule-window.h"
#include "cfd-consent-dialog.h"
#include "cfd-consent-panel.h"
#include "cfd-supervision-window.h"

#define PATIENT    "Perpetua Lanthorn"
#define NOTE       "Breathing practice helped with the evening dread"
#define SUPERVISOR "Dr Isolde Remote"

/* The whole round through the windows: the card into the therapist's
 * Supervision Files (the fingerprint shown to compare), a capsule from the
 * consent row, into the supervisor's window, opened read-only, co-signed,
 * and the reply back onto the note. */
static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *supervisor_path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autofree char *card = NULL, *file = NULL, *reply = NULL, *fingerprint = NULL;
  g_autoptr (CfdVault) therapist = cfd_test_vault_new (NULL, NULL);
  g_autoptr (CfdVault) supervisor
      = cfd_vault_create (supervisor_path, SUPERVISOR, CFD_TEST_PASSPHRASE, &recovery, &error);
  g_autofree char *patient = NULL, *record = NULL, *consent = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GListModel) capsules = NULL;
  g_autoptr (CfdCapsule) capsule = NULL;
  g_autoptr (GListModel) reviews = NULL;
  CfdSupervisionWindow *practice, *window;
  CfdConsentPanel *panel;
  CfdCapsuleWindow *view;
  AdwMessageDialog *dialog;
  GtkWidget *holder;
  GVariantDict dict;
  CfdConsentTerms terms = {
    .supervisor = SUPERVISOR,
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Remote supervision",
    .obtained_on = "2026-11-01",
    .method = "signed form",
  };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  card = g_build_filename (dir, "card", NULL);
  file = g_build_filename (dir, "capsule", NULL);
  reply = g_build_filename (dir, "reply", NULL);
  patient = cfd_test_add_patient (therapist, PATIENT);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", NOTE);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  record = cfd_vault_create_record (therapist, patient, CFD_RECORD_PROGRESS,
                                    g_get_real_time () / G_USEC_PER_SEC - 3600, content, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (therapist, record, &error));
  g_assert_true (cfd_vault_export_supervisor_card (supervisor, card, &fingerprint, &error));

  practice = cfd_supervision_window_new (NULL, therapist);
  gtk_window_present (GTK_WINDOW (practice));
  g_assert_true (cfd_supervision_window_import_card (practice, card));
  cfd_test_ui_spin (50);
  dialog = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), fingerprint));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The new consent dialog offers the supervisor known by card. */
  {
    CfdConsentDialog *consent_dialog
        = cfd_consent_dialog_new (GTK_WINDOW (practice), therapist, patient);

    gtk_window_present (GTK_WINDOW (consent_dialog));
    cfd_test_ui_spin (50);
    g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (consent_dialog), SUPERVISOR " (by card)"));
    gtk_window_destroy (GTK_WINDOW (consent_dialog));
  }

  consent = cfd_vault_grant_consent (therapist, patient, &terms, &error);
  g_assert_no_error (error);
  holder = gtk_window_new ();
  panel = g_object_new (CFD_TYPE_CONSENT_PANEL, NULL);
  gtk_window_set_child (GTK_WINDOW (holder), GTK_WIDGET (panel));
  g_assert_true (cfd_consent_panel_load (panel, therapist, patient, &error));
  g_assert_no_error (error);
  g_assert_nonnull (cfd_test_ui_find_button (GTK_WIDGET (panel), "Send as _Capsule…"));
  g_assert_true (cfd_consent_panel_save_capsule (panel, consent, file));
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (holder));

  window = cfd_supervision_window_new (NULL, supervisor);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (cfd_supervision_window_get_n_capsules (window), ==, 0);
  g_assert_true (cfd_supervision_window_import_capsule (window, file));
  g_assert_cmpuint (cfd_supervision_window_get_n_capsules (window), ==, 1);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (window), "From Test Owner"));
  /* The same file again is refused, and the list stays as it was. */
  g_assert_false (cfd_supervision_window_import_capsule (window, file));
  g_assert_cmpuint (cfd_supervision_window_get_n_capsules (window), ==, 1);
  /* The import offered to delete the file, which outlives the expiry. */
  {
    AdwMessageDialog *offer = cfd_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

    g_assert_nonnull (offer);
    g_assert_cmpstr (adw_message_dialog_get_heading (offer), ==, "Delete the Capsule File?");
    g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
    adw_message_dialog_response (offer, "delete");
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (cfd_supervision_window_get_n_capsules (window), ==, 1);
  }

  capsules = cfd_vault_list_capsules (supervisor, &error);
  capsule = g_list_model_get_item (capsules, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "supervision.open-capsule", "s",
                                             cfd_capsule_get_id (capsule)));
  cfd_test_ui_spin (50);
  view = cfd_test_ui_find_toplevel (CFD_TYPE_CAPSULE_WINDOW);
  g_assert_nonnull (view);
  g_assert_cmpuint (cfd_capsule_window_get_n_records (view), ==, 1);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (view), "Read-only"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (view), PATIENT));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "capsule.cosign", "s", record));
  g_assert_cmpuint (
      cfd_vault_export_review_reply (supervisor, cfd_capsule_get_id (capsule), reply, &error), ==,
      1);
  g_assert_no_error (error);

  g_assert_true (cfd_supervision_window_import_reply (practice, reply));
  reviews = cfd_vault_list_reviews (therapist, record, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 1);
  g_assert_false (cfd_supervision_window_import_reply (practice, reply));

  /* Locking takes the windows, and the decrypted text with them. */
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *)&view);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  g_object_add_weak_pointer (G_OBJECT (practice), (gpointer *)&practice);
  cfd_vault_lock (supervisor);
  cfd_vault_lock (therapist);
  cfd_test_ui_spin (50);
  g_assert_null (view);
  g_assert_null (window);
  g_assert_null (practice);
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
  g_test_add_func ("/confidant/ui/capsule/round-trip", test_round_trip);
  return g_test_run ();
}
