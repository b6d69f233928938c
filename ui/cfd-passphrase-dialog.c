/* cfd-passphrase-dialog.c: changing the signed-in user's passphrase, and replacing their keys. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-passphrase-dialog.h"
#include "cfd-passphrase-meter.h"
#include "cfd-ui-util.h"

struct _CfdPassphraseDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  CfdPassphraseChecker *checker;
  GCancellable *closing;
  gboolean busy;
  int score;
  /* The passphrase was changed but the key change then failed: a retry
   * replaces the keys only (the current passphrase is now the new one). */
  gboolean passphrase_done;

  AdwPasswordEntryRow *current_row;
  AdwPasswordEntryRow *new_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *match_label;
  GtkSwitch *rotate_switch;
  AdwPasswordEntryRow *owner_row;
  GtkLabel *error_label;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (CfdPassphraseDialog, cfd_passphrase_dialog, ADW_TYPE_WINDOW)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker thread needs, in locked memory; wiped when freed. */
typedef enum
{
  FIELD_NONE,
  FIELD_CURRENT,
  FIELD_NEW,
  FIELD_OWNER,
} Field;

typedef struct
{
  CfdSecret *current;
  CfdSecret *new_passphrase;
  CfdSecret *owner; /* NULL: no approval needed */
  gboolean rotate;
  gboolean passphrase_done; /* in: skip the change; out: it was made */
  char *recovery_key;
  Field failed_field; /* which entry the error is about */
} ChangeJob;

static void
change_job_free (ChangeJob *job)
{
  g_clear_pointer (&job->current, cfd_secret_free);
  g_clear_pointer (&job->new_passphrase, cfd_secret_free);
  g_clear_pointer (&job->owner, cfd_secret_free);
  cfd_wipe_string (job->recovery_key);
  g_free (job);
}

static const char *
text_of (AdwPasswordEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
needs_owner (CfdPassphraseDialog *self)
{
  return gtk_switch_get_active (self->rotate_switch)
         && cfd_vault_get_user_role (self->vault) != CFD_ROLE_OWNER;
}

static gboolean
form_complete (CfdPassphraseDialog *self)
{
  return text_of (self->current_row)[0] != '\0' && self->score >= 0
         && g_strcmp0 (text_of (self->new_row), text_of (self->confirm_row)) == 0
         && (!needs_owner (self) || text_of (self->owner_row)[0] != '\0');
}

static void
update_state (CfdPassphraseDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "passphrase.change",
                                 !self->busy && form_complete (self));
  gtk_widget_set_visible (GTK_WIDGET (self->owner_row), needs_owner (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->current_row), !self->busy && !self->passphrase_done);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_row), !self->busy && !self->passphrase_done);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !self->busy && !self->passphrase_done);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rotate_switch), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_row), !self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

static void
passphrase_changed (CfdPassphraseDialog *self)
{
  const char *new_passphrase = text_of (self->new_row);
  const char *confirm = text_of (self->confirm_row);

  self->score
      = cfd_passphrase_meter_update (self->checker, self->strength_bar, self->strength_label,
                                     new_passphrase, cfd_vault_get_user_name (self->vault));
  gtk_widget_set_visible (GTK_WIDGET (self->match_label),
                          confirm[0] != '\0' && g_strcmp0 (new_passphrase, confirm) != 0);
  update_state (self);
}

static void
show_error (CfdPassphraseDialog *self, Field field, const char *message)
{
  g_autofree char *text = NULL;
  AdwPasswordEntryRow *row = NULL;

  switch (field)
    {
      case FIELD_CURRENT:
        text = g_strdup_printf (_ ("Current passphrase: %s"), message);
        row = self->current_row;
        break;
      case FIELD_NEW:
        text = g_strdup_printf (_ ("New passphrase: %s"), message);
        row = self->new_row;
        break;
      case FIELD_OWNER:
        text = g_strdup_printf (_ ("Owner’s passphrase: %s"), message);
        row = self->owner_row;
        break;
      case FIELD_NONE:
      default:
        text = g_strdup (message);
        break;
    }
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (row != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

/* Wiped as every passphrase page does: GtkText's buffer is cleared, so
 * nothing typed outlives the dialog in the widgets. */
static void
clear_secrets (CfdPassphraseDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->owner_row), "");
}

/* The order of confidant-cli passwd: the owner approves before anything
 * changes, then the passphrase, then the keys. */
static void
change_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CfdVault *vault = CFD_VAULT (source);
  ChangeJob *job = data;
  g_autoptr (CfdOwnerApproval) approval = NULL;
  g_autoptr (CfdVaultJob) vault_job = NULL;
  GError *error = NULL;

  /* A lock (Ctrl+L, the screen saver) waits for the change to end. */
  vault_job = cfd_vault_job_begin (vault, &error);
  if (vault_job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->owner != NULL)
    {
      approval = cfd_vault_approve_as_owner (vault, (const char *)job->owner->data, &error);
      if (approval == NULL)
        {
          job->failed_field = FIELD_OWNER;
          g_task_return_error (task, error);
          return;
        }
    }
  if (!job->passphrase_done
      && !cfd_vault_change_passphrase (vault, (const char *)job->current->data,
                                       (const char *)job->new_passphrase->data, &error))
    {
      if (g_error_matches (error, CFD_ERROR, CFD_ERROR_WRONG_PASSPHRASE))
        job->failed_field = FIELD_CURRENT;
      else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_WEAK_PASSPHRASE))
        job->failed_field = FIELD_NEW;
      g_task_return_error (task, error);
      return;
    }
  job->passphrase_done = TRUE;
  if (job->rotate)
    {
      if (!cfd_vault_rotate_user_keys (vault, approval, &error))
        {
          g_prefix_error (&error, "%s ",
                          _ ("The passphrase was changed, but the keys were not replaced:"));
          g_task_return_error (task, error);
          return;
        }
      job->recovery_key = cfd_vault_take_new_recovery_key (vault);
    }
  g_task_return_boolean (task, TRUE);
}

static void
change_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdPassphraseDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  ChangeJob *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_cancellable_is_cancelled (self->closing))
        return;
      self->busy = FALSE;
      self->passphrase_done = job->passphrase_done;
      update_state (self);
      show_error (self, job->failed_field, error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->closing))
    return;
  self->busy = FALSE;
  clear_secrets (self);
  g_signal_emit (self, signals[CHANGED], 0, job->recovery_key);
  gtk_window_close (GTK_WINDOW (self));
}

static void
change_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPassphraseDialog *self = CFD_PASSPHRASE_DIALOG (widget);
  ChangeJob *job;
  GTask *task;

  if (self->busy || !form_complete (self) || !cfd_vault_is_unlocked (self->vault))
    return;
  job = g_new0 (ChangeJob, 1);
  job->current = cfd_secret_new_from_string (text_of (self->current_row));
  job->new_passphrase = cfd_secret_new_from_string (text_of (self->new_row));
  job->rotate = gtk_switch_get_active (self->rotate_switch);
  job->passphrase_done = self->passphrase_done;
  if (needs_owner (self))
    job->owner = cfd_secret_new_from_string (text_of (self->owner_row));

  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->current_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->owner_row), "error");
  update_state (self);
  /* Key derivation (Argon2id, once per passphrase) and a rotation's
   * re-encryption take seconds: a worker has the vault to itself until
   * the callback runs, as the backup window's verification does. */
  task = g_task_new (self->vault, NULL, change_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify)change_job_free);
  g_task_run_in_thread (task, change_thread);
  g_object_unref (task);
}

/* Enter moves down the form and changes from the last field. */
static void
current_activated (CfdPassphraseDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->new_row));
}

static void
new_activated (CfdPassphraseDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
}

static void
confirm_activated (CfdPassphraseDialog *self)
{
  if (needs_owner (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->owner_row));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "passphrase.change", NULL);
}

static void
owner_activated (CfdPassphraseDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "passphrase.change", NULL);
}

/* A change under way is not stopped (core finishes a stopped rotation at
 * the next unlock, but a half-written keyring is not worth the risk):
 * closing waits for it. */
static gboolean
cfd_passphrase_dialog_close_request (GtkWindow *window)
{
  CfdPassphraseDialog *self = CFD_PASSPHRASE_DIALOG (window);

  if (self->busy)
    return TRUE;
  clear_secrets (self);
  g_cancellable_cancel (self->closing);
  return GTK_WINDOW_CLASS (cfd_passphrase_dialog_parent_class)->close_request (window);
}

static void
cfd_passphrase_dialog_dispose (GObject *object)
{
  CfdPassphraseDialog *self = CFD_PASSPHRASE_DIALOG (object);

  if (self->current_row != NULL)
    clear_secrets (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_PASSPHRASE_DIALOG);
  G_OBJECT_CLASS (cfd_passphrase_dialog_parent_class)->dispose (object);
}

static void
cfd_passphrase_dialog_finalize (GObject *object)
{
  CfdPassphraseDialog *self = CFD_PASSPHRASE_DIALOG (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->closing);
  g_clear_pointer (&self->checker, cfd_passphrase_checker_free);
  G_OBJECT_CLASS (cfd_passphrase_dialog_parent_class)->finalize (object);
}

static void
cfd_passphrase_dialog_class_init (CfdPassphraseDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cfd_passphrase_dialog_dispose;
  object_class->finalize = cfd_passphrase_dialog_finalize;
  window_class->close_request = cfd_passphrase_dialog_close_request;

  /* The recovery key travels as a pointer so that no GValue copies it. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-passphrase-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, current_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, strength_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, match_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, rotate_switch);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, owner_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPassphraseDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_state);
  gtk_widget_class_bind_template_callback (widget_class, current_activated);
  gtk_widget_class_bind_template_callback (widget_class, new_activated);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activated);
  gtk_widget_class_bind_template_callback (widget_class, owner_activated);

  gtk_widget_class_install_action (widget_class, "passphrase.change", NULL, change_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_passphrase_dialog_init (CfdPassphraseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->closing = g_cancellable_new ();
  self->checker = cfd_passphrase_checker_new (NULL);
  self->score = -1;
  cfd_passphrase_meter_init (self->strength_bar);
}

CfdPassphraseDialog *
cfd_passphrase_dialog_new (GtkWindow *parent, CfdVault *vault)
{
  CfdPassphraseDialog *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_PASSPHRASE_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  passphrase_changed (self);
  return self;
}
