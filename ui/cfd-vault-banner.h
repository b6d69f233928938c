/* cfd-vault-banner.h: the main window's bar naming a vault other than the one Confidant opens at start (a restored copy), with a button to make it that one. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_VAULT_BANNER (cfd_vault_banner_get_type ())
G_DECLARE_FINAL_TYPE (CfdVaultBanner, cfd_vault_banner, CFD, VAULT_BANNER, GtkWidget)

/* The folder of the vault the window shows. */
void cfd_vault_banner_set_vault_path (CfdVaultBanner *self, const char *path);

/* The bar is showing: the window's vault is not the one opened at start. */
gboolean cfd_vault_banner_get_revealed (CfdVaultBanner *self);

/* CONFIDANT_VAULT_DIR, else the vault-path setting of SETTINGS (may be
 * NULL), else the default folder: the vault Confidant opens at start. */
char *cfd_vault_banner_dup_start_path (GSettings *settings);

G_END_DECLS
