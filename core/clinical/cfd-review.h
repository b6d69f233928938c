/* cfd-review.h: a supervisor's review of a signed record: comments and co-signatures. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_REVIEW_COMMENT,
  CFD_REVIEW_COSIGN,
} CfdReviewKind;

#define CFD_TYPE_REVIEW (cfd_review_get_type ())
G_DECLARE_FINAL_TYPE (CfdReview, cfd_review, CFD, REVIEW, GObject)

const char *cfd_review_get_id (CfdReview *self);
const char *cfd_review_get_record_id (CfdReview *self);
const char *cfd_review_get_author_id (CfdReview *self);
CfdReviewKind cfd_review_get_kind (CfdReview *self);
gint64 cfd_review_get_created (CfdReview *self);
/* The comment; empty for a co-signature. */
const char *cfd_review_get_text (CfdReview *self);

/* A supervisor, under a live consent covering the record, comments on or
 * co-signs a signed record. Each is its own row, signed by the supervisor
 * over the record's signed content hash; the record itself never changes. */
char *cfd_vault_add_review_comment (CfdVault *vault,
                                    const char *record_id,
                                    const char *text,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *cfd_vault_cosign_record (CfdVault *vault,
                               const char *record_id,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The reviews of a record, oldest first, each verified (TAMPERED if not). */
GListModel *cfd_vault_list_reviews (CfdVault *vault,
                                    const char *record_id,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
