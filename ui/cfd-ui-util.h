/* cfd-ui-util.h: small helpers the views share: record kind and band titles, icons, dates, toasts. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

const char *cfd_ui_kind_icon (CfdRecordKind kind);
/* The record kind's title, from its template. */
const char *cfd_ui_kind_title (CfdRecordKind kind);
/* A severity band's title ("Moderately severe") from its id. */
const char *cfd_ui_band_title (const char *band_id);
/* A date in the user's locale, e.g. "25 Nov 2026"; "" for 0. */
char *cfd_ui_format_date (gint64 seconds);
char *cfd_ui_format_date_time (gint64 seconds);
/* A day written YYYY-MM-DD (a birth date, a retention date) in the
 * locale's way; text that is not such a day is returned as it is. */
char *cfd_ui_format_calendar_date (const char *iso_date);

/* "Imogen Testpatient · 42 years", the age from the birth date (as of
 * today) when there is one: what says whose chart is on screen. */
char *cfd_ui_patient_identity (CfdPatient *patient);
/* Shows message as a toast in the AdwToastOverlay nearest to widget. */
void cfd_ui_toast (GtkWidget *widget, const char *message);
/* "Could not …: reason" as a toast; reason is a core message (no patient data). */
void cfd_ui_toast_error (GtkWidget *widget, const char *what, const GError *error);

/* For GtkWidget subclasses with a template: unparents what the template
 * added, since gtk_widget_dispose_template() only clears bound children. */
void cfd_ui_unparent_children (GtkWidget *widget);

/* Takes an exported file off GTK's recent files (recently-used.xbel). */
void cfd_ui_forget_recent (const char *path);

G_END_DECLS
