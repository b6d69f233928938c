/* cfd-review-panel.c: a signed record's supervision: comments and co-signatures, and adding them as a supervisor. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-review-panel.h"
#include "cfd-ui-util.h"

struct _CfdReviewPanel
{
  GtkWidget parent_instance;

  CfdVault *vault;
  gulong locked_handler;
  char *record_id;
  guint n_reviews;

  GtkListBox *list;
  GtkWidget *review_box;
  GtkTextView *comment_view;
  GtkWidget *cosign_button;
};

G_DEFINE_FINAL_TYPE (CfdReviewPanel, cfd_review_panel, GTK_TYPE_WIDGET)

static void
clear_comment (CfdReviewPanel *self)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->comment_view), "", 0);
}

void
cfd_review_panel_clear (CfdReviewPanel *self)
{
  GtkWidget *row;

  g_return_if_fail (CFD_IS_REVIEW_PANEL (self));

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
  clear_comment (self);
  self->n_reviews = 0;
  if (self->locked_handler != 0)
    g_clear_signal_handler (&self->locked_handler, self->vault);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->record_id, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

guint
cfd_review_panel_get_n_reviews (CfdReviewPanel *self)
{
  g_return_val_if_fail (CFD_IS_REVIEW_PANEL (self), 0);
  return self->n_reviews;
}

static const char *
user_name (GPtrArray *users, const char *id)
{
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->id, id) == 0)
        return info->name;
    }
  return _ ("a former user");
}

gboolean
cfd_review_panel_load (CfdReviewPanel *self, CfdVault *vault, CfdRecord *record, GError **error)
{
  g_autoptr (GListModel) reviews = NULL;
  g_autoptr (GPtrArray) users = NULL;
  gboolean supervisor, signed_, cosigned = FALSE;

  g_return_val_if_fail (CFD_IS_REVIEW_PANEL (self), FALSE);
  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (CFD_IS_RECORD (record), FALSE);

  g_object_ref (vault);
  cfd_review_panel_clear (self);
  self->vault = vault;
  self->record_id = g_strdup (cfd_record_get_id (record));
  self->locked_handler = g_signal_connect_object (
      vault, "locked", G_CALLBACK (cfd_review_panel_clear), self, G_CONNECT_SWAPPED);

  signed_ = cfd_record_get_status (record) == CFD_RECORD_SIGNED;
  supervisor = cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR;
  /* Only signed records are reviewed. */
  if (!signed_)
    return TRUE;
  reviews = cfd_vault_list_reviews (vault, self->record_id, error);
  if (reviews == NULL)
    return FALSE;
  users = cfd_vault_list_users_and_cards (vault);
  self->n_reviews = g_list_model_get_n_items (reviews);
  for (guint i = 0; i < self->n_reviews; i++)
    {
      g_autoptr (CfdReview) review = g_list_model_get_item (reviews, i);
      gboolean cosign = cfd_review_get_kind (review) == CFD_REVIEW_COSIGN;
      g_autofree char *when = cfd_ui_format_date_time (cfd_review_get_created (review));
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      /* Translators: who wrote a review comment and when: "Dr Valcourt · 3 Mar 2026, 14:02" */
      subtitle = g_strdup_printf (
          _ ("%s · %s"), user_name (users, cfd_review_get_author_id (review)), g_strstrip (when));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     cosign ? _ ("Co-signed") : cfd_review_get_text (review));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (
                                     cosign ? "emblem-ok-symbolic" : "chat-message-new-symbolic"));
      gtk_list_box_append (self->list, row);
      if (cosign
          && g_strcmp0 (cfd_review_get_author_id (review), cfd_vault_get_user_id (vault)) == 0)
        cosigned = TRUE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->n_reviews > 0);
  gtk_widget_set_visible (self->review_box, supervisor);
  gtk_widget_set_visible (self->cosign_button, supervisor && !cosigned);
  gtk_widget_set_visible (GTK_WIDGET (self), supervisor || self->n_reviews > 0);
  return TRUE;
}

static void
reload (CfdReviewPanel *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecord) record = NULL;

  if (self->vault == NULL || self->record_id == NULL)
    return;
  record = cfd_vault_get_record (self->vault, self->record_id, &error);
  if (record == NULL || !cfd_review_panel_load (self, self->vault, record, &error))
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The reviews could not be read"), error);
}

static void
comment_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdReviewPanel *self = CFD_REVIEW_PANEL (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->comment_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  GtkTextIter start, end;

  if (self->vault == NULL || self->record_id == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (text[0] == '\0')
    return;
  id = cfd_vault_add_review_comment (self->vault, self->record_id, text, &error);
  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The comment could not be added"), error);
      return;
    }
  clear_comment (self);
  reload (self);
}

static void
cosign_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdReviewPanel *self = CFD_REVIEW_PANEL (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->vault == NULL || self->record_id == NULL)
    return;
  id = cfd_vault_cosign_record (self->vault, self->record_id, &error);
  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The record could not be co-signed"), error);
      return;
    }
  reload (self);
  cfd_ui_toast (GTK_WIDGET (self), _ ("Co-signed"));
}

static void
cfd_review_panel_dispose (GObject *object)
{
  CfdReviewPanel *self = CFD_REVIEW_PANEL (object);

  cfd_review_panel_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_REVIEW_PANEL);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_review_panel_parent_class)->dispose (object);
}

static void
cfd_review_panel_class_init (CfdReviewPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_review_panel_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-review-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdReviewPanel, list);
  gtk_widget_class_bind_template_child (widget_class, CfdReviewPanel, review_box);
  gtk_widget_class_bind_template_child (widget_class, CfdReviewPanel, comment_view);
  gtk_widget_class_bind_template_child (widget_class, CfdReviewPanel, cosign_button);

  gtk_widget_class_install_action (widget_class, "review.comment", NULL, comment_action);
  gtk_widget_class_install_action (widget_class, "review.cosign", NULL, cosign_action);
}

static void
cfd_review_panel_init (CfdReviewPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
