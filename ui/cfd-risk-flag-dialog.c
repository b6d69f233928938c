/* cfd-risk-flag-dialog.c: a patient's risk flag: its history, and Review / Resolve with the action taken. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-risk-flag-dialog.h"
#include "cfd-ui-util.h"

struct _CfdRiskFlagDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id;
  GPtrArray *rows; /* the history's rows, removed at each reload */

  AdwPreferencesGroup *steps_group;
  GtkWidget *action_group;
  GtkTextView *action_view;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (CfdRiskFlagDialog, cfd_risk_flag_dialog, ADW_TYPE_WINDOW)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_local (gint64 seconds)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static const char *
step_label (CfdRiskFlagStep step)
{
  switch (step)
    {
      case CFD_RISK_FLAG_RAISED:
        return _ ("Raised");
      case CFD_RISK_FLAG_REVIEWED:
        return _ ("Reviewed");
      case CFD_RISK_FLAG_RESOLVED:
        return _ ("Resolved");
    }
  g_return_val_if_reached ("");
}

/* "the measure of 2026-05-03", or the record's short id when it cannot
 * be read. */
static char *
record_summary (CfdVault *vault, const char *record_id)
{
  g_autoptr (CfdRecord) record = cfd_vault_get_record (vault, record_id, NULL);
  g_autofree char *date = NULL;

  if (record == NULL)
    return g_strdup_printf (_ ("signed record %.8s"), record_id);
  date = cfd_date_format (cfd_record_get_occurred (record));
  return g_strdup_printf (_ ("the signed %s record of %s"),
                          cfd_record_kind_to_string (cfd_record_get_kind (record)), date);
}

static GtkWidget *
step_row (CfdVault *vault, CfdRiskFlagEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  const char *who = cfd_risk_flag_entry_get_actor_name (entry);
  g_autofree char *when = format_local (cfd_risk_flag_entry_get_time (entry));
  g_autofree char *title
      = g_strdup_printf ("%s · %s · %s", step_label (cfd_risk_flag_entry_get_step (entry)), when,
                         who != NULL ? who : _ ("a former user"));
  g_autofree char *raised_by = NULL;
  const char *subtitle;

  if (cfd_risk_flag_entry_get_step (entry) == CFD_RISK_FLAG_RAISED)
    {
      g_autofree char *what = record_summary (vault, cfd_risk_flag_entry_get_record_id (entry));

      raised_by = g_strdup_printf (cfd_risk_flag_entry_get_carried_over (entry)
                                       ? _ ("By %s (raised before this history was kept)")
                                       : _ ("By %s"),
                                   what);
      subtitle = raised_by;
    }
  else
    subtitle = cfd_risk_flag_entry_get_text (entry);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static gboolean
reload (CfdRiskFlagDialog *self, GError **error)
{
  g_autoptr (GListModel) steps = cfd_vault_list_risk_flag (self->vault, self->patient_id, error);
  g_autoptr (CfdPatient) patient = NULL;
  gboolean open;

  if (steps == NULL)
    return FALSE;
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->steps_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr (CfdRiskFlagEntry) entry = g_list_model_get_item (steps, i);
      GtkWidget *row = step_row (self->vault, entry);

      adw_preferences_group_add (self->steps_group, row);
      g_ptr_array_add (self->rows, row);
    }
  /* The page was loaded with the patient; this is the flag as it is now. */
  patient = cfd_vault_get_patient (self->vault, self->patient_id, error);
  if (patient == NULL)
    return FALSE;
  open = cfd_patient_get_risk_flag (patient);
  adw_preferences_group_set_description (
      self->steps_group, open ? _ ("Open. Every step is signed by the clinician who took it.")
                              : _ ("No flag is open. Every step is signed by the clinician who "
                                   "took it."));
  gtk_widget_set_visible (self->action_group,
                          open && cfd_vault_get_user_role (self->vault) != CFD_ROLE_SUPERVISOR);
  return TRUE;
}

static void
take_step (CfdRiskFlagDialog *self, CfdRiskFlagStep step)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->action_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  gboolean done;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  done = step == CFD_RISK_FLAG_REVIEWED
             ? cfd_vault_review_risk_flag (self->vault, self->patient_id, text, &error)
             : cfd_vault_resolve_risk_flag (self->vault, self->patient_id, text, &error);
  cfd_wipe_string (g_steal_pointer (&text));
  if (!done)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_text_buffer_set_text (buffer, "", 0);
  g_signal_emit (self, signals[CHANGED], 0);
  if (!reload (self, &error))
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The risk flag could not be read"), error);
}

static void
review_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  take_step (CFD_RISK_FLAG_DIALOG (widget), CFD_RISK_FLAG_REVIEWED);
}

static void
resolve_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  take_step (CFD_RISK_FLAG_DIALOG (widget), CFD_RISK_FLAG_RESOLVED);
}

void
cfd_risk_flag_dialog_set_action_text (CfdRiskFlagDialog *self, const char *text)
{
  g_return_if_fail (CFD_IS_RISK_FLAG_DIALOG (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->action_view), text, -1);
}

CfdRiskFlagDialog *
cfd_risk_flag_dialog_new (GtkWindow *parent,
                          CfdVault *vault,
                          const char *patient_id,
                          GError **error)
{
  CfdRiskFlagDialog *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  /* Owned by GTK's list of windows, as every window is, until destroyed. */
  self = g_object_new (CFD_TYPE_RISK_FLAG_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  self->patient_id = g_strdup (patient_id);
  if (!reload (self, error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }
  /* Nothing typed here may outlive the vault's unlocking. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  if (gtk_widget_get_visible (self->action_group))
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->action_view));
  return self;
}

static void
cfd_risk_flag_dialog_dispose (GObject *object)
{
  CfdRiskFlagDialog *self = CFD_RISK_FLAG_DIALOG (object);

  if (self->action_view != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->action_view), "", 0);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_RISK_FLAG_DIALOG);
  G_OBJECT_CLASS (cfd_risk_flag_dialog_parent_class)->dispose (object);
}

static void
cfd_risk_flag_dialog_finalize (GObject *object)
{
  CfdRiskFlagDialog *self = CFD_RISK_FLAG_DIALOG (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (cfd_risk_flag_dialog_parent_class)->finalize (object);
}

static void
cfd_risk_flag_dialog_class_init (CfdRiskFlagDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_risk_flag_dialog_dispose;
  object_class->finalize = cfd_risk_flag_dialog_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-risk-flag-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdRiskFlagDialog, steps_group);
  gtk_widget_class_bind_template_child (widget_class, CfdRiskFlagDialog, action_group);
  gtk_widget_class_bind_template_child (widget_class, CfdRiskFlagDialog, action_view);
  gtk_widget_class_bind_template_child (widget_class, CfdRiskFlagDialog, error_label);
  gtk_widget_class_install_action (widget_class, "flag.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "flag.resolve", NULL, resolve_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_risk_flag_dialog_init (CfdRiskFlagDialog *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
