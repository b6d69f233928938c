/* cfd-users-group.c: the vault's users with role and key fingerprint; the owner adds therapists and supervisors. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-user-dialog.h"
#include "cfd-users-group.h"

struct _CfdUsersGroup
{
  AdwPreferencesGroup parent_instance;

  CfdVault *vault;
  GPtrArray *rows; /* the rows shown, to remove on refresh */
  GtkWidget *add_button;
};

G_DEFINE_FINAL_TYPE (CfdUsersGroup, cfd_users_group, ADW_TYPE_PREFERENCES_GROUP)

static const char *
role_name (CfdRole role)
{
  switch (role)
    {
      case CFD_ROLE_OWNER:
        return _ ("Owner");
      case CFD_ROLE_THERAPIST:
        return _ ("Therapist");
      case CFD_ROLE_SUPERVISOR:
      default:
        return _ ("Supervisor");
    }
}

/* The first groups of the fingerprint signed records show their signer
 * with: enough to tell keys apart at a glance, not to verify one. */
static char *
short_fingerprint (const char *fingerprint)
{
  g_auto (GStrv) groups = g_strsplit (fingerprint, " ", 4);

  if (g_strv_length (groups) >= 3)
    return g_strdup_printf ("%s %s %s…", groups[0], groups[1], groups[2]);
  return g_strdup (fingerprint);
}

void
cfd_users_group_refresh (CfdUsersGroup *self)
{
  g_autoptr (GPtrArray) users = NULL;

  g_return_if_fail (CFD_IS_USERS_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  if (!cfd_vault_is_unlocked (self->vault))
    return;

  users = cfd_vault_list_users (self->vault);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);
      g_autofree char *fingerprint = cfd_vault_dup_user_fingerprint (self->vault, user->id, NULL);
      g_autofree char *shown = fingerprint != NULL ? short_fingerprint (fingerprint) : NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      /* Translators: a user's role, then the start of their key's fingerprint. */
      subtitle = shown != NULL ? g_strdup_printf (_ ("%s · key %s"), role_name (user->role), shown)
                               : g_strdup (role_name (user->role));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_tooltip_text (row, fingerprint);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
user_added (CfdUsersGroup *self)
{
  cfd_users_group_refresh (self);
}

static void
add_clicked (CfdUsersGroup *self)
{
  CfdUserDialog *dialog;

  if (!cfd_vault_is_unlocked (self->vault))
    return;
  dialog = cfd_user_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->vault);
  g_signal_connect_object (dialog, "added", G_CALLBACK (user_added), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cfd_users_group_finalize (GObject *object)
{
  CfdUsersGroup *self = CFD_USERS_GROUP (object);

  g_clear_object (&self->vault);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (cfd_users_group_parent_class)->finalize (object);
}

static void
cfd_users_group_class_init (CfdUsersGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_users_group_finalize;
}

static void
cfd_users_group_init (CfdUsersGroup *self)
{
  self->rows = g_ptr_array_new ();
}

CfdUsersGroup *
cfd_users_group_new (CfdVault *vault)
{
  CfdUsersGroup *self;
  gboolean owner;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_USERS_GROUP, "title", _ ("Users"), NULL);
  self->vault = g_object_ref (vault);
  /* Only the owner signs the roster: others see who is in it. */
  owner = cfd_vault_get_user_role (vault) == CFD_ROLE_OWNER;
  if (owner)
    {
      self->add_button = gtk_button_new_with_mnemonic (_ ("_Add User…"));
      gtk_widget_set_name (self->add_button, "add_user_button");
      gtk_widget_set_valign (self->add_button, GTK_ALIGN_CENTER);
      g_signal_connect_object (self->add_button, "clicked", G_CALLBACK (add_clicked), self,
                               G_CONNECT_SWAPPED);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), self->add_button);
      adw_preferences_group_set_description (
          ADW_PREFERENCES_GROUP (self),
          _ ("Therapists write and sign notes; supervisors read what a patient’s consent "
             "allows."));
    }
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                           _ ("Only the vault’s owner can add users."));
  cfd_users_group_refresh (self);
  return self;
}
