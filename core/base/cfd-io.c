/* cfd-io.c: durable file writes (temp, fsync, rename, fsync dir) with fault injection for tests. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cfd-error.h"
#include "cfd-io-private.h"

#ifdef CFD_TESTING
static guint fault_counter;
static guint fault_nth;
static int fault_errno;
static gboolean fault_persistent;

void
cfd_io_fault_arm (guint nth, int err)
{
  fault_counter = 0;
  fault_nth = nth;
  fault_errno = err;
  fault_persistent = FALSE;
}

void
cfd_io_fault_arm_persistent (guint nth, int err)
{
  cfd_io_fault_arm (nth, err);
  fault_persistent = TRUE;
}

guint
cfd_io_fault_count (void)
{
  return fault_counter;
}

int
cfd_io_fault_check (CfdIoOp op)
{
  fault_counter++;
  if (fault_nth != 0
      && (fault_counter == fault_nth || (fault_persistent && fault_counter > fault_nth)))
    return fault_errno;
  return 0;
}
#define INJECT(op)                           \
  G_STMT_START                               \
  {                                          \
    int injected_ = cfd_io_fault_check (op); \
    if (injected_ != 0)                      \
      {                                      \
        errno = injected_;                   \
        goto failed;                         \
      }                                      \
  }                                          \
  G_STMT_END
#else
#define INJECT(op) \
  G_STMT_START     \
  {                \
  }                \
  G_STMT_END
#endif

void
cfd_io_set_error_from_errno (GError **error, int saved_errno, const char *what)
{
  int code;

  switch (saved_errno)
    {
      case ENOSPC:
      case EDQUOT:
        code = CFD_ERROR_NO_SPACE;
        g_set_error (error, CFD_ERROR, code, _ ("Not enough space on the disk while %s"), what);
        return;
      case ENODEV:
      case ENXIO:
      case ENOMEDIUM:
        code = CFD_ERROR_MEDIUM_REMOVED;
        g_set_error (error, CFD_ERROR, code, _ ("The storage device went away while %s"), what);
        return;
      case EACCES:
      case EPERM:
      case EROFS:
        code = CFD_ERROR_NOT_PERMITTED;
        break;
      case ENOENT:
        code = CFD_ERROR_NOT_FOUND;
        break;
      default:
        code = CFD_ERROR_IO;
        break;
    }
  g_set_error (error, CFD_ERROR, code, _ ("Failed while %s: %s"), what, g_strerror (saved_errno));
}

gboolean
cfd_io_write_all (int fd, const guint8 *data, gsize len, GError **error)
{
  while (len > 0)
    {
      ssize_t written;

      INJECT (CFD_IO_OP_WRITE);
      written = write (fd, data, len);
      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          goto failed;
        }
      data += written;
      len -= (gsize)written;
    }
  return TRUE;

failed:
  cfd_io_set_error_from_errno (error, errno, "writing a file");
  return FALSE;
}

gboolean
cfd_io_fsync (int fd, GError **error)
{
  INJECT (CFD_IO_OP_FSYNC);
  if (fsync (fd) == 0)
    return TRUE;
  goto failed;

failed:
  cfd_io_set_error_from_errno (error, errno, "flushing a file to disk");
  return FALSE;
}

gboolean
cfd_io_fsync_dir (const char *dir, GError **error)
{
  int fd;

  INJECT (CFD_IO_OP_FSYNC_DIR);
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    goto failed;
  if (fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      goto failed;
    }
  close (fd);
  return TRUE;

failed:
  cfd_io_set_error_from_errno (error, errno, "flushing a folder to disk");
  return FALSE;
}

gboolean
cfd_io_rename (const char *from, const char *to, GError **error)
{
  INJECT (CFD_IO_OP_RENAME);
  if (rename (from, to) == 0)
    return TRUE;
  goto failed;

failed:
  cfd_io_set_error_from_errno (error, errno, "replacing a file");
  return FALSE;
}

/* A new, private file beside target, so that rename() stays on one file system. */
int
cfd_io_open_temp (const char *target, char **temp_path, GError **error)
{
  g_autofree char *path = NULL;
  int fd;

  INJECT (CFD_IO_OP_OPEN);
  path = g_strdup_printf ("%s.tmp-XXXXXX", target);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    goto failed;
  *temp_path = g_steal_pointer (&path);
  return fd;

failed:
  cfd_io_set_error_from_errno (error, errno, "creating a file");
  return -1;
}

gboolean
cfd_io_atomic_write (const char *path, const guint8 *data, gsize len, GError **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  fd = cfd_io_open_temp (path, &temp_path, error);
  if (fd < 0)
    return FALSE;

  if (!cfd_io_write_all (fd, data, len, error) || !cfd_io_fsync (fd, error))
    {
      close (fd);
      g_unlink (temp_path);
      return FALSE;
    }
  close (fd);

  if (!cfd_io_rename (temp_path, path, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }

  /* The rename is only durable once the directory entry is on disk too. */
  return cfd_io_fsync_dir (dir, error);
}

gboolean
cfd_io_read_file (const char *path, gsize max_len, guint8 **data, gsize *len, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length = 0;
  struct stat st;

  if (g_stat (path, &st) != 0)
    {
      cfd_io_set_error_from_errno (error, errno, "reading a file");
      return FALSE;
    }
  if ((guint64)st.st_size > max_len)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The file is larger than any valid file of its kind"));
      return FALSE;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, _ ("Could not read a file: %s"),
                   local_error->message);
      return FALSE;
    }
  *data = (guint8 *)g_steal_pointer (&contents);
  *len = length;
  return TRUE;
}

/* A vault's folder and files belong to the user and nobody else may write
 * them: an account that could would move, replace or plant files (a
 * keyring with its own users, a lock that is a symlink to a file of ours). */
gboolean
cfd_io_check_private (const struct stat *st, const char *path, gboolean folder, GError **error)
{
  if (folder ? !S_ISDIR (st->st_mode) : !S_ISREG (st->st_mode))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("%s is not a %s (a symlink or a special file?); a vault holds only its own "
                      "files: move it away and restore the vault's file from a backup"),
                   path, folder ? "folder" : "regular file");
      return FALSE;
    }
  if (st->st_uid != geteuid ())
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("%s belongs to another account (uid %u), which could change or replace it; "
                      "the vault must be yours alone: run 'chown %u %s' as root, or restore the "
                      "vault from a backup into a folder of your own"),
                   path, (guint)st->st_uid, (guint)geteuid (), path);
      return FALSE;
    }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("%s can be written by other accounts (mode %04o), which could replace the "
                      "vault's files; run 'chmod %s %s' and open the vault again"),
                   path, (guint)(st->st_mode & 07777), folder ? "700" : "600", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_io_check_private_path (const char *path, gboolean folder, gboolean must_exist, GError **error)
{
  struct stat st;

  /* The folder may be reached through a link of the user's own (a vault on
   * another disk); a file inside it never is. */
  if ((folder ? stat (path, &st) : lstat (path, &st)) != 0)
    {
      if (errno == ENOENT && !must_exist)
        return TRUE;
      cfd_io_set_error_from_errno (error, errno, "checking a vault file");
      return FALSE;
    }
  return cfd_io_check_private (&st, path, folder, error);
}

int
cfd_io_open_private (const char *path, int flags, GError **error)
{
  int fd = open (path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
  struct stat st;

  if (fd < 0)
    {
      if (errno == ELOOP)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                       _ ("%s is a symlink; a vault holds only its own files: remove the link "
                          "(rm %s) and try again"),
                       path, path);
          return -1;
        }
      cfd_io_set_error_from_errno (error, errno, "opening a vault file");
      return -1;
    }
  if (fstat (fd, &st) != 0 || !cfd_io_check_private (&st, path, FALSE, error))
    {
      if (error != NULL && *error == NULL)
        cfd_io_set_error_from_errno (error, errno, "checking a vault file");
      close (fd);
      return -1;
    }
  return fd;
}

gboolean
cfd_io_read_private_file (
    const char *path, gsize max_len, guint8 **data, gsize *len, GError **error)
{
  int fd = cfd_io_open_private (path, O_RDONLY, error);
  g_autofree guint8 *buffer = NULL;
  struct stat st;
  gsize used = 0;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || (guint64)st.st_size > max_len)
    {
      close (fd);
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The file is larger than any valid file of its kind"));
      return FALSE;
    }
  buffer = g_malloc ((gsize)st.st_size + 1);
  while (used < (gsize)st.st_size)
    {
      ssize_t n = read (fd, buffer + used, (gsize)st.st_size - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          close (fd);
          cfd_io_set_error_from_errno (error, saved, "reading a vault file");
          return FALSE;
        }
      used += (gsize)n;
    }
  close (fd);
  buffer[used] = 0;
  *data = g_steal_pointer (&buffer);
  *len = used;
  return TRUE;
}

int
cfd_io_lock_exclusive (const char *lock_path, GError **error)
{
  int fd = cfd_io_open_private (lock_path, O_RDWR | O_CREAT, error);

  if (fd < 0)
    {
      g_prefix_error (error, _ ("The lock file: "));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          cfd_io_set_error_from_errno (error, errno, "locking the keyring");
          close (fd);
          return -1;
        }
    }
  return fd;
}

void
cfd_io_unlock (int fd)
{
  if (fd >= 0)
    close (fd);
}
