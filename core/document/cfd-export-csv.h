/* cfd-export-csv.h: a patient's outcome measures as CSV, one row per administration, audited as a disclosure. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* The header and one row per signed measure, oldest first: patient id,
 * date, instrument, LOINC panel, LOINC total, the items' LOINC codes and
 * scores (";"-separated, in item order), total, band, mode, rater, days
 * since the last dosing session on or before that day (empty when none).
 * Every cell is quoted; one that a spreadsheet would read as a formula
 * (starting =, +, -, @, tab or CR) starts with an apostrophe. Who may: as
 * for the PDF; a supervisor may not. */
char *cfd_vault_build_measures_csv (CfdVault *vault,
                                    const char *patient_id,
                                    guint *n_rows,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes it to path as the other exports write, recorded as
 * "patient.export-csv" with the terms in the accounting of disclosures. */
gboolean cfd_vault_export_measures_csv (CfdVault *vault,
                                        const char *patient_id,
                                        const CfdDisclosureTerms *terms,
                                        const char *path,
                                        guint *n_rows,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The cell as written: quoted, quotes doubled, formulas neutralised. */
void cfd_csv_append_cell (GString *line, const char *value);

G_END_DECLS
