/* cfd-rems-panel.c: under a signed esketamine dosing record: its REMS form, due or submitted, exported, its submission recorded.
 *
 * The form itself is a PDF written by core (cfd-rems-pdf.h); this panel
 * says whether it is due, overdue or submitted, which of its questions the
 * record leaves unanswered, and takes the day and confirmation number once
 * the clinic has sent it. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-date-input.h"
#include "cfd-rems-panel.h"
#include "cfd-ui-util.h"

struct _CfdRemsPanel
{
  GtkWidget parent_instance;

  GtkWidget *group;
  CfdVault *vault;
  char *record_id;
};

G_DEFINE_FINAL_TYPE (CfdRemsPanel, cfd_rems_panel, GTK_TYPE_WIDGET)

static void
drop_group (CfdRemsPanel *self)
{
  g_clear_pointer (&self->group, gtk_widget_unparent);
}

void
cfd_rems_panel_clear (CfdRemsPanel *self)
{
  g_return_if_fail (CFD_IS_REMS_PANEL (self));

  drop_group (self);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->record_id, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void refresh (CfdRemsPanel *self);

static void
file_chosen (GtkNativeDialog *chooser, int response, CfdRemsPanel *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) missing = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (file != NULL && path == NULL)
    cfd_ui_toast (GTK_WIDGET (self),
                  _ ("The form was not saved: choose a folder on this computer"));
  else if (path != NULL && self->vault != NULL && cfd_vault_is_unlocked (self->vault))
    {
      cfd_ui_forget_recent (path);
      if (!cfd_vault_export_rems_form_pdf (self->vault, self->record_id, path, &missing, &error))
        cfd_ui_toast_error (GTK_WIDGET (self), _ ("The REMS form was not saved"), error);
      else if (missing[0] == NULL)
        cfd_ui_toast (GTK_WIDGET (self), _ ("REMS form saved, every question answered"));
      else
        {
          g_autofree char *message
              = g_strdup_printf (ngettext ("REMS form saved; %u question is missing",
                                           "REMS form saved; %u questions "
                                           "are missing",
                                           g_strv_length (missing)),
                                 g_strv_length (missing));

          cfd_ui_toast (GTK_WIDGET (self), message);
        }
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_clicked (CfdRemsPanel *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  /* GtkFileDialog is GTK 4.10; Debian 12 has 4.8. */
  chooser = gtk_file_chooser_native_new (
      _ ("Export REMS Form"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Named generically: file names show up in recent-file lists. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "rems-monitoring-form.pdf");
  gtk_file_filter_set_name (filter, _ ("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
record_clicked (CfdRemsPanel *self, GtkWidget *button)
{
  GtkEditable *date_row = g_object_get_data (G_OBJECT (button), "date-row");
  GtkEditable *confirmation_row = g_object_get_data (G_OBJECT (button), "confirmation-row");
  g_autoptr (GError) error = NULL;
  gint64 day;

  g_autofree char *problem = NULL;
  g_autofree char *iso
      = cfd_date_input_parse (gtk_editable_get_text (date_row), _ ("Submitted on"), &problem);

  if (iso == NULL || !cfd_date_parse (iso, &day))
    {
      cfd_ui_toast (GTK_WIDGET (self),
                    problem != NULL ? problem : _ ("Write the submission date as YYYY-MM-DD"));
      return;
    }
  if (!cfd_vault_record_rems_submission (self->vault, self->record_id, day,
                                         gtk_editable_get_text (confirmation_row), &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The submission was not recorded"), error);
      return;
    }
  cfd_ui_toast (GTK_WIDGET (self), _ ("Submission recorded"));
  refresh (self);
}

static GtkWidget *
status_row (CfdRemsForm *form, CfdRemsSubmission *submission, gint64 now)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *due = cfd_date_format (cfd_rems_form_get_due_date (form));
  g_autofree char *title = NULL, *subtitle = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (submission != NULL)
    {
      g_autofree char *on = cfd_date_format (submission->submitted_on);

      title = g_strdup_printf (_ ("Submitted on %s"), on);
      subtitle = g_strdup_printf (_ ("Confirmation number %s"), submission->confirmation);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("emblem-ok-symbolic"));
    }
  else if (cfd_rems_form_is_overdue (cfd_rems_form_get_session_date (form), now))
    {
      title = g_strdup_printf (_ ("Overdue: it was due %s"), due);
      subtitle = g_strdup (_ ("Not recorded as submitted"));
      gtk_widget_add_css_class (row, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
    }
  else
    {
      title = g_strdup_printf (_ ("Due by %s"), due);
      subtitle = g_strdup (_ ("Not recorded as submitted"));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
missing_row (CfdRemsForm *form)
{
  g_auto (GStrv) missing = cfd_rems_form_list_missing (form);
  GtkWidget *row = adw_action_row_new ();
  guint n = g_strv_length (missing);
  g_autofree char *title = NULL;
  g_autofree char *list = g_strjoinv ("\n", missing);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (n == 0)
    title = g_strdup (_ ("The record answers every question of the form"));
  else
    title = g_strdup_printf (ngettext ("%u question the record does not answer",
                                       "%u questions the record does not answer", n),
                             n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (n > 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), list);
  return row;
}

static GtkWidget *
export_row (CfdRemsPanel *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Export PDF…"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Patient Monitoring Form"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _ ("The answers to copy into the REMS website or fax form"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (export_clicked), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
add_submission_rows (CfdRemsPanel *self, AdwPreferencesGroup *group, gint64 now)
{
  GtkWidget *date_row = adw_entry_row_new ();
  GtkWidget *confirmation_row = adw_entry_row_new ();
  GtkWidget *button_row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Record Submission"));
  g_autofree char *today_iso = cfd_date_format (now);
  g_autofree char *today = cfd_date_input_format (today_iso);

  cfd_date_input_setup_row (ADW_ENTRY_ROW (date_row), _ ("Submitted on"), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (date_row), today);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (confirmation_row), _ ("Confirmation number"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (button_row),
                                 _ ("Once the REMS has the form"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  g_object_set_data (G_OBJECT (button), "date-row", date_row);
  g_object_set_data (G_OBJECT (button), "confirmation-row", confirmation_row);
  g_signal_connect_object (button, "clicked", G_CALLBACK (record_clicked), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (button_row), button);
  adw_preferences_group_add (group, date_row);
  adw_preferences_group_add (group, confirmation_row);
  adw_preferences_group_add (group, button_row);
}

static void
refresh (CfdRemsPanel *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRemsForm) form = NULL;
  g_autoptr (CfdRemsSubmission) submission = NULL;
  AdwPreferencesGroup *group;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  drop_group (self);
  form = cfd_vault_get_rems_form (self->vault, self->record_id, &error);
  if (form != NULL)
    submission = cfd_vault_get_rems_submission (self->vault, self->record_id, &error);
  if (error != NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The REMS form could not be read"), error);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _ ("REMS Patient Monitoring Form"));
  adw_preferences_group_set_description (
      group, _ ("Esketamine: the form goes to the SPRAVATO REMS within 7 days of the session."));
  adw_preferences_group_add (group, status_row (form, submission, now));
  adw_preferences_group_add (group, missing_row (form));
  adw_preferences_group_add (group, export_row (self));
  if (submission == NULL && cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR)
    add_submission_rows (self, group, now);
  self->group = GTK_WIDGET (group);
  gtk_widget_set_parent (self->group, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
cfd_rems_panel_show (CfdRemsPanel *self, CfdVault *vault, CfdRecord *record)
{
  g_return_if_fail (CFD_IS_REMS_PANEL (self));

  cfd_rems_panel_clear (self);
  if (cfd_record_get_kind (record) != CFD_RECORD_DOSING
      || cfd_record_get_status (record) != CFD_RECORD_SIGNED
      || !cfd_rems_form_applies (cfd_record_get_content (record)))
    return;
  self->vault = g_object_ref (vault);
  self->record_id = g_strdup (cfd_record_get_id (record));
  refresh (self);
}

static void
cfd_rems_panel_dispose (GObject *object)
{
  CfdRemsPanel *self = CFD_REMS_PANEL (object);

  drop_group (self);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->record_id, g_free);
  G_OBJECT_CLASS (cfd_rems_panel_parent_class)->dispose (object);
}

static void
cfd_rems_panel_class_init (CfdRemsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_rems_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cfd_rems_panel_init (CfdRemsPanel *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
