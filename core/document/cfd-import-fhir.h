/* cfd-import-fhir.h: a FHIR R4 Bundle read into a vault: a new patient, their measures, notes as drafts. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-instrument.h"
#include "cfd-measure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* What a bundle holds that Confidant takes in: untrusted input, checked
 * through before anything is written. */
typedef struct
{
  gint64 occurred; /* seconds, the day it was taken */
  CfdInstrument instrument;
  guint8 items[16];
  guint n_items;
  /* Any other instrument of the library (def non-NULL): its answers, one
   * per item, CFD_ANSWER_NONE where none, already scored once. */
  const CfdInstrumentDef *def;
  int answers[CFD_INSTRUMENT_MAX_ITEMS];
} CfdFhirImportMeasure;

typedef struct
{
  gint64 occurred;
  char *title; /* the document's type or title, as the bundle has it */
  char *text;
} CfdFhirImportNote;

/* One rating of a dosing session (an Observation coded by one of
 * cfd_fhir_rating_texts): the day, the wall-clock time, the row's
 * timepoint ("" for none), which scale (CFD_SEDATION_CELL_MOAAS - 2 …) and
 * its score, within the scale's range. */
typedef struct
{
  gint64 occurred;
  char time[6];       /* "HH:MM" */
  char timepoint[16]; /* a choice of the dosing template's rating field, or "" */
  guint scale;        /* 0 MOAA/S, 1 CADSS, 2 BPRS+ */
  guint16 score;
} CfdFhirImportRating;

typedef struct
{
  char *name;
  char *birth_date; /* YYYY-MM-DD or NULL */
  /* The Patient's first identifier with a system and a value, or NULL. */
  char *identifier_system;
  char *identifier_value;
  GArray *measures; /* CfdFhirImportMeasure */
  GPtrArray *notes; /* CfdFhirImportNote */
  GArray *ratings;  /* CfdFhirImportRating, in bundle order */
  guint n_skipped;  /* resources not taken in (psychotherapy notes among them) */
} CfdFhirImport;

/* Parses a Bundle (at most 16 MiB): exactly one Patient with a name;
 * QuestionnaireResponses of the PHQ-9 and GAD-7 (LOINC questionnaires,
 * items by LOINC linkId, LA answer codes), each complete, with its stated
 * total equal to the sum; of the library's other instruments (the LOINC
 * panel of their definition, or urn:confidant:instrument:ID:VERSION; items
 * "item-N" with valueInteger), answers that score under the definition; DocumentReferences with a text/plain attachment;
 * sedation ratings (Observations coded by cfd_fhir_rating_texts, a
 * valueInteger within the scale, an effectiveDateTime with a time, a
 * known timepoint if any), which become one dosing draft per day.
 * Anything else is skipped and counted. INVALID_INPUT naming the problem. */
CfdFhirImport *
cfd_fhir_import_parse (const char *data, gsize length, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Wipes the patient text it held. */
void cfd_fhir_import_free (CfdFhirImport *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdFhirImport, cfd_fhir_import_free)

/* Adds the patient (a new one), their measures (scored again, signed by
 * the importing user as entered data), and each note as an unsigned
 * progress-note draft that begins "Imported from SOURCE", for a clinician
 * to read and sign. Returns the new patient's id. */
char *cfd_vault_import_fhir (CfdVault *vault,
                             CfdFhirImport *import,
                             const char *source,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The patient of this vault that the bundle's Patient names: its
 * identifier is the one Confidant's export writes for this vault
 * ("urn:confidant:vault:VAULT-ID:patient") and a patient of that id is
 * here. Returns the id, or NULL with no error when none matches. */
char *cfd_vault_match_fhir_patient (CfdVault *vault,
                                    CfdFhirImport *import,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* As cfd_vault_import_fhir, into existing_patient_id (its details left as
 * they are) or, when NULL, a new patient; in one transaction: if any
 * part fails, nothing of the bundle is written. */
char *cfd_vault_import_fhir_into (CfdVault *vault,
                                  CfdFhirImport *import,
                                  const char *source,
                                  const char *existing_patient_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
