/* cfd-dosing-carry.c: a new dosing draft that starts from the patient's last signed session.
 *
 * What stays the same from one session to the next (the order: medication,
 * route, dose; and the weight, until it is weighed again) is copied; what
 * belongs to the day (times, vital signs, ratings, adverse events, lot,
 * discharge) never is. The marker makes the clinician confirm the copy. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-dosing-carry.h"
#include "cfd-error.h"

static const struct
{
  const char *field;
  const char *type;
} carried[] = {
  { "medication", "s" },
  { "route", "s" },
  { "dose-mg", "d" },
  { "weight-kg", "d" },
};

/* The newest signed dosing record in the timeline (newest first). */
static char *
last_signed_dosing (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListModel) records = cfd_vault_list_records (vault, patient_id, error);

  if (records == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (cfd_record_get_kind (record) == CFD_RECORD_DOSING
          && cfd_record_get_status (record) == CFD_RECORD_SIGNED)
        return g_strdup (cfd_record_get_id (record));
    }
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
                       _ ("This patient has no signed dosing session to carry forward"));
  return NULL;
}

char *
cfd_vault_carry_forward_dosing (CfdVault *vault,
                                const char *patient_id,
                                gint64 occurred,
                                GError **error)
{
  g_autofree char *source_id = NULL;
  g_autoptr (CfdRecord) source = NULL;
  g_autoptr (GDateTime) date = NULL;
  g_autofree char *day = NULL;
  g_autofree char *marker = NULL;
  g_autoptr (GVariant) content = NULL;
  GVariantDict dict;
  GVariant *from;

  g_return_val_if_fail (patient_id != NULL, NULL);

  source_id = last_signed_dosing (vault, patient_id, error);
  if (source_id == NULL)
    return NULL;
  /* Read again through the one path that verifies the signature. */
  source = cfd_vault_get_record (vault, source_id, error);
  if (source == NULL)
    return NULL;
  from = cfd_record_get_content (source);
  date = g_date_time_new_from_unix_utc (cfd_record_get_occurred (source));
  day = g_date_time_format (date, "%Y-%m-%d");
  marker = g_strdup_printf ("Medication, route, dose and weight carried forward from the "
                            "session of %s: confirm them, then clear this",
                            day);

  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
    {
      g_autoptr (GVariant) value
          = g_variant_lookup_value (from, carried[i].field, G_VARIANT_TYPE (carried[i].type));

      if (value != NULL)
        g_variant_dict_insert_value (&dict, carried[i].field, value);
    }
  g_variant_dict_insert (&dict, "carried-forward", "s", marker);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  return cfd_vault_create_record (vault, patient_id, CFD_RECORD_DOSING, occurred, content, error);
}
