/* cfd-search-page.h: search across every note: results by patient and record, with snippets. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_SEARCH_PAGE (cfd_search_page_get_type ())
G_DECLARE_FINAL_TYPE (CfdSearchPage, cfd_search_page, CFD, SEARCH_PAGE, GtkWidget)

void cfd_search_page_set_vault (CfdSearchPage *self, CfdVault *vault);
void cfd_search_page_focus (CfdSearchPage *self);
/* Forgets the query and the results. */
void cfd_search_page_clear (CfdSearchPage *self);

G_END_DECLS
