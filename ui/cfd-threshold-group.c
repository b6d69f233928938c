/* cfd-threshold-group.c: the practice's dosing thresholds in Preferences.
 *
 * Each threshold is a row with a spin button, its default and where that
 * comes from; the values are saved together (Save Thresholds, or when the
 * window closes), so that stepping a value does not write each step. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-threshold-group.h"

struct _CfdThresholdGroup
{
  AdwPreferencesGroup parent_instance;

  CfdVault *vault;
  CfdDosingThresholds saved;
  GPtrArray *spins; /* in cfd_dosing_thresholds_list order */
  GtkWidget *save_button;
};

G_DEFINE_FINAL_TYPE (CfdThresholdGroup, cfd_threshold_group, ADW_TYPE_PREFERENCES_GROUP)

gboolean
cfd_threshold_group_has_changes (CfdThresholdGroup *self)
{
  guint n;
  const CfdDosingThresholdInfo *all = cfd_dosing_thresholds_list (&n);

  g_return_val_if_fail (CFD_IS_THRESHOLD_GROUP (self), FALSE);
  for (guint i = 0; i < self->spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->spins, i);

      if ((guint)gtk_spin_button_get_value_as_int (spin)
          != cfd_dosing_threshold_get (&self->saved, all[i].name))
        return TRUE;
    }
  return FALSE;
}

static void
value_changed (CfdThresholdGroup *self)
{
  if (self->save_button != NULL)
    gtk_widget_set_sensitive (self->save_button, cfd_threshold_group_has_changes (self));
}

gboolean
cfd_threshold_group_save (CfdThresholdGroup *self, GError **error)
{
  guint n;
  const CfdDosingThresholdInfo *all = cfd_dosing_thresholds_list (&n);

  g_return_val_if_fail (CFD_IS_THRESHOLD_GROUP (self), FALSE);
  for (guint i = 0; i < self->spins->len; i++)
    {
      guint value = (guint)gtk_spin_button_get_value_as_int (g_ptr_array_index (self->spins, i));

      if (value == cfd_dosing_threshold_get (&self->saved, all[i].name))
        continue;
      if (!cfd_vault_set_dosing_threshold (self->vault, all[i].name, value, error))
        return FALSE;
    }
  if (!cfd_vault_get_dosing_thresholds (self->vault, &self->saved, error))
    return FALSE;
  value_changed (self);
  return TRUE;
}

static void
save_clicked (CfdThresholdGroup *self)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);
  g_autofree char *message = NULL;

  if (cfd_threshold_group_save (self, &error))
    message = g_strdup (_ ("Thresholds saved; dosing records signed from now on use them"));
  else
    message = g_strdup_printf (_ ("The thresholds were not saved: %s"), error->message);
  if (window != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (message));
}

static GtkWidget *
threshold_row (CfdThresholdGroup *self, const CfdDosingThresholdInfo *info, gboolean owner)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (info->min, info->max, 1);
  guint fallback = cfd_dosing_threshold_get (&cfd_dosing_default_thresholds, info->name);
  g_autofree char *title = info->unit != NULL
                               ? g_strdup_printf ("%s (%s)", _ (info->description), info->unit)
                               : g_strdup (_ (info->description));
  /* Translators: a threshold's default value, then where it comes from */
  g_autofree char *subtitle = g_strdup_printf (_ ("Default %u · %s"), fallback, info->source);
  g_autofree char *name = g_strdup_printf ("threshold-%s", info->name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                             cfd_dosing_threshold_get (&self->saved, info->name));
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_name (spin, name);
  gtk_widget_set_sensitive (spin, owner);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (value_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  g_ptr_array_add (self->spins, spin);
  return row;
}

CfdThresholdGroup *
cfd_threshold_group_new (CfdVault *vault)
{
  CfdThresholdGroup *self = g_object_new (CFD_TYPE_THRESHOLD_GROUP, NULL);
  g_autoptr (GError) error = NULL;
  gboolean owner = cfd_vault_get_user_role (vault) == CFD_ROLE_OWNER;
  guint n;
  const CfdDosingThresholdInfo *all = cfd_dosing_thresholds_list (&n);

  self->vault = g_object_ref (vault);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Dosing Thresholds"));
  if (!cfd_vault_get_dosing_thresholds (vault, &self->saved, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The thresholds could not be read: %s"), error->message);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), message);
      return self;
    }
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (self),
      owner ? _ ("A dosing record with a reading past one of these needs an “Action taken” "
                 "entry before it is signed.")
            : _ ("A dosing record with a reading past one of these needs an “Action taken” "
                 "entry before it is signed. Only the vault’s owner can change them."));
  self->save_button = gtk_button_new_with_mnemonic (_ ("_Save Thresholds"));
  gtk_widget_set_name (self->save_button, "threshold-save");
  gtk_widget_set_valign (self->save_button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_widget_set_visible (self->save_button, owner);
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked), self);
  for (guint i = 0; i < n; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), threshold_row (self, &all[i], owner));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), self->save_button);
  return self;
}

static void
cfd_threshold_group_dispose (GObject *object)
{
  CfdThresholdGroup *self = CFD_THRESHOLD_GROUP (object);

  g_clear_object (&self->vault);
  g_clear_pointer (&self->spins, g_ptr_array_unref);
  G_OBJECT_CLASS (cfd_threshold_group_parent_class)->dispose (object);
}

static void
cfd_threshold_group_class_init (CfdThresholdGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cfd_threshold_group_dispose;
}

static void
cfd_threshold_group_init (CfdThresholdGroup *self)
{
  self->spins = g_ptr_array_new ();
}
