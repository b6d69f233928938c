/* cfd-retention.h: how long a patient's records must be kept: the practice's rule and each patient's date. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* A rule: keep the records years_after_last years after the last signed
 * record and, for someone who was a minor, at least until they reach
 * minor_until_age (0: no rule for minors). docs/CLINICAL.md has each
 * rule's source. */
typedef struct
{
  const char *id;
  const char *label;
  const char *citation;
  guint years_after_last;
  guint minor_until_age;
} CfdRetentionRule;

/* The rules Confidant knows, in the order a settings page lists them. */
const CfdRetentionRule *cfd_retention_rules (guint *n_rules);
const CfdRetentionRule *cfd_retention_rule_find (const char *id);
/* The rule a new practice starts with (Confidant's own choice). */
const CfdRetentionRule *cfd_retention_rule_default (void);

/* The practice's rule (the default until the owner chooses one). */
const CfdRetentionRule *cfd_vault_get_retention_rule (CfdVault *vault, GError **error);
/* Owner only; audited as practice.retention-rule. */
gboolean cfd_vault_set_retention_rule (CfdVault *vault,
                                       const char *rule_id,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  /* No signed record: the rule has nothing to keep (a manual date may). */
  CFD_RETENTION_NOTHING_SIGNED,
  /* keep_until is known. */
  CFD_RETENTION_KNOWN,
  /* The rule has a clause for minors and the birth date is not recorded:
   * the date cannot be computed, and the records may not be deleted. */
  CFD_RETENTION_UNKNOWN,
} CfdRetentionStatus;

typedef struct
{
  CfdRetentionStatus status;
  const CfdRetentionRule *rule;
  gint64 last_signed;  /* the later of date of service and signing of the last signed record */
  gint64 rule_until;   /* what the rule gives; 0 when nothing is signed or it is unknown */
  gint64 manual_until; /* a later date set by hand; 0 for none */
  gint64 keep_until;   /* the later of the two; seconds since the epoch, UTC midnight */
} CfdRetention;

/* Computes the patient's retention date under the practice's rule. */
gboolean cfd_vault_get_patient_retention (CfdVault *vault,
                                          const char *patient_id,
                                          CfdRetention *retention,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Patient deletion is allowed from keep_until on, never while UNKNOWN. */
gboolean cfd_retention_allows_deletion (const CfdRetention *retention, gint64 now_seconds);

/* What remains after a patient is deleted: no name, no content. */
typedef struct
{
  char *patient_id;
  gint64 deleted_at;
  char *rule_id;
  gint64 retain_until;   /* 0: unknown or nothing signed */
  char *override_reason; /* NULL unless retention was overridden */
  char *deleted_by;
} CfdDisposition;

void cfd_disposition_free (CfdDisposition *disposition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdDisposition, cfd_disposition_free)

/* Every disposition entry, oldest first, each signature checked against
 * the owner's key in the signed roster. Owner only. */
GPtrArray *cfd_vault_list_dispositions (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
