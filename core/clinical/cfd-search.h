/* cfd-search.h: text search across every record the signed-in user may read. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-record.h"

G_BEGIN_DECLS

#define CFD_TYPE_SEARCH_HIT (cfd_search_hit_get_type ())
G_DECLARE_FINAL_TYPE (CfdSearchHit, cfd_search_hit, CFD, SEARCH_HIT, GObject)

const char *cfd_search_hit_get_patient_id (CfdSearchHit *self);
const char *cfd_search_hit_get_patient_name (CfdSearchHit *self);
const char *cfd_search_hit_get_record_id (CfdSearchHit *self);
CfdRecordKind cfd_search_hit_get_kind (CfdSearchHit *self);
gint64 cfd_search_hit_get_occurred (CfdSearchHit *self);
const char *cfd_search_hit_get_snippet (CfdSearchHit *self);

/* Case- and accent-insensitive; the text is decrypted only in memory, and
 * any index lives in guarded memory and is wiped when the vault locks. The
 * audit log records that a search happened, never what was searched for. */
GListModel *
cfd_vault_search (CfdVault *vault, const char *query, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
