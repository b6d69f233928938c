/* cfd-error.c: the vault error domain. */
#include "cfd-error.h"

G_DEFINE_QUARK (cfd - vault - error - quark, cfd_vault_error)
