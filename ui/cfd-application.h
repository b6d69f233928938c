/* cfd-application.h: the Confidant application: one vault, its windows, locking. */
#pragma once

#include <adwaita.h>

#include "cfd-idle-monitor.h"

G_BEGIN_DECLS

#define CFD_TYPE_APPLICATION (cfd_application_get_type ())
G_DECLARE_FINAL_TYPE (CfdApplication, cfd_application, CFD, APPLICATION, AdwApplication)

CfdApplication *cfd_application_new (void);

/* NULL when the schema is not installed (an uninstalled build without
 * GSETTINGS_SCHEMA_DIR); callers then use the schema's defaults. */
GSettings *cfd_application_get_settings (CfdApplication *self);

/* CONFIDANT_VAULT_DIR, else the vault-path setting, else the default
 * (cfd_vault_banner_dup_start_path()). */
char *cfd_application_dup_vault_path (CfdApplication *self);

void cfd_application_lock_all (CfdApplication *self);

/* Input in any of the application's toplevels; every window locks its
 * vault when this has seen none for the window's interval. */
CfdIdleMonitor *cfd_application_get_idle_monitor (CfdApplication *self);

G_END_DECLS
