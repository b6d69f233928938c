/* cfd-record.h: clinical records: kinds, drafts and revisions, signing, addenda, the timeline. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* The psychotherapy-note / medical-record split (45 CFR 164.501) follows
 * from the kind, and the schema enforces it. */
typedef enum
{
  CFD_RECORD_INTEGRATION, /* psychotherapy note */
  CFD_RECORD_DOSING,
  CFD_RECORD_INTAKE,
  CFD_RECORD_PROGRESS,
  CFD_RECORD_RISK,
  CFD_RECORD_SAFETY_PLAN,
  CFD_RECORD_MEASURE,
  CFD_RECORD_ADDENDUM, /* takes its category from the record it is attached to */
  CFD_RECORD_SESSION,  /* times, modality, linked dosing, plan: medical record */
} CfdRecordKind;

#define CFD_RECORD_LAST_KIND CFD_RECORD_SESSION

/* Psychotherapy notes or medical record (45 CFR 164.501). Called the
 * record's "category" everywhere in C, since G_DECLARE_FINAL_TYPE takes
 * CfdRecordClass for the GObject class structure; the database column and
 * the signed and sealed formats keep the word "class" (docs/FORMATS.md). */
typedef enum
{
  CFD_RECORD_CATEGORY_PSYCHOTHERAPY,
  CFD_RECORD_CATEGORY_MEDICAL,
} CfdRecordCategory;

typedef enum
{
  CFD_RECORD_DRAFT,
  CFD_RECORD_SIGNED,
} CfdRecordStatus;

/* "integration", "dosing", "intake", "progress", "risk", "safety-plan",
 * "measure", "addendum", "session" */
const char *cfd_record_kind_to_string (CfdRecordKind kind);
gboolean cfd_record_kind_from_string (const char *text, CfdRecordKind *kind);

#define CFD_TYPE_RECORD (cfd_record_get_type ())
G_DECLARE_FINAL_TYPE (CfdRecord, cfd_record, CFD, RECORD, GObject)

/* As with CfdPatient, decrypted content is reachable only through these
 * getters (never GObject properties) and wiped when the object goes. */
const char *cfd_record_get_id (CfdRecord *self);
const char *cfd_record_get_patient_id (CfdRecord *self);
const char *cfd_record_get_parent_id (CfdRecord *self); /* addenda; else NULL */
const char *cfd_record_get_author_id (CfdRecord *self);
CfdRecordKind cfd_record_get_kind (CfdRecord *self);
CfdRecordCategory cfd_record_get_category (CfdRecord *self);
CfdRecordStatus cfd_record_get_status (CfdRecord *self);
gint64 cfd_record_get_occurred (CfdRecord *self); /* the session date, seconds since epoch */
gint64 cfd_record_get_updated (CfdRecord *self);
gint64 cfd_record_get_signed_at (CfdRecord *self); /* 0 for drafts */
guint64 cfd_record_get_revision (CfdRecord *self);
/* a{sv}: field id (from the kind's template) -> value */
GVariant *cfd_record_get_content (CfdRecord *self);
const char *cfd_record_get_text (CfdRecord *self, const char *field);

/* Every function below needs an unlocked vault, checks the signed-in user's
 * access to the patient, and records itself in the audit log in the same
 * transaction as its change. */

/* Creates a draft; content is checked against the kind's template. */
char *cfd_vault_create_record (CfdVault *vault,
                               const char *patient_id,
                               CfdRecordKind kind,
                               gint64 occurred,
                               GVariant *content,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Saves a draft again: a new revision; the old one stays in the history.
 * CFD_ERROR_IMMUTABLE once signed. */
gboolean cfd_vault_save_draft (CfdVault *vault,
                               const char *record_id,
                               gint64 occurred,
                               GVariant *content,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Deletes a draft and its earlier revisions, by its author only
 * (NOT_PERMITTED otherwise), audited as record.discard. A signed record is
 * never discarded (IMMUTABLE), here and by the schema's triggers. */
gboolean cfd_vault_discard_draft (CfdVault *vault,
                                  const char *record_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Verifies the signature of a signed record; TAMPERED when it fails. */
CfdRecord *cfd_vault_get_record (CfdVault *vault,
                                 const char *record_id,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The patient's timeline: every record (addenda included) by occurred date,
 * newest first, as CfdRecord items. */
GListModel *cfd_vault_list_records (CfdVault *vault,
                                    const char *patient_id,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Earlier revisions of a record, oldest first, as CfdRecord items. */
GListModel *cfd_vault_list_revisions (CfdVault *vault,
                                      const char *record_id,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Ed25519 by the author over the canonical content hash; immutable after. */
gboolean cfd_vault_sign_record (CfdVault *vault,
                                const char *record_id,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The addenda of a record, drafts included, oldest first, as CfdRecord
 * items: what the record shows below itself. */
GListModel *cfd_vault_list_addenda (CfdVault *vault,
                                    const char *record_id,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A draft addendum to a signed record (not itself an addendum), dated
 * now; the content may be incomplete. It is saved with
 * cfd_vault_save_draft (its date kept) and signed with
 * cfd_vault_sign_record, by its author only, like any draft. */
char *cfd_vault_create_addendum_draft (CfdVault *vault,
                                       const char *record_id,
                                       GVariant *content,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* An addendum to a signed record, created and signed at once. */
char *cfd_vault_add_addendum (CfdVault *vault,
                              const char *record_id,
                              GVariant *content,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
