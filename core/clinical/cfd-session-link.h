/* cfd-session-link.h: a session record's link to the dosing record it follows. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-record.h"

G_BEGIN_DECLS

/* The content of a session draft with the fields it shows from its linked
 * dosing record (medication, route, dose, days since dosing) filled in
 * from that record, never from what the caller sent. A link that does not
 * resolve to a dosing record of the same patient leaves them empty: a
 * draft keeps what was typed, and signing says what is wrong. Returns a
 * new reference. */
GVariant *cfd_session_fill_from_dosing (CfdVault *vault,
                                        const char *patient_id,
                                        gint64 occurred,
                                        GVariant *content);

/* The checks signing makes on the link of a session record (TRUE for
 * any other kind): the dosing record exists, is a
 * signed dosing record of the same patient dated on or before the session,
 * and the fields shown from it still match it. The error names the
 * "Linked dosing record" field. */
gboolean cfd_session_check_dosing_link (CfdVault *vault,
                                        CfdRecord *session,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* An integration note's link to its session record, when it has one: a
 * session record of the same patient (TRUE for any other kind). The error
 * names the field. */
gboolean cfd_integration_check_session_link (CfdVault *vault,
                                             CfdRecord *note,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
