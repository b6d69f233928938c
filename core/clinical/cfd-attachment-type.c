/* cfd-attachment-type.c: what a filed file is, decided by its bytes, and the name it is kept under.
 *
 * A file to be filed is untrusted input: its name and extension say
 * nothing. Its first bytes must be the signature of a PDF, PNG or JPEG,
 * and its last bytes must end it as that format ends a complete file, so
 * that a scan cut short by a full disk or an interrupted copy is refused
 * rather than filed and signed. Nothing else of the format is parsed: the
 * file is kept as bytes, and shown only by a viewer that parses it
 * (docs/SECURITY.md, "Attachments"). */
#include "config.h"

#include <string.h>

#include "cfd-attachment.h"

static const char *const type_names[] = { "referral", "consent", "lab", "other" };

const char *
cfd_attachment_type_to_string (CfdAttachmentType type)
{
  g_return_val_if_fail (type < CFD_ATTACHMENT_N_TYPES, NULL);
  return type_names[type];
}

gboolean
cfd_attachment_type_from_string (const char *text, CfdAttachmentType *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (g_strcmp0 (text, type_names[i]) == 0)
      {
        *type = (CfdAttachmentType)i;
        return TRUE;
      }
  return FALSE;
}

static const guint8 pdf_magic[] = { '%', 'P', 'D', 'F', '-' };
static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff };
/* The IEND chunk: zero length, the type, its CRC. */
static const guint8 png_end[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
static const guint8 jpeg_end[] = { 0xff, 0xd9 };

static gboolean
starts_with (const guint8 *data, gsize length, const guint8 *magic, gsize magic_length)
{
  return length >= magic_length && memcmp (data, magic, magic_length) == 0;
}

const char *
cfd_attachment_sniff_head (const guint8 *head, gsize length)
{
  if (starts_with (head, length, pdf_magic, sizeof pdf_magic))
    return CFD_MEDIA_PDF;
  if (starts_with (head, length, png_magic, sizeof png_magic))
    return CFD_MEDIA_PNG;
  if (starts_with (head, length, jpeg_magic, sizeof jpeg_magic))
    return CFD_MEDIA_JPEG;
  return NULL;
}

/* Trailing whitespace and NUL padding are allowed after the end: scanners
 * and mail programs add them. */
static gsize
without_padding (const guint8 *tail, gsize length)
{
  while (length > 0
         && (tail[length - 1] == '\0' || tail[length - 1] == '\n' || tail[length - 1] == '\r'
             || tail[length - 1] == ' ' || tail[length - 1] == '\t'))
    length--;
  return length;
}

gboolean
cfd_attachment_tail_complete (const char *media_type, const guint8 *tail, gsize length)
{
  if (length > CFD_ATTACHMENT_TAIL_BYTES)
    {
      tail += length - CFD_ATTACHMENT_TAIL_BYTES;
      length = CFD_ATTACHMENT_TAIL_BYTES;
    }
  length = without_padding (tail, length);
  if (g_strcmp0 (media_type, CFD_MEDIA_PDF) == 0)
    {
      /* The last %%EOF may be followed by a little junk (ISO 32000-1,
       * 7.5.5, and readers accept it anywhere in the last 1024 bytes). */
      for (gsize i = 0; i + 5 <= length; i++)
        if (memcmp (tail + i, "%%EOF", 5) == 0)
          return TRUE;
      return FALSE;
    }
  if (g_strcmp0 (media_type, CFD_MEDIA_PNG) == 0)
    return length >= sizeof png_end
           && memcmp (tail + length - sizeof png_end, png_end, sizeof png_end) == 0;
  if (g_strcmp0 (media_type, CFD_MEDIA_JPEG) == 0)
    return length >= sizeof jpeg_end
           && memcmp (tail + length - sizeof jpeg_end, jpeg_end, sizeof jpeg_end) == 0;
  return FALSE;
}

static const char *
extension_of (const char *media_type)
{
  if (g_strcmp0 (media_type, CFD_MEDIA_PNG) == 0)
    return ".png";
  if (g_strcmp0 (media_type, CFD_MEDIA_JPEG) == 0)
    return ".jpg";
  return ".pdf";
}

static gboolean
unwanted (gunichar c)
{
  /* Controls, C1 codes, bidirectional embeddings, overrides and isolates
   * (which could make "gpj.exe" read "exe.jpg"), and path separators. */
  return g_unichar_iscntrl (c) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
         || c == 0x200e || c == 0x200f || c == '/' || c == '\\' || c == ':';
}

char *
cfd_attachment_sanitize_name (const char *name, const char *media_type)
{
  const char *extension = extension_of (media_type);
  g_autofree char *valid = NULL;
  g_autofree char *base = NULL;
  GString *clean = g_string_new (NULL);
  const char *p;
  gsize keep;

  if (name != NULL)
    {
      const char *slash = strrchr (name, '/');

      valid = g_utf8_make_valid (slash != NULL ? slash + 1 : name, -1);
      for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (unwanted (c))
            g_string_append_c (clean, '_');
          else if (clean->len > 0 || (c != '.' && !g_unichar_isspace (c)))
            g_string_append_unichar (clean, c);
        }
    }
  while (clean->len > 0 && g_ascii_isspace (clean->str[clean->len - 1]))
    g_string_truncate (clean, clean->len - 1);
  /* The extension says what the content is, whatever the name claimed. */
  if (clean->len > 0)
    {
      char *dot = strrchr (clean->str, '.');

      if (dot != NULL && dot != clean->str)
        g_string_truncate (clean, (gsize)(dot - clean->str));
    }
  if (clean->len == 0)
    g_string_assign (clean, "attachment");
  /* Cut on a character boundary, leaving room for the extension. */
  keep = CFD_ATTACHMENT_MAX_NAME_BYTES - strlen (extension);
  if (clean->len > keep)
    {
      const char *end = clean->str + keep;

      while (end > clean->str && (*end & 0xc0) == 0x80)
        end--;
      g_string_truncate (clean, (gsize)(end - clean->str));
    }
  g_string_append (clean, extension);
  base = g_string_free (clean, FALSE);
  return g_steal_pointer (&base);
}
