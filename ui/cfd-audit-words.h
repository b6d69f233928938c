/* cfd-audit-words.h: an audit record as a sentence a therapist reads: "Dr Rivera opened Jordan Lee's chart". */
#pragma once

#include "confidant.h"

G_BEGIN_DECLS

/* actor is the user's name (or id), patient the patient's name when the
 * record is about one and the reader may know it, else NULL. */
char *cfd_audit_describe (const char *actor,
                          const char *action,
                          const char *object_kind,
                          const char *patient,
                          const char *outcome);

G_END_DECLS
