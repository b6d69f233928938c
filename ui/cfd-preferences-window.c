/* cfd-preferences-window.c: auto-lock, backup generations and the backup reminder in GSettings; the vault's practice profile. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-preferences-window.h"
#include "cfd-users-group.h"
#include "cfd-threshold-group.h"
#include "cfd-resources.h"
#include "cfd-spell-checker.h"

struct _CfdPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  CfdVault *vault;

  GtkSpinButton *auto_lock_spin;
  GtkSpinButton *generations_spin;
  GtkSpinButton *reminder_spin;
  AdwComboRow *spell_row;
  GtkStringList *spell_languages;
  /* The dictionaries listed after "System language", in order. */
  GStrv languages;

  AdwPreferencesPage *practice_page;
  CfdThresholdGroup *threshold_group; /* NULL until a vault is unlocked */
  AdwPreferencesGroup *practice_group;
  AdwEntryRow *practice_name_row;
  AdwEntryRow *practice_phone_row;
  GtkTextView *practice_address_view;
  GtkWidget *practice_save_button;
  /* The profile as read, so clinicians' credentials (edited with the CLI)
   * survive a save from here. */
  CfdPractice *practice;
  gboolean practice_loading;
};

G_DEFINE_FINAL_TYPE (CfdPreferencesWindow, cfd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const audited_keys[]
    = { "auto-lock-minutes", "backup-generations", "backup-reminder-days", "spell-language", NULL };

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

static void
spell_language_chosen (CfdPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->spell_row);
  const char *language
      = selected == 0 || selected == GTK_INVALID_LIST_POSITION ? "" : self->languages[selected - 1];

  if (self->settings == NULL)
    return;
  {
    g_autofree char *current = g_settings_get_string (self->settings, "spell-language");

    if (g_strcmp0 (current, language) != 0)
      g_settings_set_string (self->settings, "spell-language", language);
  }
}

static void
show_spell_language (CfdPreferencesWindow *self)
{
  g_autofree char *current
      = self->settings != NULL ? g_settings_get_string (self->settings, "spell-language") : NULL;
  guint selected = 0;

  for (guint i = 0; self->languages[i] != NULL; i++)
    if (g_strcmp0 (self->languages[i], current) == 0)
      selected = i + 1;
  adw_combo_row_set_selected (self->spell_row, selected);
}

static GSettings *
app_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

/* ---- practice profile ---- */

static void
toast (CfdPreferencesWindow *self, const char *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static char *
address_text (CfdPreferencesWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->practice_address_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
practice_edited (CfdPreferencesWindow *self)
{
  if (!self->practice_loading && self->practice != NULL)
    gtk_widget_set_sensitive (self->practice_save_button, TRUE);
}

static gboolean
save_practice (CfdPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *message = NULL;

  if (self->practice == NULL || self->vault == NULL)
    return FALSE;
  if (!cfd_vault_is_unlocked (self->vault))
    {
      toast (self, _ ("The practice profile was not saved: the vault is locked"));
      return FALSE;
    }
  address = g_strstrip (address_text (self));
  cfd_practice_set_name (self->practice,
                         gtk_editable_get_text (GTK_EDITABLE (self->practice_name_row)));
  cfd_practice_set_phone (self->practice,
                          gtk_editable_get_text (GTK_EDITABLE (self->practice_phone_row)));
  cfd_practice_set_address (self->practice, address);
  /* Audited as settings.change of "practice", as the CLI's practice set is. */
  if (!cfd_vault_set_practice (self->vault, self->practice, &error))
    {
      /* What was typed stays in the fields to be corrected. */
      message = g_strdup_printf (_ ("The practice profile was not saved: %s"), error->message);
      toast (self, message);
      return FALSE;
    }
  gtk_widget_set_sensitive (self->practice_save_button, FALSE);
  toast (self, _ ("Practice profile saved"));
  return TRUE;
}

static void
practice_save_clicked (CfdPreferencesWindow *self)
{
  (void)save_practice (self);
}

static gboolean
has_pending_practice (CfdPreferencesWindow *self)
{
  return gtk_widget_get_sensitive (self->practice_save_button)
         && gtk_widget_get_visible (self->practice_save_button) && self->vault != NULL
         && cfd_vault_is_unlocked (self->vault);
}

gboolean
cfd_preferences_window_save_pending (CfdPreferencesWindow *self)
{
  g_return_val_if_fail (CFD_IS_PREFERENCES_WINDOW (self), FALSE);

  if (self->threshold_group != NULL && cfd_threshold_group_has_changes (self->threshold_group)
      && cfd_vault_is_unlocked (self->vault))
    {
      g_autoptr (GError) error = NULL;

      if (!cfd_threshold_group_save (self->threshold_group, &error))
        {
          g_autofree char *message
              = g_strdup_printf (_ ("The thresholds were not saved: %s"), error->message);

          toast (self, message);
          return FALSE;
        }
    }
  return !has_pending_practice (self) || save_practice (self);
}

/* Closing keeps what was typed: unsaved changes are saved first, and a
 * window whose changes the core refuses stays open to correct them. Locking
 * saves them first (cfd_window_lock). */
static gboolean
close_request (GtkWindow *window)
{
  CfdPreferencesWindow *self = CFD_PREFERENCES_WINDOW (window);

  /* Locked, nothing can be saved; the window must still close. */
  if (!cfd_preferences_window_save_pending (self))
    return TRUE;
  return GTK_WINDOW_CLASS (cfd_preferences_window_parent_class)->close_request (window);
}

static void
load_practice (CfdPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  gboolean owner;
  const char *address;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    {
      /* Before unlocking there is no vault to read the profile from. */
      gtk_widget_set_visible (GTK_WIDGET (self->practice_page), FALSE);
      return;
    }
  self->threshold_group = cfd_threshold_group_new (self->vault);
  adw_preferences_page_add (self->practice_page, ADW_PREFERENCES_GROUP (self->threshold_group));
  self->practice = cfd_vault_get_practice (self->vault, &error);
  if (self->practice == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The practice profile could not be read: %s"), error->message);

      adw_preferences_group_set_description (self->practice_group, message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->practice_name_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->practice_phone_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->practice_address_view), FALSE);
      return;
    }
  self->practice_loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->practice_name_row),
                         cfd_practice_get_name (self->practice) ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->practice_phone_row),
                         cfd_practice_get_phone (self->practice) ?: "");
  address = cfd_practice_get_address (self->practice);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->practice_address_view),
                            address != NULL ? address : "", -1);
  self->practice_loading = FALSE;
  /* The profile speaks for the whole practice: only its owner changes it. */
  owner = cfd_vault_get_user_role (self->vault) == CFD_ROLE_OWNER;
  gtk_editable_set_editable (GTK_EDITABLE (self->practice_name_row), owner);
  gtk_editable_set_editable (GTK_EDITABLE (self->practice_phone_row), owner);
  gtk_text_view_set_editable (self->practice_address_view, owner);
  gtk_text_view_set_cursor_visible (self->practice_address_view, owner);
  gtk_widget_set_visible (self->practice_save_button, owner);
  if (!owner)
    adw_preferences_group_set_description (
        self->practice_group,
        _ ("Names the practice on exported records. Only the vault’s owner can change it."));
}

/* Everyone unlocked sees who is in the roster; the group itself lets only
 * the owner add to it. */
static void
add_users_page (CfdPreferencesWindow *self)
{
  AdwPreferencesPage *page;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (page, _ ("Users"));
  adw_preferences_page_set_icon_name (page, "system-users-symbolic");
  adw_preferences_page_set_name (page, "users");
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (cfd_users_group_new (self->vault)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

CfdPreferencesWindow *
cfd_preferences_window_new (GtkWindow *parent, GSettings *settings, CfdVault *vault)
{
  CfdPreferencesWindow *self
      = g_object_new (CFD_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->settings = settings != NULL ? g_object_ref (settings) : app_settings ();
  if (vault != NULL)
    self->vault = g_object_ref (vault);
  load_practice (self);
  add_users_page (self);
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
  show_spell_language (self);
  g_signal_connect_object (self->settings, "changed::spell-language",
                           G_CALLBACK (show_spell_language), self, G_CONNECT_SWAPPED);
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
  g_clear_pointer (&self->languages, g_strfreev);
  g_clear_pointer (&self->practice, cfd_practice_free);
  G_OBJECT_CLASS (cfd_preferences_window_parent_class)->dispose (object);
}

static void
cfd_preferences_window_class_init (CfdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_preferences_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = close_request;

  /* Links the resources in when nothing else of ui/ is (a static library). */
  g_assert_nonnull (cfd_get_resource ());

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/confidant/Confidant/cfd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, generations_spin);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, reminder_spin);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, spell_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, spell_languages);
  gtk_widget_class_bind_template_callback (widget_class, spell_language_chosen);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_page);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_group);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_name_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_phone_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_address_view);
  gtk_widget_class_bind_template_child (widget_class, CfdPreferencesWindow, practice_save_button);
  gtk_widget_class_bind_template_callback (widget_class, practice_edited);
  gtk_widget_class_bind_template_callback (widget_class, practice_save_clicked);
}

static void
cfd_preferences_window_init (CfdPreferencesWindow *self)
{
  self->languages = cfd_spell_checker_list_languages ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->practice_address_view), "changed",
                           G_CALLBACK (practice_edited), self, G_CONNECT_SWAPPED);
  gtk_string_list_append (self->spell_languages, _ ("System Language"));
  for (guint i = 0; self->languages[i] != NULL; i++)
    gtk_string_list_append (self->spell_languages, self->languages[i]);
}
