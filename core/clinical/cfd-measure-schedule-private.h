/* cfd-measure-schedule-private.h: reading a schedule out of patient details inside core. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-measure-schedule.h"

G_BEGIN_DECLS

#define CFD_MEASURE_SCHEDULE_TYPE ((const GVariantType *)"a(ss)")

/* Checks a stored schedule's shape: the type, every cadence, no instrument
 * twice, at most a few dozen rules. Instruments are not looked up: a
 * practice's own instrument may not be installed on every machine. */
gboolean cfd_measure_schedule_validate (GVariant *schedule, GError **error);

/* The rules in details (CfdMeasureRule), empty when none; a rule whose
 * cadence does not parse is left out. */
GPtrArray *cfd_measure_schedule_from_details (GVariant *details);

G_END_DECLS
