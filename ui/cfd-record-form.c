/* cfd-record-form.c: the fields of one record, laid out from its kind's template. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cfd-date-input.h"
#include "cfd-record-form.h"

/* A yes/no question has three answers; "not assessed" is the one nobody
 * chose, and it is never stored as "no". */
enum
{
  ANSWER_UNSET,
  ANSWER_YES,
  ANSWER_NO,
  N_ANSWERS
};

typedef struct
{
  const CfdTemplateField *field;
  GtkWidget *control; /* entry, text view, drop-down, answer box, checklist box, list box */
  GPtrArray *checks;  /* CHECKLIST: one GtkCheckButton per choice; BOOLEAN: the answers */
  GtkWidget *problem; /* what stops this value being signed, or what to double-check */
  GtkWidget *box;     /* label, help, control and problem: hidden while the field does not apply */
} FieldBinding;

struct _CfdRecordForm
{
  GtkWidget parent_instance;

  const CfdTemplate *tmpl;
  GPtrArray *bindings;
  guint loading; /* nested: filling controls in code is not typing */
  gboolean editable;
  guint n_problems;
  CfdDosingThresholds thresholds;
  GVariant
      *stored; /* the content as last set: a signed record shows its computed values as signed */

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

static void update_derived (CfdRecordForm *self);

static void
emit_changed (CfdRecordForm *self)
{
  if (self->loading)
    return;
  update_derived (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- numbers: typed text, kept as typed until it is a number ---- */

/* The value of a number typed into an entry: "x" or "d" when the text is
 * one, the text itself ("s") when not, NULL when blank. A comma is taken
 * as the decimal point, as many keyboards type it. */
static GVariant *
typed_number (const CfdTemplateField *field, const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (trimmed[0] == '\0')
    return NULL;
  if (strspn (trimmed, "0123456789.,-+") == strlen (trimmed))
    {
      if (field->type == CFD_FIELD_INTEGER)
        {
          gint64 value;

          errno = 0;
          value = g_ascii_strtoll (trimmed, &end, 10);
          if (end != trimmed && *end == '\0' && errno == 0)
            return g_variant_new_int64 (value);
        }
      else
        {
          double value;
          char *comma = strchr (trimmed, ',');

          if (comma != NULL && strchr (comma + 1, ',') == NULL && strchr (trimmed, '.') == NULL)
            *comma = '.';
          value = g_ascii_strtod (trimmed, &end);
          if (end != trimmed && *end == '\0' && isfinite (value))
            return g_variant_new_double (value);
        }
    }
  return g_variant_new_string (text);
}

static char *
number_text (GVariant *value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    return g_strdup (
        g_ascii_formatd (buffer, sizeof buffer, "%.10g", g_variant_get_double (value)));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  return g_strdup ("");
}

static GtkWidget *
entry_new (CfdRecordForm *self, const char *placeholder, int width, const char *label)
{
  GtkWidget *entry = gtk_entry_new ();

  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  if (width > 0)
    {
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
      gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), width);
    }
  if (label != NULL)
    {
      gtk_widget_set_tooltip_text (entry, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (emit_changed), self);
  return entry;
}

/* ---- vitals: an editable list of readings, each cell typed ---- */

/* Each reading is two lines, so that it fits a 360 px window: its time,
 * timepoint and remove button, then its five numbers. The cells, in
 * CFD_VITALS_CELL_* order, are kept on the row's box as "cells"; the
 * timepoint is a drop-down whose first item is "no timepoint". */

static void
remove_reading (GtkButton *button, gpointer user_data)
{
  CfdRecordForm *self = user_data;
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  GtkWidget *list = gtk_widget_get_parent (row);

  gtk_list_box_remove (GTK_LIST_BOX (list), row);
  emit_changed (self);
}

/* The timepoint choices of the field, after "no timepoint"; a draft's
 * timepoint that is not one of them is kept as typed, as one more item. */
static GtkWidget *
timepoint_new (CfdRecordForm *self,
               const CfdTemplateField *field,
               const char *typed,
               const char *accessible_label)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *drop_down;
  guint selected = 0, n = 1;

  gtk_string_list_append (labels, _ ("No timepoint"));
  for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++, n++)
    {
      gtk_string_list_append (labels, cfd_template_field_choice_label (field, field->choices[i]));
      if (g_strcmp0 (typed, field->choices[i]) == 0)
        selected = n;
    }
  if (typed != NULL && typed[0] != '\0' && selected == 0)
    {
      gtk_string_list_append (labels, typed);
      selected = n;
    }
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), selected);
  gtk_widget_set_hexpand (drop_down, TRUE);
  gtk_widget_set_tooltip_text (drop_down, _ ("Timepoint"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  g_object_set_data_full (G_OBJECT (drop_down), "typed", g_strdup (typed != NULL ? typed : ""),
                          g_free);
  g_signal_connect_swapped (drop_down, "notify::selected", G_CALLBACK (emit_changed), self);
  return drop_down;
}

/* The timepoint id chosen in a reading's drop-down, "" for none. */
static const char *
timepoint_of (GtkWidget *drop_down, const CfdTemplateField *field)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (drop_down));
  guint n_choices = field->choices != NULL ? g_strv_length (field->choices) : 0;

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return "";
  if (selected <= n_choices)
    return field->choices[selected - 1];
  return g_object_get_data (G_OBJECT (drop_down), "typed");
}

static void
add_reading (CfdRecordForm *self, GtkListBox *list, const char *const *cells)
{
  const CfdTemplateField *field = g_object_get_data (G_OBJECT (list), "field");
  GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *when = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *numbers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GPtrArray *widgets = g_ptr_array_new ();
  const char *labels[CFD_VITALS_N_CELLS] = { _ ("Time of reading"),
                                             NULL,
                                             _ ("Systolic (mmHg)"),
                                             _ ("Diastolic (mmHg)"),
                                             _ ("Heart rate (bpm)"),
                                             _ ("SpO₂ (%)"),
                                             _ ("Respiratory rate (per minute)") };
  const char *placeholders[CFD_VITALS_N_CELLS]
      = { _ ("HH:MM"), NULL, _ ("Sys"), _ ("Dia"), _ ("HR"), _ ("SpO₂"), _ ("RR") };
  /* Translators: short column captions over a vital-sign reading's numbers */
  const char *captions[CFD_VITALS_N_CELLS]
      = { NULL, NULL, _ ("Sys"), _ ("Dia"), _ ("HR"), _ ("SpO₂ %"), _ ("RR") };

  gtk_widget_set_margin_top (row_box, 6);
  gtk_widget_set_margin_bottom (row_box, 6);
  gtk_widget_set_margin_start (row_box, 6);
  gtk_widget_set_margin_end (row_box, 6);
  for (int i = 0; i < CFD_VITALS_N_CELLS; i++)
    {
      const char *text = cells != NULL ? cells[i] : "";
      GtkWidget *widget;

      if (i == CFD_VITALS_CELL_TIMEPOINT)
        {
          self->loading++;
          widget = timepoint_new (self, field, text, _ ("Timepoint of reading"));
          self->loading--;
          gtk_widget_set_sensitive (widget, self->editable);
          gtk_box_append (GTK_BOX (when), widget);
          g_ptr_array_add (widgets, widget);
          continue;
        }
      /* Narrow enough for the five numbers to fit a 360 px window. */
      widget = entry_new (self, placeholders[i],
                          i == CFD_VITALS_CELL_TIME   ? 5
                          : i == CFD_VITALS_CELL_SPO2 ? 4
                                                      : 3,
                          labels[i]);
      self->loading++;
      gtk_editable_set_text (GTK_EDITABLE (widget), text);
      self->loading--;
      if (i != CFD_VITALS_CELL_TIME)
        gtk_entry_set_input_purpose (GTK_ENTRY (widget), GTK_INPUT_PURPOSE_DIGITS);
      gtk_editable_set_editable (GTK_EDITABLE (widget), self->editable);
      g_ptr_array_add (widgets, widget);
      if (i == CFD_VITALS_CELL_TIME)
        {
          gtk_box_append (GTK_BOX (when), widget);
          continue;
        }
      /* Each number under a short caption: a filled-in reading still says
       * which value is which. */
      {
        GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
        GtkWidget *caption = gtk_label_new (captions[i]);

        gtk_widget_add_css_class (caption, "caption");
        gtk_widget_add_css_class (caption, "dim-label");
        gtk_label_set_xalign (GTK_LABEL (caption), 0);
        gtk_box_append (GTK_BOX (column), caption);
        gtk_box_append (GTK_BOX (column), widget);
        gtk_box_append (GTK_BOX (numbers), column);
      }
    }
  gtk_widget_set_tooltip_text (remove, _ ("Remove Reading"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Remove reading"), -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_sensitive (remove, self->editable);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_reading), self);
  gtk_box_append (GTK_BOX (when), remove);
  gtk_box_append (GTK_BOX (row_box), when);
  gtk_box_append (GTK_BOX (row_box), numbers);
  g_object_set_data_full (G_OBJECT (row_box), "cells", widgets, (GDestroyNotify)g_ptr_array_unref);
  gtk_list_box_append (list, row_box);
}

void
cfd_record_form_set_dosing_thresholds (CfdRecordForm *self, const CfdDosingThresholds *thresholds)
{
  g_return_if_fail (CFD_IS_RECORD_FORM (self));

  self->thresholds = *thresholds;
}

GtkWidget *
cfd_record_form_reading_cell (GtkWidget *readings, guint row_index, guint cell)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (readings), (int)row_index);
  GPtrArray *widgets;

  g_return_val_if_fail (cell < CFD_VITALS_N_CELLS, NULL);
  if (row == NULL)
    return NULL;
  widgets = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "cells");
  return g_ptr_array_index (widgets, cell);
}

static void
add_reading_clicked (GtkButton *button, gpointer user_data)
{
  CfdRecordForm *self = user_data;
  GtkListBox *list = g_object_get_data (G_OBJECT (button), "list");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  /* The time is filled in; the values start blank, never at 0. */
  const char *cells[CFD_VITALS_N_CELLS] = { time, "", "", "", "", "", "" };

  add_reading (self, list, cells);
  emit_changed (self);
}

static gboolean
parse_cell (const char *text, guint16 *out)
{
  guint64 value;
  char *end = NULL;

  if (text[0] == '\0' || strspn (text, "0123456789") != strlen (text) || strlen (text) > 5)
    return FALSE;
  value = g_ascii_strtoull (text, &end, 10);
  if (value > G_MAXUINT16)
    return FALSE;
  *out = (guint16)value;
  return TRUE;
}

static gboolean
is_timepoint (const CfdTemplateField *field, const char *id)
{
  return id[0] == '\0'
         || (field->choices != NULL && g_strv_contains ((const char *const *)field->choices, id));
}

/* Readings as values when every cell is a whole number (the respiratory
 * rate may be left blank) and every timepoint a choice, else every cell as
 * typed: a half-filled reading is kept, not dropped or zeroed. */
static GVariant *
vitals_value (GtkListBox *list)
{
  const CfdTemplateField *field = g_object_get_data (G_OBJECT (list), "field");
  g_auto (GVariantBuilder) values
      = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  g_auto (GVariantBuilder) typed
      = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE));
  gboolean any = FALSE, all_values = TRUE;

  for (guint r = 0; gtk_list_box_get_row_at_index (list, (int)r) != NULL; r++)
    {
      const char *cells[CFD_VITALS_N_CELLS];
      guint16 numbers[CFD_VITALS_N_CELLS] = { 0 };
      gboolean has_rr;
      g_autofree char *time = NULL;

      for (guint i = 0; i < CFD_VITALS_N_CELLS; i++)
        {
          GtkWidget *widget = cfd_record_form_reading_cell (GTK_WIDGET (list), r, i);

          if (i == CFD_VITALS_CELL_TIMEPOINT)
            {
              cells[i] = timepoint_of (widget, field);
              if (!is_timepoint (field, cells[i]))
                all_values = FALSE;
              continue;
            }
          cells[i] = gtk_editable_get_text (GTK_EDITABLE (widget));
          if (i == CFD_VITALS_CELL_TIME
              || (i == CFD_VITALS_CELL_RESPIRATORY_RATE && cells[i][0] == '\0'))
            continue;
          if (!parse_cell (cells[i], &numbers[i]))
            all_values = FALSE;
        }
      has_rr = cells[CFD_VITALS_CELL_RESPIRATORY_RATE][0] != '\0';
      /* "2:30 PM" is stored 14:30; a time that does not read, as typed. */
      time = cfd_time_input_parse (cells[CFD_VITALS_CELL_TIME], "", NULL);
      g_variant_builder_add (&typed, "(sssssss)", cells[0], cells[1], cells[2], cells[3], cells[4],
                             cells[5], cells[6]);
      g_variant_builder_add (
          &values, "(ssqqqqmq)", time != NULL ? time : cells[CFD_VITALS_CELL_TIME],
          cells[CFD_VITALS_CELL_TIMEPOINT], numbers[CFD_VITALS_CELL_SYSTOLIC],
          numbers[CFD_VITALS_CELL_DIASTOLIC], numbers[CFD_VITALS_CELL_HEART_RATE],
          numbers[CFD_VITALS_CELL_SPO2], has_rr, numbers[CFD_VITALS_CELL_RESPIRATORY_RATE]);
      any = TRUE;
    }
  if (!any)
    return NULL;
  return all_values ? g_variant_builder_end (&values) : g_variant_builder_end (&typed);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, row);
}

/* ---- sedation ratings: time, timepoint, MOAA/S, CADSS, BPRS+; each rating optional ---- */

/* Two lines like a reading, so that a row fits a 360 px window: its time,
 * timepoint and remove button, then each number under a caption that
 * gives the scale's range. The cells, in CFD_SEDATION_CELL_* order, are
 * kept on the row's box as "cells", as for readings. */
static void
add_rating (CfdRecordForm *self, GtkListBox *list, const char *const *cells)
{
  const CfdTemplateField *field = g_object_get_data (G_OBJECT (list), "field");
  GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *when = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *numbers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GPtrArray *widgets = g_ptr_array_new ();
  const char *labels[CFD_SEDATION_N_CELLS]
      = { _ ("Time of rating"), NULL, _ ("MOAA/S (0 to 5)"), _ ("CADSS total (0 to 92)"),
          _ ("BPRS+ total (4 to 28)") };
  /* Translators: short column captions over a row of sedation ratings */
  const char *captions[CFD_SEDATION_N_CELLS]
      = { NULL, NULL, _ ("MOAA/S 0–5"), _ ("CADSS 0–92"), _ ("BPRS+ 4–28") };

  gtk_widget_set_margin_top (row_box, 6);
  gtk_widget_set_margin_bottom (row_box, 6);
  gtk_widget_set_margin_start (row_box, 6);
  gtk_widget_set_margin_end (row_box, 6);
  for (int i = 0; i < CFD_SEDATION_N_CELLS; i++)
    {
      const char *text = cells != NULL ? cells[i] : "";
      GtkWidget *column, *caption, *widget;

      if (i == CFD_SEDATION_CELL_TIMEPOINT)
        {
          self->loading++;
          widget = timepoint_new (self, field, text, _ ("Timepoint of rating"));
          self->loading--;
          gtk_widget_set_sensitive (widget, self->editable);
          gtk_box_append (GTK_BOX (when), widget);
          g_ptr_array_add (widgets, widget);
          continue;
        }
      widget = entry_new (self, i == CFD_SEDATION_CELL_TIME ? _ ("HH:MM") : "",
                          i == CFD_SEDATION_CELL_TIME ? 5 : 3, labels[i]);
      self->loading++;
      gtk_editable_set_text (GTK_EDITABLE (widget), text);
      self->loading--;
      gtk_editable_set_editable (GTK_EDITABLE (widget), self->editable);
      g_ptr_array_add (widgets, widget);
      if (i == CFD_SEDATION_CELL_TIME)
        {
          gtk_box_append (GTK_BOX (when), widget);
          continue;
        }
      gtk_entry_set_input_purpose (GTK_ENTRY (widget), GTK_INPUT_PURPOSE_DIGITS);
      column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      caption = gtk_label_new (captions[i]);
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_box_append (GTK_BOX (column), caption);
      gtk_box_append (GTK_BOX (column), widget);
      gtk_box_append (GTK_BOX (numbers), column);
    }
  gtk_widget_set_tooltip_text (remove, _ ("Remove Rating"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Remove rating"), -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_sensitive (remove, self->editable);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_reading), self);
  gtk_box_append (GTK_BOX (when), remove);
  gtk_box_append (GTK_BOX (row_box), when);
  gtk_box_append (GTK_BOX (row_box), numbers);
  g_object_set_data_full (G_OBJECT (row_box), "cells", widgets, (GDestroyNotify)g_ptr_array_unref);
  gtk_list_box_append (list, row_box);
}

GtkWidget *
cfd_record_form_rating_cell (GtkWidget *ratings, guint row_index, guint cell)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (ratings), (int)row_index);
  GPtrArray *widgets;

  g_return_val_if_fail (cell < CFD_SEDATION_N_CELLS, NULL);
  if (row == NULL)
    return NULL;
  widgets = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "cells");
  return g_ptr_array_index (widgets, cell);
}

static void
add_rating_clicked (GtkButton *button, gpointer user_data)
{
  CfdRecordForm *self = user_data;
  GtkListBox *list = g_object_get_data (G_OBJECT (button), "list");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  /* The time is filled in; the ratings start blank, never at 0. */
  const char *cells[CFD_SEDATION_N_CELLS] = { time, "", "", "", "" };

  add_rating (self, list, cells);
  emit_changed (self);
}

/* Rows as values when every filled cell is a whole number (a blank one
 * is "not rated then") and every timepoint a choice, else every cell as
 * typed: a half-typed row is kept as it is. Ranges, the row's time and
 * its timepoint against the dose time are checked at signing. */
static GVariant *
sedation_value (GtkListBox *list)
{
  const CfdTemplateField *field = g_object_get_data (G_OBJECT (list), "field");
  g_auto (GVariantBuilder) values
      = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  g_auto (GVariantBuilder) typed
      = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPED_TYPE));
  gboolean any = FALSE, all_values = TRUE;

  for (guint r = 0; gtk_list_box_get_row_at_index (list, (int)r) != NULL; r++)
    {
      const char *cells[CFD_SEDATION_N_CELLS];
      guint16 numbers[CFD_SEDATION_N_CELLS] = { 0 };
      gboolean has[CFD_SEDATION_N_CELLS] = { FALSE };
      g_autofree char *time = NULL;

      for (guint i = 0; i < CFD_SEDATION_N_CELLS; i++)
        {
          GtkWidget *widget = cfd_record_form_rating_cell (GTK_WIDGET (list), r, i);

          if (i == CFD_SEDATION_CELL_TIMEPOINT)
            {
              cells[i] = timepoint_of (widget, field);
              if (!is_timepoint (field, cells[i]))
                all_values = FALSE;
              continue;
            }
          cells[i] = gtk_editable_get_text (GTK_EDITABLE (widget));
          if (i == CFD_SEDATION_CELL_TIME || cells[i][0] == '\0')
            continue;
          has[i] = parse_cell (cells[i], &numbers[i]);
          if (!has[i])
            all_values = FALSE;
        }
      time = cfd_time_input_parse (cells[CFD_SEDATION_CELL_TIME], "", NULL);
      g_variant_builder_add (&typed, "(sssss)", cells[0], cells[1], cells[2], cells[3], cells[4]);
      g_variant_builder_add (&values, "(ssmqmqmq)",
                             time != NULL ? time : cells[CFD_SEDATION_CELL_TIME],
                             cells[CFD_SEDATION_CELL_TIMEPOINT], has[CFD_SEDATION_CELL_MOAAS],
                             numbers[CFD_SEDATION_CELL_MOAAS], has[CFD_SEDATION_CELL_CADSS],
                             numbers[CFD_SEDATION_CELL_CADSS], has[CFD_SEDATION_CELL_BPRS],
                             numbers[CFD_SEDATION_CELL_BPRS]);
      any = TRUE;
    }
  if (!any)
    return NULL;
  return all_values ? g_variant_builder_end (&values) : g_variant_builder_end (&typed);
}

static void set_sedation (CfdRecordForm *self, GtkListBox *list, GVariant *value);

/* Readings signed before records v2 come without timepoint and
 * respiratory rate: those cells start blank. */
static void
set_vitals (CfdRecordForm *self, GtkListBox *list, GVariant *value)
{
  g_autoptr (GPtrArray) rows = NULL;

  clear_list (list);
  rows = cfd_vitals_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    add_reading (self, list, (const char *const *)g_ptr_array_index (rows, i));
}

static void
set_sedation (CfdRecordForm *self, GtkListBox *list, GVariant *value)
{
  g_autoptr (GPtrArray) rows = NULL;

  clear_list (list);
  rows = cfd_sedation_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    add_rating (self, list, (const char *const *)g_ptr_array_index (rows, i));
}

/* ---- yes/no: not assessed, yes, no ---- */

static void
answer_toggled (GtkToggleButton *button, CfdRecordForm *self)
{
  /* The group's other button untoggles too: one change, not two. */
  if (gtk_toggle_button_get_active (button))
    emit_changed (self);
}

static GtkWidget *
answers_new (CfdRecordForm *self, FieldBinding *binding)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  const char *labels[N_ANSWERS] = { _ ("Not assessed"), _ ("Yes"), _ ("No") };
  const char *suffixes[N_ANSWERS] = { "unset", "yes", "no" };
  GtkWidget *first = NULL;

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  binding->checks = g_ptr_array_new ();
  for (int i = 0; i < N_ANSWERS; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (labels[i]);
      g_autofree char *name = g_strdup_printf ("field-%s-%s", binding->field->id, suffixes[i]);

      gtk_widget_set_name (button, name);
      if (first != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (first));
      else
        first = button;
      g_signal_connect (button, "toggled", G_CALLBACK (answer_toggled), self);
      g_ptr_array_add (binding->checks, button);
      gtk_box_append (GTK_BOX (box), button);
    }
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (first), TRUE);
  return box;
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
      /* "— (needs the values it is computed from)" must fit 360 px. */
      gtk_label_set_wrap (GTK_LABEL (control), TRUE);
      gtk_label_set_selectable (GTK_LABEL (control), TRUE);
      gtk_widget_add_css_class (control, "title-4");
      gtk_widget_add_css_class (control, "numeric");
      gtk_box_append (GTK_BOX (field_box), control);
      return control;
    }

  switch (field->type)
    {
      case CFD_FIELD_TEXT:
        control = entry_new (self, NULL, 0, NULL);
        break;
      case CFD_FIELD_DATE:
        {
          /* Typed the locale's way or as ISO, or picked on a calendar. */
          g_autofree char *hint = cfd_date_input_hint ();
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

          control = entry_new (self, hint, 12, NULL);
          gtk_box_append (GTK_BOX (row), control);
          gtk_box_append (GTK_BOX (row),
                          cfd_date_input_button_new (GTK_EDITABLE (control), field->label));
          gtk_widget_set_halign (row, GTK_ALIGN_START);
          gtk_box_append (GTK_BOX (field_box), row);
          return control;
        }
      case CFD_FIELD_TIME:
        control = entry_new (self, _ ("HH:MM"), 9, NULL);
        gtk_widget_set_halign (control, GTK_ALIGN_START);
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
        /* An entry, not a spin button: it starts blank, can be cleared,
         * and keeps what is being typed. */
        control = entry_new (self, NULL, 10, NULL);
        gtk_entry_set_input_purpose (GTK_ENTRY (control), field->type == CFD_FIELD_INTEGER
                                                              ? GTK_INPUT_PURPOSE_DIGITS
                                                              : GTK_INPUT_PURPOSE_NUMBER);
        gtk_widget_set_halign (control, GTK_ALIGN_START);
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
        control = answers_new (self, binding);
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

      case CFD_FIELD_SEDATION:
      case CFD_FIELD_VITALS:
        {
          gboolean vitals = field->type == CFD_FIELD_VITALS;
          GtkWidget *add = gtk_button_new ();
          GtkWidget *content = adw_button_content_new ();

          control = gtk_list_box_new ();
          g_object_set_data (G_OBJECT (control), "field", (gpointer)field);
          gtk_list_box_set_selection_mode (GTK_LIST_BOX (control), GTK_SELECTION_NONE);
          gtk_widget_add_css_class (control, "boxed-list");
          gtk_box_append (GTK_BOX (field_box), control);
          adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
          adw_button_content_set_label (ADW_BUTTON_CONTENT (content),
                                        vitals ? _ ("Add Reading") : _ ("Add Rating"));
          gtk_button_set_child (GTK_BUTTON (add), content);
          gtk_widget_set_halign (add, GTK_ALIGN_START);
          g_object_set_data (G_OBJECT (add), "list", control);
          g_signal_connect (
              add, "clicked",
              vitals ? G_CALLBACK (add_reading_clicked) : G_CALLBACK (add_rating_clicked), self);
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
  self->n_problems = 0;
  if (tmpl == NULL)
    return;

  self->loading++;
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      FieldBinding *binding = g_new0 (FieldBinding, 1);
      GtkWidget *field_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      g_autofree char *title
          = field->required ? g_strdup_printf ("%s *", field->label) : g_strdup (field->label);
      GtkWidget *label = gtk_label_new (title);
      g_autofree char *name = g_strdup_printf ("field-%s", field->id);
      g_autofree char *problem_name = g_strdup_printf ("problem-%s", field->id);

      binding->field = field;
      binding->box = field_box;
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
      /* The field's problem sits right under it, in words. */
      binding->problem = gtk_label_new (NULL);
      gtk_widget_set_name (binding->problem, problem_name);
      gtk_label_set_xalign (GTK_LABEL (binding->problem), 0);
      gtk_label_set_wrap (GTK_LABEL (binding->problem), TRUE);
      gtk_widget_add_css_class (binding->problem, "caption");
      gtk_widget_add_css_class (binding->problem, "field-problem");
      gtk_widget_set_visible (binding->problem, FALSE);
      gtk_box_append (GTK_BOX (field_box), binding->problem);
      /* Named so that tests and assistive technology can find each field. */
      gtk_widget_set_name (binding->control, name);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (binding->control),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (binding->control),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, binding->problem, NULL,
                                      -1);
      g_ptr_array_add (self->bindings, binding);
      gtk_box_append (GTK_BOX (self->box), field_box);
    }
  self->loading--;
  cfd_record_form_set_editable (self, self->editable);
  update_derived (self);
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
        gtk_editable_set_text (GTK_EDITABLE (binding->control),
                               value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                   ? g_variant_get_string (value, NULL)
                                   : "");
        break;
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        {
          /* Stored ISO, shown the locale's way; a draft's half-typed text
           * is shown as it was typed. */
          const char *stored = value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                   ? g_variant_get_string (value, NULL)
                                   : "";
          g_autofree char *shown = field->type == CFD_FIELD_DATE ? cfd_date_input_format (stored)
                                                                 : cfd_time_input_format (stored);

          gtk_editable_set_text (GTK_EDITABLE (binding->control), shown);
          break;
        }
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
        {
          g_autofree char *text = number_text (value);

          gtk_editable_set_text (GTK_EDITABLE (binding->control), text);
          break;
        }
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
        {
          guint answer = ANSWER_UNSET;

          if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            answer = g_variant_get_boolean (value) ? ANSWER_YES : ANSWER_NO;
          gtk_toggle_button_set_active (g_ptr_array_index (binding->checks, answer), TRUE);
          break;
        }
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
        set_vitals (self, GTK_LIST_BOX (binding->control), value);
        break;
      case CFD_FIELD_SEDATION:
        set_sedation (self, GTK_LIST_BOX (binding->control), value);
        break;
    }
}

void
cfd_record_form_set_content (CfdRecordForm *self, GVariant *content)
{
  g_return_if_fail (CFD_IS_RECORD_FORM (self));

  g_clear_pointer (&self->stored, g_variant_unref);
  if (content != NULL)
    self->stored = g_variant_ref_sink (content);
  self->loading++;
  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      g_autoptr (GVariant) value = NULL;

      if (content != NULL)
        value = g_variant_lookup_value (content, binding->field->id, NULL);
      set_binding (self, binding, value);
    }
  self->loading--;
  update_derived (self);
}

static GVariant *
binding_value (FieldBinding *binding)
{
  const CfdTemplateField *field = binding->field;

  switch (field->type)
    {
      case CFD_FIELD_TEXT:
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (binding->control));

          return text[0] != '\0' ? g_variant_new_string (text) : NULL;
        }
      case CFD_FIELD_DATE:
      case CFD_FIELD_TIME:
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (binding->control));
          g_autofree char *iso = field->type == CFD_FIELD_DATE
                                     ? cfd_date_input_parse (text, field->label, NULL)
                                     : cfd_time_input_parse (text, field->label, NULL);

          /* A date or time that reads is stored ISO; a half-written one is
           * kept exactly as typed, and signing asks. */
          if (iso != NULL)
            return g_variant_new_string (iso);
          return text[0] != '\0' ? g_variant_new_string (text) : NULL;
        }
      case CFD_FIELD_LONG_TEXT:
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (binding->control));
          GtkTextIter start, end;
          g_autofree char *text = NULL;

          gtk_text_buffer_get_bounds (buffer, &start, &end);
          text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
          return text[0] != '\0' ? g_variant_new_string (text) : NULL;
        }
      case CFD_FIELD_INTEGER:
      case CFD_FIELD_NUMBER:
        return typed_number (field, gtk_editable_get_text (GTK_EDITABLE (binding->control)));
      case CFD_FIELD_CHOICE:
        {
          guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (binding->control));

          if (selected > 0 && selected != GTK_INVALID_LIST_POSITION)
            return g_variant_new_string (field->choices[selected - 1]);
          return NULL;
        }
      case CFD_FIELD_BOOLEAN:
        if (gtk_toggle_button_get_active (g_ptr_array_index (binding->checks, ANSWER_YES)))
          return g_variant_new_boolean (TRUE);
        if (gtk_toggle_button_get_active (g_ptr_array_index (binding->checks, ANSWER_NO)))
          return g_variant_new_boolean (FALSE);
        return NULL; /* not assessed: no answer is stored */
      case CFD_FIELD_CHECKLIST:
        {
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();

          for (guint j = 0; j < binding->checks->len; j++)
            if (gtk_check_button_get_active (g_ptr_array_index (binding->checks, j)))
              g_ptr_array_add (ids, field->choices[j]);
          if (ids->len > 0)
            return g_variant_new_strv ((const char *const *)ids->pdata, ids->len);
          return NULL;
        }
      case CFD_FIELD_VITALS:
        return vitals_value (GTK_LIST_BOX (binding->control));
      case CFD_FIELD_SEDATION:
        return sedation_value (GTK_LIST_BOX (binding->control));
      default:
        return NULL;
    }
}

GVariant *
cfd_record_form_get_content (CfdRecordForm *self)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_return_val_if_fail (CFD_IS_RECORD_FORM (self), NULL);

  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      GVariant *value;

      if (binding->field->computed)
        continue; /* core fills it in when the record is saved */
      value = binding_value (binding);
      if (value != NULL)
        g_variant_builder_add (&builder, "{sv}", binding->field->id, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

guint
cfd_record_form_count_problems (CfdRecordForm *self)
{
  g_return_val_if_fail (CFD_IS_RECORD_FORM (self), 0);
  return self->n_problems;
}

static char *
format_computed (const CfdTemplateField *field, GVariant *value)
{
  if (value != NULL && field->type == CFD_FIELD_CHOICE
      && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *id = g_variant_get_string (value, NULL);

      for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
        if (strcmp (field->choices[i], id) == 0)
          return g_strdup (field->choice_labels[i]);
    }
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    /* Translators: a computed value that cannot be worked out yet */
    return g_strdup (_ ("— (needs the values it is computed from)"));
  if (field->unit != NULL && field->unit[0] != '\0')
    return g_strdup_printf ("%g %s", g_variant_get_double (value), field->unit);
  return g_strdup_printf ("%g", g_variant_get_double (value));
}

static void
show_problem (FieldBinding *binding, const char *text, gboolean blocking)
{
  gtk_label_set_text (GTK_LABEL (binding->problem), text != NULL ? text : "");
  gtk_widget_set_visible (binding->problem, text != NULL);
  if (blocking)
    {
      gtk_widget_add_css_class (binding->problem, "error");
      gtk_widget_remove_css_class (binding->problem, "warning");
    }
  else
    {
      gtk_widget_add_css_class (binding->problem, "warning");
      gtk_widget_remove_css_class (binding->problem, "error");
    }
  if (GTK_IS_ENTRY (binding->control))
    {
      if (text != NULL && blocking)
        gtk_widget_add_css_class (binding->control, "error");
      else
        gtk_widget_remove_css_class (binding->control, "error");
    }
}

/* A date or time that does not read, said in the locale's terms ("write
 * the year with four digits, as in MM/DD/YYYY") rather than core's ISO. */
static char *
typed_date_problem (FieldBinding *binding)
{
  char *problem = NULL;
  g_autofree char *iso = NULL;

  if (binding->field->computed || !GTK_IS_EDITABLE (binding->control))
    return NULL;
  if (binding->field->type == CFD_FIELD_DATE)
    iso = cfd_date_input_parse (gtk_editable_get_text (GTK_EDITABLE (binding->control)),
                                binding->field->label, &problem);
  else if (binding->field->type == CFD_FIELD_TIME)
    iso = cfd_time_input_parse (gtk_editable_get_text (GTK_EDITABLE (binding->control)),
                                binding->field->label, &problem);
  return problem;
}

/* Every computed field shows what core would store for the form as it is
 * now, so the clinician sees mg/kg change as dose or weight is typed; every
 * field shows what would stop it being signed, or what is unusual enough
 * to check, while the draft keeps whatever was typed. */
static void
update_derived (CfdRecordForm *self)
{
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) computed = NULL;
  g_autoptr (GPtrArray) cross = NULL;

  if (self->tmpl == NULL || self->loading)
    return;
  content = cfd_record_form_get_content (self);
  /* A record that cannot be edited shows what was signed, computed values
   * included (a rate typed before it was computed), and no rule of today. */
  if (!self->editable && self->stored != NULL)
    computed = g_variant_ref (self->stored);
  else
    computed = cfd_template_compute_draft (self->tmpl, content);
  cross = self->editable
              ? cfd_template_cross_field_problems_with (self->tmpl, computed, &self->thresholds)
              : g_ptr_array_new ();
  self->n_problems = 0;
  for (guint i = 0; i < self->bindings->len; i++)
    {
      FieldBinding *binding = g_ptr_array_index (self->bindings, i);
      g_autoptr (GVariant) value = NULL;
      g_autofree char *problem = NULL;
      g_autofree char *warning = NULL;

      if (computed != NULL)
        value = g_variant_lookup_value (computed, binding->field->id, NULL);
      /* A field that does not apply (the IV fields on an intranasal dose)
       * is hidden, unless it holds something: then it stays in view with
       * its problem, so that it can be cleared. */
      if (value != NULL && !binding->field->computed)
        gtk_widget_set_visible (binding->box, TRUE);
      else
        gtk_widget_set_visible (binding->box,
                                !binding->field->only_when_set
                                    && cfd_template_field_applies (binding->field, computed));
      if (binding->field->computed)
        {
          g_autofree char *text = format_computed (binding->field, value);

          gtk_label_set_text (GTK_LABEL (binding->control), text);
        }
      problem = typed_date_problem (binding);
      if (problem == NULL)
        problem = cfd_template_field_problem (binding->field, value);
      /* Rules across fields (a reading past a threshold, times out of
       * order) are shown under the field they name; they count towards
       * signing like the field's own problem. */
      for (guint p = 0; problem == NULL && p < cross->len; p++)
        {
          CfdTemplateProblem *other = g_ptr_array_index (cross, p);

          if (strcmp (other->field_id, binding->field->id) == 0)
            problem = g_strdup (other->message);
        }
      if (problem == NULL)
        warning = cfd_template_field_warning (binding->field, value);
      if (problem != NULL)
        self->n_problems++;
      show_problem (binding, problem != NULL ? problem : warning, problem != NULL);
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
  if (GTK_IS_MENU_BUTTON (widget))
    {
      gtk_widget_set_visible (widget, editable); /* a date's calendar */
      return;
    }
  if (GTK_IS_DROP_DOWN (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_BUTTON (widget))
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
  update_derived (self);
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
  g_clear_pointer (&self->stored, g_variant_unref);
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
  self->thresholds = cfd_dosing_default_thresholds;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

CfdRecordForm *
cfd_record_form_new (void)
{
  return g_object_new (CFD_TYPE_RECORD_FORM, NULL);
}
