/* cfd-backup-banner.c: the main window's bar that asks for a backup when the last verified one is too old. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-backup-banner.h"
#include "cfd-backup-window.h"

/* libadwaita 1.2 has no AdwBanner: a revealer with a label and a button,
 * styled like one. The Backups window shows the same reminder; this bar
 * is for the therapist who never opens it. */
struct _CfdBackupBanner
{
  GtkWidget parent_instance;

  CfdVault *vault;
  GSettings *settings; /* NULL when the schema is not installed */

  GtkRevealer *revealer;
  GtkLabel *label;
};

G_DEFINE_FINAL_TYPE (CfdBackupBanner, cfd_backup_banner, GTK_TYPE_WIDGET)

void
cfd_backup_banner_refresh (CfdBackupBanner *self)
{
  g_autofree char *text = NULL;
  guint days;

  g_return_if_fail (CFD_IS_BACKUP_BANNER (self));

  /* Only the practice backs up: a supervisor is never asked to. */
  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault)
      && cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR)
    {
      days = self->settings != NULL ? g_settings_get_uint (self->settings, "backup-reminder-days")
                                    : 7;
      text = cfd_backup_reminder_text (cfd_backup_last_verified (self->vault), g_get_real_time (),
                                       days);
    }
  if (text != NULL)
    gtk_label_set_label (self->label, text);
  gtk_revealer_set_reveal_child (self->revealer, text != NULL);
}

void
cfd_backup_banner_set_vault (CfdBackupBanner *self, CfdVault *vault)
{
  g_return_if_fail (CFD_IS_BACKUP_BANNER (self));

  g_set_object (&self->vault, vault);
  cfd_backup_banner_refresh (self);
}

gboolean
cfd_backup_banner_get_revealed (CfdBackupBanner *self)
{
  g_return_val_if_fail (CFD_IS_BACKUP_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

static void
cfd_backup_banner_dispose (GObject *object)
{
  CfdBackupBanner *self = CFD_BACKUP_BANNER (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_BACKUP_BANNER);
  G_OBJECT_CLASS (cfd_backup_banner_parent_class)->dispose (object);
}

static void
cfd_backup_banner_class_init (CfdBackupBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_backup_banner_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-backup-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdBackupBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, CfdBackupBanner, label);
}

static void
cfd_backup_banner_init (CfdBackupBanner *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (schema != NULL)
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect_object (self->settings, "changed::backup-reminder-days",
                               G_CALLBACK (cfd_backup_banner_refresh), self, G_CONNECT_SWAPPED);
    }
}
