/* cfd-create-page.h: first run: the owner's name and passphrase, and creating the vault. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CFD_TYPE_CREATE_PAGE (cfd_create_page_get_type ())
G_DECLARE_FINAL_TYPE (CfdCreatePage, cfd_create_page, CFD, CREATE_PAGE, GtkWidget)

void cfd_create_page_set_vault_path (CfdCreatePage *self, const char *path);

G_END_DECLS
