/* fuzz-note-file.c: libFuzzer target for the note-file reader (cfd_note_file_parse), which reads untrusted text. */
#include "config.h"

#include "cfd-note-file.h"
#include "cfd-template.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The first byte picks the record kind; the rest is the file. Whatever the
 * reader accepts must be content the kind's template accepts, in normal
 * form; whatever it refuses must be refused as invalid input. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  /* The reader returns a full reference, not a floating one. */
  g_autoptr (GVariant) content = NULL;
  CfdRecordKind kind;

  if (size < 1)
    return 0;
  kind = (CfdRecordKind)(data[0] % (CFD_RECORD_LAST_KIND + 1));
  content = cfd_note_file_parse (kind, (const char *)data + 1, size - 1, &error);
  if (content == NULL)
    {
      if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        g_error ("a refused note file came without INVALID_INPUT");
      return 0;
    }
  if (!g_variant_is_of_type (content, G_VARIANT_TYPE_VARDICT))
    g_error ("a note file parsed to something other than a{sv}");
  if (!cfd_template_validate (cfd_template_get (kind), content, &error))
    g_error ("a parsed note file fails its template: %s", error->message);
  return 0;
}
