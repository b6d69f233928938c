/* cfd-recovery-key-page.c: shows the new vault's recovery key once, to print or write down. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "confidant.h"

#include "cfd-recovery-key-page.h"
#include "cfd-ui-util.h"

struct _CfdRecoveryKeyPage
{
  GtkWidget parent_instance;

  /* Held only until "done"; wiped then. */
  char *display;

  GtkLabel *key_label;
  GtkCheckButton *stored_check;
};

G_DEFINE_FINAL_TYPE (CfdRecoveryKeyPage, cfd_recovery_key_page, GTK_TYPE_WIDGET)

enum
{
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
forget_key (CfdRecoveryKeyPage *self)
{
  gtk_label_set_label (self->key_label, "");
  g_clear_pointer (&self->display, cfd_wipe_string);
}

/* "ABCD-EFGH-..." becomes three lines of three groups: easier to copy by
 * hand and to read back without losing one's place. */
static char *
group_key (const char *recovery_key)
{
  g_auto (GStrv) groups = g_strsplit (recovery_key, "-", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, i % 3 == 0 ? "\n" : "  ");
      g_string_append (out, groups[i]);
    }
  for (guint i = 0; groups[i] != NULL; i++)
    g_clear_pointer (&groups[i], cfd_wipe_string);
  return g_string_free (out, FALSE);
}

void
cfd_recovery_key_page_set_key (CfdRecoveryKeyPage *self, const char *recovery_key)
{
  g_return_if_fail (CFD_IS_RECOVERY_KEY_PAGE (self));

  forget_key (self);
  gtk_check_button_set_active (self->stored_check, FALSE);
  if (recovery_key == NULL)
    return;
  self->display = group_key (recovery_key);
  gtk_label_set_label (self->key_label, self->display);
}

static void
stored_toggled (CfdRecoveryKeyPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recovery.continue",
                                 gtk_check_button_get_active (self->stored_check));
}

static void
continue_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecoveryKeyPage *self = CFD_RECOVERY_KEY_PAGE (widget);

  if (!gtk_check_button_get_active (self->stored_check))
    return;
  forget_key (self);
  gtk_check_button_set_active (self->stored_check, FALSE);
  g_signal_emit (self, signals[DONE], 0);
}

static void
draw_page (GtkPrintOperation *operation, GtkPrintContext *context, int page_nr, gpointer user_data)
{
  CfdRecoveryKeyPage *self = user_data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr (PangoLayout) layout = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoLayout) key_layout = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoFontDescription) body = pango_font_description_from_string ("Sans 12");
  g_autoptr (PangoFontDescription) mono = pango_font_description_from_string ("Monospace 20");
  g_autofree char *heading = g_strdup_printf (
      "%s\n\n%s", _ ("Confidant recovery key"),
      _ ("This key opens the vault if its passphrase is forgotten. Keep it somewhere safe, "
         "away from the computer, and do not share it."));
  int height;

  pango_layout_set_font_description (layout, body);
  pango_layout_set_width (layout, (int)(gtk_print_context_get_width (context) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_text (layout, heading, -1);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, NULL, &height);

  pango_layout_set_font_description (key_layout, mono);
  pango_layout_set_text (key_layout, self->display != NULL ? self->display : "", -1);
  cairo_move_to (cr, 0, height + 36);
  pango_cairo_show_layout (cr, key_layout);
}

static void
print_done (GtkPrintOperation *operation, GtkPrintOperationResult result, gpointer user_data)
{
  CfdRecoveryKeyPage *self = user_data;
  g_autoptr (GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog;

      gtk_print_operation_get_error (operation, &error);
      dialog = adw_message_dialog_new (GTK_WINDOW (root), _ ("Printing Failed"),
                                       error != NULL ? error->message : NULL);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
print_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecoveryKeyPage *self = CFD_RECOVERY_KEY_PAGE (widget);
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->display == NULL)
    return;
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_job_name (operation, _ ("Confidant recovery key"));
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect_object (operation, "draw-page", G_CALLBACK (draw_page), self, 0);
  g_signal_connect_object (operation, "done", G_CALLBACK (print_done), self, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (root), &error)
      == GTK_PRINT_OPERATION_RESULT_ERROR)
    print_done (operation, GTK_PRINT_OPERATION_RESULT_ERROR, self);
}

gboolean
cfd_recovery_key_page_save_to (CfdRecoveryKeyPage *self, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *uri = NULL;
  gsize length, written = 0;
  int fd, saved_errno;

  g_return_val_if_fail (CFD_IS_RECOVERY_KEY_PAGE (self), FALSE);

  if (self->display == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _ ("The recovery key is no longer shown"));
      return FALSE;
    }
  /* Readable by this user only, from the moment the file exists; a file
   * that is there already is overwritten and narrowed to the same. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("The recovery key could not be saved: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  text = g_strdup_printf ("%s\n\n%s\n\n%s\n", _ ("Confidant recovery key"),
                          _ ("This key opens the vault if its passphrase is forgotten. Keep it "
                             "somewhere safe, away from the computer, and do not share it."),
                          self->display);
  length = strlen (text);
  while (written < length)
    {
      ssize_t n = write (fd, text + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += (gsize)n;
    }
  saved_errno = errno;
  cfd_wipe_string (g_steal_pointer (&text));
  if (written < length || fchmod (fd, 0600) != 0 || fsync (fd) != 0)
    {
      if (written == length)
        saved_errno = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("The recovery key could not be saved: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  /* Whatever a file chooser noted, the key's file is not offered among
   * recent files to whoever uses the session next. */
  uri = g_filename_to_uri (path, NULL, NULL);
  if (uri != NULL)
    gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
  return TRUE;
}

static void
save_response (GtkNativeDialog *chooser, int response, CfdRecoveryKeyPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && cfd_recovery_key_page_save_to (self, path, &error))
        cfd_ui_toast (GTK_WIDGET (self),
                      _ ("Saved. Move the file to a drive you keep away from this computer."));
      else if (error != NULL)
        cfd_ui_toast (GTK_WIDGET (self), error->message);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _ ("Save the Recovery Key"), GTK_WINDOW (gtk_widget_get_root (widget)),
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _ ("Confidant recovery key.txt"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cfd_recovery_key_page_dispose (GObject *object)
{
  CfdRecoveryKeyPage *self = CFD_RECOVERY_KEY_PAGE (object);

  g_clear_pointer (&self->display, cfd_wipe_string);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_RECOVERY_KEY_PAGE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_recovery_key_page_parent_class)->dispose (object);
}

static void
cfd_recovery_key_page_class_init (CfdRecoveryKeyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_recovery_key_page_dispose;

  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-recovery-key-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdRecoveryKeyPage, key_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRecoveryKeyPage, stored_check);
  gtk_widget_class_bind_template_callback (widget_class, stored_toggled);

  gtk_widget_class_install_action (widget_class, "recovery.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "recovery.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "recovery.save", NULL, save_action);
}

static void
cfd_recovery_key_page_init (CfdRecoveryKeyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stored_toggled (self);
}
