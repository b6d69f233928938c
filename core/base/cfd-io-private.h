/* cfd-io-private.h: the durable-write primitives, the keyring lock and the fault hooks, for core alone. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <sys/stat.h>

#include "cfd-io.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_IO_OP_OPEN,
  CFD_IO_OP_WRITE,
  CFD_IO_OP_FSYNC,
  CFD_IO_OP_RENAME,
  CFD_IO_OP_FSYNC_DIR,
  /* Counted by the test SQLite VFS (cfd-fault-vfs.c). */
  CFD_IO_OP_DB_WRITE,
  CFD_IO_OP_DB_SYNC,
  CFD_IO_OP_DB_TRUNCATE,
  CFD_IO_OP_DB_DELETE,
} CfdIoOp;

gboolean cfd_io_write_all (int fd, const guint8 *data, gsize len, GError **error);
gboolean cfd_io_fsync (int fd, GError **error);
gboolean cfd_io_fsync_dir (const char *dir, GError **error);
gboolean cfd_io_rename (const char *from, const char *to, GError **error);
int cfd_io_open_temp (const char *target, char **temp_path, GError **error);

/* A vault's folder and files must be the user's and writable by nobody
 * else; files inside it are never symlinks. The errors name the fix. */
gboolean
cfd_io_check_private (const struct stat *st, const char *path, gboolean folder, GError **error);
gboolean
cfd_io_check_private_path (const char *path, gboolean folder, gboolean must_exist, GError **error);
/* open(2) with O_NOFOLLOW | O_CLOEXEC (mode 0600 if flags create), then
 * cfd_io_check_private on what was opened. */
int cfd_io_open_private (const char *path, int flags, GError **error);
gboolean cfd_io_read_private_file (
    const char *path, gsize max_len, guint8 **data, gsize *len, GError **error);

/* An exclusive advisory lock on a file, held until the returned fd is
 * closed. The lock file is opened as a private vault file. */
int cfd_io_lock_exclusive (const char *lock_path, GError **error);
void cfd_io_unlock (int fd);

#ifdef CFD_TESTING
/* Makes the nth counted I/O call (1-based) fail with err; 0 disables.
 * Counting covers the calls above and the test SQLite VFS. */
void cfd_io_fault_arm (guint nth, int err);
/* Like cfd_io_fault_arm, but every counted call from the nth on fails too,
 * as on a disk that stays full. */
void cfd_io_fault_arm_persistent (guint nth, int err);
guint cfd_io_fault_count (void);
int cfd_io_fault_check (CfdIoOp op);
#endif

G_END_DECLS
