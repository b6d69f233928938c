/* test-ui-supervision.c: a supervisor in the record editor: read-only, comments and co-signature; the owner sees them. */
#include "config.h"

#include <adwaita.h>

#include "cfd-consent.h"
#include "cfd-record.h"
#include "cfd-review.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-record-editor.h"
#include "cfd-review-panel.h"

#define SUPERVISOR            "Dr Sable Supervisor"
#define SUPERVISOR_PASSPHRASE "supervisor passphrase for tests"
#define COMMENT               "Consider revisiting the river imagery next session."

static char *
signed_record (CfdVault *vault, const char *patient)
{
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;
  GVariantDict dict;
  char *id;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", "Steady week; sleeping better.");
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS,
                                g_get_real_time () / G_USEC_PER_SEC, content, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_supervisor_reviews (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Supervised Patient");
  g_autofree char *supervisor_id = NULL;
  g_autofree char *consent = NULL;
  g_autofree char *record = NULL;
  g_autoptr (CfdVault) as_supervisor = NULL;
  g_autoptr (GListModel) reviews = NULL;
  g_autoptr (GError) error = NULL;
  CfdConsentTerms terms = { 0 };
  GtkWidget *window = gtk_window_new ();
  CfdRecordEditor *editor = g_object_new (CFD_TYPE_RECORD_EDITOR, NULL);
  CfdReviewPanel *panel;
  GtkTextView *comment;

  supervisor_id
      = cfd_vault_add_user (vault, SUPERVISOR, CFD_ROLE_SUPERVISOR, SUPERVISOR_PASSPHRASE, &error);
  g_assert_no_error (error);
  record = signed_record (vault, patient);
  terms.supervisor = supervisor_id;
  terms.scope = CFD_CONSENT_SCOPE_ALL;
  terms.purpose = "case review";
  terms.obtained_on = "2026-01-05";
  terms.method = "signed form";
  consent = cfd_vault_grant_consent (vault, patient, &terms, &error);
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (editor));
  gtk_window_present (GTK_WINDOW (window));
  panel = CFD_REVIEW_PANEL (cfd_test_ui_find_widget (GTK_WIDGET (editor), "review_panel"));

  /* The owner: no reviews yet, so no section; nothing to review with. */
  g_assert_true (cfd_record_editor_load (editor, vault, record, &error));
  g_assert_no_error (error);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel)));

  /* The supervisor: the record read-only, with a field to comment. */
  as_supervisor = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (as_supervisor, SUPERVISOR, SUPERVISOR_PASSPHRASE, &error));
  g_assert_true (cfd_record_editor_load (editor, as_supervisor, record, &error));
  g_assert_no_error (error);
  g_assert_false (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (editor), "sign_button")));
  g_assert_false (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (editor), "addendum_button")));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "review_box")));

  /* An empty comment is not sent. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "review.comment", NULL));
  g_assert_cmpuint (cfd_review_panel_get_n_reviews (panel), ==, 0);
  comment = GTK_TEXT_VIEW (cfd_test_ui_find_widget (GTK_WIDGET (panel), "comment_view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (comment), COMMENT, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "review.comment", NULL));
  g_assert_cmpuint (cfd_review_panel_get_n_reviews (panel), ==, 1);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), COMMENT));
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "cosign_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "review.cosign", NULL));
  g_assert_cmpuint (cfd_review_panel_get_n_reviews (panel), ==, 2);
  g_assert_false (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "cosign_button")));

  reviews = cfd_vault_list_reviews (vault, record, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reviews), ==, 2);
  /* Made within the same second, the two may list in either order. */
  {
    guint comments = 0, cosigns = 0;

    for (guint i = 0; i < 2; i++)
      {
        g_autoptr (CfdReview) review = g_list_model_get_item (reviews, i);

        g_assert_cmpstr (cfd_review_get_author_id (review), ==, supervisor_id);
        if (cfd_review_get_kind (review) == CFD_REVIEW_COMMENT)
          {
            g_assert_cmpstr (cfd_review_get_text (review), ==, COMMENT);
            comments++;
          }
        else
          cosigns++;
      }
    g_assert_cmpuint (comments, ==, 1);
    g_assert_cmpuint (cosigns, ==, 1);
  }

  /* Locking drops the comments shown. */
  cfd_vault_lock (as_supervisor);
  g_assert_cmpuint (cfd_review_panel_get_n_reviews (panel), ==, 0);
  g_assert_false (cfd_test_ui_has_label (GTK_WIDGET (panel), COMMENT));

  /* The owner reads them with the record, and cannot add any. */
  g_assert_true (cfd_record_editor_load (editor, vault, record, &error));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_assert_cmpuint (cfd_review_panel_get_n_reviews (panel), ==, 2);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), COMMENT));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (panel), SUPERVISOR));
  g_assert_false (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (panel), "review_box")));
  g_assert_true (
      gtk_widget_get_visible (cfd_test_ui_find_widget (GTK_WIDGET (editor), "addendum_button")));

  cfd_record_editor_clear (editor);
  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *)&editor);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (editor);
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
  g_test_add_func ("/confidant/ui/supervision/reviews", test_supervisor_reviews);
  return g_test_run ();
}
