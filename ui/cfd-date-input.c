/* cfd-date-input.c: dates and times typed the locale's way or as ISO, and a calendar to pick them.
 *
 * Storage is always ISO (YYYY-MM-DD, HH:MM); what is typed may be either
 * ISO or the numeric form the locale's LC_TIME writes (nl_langinfo's
 * D_FMT), so a clinician in Texas types 12/07/2026 and one in Madrid
 * 07/12/2026 for the same day. The year must have four digits: "07/12/26"
 * could be 1926 or 2026, and a birth date is exactly where that matters. */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-date-input.h"

/* How the locale writes a numeric date: the order of its day, month and
 * year ('d', 'm', 'y') and the character between them. */
typedef struct
{
  char order[3];
  char separator;
} DateForm;

static gboolean
locale_is_c (void)
{
  const char *name = setlocale (LC_TIME, NULL);

  return name == NULL || strcmp (name, "C") == 0 || strcmp (name, "POSIX") == 0
         || g_str_has_prefix (name, "C.");
}

static DateForm
locale_date_form (void)
{
  static const DateForm iso = { { 'y', 'm', 'd' }, '-' };
  DateForm form = { { 0, 0, 0 }, 0 };
  const char *format;
  guint n = 0;

  /* The C locale's "%m/%d/%y" is a US habit with a two-digit year, not
   * anyone's choice: there, ISO is both shown and expected. */
  if (locale_is_c ())
    return iso;
  format = nl_langinfo (D_FMT);
  for (const char *p = format; *p != '\0' && n < 3; p++)
    {
      char part = 0;

      if (*p != '%')
        {
          if (n > 0 && form.separator == 0)
            form.separator = *p;
          continue;
        }
      p++;
      while (*p != '\0' && strchr ("EO-_0^#", *p) != NULL)
        p++;
      switch (*p)
        {
          case 'd':
          case 'e':
            part = 'd';
            break;
          case 'm':
            part = 'm';
            break;
          case 'y':
          case 'Y':
          case 'C':
            part = 'y';
            break;
          case 'D':
            return (DateForm){ { 'm', 'd', 'y' }, '/' };
          case 'F':
            return iso;
          default:
            break;
        }
      if (part != 0 && memchr (form.order, part, n) == NULL)
        form.order[n++] = part;
      if (*p == '\0')
        break;
    }
  if (n != 3 || form.separator == 0 || g_ascii_isdigit (form.separator))
    return iso;
  return form;
}

char *
cfd_date_input_hint (void)
{
  DateForm form = locale_date_form ();
  GString *hint = g_string_new (NULL);

  for (guint i = 0; i < 3; i++)
    {
      if (i > 0)
        g_string_append_c (hint, form.separator);
      /* Translators: the day, month and year of a date's hint, as in
       * "DD/MM/YYYY"; keep each as many letters as it has digits */
      g_string_append (hint, form.order[i] == 'd'   ? C_ ("date hint", "DD")
                             : form.order[i] == 'm' ? C_ ("date hint", "MM")
                                                    : C_ ("date hint", "YYYY"));
    }
  return g_string_free (hint, FALSE);
}

char *
cfd_date_input_format (const char *iso_date)
{
  DateForm form;
  GString *text;
  int parts[3];

  if (iso_date == NULL || !cfd_date_is_valid (iso_date))
    return g_strdup (iso_date != NULL ? iso_date : "");
  form = locale_date_form ();
  if (form.order[0] == 'y' && form.separator == '-')
    return g_strdup (iso_date);
  parts[0] = atoi (iso_date);
  parts[1] = atoi (iso_date + 5);
  parts[2] = atoi (iso_date + 8);
  text = g_string_new (NULL);
  for (guint i = 0; i < 3; i++)
    {
      if (i > 0)
        g_string_append_c (text, form.separator);
      if (form.order[i] == 'y')
        g_string_append_printf (text, "%04d", parts[0]);
      else
        g_string_append_printf (text, "%02d", form.order[i] == 'm' ? parts[1] : parts[2]);
    }
  return g_string_free (text, FALSE);
}

/* The runs of digits in text, any other characters between them; FALSE
 * unless there are exactly three. */
static gboolean
split_numbers (const char *text, char *numbers[3])
{
  guint n = 0;
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;

      if (!g_ascii_isdigit (*p))
        {
          /* Only separators a date is written with: "12/07/2026",
           * "07.12.2026", "07-12-2026", "07 12 2026". */
          if (strchr ("/.- ", *p) == NULL)
            return FALSE;
          p++;
          continue;
        }
      start = p;
      while (g_ascii_isdigit (*p))
        p++;
      if (n == 3 || p - start > 4)
        return FALSE;
      numbers[n++] = g_strndup (start, p - start);
    }
  return n == 3;
}

static char *
set_problem (char **problem, char *text)
{
  if (problem != NULL)
    *problem = text;
  else
    g_free (text);
  return NULL;
}

char *
cfd_date_input_parse (const char *text, const char *field_label, char **problem)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *hint = cfd_date_input_hint ();
  char *numbers[3] = { NULL, NULL, NULL };
  DateForm form;
  int day = 0, month = 0, year = 0;
  gboolean ok;

  if (problem != NULL)
    *problem = NULL;
  if (trimmed[0] == '\0')
    return NULL;
  if (cfd_date_is_valid (trimmed))
    return g_steal_pointer (&trimmed);

  form = locale_date_form ();
  ok = split_numbers (trimmed, numbers);
  if (ok && strlen (numbers[0]) == 4)
    form = (DateForm){ { 'y', 'm', 'd' }, '-' }; /* 2026/12/07: year first is never ambiguous */
  for (guint i = 0; ok && i < 3; i++)
    {
      int value = atoi (numbers[i]);

      if (form.order[i] == 'y')
        {
          year = value;
          if (strlen (numbers[i]) != 4)
            {
              for (guint j = 0; j < 3; j++)
                g_free (numbers[j]);
              /* Translators: %s is a field's name, then how dates are written here */
              return set_problem (problem,
                                  g_strdup_printf (_ ("%s: write the year with four digits, as "
                                                      "in %s, so that its century is not a guess"),
                                                   field_label, hint));
            }
        }
      else if (form.order[i] == 'm')
        month = value;
      else
        day = value;
    }
  for (guint j = 0; j < 3; j++)
    g_free (numbers[j]);
  if (!ok)
    /* Translators: %s is a field's name, then how dates are written here */
    return set_problem (
        problem, g_strdup_printf (_ ("%s: write the date as %s or YYYY-MM-DD"), field_label, hint));
  if (year >= 1 && month > 12 && day >= 1 && day <= 12)
    /* Translators: %s is a field's name, then how dates are written here */
    return set_problem (problem,
                        g_strdup_printf (_ ("%s: there is no month %d; dates here are written %s"),
                                         field_label, month, hint));
  if (year < 1 || !g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year))
    /* Translators: %s is a field's name */
    return set_problem (
        problem, g_strdup_printf (_ ("%s: no such day in the calendar (%s)"), field_label, hint));
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/* ---- times ---- */

static gboolean
locale_uses_12_hours (void)
{
  const char *format;

  if (locale_is_c ())
    return FALSE;
  format = nl_langinfo (T_FMT);
  return strstr (format, "%r") != NULL || strstr (format, "%I") != NULL
         || strstr (format, "%l") != NULL;
}

/* "p. m.", "PM", "pm" all read as "pm": letters only, lower case. */
static char *
marker_letters (const char *text)
{
  GString *letters = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        g_string_append_unichar (letters, g_unichar_tolower (c));
    }
  return g_string_free (letters, FALSE);
}

/* 0 for none, 1 for before noon, 2 for after; -1 for text that is neither. */
static int
read_marker (const char *text)
{
  g_autofree char *letters = marker_letters (text);
  g_autofree char *am = marker_letters (nl_langinfo (AM_STR));
  g_autofree char *pm = marker_letters (nl_langinfo (PM_STR));

  if (letters[0] == '\0')
    return 0;
  if (strcmp (letters, "am") == 0 || (am[0] != '\0' && strcmp (letters, am) == 0))
    return 1;
  if (strcmp (letters, "pm") == 0 || (pm[0] != '\0' && strcmp (letters, pm) == 0))
    return 2;
  return -1;
}

static char *
time_hint (void)
{
  /* Translators: how a 12-hour time is typed, as a hint */
  return g_strdup (locale_uses_12_hours () ? _ ("H:MM AM/PM or HH:MM") : _ ("HH:MM"));
}

char *
cfd_time_input_parse (const char *text, const char *field_label, char **problem)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *p = trimmed;
  int hour = 0, minute = 0, marker;
  guint hour_digits = 0, minute_digits = 0;

  if (problem != NULL)
    *problem = NULL;
  if (trimmed[0] == '\0')
    return NULL;
  while (g_ascii_isdigit (*p) && hour_digits < 3)
    hour = hour * 10 + (*p++ - '0'), hour_digits++;
  if (*p == ':' || *p == '.' || *p == 'h')
    {
      p++;
      while (g_ascii_isdigit (*p) && minute_digits < 3)
        minute = minute * 10 + (*p++ - '0'), minute_digits++;
    }
  marker = read_marker (p);
  /* "2 PM" has no minutes; "14" alone is too little to be sure of. */
  if (hour_digits == 0 || hour_digits > 2 || marker < 0
      || (minute_digits != 2 && !(minute_digits == 0 && marker > 0)) || g_utf8_strlen (p, -1) > 8)
    {
      g_autofree char *hint = time_hint ();

      /* Translators: %s is a field's name, then how times are written here */
      return set_problem (problem,
                          g_strdup_printf (_ ("%s: write the time as %s"), field_label, hint));
    }
  if (marker > 0)
    {
      if (hour < 1 || hour > 12)
        /* Translators: %s is a field's name */
        return set_problem (
            problem, g_strdup_printf (_ ("%s: with AM or PM the hour is 1 to 12"), field_label));
      hour = hour % 12 + (marker == 2 ? 12 : 0);
    }
  if (hour > 23 || minute > 59)
    /* Translators: %s is a field's name */
    return set_problem (
        problem, g_strdup_printf (_ ("%s: no such time of day (00:00 to 23:59)"), field_label));
  return g_strdup_printf ("%02d:%02d", hour, minute);
}

char *
cfd_time_input_format (const char *hh_mm)
{
  int hour, minute;

  if (hh_mm == NULL || strlen (hh_mm) != 5 || hh_mm[2] != ':' || !g_ascii_isdigit (hh_mm[0])
      || !g_ascii_isdigit (hh_mm[1]) || !g_ascii_isdigit (hh_mm[3]) || !g_ascii_isdigit (hh_mm[4]))
    return g_strdup (hh_mm != NULL ? hh_mm : "");
  hour = atoi (hh_mm);
  minute = atoi (hh_mm + 3);
  if (hour > 23 || minute > 59 || !locale_uses_12_hours ())
    return g_strdup (hh_mm);
  {
    const char *am = nl_langinfo (AM_STR), *pm = nl_langinfo (PM_STR);

    return g_strdup_printf ("%d:%02d %s", hour % 12 == 0 ? 12 : hour % 12, minute,
                            hour < 12 ? (am[0] != '\0' ? am : "AM") : (pm[0] != '\0' ? pm : "PM"));
  }
}

/* ---- the calendar button ---- */

typedef struct
{
  GWeakRef editable;
  GtkCalendar *calendar;
  gboolean showing; /* moving the calendar to the typed day is not a pick */
  int years_back;   /* where a blank field's calendar opens */
} CalendarPick;

static void
calendar_pick_free (CalendarPick *pick)
{
  g_weak_ref_clear (&pick->editable);
  g_free (pick);
}

/* The calendar opens on the day typed so far, else today. */
static void
popover_shown (GtkPopover *popover, CalendarPick *pick)
{
  g_autoptr (GtkEditable) editable = g_weak_ref_get (&pick->editable);
  g_autofree char *iso = NULL;
  g_autoptr (GDateTime) day = NULL;

  if (editable != NULL)
    iso = cfd_date_input_parse (gtk_editable_get_text (editable), "", NULL);
  if (iso != NULL)
    day = g_date_time_new_local (atoi (iso), atoi (iso + 5), atoi (iso + 8), 0, 0, 0);
  if (day == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();

      day = g_date_time_add_years (now, -pick->years_back);
    }
  pick->showing = TRUE;
  gtk_calendar_select_day (pick->calendar, day);
  pick->showing = FALSE;
}

static void
day_selected (GtkCalendar *calendar, GtkMenuButton *button)
{
  CalendarPick *pick = g_object_get_data (G_OBJECT (button), "calendar-pick");
  g_autoptr (GtkEditable) editable = g_weak_ref_get (&pick->editable);
  g_autoptr (GDateTime) day = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *text = NULL;

  if (pick->showing || editable == NULL)
    return;
  day = gtk_calendar_get_date (calendar);
  iso = g_date_time_format (day, "%Y-%m-%d");
  text = cfd_date_input_format (iso);
  gtk_editable_set_text (editable, text);
  gtk_menu_button_popdown (button);
  gtk_widget_grab_focus (GTK_WIDGET (editable));
}

GtkWidget *
cfd_date_input_button_new (GtkEditable *editable, const char *field_label)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  CalendarPick *pick = g_new0 (CalendarPick, 1);
  /* Translators: the calendar button's name, %s a date field's */
  g_autofree char *name = g_strdup_printf (_ ("Choose %s on a calendar"), field_label);

  g_weak_ref_init (&pick->editable, editable);
  pick->calendar = GTK_CALENDAR (calendar);
  g_object_set_data_full (G_OBJECT (button), "calendar-pick", pick,
                          (GDestroyNotify)calendar_pick_free);
  gtk_widget_set_name (calendar, "date-calendar");
  gtk_widget_set_name (button, "date-calendar-button");
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_signal_connect (popover, "show", G_CALLBACK (popover_shown), pick);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (day_selected), button);
  return button;
}

GtkWidget *
cfd_date_input_setup_row (AdwEntryRow *row, const char *field_label, gboolean optional)
{
  GtkWidget *button = cfd_date_input_button_new (GTK_EDITABLE (row), field_label);
  g_autofree char *hint = cfd_date_input_hint ();
  g_autofree char *title = NULL;

  if (optional)
    /* Translators: a date field's title: its name, then how dates are written here */
    title = g_strdup_printf (_ ("%s (%s, optional)"), field_label, hint);
  else
    /* Translators: a date field's title: its name, then how dates are written here */
    title = g_strdup_printf (_ ("%s (%s)"), field_label, hint);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_add_suffix (row, button);
  return button;
}

void
cfd_date_input_button_start_years_back (GtkWidget *button, int years)
{
  CalendarPick *pick = g_object_get_data (G_OBJECT (button), "calendar-pick");

  g_return_if_fail (pick != NULL);
  pick->years_back = years;
}
