/* cfd-record-editor.h: one record: editing a draft with autosave, signing, addenda, history. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_RECORD_EDITOR (cfd_record_editor_get_type ())
G_DECLARE_FINAL_TYPE (CfdRecordEditor, cfd_record_editor, CFD, RECORD_EDITOR, GtkWidget)

/* Drafts open for editing; signed records read-only. */
gboolean cfd_record_editor_load (CfdRecordEditor *self,
                                 CfdVault *vault,
                                 const char *record_id,
                                 GError **error);
/* Shows an earlier revision, read-only, with no way to change it. */
void cfd_record_editor_show_revision (CfdRecordEditor *self, CfdRecord *revision);

/* Saves unsaved edits of a draft now (TRUE when there were none). A new
 * addendum being typed is saved as a draft addendum, which the editor
 * then holds (its id becomes the record id). */
gboolean cfd_record_editor_save (CfdRecordEditor *self, GError **error);
/* When a draft cannot be saved (a full disk) and the vault must lock:
 * seals what is typed to the user (cfd_vault_seal_draft_recovery), to be
 * restored at their next unlock. TRUE when there was nothing unsaved. */
gboolean cfd_record_editor_seal_unsaved (CfdRecordEditor *self, gboolean *on_disk, GError **error);
/* Opens the draft a sealed copy belongs to, puts the recovered text into
 * it, says so in a banner, and saves it; the sealed copy is forgotten once
 * that save succeeds. */
gboolean cfd_record_editor_restore (CfdRecordEditor *self,
                                    CfdVault *vault,
                                    CfdDraftRecovery *recovery,
                                    GError **error);
/* Whose chart this is: shown pinned above the form and in the header bar. */
void cfd_record_editor_set_patient (CfdRecordEditor *self, CfdPatient *patient);

/* Drops the record and every control that held its text. */
void cfd_record_editor_clear (CfdRecordEditor *self);

const char *cfd_record_editor_get_record_id (CfdRecordEditor *self);
const char *cfd_record_editor_get_patient_id (CfdRecordEditor *self);
gboolean cfd_record_editor_has_unsaved_changes (CfdRecordEditor *self);

/* The debounce delay of autosave, 1500 ms unless changed (tests). */
void cfd_record_editor_set_autosave_delay (CfdRecordEditor *self, guint milliseconds);

G_END_DECLS
