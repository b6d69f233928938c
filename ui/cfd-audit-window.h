/* cfd-audit-window.h: the audit log: filtered and paged, verified, its checkpoint receipt, CSV export. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_AUDIT_WINDOW (cfd_audit_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdAuditWindow, cfd_audit_window, CFD, AUDIT_WINDOW, AdwWindow)

/* With a patient_id, the window is that patient's access history. The
 * window closes when the vault locks. */
CfdAuditWindow *cfd_audit_window_new (GtkWindow *parent, CfdVault *vault, const char *patient_id);

/* Records per page; the first page loads at once, "audit.load-more" the next. */
void cfd_audit_window_set_page_size (CfdAuditWindow *self, guint page_size);
/* The rows loaded so far (CfdAuditItem items, newest first). */
GListModel *cfd_audit_window_get_entries (CfdAuditWindow *self);
/* FALSE once the oldest matching record is loaded. */
gboolean cfd_audit_window_has_more (CfdAuditWindow *self);

/* Filters; NULL or 0 for none. Dates are YYYY-MM-DD in local time; the
 * until date is included. Each change reloads from the newest record. */
gboolean cfd_audit_window_set_dates (CfdAuditWindow *self, const char *since, const char *until);
void cfd_audit_window_set_actor (CfdAuditWindow *self, const char *user_id);
/* "patient.view", or a family "patient.*". */
void cfd_audit_window_set_action (CfdAuditWindow *self, const char *action);

/* What the last verification said, or NULL before one finished. */
const char *cfd_audit_window_get_verify_result (CfdAuditWindow *self);
/* "seq N · XXXX-XXXX-XXXX-XXXX", or NULL without a checkpoint. */
const char *cfd_audit_window_get_receipt (CfdAuditWindow *self);

/* Writes the filtered log as CSV (the "audit.export" action asks where). */
void cfd_audit_window_export (CfdAuditWindow *self, GFile *file);

G_END_DECLS
