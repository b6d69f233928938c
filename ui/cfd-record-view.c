/* cfd-record-view.c: a signed record read as a document: who signed it and when, each answered field under its label, vital signs as a table. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-record-view.h"
#include "cfd-ui-util.h"

/* The editor's form, greyed out, was a poor way to read a signed note:
 * +/- buttons, empty boxes and "0"s for what nobody wrote. This shows
 * only what was recorded, as the exported PDF does, plus "Not assessed"
 * for a yes/no nobody answered (which is an answer of its own). */
struct _CfdRecordView
{
  GtkWidget parent_instance;

  GtkWidget *box;
};

G_DEFINE_FINAL_TYPE (CfdRecordView, cfd_record_view, GTK_TYPE_WIDGET)

static GtkWidget *
text_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = text_label (text, "record-value");

  /* Readers copy a line into a letter or a referral. */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  return label;
}

/* The value as one line or paragraph; NULL when it is not of the field's
 * type (a template of another version), or says nothing. */
static char *
format_value (const CfdTemplateField *field, GVariant *value)
{
  char *text;

  if (field->type == CFD_FIELD_BOOLEAN && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _ ("Yes") : _ ("No"));
  text = cfd_template_field_format (field, value);
  return text != NULL ? g_strstrip (text) : NULL;
}

static GtkWidget *
cell (const char *text, gboolean header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, header ? "heading" : "numeric");
  if (!header)
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  return label;
}

/* One reading a row, under column headers; a narrow window scrolls the
 * table rather than squeezing its numbers. Readings signed before records
 * v2 have no timepoint or respiratory rate: those cells show a dash. */
static GtkWidget *
vitals_table (const CfdTemplateField *field, GVariant *value)
{
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr (GArray) readings = cfd_vitals_readings (value);
  const char *headers[] = { _ ("Time"),       _ ("Timepoint"), _ ("Blood pressure"),
                            _ ("Heart rate"), _ ("SpO₂"),      _ ("Resp. rate") };

  gtk_widget_set_name (grid, "vitals-table");
  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (GTK_GRID (grid), cell (headers[c], TRUE), (int)c, 0, 1, 1);
  for (guint i = 0; i < readings->len; i++)
    {
      const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);
      g_autofree char *pressure = g_strdup_printf (_ ("%u/%u mmHg"), r->systolic, r->diastolic);
      g_autofree char *rate = g_strdup_printf (_ ("%u /min"), r->heart_rate);
      g_autofree char *saturation = g_strdup_printf ("%u %%", r->spo2);
      g_autofree char *breathing = r->has_respiratory_rate
                                       ? g_strdup_printf (_ ("%u /min"), r->respiratory_rate)
                                       : g_strdup ("–");
      const char *timepoint
          = r->timepoint[0] != '\0' ? cfd_template_field_choice_label (field, r->timepoint) : "–";
      const char *cells[] = { r->time, timepoint, pressure, rate, saturation, breathing };

      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        gtk_grid_attach (GTK_GRID (grid), cell (cells[c], FALSE), (int)c, (int)i + 1, 1, 1);
    }
  return grid;
}

/* One row per rating time; a scale not rated then, or a row without a
 * timepoint, is a dash, not 0. */
static GtkWidget *
sedation_table (const CfdTemplateField *field, GVariant *value)
{
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr (GPtrArray) rows = cfd_sedation_typed_cells (value);
  const char *headers[]
      = { _ ("Time"), _ ("Timepoint"), _ ("MOAA/S (0–5)"), _ ("CADSS (0–92)"), _ ("BPRS+ (4–28)") };

  gtk_widget_set_name (grid, "sedation-table");
  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (GTK_GRID (grid), cell (headers[c], TRUE), (int)c, 0, 1, 1);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      for (guint c = 0; c < CFD_SEDATION_N_CELLS; c++)
        {
          const char *text = cells[c][0] == '\0' ? "–"
                             : c == CFD_SEDATION_CELL_TIMEPOINT
                                 ? cfd_template_field_choice_label (field, cells[c])
                                 : cells[c];

          gtk_grid_attach (GTK_GRID (grid), cell (text, FALSE), (int)c, (int)i + 1, 1, 1);
        }
    }
  return grid;
}

static void
add_field (CfdRecordView *self, const CfdTemplateField *field, GtkWidget *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = text_label (field->label, "heading");

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), value);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_box_append (GTK_BOX (self->box), box);
}

static char *
signer_line (CfdVault *vault, CfdRecord *record)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);
  g_autofree char *when = cfd_ui_format_date_time (cfd_record_get_signed_at (record));
  const char *name = NULL;
  g_autofree char *fingerprint = NULL;

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, cfd_record_get_author_id (record)) == 0)
        name = user->name;
    }
  /* The vault hands out a signed record only after checking its
   * signature against the author's key in the signed roster; the
   * fingerprint is of that key, as on the author's card. */
  fingerprint = cfd_vault_dup_user_fingerprint (vault, cfd_record_get_author_id (record), NULL);
  if (name != NULL && fingerprint != NULL)
    /* Translators: signer, date, key fingerprint */
    return g_strdup_printf (_ ("Signed by %s on %s · signature verified\nKey %s"), name,
                            g_strstrip (when), fingerprint);
  if (name != NULL)
    return g_strdup_printf (_ ("Signed by %s on %s · signature verified"), name, g_strstrip (when));
  return g_strdup_printf (_ ("Signed on %s · signature verified"), g_strstrip (when));
}

void
cfd_record_view_clear (CfdRecordView *self)
{
  GtkWidget *child;

  g_return_if_fail (CFD_IS_RECORD_VIEW (self));
  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
}

void
cfd_record_view_show (CfdRecordView *self, CfdVault *vault, CfdRecord *record)
{
  const CfdTemplate *tmpl;
  GVariant *content;
  g_autofree char *signer = NULL;
  g_autofree char *date = NULL;
  g_autofree char *dated = NULL;
  GtkWidget *line;

  g_return_if_fail (CFD_IS_RECORD_VIEW (self));
  g_return_if_fail (CFD_IS_RECORD (record));

  cfd_record_view_clear (self);
  tmpl = cfd_template_get (cfd_record_get_kind (record));
  content = cfd_record_get_content (record); /* transfer none */

  gtk_box_append (GTK_BOX (self->box),
                  text_label (cfd_ui_kind_title (cfd_record_get_kind (record)), "title-2"));
  date = cfd_ui_format_date (cfd_record_get_occurred (record));
  dated = g_strdup_printf (_ ("Session date: %s"), date);
  gtk_box_append (GTK_BOX (self->box), text_label (dated, NULL));
  signer = signer_line (vault, record);
  line = text_label (signer, "dim-label");
  gtk_widget_set_name (line, "signer-line");
  gtk_box_append (GTK_BOX (self->box), line);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  for (guint i = 0; tmpl != NULL && i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);
      g_autofree char *text = NULL;

      if (value == NULL)
        {
          /* Not answered: nothing to read, except a yes/no question the
           * record asks, where "not assessed" is the record's answer; one
           * hidden by its ShownWhen rule was never asked. */
          if (field->type == CFD_FIELD_BOOLEAN && cfd_template_field_applies (field, content))
            add_field (self, field, value_label (_ ("Not assessed")));
          continue;
        }
      if (field->type == CFD_FIELD_VITALS)
        {
          if (cfd_vitals_is_readings (value) && g_variant_n_children (value) > 0)
            add_field (self, field, vitals_table (field, value));
          continue;
        }
      if (field->type == CFD_FIELD_SEDATION)
        {
          if (cfd_sedation_is_ratings (value) && g_variant_n_children (value) > 0)
            add_field (self, field, sedation_table (field, value));
          continue;
        }
      text = format_value (field, value);
      if (text == NULL)
        add_field (self, field, value_label (_ ("(a value this version cannot show)")));
      else if (text[0] != '\0')
        add_field (self, field, value_label (text));
      cfd_wipe_string (g_steal_pointer (&text));
    }
}

static void
cfd_record_view_dispose (GObject *object)
{
  CfdRecordView *self = CFD_RECORD_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (cfd_record_view_parent_class)->dispose (object);
}

static void
cfd_record_view_class_init (CfdRecordViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_record_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cfd_record_view_init (CfdRecordView *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}
