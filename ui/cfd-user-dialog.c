/* cfd-user-dialog.c: the owner adds a therapist or supervisor with an initial passphrase. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-passphrase-meter.h"
#include "cfd-user-dialog.h"

struct _CfdUserDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  CfdPassphraseChecker *checker;
  GCancellable *closing;
  gboolean busy;
  int score;

  AdwEntryRow *name_row;
  AdwComboRow *role_row;
  AdwPasswordEntryRow *passphrase_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *match_label;
  GtkLabel *error_label;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (CfdUserDialog, cfd_user_dialog, ADW_TYPE_WINDOW)

enum
{
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The role list's order in the .ui. */
static const CfdRole roles[] = { CFD_ROLE_THERAPIST, CFD_ROLE_SUPERVISOR };

typedef struct
{
  char *name;
  CfdRole role;
  CfdSecret *passphrase;
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_free (job->name);
  g_clear_pointer (&job->passphrase, cfd_secret_free);
  g_free (job);
}

static char *
stripped_name (CfdUserDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static gboolean
form_complete (CfdUserDialog *self)
{
  g_autofree char *name = stripped_name (self);

  return name[0] != '\0' && self->score >= 0
         && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)),
                       gtk_editable_get_text (GTK_EDITABLE (self->confirm_row)))
                == 0;
}

static void
update_state (CfdUserDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "user.add",
                                 !self->busy && form_complete (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->role_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

static void
passphrase_changed (CfdUserDialog *self)
{
  g_autofree char *name = stripped_name (self);
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));

  self->score
      = cfd_passphrase_meter_update (self->checker, self->strength_bar, self->strength_label,
                                     passphrase, name[0] != '\0' ? name : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->match_label),
                          confirm[0] != '\0' && g_strcmp0 (passphrase, confirm) != 0);
  update_state (self);
}

static void
clear_secrets (CfdUserDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
}

static void
add_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AddJob *job = data;
  GError *error = NULL;
  g_autoptr (CfdVaultJob) vault_job = cfd_vault_job_begin (CFD_VAULT (source), &error);
  char *id = NULL;

  /* A lock (Ctrl+L, the screen saver) waits for the user to be added. */
  if (vault_job != NULL)
    id = cfd_vault_add_user (CFD_VAULT (source), job->name, job->role,
                             (const char *)job->passphrase->data, &error);
  if (id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, id, g_free);
}

static void
add_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdUserDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (self->closing))
    return;
  self->busy = FALSE;
  if (id == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, CFD_ERROR, CFD_ERROR_WEAK_PASSPHRASE))
        text = g_strdup_printf (_ ("Initial passphrase: %s"), error->message);
      else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_EXISTS)
               || g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        text = g_strdup_printf (_ ("Name: %s"), error->message);
      else
        text = g_strdup_printf (_ ("The user was not added: %s"), error->message);
      gtk_label_set_label (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      update_state (self);
      return;
    }
  clear_secrets (self);
  g_signal_emit (self, signals[ADDED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdUserDialog *self = CFD_USER_DIALOG (widget);
  guint selected = adw_combo_row_get_selected (self->role_row);
  AddJob *job;
  GTask *task;

  if (self->busy || !form_complete (self) || !cfd_vault_is_unlocked (self->vault)
      || selected >= G_N_ELEMENTS (roles))
    return;
  job = g_new0 (AddJob, 1);
  job->name = stripped_name (self);
  job->role = roles[selected];
  job->passphrase
      = cfd_secret_new_from_string (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)));
  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_state (self);
  /* Wrapping the new user's keys derives a key from the passphrase
   * (Argon2id): a worker has the vault to itself until the callback. */
  task = g_task_new (self->vault, NULL, add_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify)add_job_free);
  g_task_run_in_thread (task, add_thread);
  g_object_unref (task);
}

static void
name_activated (CfdUserDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
passphrase_activated (CfdUserDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
}

static void
confirm_activated (CfdUserDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "user.add", NULL);
}

static gboolean
cfd_user_dialog_close_request (GtkWindow *window)
{
  CfdUserDialog *self = CFD_USER_DIALOG (window);

  if (self->busy)
    return TRUE;
  clear_secrets (self);
  g_cancellable_cancel (self->closing);
  return GTK_WINDOW_CLASS (cfd_user_dialog_parent_class)->close_request (window);
}

static void
cfd_user_dialog_dispose (GObject *object)
{
  CfdUserDialog *self = CFD_USER_DIALOG (object);

  if (self->passphrase_row != NULL)
    clear_secrets (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_USER_DIALOG);
  G_OBJECT_CLASS (cfd_user_dialog_parent_class)->dispose (object);
}

static void
cfd_user_dialog_finalize (GObject *object)
{
  CfdUserDialog *self = CFD_USER_DIALOG (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->closing);
  g_clear_pointer (&self->checker, cfd_passphrase_checker_free);
  G_OBJECT_CLASS (cfd_user_dialog_parent_class)->finalize (object);
}

static void
cfd_user_dialog_class_init (CfdUserDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_user_dialog_dispose;
  object_class->finalize = cfd_user_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = cfd_user_dialog_close_request;

  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-user-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, strength_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, match_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdUserDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed);
  gtk_widget_class_bind_template_callback (widget_class, name_activated);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activated);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activated);

  gtk_widget_class_install_action (widget_class, "user.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_user_dialog_init (CfdUserDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->closing = g_cancellable_new ();
  self->checker = cfd_passphrase_checker_new (NULL);
  self->score = -1;
  cfd_passphrase_meter_init (self->strength_bar);
}

CfdUserDialog *
cfd_user_dialog_new (GtkWindow *parent, CfdVault *vault)
{
  CfdUserDialog *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_USER_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  passphrase_changed (self);
  return self;
}
