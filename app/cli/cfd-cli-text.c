/* cfd-cli-text.c: a clinician's text (an action taken, a reason, a profile) from a file or
 * stdin, never argv. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cfd-cli.h"
#include "confidant.h"

/* Into one buffer of the largest size allowed, so that no growing copy of
 * the text is left behind in freed memory. */
static gboolean
read_stdin (gsize max_len, guint8 **data, gsize *len, GError **error)
{
  guint8 *buffer = g_malloc (max_len + 1);
  gsize used = 0;

  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, buffer + used, max_len + 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          cfd_io_set_error_from_errno (error, errno, "reading standard input");
          cfd_wipe_free (buffer, used);
          return FALSE;
        }
      if (n == 0)
        break;
      used += (gsize)n;
      if (used > max_len)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("The text on standard input is longer than %zu bytes"), max_len);
          cfd_wipe_free (buffer, used);
          return FALSE;
        }
    }
  *len = used;
  *data = buffer;
  return TRUE;
}

char *
cfd_cli_read_text (
    CfdCliContext *ctx, const char *path, gsize max_len, const char *what, GError **error)
{
  g_autofree guint8 *data = NULL;
  char *text;
  gsize len = 0;

  if (path == NULL || strcmp (path, "-") == 0)
    {
      /* A piped stdin carries the passphrases unless a file does. */
      if (ctx->passphrase_file == NULL && !isatty (STDIN_FILENO))
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("%s can come from standard input only when the passphrases come from "
                          "--passphrase-file"),
                       what);
          return NULL;
        }
      if (!read_stdin (max_len, &data, &len, error))
        return NULL;
    }
  else if (!cfd_io_read_file (path, max_len, &data, &len, error))
    return NULL;
  text = g_strndup ((const char *)data, len);
  cfd_wipe_free (g_steal_pointer (&data), len);
  if (strlen (text) != len || !g_utf8_validate (text, -1, NULL))
    {
      cfd_wipe_string (text);
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("%s must be UTF-8 text"), what);
      return NULL;
    }
  return text;
}
