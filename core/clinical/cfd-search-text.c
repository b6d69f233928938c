/* cfd-search-text.c: folding text for accent- and case-insensitive matching, and snippets. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "cfd-search-private.h"
#include "cfd-secure-private.h"

#define SNIPPET_CONTEXT 60 /* bytes of context on each side, at most */

/* Folds one character into buf (at least 4 * G_UNICHAR_MAX_DECOMPOSITION_LENGTH
 * bytes); returns the bytes written. */
static gsize
fold_char (gunichar c, guint8 *buf)
{
  gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n = g_unichar_fully_decompose (c, FALSE, parts, G_N_ELEMENTS (parts));
  gsize written = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (g_unichar_ismark (parts[i]))
        continue;
      written += (gsize)g_unichar_to_utf8 (g_unichar_tolower (parts[i]), (char *)buf + written);
    }
  return written;
}

gsize
cfd_search_fold (const char *text, gsize len, guint8 *out, gsize out_size)
{
  guint8 buf[4 * G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  const char *end = text + len;
  gsize total = 0;

  for (const char *p = text; p < end;)
    {
      gsize n;

      /* Most clinical text is ASCII, which folds to itself in lower case:
       * decomposing it character by character made indexing slow. */
      if ((guchar)*p < 0x80)
        {
          if (out != NULL && total < out_size)
            out[total] = (guint8)g_ascii_tolower (*p);
          total++;
          p++;
          continue;
        }
      n = fold_char (g_utf8_get_char (p), buf);
      if (out != NULL && total + n <= out_size)
        memcpy (out + total, buf, n);
      total += n;
      p = g_utf8_next_char (p);
    }
  sodium_memzero (buf, sizeof buf);
  return total;
}

/* Whether the text from p folds to something that starts with query. */
static gboolean
matches_at (const char *p, const guint8 *query, gsize query_len)
{
  guint8 buf[4 * G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize matched = 0;

  while (matched < query_len && *p != '\0')
    {
      gsize n = fold_char (g_utf8_get_char (p), buf);
      gsize take = MIN (n, query_len - matched);

      if (memcmp (buf, query + matched, take) != 0)
        break;
      matched += take;
      p = g_utf8_next_char (p);
    }
  sodium_memzero (buf, sizeof buf);
  return matched == query_len;
}

static const char *
match_end (const char *p, gsize query_len)
{
  guint8 buf[4 * G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize matched = 0;

  while (matched < query_len && *p != '\0')
    {
      matched += fold_char (g_utf8_get_char (p), buf);
      p = g_utf8_next_char (p);
    }
  sodium_memzero (buf, sizeof buf);
  return p;
}

char *
cfd_search_snippet (const char *text, const guint8 *query, gsize query_len)
{
  const char *hit = NULL, *start, *end, *stop;
  GString *snippet;

  if (query_len == 0)
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (matches_at (p, query, query_len))
      {
        hit = p;
        break;
      }
  if (hit == NULL)
    return NULL;

  start = hit;
  for (guint i = 0; i < SNIPPET_CONTEXT && start > text; i++)
    start = g_utf8_prev_char (start);
  end = match_end (hit, query_len);
  for (guint i = 0; i < SNIPPET_CONTEXT && *end != '\0'; i++)
    end = g_utf8_next_char (end);
  stop = end;

  /* Sized up front so the text is never reallocated (and left unwiped). */
  snippet = g_string_sized_new ((gsize)(stop - start) + 16);
  if (start > text)
    g_string_append (snippet, "…");
  for (const char *p = start; p < stop; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t' || c == 0x1f)
        g_string_append_c (snippet, ' ');
      else
        g_string_append_len (snippet, p, g_utf8_next_char (p) - p);
    }
  if (*stop != '\0')
    g_string_append (snippet, "…");
  return g_string_free (snippet, FALSE);
}
