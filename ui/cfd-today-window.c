/* cfd-today-window.c: Today: what needs attention across every patient (the worklist). */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-today-window.h"
#include "cfd-ui-util.h"

struct _CfdTodayWindow
{
  AdwWindow parent_instance;

  CfdVault *vault;
  GListModel *items;

  GtkStack *stack;
  AdwPreferencesPage *page;
};

G_DEFINE_FINAL_TYPE (CfdTodayWindow, cfd_today_window, ADW_TYPE_WINDOW)

enum
{
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One group per kind, in the worklist's order. */
static const struct
{
  CfdWorklistKind kind;
  const char *title;
  const char *description;
} groups[] = {
  { CFD_WORKLIST_OPEN_RISK_FLAG, N_ ("Open Risk Flags"),
    N_ ("Raised and not yet resolved: review them from the patient's page.") },
  { CFD_WORKLIST_NEXT_SESSION_PAST, N_ ("Sessions Past Their Date"),
    N_ ("The next session given in the latest note has passed, with no signed record since.") },
  { CFD_WORKLIST_STALE_DRAFT, N_ ("Drafts to Finish"),
    N_ ("Your drafts not saved for longer than the practice's draft age.") },
  { CFD_WORKLIST_REMS_FORM_DUE, N_ ("REMS Forms Due"),
    N_ ("Esketamine sessions whose Patient Monitoring Form is not recorded as submitted: due "
        "within 7 days of the session.") },
  { CFD_WORKLIST_MEASURE_DUE, N_ ("Measures Due"),
    N_ ("Asked for by the patient's measure schedule.") },
};

static char *
format_day (gint64 seconds)
{
  return seconds != 0 ? cfd_date_format (seconds) : g_strdup (_ ("before its history was kept"));
}

static char *
item_subtitle (CfdWorklistItem *item)
{
  g_autofree char *day = format_day (cfd_worklist_item_get_since (item));

  switch (cfd_worklist_item_get_kind (item))
    {
      case CFD_WORKLIST_OPEN_RISK_FLAG:
        return g_strdup_printf (_ ("Raised %s"), day);
      case CFD_WORKLIST_NEXT_SESSION_PAST:
        return g_strdup_printf (_ ("Next session was due %s"), day);
      case CFD_WORKLIST_STALE_DRAFT:
        return g_strdup_printf (_ ("%s draft, last saved %s"),
                                cfd_worklist_item_get_record_kind (item), day);
      case CFD_WORKLIST_REMS_FORM_DUE:
        {
          g_autofree char *due = cfd_date_format (cfd_worklist_item_get_due (item));

          return cfd_worklist_item_get_overdue (item)
                     ? g_strdup_printf (_ ("Session %s · overdue, was due %s"), day, due)
                     : g_strdup_printf (_ ("Session %s · due by %s"), day, due);
        }
      case CFD_WORKLIST_MEASURE_DUE:
        {
          const char *reason = cfd_worklist_item_get_reason (item);

          /* The reason starts a sentence here. */
          return g_strdup_printf ("%c%s", g_ascii_toupper (reason[0]), reason + 1);
        }
    }
  g_return_val_if_reached (NULL);
}

static void
row_activated (CfdTodayWindow *self, AdwActionRow *row)
{
  CfdWorklistItem *item = g_object_get_data (G_OBJECT (row), "item");

  g_signal_emit (self, signals[OPEN], 0, cfd_worklist_item_get_patient_id (item),
                 cfd_worklist_item_get_kind (item) == CFD_WORKLIST_STALE_DRAFT
                         || cfd_worklist_item_get_kind (item) == CFD_WORKLIST_REMS_FORM_DUE
                     ? cfd_worklist_item_get_record_id (item)
                     : NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
fill (CfdTodayWindow *self)
{
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      AdwPreferencesGroup *group = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (self->items); i++)
        {
          g_autoptr (CfdWorklistItem) item = g_list_model_get_item (self->items, i);
          g_autofree char *subtitle = NULL;
          GtkWidget *row;

          if (cfd_worklist_item_get_kind (item) != groups[g].kind)
            continue;
          if (group == NULL)
            {
              group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
              adw_preferences_group_set_title (group, _ (groups[g].title));
              if (groups[g].description != NULL)
                adw_preferences_group_set_description (group, _ (groups[g].description));
              adw_preferences_page_add (self->page, group);
            }
          subtitle = item_subtitle (item);
          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         cfd_worklist_item_get_patient_name (item));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          if (cfd_worklist_item_get_overdue (item))
            gtk_widget_add_css_class (row, "error");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (item), g_object_unref);
          g_signal_connect_object (row, "activated", G_CALLBACK (row_activated), self,
                                   G_CONNECT_SWAPPED);
          adw_preferences_group_add (group, row);
        }
    }
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (self->items) > 0 ? "items" : "empty");
}

guint
cfd_today_window_get_n_items (CfdTodayWindow *self)
{
  g_return_val_if_fail (CFD_IS_TODAY_WINDOW (self), 0);
  return self->items != NULL ? g_list_model_get_n_items (self->items) : 0;
}

CfdTodayWindow *
cfd_today_window_new (GtkWindow *parent, CfdVault *vault)
{
  CfdTodayWindow *self;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_TODAY_WINDOW, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  self->items = cfd_vault_get_worklist (vault, &error);
  if (self->items == NULL)
    {
      cfd_ui_toast_error (parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self),
                          _ ("The worklist could not be read"), error);
      self->items = G_LIST_MODEL (g_list_store_new (CFD_TYPE_WORKLIST_ITEM));
    }
  fill (self);
  /* Patients' names are on it: it goes when the vault locks. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  return self;
}

static void
cfd_today_window_dispose (GObject *object)
{
  CfdTodayWindow *self = CFD_TODAY_WINDOW (object);

  g_clear_object (&self->items);
  g_clear_object (&self->vault);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_TODAY_WINDOW);
  G_OBJECT_CLASS (cfd_today_window_parent_class)->dispose (object);
}

static void
cfd_today_window_class_init (CfdTodayWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_today_window_dispose;

  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-today-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdTodayWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CfdTodayWindow, page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_today_window_init (CfdTodayWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
