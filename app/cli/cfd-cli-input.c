/* cfd-cli-input.c: reading passphrases for confidant-cli without echoing or logging them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cfd-cli.h"
#include "confidant.h"

#define MAX_PASSPHRASE_BYTES 1024

/* Reads everything the non-interactive source holds, split into lines, each
 * line in guarded memory. */
static gboolean
load_passphrase_lines (CfdCliContext *ctx, GError **error)
{
  g_autoptr (CfdSecret) buffer = cfd_secret_new (64 * 1024);
  gsize used = 0;
  int fd = STDIN_FILENO;
  gsize start = 0;

  if (ctx->passphrase_file != NULL)
    {
      fd = open (ctx->passphrase_file, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          cfd_io_set_error_from_errno (error, errno, "opening the passphrase file");
          return FALSE;
        }
    }

  for (;;)
    {
      ssize_t n = read (fd, buffer->data + used, buffer->len - 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          cfd_io_set_error_from_errno (error, errno, "reading passphrases");
          if (fd != STDIN_FILENO)
            close (fd);
          return FALSE;
        }
      if (n == 0 || used + (gsize)n >= buffer->len - 1)
        {
          used += (gsize)MAX (n, 0);
          break;
        }
      used += (gsize)n;
    }
  if (fd != STDIN_FILENO)
    close (fd);

  ctx->passphrase_lines = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_secret_free);
  for (gsize i = 0; i <= used; i++)
    {
      if (i == used || buffer->data[i] == '\n')
        {
          gsize end = i;
          CfdSecret *line;

          if (i == used && start == used)
            break;
          if (end > start && buffer->data[end - 1] == '\r')
            end--;
          line = cfd_secret_new (end - start + 1);
          memcpy (line->data, buffer->data + start, end - start);
          line->data[end - start] = '\0';
          line->len = end - start;
          g_ptr_array_add (ctx->passphrase_lines, line);
          start = i + 1;
        }
    }
  return TRUE;
}

static CfdSecret *
prompt_no_echo (const char *prompt, GError **error)
{
  g_autoptr (CfdSecret) line = cfd_secret_new (MAX_PASSPHRASE_BYTES + 2);
  struct termios saved, quiet;
  FILE *tty = fopen ("/dev/tty", "r+");
  gsize len;
  gboolean ok;

  if (tty == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "No terminal to ask for a passphrase; use --passphrase-file or stdin");
      return NULL;
    }
  fprintf (tty, "%s: ", prompt);
  fflush (tty);
  tcgetattr (fileno (tty), &saved);
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  ok = fgets ((char *)line->data, (int)line->len, tty) != NULL;
  tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  fprintf (tty, "\n");
  fclose (tty);

  if (!ok)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, "No passphrase given");
      return NULL;
    }
  len = strcspn ((const char *)line->data, "\r\n");
  line->data[len] = '\0';
  line->len = len;
  return g_steal_pointer (&line);
}

CfdSecret *
cfd_cli_read_passphrase (CfdCliContext *ctx, const char *prompt, GError **error)
{
  CfdSecret *line;

  if (ctx->passphrase_file == NULL && isatty (STDIN_FILENO))
    return prompt_no_echo (prompt, error);

  if (ctx->passphrase_lines == NULL && !load_passphrase_lines (ctx, error))
    return NULL;
  if (ctx->next_passphrase >= ctx->passphrase_lines->len)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "Expected another line of input for: %s", prompt);
      return NULL;
    }
  line = g_ptr_array_index (ctx->passphrase_lines, ctx->next_passphrase++);
  if (line->len > MAX_PASSPHRASE_BYTES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "A passphrase may be at most %d bytes", MAX_PASSPHRASE_BYTES);
      return NULL;
    }
  {
    CfdSecret *copy = cfd_secret_new_from_data (line->data, line->len + 1);

    copy->len = line->len;
    return copy;
  }
}
