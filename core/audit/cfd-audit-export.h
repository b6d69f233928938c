/* cfd-audit-export.h: the audit log as CSV (RFC 4180) for auditors and spreadsheets. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-audit-query.h"

G_BEGIN_DECLS

/* The header line; docs/FORMATS.md describes each column. */
#define CFD_AUDIT_CSV_HEADER                                                             \
  "seq,time_utc,actor_id,actor_name,action,object_kind,object_id,outcome,authorization," \
  "device,hash"

/* Writes the matching records, oldest first, streaming. The export is
 * recorded (audit.export) and then a checkpoint is made, returned in
 * checkpoint when it is not NULL. */
gboolean cfd_vault_audit_export_csv (CfdVault *vault,
                                     const CfdAuditFilter *filter,
                                     GOutputStream *out,
                                     gint64 *n_rows,
                                     CfdAuditCheckpoint *checkpoint,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same into a file, written durably (temp file, fsync, rename). */
gboolean cfd_vault_audit_export_csv_file (CfdVault *vault,
                                          const CfdAuditFilter *filter,
                                          const char *path,
                                          gint64 *n_rows,
                                          CfdAuditCheckpoint *checkpoint,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The file export in a worker thread; the filter is copied. Nothing else
 * may use the vault until the callback runs. */
void cfd_vault_audit_export_csv_file_async (CfdVault *vault,
                                            const CfdAuditFilter *filter,
                                            const char *path,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean cfd_vault_audit_export_csv_file_finish (CfdVault *vault,
                                                 GAsyncResult *result,
                                                 gint64 *n_rows,
                                                 CfdAuditCheckpoint *checkpoint,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
