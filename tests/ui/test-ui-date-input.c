/* test-ui-date-input.c: dates and times typed the locale's way (en_US, es_ES) or as ISO, stored ISO, and the calendar that fills a date field. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-date-input.h"
#include "cfd-record-form.h"

/* Runs the rest of a test in locale, or skips it where the machine does
 * not have it (build-aux/deps.sh builds en_US and es_ES). */
static gboolean
use_locale (const char *locale)
{
  if (setlocale (LC_ALL, locale) == NULL)
    {
      g_test_skip_printf ("The %s locale is not installed", locale);
      return FALSE;
    }
  return TRUE;
}

static void
restore_c_locale (void)
{
  setlocale (LC_ALL, "C.UTF-8");
}

static void
assert_date (const char *typed, const char *iso)
{
  g_autofree char *problem = NULL;
  g_autofree char *parsed = cfd_date_input_parse (typed, "Next session", &problem);

  g_assert_cmpstr (parsed, ==, iso);
  g_assert_null (problem);
}

/* A refused date names its field and says what to change. */
static void
assert_date_refused (const char *typed, const char *words)
{
  g_autofree char *problem = NULL;
  g_autofree char *parsed = cfd_date_input_parse (typed, "Next session", &problem);

  g_assert_null (parsed);
  g_assert_nonnull (problem);
  g_assert_true (g_str_has_prefix (problem, "Next session"));
  if (strstr (problem, words) == NULL)
    g_error ("\"%s\" refused with \"%s\", which does not say \"%s\"", typed, problem, words);
}

static void
assert_time (const char *typed, const char *hh_mm)
{
  g_autofree char *problem = NULL;
  g_autofree char *parsed = cfd_time_input_parse (typed, "Dose given at", &problem);

  g_assert_cmpstr (parsed, ==, hh_mm);
  g_assert_null (problem);
}

static void
assert_time_refused (const char *typed)
{
  g_autofree char *problem = NULL;
  g_autofree char *parsed = cfd_time_input_parse (typed, "Dose given at", &problem);

  g_assert_null (parsed);
  g_assert_nonnull (problem);
  g_assert_true (g_str_has_prefix (problem, "Dose given at"));
}

static void
test_en_us (void)
{
  g_autofree char *hint = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *time = NULL;

  if (!use_locale ("en_US.UTF-8"))
    return;
  hint = cfd_date_input_hint ();
  g_assert_cmpstr (hint, ==, "MM/DD/YYYY");
  assert_date ("12/07/2026", "2026-12-07");
  assert_date (" 2/3/2026 ", "2026-02-03");
  assert_date ("2026-12-07", "2026-12-07"); /* ISO is always understood */
  assert_date ("2026/12/07", "2026-12-07");
  assert_date ("", NULL);
  assert_date_refused ("12/07/26", "four digits");
  assert_date_refused ("31/12/2026", "month 31"); /* typed day first: said so */
  assert_date_refused ("02/30/2026", "no such day");
  assert_date_refused ("2026-02-30", "no such day");
  assert_date_refused ("12/07", "MM/DD/YYYY");
  assert_date_refused ("next tuesday", "MM/DD/YYYY");
  shown = cfd_date_input_format ("2026-12-07");
  g_assert_cmpstr (shown, ==, "12/07/2026");

  assert_time ("2:30 PM", "14:30");
  assert_time ("2:30pm", "14:30");
  assert_time ("12:05 AM", "00:05");
  assert_time ("12:00 p.m.", "12:00");
  assert_time ("9 AM", "09:00");
  assert_time ("14:30", "14:30");
  assert_time_refused ("13:30 PM");
  assert_time_refused ("24:00");
  assert_time_refused ("2:3");
  assert_time_refused ("half past two");
  time = cfd_time_input_format ("14:30");
  g_assert_cmpstr (time, ==, "2:30 PM");
  restore_c_locale ();
}

static void
test_es_es (void)
{
  g_autofree char *hint = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *time = NULL;

  if (!use_locale ("es_ES.UTF-8"))
    return;
  hint = cfd_date_input_hint ();
  g_assert_cmpstr (hint, ==, "DD/MM/YYYY"); /* untranslated here: no catalogue bound */
  assert_date ("07/12/2026", "2026-12-07");
  assert_date ("7/12/2026", "2026-12-07");
  assert_date ("2026-12-07", "2026-12-07");
  assert_date_refused ("12/31/2026", "month 31"); /* typed month first: said so */
  assert_date_refused ("07/12/26", "four digits");
  assert_date_refused ("30/02/2026", "no such day");
  shown = cfd_date_input_format ("2026-12-07");
  g_assert_cmpstr (shown, ==, "07/12/2026");

  assert_time ("14:30", "14:30");
  assert_time ("2:30 p. m.", "14:30");
  assert_time_refused ("25:10");
  time = cfd_time_input_format ("14:30");
  g_assert_cmpstr (time, ==, "14:30"); /* 24-hour here */
  restore_c_locale ();
}

/* Where the locale is C, ISO is shown and expected: its %m/%d/%y is no
 * one's choice. */
static void
test_c_locale_is_iso (void)
{
  g_autofree char *hint = NULL;
  g_autofree char *shown = NULL;

  restore_c_locale ();
  hint = cfd_date_input_hint ();
  g_assert_cmpstr (hint, ==, "YYYY-MM-DD");
  shown = cfd_date_input_format ("2026-12-07");
  g_assert_cmpstr (shown, ==, "2026-12-07");
  assert_date ("2026-12-07", "2026-12-07");
}

static void open_popover (GtkMenuButton *button);

static gboolean
is_mapped (gconstpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static GVariant *
lookup (GVariant *content, const char *key)
{
  return g_variant_lookup_value (content, key, G_VARIANT_TYPE_STRING);
}

/* A session record's date field: typed the locale's way it is stored ISO,
 * typed wrong it is kept as typed with a problem naming the field, and
 * the calendar beside it fills it in the locale's form. */
static void
check_form (const char *locale,
            const char *typed,
            const char *picked_shown,
            const char *stored_shown)
{
  GtkWidget *window = gtk_window_new ();
  CfdRecordForm *form = cfd_record_form_new ();
  GtkWidget *entry, *problem, *button, *calendar;
  g_autoptr (GDateTime) day = g_date_time_new_local (2026, 3, 4, 0, 0, 0);
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) stored = NULL;

  if (!use_locale (locale))
    return;
  cfd_record_form_set_template (form, cfd_template_get (CFD_RECORD_SESSION));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (form));
  gtk_window_present (GTK_WINDOW (window));
  cfd_test_ui_wait_until (is_mapped, window, "the window on screen");
  cfd_test_ui_spin (300);
  entry = cfd_test_ui_find_widget (GTK_WIDGET (form), "field-next-session");
  problem = cfd_test_ui_find_widget (GTK_WIDGET (form), "problem-next-session");
  button = gtk_widget_get_next_sibling (entry);
  g_assert_true (GTK_IS_MENU_BUTTON (button));
  calendar = cfd_test_ui_find_widget (button, "date-calendar");
  g_assert_nonnull (calendar);

  /* Typed the locale's way: stored ISO, no problem. */
  gtk_editable_set_text (GTK_EDITABLE (entry), typed);
  content = cfd_record_form_get_content (form);
  value = lookup (content, "next-session");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "2026-12-07");
  g_assert_false (gtk_widget_get_visible (problem));
  g_clear_pointer (&content, g_variant_unref);
  g_clear_pointer (&value, g_variant_unref);

  /* A two-digit year: the draft keeps it exactly; the field says why it
   * cannot be signed, by name; the form counts it against signing. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "07/12/26");
  content = cfd_record_form_get_content (form);
  value = lookup (content, "next-session");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "07/12/26");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (problem)), "Next session"));
  g_assert_cmpuint (cfd_record_form_count_problems (form), >, 0);
  g_clear_pointer (&content, g_variant_unref);
  g_clear_pointer (&value, g_variant_unref);

  /* The calendar opens, a day is picked: the field shows it the locale's
   * way, the popover closes, and the content holds ISO. */
  open_popover (GTK_MENU_BUTTON (button));
  g_assert_true (
      gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)))));
  gtk_calendar_select_day (GTK_CALENDAR (calendar), day);
  cfd_test_ui_spin (50);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, picked_shown);
  g_assert_false (
      gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)))));
  content = cfd_record_form_get_content (form);
  value = lookup (content, "next-session");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "2026-03-04");
  g_assert_false (gtk_widget_get_visible (problem));

  /* Loaded back, the stored ISO day is shown the locale's way. */
  stored = g_variant_ref_sink (g_variant_new_parsed ("{'next-session': <'2026-12-07'>}"));
  cfd_record_form_set_content (form, stored);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, stored_shown);

  gtk_window_destroy (GTK_WINDOW (window));
  restore_c_locale ();
}

static void
test_form_en_us (void)
{
  check_form ("en_US.UTF-8", "12/07/2026", "03/04/2026", "12/07/2026");
}

static void
test_form_es_es (void)
{
  check_form ("es_ES.UTF-8", "07/12/2026", "04/03/2026", "07/12/2026");
}

/* A field that was blank opens its calendar on today; one with a date on
 * that date (typed the locale's way). */
static void
test_calendar_opens_on_typed_day (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *button = cfd_date_input_button_new (GTK_EDITABLE (entry), "Obtained On");
  GtkWidget *calendar = cfd_test_ui_find_widget (button, "date-calendar");
  g_autoptr (GDateTime) shown = NULL;

  if (!use_locale ("es_ES.UTF-8"))
    return;
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  cfd_test_ui_wait_until (is_mapped, window, "the window on screen");
  cfd_test_ui_spin (300);
  gtk_editable_set_text (GTK_EDITABLE (entry), "03/04/1999");
  open_popover (GTK_MENU_BUTTON (button));
  shown = gtk_calendar_get_date (GTK_CALENDAR (calendar));
  g_assert_cmpint (g_date_time_get_year (shown), ==, 1999);
  g_assert_cmpint (g_date_time_get_month (shown), ==, 4);
  g_assert_cmpint (g_date_time_get_day_of_month (shown), ==, 3);
  /* Opening on the typed day is not a pick: the text is untouched. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "03/04/1999");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  gtk_window_destroy (GTK_WINDOW (window));
  restore_c_locale ();
}

/* GTK 4.8 on Xvfb finds no monitor for a popover's surface and says so
 * with a critical as the popover opens; it still opens and works. Only
 * while it opens are criticals not fatal. */
static void
open_popover (GtkMenuButton *button)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);

  gtk_menu_button_popup (button);
  cfd_test_ui_spin (100);
  g_log_set_always_fatal (fatal);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/date-input/en-us", test_en_us);
  g_test_add_func ("/date-input/es-es", test_es_es);
  g_test_add_func ("/date-input/c-locale", test_c_locale_is_iso);
  if (!cfd_test_ui_init ())
    return g_test_run ();
  g_test_add_func ("/date-input/form-en-us", test_form_en_us);
  g_test_add_func ("/date-input/form-es-es", test_form_es_es);
  g_test_add_func ("/date-input/calendar-opens-on-typed-day", test_calendar_opens_on_typed_day);
  return g_test_run ();
}
