/* cfd-capsule-window.h: one capsule, read-only and clearly marked, with its records to review. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_CAPSULE_WINDOW (cfd_capsule_window_get_type ())
G_DECLARE_FINAL_TYPE (CfdCapsuleWindow, cfd_capsule_window, CFD, CAPSULE_WINDOW, AdwWindow)

/* Opens the capsule (audited); NULL with the core error (EXPIRED, ...). */
CfdCapsuleWindow *
cfd_capsule_window_new (GtkWindow *parent, CfdVault *vault, const char *capsule_id, GError **error);

/* For tests: the record rows shown. */
guint cfd_capsule_window_get_n_records (CfdCapsuleWindow *self);

G_END_DECLS
