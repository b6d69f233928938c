/* cfd-record-editor.c: one record: editing a draft with autosave, signing, addenda, history. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-chart-summary.h"
#include "cfd-date-input.h"
#include "cfd-record-editor.h"
#include "cfd-dosing-picker.h"
#include "cfd-record-view.h"
#include "cfd-rems-panel.h"
#include "cfd-spell-checker.h"
#include "cfd-record-form.h"
#include "cfd-review-panel.h"
#include "cfd-ui-util.h"

typedef enum
{
  MODE_EMPTY,
  MODE_DRAFT,    /* editable, autosaved */
  MODE_SIGNED,   /* read-only; addenda may be added */
  MODE_ADDENDUM, /* a new addendum to the signed record, not yet saved: the first
                  save makes it a draft addendum (MODE_DRAFT) */
  MODE_REVISION, /* an earlier revision, read-only */
} EditorMode;

struct _CfdRecordEditor
{
  GtkWidget parent_instance;
  /* The practice's, read when a record is shown: the editor's problems
   * and its sign check use what the vault's signing will. */
  CfdDosingThresholds thresholds;

  CfdVault *vault;
  CfdRecord *record;
  EditorMode mode;
  gboolean dirty;
  guint autosave_delay;
  guint autosave_source;
  GtkWindow *revision_window;

  AdwWindowTitle *title;
  GtkLabel *saved_label;
  GtkButton *sign_button;
  GtkButton *discard_button;
  GtkButton *addendum_button;
  GtkMenuButton *history_button;
  GtkButton *back_button;
  GtkLabel *status_label;
  GtkEntry *date_entry;
  GtkBox *date_row;
  GtkWidget *date_calendar;
  GtkWidget *date_box;
  CfdRecordForm *form;
  CfdReviewPanel *review_panel;
  CfdRecordView *record_view;
  CfdRemsPanel *rems_panel;
  GtkListBox *revision_list;
  GtkWidget *addenda_box;
  GtkListBox *addenda_list;
  GtkWidget *identity_bar;
  GtkWidget *chart_banner; /* made in init, under the identity bar: dosing records only */
  GtkLabel *identity_label;
  GtkWidget *identity_risk;
  GtkRevealer *recovery_revealer;
  GtkLabel *recovery_label;
  GtkScrolledWindow *scroller;

  char *identity; /* "Name · age" of the patient whose chart this is */
  /* A draft brought back from its sealed copy: forgotten in core once
   * saved again, and not before. */
  gboolean recovered;
};

G_DEFINE_FINAL_TYPE (CfdRecordEditor, cfd_record_editor, GTK_TYPE_WIDGET)

enum
{
  CLOSED,
  RECORDS_CHANGED,
  OPEN_RECORD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
cfd_record_editor_get_record_id (CfdRecordEditor *self)
{
  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), NULL);
  return self->record != NULL ? cfd_record_get_id (self->record) : NULL;
}

const char *
cfd_record_editor_get_patient_id (CfdRecordEditor *self)
{
  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), NULL);
  return self->record != NULL ? cfd_record_get_patient_id (self->record) : NULL;
}

gboolean
cfd_record_editor_has_unsaved_changes (CfdRecordEditor *self)
{
  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), FALSE);
  return self->dirty;
}

void
cfd_record_editor_set_autosave_delay (CfdRecordEditor *self, guint milliseconds)
{
  g_return_if_fail (CFD_IS_RECORD_EDITOR (self));
  self->autosave_delay = milliseconds;
}

/* A draft or signed addendum (not the composer of a new one). */
static gboolean
showing_addendum (CfdRecordEditor *self)
{
  return self->record != NULL && self->mode != MODE_ADDENDUM
         && cfd_record_get_kind (self->record) == CFD_RECORD_ADDENDUM;
}

static void
set_indicator (CfdRecordEditor *self, const char *text, gboolean error)
{
  gtk_label_set_label (self->saved_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->saved_label), text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->saved_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->saved_label), "error");
}

void
cfd_record_editor_clear (CfdRecordEditor *self)
{
  g_return_if_fail (CFD_IS_RECORD_EDITOR (self));

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->revision_window != NULL)
    gtk_window_destroy (self->revision_window);
  g_clear_weak_pointer (&self->revision_window);
  cfd_record_form_set_template (self->form, NULL);
  cfd_review_panel_clear (self->review_panel);
  cfd_record_view_clear (self->record_view);
  cfd_rems_panel_clear (self->rems_panel);
  gtk_widget_set_visible (GTK_WIDGET (self->record_view), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->form), TRUE);
  gtk_list_box_bind_model (self->revision_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->addenda_list, NULL, NULL, NULL, NULL);
  gtk_widget_set_visible (self->addenda_box, FALSE);
  g_clear_object (&self->record);
  g_clear_object (&self->vault);
  self->dirty = FALSE;
  self->recovered = FALSE;
  self->mode = MODE_EMPTY;
  g_clear_pointer (&self->identity, g_free);
  gtk_label_set_label (self->identity_label, "");
  gtk_widget_set_visible (self->identity_bar, FALSE);
  cfd_chart_summary_clear (CFD_CHART_SUMMARY (self->chart_banner));
  gtk_widget_set_visible (self->identity_risk, FALSE);
  gtk_revealer_set_reveal_child (self->recovery_revealer, FALSE);
  gtk_label_set_label (self->recovery_label, "");
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), "");
  gtk_label_set_label (self->status_label, "");
  adw_window_title_set_title (self->title, "");
  adw_window_title_set_subtitle (self->title, "");
  set_indicator (self, NULL, FALSE);
}

/* The form's widget of that name, or NULL. */
static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The session date is a calendar day; keep it at local noon so that no
 * time zone moves it to a neighbouring day. */
static gboolean
parse_date (const char *text, gint64 *seconds)
{
  g_autofree char *iso = cfd_date_input_parse (text, "", NULL);
  g_autoptr (GDateTime) time = NULL;

  if (iso == NULL)
    return FALSE;
  time = g_date_time_new_local (atoi (iso), atoi (iso + 5), atoi (iso + 8), 12, 0, 0);
  if (time == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (time);
  return TRUE;
}

static char *
format_iso_date (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (seconds);

  g_autofree char *iso = time != NULL ? g_date_time_format (time, "%Y-%m-%d") : NULL;

  return iso != NULL ? cfd_date_input_format (iso) : g_strdup ("");
}

static void update_chrome (CfdRecordEditor *self);
static void update_subtitle (CfdRecordEditor *self);
static void content_changed (CfdRecordEditor *self);
static void refresh_history (CfdRecordEditor *self);

/* The first save of a new addendum stores it as a draft addendum, which
 * the editor then holds like any draft: later saves, a lock, and signing
 * all go through the draft's own id. */
static gboolean
save_new_addendum (CfdRecordEditor *self, GVariant *content, GError **error)
{
  g_autofree char *addendum_id = NULL;
  g_autoptr (CfdRecord) addendum = NULL;

  addendum_id = cfd_vault_create_addendum_draft (self->vault, cfd_record_get_id (self->record),
                                                 content, error);
  if (addendum_id == NULL)
    return FALSE;
  addendum = cfd_vault_get_record (self->vault, addendum_id, error);
  if (addendum == NULL)
    return FALSE;
  /* The form keeps what is being typed; only the record behind it changes. */
  g_set_object (&self->record, addendum);
  self->mode = MODE_DRAFT;
  adw_window_title_set_title (self->title, cfd_ui_kind_title (CFD_RECORD_ADDENDUM));
  update_subtitle (self);
  update_chrome (self);
  refresh_history (self);
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;
}

/* The session date to save: what the date entry says when it is a date,
 * else the record's own (a half-typed date cannot be a record's date; the
 * entry keeps it and says so). */
static gint64
current_occurred (CfdRecordEditor *self)
{
  gint64 occurred = cfd_record_get_occurred (self->record);

  /* An addendum keeps the date it was begun; it has no date field. */
  if (self->mode == MODE_DRAFT && !showing_addendum (self))
    parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), &occurred);
  return occurred;
}

static void
show_saved_state (CfdRecordEditor *self)
{
  guint problems = cfd_record_form_count_problems (self->form);

  if (problems > 0)
    {
      /* Translators: the draft is saved as typed; some fields cannot be signed yet */
      g_autofree char *note
          = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved · %u field to fix before signing",
                                          "Saved · %u fields to fix before signing", problems),
                             problems);
      set_indicator (self, note, FALSE);
    }
  else
    set_indicator (self, _ ("Saved"), FALSE);
}

gboolean
cfd_record_editor_save (CfdRecordEditor *self, GError **error)
{
  g_autoptr (GVariant) content = NULL;
  gboolean saved;

  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), FALSE);

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if ((self->mode != MODE_DRAFT && self->mode != MODE_ADDENDUM) || !self->dirty)
    return TRUE;

  /* Everything as typed, valid or not: one unfinished field never stops
   * the rest of the note from being saved. */
  content = cfd_record_form_get_content (self->form);
  set_indicator (self, _ ("Saving…"), FALSE);
  if (self->mode == MODE_ADDENDUM)
    saved = save_new_addendum (self, content, error);
  else
    saved = cfd_vault_save_draft (self->vault, cfd_record_get_id (self->record),
                                  current_occurred (self), content, error);
  if (!saved)
    {
      set_indicator (self, _ ("Not saved"), TRUE);
      return FALSE;
    }

  self->dirty = FALSE;
  if (self->recovered)
    {
      g_autoptr (GError) forget_error = NULL;

      /* Saved for real: the sealed copy has done its job. */
      if (cfd_vault_forget_draft_recovery (self->vault, &forget_error))
        self->recovered = FALSE;
      else
        g_debug ("The recovered draft's sealed copy stays: %s", forget_error->message);
    }
  show_saved_state (self);
  return TRUE;
}

gboolean
cfd_record_editor_seal_unsaved (CfdRecordEditor *self, gboolean *on_disk, GError **error)
{
  g_autoptr (GVariant) content = NULL;

  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), FALSE);

  if (on_disk != NULL)
    *on_disk = FALSE;
  if ((self->mode != MODE_DRAFT && self->mode != MODE_ADDENDUM) || !self->dirty)
    return TRUE;
  content = cfd_record_form_get_content (self->form);
  if (self->mode == MODE_ADDENDUM)
    return cfd_vault_seal_draft_recovery (self->vault, NULL, cfd_record_get_id (self->record),
                                          cfd_record_get_occurred (self->record), content, on_disk,
                                          error);
  return cfd_vault_seal_draft_recovery (self->vault, cfd_record_get_id (self->record), NULL,
                                        current_occurred (self), content, on_disk, error);
}

static gboolean
autosave_due (gpointer user_data)
{
  CfdRecordEditor *self = user_data;
  g_autoptr (GError) error = NULL;

  self->autosave_source = 0;
  if (!cfd_record_editor_save (self, &error))
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The draft could not be saved"), error);
  return G_SOURCE_REMOVE;
}

static void
content_changed (CfdRecordEditor *self)
{
  if (self->mode != MODE_DRAFT && self->mode != MODE_ADDENDUM)
    return;
  self->dirty = TRUE;
  set_indicator (self, _ ("Editing"), FALSE);
  /* Debounced: save once typing pauses, not on every key. */
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  self->autosave_source = g_timeout_add (self->autosave_delay, autosave_due, self);
  g_source_set_name_by_id (self->autosave_source, "[confidant] autosave");
}

static void
date_changed (CfdRecordEditor *self)
{
  gint64 seconds;
  gboolean valid = parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), &seconds);
  g_autofree char *problem = NULL;
  g_autofree char *iso = cfd_date_input_parse (
      gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), _ ("Session Date"), &problem);

  /* The session date is the record's date, not a field of its content: a
   * half-typed one cannot be stored, so the record keeps its last date
   * and the entry says so until it is a date. */
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->date_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->date_entry), NULL);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->date_entry), "error");
      g_autofree char *tooltip = g_strdup_printf (
          /* Translators: %s says what is wrong with the date typed */
          _ ("%s. The record keeps its last saved date until this is one."),
          problem != NULL ? problem : _ ("Not a date yet"));

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->date_entry), tooltip);
    }
  if (self->mode == MODE_DRAFT && !showing_addendum (self) && valid)
    content_changed (self);
}

static GtkWidget *
create_revision_row (gpointer item, gpointer user_data)
{
  CfdRecord *revision = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title
      = g_strdup_printf (_ ("Revision %" PRIu64), cfd_record_get_revision (revision));
  g_autofree char *when = cfd_ui_format_date_time (cfd_record_get_updated (revision));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "revision", g_object_ref (revision), g_object_unref);
  return row;
}

static GtkWidget *
create_addendum_row (gpointer item, gpointer user_data)
{
  CfdRecord *addendum = item;
  GtkWidget *row = adw_action_row_new ();
  gboolean signed_ = cfd_record_get_status (addendum) == CFD_RECORD_SIGNED;
  g_autofree char *when = cfd_ui_format_date_time (signed_ ? cfd_record_get_signed_at (addendum)
                                                           : cfd_record_get_updated (addendum));
  g_autofree char *subtitle
      = signed_ ? g_strdup_printf (_ ("Signed %s"), when) : g_strdup_printf (_ ("Saved %s"), when);
  GtkWidget *badge = gtk_label_new (signed_ ? _ ("Signed") : _ ("Draft"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Addendum"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, signed_ ? "signed" : "draft");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "record-id", g_strdup (cfd_record_get_id (addendum)),
                          g_free);
  return row;
}

/* A signed record shows its addenda below it, drafts included, so that a
 * draft addendum left by a lock is found where it was begun. */
static void
refresh_addenda (CfdRecordEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) addenda = NULL;

  gtk_list_box_bind_model (self->addenda_list, NULL, NULL, NULL, NULL);
  gtk_widget_set_visible (self->addenda_box, FALSE);
  if (self->record == NULL || self->vault == NULL || self->mode != MODE_SIGNED
      || cfd_record_get_kind (self->record) == CFD_RECORD_ADDENDUM)
    return;
  addenda = cfd_vault_list_addenda (self->vault, cfd_record_get_id (self->record), &error);
  if (addenda == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The addenda could not be read"), error);
      return;
    }
  gtk_list_box_bind_model (self->addenda_list, addenda, create_addendum_row, NULL, NULL);
  gtk_widget_set_visible (self->addenda_box, g_list_model_get_n_items (addenda) > 0);
}

static void
addendum_activated (CfdRecordEditor *self, GtkListBoxRow *row)
{
  const char *record_id = g_object_get_data (G_OBJECT (row), "record-id");

  if (record_id != NULL)
    g_signal_emit (self, signals[OPEN_RECORD], 0, record_id);
}

static void
refresh_history (CfdRecordEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) revisions = NULL;

  gtk_list_box_bind_model (self->revision_list, NULL, NULL, NULL, NULL);
  if (self->record == NULL || self->mode == MODE_REVISION || self->mode == MODE_ADDENDUM)
    return;
  revisions = cfd_vault_list_revisions (self->vault, cfd_record_get_id (self->record), &error);
  if (revisions == NULL)
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The revision history could not be read"), error);
      return;
    }
  gtk_list_box_bind_model (self->revision_list, revisions, create_revision_row, NULL, NULL);
}

static void
update_chrome (CfdRecordEditor *self)
{
  gboolean draft = self->mode == MODE_DRAFT;
  gboolean addendum = self->mode == MODE_ADDENDUM;
  gboolean signed_ = self->mode == MODE_SIGNED;
  gboolean of_addendum = showing_addendum (self);
  /* A supervisor reads, comments and co-signs; nothing else. */
  gboolean supervisor
      = self->vault != NULL && cfd_vault_get_user_role (self->vault) == CFD_ROLE_SUPERVISOR;
  g_autofree char *status = NULL;

  draft = draft && !supervisor;
  addendum = addendum && !supervisor;

  gtk_widget_set_visible (GTK_WIDGET (self->sign_button), draft || addendum);
  /* Only the author's own drafts can be discarded (core checks it too). */
  gtk_widget_set_visible (GTK_WIDGET (self->discard_button),
                          draft && self->record != NULL
                              && g_strcmp0 (cfd_record_get_author_id (self->record),
                                            cfd_vault_get_user_id (self->vault))
                                     == 0);
  /* The header says what is being signed; the button stays short enough
   * for a 360 px window. */
  gtk_button_set_label (self->sign_button, _ ("Sign"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sign_button), addendum || of_addendum
                                                                   ? _ ("Sign the Addendum")
                                                                   : _ ("Sign the Record"));
  gtk_widget_set_visible (GTK_WIDGET (self->addendum_button),
                          signed_ && !supervisor && !of_addendum);
  gtk_widget_set_visible (GTK_WIDGET (self->history_button), draft || signed_);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->mode != MODE_REVISION);
  gtk_widget_set_visible (self->date_box, !addendum && !of_addendum);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button), addendum || of_addendum
                                                                   ? _ ("Back to the Record")
                                                                   : _ ("Back to the Patient"));
  gtk_editable_set_editable (GTK_EDITABLE (self->date_entry), draft);
  gtk_widget_set_visible (self->date_calendar, draft);
  cfd_record_form_set_editable (self->form, draft || addendum);

  if (self->record == NULL)
    return;
  switch (self->mode)
    {
      case MODE_DRAFT:
        if (of_addendum)
          status = g_strdup_printf (_ ("Draft addendum, revision %" PRIu64
                                       ". Changes save themselves as you type; it cannot be "
                                       "changed once signed."),
                                    cfd_record_get_revision (self->record));
        else if (cfd_record_get_kind (self->record) == CFD_RECORD_INTEGRATION)
          /* The integration note lost its session times and plan to the
           * session record; its template's description says where. */
          status = g_strdup_printf (
              _ ("Draft, revision %" PRIu64 ". Changes save themselves as you type. %s"),
              cfd_record_get_revision (self->record),
              cfd_template_get (CFD_RECORD_INTEGRATION)->description);
        else
          status = g_strdup_printf (
              _ ("Draft, revision %" PRIu64 ". Changes save themselves as you type."),
              cfd_record_get_revision (self->record));
        break;
      case MODE_SIGNED:
        {
          g_autofree char *when = cfd_ui_format_date_time (cfd_record_get_signed_at (self->record));
          status = g_strdup_printf (_ ("Signed %s. A signed record cannot be changed; add an "
                                       "addendum instead."),
                                    when);
          break;
        }
      case MODE_ADDENDUM:
        status = g_strdup (_ ("A new addendum to the signed record. It saves itself as a draft "
                              "as you type, and cannot be changed once signed."));
        break;
      case MODE_REVISION:
        {
          g_autofree char *when = cfd_ui_format_date_time (cfd_record_get_updated (self->record));
          status = g_strdup_printf (_ ("Revision %" PRIu64 " as saved %s (read-only)"),
                                    cfd_record_get_revision (self->record), when);
          break;
        }
      case MODE_EMPTY:
      default:
        break;
    }
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
}

static void
update_subtitle (CfdRecordEditor *self)
{
  g_autofree char *pretty_date = NULL;
  g_autofree char *subtitle = NULL;

  if (self->record == NULL)
    return;
  pretty_date = cfd_ui_format_date (cfd_record_get_occurred (self->record));
  subtitle = self->identity != NULL ? g_strdup_printf ("%s · %s", self->identity, pretty_date)
                                    : g_strdup (pretty_date);
  adw_window_title_set_subtitle (self->title, subtitle);
}

static void
show_identity (CfdRecordEditor *self, const char *identity, gboolean risk)
{
  g_free (self->identity);
  self->identity = g_strdup (identity);
  gtk_label_set_label (self->identity_label, identity);
  gtk_widget_set_visible (self->identity_risk, risk);
  gtk_widget_set_visible (self->identity_bar, TRUE);
  update_subtitle (self);
}

static void
show_record (CfdRecordEditor *self, CfdRecord *record, EditorMode mode)
{
  CfdRecordKind kind = cfd_record_get_kind (record);
  const CfdTemplate *tmpl = cfd_template_get (kind);
  GVariant *content = cfd_record_get_content (record); /* transfer none */
  g_autofree char *date = format_iso_date (cfd_record_get_occurred (record));
  g_autofree char *pretty_date = cfd_ui_format_date (cfd_record_get_occurred (record));

  g_set_object (&self->record, record);
  self->mode = mode;
  self->dirty = FALSE;
  set_indicator (self, NULL, FALSE);

  adw_window_title_set_title (self->title, cfd_ui_kind_title (kind));
  update_subtitle (self);
  /* A setting that cannot be read leaves the defaults here; signing in
   * the vault then refuses with what is wrong with it. */
  if (self->vault == NULL
      || !cfd_vault_get_dosing_thresholds (self->vault, &self->thresholds, NULL))
    self->thresholds = cfd_dosing_default_thresholds;
  cfd_record_form_set_dosing_thresholds (self->form, &self->thresholds);
  cfd_record_form_set_template (self->form, tmpl);
  cfd_record_form_set_content (self->form, content);
  if (kind == CFD_RECORD_SESSION && mode == MODE_DRAFT && self->vault != NULL)
    {
      GtkWidget *link = find_named (GTK_WIDGET (self->form), "field-dosing-record");

      if (link != NULL && GTK_IS_EDITABLE (link))
        cfd_dosing_picker_attach (link, self->vault, record);
    }
  g_signal_handlers_block_by_func (self->date_entry, date_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), date);
  g_signal_handlers_unblock_by_func (self->date_entry, date_changed, self);
  update_chrome (self);
  refresh_history (self);
  refresh_addenda (self);
  /* Signed, the record reads as a document; the (read-only) form stays
   * loaded underneath for the addendum and revision views. */
  gtk_widget_set_visible (GTK_WIDGET (self->form), mode != MODE_SIGNED || self->vault == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->record_view),
                          mode == MODE_SIGNED && self->vault != NULL);
  gtk_widget_set_visible (self->date_box,
                          gtk_widget_get_visible (self->date_box) && mode != MODE_SIGNED);
  /* Typos are caught before they are signed into the record. */
  if (mode == MODE_DRAFT || mode == MODE_ADDENDUM)
    cfd_spell_checker_attach_all (GTK_WIDGET (self->form));
  if (mode == MODE_SIGNED && self->vault != NULL)
    {
      cfd_record_view_show (self->record_view, self->vault, record);
      cfd_rems_panel_show (self->rems_panel, self->vault, record);
    }
  else
    {
      cfd_record_view_clear (self->record_view);
      cfd_rems_panel_clear (self->rems_panel);
    }
  if (mode == MODE_SIGNED && self->vault != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!cfd_review_panel_load (self->review_panel, self->vault, record, &error))
        cfd_ui_toast_error (GTK_WIDGET (self), _ ("The reviews could not be read"), error);
    }
}

gboolean
cfd_record_editor_load (CfdRecordEditor *self,
                        CfdVault *vault,
                        const char *record_id,
                        GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autofree char *identity = NULL;
  gboolean risk = FALSE;

  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), FALSE);

  record = cfd_vault_get_record (vault, record_id, error);
  if (record == NULL)
    return FALSE;

  /* Moving between a record and its addenda stays in the same chart. */
  if (self->record != NULL
      && g_strcmp0 (cfd_record_get_patient_id (self->record), cfd_record_get_patient_id (record))
             == 0)
    {
      identity = g_steal_pointer (&self->identity);
      risk = gtk_widget_get_visible (self->identity_risk);
    }
  g_object_ref (vault);
  cfd_record_editor_clear (self);
  self->vault = vault;
  show_record (self, record,
               cfd_record_get_status (record) == CFD_RECORD_SIGNED ? MODE_SIGNED : MODE_DRAFT);
  if (identity != NULL)
    show_identity (self, identity, risk);
  /* Whoever gives the ketamine sees allergies and the medications that
   * change a session before the first field. */
  if (cfd_record_get_kind (record) == CFD_RECORD_DOSING)
    cfd_chart_summary_load (CFD_CHART_SUMMARY (self->chart_banner), vault,
                            cfd_record_get_patient_id (record));
  return TRUE;
}

void
cfd_record_editor_set_patient (CfdRecordEditor *self, CfdPatient *patient)
{
  g_autofree char *identity = NULL;

  g_return_if_fail (CFD_IS_RECORD_EDITOR (self));

  if (patient == NULL || self->record == NULL
      || g_strcmp0 (cfd_patient_get_id (patient), cfd_record_get_patient_id (self->record)) != 0)
    return;
  identity = cfd_ui_patient_identity (patient);
  show_identity (self, identity, cfd_patient_get_risk_flag (patient));
}

gboolean
cfd_record_editor_restore (CfdRecordEditor *self,
                           CfdVault *vault,
                           CfdDraftRecovery *recovery,
                           GError **error)
{
  g_autofree char *date = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  g_autoptr (GError) save_error = NULL;

  g_return_val_if_fail (CFD_IS_RECORD_EDITOR (self), FALSE);
  g_return_val_if_fail (recovery != NULL, FALSE);

  if (!cfd_record_editor_load (
          self, vault, recovery->record_id != NULL ? recovery->record_id : recovery->parent_id,
          error))
    return FALSE;
  if (recovery->parent_id != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "editor.add-addendum", NULL);
  if (self->mode != MODE_DRAFT && self->mode != MODE_ADDENDUM)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_IMMUTABLE,
                           "The record was signed after the draft was sealed; the recovered text "
                           "was kept for you and is not lost");
      return FALSE;
    }
  cfd_record_form_set_content (self->form, recovery->content);
  if (self->mode == MODE_DRAFT && !showing_addendum (self))
    {
      date = format_iso_date (recovery->occurred);
      g_signal_handlers_block_by_func (self->date_entry, date_changed, self);
      gtk_editable_set_text (GTK_EDITABLE (self->date_entry), date);
      g_signal_handlers_unblock_by_func (self->date_entry, date_changed, self);
    }
  self->recovered = TRUE;
  self->dirty = TRUE;
  when = cfd_ui_format_date_time (recovery->sealed_at);
  message = g_strdup_printf (_ ("This draft could not be saved when the vault locked (%s). What "
                                "you had typed was sealed for you and is back; check it."),
                             when);
  gtk_label_set_label (self->recovery_label, message);
  gtk_revealer_set_reveal_child (self->recovery_revealer, TRUE);
  /* Saved now if the disk allows; if not, autosave keeps trying and the
   * sealed copy stays until it succeeds. */
  if (!cfd_record_editor_save (self, &save_error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The recovered draft could not be saved yet"),
                          save_error);
      content_changed (self);
    }
  return TRUE;
}

void
cfd_record_editor_show_revision (CfdRecordEditor *self, CfdRecord *revision)
{
  g_return_if_fail (CFD_IS_RECORD_EDITOR (self));

  cfd_record_editor_clear (self);
  show_record (self, revision, MODE_REVISION);
}

static void
revision_activated (CfdRecordEditor *self, GtkListBoxRow *row)
{
  CfdRecord *revision = g_object_get_data (G_OBJECT (row), "revision");
  GtkWidget *window, *viewer, *box, *header;

  if (revision == NULL)
    return;
  gtk_menu_button_popdown (self->history_button);
  if (self->revision_window != NULL)
    gtk_window_destroy (self->revision_window);

  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 640);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_title (GTK_WINDOW (window), _ ("Earlier Revision"));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  viewer = g_object_new (CFD_TYPE_RECORD_EDITOR, NULL);
  gtk_widget_set_vexpand (viewer, TRUE);
  gtk_box_append (GTK_BOX (box), viewer);
  adw_window_set_content (ADW_WINDOW (window), box);
  cfd_record_editor_show_revision (CFD_RECORD_EDITOR (viewer), revision);
  g_set_weak_pointer (&self->revision_window, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

static void
close_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (widget);

  if (self->mode == MODE_ADDENDUM || showing_addendum (self))
    {
      /* Back from an addendum returns to the record it belongs to, with
       * what was typed saved as a draft addendum. */
      g_autofree char *parent_id = NULL;
      g_autoptr (CfdVault) vault = g_object_ref (self->vault);
      g_autoptr (GError) error = NULL;

      if (!cfd_record_editor_save (self, &error))
        {
          cfd_ui_toast_error (widget, _ ("The draft could not be saved"), error);
          return;
        }
      parent_id = g_strdup (self->mode == MODE_ADDENDUM ? cfd_record_get_id (self->record)
                                                        : cfd_record_get_parent_id (self->record));
      if (!cfd_record_editor_load (self, vault, parent_id, &error))
        cfd_ui_toast_error (widget, _ ("The record could not be opened"), error);
      return;
    }
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
sign_draft (CfdRecordEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *parent_id = NULL;
  g_autoptr (CfdVault) vault = g_object_ref (self->vault);

  /* The first save of a new addendum gives it its id. */
  if (!cfd_record_editor_save (self, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The draft could not be saved"), error);
      return;
    }
  record_id = g_strdup (cfd_record_get_id (self->record));
  parent_id = g_strdup (cfd_record_get_parent_id (self->record));
  if (!cfd_vault_sign_record (vault, record_id, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self),
                          parent_id != NULL ? _ ("The addendum could not be signed")
                                            : _ ("The record could not be signed"),
                          error);
      return;
    }
  /* A signed addendum is shown with the record it belongs to. */
  if (!cfd_record_editor_load (self, vault, parent_id != NULL ? parent_id : record_id, &error))
    cfd_ui_toast_error (GTK_WIDGET (self), _ ("The record could not be opened"), error);
  cfd_ui_toast (GTK_WIDGET (self), parent_id != NULL ? _ ("Addendum signed") : _ ("Record signed"));
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}

/* A new addendum is saved as a draft addendum first, then signed as one. */
static void
sign_addendum (CfdRecordEditor *self)
{
  self->dirty = TRUE;
  sign_draft (self);
}

static void
sign_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  CfdRecordEditor *self = user_data;

  if (g_strcmp0 (response, "sign") != 0 || self->record == NULL)
    return;
  if (self->mode == MODE_DRAFT)
    sign_draft (self);
  else if (self->mode == MODE_ADDENDUM)
    sign_addendum (self);
}

static void
not_ready_dialog (CfdRecordEditor *self, const char *problems)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              _ ("Not Ready to Sign"), problems);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Keep Editing"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Signing is where validity is required: everything that is wrong or
 * unanswered is listed at once, before the confirmation; values that are
 * valid but unusual are named in the confirmation itself. */
static void
sign_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (widget);
  const CfdTemplate *tmpl;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) computed = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;
  g_autoptr (GString) body = NULL;
  GtkWidget *dialog;

  if (self->mode != MODE_DRAFT && self->mode != MODE_ADDENDUM)
    return;
  tmpl = cfd_template_get (self->mode == MODE_ADDENDUM ? CFD_RECORD_ADDENDUM
                                                       : cfd_record_get_kind (self->record));
  content = cfd_record_form_get_content (self->form);
  computed = cfd_template_compute_draft (tmpl, content);
  if (self->mode == MODE_ADDENDUM && g_variant_n_children (content) == 0)
    {
      cfd_ui_toast (widget, _ ("Write the addendum before signing it"));
      return;
    }
  if (!cfd_template_check_signable_with (tmpl, computed, &self->thresholds, &error))
    {
      not_ready_dialog (self, error->message);
      return;
    }

  body = g_string_new (_ ("Signing cannot be undone. A signed record can no longer be changed; "
                          "later corrections become addenda."));
  warnings = cfd_template_plausibility_warnings (tmpl, computed);
  if (warnings != NULL)
    {
      g_string_append_printf (body, "\n\n%s", _ ("Please check these values first:"));
      for (guint i = 0; warnings[i] != NULL; i++)
        g_string_append_printf (body, "\n• %s", warnings[i]);
    }
  dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (widget)),
      self->mode == MODE_ADDENDUM ? _ ("Sign the Addendum?") : _ ("Sign the Record?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "sign",
                                    warnings != NULL ? _ ("_Sign Anyway") : _ ("_Sign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign",
                                              warnings != NULL ? ADW_RESPONSE_DESTRUCTIVE
                                                               : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
discard_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  CfdRecordEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *parent_id = NULL;

  if (g_strcmp0 (response, "discard") != 0 || self->record == NULL || self->mode != MODE_DRAFT)
    return;
  vault = g_object_ref (self->vault);
  record_id = g_strdup (cfd_record_get_id (self->record));
  parent_id = g_strdup (cfd_record_get_parent_id (self->record));
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (!cfd_vault_discard_draft (vault, record_id, &error))
    {
      cfd_ui_toast_error (GTK_WIDGET (self), _ ("The draft could not be discarded"), error);
      return;
    }
  /* Nothing of it is left to save, nor to restore after a lock. */
  self->dirty = FALSE;
  if (self->recovered && !cfd_vault_forget_draft_recovery (vault, &error))
    g_debug ("The discarded draft's sealed copy stays: %s", error->message);
  cfd_ui_toast (GTK_WIDGET (self), _ ("Draft discarded"));
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  if (parent_id != NULL)
    {
      g_autoptr (GError) load_error = NULL;

      if (!cfd_record_editor_load (self, vault, parent_id, &load_error))
        cfd_ui_toast_error (GTK_WIDGET (self), _ ("The record could not be opened"), load_error);
      return;
    }
  /* Back to the patient (the workspace clears the editor on "closed"). */
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
discard_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (widget);
  GtkWidget *dialog;

  if (self->mode != MODE_DRAFT || self->record == NULL)
    return;
  dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Discard This Draft?"),
      _ ("The draft and its earlier revisions will be deleted. This cannot be undone, and it is "
         "recorded in the audit log. Signed records are never discarded."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dismiss_banner_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_revealer_set_reveal_child (CFD_RECORD_EDITOR (widget)->recovery_revealer, FALSE);
}

static void
addendum_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (widget);

  if (self->mode != MODE_SIGNED)
    return;
  self->mode = MODE_ADDENDUM;
  self->dirty = FALSE;
  set_indicator (self, NULL, FALSE);
  adw_window_title_set_title (self->title, _ ("New Addendum"));
  cfd_record_form_set_template (self->form, cfd_template_get (CFD_RECORD_ADDENDUM));
  cfd_record_form_set_content (self->form, NULL);
  update_chrome (self);
  /* From the signed record's page to a form to type the addendum in. */
  cfd_record_view_clear (self->record_view);
  cfd_rems_panel_clear (self->rems_panel);
  gtk_widget_set_visible (GTK_WIDGET (self->record_view), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->form), TRUE);
  cfd_spell_checker_attach_all (GTK_WIDGET (self->form));
  gtk_list_box_bind_model (self->revision_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->addenda_list, NULL, NULL, NULL, NULL);
  gtk_widget_set_visible (self->addenda_box, FALSE);
  gtk_widget_child_focus (GTK_WIDGET (self->form), GTK_DIR_TAB_FORWARD);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (widget);
  g_autoptr (GError) error = NULL;

  gboolean had_changes = self->dirty;

  if (!cfd_record_editor_save (self, &error))
    cfd_ui_toast_error (widget, _ ("The draft could not be saved"), error);
  else if (had_changes)
    cfd_ui_toast (widget, _ ("Draft saved"));
}

static void
cfd_record_editor_dispose (GObject *object)
{
  CfdRecordEditor *self = CFD_RECORD_EDITOR (object);

  cfd_record_editor_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CFD_TYPE_RECORD_EDITOR);
  cfd_ui_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cfd_record_editor_parent_class)->dispose (object);
}

static void
cfd_record_editor_class_init (CfdRecordEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_record_editor_dispose;

  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);
  signals[RECORDS_CHANGED] = g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CFD_TYPE_RECORD_FORM);
  g_type_ensure (CFD_TYPE_REVIEW_PANEL);
  g_type_ensure (CFD_TYPE_RECORD_VIEW);
  g_type_ensure (CFD_TYPE_REMS_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-record-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, title);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, saved_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, sign_button);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, discard_button);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, addendum_button);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, identity_bar);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, identity_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, identity_risk);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, recovery_revealer);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, history_button);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, back_button);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, date_entry);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, date_row);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, date_box);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, form);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, review_panel);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, record_view);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, rems_panel);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, revision_list);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, addenda_box);
  gtk_widget_class_bind_template_child (widget_class, CfdRecordEditor, addenda_list);
  gtk_widget_class_bind_template_callback (widget_class, content_changed);
  gtk_widget_class_bind_template_callback (widget_class, date_changed);
  gtk_widget_class_bind_template_callback (widget_class, revision_activated);
  gtk_widget_class_bind_template_callback (widget_class, addendum_activated);

  gtk_widget_class_install_action (widget_class, "editor.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "editor.sign", NULL, sign_action);
  gtk_widget_class_install_action (widget_class, "editor.add-addendum", NULL, addendum_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "editor.dismiss-banner", NULL,
                                   dismiss_banner_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.close", NULL);
}

static void
cfd_record_editor_init (CfdRecordEditor *self)
{
  self->autosave_delay = 1500;
  gtk_widget_init_template (GTK_WIDGET (self));
  {
    g_autofree char *hint = cfd_date_input_hint ();

    gtk_entry_set_placeholder_text (self->date_entry, hint);
    self->date_calendar
        = cfd_date_input_button_new (GTK_EDITABLE (self->date_entry), _ ("Session Date"));
    gtk_box_append (self->date_row, self->date_calendar);
  }
  self->chart_banner = cfd_chart_summary_new (CFD_CHART_SUMMARY_BANNER);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->identity_bar)),
                              self->chart_banner, self->identity_bar);
}
