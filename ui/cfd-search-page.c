/* cfd-search-page.c: search across every note: results by patient and record, with snippets. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-search-page.h"
#include "cfd-ui-util.h"

struct _CfdSearchPage
{
  GtkWidget parent_instance;

  CfdVault *vault;
  GListModel *results;

  GtkSearchEntry *entry;
  GtkStack *stack;
  GtkListBox *result_list;
  AdwStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (CfdSearchPage, cfd_search_page, GTK_TYPE_WIDGET)

enum
{
  OPEN_RECORD,
  OPEN_PATIENT,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
drop_results (CfdSearchPage *self)
{
  gtk_list_box_bind_model (self->result_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->results);
}

void
cfd_search_page_clear (CfdSearchPage *self)
{
  g_return_if_fail (CFD_IS_SEARCH_PAGE (self));

  drop_results (self);
  g_clear_object (&self->vault);
  g_signal_handlers_block_matched (self->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  g_signal_handlers_unblock_matched (self->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_stack_set_visible_child_name (self->stack, "start");
}

void
cfd_search_page_set_vault (CfdSearchPage *self, CfdVault *vault)
{
  g_return_if_fail (CFD_IS_SEARCH_PAGE (self));
  g_set_object (&self->vault, vault);
}

void
cfd_search_page_focus (CfdSearchPage *self)
{
  g_return_if_fail (CFD_IS_SEARCH_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  CfdSearchHit *hit = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (cfd_ui_kind_icon (cfd_search_hit_get_kind (hit)));
  g_autofree char *date = cfd_ui_format_date (cfd_search_hit_get_occurred (hit));
  g_autofree char *title
      = g_strdup_printf ("%s · %s", cfd_ui_kind_title (cfd_search_hit_get_kind (hit)), date);
  const char *snippet = cfd_search_hit_get_snippet (hit);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), snippet != NULL ? snippet : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hit", g_object_ref (hit), g_object_unref);
  return row;
}

/* Results come grouped by patient: a heading above each patient's first hit. */
static void
update_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  CfdSearchHit *hit = g_object_get_data (G_OBJECT (row), "hit");
  CfdSearchHit *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "hit") : NULL;
  GtkWidget *header;

  if (previous != NULL
      && g_strcmp0 (cfd_search_hit_get_patient_id (hit), cfd_search_hit_get_patient_id (previous))
             == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (cfd_search_hit_get_patient_name (hit));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "search-patient");
  gtk_list_box_row_set_header (row, header);
}

static void
search_changed (CfdSearchPage *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) results = NULL;
  g_autoptr (GListStore) sorted = NULL;
  g_autofree gboolean *taken = NULL;
  guint n;

  drop_results (self);
  if (self->vault == NULL || query[0] == '\0')
    {
      gtk_stack_set_visible_child_name (self->stack, "start");
      return;
    }

  results = cfd_vault_search (self->vault, query, &error);
  if (results == NULL)
    {
      adw_status_page_set_title (self->empty_page, _ ("Search Failed"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* Stable grouping by patient, keeping core's order within a patient. */
  n = g_list_model_get_n_items (results);
  taken = g_new0 (gboolean, n);
  sorted = g_list_store_new (CFD_TYPE_SEARCH_HIT);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdSearchHit) hit = NULL;

      if (taken[i])
        continue;
      hit = g_list_model_get_item (results, i);
      for (guint j = i; j < n; j++)
        {
          g_autoptr (CfdSearchHit) other = g_list_model_get_item (results, j);

          if (!taken[j]
              && g_strcmp0 (cfd_search_hit_get_patient_id (hit),
                            cfd_search_hit_get_patient_id (other))
                     == 0)
            {
              g_list_store_append (sorted, other);
              taken[j] = TRUE;
            }
        }
    }

  if (n == 0)
    {
      adw_status_page_set_title (self->empty_page, _ ("No Results"));
      adw_status_page_set_description (self->empty_page,
                                       _ ("No note contains these words. Try fewer or shorter "
                                          "words."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->results = G_LIST_MODEL (g_steal_pointer (&sorted));
  gtk_list_box_bind_model (self->result_list, self->results, create_row, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
open_hit (CfdSearchPage *self, CfdSearchHit *hit)
{
  g_autofree char *patient_id = g_strdup (cfd_search_hit_get_patient_id (hit));
  g_autofree char *record_id = g_strdup (cfd_search_hit_get_record_id (hit));

  g_signal_emit (self, signals[OPEN_PATIENT], 0, patient_id);
  g_signal_emit (self, signals[OPEN_RECORD], 0, record_id);
}

static void
row_activated (CfdSearchPage *self, GtkListBoxRow *row)
{
  CfdSearchHit *hit = g_object_get_data (G_OBJECT (row), "hit");

  if (hit != NULL)
    open_hit (self, hit);
}

static void
entry_activated (CfdSearchPage *self)
{
  g_autoptr (CfdSearchHit) hit = NULL;

  /* Enter opens the first result, as in most search boxes. */
  if (self->results == NULL || g_list_model_get_n_items (self->results) == 0)
    return;
  hit = g_list_model_get_item (self->results, 0);
  open_hit (self, hit);
}

static void
stop_search (CfdSearchPage *self)
{
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
close_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  stop_search (CFD_SEARCH_PAGE (widget));
}

static void
cfd_search_page_dispose (GObject *object)
{
  CfdSearchPage *self = CFD_SEARCH_PAGE (object);

  drop_results (self);
  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_SEARCH_PAGE);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_search_page_parent_class)->dispose (object);
}

static void
cfd_search_page_class_init (CfdSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_search_page_dispose;

  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[OPEN_PATIENT]
      = g_signal_new ("open-patient", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdSearchPage, entry);
  gtk_widget_class_bind_template_child (widget_class, CfdSearchPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CfdSearchPage, result_list);
  gtk_widget_class_bind_template_child (widget_class, CfdSearchPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, stop_search);

  gtk_widget_class_install_action (widget_class, "search.close", NULL, close_action);
}

static void
cfd_search_page_init (CfdSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_header_func (self->result_list, update_header, NULL, NULL);
}
