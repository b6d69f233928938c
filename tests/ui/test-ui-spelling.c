/* test-ui-spelling.c: note fields are spell checked: misspellings underlined, suggestions replace the word, "Add to Dictionary" lasts the session only. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-preferences-window.h"
#include "cfd-record-editor.h"
#include "cfd-spell-checker.h"

static int
offset_of (GtkTextView *view, const char *word)
{
  g_autofree char *text = cfd_test_ui_text_view_text (GTK_WIDGET (view));
  const char *at = strstr (text, word);

  g_assert_nonnull (at);
  return (int)g_utf8_pointer_to_offset (text, at) + 1;
}

static void
test_checker (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkTextView *view = GTK_TEXT_VIEW (gtk_text_view_new ());
  CfdSpellChecker *checker;
  g_auto (GStrv) suggestions = NULL;
  g_autofree char *text = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view),
                            "The pateint slept well after 45mg at 10:40 with Zorblax.", -1);
  checker = cfd_spell_checker_attach (view);
  if (checker == NULL)
    {
      g_test_skip ("No spelling dictionary is installed (hunspell-en-us)");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  /* The test's locale is C: English. */
  g_assert_cmpstr (cfd_spell_checker_get_language (checker), ==, "en_US");

  g_assert_true (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "pateint")));
  g_assert_false (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "slept")));
  /* Doses and times are not words. */
  g_assert_false (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "45mg")));
  g_assert_false (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "10:40")));

  suggestions = cfd_spell_checker_suggest_at (checker, offset_of (view, "pateint"));
  g_assert_nonnull (suggestions);
  g_assert_true (g_strv_contains ((const char *const *)suggestions, "patient"));

  /* The context menu's suggestion replaces the word, as one undo step. */
  cfd_spell_checker_set_menu_position (checker, offset_of (view, "pateint"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "spell.replace", "s", "patient"));
  text = cfd_test_ui_text_view_text (GTK_WIDGET (view));
  g_assert_cmpstr (text, ==, "The patient slept well after 45mg at 10:40 with Zorblax.");
  g_assert_false (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "patient")));

  /* A name added for the session is no longer underlined. */
  g_assert_true (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "Zorblax")));
  cfd_spell_checker_set_menu_position (checker, offset_of (view, "Zorblax"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "spell.add", NULL));
  g_assert_false (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "Zorblax")));

  /* Typing a new mistake is found a moment later. */
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (view), " Recieved.", -1);
  g_assert_true (cfd_spell_checker_is_misspelled_at (checker, offset_of (view, "Recieved")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The editor checks what is typed into a draft. */
static void
test_editor_draft (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Spelling Patient");
  g_autoptr (GError) error = NULL;
  g_autofree char *record = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdRecordEditor *editor = g_object_new (CFD_TYPE_RECORD_EDITOR, NULL);
  GtkWidget *view;

  record = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS,
                                    g_get_real_time () / G_USEC_PER_SEC,
                                    g_variant_new_parsed ("@a{sv} {}"), &error);
  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (editor));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_record_editor_load (editor, vault, record, &error));
  view = cfd_test_ui_find_widget (GTK_WIDGET (editor), "field-subjective");
  g_assert_nonnull (view);
  g_assert_nonnull (g_object_get_data (G_OBJECT (view), "cfd-spell-checker"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A dictionary chosen in Preferences wins over the locale; one that is
 * not installed (any more) falls back to it. */
static void
test_language_setting (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_auto (GStrv) languages = cfd_spell_checker_list_languages ();
  GtkWidget *view = g_object_ref_sink (gtk_text_view_new ());
  CfdPreferencesWindow *preferences;
  AdwComboRow *row;
  CfdSpellChecker *checker;

  if (!g_strv_contains ((const char *const *)languages, "en_US"))
    {
      g_test_skip ("No en_US dictionary is installed (hunspell-en-us)");
      g_object_unref (view);
      return;
    }
  /* Preferences lists the dictionaries after "System Language"... */
  preferences = cfd_preferences_window_new (NULL, settings, NULL);
  row = ADW_COMBO_ROW (cfd_test_ui_find_widget (GTK_WIDGET (preferences), "spell_row"));
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  for (guint i = 0; languages[i] != NULL; i++)
    if (g_str_equal (languages[i], "en_US"))
      adw_combo_row_set_selected (row, i + 1);
  /* ...and keeps the one chosen. */
  {
    g_autofree char *chosen = g_settings_get_string (settings, "spell-language");

    g_assert_cmpstr (chosen, ==, "en_US");
  }
  gtk_window_destroy (GTK_WINDOW (preferences));
  checker = cfd_spell_checker_attach (GTK_TEXT_VIEW (view));
  g_assert_cmpstr (cfd_spell_checker_get_language (checker), ==, "en_US");
  g_object_unref (view);

  g_settings_set_string (settings, "spell-language", "xx_NOWHERE");
  view = g_object_ref_sink (gtk_text_view_new ());
  checker = cfd_spell_checker_attach (GTK_TEXT_VIEW (view));
  g_assert_nonnull (checker);
  g_assert_cmpstr (cfd_spell_checker_get_language (checker), !=, "xx_NOWHERE");
  g_object_unref (view);
  g_settings_reset (settings, "spell-language");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/spelling/checker", test_checker);
  g_test_add_func ("/confidant/ui/spelling/editor-draft", test_editor_draft);
  g_test_add_func ("/confidant/ui/spelling/language-setting", test_language_setting);
  return g_test_run ();
}
