/* cfd-schema.h: the database schema and its migrations. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-db.h"

G_BEGIN_DECLS

gboolean cfd_schema_migrate (CfdDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
