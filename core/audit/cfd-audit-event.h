/* cfd-audit-event.h: audit records for what happens above core: settings changes, printing, exports. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-types.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* Records one event as the signed-in user. Only known actions are taken,
 * each with its object kind, and object ids are plain identifiers, so no
 * caller can write free text (or patient data) into the log:
 *
 *   settings.change  settings  the setting's key
 *   patient.print    patient   patient id
 *   patient.export   patient   patient id
 *   record.print     record    record id
 *   record.export    record    record id
 *   audit.print      vault     vault id (or NULL)
 *
 * CFD_ERROR_INVALID_INPUT for anything else. */
gboolean cfd_vault_audit_event (CfdVault *vault,
                                const char *action,
                                const char *object_kind,
                                const char *object_id,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* What an export or print of a patient's record disclosed, written as the
 * audit record's authorization: the classes of record it held. */
#define CFD_AUDIT_SCOPE_MEDICAL_RECORD     "medical-record"
#define CFD_AUDIT_SCOPE_WITH_PSYCHOTHERAPY "medical-record+psychotherapy-notes"

/* Records an export ("patient.export") or print ("patient.print") of a
 * patient's record (its outcome: done, failed, or denied to this user),
 * with whether psychotherapy notes were in it.
 * CFD_ERROR_INVALID_INPUT for any other action. */
gboolean cfd_vault_audit_disclosure (CfdVault *vault,
                                     const char *action,
                                     const char *patient_id,
                                     gboolean psychotherapy_included,
                                     CfdAuditOutcome outcome,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
