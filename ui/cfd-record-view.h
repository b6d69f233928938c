/* cfd-record-view.h: a signed record read as a document: who signed it and when, each answered field under its label, vital signs as a table. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_RECORD_VIEW (cfd_record_view_get_type ())
G_DECLARE_FINAL_TYPE (CfdRecordView, cfd_record_view, CFD, RECORD_VIEW, GtkWidget)

/* Shows record (signed; its signature was checked when the vault gave it
 * out). vault names the signer. */
void cfd_record_view_show (CfdRecordView *self, CfdVault *vault, CfdRecord *record);

/* Drops every label that holds patient text. */
void cfd_record_view_clear (CfdRecordView *self);

G_END_DECLS
