/* cfd-schema.h: the database schema and its migrations. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-db.h"

G_BEGIN_DECLS

gboolean cfd_schema_migrate (CfdDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Tests only: databases opened after this stop at the given schema
 * version (-1: the latest), so that a test can make a vault as an older
 * version left it and then open it with this one. */
void cfd_schema_set_target_for_testing (int version);

G_END_DECLS
