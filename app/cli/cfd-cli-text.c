/* cfd-cli-text.c: text values for confidant-cli options read from a file or standard input. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"

char *
cfd_cli_read_text (CfdCliContext *ctx, const char *path, gsize max_bytes, GError **error)
{
  g_autoptr (GIOChannel) channel = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (g_strcmp0 (path, "-") == 0)
    {
      /* Standard input carries the passphrases unless a file does. */
      if (ctx->passphrase_file == NULL)
        {
          g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                               "Reading a value from standard input needs the passphrases in "
                               "--passphrase-file");
          return NULL;
        }
      channel = g_io_channel_unix_new (0);
      if (g_io_channel_set_encoding (channel, NULL, error) != G_IO_STATUS_NORMAL
          || g_io_channel_read_to_end (channel, &text, &length, error) != G_IO_STATUS_NORMAL)
        return NULL;
    }
  else if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (length > max_bytes)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "%s is larger than %" G_GSIZE_FORMAT " bytes",
                   g_strcmp0 (path, "-") == 0 ? "Standard input" : path, max_bytes);
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, NULL) || memchr (text, '\0', length) != NULL)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           "The value is not UTF-8 text");
      return NULL;
    }
  return g_steal_pointer (&text);
}
