/* cfd-error.c: the library's error domain. */
#include "cfd-error.h"

G_DEFINE_QUARK (cfd - error - quark, cfd_error)
