/* cfd-review-panel.h: a signed record's supervision: comments and co-signatures, and adding them as a supervisor. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_REVIEW_PANEL (cfd_review_panel_get_type ())
G_DECLARE_FINAL_TYPE (CfdReviewPanel, cfd_review_panel, CFD, REVIEW_PANEL, GtkWidget)

/* Shows the record's reviews; a supervisor also gets a comment field and
 * Co-sign for a signed record. Clears itself when the vault locks. */
gboolean
cfd_review_panel_load (CfdReviewPanel *self, CfdVault *vault, CfdRecord *record, GError **error);
void cfd_review_panel_clear (CfdReviewPanel *self);
guint cfd_review_panel_get_n_reviews (CfdReviewPanel *self);

G_END_DECLS
