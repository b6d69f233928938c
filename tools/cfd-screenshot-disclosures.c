/* cfd-screenshot-disclosures.c: captures the export formats, the Disclosures window and the practice profile, wide and at 360 px. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-data-export.h"
#include "cfd-disclosures-window.h"
#include "cfd-patient-page.h"
#include "cfd-preferences-window.h"
#include "cfd-record-export.h"
#include "cfd-window.h"

static const char *out_dir;
static const char *work_dir;
static const char *scheme_name;
static CfdWindow *window;

static GtkWidget *
get_widget (const char *path)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (window), path);
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

/* The screen, or its top-left width x height (a window is placed there
 * with no window manager to move it). */
static void
capture (const char *screen, int width, int height)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, scheme_name);
  g_autofree char *crop = g_strdup_printf ("%dx%d+0+0", width, height);
  const char *argv[] = { "import", "-window", "root",    "-crop", crop, "+repage",
                         "-strip", "+dither", "-colors", "64",    file, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  cfd_test_ui_spin (700);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Capturing %s: %s", file, error->message);
  g_print ("%s\n", file);
}

static gpointer
find_toplevel (GType type)
{
  gpointer found = cfd_test_ui_find_toplevel (type);

  if (found == NULL)
    g_error ("No %s window", g_type_name (type));
  return found;
}

static void
set_entry (GtkWidget *root, const char *name, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_get_widget (root, name)), text);
}

/* Three disclosures through the app's own paths: a PDF, a FHIR bundle and the measures. */
static void
disclose (GtkWidget *page, CfdVault *vault, const char *patient_id)
{
  CfdDisclosureTerms referral
      = { "Dr. Lee, Northside Psychiatry", "continuity of care", "treatment" };
  CfdDisclosureTerms own_copy = { "the patient", "patient's own copy", "patient request" };
  CfdDisclosureTerms study = { "Outcomes registry, Riverside Health", "quality improvement",
                               "authorization AUTH-2026-014" };
  g_autofree char *pdf = g_build_filename (work_dir, "record.pdf", NULL);
  g_autofree char *json = g_build_filename (work_dir, "record.fhir.json", NULL);
  g_autofree char *csv = g_build_filename (work_dir, "measures.csv", NULL);

  cfd_data_export_fhir (page, vault, patient_id, NULL, &referral, json);
  cfd_data_export_csv (page, vault, patient_id, &study, csv);
  cfd_record_export_pdf_for (page, vault, patient_id, FALSE, &own_copy, pdf);
  cfd_test_ui_spin (1500);
}

static void
tour (const char *demo_dir, const char *passphrase)
{
  GtkWidget *page;
  CfdVault *vault;
  const char *patient_id;

  window = cfd_window_new (NULL, demo_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  vault = cfd_window_get_vault (window);
  {
    GtkListView *list = GTK_LIST_VIEW (get_widget ("patient_list"));

    g_signal_emit_by_name (list, "activate", 0);
  }
  page = get_widget ("patient_page");
  patient_id = cfd_patient_page_get_patient_id (CFD_PATIENT_PAGE (page));

  /* The export dialog with FHIR chosen. */
  gtk_widget_activate_action (page, "patient.export-pdf", NULL);
  {
    AdwMessageDialog *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

    gtk_drop_down_set_selected (
        GTK_DROP_DOWN (cfd_test_ui_get_widget (GTK_WIDGET (dialog), "format_dropdown")),
        CFD_EXPORT_FORMAT_FHIR);
    set_entry (GTK_WIDGET (dialog), "recipient_entry", "Dr. Lee, Northside Psychiatry");
    set_entry (GTK_WIDGET (dialog), "purpose_entry", "continuity of care");
    set_entry (GTK_WIDGET (dialog), "basis_entry", "treatment");
    capture ("export-formats", 1280, 800);
    adw_message_dialog_response (dialog, "cancel");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  disclose (page, vault, patient_id);
  for (int narrow = 0; narrow <= 1; narrow++)
    {
      CfdDisclosuresWindow *disclosures;

      gtk_widget_activate_action (page, "patient.disclosures", NULL);
      disclosures = find_toplevel (CFD_TYPE_DISCLOSURES_WINDOW);
      gtk_window_set_default_size (GTK_WINDOW (disclosures), narrow ? 360 : 720, 640);
      capture (narrow ? "disclosures-narrow" : "disclosures", narrow ? 360 : 1280,
               narrow ? 640 : 800);
      gtk_window_destroy (GTK_WINDOW (disclosures));
    }

  /* The practice profile, as the owner fills it in. */
  {
    CfdPreferencesWindow *preferences
        = cfd_preferences_window_new (GTK_WINDOW (window), NULL, vault);
    GtkWidget *address;

    gtk_window_set_default_size (GTK_WINDOW (preferences), 560, 620);
    gtk_window_present (GTK_WINDOW (preferences));
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "practice");
    set_entry (GTK_WIDGET (preferences), "practice_name_row", "Riverside Ketamine Clinic");
    set_entry (GTK_WIDGET (preferences), "practice_phone_row", "+1 555 0100");
    address = cfd_test_ui_get_widget (GTK_WIDGET (preferences), "practice_address_view");
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (address)),
                              "12 Elm Street\nSpringfield, IL 62701", -1);
    capture ("practice-profile", 1280, 800);
    gtk_window_set_default_size (GTK_WINDOW (preferences), 360, 640);
    capture ("practice-profile-narrow", 360, 640);
    gtk_window_destroy (GTK_WINDOW (preferences));
  }
  cfd_window_lock (window);
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;

  if (argc != 6)
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE OUT-DIR light|dark WORK-DIR\n", argv[0]);
      return 2;
    }
  out_dir = argv[3];
  scheme_name = argv[4];
  work_dir = argv[5];

  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");
  if (!g_file_get_contents (argv[2], &passphrase, NULL, NULL))
    g_error ("Cannot read the passphrase file");
  g_strchomp (passphrase);
  if (!cfd_test_ui_init ())
    g_error ("No display to capture the screens on");
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/confidant/Confidant/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      g_strcmp0 (scheme_name, "dark") == 0
                                          ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_mkdir_with_parents (out_dir, 0755);
  tour (argv[1], passphrase);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
