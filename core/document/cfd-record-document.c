/* cfd-record-document.c: a patient's record as a paginated document, for PDF export and printing. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cfd-audit-event.h"
#include "cfd-chart-section-private.h"
#include "cfd-date.h"
#include "cfd-disclosure.h"
#include "cfd-document-layout-private.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-practice.h"
#include "cfd-record-document.h"
#include "cfd-record.h"
#include "cfd-risk-flag-section-private.h"
#include "cfd-session-section-private.h"
#include "cfd-secure-private.h"
#include "cfd-template.h"
#include "cfd-vault-private.h"
#include "cfd-sedation.h"
#include "cfd-vitals.h"

#define FOOTER _ ("Confidential — contains protected health information")

struct _CfdRecordDocument
{
  char *patient_id;
  CfdRecordDocumentUse use;
  gboolean include_psychotherapy;
  guint n_records;
  CfdDocumentLayout *layout;
  char *practice_name;
  guint n_medical;
  guint n_psychotherapy;
  /* What the person exporting stated; NULL until set. */
  char *recipient;
  char *purpose;
  char *basis;
  /* The PDF outline: each record's title and the block of its heading. */
  GPtrArray *outline_titles;
  GArray *outline_blocks;
};

static const char *
use_action (CfdRecordDocumentUse use)
{
  return use == CFD_RECORD_DOCUMENT_PRINT ? "patient.print" : "patient.export";
}

/* A time as the reader's clock showed it, with the zone named, since a
 * record may travel to someone in another zone: "2026-03-02 14:05 CET". */
static char *
format_local (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M %Z") : g_strdup ("—");
}

/* The signer's name with the credentials the practice profile gives them. */
static char *
author_name (GPtrArray *users, CfdPractice *practice, const char *id)
{
  for (guint i = 0; i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);
      const char *credentials;

      if (g_strcmp0 (user->id, id) != 0)
        continue;
      credentials = cfd_practice_get_credentials (practice, user->name);
      return credentials != NULL ? g_strdup_printf ("%s, %s", user->name, credentials)
                                 : g_strdup (user->name);
    }
  return g_strdup (_ ("a former user"));
}

static const GVariantType *
value_type (CfdFieldType type)
{
  switch (type)
    {
      case CFD_FIELD_INTEGER:
        return G_VARIANT_TYPE_INT64;
      case CFD_FIELD_NUMBER:
        return G_VARIANT_TYPE_DOUBLE;
      case CFD_FIELD_BOOLEAN:
        return G_VARIANT_TYPE_BOOLEAN;
      case CFD_FIELD_CHECKLIST:
        return G_VARIANT_TYPE_STRING_ARRAY;
      case CFD_FIELD_VITALS:
        return G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE);
      case CFD_FIELD_SEDATION:
        return G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE);
      default:
        return G_VARIANT_TYPE_STRING;
    }
}

static void
add_field_line (CfdDocumentLayout *layout, const char *label, const char *value)
{
  char *markup = g_markup_printf_escaped ("<b>%s</b>\t%s", label, value);

  cfd_document_layout_add_markup (layout, CFD_BLOCK_FIELD, markup);
  cfd_wipe_string (markup);
}

/* Six columns fill the page's width: the respiratory rate's header is
 * short enough not to wrap. */
/* Translators: the column heads of a vital-signs table, separated by tabs;
 * RR is the respiratory rate */
#define VITALS_HEAD N_ ("Time\tTimepoint\tBlood pressure\tHeart rate\tSpO₂\tRR")
/* Translators: the column heads of vital signs a draft holds as typed */
#define VITALS_TYPED_HEAD \
  N_ ("Time\tTimepoint\tBlood pressure\tHeart rate\tSpO₂\tRR (as typed, not valid yet)")

static void
add_vitals (CfdDocumentLayout *layout, const CfdTemplateField *field, GVariant *value)
{
  g_autoptr (GArray) readings = cfd_vitals_readings (value);

  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, field->label);
  cfd_document_layout_add (layout, CFD_BLOCK_TABLE_HEAD, _ (VITALS_HEAD));
  for (guint i = 0; i < readings->len; i++)
    {
      const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);
      g_autofree char *rr
          = r->has_respiratory_rate ? g_strdup_printf ("%u /min", r->respiratory_rate) : NULL;
      g_autofree char *row
          = g_strdup_printf ("%s\t%s\t%u/%u mmHg\t%u /min\t%u %%\t%s", r->time,
                             cfd_template_field_choice_label (field, r->timepoint), r->systolic,
                             r->diastolic, r->heart_rate, r->spo2, rr != NULL ? rr : "–");

      cfd_document_layout_add (layout, CFD_BLOCK_TABLE_ROW, row);
    }
  cfd_document_layout_add (layout, CFD_BLOCK_SPACE, NULL);
}

/* Translators: the column heads of a table of sedation, dissociation and
 * positive-symptom ratings, separated by tabs */
#define SEDATION_HEAD N_ ("Time\tTimepoint\tMOAA/S (0–5)\tCADSS (0–92)\tBPRS+ (4–28)")
/* Translators: the same column heads for ratings a draft holds as typed */
#define SEDATION_TYPED_HEAD N_ ("Time\tTimepoint\tMOAA/S\tCADSS\tBPRS+ (as typed, not valid yet)")

/* One row per time; a rating not made then, or a row without a
 * timepoint, is a dash, never a zero. */
static void
add_sedation (CfdDocumentLayout *layout,
              const CfdTemplateField *field,
              GVariant *value,
              gboolean typed)
{
  g_autoptr (GPtrArray) rows = cfd_sedation_typed_cells (value);

  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, field->label);
  cfd_document_layout_add (layout, CFD_BLOCK_TABLE_HEAD,
                           typed ? _ (SEDATION_TYPED_HEAD) : _ (SEDATION_HEAD));
  for (guint i = 0; i < rows->len; i++)
    {
      char **c = g_ptr_array_index (rows, i);
      g_autofree char *row = NULL;

      for (guint j = 1; j < CFD_SEDATION_N_CELLS; j++)
        if (c[j][0] == '\0')
          {
            g_free (c[j]);
            c[j] = g_strdup ("–");
          }
      row = g_strdup_printf (
          "%s\t%s\t%s\t%s\t%s", c[CFD_SEDATION_CELL_TIME],
          cfd_template_field_choice_label (field, c[CFD_SEDATION_CELL_TIMEPOINT]),
          c[CFD_SEDATION_CELL_MOAAS], c[CFD_SEDATION_CELL_CADSS], c[CFD_SEDATION_CELL_BPRS]);
      cfd_document_layout_add (layout, CFD_BLOCK_TABLE_ROW, row);
    }
  cfd_document_layout_add (layout, CFD_BLOCK_SPACE, NULL);
}

/* A draft's value as typed, which is not a valid value yet: printed as
 * typed and marked so, never turned into a number. */
static void
add_typed (CfdDocumentLayout *layout, const CfdTemplateField *field, GVariant *value)
{
  g_autoptr (GPtrArray) rows = NULL;

  if (field->type == CFD_FIELD_SEDATION)
    {
      add_sedation (layout, field, value, TRUE);
      return;
    }
  if (field->type != CFD_FIELD_VITALS)
    {
      g_autofree char *text
          = g_strdup_printf ("%s (as typed, not valid yet)", g_variant_get_string (value, NULL));

      add_field_line (layout, field->label, text);
      cfd_wipe_string (g_steal_pointer (&text));
      return;
    }
  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, field->label);
  cfd_document_layout_add (layout, CFD_BLOCK_TABLE_HEAD, _ (VITALS_TYPED_HEAD));
  rows = cfd_vitals_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    {
      char **c = g_ptr_array_index (rows, i);
      g_autofree char *row = g_strdup_printf (
          "%s\t%s\t%s/%s mmHg\t%s /min\t%s %%\t%s%s", c[CFD_VITALS_CELL_TIME],
          cfd_template_field_choice_label (field, c[CFD_VITALS_CELL_TIMEPOINT]),
          c[CFD_VITALS_CELL_SYSTOLIC], c[CFD_VITALS_CELL_DIASTOLIC], c[CFD_VITALS_CELL_HEART_RATE],
          c[CFD_VITALS_CELL_SPO2], c[CFD_VITALS_CELL_RESPIRATORY_RATE],
          c[CFD_VITALS_CELL_RESPIRATORY_RATE][0] != '\0' ? " /min" : "");

      cfd_document_layout_add (layout, CFD_BLOCK_TABLE_ROW, row);
    }
  cfd_document_layout_add (layout, CFD_BLOCK_SPACE, NULL);
}

static void
add_fields (CfdDocumentLayout *layout, CfdRecord *record)
{
  const CfdTemplate *tmpl = cfd_template_get (cfd_record_get_kind (record));
  GVariant *content = cfd_record_get_content (record);

  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);
      char *text;

      if (value == NULL)
        {
          /* A yes/no nobody answered is printed as such, never as "No";
           * one the record does not ask (its ShownWhen choice does not
           * hold, e.g. the REMS questions of a racemic IV session) is not
           * printed at all. */
          if (field->type == CFD_FIELD_BOOLEAN && cfd_template_field_applies (field, content))
            add_field_line (layout, field->label, _ ("Not assessed"));
          continue;
        }
      if (cfd_template_value_is_typed (field, value))
        {
          add_typed (layout, field, value);
          continue;
        }
      /* Saved content was checked against the template; a value of another
       * type (from a template of another version) is named, not guessed at. */
      if (field->type == CFD_FIELD_VITALS ? !cfd_vitals_is_readings (value)
                                          : !g_variant_is_of_type (value, value_type (field->type)))
        {
          add_field_line (layout, field->label, _ ("(a value this version cannot show)"));
          continue;
        }
      if (field->type == CFD_FIELD_VITALS)
        {
          if (g_variant_n_children (value) > 0)
            add_vitals (layout, field, value);
          continue;
        }
      if (field->type == CFD_FIELD_SEDATION)
        {
          if (g_variant_n_children (value) > 0)
            add_sedation (layout, field, value, FALSE);
          continue;
        }
      if (field->type == CFD_FIELD_LONG_TEXT)
        {
          cfd_document_layout_add (layout, CFD_BLOCK_LABEL, field->label);
          cfd_document_layout_add (layout, CFD_BLOCK_TEXT, g_variant_get_string (value, NULL));
          continue;
        }
      text = cfd_template_field_format (field, value);
      if (text != NULL)
        add_field_line (layout, field->label, text);
      cfd_wipe_string (text);
    }
}

/* One line per item: its number and wording, then the answer with the
 * label the form gives it; "Not asked" for an item skipped by the form's
 * own logic, "Not answered" for one left out (item 10 of the PHQ-9). */
static void
add_measure_items (CfdDocumentLayout *layout, const CfdMeasureReading *reading)
{
  for (guint i = 0; i < reading->n_answers; i++)
    {
      const CfdInstrumentItem *item = cfd_instrument_def_get_item (reading->def, i);
      g_autofree char *label = g_strdup_printf ("%u. %s", item->number, item->text);
      g_autofree char *answer = NULL;
      int value = reading->answers[i];

      if (value == CFD_ANSWER_NONE)
        answer = g_strdup (cfd_instrument_def_item_is_asked (reading->def, reading->answers, i)
                               ? _ ("Not answered")
                               : _ ("Not asked"));
      else
        {
          const char *option = NULL;

          for (guint k = 0; k < item->n_options; k++)
            if (item->options[k] == value && item->option_labels != NULL)
              option = item->option_labels[k];
          /* Labels that only repeat the number say nothing more. */
          answer = option != NULL && option[strspn (option, "0123456789")] != '\0'
                       ? g_strdup_printf ("%d — %s", value, option)
                       : g_strdup_printf ("%d", value);
        }
      /* The wording can run to three lines: the answer goes under it. */
      cfd_document_layout_add (layout, CFD_BLOCK_LABEL, label);
      cfd_document_layout_add (layout, CFD_BLOCK_TEXT, answer);
    }
}

static void
add_measure (CfdDocumentLayout *layout, CfdRecord *record)
{
  GVariant *content = cfd_record_get_content (record);
  g_autoptr (CfdMeasureReading) reading = cfd_measure_reading_new (content);
  const CfdInstrumentBand *band = NULL;
  g_autofree char *score_text = NULL;
  CfdInstrumentScore score;
  const char *result;

  if (reading == NULL)
    {
      /* A practice's instrument that is not installed here: its fields as stored. */
      add_fields (layout, record);
      return;
    }
  if (reading->band != NULL)
    {
      guint n_bands = 0;
      const CfdInstrumentBand *bands = cfd_instrument_def_get_bands (reading->def, &n_bands);

      for (guint i = 0; i < n_bands; i++)
        if (g_strcmp0 (bands[i].id, reading->band) == 0)
          band = &bands[i];
    }
  if (reading->has_total)
    score_text = g_strdup_printf (_ ("%" PRId64 " of %d — %s"), reading->total,
                                  cfd_instrument_def_get_max_total (reading->def),
                                  band != NULL ? band->label : _ ("no band"));
  else if (reading->has_mean)
    score_text = g_strdup_printf (_ ("mean %.1f of %d"), reading->mean,
                                  cfd_instrument_def_get_max_total (reading->def));
  if (score_text != NULL)
    add_field_line (layout, band != NULL ? _ ("Total and severity") : _ ("Score"), score_text);
  result = cfd_instrument_def_result_label (reading->def, reading->result);
  if (result != NULL)
    add_field_line (layout, _ ("Result"), result);
  if (reading->mode != NULL)
    {
      g_autofree char *given = g_strdup_printf (
          g_strcmp0 (reading->rater, "clinician") == 0 ? _ ("%s; items rated by the clinician")
                                                       : _ ("%s; items rated by the patient"),
          g_strcmp0 (reading->mode, "interview") == 0 ? _ ("Interview") : _ ("Self-report"));

      add_field_line (layout, _ ("Given as"), given);
    }
  add_field_line (layout, _ ("Recall period"), cfd_instrument_def_get_recall_period (reading->def));
  add_measure_items (layout, reading);
  /* The risk line is worked out again from the items with the same
   * definition the measure was stored with: the flag was raised then. */
  if (cfd_instrument_def_score (reading->def, reading->answers, reading->n_answers, &score, NULL)
      && score.risk)
    {
      g_autoptr (GString) items = g_string_new (NULL);

      for (guint i = 0; i < reading->n_answers; i++)
        {
          const CfdInstrumentItem *item = cfd_instrument_def_get_item (reading->def, i);

          if (item->risk_at_least >= 0 && reading->answers[i] >= item->risk_at_least)
            g_string_append_printf (items, "%sItem %u", items->len > 0 ? ", " : "", item->number);
        }
      if (items->len > 0)
        g_string_append (items, " above 0: thoughts of death or self-harm were reported");
      else
        g_string_append (items, _ ("The triage level raises risk"));
      g_string_append (items, "; the patient's risk flag was raised.");
      add_field_line (layout, _ ("Risk"), items->str);
    }
}

static char *
record_title (CfdRecord *record)
{
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  const char *title = cfd_template_get (cfd_record_get_kind (record))->title;
  const char *instrument = NULL;

  if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE
      && g_variant_lookup (cfd_record_get_content (record), "instrument", "&s", &instrument))
    {
      const CfdInstrumentDef *def = cfd_instrument_lookup (instrument);

      title = def != NULL ? cfd_instrument_def_get_name (def) : instrument;
    }
  return g_strdup_printf ("%s — %s", title, date);
}

static void
add_record (CfdRecordDocument *self, CfdRecord *record, GPtrArray *users, CfdPractice *practice)
{
  CfdDocumentLayout *layout = self->layout;
  g_autofree char *title = record_title (record);
  g_autofree char *signed_at = format_local (cfd_record_get_signed_at (record));
  g_autofree char *author = author_name (users, practice, cfd_record_get_author_id (record));
  g_autofree char *meta
      = g_strdup_printf (_ ("%s · Signed by %s, %s · Record %s"),
                         cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY
                             ? _ ("Psychotherapy note")
                             : _ ("Medical record"),
                         author, signed_at, cfd_record_get_id (record));
  guint heading;

  cfd_document_layout_add (layout, CFD_BLOCK_RULE, NULL);
  heading = cfd_document_layout_get_n_blocks (layout);
  cfd_document_layout_add (layout, CFD_BLOCK_RECORD, title);
  g_ptr_array_add (self->outline_titles, g_strdup (title));
  g_array_append_val (self->outline_blocks, heading);
  cfd_document_layout_add (layout, CFD_BLOCK_META, meta);
  if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE)
    add_measure (layout, record);
  else
    add_fields (layout, record);
}

static void
add_addendum (CfdDocumentLayout *layout,
              CfdRecord *addendum,
              GPtrArray *users,
              CfdPractice *practice)
{
  g_autofree char *signed_at = format_local (cfd_record_get_signed_at (addendum));
  g_autofree char *author = author_name (users, practice, cfd_record_get_author_id (addendum));
  const char *reason = NULL;
  const char *text = cfd_record_get_text (addendum, "text");
  g_autofree char *heading = NULL;

  g_variant_lookup (cfd_record_get_content (addendum), "reason", "&s", &reason);
  if (reason != NULL)
    heading = g_strdup_printf (
        /* Translators: the reason for the addendum, its signer, then when. */
        _ ("Addendum: %s — signed by %s, %s"),
        cfd_template_field_choice_label (
            cfd_template_find_field (cfd_template_get (CFD_RECORD_ADDENDUM), "reason"), reason),
        author, signed_at);
  else
    heading = g_strdup_printf (_ ("Addendum — signed by %s, %s"), author, signed_at);
  cfd_document_layout_add (layout, CFD_BLOCK_LABEL, heading);
  cfd_document_layout_add (layout, CFD_BLOCK_TEXT, text != NULL ? text : "");
}

static gint
by_date (gconstpointer a, gconstpointer b)
{
  CfdRecord *ra = *(CfdRecord **)a, *rb = *(CfdRecord **)b;
  gint64 da = cfd_record_get_occurred (ra), db = cfd_record_get_occurred (rb);

  if (da != db)
    return da < db ? -1 : 1;
  return g_strcmp0 (cfd_record_get_id (ra), cfd_record_get_id (rb));
}

typedef struct
{
  guint medical;
  guint psychotherapy;
  guint drafts_left_out;
  gint64 first;
  gint64 last;
} Counts;

/* The practice's letterhead, when the profile has one. */
static void
add_letterhead (CfdDocumentLayout *layout, CfdPractice *practice)
{
  const char *name = cfd_practice_get_name (practice);
  const char *address = cfd_practice_get_address (practice);
  const char *phone = cfd_practice_get_phone (practice);

  if (name == NULL)
    return;
  cfd_document_layout_add (layout, CFD_BLOCK_SECTION, name);
  if (address != NULL)
    cfd_document_layout_add (layout, CFD_BLOCK_PARAGRAPH, address);
  if (phone != NULL)
    add_field_line (layout, _ ("Phone"), phone);
  cfd_document_layout_add (layout, CFD_BLOCK_SPACE, NULL);
}

static gboolean
add_cover (CfdRecordDocument *self,
           CfdVault *vault,
           CfdPatient *patient,
           CfdPractice *practice,
           gboolean include_psychotherapy,
           const Counts *counts,
           GError **error)
{
  CfdDocumentLayout *layout = self->layout;
  g_autofree char *generated = format_local (cfd_vault_now (vault) / G_USEC_PER_SEC);
  const char *role = cfd_role_to_string (cfd_vault_get_user_role (vault));
  /* Translators: a user's name and role, "Dr Rivera (owner)" */
  g_autofree char *by = g_strdup_printf (_ ("%s (%s)"), cfd_vault_get_user_name (vault),
                                         g_strcmp0 (role, "owner") == 0        ? _ ("owner")
                                         : g_strcmp0 (role, "therapist") == 0  ? _ ("therapist")
                                         : g_strcmp0 (role, "supervisor") == 0 ? _ ("supervisor")
                                                                               : role);
  g_autofree char *medical = NULL;
  g_autofree char *psychotherapy = NULL;
  g_autofree char *drafts = NULL;
  g_autofree char *range = NULL;
  const char *birth = cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE);

  add_letterhead (layout, practice);
  cfd_document_layout_add (layout, CFD_BLOCK_TITLE, _ ("Patient record"));
  cfd_document_layout_add (layout, CFD_BLOCK_SUBTITLE, cfd_patient_get_name (patient));
  if (birth != NULL)
    add_field_line (layout, _ ("Birth date"), birth);
  add_field_line (layout, _ ("Patient ID"), cfd_patient_get_id (patient));
  if (cfd_patient_get_detail (patient, CFD_PATIENT_MRN) != NULL)
    add_field_line (layout, _ ("MRN"), cfd_patient_get_detail (patient, CFD_PATIENT_MRN));
  if (counts->medical + counts->psychotherapy > 0)
    {
      g_autofree char *first = cfd_date_format (counts->first);
      g_autofree char *last = cfd_date_format (counts->last);

      /* Translators: the dates of the first and last records */
      range = g_strdup_printf (_ ("%s to %s"), first, last);
    }
  add_field_line (layout, _ ("Records dated"), range != NULL ? range : _ ("No records"));
  if (!cfd_chart_section_add (layout, vault, cfd_patient_get_id (patient), error))
    return FALSE;

  cfd_document_layout_add (layout, CFD_BLOCK_SECTION, _ ("What this document contains"));
  medical = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE,
                   "The medical record: intake, dosing sessions, progress notes, risk "
                   "assessments, safety plans and outcome measures (PHQ-9, GAD-7) — %u signed "
                   "record, with its addenda.",
                   "The medical record: intake, dosing sessions, progress notes, risk "
                   "assessments, safety plans and outcome measures (PHQ-9, GAD-7) — %u signed "
                   "records, with their addenda.",
                   counts->medical),
      counts->medical);
  cfd_document_layout_add (layout, CFD_BLOCK_NOTICE, medical);
  if (include_psychotherapy)
    psychotherapy = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "Psychotherapy notes ARE included — %u integration-session note — because "
                     "the person who made this document asked for them explicitly. "
                     "Psychotherapy notes are kept apart from the medical record (45 CFR "
                     "164.501); disclosing them needs the patient's own authorization.",
                     "Psychotherapy notes ARE included — %u integration-session notes — because "
                     "the person who made this document asked for them explicitly. "
                     "Psychotherapy notes are kept apart from the medical record (45 CFR "
                     "164.501); disclosing them needs the patient's own authorization.",
                     counts->psychotherapy),
        counts->psychotherapy);
  else
    /* Not even how many there are: that too would say something about
     * the therapy. */
    psychotherapy = g_strdup (
        _ ("Psychotherapy notes are NOT included. Integration-session process notes are kept "
           "apart from the medical record (45 CFR 164.501) and are exported only when explicitly "
           "asked for."));
  cfd_document_layout_add (layout, CFD_BLOCK_NOTICE, psychotherapy);
  if (counts->drafts_left_out == 0)
    drafts = g_strdup (_ ("Only signed records are included; there were no unsigned drafts."));
  else
    drafts = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "Only signed records are included: %u unsigned draft was left out, because "
                     "a draft can still change and is not yet part of the record.",
                     "Only signed records are included: %u unsigned drafts were left out, because "
                     "a draft can still change and is not yet part of the record.",
                     counts->drafts_left_out),
        counts->drafts_left_out);
  cfd_document_layout_add (layout, CFD_BLOCK_NOTICE, drafts);

  cfd_document_layout_add (layout, CFD_BLOCK_SECTION, _ ("About this document"));
  add_field_line (layout, _ ("Generated"), generated);
  add_field_line (layout, _ ("Generated by"), by);
  /* Whom it was made for, and why: what the accounting of disclosures says. */
  if (self->recipient != NULL)
    {
      add_field_line (layout, _ ("Prepared for"), self->recipient);
      add_field_line (layout, _ ("Purpose"), self->purpose);
      add_field_line (layout, _ ("Basis"), self->basis);
    }
  add_field_line (layout, _ ("Vault"), cfd_vault_get_id (vault));
  cfd_document_layout_add (
      layout, CFD_BLOCK_PARAGRAPH,
      _ ("Every record shows who wrote and signed it, and when. Each signature was checked when "
         "this document was made; this export is recorded in the vault's audit log."));
  cfd_document_layout_add (layout, CFD_BLOCK_PAGE_BREAK, NULL);
  return TRUE;
}

static gboolean
deny_supervisor (CfdVault *vault,
                 const char *patient_id,
                 CfdRecordDocumentUse use,
                 gboolean include_psychotherapy,
                 GError **error)
{
  g_autoptr (GError) audit_error = NULL;

  if (cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR)
    return TRUE;
  if (!cfd_vault_audit_disclosure (vault, use_action (use), patient_id, include_psychotherapy,
                                   CFD_AUDIT_DENIED, &audit_error))
    g_warning ("Could not record a denied export: %s", audit_error->message);
  g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
               _ ("A supervisor may not export or print a patient's record: supervision consent "
                  "covers reviewing notes, not disclosing them"));
  return FALSE;
}

CfdRecordDocument *
cfd_record_document_new (CfdVault *vault,
                         const char *patient_id,
                         CfdRecordDocumentUse use,
                         gboolean include_psychotherapy,
                         GError **error)
{
  return cfd_record_document_new_for (vault, patient_id, use, include_psychotherapy, NULL, error);
}

CfdRecordDocument *
cfd_record_document_new_for (CfdVault *vault,
                             const char *patient_id,
                             CfdRecordDocumentUse use,
                             gboolean include_psychotherapy,
                             const CfdDisclosureTerms *terms,
                             GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (CfdPractice) practice = NULL;
  g_autoptr (GPtrArray) main_records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) addenda = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *header = NULL;
  CfdRecordDocument *self;
  Counts counts = { 0 };

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if ((terms != NULL && !cfd_disclosure_terms_check (terms, error))
      || cfd_vault_get_db (vault, error) == NULL
      || !deny_supervisor (vault, patient_id, use, include_psychotherapy, error))
    return NULL;
  patient = cfd_vault_get_patient (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  records = cfd_vault_list_records (vault, patient_id, error);
  if (records == NULL)
    return NULL;
  users = cfd_vault_list_users (vault);
  practice = cfd_vault_get_practice (vault, error);
  if (practice == NULL)
    return NULL;

  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      gboolean psychotherapy
          = cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY;
      gboolean addendum = cfd_record_get_kind (record) == CFD_RECORD_ADDENDUM;

      if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
        {
          counts.drafts_left_out += psychotherapy && !include_psychotherapy ? 0 : 1;
          continue;
        }
      if (psychotherapy && !include_psychotherapy)
        continue;
      g_ptr_array_add (addendum ? addenda : main_records, g_steal_pointer (&record));
    }
  g_ptr_array_sort (main_records, by_date);
  g_ptr_array_sort (addenda, by_date);

  for (guint i = 0; i < main_records->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (main_records, i);
      gint64 occurred = cfd_record_get_occurred (record);

      if (cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY)
        counts.psychotherapy++;
      else
        counts.medical++;
      if (i == 0 || occurred < counts.first)
        counts.first = occurred;
      if (i == 0 || occurred > counts.last)
        counts.last = occurred;
    }

  self = g_new0 (CfdRecordDocument, 1);
  self->patient_id = g_strdup (patient_id);
  self->use = use;
  self->include_psychotherapy = include_psychotherapy;
  self->n_records = main_records->len + addenda->len;
  self->practice_name = g_strdup (cfd_practice_get_name (practice));
  self->n_medical = counts.medical;
  self->n_psychotherapy = counts.psychotherapy;
  self->outline_titles = g_ptr_array_new_with_free_func (g_free);
  self->outline_blocks = g_array_new (FALSE, FALSE, sizeof (guint));
  header = g_strdup_printf (_ ("Patient record · %s · %s"), cfd_patient_get_name (patient),
                            include_psychotherapy ? _ ("medical record and psychotherapy notes")
                                                  : _ ("medical record only"));
  self->layout = cfd_document_layout_new (header, FOOTER);
  cfd_wipe_string (g_steal_pointer (&header));

  if (terms != NULL)
    {
      self->recipient = g_strdup (terms->recipient);
      self->purpose = g_strdup (terms->purpose);
      self->basis = g_strdup (terms->basis);
    }
  if (!add_cover (self, vault, patient, practice, include_psychotherapy, &counts, error))
    {
      cfd_record_document_free (self);
      return NULL;
    }
  if (main_records->len == 0)
    cfd_document_layout_add (self->layout, CFD_BLOCK_FIELD,
                             _ ("There are no signed records of these classes to include."));
  cfd_session_section_add (self->layout, main_records);
  for (guint i = 0; i < main_records->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (main_records, i);

      add_record (self, record, users, practice);
      for (guint j = 0; j < addenda->len; j++)
        {
          CfdRecord *addendum = g_ptr_array_index (addenda, j);

          if (g_strcmp0 (cfd_record_get_parent_id (addendum), cfd_record_get_id (record)) == 0)
            add_addendum (self->layout, addendum, users, practice);
        }
    }
  if (!cfd_risk_flag_section_add (self->layout, vault, patient, error))
    {
      cfd_record_document_free (self);
      return NULL;
    }
  return self;
}

void
cfd_record_document_free (CfdRecordDocument *self)
{
  if (self == NULL)
    return;
  g_free (self->patient_id);
  cfd_document_layout_free (self->layout);
  g_free (self->practice_name);
  g_free (self->recipient);
  g_free (self->purpose);
  g_free (self->basis);
  if (self->outline_titles != NULL)
    for (guint i = 0; i < self->outline_titles->len; i++)
      cfd_wipe_string (g_steal_pointer (&self->outline_titles->pdata[i]));
  g_clear_pointer (&self->outline_titles, g_ptr_array_unref);
  g_clear_pointer (&self->outline_blocks, g_array_unref);
  g_free (self);
}

gboolean
cfd_record_document_includes_psychotherapy (CfdRecordDocument *self)
{
  return self->include_psychotherapy;
}

guint
cfd_record_document_get_n_records (CfdRecordDocument *self)
{
  return self->n_records;
}

guint
cfd_record_document_paginate (CfdRecordDocument *self, cairo_t *cr, double width, double height)
{
  return cfd_document_layout_paginate (self->layout, cr, width, height);
}

const char *
cfd_record_document_get_practice_name (CfdRecordDocument *self)
{
  return self->practice_name;
}

guint
cfd_record_document_get_n_outline_entries (CfdRecordDocument *self)
{
  return self->outline_titles->len;
}

const char *
cfd_record_document_get_outline_entry (CfdRecordDocument *self, guint i, guint *page, double *y)
{
  g_return_val_if_fail (i < self->outline_titles->len, NULL);
  if (!cfd_document_layout_find_block (self->layout, g_array_index (self->outline_blocks, guint, i),
                                       page, y))
    return NULL;
  return g_ptr_array_index (self->outline_titles, i);
}

void
cfd_record_document_draw_page (CfdRecordDocument *self, cairo_t *cr, guint page)
{
  cfd_document_layout_draw_page (self->layout, cr, page);
}

gboolean
cfd_record_document_set_disclosure (CfdRecordDocument *self,
                                    const CfdDisclosureTerms *terms,
                                    GError **error)
{
  if (!cfd_disclosure_terms_check (terms, error))
    return FALSE;
  g_free (self->recipient);
  g_free (self->purpose);
  g_free (self->basis);
  self->recipient = g_strdup (terms->recipient);
  self->purpose = g_strdup (terms->purpose);
  self->basis = g_strdup (terms->basis);
  return TRUE;
}

gboolean
cfd_record_document_audit (CfdRecordDocument *self,
                           CfdVault *vault,
                           gboolean succeeded,
                           GError **error)
{
  if (self->recipient != NULL)
    {
      CfdDisclosureTerms terms = { self->recipient, self->purpose, self->basis };
      g_autofree char *psychotherapy
          = self->include_psychotherapy
                ? g_strdup_printf (" and %u psychotherapy note%s", self->n_psychotherapy,
                                   self->n_psychotherapy == 1 ? "" : "s")
                : g_strdup ("");
      g_autofree char *description
          = g_strdup_printf ("Patient record %s: %u signed medical record%s%s",
                             self->use == CFD_RECORD_DOCUMENT_PRINT ? "printed" : "as PDF",
                             self->n_medical, self->n_medical == 1 ? "" : "s", psychotherapy);

      return cfd_vault_record_disclosure (
          vault, use_action (self->use), self->patient_id, self->include_psychotherapy,
          succeeded ? CFD_AUDIT_SUCCESS : CFD_AUDIT_FAILURE, &terms, description, error);
    }
  return cfd_vault_audit_disclosure (vault, use_action (self->use), self->patient_id,
                                     self->include_psychotherapy,
                                     succeeded ? CFD_AUDIT_SUCCESS : CFD_AUDIT_FAILURE, error);
}
