/* cfd-threshold-group.h: the practice's dosing thresholds in Preferences. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_THRESHOLD_GROUP (cfd_threshold_group_get_type ())
G_DECLARE_FINAL_TYPE (
    CfdThresholdGroup, cfd_threshold_group, CFD, THRESHOLD_GROUP, AdwPreferencesGroup)

/* One row per threshold, with its default and source; editable by the
 * vault's owner only. */
CfdThresholdGroup *cfd_threshold_group_new (CfdVault *vault);

/* TRUE when a value was changed and not saved yet. */
gboolean cfd_threshold_group_has_changes (CfdThresholdGroup *self);

/* Saves every changed value (each audited as practice.threshold). */
gboolean cfd_threshold_group_save (CfdThresholdGroup *self, GError **error);

G_END_DECLS
