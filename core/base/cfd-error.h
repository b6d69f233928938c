/* cfd-error.h: the error domain of the vault library and its specific codes. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* One domain for the whole library: every layer reports through it. */
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
  CFD_ERROR_WEAK_PASSPHRASE, /* a new passphrase below the minimum: the message says why */
} CfdError;

GQuark cfd_error_quark (void);

G_END_DECLS
