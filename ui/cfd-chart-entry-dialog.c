/* cfd-chart-entry-dialog.c: the form that adds or edits one entry of a chart list, signed on save.
 *
 * The form is built from a table of each list's fields. Core checks what
 * is stored (cfd_chart_fields_validate) and signs it, as it does for
 * confidant-cli; the form only says in words what core refused. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-chart-entry-dialog.h"

typedef enum
{
  FIELD_TEXT,
  FIELD_CHOICE,  /* a combo whose first row is "Not assessed" */
  FIELD_YES,     /* a check: "yes" or absent */
  FIELD_FLAGS,   /* the medication classes, a check each */
  FIELD_PROBLEM, /* one of the chart's problems, stored by its entry id */
} FieldKind;

typedef struct
{
  const char *key;
  const char *label;
  FieldKind kind;
  const char *const *choices; /* stored words, FIELD_CHOICE */
} FieldDef;

#define MAX_FIELDS 8

static const char *const severities[] = { "mild", "moderate", "severe", "unknown", NULL };
static const char *const severity_labels[]
    = { N_ ("Mild"), N_ ("Moderate"), N_ ("Severe"), N_ ("Unknown"), NULL };
static const char *const responses[]
    = { "none", "partial", "remission", "intolerant", "unknown", NULL };
static const char *const response_labels[]
    = { N_ ("No response"),   N_ ("Partial response"), N_ ("Remission"),
        N_ ("Not tolerated"), N_ ("Unknown"),          NULL };

static const char *const episode_kinds[] = { "first-series", "maintenance", "other", NULL };
static const char *const episode_kind_labels[]
    = { N_ ("First series"), N_ ("Maintenance"), N_ ("Other episode"), NULL };

static const FieldDef list_fields[CFD_CHART_N_LISTS][MAX_FIELDS] = {
  [CFD_CHART_PROBLEM] = {
    { CFD_CHART_CODE, N_ ("ICD-10-CM code"), FIELD_TEXT, NULL },
    { CFD_CHART_TEXT, N_ ("Problem"), FIELD_TEXT, NULL },
    { CFD_CHART_ONSET, N_ ("Onset (YYYY, YYYY-MM or YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
  [CFD_CHART_ALLERGY] = {
    { CFD_CHART_NKDA, N_ ("No known drug allergies"), FIELD_YES, NULL },
    { CFD_CHART_SUBSTANCE, N_ ("Substance"), FIELD_TEXT, NULL },
    { CFD_CHART_REACTION, N_ ("Reaction"), FIELD_TEXT, NULL },
    { CFD_CHART_SEVERITY, N_ ("Severity"), FIELD_CHOICE, severities },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
  [CFD_CHART_MEDICATION] = {
    { CFD_CHART_NAME, N_ ("Medication"), FIELD_TEXT, NULL },
    { CFD_CHART_DOSE, N_ ("Dose"), FIELD_TEXT, NULL },
    { CFD_CHART_FREQUENCY, N_ ("Frequency"), FIELD_TEXT, NULL },
    { CFD_CHART_START, N_ ("Started (YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_STOP, N_ ("Stopped (YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_FLAGS, N_ ("Classes that change a session"), FIELD_FLAGS, NULL },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
  [CFD_CHART_TRIAL] = {
    { CFD_CHART_DRUG, N_ ("Antidepressant"), FIELD_TEXT, NULL },
    { CFD_CHART_DOSE, N_ ("Dose"), FIELD_TEXT, NULL },
    { CFD_CHART_WEEKS, N_ ("Weeks at this dose"), FIELD_TEXT, NULL },
    { CFD_CHART_RESPONSE, N_ ("Response"), FIELD_CHOICE, responses },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
  [CFD_CHART_PLAN] = {
    { CFD_CHART_PLAN_PROBLEM, N_ ("For the problem"), FIELD_PROBLEM, NULL },
    { CFD_CHART_GOAL, N_ ("Goal"), FIELD_TEXT, NULL },
    { CFD_CHART_INTERVENTIONS, N_ ("Interventions"), FIELD_TEXT, NULL },
    { CFD_CHART_FREQUENCY, N_ ("Frequency"), FIELD_TEXT, NULL },
    { CFD_CHART_REVIEW, N_ ("Review date (YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
  [CFD_CHART_EPISODE] = {
    { CFD_CHART_KIND, N_ ("Kind"), FIELD_CHOICE, episode_kinds },
    { CFD_CHART_START, N_ ("Start (YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_PLANNED, N_ ("Planned sessions"), FIELD_TEXT, NULL },
    { CFD_CHART_END, N_ ("End (YYYY-MM-DD)"), FIELD_TEXT, NULL },
    { CFD_CHART_NOTE, N_ ("Note"), FIELD_TEXT, NULL },
  },
};

struct _CfdChartEntryDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id;
  char *item_id; /* NULL: a new entry */
  CfdChartList list;
  GtkWidget *rows[MAX_FIELDS];
  GtkWidget *flag_checks[CFD_MEDICATION_N_FLAGS];
  GtkWidget *error_label;
  GPtrArray *problem_ids; /* the problem combo's entries, in its order after "Not chosen" */
};

G_DEFINE_FINAL_TYPE (CfdChartEntryDialog, cfd_chart_entry_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
list_title (CfdChartList list, gboolean editing)
{
  switch (list)
    {
      case CFD_CHART_PROBLEM:
        return editing ? _ ("Edit Problem") : _ ("New Problem");
      case CFD_CHART_ALLERGY:
        return editing ? _ ("Edit Allergy") : _ ("New Allergy");
      case CFD_CHART_MEDICATION:
        return editing ? _ ("Edit Medication") : _ ("New Medication");
      case CFD_CHART_TRIAL:
        return editing ? _ ("Edit Antidepressant Trial") : _ ("New Antidepressant Trial");
      case CFD_CHART_PLAN:
        return editing ? _ ("Edit Treatment Goal") : _ ("New Treatment Goal");
      default:
        return editing ? _ ("Edit Episode of Care") : _ ("New Episode of Care");
    }
}

/* What one row holds, as the stored text ("" for nothing chosen). */
static char *
row_value (CfdChartEntryDialog *self, guint i)
{
  const FieldDef *def = &list_fields[self->list][i];

  switch (def->kind)
    {
      case FIELD_CHOICE:
        {
          guint chosen = adw_combo_row_get_selected (ADW_COMBO_ROW (self->rows[i]));

          return g_strdup (
              chosen == 0 || chosen == GTK_INVALID_LIST_POSITION ? "" : def->choices[chosen - 1]);
        }
      case FIELD_PROBLEM:
        {
          guint chosen = adw_combo_row_get_selected (ADW_COMBO_ROW (self->rows[i]));

          return g_strdup (chosen == 0 || chosen > self->problem_ids->len
                               ? ""
                               : g_ptr_array_index (self->problem_ids, chosen - 1));
        }
      case FIELD_YES:
        return g_strdup (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->rows[i])) ? "yes"
                                                                                        : "");
      case FIELD_FLAGS:
        {
          CfdMedicationFlags flags = 0;

          for (guint f = 0; f < CFD_MEDICATION_N_FLAGS; f++)
            if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->flag_checks[f])))
              flags |= 1u << f;
          return cfd_medication_flags_to_string (flags);
        }
      default:
        return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rows[i]))));
    }
}

gboolean
cfd_chart_entry_dialog_save (CfdChartEntryDialog *self)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GVariant) fields = NULL;
  g_autoptr (GError) error = NULL;
  gboolean stored;

  g_return_val_if_fail (CFD_IS_CHART_ENTRY_DIALOG (self), FALSE);
  for (guint i = 0; i < MAX_FIELDS && list_fields[self->list][i].key != NULL; i++)
    {
      char *value = row_value (self, i);

      /* A new entry leaves out what is blank; an edit sends it blank, which
       * removes the field from the new revision. */
      if (*value != '\0' || self->item_id != NULL)
        g_variant_builder_add (&builder, "{sv}", list_fields[self->list][i].key,
                               g_variant_new_string (value));
      cfd_wipe_string (value);
    }
  fields = g_variant_ref_sink (g_variant_builder_end (&builder));
  if (self->item_id == NULL)
    {
      g_autofree char *id
          = cfd_vault_add_chart_entry (self->vault, self->patient_id, self->list, fields, &error);

      stored = id != NULL;
    }
  else
    stored
        = cfd_vault_edit_chart_entry (self->vault, self->patient_id, self->item_id, fields, &error);
  if (!stored)
    {
      /* Core's messages name the field, never its value. */
      gtk_label_set_label (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      return FALSE;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
save_clicked (CfdChartEntryDialog *self)
{
  cfd_chart_entry_dialog_save (self);
}

static GtkWidget *
choice_row (const FieldDef *def)
{
  const char *const *labels = def->choices == severities      ? severity_labels
                              : def->choices == episode_kinds ? episode_kind_labels
                                                              : response_labels;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  /* Nothing chosen is "not assessed", never a default answer. */
  gtk_string_list_append (names, _ ("Not assessed"));
  for (guint c = 0; labels[c] != NULL; c++)
    gtk_string_list_append (names, _ (labels[c]));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  return row;
}

/* The chart's active problems, by their line; the goal is stored with the
 * chosen problem's entry id. */
static GtkWidget *
problem_row (CfdChartEntryDialog *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr (GListModel) problems = NULL;
  GtkWidget *row = adw_combo_row_new ();

  gtk_string_list_append (names, _ ("Not chosen"));
  problems = cfd_vault_list_chart (self->vault, self->patient_id, CFD_CHART_PROBLEM, FALSE, NULL);
  for (guint i = 0; problems != NULL && i < g_list_model_get_n_items (problems); i++)
    {
      g_autoptr (CfdChartEntry) problem = g_list_model_get_item (problems, i);
      g_autofree char *line = cfd_chart_entry_describe_translated (problem);

      gtk_string_list_append (names, line);
      g_ptr_array_add (self->problem_ids, g_strdup (cfd_chart_entry_get_item_id (problem)));
      cfd_wipe_string (g_steal_pointer (&line));
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  return row;
}

static GtkWidget *
flags_box (CfdChartEntryDialog *self)
{
  GtkWidget *box = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 3);
  for (guint f = 0; f < CFD_MEDICATION_N_FLAGS; f++)
    {
      self->flag_checks[f] = gtk_check_button_new_with_label (
          _ (cfd_medication_flag_label ((CfdMedicationFlags)(1u << f))));
      gtk_widget_set_name (self->flag_checks[f],
                           cfd_medication_flag_to_string ((CfdMedicationFlags)(1u << f)));
      gtk_flow_box_append (GTK_FLOW_BOX (box), self->flag_checks[f]);
    }
  return box;
}

static void
fill_from (CfdChartEntryDialog *self, CfdChartEntry *entry)
{
  for (guint i = 0; i < MAX_FIELDS && list_fields[self->list][i].key != NULL; i++)
    {
      const FieldDef *def = &list_fields[self->list][i];
      const char *value = cfd_chart_entry_get_field (entry, def->key);

      switch (def->kind)
        {
          case FIELD_CHOICE:
            for (guint c = 0; value != NULL && def->choices[c] != NULL; c++)
              if (g_strcmp0 (value, def->choices[c]) == 0)
                adw_combo_row_set_selected (ADW_COMBO_ROW (self->rows[i]), c + 1);
            break;
          case FIELD_YES:
            gtk_check_button_set_active (GTK_CHECK_BUTTON (self->rows[i]),
                                         g_strcmp0 (value, "yes") == 0);
            break;
          case FIELD_PROBLEM:
            for (guint p = 0; p < self->problem_ids->len; p++)
              if (g_strcmp0 (value, g_ptr_array_index (self->problem_ids, p)) == 0)
                adw_combo_row_set_selected (ADW_COMBO_ROW (self->rows[i]), p + 1);
            break;
          case FIELD_FLAGS:
            {
              CfdMedicationFlags flags = cfd_chart_entry_get_medication_flags (entry);

              for (guint f = 0; f < CFD_MEDICATION_N_FLAGS; f++)
                gtk_check_button_set_active (GTK_CHECK_BUTTON (self->flag_checks[f]),
                                             (flags & (1u << f)) != 0);
            }
            break;
          default:
            gtk_editable_set_text (GTK_EDITABLE (self->rows[i]), value != NULL ? value : "");
            break;
        }
    }
}

static void
build_form (CfdChartEntryDialog *self, gboolean editing)
{
  GtkWidget *view = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (editing ? _ ("_Sign Revision") : _ ("_Sign"));
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();

  gtk_window_set_title (GTK_WINDOW (self), list_title (self->list, editing));
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_set_name (save, "chart_entry_save");
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (view), header);

  for (guint i = 0; i < MAX_FIELDS && list_fields[self->list][i].key != NULL; i++)
    {
      const FieldDef *def = &list_fields[self->list][i];
      GtkWidget *row;

      switch (def->kind)
        {
          case FIELD_CHOICE:
            row = choice_row (def);
            self->rows[i] = row;
            break;
          case FIELD_PROBLEM:
            row = problem_row (self);
            self->rows[i] = row;
            break;
          case FIELD_YES:
            self->rows[i] = gtk_check_button_new ();
            row = adw_action_row_new ();
            gtk_widget_set_valign (self->rows[i], GTK_ALIGN_CENTER);
            adw_action_row_add_prefix (ADW_ACTION_ROW (row), self->rows[i]);
            adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->rows[i]);
            break;
          case FIELD_FLAGS:
            row = adw_preferences_row_new ();
            {
              GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
              GtkWidget *caption = gtk_label_new (_ (def->label));

              gtk_label_set_xalign (GTK_LABEL (caption), 0);
              gtk_widget_add_css_class (caption, "dim-label");
              gtk_widget_set_margin_top (inner, 8);
              gtk_widget_set_margin_bottom (inner, 8);
              gtk_widget_set_margin_start (inner, 12);
              gtk_widget_set_margin_end (inner, 12);
              gtk_box_append (GTK_BOX (inner), caption);
              gtk_box_append (GTK_BOX (inner), flags_box (self));
              gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), inner);
              gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
            }
            self->rows[i] = row;
            break;
          default:
            row = adw_entry_row_new ();
            self->rows[i] = row;
            break;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (def->label));
      {
        /* "field-text", not "text": a GtkText's own node is named that. */
        g_autofree char *name = g_strconcat ("field-", def->key, NULL);

        gtk_widget_set_name (self->rows[i], name);
      }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_name (self->error_label, "chart_entry_error");
  gtk_widget_set_visible (self->error_label, FALSE);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), self->error_label);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (view), scroller);
  adw_window_set_content (ADW_WINDOW (self), view);
}

static gboolean
close_shortcut (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (widget));
  return TRUE;
}

static void
cfd_chart_entry_dialog_dispose (GObject *object)
{
  CfdChartEntryDialog *self = CFD_CHART_ENTRY_DIALOG (object);

  g_clear_object (&self->vault);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->problem_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (cfd_chart_entry_dialog_parent_class)->dispose (object);
}

static void
cfd_chart_entry_dialog_class_init (CfdChartEntryDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cfd_chart_entry_dialog_dispose;
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, close_shortcut, NULL);
}

static void
cfd_chart_entry_dialog_init (CfdChartEntryDialog *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 560);
  self->problem_ids = g_ptr_array_new_with_free_func (g_free);
}

CfdChartEntryDialog *
cfd_chart_entry_dialog_new (GtkWindow *parent,
                            CfdVault *vault,
                            const char *patient_id,
                            CfdChartList list,
                            CfdChartEntry *entry)
{
  CfdChartEntryDialog *self
      = g_object_new (CFD_TYPE_CHART_ENTRY_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  g_return_val_if_fail (entry == NULL || cfd_chart_entry_get_list (entry) == list, self);
  self->vault = g_object_ref (vault);
  self->patient_id = g_strdup (patient_id);
  self->list = list;
  self->item_id = entry != NULL ? g_strdup (cfd_chart_entry_get_item_id (entry)) : NULL;
  build_form (self, entry != NULL);
  if (entry != NULL)
    fill_from (self, entry);
  return self;
}
