/* cfd-vault-banner.c: the bar that says which vault the window shows when it is not the one Confidant opens at start. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"
#include "cfd-ui-util.h"
#include "cfd-vault-banner.h"

struct _CfdVaultBanner
{
  GtkWidget parent_instance;

  GtkRevealer *revealer;
  GtkLabel *label;
  GtkWidget *use_button;
  GSettings *settings; /* NULL when the schema is not installed */
  char *vault_path;
};

G_DEFINE_FINAL_TYPE (CfdVaultBanner, cfd_vault_banner, GTK_TYPE_WIDGET)

char *
cfd_vault_banner_dup_start_path (GSettings *settings)
{
  const char *env = g_getenv ("CONFIDANT_VAULT_DIR");
  g_autofree char *setting = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (settings != NULL)
    setting = g_settings_get_string (settings, "vault-path");
  if (setting != NULL && setting[0] != '\0')
    return g_steal_pointer (&setting);
  return cfd_vault_default_path ();
}

static gboolean
same_folder (const char *a, const char *b)
{
  g_autofree char *canonical_a = g_canonicalize_filename (a, NULL);
  g_autofree char *canonical_b = g_canonicalize_filename (b, NULL);

  return g_strcmp0 (canonical_a, canonical_b) == 0;
}

static void
update (CfdVaultBanner *self)
{
  g_autofree char *start = cfd_vault_banner_dup_start_path (self->settings);
  g_autofree char *text = NULL;
  gboolean other = self->vault_path != NULL && !same_folder (self->vault_path, start);

  if (other)
    {
      g_autofree char *shown = g_filename_display_name (self->vault_path);
      g_autofree char *name = g_filename_display_basename (self->vault_path);

      /* Translators: the name of a vault's folder, such as a restored copy. */
      text = g_strdup_printf (_ ("This window shows the vault in the folder “%s”, not the one "
                                 "Confidant opens at start."),
                              name);
      gtk_label_set_text (self->label, text);
      /* The whole path, for telling apart two folders of the same name. */
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), shown);
    }
  /* Without the settings there is nothing to remember the choice in. */
  gtk_widget_set_visible (self->use_button, self->settings != NULL);
  gtk_revealer_set_reveal_child (self->revealer, other);
}

void
cfd_vault_banner_set_vault_path (CfdVaultBanner *self, const char *path)
{
  g_return_if_fail (CFD_IS_VAULT_BANNER (self));

  g_free (self->vault_path);
  self->vault_path = g_strdup (path);
  update (self);
}

gboolean
cfd_vault_banner_get_revealed (CfdVaultBanner *self)
{
  g_return_val_if_fail (CFD_IS_VAULT_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

/* The folder goes into the vault-path setting, never anything of what
 * is inside the vault. */
static void
use_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdVaultBanner *self = CFD_VAULT_BANNER (widget);

  if (self->settings == NULL || self->vault_path == NULL)
    return;
  g_settings_set_string (self->settings, "vault-path", self->vault_path);
  update (self);
  cfd_ui_toast (widget, _ ("Confidant will open this vault from now on"));
}

static void
cfd_vault_banner_dispose (GObject *object)
{
  CfdVaultBanner *self = CFD_VAULT_BANNER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_VAULT_BANNER);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->vault_path, g_free);
  G_OBJECT_CLASS (cfd_vault_banner_parent_class)->dispose (object);
}

static void
cfd_vault_banner_class_init (CfdVaultBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_vault_banner_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-vault-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdVaultBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, CfdVaultBanner, label);
  gtk_widget_class_bind_template_child (widget_class, CfdVaultBanner, use_button);
  gtk_widget_class_install_action (widget_class, "vault-banner.use", NULL, use_action);
}

static void
cfd_vault_banner_init (CfdVaultBanner *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (schema != NULL)
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect_object (self->settings, "changed::vault-path", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}
