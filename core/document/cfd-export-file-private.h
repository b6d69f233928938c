/* cfd-export-file-private.h: an export's bytes written beside their destination, audited, then renamed into place. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* What one export discloses, for its audit record and the accounting. */
typedef struct
{
  const char *action; /* "patient.export-fhir", "patient.export-csv" */
  const char *patient_id;
  gboolean psychotherapy_included;
  const CfdDisclosureTerms *terms;
  const char *description;
} CfdExportDisclosure;

/* Checks that path names a file in an existing folder; what names the
 * format in errors ("FHIR bundle"). */
gboolean cfd_export_file_check_destination (const char *path,
                                            const char *what,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes data to a temporary file beside path (mode 0600), flushes it,
 * records the disclosure, and only then renames it over path: on any
 * failure nothing at path changes, no temporary file is left, and the log
 * shows the failure. */
gboolean cfd_export_file_write (CfdVault *vault,
                                const char *path,
                                const char *what,
                                const guint8 *data,
                                gsize length,
                                const CfdExportDisclosure *disclosure,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
