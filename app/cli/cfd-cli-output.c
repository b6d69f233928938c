/* cfd-cli-output.c: untrusted text made safe to print on a terminal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfd-cli.h"

/* Names, notes, comments and audit details come from other people, other
 * vaults and imported files. Printed raw, an escape sequence among them
 * could retitle the terminal, rewrite lines already shown or, on some
 * terminals, answer back as if typed. Every such string is passed through
 * cfd_cli_text() or cfd_cli_multiline_text() on its way to the terminal. */

static GPtrArray *kept;

static void
wipe_kept (void)
{
  g_clear_pointer (&kept, g_ptr_array_unref);
}

static gboolean
is_unsafe (gunichar c, gboolean multiline)
{
  if (multiline && (c == '\n' || c == '\t'))
    return FALSE;
  return c < 0x20 || c == 0x7f
         || (c >= 0x80 && c <= 0x9f)
         /* Bidirectional overrides and isolates reorder what follows. */
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

char *
cfd_cli_escape (const char *text, gboolean multiline)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          /* Not UTF-8: a lone byte such as 0x9b is CSI to an 8-bit terminal. */
          g_string_append_printf (out, "\\x%02x", (guint8)*p);
          p++;
          continue;
        }
      if (!is_unsafe (c, multiline))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

/* The escaped copies live until the program exits (it prints and ends),
 * and are wiped then: they may hold patient text. */
static const char *
keep (char *escaped)
{
  if (escaped == NULL)
    return NULL;
  if (kept == NULL)
    {
      kept = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_wipe_string);
      atexit (wipe_kept);
    }
  g_ptr_array_add (kept, escaped);
  return escaped;
}

const char *
cfd_cli_text (const char *text)
{
  return keep (cfd_cli_escape (text, FALSE));
}

const char *
cfd_cli_multiline_text (const char *text)
{
  return keep (cfd_cli_escape (text, TRUE));
}
