/* cfd-audit-checkpoint.h: signed heads of the audit chain, their wire form and the written-down receipt. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-types.h"

G_BEGIN_DECLS

#define CFD_AUDIT_ID_MAX 64

/* "seq N · XXXX-XXXX-XXXX-XXXX": the first 80 bits of the head. */
#define CFD_AUDIT_RECEIPT_HEAD_BYTES 10

/* The head of the chain at seq, signed by one user; plain data, so it can
 * live on the stack and be copied. */
typedef struct
{
  gint64 seq;
  gint64 time; /* microseconds since the epoch, UTC */
  guint8 head[CFD_HASH_BYTES];
  char vault_id[CFD_AUDIT_ID_MAX + 1];
  char signer[CFD_AUDIT_ID_MAX + 1]; /* user id */
  guint8 signer_pk[CFD_SIGN_PK_BYTES];
  guint8 signature[CFD_SIGNATURE_BYTES];
} CfdAuditCheckpoint;

/* The bytes the signature covers (see docs/FORMATS.md). */
GBytes *cfd_audit_checkpoint_message (const CfdAuditCheckpoint *checkpoint);

/* Checks the signature against signer_pk, which must also equal the
 * expected key (the signer's key from the users table). */
gboolean cfd_audit_checkpoint_check_signature (const CfdAuditCheckpoint *checkpoint,
                                               const guint8 expected_pk[CFD_SIGN_PK_BYTES]);

/* The wire form embedded in backups; parsing treats the bytes as hostile. */
GBytes *cfd_audit_checkpoint_serialize (const CfdAuditCheckpoint *checkpoint);
gboolean cfd_audit_checkpoint_parse (const guint8 *data,
                                     gsize len,
                                     CfdAuditCheckpoint *out,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* "seq 1234 · 3F9A-C21B-77D0-E4A5" */
char *cfd_audit_checkpoint_format_receipt (const CfdAuditCheckpoint *checkpoint);

/* Reads a receipt as a person typed it: case, spacing, the separator and
 * the Crockford look-alikes (O for 0, I and L for 1) do not matter. */
gboolean cfd_audit_receipt_parse (const char *text,
                                  gint64 *seq,
                                  guint8 head_prefix[CFD_AUDIT_RECEIPT_HEAD_BYTES],
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
