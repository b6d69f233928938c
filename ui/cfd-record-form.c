/* cfd-record-form.c: the fields of one record, laid out from its kind's template. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "cfd-record-form.h"

typedef struct
{
  const CfdTemplateField *field;
  GtkWidget *control; /* entry, text view, spin button, drop-down, check, list box */
  GPtrArray *checks;  /* CHECKLIST: one GtkCheckButton per choice */
  gboolean has_value; /* numbers: set by the user or the content */
} FieldBinding;

struct _CfdRecordForm
{
  GtkWidget parent_instance;

  const CfdTemplate *tmpl;
  GPtrArray *bindings;
  gboolean loading;
  gboolean editable;

  GtkWidget *box;
};

G_DEFINE_FINAL_TYPE (CfdRecordForm, cfd_record_form, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
binding_free (FieldBinding *binding)
{
  g_clear_pointer (&binding->checks, g_ptr_array_unref);
  g_free (binding);
}

static void update_computed (CfdRecordForm *self);

static void
emit_changed (CfdRecordForm *self)
{
  update_computed (self);
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
number_changed (GtkSpinButton *spin, FieldBinding *binding)
{
  CfdRecordForm *self = g_object_get_data (G_OBJECT (spin), "form");

  if (!self->loading)
    binding->has_value = TRUE;
  emit_changed (self);
}

/* ---- vitals: an editable list of readings ---- */

enum
{
  VITAL_SYSTOLIC,
  VITAL_DIASTOLIC,
  VITAL_HEART_RATE,
  VITAL_SPO2,
  N_VITALS
};

static void
remove_reading (GtkButton *button, gpointer user_data)
{
  CfdRecordForm *self = user_data;
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  GtkWidget *list = gtk_widget_get_parent (row);

  gtk_list_box_remove (GTK_LIST_BOX (list), row);
  emit_changed (self);
}

static GtkWidget *
spin_new (double min, double max, const char *label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_tooltip_text (spin, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return spin;
}

static void
add_reading (CfdRecordForm *self,
             GtkListBox *list,
             const char *time,
             const guint16 values[N_VITALS])
{
  GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *time_entry = gtk_entry_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  const char *labels[N_VITALS]
      = { _ ("Systolic (mmHg)"), _ ("Diastolic (mmHg)"), _ ("Heart rate (bpm)"), _ ("SpO₂ (%)") };
  const double maxima[N_VITALS] = { 300, 200, 250, 100 };

  gtk_widget_set_margin_top (row_box, 6);
  gtk_widget_set_margin_bottom (row_box, 6);
  gtk_widget_set_margin_start (row_box, 6);
  gtk_widget_set_margin_end (row_box, 6);
  gtk_editable_set_text (GTK_EDITABLE (time_entry), time != NULL ? time : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (time_entry), _ ("HH:MM"));
  gtk_editable_set_width_chars (GTK_EDITABLE (time_entry), 6);
  gtk_editable_set_editable (GTK_EDITABLE (time_entry), self->editable);
  gtk_accessible_update_property (GTK_ACCESSIBLE (time_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Time of reading"), -1);
  g_signal_connect_swapped (time_entry, "changed", G_CALLBACK (emit_changed), self);
  gtk_box_append (GTK_BOX (row_box), time_entry);

  for (int i = 0; i < N_VITALS; i++)
    {
      GtkWidget *spin = spin_new (0, maxima[i], labels[i]);

      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), values != NULL ? values[i] : 0);
      gtk_widget_set_sensitive (spin, self->editable);
      g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (emit_changed), self);
      gtk_box_append (GTK_BOX (row_box), spin);
    }

  gtk_widget_set_tooltip_text (remove, _ ("Remove Reading"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Remove reading"), -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_sensitive (remove, self->editable);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_reading), self);
  gtk_box_append (GTK_BOX (row_box), remove);
  gtk_list_box_append (list, row_box);
}

static void
add_reading_clicked (GtkButton *button, gpointer user_data)
{
  CfdRecordForm *self = user_data;
  GtkListBox *list = g_object_get_data (G_OBJECT (button), "list");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");

  add_reading (self, list, time, NULL);
  emit_changed (self);
}

static GVariant *
vitals_value (GtkListBox *list)
{
  g_auto (GVariantBuilder) builder
      = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  gboolean any = FALSE;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *child = gtk_widget_get_first_child (box);
      const char *time = gtk_editable_get_text (GTK_EDITABLE (child));
      guint16 values[N_VITALS];

      for (int i = 0; i < N_VITALS; i++)
        {
          child = gtk_widget_get_next_sibling (child);
          values[i] = (guint16)gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (child));
        }
      g_variant_builder_add (&builder, "(sqqqq)", time, values[0], values[1], values[2], values[3]);
      any = TRUE;
    }
  if (!any)
    return NULL;
  return g_variant_builder_end (&builder);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, row);
}

/* ---- building the form ---- */

static GtkWidget *
build_control (CfdRecordForm *self, FieldBinding *binding, GtkWidget *field_box)
{
  const CfdTemplateField *field = binding->field;
  GtkWidget *control = NULL;

  /* What core computes is shown, live, and cannot be typed over. */
  if (field->computed)
    {
      control = gtk_label_new (_ ("—"));
      gtk_label_set_xalign (GTK_LABEL (control), 0);
      gtk_label_set_selectable (GTK_LABEL (control), TRUE);
      gtk_widget_add_css_class (control, "title-4");
      gtk_widget_add_css_class (control, "numeric");
      gtk_box_append (GTK_BOX (field_box), control);
      return control;
    }

  switch (field->type)
    {
      case CFD_FIELD_TEXT:
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        control = gtk_entry_new ();
        if (field->type == CFD_FIELD_DATE)
          gtk_entry_set_placeholder_text (GTK_ENTRY (control), _ ("YYYY-MM-DD"));
        else if (field->type == CFD_FIELD_TIME)
          gtk_entry_set_placeholder_text (GTK_ENTRY (control), _ ("HH:MM"));
        g_signal_connect_swapped (control, "changed", G_CALLBACK (emit_changed), self);
        break;

      case CFD_FIELD_LONG_TEXT:
        {
          GtkWidget *frame = gtk_scrolled_window_new ();

          control = gtk_text_view_new ();
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (control), GTK_WRAP_WORD_CHAR);
          gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (control), FALSE);
          gtk_text_view_set_top_margin (GTK_TEXT_VIEW (control), 8);
          gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (control), 8);
          gtk_text_view_set_left_margin (GTK_TEXT_VIEW (control), 8);
          gtk_text_view_set_right_margin (GTK_TEXT_VIEW (control), 8);
          gtk_widget_add_css_class (control, "field-text");
          g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (control)), "changed",
                                    G_CALLBACK (emit_changed), self);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (frame), control);
          gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (frame), GTK_POLICY_NEVER,
                                          GTK_POLICY_NEVER);
          gtk_widget_add_css_class (frame, "card");
          gtk_widget_set_size_request (frame, -1, 96);
          gtk_box_append (GTK_BOX (field_box), frame);
          return control;
        }

      case CFD_FIELD_INTEGER:
      case CFD_FIELD_NUMBER:
        {
          gboolean integer = field->type == CFD_FIELD_INTEGER;
          double min = field->min, max = field->max;

          if (min >= max)
            {
              min = 0;
              max = 100000;
            }
          control = gtk_spin_button_new_with_range (min, max, integer ? 1 : 0.1);
          gtk_spin_button_set_digits (GTK_SPIN_BUTTON (control), integer ? 0 : 2);
          gtk_widget_set_halign (control, GTK_ALIGN_START);
          g_object_set_data (G_OBJECT (control), "form", self);
          g_signal_connect (control, "value-changed", G_CALLBACK (number_changed), binding);
          if (field->unit != NULL && field->unit[0] != '\0')
            {
              GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
              GtkWidget *unit = gtk_label_new (field->unit);

              gtk_widget_add_css_class (unit, "dim-label");
              gtk_box_append (GTK_BOX (row), control);
              gtk_box_append (GTK_BOX (row), unit);
              gtk_box_append (GTK_BOX (field_box), row);
              return control;
            }
          break;
        }

      case CFD_FIELD_CHOICE:
        {
          g_autoptr (GPtrArray) labels = g_ptr_array_new ();

          g_ptr_array_add (labels, (gpointer)_ ("Not set"));
          for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
            g_ptr_array_add (labels, field->choice_labels != NULL && field->choice_labels[i] != NULL
                                         ? field->choice_labels[i]
                                         : field->choices[i]);
          g_ptr_array_add (labels, NULL);
          control = gtk_drop_down_new_from_strings ((const char *const *)labels->pdata);
          gtk_widget_set_halign (control, GTK_ALIGN_START);
          g_signal_connect_swapped (control, "notify::selected", G_CALLBACK (emit_changed), self);
          break;
        }

      case CFD_FIELD_BOOLEAN:
        control = gtk_check_button_new_with_label (_ ("Yes"));
        g_signal_connect_swapped (control, "toggled", G_CALLBACK (emit_changed), self);
        break;

      case CFD_FIELD_CHECKLIST:
        control = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
        binding->checks = g_ptr_array_new ();
        for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
          {
            GtkWidget *check = gtk_check_button_new_with_label (
                field->choice_labels != NULL && field->choice_labels[i] != NULL
                    ? field->choice_labels[i]
                    : field->choices[i]);

            g_signal_connect_swapped (check, "toggled", G_CALLBACK (emit_changed), self);
            g_ptr_array_add (binding->checks, check);
            gtk_box_append (GTK_BOX (control), check);
          }
        break;

      case CFD_FIELD_VITALS:
        {
          GtkWidget *add = gtk_button_new ();
          GtkWidget *content = adw_button_content_new ();

          control = gtk_list_box_new ();
          gtk_list_box_set_selection_mode (GTK_LIST_BOX (control), GTK_SELECTION_NONE);
          gtk_widget_add_css_class (control, "boxed-list");
          gtk_box_append (GTK_BOX (field_box), control);
          adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
          adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _ ("Add Reading"));
          gtk_button_set_child (GTK_BUTTON (add), content);
          gtk_widget_set_halign (add, GTK_ALIGN_START);
          g_object_set_data (G_OBJECT (add), "list", control);
          g_signal_connect (add, "clicked", G_CALLBACK (add_reading_clicked), self);
          g_object_set_data (G_OBJECT (control), "add-button", add);
          gtk_box_append (GTK_BOX (field_box), add);
          return control;
        }
    }

  gtk_box_append (GTK_BOX (field_box), control);
  return control;
}

void
cfd_record_form_set_template (CfdRecordForm *self, const CfdTemplate *tmpl)
{
  GtkWidget *child;

  g_return_if_fail (CFD_IS_RECORD_FORM (self));

  g_ptr_array_set_size (self->bindings, 0);
  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  self->tmpl = tmpl;
  if (tmpl == NULL)
    return;

  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      FieldBinding *binding = g_new0 (FieldBinding, 1);
      GtkWidget *field_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      g_autofree char *title
          = field->required ? g_strdup_printf ("%s *", field->label) : g_strdup (field->label);
      GtkWidget *label = gtk_label_new (title);
      g_autofree char *name = g_strdup_printf ("field-%s", field->id);

      binding->field = field;
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (field_box), label);
      if (field->help != NULL && field->help[0] != '\0')
        {
          GtkWidget *help = gtk_label_new (field->help);

          gtk_label_set_xalign (GTK_LABEL (help), 0);
          gtk_label_set_wrap (GTK_LABEL (help), TRUE);
          gtk_widget_add_css_class (help, "dim-label");
          gtk_widget_add_css_class (help, "caption");
          gtk_box_append (GTK_BOX (field_box), help);
        }
      binding->control = build_control (self, binding, field_box);
      /* Named so that tests and assistive technology can find each field. */
      gtk_widget_set_name (binding->control, name);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (binding->control),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      g_ptr_array_add (self->bindings, binding);
      gtk_box_append (GTK_BOX (self->box), field_box);
    }
  cfd_record_form_set_editable (self, self->editable);
  update_computed (self);
}

static void
set_binding (CfdRecordForm *self, FieldBinding *binding, GVariant *value)
{
  const CfdTemplateField *field = binding->field;

  if (field->computed)
    return; /* worked out again from the other fields */

  switch (field->type)
    {
      case CFD_FIELD_TEXT:
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        gtk_editable_set_text (GTK_EDITABLE (binding->control),
                               value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                   ? g_variant_get_string (value, NULL)
                                   : "");
        break;
      case CFD_FIELD_LONG_TEXT:
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (binding->control)),
                                  value != NULL
                                          && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                      ? g_variant_get_string (value, NULL)
                                      : "",
                                  -1);
        break;
      case CFD_FIELD_INTEGER:
      case CFD_FIELD_NUMBER:
        binding->has_value = value != NULL;
        if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (binding->control),
                                     g_variant_get_int64 (value));
        else if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (binding->control),
                                     g_variant_get_double (value));
        else
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (binding->control), MAX (field->min, 0));
        break;
      case CFD_FIELD_CHOICE:
        {
          guint selected = 0;

          if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
              && field->choices != NULL)
            for (guint i = 0; field->choices[i] != NULL; i++)
              if (g_strcmp0 (field->choices[i], g_variant_get_string (value, NULL)) == 0)
                selected = i + 1;
          gtk_drop_down_set_selected (GTK_DROP_DOWN (binding->control), selected);
          break;
        }
      case CFD_FIELD_BOOLEAN:
        gtk_check_button_set_active (GTK_CHECK_BUTTON (binding->control),
                                     value != NULL
                                         && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)
                                         && g_variant_get_boolean (value));
        break;
      case CFD_FIELD_CHECKLIST:
        for (guint i = 0; i < binding->checks->len; i++)
          {
            gboolean active = FALSE;

            if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
              {
                g_autofree const char **ids = g_variant_get_strv (value, NULL);

                active = g_strv_contains (ids, field->choices[i]);
              }
            gtk_check_button_set_active (g_ptr_array_index (binding->checks, i), active);
          }
        break;
      case CFD_FIELD_VITALS:
        clear_list (GTK_LIST_BOX (binding->control));
        if (value != NULL
            && g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE)))
          {
            GVariantIter iter;
            const char *time;
            guint16 values[N_VITALS];

            g_variant_iter_init (&iter, value);
            while (g_variant_iter_next (&iter, "(&sqqqq)", &time, &values[0], &values[1],
                                        &values[2], &values[3]))
              add_reading (self, GTK_LIST_BOX (binding->control), time, values);
          }
        break;
    }
}

void
cfd_record_form_set_content (CfdRecordForm *self, GVariant *content)
{
  g_return_if_fail (CFD_IS_RECORD_FORM (self));

  self->loading = TRUE;
  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      g_autoptr (GVariant) value = NULL;

      if (content != NULL)
        value = g_variant_lookup_value (content, binding->field->id, NULL);
      set_binding (self, binding, value);
    }
  self->loading = FALSE;
  update_computed (self);
}

static gboolean
well_formed_date (const char *text)
{
  int y, m, d;
  char tail;

  return sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen (text) == 10
         && g_date_valid_dmy (d, m, y);
}

static gboolean
well_formed_time (const char *text)
{
  int h, m;
  char tail;

  return sscanf (text, "%2d:%2d%c", &h, &m, &tail) == 2 && strlen (text) == 5 && h >= 0 && h < 24
         && m >= 0 && m < 60;
}

GVariant *
cfd_record_form_get_content (CfdRecordForm *self, char **skipped)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_return_val_if_fail (CFD_IS_RECORD_FORM (self), NULL);

  if (skipped != NULL)
    *skipped = NULL;

  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      const CfdTemplateField *field = binding->field;
      GVariant *value = NULL;

      if (field->computed)
        continue; /* core fills it in when the record is saved */

      switch (field->type)
        {
          case CFD_FIELD_TEXT:
          case CFD_FIELD_DATE:
          case CFD_FIELD_TIME:
            {
              const char *text = gtk_editable_get_text (GTK_EDITABLE (binding->control));

              if (text[0] == '\0')
                break;
              if ((field->type == CFD_FIELD_DATE && !well_formed_date (text))
                  || (field->type == CFD_FIELD_TIME && !well_formed_time (text)))
                {
                  if (skipped != NULL && *skipped == NULL)
                    *skipped = g_strdup (field->label);
                  break;
                }
              value = g_variant_new_string (text);
              break;
            }
          case CFD_FIELD_LONG_TEXT:
            {
              GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (binding->control));
              GtkTextIter start, end;
              g_autofree char *text = NULL;

              gtk_text_buffer_get_bounds (buffer, &start, &end);
              text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
              if (text[0] != '\0')
                value = g_variant_new_string (text);
              break;
            }
          case CFD_FIELD_INTEGER:
            if (binding->has_value)
              value = g_variant_new_int64 (
                  gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (binding->control)));
            break;
          case CFD_FIELD_NUMBER:
            if (binding->has_value)
              value = g_variant_new_double (
                  gtk_spin_button_get_value (GTK_SPIN_BUTTON (binding->control)));
            break;
          case CFD_FIELD_CHOICE:
            {
              guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (binding->control));

              if (selected > 0 && selected != GTK_INVALID_LIST_POSITION)
                value = g_variant_new_string (field->choices[selected - 1]);
              break;
            }
          case CFD_FIELD_BOOLEAN:
            value = g_variant_new_boolean (
                gtk_check_button_get_active (GTK_CHECK_BUTTON (binding->control)));
            break;
          case CFD_FIELD_CHECKLIST:
            {
              g_autoptr (GPtrArray) ids = g_ptr_array_new ();

              for (guint j = 0; j < binding->checks->len; j++)
                if (gtk_check_button_get_active (g_ptr_array_index (binding->checks, j)))
                  g_ptr_array_add (ids, field->choices[j]);
              if (ids->len > 0)
                value = g_variant_new_strv ((const char *const *)ids->pdata, ids->len);
              break;
            }
          case CFD_FIELD_VITALS:
            value = vitals_value (GTK_LIST_BOX (binding->control));
            break;
        }
      if (value != NULL)
        g_variant_builder_add (&builder, "{sv}", field->id, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static char *
format_computed (const CfdTemplateField *field, GVariant *value)
{
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    /* Translators: a computed value that cannot be worked out yet */
    return g_strdup (_ ("— (needs the values it is computed from)"));
  if (field->unit != NULL && field->unit[0] != '\0')
    return g_strdup_printf ("%g %s", g_variant_get_double (value), field->unit);
  return g_strdup_printf ("%g", g_variant_get_double (value));
}

/* Every computed field shows what core would store for the form as it is
 * now, so the clinician sees mg/kg change as dose or weight is typed. */
static void
update_computed (CfdRecordForm *self)
{
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) computed = NULL;

  if (self->tmpl == NULL || self->loading)
    return;
  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      g_autoptr (GVariant) value = NULL;
      g_autofree char *text = NULL;

      if (!binding->field->computed)
        continue;
      if (content == NULL)
        {
          content = cfd_record_form_get_content (self, NULL);
          computed = cfd_template_compute (self->tmpl, content, NULL);
        }
      if (computed != NULL)
        value = g_variant_lookup_value (computed, binding->field->id, NULL);
      text = format_computed (binding->field, value);
      gtk_label_set_text (GTK_LABEL (binding->control), text);
    }
}

static void
set_tree_editable (GtkWidget *widget, gboolean editable)
{
  if (GTK_IS_TEXT_VIEW (widget))
    {
      gtk_text_view_set_editable (GTK_TEXT_VIEW (widget), editable);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (widget), editable);
      return;
    }
  if (GTK_IS_ENTRY (widget))
    {
      gtk_editable_set_editable (GTK_EDITABLE (widget), editable);
      return;
    }
  if (GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_CHECK_BUTTON (widget)
      || GTK_IS_BUTTON (widget))
    {
      gtk_widget_set_sensitive (widget, editable);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    set_tree_editable (child, editable);
}

void
cfd_record_form_set_editable (CfdRecordForm *self, gboolean editable)
{
  g_return_if_fail (CFD_IS_RECORD_FORM (self));

  self->editable = editable;
  set_tree_editable (self->box, editable);
  /* A signed dosing record shows its readings, not an "Add Reading" button. */
  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      GtkWidget *add = g_object_get_data (G_OBJECT (binding->control), "add-button");

      if (add != NULL)
        gtk_widget_set_visible (add, editable);
    }
}

static void
cfd_record_form_dispose (GObject *object)
{
  CfdRecordForm *self = CFD_RECORD_FORM (object);

  cfd_record_form_set_template (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (cfd_record_form_parent_class)->dispose (object);
}

static void
cfd_record_form_finalize (GObject *object)
{
  CfdRecordForm *self = CFD_RECORD_FORM (object);

  g_ptr_array_unref (self->bindings);
  G_OBJECT_CLASS (cfd_record_form_parent_class)->finalize (object);
}

static void
cfd_record_form_class_init (CfdRecordFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_record_form_dispose;
  object_class->finalize = cfd_record_form_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cfd_record_form_init (CfdRecordForm *self)
{
  self->bindings = g_ptr_array_new_with_free_func ((GDestroyNotify)binding_free);
  self->editable = TRUE;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

CfdRecordForm *
cfd_record_form_new (void)
{
  return g_object_new (CFD_TYPE_RECORD_FORM, NULL);
}
