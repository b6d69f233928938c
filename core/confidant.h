/* confidant.h: the vault library as ui/, app/ and tools/ see it; the only core header they include. */
#pragma once

/* Every header below refuses to be included without this (or the
 * CFD_COMPILATION of core's own build and its white-box tests), so a
 * program cannot come to depend on core's internals by accident. None of
 * them reaches <sqlite3.h>, the keyring format, the crypto constructions,
 * the durable-write primitives or the key arena: those are in headers
 * only core includes (cfd-db.h, cfd-keyring.h, cfd-crypto.h, the
 * -private.h headers). */
#define CFD_INSIDE

/* base */
#include "cfd-types.h"
#include "cfd-error.h"
#include "cfd-secure.h"
#include "cfd-io.h"
#include "cfd-date.h"

/* vault */
#include "cfd-vault.h"
#include "cfd-vault-checkpoint.h"
#include "cfd-passphrase.h"
#include "cfd-draft-recovery.h"

/* access */
#include "cfd-consent.h"
#include "cfd-user-removal.h"
#include "cfd-authorization.h"

/* storage */
#include "cfd-audit-checkpoint.h"

/* audit */
#include "cfd-audit-event.h"
#include "cfd-audit-item.h"
#include "cfd-audit-query.h"
#include "cfd-audit-verify.h"
#include "cfd-audit-export.h"

/* clinical */
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-template.h"
#include "cfd-vitals.h"
#include "cfd-sedation.h"
#include "cfd-dosing-carry.h"
#include "cfd-dosing-thresholds.h"
#include "cfd-instrument.h"
#include "cfd-measure.h"
#include "cfd-measure-schedule.h"
#include "cfd-retention.h"
#include "cfd-review.h"
#include "cfd-risk-flag.h"
#include "cfd-search.h"
#include "cfd-note-file.h"
#include "cfd-worklist.h"
#include "cfd-rems-concomitant.h"
#include "cfd-rems-form.h"
#include "cfd-practice.h"
#include "cfd-disclosure.h"
#include "cfd-chart.h"
#include "cfd-attachment.h"
#include "cfd-icd10.h"

/* backup */
#include "cfd-backup.h"
#include "cfd-backup-media.h"

/* document */
#include "cfd-record-document.h"
#include "cfd-export-pdf.h"
#include "cfd-rems-pdf.h"
#include "cfd-export-fhir.h"
#include "cfd-export-csv.h"
#include "cfd-import-fhir.h"

/* capsule */
#include "cfd-capsule.h"

/* demo */
#include "cfd-demo.h"

/* policy */
#include "cfd-unlock-policy.h"

#undef CFD_INSIDE
