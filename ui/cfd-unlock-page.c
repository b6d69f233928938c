/* cfd-unlock-page.c: unlocking the vault with a passphrase, or with the recovery key. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-unlock-page.h"
#include "cfd-ui-util.h"

struct _CfdUnlockPage
{
  GtkWidget parent_instance;

  CfdVault *vault;
  GPtrArray *user_ids;
  GCancellable *cancellable;
  gboolean busy;
  /* Consecutive wrong passphrases or recovery keys, and the wait they
   * impose before the next try (see cfd_unlock_page_retry_delay). */
  guint failures;
  guint wait_left;
  guint wait_source;
  GtkLabel *wait_label;
  GtkLabel *recover_wait_label;

  GtkStack *mode_stack;
  AdwComboRow *user_row;
  GtkStringList *user_names;
  AdwPasswordEntryRow *passphrase_row;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  AdwEntryRow *recovery_key_row;
  AdwPasswordEntryRow *new_passphrase_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLabel *recover_error_label;
  GtkSpinner *recover_spinner;
};

G_DEFINE_FINAL_TYPE (CfdUnlockPage, cfd_unlock_page, GTK_TYPE_WIDGET)

enum
{
  UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Each failure says what it means for the user and what to do next. */
static const char *
describe_error (const GError *error)
{
  if (error->domain == CFD_ERROR)
    switch (error->code)
      {
        case CFD_ERROR_WRONG_PASSPHRASE:
          return _ ("Wrong passphrase. Check Caps Lock and the keyboard layout, then try again.");
        case CFD_ERROR_WRONG_RECOVERY_KEY:
          return _ ("This recovery key does not fit the vault. Check each group of letters.");
        case CFD_ERROR_DAMAGED_DATABASE:
          return _ ("The passphrase is right, but the vault database is damaged. Restore the "
                    "vault from a backup.");
        case CFD_ERROR_DAMAGED_KEYRING:
          return _ ("The vault’s keyring file is damaged, so no passphrase can open it. Restore "
                    "the vault from a backup.");
        case CFD_ERROR_TAMPERED:
          return _ ("The vault has been altered outside Confidant. Restore it from a backup.");
        case CFD_ERROR_UNSUPPORTED_VERSION:
          return _ ("This vault was made by a newer version of Confidant. Update Confidant to "
                    "open it.");
        case CFD_ERROR_WEAK_KDF:
          return _ ("This vault’s passphrase protection is weaker than Confidant allows, so it is "
                    "refused.");
        default:
          break;
      }
  /* Core messages never hold patient data or secrets. */
  return error->message;
}

guint
cfd_unlock_page_retry_delay (guint consecutive_failures)
{
  /* Two typos cost nothing; then 2, 4, 8, 16 and at most 30 seconds. Each
   * guess already costs about half a second of Argon2id, so this slows a
   * person at the keyboard, not an attacker who copied the keyring. */
  if (consecutive_failures < 3)
    return 0;
  return MIN (1u << MIN (consecutive_failures - 2, 5u), 30u);
}

static void
set_busy (CfdUnlockPage *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recovery_key_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_passphrase_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->recover_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->recover_spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock.unlock", !busy && self->wait_left == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock.recover",
                                 !busy && self->wait_left == 0);
}

static void
show_wait (CfdUnlockPage *self)
{
  g_autofree char *text = NULL;

  if (self->wait_left == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->wait_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->recover_wait_label), FALSE);
      return;
    }
  text = g_strdup_printf (g_dngettext (NULL, "Too many wrong tries. Try again in %u second.",
                                       "Too many wrong tries. Try again in %u seconds.",
                                       self->wait_left),
                          self->wait_left);
  gtk_label_set_label (self->wait_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->wait_label), TRUE);
  gtk_label_set_label (self->recover_wait_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->recover_wait_label), TRUE);
}

static gboolean
wait_tick (gpointer user_data)
{
  CfdUnlockPage *self = user_data;

  if (self->wait_left > 0)
    self->wait_left--;
  show_wait (self);
  set_busy (self, self->busy);
  if (self->wait_left > 0)
    return G_SOURCE_CONTINUE;
  self->wait_source = 0;
  return G_SOURCE_REMOVE;
}

/* After a wrong passphrase or recovery key: count it, and hold the next
 * try back for the delay it earns. */
static void
count_failure (CfdUnlockPage *self, const GError *error)
{
  if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE)
      && !g_error_matches (error, CFD_ERROR, CFD_ERROR_WRONG_RECOVERY_KEY))
    return;
  self->failures++;
  self->wait_left = cfd_unlock_page_retry_delay (self->failures);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (self->wait_left > 0)
    self->wait_source = g_timeout_add_seconds (1, wait_tick, self);
  show_wait (self);
}

static void
show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
clear_fields (CfdUnlockPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->recovery_key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
}

void
cfd_unlock_page_set_vault (CfdUnlockPage *self, CfdVault *vault)
{
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  g_return_if_fail (CFD_IS_UNLOCK_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);

  g_set_object (&self->vault, vault);
  clear_fields (self);
  show_error (self->error_label, NULL);
  show_error (self->recover_error_label, NULL);
  gtk_stack_set_visible_child_name (self->mode_stack, "passphrase");

  g_ptr_array_set_size (self->user_ids, 0);
  if (vault != NULL)
    users = cfd_vault_list_users (vault);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *info = g_ptr_array_index (users, i);

      g_ptr_array_add (self->user_ids, g_strdup (info->id));
      g_ptr_array_add (names, info->name);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->user_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->user_names)),
                          (const char *const *)names->pdata);
  adw_combo_row_set_selected (self->user_row, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), self->user_ids->len > 1);
}

void
cfd_unlock_page_focus (CfdUnlockPage *self)
{
  g_return_if_fail (CFD_IS_UNLOCK_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
unlock_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdUnlockPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!cfd_vault_unlock_finish (CFD_VAULT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      count_failure (self, error);
      set_busy (self, FALSE);
      show_error (self->error_label, describe_error (error));
      gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
      return;
    }
  self->failures = 0;
  set_busy (self, FALSE);
  clear_fields (self);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
unlock_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (widget);
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  guint selected = adw_combo_row_get_selected (self->user_row);

  if (self->busy || self->vault == NULL || self->wait_left > 0)
    return;
  if (passphrase[0] == '\0')
    {
      show_error (self->error_label, _ ("Enter your passphrase."));
      return;
    }
  if (selected >= self->user_ids->len)
    {
      show_error (self->error_label, _ ("This vault has no users. Restore it from a backup."));
      return;
    }

  show_error (self->error_label, NULL);
  set_busy (self, TRUE);
  cfd_vault_unlock_async (self->vault, g_ptr_array_index (self->user_ids, selected), passphrase,
                          self->cancellable, unlock_done, g_object_ref (self));
}

static void
recover_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdUnlockPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!cfd_vault_recover_finish (CFD_VAULT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      count_failure (self, error);
      set_busy (self, FALSE);
      show_error (self->recover_error_label, describe_error (error));
      return;
    }
  self->failures = 0;
  set_busy (self, FALSE);
  clear_fields (self);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
recover_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (widget);
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->recovery_key_row));
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->new_passphrase_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));

  if (self->busy || self->vault == NULL || self->wait_left > 0)
    return;
  if (key[0] == '\0')
    {
      show_error (self->recover_error_label, _ ("Enter the recovery key."));
      return;
    }
  if (strlen (passphrase) < 8)
    {
      show_error (self->recover_error_label,
                  _ ("Choose a new passphrase of at least 8 characters."));
      return;
    }
  if (g_strcmp0 (passphrase, confirm) != 0)
    {
      show_error (self->recover_error_label, _ ("The two new passphrases differ."));
      return;
    }

  show_error (self->recover_error_label, NULL);
  set_busy (self, TRUE);
  cfd_vault_recover_async (self->vault, key, passphrase, self->cancellable, recover_done,
                           g_object_ref (self));
}

static void
show_recovery_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_stack_set_visible_child_name (self->mode_stack, "recover");
  gtk_widget_grab_focus (GTK_WIDGET (self->recovery_key_row));
}

static void
show_passphrase_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->recovery_key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_stack_set_visible_child_name (self->mode_stack, "passphrase");
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
passphrase_activated (CfdUnlockPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "unlock.unlock", NULL);
}

static void
recover_activated (CfdUnlockPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "unlock.recover", NULL);
}

static void
cfd_unlock_page_dispose (GObject *object)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_UNLOCK_PAGE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_unlock_page_parent_class)->dispose (object);
}

static void
cfd_unlock_page_finalize (GObject *object)
{
  CfdUnlockPage *self = CFD_UNLOCK_PAGE (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->user_ids);
  G_OBJECT_CLASS (cfd_unlock_page_parent_class)->finalize (object);
}

static void
cfd_unlock_page_class_init (CfdUnlockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_unlock_page_dispose;
  object_class->finalize = cfd_unlock_page_finalize;

  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-unlock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, user_names);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, wait_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, recover_wait_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, recovery_key_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, new_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, recover_error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUnlockPage, recover_spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activated);
  gtk_widget_class_bind_template_callback (widget_class, recover_activated);

  gtk_widget_class_install_action (widget_class, "unlock.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "unlock.recover", NULL, recover_action);
  gtk_widget_class_install_action (widget_class, "unlock.show-recovery", NULL,
                                   show_recovery_action);
  gtk_widget_class_install_action (widget_class, "unlock.show-passphrase", NULL,
                                   show_passphrase_action);
}

static void
cfd_unlock_page_init (CfdUnlockPage *self)
{
  self->user_ids = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
