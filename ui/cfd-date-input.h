/* cfd-date-input.h: dates and times typed the locale's way or as ISO, and a calendar to pick them. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Reads a date typed as YYYY-MM-DD or in the locale's numeric form
 * (12/07/2026 in en_US, 07/12/2026 in es_ES). Returns the day as a newly
 * allocated "YYYY-MM-DD", or NULL with *problem (when not NULL) set to a
 * sentence naming field_label and saying what is wrong. Blank text is
 * NULL with no problem. */
char *cfd_date_input_parse (const char *text, const char *field_label, char **problem);

/* A "YYYY-MM-DD" day in the locale's numeric form, the year in four
 * digits; other text is returned as it is. In the C locale, ISO. */
char *cfd_date_input_format (const char *iso_date);

/* "MM/DD/YYYY", "DD/MM/AAAA": the form the entry expects, as a hint. */
char *cfd_date_input_hint (void);

/* Reads a time typed as 24-hour "14:30" or the locale's 12-hour "2:30 PM";
 * "HH:MM" or NULL with *problem as for dates. */
char *cfd_time_input_parse (const char *text, const char *field_label, char **problem);

/* An "HH:MM" time as the locale writes it ("2:30 PM" in en_US); other
 * text as it is. */
char *cfd_time_input_format (const char *hh_mm);

/* A button that opens a calendar under editable: the calendar starts on
 * the day typed (or today) and picking a day writes it in the locale's
 * form. field_label names the button for assistive technology. The button
 * is named "date-calendar-button" and its calendar "date-calendar". */
GtkWidget *cfd_date_input_button_new (GtkEditable *editable, const char *field_label);

G_END_DECLS

#include <adwaita.h>

G_BEGIN_DECLS

/* Makes row a date field: titled "field_label (MM/DD/YYYY)" (with
 * ", optional" when it may stay blank) and given its calendar button. */
GtkWidget *cfd_date_input_setup_row (AdwEntryRow *row, const char *field_label, gboolean optional);

/* A calendar button whose field is blank opens that many years back
 * (a birth date) rather than on today. */
void cfd_date_input_button_start_years_back (GtkWidget *button, int years);

G_END_DECLS
