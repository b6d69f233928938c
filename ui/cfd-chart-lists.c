/* cfd-chart-lists.c: the Chart tab's four lists, each entry with its history, and, for clinicians, add, edit and resolve.
 *
 * Every change goes through the same core calls as confidant-cli (problem,
 * allergy, medication, trial add|edit|resolve): the same checks, the same
 * signature by whoever is unlocked, the same audit records. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-chart-entry-dialog.h"
#include "cfd-chart-lists.h"
#include "cfd-ui-util.h"

struct _CfdChartLists
{
  GtkBox parent_instance;

  CfdVault *vault;
  char *patient_id;
};

G_DEFINE_FINAL_TYPE (CfdChartLists, cfd_chart_lists, GTK_TYPE_BOX)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
group_title (CfdChartList list)
{
  switch (list)
    {
      case CFD_CHART_PROBLEM:
        return _ ("Problems");
      case CFD_CHART_ALLERGY:
        return _ ("Allergies");
      case CFD_CHART_MEDICATION:
        return _ ("Medications");
      case CFD_CHART_TRIAL:
        return _ ("Antidepressant Trials");
      case CFD_CHART_PLAN:
        return _ ("Treatment Plan");
      default:
        return _ ("Episodes of Care");
    }
}

static const char *
closed_word (CfdChartList list)
{
  switch (list)
    {
      case CFD_CHART_PROBLEM:
        return _ ("Resolved");
      case CFD_CHART_ALLERGY:
        return _ ("Inactive");
      case CFD_CHART_MEDICATION:
        return _ ("Stopped");
      case CFD_CHART_TRIAL:
        return _ ("Withdrawn");
      case CFD_CHART_PLAN:
        return _ ("Completed");
      default:
        return _ ("Closed");
    }
}

static gboolean
can_write (CfdChartLists *self)
{
  /* A supervisor reads the chart under consent and changes nothing. */
  return self->vault != NULL && cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR;
}

static void
reload (CfdChartLists *self)
{
  g_autoptr (CfdVault) vault = self->vault != NULL ? g_object_ref (self->vault) : NULL;
  g_autofree char *patient_id = g_strdup (self->patient_id);

  cfd_chart_lists_load (self, vault, patient_id);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
open_dialog (CfdChartLists *self, CfdChartList list, CfdChartEntry *entry)
{
  CfdChartEntryDialog *dialog;

  if (!can_write (self))
    return;
  dialog = cfd_chart_entry_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       self->vault, self->patient_id, list, entry);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_clicked (GtkButton *button, CfdChartLists *self)
{
  open_dialog (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "list")), NULL);
}

static void
edit_clicked (GtkButton *button, CfdChartLists *self)
{
  CfdChartEntry *entry = g_object_get_data (G_OBJECT (button), "entry");

  open_dialog (self, cfd_chart_entry_get_list (entry), entry);
}

static void
resolve_clicked (GtkButton *button, CfdChartLists *self)
{
  CfdChartEntry *entry = g_object_get_data (G_OBJECT (button), "entry");
  g_autoptr (GError) error = NULL;

  if (!can_write (self))
    return;
  /* A new signed revision: the entry and its history stay. */
  if (!cfd_vault_resolve_chart_entry (self->vault, self->patient_id,
                                      cfd_chart_entry_get_item_id (entry), &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The entry could not be closed"), error);
      return;
    }
  reload (self);
}

/* Every signed revision, oldest first, read when asked for (chart.history). */
static void
history_clicked (GtkButton *button, CfdChartLists *self)
{
  CfdChartEntry *entry = g_object_get_data (G_OBJECT (button), "entry");
  g_autoptr (GListModel) revisions = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *popover, *box;

  if (self->vault == NULL)
    return;
  revisions = cfd_vault_chart_history (self->vault, self->patient_id,
                                       cfd_chart_entry_get_item_id (entry), &error);
  if (revisions == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The history could not be read"), error);
      return;
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  for (guint i = 0; i < g_list_model_get_n_items (revisions); i++)
    {
      g_autoptr (CfdChartEntry) revision = g_list_model_get_item (revisions, i);
      g_autofree char *line = cfd_chart_entry_describe_translated (revision);
      g_autofree char *when = cfd_ui_format_date_time (cfd_chart_entry_get_time (revision));
      const char *who = cfd_chart_entry_get_actor_name (revision);
      g_autofree char *signed_by = g_strdup_printf (_ ("Revision %u, signed by %s, %s"),
                                                    cfd_chart_entry_get_revision (revision),
                                                    who != NULL ? who : _ ("a former user"), when);
      GtkWidget *title = gtk_label_new (signed_by);
      GtkWidget *body = gtk_label_new (line);

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (body), 0);
      gtk_label_set_wrap (GTK_LABEL (body), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (body), 40);
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), body);
      cfd_wipe_string (g_steal_pointer (&line));
    }
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_widget_set_parent (popover, GTK_WIDGET (button));
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static GtkWidget *
icon_button (const char *icon, const char *tooltip, const char *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_name (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  return button;
}

static char *
flag_labels (CfdMedicationFlags flags)
{
  GString *text = g_string_new (NULL);

  for (guint f = 0; f < CFD_MEDICATION_N_FLAGS; f++)
    if (flags & (1u << f))
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "⚠ ",
                              _ (cfd_medication_flag_label (1u << f)));
  return g_string_free (text, FALSE);
}

static GtkWidget *
entry_row (CfdChartLists *self, CfdChartEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *line = cfd_chart_entry_describe_translated (entry);
  g_autofree char *flags = flag_labels (cfd_chart_entry_get_medication_flags (entry));
  GString *subtitle = g_string_new (flags);
  GtkWidget *history
      = icon_button ("document-open-recent-symbolic", _ ("History"), "chart_history");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (!cfd_chart_entry_get_active (entry))
    {
      g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "",
                              closed_word (cfd_chart_entry_get_list (entry)));
      gtk_widget_add_css_class (row, "dim-label");
    }
  /* Counted from the signed dosing records in the episode's dates. */
  if (cfd_chart_entry_get_list (entry) == CFD_CHART_EPISODE)
    {
      guint completed = 0;

      if (cfd_vault_count_episode_sessions (self->vault, self->patient_id, entry, &completed, NULL))
        {
          g_autofree char *count = g_strdup_printf (
              g_dngettext (NULL, "%u session completed", "%u sessions completed", completed),
              completed);

          g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", count);
        }
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  g_string_free (subtitle, TRUE);
  if (flags[0] != '\0' && cfd_chart_entry_get_active (entry))
    gtk_widget_add_css_class (row, "warning");

  g_object_set_data_full (G_OBJECT (history), "entry", g_object_ref (entry), g_object_unref);
  g_signal_connect (history, "clicked", G_CALLBACK (history_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), history);
  if (can_write (self))
    {
      GtkWidget *edit = icon_button ("document-edit-symbolic", _ ("Edit"), "chart_edit");

      g_object_set_data_full (G_OBJECT (edit), "entry", g_object_ref (entry), g_object_unref);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      if (cfd_chart_entry_get_active (entry))
        {
          GtkWidget *resolve
              = icon_button ("object-select-symbolic", _ ("Close the entry"), "chart_resolve");

          g_object_set_data_full (G_OBJECT (resolve), "entry", g_object_ref (entry),
                                  g_object_unref);
          g_signal_connect (resolve, "clicked", G_CALLBACK (resolve_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), resolve);
        }
    }
  cfd_wipe_string (g_steal_pointer (&line));
  return row;
}

static void
add_group (CfdChartLists *self, CfdChartList list, GListModel *entries)
{
  GtkWidget *group = adw_preferences_group_new ();
  guint n = g_list_model_get_n_items (entries);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), group_title (list));
  if (can_write (self))
    {
      GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
      g_autofree char *name = g_strdup_printf ("chart_add_%s", cfd_chart_list_to_string (list));

      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_tooltip_text (add, _ ("Add"));
      gtk_widget_set_name (add, name);
      g_object_set_data (G_OBJECT (add), "list", GUINT_TO_POINTER (list));
      g_signal_connect (add, "clicked", G_CALLBACK (add_clicked), self);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdChartEntry) entry = g_list_model_get_item (entries, i);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), entry_row (self, entry));
    }
  if (n == 0)
    {
      /* Nothing recorded is not "no known allergies": a question not yet
       * asked, a warning before dosing. */
      GtkWidget *none
          = gtk_label_new (list == CFD_CHART_ALLERGY ? _ ("Not recorded") : _ ("None recorded"));

      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, list == CFD_CHART_ALLERGY ? "warning" : "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), none);
    }
  gtk_box_append (GTK_BOX (self), group);
}

void
cfd_chart_lists_load (CfdChartLists *self, CfdVault *vault, const char *patient_id)
{
  GListModel *lists[CFD_CHART_N_LISTS] = { NULL };
  g_autoptr (GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (CFD_IS_CHART_LISTS (self));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_set_object (&self->vault, vault);
  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  if (vault == NULL || patient_id == NULL)
    return;
  if (!cfd_vault_list_chart_all (vault, patient_id, TRUE, lists, &error))
    {
      /* A tampered chart is said to be, never shown in part. */
      if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
        {
          GtkWidget *label = gtk_label_new (_ ("The chart failed verification and is not shown."));

          gtk_widget_add_css_class (label, "error");
          gtk_box_append (GTK_BOX (self), label);
        }
      return;
    }
  for (guint list = 0; list < CFD_CHART_N_LISTS; list++)
    {
      add_group (self, list, lists[list]);
      g_object_unref (lists[list]);
    }
}

static void
cfd_chart_lists_dispose (GObject *object)
{
  CfdChartLists *self = CFD_CHART_LISTS (object);

  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
  G_OBJECT_CLASS (cfd_chart_lists_parent_class)->dispose (object);
}

static void
cfd_chart_lists_class_init (CfdChartListsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cfd_chart_lists_dispose;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
cfd_chart_lists_init (CfdChartLists *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 18);
}

GtkWidget *
cfd_chart_lists_new (void)
{
  return g_object_new (CFD_TYPE_CHART_LISTS, NULL);
}
