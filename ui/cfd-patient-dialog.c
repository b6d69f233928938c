/* cfd-patient-dialog.c: the form for a new patient's identifying details. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-date-input.h"
#include "cfd-patient-dialog.h"

struct _CfdPatientDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id; /* the patient edited; NULL for a new one */

  AdwEntryRow *name_row;
  AdwEntryRow *birth_date_row;
  AdwEntryRow *pronouns_row;
  AdwEntryRow *contact_row;
  AdwEntryRow *emergency_row;
  AdwEntryRow *given_row;
  AdwEntryRow *family_row;
  AdwComboRow *sex_row;
  AdwEntryRow *mrn_row;
  AdwEntryRow *address_row;
  AdwEntryRow *primary_care_row;
  AdwEntryRow *referring_row;
  GtkLabel *error_label;
  GtkButton *add_button;
};

G_DEFINE_FINAL_TYPE (CfdPatientDialog, cfd_patient_dialog, ADW_TYPE_WINDOW)

enum
{
  ADDED,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The sexes in the combo's order: not asked, then FHIR's codes. */
static const char *const sexes[] = { NULL, "female", "male", "other", "unknown" };

/* A new patient leaves out what is blank; an edit sends it blank, which
 * removes the detail (cfd_vault_update_patient). */
static void
add_detail (CfdPatientDialog *self, GVariantBuilder *builder, const char *key, AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (text[0] != '\0' || self->patient_id != NULL)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (text));
  cfd_wipe_string (g_steal_pointer (&text));
}

static void
name_changed (CfdPatientDialog *self)
{
  g_autofree char *name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.add", name[0] != '\0');
}

/* A birth date as typed (the locale's way or ISO): a real day, not in
 * the future, as ISO; NULL with *problem saying why when asked. */
static char *
parse_birth_date (const char *text, char **problem)
{
  g_autofree char *iso = cfd_date_input_parse (text, _ ("Birth Date"), problem);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) date = NULL;

  if (iso == NULL)
    return NULL;
  date = g_date_time_new_local (atoi (iso), atoi (iso + 5), atoi (iso + 8), 0, 0, 0);
  if (date == NULL || g_date_time_compare (date, now) > 0 || atoi (iso) < 1900)
    {
      if (problem != NULL)
        *problem = g_strdup (_ ("The birth date must be a real day in the past"));
      return NULL;
    }
  return g_steal_pointer (&iso);
}

/* Said as soon as the date is complete, so that it is fixed before Add. */
static void
birth_date_changed (CfdPatientDialog *self)
{
  g_autofree char *text
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->birth_date_row))));
  g_autofree char *problem = NULL;
  g_autofree char *iso = parse_birth_date (text, &problem);
  gboolean wrong = iso == NULL && strlen (text) >= 8;

  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (self->birth_date_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->birth_date_row), "error");
  gtk_label_set_label (self->error_label, wrong && problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), wrong);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdPatientDialog *self = CFD_PATIENT_DIALOG (widget);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  add_detail (self, &builder, CFD_PATIENT_NAME, self->name_row);
  {
    /* Stored ISO whatever way it was typed; what does not read goes to
     * core as typed, which names the field. */
    const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->birth_date_row));
    g_autofree char *iso = parse_birth_date (typed, NULL);

    if (iso != NULL)
      g_variant_builder_add (&builder, "{sv}", CFD_PATIENT_BIRTH_DATE, g_variant_new_string (iso));
    else
      add_detail (self, &builder, CFD_PATIENT_BIRTH_DATE, self->birth_date_row);
  }
  add_detail (self, &builder, CFD_PATIENT_PRONOUNS, self->pronouns_row);
  add_detail (self, &builder, CFD_PATIENT_CONTACT, self->contact_row);
  add_detail (self, &builder, CFD_PATIENT_EMERGENCY_CONTACT, self->emergency_row);
  add_detail (self, &builder, CFD_PATIENT_GIVEN_NAME, self->given_row);
  add_detail (self, &builder, CFD_PATIENT_FAMILY_NAME, self->family_row);
  add_detail (self, &builder, CFD_PATIENT_MRN, self->mrn_row);
  add_detail (self, &builder, CFD_PATIENT_ADDRESS, self->address_row);
  add_detail (self, &builder, CFD_PATIENT_PRIMARY_CARE, self->primary_care_row);
  add_detail (self, &builder, CFD_PATIENT_REFERRING_PROVIDER, self->referring_row);
  {
    guint chosen = adw_combo_row_get_selected (self->sex_row);

    if (chosen < G_N_ELEMENTS (sexes) && sexes[chosen] != NULL)
      g_variant_builder_add (&builder, "{sv}", CFD_PATIENT_SEX,
                             g_variant_new_string (sexes[chosen]));
    else if (self->patient_id != NULL)
      g_variant_builder_add (&builder, "{sv}", CFD_PATIENT_SEX, g_variant_new_string (""));
  }
  details = g_variant_ref_sink (g_variant_builder_end (&builder));

  if (self->patient_id != NULL)
    {
      /* The same checks as "confidant-cli patient edit": core's, on the
       * details as they will be stored. */
      if (!cfd_vault_update_patient (self->vault, self->patient_id, details, &error))
        {
          gtk_label_set_label (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
          return;
        }
      g_signal_emit (self, signals[SAVED], 0);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
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
  g_clear_pointer (&self->patient_id, g_free);
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
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-patient-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, pronouns_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, emergency_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, given_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, family_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, sex_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, mrn_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, primary_care_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, referring_row);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CfdPatientDialog, add_button);
  gtk_widget_class_bind_template_callback (widget_class, name_changed);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, birth_date_changed);

  gtk_widget_class_install_action (widget_class, "patient.add", NULL, add_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, close_shortcut, NULL);
}

static void
cfd_patient_dialog_init (CfdPatientDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A birth date's calendar opens thirty years back, not on today. */
  cfd_date_input_button_start_years_back (
      cfd_date_input_setup_row (self->birth_date_row, _ ("Birth Date"), TRUE), 30);
  name_changed (self);
  /* Typing starts with the name, not on Cancel. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->name_row));
}

CfdPatientDialog *
cfd_patient_dialog_new (GtkWindow *parent, CfdVault *vault)
{
  CfdPatientDialog *self
      = g_object_new (CFD_TYPE_PATIENT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  self->vault = g_object_ref (vault);
  return self;
}

static void
fill_row (AdwEntryRow *row, CfdPatient *patient, const char *key)
{
  const char *value = cfd_patient_get_detail (patient, key);

  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
}

CfdPatientDialog *
cfd_patient_dialog_new_edit (GtkWindow *parent, CfdVault *vault, CfdPatient *patient)
{
  CfdPatientDialog *self = cfd_patient_dialog_new (parent, vault);
  const char *sex = cfd_patient_get_sex (patient);

  self->patient_id = g_strdup (cfd_patient_get_id (patient));
  gtk_window_set_title (GTK_WINDOW (self), _ ("Edit Patient"));
  gtk_button_set_label (self->add_button, _ ("_Save"));
  fill_row (self->name_row, patient, CFD_PATIENT_NAME);
  fill_row (self->birth_date_row, patient, CFD_PATIENT_BIRTH_DATE);
  fill_row (self->pronouns_row, patient, CFD_PATIENT_PRONOUNS);
  fill_row (self->contact_row, patient, CFD_PATIENT_CONTACT);
  fill_row (self->emergency_row, patient, CFD_PATIENT_EMERGENCY_CONTACT);
  fill_row (self->given_row, patient, CFD_PATIENT_GIVEN_NAME);
  fill_row (self->family_row, patient, CFD_PATIENT_FAMILY_NAME);
  fill_row (self->mrn_row, patient, CFD_PATIENT_MRN);
  fill_row (self->address_row, patient, CFD_PATIENT_ADDRESS);
  fill_row (self->primary_care_row, patient, CFD_PATIENT_PRIMARY_CARE);
  fill_row (self->referring_row, patient, CFD_PATIENT_REFERRING_PROVIDER);
  for (guint i = 1; i < G_N_ELEMENTS (sexes); i++)
    if (g_strcmp0 (sex, sexes[i]) == 0)
      adw_combo_row_set_selected (self->sex_row, i);
  return self;
}
