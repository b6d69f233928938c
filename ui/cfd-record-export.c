/* cfd-record-export.c: exporting a patient's record (PDF, FHIR, measures as CSV) and printing it, from the patient page. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"
#include "cfd-data-export.h"
#include "cfd-record-export.h"
#include "cfd-ui-util.h"

/* ---- printing ---- */

typedef struct
{
  GtkWidget *parent;
  CfdVault *vault;
  CfdRecordDocument *document;
  gboolean running_async;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_clear_object (&job->parent);
  g_clear_object (&job->vault);
  /* The laid-out pages hold patient text; wiped with the document. */
  g_clear_pointer (&job->document, cfd_record_document_free);
  g_free (job);
}

static void
begin_print (GtkPrintOperation *operation, GtkPrintContext *context, PrintJob *job)
{
  GtkPageSetup *setup = gtk_print_context_get_page_setup (context);
  guint pages;

  /* The operation's unit is points, so cairo's user space is too: the
   * renderer lays out as it does for the PDF, on the printable area. */
  pages
      = cfd_record_document_paginate (job->document, gtk_print_context_get_cairo_context (context),
                                      gtk_page_setup_get_page_width (setup, GTK_UNIT_POINTS),
                                      gtk_page_setup_get_page_height (setup, GTK_UNIT_POINTS));
  gtk_print_operation_set_n_pages (operation, (int)pages);
}

static void
draw_page (GtkPrintOperation *operation, GtkPrintContext *context, int page, PrintJob *job)
{
  cfd_record_document_draw_page (job->document, gtk_print_context_get_cairo_context (context),
                                 (guint)page);
}

static void
print_finished (GtkPrintOperation *operation, GtkPrintOperationResult result, PrintJob *job)
{
  g_autoptr (GError) audit_error = NULL;
  GError *print_error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_CANCEL
      || result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS || !cfd_vault_is_unlocked (job->vault))
    return; /* nothing left the machine */
  if (!cfd_record_document_audit (job->document, job->vault,
                                  result == GTK_PRINT_OPERATION_RESULT_APPLY, &audit_error))
    g_warning ("Could not record a print in the audit log: %s", audit_error->message);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &print_error);
      if (print_error != NULL)
        cfd_ui_toast_error (job->parent, _ ("The record could not be printed"), print_error);
      else
        cfd_ui_toast (job->parent, _ ("The record could not be printed"));
      g_clear_error (&print_error);
      return;
    }
  cfd_ui_toast (job->parent, cfd_record_document_includes_psychotherapy (job->document)
                                 ? _ ("Record sent to print, psychotherapy notes included")
                                 : _ ("Record sent to print"));
}

static void
print_done (GtkPrintOperation *operation, GtkPrintOperationResult result, PrintJob *job)
{
  if (job->running_async)
    print_finished (operation, result, job);
}

static void
vault_locked (CfdVault *vault, GtkPrintOperation *operation)
{
  gtk_print_operation_cancel (operation);
}

void
cfd_record_export_print (GtkWidget *parent,
                         CfdVault *vault,
                         const char *patient_id,
                         gboolean include_psychotherapy,
                         GtkPrintOperationAction action,
                         const char *export_filename)
{
  cfd_record_export_print_for (parent, vault, patient_id, include_psychotherapy, NULL, action,
                               export_filename);
}

void
cfd_record_export_print_for (GtkWidget *parent,
                             CfdVault *vault,
                             const char *patient_id,
                             gboolean include_psychotherapy,
                             const CfdDisclosureTerms *terms,
                             GtkPrintOperationAction action,
                             const char *export_filename)
{
  g_autoptr (GtkPrintOperation) operation = NULL;
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result;
  PrintJob *job;
  CfdRecordDocument *document;

  document = cfd_record_document_new_for (vault, patient_id, CFD_RECORD_DOCUMENT_PRINT,
                                          include_psychotherapy, terms, &error);
  if (document == NULL)
    {
      cfd_ui_toast_error (parent, _ ("The record could not be printed"), error);
      return;
    }
  job = g_new0 (PrintJob, 1);
  job->parent = g_object_ref (parent);
  job->vault = g_object_ref (vault);
  job->document = document;

  operation = gtk_print_operation_new ();
  /* Print queues are visible to others: the job is not named after the patient. */
  gtk_print_operation_set_job_name (operation, _ ("Patient record"));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (export_filename != NULL)
    gtk_print_operation_set_export_filename (operation, export_filename);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page), job);
  g_signal_connect (operation, "done", G_CALLBACK (print_done), job);
  g_object_set_data_full (G_OBJECT (operation), "job", job, (GDestroyNotify)print_job_free);
  /* Disconnected by itself when the operation goes. */
  g_signal_connect_object (vault, "locked", G_CALLBACK (vault_locked), operation, 0);
  gtk_print_operation_set_allow_async (operation,
                                       action == GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG);

  result = gtk_print_operation_run (operation, action, GTK_WINDOW (gtk_widget_get_root (parent)),
                                    &error);
  if (result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    {
      /* "done" comes later; the operation keeps itself (and the job) alive until then. */
      job->running_async = TRUE;
      return;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL)
    {
      g_autoptr (GError) audit_error = NULL;

      if (!cfd_record_document_audit (job->document, vault, FALSE, &audit_error))
        g_warning ("Could not record a print in the audit log: %s", audit_error->message);
      cfd_ui_toast_error (parent, _ ("The record could not be printed"), error);
      return;
    }
  print_finished (operation, result, job);
}

/* ---- PDF export ---- */

typedef struct
{
  GtkWidget *parent;
  char *name;
  gboolean include_psychotherapy;
} ExportDone;

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportDone *done = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint pages = 0;

  if (!cfd_vault_export_patient_pdf_finish (CFD_VAULT (source), result, &pages, &error))
    cfd_ui_toast_error (done->parent, _ ("The record was not exported"), error);
  else
    {
      message = g_strdup_printf (
          done->include_psychotherapy
              ? ngettext ("Exported %u page to “%s”, psychotherapy notes included",
                          "Exported %u pages to “%s”, psychotherapy notes included", pages)
              : ngettext ("Exported %u page to “%s”", "Exported %u pages to “%s”", pages),
          pages, done->name);
      cfd_ui_toast (done->parent, message);
    }
  g_object_unref (done->parent);
  g_free (done->name);
  g_free (done);
}

void
cfd_record_export_pdf (GtkWidget *parent,
                       CfdVault *vault,
                       const char *patient_id,
                       gboolean include_psychotherapy,
                       const char *path)
{
  cfd_record_export_pdf_for (parent, vault, patient_id, include_psychotherapy, NULL, path);
}

void
cfd_record_export_pdf_for (GtkWidget *parent,
                           CfdVault *vault,
                           const char *patient_id,
                           gboolean include_psychotherapy,
                           const CfdDisclosureTerms *terms,
                           const char *path)
{
  ExportDone *done = g_new0 (ExportDone, 1);

  cfd_ui_forget_recent (path);
  done->parent = g_object_ref (parent);
  done->name = g_filename_display_basename (path);
  done->include_psychotherapy = include_psychotherapy;
  cfd_vault_export_patient_pdf_for_async (vault, patient_id, include_psychotherapy, terms, path,
                                          NULL, exported, done);
}

typedef struct
{
  GtkWidget *parent;
  CfdVault *vault;
  char *patient_id;
  gboolean include_psychotherapy;
  CfdExportFormat format;
  /* The patient's authorization that releases psychotherapy notes. */
  char *authorization;
  /* What the person exporting stated (45 CFR 164.528). */
  char *recipient;
  char *purpose;
  char *basis;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_clear_object (&request->parent);
  g_clear_object (&request->vault);
  g_free (request->patient_id);
  g_free (request->recipient);
  g_free (request->purpose);
  g_free (request->basis);
  g_free (request->authorization);
  g_free (request);
}

static CfdDisclosureTerms
request_terms (ExportRequest *request)
{
  return (CfdDisclosureTerms){ request->recipient, request->purpose, request->basis };
}

/* Psychotherapy notes go into a PDF or a print only under the chosen
 * authorization, checked again now (it may have been revoked meanwhile);
 * the basis stated then names it. FALSE, with the reason shown, when it is
 * refused. */
static gboolean
authorized_terms (ExportRequest *request, const char *action, CfdDisclosureTerms *terms)
{
  g_autoptr (GError) error = NULL;
  char *basis;

  if (!request->include_psychotherapy)
    return TRUE;
  basis = cfd_vault_authorize_psychotherapy_release (
      request->vault, request->patient_id, request->authorization, action, request->basis, &error);
  if (basis == NULL)
    {
      cfd_ui_toast_error (request->parent,
                          g_str_equal (action, "patient.print")
                              ? _ ("The record could not be printed")
                              : _ ("The record was not exported"),
                          error);
      return FALSE;
    }
  g_free (request->basis);
  request->basis = basis;
  terms->basis = basis;
  return TRUE;
}

static void
file_chosen (GtkNativeDialog *chooser, int response, ExportRequest *request)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (file != NULL && path == NULL)
    cfd_ui_toast (request->parent,
                  _ ("The record was not exported: choose a folder on this computer"));
  else if (path != NULL && cfd_vault_is_unlocked (request->vault))
    {
      CfdDisclosureTerms terms = request_terms (request);

      if (request->format == CFD_EXPORT_FORMAT_FHIR)
        cfd_data_export_fhir (request->parent, request->vault, request->patient_id,
                              request->include_psychotherapy ? request->authorization : NULL,
                              &terms, path);
      else if (request->format == CFD_EXPORT_FORMAT_CSV)
        cfd_data_export_csv (request->parent, request->vault, request->patient_id, &terms, path);
      else if (authorized_terms (request, "patient.export", &terms))
        cfd_record_export_pdf_for (request->parent, request->vault, request->patient_id,
                                   request->include_psychotherapy, &terms, path);
    }
  export_request_free (request);
  g_object_unref (chooser);
}

static void
choose_file (ExportRequest *request)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  /* GtkFileDialog is GTK 4.10; Debian 12 has 4.8. */
  chooser = gtk_file_chooser_native_new (
      _ ("Export Patient Record"), GTK_WINDOW (gtk_widget_get_root (request->parent)),
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Named generically: file names show up in recent-file lists. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     cfd_export_format_file_name (request->format));
  switch (request->format)
    {
      case CFD_EXPORT_FORMAT_FHIR:
        gtk_file_filter_set_name (filter, _ ("FHIR bundles (JSON)"));
        gtk_file_filter_add_mime_type (filter, "application/fhir+json");
        gtk_file_filter_add_mime_type (filter, "application/json");
        break;
      case CFD_EXPORT_FORMAT_CSV:
        gtk_file_filter_set_name (filter, _ ("CSV spreadsheets"));
        gtk_file_filter_add_mime_type (filter, "text/csv");
        break;
      case CFD_EXPORT_FORMAT_PDF:
      default:
        gtk_file_filter_set_name (filter, _ ("PDF documents"));
        gtk_file_filter_add_mime_type (filter, "application/pdf");
        break;
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the question ---- */

static char *
entry_text (AdwMessageDialog *dialog, const char *key)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), key);

  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static CfdExportFormat
chosen_format (AdwMessageDialog *dialog)
{
  GtkDropDown *formats = g_object_get_data (G_OBJECT (dialog), "format");

  return formats != NULL ? (CfdExportFormat)gtk_drop_down_get_selected (formats)
                         : CFD_EXPORT_FORMAT_PDF;
}

/* Psychotherapy notes leave, in any format, only under a recorded
 * authorization of the patient (45 CFR 164.508(a)(2)): FHIR names it in the
 * bundle itself (core/document/cfd-export-fhir.h), a PDF or print in the
 * basis its disclosure record states. Measures hold none. */
static gboolean
needs_authorization (AdwMessageDialog *dialog)
{
  GtkCheckButton *check = g_object_get_data (G_OBJECT (dialog), "include-psychotherapy");

  return chosen_format (dialog) != CFD_EXPORT_FORMAT_CSV && gtk_check_button_get_active (check);
}

static void terms_changed (GtkEditable *changed, AdwMessageDialog *dialog);

static void
authorization_changed (GtkDropDown *choice, GParamSpec *pspec, AdwMessageDialog *dialog)
{
  terms_changed (NULL, dialog);
}

/* The id of the authorization chosen, or NULL when there is none to choose. */
static char *
chosen_authorization (AdwMessageDialog *dialog)
{
  GtkDropDown *choice = g_object_get_data (G_OBJECT (dialog), "authorization");
  GPtrArray *ids = g_object_get_data (G_OBJECT (dialog), "authorization-ids");
  guint selected = choice != NULL ? gtk_drop_down_get_selected (choice) : GTK_INVALID_LIST_POSITION;

  return ids != NULL && selected < ids->len ? g_strdup (g_ptr_array_index (ids, selected)) : NULL;
}

/* The patient's live authorizations for psychotherapy notes (45 CFR
 * 164.508(a)(2)) to choose from; only a recorded one releases them. */
static void
add_authorization_choice (GtkWidget *box,
                          AdwMessageDialog *dialog,
                          CfdVault *vault,
                          const char *patient_id)
{
  g_autoptr (GListModel) all = cfd_vault_list_authorizations (vault, patient_id, NULL);
  g_autoptr (GStrvBuilder) labels = g_strv_builder_new ();
  g_auto (GStrv) strings = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *title = gtk_label_new_with_mnemonic (_ ("_Authorization"));
  GtkWidget *dropdown;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; all != NULL && i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (CfdAuthorization) a = g_list_model_get_item (all, i);
      g_autofree char *until = NULL;
      g_autofree char *label = NULL;

      if (!cfd_authorization_is_live (a, now)
          || cfd_authorization_get_scope (a) != CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY)
        continue;
      until = g_strdup (cfd_authorization_get_expires (a) != 0
                            ? cfd_authorization_get_term (a, CFD_AUTHORIZATION_EXPIRES)
                            : cfd_authorization_get_term (a, CFD_AUTHORIZATION_EXPIRY_EVENT));
      g_ptr_array_add (ids, g_strdup (cfd_authorization_get_id (a)));
      label = g_strdup_printf (_ ("To %s, until %s (signed %s)"),
                               cfd_authorization_get_term (a, CFD_AUTHORIZATION_RECIPIENT), until,
                               cfd_authorization_get_term (a, CFD_AUTHORIZATION_SIGNED_ON));
      g_strv_builder_add (labels, label);
    }
  if (ids->len == 0)
    g_strv_builder_add (labels, _ ("None recorded for psychotherapy notes"));
  strings = g_strv_builder_end (labels);
  dropdown = gtk_drop_down_new_from_strings ((const char *const *)strings);
  gtk_widget_set_name (dropdown, "authorization_dropdown");
  gtk_widget_set_sensitive (dropdown, ids->len > 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), dropdown);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), dropdown);
  g_object_set_data (G_OBJECT (dialog), "authorization", dropdown);
  g_object_set_data_full (G_OBJECT (dialog), "authorization-ids", ids,
                          (GDestroyNotify)g_ptr_array_unref);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (authorization_changed), dialog);
}

/* The export or print is offered only once all three are stated (and the
 * authorization, when one is needed). */
static void
terms_changed (GtkEditable *changed, AdwMessageDialog *dialog)
{
  const char *const keys[] = { "recipient", "purpose", "basis" };
  const char *response = g_object_get_data (G_OBJECT (dialog), "go");
  gboolean complete = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *text = entry_text (dialog, keys[i]);

      complete = complete && text[0] != '\0';
    }
  if (needs_authorization (dialog))
    {
      g_autofree char *id = chosen_authorization (dialog);

      complete = complete && id != NULL;
    }
  adw_message_dialog_set_response_enabled (dialog, response, complete);
}

/* What the dialog says and asks follows the format chosen. */
static void
format_changed (AdwMessageDialog *dialog)
{
  GtkWidget *check = g_object_get_data (G_OBJECT (dialog), "include-psychotherapy");
  GtkWidget *authorization = g_object_get_data (G_OBJECT (dialog), "authorization-box");

  switch (chosen_format (dialog))
    {
      case CFD_EXPORT_FORMAT_FHIR:
        adw_message_dialog_set_body (
            dialog, _ ("A FHIR R4 bundle (JSON) of the signed medical record — intake, dosing "
                       "sessions, progress notes, risk assessments, safety plans and measures — "
                       "for another clinician's system or the patient's app. Unsigned drafts are "
                       "left out. Exporting it is recorded in the audit log."));
        break;
      case CFD_EXPORT_FORMAT_CSV:
        adw_message_dialog_set_body (
            dialog, _ ("The patient's signed outcome measures as a spreadsheet, one row per "
                       "administration with its LOINC codes, items, total and band. Exporting it "
                       "is recorded in the audit log."));
        break;
      case CFD_EXPORT_FORMAT_PDF:
      default:
        adw_message_dialog_set_body (dialog, g_object_get_data (G_OBJECT (dialog), "pdf-body"));
        break;
    }
  /* Measures hold no psychotherapy notes. */
  gtk_widget_set_sensitive (check, chosen_format (dialog) != CFD_EXPORT_FORMAT_CSV);
  if (chosen_format (dialog) == CFD_EXPORT_FORMAT_CSV)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  gtk_widget_set_visible (authorization, needs_authorization (dialog));
  terms_changed (NULL, dialog);
}

static GtkWidget *
add_term_entry (GtkWidget *box,
                AdwMessageDialog *dialog,
                const char *key,
                const char *label,
                const char *placeholder)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *name = g_strdup_printf ("%s_entry", key);

  gtk_widget_set_name (entry, name);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 300);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), entry);
  g_object_set_data (G_OBJECT (dialog), key, entry);
  g_signal_connect (entry, "changed", G_CALLBACK (terms_changed), dialog);
  return entry;
}

static void
ask_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ExportRequest *request = g_object_steal_data (G_OBJECT (dialog), "request");
  GtkCheckButton *check = g_object_get_data (G_OBJECT (dialog), "include-psychotherapy");
  CfdRecordDocumentUse use = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "use"));

  if (request == NULL)
    return;
  if (g_strcmp0 (response, "cancel") == 0 || !cfd_vault_is_unlocked (request->vault))
    {
      export_request_free (request);
      return;
    }
  request->include_psychotherapy = gtk_check_button_get_active (check);
  request->format = chosen_format (dialog);
  if (needs_authorization (dialog))
    request->authorization = chosen_authorization (dialog);
  request->recipient = entry_text (dialog, "recipient");
  request->purpose = entry_text (dialog, "purpose");
  request->basis = entry_text (dialog, "basis");
  if (use == CFD_RECORD_DOCUMENT_PRINT)
    {
      CfdDisclosureTerms terms = request_terms (request);

      if (authorized_terms (request, "patient.print", &terms))
        cfd_record_export_print_for (request->parent, request->vault, request->patient_id,
                                     request->include_psychotherapy, &terms,
                                     GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL);
      export_request_free (request);
      return;
    }
  choose_file (request);
}

void
cfd_record_export_ask (GtkWidget *parent,
                       CfdVault *vault,
                       const char *patient_id,
                       CfdRecordDocumentUse use)
{
  gboolean print = use == CFD_RECORD_DOCUMENT_PRINT;
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *check = gtk_check_button_new_with_mnemonic (_ ("Include _psychotherapy notes"));
  GtkWidget *explain = gtk_label_new (
      _ ("Integration-session process notes are kept apart from the medical record. Include "
         "them only when the patient has authorized their release; the cover page and the audit "
         "log will say they were included."));
  ExportRequest *request = g_new0 (ExportRequest, 1);
  const char *pdf_body;

  pdf_body = _ ("The document holds the signed medical record — intake, dosing sessions, progress "
                "notes, risk assessments, safety plans and measures — with its addenda, behind a "
                "cover page that says what is included. Unsigned drafts are left out. Exporting "
                "or printing it is recorded in the audit log.");
  dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (parent)),
      print ? _ ("Print Patient Record?") : _ ("Export Patient Record?"), pdf_body);
  g_object_set_data (G_OBJECT (dialog), "pdf-body", (gpointer)pdf_body);
  gtk_widget_set_name (dialog, print ? "print_dialog" : "export_dialog");
  gtk_widget_set_name (check, "include_psychotherapy_check");
  gtk_label_set_wrap (GTK_LABEL (explain), TRUE);
  gtk_label_set_xalign (GTK_LABEL (explain), 0);
  gtk_widget_set_margin_start (explain, 32);
  gtk_widget_add_css_class (explain, "dim-label");
  gtk_widget_add_css_class (explain, "caption");
  if (!print)
    {
      /* Standards first, a PDF last (45 CFR 171.301): the same record, as the CLI's export. */
      const char *const formats[] = { _ ("PDF"), _ ("FHIR (JSON)"), _ ("Measures (CSV)"), NULL };
      GtkWidget *title = gtk_label_new_with_mnemonic (_ ("_Format"));
      GtkWidget *dropdown = gtk_drop_down_new_from_strings (formats);

      gtk_widget_set_name (dropdown, "format_dropdown");
      gtk_label_set_mnemonic_widget (GTK_LABEL (title), dropdown);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "heading");
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), dropdown);
      g_object_set_data (G_OBJECT (dialog), "format", dropdown);
      g_signal_connect_swapped (dropdown, "notify::selected", G_CALLBACK (format_changed), dialog);
    }
  /* Who it goes to, why and on what basis: the accounting of disclosures
   * (45 CFR 164.528) keeps them. */
  add_term_entry (box, ADW_MESSAGE_DIALOG (dialog), "recipient", _ ("_Recipient"),
                  _ ("Dr. Lee, Northside Psychiatry; the patient"));
  add_term_entry (box, ADW_MESSAGE_DIALOG (dialog), "purpose", _ ("P_urpose"),
                  _ ("Continuity of care; patient's own copy"));
  add_term_entry (box, ADW_MESSAGE_DIALOG (dialog), "basis", _ ("_Basis"),
                  _ ("Treatment, patient request, authorization ID…"));
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), explain);
  {
    GtkWidget *authorization_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

    gtk_widget_set_visible (authorization_box, FALSE);
    add_authorization_choice (authorization_box, ADW_MESSAGE_DIALOG (dialog), vault, patient_id);
    gtk_box_append (GTK_BOX (box), authorization_box);
    g_object_set_data (G_OBJECT (dialog), "authorization-box", authorization_box);
  }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    print ? "print" : "export",
                                    print ? _ ("_Print…") : _ ("_Choose File…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                              print ? "print" : "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), print ? "print" : "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "go", (gpointer)(print ? "print" : "export"));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), print ? "print" : "export",
                                           FALSE);
  g_object_set_data (G_OBJECT (dialog), "include-psychotherapy", check);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (format_changed), dialog);
  g_object_set_data (G_OBJECT (dialog), "use", GINT_TO_POINTER (use));

  request->parent = g_object_ref (parent);
  request->vault = g_object_ref (vault);
  request->patient_id = g_strdup (patient_id);
  /* Freed with the dialog unless a response takes it on. */
  g_object_set_data_full (G_OBJECT (dialog), "request", request,
                          (GDestroyNotify)export_request_free);
  g_signal_connect (dialog, "response", G_CALLBACK (ask_response), NULL);
  /* Locking closes the question (its response is "cancel"). */
  g_signal_connect_object (vault, "locked", G_CALLBACK (gtk_window_close), dialog,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}
