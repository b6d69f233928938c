/* cfd-capsule-window.c: one capsule, read-only and clearly marked, with its records to review. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-capsule-window.h"
#include "cfd-ui-util.h"

struct _CfdCapsuleWindow
{
  AdwWindow parent_instance;

  CfdVault *vault;
  CfdCapsule *capsule; /* decrypted; dropped when the window goes or the vault locks */
  guint n_records;

  AdwToastOverlay *toasts;
  AdwWindowTitle *window_title;
  GtkLabel *banner;
  AdwPreferencesGroup *consent_group;
  AdwPreferencesGroup *records_group;
};

G_DEFINE_FINAL_TYPE (CfdCapsuleWindow, cfd_capsule_window, ADW_TYPE_WINDOW)

static GtkWidget *
info_row (const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static const char *
choice_label (const CfdTemplateField *field, const char *id)
{
  for (guint i = 0; field != NULL && field->choices != NULL && field->choices[i] != NULL; i++)
    if (g_strcmp0 (field->choices[i], id) == 0 && field->choice_labels != NULL
        && field->choice_labels[i] != NULL)
      return field->choice_labels[i];
  return id;
}

/* One field's value as text, as the record editor would show it; the
 * content was checked when the capsule was opened. */
static char *
field_text (const CfdTemplateField *field, GVariant *value)
{
  const char *unit = field != NULL && field->unit != NULL ? field->unit : NULL;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_strdup (choice_label (field, g_variant_get_string (value, NULL)));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    return g_strdup_printf ("%.4g%s%s", g_variant_get_double (value), unit ? " " : "",
                            unit ? unit : "");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT "%s%s", g_variant_get_int64 (value),
                            unit ? " " : "", unit ? unit : "");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _ ("Yes") : _ ("No"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      GString *text = g_string_new (NULL);
      GVariantIter iter;
      const char *item;

      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "&s", &item))
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                                choice_label (field, item));
      return g_string_free (text, FALSE);
    }
  if (cfd_vitals_is_readings (value))
    {
      GString *text = g_string_new (NULL);
      g_autoptr (GArray) readings = cfd_vitals_readings (value);

      for (guint i = 0; i < readings->len; i++)
        {
          const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);

          /* Translators: one vitals reading: time, blood pressure, heart rate, SpO2 */
          g_string_append_printf (text, _ ("%s%s  BP %u/%u, HR %u, SpO₂ %u%%"),
                                  text->len > 0 ? "\n" : "", r->time, r->systolic, r->diastolic,
                                  r->heart_rate, r->spo2);
          if (r->has_respiratory_rate)
            /* Translators: respiratory rate after a vitals reading */
            g_string_append_printf (text, _ (", RR %u"), r->respiratory_rate);
        }
      return g_string_free (text, FALSE);
    }
  return g_variant_print (value, FALSE);
}

static void comment_applied (AdwEntryRow *entry, CfdCapsuleWindow *self);

static GtkWidget *
record_row (CfdCapsuleWindow *self, CfdCapsuleRecord *record)
{
  GtkWidget *row = adw_expander_row_new ();
  CfdRecordKind kind = CFD_RECORD_PROGRESS;
  const CfdTemplate *tmpl;
  GVariant *content = cfd_capsule_record_get_content (record);
  g_autofree char *occurred = cfd_ui_format_date (cfd_capsule_record_get_occurred (record));
  g_autofree char *signed_at = cfd_ui_format_date (cfd_capsule_record_get_signed_at (record));
  g_autofree char *subtitle = NULL;
  GtkWidget *cosign, *comment;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  cfd_record_kind_from_string (cfd_capsule_record_get_kind (record), &kind);
  tmpl = cfd_template_get (kind);
  /* Translators: "1 Dec 2026 · signed 2 Dec 2026 · psychotherapy note" */
  subtitle = g_strdup_printf (
      _ ("%s · signed %s%s"), occurred, signed_at,
      cfd_capsule_record_is_psychotherapy_note (record) ? _ (" · psychotherapy note") : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cfd_ui_kind_title (kind));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row),
                               gtk_image_new_from_icon_name (cfd_ui_kind_icon (kind)));

  /* In the template's order, as the record editor shows them; anything the
   * template does not name (a field of an older template) after. */
  for (guint i = 0; tmpl != NULL && i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) field_value = g_variant_lookup_value (content, field->id, NULL);
      g_autofree char *text = NULL;

      if (field_value == NULL)
        continue;
      text = field_text (field, field_value);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), info_row (field->label, text));
    }
  g_variant_iter_init (&iter, content);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (tmpl == NULL || cfd_template_find_field (tmpl, key) == NULL)
        {
          g_autofree char *text = field_text (NULL, value);

          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), info_row (key, text));
        }
      g_variant_unref (value);
    }

  cosign = gtk_button_new_with_mnemonic (_ ("Co-_sign"));
  gtk_widget_set_valign (cosign, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cosign), "capsule.cosign");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (cosign), "s",
                                    cfd_capsule_record_get_id (record));
  comment = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (comment), _ ("Comment"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (comment), TRUE);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (comment), cosign);
  g_object_set_data_full (G_OBJECT (comment), "record-id",
                          g_strdup (cfd_capsule_record_get_id (record)), g_free);
  g_signal_connect_object (comment, "apply", G_CALLBACK (comment_applied), self, 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), comment);
  return row;
}

static void
comment_applied (AdwEntryRow *entry, CfdCapsuleWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  id = cfd_vault_capsule_add_comment (self->vault, cfd_capsule_get_id (self->capsule),
                                      g_object_get_data (G_OBJECT (entry), "record-id"), text,
                                      &error);
  if (id == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The comment could not be saved"), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  cfd_ui_toast (GTK_WIDGET (self), _ ("Comment saved; it goes with your next reply"));
}

static void
cosign_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdCapsuleWindow *self = CFD_CAPSULE_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->capsule == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  id = cfd_vault_capsule_cosign (self->vault, cfd_capsule_get_id (self->capsule),
                                 g_variant_get_string (parameter, NULL), &error);
  if (id == NULL)
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The record could not be co-signed"), error);
  else
    cfd_ui_toast (GTK_WIDGET (self), _ ("Co-signed; it goes with your next reply"));
}

static void
fill (CfdCapsuleWindow *self)
{
  CfdCapsule *capsule = self->capsule;
  GListModel *records = cfd_capsule_get_records (capsule);
  g_autofree char *until = cfd_ui_format_date (cfd_capsule_get_expires (capsule));
  g_autofree char *banner = g_strdup_printf (
      _ ("Capsule from %s. Read-only: these are copies of signed records, shared under the "
         "patient’s consent. Every opening is recorded, and after %s it can no longer be read."),
      cfd_capsule_get_therapist_name (capsule), until);
  static const char *const scopes[] = {
    N_ ("The medical record and the psychotherapy notes"),
    N_ ("The medical record (not the psychotherapy notes)"),
    N_ ("The psychotherapy notes only"),
  };

  adw_window_title_set_subtitle (self->window_title, cfd_capsule_get_patient_name (capsule));
  gtk_label_set_label (self->banner, banner);
  adw_preferences_group_add (self->consent_group,
                             info_row (_ ("Patient"), cfd_capsule_get_patient_name (capsule)));
  adw_preferences_group_add (self->consent_group,
                             info_row (_ ("Scope"), _ (scopes[cfd_capsule_get_scope (capsule)])));
  adw_preferences_group_add (self->consent_group,
                             info_row (_ ("Purpose"), cfd_capsule_get_purpose (capsule)));
  adw_preferences_group_add (
      self->consent_group,
      info_row (_ ("Therapist’s fingerprint"), cfd_capsule_get_therapist_fingerprint (capsule)));

  self->n_records = g_list_model_get_n_items (records);
  for (guint i = 0; i < self->n_records; i++)
    {
      g_autoptr (CfdCapsuleRecord) record = g_list_model_get_item (records, i);

      adw_preferences_group_add (self->records_group, record_row (self, record));
    }
}

guint
cfd_capsule_window_get_n_records (CfdCapsuleWindow *self)
{
  g_return_val_if_fail (CFD_IS_CAPSULE_WINDOW (self), 0);
  return self->n_records;
}

static void
cfd_capsule_window_dispose (GObject *object)
{
  CfdCapsuleWindow *self = CFD_CAPSULE_WINDOW (object);

  g_clear_object (&self->capsule);
  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_CAPSULE_WINDOW);
  G_OBJECT_CLASS (cfd_capsule_window_parent_class)->dispose (object);
}

static void
cfd_capsule_window_class_init (CfdCapsuleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_capsule_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-capsule-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdCapsuleWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, CfdCapsuleWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CfdCapsuleWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CfdCapsuleWindow, consent_group);
  gtk_widget_class_bind_template_child (widget_class, CfdCapsuleWindow, records_group);

  gtk_widget_class_install_action (widget_class, "capsule.cosign", "s", cosign_action);
}

static void
cfd_capsule_window_init (CfdCapsuleWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfdCapsuleWindow *
cfd_capsule_window_new (GtkWindow *parent, CfdVault *vault, const char *capsule_id, GError **error)
{
  g_autoptr (CfdCapsule) capsule = cfd_vault_open_capsule (vault, capsule_id, error);
  CfdCapsuleWindow *self;

  if (capsule == NULL)
    return NULL;
  self = g_object_new (CFD_TYPE_CAPSULE_WINDOW, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  self->capsule = g_steal_pointer (&capsule);
  /* Decrypted text leaves the screen when the vault locks. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  fill (self);
  return self;
}
