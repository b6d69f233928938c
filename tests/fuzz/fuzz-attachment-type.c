/* fuzz-attachment-type.c: libFuzzer target for what decides a filed file's type and keeps its name (cfd-attachment-type.c): untrusted bytes and names. */
#include "config.h"

#include <string.h>

#include "cfd-attachment.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The input is the file: its head is sniffed and its tail checked as each
 * media type, and it is also taken as a file name (up to its first NUL).
 * A kept name is valid UTF-8, at most the limit, with no path separator,
 * control character or leading dot, and ends in its type's extension. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const char *const media_types[] = { CFD_MEDIA_PDF, CFD_MEDIA_PNG, CFD_MEDIA_JPEG };
  const char *sniffed = cfd_attachment_sniff_head (data, size);
  g_autofree char *name = g_strndup ((const char *)data, size);

  if (sniffed != NULL && size < 3)
    g_error ("a type sniffed from fewer bytes than any signature");
  for (guint i = 0; i < G_N_ELEMENTS (media_types); i++)
    {
      g_autofree char *kept = cfd_attachment_sanitize_name (name, media_types[i]);

      (void)cfd_attachment_tail_complete (media_types[i], data, size);
      if (!g_utf8_validate (kept, -1, NULL) || strlen (kept) > CFD_ATTACHMENT_MAX_NAME_BYTES
          || kept[0] == '.' || strchr (kept, '/') != NULL || strchr (kept, '\\') != NULL)
        g_error ("a kept name is unsafe");
      for (const char *p = kept; *p != '\0'; p = g_utf8_next_char (p))
        if (g_unichar_iscntrl (g_utf8_get_char (p)))
          g_error ("a kept name has a control character");
      if (!g_str_has_suffix (kept, g_str_equal (media_types[i], CFD_MEDIA_PDF)   ? ".pdf"
                                   : g_str_equal (media_types[i], CFD_MEDIA_PNG) ? ".png"
                                                                                 : ".jpg"))
        g_error ("a kept name lost its type's extension");
    }
  return 0;
}
