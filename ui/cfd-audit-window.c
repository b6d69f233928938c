/* cfd-audit-window.c: the audit log: filtered and paged, verified, its checkpoint receipt, CSV export. */
#include "config.h"

#include <stdlib.h>

#include <inttypes.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-audit-window.h"
#include "cfd-date-input.h"
#include "cfd-audit-sessions.h"
#include "cfd-audit-words.h"
#include "cfd-ui-util.h"

#define DEFAULT_PAGE_SIZE 200

struct _CfdAuditWindow
{
  AdwWindow parent_instance;

  CfdVault *vault;
  GCancellable *cancellable;
  gboolean busy;

  /* The filter; patient_id is fixed for an access history. */
  gboolean history;
  char *patient_id;
  char *actor;
  char *action;
  gint64 since;
  gint64 until;

  guint page_size;
  gboolean has_more;
  GListStore *entries;

  GPtrArray *user_ids;    /* actor_dropdown's ids; NULL for "everyone" */
  GPtrArray *patient_ids; /* patient_dropdown's ids; NULL for "every patient" */
  /* Patient id -> name for the Object column; names are patient data, and
   * the window closes when the vault locks. */
  GHashTable *patient_names;

  char *verify_result;
  char *receipt;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *title;
  GtkSpinner *spinner;
  GtkWidget *result_box;
  GtkImage *result_icon;
  GtkLabel *result_label;
  GtkLabel *receipt_label;
  GtkEntry *receipt_entry;
  GtkWidget *filter_box;
  GtkEntry *since_entry;
  GtkEntry *until_entry;
  GtkDropDown *actor_dropdown;
  GtkDropDown *action_dropdown;
  GtkDropDown *patient_dropdown;
  GtkColumnView *view;
  GtkStack *view_stack;
  GtkListBox *sessions_list;
  GtkLabel *count_label;
};

G_DEFINE_FINAL_TYPE (CfdAuditWindow, cfd_audit_window, ADW_TYPE_WINDOW)

static const struct
{
  const char *pattern;
  const char *label;
} action_families[] = {
  { NULL, N_ ("Every action") },
  { "vault.*", N_ ("Unlocking and locking") },
  { "patient.*", N_ ("Patients") },
  { "record.*", N_ ("Records") },
  { "measure.*", N_ ("Measures") },
  { "consent.*", N_ ("Consents") },
  { "key.*", N_ ("Keys") },
  { "backup.*", N_ ("Backups") },
  { "audit.*", N_ ("The audit log") },
  { "user.*", N_ ("Users") },
  { "settings.*", N_ ("Settings") },
};

typedef enum
{
  COLUMN_SEQ,
  COLUMN_TIME,
  COLUMN_SENTENCE,
  COLUMN_USER,
  COLUMN_ACTION,
  COLUMN_OBJECT,
  COLUMN_OUTCOME,
  COLUMN_AUTHORIZATION,
} Column;

static void
set_busy (CfdAuditWindow *self, gboolean busy)
{
  /* Core's workers own the vault until their callback runs. */
  self->busy = busy;
  /* While core's worker has the vault, the main window takes no input
   * (Ctrl+L would lock the vault under the worker). */
  gtk_window_set_modal (GTK_WINDOW (self), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->filter_box, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.checkpoint", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.check-receipt", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.load-more", !busy && self->has_more);
}

static void
fill_filter (CfdAuditWindow *self, CfdAuditFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->since = self->since;
  filter->until = self->until;
  filter->actor = self->actor;
  filter->action = self->action;
  filter->patient_id = self->patient_id;
}

static void
update_count (CfdAuditWindow *self)
{
  CfdAuditFilter filter;
  gint64 count = 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autofree char *text = NULL;

  fill_filter (self, &filter);
  if (cfd_vault_audit_count (self->vault, &filter, &count, NULL))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %" PRId64 " record",
                                         "%u of %" PRId64 " records", (gulong)count),
                            shown, count);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record", "%u records", shown), shown);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.load-more",
                                 !self->busy && self->has_more);
}

static void
load_page (CfdAuditWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autoptr (CfdAuditItem) last
      = n > 0 ? g_list_model_get_item (G_LIST_MODEL (self->entries), n - 1) : NULL;
  g_autoptr (GListModel) page = NULL;
  g_autoptr (GError) error = NULL;
  CfdAuditFilter filter;
  guint n_page;

  if (self->vault == NULL || !cfd_vault_is_unlocked (self->vault) || self->busy)
    return;
  fill_filter (self, &filter);
  page = cfd_vault_audit_list (self->vault, &filter,
                               last != NULL ? cfd_audit_item_get_seq (last) : 0, self->page_size,
                               &error);
  if (page == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The audit log could not be read: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      self->has_more = FALSE;
      update_count (self);
      return;
    }
  n_page = g_list_model_get_n_items (page);
  {
    /* One change for the whole page: the sessions are regrouped once. */
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < n_page; i++)
      g_ptr_array_add (items, g_list_model_get_item (page, i));
    g_list_store_splice (self->entries, n, 0, items->pdata, items->len);
  }
  self->has_more = self->page_size > 0 && n_page == self->page_size;
  update_count (self);
}

static void
reload (CfdAuditWindow *self)
{
  g_list_store_remove_all (self->entries);
  self->has_more = FALSE;
  load_page (self);
}

/* Local midnight of a date (ISO or the locale's form), in µs; the next
 * day's with next_day. */
static gboolean
parse_day (const char *text, gboolean next_day, gint64 *usec)
{
  g_autofree char *iso = NULL;
  g_autoptr (GDateTime) day = NULL;

  *usec = 0;
  if (text == NULL || text[0] == '\0')
    return TRUE;
  iso = cfd_date_input_parse (text, "", NULL);
  if (iso == NULL)
    return FALSE;
  day = g_date_time_new_local (atoi (iso), atoi (iso + 5), atoi (iso + 8), 0, 0, 0);
  if (day == NULL)
    return FALSE;
  if (next_day)
    {
      GDateTime *next = g_date_time_add_days (day, 1);
      g_date_time_unref (day);
      day = next;
    }
  *usec = g_date_time_to_unix (day) * G_USEC_PER_SEC;
  return TRUE;
}

gboolean
cfd_audit_window_set_dates (CfdAuditWindow *self, const char *since, const char *until)
{
  gint64 s, u;

  g_return_val_if_fail (CFD_IS_AUDIT_WINDOW (self), FALSE);
  if (!parse_day (since, FALSE, &s) || !parse_day (until, TRUE, &u))
    return FALSE;
  if (s == self->since && u == self->until)
    return TRUE;
  self->since = s;
  self->until = u;
  reload (self);
  return TRUE;
}

static void
dates_changed (CfdAuditWindow *self)
{
  const char *since = gtk_editable_get_text (GTK_EDITABLE (self->since_entry));
  const char *until = gtk_editable_get_text (GTK_EDITABLE (self->until_entry));
  gint64 ignored;

  if (self->vault == NULL)
    return;
  /* Half-typed dates wait; only a whole date (or none) filters. */
  if (!parse_day (since, FALSE, &ignored))
    gtk_widget_add_css_class (GTK_WIDGET (self->since_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->since_entry), "error");
  if (!parse_day (until, TRUE, &ignored))
    gtk_widget_add_css_class (GTK_WIDGET (self->until_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->until_entry), "error");
  cfd_audit_window_set_dates (self, since, until);
}

void
cfd_audit_window_set_actor (CfdAuditWindow *self, const char *user_id)
{
  g_return_if_fail (CFD_IS_AUDIT_WINDOW (self));
  if (g_strcmp0 (self->actor, user_id) == 0)
    return;
  g_free (self->actor);
  self->actor = g_strdup (user_id);
  reload (self);
}

void
cfd_audit_window_set_action (CfdAuditWindow *self, const char *action)
{
  g_return_if_fail (CFD_IS_AUDIT_WINDOW (self));
  if (g_strcmp0 (self->action, action) == 0)
    return;
  g_free (self->action);
  self->action = g_strdup (action);
  reload (self);
}

static void
dropdowns_changed (CfdAuditWindow *self)
{
  guint actor, action, patient;

  /* Dropdowns notify while the template is built and filled. */
  if (self->vault == NULL || self->patient_dropdown == NULL)
    return;
  actor = gtk_drop_down_get_selected (self->actor_dropdown);
  action = gtk_drop_down_get_selected (self->action_dropdown);
  patient = gtk_drop_down_get_selected (self->patient_dropdown);
  g_free (self->actor);
  self->actor
      = actor < self->user_ids->len ? g_strdup (g_ptr_array_index (self->user_ids, actor)) : NULL;
  g_free (self->action);
  self->action
      = action < G_N_ELEMENTS (action_families) ? g_strdup (action_families[action].pattern) : NULL;
  if (!self->history)
    {
      g_free (self->patient_id);
      self->patient_id = patient < self->patient_ids->len
                             ? g_strdup (g_ptr_array_index (self->patient_ids, patient))
                             : NULL;
    }
  reload (self);
}

GListModel *
cfd_audit_window_get_entries (CfdAuditWindow *self)
{
  g_return_val_if_fail (CFD_IS_AUDIT_WINDOW (self), NULL);
  return G_LIST_MODEL (self->entries);
}

gboolean
cfd_audit_window_has_more (CfdAuditWindow *self)
{
  g_return_val_if_fail (CFD_IS_AUDIT_WINDOW (self), FALSE);
  return self->has_more;
}

void
cfd_audit_window_set_page_size (CfdAuditWindow *self, guint page_size)
{
  g_return_if_fail (CFD_IS_AUDIT_WINDOW (self));
  self->page_size = page_size;
  reload (self);
}

const char *
cfd_audit_window_get_verify_result (CfdAuditWindow *self)
{
  g_return_val_if_fail (CFD_IS_AUDIT_WINDOW (self), NULL);
  return self->verify_result;
}

const char *
cfd_audit_window_get_receipt (CfdAuditWindow *self)
{
  g_return_val_if_fail (CFD_IS_AUDIT_WINDOW (self), NULL);
  return self->receipt;
}

static void
show_receipt (CfdAuditWindow *self)
{
  CfdAuditCheckpoint checkpoint;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->receipt, g_free);
  if (cfd_vault_audit_latest_checkpoint (self->vault, &checkpoint, &error))
    {
      g_autofree char *when = cfd_ui_format_date_time (checkpoint.time / G_USEC_PER_SEC);

      self->receipt = cfd_audit_checkpoint_format_receipt (&checkpoint);
      {
        /* Translators: a checkpoint receipt and when it was made */
        g_autofree char *text = g_strdup_printf (_ ("%s (%s)"), self->receipt, g_strstrip (when));
        gtk_label_set_label (self->receipt_label, text);
      }
    }
  else
    gtk_label_set_label (self->receipt_label, _ ("none yet"));
}

static void
show_result (CfdAuditWindow *self, gboolean intact, const char *text)
{
  g_free (self->verify_result);
  self->verify_result = g_strdup (text);
  gtk_label_set_label (self->result_label, text);
  gtk_image_set_from_icon_name (self->result_icon,
                                intact ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_icon), intact ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->result_icon), intact ? "success" : "error");
  gtk_widget_set_visible (self->result_box, TRUE);
}

static void
verify_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdAuditWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  CfdAuditReport report;
  gboolean intact;

  memset (&report, 0, sizeof report);
  intact = cfd_vault_audit_verify_finish (CFD_VAULT (source), result, &report, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);
  if (intact)
    {
      g_autofree char *text = g_strdup_printf (
          _ ("The log is intact: all %" PRId64 " records chain up to record %" PRId64
             ", and %u checkpoints match."),
          report.n_records, report.last_seq, report.n_checkpoints);
      show_result (self, TRUE, text);
    }
  else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    {
      g_autofree char *what = cfd_audit_report_describe (&report);
      g_autofree char *text = g_strdup_printf (
          _ ("The log has been altered. %s. Keep this vault and its backups as they are, and "
             "compare with a backup or a written-down receipt."),
          what);
      show_result (self, FALSE, text);
    }
  else
    {
      g_autofree char *text
          = g_strdup_printf (_ ("The log could not be verified: %s"), error->message);
      show_result (self, FALSE, text);
    }
  /* Verifying is itself recorded. */
  reload (self);
}

static void
verify_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (widget);

  if (self->busy || self->vault == NULL || !cfd_vault_is_unlocked (self->vault))
    return;
  set_busy (self, TRUE);
  cfd_vault_audit_verify_async (self->vault, NULL, 0, self->cancellable, verify_done,
                                g_object_ref (self));
}

typedef struct
{
  char *receipt;
  CfdAuditReport report;
} ReceiptCheck;

static void
receipt_check_free (gpointer data)
{
  ReceiptCheck *check = data;

  g_free (check->receipt);
  g_free (check);
}

static void
receipt_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ReceiptCheck *check = data;
  GError *error = NULL;

  if (cfd_audit_verify_receipt (CFD_VAULT (source), check->receipt, &check->report, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
receipt_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdAuditWindow) self = user_data;
  ReceiptCheck *check = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean intact = g_task_propagate_boolean (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);
  if (intact)
    text = g_strdup_printf (_ ("The log matches the receipt “%s”: nothing up to it was changed, "
                               "removed or rolled back."),
                            check->receipt);
  else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    {
      g_autofree char *what = cfd_audit_report_describe (&check->report);
      text = g_strdup_printf (_ ("The log does not match the receipt “%s”. %s."), check->receipt,
                              what);
    }
  else if (g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
    text = g_strdup_printf (_ ("That is not a receipt: %s"), error->message);
  else
    text = g_strdup_printf (_ ("The receipt could not be checked: %s"), error->message);
  show_result (self, intact, text);
  reload (self);
}

static void
check_receipt_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (widget);
  g_autofree char *text
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->receipt_entry))));
  ReceiptCheck *check;
  GTask *task;

  if (self->busy || self->vault == NULL || !cfd_vault_is_unlocked (self->vault) || text[0] == '\0')
    return;
  check = g_new0 (ReceiptCheck, 1);
  check->receipt = g_steal_pointer (&text);
  set_busy (self, TRUE);
  /* Like verifying, this reads the whole log: core's worker, not the main loop. */
  task = g_task_new (self->vault, self->cancellable, receipt_done, g_object_ref (self));
  g_task_set_task_data (task, check, receipt_check_free);
  g_task_run_in_thread (task, receipt_thread);
  g_object_unref (task);
}

static void
receipt_activated (CfdAuditWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "audit.check-receipt", NULL);
}

static void
checkpoint_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (self->busy || self->vault == NULL)
    return;
  if (!cfd_vault_audit_checkpoint (self->vault, NULL, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("No checkpoint could be made: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  show_receipt (self);
}

static void
load_more_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  load_page (CFD_AUDIT_WINDOW (widget));
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CfdAuditWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  CfdAuditCheckpoint checkpoint;
  gint64 n_rows = 0;
  gboolean ok;

  ok = cfd_vault_audit_export_csv_file_finish (CFD_VAULT (source), result, &n_rows, &checkpoint,
                                               &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);
  if (!ok)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The log could not be exported: %s"), error->message);
      cfd_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  show_receipt (self);
  {
    g_autofree char *message
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %" PRId64 " record; receipt %s",
                                        "Exported %" PRId64 " records; receipt %s", (gulong)n_rows),
                           n_rows, self->receipt != NULL ? self->receipt : "");
    cfd_ui_toast (GTK_WIDGET (self), message);
  }
  reload (self);
}

void
cfd_audit_window_export (CfdAuditWindow *self, GFile *file)
{
  g_autofree char *path = NULL;
  CfdAuditFilter filter;

  g_return_if_fail (CFD_IS_AUDIT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (self->busy || self->vault == NULL || path == NULL)
    return;
  cfd_ui_forget_recent (path);
  fill_filter (self, &filter);
  set_busy (self, TRUE);
  cfd_vault_audit_export_csv_file_async (self->vault, &filter, path, self->cancellable, export_done,
                                         g_object_ref (self));
}

static void
chooser_response (GtkNativeDialog *chooser, int response, CfdAuditWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        cfd_audit_window_export (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->busy)
    return;
  chooser
      = gtk_file_chooser_native_new (_ ("Export Audit Log"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "audit-log.csv");
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static char *
cell_text (CfdAuditWindow *self, CfdAuditItem *entry, Column column)
{
  const char *outcome, *kind, *id, *name;

  switch (column)
    {
      case COLUMN_SEQ:
        return g_strdup_printf ("%" G_GINT64_FORMAT, cfd_audit_item_get_seq (entry));
      case COLUMN_TIME:
        {
          g_autoptr (GDateTime) time
              = g_date_time_new_from_unix_local (cfd_audit_item_get_time (entry) / G_USEC_PER_SEC);
          return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
        }
      case COLUMN_SENTENCE:
        kind = cfd_audit_item_get_object_kind (entry);
        id = cfd_audit_item_get_object_id (entry);
        name = cfd_audit_item_get_actor_name (entry);
        return cfd_audit_describe (name != NULL ? name : cfd_audit_item_get_actor_id (entry),
                                   cfd_audit_item_get_action (entry), kind,
                                   g_strcmp0 (kind, "patient") == 0 && id != NULL
                                       ? g_hash_table_lookup (self->patient_names, id)
                                       : NULL,
                                   cfd_audit_item_get_outcome (entry));
      case COLUMN_USER:
        name = cfd_audit_item_get_actor_name (entry);
        return g_strdup (name != NULL ? name : cfd_audit_item_get_actor_id (entry));
      case COLUMN_ACTION:
        return g_strdup (cfd_audit_item_get_action (entry));
      case COLUMN_OBJECT:
        kind = cfd_audit_item_get_object_kind (entry);
        id = cfd_audit_item_get_object_id (entry);
        if (id == NULL || id[0] == '\0')
          return g_strdup (kind != NULL ? kind : "");
        name = g_strcmp0 (kind, "patient") == 0 ? g_hash_table_lookup (self->patient_names, id)
                                                : NULL;
        /* Translators: an audit record's object: "<kind> <id or name>" */
        return g_strdup_printf (_ ("%s %s"), kind != NULL ? kind : "", name != NULL ? name : id);
      case COLUMN_OUTCOME:
        outcome = cfd_audit_item_get_outcome (entry);
        if (g_strcmp0 (outcome, "success") == 0)
          return g_strdup (_ ("Success"));
        if (g_strcmp0 (outcome, "failure") == 0)
          return g_strdup (_ ("Failed"));
        if (g_strcmp0 (outcome, "denied") == 0)
          return g_strdup (_ ("Denied"));
        return g_strdup (outcome);
      case COLUMN_AUTHORIZATION:
        id = cfd_audit_item_get_authorization (entry);
        return g_strdup (id != NULL ? id : "");
      default:
        g_return_val_if_reached (NULL);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CfdAuditWindow *self = g_object_get_data (G_OBJECT (factory), "window");
  g_autofree char *text
      = cell_text (self, gtk_list_item_get_item (item), GPOINTER_TO_INT (user_data));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_column (CfdAuditWindow *self, const char *title, Column column, gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "window", self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  g_object_set_data (G_OBJECT (view_column), "cfd-column", GINT_TO_POINTER (column));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->view, view_column);
  g_object_unref (view_column);
}

/* The raw columns: sequence number, user, action code, object id,
 * outcome and consent id. */
static void
show_details (CfdAuditWindow *self, gboolean details)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      Column which = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "cfd-column"));

      if (which != COLUMN_TIME && which != COLUMN_SENTENCE)
        gtk_column_view_column_set_visible (column, details);
    }
}

static void
details_toggled (CfdAuditWindow *self, GParamSpec *pspec, GtkToggleButton *button)
{
  gboolean details = gtk_toggle_button_get_active (button);

  show_details (self, details);
  gtk_stack_set_visible_child_name (self->view_stack, details ? "raw" : "sessions");
}

static GtkWidget *
session_row (CfdAuditWindow *self, CfdAuditSession *session)
{
  CfdAuditItem *newest = g_ptr_array_index (session->items, 0);
  CfdAuditItem *oldest = g_ptr_array_index (session->items, session->items->len - 1);
  const char *actor = cfd_audit_item_get_actor_name (oldest);
  g_autofree char *from
      = cfd_ui_format_date_time (cfd_audit_item_get_time (oldest) / G_USEC_PER_SEC);
  g_autofree char *to = NULL;
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;
  GtkWidget *row = adw_expander_row_new ();
  g_autoptr (GDateTime) start
      = g_date_time_new_from_unix_local (cfd_audit_item_get_time (oldest) / G_USEC_PER_SEC);
  g_autoptr (GDateTime) end
      = g_date_time_new_from_unix_local (cfd_audit_item_get_time (newest) / G_USEC_PER_SEC);

  /* A session within one day ends at a time, not at a date again. */
  if (start != NULL && end != NULL && g_date_time_get_year (start) == g_date_time_get_year (end)
      && g_date_time_get_day_of_year (start) == g_date_time_get_day_of_year (end))
    to = g_date_time_format (end, "%H:%M");
  else
    to = cfd_ui_format_date_time (cfd_audit_item_get_time (newest) / G_USEC_PER_SEC);

  if (actor == NULL)
    actor = cfd_audit_item_get_actor_id (oldest);
  /* Translators: a session in the audit log: who, from when, until when. */
  title = g_strdup_printf (_ ("%s · %s to %s"), actor, from, to);
  count = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u record", "%u records", session->items->len),
      session->items->len);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (session->started)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), count);
  else
    {
      /* Translators: a number of audit records, then why the session's
       * unlock is missing. */
      g_autofree char *subtitle = g_strdup_printf (
          _ ("%s; the unlock that began this session is not among the records shown"), count);

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
    }
  for (guint i = 0; i < session->items->len; i++)
    {
      CfdAuditItem *item = g_ptr_array_index (session->items, i);
      g_autofree char *sentence = cell_text (self, item, COLUMN_SENTENCE);
      g_autofree char *when
          = cfd_ui_format_date_time (cfd_audit_item_get_time (item) / G_USEC_PER_SEC);
      GtkWidget *line = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (line), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (line), sentence);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (line), when);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), line);
    }
  return row;
}

/* The log in words, one group per unlock-to-lock session, newest first. */
/* The unlocks that began sessions, for a listing whose filter leaves
 * them out; NULL when the listing holds them, or they cannot be read. */
static GArray *
session_starts (CfdAuditWindow *self)
{
  CfdAuditFilter filter = { 0 };
  g_autoptr (CfdAuditItem) newest = NULL;
  g_autoptr (GListModel) unlocks = NULL;
  GArray *starts;

  if ((self->patient_id == NULL && self->action == NULL) || self->vault == NULL
      || !cfd_vault_is_unlocked (self->vault)
      || g_list_model_get_n_items (G_LIST_MODEL (self->entries)) == 0)
    return NULL;
  newest = g_list_model_get_item (G_LIST_MODEL (self->entries), 0);
  filter.actor = self->actor;
  filter.action = "vault.unlock";
  /* Listed from just above the newest record shown: not a first page,
   * so reading the unlocks is not recorded as another view of the log. */
  unlocks
      = cfd_vault_audit_list (self->vault, &filter, cfd_audit_item_get_seq (newest) + 1, 0, NULL);
  if (unlocks == NULL)
    return NULL;
  starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (unlocks); i++)
    {
      g_autoptr (CfdAuditItem) unlock = g_list_model_get_item (unlocks, i);
      gint64 seq = cfd_audit_item_get_seq (unlock);

      g_array_append_val (starts, seq);
    }
  return starts;
}

static void
refill_sessions (CfdAuditWindow *self)
{
  g_autoptr (GArray) starts = session_starts (self);
  g_autoptr (GPtrArray) sessions
      = starts != NULL ? cfd_audit_sessions_group_by_starts (G_LIST_MODEL (self->entries), starts)
                       : cfd_audit_sessions_group (G_LIST_MODEL (self->entries));
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sessions_list))) != NULL)
    gtk_list_box_remove (self->sessions_list, child);
  for (guint i = 0; i < sessions->len; i++)
    gtk_list_box_append (self->sessions_list, session_row (self, g_ptr_array_index (sessions, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->sessions_list), sessions->len > 0);
}

static void
fill_dropdowns (CfdAuditWindow *self, CfdVault *vault)
{
  g_autoptr (GtkStringList) users = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) actions = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) patients = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) infos = cfd_vault_list_users (vault);
  g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, NULL);
  guint selected_patient = 0;

  gtk_string_list_append (users, _ ("Every user"));
  g_ptr_array_add (self->user_ids, NULL);
  for (guint i = 0; infos != NULL && i < infos->len; i++)
    {
      CfdUserInfo *info = g_ptr_array_index (infos, i);

      gtk_string_list_append (users, info->name);
      g_ptr_array_add (self->user_ids, g_strdup (info->id));
    }
  for (guint i = 0; i < G_N_ELEMENTS (action_families); i++)
    gtk_string_list_append (actions, _ (action_families[i].label));
  gtk_string_list_append (patients, _ ("Every patient"));
  g_ptr_array_add (self->patient_ids, NULL);
  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (list, i);

      gtk_string_list_append (patients, cfd_patient_get_name (patient));
      g_ptr_array_add (self->patient_ids, g_strdup (cfd_patient_get_id (patient)));
      g_hash_table_insert (self->patient_names, g_strdup (cfd_patient_get_id (patient)),
                           g_strdup (cfd_patient_get_name (patient)));
      if (g_strcmp0 (cfd_patient_get_id (patient), self->patient_id) == 0)
        selected_patient = i + 1;
    }
  gtk_drop_down_set_model (self->actor_dropdown, G_LIST_MODEL (users));
  gtk_drop_down_set_model (self->action_dropdown, G_LIST_MODEL (actions));
  gtk_drop_down_set_model (self->patient_dropdown, G_LIST_MODEL (patients));
  gtk_drop_down_set_selected (self->patient_dropdown, selected_patient);
  /* Only the owner reads everyone's records; a history is one patient's. */
  gtk_widget_set_visible (GTK_WIDGET (self->actor_dropdown),
                          cfd_vault_get_user_role (vault) == CFD_ROLE_OWNER);
  gtk_widget_set_sensitive (GTK_WIDGET (self->patient_dropdown), !self->history);
}

CfdAuditWindow *
cfd_audit_window_new (GtkWindow *parent, CfdVault *vault, const char *patient_id)
{
  CfdAuditWindow *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);

  self = g_object_new (CFD_TYPE_AUDIT_WINDOW, "transient-for", parent, NULL);
  self->history = patient_id != NULL;
  self->patient_id = g_strdup (patient_id);
  /* Filled before the vault is set, so filling does not reload. */
  fill_dropdowns (self, vault);
  self->vault = g_object_ref (vault);
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  if (self->history)
    {
      const char *name = g_hash_table_lookup (self->patient_names, patient_id);

      gtk_window_set_title (GTK_WINDOW (self), _ ("Access History"));
      adw_window_title_set_title (self->title, _ ("Access History"));
      adw_window_title_set_subtitle (self->title, name != NULL ? name : "");
    }
  else
    adw_window_title_set_title (self->title, _ ("Audit Log"));
  show_receipt (self);
  reload (self);
  return self;
}

static void
cfd_audit_window_dispose (GObject *object)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->vault);
  if (self->entries != NULL)
    g_list_store_remove_all (self->entries);
  if (self->patient_names != NULL)
    g_hash_table_remove_all (self->patient_names);
  G_OBJECT_CLASS (cfd_audit_window_parent_class)->dispose (object);
}

static void
cfd_audit_window_finalize (GObject *object)
{
  CfdAuditWindow *self = CFD_AUDIT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->entries);
  g_clear_pointer (&self->patient_names, g_hash_table_unref);
  g_clear_pointer (&self->user_ids, g_ptr_array_unref);
  g_clear_pointer (&self->patient_ids, g_ptr_array_unref);
  g_free (self->patient_id);
  g_free (self->actor);
  g_free (self->action);
  g_free (self->verify_result);
  g_free (self->receipt);
  G_OBJECT_CLASS (cfd_audit_window_parent_class)->finalize (object);
}

static void
cfd_audit_window_class_init (CfdAuditWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_audit_window_dispose;
  object_class->finalize = cfd_audit_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-audit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, title);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, result_box);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, result_icon);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, result_label);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, receipt_label);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, receipt_entry);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, filter_box);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, since_entry);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, until_entry);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, actor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, patient_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, view);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, CfdAuditWindow, count_label);
  gtk_widget_class_bind_template_callback (widget_class, dates_changed);
  gtk_widget_class_bind_template_callback (widget_class, details_toggled);
  gtk_widget_class_bind_template_callback (widget_class, dropdowns_changed);
  gtk_widget_class_bind_template_callback (widget_class, receipt_activated);

  gtk_widget_class_install_action (widget_class, "audit.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "audit.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "audit.checkpoint", NULL, checkpoint_action);
  gtk_widget_class_install_action (widget_class, "audit.load-more", NULL, load_more_action);
  gtk_widget_class_install_action (widget_class, "audit.check-receipt", NULL, check_receipt_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_audit_window_init (CfdAuditWindow *self)
{
  GtkNoSelection *selection;

  self->cancellable = g_cancellable_new ();
  self->page_size = DEFAULT_PAGE_SIZE;
  self->entries = g_list_store_new (CFD_TYPE_AUDIT_ITEM);
  self->user_ids = g_ptr_array_new_with_free_func (g_free);
  self->patient_ids = g_ptr_array_new_with_free_func (g_free);
  self->patient_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  {
    g_autofree char *hint = cfd_date_input_hint ();
    /* Translators: the audit filter's first date, %s how dates are written */
    g_autofree char *since = g_strdup_printf (_ ("From %s"), hint);
    /* Translators: the audit filter's last date, %s how dates are written */
    g_autofree char *until = g_strdup_printf (_ ("Until %s"), hint);

    gtk_entry_set_placeholder_text (self->since_entry, since);
    gtk_entry_set_placeholder_text (self->until_entry, until);
    gtk_box_insert_child_after (
        GTK_BOX (self->filter_box),
        cfd_date_input_button_new (GTK_EDITABLE (self->since_entry), _ ("From date")),
        GTK_WIDGET (self->since_entry));
    gtk_box_insert_child_after (
        GTK_BOX (self->filter_box),
        cfd_date_input_button_new (GTK_EDITABLE (self->until_entry), _ ("Until date")),
        GTK_WIDGET (self->until_entry));
  }

  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->entries)));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  /* What happened, in words; the codes and ids are a click away
   * ("Details"), for checking against an export or the CLI. */
  add_column (self, _ ("No."), COLUMN_SEQ, FALSE);
  add_column (self, _ ("Time"), COLUMN_TIME, FALSE);
  add_column (self, _ ("What Happened"), COLUMN_SENTENCE, TRUE);
  add_column (self, _ ("User"), COLUMN_USER, FALSE);
  add_column (self, _ ("Action"), COLUMN_ACTION, FALSE);
  add_column (self, _ ("Object"), COLUMN_OBJECT, TRUE);
  add_column (self, _ ("Outcome"), COLUMN_OUTCOME, FALSE);
  add_column (self, _ ("Consent"), COLUMN_AUTHORIZATION, FALSE);
  show_details (self, FALSE);
  g_signal_connect_object (self->entries, "items-changed", G_CALLBACK (refill_sessions), self,
                           G_CONNECT_SWAPPED);
}
