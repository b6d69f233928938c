/* cfd-error.h: the error domain of the vault library and its specific codes. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define CFD_VAULT_ERROR (cfd_vault_error_quark ())

/**
 * CfdVaultError:
 *
 * Every code names one thing a person can act on. Messages attached to
 * these errors never contain patient data, passphrases or key material.
 */
typedef enum
{
  CFD_VAULT_ERROR_FAILED,
  CFD_VAULT_ERROR_WRONG_PASSPHRASE,
  CFD_VAULT_ERROR_WRONG_RECOVERY_KEY,
  CFD_VAULT_ERROR_DAMAGED_DATABASE,
  CFD_VAULT_ERROR_DAMAGED_KEYRING,
  CFD_VAULT_ERROR_TAMPERED,
  CFD_VAULT_ERROR_NOT_PERMITTED,
  CFD_VAULT_ERROR_UNSUPPORTED_VERSION,
  CFD_VAULT_ERROR_NO_SPACE,
  CFD_VAULT_ERROR_MEDIUM_REMOVED,
  CFD_VAULT_ERROR_LOCKED,
  CFD_VAULT_ERROR_NOT_FOUND,
  CFD_VAULT_ERROR_INVALID_INPUT,
  CFD_VAULT_ERROR_EXISTS,
  CFD_VAULT_ERROR_BUSY,
  CFD_VAULT_ERROR_IO,
  CFD_VAULT_ERROR_WEAK_KDF,
  CFD_VAULT_ERROR_IMMUTABLE,
  CFD_VAULT_ERROR_TRUNCATED,
  CFD_VAULT_ERROR_WRONG_RECIPIENT, /* a capsule or reply meant for someone else */
  CFD_VAULT_ERROR_EXPIRED,         /* a capsule past its expiry: its key is gone */
  CFD_VAULT_ERROR_REPLAYED,        /* a review reply that was imported before */
} CfdVaultError;

GQuark cfd_vault_error_quark (void);

/* The domain's library-wide name: every layer reports through this one
 * domain, which "vault" undersells. The codes and the 489 uses in 77 files
 * move over in one substitution once the branches editing those files have
 * landed (s/CFD_VAULT_ERROR/CFD_ERROR/, s/CfdVaultError/CfdError/, and the
 * quark); until then these aliases name it. */
#define CFD_ERROR       CFD_VAULT_ERROR
#define cfd_error_quark cfd_vault_error_quark
typedef CfdVaultError CfdError;

G_END_DECLS
