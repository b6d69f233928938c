/* cfd-problem-picker.c: finds an ICD-10-CM code in the shipped list and adds it as a signed problem. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-problem-picker.h"
#include "cfd-ui-util.h"

#define MAX_SHOWN 8

struct _CfdProblemPicker
{
  GtkBox parent_instance;

  GtkWidget *search;
  GtkWidget *results;
  CfdVault *vault;
  char *patient_id;
};

G_DEFINE_FINAL_TYPE (CfdProblemPicker, cfd_problem_picker, GTK_TYPE_BOX)

enum
{
  ADDED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
add_code (GtkButton *button, CfdProblemPicker *self)
{
  const char *code = g_object_get_data (G_OBJECT (button), "code");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) fields = NULL;
  g_autofree char *id = NULL;
  GVariantDict dict;

  if (self->vault == NULL || self->patient_id == NULL)
    return;
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_CHART_CODE, "s", code);
  fields = g_variant_ref_sink (g_variant_dict_end (&dict));
  /* Signed by whoever is unlocked; the title comes from the list. */
  id = cfd_vault_add_chart_entry (self->vault, self->patient_id, CFD_CHART_PROBLEM, fields, &error);
  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The problem could not be added"), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  g_signal_emit (self, signals[ADDED], 0);
}

static void
search_changed (CfdProblemPicker *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autoptr (GPtrArray) found = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->results)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->results), child);
  if (*query == '\0')
    {
      gtk_widget_set_visible (self->results, FALSE);
      return;
    }
  found = cfd_icd10_search (query, MAX_SHOWN);
  for (guint i = 0; i < found->len; i++)
    {
      const CfdIcd10Code *code = g_ptr_array_index (found, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_ ("Add"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), code->code);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), code->title);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_name (button, "problem_add");
      g_object_set_data (G_OBJECT (button), "code", (gpointer)code->code);
      g_signal_connect (button, "clicked", G_CALLBACK (add_code), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (GTK_LIST_BOX (self->results), row);
    }
  gtk_widget_set_visible (self->results, found->len > 0);
}

static void
cfd_problem_picker_dispose (GObject *object)
{
  CfdProblemPicker *self = CFD_PROBLEM_PICKER (object);

  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
  G_OBJECT_CLASS (cfd_problem_picker_parent_class)->dispose (object);
}

static void
cfd_problem_picker_class_init (CfdProblemPickerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cfd_problem_picker_dispose;
  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
}

static void
cfd_problem_picker_init (CfdProblemPicker *self)
{
  GtkWidget *label = gtk_label_new (_ ("Add a problem by its ICD-10-CM code"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  self->search = gtk_search_entry_new ();
  gtk_widget_set_name (self->search, "problem_search");
  g_object_set (self->search, "placeholder-text", _ ("A code or words: F33, recurrent"), NULL);
  self->results = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->results), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->results, "boxed-list");
  gtk_widget_set_visible (self->results, FALSE);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed), self);
  gtk_box_append (GTK_BOX (self), label);
  gtk_box_append (GTK_BOX (self), self->search);
  gtk_box_append (GTK_BOX (self), self->results);
}

GtkWidget *
cfd_problem_picker_new (void)
{
  return g_object_new (CFD_TYPE_PROBLEM_PICKER, NULL);
}

void
cfd_problem_picker_set_patient (CfdProblemPicker *self, CfdVault *vault, const char *patient_id)
{
  g_return_if_fail (CFD_IS_PROBLEM_PICKER (self));

  g_set_object (&self->vault, vault);
  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
}
