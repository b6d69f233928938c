/* cfd-patient-dialog.c: the form for a new patient's identifying details. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-patient-dialog.h"

struct _CfdPatientDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;

  AdwEntryRow *name_row;
  AdwEntryRow *birth_date_row;
  AdwEntryRow *pronouns_row;
  AdwEntryRow *contact_row;
  AdwEntryRow *emergency_row;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (CfdPatientDialog, cfd_patient_dialog, ADW_TYPE_WINDOW)

enum
{
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_detail (GVariantBuilder *builder, const char *key, AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (text[0] != '\0')
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (text));
}

static void
name_changed (CfdPatientDialog *self)
{
  g_autofree char *name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.add", name[0] != '\0');
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientDialog *self = CFD_PATIENT_DIALOG (widget);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  add_detail (&builder, CFD_PATIENT_NAME, self->name_row);
  add_detail (&builder, CFD_PATIENT_BIRTH_DATE, self->birth_date_row);
  add_detail (&builder, CFD_PATIENT_PRONOUNS, self->pronouns_row);
  add_detail (&builder, CFD_PATIENT_CONTACT, self->contact_row);
  add_detail (&builder, CFD_PATIENT_EMERGENCY_CONTACT, self->emergency_row);
  details = g_variant_ref_sink (g_variant_builder_end (&builder));

  if (!cfd_patient_details_validate (details, &error)
      || (id = cfd_vault_add_patient (self->vault, details, &error)) == NULL)
    {
      /* Messages from core name the field, never its value. */
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[ADDED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
row_activated (CfdPatientDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "patient.add", NULL);
}

static gboolean
close_shortcut (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (widget));
  return TRUE;
}

static void
cfd_patient_dialog_dispose (GObject *object)
{
  CfdPatientDialog *self = CFD_PATIENT_DIALOG (object);

  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_PATIENT_DIALOG);
  G_OBJECT_CLASS (cfd_patient_dialog_parent_class)->dispose (object);
}

static void
cfd_patient_dialog_class_init (CfdPatientDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_patient_dialog_dispose;

  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-patient-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, pronouns_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, emergency_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, name_changed);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);

  gtk_widget_class_install_action (widget_class, "patient.add", NULL, add_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, close_shortcut, NULL);
}

static void
cfd_patient_dialog_init (CfdPatientDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_changed (self);
}

CfdPatientDialog *
cfd_patient_dialog_new (GtkWindow *parent, CfdVault *vault)
{
  CfdPatientDialog *self
      = g_object_new (CFD_TYPE_PATIENT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  self->vault = g_object_ref (vault);
  return self;
}
