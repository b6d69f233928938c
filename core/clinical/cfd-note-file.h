/* cfd-note-file.h: reading a record's content from a "field: value" text file (docs/NOTE-FILES.md). */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-record.h"

G_BEGIN_DECLS

#define CFD_NOTE_FILE_MAX_BYTES (16 * 1024 * 1024)

/* Parses untrusted text into content for a record of the given kind
 * (a{sv}, checked against the kind's template). Errors are
 * CFD_ERROR_INVALID_INPUT and name the line, never its text. */
GVariant *cfd_note_file_parse (CfdRecordKind kind, const char *data, gsize len, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
