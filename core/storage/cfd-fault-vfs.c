/* cfd-fault-vfs.c: a test-only SQLite VFS that fails chosen writes, syncs, truncates and deletes. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <sqlite3.h>

#include "cfd-fault-vfs.h"
#include "cfd-io-private.h"

#ifdef CFD_TESTING

/* Each open file is ours, followed in the same allocation by the file of
 * the wrapped VFS, which does the real work. */
typedef struct
{
  sqlite3_file base;
  sqlite3_file *real;
} FaultFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

static int
injected (CfdIoOp op, int ioerr)
{
  int err = cfd_io_fault_check (op);

  if (err == 0)
    return SQLITE_OK;
  /* What the unix VFS itself reports for a full disk. */
  return err == ENOSPC || err == EDQUOT ? SQLITE_FULL : ioerr;
}

#define REAL(f) (((FaultFile *)(f))->real)

static int
fault_close (sqlite3_file *file)
{
  sqlite3_file *real = REAL (file);

  return real->pMethods != NULL ? real->pMethods->xClose (real) : SQLITE_OK;
}

static int
fault_read (sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buf, amount, offset);
}

static int
fault_write (sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset)
{
  int rc = injected (CFD_IO_OP_DB_WRITE, SQLITE_IOERR_WRITE);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xWrite (REAL (file), buf, amount, offset);
}

static int
fault_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  int rc = injected (CFD_IO_OP_DB_TRUNCATE, SQLITE_IOERR_TRUNCATE);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
fault_sync (sqlite3_file *file, int flags)
{
  int rc = injected (CFD_IO_OP_DB_SYNC, SQLITE_IOERR_FSYNC);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
fault_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
fault_lock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
fault_unlock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
fault_check_reserved_lock (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
fault_file_control (sqlite3_file *file, int op, void *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
fault_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
fault_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
fault_shm_map (sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, size, extend, out);
}

static int
fault_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
fault_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
fault_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
fault_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
fault_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

/* One table per version of the wrapped file's methods, so that SQLite sees
 * exactly the capabilities (shared memory, mmap) the real file has. */
#define FAULT_IO_METHODS(version)                                                               \
  {                                                                                             \
    version, fault_close, fault_read, fault_write, fault_truncate, fault_sync, fault_file_size, \
        fault_lock, fault_unlock, fault_check_reserved_lock, fault_file_control,                \
        fault_sector_size, fault_device_characteristics, version >= 2 ? fault_shm_map : NULL,   \
        version >= 2 ? fault_shm_lock : NULL, version >= 2 ? fault_shm_barrier : NULL,          \
        version >= 2 ? fault_shm_unmap : NULL, version >= 3 ? fault_fetch : NULL,               \
        version >= 3 ? fault_unfetch : NULL,                                                    \
  }

static const sqlite3_io_methods fault_io_methods[] = {
  FAULT_IO_METHODS (1),
  FAULT_IO_METHODS (2),
  FAULT_IO_METHODS (3),
};

static int
fault_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultFile *ours = (FaultFile *)file;
  int version;
  int rc;

  ours->real = (sqlite3_file *)(ours + 1);
  memset (ours->real, 0, (size_t)real_vfs->szOsFile);
  ours->base.pMethods = NULL;
  rc = real_vfs->xOpen (real_vfs, name, ours->real, flags, out_flags);
  if (ours->real->pMethods == NULL)
    return rc;
  version = CLAMP (ours->real->pMethods->iVersion, 1, 3);
  ours->base.pMethods = &fault_io_methods[version - 1];
  return rc;
}

static int
fault_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  int rc = injected (CFD_IO_OP_DB_DELETE, SQLITE_IOERR_DELETE);

  if (rc != SQLITE_OK)
    return rc;
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
fault_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
fault_full_pathname (sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n, out);
}

static void *
fault_dl_open (sqlite3_vfs *vfs, const char *path)
{
  return real_vfs->xDlOpen (real_vfs, path);
}

static void
fault_dl_error (sqlite3_vfs *vfs, int n, char *out)
{
  real_vfs->xDlError (real_vfs, n, out);
}

static void (*fault_dl_sym (sqlite3_vfs *vfs, void *handle, const char *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
fault_dl_close (sqlite3_vfs *vfs, void *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
fault_randomness (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
fault_sleep (sqlite3_vfs *vfs, int usec)
{
  return real_vfs->xSleep (real_vfs, usec);
}

static int
fault_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
fault_get_last_error (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xGetLastError (real_vfs, n, out);
}

static int
fault_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

void
cfd_fault_vfs_install (void)
{
  if (real_vfs != NULL)
    return;

  sqlite3_initialize ();
  real_vfs = sqlite3_vfs_find ("unix");
  g_assert (real_vfs != NULL && real_vfs->iVersion >= 2);

  fault_vfs.iVersion = 2;
  fault_vfs.szOsFile = (int)sizeof (FaultFile) + real_vfs->szOsFile;
  fault_vfs.mxPathname = real_vfs->mxPathname;
  fault_vfs.zName = "cfd-fault";
  fault_vfs.xOpen = fault_open;
  fault_vfs.xDelete = fault_delete;
  fault_vfs.xAccess = fault_access;
  fault_vfs.xFullPathname = fault_full_pathname;
  fault_vfs.xDlOpen = fault_dl_open;
  fault_vfs.xDlError = fault_dl_error;
  fault_vfs.xDlSym = fault_dl_sym;
  fault_vfs.xDlClose = fault_dl_close;
  fault_vfs.xRandomness = fault_randomness;
  fault_vfs.xSleep = fault_sleep;
  fault_vfs.xCurrentTime = fault_current_time;
  fault_vfs.xGetLastError = fault_get_last_error;
  fault_vfs.xCurrentTimeInt64 = fault_current_time_int64;
  sqlite3_vfs_register (&fault_vfs, 1);
}

#endif
