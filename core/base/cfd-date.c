/* cfd-date.c: the one way Confidant reads and writes calendar dates (YYYY-MM-DD, UTC). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfd-date.h"

static gboolean
split (const char *text, int *year, int *month, int *day)
{
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  *year = atoi (text);
  *month = atoi (text + 5);
  *day = atoi (text + 8);
  return *year >= 1 && g_date_valid_dmy ((GDateDay)*day, (GDateMonth)*month, (GDateYear)*year);
}

gboolean
cfd_date_is_valid (const char *text)
{
  int year, month, day;

  return split (text, &year, &month, &day);
}

gboolean
cfd_date_parse (const char *text, gint64 *seconds)
{
  g_autoptr (GDateTime) date = NULL;
  int year, month, day;

  if (!split (text, &year, &month, &day))
    return FALSE;
  date = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date == NULL || g_date_time_to_unix (date) < 0)
    return FALSE;
  *seconds = g_date_time_to_unix (date);
  return TRUE;
}

char *
cfd_date_format (gint64 seconds)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (seconds);

  return date != NULL ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("?");
}
