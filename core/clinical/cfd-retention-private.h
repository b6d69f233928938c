/* cfd-retention-private.h: what deleting a patient needs from the retention rules inside core. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-retention.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* Computes without loading or auditing: the caller has the patient. */
gboolean cfd_retention_compute (CfdVault *vault,
                                const char *patient_id,
                                const char *birth_date,
                                gint64 manual_until,
                                CfdRetention *retention,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Appends the signed disposition entry of a deletion, inside the caller's
 * transaction. reason is NULL unless retention was overridden. */
gboolean cfd_retention_add_disposition (CfdVault *vault,
                                        const char *patient_id,
                                        const CfdRetention *retention,
                                        const char *reason,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
