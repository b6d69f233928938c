/* cfd-fhir-codes.h: the code systems and codes the FHIR export uses: LOINC, SNOMED CT, HL7 labels. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define CFD_FHIR_LOINC        "http://loinc.org"
#define CFD_FHIR_SNOMED       "http://snomed.info/sct"
#define CFD_FHIR_UCUM         "http://unitsofmeasure.org"
#define CFD_FHIR_RXNORM       "http://www.nlm.nih.gov/research/umls/rxnorm"
#define CFD_FHIR_ACT_CODE     "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define CFD_FHIR_CONFIDENTIAL "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
#define CFD_FHIR_OBS_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define CFD_FHIR_NPI          "http://hl7.org/fhir/sid/us-npi"

/* A code with its display text. */
typedef struct
{
  const char *code;
  const char *display;
} CfdFhirCode;

/* An instrument's LOINC panel, total, and one code per item, in item order. */
typedef struct
{
  const char *instrument; /* "phq9", "gad7" (cfd_instrument_to_string) */
  CfdFhirCode panel;
  CfdFhirCode total;
  const CfdFhirCode *items;
  guint n_items;
} CfdFhirInstrumentCodes;

/* NULL for an instrument without LOINC codes here. */
const CfdFhirInstrumentCodes *cfd_fhir_instrument_codes (const char *instrument);

/* The LOINC answer (LA) code of an item score 0-3 of the PHQ-9 and GAD-7
 * ("Not at all" … "Nearly every day"); NULL outside 0-3. */
const CfdFhirCode *cfd_fhir_frequency_answer (gint64 score);
/* The score of an LA answer code, or -1. */
gint64 cfd_fhir_frequency_score (const char *la_code);

/* The SNOMED CT route of a dosing record's route choice, or NULL. */
const CfdFhirCode *cfd_fhir_route (const char *route);

/* Vital signs (LOINC). */
extern const CfdFhirCode cfd_fhir_vital_bp_panel;
extern const CfdFhirCode cfd_fhir_vital_systolic;
extern const CfdFhirCode cfd_fhir_vital_diastolic;
extern const CfdFhirCode cfd_fhir_vital_heart_rate;
extern const CfdFhirCode cfd_fhir_vital_spo2;
extern const CfdFhirCode cfd_fhir_vital_respiratory_rate;
extern const CfdFhirCode cfd_fhir_vital_weight;

/* The sedation, dissociation and positive-symptom ratings of a dosing
 * record have no LOINC codes Confidant is sure of: each goes as an
 * Observation coded by text alone, as the unnamed instruments do, its row's
 * timepoint in an extension of this URL (valueCode, the template's id). */
#define CFD_FHIR_RATING_TIMEPOINT_URL "urn:confidant:dosing:rating-timepoint"
#define CFD_FHIR_N_RATINGS            3

/* The code text of each rating, in CFD_SEDATION_CELL_MOAAS… order. */
extern const char *const cfd_fhir_rating_texts[CFD_FHIR_N_RATINGS];

/* The LOINC document type of a narrative record kind ("progress"), or NULL. */
const CfdFhirCode *cfd_fhir_document_type (const char *kind);

G_END_DECLS
