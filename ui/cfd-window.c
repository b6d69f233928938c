/* cfd-window.c: the main window: first run, unlock, and the unlocked workspace. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-preferences-window.h"
#include "cfd-resources.h"
#include "cfd-ui-util.h"
#include "cfd-window-private.h"

G_DEFINE_FINAL_TYPE (CfdWindow, cfd_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_VAULT_PATH,
  PROP_AUTO_LOCK_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CfdVault *
cfd_window_get_vault (CfdWindow *self)
{
  g_return_val_if_fail (CFD_IS_WINDOW (self), NULL);
  return self->vault;
}

const char *
cfd_window_get_page_name (CfdWindow *self)
{
  g_return_val_if_fail (CFD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
cfd_window_set_auto_lock_interval (CfdWindow *self, guint milliseconds)
{
  g_return_if_fail (CFD_IS_WINDOW (self));

  if (self->auto_lock_interval == milliseconds)
    return;
  self->auto_lock_interval = milliseconds;
  cfd_window_actions_restart_idle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_LOCK_INTERVAL]);
}

guint
cfd_window_get_auto_lock_interval (CfdWindow *self)
{
  g_return_val_if_fail (CFD_IS_WINDOW (self), 0);
  return self->auto_lock_interval;
}

static void
show_unlock (CfdWindow *self)
{
  gtk_revealer_set_reveal_child (self->tamper_banner, FALSE);
  cfd_unlock_page_set_vault (self->unlock_page, self->vault);
  gtk_stack_set_visible_child_name (self->stack, "unlock");
  cfd_unlock_page_focus (self->unlock_page);
}

static void
vault_locked (CfdWindow *self)
{
  /* Core has wiped its keys; drop every decrypted string we still show.
   * (cfd_window_lock saved the drafts before it got here.) */
  cfd_workspace_clear (self->workspace);
  cfd_recovery_key_page_set_key (self->recovery_key_page, NULL);
  cfd_backup_banner_set_vault (self->backup_banner, NULL);
  show_unlock (self);
}

static void
set_vault (CfdWindow *self, CfdVault *vault)
{
  if (self->vault == vault)
    return;
  if (self->vault != NULL)
    g_clear_signal_handler (&self->locked_handler, self->vault);
  g_set_object (&self->vault, vault);
  if (vault != NULL)
    self->locked_handler
        = g_signal_connect_swapped (vault, "locked", G_CALLBACK (vault_locked), self);
}

static void
show_workspace (CfdWindow *self)
{
  g_autofree char *patient_id = g_steal_pointer (&self->resume_patient_id);
  g_autofree char *record_id = g_steal_pointer (&self->resume_record_id);

  cfd_workspace_set_vault (self->workspace, self->vault);
  gtk_stack_set_visible_child_name (self->stack, "workspace");
  cfd_workspace_resume (self->workspace, patient_id, record_id);
  /* A draft the last lock could not save comes back into the editor. */
  cfd_workspace_restore_sealed_draft (self->workspace);
  cfd_window_note_activity (self);
}

static void
vault_created (CfdWindow *self, CfdVault *vault, const char *recovery_key)
{
  set_vault (self, vault);
  cfd_recovery_key_page_set_key (self->recovery_key_page, recovery_key);
  gtk_stack_set_visible_child_name (self->stack, "recovery-key");
}

static void
recovery_key_stored (CfdWindow *self)
{
  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    show_workspace (self);
  else
    show_unlock (self);
}

/* Not a toast: a change the user may believe saved is gone, and they
 * must know to check their last piece of work. */
static void
tell_of_discarded_write (CfdWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (
      GTK_WINDOW (self), _ ("The Last Change Could Not Be Recovered"),
      _ ("The vault was not closed properly, and the last change written before that was "
         "incomplete or damaged, so it was discarded. Everything saved before it is intact. "
         "Check the note you were working on last. This has been recorded in the audit log."));

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A banner, not a dialog: the user may need to keep working (and look in
 * the audit log) while the warning stays in view. */
static void
show_tamper_warnings (CfdWindow *self)
{
  const char *const *warnings = cfd_vault_get_tamper_warnings (self->vault);
  g_autoptr (GString) text = NULL;

  if (warnings[0] == NULL)
    {
      gtk_revealer_set_reveal_child (self->tamper_banner, FALSE);
      return;
    }
  text = g_string_new (_ ("Someone changed this vault outside Confidant:"));
  for (const char *const *warning = warnings; *warning; warning++)
    g_string_append_printf (text, "\n• %s", *warning);
  g_string_append (text, _ ("\nThis is recorded in the audit log as vault.tamper."));
  gtk_label_set_text (self->tamper_label, text->str);
  gtk_revealer_set_reveal_child (self->tamper_banner, TRUE);
}

static void
dismiss_tamper_banner (CfdWindow *self)
{
  gtk_revealer_set_reveal_child (self->tamper_banner, FALSE);
}

static void
vault_unlocked (CfdWindow *self)
{
  g_autoptr (GError) error = NULL;
  char *new_recovery_key = cfd_vault_take_new_recovery_key (self->vault);

  /* A practice's own instrument definitions (docs/CLINICAL.md); one that
   * does not read is left out and named in the log (file names only). */
  if (!cfd_instrument_library_add_practice (self->vault_path, &error))
    g_warning ("%s", error->message);
  show_workspace (self);
  show_tamper_warnings (self);
  cfd_backup_banner_set_vault (self->backup_banner, self->vault);
  /* A recovery replaces the key used: the owner stores the new one before
   * going on, on the page the first run shows it on. */
  if (new_recovery_key != NULL)
    {
      cfd_recovery_key_page_set_key (self->recovery_key_page, new_recovery_key);
      cfd_wipe_string (new_recovery_key);
      gtk_stack_set_visible_child_name (self->stack, "recovery-key");
    }
  if (cfd_vault_get_discarded_broken_write (self->vault))
    tell_of_discarded_write (self);
}

void
cfd_window_lock (CfdWindow *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (CFD_IS_WINDOW (self));

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;

  /* The practice profile being typed in Preferences is saved first too. */
  {
    GListModel *toplevels = gtk_window_get_toplevels (); /* not owned */

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

        if (CFD_IS_PREFERENCES_WINDOW (toplevel)
            && gtk_window_get_transient_for (GTK_WINDOW (toplevel)) == GTK_WINDOW (self))
          (void)cfd_preferences_window_save_pending (CFD_PREFERENCES_WINDOW (toplevel));
      }
  }

  if (!cfd_workspace_save_drafts (self->workspace, &error))
    {
      /* Locking cannot wait for a failing disk: the vault must not stay
       * open on an unattended screen. What was typed is sealed to the
       * user (their public key: nothing secret stays for it) and comes
       * back at their next unlock. */
      g_autoptr (GError) seal_error = NULL;
      g_autofree char *message = NULL;
      gboolean on_disk = FALSE;

      if (cfd_workspace_seal_unsaved (self->workspace, &on_disk, &seal_error))
        message = g_strdup_printf (
            _ ("A draft could not be saved before locking (%s). What you typed was sealed "
               "for you and will be back when you unlock."),
            error->message);
      else
        message = g_strdup_printf (_ ("A draft could not be saved before locking: %s; %s"),
                                   error->message, seal_error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
    }

  g_clear_pointer (&self->resume_patient_id, g_free);
  g_clear_pointer (&self->resume_record_id, g_free);
  cfd_workspace_get_location (self->workspace, &self->resume_patient_id, &self->resume_record_id);
  cfd_workspace_clear (self->workspace);
  cfd_vault_lock (self->vault);
}

/* A vault other than the one opened at start (a restored copy) is named
 * by its folder, in the bar at the foot and in the window's title. */
static void
show_vault_folder (CfdWindow *self)
{
  cfd_vault_banner_set_vault_path (self->vault_banner, self->vault_path);
  if (cfd_vault_banner_get_revealed (self->vault_banner))
    {
      g_autofree char *name = g_filename_display_basename (self->vault_path);
      /* Translators: the window's title when it shows another vault. */
      g_autofree char *title = g_strdup_printf (_ ("Confidant — %s"), name);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _ ("Confidant"));
}

static void
open_vault (CfdWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;

  show_vault_folder (self);
  if (!cfd_vault_exists (self->vault_path))
    {
      cfd_create_page_set_vault_path (self->create_page, self->vault_path);
      gtk_stack_set_visible_child_name (self->stack, "create");
      return;
    }

  vault = cfd_vault_open (self->vault_path, &error);
  if (vault == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  cfd_vault_set_source (vault, "app");
  set_vault (self, vault);
  show_unlock (self);
}

static gboolean
cfd_window_close_request (GtkWindow *window)
{
  CfdWindow *self = CFD_WINDOW (window);
  GtkApplication *app = gtk_window_get_application (window);
  GSettings *settings
      = CFD_IS_APPLICATION (app) ? cfd_application_get_settings (CFD_APPLICATION (app)) : NULL;
  int width, height;

  if (settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
    }
  /* Closing saves every draft and locks, like Ctrl+L. */
  cfd_window_lock (self);
  return GTK_WINDOW_CLASS (cfd_window_parent_class)->close_request (window);
}

/* GtkWindow's "application" is set after construction (it is not a
 * construct property), so the settings are read when the window is
 * attached, and followed from then on. */
static void
application_changed (CfdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings;

  if (!CFD_IS_APPLICATION (app) || self->watching_settings
      || (settings = cfd_application_get_settings (CFD_APPLICATION (app))) == NULL)
    return;
  self->watching_settings = TRUE;
  cfd_window_set_auto_lock_interval (self, g_settings_get_uint (settings, "auto-lock-minutes") * 60
                                               * 1000);
  cfd_window_actions_watch_settings (self, settings);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
cfd_window_constructed (GObject *object)
{
  CfdWindow *self = CFD_WINDOW (object);

  G_OBJECT_CLASS (cfd_window_parent_class)->constructed (object);

  /* Tests and tools make windows without an application: each has a
   * monitor of its own, watching the same toplevels. */
  {
    GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
    g_autoptr (CfdIdleMonitor) monitor
        = CFD_IS_APPLICATION (app)
              ? g_object_ref (cfd_application_get_idle_monitor (CFD_APPLICATION (app)))
              : cfd_idle_monitor_new ();

    cfd_window_actions_watch_idle (self, monitor);
  }
  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed), NULL);
  application_changed (self);
  if (self->vault_path == NULL)
    self->vault_path = cfd_vault_default_path ();
  open_vault (self);
}

void
cfd_window_open_vault (CfdWindow *self, const char *path)
{
  g_return_if_fail (CFD_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    cfd_window_lock (self);
  /* Where the user was belongs to the other vault. */
  g_clear_pointer (&self->resume_patient_id, g_free);
  g_clear_pointer (&self->resume_record_id, g_free);
  set_vault (self, NULL);
  g_free (self->vault_path);
  self->vault_path = g_strdup (path);
  open_vault (self);
}

static void
cfd_window_dispose (GObject *object)
{
  CfdWindow *self = CFD_WINDOW (object);

  cfd_window_actions_dispose (self);
  if (self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    cfd_window_lock (self);
  set_vault (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_WINDOW);
  G_OBJECT_CLASS (cfd_window_parent_class)->dispose (object);
}

static void
cfd_window_finalize (GObject *object)
{
  CfdWindow *self = CFD_WINDOW (object);

  g_free (self->vault_path);
  g_free (self->resume_patient_id);
  g_free (self->resume_record_id);
  G_OBJECT_CLASS (cfd_window_parent_class)->finalize (object);
}

static void
cfd_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CfdWindow *self = CFD_WINDOW (object);

  switch (prop_id)
    {
      case PROP_VAULT_PATH:
        g_value_set_string (value, self->vault_path);
        break;
      case PROP_AUTO_LOCK_INTERVAL:
        g_value_set_uint (value, self->auto_lock_interval);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfd_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CfdWindow *self = CFD_WINDOW (object);

  switch (prop_id)
    {
      case PROP_VAULT_PATH:
        self->vault_path = g_value_dup_string (value);
        break;
      case PROP_AUTO_LOCK_INTERVAL:
        cfd_window_set_auto_lock_interval (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfd_window_class_init (CfdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cfd_window_constructed;
  object_class->dispose = cfd_window_dispose;
  object_class->finalize = cfd_window_finalize;
  object_class->get_property = cfd_window_get_property;
  object_class->set_property = cfd_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = cfd_window_close_request;

  properties[PROP_VAULT_PATH]
      = g_param_spec_string ("vault-path", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_LOCK_INTERVAL]
      = g_param_spec_uint ("auto-lock-interval", NULL, NULL, 0, G_MAXUINT, 5 * 60 * 1000,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The resources live in a static library: referencing them links them in,
   * and their constructor registers them (kept out of g_assert, which
   * G_DISABLE_ASSERT would compile away). */
  if (cfd_get_resource () == NULL)
    g_error ("The user interface resources are missing");

  g_type_ensure (CFD_TYPE_CREATE_PAGE);
  g_type_ensure (CFD_TYPE_RECOVERY_KEY_PAGE);
  g_type_ensure (CFD_TYPE_UNLOCK_PAGE);
  g_type_ensure (CFD_TYPE_WORKSPACE);
  g_type_ensure (CFD_TYPE_BACKUP_BANNER);
  g_type_ensure (CFD_TYPE_VAULT_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, tamper_banner);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, tamper_label);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, create_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, recovery_key_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, unlock_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, workspace);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, backup_banner);
  gtk_widget_class_bind_template_child (widget_class, CfdWindow, vault_banner);
  gtk_widget_class_bind_template_callback (widget_class, vault_created);
  gtk_widget_class_bind_template_callback (widget_class, recovery_key_stored);
  gtk_widget_class_bind_template_callback (widget_class, vault_unlocked);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_tamper_banner);

  cfd_window_actions_class_init (widget_class);
}

static void
cfd_window_init (CfdWindow *self)
{
  GdkDisplay *display = gdk_display_get_default ();

  /* GtkApplication does this for its own windows; tests and tools have none. */
  if (display != NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (display);

      if (!gtk_icon_theme_has_icon (theme, APP_ID))
        gtk_icon_theme_add_resource_path (theme, "/org/confidant/Confidant/icons");
    }
  self->auto_lock_interval = 5 * 60 * 1000;
  gtk_widget_init_template (GTK_WIDGET (self));
  cfd_window_actions_init (self);
}

CfdWindow *
cfd_window_new (CfdApplication *app, const char *vault_path)
{
  return g_object_new (CFD_TYPE_WINDOW, "application", app, "vault-path", vault_path, NULL);
}
