/* cfd-dosing-thresholds.h: the practice's thresholds past which a dosing reading needs an action. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Past any of these a reading needs an "action taken" entry before the
 * record is signed. Each value and its source is in docs/CLINICAL.md. */
typedef struct
{
  guint pre_dose_systolic;      /* mmHg, above it: 140 (esketamine label) */
  guint pre_dose_diastolic;     /* mmHg, above it: 90 (esketamine label) */
  guint systolic;               /* mmHg, any reading at or above it: 180 (Confidant default) */
  guint diastolic;              /* mmHg, any reading at or above it: 110 (Confidant default) */
  guint spo2_below;             /* %, any reading below it: 92 (Confidant default) */
  guint heart_rate_above;       /* per minute, any reading above it: 120 (Confidant default) */
  guint heart_rate_below;       /* per minute, any reading below it: 50 (Confidant default) */
  guint respiratory_rate_below; /* per minute, any reading below it: 10 (Confidant default) */
  gint64 moaas_at_or_below;     /* MOAA/S at or below it: 1 (Confidant default) */
  /* Not a practice setting: the esketamine label's 2 hours. */
  guint esketamine_monitoring_minutes;
} CfdDosingThresholds;

extern const CfdDosingThresholds cfd_dosing_default_thresholds;

/* One threshold a practice may set, by the name `confidant-cli practice
 * set --threshold NAME=VALUE` and Preferences use. */
typedef struct
{
  const char *name;        /* "pre-dose-systolic" */
  const char *description; /* "Pre-dose systolic blood pressure above" */
  const char *unit;        /* "mmHg" */
  guint min, max;          /* the values accepted (sanity bounds) */
  const char *source;      /* where the default comes from */
} CfdDosingThresholdInfo;

const CfdDosingThresholdInfo *cfd_dosing_thresholds_list (guint *n_thresholds);
const CfdDosingThresholdInfo *cfd_dosing_threshold_find (const char *name);
guint cfd_dosing_threshold_get (const CfdDosingThresholds *thresholds, const char *name);

/* Parses "NAME=VALUE"; INVALID_INPUT naming what is wrong (unknown name,
 * not a whole number, out of the threshold's bounds). */
gboolean cfd_dosing_threshold_parse (const char *assignment,
                                     const CfdDosingThresholdInfo **info,
                                     guint *value,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The practice's thresholds: the defaults, with each one the practice set
 * in its place. A stored value outside its bounds (a damaged or forged
 * setting) is refused with DAMAGED_DATABASE rather than used. */
gboolean cfd_vault_get_dosing_thresholds (CfdVault *vault,
                                          CfdDosingThresholds *thresholds,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Owner only; audited as practice.threshold. */
gboolean cfd_vault_set_dosing_threshold (CfdVault *vault,
                                         const char *name,
                                         guint value,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
