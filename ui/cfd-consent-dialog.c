/* cfd-consent-dialog.c: recording a patient's consent to a supervisor's review, term by term. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-consent-dialog.h"
#include "cfd-date-input.h"

struct _CfdConsentDialog
{
  AdwWindow parent_instance;

  CfdVault *vault;
  char *patient_id;
  GPtrArray *supervisor_ids; /* char *, in the order of supervisor_row's model */

  AdwComboRow *supervisor_row;
  AdwComboRow *scope_row;
  AdwEntryRow *from_row;
  AdwEntryRow *to_row;
  AdwEntryRow *purpose_row;
  AdwEntryRow *obtained_row;
  AdwComboRow *method_row;
  AdwEntryRow *expires_row;
  GtkLabel *error_label;

  char *obtained_on; /* ISO, of what obtained_row says */
};

G_DEFINE_FINAL_TYPE (CfdConsentDialog, cfd_consent_dialog, ADW_TYPE_WINDOW)

enum
{
  GRANTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A date typed the locale's way or as ISO, as seconds (UTC, as core
 * shows consent dates), at the start of the day or its last second; ""
 * is 0 when optional. The day itself, ISO, goes to *iso when asked for. */
static gboolean
parse_date (
    AdwEntryRow *row, gboolean optional, gboolean end_of_day, gint64 *seconds, char **iso_out)
{
  g_autofree char *iso
      = cfd_date_input_parse (gtk_editable_get_text (GTK_EDITABLE (row)),
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), NULL);
  g_autoptr (GDateTime) time = NULL;
  gboolean ok;

  *seconds = 0;
  if (iso == NULL)
    ok = optional && gtk_editable_get_text (GTK_EDITABLE (row))[0] == '\0';
  else
    {
      ok = (time
            = g_date_time_new_utc (atoi (iso), atoi (iso + 5), atoi (iso + 8), end_of_day ? 23 : 0,
                                   end_of_day ? 59 : 0, end_of_day ? 59 : 0))
           != NULL;
      if (ok)
        *seconds = g_date_time_to_unix (time);
    }
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  if (iso_out != NULL)
    *iso_out = g_steal_pointer (&iso);
  return ok;
}

static gboolean
read_terms (CfdConsentDialog *self, CfdConsentTerms *terms)
{
  guint supervisor = adw_combo_row_get_selected (self->supervisor_row);
  GtkStringObject *method = adw_combo_row_get_selected_item (self->method_row);
  gint64 obtained;
  gboolean ok = TRUE;

  memset (terms, 0, sizeof *terms);
  ok &= supervisor < self->supervisor_ids->len;
  if (ok)
    terms->supervisor = g_ptr_array_index (self->supervisor_ids, supervisor);
  terms->scope = (CfdConsentScope)adw_combo_row_get_selected (self->scope_row);
  ok &= parse_date (self->from_row, TRUE, FALSE, &terms->records_from, NULL);
  ok &= parse_date (self->to_row, TRUE, TRUE, &terms->records_to, NULL);
  g_clear_pointer (&self->obtained_on, g_free);
  ok &= parse_date (self->obtained_row, FALSE, FALSE, &obtained, &self->obtained_on);
  ok &= parse_date (self->expires_row, TRUE, TRUE, &terms->expires, NULL);
  terms->purpose = gtk_editable_get_text (GTK_EDITABLE (self->purpose_row));
  terms->obtained_on = self->obtained_on != NULL ? self->obtained_on : "";
  terms->method = method != NULL ? gtk_string_object_get_string (method) : "";
  return ok;
}

static void
update_state (CfdConsentDialog *self)
{
  CfdConsentTerms terms;
  g_autofree char *purpose = NULL;
  gboolean ok;

  /* Rows notify while the template is still being built. */
  if (self->expires_row == NULL)
    return;
  purpose = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->purpose_row))));
  ok = read_terms (self, &terms) && purpose[0] != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "consent.grant", ok);
}

static void
grant_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CfdConsentDialog *self = CFD_CONSENT_DIALOG (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  CfdConsentTerms terms;

  if (!read_terms (self, &terms))
    return;
  id = cfd_vault_grant_consent (self->vault, self->patient_id, &terms, &error);
  if (id == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The consent could not be recorded: %s"), error->message);

      gtk_label_set_label (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[GRANTED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
fill_supervisors (CfdConsentDialog *self)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users (self->vault);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *info = g_ptr_array_index (users, i);

      if (info->role != CFD_ROLE_SUPERVISOR)
        continue;
      gtk_string_list_append (names, info->name);
      g_ptr_array_add (self->supervisor_ids, g_strdup (info->id));
    }
  {
    g_autoptr (GPtrArray) cards = cfd_vault_list_card_supervisors (self->vault, NULL);

    /* Supervisors on their own computers, known here by their card. */
    for (guint i = 0; cards != NULL && i < cards->len; i++)
      {
        CfdUserInfo *info = g_ptr_array_index (cards, i);
        /* Translators: a supervisor known by the card they sent */
        g_autofree char *label = g_strdup_printf (_ ("%s (by card)"), info->name);

        gtk_string_list_append (names, label);
        g_ptr_array_add (self->supervisor_ids, g_strdup (info->id));
      }
  }
  adw_combo_row_set_model (self->supervisor_row, G_LIST_MODEL (names));
  if (self->supervisor_ids->len == 0)
    {
      gtk_label_set_label (self->error_label,
                           _ ("This vault has no supervisor yet. The owner adds one in "
                              "Preferences, under Users."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
}

CfdConsentDialog *
cfd_consent_dialog_new (GtkWindow *parent, CfdVault *vault, const char *patient_id)
{
  CfdConsentDialog *self;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today_iso = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *today = cfd_date_input_format (today_iso);

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (CFD_TYPE_CONSENT_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  self->patient_id = g_strdup (patient_id);
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  fill_supervisors (self);
  gtk_editable_set_text (GTK_EDITABLE (self->obtained_row), today);
  update_state (self);
  return self;
}

static void
cfd_consent_dialog_dispose (GObject *object)
{
  CfdConsentDialog *self = CFD_CONSENT_DIALOG (object);

  g_clear_object (&self->vault);
  G_OBJECT_CLASS (cfd_consent_dialog_parent_class)->dispose (object);
}

static void
cfd_consent_dialog_finalize (GObject *object)
{
  CfdConsentDialog *self = CFD_CONSENT_DIALOG (object);

  g_free (self->patient_id);
  g_free (self->obtained_on);
  g_ptr_array_unref (self->supervisor_ids);
  G_OBJECT_CLASS (cfd_consent_dialog_parent_class)->finalize (object);
}

static void
cfd_consent_dialog_class_init (CfdConsentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cfd_consent_dialog_dispose;
  object_class->finalize = cfd_consent_dialog_finalize;

  signals[GRANTED] = g_signal_new ("granted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-consent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, supervisor_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, from_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, to_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, purpose_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, obtained_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, expires_row);
  gtk_widget_class_bind_template_child (widget_class, CfdConsentDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, update_state);

  gtk_widget_class_install_action (widget_class, "consent.grant", NULL, grant_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_consent_dialog_init (CfdConsentDialog *self)
{
  self->supervisor_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  cfd_date_input_setup_row (self->from_row, _ ("Sessions From"), TRUE);
  cfd_date_input_setup_row (self->to_row, _ ("Sessions Up To"), TRUE);
  cfd_date_input_setup_row (self->obtained_row, _ ("Obtained On"), FALSE);
  cfd_date_input_setup_row (self->expires_row, _ ("Expires On"), TRUE);
}
