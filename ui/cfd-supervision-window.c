/* cfd-supervision-window.c: supervision across machines: cards, capsules received, review replies. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-capsule-window.h"
#include "cfd-supervision-window.h"
#include "cfd-ui-util.h"

struct _CfdSupervisionWindow
{
  AdwPreferencesWindow parent_instance;

  CfdVault *vault;
  guint n_capsules;

  AdwActionRow *card_row;
  GtkWidget *practice_group;
  GtkListBox *capsule_list;
};

G_DEFINE_FINAL_TYPE (CfdSupervisionWindow, cfd_supervision_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef void (*FileChosen) (CfdSupervisionWindow *self, const char *path, const char *target);

static void
chooser_response (GtkNativeDialog *chooser, int response, CfdSupervisionWindow *self)
{
  FileChosen done = g_object_get_data (G_OBJECT (chooser), "done");
  const char *target = g_object_get_data (G_OBJECT (chooser), "target");
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        done (self, path, target);
    }
  g_object_unref (chooser);
}

static void
choose_file (CfdSupervisionWindow *self,
             const char *title,
             gboolean save,
             const char *current_name,
             const char *target,
             FileChosen done)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      title, GTK_WINDOW (self), save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
      save ? _ ("_Save") : _ ("_Open"), _ ("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), current_name);
  g_object_set_data (G_OBJECT (chooser), "done", done);
  g_object_set_data_full (G_OBJECT (chooser), "target", g_strdup (target), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The fingerprint comparison is the one step that makes a card
 * trustworthy, so it gets a dialog, not a toast. */
static void
show_fingerprint (CfdSupervisionWindow *self,
                  const char *heading,
                  const char *name,
                  const char *fingerprint)
{
  g_autofree char *body = g_strdup_printf (
      _ ("Fingerprint of %s:\n\n%s\n\nIt must match the one %s reads to you or shows you. If it "
         "does not, someone may have swapped the file: do not share anything with it."),
      name, fingerprint, name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
capsule_row (CfdCapsule *capsule)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *created = cfd_ui_format_date (cfd_capsule_get_created (capsule));
  g_autofree char *expires = cfd_ui_format_date (cfd_capsule_get_expires (capsule));
  /* Translators: "From Dr Ashby, 1 Dec 2026" */
  g_autofree char *title
      = g_strdup_printf (_ ("From %s, %s"), cfd_capsule_get_therapist_name (capsule), created);
  g_autofree char *subtitle = NULL;
  gboolean expired = cfd_capsule_get_expired (capsule);

  if (expired)
    subtitle = g_strdup_printf (_ ("Expired on %s; it can no longer be read"), expires);
  else
    subtitle = g_strdup_printf (_ ("Read-only until %s · therapist’s fingerprint %s"), expires,
                                cfd_capsule_get_therapist_fingerprint (capsule));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (expired ? "action-unavailable-symbolic"
                                                                   : "mail-attachment-symbolic"));
  if (!expired)
    {
      GtkWidget *reply = gtk_button_new_with_mnemonic (_ ("_Reply…"));
      GtkWidget *open = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_widget_set_valign (reply, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (reply, _ ("Save your reviews as a reply for the therapist"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (reply), "supervision.export-reply");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (reply), "s", cfd_capsule_get_id (capsule));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), reply);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "supervision.open-capsule");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", cfd_capsule_get_id (capsule));
    }
  else
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
reload (CfdSupervisionWindow *self)
{
  g_autoptr (GListModel) capsules = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->capsule_list))) != NULL)
    gtk_list_box_remove (self->capsule_list, row);
  self->n_capsules = 0;
  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  capsules = cfd_vault_list_capsules (self->vault, &error);
  if (capsules == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The capsules could not be listed"), error);
      return;
    }
  self->n_capsules = g_list_model_get_n_items (capsules);
  for (guint i = 0; i < self->n_capsules; i++)
    {
      g_autoptr (CfdCapsule) capsule = g_list_model_get_item (capsules, i);

      gtk_list_box_append (self->capsule_list, capsule_row (capsule));
    }
}

static void
card_exported (CfdSupervisionWindow *self, const char *path, const char *target)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *subtitle = NULL;

  if (!cfd_vault_export_supervisor_card (self->vault, path, &fingerprint, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The card could not be saved"), error);
      return;
    }
  /* Translators: the fingerprint of the user's card follows */
  subtitle = g_strdup_printf (_ ("Fingerprint: %s"), fingerprint);
  adw_action_row_set_subtitle (self->card_row, subtitle);
  cfd_ui_toast (GTK_WIDGET (self), _ ("Card saved"));
}

gboolean
cfd_supervision_window_import_card (CfdSupervisionWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *id = cfd_vault_import_supervisor_card (self->vault, path, &fingerprint, &error);
  g_autoptr (GPtrArray) cards = NULL;
  const char *name = _ ("the supervisor");

  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The card could not be imported"), error);
      return FALSE;
    }
  cards = cfd_vault_list_card_supervisors (self->vault, NULL);
  for (guint i = 0; cards != NULL && i < cards->len; i++)
    if (g_strcmp0 (((CfdUserInfo *)g_ptr_array_index (cards, i))->id, id) == 0)
      name = ((CfdUserInfo *)g_ptr_array_index (cards, i))->name;
  show_fingerprint (self, _ ("Compare the Fingerprint"), name, fingerprint);
  return TRUE;
}

gboolean
cfd_supervision_window_import_reply (CfdSupervisionWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  if (!cfd_vault_import_review_reply (self->vault, path, &n, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The review reply could not be imported"), error);
      return FALSE;
    }
  text = g_strdup_printf (ngettext ("%u review added to the original notes",
                                    "%u reviews added to the original notes", n),
                          n);
  cfd_ui_toast (GTK_WIDGET (self), text);
  return TRUE;
}

static void
delete_capsule_response (AdwMessageDialog *dialog, const char *response, CfdSupervisionWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (g_file_delete (file, NULL, &error))
    cfd_ui_toast (GTK_WIDGET (self), _ ("The capsule file was deleted"));
  else
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The capsule file could not be deleted"), error);
}

/* The vault keeps its own copy, which it overwrites at expiry; the file
 * that came by e-mail or on a stick stays readable with the supervisor's
 * key for as long as it exists (docs/SECURITY.md). */
static void
offer_to_delete (CfdSupervisionWindow *self, const char *path)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (self), _ ("Delete the Capsule File?"),
      _ ("The capsule is now in your vault, which erases it when it expires. The file you "
         "imported does not expire: anyone with it and your key could still read it. Delete "
         "it now, and the message it came with.")));

  adw_message_dialog_add_responses (dialog, "keep", _ ("_Keep File"), "delete", _ ("_Delete File"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "delete");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_capsule_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
cfd_supervision_window_import_capsule (CfdSupervisionWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_import_capsule (self->vault, path, &error);

  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The capsule could not be imported"), error);
      return FALSE;
    }
  reload (self);
  cfd_ui_toast (GTK_WIDGET (self),
                _ ("Capsule imported; compare the therapist’s fingerprint with theirs"));
  offer_to_delete (self, path);
  return TRUE;
}

static void
card_imported (CfdSupervisionWindow *self, const char *path, const char *target)
{
  cfd_supervision_window_import_card (self, path);
}

static void
reply_imported (CfdSupervisionWindow *self, const char *path, const char *target)
{
  cfd_supervision_window_import_reply (self, path);
}

static void
capsule_imported (CfdSupervisionWindow *self, const char *path, const char *target)
{
  cfd_supervision_window_import_capsule (self, path);
}

static void
reply_exported (CfdSupervisionWindow *self, const char *path, const char *capsule_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = cfd_vault_export_review_reply (self->vault, capsule_id, path, &error);

  if (n == 0)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The reply could not be saved"), error);
      return;
    }
  text = g_strdup_printf (ngettext ("Reply with %u review saved", "Reply with %u reviews saved", n),
                          n);
  cfd_ui_toast (GTK_WIDGET (self), text);
}

static void
export_card_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdSupervisionWindow *self = CFD_SUPERVISION_WINDOW (widget);
  g_autofree char *name = g_strdup_printf ("%s.cfdcard", cfd_vault_get_user_name (self->vault));

  choose_file (self, _ ("Export My Card"), TRUE, name, NULL, card_exported);
}

static void
import_card_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_file (CFD_SUPERVISION_WINDOW (widget), _ ("Import a Supervisor’s Card"), FALSE, NULL, NULL,
               card_imported);
}

static void
import_reply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_file (CFD_SUPERVISION_WINDOW (widget), _ ("Import a Review Reply"), FALSE, NULL, NULL,
               reply_imported);
}

static void
import_capsule_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_file (CFD_SUPERVISION_WINDOW (widget), _ ("Import a Capsule"), FALSE, NULL, NULL,
               capsule_imported);
}

static void
export_reply_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_file (CFD_SUPERVISION_WINDOW (widget), _ ("Save Review Reply"), TRUE, "review.cfdreply",
               g_variant_get_string (parameter, NULL), reply_exported);
}

static void
open_capsule_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdSupervisionWindow *self = CFD_SUPERVISION_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  CfdCapsuleWindow *window;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  window = cfd_capsule_window_new (GTK_WINDOW (self), self->vault,
                                   g_variant_get_string (parameter, NULL), &error);
  if (window == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The capsule could not be opened"), error);
      reload (self);
      return;
    }
  gtk_window_present (GTK_WINDOW (window));
}

guint
cfd_supervision_window_get_n_capsules (CfdSupervisionWindow *self)
{
  g_return_val_if_fail (CFD_IS_SUPERVISION_WINDOW (self), 0);
  return self->n_capsules;
}

static void
cfd_supervision_window_dispose (GObject *object)
{
  CfdSupervisionWindow *self = CFD_SUPERVISION_WINDOW (object);

  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_SUPERVISION_WINDOW);
  G_OBJECT_CLASS (cfd_supervision_window_parent_class)->dispose (object);
}

static void
cfd_supervision_window_class_init (CfdSupervisionWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_supervision_window_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/confidant/Confidant/cfd-supervision-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdSupervisionWindow, card_row);
  gtk_widget_class_bind_template_child (widget_class, CfdSupervisionWindow, practice_group);
  gtk_widget_class_bind_template_child (widget_class, CfdSupervisionWindow, capsule_list);

  gtk_widget_class_install_action (widget_class, "supervision.export-card", NULL,
                                   export_card_action);
  gtk_widget_class_install_action (widget_class, "supervision.import-card", NULL,
                                   import_card_action);
  gtk_widget_class_install_action (widget_class, "supervision.import-reply", NULL,
                                   import_reply_action);
  gtk_widget_class_install_action (widget_class, "supervision.import-capsule", NULL,
                                   import_capsule_action);
  gtk_widget_class_install_action (widget_class, "supervision.export-reply", "s",
                                   export_reply_action);
  gtk_widget_class_install_action (widget_class, "supervision.open-capsule", "s",
                                   open_capsule_action);
}

static void
cfd_supervision_window_init (CfdSupervisionWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfdSupervisionWindow *
cfd_supervision_window_new (GtkWindow *parent, CfdVault *vault)
{
  CfdSupervisionWindow *self
      = g_object_new (CFD_TYPE_SUPERVISION_WINDOW, "transient-for", parent, NULL);

  self->vault = g_object_ref (vault);
  /* Nothing of it stays on screen once the vault locks. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_visible (self->practice_group,
                          cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  reload (self);
  return self;
}
