/* cfd-fault-vfs.h: a test-only SQLite VFS that fails chosen writes, syncs, truncates and deletes. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#ifdef CFD_TESTING
/* Registers "cfd-fault" as SQLite's default VFS, wrapping "unix". Every
 * xWrite, xSync, xTruncate and xDelete then goes through
 * cfd_io_fault_check(), so cfd_io_fault_arm() counts database I/O and the
 * keyring writer's I/O with one counter: "the Nth I/O call of an operation"
 * means the same thing whichever file it touches. An injected ENOSPC
 * surfaces as SQLITE_FULL, anything else as the matching SQLITE_IOERR_*.
 * Idempotent; call it before opening any database. */
void cfd_fault_vfs_install (void);
#endif

G_END_DECLS
