/* cfd-template.h: what each record kind holds, read from the templates in data/templates. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-dosing-thresholds.h"
#include "cfd-record.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_FIELD_TEXT,      /* one line */
  CFD_FIELD_LONG_TEXT, /* paragraphs */
  CFD_FIELD_INTEGER,
  CFD_FIELD_NUMBER,
  CFD_FIELD_CHOICE,
  CFD_FIELD_DATE, /* YYYY-MM-DD */
  CFD_FIELD_TIME, /* HH:MM */
  CFD_FIELD_BOOLEAN,
  CFD_FIELD_VITALS,    /* a series of (time, timepoint, systolic, diastolic, HR, SpO2, RR) */
  CFD_FIELD_CHECKLIST, /* several choices at once */
  CFD_FIELD_SEDATION, /* a series of (time, timepoint, MOAA/S, CADSS, BPRS+), each rating optional */
} CfdFieldType;

/* The GVariant type of each field's value in a record's content:
 * TEXT, LONG_TEXT, CHOICE, DATE, TIME "s"; INTEGER "x"; NUMBER "d";
 * BOOLEAN "b"; CHECKLIST "as"; VITALS CFD_TEMPLATE_VITALS_TYPE, one
 * (time "HH:MM", timepoint (one of the field's choices, or "" for none),
 * systolic, diastolic, heart rate, SpO2 %, respiratory rate or nothing)
 * per reading. Records written before respiratory rate and timepoints
 * hold CFD_TEMPLATE_VITALS_V1_TYPE, (time, systolic, diastolic, heart
 * rate, SpO2 %), and stay valid as they are; cfd-vitals.h reads both. */
#define CFD_TEMPLATE_VITALS_TYPE    "a(ssqqqqmq)"
#define CFD_TEMPLATE_VITALS_V1_TYPE "a(sqqqq)"

/* A draft keeps what was typed even when it is not (yet) a value: an
 * INTEGER or NUMBER field may hold the typed text as "s", and a VITALS
 * field its readings as typed, cell by cell, as
 * CFD_TEMPLATE_VITALS_TYPED_TYPE (the cells of CFD_TEMPLATE_VITALS_TYPE in
 * order; drafts saved before hold CFD_TEMPLATE_VITALS_V1_TYPED_TYPE). DATE and TIME are "s" anyway. A BOOLEAN
 * left out of the content is "not assessed": nothing unanswered is stored
 * as an answer. See docs/FORMATS.md. */
#define CFD_TEMPLATE_VITALS_TYPED_TYPE    "a(sssssss)"
#define CFD_TEMPLATE_VITALS_V1_TYPED_TYPE "a(sssss)"

/* SEDATION: one (time "HH:MM", timepoint (one of the field's choices, or
 * "" for none), MOAA/S, CADSS total, BPRS+ total) per row, each rating
 * present or not (cfd-sedation.h); a draft may hold the rows as typed,
 * cell by cell, as CFD_TEMPLATE_SEDATION_TYPED_TYPE. Rows written before
 * ratings had timepoints hold the V1 types, (time, MOAA/S, CADSS, BPRS+),
 * and stay valid as they are; cfd-sedation.h reads both. */
#define CFD_TEMPLATE_SEDATION_TYPE          "a(ssmqmqmq)"
#define CFD_TEMPLATE_SEDATION_V1_TYPE       "a(smqmqmq)"
#define CFD_TEMPLATE_SEDATION_TYPED_TYPE    "a(sssss)"
#define CFD_TEMPLATE_SEDATION_V1_TYPED_TYPE "a(ssss)"

typedef struct
{
  char *id;
  char *label;
  char *help;
  CfdFieldType type;
  gboolean required;
  gboolean computed; /* filled in by core from other fields; shown, never typed */
  double min;
  double max;
  /* Outside these a value is allowed but unusual enough to ask about
   * before signing (PlausibleMin/PlausibleMax in the template). */
  double plausible_min;
  double plausible_max;
  char *unit;
  GStrv choices; /* ids, for CHOICE and CHECKLIST */
  GStrv choice_labels;
  /* ShownWhen=FIELD=V1,V2 in the template: the field belongs to the record
   * only while that choice field holds one of those values (the IV fields
   * for the intravenous route). A value given otherwise stops signing. */
  char *shown_when_field;
  GStrv shown_when_values;
  /* OnlyWhenSet=true: shown only while it holds a value, never offered
   * empty (the carried-forward marker of a dosing draft). */
  gboolean only_when_set;
} CfdTemplateField;

/* A problem that stops a record being signed, named by its field. */
typedef struct
{
  char *field_id;
  char *message; /* in words for the clinician, naming the field by its label */
} CfdTemplateProblem;

void cfd_template_problem_free (CfdTemplateProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdTemplateProblem, cfd_template_problem_free)

typedef struct
{
  CfdRecordKind kind;
  char *title;
  char *description;
  GPtrArray *fields; /* CfdTemplateField, in display order */
} CfdTemplate;

/* Templates are loaded once from the resources and shared; do not free. */
const CfdTemplate *cfd_template_get (CfdRecordKind kind);
/* The same template with its text in English, as the template files
 * have it: for files that must not change with the user's locale (FHIR). */
const CfdTemplate *cfd_template_get_untranslated (CfdRecordKind kind);
const CfdTemplateField *cfd_template_find_field (const CfdTemplate *tmpl, const char *id);

/* Checks a content dictionary against the template: known fields, types,
 * ranges, choices. The message names the field by its label. */
gboolean cfd_template_validate (const CfdTemplate *tmpl,
                                GVariant *content,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The content with every computed field of the template filled in from the
 * others (dosing: dose-mg-per-kg from dose-mg and weight-kg, to 3
 * decimals), whatever the caller put there, and left out when what it is
 * computed from is missing. The one place these are worked out: records
 * are saved with it and the editor shows it as the user types.
 * INVALID_INPUT for a weight of 0 or less. */
GVariant *cfd_template_compute (const CfdTemplate *tmpl,
                                GVariant *content,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks that every required field holds a value; signing needs it, while
 * drafts may be saved incomplete. The message names every missing field. */
gboolean cfd_template_check_complete (const CfdTemplate *tmpl,
                                      GVariant *content,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* What a draft may hold: known fields, each either a valid value, a value
 * of the right type out of its range, or what was typed (the types above),
 * within the size limits. Only the shape is checked, never the meaning:
 * validity is required when signing, not when saving. */
gboolean cfd_template_validate_draft (const CfdTemplate *tmpl,
                                      GVariant *content,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Like cfd_template_compute, for a draft: never fails; a computed field is
 * left out while what it is computed from is not a usable value. */
GVariant *cfd_template_compute_draft (const CfdTemplate *tmpl, GVariant *content);

/* TRUE when a draft's value is text as typed (a number field holding
 * "s", readings as CFD_TEMPLATE_VITALS_TYPED_TYPE) rather than a value of
 * the field's type: shown as typed, never as a value. */
gboolean cfd_template_value_is_typed (const CfdTemplateField *field, GVariant *value);

/* What is wrong with one field's value as a signed record would need it,
 * in words for the clinician, or NULL when nothing is (an absent value is
 * not a problem here; cfd_template_check_complete is about those). */
char *cfd_template_field_problem (const CfdTemplateField *field, GVariant *value);

/* Everything that stops a draft being signed, all at once: each field's
 * problem and each required field left unanswered, in template order.
 * INVALID_INPUT, its message listing them, one per line. */
gboolean cfd_template_check_signable (const CfdTemplate *tmpl,
                                      GVariant *content,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, with the practice's dosing thresholds
 * (cfd_vault_get_dosing_thresholds) rather than the defaults: what the
 * vault and the editor use when they sign. */
gboolean cfd_template_check_signable_with (const CfdTemplate *tmpl,
                                           GVariant *content,
                                           const CfdDosingThresholds *thresholds,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Whether a field belongs to the record as it is (see ShownWhen above). */
gboolean cfd_template_field_applies (const CfdTemplateField *field, GVariant *content);

/* The problems that involve more than one field (times in order, dose and
 * route agreeing, a reading past a threshold without an action taken, a
 * risk level against its answers), as CfdTemplateProblem, in the order
 * they are found. Part of cfd_template_check_signable; the editor shows
 * each under the field it names. See docs/CLINICAL.md. */
GPtrArray *cfd_template_cross_field_problems (const CfdTemplate *tmpl, GVariant *content);
GPtrArray *cfd_template_cross_field_problems_with (const CfdTemplate *tmpl,
                                                   GVariant *content,
                                                   const CfdDosingThresholds *thresholds);

/* The plausibility warning of one field's value (see below), or NULL. */
char *cfd_template_field_warning (const CfdTemplateField *field, GVariant *value);

/* A choice's label (its id when the template has none). */
const char *cfd_template_field_choice_label (const CfdTemplateField *field, const char *id);

/* A field's value in words: the text, the number with its unit, the choice
 * or checklist labels, "Yes" or "No". NULL for vital signs (laid out as a
 * table) and for a value not of the field's type (a template of another
 * version), which a reader names rather than guesses at. */
char *cfd_template_field_format (const CfdTemplateField *field, GVariant *value);

/* Values that are valid but implausible (a dose per kilogram outside the
 * usual range, an adult's weight under 20 kg), one sentence each, or NULL
 * when there are none: asked about before signing, never refused. */
GStrv cfd_template_plausibility_warnings (const CfdTemplate *tmpl, GVariant *content);

G_END_DECLS
