/* cfd-verified-cache.h: which record signatures this user has already verified, kept across unlocks. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* digest names one verification: BLAKE2b of the signer's key (from the
 * roster), the record's signature hash and the signature. TRUE when this
 * user's cache holds the tag of that digest, which only a verification
 * that succeeded, by this user, wrote. The first lookup for a patient
 * after an unlock reads all of that patient's tags in one query (they are
 * stored together, so a timeline's tags share a page or two). */
gboolean cfd_verified_cache_contains (CfdVault *vault,
                                      const char *patient_id,
                                      const guint8 digest[CFD_HASH_BYTES]);

/* Reads the patient's tags now, before a caller starts a scan of its own;
 * FALSE with a database error (DAMAGED_DATABASE) when they cannot be read. */
gboolean cfd_verified_cache_load (CfdVault *vault,
                                  const char *patient_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Notes a verification that has just succeeded; written by the next
 * cfd_verified_cache_save. */
void cfd_verified_cache_remember (CfdVault *vault,
                                  const char *patient_id,
                                  const guint8 digest[CFD_HASH_BYTES]);

/* Writes what was noted inside the caller's transaction, under a
 * savepoint: a failure is rolled back to it and dropped, never the
 * caller's work. FALSE (with the error) only when SQLite rolled back the
 * caller's whole transaction (a damaged page, a full disk). */
gboolean cfd_verified_cache_save (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
