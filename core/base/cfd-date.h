/* cfd-date.h: the one way Confidant reads and writes calendar dates (YYYY-MM-DD, UTC). */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* Exactly ten characters, digits where digits belong, and a real day. */
gboolean cfd_date_is_valid (const char *text);

/* The start of that day, UTC, in seconds since the epoch; FALSE for
 * anything cfd_date_is_valid refuses or a day before 1970. */
gboolean cfd_date_parse (const char *text, gint64 *seconds) G_GNUC_WARN_UNUSED_RESULT;

/* "YYYY-MM-DD" of the UTC day holding that second. */
char *cfd_date_format (gint64 seconds);

G_END_DECLS
