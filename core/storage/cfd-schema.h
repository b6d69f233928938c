/* cfd-schema.h: the database schema and its migrations. */
#pragma once

#include "cfd-db.h"

G_BEGIN_DECLS

gboolean cfd_schema_migrate (CfdDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
