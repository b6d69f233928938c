/* cfd-consent-panel.c: a patient's supervision consents, each in plain words, granting and revoking. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-consent-dialog.h"
#include "cfd-consent-panel.h"
#include "cfd-ui-util.h"

struct _CfdConsentPanel
{
  GtkWidget parent_instance;

  CfdVault *vault;
  gulong locked_handler;
  char *patient_id;
  guint n_consents;

  GtkWidget *add_button;
  GtkStack *stack;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (CfdConsentPanel, cfd_consent_panel, GTK_TYPE_WIDGET)

/* The nearest toast overlay: the main window's, or none (a test). */
static void
remove_rows (CfdConsentPanel *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
}

void
cfd_consent_panel_clear (CfdConsentPanel *self)
{
  g_return_if_fail (CFD_IS_CONSENT_PANEL (self));

  remove_rows (self);
  self->n_consents = 0;
  gtk_stack_set_visible_child_name (self->stack, "empty");
  if (self->locked_handler != 0)
    g_clear_signal_handler (&self->locked_handler, self->vault);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
}

guint
cfd_consent_panel_get_n_consents (CfdConsentPanel *self)
{
  g_return_val_if_fail (CFD_IS_CONSENT_PANEL (self), 0);
  return self->n_consents;
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

static GtkWidget *
consent_row (
    CfdConsentPanel *self, CfdConsent *consent, GPtrArray *users, GPtrArray *cards, gint64 now)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *summary
      = cfd_consent_describe (consent, user_name (users, cfd_consent_get_supervisor_id (consent)));
  g_autofree char *subtitle = NULL;
  const char *state;
  gboolean live = cfd_consent_is_live (consent, now);
  gboolean by_card = FALSE;

  for (guint i = 0; cards != NULL && i < cards->len; i++)
    by_card |= g_strcmp0 (((CfdUserInfo *)g_ptr_array_index (cards, i))->id,
                          cfd_consent_get_supervisor_id (consent))
               == 0;

  if (cfd_consent_get_revoked_at (consent) != 0)
    state = _ ("Revoked");
  else if (!live)
    state = _ ("Expired");
  else
    state = _ ("Active");
  /* Translators: "Active · obtained 2026-03-01 by signed form · recorded by Dr Ashby" */
  subtitle = g_strdup_printf (
      _ ("%s · obtained %s by %s · recorded by %s"), state, cfd_consent_get_obtained_on (consent),
      cfd_consent_get_method (consent), user_name (users, cfd_consent_get_granted_by (consent)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (
      ADW_ACTION_ROW (row),
      gtk_image_new_from_icon_name (live ? "emblem-ok-symbolic" : "action-unavailable-symbolic"));
  if (live && cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Revoke"));

      /* For a supervisor on their own computer (known by their card): the
       * records this consent covers, sealed to them. */
      if (by_card)
        {
          GtkWidget *capsule = gtk_button_new_with_mnemonic (_ ("Send as _Capsule…"));

          gtk_widget_set_valign (capsule, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (
              capsule, _ ("Save the records this consent covers as a file only the supervisor "
                          "can open, until the consent expires"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (capsule), "consents.capsule");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (capsule), "s",
                                            cfd_consent_get_id (consent));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), capsule);
        }

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "consents.revoke");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", cfd_consent_get_id (consent));
      gtk_widget_add_css_class (button, "destructive-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  if (!live)
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

gboolean
cfd_consent_panel_load (CfdConsentPanel *self,
                        CfdVault *vault,
                        const char *patient_id,
                        GError **error)
{
  g_autoptr (GListModel) consents = NULL;
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean supervisor;

  g_return_val_if_fail (CFD_IS_CONSENT_PANEL (self), FALSE);
  g_return_val_if_fail (CFD_IS_VAULT (vault), FALSE);

  g_object_ref (vault);
  cfd_consent_panel_clear (self);
  self->vault = vault;
  self->patient_id = g_strdup (patient_id);
  self->locked_handler = g_signal_connect_object (
      vault, "locked", G_CALLBACK (cfd_consent_panel_clear), self, G_CONNECT_SWAPPED);

  supervisor = cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR;
  gtk_widget_set_visible (self->add_button, !supervisor);
  /* A supervisor works under these consents but does not manage them. */
  if (supervisor)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return TRUE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  consents = cfd_vault_list_consents (vault, patient_id, error);
  if (consents == NULL)
    return FALSE;
  users = cfd_vault_list_users_and_cards (vault);
  cards = cfd_vault_list_card_supervisors (vault, NULL);
  self->n_consents = g_list_model_get_n_items (consents);
  for (guint i = 0; i < self->n_consents; i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, i);

      gtk_list_box_append (self->list, consent_row (self, consent, users, cards, now));
    }
  gtk_stack_set_visible_child_name (self->stack, self->n_consents > 0 ? "list" : "empty");
  return TRUE;
}

static void
reload (CfdConsentPanel *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *patient_id = g_strdup (self->patient_id);

  if (self->vault == NULL || patient_id == NULL)
    return;
  if (!cfd_consent_panel_load (self, self->vault, patient_id, &error))
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The consents could not be read"), error);
}

static void
consent_granted (CfdConsentPanel *self)
{
  reload (self);
  cfd_ui_toast (GTK_WIDGET (self),
                _ ("Consent recorded; the supervisor can now read what it covers"));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdConsentPanel *self = CFD_CONSENT_PANEL (widget);
  g_autoptr (GError) error = NULL;
  CfdConsentDialog *dialog;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  dialog = cfd_consent_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault,
                                   self->patient_id);
  g_signal_connect_object (dialog, "granted", G_CALLBACK (consent_granted), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
cfd_consent_panel_save_capsule (CfdConsentPanel *self, const char *consent_id, const char *path)
{
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  guint n = 0;

  g_return_val_if_fail (CFD_IS_CONSENT_PANEL (self), FALSE);
  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return FALSE;
  cfd_ui_forget_recent (path);
  id = cfd_vault_export_capsule (self->vault, consent_id, path, &n, &error);
  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The capsule could not be saved"), error);
      return FALSE;
    }
  text = g_strdup_printf (ngettext ("Capsule with %u signed record saved for the supervisor",
                                    "Capsule with %u signed records saved for the supervisor", n),
                          n);
  cfd_ui_toast (GTK_WIDGET (self), text);
  return TRUE;
}

static void
capsule_chosen (GtkNativeDialog *chooser, int response, CfdConsentPanel *self)
{
  g_autofree char *consent_id = g_strdup (g_object_get_data (G_OBJECT (chooser), "consent-id"));
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  g_object_unref (chooser);
  if (path != NULL)
    cfd_consent_panel_save_capsule (self, consent_id, path);
}

static void
capsule_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdConsentPanel *self = CFD_CONSENT_PANEL (widget);
  GtkFileChooserNative *chooser;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  chooser
      = gtk_file_chooser_native_new (_ ("Save Capsule"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "supervision.cfdcapsule");
  g_object_set_data_full (G_OBJECT (chooser), "consent-id",
                          g_strdup (g_variant_get_string (parameter, NULL)), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (capsule_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
revoke_response (AdwMessageDialog *dialog, const char *response, CfdConsentPanel *self)
{
  const char *consent_id = g_object_get_data (G_OBJECT (dialog), "consent-id");
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "revoke") != 0 || self->vault == NULL)
    return;
  if (!cfd_vault_revoke_consent (self->vault, consent_id, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The consent could not be revoked"), error);
      return;
    }
  reload (self);
  cfd_ui_toast (GTK_WIDGET (self), _ ("Consent revoked and the patient’s key replaced"));
}

static void
revoke_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdConsentPanel *self = CFD_CONSENT_PANEL (widget);
  GtkWidget *dialog;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Revoke This Consent?"),
      _ ("The supervisor loses access at once. This patient’s key will be replaced and their "
         "records sealed again under the new key, so the supervisor’s copy of the old key opens "
         "nothing written from now on. What the supervisor already read cannot be taken back."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "revoke",
                                    _ ("_Revoke and Replace Key"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "consent-id",
                          g_strdup (g_variant_get_string (parameter, NULL)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response), self, 0);
  g_signal_connect_object (self->vault, "locked", G_CALLBACK (gtk_window_destroy), dialog,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cfd_consent_panel_dispose (GObject *object)
{
  CfdConsentPanel *self = CFD_CONSENT_PANEL (object);

  cfd_consent_panel_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_CONSENT_PANEL);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_consent_panel_parent_class)->dispose (object);
}

static void
cfd_consent_panel_class_init (CfdConsentPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_consent_panel_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-consent-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdConsentPanel, add_button);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentPanel, list);

  gtk_widget_class_install_action (widget_class, "consents.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "consents.revoke", "s", revoke_action);
  gtk_widget_class_install_action (widget_class, "consents.capsule", "s", capsule_action);
}

static void
cfd_consent_panel_init (CfdConsentPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
