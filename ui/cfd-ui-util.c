/* cfd-ui-util.c: small helpers the views share: record kind names and icons, dates, toasts. */
#include "config.h"

#include <glib/gi18n.h>

#include "confidant.h"

#include "cfd-ui-util.h"
#include "cfd-window.h"

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
      default:
        return "text-x-generic-symbolic";
    }
}

const char *
cfd_ui_kind_title (CfdRecordKind kind)
{
  switch (kind)
    {
      case CFD_RECORD_INTEGRATION:
        return _ ("Integration Session");
      case CFD_RECORD_DOSING:
        return _ ("Dosing Session");
      case CFD_RECORD_INTAKE:
        return _ ("Intake");
      case CFD_RECORD_PROGRESS:
        return _ ("Progress Note");
      case CFD_RECORD_RISK:
        return _ ("Risk Assessment");
      case CFD_RECORD_SAFETY_PLAN:
        return _ ("Safety Plan");
      case CFD_RECORD_MEASURE:
        return _ ("Outcome Measure");
      case CFD_RECORD_ADDENDUM:
        return _ ("Addendum");
      default:
        return _ ("Record");
    }
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
cfd_ui_format_date_time (gint64 seconds)
{
  g_autoptr (GDateTime) time = NULL;

  if (seconds <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (seconds);
  /* Translators: a date and time, see g_date_time_format() */
  return time != NULL ? g_date_time_format (time, _ ("%-d %b %Y, %H:%M")) : g_strdup ("");
}

void
cfd_ui_toast (GtkWidget *widget, const char *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (widget, CFD_TYPE_WINDOW);

  if (window != NULL)
    cfd_window_add_toast (CFD_WINDOW (window), message);
  else
    g_warning ("%s", message);
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
