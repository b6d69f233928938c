/* cfd-disclosures-window.c: a patient's accounting of disclosures (45 CFR 164.528), from the patient page. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-disclosures-window.h"
#include "cfd-ui-util.h"

struct _CfdDisclosuresWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkStack *stack;
  GtkLabel *summary_label;
  GtkListBox *disclosure_list;
  AdwStatusPage *empty_page;
  AdwStatusPage *error_page;
  GtkLabel *authorization_summary;
  GtkListBox *authorization_list;
};

G_DEFINE_FINAL_TYPE (CfdDisclosuresWindow, cfd_disclosures_window, ADW_TYPE_WINDOW)

/* How the record left, in the words of the export dialog. */
static const char *
action_title (const char *action)
{
  if (g_strcmp0 (action, "patient.export") == 0)
    return _ ("PDF");
  if (g_strcmp0 (action, "patient.print") == 0)
    return _ ("Print");
  if (g_strcmp0 (action, "patient.export-fhir") == 0)
    return _ ("FHIR (JSON)");
  if (g_strcmp0 (action, "patient.export-csv") == 0)
    return _ ("Measures (CSV)");
  if (g_strcmp0 (action, "capsule.export") == 0)
    return _ ("Capsule");
  if (g_strcmp0 (action, "patient.export-rems") == 0)
    return _ ("REMS form (PDF)");
  return action;
}

static GtkWidget *
create_row (CfdDisclosure *disclosure)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = cfd_ui_format_date_time (disclosure->time);
  g_autofree char *subtitle = NULL;

  /* Patient-chosen text reaches a label as text, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), disclosure->recipient);
  subtitle = g_strdup_printf (_ ("%s · %s by %s\nPurpose: %s\nBasis: %s\n%s"), when,
                              action_title (disclosure->action), disclosure->actor_name,
                              disclosure->purpose, disclosure->basis, disclosure->description);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_name (row, "disclosure_row");
  return row;
}

static void
show_error (CfdDisclosuresWindow *self, const GError *error)
{
  if (g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    {
      adw_status_page_set_title (self->error_page, _ ("Accounting Tampered With"));
      adw_status_page_set_description (
          self->error_page,
          _ ("A disclosure no longer matches its record in the audit log: the accounting was "
             "changed outside Confidant and cannot be shown as true. Verify the audit log and "
             "restore from a backup."));
    }
  else
    {
      adw_status_page_set_title (self->error_page, _ ("Disclosures Could Not Be Read"));
      adw_status_page_set_description (self->error_page, error->message);
    }
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
load (CfdDisclosuresWindow *self, CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *start = NULL;
  g_autofree char *summary = NULL;
  gint64 since = cfd_disclosure_accounting_start (vault);

  list = cfd_vault_list_disclosures (vault, patient_id, since, &error);
  if (list == NULL)
    {
      show_error (self, error);
      return;
    }
  start = cfd_ui_format_date (since);
  if (list->len == 0)
    {
      g_autofree char *description = g_strdup_printf (
          _ ("Nothing of this patient’s record was exported, printed or sent in a capsule since "
             "%s. Each disclosure will be listed here with its recipient, purpose and basis."),
          start);

      adw_status_page_set_description (self->empty_page, description);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  summary = g_strdup_printf (
      ngettext ("%u disclosure since %s, the six years the accounting covers, newest first.",
                "%u disclosures since %s, the six years the accounting covers, newest first.",
                list->len),
      list->len, start);
  gtk_label_set_text (self->summary_label, summary);
  /* The core lists oldest first; the latest is what is asked about most. */
  for (guint i = list->len; i > 0; i--)
    gtk_list_box_append (self->disclosure_list, create_row (g_ptr_array_index (list, i - 1)));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

/* One authorization's terms in the app's language (confidant-cli prints
 * cfd_authorization_describe()'s English). The terms stay as recorded. */
static char *
describe_authorization (CfdAuthorization *a)
{
  const char *recipient = cfd_authorization_get_term (a, CFD_AUTHORIZATION_RECIPIENT);
  const char *purpose = cfd_authorization_get_term (a, CFD_AUTHORIZATION_PURPOSE);
  const char *until = cfd_authorization_get_term (a, cfd_authorization_get_expires (a) != 0
                                                         ? CFD_AUTHORIZATION_EXPIRES
                                                         : CFD_AUTHORIZATION_EXPIRY_EVENT);
  const char *signed_by = cfd_authorization_get_term (a, CFD_AUTHORIZATION_SIGNED_BY);
  const char *signed_on = cfd_authorization_get_term (a, CFD_AUTHORIZATION_SIGNED_ON);
  g_autofree char *terms = NULL;
  g_autofree char *revoked = NULL;

  if (cfd_authorization_get_scope (a) == CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY)
    /* Translators: recipient, purpose, expiry date or event, who signed, the date signed */
    terms = g_strdup_printf (_ ("Psychotherapy notes to %s, for %s, until %s; signed by %s on %s"),
                             recipient, purpose, until, signed_by, signed_on);
  else
    /* Translators: recipient, purpose, expiry date or event, who signed, the date signed */
    terms = g_strdup_printf (_ ("The medical record to %s, for %s, until %s; signed by %s on %s"),
                             recipient, purpose, until, signed_by, signed_on);
  if (cfd_authorization_get_revoked_at (a) == 0)
    return g_steal_pointer (&terms);
  revoked = cfd_ui_format_date (cfd_authorization_get_revoked_at (a));
  /* Translators: an authorization's terms, then the date it was revoked */
  return g_strdup_printf (_ ("%s; revoked on %s"), terms, revoked);
}

/* The patient's written authorizations (45 CFR 164.508), live or not,
 * each with its history: what a disclosure under one can be checked against. */
static void
load_authorizations (CfdDisclosuresWindow *self, CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = cfd_vault_list_authorizations (vault, patient_id, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n = list != NULL ? g_list_model_get_n_items (list) : 0;

  gtk_widget_set_visible (GTK_WIDGET (self->authorization_list), n > 0);
  if (list == NULL)
    {
      gtk_label_set_text (self->authorization_summary, error->message);
      return;
    }
  if (n == 0)
    {
      gtk_label_set_text (self->authorization_summary,
                          _ ("None recorded. Psychotherapy notes leave only under a recorded, live "
                             "authorization (confidant-cli authorization add)."));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->authorization_summary), FALSE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdAuthorization) a = g_list_model_get_item (list, i);
      g_autofree char *summary = describe_authorization (a);
      g_autofree char *recorded = cfd_ui_format_date_time (cfd_authorization_get_created (a));
      g_autofree char *subtitle = NULL;
      const char *state = cfd_authorization_state (a, now);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
      subtitle = g_strdup_printf (_ ("%s · recorded %s · %s"),
                                  g_strcmp0 (state, "live") == 0      ? _ ("Live")
                                  : g_strcmp0 (state, "revoked") == 0 ? _ ("Revoked")
                                                                      : _ ("Expired"),
                                  recorded, cfd_authorization_get_id (a));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_set_name (row, "authorization_row");
      gtk_list_box_append (self->authorization_list, row);
    }
}

static void
cfd_disclosures_window_class_init (CfdDisclosuresWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/confidant/Confidant/cfd-disclosures-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, title);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, disclosure_list);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, authorization_summary);
  gtk_widget_class_bind_template_child (widget_class, CfdDisclosuresWindow, authorization_list);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_disclosures_window_init (CfdDisclosuresWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfdDisclosuresWindow *
cfd_disclosures_window_new (GtkWindow *parent,
                            CfdVault *vault,
                            const char *patient_id,
                            const char *patient_name)
{
  CfdDisclosuresWindow *self;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (CFD_TYPE_DISCLOSURES_WINDOW, "transient-for", parent, NULL);
  adw_window_title_set_subtitle (self->title, patient_name != NULL ? patient_name : "");
  /* The rows hold patient text: the window goes with the lock. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  load (self, vault, patient_id);
  /* A supervisor sees no authorizations: they are the practice's. */
  if (cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR)
    load_authorizations (self, vault, patient_id);
  else
    gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->authorization_list)), FALSE);
  return self;
}

const char *
cfd_disclosures_window_get_state (CfdDisclosuresWindow *self)
{
  g_return_val_if_fail (CFD_IS_DISCLOSURES_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
