/* cfd-rems-form.h: the SPRAVATO REMS Patient Monitoring Form, filled from an esketamine dosing record. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* The form is due this many days after the session (REMS: "within 7
 * days"); from the day after, it is overdue. docs/CLINICAL.md. */
#define CFD_REMS_FORM_DAYS 7

/* One line of the form: the form's own section and question, and the
 * answer found in the vault, or NULL when nothing in the vault answers it
 * (then it is listed as missing). detail adds what the clinician needs to
 * answer a question Confidant does not answer for them ("MOAA/S 3 at
 * 10:40"); it may be NULL. Values and details are patient text. */
typedef struct
{
  const char *section;
  const char *question;
  char *value;
  char *detail;
} CfdRemsFormField;

typedef struct _CfdRemsForm CfdRemsForm;

void cfd_rems_form_free (CfdRemsForm *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdRemsForm, cfd_rems_form_free)

const char *cfd_rems_form_get_record_id (CfdRemsForm *self);
const char *cfd_rems_form_get_patient_id (CfdRemsForm *self);
/* The session date (start of its UTC day) and the last day to submit. */
gint64 cfd_rems_form_get_session_date (CfdRemsForm *self);
gint64 cfd_rems_form_get_due_date (CfdRemsForm *self);
guint cfd_rems_form_get_n_fields (CfdRemsForm *self);
const CfdRemsFormField *cfd_rems_form_get_field (CfdRemsForm *self, guint index);
/* The questions with no answer, "Section: question", in form order;
 * empty when the form is complete. Free with g_strfreev. */
char **cfd_rems_form_list_missing (CfdRemsForm *self);

/* The last day to submit the form of a session on session_date (any second
 * of that UTC day): the start of the day CFD_REMS_FORM_DAYS later. */
gint64 cfd_rems_form_due_date (gint64 session_date);
/* TRUE when on today (any second of it) an unsubmitted form of a session
 * on session_date is overdue: from the eighth day after the session. */
gboolean cfd_rems_form_is_overdue (gint64 session_date, gint64 today);

/* TRUE for a dosing record whose medication is esketamine: the records a
 * form is made for. */
gboolean cfd_rems_form_applies (GVariant *dosing_content);

/* The form of a signed esketamine dosing record, filled from the record,
 * the patient's details and the practice profile (cfd-practice.h).
 * INVALID_INPUT when the record is not a dosing record, not esketamine,
 * or still a draft; NOT_FOUND and NOT_PERMITTED as for reading the record.
 * Reading it is audited as reading the record and the patient are. */
CfdRemsForm *cfd_vault_get_rems_form (CfdVault *vault,
                                      const char *record_id,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* When and under what confirmation number a form was sent to the REMS. */
typedef struct
{
  char *id;
  char *record_id;
  gint64 submitted_on; /* start of the UTC day */
  char *confirmation;  /* patient text: sealed, wiped when freed */
  char *actor_id;
  char *actor_name; /* from the signed roster; NULL for a former user */
  gint64 time;      /* when it was recorded */
} CfdRemsSubmission;

void cfd_rems_submission_free (CfdRemsSubmission *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdRemsSubmission, cfd_rems_submission_free)

/* The longest confirmation number kept. */
#define CFD_REMS_MAX_CONFIRMATION_CHARS 200

/* Records that the form of a signed esketamine dosing record was
 * submitted on submitted_on (a day, not after today nor before the
 * session) with its confirmation (one line, 1 to 200 characters).
 * Signed by the clinician with their key, sealed under the patient's key
 * and audited as rems.submitted in the same transaction. A later entry
 * for the same record corrects an earlier one; both are kept. */
gboolean cfd_vault_record_rems_submission (CfdVault *vault,
                                           const char *record_id,
                                           gint64 submitted_on,
                                           const char *confirmation,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The latest submission of the record's form, each signature checked
 * against the signed roster (TAMPERED otherwise); NULL with no error when
 * none was recorded. Unaudited: the callers audit what they show. */
CfdRemsSubmission *cfd_vault_get_rems_submission (CfdVault *vault,
                                                  const char *record_id,
                                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
