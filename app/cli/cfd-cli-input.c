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
#define MAX_LINE_BYTES       4096

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

/* The terminal is read with read(2) straight into guarded, locked memory:
 * a stdio stream would keep its own copy of the line in a buffer that is
 * freed without being wiped. */
static CfdSecret *
prompt_no_echo (const char *prompt, GError **error)
{
  g_autoptr (CfdSecret) line = cfd_secret_new (MAX_PASSPHRASE_BYTES + 2);
  g_autofree char *question = g_strdup_printf ("%s: ", prompt);
  struct termios saved, quiet;
  int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  gboolean have_attr, ended = FALSE, too_long = FALSE;
  gsize len = 0;

  if (tty < 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("No terminal to ask for a passphrase; use --passphrase-file or stdin"));
      return NULL;
    }
  if (write (tty, question, strlen (question)) < 0)
    g_debug ("Could not write the prompt");
  have_attr = tcgetattr (tty, &saved) == 0;
  if (have_attr)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr (tty, TCSAFLUSH, &quiet);
    }
  while (!ended)
    {
      guint8 c;
      ssize_t n = read (tty, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (c == '\n' || c == '\r')
        ended = TRUE;
      else if (len < MAX_PASSPHRASE_BYTES)
        line->data[len++] = c;
      else
        too_long = TRUE;
    }
  if (have_attr)
    tcsetattr (tty, TCSAFLUSH, &saved);
  if (write (tty, "\n", 1) < 0)
    g_debug ("Could not end the prompt's line");
  close (tty);

  if (!ended && len == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("No passphrase given"));
      return NULL;
    }
  if (too_long)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("A passphrase may be at most %d bytes"), MAX_PASSPHRASE_BYTES);
      return NULL;
    }
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
                   _ ("Expected another line of input for: %s"), prompt);
      return NULL;
    }
  line = g_ptr_array_index (ctx->passphrase_lines, ctx->next_passphrase++);
  if (line->len > MAX_PASSPHRASE_BYTES)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("A passphrase may be at most %d bytes"), MAX_PASSPHRASE_BYTES);
      return NULL;
    }
  {
    CfdSecret *copy = cfd_secret_new_from_data (line->data, line->len + 1);

    copy->len = line->len;
    return copy;
  }
}

/* Patient text given in a file: read whole, at most max_bytes, UTF-8, one
 * trailing newline (as editors add) dropped. */
char *
cfd_cli_read_text_file (const char *option, const char *path, gsize max_bytes, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    {
      g_prefix_error (error, "%s: ", option);
      return NULL;
    }
  if (length > max_bytes || memchr (contents, '\0', length) != NULL
      || !g_utf8_validate (contents, (gssize)length, NULL))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("%s must name a UTF-8 text file of at most %zu bytes"), option, max_bytes);
      sodium_memzero (contents, length);
      return NULL;
    }
  if (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  if (length > 0 && contents[length - 1] == '\r')
    contents[--length] = '\0';
  return g_steal_pointer (&contents);
}

/* One line from standard input, read a byte at a time so that nothing
 * beyond it is taken from whoever reads stdin next. */
static CfdSecret *
read_stdin_line (GError **error)
{
  g_autoptr (CfdSecret) line = cfd_secret_new (MAX_LINE_BYTES + 1);
  gsize used = 0;

  for (;;)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          cfd_io_set_error_from_errno (error, errno, "reading standard input");
          return NULL;
        }
      if (n == 0 || c == '\n')
        {
          if (n == 0 && used == 0)
            {
              g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Standard input ended before a line was read"));
              return NULL;
            }
          break;
        }
      if (used == MAX_LINE_BYTES)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("A line of input may be at most %d bytes"), MAX_LINE_BYTES);
          return NULL;
        }
      line->data[used++] = (guint8)c;
    }
  if (used > 0 && line->data[used - 1] == '\r')
    used--;
  line->data[used] = '\0';
  line->len = used;
  return g_steal_pointer (&line);
}

CfdSecret *
cfd_cli_read_input_line (CfdCliContext *ctx, const char *prompt, GError **error)
{
  CfdSecret *line;

  if (isatty (STDIN_FILENO))
    {
      fprintf (stderr, "%s: ", prompt);
      fflush (stderr);
      return read_stdin_line (error);
    }
  /* Passphrases come from their file: stdin is this text alone. */
  if (ctx->passphrase_file != NULL)
    return read_stdin_line (error);
  /* Otherwise stdin holds this line first, then the passphrases. */
  if (ctx->passphrase_lines == NULL && !load_passphrase_lines (ctx, error))
    return NULL;
  if (ctx->next_passphrase >= ctx->passphrase_lines->len)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("Expected another line of input for: %s"), prompt);
      return NULL;
    }
  line = g_ptr_array_index (ctx->passphrase_lines, ctx->next_passphrase++);
  {
    CfdSecret *copy = cfd_secret_new_from_data (line->data, line->len + 1);

    copy->len = line->len;
    return copy;
  }
}

void
cfd_cli_warn_command_line (const char *option, const char *safer)
{
  fprintf (stderr,
           _ ("confidant-cli: warning: --%s puts patient data on the command line, where every "
              "account on this computer can read it (/proc/PID/cmdline) and shell history keeps "
              "it; use %s instead\n"),
           option, safer);
}
