/* cfd-demo.h: a deterministic synthetic practice, for demonstrations, screenshots and benchmarks. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef struct
{
  guint patients;
  guint records_per_patient;
  guint32 seed;
  /* Supervisor to add and to give some patients' consent to; NULL for none. */
  const char *supervisor_name;
  const char *supervisor_passphrase;
} CfdDemoOptions;

typedef void (*CfdDemoProgress) (guint patients_done, guint patients_total, gpointer user_data);

/* Fills an unlocked vault (owner or therapist) with invented patients and
 * their records: an intake, dosing sessions with vitals, integration notes
 * of 0.5-4 KB, progress notes, PHQ-9 and GAD-7 series, risk assessments;
 * most signed, the newest left as drafts. Every person in it is fictional.
 * The same options always give the same practice (ids and nonces aside). */
gboolean cfd_demo_populate (CfdVault *vault,
                            const CfdDemoOptions *options,
                            CfdDemoProgress progress,
                            gpointer user_data,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
