/* cfd-review-private.h: the review signature, shared with review replies from another vault. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-crypto.h"
#include "cfd-record.h"
#include "cfd-review.h"

G_BEGIN_DECLS

const char *cfd_review_kind_to_string (CfdReviewKind kind); /* "comment", "cosign" */

/* BLAKE2b-256 of what the record's author signed, in this vault. */
void cfd_review_record_hash (guint8 out[CFD_HASH_BYTES], CfdVault *vault, CfdRecord *record);

/* The message a supervisor signs for a review of a record in the vault
 * vault_id. A supervisor reviewing from a capsule signs the same message
 * (with the therapist's vault id), so an imported review verifies exactly
 * like one written in the vault. */
CfdAd *cfd_review_message (const char *vault_id,
                           const char *review_id,
                           const char *record_id,
                           const guint8 record_digest[CFD_HASH_BYTES],
                           const char *author_id,
                           CfdReviewKind kind,
                           gint64 created,
                           GVariant *content);

/* Verifies a review signed elsewhere against author_sign_pk, seals it under
 * the patient key and inserts it, audited as review.import under
 * authorization. Caller holds a write transaction. */
gboolean cfd_review_insert_verified (CfdVault *vault,
                                     CfdRecord *record,
                                     const char *review_id,
                                     const char *author_id,
                                     const guint8 author_sign_pk[CFD_SIGN_PK_BYTES],
                                     CfdReviewKind kind,
                                     gint64 created,
                                     GVariant *content,
                                     const guint8 signature[CFD_SIGNATURE_BYTES],
                                     const char *authorization,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
