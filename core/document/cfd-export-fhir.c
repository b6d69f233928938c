/* cfd-export-fhir.c: a patient's signed record as a FHIR R4 Bundle (JSON), scoped, audited as a disclosure. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cfd-attachment.h"
#include "cfd-authorization.h"
#include "cfd-chart.h"
#include "cfd-consent.h"
#include "cfd-date.h"
#include "cfd-export-fhir.h"
#include "cfd-export-file-private.h"
#include "cfd-fhir-codes.h"
#include "cfd-icd10.h"
#include "cfd-measure.h"
#include "cfd-patient.h"
#include "cfd-practice.h"
#include "cfd-record-private.h"
#include "cfd-secure-private.h"
#include "cfd-sedation.h"
#include "cfd-template.h"
#include "cfd-vault-private.h"
#include "cfd-vitals.h"

typedef struct
{
  CfdVault *vault;
  const char *vault_id;
  const char *patient_id;
  char *patient_url;
  char *organization_url;
  JsonArray *entries;
  GPtrArray *users; /* CfdUserInfo */
  CfdPractice *practice;
  GHashTable *practitioners; /* user id -> fullUrl, for those already in the bundle */
  GHashTable *record_urls;   /* record id -> fullUrl of its main resource */
} Bundle;

/* A stable urn:uuid for anything derived from a vault object: the same
 * export twice gives the same ids, and nothing about the patient shows in
 * them. */
static char *
derived_url (Bundle *b, const char *object, const char *part)
{
  g_autofree char *input = g_strdup_printf ("%s/%s/%s", b->vault_id, object, part);
  guint8 digest[CFD_HASH_BYTES];
  g_autofree char *hex = NULL;

  cfd_hash (digest, (const guint8 *)input, strlen (input));
  /* Shaped as a version-4-style UUID so every reader accepts it. */
  digest[6] = (digest[6] & 0x0f) | 0x40;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  hex = cfd_hex_encode (digest, 16);
  return g_strdup_printf ("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                          hex + 20);
}

static JsonObject *
reference (const char *url)
{
  JsonObject *ref = json_object_new ();

  json_object_set_string_member (ref, "reference", url);
  return ref;
}

static JsonObject *
coding (const char *system, const char *code, const char *display)
{
  JsonObject *c = json_object_new ();

  json_object_set_string_member (c, "system", system);
  json_object_set_string_member (c, "code", code);
  if (display != NULL)
    json_object_set_string_member (c, "display", display);
  return c;
}

static JsonObject *
concept (const char *system, const CfdFhirCode *code, const char *text)
{
  JsonObject *cc = json_object_new ();

  if (code != NULL)
    {
      JsonArray *codings = json_array_new ();

      json_array_add_object_element (codings, coding (system, code->code, code->display));
      json_object_set_array_member (cc, "coding", codings);
    }
  if (text != NULL)
    json_object_set_string_member (cc, "text", text);
  return cc;
}

static JsonArray *
one (JsonObject *object)
{
  JsonArray *array = json_array_new ();

  json_array_add_object_element (array, object);
  return array;
}

static JsonObject *
quantity (double value, const char *unit)
{
  JsonObject *q = json_object_new ();

  json_object_set_double_member (q, "value", value);
  json_object_set_string_member (q, "unit", unit);
  json_object_set_string_member (q, "system", CFD_FHIR_UCUM);
  json_object_set_string_member (q, "code", unit);
  return q;
}

/* Takes resource; its id is the last part of the fullUrl. */
static void
add_entry (Bundle *b, const char *url, JsonObject *resource)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (resource, "id", url + strlen ("urn:uuid:"));
  json_object_set_string_member (entry, "fullUrl", url);
  json_object_set_object_member (entry, "resource", resource);
  json_array_add_object_element (b->entries, entry);
}

static JsonObject *
new_resource (const char *type)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "resourceType", type);
  return r;
}

/* HL7 labels on everything derived from a psychotherapy note: the kind of
 * sensitive information (PSYTHPN) and the confidentiality (R, restricted). */
static void
label_psychotherapy (JsonObject *resource)
{
  JsonObject *meta = json_object_new ();
  JsonArray *security = json_array_new ();

  json_array_add_object_element (security, coding (CFD_FHIR_ACT_CODE, "PSYTHPN",
                                                   "psychotherapy note information sensitivity"));
  json_array_add_object_element (security, coding (CFD_FHIR_CONFIDENTIAL, "R", "restricted"));
  json_object_set_array_member (meta, "security", security);
  json_object_set_object_member (resource, "meta", meta);
}

static char *
utc_instant (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* A record's date with a wall-clock time of that day ("10:05"), as a
 * dateTime in the exporting computer's zone (the practice's own clock). */
static char *
local_date_time (gint64 day, const char *hh_mm)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (day);
  g_autoptr (GDateTime) local = NULL;
  int hour, minute;

  if (hh_mm == NULL || sscanf (hh_mm, "%d:%d", &hour, &minute) != 2 || hour < 0 || hour > 23
      || minute < 0 || minute > 59)
    return cfd_date_format (day);
  local = g_date_time_new_local (g_date_time_get_year (date), g_date_time_get_month (date),
                                 g_date_time_get_day_of_month (date), hour, minute, 0);
  return local != NULL ? g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z") : cfd_date_format (day);
}

static const CfdUserInfo *
find_user (Bundle *b, const char *id)
{
  for (guint i = 0; i < b->users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (b->users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return user;
    }
  return NULL;
}

/* The Practitioner (and their PractitionerRole at the practice) of a
 * user, added the first time they are needed. */
static const char *
practitioner (Bundle *b, const char *user_id)
{
  const char *url = g_hash_table_lookup (b->practitioners, user_id);
  const CfdUserInfo *user;
  JsonObject *p, *role, *name;
  const char *credentials, *npi;
  char *new_url;
  g_autofree char *role_url = NULL;

  if (url != NULL)
    return url;
  user = find_user (b, user_id);
  new_url = derived_url (b, user_id, "practitioner");
  p = new_resource ("Practitioner");
  name = json_object_new ();
  json_object_set_string_member (name, "text", user != NULL ? user->name : "A former user");
  json_object_set_array_member (p, "name", one (name));
  if (user != NULL)
    {
      npi = cfd_practice_get_npi (b->practice, user->name);
      credentials = cfd_practice_get_credentials (b->practice, user->name);
      if (npi != NULL)
        {
          JsonObject *identifier = json_object_new ();

          json_object_set_string_member (identifier, "system", CFD_FHIR_NPI);
          json_object_set_string_member (identifier, "value", npi);
          json_object_set_array_member (p, "identifier", one (identifier));
        }
      if (credentials != NULL)
        {
          JsonObject *qualification = json_object_new ();

          json_object_set_object_member (qualification, "code", concept (NULL, NULL, credentials));
          json_object_set_array_member (p, "qualification", one (qualification));
        }
    }
  add_entry (b, new_url, p);

  role_url = derived_url (b, user_id, "practitioner-role");
  role = new_resource ("PractitionerRole");
  json_object_set_object_member (role, "practitioner", reference (new_url));
  json_object_set_object_member (role, "organization", reference (b->organization_url));
  if (user != NULL)
    json_object_set_array_member (role, "code",
                                  one (concept (NULL, NULL, cfd_role_to_string (user->role))));
  add_entry (b, role_url, role);

  g_hash_table_insert (b->practitioners, g_strdup (user_id), new_url);
  return new_url;
}

static void
add_organization (Bundle *b)
{
  JsonObject *org = new_resource ("Organization");
  const char *name = cfd_practice_get_name (b->practice);
  const char *address = cfd_practice_get_address (b->practice);
  const char *phone = cfd_practice_get_phone (b->practice);

  json_object_set_boolean_member (org, "active", TRUE);
  /* org-1 wants a name or an identifier; an unnamed practice says so. */
  json_object_set_string_member (org, "name", name != NULL ? name : "Practice (no profile set)");
  if (phone != NULL)
    {
      JsonObject *telecom = json_object_new ();

      json_object_set_string_member (telecom, "system", "phone");
      json_object_set_string_member (telecom, "value", phone);
      json_object_set_array_member (org, "telecom", one (telecom));
    }
  if (address != NULL)
    {
      JsonObject *a = json_object_new ();
      JsonArray *lines = json_array_new ();
      g_auto (GStrv) parts = g_strsplit (address, "\n", -1);

      json_object_set_string_member (a, "text", address);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          json_array_add_string_element (lines, parts[i]);
      json_object_set_array_member (a, "line", lines);
      json_object_set_array_member (org, "address", one (a));
    }
  add_entry (b, b->organization_url, org);
}

static void
add_patient (Bundle *b, CfdPatient *patient)
{
  JsonObject *p = new_resource ("Patient");
  JsonObject *identifier = json_object_new ();
  JsonObject *name = json_object_new ();
  JsonArray *identifiers = json_array_new ();
  const char *full = cfd_patient_get_name (patient);
  const char *birth = cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE);
  const char *mrn = cfd_patient_get_detail (patient, CFD_PATIENT_MRN);
  const char *address = cfd_patient_get_detail (patient, CFD_PATIENT_ADDRESS);
  const char *sex = cfd_patient_get_sex (patient);
  g_autofree char *given = cfd_patient_dup_given_name (patient);
  g_autofree char *family = cfd_patient_dup_family_name (patient);
  g_autofree char *system = g_strdup_printf ("urn:confidant:vault:%s:patient", b->vault_id);

  json_object_set_string_member (identifier, "system", system);
  json_object_set_string_member (identifier, "value", cfd_patient_get_id (patient));
  json_array_add_object_element (identifiers, identifier);
  if (mrn != NULL)
    {
      JsonObject *record_number = json_object_new ();
      JsonObject *type = json_object_new ();

      json_object_set_array_member (type, "coding",
                                    one (coding ("http://terminology.hl7.org/CodeSystem/v2-0203",
                                                 "MR", "Medical record number")));
      json_object_set_object_member (record_number, "type", type);
      json_object_set_string_member (record_number, "value", mrn);
      json_array_add_object_element (identifiers, record_number);
    }
  json_object_set_array_member (p, "identifier", identifiers);
  json_object_set_boolean_member (p, "active", !cfd_patient_get_archived (patient));
  /* text keeps the name as the practice wrote it; the parts are as
   * recorded, or split from it for patients recorded before they were. */
  json_object_set_string_member (name, "text", full);
  if (family != NULL && *family != '\0')
    json_object_set_string_member (name, "family", family);
  if (given != NULL && *given != '\0')
    {
      JsonArray *givens = json_array_new ();

      json_array_add_string_element (givens, given);
      json_object_set_array_member (name, "given", givens);
    }
  json_object_set_array_member (p, "name", one (name));
  /* Confidant's sex values are FHIR's AdministrativeGender codes. */
  if (sex != NULL)
    json_object_set_string_member (p, "gender", sex);
  if (birth != NULL)
    json_object_set_string_member (p, "birthDate", birth);
  if (address != NULL)
    {
      JsonObject *a = json_object_new ();

      json_object_set_string_member (a, "text", address);
      json_object_set_array_member (p, "address", one (a));
    }
  json_object_set_object_member (p, "managingOrganization", reference (b->organization_url));
  add_entry (b, b->patient_url, p);
  cfd_wipe_string (g_steal_pointer (&given));
  cfd_wipe_string (g_steal_pointer (&family));
}

static JsonObject *
vital_observation (Bundle *b,
                   const char *encounter_url,
                   const char *effective,
                   const CfdFhirCode *code,
                   const char *author_url)
{
  JsonObject *o = new_resource ("Observation");
  JsonObject *category
      = concept (CFD_FHIR_OBS_CATEGORY, &(CfdFhirCode){ "vital-signs", "Vital Signs" }, NULL);

  json_object_set_string_member (o, "status", "final");
  json_object_set_array_member (o, "category", one (category));
  json_object_set_object_member (o, "code", concept (CFD_FHIR_LOINC, code, code->display));
  json_object_set_object_member (o, "subject", reference (b->patient_url));
  json_object_set_object_member (o, "encounter", reference (encounter_url));
  json_object_set_string_member (o, "effectiveDateTime", effective);
  json_object_set_array_member (o, "performer", one (reference (author_url)));
  return o;
}

static JsonObject *
component (const CfdFhirCode *code, double value, const char *unit)
{
  JsonObject *c = json_object_new ();

  json_object_set_object_member (c, "code", concept (CFD_FHIR_LOINC, code, code->display));
  json_object_set_object_member (c, "valueQuantity", quantity (value, unit));
  return c;
}

static void
add_vitals (Bundle *b, CfdRecord *record, const char *encounter_url, const char *author_url)
{
  g_autoptr (GVariant) vitals
      = g_variant_lookup_value (cfd_record_get_content (record), "vitals", NULL);
  g_autoptr (GArray) readings = cfd_vitals_readings (vitals);
  double weight;

  if (g_variant_lookup (cfd_record_get_content (record), "weight-kg", "d", &weight))
    {
      g_autofree char *url = derived_url (b, cfd_record_get_id (record), "weight");
      g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
      JsonObject *o
          = vital_observation (b, encounter_url, date, &cfd_fhir_vital_weight, author_url);

      json_object_set_object_member (o, "valueQuantity", quantity (weight, "kg"));
      add_entry (b, url, o);
    }
  for (guint row = 0; row < readings->len; row++)
    {
      const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, row);
      g_autofree char *effective = local_date_time (cfd_record_get_occurred (record), r->time);
      g_autofree char *tag = g_strdup_printf ("vitals-%u", row);
      g_autofree char *bp_tag = g_strconcat (tag, "-bp", NULL);
      g_autofree char *hr_tag = g_strconcat (tag, "-hr", NULL);
      g_autofree char *spo2_tag = g_strconcat (tag, "-spo2", NULL);
      g_autofree char *bp_url = derived_url (b, cfd_record_get_id (record), bp_tag);
      g_autofree char *hr_url = derived_url (b, cfd_record_get_id (record), hr_tag);
      g_autofree char *spo2_url = derived_url (b, cfd_record_get_id (record), spo2_tag);
      JsonObject *bp
          = vital_observation (b, encounter_url, effective, &cfd_fhir_vital_bp_panel, author_url);
      JsonObject *hr
          = vital_observation (b, encounter_url, effective, &cfd_fhir_vital_heart_rate, author_url);
      JsonObject *sat
          = vital_observation (b, encounter_url, effective, &cfd_fhir_vital_spo2, author_url);
      JsonArray *components = json_array_new ();

      json_array_add_object_element (components,
                                     component (&cfd_fhir_vital_systolic, r->systolic, "mm[Hg]"));
      json_array_add_object_element (components,
                                     component (&cfd_fhir_vital_diastolic, r->diastolic, "mm[Hg]"));
      json_object_set_array_member (bp, "component", components);
      add_entry (b, bp_url, bp);
      json_object_set_object_member (hr, "valueQuantity", quantity (r->heart_rate, "/min"));
      add_entry (b, hr_url, hr);
      json_object_set_object_member (sat, "valueQuantity", quantity (r->spo2, "%"));
      add_entry (b, spo2_url, sat);
      /* Readings from before records v2 have none: nothing is exported
       * rather than a rate nobody counted. */
      if (r->has_respiratory_rate)
        {
          g_autofree char *rr_tag = g_strconcat (tag, "-rr", NULL);
          g_autofree char *rr_url = derived_url (b, cfd_record_get_id (record), rr_tag);
          JsonObject *rr = vital_observation (b, encounter_url, effective,
                                              &cfd_fhir_vital_respiratory_rate, author_url);

          json_object_set_object_member (rr, "valueQuantity",
                                         quantity (r->respiratory_rate, "/min"));
          add_entry (b, rr_url, rr);
        }
    }
}

static JsonObject *
coded_measure_observation (Bundle *b, const char *date, JsonObject *code, const char *author_url);

/* One survey Observation per rating made (a scale not rated at a row's
 * time gives none), at the row's time, with its timepoint when it has one. */
static void
add_ratings (Bundle *b, CfdRecord *record, const char *encounter_url, const char *author_url)
{
  g_autoptr (GVariant) value
      = g_variant_lookup_value (cfd_record_get_content (record), "sedation-ratings", NULL);
  g_autoptr (GArray) rows = cfd_sedation_ratings (value);

  for (guint row = 0; row < rows->len; row++)
    {
      const CfdSedationRating *r = &g_array_index (rows, CfdSedationRating, row);
      const gboolean has[CFD_FHIR_N_RATINGS] = { r->has_moaas, r->has_cadss, r->has_bprs };
      const guint16 scores[CFD_FHIR_N_RATINGS] = { r->moaas, r->cadss, r->bprs };
      g_autofree char *effective = local_date_time (cfd_record_get_occurred (record), r->time);

      for (guint scale = 0; scale < CFD_FHIR_N_RATINGS; scale++)
        {
          g_autofree char *tag = g_strdup_printf ("rating-%u-%u", row, scale);
          g_autofree char *url = NULL;
          JsonObject *o;

          if (!has[scale])
            continue;
          url = derived_url (b, cfd_record_get_id (record), tag);
          o = coded_measure_observation (
              b, effective, concept (NULL, NULL, cfd_fhir_rating_texts[scale]), author_url);
          json_object_set_object_member (o, "encounter", reference (encounter_url));
          json_object_set_int_member (o, "valueInteger", scores[scale]);
          if (r->timepoint[0] != '\0')
            {
              JsonObject *extension = json_object_new ();

              json_object_set_string_member (extension, "url", CFD_FHIR_RATING_TIMEPOINT_URL);
              json_object_set_string_member (extension, "valueCode", r->timepoint);
              json_object_set_array_member (o, "extension", one (extension));
            }
          add_entry (b, url, o);
        }
    }
}

static const char *
choice_label (CfdRecordKind kind, const char *field_id, const char *choice)
{
  const CfdTemplateField *field
      = cfd_template_find_field (cfd_template_get_untranslated (kind), field_id);

  for (guint i = 0; field != NULL && field->choices != NULL && field->choices[i] != NULL; i++)
    if (g_strcmp0 (field->choices[i], choice) == 0 && field->choice_labels != NULL)
      return field->choice_labels[i];
  return choice;
}

static JsonObject *
encounter (Bundle *b, CfdRecord *record, const char *url, const char *author_url)
{
  JsonObject *e = new_resource ("Encounter");
  JsonObject *period = json_object_new ();
  JsonObject *participant = json_object_new ();
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));

  json_object_set_string_member (e, "status", "finished");
  json_object_set_object_member (e, "class", coding (CFD_FHIR_ACT_CODE, "AMB", "ambulatory"));
  json_object_set_array_member (
      e, "type",
      one (concept (NULL, NULL,
                    cfd_template_get_untranslated (cfd_record_get_kind (record))->title)));
  json_object_set_object_member (e, "subject", reference (b->patient_url));
  json_object_set_object_member (participant, "individual", reference (author_url));
  json_object_set_array_member (e, "participant", one (participant));
  json_object_set_string_member (period, "start", date);
  json_object_set_object_member (e, "period", period);
  json_object_set_object_member (e, "serviceProvider", reference (b->organization_url));
  add_entry (b, url, e);
  return e;
}

static void
add_dosing (Bundle *b, CfdRecord *record, const char *author_url)
{
  GVariant *content = cfd_record_get_content (record);
  const char *id = cfd_record_get_id (record);
  g_autofree char *encounter_url = derived_url (b, id, "encounter");
  g_autofree char *medication_url = derived_url (b, id, "medication");
  g_autofree char *administration_url = derived_url (b, id, "administration");
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  const char *medication = NULL, *route = NULL, *lot = NULL, *adverse = NULL;
  JsonObject *m, *a, *dosage = json_object_new ();
  double dose, rate;

  encounter (b, record, encounter_url, author_url);
  g_variant_lookup (content, "medication", "&s", &medication);
  g_variant_lookup (content, "route", "&s", &route);
  g_variant_lookup (content, "lot-number", "&s", &lot);
  g_variant_lookup (content, "adverse-events", "&s", &adverse);

  m = new_resource ("Medication");
  /* RxNorm 6130 is the ingredient ketamine (racemic); esketamine goes as
   * text until its code is confirmed (docs/FORMATS.md). */
  if (g_strcmp0 (medication, "racemic-ketamine") == 0)
    json_object_set_object_member (
        m, "code",
        concept (CFD_FHIR_RXNORM, &(CfdFhirCode){ "6130", "ketamine" }, "Racemic ketamine"));
  else if (medication != NULL)
    json_object_set_object_member (
        m, "code",
        concept (NULL, NULL, choice_label (CFD_RECORD_DOSING, "medication", medication)));
  if (lot != NULL && lot[0] != '\0')
    {
      JsonObject *batch = json_object_new ();

      json_object_set_string_member (batch, "lotNumber", lot);
      json_object_set_object_member (m, "batch", batch);
    }
  add_entry (b, medication_url, m);

  a = new_resource ("MedicationAdministration");
  json_object_set_string_member (a, "status", "completed");
  json_object_set_object_member (a, "medicationReference", reference (medication_url));
  json_object_set_object_member (a, "subject", reference (b->patient_url));
  json_object_set_object_member (a, "context", reference (encounter_url));
  json_object_set_string_member (a, "effectiveDateTime", date);
  {
    JsonObject *performer = json_object_new ();

    json_object_set_object_member (performer, "actor", reference (author_url));
    json_object_set_array_member (a, "performer", one (performer));
  }
  if (route != NULL)
    json_object_set_object_member (dosage, "route",
                                   concept (CFD_FHIR_SNOMED, cfd_fhir_route (route),
                                            choice_label (CFD_RECORD_DOSING, "route", route)));
  if (g_variant_lookup (content, "dose-mg", "d", &dose))
    json_object_set_object_member (dosage, "dose", quantity (dose, "mg"));
  if (g_variant_lookup (content, "infusion-rate", "d", &rate))
    json_object_set_object_member (dosage, "rateQuantity", quantity (rate, "mg/h"));
  json_object_set_object_member (a, "dosage", dosage);
  if (adverse != NULL && adverse[0] != '\0')
    {
      JsonObject *note = json_object_new ();

      json_object_set_string_member (note, "text", adverse);
      json_object_set_array_member (a, "note", one (note));
    }
  add_entry (b, administration_url, a);
  add_vitals (b, record, encounter_url, author_url);
  add_ratings (b, record, encounter_url, author_url);
  g_hash_table_insert (b->record_urls, g_strdup (id), g_strdup (administration_url));
}

/* A survey Observation of the patient; takes code. */
static JsonObject *
coded_measure_observation (Bundle *b, const char *date, JsonObject *code, const char *author_url)
{
  JsonObject *o = new_resource ("Observation");

  json_object_set_string_member (o, "status", "final");
  json_object_set_array_member (
      o, "category",
      one (concept (CFD_FHIR_OBS_CATEGORY, &(CfdFhirCode){ "survey", "Survey" }, NULL)));
  json_object_set_object_member (o, "code", code);
  json_object_set_object_member (o, "subject", reference (b->patient_url));
  json_object_set_string_member (o, "effectiveDateTime", date);
  json_object_set_array_member (o, "performer", one (reference (author_url)));
  return o;
}

static JsonObject *
measure_observation (Bundle *b, const char *date, const CfdFhirCode *code, const char *author_url)
{
  return coded_measure_observation (b, date, concept (CFD_FHIR_LOINC, code, code->display),
                                    author_url);
}

/* A LOINC coding when the definition knows the code, else the text alone. */
static JsonObject *
instrument_concept (const char *loinc, const char *text)
{
  return concept (loinc != NULL ? CFD_FHIR_LOINC : NULL,
                  loinc != NULL ? &(CfdFhirCode){ loinc, text } : NULL, text);
}

/* Any instrument of the library (data/measures) other than the PHQ-9 and
 * GAD-7: its LOINC panel and score codes where the definition names them
 * (the PCL-5's), else Confidant's own questionnaire URL and the
 * instrument's name as text; answers as the integers the form scores. */
static void
add_instrument_measure (Bundle *b, CfdRecord *record, const char *author_url)
{
  g_autoptr (CfdMeasureReading) reading = cfd_measure_reading_new (cfd_record_get_content (record));
  const char *id = cfd_record_get_id (record);
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  g_autofree char *response_url = derived_url (b, id, "questionnaire-response");
  g_autofree char *panel_url = derived_url (b, id, "panel");
  g_autofree char *total_url = derived_url (b, id, "total");
  g_autofree char *questionnaire = NULL;
  g_autofree char *total_text = NULL;
  const char *panel_loinc, *score_loinc, *name;
  JsonObject *response, *panel, *total_obs;
  JsonArray *items;

  if (reading == NULL)
    return; /* an instrument not installed here: nothing to read it with */
  panel_loinc = cfd_instrument_def_get_loinc (reading->def);
  score_loinc = cfd_instrument_def_get_score_loinc (reading->def);
  name = cfd_instrument_def_get_name (reading->def);
  questionnaire = panel_loinc != NULL
                      ? g_strdup_printf ("http://loinc.org/q/%s", panel_loinc)
                      : g_strdup_printf ("urn:confidant:instrument:%s:%u",
                                         cfd_instrument_def_get_id (reading->def),
                                         cfd_instrument_def_get_version (reading->def));
  response = new_resource ("QuestionnaireResponse");
  json_object_set_string_member (response, "questionnaire", questionnaire);
  json_object_set_string_member (response, "status", "completed");
  json_object_set_object_member (response, "subject", reference (b->patient_url));
  json_object_set_string_member (response, "authored", date);
  json_object_set_object_member (response, "author", reference (author_url));
  items = json_array_new ();
  for (guint i = 0; i < reading->n_answers; i++)
    {
      const CfdInstrumentItem *def_item = cfd_instrument_def_get_item (reading->def, i);
      g_autofree char *link = g_strdup_printf ("item-%u", i + 1);
      JsonObject *item, *value;

      if (reading->answers[i] == CFD_ANSWER_NONE)
        continue; /* nothing unanswered is exported as an answer */
      item = json_object_new ();
      json_object_set_string_member (item, "linkId", link);
      if (def_item->loinc != NULL)
        json_object_set_array_member (item, "code",
                                      one (coding (CFD_FHIR_LOINC, def_item->loinc, NULL)));
      json_object_set_string_member (item, "text", def_item->text);
      value = json_object_new ();
      json_object_set_int_member (value, "valueInteger", reading->answers[i]);
      json_object_set_array_member (item, "answer", one (value));
      json_array_add_object_element (items, item);
    }
  if (json_array_get_length (items) > 0)
    json_object_set_array_member (response, "item", items);
  else
    json_array_unref (items);
  add_entry (b, response_url, response);

  total_text = g_strdup_printf ("%s %s", name, reading->has_mean ? "mean score" : "total score");
  total_obs = coded_measure_observation (b, date, instrument_concept (score_loinc, total_text),
                                         author_url);
  if (reading->has_mean)
    {
      JsonObject *q = json_object_new ();

      json_object_set_double_member (q, "value", reading->mean);
      json_object_set_string_member (q, "unit", "{score}");
      json_object_set_string_member (q, "system", CFD_FHIR_UCUM);
      json_object_set_string_member (q, "code", "{score}");
      json_object_set_object_member (total_obs, "valueQuantity", q);
    }
  else if (reading->has_total)
    json_object_set_int_member (total_obs, "valueInteger", reading->total);
  else
    json_object_set_object_member (
        total_obs, "dataAbsentReason",
        concept ("http://terminology.hl7.org/CodeSystem/data-absent-reason",
                 &(CfdFhirCode){ "not-applicable", "Not Applicable" }, NULL));
  if (reading->band != NULL || reading->result != NULL)
    {
      const char *result = reading->result != NULL
                               ? cfd_instrument_def_result_label (reading->def, reading->result)
                               : NULL;

      json_object_set_array_member (total_obs, "interpretation",
                                    one (concept (NULL, NULL,
                                                  result != NULL          ? result
                                                  : reading->band != NULL ? reading->band
                                                                          : reading->result)));
    }
  json_object_set_array_member (total_obs, "derivedFrom", one (reference (response_url)));
  add_entry (b, total_url, total_obs);

  panel = coded_measure_observation (b, date, instrument_concept (panel_loinc, name), author_url);
  json_object_set_array_member (panel, "hasMember", one (reference (total_url)));
  json_object_set_array_member (panel, "derivedFrom", one (reference (response_url)));
  add_entry (b, panel_url, panel);
  g_hash_table_insert (b->record_urls, g_strdup (id), g_strdup (response_url));
}

static void
add_measure (Bundle *b, CfdRecord *record, const char *author_url)
{
  GVariant *content = cfd_record_get_content (record);
  const char *id = cfd_record_get_id (record);
  const char *instrument = NULL, *band = NULL;
  const CfdFhirInstrumentCodes *codes;
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  g_autofree char *response_url = derived_url (b, id, "questionnaire-response");
  g_autofree char *panel_url = derived_url (b, id, "panel");
  g_autofree char *total_url = derived_url (b, id, "total");
  g_autofree char *questionnaire = NULL;
  JsonObject *response, *panel, *total_obs, *total_item;
  JsonArray *items = json_array_new ();
  JsonArray *members = json_array_new ();
  gint64 total = 0;

  g_variant_lookup (content, "instrument", "&s", &instrument);
  g_variant_lookup (content, "band", "&s", &band);
  g_variant_lookup (content, "total", "x", &total);
  codes = cfd_fhir_instrument_codes (instrument);
  if (codes == NULL)
    {
      json_array_unref (items);
      json_array_unref (members);
      add_instrument_measure (b, record, author_url);
      return;
    }

  response = new_resource ("QuestionnaireResponse");
  questionnaire = g_strdup_printf ("http://loinc.org/q/%s", codes->panel.code);
  json_object_set_string_member (response, "questionnaire", questionnaire);
  json_object_set_string_member (response, "status", "completed");
  json_object_set_object_member (response, "subject", reference (b->patient_url));
  json_object_set_string_member (response, "authored", date);
  json_object_set_object_member (response, "author", reference (author_url));

  for (guint i = 0; i < codes->n_items; i++)
    {
      g_autofree char *key = g_strdup_printf ("item-%u", i + 1);
      g_autofree char *tag = g_strdup_printf ("item-%u", i + 1);
      g_autofree char *item_url = derived_url (b, id, tag);
      const CfdFhirCode *answer;
      JsonObject *item, *value, *obs;
      gint64 score;

      if (!g_variant_lookup (content, key, "x", &score)
          || (answer = cfd_fhir_frequency_answer (score)) == NULL)
        continue; /* nothing unanswered is exported as an answer */
      item = json_object_new ();
      json_object_set_string_member (item, "linkId", codes->items[i].code);
      json_object_set_string_member (item, "text", codes->items[i].display);
      value = json_object_new ();
      json_object_set_object_member (value, "valueCoding",
                                     coding (CFD_FHIR_LOINC, answer->code, answer->display));
      json_object_set_array_member (item, "answer", one (value));
      json_array_add_object_element (items, item);

      obs = measure_observation (b, date, &codes->items[i], author_url);
      json_object_set_object_member (obs, "valueCodeableConcept",
                                     concept (CFD_FHIR_LOINC, answer, answer->display));
      json_object_set_array_member (obs, "derivedFrom", one (reference (response_url)));
      add_entry (b, item_url, obs);
      json_array_add_object_element (members, reference (item_url));
    }
  total_item = json_object_new ();
  json_object_set_string_member (total_item, "linkId", codes->total.code);
  json_object_set_string_member (total_item, "text", codes->total.display);
  {
    JsonObject *value = json_object_new ();

    json_object_set_int_member (value, "valueInteger", total);
    json_object_set_array_member (total_item, "answer", one (value));
  }
  json_array_add_object_element (items, total_item);
  json_object_set_array_member (response, "item", items);
  add_entry (b, response_url, response);

  total_obs = measure_observation (b, date, &codes->total, author_url);
  json_object_set_int_member (total_obs, "valueInteger", total);
  if (band != NULL)
    json_object_set_array_member (total_obs, "interpretation", one (concept (NULL, NULL, band)));
  json_object_set_array_member (total_obs, "derivedFrom", one (reference (response_url)));
  add_entry (b, total_url, total_obs);
  json_array_add_object_element (members, reference (total_url));

  panel = measure_observation (b, date, &codes->panel, author_url);
  json_object_set_array_member (panel, "hasMember", members);
  json_object_set_array_member (panel, "derivedFrom", one (reference (response_url)));
  add_entry (b, panel_url, panel);
  g_hash_table_insert (b->record_urls, g_strdup (id), g_strdup (response_url));
}

/* The record's fields as "Label: value" paragraphs: what a reader of the
 * DocumentReference sees. */
static char *
record_text (CfdRecord *record)
{
  const CfdTemplate *tmpl = cfd_template_get_untranslated (cfd_record_get_kind (record));
  GVariant *content = cfd_record_get_content (record);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);
      g_autofree char *shown = NULL;

      if (value == NULL)
        {
          if (field->type == CFD_FIELD_BOOLEAN && cfd_template_field_applies (field, content))
            g_string_append_printf (text, "%s: Not assessed\n\n", field->label);
          continue;
        }
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        shown = g_strdup (field->type == CFD_FIELD_CHOICE
                              ? choice_label (cfd_record_get_kind (record), field->id,
                                              g_variant_get_string (value, NULL))
                              : g_variant_get_string (value, NULL));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        shown = g_strdup (g_variant_get_boolean (value) ? "Yes" : "No");
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **ids = g_variant_get_strv (value, NULL);
          GString *list = g_string_new (NULL);

          for (guint j = 0; ids[j] != NULL; j++)
            g_string_append_printf (list, "%s%s", j > 0 ? ", " : "",
                                    choice_label (cfd_record_get_kind (record), field->id, ids[j]));
          shown = g_string_free (list, FALSE);
        }
      else
        shown = g_variant_print (value, FALSE);
      g_string_append_printf (text, "%s: %s\n\n", field->label, shown);
      cfd_wipe_string (g_steal_pointer (&shown));
    }
  return g_string_free (text, FALSE);
}

static void
add_document (Bundle *b, CfdRecord *record, const char *author_url)
{
  const char *id = cfd_record_get_id (record);
  CfdRecordKind kind = cfd_record_get_kind (record);
  g_autofree char *url = derived_url (b, id, "document");
  g_autofree char *signed_at = utc_instant (cfd_record_get_signed_at (record));
  g_autofree char *text = record_text (record);
  g_autofree char *data = g_base64_encode ((const guchar *)text, strlen (text));
  g_autofree char *title = NULL;
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  JsonObject *d = new_resource ("DocumentReference");
  JsonObject *content = json_object_new ();
  JsonObject *attachment = json_object_new ();
  const char *title_word = cfd_template_get_untranslated (kind)->title;

  if (cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY)
    label_psychotherapy (d);
  json_object_set_string_member (d, "status", "current");
  json_object_set_string_member (d, "docStatus", "final");
  json_object_set_object_member (d, "type",
                                 concept (CFD_FHIR_LOINC,
                                          cfd_fhir_document_type (cfd_record_kind_to_string (kind)),
                                          title_word));
  json_object_set_object_member (d, "subject", reference (b->patient_url));
  json_object_set_string_member (d, "date", signed_at);
  json_object_set_array_member (d, "author", one (reference (author_url)));
  json_object_set_object_member (d, "custodian", reference (b->organization_url));
  title = g_strdup_printf ("%s — %s", title_word, date);
  json_object_set_string_member (attachment, "contentType", "text/plain; charset=utf-8");
  json_object_set_string_member (attachment, "language", "en");
  json_object_set_string_member (attachment, "data", data);
  json_object_set_string_member (attachment, "title", title);
  json_object_set_object_member (content, "attachment", attachment);
  json_object_set_array_member (d, "content", one (content));
  {
    JsonObject *context = json_object_new ();
    JsonObject *period = json_object_new ();
    const char *parent = cfd_record_get_parent_id (record);
    const char *parent_url = parent != NULL ? g_hash_table_lookup (b->record_urls, parent) : NULL;

    json_object_set_string_member (period, "start", date);
    json_object_set_object_member (context, "period", period);
    /* An addendum points at what it amends. */
    if (parent_url != NULL)
      json_object_set_array_member (context, "related", one (reference (parent_url)));
    json_object_set_object_member (d, "context", context);
  }
  cfd_wipe_string (g_steal_pointer (&text));
  cfd_wipe_string (g_steal_pointer (&data));
  add_entry (b, url, d);
  g_hash_table_insert (b->record_urls, g_strdup (id), g_strdup (url));
}

/* A session record: its Encounter, with the session's start and end
 * times and, for telehealth, the virtual class; then the record itself. */
static void
add_session (Bundle *b, CfdRecord *record, const char *author_url)
{
  GVariant *content = cfd_record_get_content (record);
  g_autofree char *url = derived_url (b, cfd_record_get_id (record), "encounter");
  const char *start = NULL, *end = NULL, *modality = NULL;
  JsonObject *e = encounter (b, record, url, author_url);
  JsonObject *period = json_object_new ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_variant_lookup (content, "start-time", "&s", &start);
  g_variant_lookup (content, "end-time", "&s", &end);
  g_variant_lookup (content, "modality", "&s", &modality);
  from = local_date_time (cfd_record_get_occurred (record), start);
  to = local_date_time (cfd_record_get_occurred (record), end);
  json_object_set_string_member (period, "start", from);
  /* An end before the start (past midnight, or mistyped) is left out
   * rather than written as an invalid period. */
  if (end != NULL && start != NULL && strcmp (end, start) > 0)
    json_object_set_string_member (period, "end", to);
  json_object_set_object_member (e, "period", period);
  if (g_strcmp0 (modality, "telehealth-video") == 0 || g_strcmp0 (modality, "telephone") == 0)
    json_object_set_object_member (e, "class", coding (CFD_FHIR_ACT_CODE, "VR", "virtual"));
  add_document (b, record, author_url);
}

/* A filed document, only when asked for: its bytes inline; FHIR's own
 * Attachment.hash (SHA-1, base64) and, as an identifier, the BLAKE2b-256
 * its filer signed, for a receiver to check against the practice's list. */
static gboolean
add_attachment (Bundle *b, CfdAttachment *a, GError **error)
{
  static const char *const type_titles[]
      = { "Referral letter", "Signed consent form", "Laboratory results", "Filed document" };
  g_autoptr (GBytes) bytes = cfd_vault_open_attachment (b->vault, cfd_attachment_get_id (a), error);
  g_autofree char *url = NULL;
  g_autofree char *filed_at = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sha1_b64 = NULL;
  guint8 sha1[20];
  gsize sha1_len = sizeof sha1;
  GChecksum *checksum;
  JsonObject *d, *content, *attachment, *identifier;

  if (bytes == NULL)
    return FALSE;
  url = derived_url (b, cfd_attachment_get_id (a), "attachment");
  filed_at = utc_instant (cfd_attachment_get_time (a));
  data = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  checksum = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (checksum, sha1, &sha1_len);
  g_checksum_free (checksum);
  sha1_b64 = g_base64_encode (sha1, sha1_len);

  d = new_resource ("DocumentReference");
  identifier = json_object_new ();
  json_object_set_string_member (identifier, "system", "urn:confidant:attachment:blake2b-256");
  json_object_set_string_member (identifier, "value", cfd_attachment_get_hash_hex (a));
  json_object_set_array_member (d, "identifier", one (identifier));
  json_object_set_string_member (d, "status", "current");
  json_object_set_object_member (d, "type",
                                 concept (NULL, NULL, type_titles[cfd_attachment_get_kind (a)]));
  json_object_set_object_member (d, "subject", reference (b->patient_url));
  json_object_set_string_member (d, "date", filed_at);
  json_object_set_array_member (
      d, "author", one (reference (practitioner (b, cfd_attachment_get_actor_id (a)))));
  json_object_set_object_member (d, "custodian", reference (b->organization_url));
  attachment = json_object_new ();
  json_object_set_string_member (attachment, "contentType", cfd_attachment_get_media_type (a));
  json_object_set_string_member (attachment, "data", data);
  json_object_set_int_member (attachment, "size", (gint64)cfd_attachment_get_size (a));
  json_object_set_string_member (attachment, "hash", sha1_b64);
  json_object_set_string_member (attachment, "title", cfd_attachment_get_title (a));
  json_object_set_string_member (attachment, "creation", filed_at);
  content = json_object_new ();
  json_object_set_object_member (content, "attachment", attachment);
  json_object_set_array_member (d, "content", one (content));
  cfd_wipe_string (g_steal_pointer (&data));
  add_entry (b, url, d);
  return TRUE;
}

static void
add_consent (Bundle *b, CfdConsent *consent)
{
  g_autofree char *url = derived_url (b, cfd_consent_get_id (consent), "consent");
  g_autofree char *created = utc_instant (cfd_consent_get_created (consent));
  JsonObject *c = new_resource ("Consent");
  JsonObject *provision = json_object_new ();
  JsonObject *actor = json_object_new ();
  gint64 now = cfd_vault_now (b->vault) / G_USEC_PER_SEC;
  const char *supervisor_url = practitioner (b, cfd_consent_get_supervisor_id (consent));

  json_object_set_string_member (c, "status",
                                 cfd_consent_is_live (consent, now) ? "active" : "inactive");
  json_object_set_object_member (c, "scope",
                                 concept ("http://terminology.hl7.org/CodeSystem/consentscope",
                                          &(CfdFhirCode){ "patient-privacy", "Privacy Consent" },
                                          NULL));
  json_object_set_array_member (
      c, "category",
      one (concept (CFD_FHIR_LOINC, &(CfdFhirCode){ "59284-0", "Patient Consent" },
                    "Consent to clinical supervision")));
  json_object_set_object_member (c, "patient", reference (b->patient_url));
  json_object_set_string_member (c, "dateTime", created);
  json_object_set_array_member (c, "organization", one (reference (b->organization_url)));
  json_object_set_object_member (c, "policyRule",
                                 concept (CFD_FHIR_ACT_CODE, &(CfdFhirCode){ "OPTIN", "opt-in" },
                                          cfd_consent_get_purpose (consent)));
  json_object_set_string_member (provision, "type", "permit");
  if (cfd_consent_get_records_from (consent) != 0 || cfd_consent_get_records_to (consent) != 0)
    {
      JsonObject *period = json_object_new ();
      g_autofree char *from = cfd_date_format (cfd_consent_get_records_from (consent));
      g_autofree char *to = cfd_date_format (cfd_consent_get_records_to (consent));

      if (cfd_consent_get_records_from (consent) != 0)
        json_object_set_string_member (period, "start", from);
      if (cfd_consent_get_records_to (consent) != 0)
        json_object_set_string_member (period, "end", to);
      json_object_set_object_member (provision, "dataPeriod", period);
    }
  json_object_set_object_member (
      actor, "role",
      concept ("http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
               &(CfdFhirCode){ "IRCP", "information recipient" }, "Clinical supervisor"));
  json_object_set_object_member (actor, "reference", reference (supervisor_url));
  json_object_set_array_member (provision, "actor", one (actor));
  if (cfd_consent_get_scope (consent) == CFD_CONSENT_SCOPE_MEDICAL)
    {
      JsonObject *except = json_object_new ();
      JsonArray *labels = json_array_new ();

      /* Supervision of the medical record only: psychotherapy notes denied. */
      json_object_set_string_member (except, "type", "deny");
      json_array_add_object_element (labels, coding (CFD_FHIR_ACT_CODE, "PSYTHPN", NULL));
      json_object_set_array_member (except, "securityLabel", labels);
      json_object_set_array_member (provision, "provision", one (except));
    }
  json_object_set_object_member (c, "provision", provision);
  add_entry (b, url, c);
}

static void
add_provenance (Bundle *b, CfdRecord *record, const char *author_url, GBytes *signature)
{
  const char *target = g_hash_table_lookup (b->record_urls, cfd_record_get_id (record));
  g_autofree char *url = derived_url (b, cfd_record_get_id (record), "provenance");
  g_autofree char *when = utc_instant (cfd_record_get_signed_at (record));
  g_autofree char *data = NULL;
  JsonObject *p, *agent, *sig;

  if (target == NULL || signature == NULL)
    return;
  data = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  p = new_resource ("Provenance");
  json_object_set_array_member (p, "target", one (reference (target)));
  json_object_set_string_member (p, "recorded", when);
  agent = json_object_new ();
  json_object_set_object_member (
      agent, "type",
      concept ("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
               &(CfdFhirCode){ "author", "Author" }, NULL));
  json_object_set_object_member (agent, "who", reference (author_url));
  json_object_set_array_member (p, "agent", one (agent));
  sig = json_object_new ();
  json_object_set_array_member (
      sig, "type",
      one (coding ("urn:iso-astm:E1762-95:2013", "1.2.840.10065.1.12.1.1", "Author's Signature")));
  json_object_set_string_member (sig, "when", when);
  json_object_set_object_member (sig, "who", reference (author_url));
  /* Ed25519 over Confidant's canonical hash of the record, not over this
   * JSON (docs/FORMATS.md, "Signed records"). */
  json_object_set_string_member (sig, "sigFormat", "application/x-confidant-ed25519");
  json_object_set_string_member (sig, "data", data);
  json_object_set_array_member (p, "signature", one (sig));
  add_entry (b, url, p);
}

/* The chart lists (docs/CLINICAL.md, "The chart"): the latest revision of
 * every entry, active or not, each with its author as recorder. */
#define FHIR_ICD10CM "http://hl7.org/fhir/sid/icd-10-cm"
#define FHIR_SNOMED  "http://snomed.info/sct"

static JsonObject *
status_concept (const char *system, const char *code)
{
  JsonObject *c = json_object_new ();

  json_object_set_array_member (c, "coding", one (coding (system, code, NULL)));
  return c;
}

static JsonObject *
text_concept (const char *text)
{
  JsonObject *c = json_object_new ();

  json_object_set_string_member (c, "text", text);
  return c;
}

static void
add_chart_entry (Bundle *b, CfdChartEntry *entry)
{
  const char *(*field) (CfdChartEntry *, const char *) = cfd_chart_entry_get_field;
  g_autofree char *url = derived_url (b, cfd_chart_entry_get_item_id (entry), "chart");
  g_autofree char *recorded = utc_instant (cfd_chart_entry_get_time (entry));
  const char *recorder = practitioner (b, cfd_chart_entry_get_actor_id (entry));
  gboolean active = cfd_chart_entry_get_active (entry);
  JsonObject *r;

  switch (cfd_chart_entry_get_list (entry))
    {
      case CFD_CHART_PROBLEM:
        {
          JsonObject *code = text_concept (field (entry, CFD_CHART_TEXT));
          JsonObject *category = json_object_new ();

          r = new_resource ("Condition");
          json_object_set_object_member (
              r, "clinicalStatus",
              status_concept ("http://terminology.hl7.org/CodeSystem/condition-clinical",
                              active ? "active" : "resolved"));
          json_object_set_array_member (
              category, "coding",
              one (coding ("http://terminology.hl7.org/CodeSystem/condition-category",
                           "problem-list-item", "Problem List Item")));
          json_object_set_array_member (r, "category", one (category));
          if (field (entry, CFD_CHART_CODE) != NULL)
            json_object_set_array_member (
                code, "coding",
                one (coding (FHIR_ICD10CM, field (entry, CFD_CHART_CODE),
                             cfd_icd10_title (field (entry, CFD_CHART_CODE)))));
          json_object_set_object_member (r, "code", code);
          json_object_set_object_member (r, "subject", reference (b->patient_url));
          if (field (entry, CFD_CHART_ONSET) != NULL)
            json_object_set_string_member (r, "onsetDateTime", field (entry, CFD_CHART_ONSET));
          json_object_set_string_member (r, "recordedDate", recorded);
          json_object_set_object_member (r, "recorder", reference (recorder));
          break;
        }
      case CFD_CHART_ALLERGY:
        {
          JsonObject *code = json_object_new ();

          r = new_resource ("AllergyIntolerance");
          json_object_set_object_member (
              r, "clinicalStatus",
              status_concept ("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                              active ? "active" : "inactive"));
          if (field (entry, CFD_CHART_NKDA) != NULL)
            {
              /* SNOMED CT 409137002 |No known drug allergy (situation)|. */
              json_object_set_array_member (
                  code, "coding", one (coding (FHIR_SNOMED, "409137002", "No known drug allergy")));
              json_object_set_string_member (code, "text", "No known drug allergies");
            }
          else
            json_object_set_string_member (code, "text", field (entry, CFD_CHART_SUBSTANCE));
          json_object_set_object_member (r, "code", code);
          json_object_set_object_member (r, "patient", reference (b->patient_url));
          json_object_set_string_member (r, "recordedDate", recorded);
          json_object_set_object_member (r, "recorder", reference (recorder));
          if (field (entry, CFD_CHART_REACTION) != NULL)
            {
              JsonObject *reaction = json_object_new ();
              const char *severity = field (entry, CFD_CHART_SEVERITY);

              json_object_set_array_member (reaction, "manifestation",
                                            one (text_concept (field (entry, CFD_CHART_REACTION))));
              /* FHIR knows mild, moderate and severe; "unknown" is left out. */
              if (severity != NULL && g_strcmp0 (severity, "unknown") != 0)
                json_object_set_string_member (reaction, "severity", severity);
              json_object_set_array_member (r, "reaction", one (reaction));
            }
          break;
        }
      case CFD_CHART_MEDICATION:
      case CFD_CHART_TRIAL:
        {
          gboolean trial = cfd_chart_entry_get_list (entry) == CFD_CHART_TRIAL;
          const char *start = field (entry, CFD_CHART_START);
          const char *stop = field (entry, CFD_CHART_STOP);
          g_autofree char *dosage_text = NULL;

          r = new_resource ("MedicationStatement");
          /* A trial is a past course; withdrawn means recorded in error. */
          json_object_set_string_member (r, "status",
                                         trial    ? (active ? "completed" : "entered-in-error")
                                         : active ? "active"
                                                  : "stopped");
          json_object_set_object_member (
              r, "medicationCodeableConcept",
              text_concept (field (entry, trial ? CFD_CHART_DRUG : CFD_CHART_NAME)));
          json_object_set_object_member (r, "subject", reference (b->patient_url));
          if (start != NULL || stop != NULL)
            {
              JsonObject *period = json_object_new ();

              if (start != NULL)
                json_object_set_string_member (period, "start", start);
              if (stop != NULL)
                json_object_set_string_member (period, "end", stop);
              json_object_set_object_member (r, "effectivePeriod", period);
            }
          json_object_set_string_member (r, "dateAsserted", recorded);
          json_object_set_object_member (r, "informationSource", reference (recorder));
          dosage_text = g_strjoin (
              " ", field (entry, CFD_CHART_DOSE) ? field (entry, CFD_CHART_DOSE) : "",
              field (entry, CFD_CHART_FREQUENCY) ? field (entry, CFD_CHART_FREQUENCY) : "", NULL);
          g_strstrip (dosage_text);
          if (*dosage_text != '\0')
            {
              JsonObject *dosage = json_object_new ();

              json_object_set_string_member (dosage, "text", dosage_text);
              json_object_set_array_member (r, "dosage", one (dosage));
            }
          if (trial)
            {
              JsonObject *note = json_object_new ();
              g_autofree char *described = cfd_chart_entry_describe (entry);
              g_autofree char *text = g_strdup_printf ("Antidepressant trial: %s", described);

              json_object_set_string_member (note, "text", text);
              json_object_set_array_member (r, "note", one (note));
              cfd_wipe_string (g_steal_pointer (&described));
            }
          break;
        }
      case CFD_CHART_PLAN:
        {
          /* One goal for one problem: a CarePlan that addresses the
           * problem's Condition, its interventions an activity. */
          g_autofree char *problem_url
              = derived_url (b, field (entry, CFD_CHART_PLAN_PROBLEM), "chart");
          const char *interventions = field (entry, CFD_CHART_INTERVENTIONS);
          const char *review = field (entry, CFD_CHART_REVIEW);

          r = new_resource ("CarePlan");
          json_object_set_string_member (r, "status", active ? "active" : "completed");
          json_object_set_string_member (r, "intent", "plan");
          json_object_set_string_member (r, "description", field (entry, CFD_CHART_GOAL));
          json_object_set_object_member (r, "subject", reference (b->patient_url));
          json_object_set_string_member (r, "created", recorded);
          json_object_set_object_member (r, "author", reference (recorder));
          json_object_set_array_member (r, "addresses", one (reference (problem_url)));
          if (interventions != NULL)
            {
              JsonObject *activity = json_object_new ();
              JsonObject *detail = json_object_new ();

              json_object_set_string_member (detail, "status",
                                             active ? "in-progress" : "completed");
              json_object_set_string_member (detail, "description", interventions);
              if (field (entry, CFD_CHART_FREQUENCY) != NULL)
                json_object_set_string_member (detail, "scheduledString",
                                               field (entry, CFD_CHART_FREQUENCY));
              json_object_set_object_member (activity, "detail", detail);
              json_object_set_array_member (r, "activity", one (activity));
            }
          if (review != NULL)
            {
              JsonObject *note = json_object_new ();
              g_autofree char *text = g_strdup_printf ("Review due %s", review);

              json_object_set_string_member (note, "text", text);
              json_object_set_array_member (r, "note", one (note));
            }
          break;
        }
      case CFD_CHART_EPISODE:
        {
          JsonObject *period = json_object_new ();
          JsonObject *type = json_object_new ();

          r = new_resource ("EpisodeOfCare");
          json_object_set_string_member (r, "status", active ? "active" : "finished");
          json_object_set_string_member (type, "text", field (entry, CFD_CHART_KIND));
          json_object_set_array_member (r, "type", one (type));
          json_object_set_object_member (r, "patient", reference (b->patient_url));
          json_object_set_string_member (period, "start", field (entry, CFD_CHART_START));
          if (field (entry, CFD_CHART_END) != NULL)
            json_object_set_string_member (period, "end", field (entry, CFD_CHART_END));
          json_object_set_object_member (r, "period", period);
          break;
        }
      default:
        return;
    }
  add_entry (b, url, r);
}

/* Every list's entries, loaded (and verified) before the bundle is built,
 * so that a tampered entry stops the export before anything is added. */
static GPtrArray *
load_chart (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GPtrArray) chart = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *lists[CFD_CHART_N_LISTS];

  if (!cfd_vault_list_chart_all (vault, patient_id, TRUE, lists, error))
    return NULL;
  for (guint list = 0; list < CFD_CHART_N_LISTS; list++)
    {
      for (guint i = 0; i < g_list_model_get_n_items (lists[list]); i++)
        g_ptr_array_add (chart, g_list_model_get_item (lists[list], i));
      g_object_unref (lists[list]);
    }
  return g_steal_pointer (&chart);
}

static GBytes *
record_signature (CfdVault *vault, const char *record_id)
{
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  sqlite3_stmt *stmt;
  GBytes *signature = NULL;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT signature FROM records WHERE id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) > 0)
    signature = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  return signature;
}

static gboolean
in_scope (CfdRecord *record, const CfdExportScope *scope)
{
  gint64 occurred = cfd_record_get_occurred (record);

  if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
    return FALSE;
  if (cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY
      && !scope->include_psychotherapy)
    return FALSE;
  if (scope->from != 0 && occurred < scope->from)
    return FALSE;
  if (scope->to != 0 && occurred >= scope->to)
    return FALSE;
  return scope->kinds == 0 || (scope->kinds & (1u << cfd_record_get_kind (record))) != 0;
}

static gint
by_date (gconstpointer a, gconstpointer b)
{
  CfdRecord *ra = *(CfdRecord **)a, *rb = *(CfdRecord **)b;
  gint64 da = cfd_record_get_occurred (ra), db = cfd_record_get_occurred (rb);
  gboolean adda = cfd_record_get_kind (ra) == CFD_RECORD_ADDENDUM;
  gboolean addb = cfd_record_get_kind (rb) == CFD_RECORD_ADDENDUM;

  /* Addenda after every record, so what they amend is already mapped. */
  if (adda != addb)
    return adda ? 1 : -1;
  if (da != db)
    return da < db ? -1 : 1;
  return g_strcmp0 (cfd_record_get_id (ra), cfd_record_get_id (rb));
}

static gboolean
check_scope (CfdVault *vault, const char *patient_id, const CfdExportScope *scope, GError **error)
{
  if (cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    {
      cfd_vault_audit_standalone (vault, "patient.export-fhir", "patient", patient_id,
                                  CFD_AUDIT_DENIED);
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("A supervisor may not export a patient's record: supervision consent "
                      "covers reviewing notes, not disclosing them"));
      return FALSE;
    }
  if (scope->include_psychotherapy
      && (scope->authorization == NULL || scope->authorization[0] == '\0'))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("Psychotherapy notes are disclosed only under the patient's written "
                              "authorization (45 CFR 164.508(a)(2)): name it"));
      return FALSE;
    }
  if (scope->include_psychotherapy
      && (strlen (scope->authorization) > 100 || strpbrk (scope->authorization, "\r\n\t") != NULL
          || !g_utf8_validate (scope->authorization, -1, NULL)))
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The authorization id must be one line of at most 100 characters"));
      return FALSE;
    }
  /* The authorization must be on record, live, and for psychotherapy notes. */
  if (scope->include_psychotherapy
      && !cfd_vault_check_psychotherapy_authorization (vault, patient_id, scope->authorization,
                                                       error))
    {
      cfd_vault_audit_standalone (vault, "patient.export-fhir", "patient", patient_id,
                                  CFD_AUDIT_DENIED);
      return FALSE;
    }
  if (scope->from != 0 && scope->to != 0 && scope->to <= scope->from)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The export's end date is not after its start date"));
      return FALSE;
    }
  return TRUE;
}

char *
cfd_vault_build_patient_fhir (CfdVault *vault,
                              const char *patient_id,
                              const CfdExportScope *scope,
                              guint *n_resources,
                              GError **error)
{
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GListModel) consents = NULL;
  g_autoptr (GPtrArray) chart = NULL;
  g_autoptr (GListModel) attachments = NULL;
  g_autoptr (GPtrArray) chosen = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) generator = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *bundle_id = NULL;
  JsonObject *bundle;
  Bundle b = { 0 };
  char *json;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL && scope != NULL, NULL);

  if (cfd_vault_get_db (vault, error) == NULL || !check_scope (vault, patient_id, scope, error))
    return NULL;
  patient = cfd_vault_get_patient (vault, patient_id, error);
  if (patient == NULL)
    return NULL;
  records = cfd_vault_list_records (vault, patient_id, error);
  if (records == NULL)
    return NULL;
  consents = cfd_vault_list_consents (vault, patient_id, error);
  if (consents == NULL)
    return NULL;
  chart = load_chart (vault, patient_id, error);
  if (chart == NULL)
    return NULL;
  if (scope->include_attachments)
    {
      attachments = cfd_vault_list_attachments (vault, patient_id, error);
      if (attachments == NULL)
        return NULL;
    }
  b.practice = cfd_vault_get_practice (vault, error);
  if (b.practice == NULL)
    return NULL;

  b.vault = vault;
  b.vault_id = cfd_vault_get_id (vault);
  b.patient_id = patient_id;
  b.entries = json_array_new ();
  b.users = cfd_vault_list_users (vault);
  b.practitioners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b.record_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b.patient_url = derived_url (&b, patient_id, "patient");
  b.organization_url = derived_url (&b, "practice", "organization");

  add_organization (&b);
  add_patient (&b, patient);

  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (in_scope (record, scope))
        g_ptr_array_add (chosen, g_steal_pointer (&record));
    }
  g_ptr_array_sort (chosen, by_date);
  for (guint i = 0; i < chosen->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (chosen, i);
      const char *author_url = practitioner (&b, cfd_record_get_author_id (record));

      switch (cfd_record_get_kind (record))
        {
          case CFD_RECORD_DOSING:
            add_dosing (&b, record, author_url);
            break;
          case CFD_RECORD_MEASURE:
            add_measure (&b, record, author_url);
            break;
          case CFD_RECORD_INTEGRATION:
            {
              g_autofree char *encounter_url
                  = derived_url (&b, cfd_record_get_id (record), "encounter");

              label_psychotherapy (encounter (&b, record, encounter_url, author_url));
              add_document (&b, record, author_url);
            }
            break;
          case CFD_RECORD_SESSION:
            add_session (&b, record, author_url);
            break;
          default:
            add_document (&b, record, author_url);
            break;
        }
    }
  /* Consents go with the record, unless the export is scoped to kinds. */
  if (scope->kinds == 0)
    for (guint i = 0; i < g_list_model_get_n_items (consents); i++)
      {
        g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, i);

        add_consent (&b, consent);
      }
  /* The chart lists likewise. */
  if (scope->kinds == 0)
    for (guint i = 0; i < chart->len; i++)
      add_chart_entry (&b, g_ptr_array_index (chart, i));
  /* Filed documents only on request. */
  if (attachments != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (attachments); i++)
      {
        g_autoptr (CfdAttachment) a = g_list_model_get_item (attachments, i);

        if (!add_attachment (&b, a, error))
          {
            json_array_unref (b.entries);
            g_free (b.patient_url);
            g_free (b.organization_url);
            g_ptr_array_unref (b.users);
            cfd_practice_free (b.practice);
            g_hash_table_unref (b.practitioners);
            g_hash_table_unref (b.record_urls);
            return NULL;
          }
      }
  for (guint i = 0; i < chosen->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (chosen, i);
      g_autoptr (GBytes) signature = record_signature (vault, cfd_record_get_id (record));

      add_provenance (&b, record, practitioner (&b, cfd_record_get_author_id (record)), signature);
    }

  bundle = new_resource ("Bundle");
  bundle_id = derived_url (&b, patient_id, "bundle");
  json_object_set_string_member (bundle, "id", bundle_id + strlen ("urn:uuid:"));
  if (scope->include_psychotherapy)
    label_psychotherapy (bundle);
  json_object_set_string_member (bundle, "type", "collection");
  now = g_date_time_new_from_unix_utc (cfd_vault_now (vault) / G_USEC_PER_SEC);
  timestamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (bundle, "timestamp", timestamp);
  if (n_resources != NULL)
    *n_resources = json_array_get_length (b.entries);
  json_object_set_array_member (bundle, "entry", b.entries);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, bundle);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  g_free (b.patient_url);
  g_free (b.organization_url);
  g_ptr_array_unref (b.users);
  cfd_practice_free (b.practice);
  g_hash_table_unref (b.practitioners);
  g_hash_table_unref (b.record_urls);
  return json;
}

gboolean
cfd_export_scope_parse_kinds (const char *text, guint *kinds, GError **error)
{
  g_auto (GStrv) names = g_strsplit (text, ",", -1);

  *kinds = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      CfdRecordKind kind;

      g_strstrip (names[i]);
      if (!cfd_record_kind_from_string (names[i], &kind))
        {
          g_set_error (
              error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
              _ ("Unknown record kind \"%s\" (integration, dosing, intake, progress, risk, "
                 "safety-plan, measure, addendum)"),
              names[i]);
          return FALSE;
        }
      *kinds |= 1u << kind;
    }
  return TRUE;
}

gboolean
cfd_vault_export_patient_fhir (CfdVault *vault,
                               const char *patient_id,
                               const CfdExportScope *scope,
                               const CfdDisclosureTerms *terms,
                               const char *path,
                               guint *n_resources,
                               GError **error)
{
  g_autofree char *description = NULL;
  CfdExportDisclosure disclosure;
  char *json;
  guint n = 0;
  gboolean written;

  if (!cfd_disclosure_terms_check (terms, error)
      || !cfd_export_file_check_destination (path, "FHIR bundle", error))
    return FALSE;
  json = cfd_vault_build_patient_fhir (vault, patient_id, scope, &n, error);
  if (json == NULL)
    return FALSE;
  description = g_strdup_printf (
      "FHIR R4 bundle of the signed medical record%s%s (%u resources)",
      scope->include_psychotherapy ? " and psychotherapy notes under authorization " : "",
      scope->include_psychotherapy ? scope->authorization : "", n);
  disclosure = (CfdExportDisclosure){ "patient.export-fhir", patient_id,
                                      scope->include_psychotherapy, terms, description };
  written = cfd_export_file_write (vault, path, "FHIR bundle", (const guint8 *)json, strlen (json),
                                   &disclosure, error);
  cfd_wipe_string (json);
  if (written && n_resources != NULL)
    *n_resources = n;
  return written;
}
