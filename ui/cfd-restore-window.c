/* cfd-restore-window.c: restoring a backup into a new folder: file, passphrase, folder, verify, open. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-restore-window.h"
#include "cfd-ui-util.h"

struct _CfdRestoreWindow
{
  AdwWindow parent_instance;

  char *file;
  char *target;
  char *restored;
  char *error;
  GCancellable *cancellable;

  AdwActionRow *file_row;
  AdwEntryRow *user_row;
  AdwPasswordEntryRow *secret_row;
  GtkSwitch *recovery_switch;
  AdwActionRow *target_row;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkWidget *open_button;
};

G_DEFINE_FINAL_TYPE (CfdRestoreWindow, cfd_restore_window, ADW_TYPE_WINDOW)

static void
show_status (CfdRestoreWindow *self, const char *text, gboolean is_error)
{
  g_clear_pointer (&self->error, g_free);
  if (is_error)
    self->error = g_strdup (text);
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update_state (CfdRestoreWindow *self)
{
  gboolean recovery;
  gboolean ready;

  /* Rows notify while the template is still being built. */
  if (self->recovery_switch == NULL)
    return;
  recovery = gtk_switch_get_active (self->recovery_switch);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                 recovery ? _ ("Recovery Key") : _ ("Passphrase"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !recovery);
  ready = self->file != NULL && self->target != NULL && self->cancellable == NULL
          && self->restored == NULL
          && gtk_editable_get_text (GTK_EDITABLE (self->secret_row))[0] != '\0'
          && (recovery || gtk_editable_get_text (GTK_EDITABLE (self->user_row))[0] != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "restore.restore", ready);
}

gboolean
cfd_restore_window_set_file (CfdRestoreWindow *self, const char *path, GError **error)
{
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autofree char *when = NULL, *size = NULL, *subtitle = NULL;

  g_return_val_if_fail (CFD_IS_RESTORE_WINDOW (self), FALSE);

  info = cfd_backup_read_info (path, error);
  if (info == NULL)
    return FALSE;
  when = cfd_ui_format_date_time (info->time / G_USEC_PER_SEC);
  size = g_format_size (info->file_bytes);
  /* Translators: "/media/usb/x.cfdbackup — backup 12 of 25 Nov 2026, 03:51, 1.0 MB" */
  subtitle = g_strdup_printf (_ ("%s — backup %" PRIu64 " of %s, %s"), path, info->seq,
                              g_strstrip (when), size);
  adw_action_row_set_subtitle (self->file_row, subtitle);
  g_free (self->file);
  self->file = g_strdup (path);
  show_status (self, NULL, FALSE);
  update_state (self);
  return TRUE;
}

void
cfd_restore_window_set_target (CfdRestoreWindow *self, const char *folder)
{
  g_return_if_fail (CFD_IS_RESTORE_WINDOW (self));

  g_free (self->target);
  self->target = g_strdup (folder);
  adw_action_row_set_subtitle (self->target_row, folder);
  update_state (self);
}

gboolean
cfd_restore_window_is_busy (CfdRestoreWindow *self)
{
  g_return_val_if_fail (CFD_IS_RESTORE_WINDOW (self), FALSE);
  return self->cancellable != NULL;
}

const char *
cfd_restore_window_get_restored (CfdRestoreWindow *self)
{
  g_return_val_if_fail (CFD_IS_RESTORE_WINDOW (self), NULL);
  return self->restored;
}

const char *
cfd_restore_window_get_error (CfdRestoreWindow *self)
{
  g_return_val_if_fail (CFD_IS_RESTORE_WINDOW (self), NULL);
  return self->error;
}

static void
progress (guint64 done, guint64 total, gpointer user_data)
{
  CfdRestoreWindow *self = user_data;

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (total == 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, (double)done / (double)total);
}

static void
restore_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdRestoreWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdBackupInfo) info = cfd_backup_restore_finish (result, &error);
  gboolean closed = g_cancellable_is_cancelled (self->cancellable);

  g_clear_object (&self->cancellable);
  if (closed)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (info == NULL)
    {
      g_autofree char *text = g_strdup_printf (
          _ ("Nothing was restored: %s. The folder was left as it was."), error->message);
      show_status (self, text, TRUE);
      update_state (self);
      return;
    }
  self->restored = g_strdup (self->target);
  {
    g_autofree char *text = g_strdup_printf (
        _ ("Backup %" PRIu64 " was verified and restored into %s."), info->seq, self->restored);
    show_status (self, text, FALSE);
  }
  gtk_widget_set_visible (self->open_button, TRUE);
  update_state (self);
}

static void
restore_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRestoreWindow *self = CFD_RESTORE_WINDOW (widget);
  gboolean recovery = gtk_switch_get_active (self->recovery_switch);

  if (self->file == NULL || self->target == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  show_status (self, _ ("Verifying and restoring…"), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  /* Core copies the secret into guarded memory; the field is emptied now. */
  cfd_backup_restore_async (
      self->file, self->target, gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
      gtk_editable_get_text (GTK_EDITABLE (self->secret_row)),
      recovery ? CFD_BACKUP_SECRET_RECOVERY_KEY : CFD_BACKUP_SECRET_PASSPHRASE,
      CFD_RESTORE_FLAGS_NONE, self->cancellable, progress, self, restore_done, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  update_state (self);
}

/* The application opens the restored vault (app.open-vault): this window
 * knows nothing of the main window. */
static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRestoreWindow *self = CFD_RESTORE_WINDOW (widget);

  if (self->restored == NULL)
    return;
  if (!gtk_widget_activate_action (widget, "app.open-vault", "s", self->restored))
    {
      g_warning ("No application to open the restored vault");
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
file_chosen (GtkNativeDialog *chooser, int response, CfdRestoreWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !cfd_restore_window_set_file (self, path, &error))
        show_status (self, error->message, TRUE);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *chooser
      = gtk_file_chooser_native_new (_ ("Choose a Backup"), GTK_WINDOW (widget),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("Confidant backups"));
  gtk_file_filter_add_suffix (filter, CFD_BACKUP_FILE_SUFFIX + 1);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (file_chosen), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
target_chosen (GtkNativeDialog *chooser, int response, CfdRestoreWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        cfd_restore_window_set_target (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_target_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _ ("Choose an Empty Folder for the Restored Vault"), GTK_WINDOW (widget),
      GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Choose"), _ ("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (target_chosen), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

CfdRestoreWindow *
cfd_restore_window_new (GtkWindow *parent)
{
  CfdRestoreWindow *self = g_object_new (CFD_TYPE_RESTORE_WINDOW, "transient-for", parent, NULL);

  /* Opened from the Backups window, whose parent is the application's:
   * joining the application gives this window its app.* actions. */
  for (GtkWindow *w = parent; w != NULL; w = gtk_window_get_transient_for (w))
    if (gtk_window_get_application (w) != NULL)
      {
        gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (w));
        break;
      }

  return self;
}

static void
cfd_restore_window_dispose (GObject *object)
{
  CfdRestoreWindow *self = CFD_RESTORE_WINDOW (object);

  /* A running restore finishes or cleans up after itself in core. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (cfd_restore_window_parent_class)->dispose (object);
}

static void
cfd_restore_window_finalize (GObject *object)
{
  CfdRestoreWindow *self = CFD_RESTORE_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->file);
  g_free (self->target);
  g_free (self->restored);
  g_free (self->error);
  G_OBJECT_CLASS (cfd_restore_window_parent_class)->finalize (object);
}

static void
cfd_restore_window_class_init (CfdRestoreWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_restore_window_dispose;
  object_class->finalize = cfd_restore_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-restore-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, file_row);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, secret_row);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, recovery_switch);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, target_row);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRestoreWindow, open_button);
  gtk_widget_class_bind_template_callback (widget_class, update_state);

  gtk_widget_class_install_action (widget_class, "restore.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "restore.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "restore.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "restore.choose-target", NULL,
                                   choose_target_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_restore_window_init (CfdRestoreWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_state (self);
}
