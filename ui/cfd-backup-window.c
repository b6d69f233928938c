/* cfd-backup-window.c: backing up to removable media or a folder, with progress, verifying, generations, the reminder. */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-backup-window.h"
#include "cfd-restore-window.h"
#include "cfd-ui-util.h"

#define USEC_PER_DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

struct _CfdBackupWindow
{
  AdwWindow parent_instance;

  CfdVault *vault;
  GSettings *settings; /* NULL when the schema is not installed */
  GVolumeMonitor *monitor;
  GCancellable *closing;   /* cancelled when the window goes */
  GCancellable *operation; /* the running backup or verification */
  guint pulse_source;

  GPtrArray *folders; /* chosen folders (char *) */
  char *selected;     /* the selected destination's path */
  guint n_destinations;
  guint n_generations;
  char *status;

  AdwToastOverlay *toast_overlay;
  GtkWidget *reminder_box;
  GtkLabel *reminder_label;
  GtkWidget *progress_box;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkListBox *destinations;
  AdwPreferencesGroup *generations_group;
  GtkListBox *generations;
};

G_DEFINE_FINAL_TYPE (CfdBackupWindow, cfd_backup_window, ADW_TYPE_WINDOW)

char *
cfd_backup_reminder_text (gint64 last_verified, gint64 now, guint days)
{
  gint64 age_days;

  if (days == 0)
    return NULL;
  if (last_verified <= 0)
    return g_strdup (_ ("This vault has no verified backup yet. Back up to a drive you keep "
                        "apart from this computer."));
  age_days = (now - last_verified) / USEC_PER_DAY;
  if (age_days < (gint64)days)
    return NULL;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The last verified backup is %" PRId64
                                       " day old. Back up now to keep a recent copy.",
                                       "The last verified backup is %" PRId64
                                       " days old. Back up now to keep a recent copy.",
                                       (gulong)age_days),
                          age_days);
}

static void
set_status (CfdBackupWindow *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
set_busy (CfdBackupWindow *self, gboolean busy, const char *what)
{
  gboolean practice
      = self->vault == NULL || cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR;

  gtk_widget_set_visible (self->progress_box, busy);
  /* While core's worker has the vault, the main window takes no input
   * (Ctrl+L would lock the vault under the worker). */
  gtk_window_set_modal (GTK_WINDOW (self), busy);
  gtk_label_set_label (self->progress_label, what != NULL ? what : "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.start", !busy && practice);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.verify", !busy && practice);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.cancel", busy);
  if (!busy)
    {
      g_clear_handle_id (&self->pulse_source, g_source_remove);
      g_clear_object (&self->operation);
    }
}

gboolean
cfd_backup_window_is_busy (CfdBackupWindow *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), FALSE);
  return self->operation != NULL;
}

const char *
cfd_backup_window_get_status (CfdBackupWindow *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), NULL);
  return self->status;
}

gboolean
cfd_backup_window_get_reminder_visible (CfdBackupWindow *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), FALSE);
  return gtk_widget_get_visible (self->reminder_box);
}

guint
cfd_backup_window_get_n_destinations (CfdBackupWindow *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), 0);
  return self->n_destinations;
}

guint
cfd_backup_window_get_n_generations (CfdBackupWindow *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), 0);
  return self->n_generations;
}

gint64
cfd_backup_last_verified (CfdVault *vault)
{
  g_autoptr (GPtrArray) records = cfd_vault_list_backup_records (vault, NULL);
  gint64 last = 0;

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CfdBackupRecord *record = g_ptr_array_index (records, i);

      if (record->verified)
        last = MAX (last, MAX (record->verified_at, record->time));
    }
  return last;
}

static void
update_reminder (CfdBackupWindow *self)
{
  guint days
      = self->settings != NULL ? g_settings_get_uint (self->settings, "backup-reminder-days") : 7;
  g_autofree char *text = NULL;

  text
      = cfd_backup_reminder_text (cfd_backup_last_verified (self->vault), g_get_real_time (), days);
  gtk_label_set_label (self->reminder_label, text != NULL ? text : "");
  gtk_widget_set_visible (self->reminder_box, text != NULL);
}

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, row);
}

static GtkWidget *
button_for (const char *label, const char *action, const char *path)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  return button;
}

static CfdBackupRecord *
ledger_entry (GPtrArray *records, const char *path)
{
  g_autofree char *name = g_path_get_basename (path);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CfdBackupRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (record->file_name, name) == 0)
        return record;
    }
  return NULL;
}

static void
refresh_generations (CfdBackupWindow *self)
{
  g_autoptr (GPtrArray) backups = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *placeholder;

  remove_rows (self->generations);
  self->n_generations = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->generations_group), self->selected != NULL);
  if (self->selected == NULL)
    return;
  backups = cfd_backup_list (self->selected, &error);
  records = cfd_vault_list_backup_records (self->vault, NULL);
  for (guint i = backups != NULL ? backups->len : 0; i > 0; i--)
    {
      CfdBackupInfo *info = g_ptr_array_index (backups, i - 1);
      CfdBackupRecord *record;
      GtkWidget *row;
      g_autofree char *when = NULL, *size = NULL, *title = NULL, *subtitle = NULL;

      if (g_strcmp0 (info->vault_id, cfd_vault_get_id (self->vault)) != 0)
        continue;
      record = ledger_entry (records, info->path);
      when = cfd_ui_format_date_time (info->time / G_USEC_PER_SEC);
      size = g_format_size (info->file_bytes);
      /* Translators: "25 Nov 2026, 03:51 · backup 12" */
      title = g_strdup_printf (_ ("%s · backup %" PRIu64), g_strstrip (when), info->seq);
      if (record != NULL && record->verified)
        {
          g_autofree char *verified_on = cfd_ui_format_date_time (
              (record->verified_at != 0 ? record->verified_at : record->time) / G_USEC_PER_SEC);
          subtitle = g_strdup_printf (_ ("%s · verified %s"), size, g_strstrip (verified_on));
        }
      else
        subtitle = g_strdup_printf (_ ("%s · not verified"), size);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (record != NULL && record->verified
                                                                   ? "emblem-ok-symbolic"
                                                                   : "document-save-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 button_for (_ ("_Verify"), "backup.verify", info->path));
      gtk_list_box_append (self->generations, row);
      self->n_generations++;
    }
  if (error != NULL)
    placeholder = gtk_label_new (error->message);
  else
    placeholder = gtk_label_new (_ ("No backup of this vault here yet."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->generations, placeholder);
}

static void
destination_selected (CfdBackupWindow *self, GtkListBoxRow *row)
{
  const char *path = row != NULL ? g_object_get_data (G_OBJECT (row), "path") : NULL;
  const char *label = row != NULL ? g_object_get_data (G_OBJECT (row), "label") : NULL;

  if (path == NULL)
    return;
  g_free (self->selected);
  self->selected = g_strdup (path);
  {
    /* Translators: the title of the list of backups on one drive or folder */
    g_autofree char *title = g_strdup_printf (_ ("Backups on %s"), label);
    adw_preferences_group_set_title (self->generations_group, title);
  }
  refresh_generations (self);
}

static void
add_destination (CfdBackupWindow *self, const CfdBackupMedium *medium)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *free_text = g_format_size (medium->free_bytes);
  g_autofree char *subtitle = NULL;
  const char *label
      = medium->label != NULL && medium->label[0] != '\0' ? medium->label : medium->path;

  /* Translators: "/media/usb · 12.3 GB free" */
  subtitle = g_strdup_printf (_ ("%s · %s free"), medium->path, free_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (medium->removable
                                                               ? "drive-removable-media-symbolic"
                                                               : "folder-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             button_for (_ ("_Back Up"), "backup.start", medium->path));
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (medium->path), g_free);
  g_object_set_data_full (G_OBJECT (row), "label", g_strdup (label), g_free);
  gtk_list_box_append (self->destinations, row);
  self->n_destinations++;
  if (g_strcmp0 (self->selected, medium->path) == 0)
    gtk_list_box_select_row (self->destinations, GTK_LIST_BOX_ROW (row));
}

static void
refresh_destinations (CfdBackupWindow *self)
{
  g_autoptr (GPtrArray) media = cfd_backup_media_list ();
  g_autofree char *selected = g_strdup (self->selected);
  gboolean found = FALSE;

  remove_rows (self->destinations);
  self->n_destinations = 0;
  for (guint i = 0; media != NULL && i < media->len; i++)
    add_destination (self, g_ptr_array_index (media, i));
  for (guint i = 0; i < self->folders->len; i++)
    {
      g_autoptr (CfdBackupMedium) medium
          = cfd_backup_medium_for_folder (g_ptr_array_index (self->folders, i), NULL);

      if (medium != NULL)
        add_destination (self, medium);
    }
  /* A drive that went away takes its list of backups with it. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->destinations)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "path"), selected) == 0)
      found = TRUE;
  if (!found)
    {
      g_clear_pointer (&self->selected, g_free);
      refresh_generations (self);
    }
}

gboolean
cfd_backup_window_add_folder (CfdBackupWindow *self, const char *folder, GError **error)
{
  g_autoptr (CfdBackupMedium) medium = NULL;

  g_return_val_if_fail (CFD_IS_BACKUP_WINDOW (self), FALSE);

  medium = cfd_backup_medium_for_folder (folder, error);
  if (medium == NULL)
    return FALSE;
  for (guint i = 0; i < self->folders->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->folders, i), medium->path) == 0)
      goto select;
  g_ptr_array_add (self->folders, g_strdup (medium->path));
select:
  /* Offered again next time: a practice backs up to the same place. */
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "backup-folder", medium->path);
  g_free (self->selected);
  self->selected = g_strdup (medium->path);
  refresh_destinations (self);
  return TRUE;
}

static gboolean
pulse (gpointer user_data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
progress (guint64 done, guint64 total, gpointer user_data)
{
  CfdBackupWindow *self = user_data;

  if (g_cancellable_is_cancelled (self->closing))
    return;
  if (total == 0)
    return;
  /* From here on the bar measures; until then it pulses. */
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  gtk_progress_bar_set_fraction (self->progress_bar, (double)done / (double)total);
}

static void
backup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdBackupWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdBackupInfo) info = cfd_vault_backup_finish (CFD_VAULT (source), result, &error);
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (self->closing))
    return;
  set_busy (self, FALSE, NULL);
  if (info != NULL)
    {
      g_autofree char *size = g_format_size (info->file_bytes);

      text = g_strdup_printf (_ ("Backup %" PRIu64 " written, read back and verified (%s)."),
                              info->seq, size);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Backup verified")));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_ ("The backup was cancelled. Earlier backups are untouched."));
  else
    text = g_strdup_printf (_ ("The backup failed: %s. Earlier backups are untouched."),
                            error->message);
  set_status (self, text);
  refresh_destinations (self);
  refresh_generations (self);
  update_reminder (self);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdBackupWindow *self = CFD_BACKUP_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  guint generations = self->settings != NULL
                          ? g_settings_get_uint (self->settings, "backup-generations")
                          : CFD_BACKUP_DEFAULT_GENERATIONS;
  g_autofree char *what = NULL;

  if (self->operation != NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  what = g_strdup_printf (_ ("Backing up to %s…"), path);
  self->operation = g_cancellable_new ();
  set_busy (self, TRUE, what);
  set_status (self, NULL);
  self->pulse_source = g_timeout_add (100, pulse, self->progress_bar);
  cfd_vault_backup_async (self->vault, path, generations, self->operation, progress, self,
                          backup_done, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdBackupWindow *self = CFD_BACKUP_WINDOW (widget);

  if (self->operation != NULL)
    g_cancellable_cancel (self->operation);
}

static void
verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (cfd_vault_verify_backup (CFD_VAULT (source), data, cancellable, NULL, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
verify_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdBackupWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (self->closing))
    return;
  set_busy (self, FALSE, NULL);
  if (ok)
    text = g_strdup (_ ("The backup is intact: every part of it was read and authenticated, "
                        "and its database passed the integrity check."));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_ ("Verification was cancelled."));
  else
    text = g_strdup_printf (_ ("This backup cannot be trusted: %s"), error->message);
  set_status (self, text);
  refresh_generations (self);
  update_reminder (self);
}

static void
verify_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdBackupWindow *self = CFD_BACKUP_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *what = g_strdup_printf (_ ("Verifying %s…"), name);
  GTask *task;

  if (self->operation != NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  self->operation = g_cancellable_new ();
  set_busy (self, TRUE, what);
  set_status (self, NULL);
  self->pulse_source = g_timeout_add (100, pulse, self->progress_bar);
  /* Core verifies synchronously; its worker, like core's own async calls,
   * has the vault to itself until the callback runs. */
  task = g_task_new (self->vault, self->operation, verify_done, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, verify_thread);
  g_object_unref (task);
}

static void
chooser_response (GtkNativeDialog *chooser, int response, CfdBackupWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !cfd_backup_window_add_folder (self, path, &error))
        set_status (self, error->message);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _ ("Choose a Folder for Backups"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
      _ ("_Choose"), _ ("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
restore_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_present (GTK_WINDOW (cfd_restore_window_new (GTK_WINDOW (widget))));
}

static GSettings *
app_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

CfdBackupWindow *
cfd_backup_window_new (GtkWindow *parent, CfdVault *vault)
{
  CfdBackupWindow *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_BACKUP_WINDOW, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::backup-reminder-days",
                             G_CALLBACK (update_reminder), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "mount-added", G_CALLBACK (refresh_destinations), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "mount-removed", G_CALLBACK (refresh_destinations), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "mount-changed", G_CALLBACK (refresh_destinations), self,
                           G_CONNECT_SWAPPED);
  refresh_destinations (self);
  {
    g_autofree char *remembered
        = self->settings != NULL ? g_settings_get_string (self->settings, "backup-folder") : NULL;

    /* A folder on a drive that is not plugged in now is simply not listed. */
    if (remembered != NULL && remembered[0] != '\0' && g_file_test (remembered, G_FILE_TEST_IS_DIR))
      {
        g_autoptr (GError) error = NULL;

        if (!cfd_backup_window_add_folder (self, remembered, &error))
          g_debug ("The remembered backup folder is not usable: %s", error->message);
      }
  }
  refresh_generations (self);
  update_reminder (self);
  set_busy (self, FALSE, NULL);
  /* Core lets only the practice back up; a supervisor may still restore. */
  if (cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.start", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.verify", FALSE);
      gtk_widget_set_visible (self->reminder_box, FALSE);
      set_status (self, _ ("Backups are made by the practice’s owner or therapists."));
    }
  return self;
}

static void
cfd_backup_window_dispose (GObject *object)
{
  CfdBackupWindow *self = CFD_BACKUP_WINDOW (object);

  g_cancellable_cancel (self->closing);
  if (self->operation != NULL)
    g_cancellable_cancel (self->operation);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  g_clear_object (&self->operation);
  g_clear_object (&self->vault);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cfd_backup_window_parent_class)->dispose (object);
}

static void
cfd_backup_window_finalize (GObject *object)
{
  CfdBackupWindow *self = CFD_BACKUP_WINDOW (object);

  g_clear_object (&self->closing);
  g_ptr_array_unref (self->folders);
  g_free (self->selected);
  g_free (self->status);
  G_OBJECT_CLASS (cfd_backup_window_parent_class)->finalize (object);
}

static void
cfd_backup_window_class_init (CfdBackupWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_backup_window_dispose;
  object_class->finalize = cfd_backup_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-backup-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, reminder_box);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, reminder_label);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, destinations);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, generations_group);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupWindow, generations);
  gtk_widget_class_bind_template_callback (widget_class, destination_selected);

  gtk_widget_class_install_action (widget_class, "backup.start", "s", start_action);
  gtk_widget_class_install_action (widget_class, "backup.verify", "s", verify_action);
  gtk_widget_class_install_action (widget_class, "backup.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "backup.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "backup.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_backup_window_init (CfdBackupWindow *self)
{
  GtkWidget *placeholder;

  self->closing = g_cancellable_new ();
  self->folders = g_ptr_array_new_with_free_func (g_free);
  self->settings = app_settings ();
  self->monitor = g_volume_monitor_get ();
  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder
      = gtk_label_new (_ ("No removable drive is plugged in. Plug one in, or choose a folder."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->destinations, placeholder);
}
