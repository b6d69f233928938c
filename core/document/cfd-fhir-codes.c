/* cfd-fhir-codes.c: the code systems and codes the FHIR export uses: LOINC, SNOMED CT, HL7 labels. */
#include "config.h"

#include <string.h>

#include "cfd-fhir-codes.h"

/* LOINC 44249-1, "PHQ-9 quick depression assessment panel", items in the
 * order the questionnaire asks them. */
static const CfdFhirCode phq9_items[] = {
  { "44250-9", "Little interest or pleasure in doing things" },
  { "44255-8", "Feeling down, depressed, or hopeless" },
  { "44259-0", "Trouble falling or staying asleep, or sleeping too much" },
  { "44254-1", "Feeling tired or having little energy" },
  { "44251-7", "Poor appetite or overeating" },
  { "44258-2", "Feeling bad about yourself-or that you are a failure or have let yourself or "
               "your family down" },
  { "44252-5", "Trouble concentrating on things, such as reading the newspaper or watching "
               "television" },
  { "44253-3", "Moving or speaking so slowly that other people could have noticed. Or the "
               "opposite-being so fidgety or restless that you have been moving around a lot more "
               "than usual" },
  { "44260-8", "Thoughts that you would be better off dead, or of hurting yourself in some way" },
};

/* LOINC 69737-5, "Generalized anxiety disorder 7 item (GAD-7)". */
static const CfdFhirCode gad7_items[] = {
  { "69725-0", "Feeling nervous, anxious or on edge" },
  { "68509-9", "Not being able to stop or control worrying" },
  { "69733-4", "Worrying too much about different things" },
  { "69734-2", "Trouble relaxing" },
  { "69735-9", "Being so restless that it is hard to sit still" },
  { "69689-8", "Becoming easily annoyed or irritable" },
  { "69736-7", "Feeling afraid as if something awful might happen" },
};

static const CfdFhirInstrumentCodes instruments[] = {
  { "phq9",
    { "44249-1", "PHQ-9 quick depression assessment panel" },
    { "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]" },
    phq9_items,
    G_N_ELEMENTS (phq9_items) },
  { "gad7",
    { "69737-5", "Generalized anxiety disorder 7 item (GAD-7)" },
    { "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]" },
    gad7_items,
    G_N_ELEMENTS (gad7_items) },
};

/* The answer list LL358-3 both instruments share. */
static const CfdFhirCode frequency_answers[] = {
  { "LA6568-5", "Not at all" },
  { "LA6569-3", "Several days" },
  { "LA6570-1", "More than half the days" },
  { "LA6571-9", "Nearly every day" },
};

/* SNOMED CT route of administration (qualifier value) codes. */
static const struct
{
  const char *route;
  CfdFhirCode code;
} routes[] = {
  { "iv", { "47625008", "Intravenous route" } },
  { "im", { "78421000", "Intramuscular route" } },
  /* The template's one choice covers both; sublingual is the usual one
   * for ketamine troches, and the text says "or oral". */
  { "sublingual-oral", { "37839007", "Sublingual route" } },
  { "intranasal", { "46713006", "Nasal route" } },
};

const CfdFhirCode cfd_fhir_vital_bp_panel
    = { "85354-9", "Blood pressure panel with all children optional" };
const CfdFhirCode cfd_fhir_vital_systolic = { "8480-6", "Systolic blood pressure" };
const CfdFhirCode cfd_fhir_vital_diastolic = { "8462-4", "Diastolic blood pressure" };
const CfdFhirCode cfd_fhir_vital_heart_rate = { "8867-4", "Heart rate" };
const CfdFhirCode cfd_fhir_vital_spo2
    = { "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry" };
const CfdFhirCode cfd_fhir_vital_respiratory_rate = { "9279-1", "Respiratory rate" };
const CfdFhirCode cfd_fhir_vital_weight = { "29463-7", "Body weight" };

static const struct
{
  const char *kind;
  CfdFhirCode code;
} document_types[] = {
  { "progress", { "11506-3", "Progress note" } },
  { "intake", { "34117-2", "History and physical note" } },
};

const CfdFhirInstrumentCodes *
cfd_fhir_instrument_codes (const char *instrument)
{
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (g_strcmp0 (instruments[i].instrument, instrument) == 0)
      return &instruments[i];
  return NULL;
}

const CfdFhirCode *
cfd_fhir_frequency_answer (gint64 score)
{
  if (score < 0 || score >= (gint64)G_N_ELEMENTS (frequency_answers))
    return NULL;
  return &frequency_answers[score];
}

gint64
cfd_fhir_frequency_score (const char *la_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (frequency_answers); i++)
    if (g_strcmp0 (frequency_answers[i].code, la_code) == 0)
      return i;
  return -1;
}

const CfdFhirCode *
cfd_fhir_route (const char *route)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_strcmp0 (routes[i].route, route) == 0)
      return &routes[i].code;
  return NULL;
}

const CfdFhirCode *
cfd_fhir_document_type (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (document_types); i++)
    if (g_strcmp0 (document_types[i].kind, kind) == 0)
      return &document_types[i].code;
  return NULL;
}

const char *const cfd_fhir_rating_texts[CFD_FHIR_N_RATINGS] = {
  "MOAA/S (Modified Observer's Assessment of Alertness/Sedation)",
  "CADSS total (Clinician-Administered Dissociative States Scale)",
  "BPRS+ positive-symptom total (Brief Psychiatric Rating Scale)",
};
