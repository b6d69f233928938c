/* cfd-key-cache.h: a user's own cache of the patient keys they have already unwrapped. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* The digest a cache entry is bound to: the grant row as stored (every
 * field its signature covers, and the signature) and what the roster says
 * of its granter now (role, signing key). Any change to either gives
 * another digest, and the entry no longer opens. */
void cfd_key_cache_grant_digest (guint8 digest[CFD_HASH_BYTES],
                                 const guint8 *grant_message,
                                 gsize grant_message_len,
                                 const guint8 *signature,
                                 const char *granter_role,
                                 const guint8 *granter_sign_pk);

/* TRUE, with the key written to key, when this user's cache holds an
 * entry for the patient key version that was made from the grant with
 * this digest. The first lookup after an unlock reads all of the user's
 * entries in one scan. FALSE on any miss, stale or damaged entry. */
gboolean cfd_key_cache_lookup (CfdVault *vault,
                               const char *patient_id,
                               guint key_version,
                               const guint8 grant_digest[CFD_HASH_BYTES],
                               guint8 key[CFD_KEY_BYTES]);

/* Reads this user's entries now, before a caller starts a scan of its
 * own; FALSE with DAMAGED_DATABASE (or another database error) when the
 * table cannot be read. Lookups read them on first use otherwise. */
gboolean cfd_key_cache_load (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Seals a key just unwrapped from a verified grant; it is written to the
 * database by the next cfd_key_cache_save. */
void cfd_key_cache_remember (CfdVault *vault,
                             const char *patient_id,
                             guint key_version,
                             const guint8 grant_digest[CFD_HASH_BYTES],
                             const guint8 key[CFD_KEY_BYTES]);

/* Writes the remembered entries inside the caller's transaction, under a
 * savepoint: a cache that cannot be written costs speed, never the
 * caller's work, so a failure is rolled back to the savepoint and dropped.
 * FALSE (with the error) only when SQLite rolled back the caller's whole
 * transaction, as it does on a damaged page or a full disk. */
gboolean cfd_key_cache_save (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;

#ifdef CFD_TESTING
/* Keys served from the cache since the vault was unlocked. */
guint cfd_key_cache_hits_for_testing (CfdVault *vault);
#endif

G_END_DECLS
