/* cfd-record-private.h: what measures, search and the record files share inside core. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-record.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

#define CFD_RECORDS_TABLE "records"

CfdRecordCategory cfd_record_kind_category (CfdRecordKind kind);
const char *cfd_record_category_to_string (CfdRecordCategory category);
gboolean cfd_record_category_from_string (const char *text, CfdRecordCategory *category);

/* The content with its keys sorted, serialized into a buffer that is wiped
 * when freed: the one form that is sealed and hashed. */
GVariant *cfd_record_content_canonical (GVariant *content);

/* BLAKE2b-256 over the length-prefixed encoding described in docs/FORMATS.md. */
void cfd_record_signature_hash (guint8 out[CFD_HASH_BYTES],
                                CfdVault *vault,
                                const char *record_id,
                                const char *patient_id,
                                CfdRecordKind kind,
                                CfdRecordCategory category,
                                const char *parent_id,
                                const char *author_id,
                                gint64 occurred,
                                gint64 signed_at,
                                GVariant *canonical_content);

/* The same, for a vault id given directly (known-answer tests). */
void cfd_record_signature_hash_for_vault_id (guint8 out[CFD_HASH_BYTES],
                                             const char *vault_id,
                                             const char *record_id,
                                             const char *patient_id,
                                             CfdRecordKind kind,
                                             CfdRecordCategory category,
                                             const char *parent_id,
                                             const char *author_id,
                                             gint64 occurred,
                                             gint64 signed_at,
                                             GVariant *canonical_content);

/* Checks a signature; a result already checked in this unlocked session is
 * remembered (by a hash of key, message hash and signature) so timelines
 * and searches do not verify the same record again. */
gboolean cfd_record_signature_verify (CfdVault *vault,
                                      const guint8 hash[CFD_HASH_BYTES],
                                      const guint8 *signature,
                                      gsize signature_len,
                                      const guint8 *sign_pk,
                                      gsize sign_pk_len);
/* The same for a record of patient_id, whose verification this user keeps
 * across unlocks (cfd-verified-cache.h). */
gboolean cfd_record_signature_verify_for_patient (CfdVault *vault,
                                                  const char *patient_id,
                                                  const guint8 hash[CFD_HASH_BYTES],
                                                  const guint8 *signature,
                                                  gsize signature_len,
                                                  const guint8 *sign_pk,
                                                  gsize sign_pk_len);

/* The patient's current key version; NOT_FOUND for an unknown patient,
 * NOT_PERMITTED (audited as denied under action) without a grant. */
gboolean cfd_record_patient_access (CfdVault *vault,
                                    const char *patient_id,
                                    const char *action,
                                    guint *key_version,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Loads, unseals and verifies one record without auditing. */
CfdRecord *
cfd_record_load (CfdVault *vault, const char *record_id, GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef gboolean (*CfdRecordFunc) (CfdRecord *record, gpointer user_data, GError **error);

typedef enum
{
  CFD_RECORD_READ_DEFAULT = 0,
  /* Skips the signature check, for building the search index only: every
   * hit is loaded again, verified, before anything of it is shown. */
  CFD_RECORD_READ_UNVERIFIED = 1 << 0,
  /* In the order the rows are stored, not newest first: with every
   * patient's records, sorting by date makes SQLite sort whole rows,
   * sealed bodies included. For the search index, which orders its own. */
  CFD_RECORD_READ_STORAGE_ORDER = 1 << 1,
} CfdRecordReadFlags;

/* Every record of every patient whose current key the signed-in user holds
 * (or of one patient when patient_id is set), newest first, verified unless
 * flags say otherwise. */
gboolean cfd_record_foreach_readable (CfdVault *vault,
                                      const char *patient_id,
                                      CfdRecordReadFlags flags,
                                      CfdRecordFunc func,
                                      gpointer user_data,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Inserts a record signed at once by the signed-in user (measures,
 * addenda). Caller holds a write transaction and has checked the content. */
char *cfd_record_insert_signed (CfdVault *vault,
                                const char *patient_id,
                                guint key_version,
                                CfdRecordKind kind,
                                CfdRecordCategory category,
                                const char *parent_id,
                                gint64 occurred,
                                GVariant *content,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
