/* cfd-worklist.h: what needs a clinician's attention across every patient they may read. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  /* A draft of yours not saved for longer than the practice's draft age. */
  CFD_WORKLIST_STALE_DRAFT,
  /* A risk flag raised and not yet resolved. */
  CFD_WORKLIST_OPEN_RISK_FLAG,
  /* The next-session date of the latest signed record that gives one has
   * passed, and no signed session record is dated on or after it. */
  CFD_WORKLIST_NEXT_SESSION_PAST,
  /* The REMS Patient Monitoring Form of a signed esketamine dosing record
   * with no submission recorded (cfd-rems-form.h): due, or overdue. */
  CFD_WORKLIST_REMS_FORM_DUE,
  /* A rule of the patient's measure schedule asks for a measure now
   * (cfd-measure-schedule.h). */
  CFD_WORKLIST_MEASURE_DUE,
} CfdWorklistKind;

/* "stale-draft", "open-risk-flag", "next-session-past", "rems-form-due",
 * "measure-due". */
const char *cfd_worklist_kind_to_string (CfdWorklistKind kind);

#define CFD_TYPE_WORKLIST_ITEM (cfd_worklist_item_get_type ())
G_DECLARE_FINAL_TYPE (CfdWorklistItem, cfd_worklist_item, CFD, WORKLIST_ITEM, GObject)

CfdWorklistKind cfd_worklist_item_get_kind (CfdWorklistItem *self);
const char *cfd_worklist_item_get_patient_id (CfdWorklistItem *self);
/* Patient text: shown, never logged; wiped when the item is freed. */
const char *cfd_worklist_item_get_patient_name (CfdWorklistItem *self);
/* The draft, or the record that set the next session; NULL for a flag. */
const char *cfd_worklist_item_get_record_id (CfdWorklistItem *self);
/* The record's kind ("progress"), or NULL. */
const char *cfd_worklist_item_get_record_kind (CfdWorklistItem *self);
/* Since when the item is due: the draft's last save, the flag's raising,
 * the next-session date. Seconds since the epoch. */
gint64 cfd_worklist_item_get_since (CfdWorklistItem *self);
/* For a REMS form: the last day to submit it (start of the UTC day), and
 * whether that day has passed; since is the session date. 0 and FALSE for
 * other kinds. */
gint64 cfd_worklist_item_get_due (CfdWorklistItem *self);
gboolean cfd_worklist_item_get_overdue (CfdWorklistItem *self);
/* For a measure due: the instrument's id ("pcl5"), and why it is due in
 * words ("PHQ-9 before the next dosing session", "last PCL-5 34 days
 * ago", "no PHQ-9 yet"; English, like the instruments' own names); for a
 * REMS form, "REMS form due by 2026-12-14" or "REMS form overdue: it was due
 * 2026-12-14". NULL for other kinds. For a measure due, since is the
 * latest measure of that instrument, 0 when there is none. */
const char *cfd_worklist_item_get_instrument_id (CfdWorklistItem *self);
const char *cfd_worklist_item_get_reason (CfdWorklistItem *self);

/* Drafts not saved for this many hours are listed (practice setting;
 * Confidant's default is 24). */
#define CFD_WORKLIST_DEFAULT_DRAFT_HOURS 24
guint cfd_vault_get_worklist_draft_hours (CfdVault *vault, GError **error);
/* Owner only, 1 to 8760 hours; audited as practice.worklist-draft-hours. */
gboolean cfd_vault_set_worklist_draft_hours (CfdVault *vault,
                                             guint hours,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Every item, ordered by kind, then since (oldest first), then patient
 * id. Clinicians only; audited as worklist.view. */
GListModel *cfd_vault_get_worklist (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
