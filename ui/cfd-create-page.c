/* cfd-create-page.c: first run: the owner's name and passphrase, and creating the vault. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-create-page.h"
#include "cfd-passphrase-meter.h"
#include "cfd-ui-util.h"

struct _CfdCreatePage
{
  GtkWidget parent_instance;

  char *vault_path;
  GCancellable *cancellable;
  CfdPassphraseChecker *checker;
  gboolean busy;
  int score;
  /* The confirmation was left or entered: a mismatch is a mistake then,
   * not a passphrase still being typed. */
  gboolean confirm_done;

  AdwEntryRow *owner_row;
  AdwPasswordEntryRow *passphrase_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *match_label;
  GtkLabel *error_label;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (CfdCreatePage, cfd_create_page, GTK_TYPE_WIDGET)

enum
{
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
cfd_create_page_set_vault_path (CfdCreatePage *self, const char *path)
{
  g_return_if_fail (CFD_IS_CREATE_PAGE (self));
  g_free (self->vault_path);
  self->vault_path = g_strdup (path);
}

static gboolean
form_complete (CfdCreatePage *self)
{
  const char *owner = gtk_editable_get_text (GTK_EDITABLE (self->owner_row));
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  g_autofree char *owner_stripped = g_strstrip (g_strdup (owner));

  return owner_stripped[0] != '\0' && self->score >= 0 && g_strcmp0 (passphrase, confirm) == 0;
}

static void
update_state (CfdCreatePage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.create",
                                 !self->busy && form_complete (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

static void
passphrase_changed (CfdCreatePage *self)
{
  const char *owner = gtk_editable_get_text (GTK_EDITABLE (self->owner_row));
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  g_autofree char *owner_stripped = g_strstrip (g_strdup (owner));

  self->score
      = cfd_passphrase_meter_update (self->checker, self->strength_bar, self->strength_label,
                                     passphrase, owner_stripped[0] != '\0' ? owner_stripped : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->match_label),
                          self->confirm_done && confirm[0] != '\0'
                              && g_strcmp0 (passphrase, confirm) != 0);
  update_state (self);
}

static void
clear_secrets (CfdCreatePage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  self->confirm_done = FALSE;
}

static void
create_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdCreatePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  char *recovery_key = NULL;

  vault = cfd_vault_create_finish (result, &recovery_key, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  if (vault == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The vault could not be created: %s"), error->message);

      gtk_label_set_label (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      update_state (self);
      return;
    }

  cfd_vault_set_source (vault, "app");
  clear_secrets (self);
  gtk_editable_set_text (GTK_EDITABLE (self->owner_row), "");
  update_state (self);
  g_signal_emit (self, signals[CREATED], 0, vault, recovery_key);
  cfd_wipe_string (recovery_key);
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdCreatePage *self = CFD_CREATE_PAGE (widget);
  g_autofree char *owner = NULL;

  if (self->busy || !form_complete (self) || self->vault_path == NULL)
    return;

  owner = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->owner_row))));
  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_state (self);

  /* Key derivation takes about a second: it runs in a worker thread. */
  cfd_vault_create_async (self->vault_path, owner,
                          gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)),
                          self->cancellable, create_done, g_object_ref (self));
}

/* Enter moves down the form, as in any sign-up form, and creates the
 * vault from the last field. */
static void
owner_activated (CfdCreatePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
passphrase_activated (CfdCreatePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
}

static void
confirm_left (CfdCreatePage *self)
{
  self->confirm_done = TRUE;
  passphrase_changed (self);
}

static void
confirm_activated (CfdCreatePage *self)
{
  confirm_left (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "create.create", NULL);
}

static void
cfd_create_page_dispose (GObject *object)
{
  CfdCreatePage *self = CFD_CREATE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_CREATE_PAGE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_create_page_parent_class)->dispose (object);
}

static void
cfd_create_page_finalize (GObject *object)
{
  CfdCreatePage *self = CFD_CREATE_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->checker, cfd_passphrase_checker_free);
  g_free (self->vault_path);
  G_OBJECT_CLASS (cfd_create_page_parent_class)->finalize (object);
}

static void
cfd_create_page_class_init (CfdCreatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_create_page_dispose;
  object_class->finalize = cfd_create_page_finalize;

  /* The recovery key travels as a pointer so that no GValue copies it. */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 2, G_TYPE_OBJECT, G_TYPE_POINTER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-create-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, owner_row);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, strength_label);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, match_label);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdCreatePage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed);
  gtk_widget_class_bind_template_callback (widget_class, owner_activated);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activated);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activated);

  gtk_widget_class_install_action (widget_class, "create.create", NULL, create_action);
}

static void
cfd_create_page_init (CfdCreatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->checker = cfd_passphrase_checker_new (NULL);
  self->score = -1;

  cfd_passphrase_meter_init (self->strength_bar);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect_object (focus, "leave", G_CALLBACK (confirm_left), self, G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self->confirm_row), focus);
  }
  passphrase_changed (self);
}
