/* cfd-template-private.h: checks of dates and times shared by templates and note files. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-template.h"

G_BEGIN_DECLS

gboolean cfd_template_is_valid_time (const char *text); /* HH:MM, 00:00-23:59 */

G_END_DECLS
