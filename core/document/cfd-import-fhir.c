/* cfd-import-fhir.c: a FHIR R4 Bundle read into a vault: a new patient, their measures, notes as drafts. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cfd-date.h"
#include "cfd-db.h"
#include "cfd-fhir-codes.h"
#include "cfd-import-fhir.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-secure-private.h"
#include "cfd-sedation.h"
#include "cfd-template-private.h"
#include "cfd-template.h"
#include "cfd-vault-private.h"

#define MAX_BUNDLE_BYTES (16 * 1024 * 1024)
#define MAX_NOTE_BYTES   (256 * 1024)
#define MAX_TEXT_CHARS   500

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
               _ ("The FHIR bundle cannot be imported: %s"), what);
  return FALSE;
}

/* A string member, or NULL when absent or of another type. */
static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
object_element (JsonArray *array, guint i)
{
  JsonNode *node = json_array_get_element (array, i);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* One line of printable text of a sane length. */
static gboolean
plain_text (const char *text)
{
  if (text == NULL || text[0] == '\0' || g_utf8_strlen (text, -1) > MAX_TEXT_CHARS)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p < 0x20)
      return FALSE;
  return TRUE;
}

/* "YYYY-MM-DD" or a dateTime that starts with it: the day. */
static gboolean
parse_day (const char *text, gint64 *seconds)
{
  g_autofree char *day = NULL;

  if (text == NULL || strlen (text) < 10)
    return FALSE;
  day = g_strndup (text, 10);
  return cfd_date_parse (day, seconds);
}

/* YYYY-MM-DD naming a real day (before 1970 too, unlike a record date). */
static gboolean
full_date (const char *text)
{
  unsigned year, month, day;
  char end;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-'
      || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3)
    return FALSE;
  return year >= 1 && g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year);
}

static gboolean
read_patient (CfdFhirImport *import, JsonObject *patient, GError **error)
{
  JsonArray *names = array_member (patient, "name");
  JsonObject *name
      = names != NULL && json_array_get_length (names) > 0 ? object_element (names, 0) : NULL;
  const char *text = string_member (name, "text");
  const char *birth = string_member (patient, "birthDate");
  JsonArray *identifiers = array_member (patient, "identifier");

  if (import->name != NULL)
    return invalid (error, _ ("it holds more than one Patient"));
  if (text == NULL)
    {
      /* given + family when there is no text. */
      JsonArray *given = array_member (name, "given");
      const char *family = string_member (name, "family");
      const char *first = given != NULL && json_array_get_length (given) > 0
                              ? json_array_get_string_element (given, 0)
                              : NULL;

      if (family != NULL && first != NULL)
        import->name = g_strdup_printf ("%s %s", first, family);
      else if (family != NULL)
        import->name = g_strdup (family);
    }
  else
    import->name = g_strdup (text);
  if (!plain_text (import->name))
    return invalid (error, _ ("its Patient has no usable name"));
  for (guint i = 0; identifiers != NULL && i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = object_element (identifiers, i);
      const char *system = string_member (identifier, "system");
      const char *value = string_member (identifier, "value");

      if (plain_text (system) && plain_text (value))
        {
          import->identifier_system = g_strdup (system);
          import->identifier_value = g_strdup (value);
          break;
        }
    }
  if (birth != NULL)
    {
      if (!full_date (birth))
        return invalid (error, _ ("its Patient's birthDate is not a full date"));
      import->birth_date = g_strdup (birth);
    }
  return TRUE;
}

/* The library's definition a questionnaire URL names, or NULL. */
static const CfdInstrumentDef *
questionnaire_def (const char *questionnaire)
{
  g_autoptr (GPtrArray) all = NULL;
  const CfdInstrumentDef *found = NULL;

  if (questionnaire == NULL)
    return NULL;
  if (g_str_has_prefix (questionnaire, "urn:confidant:instrument:"))
    {
      g_autofree char *id = g_strdup (questionnaire + strlen ("urn:confidant:instrument:"));
      char *colon = strchr (id, ':');

      if (colon != NULL)
        *colon = '\0';
      return cfd_instrument_lookup (id);
    }
  if (!g_str_has_prefix (questionnaire, "http://loinc.org/q/"))
    return NULL;
  all = cfd_instrument_list ();
  for (guint i = 0; i < all->len && found == NULL; i++)
    if (g_strcmp0 (cfd_instrument_def_get_loinc (g_ptr_array_index (all, i)),
                   questionnaire + strlen ("http://loinc.org/q/"))
        == 0)
      found = g_ptr_array_index (all, i);
  return found;
}

/* A measure of another instrument of the library, as the export writes
 * it: items "item-N" with whole-number answers, scored here so that
 * nothing that would not score is taken in. */
static gboolean
read_instrument_measure (CfdFhirImport *import, JsonObject *response, GError **error)
{
  const CfdInstrumentDef *def = questionnaire_def (string_member (response, "questionnaire"));
  JsonArray *items = array_member (response, "item");
  CfdFhirImportMeasure measure = { 0 };
  CfdInstrumentScore score;
  guint n;

  if (def == NULL)
    {
      import->n_skipped++;
      return TRUE;
    }
  n = cfd_instrument_def_get_n_items (def);
  if (!parse_day (string_member (response, "authored"), &measure.occurred))
    return invalid (error, _ ("a QuestionnaireResponse has no authored date"));
  for (guint j = 0; j < G_N_ELEMENTS (measure.answers); j++)
    measure.answers[j] = CFD_ANSWER_NONE;
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = object_element (items, i);
      const char *link = string_member (item, "linkId");
      JsonArray *answers = array_member (item, "answer");
      JsonObject *answer = answers != NULL && json_array_get_length (answers) == 1
                               ? object_element (answers, 0)
                               : NULL;
      JsonNode *value = answer != NULL ? json_object_get_member (answer, "valueInteger") : NULL;
      unsigned number = 0;
      char end;
      gint64 v;

      if (link == NULL || sscanf (link, "item-%u%c", &number, &end) != 1 || number < 1
          || number > n)
        return invalid (error, _ ("a questionnaire item is not one of the instrument's"));
      if (value == NULL || JSON_NODE_TYPE (value) != JSON_NODE_VALUE
          || json_node_get_value_type (value) != G_TYPE_INT64)
        return invalid (error, _ ("a questionnaire answer is not an integer"));
      v = json_node_get_int (value);
      if (v < G_MININT || v > G_MAXINT || measure.answers[number - 1] != CFD_ANSWER_NONE)
        return invalid (error, _ ("a questionnaire item is answered twice or out of range"));
      measure.answers[number - 1] = (int)v;
    }
  if (!cfd_instrument_def_score (def, measure.answers, n, &score, NULL))
    return invalid (error, _ ("a questionnaire's answers do not score under its instrument"));
  measure.def = def;
  measure.n_items = n;
  g_array_append_val (import->measures, measure);
  return TRUE;
}

static gboolean
read_measure (CfdFhirImport *import, JsonObject *response, GError **error)
{
  const char *questionnaire = string_member (response, "questionnaire");
  const CfdFhirInstrumentCodes *codes = NULL;
  JsonArray *items = array_member (response, "item");
  CfdFhirImportMeasure measure = { 0 };
  gboolean seen[16] = { FALSE };
  gint64 stated_total = -1, sum = 0;

  if (questionnaire != NULL && g_str_has_prefix (questionnaire, "http://loinc.org/q/"))
    {
      const char *panel = questionnaire + strlen ("http://loinc.org/q/");

      if (g_strcmp0 (panel, "44249-1") == 0)
        codes = cfd_fhir_instrument_codes ("phq9");
      else if (g_strcmp0 (panel, "69737-5") == 0)
        codes = cfd_fhir_instrument_codes ("gad7");
    }
  if (codes == NULL)
    return read_instrument_measure (import, response, error);
  if (!cfd_instrument_from_string (codes->instrument, &measure.instrument))
    return invalid (error, _ ("an instrument is unknown"));
  if (!parse_day (string_member (response, "authored"), &measure.occurred))
    return invalid (error, _ ("a QuestionnaireResponse has no authored date"));
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = object_element (items, i);
      const char *link = string_member (item, "linkId");
      JsonArray *answers = array_member (item, "answer");
      JsonObject *answer = answers != NULL && json_array_get_length (answers) == 1
                               ? object_element (answers, 0)
                               : NULL;

      if (link == NULL || answer == NULL)
        return invalid (error, _ ("a questionnaire item has no linkId or not exactly one answer"));
      if (g_strcmp0 (link, codes->total.code) == 0)
        {
          JsonNode *value = json_object_get_member (answer, "valueInteger");

          if (value == NULL || JSON_NODE_TYPE (value) != JSON_NODE_VALUE
              || json_node_get_value_type (value) != G_TYPE_INT64)
            return invalid (error, _ ("a questionnaire total is not an integer"));
          stated_total = json_node_get_int (value);
          continue;
        }
      for (guint j = 0; j < codes->n_items; j++)
        {
          gint64 score;

          if (g_strcmp0 (link, codes->items[j].code) != 0)
            continue;
          score = cfd_fhir_frequency_score (
              string_member (object_member (answer, "valueCoding"), "code"));
          if (score < 0)
            return invalid (error, _ ("a questionnaire answer is not a known LA code"));
          if (seen[j])
            return invalid (error, _ ("a questionnaire item is answered twice"));
          seen[j] = TRUE;
          measure.items[j] = (guint8)score;
          sum += score;
        }
    }
  for (guint j = 0; j < codes->n_items; j++)
    if (!seen[j])
      return invalid (error,
                      _ ("a questionnaire is incomplete (Confidant scores complete ones only)"));
  if (stated_total >= 0 && stated_total != sum)
    return invalid (error, _ ("a questionnaire's total is not the sum of its items"));
  measure.n_items = codes->n_items;
  g_array_append_val (import->measures, measure);
  return TRUE;
}

/* The scale an Observation's code names, or -1 for any other Observation. */
static int
rating_scale (JsonObject *observation)
{
  const char *text = string_member (object_member (observation, "code"), "text");

  for (int scale = 0; scale < CFD_FHIR_N_RATINGS; scale++)
    if (g_strcmp0 (text, cfd_fhir_rating_texts[scale]) == 0)
      return scale;
  return -1;
}

/* The timepoint extension of a rating, "" when it has none; NULL when it
 * names one the dosing template does not list. */
static const char *
rating_timepoint (JsonObject *observation)
{
  const CfdTemplateField *field
      = cfd_template_find_field (cfd_template_get (CFD_RECORD_DOSING), "sedation-ratings");
  JsonArray *extensions = array_member (observation, "extension");

  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = object_element (extensions, i);
      const char *code = string_member (extension, "valueCode");

      if (g_strcmp0 (string_member (extension, "url"), CFD_FHIR_RATING_TIMEPOINT_URL) != 0)
        continue;
      if (code == NULL || field->choices == NULL
          || !g_strv_contains ((const char *const *)field->choices, code))
        return NULL;
      return code;
    }
  return "";
}

/* A sedation rating exported by Confidant (or written the same way); any
 * other Observation is skipped. */
static gboolean
read_observation (CfdFhirImport *import, JsonObject *observation, GError **error)
{
  static const guint16 min[CFD_FHIR_N_RATINGS] = { 0, 0, CFD_SEDATION_BPRS_MIN };
  static const guint16 max[CFD_FHIR_N_RATINGS]
      = { CFD_SEDATION_MOAAS_MAX, CFD_SEDATION_CADSS_MAX, CFD_SEDATION_BPRS_MAX };
  int scale = rating_scale (observation);
  const char *effective = string_member (observation, "effectiveDateTime");
  JsonNode *value = json_object_get_member (observation, "valueInteger");
  const char *timepoint = rating_timepoint (observation);
  CfdFhirImportRating rating = { 0 };
  gint64 score;

  if (scale < 0)
    {
      import->n_skipped++;
      return TRUE;
    }
  if (!parse_day (effective, &rating.occurred) || strlen (effective) < 16 || effective[10] != 'T')
    return invalid (error, _ ("a sedation rating has no date and time"));
  memcpy (rating.time, effective + 11, 5);
  if (!cfd_template_is_valid_time (rating.time))
    return invalid (error, _ ("a sedation rating has no date and time"));
  if (value == NULL || JSON_NODE_TYPE (value) != JSON_NODE_VALUE
      || json_node_get_value_type (value) != G_TYPE_INT64)
    return invalid (error, _ ("a sedation rating is not an integer"));
  score = json_node_get_int (value);
  if (score < min[scale] || score > max[scale])
    return invalid (error, _ ("a sedation rating is outside its scale"));
  if (timepoint == NULL)
    return invalid (error,
                    _ ("a sedation rating has a timepoint that is not one of the listed ones"));
  g_strlcpy (rating.timepoint, timepoint, sizeof rating.timepoint);
  rating.scale = (guint)scale;
  rating.score = (guint16)score;
  g_array_append_val (import->ratings, rating);
  return TRUE;
}

static gboolean
is_psychotherapy (JsonObject *resource)
{
  JsonArray *security = array_member (object_member (resource, "meta"), "security");

  for (guint i = 0; security != NULL && i < json_array_get_length (security); i++)
    if (g_strcmp0 (string_member (object_element (security, i), "code"), "PSYTHPN") == 0)
      return TRUE;
  return FALSE;
}

static gboolean
read_note (CfdFhirImport *import, JsonObject *document, GError **error)
{
  JsonArray *contents = array_member (document, "content");
  JsonObject *attachment = contents != NULL && json_array_get_length (contents) > 0
                               ? object_member (object_element (contents, 0), "attachment")
                               : NULL;
  const char *type = string_member (object_member (document, "type"), "text");
  const char *data = string_member (attachment, "data");
  const char *content_type = string_member (attachment, "contentType");
  const char *date
      = string_member (object_member (object_member (document, "context"), "period"), "start");
  g_autofree guchar *decoded = NULL;
  gsize length = 0;
  CfdFhirImportNote *note;
  gint64 occurred;

  /* Psychotherapy notes stay with the practice that wrote them. */
  if (is_psychotherapy (document) || data == NULL || content_type == NULL
      || !g_str_has_prefix (content_type, "text/plain"))
    {
      import->n_skipped++;
      return TRUE;
    }
  if (strlen (data) > MAX_NOTE_BYTES * 4 / 3 + 4)
    return invalid (error, _ ("a document is larger than 256 KiB"));
  if (!parse_day (date != NULL ? date : string_member (document, "date"), &occurred))
    return invalid (error, _ ("a document has no date"));
  decoded = g_base64_decode (data, &length);
  if (decoded == NULL || length == 0 || memchr (decoded, '\0', length) != NULL
      || !g_utf8_validate ((const char *)decoded, (gssize)length, NULL))
    return invalid (error, _ ("a document's text is not UTF-8"));
  note = g_new0 (CfdFhirImportNote, 1);
  note->occurred = occurred;
  note->title = g_strdup (plain_text (type) ? type : "Document");
  note->text = g_strndup ((const char *)decoded, length);
  cfd_wipe_free (g_steal_pointer (&decoded), length);
  g_ptr_array_add (import->notes, note);
  return TRUE;
}

static void
note_free (CfdFhirImportNote *note)
{
  g_free (note->title);
  cfd_wipe_string (note->text);
  g_free (note);
}

void
cfd_fhir_import_free (CfdFhirImport *import)
{
  if (import == NULL)
    return;
  cfd_wipe_string (import->name);
  g_free (import->birth_date);
  g_free (import->identifier_system);
  g_free (import->identifier_value);
  g_array_unref (import->measures);
  g_ptr_array_unref (import->notes);
  g_array_unref (import->ratings);
  g_free (import);
}

CfdFhirImport *
cfd_fhir_import_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (CfdFhirImport) import = g_new0 (CfdFhirImport, 1);
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *bundle;
  JsonArray *entries;

  import->measures = g_array_new (FALSE, TRUE, sizeof (CfdFhirImportMeasure));
  import->notes = g_ptr_array_new_with_free_func ((GDestroyNotify)note_free);
  import->ratings = g_array_new (FALSE, TRUE, sizeof (CfdFhirImportRating));
  if (length > MAX_BUNDLE_BYTES)
    {
      invalid (error, _ ("it is larger than 16 MiB"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize)length, &parse_error))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The FHIR bundle cannot be imported: it is not JSON (%s)"),
                   parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  bundle = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (g_strcmp0 (string_member (bundle, "resourceType"), "Bundle") != 0)
    {
      invalid (error, _ ("it is not a FHIR Bundle"));
      return NULL;
    }
  entries = array_member (bundle, "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = object_member (object_element (entries, i), "resource");
      const char *type = string_member (resource, "resourceType");
      gboolean ok = TRUE;

      if (g_strcmp0 (type, "Patient") == 0)
        ok = read_patient (import, resource, error);
      else if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
        ok = read_measure (import, resource, error);
      else if (g_strcmp0 (type, "DocumentReference") == 0)
        ok = read_note (import, resource, error);
      else if (g_strcmp0 (type, "Observation") == 0)
        ok = read_observation (import, resource, error);
      else
        import->n_skipped++;
      if (!ok)
        return NULL;
    }
  if (import->name == NULL)
    {
      invalid (error, _ ("it holds no Patient"));
      return NULL;
    }
  return g_steal_pointer (&import);
}

char *
cfd_vault_match_fhir_patient (CfdVault *vault, CfdFhirImport *import, GError **error)
{
  g_autofree char *system = NULL;
  g_autoptr (CfdPatient) patient = NULL;
  g_autoptr (GError) local_error = NULL;

  if (import->identifier_system == NULL || cfd_vault_get_db (vault, error) == NULL)
    return NULL;
  system = g_strdup_printf ("urn:confidant:vault:%s:patient", cfd_vault_get_id (vault));
  if (g_strcmp0 (import->identifier_system, system) != 0)
    return NULL;
  patient = cfd_vault_get_patient (vault, import->identifier_value, &local_error);
  if (patient == NULL)
    {
      if (!g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_strdup (cfd_patient_get_id (patient));
}

/* The ratings of one day as the rows of a dosing record: one row per time
 * and timepoint, each scale where the bundle rated it. */
static GVariant *
rating_rows (CfdFhirImport *import, gint64 day)
{
  GVariantBuilder rows = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE));
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < import->ratings->len; i++)
    {
      const CfdFhirImportRating *first = &g_array_index (import->ratings, CfdFhirImportRating, i);
      g_autofree char *key = g_strconcat (first->time, " ", first->timepoint, NULL);
      gboolean has[CFD_FHIR_N_RATINGS] = { FALSE };
      guint16 score[CFD_FHIR_N_RATINGS] = { 0 };

      if (first->occurred != day || g_hash_table_contains (seen, key))
        continue;
      for (guint j = i; j < import->ratings->len; j++)
        {
          const CfdFhirImportRating *r = &g_array_index (import->ratings, CfdFhirImportRating, j);

          if (r->occurred == day && strcmp (r->time, first->time) == 0
              && strcmp (r->timepoint, first->timepoint) == 0)
            {
              has[r->scale] = TRUE;
              score[r->scale] = r->score;
            }
        }
      g_variant_builder_add (&rows, "(ssmqmqmq)", first->time, first->timepoint, has[0], score[0],
                             has[1], score[1], has[2], score[2]);
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  return g_variant_builder_end (&rows);
}

/* One unsigned dosing record per day with ratings: what the bundle said,
 * for a clinician to complete or discard; nothing else is guessed. */
static gboolean
write_ratings (CfdVault *vault, CfdFhirImport *import, const char *patient_id, GError **error)
{
  g_autoptr (GHashTable) days = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < import->ratings->len; i++)
    {
      CfdFhirImportRating *r = &g_array_index (import->ratings, CfdFhirImportRating, i);
      GVariantDict content;
      g_autoptr (GVariant) content_variant = NULL;
      g_autofree char *id = NULL;

      if (g_hash_table_contains (days, &r->occurred))
        continue;
      g_hash_table_add (days, &r->occurred);
      g_variant_dict_init (&content, NULL);
      g_variant_dict_insert_value (&content, "sedation-ratings", rating_rows (import, r->occurred));
      content_variant = g_variant_ref_sink (g_variant_dict_end (&content));
      id = cfd_vault_create_record (vault, patient_id, CFD_RECORD_DOSING, r->occurred,
                                    content_variant, error);
      if (id == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Everything the bundle holds, written inside the caller's transaction. */
static char *
write_import (CfdVault *vault,
              CfdFhirImport *import,
              const char *source,
              const char *existing_patient_id,
              GError **error)
{
  g_autofree char *patient_id = NULL;

  if (existing_patient_id != NULL)
    {
      g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, existing_patient_id, error);

      if (patient == NULL)
        return NULL;
      patient_id = g_strdup (existing_patient_id);
    }
  else
    {
      GVariantDict details;
      g_autoptr (GVariant) details_variant = NULL;

      g_variant_dict_init (&details, NULL);
      g_variant_dict_insert (&details, CFD_PATIENT_NAME, "s", import->name);
      if (import->birth_date != NULL)
        g_variant_dict_insert (&details, CFD_PATIENT_BIRTH_DATE, "s", import->birth_date);
      details_variant = g_variant_ref_sink (g_variant_dict_end (&details));
      patient_id = cfd_vault_add_patient (vault, details_variant, error);
      if (patient_id == NULL)
        return NULL;
    }
  for (guint i = 0; i < import->measures->len; i++)
    {
      CfdFhirImportMeasure *m = &g_array_index (import->measures, CfdFhirImportMeasure, i);
      g_autofree char *id
          = m->def != NULL ? cfd_vault_add_instrument_measure (
                vault, patient_id, cfd_instrument_def_get_id (m->def), m->occurred, m->answers,
                m->n_items, CFD_MEASURE_MODE_SELF_REPORT, error)
                           : cfd_vault_add_measure (vault, patient_id, m->instrument, m->occurred,
                                                    m->items, m->n_items, error);

      if (id == NULL)
        return NULL;
    }
  for (guint i = 0; i < import->notes->len; i++)
    {
      CfdFhirImportNote *note = g_ptr_array_index (import->notes, i);
      g_autofree char *text = g_strdup_printf (
          "Imported from %s (FHIR DocumentReference: %s). Unsigned until a clinician has read "
          "it.\n\n%s",
          source, note->title, note->text);
      GVariantDict content;
      g_autoptr (GVariant) content_variant = NULL;
      g_autofree char *id = NULL;

      g_variant_dict_init (&content, NULL);
      g_variant_dict_insert (&content, "subjective", "s", text);
      content_variant = g_variant_ref_sink (g_variant_dict_end (&content));
      cfd_wipe_string (g_steal_pointer (&text));
      id = cfd_vault_create_record (vault, patient_id, CFD_RECORD_PROGRESS, note->occurred,
                                    content_variant, error);
      if (id == NULL)
        return NULL;
    }
  if (!write_ratings (vault, import, patient_id, error))
    return NULL;
  return g_steal_pointer (&patient_id);
}

char *
cfd_vault_import_fhir_into (CfdVault *vault,
                            CfdFhirImport *import,
                            const char *source,
                            const char *existing_patient_id,
                            GError **error)
{
  g_autofree char *patient_id = NULL;
  CfdDb *db;

  if (!plain_text (source))
    {
      invalid (error, _ ("its source must be named in one line"));
      return NULL;
    }
  db = cfd_vault_get_db (vault, error);
  /* One transaction: each step below runs in a savepoint of it, so a
   * failure on the last note takes back the patient and every measure. */
  if (db == NULL || !cfd_db_begin (db, error))
    return NULL;
  patient_id = write_import (vault, import, source, existing_patient_id, error);
  if (patient_id == NULL || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&patient_id);
}

char *
cfd_vault_import_fhir (CfdVault *vault, CfdFhirImport *import, const char *source, GError **error)
{
  return cfd_vault_import_fhir_into (vault, import, source, NULL, error);
}
