/* cfd-workspace.h: the unlocked vault: patient list, patient pages, the editor and search. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_WORKSPACE (cfd_workspace_get_type ())
G_DECLARE_FINAL_TYPE (CfdWorkspace, cfd_workspace, CFD, WORKSPACE, GtkWidget)

void cfd_workspace_set_vault (CfdWorkspace *self, CfdVault *vault);

/* Saves whatever the editor holds that is not saved yet. */
gboolean cfd_workspace_save_drafts (CfdWorkspace *self, GError **error);

/* For a lock that cannot save: seals the editor's unsaved text to the user
 * (see cfd_record_editor_seal_unsaved); *on_disk says whether a recovery
 * file was written besides the copy in memory. */
gboolean cfd_workspace_seal_unsaved (CfdWorkspace *self, gboolean *on_disk, GError **error);

/* After an unlock: brings back a draft sealed at the last lock, if there
 * is one for this user, into the editor. */
void cfd_workspace_restore_sealed_draft (CfdWorkspace *self);

/* Drops every patient object, model and string the views hold. */
void cfd_workspace_clear (CfdWorkspace *self);

/* The open patient and record (ids; either may be NULL). */
void cfd_workspace_get_location (CfdWorkspace *self, char **patient_id, char **record_id);
void cfd_workspace_resume (CfdWorkspace *self, const char *patient_id, const char *record_id);

void cfd_workspace_open_patient (CfdWorkspace *self, const char *patient_id);
void cfd_workspace_open_record (CfdWorkspace *self, const char *record_id);
void cfd_workspace_show_search (CfdWorkspace *self);

G_END_DECLS
