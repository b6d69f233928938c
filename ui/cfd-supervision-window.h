/* cfd-supervision-window.h: supervision across machines: cards, capsules received, review replies. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_SUPERVISION_WINDOW (cfd_supervision_window_get_type ())
G_DECLARE_FINAL_TYPE (
    CfdSupervisionWindow, cfd_supervision_window, CFD, SUPERVISION_WINDOW, AdwPreferencesWindow)

CfdSupervisionWindow *cfd_supervision_window_new (GtkWindow *parent, CfdVault *vault);

/* What the import buttons do once a file is chosen; the outcome is shown
 * (a toast, or the fingerprint to compare). */
gboolean cfd_supervision_window_import_capsule (CfdSupervisionWindow *self, const char *path);
gboolean cfd_supervision_window_import_card (CfdSupervisionWindow *self, const char *path);
gboolean cfd_supervision_window_import_reply (CfdSupervisionWindow *self, const char *path);

/* For tests: the capsule rows shown. */
guint cfd_supervision_window_get_n_capsules (CfdSupervisionWindow *self);

G_END_DECLS
