/* cfd-workspace.c: the unlocked vault: patient list, patient pages, the editor and search. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-patient-dialog.h"
#include "cfd-patient-page.h"
#include "cfd-record-editor.h"
#include "cfd-search-page.h"
#include "cfd-workspace.h"
#include "cfd-ui-util.h"

struct _CfdWorkspace
{
  GtkWidget parent_instance;

  CfdVault *vault;
  /* The sidebar filter's text, casefolded; cleared on lock like every
   * other string that may name a patient. */
  char *filter_key;
  /* An open "New Patient" form holds typed details: it goes on lock. */
  GtkWindow *patient_dialog;
  /* Set while the code, not the user, moves the list selection. */
  gboolean syncing_selection;

  AdwLeaflet *leaflet;
  GtkSearchEntry *filter_entry;
  GtkStack *sidebar_stack;
  GtkListView *patient_list;
  AdwStatusPage *preview_page;
  /* Set from a press on the list until just after its release: a click
   * opens the chart it selects, a key press only moves the selection. */
  gboolean pointer_selecting;
  guint pointer_reset_source;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  GtkCustomFilter *filter;
  GtkStack *content_stack;
  AdwStatusPage *welcome_page;
  CfdPatientPage *patient_page;
  CfdRecordEditor *editor;
  CfdSearchPage *search_page;
  AdwWindowTitle *sidebar_title;
  GMenu *main_menu;
  /* The main menu's first section names who is signed in. */
  gboolean menu_has_user;
};

G_DEFINE_FINAL_TYPE (CfdWorkspace, cfd_workspace, GTK_TYPE_WIDGET)

static gboolean
patient_matches (gpointer item, gpointer user_data)
{
  CfdWorkspace *self = user_data;
  g_autofree char *name = NULL;

  if (self->filter_key == NULL || self->filter_key[0] == '\0')
    return TRUE;
  name = g_utf8_casefold (cfd_patient_get_name (CFD_PATIENT (item)), -1);
  return strstr (name, self->filter_key) != NULL;
}

/* "Jordan Lee" sorts under L, as in a paper chart room: the family name is
 * taken to be the last word of the name, then the whole name breaks ties.
 * A family name of several words ("de la Cruz") sorts by its last. */
static char *
family_sort_key (const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  const char *space = strrchr (stripped, ' ');
  g_autofree char *key
      = g_strdup_printf ("%s\x01%s", space != NULL ? space + 1 : stripped, stripped);
  g_autofree char *folded = g_utf8_casefold (key, -1);

  return g_utf8_collate_key (folded, -1);
}

static int
compare_patients (gconstpointer a, gconstpointer b, gpointer user_data)
{
  g_autofree char *key_a = family_sort_key (cfd_patient_get_name (CFD_PATIENT ((gpointer)a)));
  g_autofree char *key_b = family_sort_key (cfd_patient_get_name (CFD_PATIENT ((gpointer)b)));

  return strcmp (key_a, key_b);
}

/* "Signed in as Dr Rivera (Supervisor)" heads the main menu, an item with
 * no action: shown, never chosen. */
static void
update_user_in_menu (CfdWorkspace *self)
{
  g_autoptr (GMenu) section = NULL;
  g_autofree char *label = NULL;
  const char *role;

  if (self->menu_has_user)
    g_menu_remove (self->main_menu, 0);
  self->menu_has_user = FALSE;
  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  switch (cfd_vault_get_user_role (self->vault))
    {
      case CFD_ROLE_OWNER:
        role = _ ("Owner");
        break;
      case CFD_ROLE_THERAPIST:
        role = _ ("Therapist");
        break;
      case CFD_ROLE_SUPERVISOR:
      default:
        role = _ ("Supervisor, read-only");
        break;
    }
  /* Translators: the first is a user's name, the second their role. */
  label = g_strdup_printf (_ ("Signed in as %s (%s)"), cfd_vault_get_user_name (self->vault), role);
  section = g_menu_new ();
  g_menu_append (section, label, NULL);
  g_menu_prepend_section (self->main_menu, NULL, G_MENU_MODEL (section));
  self->menu_has_user = TRUE;
}

static void
update_sidebar (CfdWorkspace *self)
{
  GListModel *all = gtk_filter_list_model_get_model (self->filter_model);
  guint n_all = all != NULL ? g_list_model_get_n_items (all) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  if (n_all == 0)
    adw_window_title_set_subtitle (self->sidebar_title, "");
  else if (n_shown < n_all)
    {
      /* Translators: patients shown by the filter, of all patients. */
      g_autofree char *count = g_strdup_printf (_ ("%u of %u"), n_shown, n_all);

      adw_window_title_set_subtitle (self->sidebar_title, count);
    }
  else
    {
      g_autofree char *count = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u patient", "%u patients", n_all), n_all);

      adw_window_title_set_subtitle (self->sidebar_title, count);
    }

  if (n_all == 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "empty");
  else if (n_shown == 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->sidebar_stack, "list");

  adw_status_page_set_title (self->welcome_page,
                             n_all == 0 ? _ ("Add Your First Patient") : _ ("Choose a Patient"));
  adw_status_page_set_description (
      self->welcome_page,
      n_all == 0 ? _ ("Patients’ details and notes are encrypted with a key of their own. Start "
                      "with “New Patient”, then write notes from the patient’s page.")
                 : _ ("Pick a patient on the left to see their timeline, or press Ctrl+F to "
                      "search every note."));
  if (n_all == 0 && self->vault != NULL && cfd_vault_is_unlocked (self->vault)
      && cfd_vault_get_user_role (self->vault) == CFD_ROLE_SUPERVISOR)
    {
      adw_status_page_set_title (self->welcome_page, _ ("No Patients to Review Yet"));
      adw_status_page_set_description (self->welcome_page,
                                       _ ("A patient appears here once the practice records the "
                                          "patient’s consent to your review."));
    }
}

static void
filter_changed (CfdWorkspace *self)
{
  g_free (self->filter_key);
  self->filter_key
      = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_sidebar (self);
}

static gboolean
reload_patients (CfdWorkspace *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) patients = NULL;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return FALSE;
  patients = cfd_vault_list_patients (self->vault, FALSE, &error);
  if (patients == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The patient list could not be read: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return FALSE;
    }
  gtk_filter_list_model_set_model (self->filter_model, patients);
  update_sidebar (self);
  return TRUE;
}

static void
select_patient_in_list (CfdWorkspace *self, const char *patient_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < n && patient_id != NULL; i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (model, i);

      if (g_strcmp0 (cfd_patient_get_id (patient), patient_id) == 0)
        position = i;
    }
  self->syncing_selection = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing_selection = FALSE;
}

void
cfd_workspace_open_patient (CfdWorkspace *self, const char *patient_id)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (!cfd_patient_page_load (self->patient_page, self->vault, patient_id, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The patient could not be opened: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  gtk_stack_set_visible_child_name (self->content_stack, "patient");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

void
cfd_workspace_open_record (CfdWorkspace *self, const char *record_id)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (!cfd_record_editor_save (self->editor, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The open draft could not be saved: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  if (!cfd_record_editor_load (self->editor, self->vault, record_id, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The record could not be opened: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  /* The chart behind the editor is the record's patient's, always: the
   * editor names them from it, and Back returns to it. */
  if (g_strcmp0 (cfd_patient_page_get_patient_id (self->patient_page),
                 cfd_record_editor_get_patient_id (self->editor))
      != 0)
    {
      g_autofree char *patient_id = g_strdup (cfd_record_editor_get_patient_id (self->editor));

      select_patient_in_list (self, patient_id);
      if (!cfd_patient_page_load (self->patient_page, self->vault, patient_id, &error))
        {
          cfd_ui_toast (GTK_WIDGET (self), error->message);
          g_clear_error (&error);
        }
    }
  cfd_record_editor_set_patient (self->editor, cfd_patient_page_get_patient (self->patient_page));
  gtk_stack_set_visible_child_name (self->content_stack, "record");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

/* Leaves the editor, its draft saved, before another chart is shown. */
static gboolean
leave_editor (CfdWorkspace *self)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "record") != 0)
    return TRUE;
  if (!cfd_record_editor_save (self->editor, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The open draft could not be saved: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return FALSE;
    }
  cfd_record_editor_clear (self->editor);
  return TRUE;
}

static void
open_selected (CfdWorkspace *self)
{
  CfdPatient *patient = gtk_single_selection_get_selected_item (self->selection);
  const char *current = cfd_patient_page_get_patient_id (self->patient_page);
  const char *visible = gtk_stack_get_visible_child_name (self->content_stack);

  if (patient == NULL)
    return;
  if (g_strcmp0 (current, cfd_patient_get_id (patient)) == 0 && g_strcmp0 (visible, "patient") == 0)
    return;
  if (!leave_editor (self))
    return;
  cfd_workspace_open_patient (self, cfd_patient_get_id (patient));
}

/* Arrow keys move the selection through the list: that previews the name
 * (already on screen in the list) and opens nothing, so the audit log
 * records only the charts that were opened. A click, or Enter
 * (patient_activated), opens. */
static void
selection_changed (CfdWorkspace *self)
{
  CfdPatient *patient = gtk_single_selection_get_selected_item (self->selection);
  const char *current = cfd_patient_page_get_patient_id (self->patient_page);
  const char *visible = gtk_stack_get_visible_child_name (self->content_stack);

  if (patient == NULL || self->syncing_selection)
    return;
  if (self->pointer_selecting)
    {
      open_selected (self);
      return;
    }
  if (g_strcmp0 (current, cfd_patient_get_id (patient)) == 0
      && (g_strcmp0 (visible, "patient") == 0 || g_strcmp0 (visible, "record") == 0))
    return;
  if (!leave_editor (self))
    return;
  /* No other patient's chart stays on screen beside this selection. */
  cfd_patient_page_clear (self->patient_page);
  adw_status_page_set_title (self->preview_page, cfd_patient_get_name (patient));
  gtk_stack_set_visible_child_name (self->content_stack, "preview");
}

static void
patient_activated (CfdWorkspace *self, guint position)
{
  gtk_single_selection_set_selected (self->selection, position);
  open_selected (self);
}

static gboolean
pointer_reset (gpointer user_data)
{
  CfdWorkspace *self = user_data;

  self->pointer_selecting = FALSE;
  self->pointer_reset_source = 0;
  return G_SOURCE_REMOVE;
}

static void
list_pressed (CfdWorkspace *self)
{
  g_clear_handle_id (&self->pointer_reset_source, g_source_remove);
  self->pointer_selecting = TRUE;
}

static void
list_released (CfdWorkspace *self)
{
  /* After the list's own handlers, which may select on release. */
  g_clear_handle_id (&self->pointer_reset_source, g_source_remove);
  self->pointer_reset_source = g_idle_add (pointer_reset, self);
}

static void
patient_added (CfdWorkspace *self, const char *patient_id)
{
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  if (!reload_patients (self))
    return;
  select_patient_in_list (self, patient_id);
  cfd_workspace_open_patient (self, patient_id);
  cfd_ui_toast (GTK_WIDGET (self), _ ("Patient added"));
}

static void
new_patient_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWorkspace *self = CFD_WORKSPACE (widget);
  CfdPatientDialog *dialog;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  dialog = cfd_patient_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->vault);
  g_signal_connect_object (dialog, "added", G_CALLBACK (patient_added), self, G_CONNECT_SWAPPED);
  if (self->patient_dialog != NULL)
    gtk_window_destroy (self->patient_dialog);
  g_set_weak_pointer (&self->patient_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Ctrl+N: on a patient's page, the New Record menu (a record is made only
 * when one of its items is chosen); anywhere else, a new patient. */
static void
new_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWorkspace *self = CFD_WORKSPACE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "patient") == 0)
    cfd_patient_page_show_new_record_menu (self->patient_page);
  else
    gtk_widget_activate_action (widget, "workspace.new-patient", NULL);
}

static void
open_record_requested (CfdWorkspace *self, const char *record_id)
{
  cfd_workspace_open_record (self, record_id);
}

static void
open_patient_requested (CfdWorkspace *self, const char *patient_id)
{
  select_patient_in_list (self, patient_id);
  cfd_workspace_open_patient (self, patient_id);
}

static void
editor_closed (CfdWorkspace *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *patient_id = g_strdup (cfd_record_editor_get_patient_id (self->editor));

  if (!cfd_record_editor_save (self->editor, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The draft could not be saved: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  cfd_record_editor_clear (self->editor);
  if (patient_id != NULL)
    cfd_workspace_open_patient (self, patient_id);
  else
    gtk_stack_set_visible_child_name (self->content_stack, "welcome");
}

static void
records_changed (CfdWorkspace *self)
{
  g_autofree char *patient_id = g_strdup (cfd_patient_page_get_patient_id (self->patient_page));
  g_autoptr (GError) error = NULL;

  /* A signed measure may raise the risk flag: refresh the list as well. */
  if (reload_patients (self))
    select_patient_in_list (self, patient_id);
  if (patient_id != NULL
      && !cfd_patient_page_load (self->patient_page, self->vault, patient_id, &error))
    cfd_ui_toast (GTK_WIDGET (self), error->message);
}

static void
search_closed (CfdWorkspace *self)
{
  const char *patient_id = cfd_patient_page_get_patient_id (self->patient_page);

  cfd_search_page_clear (self->search_page);
  gtk_stack_set_visible_child_name (self->content_stack,
                                    patient_id != NULL ? "patient" : "welcome");
}

void
cfd_workspace_show_search (CfdWorkspace *self)
{
  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  cfd_search_page_set_vault (self->search_page, self->vault);
  gtk_stack_set_visible_child_name (self->content_stack, "search");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  cfd_search_page_focus (self->search_page);
}

static void
search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cfd_workspace_show_search (CFD_WORKSPACE (widget));
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdWorkspace *self = CFD_WORKSPACE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

void
cfd_workspace_set_vault (CfdWorkspace *self, CfdVault *vault)
{
  g_return_if_fail (CFD_IS_WORKSPACE (self));

  cfd_workspace_clear (self);
  g_set_object (&self->vault, vault);
  /* A supervisor sees only consented patients, read-only. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.new-patient",
                                 vault == NULL
                                     || cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR);
  update_user_in_menu (self);
  reload_patients (self);
}

gboolean
cfd_workspace_save_drafts (CfdWorkspace *self, GError **error)
{
  g_return_val_if_fail (CFD_IS_WORKSPACE (self), FALSE);
  return cfd_record_editor_save (self->editor, error);
}

gboolean
cfd_workspace_seal_unsaved (CfdWorkspace *self, gboolean *on_disk, GError **error)
{
  g_return_val_if_fail (CFD_IS_WORKSPACE (self), FALSE);
  return cfd_record_editor_seal_unsaved (self->editor, on_disk, error);
}

void
cfd_workspace_restore_sealed_draft (CfdWorkspace *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdDraftRecovery) recovery = NULL;
  g_autoptr (CfdRecord) record = NULL;

  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  recovery = cfd_vault_open_draft_recovery (self->vault, &error);
  if (recovery == NULL)
    {
      if (error != NULL)
        {
          g_autofree char *message = g_strdup_printf (
              _ ("A draft sealed at the last lock could not be opened: %s"), error->message);
          cfd_ui_toast (GTK_WIDGET (self), message);
        }
      return;
    }
  record = cfd_vault_get_record (
      self->vault, recovery->record_id != NULL ? recovery->record_id : recovery->parent_id, &error);
  if (record == NULL || !cfd_record_editor_save (self->editor, &error))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The draft sealed at the last lock could not be restored: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  select_patient_in_list (self, cfd_record_get_patient_id (record));
  cfd_workspace_open_patient (self, cfd_record_get_patient_id (record));
  if (!cfd_record_editor_restore (self->editor, self->vault, recovery, &error))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The draft sealed at the last lock could not be restored: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  cfd_record_editor_set_patient (self->editor, cfd_patient_page_get_patient (self->patient_page));
  gtk_stack_set_visible_child_name (self->content_stack, "record");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

void
cfd_workspace_get_location (CfdWorkspace *self, char **patient_id, char **record_id)
{
  const char *visible = gtk_stack_get_visible_child_name (self->content_stack);

  *patient_id = NULL;
  *record_id = NULL;
  if (g_strcmp0 (visible, "record") == 0)
    {
      *patient_id = g_strdup (cfd_record_editor_get_patient_id (self->editor));
      *record_id = g_strdup (cfd_record_editor_get_record_id (self->editor));
    }
  else if (g_strcmp0 (visible, "patient") == 0)
    *patient_id = g_strdup (cfd_patient_page_get_patient_id (self->patient_page));
}

void
cfd_workspace_resume (CfdWorkspace *self, const char *patient_id, const char *record_id)
{
  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (patient_id != NULL)
    open_patient_requested (self, patient_id);
  if (record_id != NULL)
    cfd_workspace_open_record (self, record_id);
}

void
cfd_workspace_clear (CfdWorkspace *self)
{
  g_return_if_fail (CFD_IS_WORKSPACE (self));

  if (self->patient_dialog != NULL)
    gtk_window_destroy (self->patient_dialog);
  g_clear_weak_pointer (&self->patient_dialog);
  cfd_record_editor_clear (self->editor);
  cfd_patient_page_clear (self->patient_page);
  cfd_search_page_clear (self->search_page);
  self->syncing_selection = TRUE;
  gtk_filter_list_model_set_model (self->filter_model, NULL);
  self->syncing_selection = FALSE;
  g_clear_pointer (&self->filter_key, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  gtk_stack_set_visible_child_name (self->content_stack, "welcome");
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  g_clear_object (&self->vault);
  update_user_in_menu (self);
  update_sidebar (self);
}

static void
leaflet_folded (CfdWorkspace *self)
{
  cfd_patient_page_set_show_back_button (self->patient_page,
                                         adw_leaflet_get_folded (self->leaflet));
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *risk = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (risk, "warning");
  gtk_widget_set_tooltip_text (risk, _ ("Risk flag raised"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (risk), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Risk flag raised"), -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), risk);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CfdPatient *patient = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_widget_get_first_child (box);
  GtkWidget *risk = gtk_widget_get_next_sibling (label);

  gtk_label_set_label (GTK_LABEL (label), cfd_patient_get_name (patient));
  gtk_widget_set_visible (risk, cfd_patient_get_risk_flag (patient));
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  /* Recycled rows must not keep a name once the list is emptied. */
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), "");
}

static void
cfd_workspace_dispose (GObject *object)
{
  CfdWorkspace *self = CFD_WORKSPACE (object);

  g_clear_handle_id (&self->pointer_reset_source, g_source_remove);

  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_WORKSPACE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_workspace_parent_class)->dispose (object);
}

static void
cfd_workspace_finalize (GObject *object)
{
  CfdWorkspace *self = CFD_WORKSPACE (object);

  g_free (self->filter_key);
  G_OBJECT_CLASS (cfd_workspace_parent_class)->finalize (object);
}

static void
cfd_workspace_class_init (CfdWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_workspace_dispose;
  object_class->finalize = cfd_workspace_finalize;

  g_type_ensure (CFD_TYPE_PATIENT_PAGE);
  g_type_ensure (CFD_TYPE_RECORD_EDITOR);
  g_type_ensure (CFD_TYPE_SEARCH_PAGE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-workspace.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, patient_list);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, main_menu);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, patient_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, editor);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, search_page);
  gtk_widget_class_bind_template_child (widget_class, CfdWorkspace, preview_page);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, open_record_requested);
  gtk_widget_class_bind_template_callback (widget_class, open_patient_requested);
  gtk_widget_class_bind_template_callback (widget_class, editor_closed);
  gtk_widget_class_bind_template_callback (widget_class, records_changed);
  gtk_widget_class_bind_template_callback (widget_class, search_closed);

  gtk_widget_class_install_action (widget_class, "workspace.new-patient", NULL, new_patient_action);
  gtk_widget_class_install_action (widget_class, "workspace.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "workspace.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "workspace.new", NULL, new_action);
  /* Ctrl+N is bound on the window (win.new), so it works wherever the
   * focus is. */
}

static void
cfd_workspace_init (CfdWorkspace *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkCustomSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (patient_matches, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (g_object_ref (self->filter)));
  sorter = gtk_custom_sorter_new (compare_patients, NULL, NULL);
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filter_model)),
                                              GTK_SORTER (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (selection_changed),
                            self);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (leaflet_folded), self,
                           G_CONNECT_SWAPPED);
  leaflet_folded (self);

  g_signal_connect_swapped (self->patient_list, "activate", G_CALLBACK (patient_activated), self);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect_swapped (click, "pressed", G_CALLBACK (list_pressed), self);
    g_signal_connect_swapped (click, "released", G_CALLBACK (list_released), self);
    g_signal_connect_swapped (click, "stopped", G_CALLBACK (list_released), self);
    gtk_widget_add_controller (GTK_WIDGET (self->patient_list), GTK_EVENT_CONTROLLER (click));
  }
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->patient_list, factory);
  gtk_list_view_set_model (self->patient_list, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);
  g_object_unref (self->selection);
  g_object_unref (self->sort_model);
  g_object_unref (self->filter_model);
  g_object_unref (self->filter);
  update_sidebar (self);
}
