/* cfd-ui-util.c: small helpers the views share: record kind and band titles, icons, dates, toasts. */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-ui-util.h"

const char *
cfd_ui_kind_icon (CfdRecordKind kind)
{
  switch (kind)
    {
      case CFD_RECORD_INTEGRATION:
        return "chat-message-new-symbolic";
      case CFD_RECORD_DOSING:
        return "task-due-symbolic";
      case CFD_RECORD_INTAKE:
        return "x-office-address-book-symbolic";
      case CFD_RECORD_PROGRESS:
        return "text-x-generic-symbolic";
      case CFD_RECORD_RISK:
        return "dialog-warning-symbolic";
      case CFD_RECORD_SAFETY_PLAN:
        return "emblem-default-symbolic";
      case CFD_RECORD_MEASURE:
        return "view-list-ordered-symbolic";
      case CFD_RECORD_ADDENDUM:
        return "document-edit-symbolic";
      case CFD_RECORD_SESSION:
        return "x-office-calendar-symbolic";
      default:
        return "text-x-generic-symbolic";
    }
}

/* The templates hold each kind's title (translated there, like every
 * other word of a template). */
const char *
cfd_ui_kind_title (CfdRecordKind kind)
{
  const CfdTemplate *tmpl = cfd_template_get (kind);

  return tmpl != NULL && tmpl->title != NULL ? tmpl->title : _ ("Record");
}

const char *
cfd_ui_band_title (const char *band_id)
{
  if (g_strcmp0 (band_id, "minimal") == 0)
    return _ ("Minimal");
  if (g_strcmp0 (band_id, "mild") == 0)
    return _ ("Mild");
  if (g_strcmp0 (band_id, "moderate") == 0)
    return _ ("Moderate");
  if (g_strcmp0 (band_id, "moderately severe") == 0)
    return _ ("Moderately severe");
  if (g_strcmp0 (band_id, "severe") == 0)
    return _ ("Severe");
  return band_id;
}

char *
cfd_ui_format_date (gint64 seconds)
{
  g_autoptr (GDateTime) time = NULL;

  if (seconds <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (seconds);
  /* Translators: a session date, see g_date_time_format() */
  return time != NULL ? g_date_time_format (time, _ ("%-d %b %Y")) : g_strdup ("");
}

char *
cfd_ui_format_calendar_date (const char *iso_date)
{
  g_autoptr (GDateTime) time = NULL;
  int year, month, day;

  /* cfd_date_parse() refuses days before 1970, which birth dates are. */
  if (iso_date == NULL || !cfd_date_is_valid (iso_date)
      || sscanf (iso_date, "%d-%d-%d", &year, &month, &day) != 3)
    return g_strdup (iso_date != NULL ? iso_date : "");
  /* A calendar day has no time zone: shown as the day it names. */
  time = g_date_time_new_utc (year, month, day, 0, 0, 0);
  return time != NULL ? g_date_time_format (time, _ ("%-d %b %Y")) : g_strdup (iso_date);
}

char *
cfd_ui_format_date_time (gint64 seconds)
{
  g_autoptr (GDateTime) time = NULL;

  if (seconds <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (seconds);
  /* Translators: a date and time, see g_date_time_format() */
  return time != NULL ? g_date_time_format (time, _ ("%-d %b %Y, %H:%M")) : g_strdup ("");
}

char *
cfd_ui_patient_identity (CfdPatient *patient)
{
  const char *birth = cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  int y, m, d, age;

  if (birth == NULL || sscanf (birth, "%4d-%2d-%2d", &y, &m, &d) != 3
      || !g_date_valid_dmy (d, m, y))
    return g_strdup (cfd_patient_get_name (patient));
  age = g_date_time_get_year (now) - y;
  if (g_date_time_get_month (now) < m
      || (g_date_time_get_month (now) == m && g_date_time_get_day_of_month (now) < d))
    age--;
  /* Translators: a patient's name and age, "Imogen Testpatient · 42 years" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d year", "%s · %d years", age),
                          cfd_patient_get_name (patient), age);
}

/* The overlay nearest to widget: an ancestor's (a page inside a window
 * that wraps its content in one), else the first below widget's window (a
 * window or dialog asking for itself). */
static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  GtkWidget *ancestor = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr (GQueue) queue = NULL;

  if (ancestor != NULL)
    return ADW_TOAST_OVERLAY (ancestor);
  queue = g_queue_new ();
  g_queue_push_tail (queue, root != NULL ? root : widget);
  while (!g_queue_is_empty (queue))
    {
      GtkWidget *next = g_queue_pop_head (queue);

      if (ADW_IS_TOAST_OVERLAY (next))
        return ADW_TOAST_OVERLAY (next);
      for (GtkWidget *child = gtk_widget_get_first_child (next); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_queue_push_tail (queue, child);
    }
  return NULL;
}

static void
toast_dismissed (AdwToastOverlay *overlay, AdwToast *toast)
{
  if (g_object_get_data (G_OBJECT (overlay), "cfd-shown-toast") == toast)
    g_object_set_data (G_OBJECT (overlay), "cfd-shown-toast", NULL);
}

/* One toast at a time, the newest: a queue of stale messages (each
 * waiting out the last) says nothing useful. Its text wraps instead of
 * being cut off in a narrow window. */
static void
show_toast (AdwToastOverlay *overlay, const char *message)
{
  AdwToast *previous = g_object_get_data (G_OBJECT (overlay), "cfd-shown-toast");
  AdwToast *toast = adw_toast_new (message);
  GtkWidget *label = gtk_label_new (message);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  /* A short message on one line; a long one wraps, within a 360 px window. */
  gtk_label_set_width_chars (GTK_LABEL (label), (int)MIN (g_utf8_strlen (message, -1), 32));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  adw_toast_set_custom_title (toast, label);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data (G_OBJECT (overlay), "cfd-shown-toast", toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), overlay,
                           G_CONNECT_SWAPPED);
  if (previous != NULL)
    adw_toast_dismiss (previous);
  adw_toast_overlay_add_toast (overlay, toast);
}

void
cfd_ui_toast (GtkWidget *widget, const char *message)
{
  AdwToastOverlay *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* A widget shown on its own (a panel in a test) has nowhere to toast. */
  overlay = find_overlay (widget);
  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", message);
      return;
    }
  show_toast (overlay, message);
}

void
cfd_ui_toast_error (GtkWidget *widget, const char *what, const GError *error)
{
  /* Translators: "<what failed>: <why>" */
  g_autofree char *message = g_strdup_printf (_ ("%s: %s"), what, error->message);

  cfd_ui_toast (widget, message);
}

void
cfd_ui_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static gboolean
forget_recent_now (gpointer data)
{
  const char *uri = data;
  g_autoptr (GError) error = NULL;

  /* Not gtk_recent_manager_has_item: it fails a check (a critical) when
   * this account has no recent files at all, as on a new machine. */
  if (!gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, &error)
      && !g_error_matches (error, GTK_RECENT_MANAGER_ERROR, GTK_RECENT_MANAGER_ERROR_NOT_FOUND))
    g_debug ("Could not take an export off the recent files");
  return G_SOURCE_REMOVE;
}

/* Exports (PDFs, CSVs, capsules) hold patient data or say that it exists;
 * their names must not stay in recently-used.xbel, where the file chooser
 * (in this process, or the portal's) records what was saved. Removed now
 * and again a little later, once a portal's write has reached this
 * process's GtkRecentManager. */
void
cfd_ui_forget_recent (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  char *uri = g_file_get_uri (file);

  forget_recent_now (uri);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 2, forget_recent_now, uri, g_free);
}
