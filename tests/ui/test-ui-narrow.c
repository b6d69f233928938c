/* test-ui-narrow.c: every main page of the window fits in 360 pixels: the workspace folds, forms are clamped, labels wrap. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-ui-util.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

/* The narrowest a phone or a quarter of a laptop's screen gives a window. */
#define NARROW 360

static CfdWindow *window;

static int
minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

/* Names the innermost widgets that are too wide, so that a failure says
 * which label or box to fix. */
static gboolean
report_too_wide (GtkWidget *widget, const char *page)
{
  gboolean child_reported = FALSE;

  const char *threshold = g_getenv ("CFD_NARROW_TREE");

  if (!gtk_widget_get_visible (widget)
      || minimum_width (widget) <= (threshold != NULL ? atoi (threshold) : NARROW))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    child_reported |= report_too_wide (child, page);
  if (!child_reported || g_getenv ("CFD_NARROW_TREE") != NULL)
    g_printerr ("# %s: %s \"%s\" needs %d px\n", page, G_OBJECT_TYPE_NAME (widget),
                GTK_IS_LABEL (widget) ? gtk_label_get_label (GTK_LABEL (widget))
                                      : gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)),
                minimum_width (widget));
  return TRUE;
}

static void
assert_fits (const char *page)
{
  /* The window's own frame (a border without a compositor) is not the
   * user's to fit. */
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  g_test_message ("%s", page);
  cfd_test_ui_spin (100);
  if (minimum_width (content) > NARROW)
    {
      report_too_wide (content, page);
      g_error ("The %s page needs %d px, more than %d", page, minimum_width (content), NARROW);
    }
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static void
test_first_run (void)
{
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "vault", NULL);

  window = cfd_window_new (NULL, path);
  gtk_window_set_default_size (GTK_WINDOW (window), NARROW, 700);
  gtk_window_present (GTK_WINDOW (window));
  assert_fits ("create");

  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "create_page/owner_row")),
      "Dr Narrow Window");
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "create_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "create_page/confirm_row")),
      CFD_TEST_PASSPHRASE);
  assert_fits ("create, filled in");
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "create_page"),
                              "create.create", NULL);
  cfd_test_ui_wait_until (page_is, "recovery-key", "the recovery key page");
  assert_fits ("recovery-key");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_workspace (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) setup = cfd_test_vault_new (&path, NULL);
  CfdDemoOptions options = { .patients = 14, .records_per_patient = 10, .seed = 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) patients = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autofree char *addendum_id = NULL;
  CfdWorkspace *workspace;

  g_assert_true (cfd_demo_populate (setup, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  patients = cfd_vault_list_patients (setup, FALSE, &error);
  g_assert_no_error (error);
  patient = g_list_model_get_item (patients, 0);
  records = cfd_vault_list_records (setup, cfd_patient_get_id (patient), &error);
  g_assert_no_error (error);
  /* A draft addendum to the first signed record, whose editor has the most
   * in its header. */
  for (guint i = 0; i < g_list_model_get_n_items (records) && addendum_id == NULL; i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (cfd_record_get_status (record) == CFD_RECORD_SIGNED
          && cfd_record_get_kind (record) != CFD_RECORD_MEASURE)
        addendum_id = cfd_vault_create_addendum_draft (
            setup, cfd_record_get_id (record),
            g_variant_new_parsed ("{'text': <'Late entry: slept well.'>}"), &error);
    }
  g_assert_no_error (error);
  g_assert_nonnull (addendum_id);
  g_clear_object (&records);
  records = cfd_vault_list_records (setup, cfd_patient_get_id (patient), &error);
  g_assert_no_error (error);
  cfd_vault_lock (setup);

  window = cfd_window_new (NULL, path);
  gtk_window_set_default_size (GTK_WINDOW (window), NARROW, 700);
  gtk_window_present (GTK_WINDOW (window));
  assert_fits ("unlock");

  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"),
                              "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  assert_fits ("patients");
  workspace = CFD_WORKSPACE (cfd_test_ui_find_widget (GTK_WIDGET (window), "workspace"));

  /* Folded, the list and a patient's page take turns. */
  cfd_workspace_open_patient (workspace, cfd_patient_get_id (patient));
  assert_fits ("patient");
  g_assert_true (adw_leaflet_get_folded (
      ADW_LEAFLET (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "leaflet"))));

  /* Every patient's page: their details differ (a long retention rule,
   * no birth date, an emergency contact). */
  for (guint i = 0; i < g_list_model_get_n_items (patients); i++)
    {
      g_autoptr (CfdPatient) other = g_list_model_get_item (patients, i);
      g_autofree char *page = g_strdup_printf ("patient %u", i);

      cfd_workspace_open_patient (workspace, cfd_patient_get_id (other));
      assert_fits (page);
    }
  cfd_workspace_open_patient (workspace, cfd_patient_get_id (patient));

  /* Every record of the patient, signed ones and drafts, each kind. */
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      g_autofree char *page = g_strdup_printf (
          "record %s (%s)", cfd_record_kind_to_string (cfd_record_get_kind (record)),
          cfd_record_get_status (record) == CFD_RECORD_SIGNED ? "signed" : "draft");

      cfd_workspace_open_record (workspace, cfd_record_get_id (record));
      assert_fits (page);
    }

  /* A new draft of each kind, its computed fields still waiting for
   * values and its date fields with their calendar buttons. */
  {
    static const char *const kinds[] = { "session", "dosing", "intake", "integration" };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        g_autofree char *page = g_strdup_printf ("new %s draft", kinds[i]);

        cfd_workspace_open_patient (workspace, cfd_patient_get_id (patient));
        gtk_widget_activate_action (
            cfd_test_ui_find_widget (GTK_WIDGET (workspace), "patient_page"), "patient.new-record",
            "s", kinds[i]);
        assert_fits (page);
      }
  }

  cfd_workspace_show_search (workspace);
  assert_fits ("search");

  cfd_window_lock (window);
  assert_fits ("locked");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ui-narrow-es: the pages are in Spanish, whose words are longer. */
static void
test_translated (void)
{
  const CfdTemplate *progress = cfd_template_get (CFD_RECORD_PROGRESS);
  g_autofree char *born = cfd_ui_format_calendar_date ("1965-08-23");

  g_assert_cmpstr (progress->title, ==, "Nota de evolución");
  g_assert_cmpstr (cfd_template_find_field (progress, "subjective")->label, ==, "Subjetivo");
  g_assert_cmpstr (born, ==, "23 ago 1965");
  g_assert_cmpstr (_ ("The Vault Is Locked"), ==, "La bóveda está bloqueada");
}

/* CFD_TEST_LANGUAGE runs the pages in that language, from the build's
 * message catalogues; without its locale on this machine, a skip. */
static gboolean
use_test_language (void)
{
  const char *language = g_getenv ("CFD_TEST_LANGUAGE");
  g_autofree char *catalogues = NULL;
  const char *locale;

  if (language == NULL)
    return TRUE;
  locale = setlocale (LC_ALL, "");
  if (locale == NULL || !g_str_has_prefix (locale, language))
    return FALSE;
  catalogues = g_test_build_filename (G_TEST_BUILT, "..", "..", "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, catalogues);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!use_test_language ())
    {
      g_test_skip ("The locale of CFD_TEST_LANGUAGE is not installed");
      return g_test_run ();
    }
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  if (g_getenv ("CFD_TEST_LANGUAGE") != NULL)
    g_test_add_func ("/confidant/ui/narrow/translated", test_translated);
  /* GNOME's title bars have only a close button; Xvfb without a window
   * manager would add minimize and maximize (74 px more). */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "icon:close", NULL);
  g_test_add_func ("/confidant/ui/narrow/first-run", test_first_run);
  g_test_add_func ("/confidant/ui/narrow/workspace", test_workspace);
  return g_test_run ();
}
