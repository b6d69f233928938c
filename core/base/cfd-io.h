/* cfd-io.h: durable file writes (temp, fsync, rename, fsync dir) with fault injection for tests. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

gboolean cfd_io_atomic_write (const char *path, const guint8 *data, gsize len, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

gboolean cfd_io_read_file (const char *path,
                           gsize max_len,
                           guint8 **data,
                           gsize *len,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

void cfd_io_set_error_from_errno (GError **error, int saved_errno, const char *what);

G_END_DECLS
