/* cfd-error.c: the vault error domain. */
#include "cfd-error.h"

G_DEFINE_QUARK (cfd - error - quark, cfd_error)
