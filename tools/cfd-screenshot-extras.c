/* cfd-screenshot-extras.c: captures the measures, consent, audit, backup, export, dosing and preferences screens of the real window. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-audit-window.h"
#include "cfd-backup-window.h"
#include "cfd-consent-dialog.h"
#include "cfd-measure-chart.h"
#include "cfd-measure-dialog.h"
#include "cfd-preferences-window.h"
#include "cfd-restore-window.h"
#include "cfd-record-form.h"
#include "cfd-window.h"

static const char *out_dir;
static const char *scheme_name;
static CfdWindow *window;

static GtkWidget *
get_widget (const char *path)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (window), path);
}

static gboolean
audit_verified (gconstpointer audit)
{
  return cfd_audit_window_get_verify_result (CFD_AUDIT_WINDOW ((gpointer)audit)) != NULL;
}

static gboolean
backup_done (gconstpointer backup)
{
  return !cfd_backup_window_is_busy (CFD_BACKUP_WINDOW ((gpointer)backup));
}

static gboolean
restore_done (gconstpointer restore)
{
  return !cfd_restore_window_is_busy (CFD_RESTORE_WINDOW ((gpointer)restore));
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static void
capture (const char *screen)
{
  g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", out_dir, screen, scheme_name);
  /* Few colours and no dithering keep each picture small and crisp. */
  const char *argv[]
      = { "import", "-window", "root", "-strip", "+dither", "-colors", "64", file, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  cfd_test_ui_spin (700);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Capturing %s: %s", file, error->message);
  g_print ("%s\n", file);
}

/* Scrolls the scrolled window around widget so that widget is at its top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t p;

  cfd_test_ui_spin (200);
  if (gtk_widget_compute_point (widget,
                                gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                &GRAPHENE_POINT_INIT (0, 0), &p))
    gtk_adjustment_set_value (adj, p.y - 12);
}

/* Moves the (pretend) pointer over the chart's point with the highest total. */
static void
hover_chart (GtkWidget *chart)
{
  int w = gtk_widget_get_width (chart), h = gtk_widget_get_height (chart);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (chart);

  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2)
      {
        g_autofree char *text = cfd_measure_chart_describe_at (CFD_MEASURE_CHART (chart), x, y);

        if (text != NULL && strstr (text, " on ") != NULL && !g_str_has_prefix (text, "Dosing"))
          {
            for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
              {
                g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

                if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
                  g_signal_emit_by_name (controller, "motion", (double)x + 1, (double)y + 1);
              }
            return;
          }
      }
}

/* The tour cannot go on without the window it opened. */
static gpointer
find_toplevel (GType type)
{
  gpointer found = cfd_test_ui_find_toplevel (type);

  if (found == NULL)
    g_error ("No %s window", g_type_name (type));
  return found;
}

static void
select_patient_with_measures (void)
{
  GtkListView *list = GTK_LIST_VIEW (get_widget ("patient_list"));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      /* What Enter on the row does: moving the selection only previews. */
      gtk_single_selection_set_selected (selection, i);
      g_signal_emit_by_name (list, "activate", i);
      if (gtk_widget_get_visible (get_widget ("patient_page/gad7_label"))
          && gtk_widget_get_visible (get_widget ("patient_page/phq9_label")))
        return;
    }
}

static void
tour (const char *demo_dir, const char *passphrase, const char *supervisor_passphrase)
{
  GtkWidget *chart;
  CfdMeasureDialog *dialog;

  window = cfd_window_new (NULL, demo_dir);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");

  /* Measures: the charts, one hovered, then the same as a table. */
  select_patient_with_measures ();
  chart = get_widget ("patient_page/phq9_chart");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (get_widget ("patient_page/section_stack")),
                                         "measures");
  scroll_to (get_widget ("patient_page/measure_panel"));
  cfd_test_ui_spin (300);
  hover_chart (chart);
  capture ("measures-chart");
  gtk_stack_set_visible_child_name (GTK_STACK (get_widget ("patient_page/view_stack")), "table");
  capture ("measures-table");
  gtk_stack_set_visible_child_name (GTK_STACK (get_widget ("patient_page/view_stack")), "chart");

  gtk_widget_activate_action (get_widget ("patient_page/measure_panel"), "measures.add", NULL);
  dialog = find_toplevel (CFD_TYPE_MEASURE_DIALOG);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 760);
  for (guint i = 0; i < 6; i++)
    cfd_measure_dialog_set_item (dialog, i, (int)(i % 3));
  capture ("measure-entry");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Consents: the list, a new one, and the question before revoking. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (get_widget ("patient_page/section_stack")),
                                         "consents");
  gtk_widget_activate_action (get_widget ("patient_page/consent_panel"), "consents.add", NULL);
  {
    GtkWindow *consent = find_toplevel (CFD_TYPE_CONSENT_DIALOG);

    gtk_window_set_default_size (consent, 560, 760);
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (consent), "purpose_row")),
        "Monthly clinical supervision");
    capture ("consent-new");
    gtk_widget_activate_action (GTK_WIDGET (consent), "consent.grant", NULL);
  }
  scroll_to (get_widget ("patient_page/consent_panel"));
  capture ("consents");
  {
    GtkWidget *revoke
        = cfd_test_ui_find_button (get_widget ("patient_page/consent_panel"), "_Revoke");

    if (revoke != NULL)
      {
        GtkWindow *confirm;

        gtk_widget_activate_action_variant (
            get_widget ("patient_page/consent_panel"), "consents.revoke",
            gtk_actionable_get_action_target_value (GTK_ACTIONABLE (revoke)));
        confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
        capture ("consent-revoke");
        gtk_window_destroy (confirm);
      }
  }

  /* The audit log, verified, and one patient's access history. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.audit-log", NULL);
  {
    CfdAuditWindow *audit = find_toplevel (CFD_TYPE_AUDIT_WINDOW);

    gtk_window_set_default_size (GTK_WINDOW (audit), 1280, 800);
    gtk_widget_activate_action (GTK_WIDGET (audit), "audit.verify", NULL);
    cfd_test_ui_wait_until (audit_verified, audit, "the verification");
    capture ("audit");
    gtk_window_destroy (GTK_WINDOW (audit));
  }
  gtk_widget_activate_action (
      get_widget ("patient_page/history_button"), "win.access-history", "s",
      g_variant_get_string (gtk_actionable_get_action_target_value (
                                GTK_ACTIONABLE (get_widget ("patient_page/history_button"))),
                            NULL));
  {
    GtkWindow *history = find_toplevel (CFD_TYPE_AUDIT_WINDOW);

    gtk_window_set_default_size (history, 1280, 800);
    capture ("access-history");
    gtk_window_destroy (history);
  }

  /* Backups: the reminder before the first one, then a verified backup. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.backup", NULL);
  {
    CfdBackupWindow *backup = find_toplevel (CFD_TYPE_BACKUP_WINDOW);
    g_autofree char *folder = g_dir_make_tmp ("confidant-backups-XXXXXX", NULL);

    gtk_window_set_default_size (GTK_WINDOW (backup), 720, 800);
    cfd_backup_window_add_folder (backup, folder, NULL);
    capture ("backup-empty");
    gtk_widget_activate_action (GTK_WIDGET (backup), "backup.start", "s", folder);
    cfd_test_ui_wait_until (backup_done, backup, "the backup");
    capture ("backup");

    /* Restoring that backup into a new folder. */
    gtk_widget_activate_action (GTK_WIDGET (backup), "backup.restore", NULL);
    {
      CfdRestoreWindow *restore = find_toplevel (CFD_TYPE_RESTORE_WINDOW);
      g_autoptr (GPtrArray) files = cfd_backup_list (folder, NULL);
      g_autofree char *target = g_build_filename (folder, "restored-vault", NULL);

      gtk_window_set_default_size (GTK_WINDOW (restore), 600, 780);
      cfd_restore_window_set_file (restore, ((CfdBackupInfo *)g_ptr_array_index (files, 0))->path,
                                   NULL);
      cfd_restore_window_set_target (restore, target);
      gtk_editable_set_text (
          GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (restore), "user_row")),
          "Dr Rowan Ashby");
      gtk_editable_set_text (
          GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (restore), "secret_row")), passphrase);
      gtk_widget_activate_action (GTK_WIDGET (restore), "restore.restore", NULL);
      cfd_test_ui_wait_until (restore_done, restore, "the restore");
      capture ("restore");
      gtk_window_destroy (GTK_WINDOW (restore));
    }
    gtk_window_destroy (GTK_WINDOW (backup));
  }

  /* Export and print: the question first; psychotherapy notes stay out
   * unless ticked. */
  gtk_widget_activate_action (get_widget ("patient_page"), "patient.export-pdf", NULL);
  {
    GtkWindow *ask = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

    capture ("export-ask");
    gtk_window_destroy (ask);
  }

  /* A dosing session being written: mg/kg follows dose and weight. */
  gtk_widget_activate_action (get_widget ("patient_page"), "patient.new-record", "s", "dosing");
  cfd_test_ui_spin (300);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("editor/field-medication")), 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("editor/field-route")), 1);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-weight-kg")), "72.5");
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-dose-mg")), "40");
  scroll_to (gtk_widget_get_parent (get_widget ("editor/field-medication")));
  capture ("dosing");

  /* Half-typed: a reading with only its systolic value and a weight that
   * is no adult's. Kept as typed, each problem beside its field. */
  {
    GtkWidget *vitals = get_widget ("editor/field-vitals");

    g_signal_emit_by_name (g_object_get_data (G_OBJECT (vitals), "add-button"), "clicked");
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_TIME)), "10:05");
    gtk_editable_set_text (
        GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_SYSTOLIC)), "128");
    gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-weight-kg")), "7.25");
    gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-infusion-start")), "10:");
    scroll_to (get_widget ("editor/field-weight-kg"));
    cfd_test_ui_spin (1800); /* the autosave: "Saved · n fields to fix" */
    capture ("dosing-problem");

    /* Completed and signed: what the signed record shows. */
    {
      const char *values[] = { "82", "74", "98", "14" };

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        gtk_editable_set_text (
            GTK_EDITABLE (cfd_record_form_reading_cell (vitals, 0, CFD_VITALS_CELL_DIASTOLIC + i)),
            values[i]);
    }
    gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-weight-kg")), "72.5");
    gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-infusion-start")), "10:00");
    gtk_editable_set_text (GTK_EDITABLE (get_widget ("editor/field-moaas")), "4");
    gtk_toggle_button_set_active (
        GTK_TOGGLE_BUTTON (get_widget ("editor/field-discharge-criteria-met-yes")), TRUE);
    gtk_widget_activate_action (get_widget ("editor"), "editor.sign", NULL);
    {
      GtkWindow *confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

      adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "sign");
      gtk_window_destroy (confirm);
    }
    cfd_test_ui_spin (300);
    scroll_to (get_widget ("editor/field-weight-kg"));
    capture ("dosing-signed");
  }
  gtk_widget_activate_action (get_widget ("editor"), "editor.close", NULL);
  cfd_test_ui_spin (300);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  {
    GtkWindow *preferences = find_toplevel (CFD_TYPE_PREFERENCES_WINDOW);

    capture ("preferences");
    gtk_window_destroy (preferences);
  }

  gtk_widget_activate_action (get_widget ("workspace"), "win.lock", NULL);

  /* The supervisor: consented patients only, read-only, reviewing a note. */
  if (supervisor_passphrase != NULL)
    {
      GtkListView *list;
      GtkListBox *timeline;

      cfd_test_ui_wait_until (page_is, "unlock", "the unlock page");
      adw_combo_row_set_selected (ADW_COMBO_ROW (get_widget ("unlock_page/user_row")), 1);
      gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")),
                             supervisor_passphrase);
      gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
      cfd_test_ui_wait_until (page_is, "workspace", "the supervisor's workspace");
      list = GTK_LIST_VIEW (get_widget ("patient_list"));
      gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (list)), 0);
      g_signal_emit_by_name (list, "activate", 0);
      cfd_test_ui_spin (300);
      timeline = GTK_LIST_BOX (get_widget ("patient_page/timeline"));
      {
        GtkListBoxRow *row, *chosen = gtk_list_box_get_row_at_index (timeline, 0);

        /* A session note says more than a questionnaire. */
        for (int i = 0; (row = gtk_list_box_get_row_at_index (timeline, i)) != NULL; i++)
          if (ADW_IS_PREFERENCES_ROW (row)
              && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                            "Integration session")
                     == 0)
            {
              chosen = row;
              break;
            }
        g_signal_emit_by_name (timeline, "row-activated", chosen);
      }
      cfd_test_ui_spin (300);
      gtk_text_buffer_set_text (
          gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_widget ("editor/comment_view"))),
          "Good attention to the integration homework. Worth asking about sleep next time.", -1);
      gtk_widget_activate_action (get_widget ("editor/review_panel"), "review.comment", NULL);
      scroll_to (get_widget ("editor/review_panel"));
      capture ("supervisor");
      gtk_widget_activate_action (get_widget ("workspace"), "win.lock", NULL);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;
  g_autofree char *supervisor_passphrase = NULL;

  if (argc != 5 && argc != 6)
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE OUT-DIR light|dark "
                  "[SUPERVISOR-PASSPHRASE-FILE]\n",
                  argv[0]);
      return 2;
    }
  out_dir = argv[3];
  scheme_name = argv[4];

  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");
  if (!g_file_get_contents (argv[2], &passphrase, NULL, NULL))
    g_error ("Cannot read the passphrase file");
  g_strchomp (passphrase);
  if (argc == 6)
    {
      if (!g_file_get_contents (argv[5], &supervisor_passphrase, NULL, NULL))
        g_error ("Cannot read the supervisor's passphrase file");
      g_strchomp (supervisor_passphrase);
    }

  /* The app's messages, in the language of the environment: from
   * CONFIDANT_LOCALEDIR (a build's po/) when set, for screenshots of a
   * translation before it is installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CONFIDANT_LOCALEDIR") != NULL
                                       ? g_getenv ("CONFIDANT_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* The demo is the vault opened at start, as it would be for its user. */
  g_setenv ("CONFIDANT_VAULT_DIR", argv[1], TRUE);
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
  tour (argv[1], passphrase, supervisor_passphrase);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  if (supervisor_passphrase != NULL)
    cfd_wipe_string (g_steal_pointer (&supervisor_passphrase));
  return 0;
}
