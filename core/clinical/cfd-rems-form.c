/* cfd-rems-form.c: the SPRAVATO REMS Patient Monitoring Form, filled from an esketamine dosing record.
 *
 * The form's questions and their order follow the REMS Patient Monitoring
 * Form (outpatient); docs/CLINICAL.md cites it and lists where each answer
 * comes from. Confidant answers only what the vault holds: a yes/no the
 * record does not state (sedation, dissociation, respiratory depression,
 * concomitant medication) is listed as missing with the scores that help
 * the clinician answer it, never guessed from them. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-date.h"
#include "cfd-patient.h"
#include "cfd-practice.h"
#include "cfd-record.h"
#include "cfd-rems-form-private.h"
#include "cfd-secure.h"
#include "cfd-template-private.h"
#include "cfd-rems-concomitant.h"
#include "cfd-sedation.h"
#include "cfd-vitals.h"

#define SECONDS_PER_DAY      86400
#define BP_40_FROM           35 /* minutes after the first device: the ~40 minute reading */
#define BP_40_TO             45
#define MONITORING_MINUTES   120
#define ESKETAMINE_DOSE_LOW  56
#define ESKETAMINE_DOSE_HIGH 84

struct _CfdRemsForm
{
  char *record_id;
  char *patient_id;
  gint64 session_date;
  GArray *fields; /* CfdRemsFormField */
};

static void
field_clear (CfdRemsFormField *field)
{
  cfd_wipe_string (field->value);
  cfd_wipe_string (field->detail);
}

void
cfd_rems_form_free (CfdRemsForm *self)
{
  if (self == NULL)
    return;
  g_free (self->record_id);
  g_free (self->patient_id);
  g_array_unref (self->fields);
  g_free (self);
}

const char *
cfd_rems_form_get_record_id (CfdRemsForm *self)
{
  return self->record_id;
}

const char *
cfd_rems_form_get_patient_id (CfdRemsForm *self)
{
  return self->patient_id;
}

gint64
cfd_rems_form_get_session_date (CfdRemsForm *self)
{
  return self->session_date;
}

gint64
cfd_rems_form_get_due_date (CfdRemsForm *self)
{
  return cfd_rems_form_due_date (self->session_date);
}

guint
cfd_rems_form_get_n_fields (CfdRemsForm *self)
{
  return self->fields->len;
}

const CfdRemsFormField *
cfd_rems_form_get_field (CfdRemsForm *self, guint index)
{
  g_return_val_if_fail (index < self->fields->len, NULL);
  return &g_array_index (self->fields, CfdRemsFormField, index);
}

char **
cfd_rems_form_list_missing (CfdRemsForm *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->fields->len; i++)
    {
      const CfdRemsFormField *field = &g_array_index (self->fields, CfdRemsFormField, i);

      if (field->value == NULL)
        {
          g_autofree char *line = g_strdup_printf ("%s: %s", field->section, field->question);

          g_strv_builder_add (builder, line);
        }
    }
  return g_strv_builder_end (builder);
}

gint64
cfd_rems_form_due_date (gint64 session_date)
{
  gint64 day = session_date - session_date % SECONDS_PER_DAY;

  return day + (gint64)CFD_REMS_FORM_DAYS * SECONDS_PER_DAY;
}

gboolean
cfd_rems_form_is_overdue (gint64 session_date, gint64 today)
{
  return today - today % SECONDS_PER_DAY > cfd_rems_form_due_date (session_date);
}

/* ---- The dosing record, read through one mapping ---------------------- */

static const char *
string_of (GVariant *content, const char *id)
{
  const char *value = NULL;

  return content != NULL && g_variant_lookup (content, id, "&s", &value) && value[0] != '\0' ? value
                                                                                             : NULL;
}

/* A yes/no field's answer as "yes" or "no", or NULL when not assessed. */
static const char *
answer_of (GVariant *content, const char *id)
{
  gboolean value;

  if (content == NULL || !g_variant_lookup (content, id, "b", &value))
    return NULL;
  return value ? "yes" : "no";
}

static gboolean
minutes_of (const char *time, int *minutes)
{
  if (time == NULL || !cfd_template_is_valid_time (time))
    return FALSE;
  *minutes = ((time[0] - '0') * 10 + (time[1] - '0')) * 60 + (time[3] - '0') * 10 + (time[4] - '0');
  return TRUE;
}

gboolean
cfd_rems_form_applies (GVariant *dosing_content)
{
  return g_strcmp0 (string_of (dosing_content, "medication"), "esketamine") == 0;
}

static void
read_readings (GVariant *content, GArray *readings)
{
  g_autoptr (GVariant) vitals = g_variant_lookup_value (content, "vitals", NULL);
  g_autoptr (GArray) stored = NULL;

  if (vitals == NULL)
    return;
  /* Either form of readings (with or without respiratory rate and
   * timepoints); anything else gives none. */
  stored = cfd_vitals_readings (vitals);
  for (guint i = 0; i < stored->len; i++)
    {
      const CfdVitalReading *vital = &g_array_index (stored, CfdVitalReading, i);
      CfdRemsReading reading = {
        .systolic = vital->systolic,
        .diastolic = vital->diastolic,
        .pulse = vital->heart_rate,
        .spo2 = vital->spo2,
      };

      if (minutes_of (vital->time, &reading.minutes))
        g_array_append_val (readings, reading);
    }
}

/* The one place that knows the dosing template's field ids: when the
 * template renames or splits a field, only this function follows. */
/* One scale's scores: the single number of a record signed before rows
 * (old_id), else every row that rated it (cell), as typed in a draft. */
static char *
scores_of (GVariant *content, const char *old_id, const char *scale, guint cell)
{
  g_autoptr (GVariant) ratings = g_variant_lookup_value (content, "sedation-ratings", NULL);
  g_autoptr (GPtrArray) rows = cfd_sedation_typed_cells (ratings);
  g_autoptr (GString) text = NULL;
  gint64 single;

  if (g_variant_lookup (content, old_id, "x", &single))
    return g_strdup_printf ("%s %" G_GINT64_FORMAT, scale, single);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      if (cells[cell][0] == '\0')
        continue;
      if (text == NULL)
        text = g_string_new (scale);
      g_string_append_printf (text, "%s %s at %s", text->len > strlen (scale) ? "," : "",
                              cells[cell], cells[CFD_SEDATION_CELL_TIME]);
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

void
cfd_rems_dosing_facts_read (GVariant *content, CfdRemsDosingFacts *facts)
{
  double dose;
  gint64 number;

  memset (facts, 0, sizeof *facts);
  facts->readings = g_array_new (FALSE, FALSE, sizeof (CfdRemsReading));
  facts->medication = string_of (content, "medication");
  facts->route = string_of (content, "route");
  facts->has_dose = g_variant_lookup (content, "dose-mg", "d", &dose);
  facts->dose_mg = facts->has_dose ? dose : 0;
  facts->lots = string_of (content, "lot-number");
  if (g_variant_lookup (content, "devices", "x", &number))
    facts->devices = (int)number;
  facts->has_first_device = minutes_of (string_of (content, "device-1-time"), &facts->first_device);
  facts->has_ready_to_leave
      = minutes_of (string_of (content, "ready-to-leave-time"), &facts->ready_to_leave);
  facts->has_discharge = minutes_of (string_of (content, "discharge-time"), &facts->discharge);
  facts->has_observation_minutes = g_variant_lookup (content, "observation-minutes", "x", &number);
  facts->observation_minutes = facts->has_observation_minutes ? (int)number : 0;
  read_readings (content, facts->readings);
  facts->sedation_scores = scores_of (content, "moaas", "MOAA/S", CFD_SEDATION_CELL_MOAAS);
  facts->dissociation_scores = scores_of (content, "cadss", "CADSS", CFD_SEDATION_CELL_CADSS);
  /* The dosing template's yes/no questions: an unanswered one ("not
   * assessed") is absent and stays missing on the form. */
  facts->sedation = answer_of (content, "rems-sedation");
  facts->dissociation = answer_of (content, "rems-dissociation");
  facts->respiratory_depression = answer_of (content, "rems-respiratory-depression");
  facts->benzodiazepines = answer_of (content, "concomitant-benzodiazepines");
  facts->sedative_hypnotics = answer_of (content, "concomitant-sedative-hypnotics");
  facts->psychostimulants = answer_of (content, "concomitant-psychostimulants");
  facts->maois = answer_of (content, "concomitant-maois");
}

void
cfd_rems_dosing_facts_clear (CfdRemsDosingFacts *facts)
{
  g_clear_pointer (&facts->readings, g_array_unref);
  g_clear_pointer (&facts->sedation_scores, g_free);
  g_clear_pointer (&facts->dissociation_scores, g_free);
}

/* The patient's sex from their details, or NULL when none is recorded.
 * The details may gain a demographics key for it; this is the one place
 * that reads it. */
const char *
cfd_rems_patient_sex (GVariant *patient_details)
{
  return string_of (patient_details, CFD_PATIENT_SEX);
}

/* ---- Filling the form ------------------------------------------------- */

static void
add (GArray *fields, const char *section, const char *question, char *value, char *detail)
{
  CfdRemsFormField field = { section, question, value, detail };

  g_array_append_val (fields, field);
}

static char *
yes_no (const char *answer)
{
  if (g_strcmp0 (answer, "yes") == 0)
    return g_strdup ("Yes");
  if (g_strcmp0 (answer, "no") == 0)
    return g_strdup ("No");
  return NULL;
}

static char *
us_date (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%m/%d/%Y");
}

static char *
us_date_of (const char *iso)
{
  gint64 seconds;

  return iso != NULL && cfd_date_parse (iso, &seconds) ? us_date (seconds) : NULL;
}

static char *
clock_time (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

static char *
reading_text (const CfdRemsReading *r)
{
  g_autofree char *at = clock_time (r->minutes);

  return g_strdup_printf ("%u/%u mmHg at %s", r->systolic, r->diastolic, at);
}

/* The readings the form asks for: the last one at or before the first
 * device; the one 35-45 minutes after it nearest to 40; the last one after
 * that (or after the dose) and not after discharge. */
static void
pick_readings (const CfdRemsDosingFacts *f,
               const CfdRemsReading **before,
               const CfdRemsReading **at_40,
               const CfdRemsReading **before_end)
{
  *before = *at_40 = *before_end = NULL;
  if (!f->has_first_device)
    return;
  for (guint i = 0; i < f->readings->len; i++)
    {
      const CfdRemsReading *r = &g_array_index (f->readings, CfdRemsReading, i);
      int after = r->minutes - f->first_device;

      if (after <= 0 && (*before == NULL || r->minutes >= (*before)->minutes))
        *before = r;
      if (after >= BP_40_FROM && after <= BP_40_TO
          && (*at_40 == NULL || ABS (after - 40) < ABS ((*at_40)->minutes - f->first_device - 40)))
        *at_40 = r;
    }
  for (guint i = 0; i < f->readings->len; i++)
    {
      const CfdRemsReading *r = &g_array_index (f->readings, CfdRemsReading, i);
      int floor = *at_40 != NULL ? (*at_40)->minutes : f->first_device;

      if (r->minutes > floor && (!f->has_discharge || r->minutes <= f->discharge)
          && (*before_end == NULL || r->minutes >= (*before_end)->minutes))
        *before_end = r;
    }
}

static char *
dose_text (const CfdRemsDosingFacts *f)
{
  if (!f->has_dose)
    return NULL;
  if (f->dose_mg == ESKETAMINE_DOSE_LOW || f->dose_mg == ESKETAMINE_DOSE_HIGH)
    return g_strdup_printf ("%g mg", f->dose_mg);
  return g_strdup_printf ("Other: %g mg", f->dose_mg);
}

static char *
devices_detail (GVariant *content, const CfdRemsDosingFacts *f)
{
  static const char *const ids[] = { "device-1-time", "device-2-time", "device-3-time" };
  g_autoptr (GString) text = g_string_new (NULL);

  if (f->devices <= 0)
    return NULL;
  g_string_append_printf (text, "%d nasal spray device%s", f->devices, f->devices == 1 ? "" : "s");
  for (int i = 0; i < f->devices && i < (int)G_N_ELEMENTS (ids); i++)
    {
      const char *time = string_of (content, ids[i]);

      g_string_append_printf (text, "%s%s", i == 0 ? " at " : ", ", time != NULL ? time : "?");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Total time from the first device to the end of monitoring: the
 * observation time when typed, else from the first device to discharge. */
static gboolean
monitoring_minutes (const CfdRemsDosingFacts *f, int *minutes)
{
  if (f->has_observation_minutes)
    *minutes = f->observation_minutes;
  else if (f->has_first_device && f->has_discharge && f->discharge >= f->first_device)
    *minutes = f->discharge - f->first_device;
  else
    return FALSE;
  return TRUE;
}

static void
add_patient (GArray *fields, GVariant *details)
{
  const char *name = string_of (details, CFD_PATIENT_NAME);
  const char *sex = cfd_rems_patient_sex (details);

  add (fields, "Patient", "Name", g_strdup (name), NULL);
  add (fields, "Patient", "Birth date (MM/DD/YYYY)",
       us_date_of (string_of (details, CFD_PATIENT_BIRTH_DATE)), NULL);
  add (fields, "Patient", "Sex", sex != NULL ? g_strdup (sex) : NULL, NULL);
}

#define CONCOMITANT_SECTION \
  "Concomitant medication that may cause sedation or blood pressure changes"

static void
add_concomitant (GArray *fields, const CfdRemsDosingFacts *f)
{
  const char *section = CONCOMITANT_SECTION;

  add (fields, section, "Benzodiazepines", yes_no (f->benzodiazepines), NULL);
  add (fields, section, "Non-benzodiazepine sedative hypnotics", yes_no (f->sedative_hypnotics),
       NULL);
  add (fields, section, "Psychostimulants", yes_no (f->psychostimulants), NULL);
  add (fields, section, "Monoamine oxidase inhibitors (MAOIs)", yes_no (f->maois), NULL);
}

/* The address's lines joined by commas: the form has one line for it. */
static char *
one_line (const char *text)
{
  g_auto (GStrv) lines = text != NULL ? g_strsplit (text, "\n", -1) : NULL;

  return lines != NULL ? g_strjoinv (", ", lines) : NULL;
}

static void
add_provider_and_setting (GArray *fields, CfdPractice *practice, const char *provider_name)
{
  const char *provider = "Healthcare provider conducting patient monitoring";
  const char *setting = "Healthcare setting";
  const char *credentials
      = provider_name != NULL ? cfd_practice_get_credentials (practice, provider_name) : NULL;

  add (fields, provider, "Name", g_strdup (provider_name),
       credentials != NULL ? g_strdup (credentials) : NULL);
  add (fields, provider, "Telephone", g_strdup (cfd_practice_get_phone (practice)), NULL);
  /* Neither the practice profile nor the roster holds an email address. */
  add (fields, provider, "Email", NULL, NULL);
  add (fields, setting, "Name", g_strdup (cfd_practice_get_name (practice)), NULL);
  add (fields, setting, "Address", one_line (cfd_practice_get_address (practice)), NULL);
}

static void
add_session (GArray *fields, GVariant *content, const CfdRemsDosingFacts *f, gint64 session_date)
{
  const char *section = "Treatment session";
  int total;

  add (fields, section, "Treatment date (MM/DD/YYYY)", us_date (session_date), NULL);
  add (fields, section, "Dose administered", dose_text (f), devices_detail (content, f));
  add (fields, section, "Lot number(s)", g_strdup (f->lots), NULL);
  if (monitoring_minutes (f, &total))
    {
      add (fields, section, "Total time, first device to end of monitoring",
           g_strdup_printf ("%d minutes", total), NULL);
      add (fields, section, "Monitored for at least 2 hours",
           g_strdup (total >= MONITORING_MINUTES ? "Yes" : "No"), NULL);
    }
  else
    {
      add (fields, section, "Total time, first device to end of monitoring", NULL, NULL);
      add (fields, section, "Monitored for at least 2 hours", NULL, NULL);
    }
  if (f->has_ready_to_leave && f->has_first_device && f->ready_to_leave >= f->first_device)
    add (fields, section, "Ready to leave, minutes from start of administration",
         g_strdup_printf ("%d minutes", f->ready_to_leave - f->first_device),
         g_strdup_printf ("ready to leave at %02d:%02d", f->ready_to_leave / 60,
                          f->ready_to_leave % 60));
  else
    add (fields, section, "Ready to leave, minutes from start of administration", NULL, NULL);
}

static void
add_vitals (GArray *fields, const CfdRemsDosingFacts *f)
{
  const char *bp = "Blood pressure";
  const CfdRemsReading *before, *at_40, *before_end;
  guint lowest = G_MAXUINT;
  g_autoptr (GString) all = g_string_new (NULL);

  pick_readings (f, &before, &at_40, &before_end);
  add (fields, bp, "Prior to administration", before != NULL ? reading_text (before) : NULL, NULL);
  add (fields, bp, "About 40 minutes after administration",
       at_40 != NULL ? reading_text (at_40) : NULL, NULL);
  add (fields, bp, "Prior to the end of the session",
       before_end != NULL ? reading_text (before_end) : NULL, NULL);

  for (guint i = 0; i < f->readings->len; i++)
    {
      const CfdRemsReading *r = &g_array_index (f->readings, CfdRemsReading, i);
      g_autofree char *at = clock_time (r->minutes);

      lowest = MIN (lowest, r->spo2);
      g_string_append_printf (all, "%s%u %% at %s", i == 0 ? "" : ", ", r->spo2, at);
    }
  add (fields, "Pulse oximetry", "Oxygen saturation during monitoring",
       f->readings->len > 0 ? g_strdup_printf ("lowest %u %%", lowest) : NULL,
       f->readings->len > 0 ? g_strdup (all->str) : NULL);
}

static void
add_observations (GArray *fields, const CfdRemsDosingFacts *f)
{
  const char *section = "During monitoring, did the patient experience";

  add (fields, section, "Sedation", yes_no (f->sedation),
       f->sedation_scores != NULL ? g_strdup_printf ("recorded %s", f->sedation_scores) : NULL);
  add (fields, section, "Dissociation", yes_no (f->dissociation),
       f->dissociation_scores != NULL ? g_strdup_printf ("recorded %s", f->dissociation_scores)
                                      : NULL);
  add (fields, section, "Respiratory depression", yes_no (f->respiratory_depression), NULL);
}

CfdRemsForm *
cfd_rems_form_new_from_parts (const char *record_id,
                              const char *patient_id,
                              gint64 session_date,
                              GVariant *content,
                              GVariant *patient_details,
                              CfdPractice *practice,
                              const char *provider_name)
{
  CfdRemsForm *self = g_new0 (CfdRemsForm, 1);
  CfdRemsDosingFacts facts;

  self->record_id = g_strdup (record_id);
  self->patient_id = g_strdup (patient_id);
  self->session_date = session_date - session_date % SECONDS_PER_DAY;
  self->fields = g_array_new (FALSE, FALSE, sizeof (CfdRemsFormField));
  g_array_set_clear_func (self->fields, (GDestroyNotify)field_clear);

  cfd_rems_dosing_facts_read (content, &facts);
  add_patient (self->fields, patient_details);
  add_concomitant (self->fields, &facts);
  add_provider_and_setting (self->fields, practice, provider_name);
  add_session (self->fields, content, &facts, self->session_date);
  add_vitals (self->fields, &facts);
  add_observations (self->fields, &facts);
  cfd_rems_dosing_facts_clear (&facts);
  return self;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

gboolean
cfd_rems_form_check_record (CfdRecord *record, GError **error)
{
  if (cfd_record_get_kind (record) != CFD_RECORD_DOSING)
    return invalid (error, _ ("A REMS Patient Monitoring Form is made from a dosing record; this "
                              "record is of another kind"));
  if (!cfd_rems_form_applies (cfd_record_get_content (record)))
    return invalid (error,
                    _ ("A REMS Patient Monitoring Form is made only for esketamine sessions; "
                       "this dosing record is not esketamine"));
  if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
    return invalid (error, _ ("This dosing record is still a draft: sign it before making its REMS "
                              "Patient Monitoring Form"));
  return TRUE;
}

static char *
user_name (CfdVault *vault, const char *user_id)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, user_id) == 0)
        return g_strdup (user->name);
    }
  return NULL;
}

/* Beside each concomitant-medication question, the patient's active
 * medications of its class by name, or that the list has none: what the
 * clinician checks the answer against. The answer itself stays the one in
 * the record (or missing); names[] is freed. */
static void
show_medication_list (CfdRemsForm *self, char **names[CFD_REMS_N_CONCOMITANT])
{
  guint q = 0;

  for (guint i = 0; i < self->fields->len && q < CFD_REMS_N_CONCOMITANT; i++)
    {
      CfdRemsFormField *field = &g_array_index (self->fields, CfdRemsFormField, i);
      g_autofree char *list = NULL;

      if (strcmp (field->section, CONCOMITANT_SECTION) != 0)
        continue;
      list = g_strjoinv (", ", names[q]);
      g_free (field->detail);
      field->detail = names[q][0] != NULL ? g_strdup_printf ("medication list: %s", list)
                                          : g_strdup ("none on the medication list");
      g_strfreev (names[q++]);
    }
  for (; q < CFD_REMS_N_CONCOMITANT; q++)
    g_strfreev (names[q]);
}

CfdRemsForm *
cfd_vault_get_rems_form (CfdVault *vault, const char *record_id, GError **error)
{
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (CfdPractice) practice = NULL;
  g_autoptr (CfdRemsForm) form = NULL;
  g_autofree char *provider = NULL;
  char **names[CFD_REMS_N_CONCOMITANT];

  g_return_val_if_fail (record_id != NULL, NULL);
  record = cfd_vault_get_record (vault, record_id, error);
  if (record == NULL || !cfd_rems_form_check_record (record, error))
    return NULL;
  patient = cfd_vault_get_patient (vault, cfd_record_get_patient_id (record), error);
  if (patient == NULL)
    return NULL;
  practice = cfd_vault_get_practice (vault, error);
  if (practice == NULL)
    return NULL;
  provider = user_name (vault, cfd_record_get_author_id (record));
  form = cfd_rems_form_new_from_parts (
      record_id, cfd_record_get_patient_id (record), cfd_record_get_occurred (record),
      cfd_record_get_content (record), cfd_patient_get_details (patient), practice, provider);
  if (!cfd_vault_list_concomitant_medications (vault, cfd_record_get_patient_id (record), names,
                                               error))
    return NULL;
  show_medication_list (form, names);
  return g_steal_pointer (&form);
}
