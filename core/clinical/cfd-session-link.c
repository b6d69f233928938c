/* cfd-session-link.c: a session record shows the dosing facts from the
 * dosing record it links to, so they are written once (docs/CLINICAL.md,
 * "Session record"). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-error.h"
#include "cfd-record-private.h"
#include "cfd-session-link.h"
#include "cfd-template.h"

#define LINK_FIELD      "dosing-record"
#define SECONDS_PER_DAY (24 * 60 * 60)

/* The fields a session shows from the dosing record: (session, dosing). */
static const char *const shown_fields[][2] = {
  { "dosing-medication", "medication" },
  { "dosing-route", "route" },
  { "dosing-dose-mg", "dose-mg" },
};

static gint64
day_number (gint64 seconds)
{
  return seconds >= 0 ? seconds / SECONDS_PER_DAY : -((-seconds - 1) / SECONDS_PER_DAY) - 1;
}

/* The linked dosing record, whatever its state, or NULL when the link is
 * empty or names nothing of this patient's that is a dosing record. */
static CfdRecord *
load_linked (CfdVault *vault, const char *patient_id, GVariant *content)
{
  const char *link = NULL;
  g_autoptr (CfdRecord) dosing = NULL;

  if (content == NULL || !g_variant_lookup (content, LINK_FIELD, "&s", &link) || *link == '\0')
    return NULL;
  dosing = cfd_record_load (vault, link, NULL);
  if (dosing == NULL || cfd_record_get_kind (dosing) != CFD_RECORD_DOSING
      || g_strcmp0 (cfd_record_get_patient_id (dosing), patient_id) != 0)
    return NULL;
  return g_steal_pointer (&dosing);
}

/* What the session shows from dosing, as a dictionary of its own fields. */
static void
add_shown (GVariantBuilder *builder, CfdRecord *dosing, gint64 occurred)
{
  GVariant *content = cfd_record_get_content (dosing);
  gint64 days = day_number (occurred) - day_number (cfd_record_get_occurred (dosing));

  for (guint i = 0; i < G_N_ELEMENTS (shown_fields); i++)
    {
      g_autoptr (GVariant) value = g_variant_lookup_value (content, shown_fields[i][1], NULL);

      /* Only values a signed dosing record could hold are copied. */
      if (value != NULL
          && (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE)
              || (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) && i < 2)))
        g_variant_builder_add (builder, "{sv}", shown_fields[i][0], value);
    }
  if (days >= 0)
    g_variant_builder_add (builder, "{sv}", "days-since-dosing",
                           g_variant_new_double ((double)days));
}

static gboolean
is_shown_field (const char *key)
{
  if (g_strcmp0 (key, "days-since-dosing") == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (shown_fields); i++)
    if (g_strcmp0 (key, shown_fields[i][0]) == 0)
      return TRUE;
  return FALSE;
}

GVariant *
cfd_session_fill_from_dosing (CfdVault *vault,
                              const char *patient_id,
                              gint64 occurred,
                              GVariant *content)
{
  g_autoptr (CfdRecord) dosing = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  /* Anything that is not a dictionary is left for the template to refuse. */
  if (content == NULL || !g_variant_is_of_type (content, G_VARIANT_TYPE_VARDICT))
    return content != NULL ? g_variant_ref (content) : NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, content);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!is_shown_field (key))
        g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_unref (value);
    }
  dosing = load_linked (vault, patient_id, content);
  if (dosing != NULL)
    add_shown (&builder, dosing, occurred);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
named_link_error (GError **error, CfdRecordKind kind, const char *field_id, const char *problem)
{
  const CfdTemplateField *field = cfd_template_find_field (cfd_template_get (kind), field_id);

  g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
               _ ("Before the record is signed: “%s” %s"), field->label, problem);
  return FALSE;
}

static gboolean
link_error (GError **error, const char *problem)
{
  return named_link_error (error, CFD_RECORD_SESSION, LINK_FIELD, problem);
}

gboolean
cfd_session_check_dosing_link (CfdVault *vault, CfdRecord *session, GError **error)
{
  GVariant *content = cfd_record_get_content (session);
  const char *link = NULL;
  g_autoptr (CfdRecord) dosing = NULL;
  g_autoptr (GVariant) expected = NULL;
  g_autoptr (GError) local_error = NULL;
  GVariantBuilder builder;

  if (cfd_record_get_kind (session) != CFD_RECORD_SESSION)
    return TRUE;
  if (!g_variant_lookup (content, LINK_FIELD, "&s", &link) || *link == '\0')
    {
      /* Without a link nothing may pretend to come from one. */
      for (guint i = 0; i < G_N_ELEMENTS (shown_fields); i++)
        {
          g_autoptr (GVariant) shown = g_variant_lookup_value (content, shown_fields[i][0], NULL);

          if (shown != NULL)
            return link_error (error, "is empty, yet dosing facts are filled in; save again");
        }
      return TRUE;
    }
  dosing = cfd_record_load (vault, link, &local_error);
  if (dosing == NULL)
    {
      if (g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
        return link_error (error, "names a dosing record whose signature does not verify");
      return link_error (error, "names no record of this vault");
    }
  if (cfd_record_get_kind (dosing) != CFD_RECORD_DOSING)
    return link_error (error, "names a record that is not a dosing record");
  if (g_strcmp0 (cfd_record_get_patient_id (dosing), cfd_record_get_patient_id (session)) != 0)
    return link_error (error, "names a dosing record of another patient");
  if (cfd_record_get_status (dosing) != CFD_RECORD_SIGNED)
    return link_error (error, "names a dosing record that is not signed yet");
  if (day_number (cfd_record_get_occurred (dosing))
      > day_number (cfd_record_get_occurred (session)))
    return link_error (error, "names a dosing record dated after this session");

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_shown (&builder, dosing, cfd_record_get_occurred (session));
  expected = g_variant_ref_sink (g_variant_builder_end (&builder));
  for (guint i = 0; i < G_N_ELEMENTS (shown_fields) + 1; i++)
    {
      const char *id = i < G_N_ELEMENTS (shown_fields) ? shown_fields[i][0] : "days-since-dosing";
      g_autoptr (GVariant) want = g_variant_lookup_value (expected, id, NULL);
      g_autoptr (GVariant) have = g_variant_lookup_value (content, id, NULL);

      if ((want == NULL) != (have == NULL) || (want != NULL && !g_variant_equal (want, have)))
        return link_error (error, "no longer matches what the session shows of it; save again");
    }
  return TRUE;
}

gboolean
cfd_integration_check_session_link (CfdVault *vault, CfdRecord *note, GError **error)
{
  const char *link = NULL;
  g_autoptr (CfdRecord) session = NULL;

  if (cfd_record_get_kind (note) != CFD_RECORD_INTEGRATION)
    return TRUE;
  if (!g_variant_lookup (cfd_record_get_content (note), "session-record", "&s", &link)
      || *link == '\0')
    return TRUE;
  session = cfd_record_load (vault, link, NULL);
  if (session == NULL)
    return named_link_error (error, CFD_RECORD_INTEGRATION, "session-record",
                             "names no record of this vault that verifies");
  if (cfd_record_get_kind (session) != CFD_RECORD_SESSION)
    return named_link_error (error, CFD_RECORD_INTEGRATION, "session-record",
                             "names a record that is not a session record");
  if (g_strcmp0 (cfd_record_get_patient_id (session), cfd_record_get_patient_id (note)) != 0)
    return named_link_error (error, CFD_RECORD_INTEGRATION, "session-record",
                             "names a session record of another patient");
  return TRUE;
}
