/* cfd-disclosure.h: who a patient's record went to, why and on what basis: the accounting of disclosures. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-types.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

/* What the person exporting states about each export, print or capsule. */
typedef struct
{
  const char *recipient; /* "Dr. Lee, Northside Psychiatry", "the patient" */
  const char *purpose;   /* "continuity of care", "patient's own copy" */
  const char *basis;     /* "treatment", "patient request", "authorization AUTH-2026-014" */
} CfdDisclosureTerms;

/* Each of the three present: UTF-8, one line, 1 to 300 characters.
 * INVALID_INPUT naming the one that is not. */
gboolean cfd_disclosure_terms_check (const CfdDisclosureTerms *terms,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Records a disclosure of a patient's record: an audit record (action
 * "patient.export", "patient.print", "patient.export-fhir",
 * "patient.export-csv" or "capsule.export"; object the patient) whose
 * authorization is the scope ("medical-record" or
 * "medical-record+psychotherapy-notes") followed by " disclosure:" and a
 * hash of the terms and description; and, when it succeeded, the row of
 * the accounting with terms and description (what was disclosed, in
 * words). In a transaction of its own unless the caller holds one. */
gboolean cfd_vault_record_disclosure (CfdVault *vault,
                                      const char *action,
                                      const char *patient_id,
                                      gboolean psychotherapy_included,
                                      CfdAuditOutcome outcome,
                                      const CfdDisclosureTerms *terms,
                                      const char *description,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef struct
{
  gint64 time; /* seconds since the epoch */
  char *actor_name;
  char *action;
  char *recipient;
  char *purpose;
  char *basis;
  char *description;
} CfdDisclosure;

void cfd_disclosure_free (CfdDisclosure *disclosure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdDisclosure, cfd_disclosure_free)

/* The accounting (45 CFR 164.528): the patient's disclosures at or after
 * since (seconds), oldest first, as CfdDisclosure. Needs access to the
 * patient; a row whose hash does not match its audit record is TAMPERED.
 * Reading it is itself recorded ("patient.disclosures"). */
GPtrArray *cfd_vault_list_disclosures (CfdVault *vault,
                                       const char *patient_id,
                                       gint64 since,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Six years before now: how far back the accounting goes (164.528(a)). */
gint64 cfd_disclosure_accounting_start (CfdVault *vault);

G_END_DECLS
