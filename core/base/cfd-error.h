/* cfd-error.h: the error domain of the library and its specific codes. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* The error domain of the whole library: every layer reports through it,
 * so a caller handles one set of codes. */
#define CFD_ERROR (cfd_error_quark ())

/**
 * CfdError:
 *
 * Every code names one thing a person can act on. Messages attached to
 * these errors never contain patient data, passphrases or key material.
 */
typedef enum
{
  CFD_ERROR_FAILED,
  CFD_ERROR_WRONG_PASSPHRASE,
  CFD_ERROR_WRONG_RECOVERY_KEY,
  CFD_ERROR_DAMAGED_DATABASE,
  CFD_ERROR_DAMAGED_KEYRING,
  CFD_ERROR_TAMPERED,
  CFD_ERROR_NOT_PERMITTED,
  CFD_ERROR_UNSUPPORTED_VERSION,
  CFD_ERROR_NO_SPACE,
  CFD_ERROR_MEDIUM_REMOVED,
  CFD_ERROR_LOCKED,
  CFD_ERROR_NOT_FOUND,
  CFD_ERROR_INVALID_INPUT,
  CFD_ERROR_EXISTS,
  CFD_ERROR_BUSY,
  CFD_ERROR_IO,
  CFD_ERROR_WEAK_KDF,
  CFD_ERROR_IMMUTABLE,
  CFD_ERROR_TRUNCATED,
  CFD_ERROR_WRONG_RECIPIENT, /* a capsule or reply meant for someone else */
  CFD_ERROR_EXPIRED,         /* a capsule past its expiry: its key is gone */
  CFD_ERROR_REPLAYED,        /* a review reply that was imported before */
} CfdError;

GQuark cfd_error_quark (void);

/* The domain's former name, CFD_VAULT_ERROR (a vault-level name for a
 * library-wide domain). The code still uses it: renaming 489 lines in 77
 * files while other branches change them would only make conflicts.
 * Once they have landed, one substitution retires these aliases:
 *   sed -i 's/CFD_VAULT_ERROR/CFD_ERROR/g; s/CfdVaultError/CfdError/g' */
#define CFD_VAULT_ERROR CFD_ERROR
typedef CfdError CfdVaultError;
#define CFD_VAULT_ERROR_FAILED              CFD_ERROR_FAILED
#define CFD_VAULT_ERROR_WRONG_PASSPHRASE    CFD_ERROR_WRONG_PASSPHRASE
#define CFD_VAULT_ERROR_WRONG_RECOVERY_KEY  CFD_ERROR_WRONG_RECOVERY_KEY
#define CFD_VAULT_ERROR_DAMAGED_DATABASE    CFD_ERROR_DAMAGED_DATABASE
#define CFD_VAULT_ERROR_DAMAGED_KEYRING     CFD_ERROR_DAMAGED_KEYRING
#define CFD_VAULT_ERROR_TAMPERED            CFD_ERROR_TAMPERED
#define CFD_VAULT_ERROR_NOT_PERMITTED       CFD_ERROR_NOT_PERMITTED
#define CFD_VAULT_ERROR_UNSUPPORTED_VERSION CFD_ERROR_UNSUPPORTED_VERSION
#define CFD_VAULT_ERROR_NO_SPACE            CFD_ERROR_NO_SPACE
#define CFD_VAULT_ERROR_MEDIUM_REMOVED      CFD_ERROR_MEDIUM_REMOVED
#define CFD_VAULT_ERROR_LOCKED              CFD_ERROR_LOCKED
#define CFD_VAULT_ERROR_NOT_FOUND           CFD_ERROR_NOT_FOUND
#define CFD_VAULT_ERROR_INVALID_INPUT       CFD_ERROR_INVALID_INPUT
#define CFD_VAULT_ERROR_EXISTS              CFD_ERROR_EXISTS
#define CFD_VAULT_ERROR_BUSY                CFD_ERROR_BUSY
#define CFD_VAULT_ERROR_IO                  CFD_ERROR_IO
#define CFD_VAULT_ERROR_WEAK_KDF            CFD_ERROR_WEAK_KDF
#define CFD_VAULT_ERROR_IMMUTABLE           CFD_ERROR_IMMUTABLE
#define CFD_VAULT_ERROR_TRUNCATED           CFD_ERROR_TRUNCATED
#define CFD_VAULT_ERROR_WRONG_RECIPIENT     CFD_ERROR_WRONG_RECIPIENT
#define CFD_VAULT_ERROR_EXPIRED             CFD_ERROR_EXPIRED
#define CFD_VAULT_ERROR_REPLAYED            CFD_ERROR_REPLAYED

G_END_DECLS
