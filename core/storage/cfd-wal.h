/* cfd-wal.h: reading SQLite's write-ahead log before the database is opened, to tell damage from an interrupted write. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* No WAL, or every frame SQLite will replay is intact. */
  CFD_WAL_INTACT,
  /* A frame of the last transaction does not match its checksum. A power
   * cut during that transaction leaves exactly this, and so does a flipped
   * byte in it; SQLite will discard the transaction either way. */
  CFD_WAL_BROKEN_TAIL,
  /* A frame that was already durable does not match: later transactions
   * were written after it was synced, so no interrupted write explains it.
   * Opening would silently drop every commit from that frame on. */
  CFD_WAL_DAMAGED,
} CfdWalState;

/* Inspects the WAL beside db_path. Reads are repeated until two agree, so
 * a writer in another process appending frames is not mistaken for
 * damage. first_bad_frame (1-based) is set unless INTACT. FALSE with a
 * CFD_ERROR_IO error only when the file cannot be read. */
gboolean cfd_wal_inspect (const char *db_path,
                          CfdWalState *state,
                          guint *first_bad_frame,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, over a WAL already in memory: for tests and the fuzzer. */
CfdWalState cfd_wal_inspect_bytes (const guint8 *wal, gsize size, guint *first_bad_frame);

G_END_DECLS
