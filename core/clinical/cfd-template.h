/* cfd-template.h: what each record kind holds, read from the templates in data/templates. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

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
  CFD_FIELD_VITALS,    /* a series of (time, systolic, diastolic, HR, SpO2) */
  CFD_FIELD_CHECKLIST, /* several choices at once */
} CfdFieldType;

/* The GVariant type of each field's value in a record's content:
 * TEXT, LONG_TEXT, CHOICE, DATE, TIME "s"; INTEGER "x"; NUMBER "d";
 * BOOLEAN "b"; CHECKLIST "as"; VITALS CFD_TEMPLATE_VITALS_TYPE, one
 * (time "HH:MM", systolic, diastolic, heart rate, SpO2 %) per reading. */
#define CFD_TEMPLATE_VITALS_TYPE "a(sqqqq)"

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
  char *unit;
  GStrv choices; /* ids, for CHOICE and CHECKLIST */
  GStrv choice_labels;
} CfdTemplateField;

typedef struct
{
  CfdRecordKind kind;
  char *title;
  char *description;
  GPtrArray *fields; /* CfdTemplateField, in display order */
} CfdTemplate;

/* Templates are loaded once from the resources and shared; do not free. */
const CfdTemplate *cfd_template_get (CfdRecordKind kind);
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
 * drafts may be saved incomplete. */
gboolean cfd_template_check_complete (const CfdTemplate *tmpl,
                                      GVariant *content,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
