/* cfd-demo.c: a deterministic synthetic practice, for demonstrations, screenshots and benchmarks. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cfd-consent.h"
#include "cfd-demo-chart.h"
#include "cfd-demo-dosing.h"
#include "cfd-demo-text.h"
#include "cfd-demo.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-rems-concomitant.h"
#include "cfd-rems-form.h"
#include "cfd-risk-level.h"
#include "cfd-template.h"
#include "cfd-vault-private.h"

#define DAY (24 * 60 * 60)

/* Realistic ranges for the numbers a template only bounds loosely. */
static const struct
{
  const char *field;
  double low;
  double high;
} plausible[] = {
  { "days-since-dosing", 1, 8 },
  { "dosing-dose-mg", 20, 110 },
};

static double
random_number (GRand *rand, const CfdTemplateField *field)
{
  double low = field->min, high = field->max;

  for (guint i = 0; i < G_N_ELEMENTS (plausible); i++)
    if (g_strcmp0 (field->id, plausible[i].field) == 0)
      {
        low = plausible[i].low;
        high = plausible[i].high;
      }
  if (high <= low)
    high = low + 10;
  return g_rand_double_range (rand, low, high);
}

static GVariant *
random_vitals (GRand *rand)
{
  GVariantBuilder builder;
  int minutes = 9 * 60 + g_rand_int_range (rand, 0, 120);
  int readings = g_rand_int_range (rand, 4, 8);

  g_variant_builder_init (&builder, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE));
  for (int i = 0; i < readings; i++, minutes += 15)
    {
      g_autofree char *time = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

      g_variant_builder_add (
          &builder, "(ssqqqqmq)", time, "", (guint16)g_rand_int_range (rand, 108, 148),
          (guint16)g_rand_int_range (rand, 66, 94), (guint16)g_rand_int_range (rand, 58, 98),
          (guint16)g_rand_int_range (rand, 95, 101), TRUE,
          (guint16)g_rand_int_range (rand, 12, 19));
    }
  return g_variant_builder_end (&builder);
}

static GVariant *
random_value (GRand *rand,
              const CfdTemplateField *field,
              gint64 occurred,
              gsize long_text_bytes,
              int *minutes)
{
  switch (field->type)
    {
      case CFD_FIELD_TEXT:
        if (g_strcmp0 (field->id, "lot-number") == 0)
          return g_variant_new_take_string (
              g_strdup_printf ("KX%06d", g_rand_int_range (rand, 0, 1000000)));
        if (g_strcmp0 (field->id, "escort") == 0)
          {
            g_autofree char *name = cfd_demo_text_name (rand);

            return g_variant_new_take_string (g_strdup_printf ("%s (partner)", name));
          }
        return g_variant_new_take_string (cfd_demo_text_phrase (rand));
      case CFD_FIELD_LONG_TEXT:
        return g_variant_new_take_string (
            cfd_demo_text_paragraphs (rand, long_text_bytes / 2, long_text_bytes));
      case CFD_FIELD_INTEGER:
        return g_variant_new_int64 ((gint64)round (random_number (rand, field)));
      case CFD_FIELD_NUMBER:
        return g_variant_new_double (round (random_number (rand, field) * 10) / 10);
      case CFD_FIELD_CHOICE:
        return g_variant_new_string (
            field->choices[g_rand_int_range (rand, 0, (gint32)g_strv_length (field->choices))]);
      case CFD_FIELD_CHECKLIST:
        {
          GVariantBuilder builder;

          g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
          for (guint i = 0; field->choices[i] != NULL; i++)
            if (g_rand_boolean (rand))
              g_variant_builder_add (&builder, "s", field->choices[i]);
          return g_variant_builder_end (&builder);
        }
      case CFD_FIELD_DATE:
        {
          g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (occurred);

          return g_variant_new_take_string (g_date_time_format (date, "%Y-%m-%d"));
        }
      case CFD_FIELD_TIME:
        /* Times within a record follow each other (start, stop, discharge):
         * each is 15 to 90 minutes after the one before. */
        *minutes += 15 * g_rand_int_range (rand, 1, 7);
        return g_variant_new_take_string (
            g_strdup_printf ("%02d:%02d", (*minutes / 60) % 24, *minutes % 60));
      case CFD_FIELD_BOOLEAN:
        /* Mostly "no", as most answers of a risk screen are: a "yes" about
       * ideation or behaviour raises the patient's risk flag. */
        return g_variant_new_boolean (g_rand_int_range (rand, 0, 100) < 2);
      case CFD_FIELD_VITALS:
        return random_vitals (rand);
      default:
        return NULL;
    }
}

/* A risk assessment's level is the level its answers give by rule, as a
 * clinician who agrees with the rule would leave it. */
static GVariant *
with_rule_level (GVariant *content)
{
  g_autoptr (GVariant) owned = content;
  const char *level = cfd_risk_rule_level (content);
  GVariantDict dict;

  g_variant_dict_init (&dict, content);
  g_variant_dict_remove (&dict, "level-justification");
  g_variant_dict_remove (&dict, "risk-level");
  if (level != NULL)
    g_variant_dict_insert (&dict, "risk-level", "s", level);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* Content for every field of the kind's template. Long text shares a budget
 * so that a note as a whole is 0.5-4 KB. */
static GVariant *
random_content (GRand *rand, CfdRecordKind kind, gint64 occurred, guint concomitant)
{
  const CfdTemplate *tmpl = cfd_template_get (kind);
  GVariantDict dict;
  guint n_long = 0;
  gsize budget;
  int minutes = 60 * g_rand_int_range (rand, 9, 14);

  if (kind == CFD_RECORD_DOSING)
    return cfd_demo_dosing_content (rand, concomitant);
  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; i < tmpl->fields->len; i++)
    n_long
        += ((CfdTemplateField *)g_ptr_array_index (tmpl->fields, i))->type == CFD_FIELD_LONG_TEXT;
  budget = (gsize)g_rand_int_range (rand, 500, 4000) / MAX (n_long, 1);

  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      GVariant *value;

      /* Optional fields are left out now and then, as in real notes. */
      if (!field->required && g_rand_int_range (rand, 0, 100) < 15)
        continue;
      /* Computed fields are core's, fields of another route or
       * medication stay empty, fields kept only for notes signed before
       * (OnlyWhenSet) are never written, and links are made by the
       * caller. */
      if (field->computed || field->shown_when_field != NULL || field->only_when_set
          || g_str_has_suffix (field->id, "-record"))
        continue;
      value = random_value (rand, field, occurred, MAX (budget, 120), &minutes);
      if (value != NULL)
        g_variant_dict_insert_value (&dict, field->id, value);
    }
  if (kind == CFD_RECORD_RISK)
    return with_rule_level (g_variant_ref_sink (g_variant_dict_end (&dict)));
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* A course of treatment: intake, then dosing sessions each followed by
 * integration work (a session record and its integration note) and
 * measures, with progress notes and a risk review. */
static CfdRecordKind
kind_for (guint index)
{
  static const CfdRecordKind cycle[] = {
    CFD_RECORD_DOSING,  CFD_RECORD_INTEGRATION, CFD_RECORD_MEASURE,
    CFD_RECORD_MEASURE, CFD_RECORD_INTEGRATION, CFD_RECORD_PROGRESS,
    CFD_RECORD_DOSING,  CFD_RECORD_INTEGRATION, CFD_RECORD_RISK,
  };

  if (index == 0)
    return CFD_RECORD_INTAKE;
  if (index == 1)
    return CFD_RECORD_SAFETY_PLAN;
  return cycle[(index - 2) % G_N_ELEMENTS (cycle)];
}

static gboolean
add_measure (CfdVault *vault,
             GRand *rand,
             const char *patient_id,
             guint index,
             guint n_records,
             gint64 occurred,
             GError **error)
{
  CfdInstrument instrument = index % 2 == 0 ? CFD_INSTRUMENT_PHQ9 : CFD_INSTRUMENT_GAD7;
  guint n = cfd_instrument_n_items (instrument);
  guint8 items[16];
  g_autofree char *id = NULL;
  /* Scores fall as treatment goes on, with noise. */
  double level = 2.4 - 1.8 * (double)index / MAX (n_records, 1);

  for (guint i = 0; i < n; i++)
    {
      double item = level + g_rand_double_range (rand, -1.0, 1.0);

      items[i] = (guint8)CLAMP ((int)round (item), 0, 3);
    }
  /* Item 9 of the PHQ-9 (thoughts of self-harm) stays 0 for most. */
  if (instrument == CFD_INSTRUMENT_PHQ9)
    items[8] = g_rand_int_range (rand, 0, 100) < 4 ? 1 : 0;
  id = cfd_vault_add_measure (vault, patient_id, instrument, occurred, items, n, error);
  return id != NULL;
}

/* Content with one more text field set (a link to another record). */
static GVariant *
with_link (GVariant *content, const char *field, const char *record_id)
{
  g_autoptr (GVariant) owned = content;
  GVariantDict dict;

  g_variant_dict_init (&dict, content);
  if (record_id != NULL)
    g_variant_dict_insert (&dict, field, "s", record_id);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* The session record of an integration session (its times, modality and
 * plan are medical record), linked to the last signed dosing session. */
static char *
add_session_record (CfdVault *vault,
                    GRand *rand,
                    const char *patient_id,
                    gint64 occurred,
                    const char *dosing_id,
                    gboolean sign,
                    GError **error)
{
  g_autoptr (GVariant) content = with_link (random_content (rand, CFD_RECORD_SESSION, occurred, 0),
                                            "dosing-record", dosing_id);
  g_autofree char *id
      = cfd_vault_create_record (vault, patient_id, CFD_RECORD_SESSION, occurred, content, error);

  if (id == NULL || (sign && !cfd_vault_sign_record (vault, id, error)))
    return NULL;
  return g_steal_pointer (&id);
}

/* A clinic sends each esketamine session's REMS form within days: the
 * demo records that for every session but the last week's, so the
 * worklist shows only the forms a clinic would still have to send. */
static gboolean
submit_rems_form (CfdVault *vault,
                  GRand *rand,
                  const char *record_id,
                  GVariant *content,
                  gint64 occurred,
                  gint64 now,
                  GError **error)
{
  gint64 sent = occurred + g_rand_int_range (rand, 0, 6) * DAY;
  g_autofree char *confirmation = NULL;

  if (!cfd_rems_form_applies (content) || occurred + 7 * DAY > now)
    return TRUE;
  confirmation = g_strdup_printf ("PMF-%06u", (guint)g_rand_int_range (rand, 0, 1000000));
  return cfd_vault_record_rems_submission (vault, record_id, sent, confirmation, error);
}

static gboolean
add_patient_records (
    CfdVault *vault, GRand *rand, const char *patient_id, guint n_records, GError **error)
{
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  guint concomitant = 0;
  char **names[CFD_REMS_N_CONCOMITANT];
  gint64 start = now - (gint64)(n_records + 2) * 7 * DAY - g_rand_int_range (rand, 0, 300) * DAY;
  g_autofree char *last_dosing = NULL; /* the last signed dosing record */

  /* The chart is written first, so that esketamine sessions answer the
   * REMS form's medication questions from it. */
  if (!cfd_vault_list_concomitant_medications (vault, patient_id, names, error))
    return FALSE;
  for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
    {
      if (names[q][0] != NULL)
        concomitant |= 1u << q;
      g_strfreev (names[q]);
    }

  for (guint r = 0; r < n_records; r++)
    {
      gint64 occurred = start + (gint64)r * 7 * DAY + g_rand_int_range (rand, 0, 3) * DAY;
      CfdRecordKind kind = kind_for (r);
      g_autoptr (GVariant) content = NULL;
      g_autofree char *id = NULL;
      g_autofree char *session = NULL;
      /* The newest notes of a patient are often still drafts. */
      gboolean sign = r + 2 < n_records || g_rand_boolean (rand);

      if (kind == CFD_RECORD_MEASURE)
        {
          if (!add_measure (vault, rand, patient_id, r, n_records, occurred, error))
            return FALSE;
          continue;
        }
      if (kind == CFD_RECORD_INTEGRATION)
        {
          session
              = add_session_record (vault, rand, patient_id, occurred, last_dosing, sign, error);
          if (session == NULL)
            return FALSE;
        }
      content = random_content (rand, kind, occurred, concomitant);
      if (session != NULL)
        content = with_link (content, "session-record", session);
      id = cfd_vault_create_record (vault, patient_id, kind, occurred, content, error);
      if (id == NULL)
        return FALSE;
      if (sign && !cfd_vault_sign_record (vault, id, error))
        return FALSE;
      if (sign && kind == CFD_RECORD_DOSING)
        {
          g_free (last_dosing);
          last_dosing = g_strdup (id);
          if (!submit_rems_form (vault, rand, id, content, occurred, now, error))
            return FALSE;
        }
    }
  return TRUE;
}

static GVariant *
random_details (GRand *rand)
{
  static const char *const pronouns[] = { "she/her", "he/him", "they/them" };
  g_autofree char *name = cfd_demo_text_name (rand);
  g_autofree char *birth = cfd_demo_text_birth_date (rand);
  g_autofree char *phone = g_strdup_printf ("555-01%02d", g_rand_int_range (rand, 0, 100));
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
  g_variant_dict_insert (&dict, CFD_PATIENT_BIRTH_DATE, "s", birth);
  g_variant_dict_insert (&dict, CFD_PATIENT_PRONOUNS, "s",
                         pronouns[g_rand_int_range (rand, 0, G_N_ELEMENTS (pronouns))]);
  g_variant_dict_insert (&dict, CFD_PATIENT_CONTACT, "s", phone);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
grant_demo_consent (CfdVault *vault, const char *patient_id, const char *supervisor, GError **error)
{
  g_autoptr (GDateTime) today
      = g_date_time_new_from_unix_utc (cfd_vault_now (vault) / G_USEC_PER_SEC);
  g_autofree char *obtained = g_date_time_format (today, "%Y-%m-%d");
  CfdConsentTerms terms = {
    .supervisor = supervisor,
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Clinical supervision of ketamine-assisted therapy",
    .obtained_on = obtained,
    .method = "signed form",
    .expires = cfd_vault_now (vault) / G_USEC_PER_SEC + 180 * DAY,
  };
  g_autofree char *id = cfd_vault_grant_consent (vault, patient_id, &terms, error);

  return id != NULL;
}

gboolean
cfd_demo_populate (CfdVault *vault,
                   const CfdDemoOptions *options,
                   CfdDemoProgress progress,
                   gpointer user_data,
                   GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  GRand *rand;
  gboolean ok = TRUE;

  if (db == NULL)
    return FALSE;
  if (options->supervisor_name != NULL)
    {
      g_autofree char *id
          = cfd_vault_add_user (vault, options->supervisor_name, CFD_ROLE_SUPERVISOR,
                                options->supervisor_passphrase, error);
      if (id == NULL)
        return FALSE;
    }

  rand = g_rand_new_with_seed (options->seed);
  for (guint p = 0; ok && p < options->patients; p++)
    {
      g_autoptr (GVariant) details = random_details (rand);
      g_autofree char *id = NULL;

      /* One commit per patient rather than per record: each commit is an
       * fsync, and a practice of thousands of records would take minutes. */
      if (!cfd_db_begin (db, error))
        {
          ok = FALSE;
          break;
        }
      id = cfd_vault_add_patient (vault, details, error);
      ok = id != NULL && cfd_demo_add_chart (vault, options->seed * 7919u + p, id, error)
           && add_patient_records (vault, rand, id, options->records_per_patient, error)
           && (options->supervisor_name == NULL || p % 10 != 0
               || grant_demo_consent (vault, id, options->supervisor_name, error))
           && cfd_db_commit (db, error);
      if (!ok)
        cfd_db_rollback (db);
      if (progress != NULL)
        progress (p + 1, options->patients, user_data);
    }
  g_rand_free (rand);
  return ok;
}
