/* cfd-preferences-window.c: auto-lock, backup generations and the backup reminder, kept in GSettings. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-preferences-window.h"
#include "cfd-resources.h"

struct _CfdPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  CfdVault *vault;

  GtkSpinButton *auto_lock_spin;
  GtkSpinButton *generations_spin;
  GtkSpinButton *reminder_spin;
};

G_DEFINE_FINAL_TYPE (CfdPreferencesWindow, cfd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const audited_keys[]
    = { "auto-lock-minutes", "backup-generations", "backup-reminder-days" };

static void
setting_changed (CfdPreferencesWindow *self, const char *key, GSettings *settings)
{
  g_autoptr (GError) error = NULL;

  if (!g_strv_contains (audited_keys, key) || self->vault == NULL
      || !cfd_vault_is_unlocked (self->vault))
    return;
  /* The key only: settings hold no patient data, and the log takes no text. */
  if (!cfd_vault_audit_event (self->vault, "settings.change", "settings", key, &error))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The change could not be recorded in the audit log: %s"), error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
    }
}

static GSettings *
app_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

CfdPreferencesWindow *
cfd_preferences_window_new (GtkWindow *parent, GSettings *settings, CfdVault *vault)
{
  CfdPreferencesWindow *self
      = g_object_new (CFD_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->settings = settings != NULL ? g_object_ref (settings) : app_settings ();
  if (vault != NULL)
    self->vault = g_object_ref (vault);
  if (self->settings == NULL)
    {
      /* Without the schema nothing can be kept: say so rather than pretend. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->auto_lock_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->generations_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->reminder_spin), FALSE);
      adw_preferences_window_add_toast (
          ADW_PREFERENCES_WINDOW (self),
          adw_toast_new (_ ("Settings cannot be saved: the GSettings schema is not installed")));
      return self;
    }
  g_settings_bind (self->settings, "auto-lock-minutes", self->auto_lock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "backup-generations", self->generations_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "backup-reminder-days", self->reminder_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (setting_changed), self,
                           G_CONNECT_SWAPPED);
  return self;
}

static void
cfd_preferences_window_dispose (GObject *object)
{
  CfdPreferencesWindow *self = CFD_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    {
      g_settings_unbind (self->auto_lock_spin, "value");
      g_settings_unbind (self->generations_spin, "value");
      g_settings_unbind (self->reminder_spin, "value");
    }
  g_clear_object (&self->settings);
  g_clear_object (&self->vault);
  G_OBJECT_CLASS (cfd_preferences_window_parent_class)->dispose (object);
}

static void
cfd_preferences_window_class_init (CfdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_preferences_window_dispose;

  /* Links the resources in when nothing else of ui/ is (a static library). */
  g_assert_nonnull (cfd_get_resource ());

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/confidant/Confidant/cfd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, generations_spin);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, reminder_spin);
}

static void
cfd_preferences_window_init (CfdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
