/* cfd-dosing-checks.h: what a dosing record must satisfy across its fields before it is signed. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-template.h"

G_BEGIN_DECLS

/* Past any of these a reading needs an "action taken" entry before the
 * record is signed. Each value and its source is in docs/CLINICAL.md. */
typedef struct
{
  guint pre_dose_systolic;  /* mmHg, above it: 140 (esketamine label) */
  guint pre_dose_diastolic; /* mmHg, above it: 90 (esketamine label) */
  guint systolic;           /* mmHg, any reading at or above it: 180 (Confidant default) */
  guint diastolic;          /* mmHg, any reading at or above it: 110 (Confidant default) */
  guint spo2_below;         /* %, any reading below it: 92 (Confidant default) */
  gint64 moaas_at_or_below; /* MOAA/S at or below it: 1 (Confidant default) */
  guint esketamine_monitoring_minutes; /* 120 (esketamine label and REMS) */
} CfdDosingThresholds;

extern const CfdDosingThresholds cfd_dosing_default_thresholds;

/* Appends a CfdTemplateProblem for each cross-field rule the content
 * breaks. Only values of the field's own type are looked at: a value as
 * typed is already a problem of its field. */
void cfd_dosing_check (const CfdTemplate *tmpl,
                       GVariant *content,
                       const CfdDosingThresholds *thresholds,
                       GPtrArray *problems);

/* Adds the dosing warnings (nasal spray devices under 5 minutes apart) to
 * builder; TRUE when it added any. Warnings never stop signing. */
gboolean cfd_dosing_add_warnings (GVariant *content, GStrvBuilder *builder);

/* The content with the IV volume (dose ÷ concentration) and the infusion
 * rate (dose ÷ infusion time) worked out, or left out when they cannot be
 * or the route is not intravenous. */
GVariant *cfd_dosing_compute (GVariant *content);

G_END_DECLS
