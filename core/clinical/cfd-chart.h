/* cfd-chart.h: a patient's chart lists (problems, allergies, medications, antidepressant trials), each entry signed, with its history. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_CHART_PROBLEM,
  CFD_CHART_ALLERGY,
  CFD_CHART_MEDICATION,
  CFD_CHART_TRIAL,
  CFD_CHART_PLAN,
  CFD_CHART_EPISODE,
} CfdChartList;

#define CFD_CHART_N_LISTS 6

/* "problem", "allergy", "medication", "trial", "plan", "episode": the
 * stored and CLI names. */
const char *cfd_chart_list_to_string (CfdChartList list);
gboolean cfd_chart_list_from_string (const char *text, CfdChartList *list);

/* The fields an entry holds, all text (docs/CLINICAL.md, "The chart"). */
#define CFD_CHART_STATUS "status" /* every list: active, or the list's closed word */
/* problem */
#define CFD_CHART_CODE  "code"  /* ICD-10-CM, optional */
#define CFD_CHART_TEXT  "text"  /* required */
#define CFD_CHART_ONSET "onset" /* YYYY, YYYY-MM or YYYY-MM-DD */
/* allergy */
#define CFD_CHART_SUBSTANCE "substance"
#define CFD_CHART_REACTION  "reaction"
#define CFD_CHART_SEVERITY  "severity" /* mild, moderate, severe, unknown */
#define CFD_CHART_NKDA      "nkda"     /* "yes": the explicit "no known drug allergies" */
/* medication */
#define CFD_CHART_NAME      "name"
#define CFD_CHART_DOSE      "dose"
#define CFD_CHART_FREQUENCY "frequency"
#define CFD_CHART_START     "start"
#define CFD_CHART_STOP      "stop"
#define CFD_CHART_FLAGS     "flags" /* space-separated CfdMedicationFlags names */
/* antidepressant trial (also uses dose) */
#define CFD_CHART_DRUG     "drug"
#define CFD_CHART_WEEKS    "weeks"    /* whole weeks at the dose, 0-520 */
#define CFD_CHART_RESPONSE "response" /* none, partial, remission, intolerant, unknown */
/* treatment plan: one goal for one of the chart's problems (also uses
 * frequency) */
#define CFD_CHART_PLAN_PROBLEM  "problem" /* the problem entry's item id, required */
#define CFD_CHART_GOAL          "goal"    /* required */
#define CFD_CHART_INTERVENTIONS "interventions"
#define CFD_CHART_REVIEW        "review" /* the review date, YYYY-MM-DD */
/* episode of care (also uses start; completed sessions are counted from the
 * signed dosing records, never stored: cfd_vault_count_episode_sessions) */
#define CFD_CHART_KIND    "kind"    /* first-series, maintenance, other; required */
#define CFD_CHART_PLANNED "planned" /* planned sessions, 0-520 */
#define CFD_CHART_END     "end"
/* every list */
#define CFD_CHART_NOTE "note"

/* The longest a field may be. */
#define CFD_CHART_MAX_FIELD_BYTES (4 * 1024)

/* The medication classes that change a ketamine or esketamine session
 * (docs/CLINICAL.md gives the source of each). */
typedef enum
{
  CFD_MEDICATION_BENZODIAZEPINE = 1 << 0,
  CFD_MEDICATION_Z_DRUG = 1 << 1,
  CFD_MEDICATION_STIMULANT = 1 << 2,
  CFD_MEDICATION_MAOI = 1 << 3,
  CFD_MEDICATION_LAMOTRIGINE = 1 << 4,
  CFD_MEDICATION_OPIOID = 1 << 5,
} CfdMedicationFlags;

#define CFD_MEDICATION_N_FLAGS 6

/* "benzodiazepine", "z-drug", "stimulant", "maoi", "lamotrigine", "opioid";
 * human labels for banners. */
const char *cfd_medication_flag_to_string (CfdMedicationFlags flag);
const char *cfd_medication_flag_label (CfdMedicationFlags flag);
/* Parses a space- or comma-separated list; FALSE on an unknown name. */
gboolean cfd_medication_flags_parse (const char *text, CfdMedicationFlags *flags);
/* Space-separated names, in the enum's order; "" for none. */
char *cfd_medication_flags_to_string (CfdMedicationFlags flags);
/* The classes a generic name is known to belong to (case-insensitive, the
 * first word of the name); 0 when not in the table. */
CfdMedicationFlags cfd_medication_flags_for_name (const char *name);

/* Parses untrusted "field: value" lines (blank lines and lines starting
 * with # skipped; a field at most once; an empty value kept, so that an
 * edit can remove the field) into an a{sv} of strings. Only the form is
 * checked here: adding and editing validate the fields they store. */
GVariant *cfd_chart_fields_parse (CfdChartList list, const char *text, gsize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
/* Known fields of the list, text values, required ones present, dates,
 * statuses, severities, flags and weeks well formed. */
gboolean cfd_chart_fields_validate (CfdChartList list, GVariant *fields, GError **error);

#define CFD_TYPE_CHART_ENTRY (cfd_chart_entry_get_type ())
G_DECLARE_FINAL_TYPE (CfdChartEntry, cfd_chart_entry, CFD, CHART_ENTRY, GObject)

/* The entry across its revisions. */
const char *cfd_chart_entry_get_item_id (CfdChartEntry *self);
CfdChartList cfd_chart_entry_get_list (CfdChartEntry *self);
guint cfd_chart_entry_get_revision (CfdChartEntry *self);
const char *cfd_chart_entry_get_actor_id (CfdChartEntry *self);
/* From the signed roster; NULL when the author is no longer in it. */
const char *cfd_chart_entry_get_actor_name (CfdChartEntry *self);
gint64 cfd_chart_entry_get_time (CfdChartEntry *self);
/* A field's text, NULL when absent. Decrypted text lives only here and is
 * wiped when the entry is finalized. */
const char *cfd_chart_entry_get_field (CfdChartEntry *self, const char *field);
GVariant *cfd_chart_entry_get_fields (CfdChartEntry *self);
gboolean cfd_chart_entry_get_active (CfdChartEntry *self);
/* The medication's flags (0 for other lists). */
CfdMedicationFlags cfd_chart_entry_get_medication_flags (CfdChartEntry *self);
/* One line for lists and banners: "F33.1 Major depressive disorder…",
 * "Penicillin (hives, moderate)", "Sertraline 100 mg daily"… */
char *cfd_chart_entry_describe (CfdChartEntry *self);
/* The same line with its fixed words ("since", "No known drug
 * allergies"…) in the user's language, for the app and the record
 * document; the entry's own text stays as written. */
char *cfd_chart_entry_describe_translated (CfdChartEntry *self);

/* The latest revision of every entry of the list, in the order they were
 * added; include_closed keeps resolved, inactive, stopped and withdrawn
 * ones. Every revision of every entry is checked (signature against the
 * signed roster, revisions numbered 1..n without gaps): TAMPERED
 * otherwise. Audited as chart.list. */
GListModel *cfd_vault_list_chart (CfdVault *vault,
                                  const char *patient_id,
                                  CfdChartList list,
                                  gboolean include_closed,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The four lists at once, as cfd_vault_list_chart() gives each, with one
 * read and one chart.list audit record: lists[list] receives each (free
 * them with g_object_unref). */
gboolean cfd_vault_list_chart_all (CfdVault *vault,
                                   const char *patient_id,
                                   gboolean include_closed,
                                   GListModel *lists[CFD_CHART_N_LISTS],
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Every revision of one entry, oldest first. Audited as chart.history. */
GListModel *cfd_vault_chart_history (CfdVault *vault,
                                     const char *patient_id,
                                     const char *item_id,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds a signed entry (revision 1); returns its item id. Without a
 * status the entry is active. A medication's flags gain the classes its
 * name is known to belong to. An allergy and an active "no known drug
 * allergies" exclude each other (INVALID_INPUT). Audited as chart.add. */
char *cfd_vault_add_chart_entry (CfdVault *vault,
                                 const char *patient_id,
                                 CfdChartList list,
                                 GVariant *fields,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A new signed revision holding the given fields merged over the latest
 * (an empty string removes a field). Audited as chart.edit. */
gboolean cfd_vault_edit_chart_entry (CfdVault *vault,
                                     const char *patient_id,
                                     const char *item_id,
                                     GVariant *fields,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A new signed revision with the list's closed status (resolved,
 * inactive, stopped — with today as stop date when none — or withdrawn).
 * Audited as chart.resolve. */
gboolean cfd_vault_resolve_chart_entry (CfdVault *vault,
                                        const char *patient_id,
                                        const char *item_id,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The list's closed status word: resolved, inactive, stopped, withdrawn,
 * completed (a plan's goal), closed (an episode). */
const char *cfd_chart_closed_status (CfdChartList list);

/* The episode's completed sessions: the patient's signed dosing records
 * whose session falls on or between its start and its end (today while it
 * is open). Unaudited: the caller has read the chart. */
gboolean cfd_vault_count_episode_sessions (CfdVault *vault,
                                           const char *patient_id,
                                           CfdChartEntry *episode,
                                           guint *completed,
                                           GError **error);

G_END_DECLS
