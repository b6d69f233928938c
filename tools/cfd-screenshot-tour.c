/* cfd-screenshot-tour.c: walks the real window through every main screen and captures each one. */
#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "confidant.h"
#include "cfd-test-ui.h"

#include "cfd-record-editor.h"
#include "cfd-window.h"

static const char *out_dir;
static const char *scheme_name;
/* 1280 × 800, or a phone's 360 × 740 with "-narrow" in each file's name. */
static gboolean narrow;
static CfdWindow *window;

/* "page/child": several pages share ids. */
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

static gboolean
visible (gconstpointer path)
{
  return gtk_widget_get_visible (get_widget (path));
}

static gboolean
has_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
type_into_first_text_view (GtkWidget *root, const char *text)
{
  if (GTK_IS_TEXT_VIEW (root) && gtk_text_view_get_editable (GTK_TEXT_VIEW (root)))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (root));
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, text, -1);
      return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = type_into_first_text_view (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls the page that holds widget so that widget sits near its top. */
static void
scroll_to (GtkWidget *widget, double margin)
{
  GtkWidget *frame = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *scrolled = frame;
  graphene_point_t top;

  /* A long-text field sits in a scrolled window of its own: skip that one. */
  if (GTK_IS_TEXT_VIEW (widget) && frame != NULL)
    scrolled = gtk_widget_get_ancestor (gtk_widget_get_parent (frame), GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL)
    return;
  cfd_test_ui_spin (300);
  if (gtk_widget_compute_point (widget,
                                gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                &GRAPHENE_POINT_INIT (0, 0), &top))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                              top.y - margin);
}

static gboolean
saved (gconstpointer unused)
{
  return !cfd_record_editor_has_unsaved_changes (CFD_RECORD_EDITOR (get_widget ("editor")));
}

static void
capture (const char *screen)
{
  g_autofree char *file
      = g_strdup_printf ("%s/%s%s-%s.png", out_dir, screen, narrow ? "-narrow" : "", scheme_name);
  g_autofree char *target = g_strdup_printf ("PNG8:%s", file);
  /* Few colours and no dithering keep each picture small and crisp. */
  const char *argv[]
      = { "import", "-window", "root", "-strip", "+dither", "-colors", "64", target, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 first = gdk_frame_clock_get_frame_counter (clock);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* Capture only after the window has painted twice since the last change. */
  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (gdk_frame_clock_get_frame_counter (clock) < first + 2
         && g_get_monotonic_time () < deadline)
    {
      cfd_test_ui_spin (50);
      gtk_widget_queue_draw (GTK_WIDGET (window));
    }
  cfd_test_ui_spin (400);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Capturing %s: %s", file, error->message);
  g_print ("%s\n", file);
}

/* The throwaway vault of the first-run pictures. */
static void
remove_vault (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
  g_rmdir (path);
}

static CfdWindow *
open_window (const char *vault_dir)
{
  CfdWindow *self = cfd_window_new (NULL, vault_dir);

  gtk_window_set_default_size (GTK_WINDOW (self), narrow ? 360 : 1280, narrow ? 740 : 800);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

static void
tour (const char *demo_dir, const char *passphrase, const char *query)
{
  g_autofree char *empty_dir = g_dir_make_tmp ("confidant-tour-XXXXXX", NULL);
  g_autofree char *fresh = g_build_filename (empty_dir, "vault", NULL);
  GtkWidget *list;

  /* First run, half filled in so the strength meter speaks. */
  window = open_window (fresh);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("create_page/owner_row")), "Dr Rowan Ashby");
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("create_page/passphrase_row")),
                         "lantern river quietly");
  capture ("create");

  /* The recovery key of that new vault, shown once. */
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("create_page/confirm_row")),
                         "lantern river quietly");
  gtk_widget_activate_action (get_widget ("create_page"), "create.create", NULL);
  cfd_test_ui_wait_until (page_is, "recovery-key", "the recovery key page");
  capture ("recovery-key");
  gtk_window_destroy (GTK_WINDOW (window));
  remove_vault (fresh);
  g_rmdir (empty_dir);

  /* Unlocking, after a mistyped passphrase. */
  window = open_window (demo_dir);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), "wrong guess");
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (visible, "unlock_page/error_label", "the wrong-passphrase message");
  capture ("unlock");

  gtk_editable_set_text (GTK_EDITABLE (get_widget ("unlock_page/passphrase_row")), passphrase);
  gtk_widget_activate_action (get_widget ("unlock_page"), "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");
  capture ("patients");

  /* The timeline of the first patient with a PHQ-9 on record. */
  list = get_widget ("patient_list");
  for (guint i = 0;
       i < g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))));
       i++)
    {
      /* What Enter on the row does: moving the selection only previews. */
      gtk_single_selection_set_selected (
          GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list))), i);
      g_signal_emit_by_name (list, "activate", i);
      if (gtk_widget_get_visible (get_widget ("patient_page/measures_box")))
        break;
    }
  /* Scrolled down to the timeline itself, below the measures. */
  scroll_to (get_widget ("patient_page/timeline"), 60);
  capture ("timeline");

  /* A draft of that patient in the editor, just autosaved. */
  {
    GtkListBox *timeline = GTK_LIST_BOX (get_widget ("patient_page/timeline"));
    GtkListBoxRow *row, *draft = NULL;
    GtkWidget *text_view;

    for (int i = 0; (row = gtk_list_box_get_row_at_index (timeline, i)) != NULL; i++)
      if (has_label (GTK_WIDGET (row), "Draft") && draft == NULL)
        draft = row;
    if (draft == NULL)
      draft = gtk_list_box_get_row_at_index (timeline, 0);
    g_signal_emit_by_name (timeline, "row-activated", draft);
    text_view
        = type_into_first_text_view (get_widget ("editor"), " Agreed to keep the evening journal.");
    cfd_test_ui_wait_until (saved, NULL, "the autosave");
    if (text_view != NULL)
      scroll_to (text_view, 360);
  }
  capture ("editor");

  /* An addendum begun on a signed session note: saved as a draft addendum
   * as it is typed, then listed below the record it amends. */
  {
    GtkListBox *timeline;
    GtkListBoxRow *row, *signed_note = NULL;
    CfdVault *vault = cfd_window_get_vault (window);

    gtk_widget_activate_action (get_widget ("editor"), "editor.close", NULL);
    timeline = GTK_LIST_BOX (get_widget ("patient_page/timeline"));
    for (int i = 0; (row = gtk_list_box_get_row_at_index (timeline, i)) != NULL; i++)
      {
        const char *id = g_object_get_data (G_OBJECT (row), "record-id");
        g_autoptr (CfdRecord) record = id != NULL ? cfd_vault_get_record (vault, id, NULL) : NULL;

        g_autoptr (GListModel) addenda = NULL;

        if (record == NULL || cfd_record_get_status (record) != CFD_RECORD_SIGNED
            || cfd_record_get_kind (record) != CFD_RECORD_INTEGRATION)
          continue;
        /* The light and dark tours share one demo vault: each amends a
         * note of its own. */
        addenda = cfd_vault_list_addenda (vault, id, NULL);
        if (addenda != NULL && g_list_model_get_n_items (addenda) == 0)
          {
            signed_note = row;
            break;
          }
      }
    if (signed_note == NULL)
      g_error ("The demo patient has no signed session note left to amend");
    g_signal_emit_by_name (timeline, "row-activated", signed_note);
    gtk_widget_activate_action (get_widget ("editor"), "editor.add-addendum", NULL);
    gtk_drop_down_set_selected (GTK_DROP_DOWN (get_widget ("field-reason")), 1);
    type_into_first_text_view (get_widget ("editor"),
                               "Late entry: the patient called the next morning to say the "
                               "nausea had passed and she slept well.");
    cfd_test_ui_wait_until (saved, NULL, "the addendum autosave");
    capture ("addendum-draft");

    gtk_widget_activate_action (get_widget ("editor"), "editor.close", NULL);
    /* The signed note as a document, its addenda above it. */
    scroll_to (get_widget ("editor/addenda_box"), 24);
    capture ("addenda");
  }

  gtk_widget_activate_action (get_widget ("workspace"), "win.search", NULL);
  gtk_editable_set_text (GTK_EDITABLE (get_widget ("search_page/entry")), query);
  g_signal_emit_by_name (get_widget ("search_page/entry"), "search-changed");
  capture ("search");

  gtk_widget_activate_action (get_widget ("workspace"), "win.lock", NULL);
  capture ("locked");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *passphrase = NULL;
  const char *demo_dir, *passphrase_file, *query;

  if (argc != 6 && !(argc == 7 && g_str_equal (argv[6], "narrow")))
    {
      g_printerr ("Usage: %s DEMO-VAULT PASSPHRASE-FILE QUERY OUT-DIR light|dark [narrow]\n",
                  argv[0]);
      return 2;
    }
  narrow = argc == 7;
  demo_dir = argv[1];
  passphrase_file = argv[2];
  query = argv[3];
  out_dir = argv[4];
  scheme_name = argv[5];

  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");
  if (!g_file_get_contents (passphrase_file, &passphrase, NULL, NULL))
    g_error ("Cannot read the passphrase file");
  g_strchomp (passphrase);

  /* The app's messages, in the language of the environment: from
   * CONFIDANT_LOCALEDIR (a build's po/) when set, for screenshots of a
   * translation before it is installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CONFIDANT_LOCALEDIR") != NULL
                                       ? g_getenv ("CONFIDANT_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* The demo is the vault opened at start, as it would be for its user:
   * no bar naming another vault's folder. */
  g_setenv ("CONFIDANT_VAULT_DIR", demo_dir, TRUE);
  if (!cfd_test_ui_init ())
    g_error ("No display to capture the screens on");
  {
    /* Adwaita's style sheet additions come from the app's resources. */
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/confidant/Confidant/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* GNOME's title bars, which a narrow window is made for, have only a
   * close button; Xvfb without a window manager would show three. */
  if (narrow)
    g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "icon:close", NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      g_strcmp0 (scheme_name, "dark") == 0
                                          ? ADW_COLOR_SCHEME_FORCE_DARK
                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_mkdir_with_parents (out_dir, 0755);
  tour (demo_dir, passphrase, query);
  cfd_wipe_string (g_steal_pointer (&passphrase));
  return 0;
}
