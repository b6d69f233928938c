/* cfd-export-csv.c: a patient's outcome measures as CSV, one row per administration, audited as a disclosure. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-date.h"
#include "cfd-export-csv.h"
#include "cfd-export-file-private.h"
#include "cfd-fhir-codes.h"
#include "cfd-record.h"
#include "cfd-secure-private.h"
#include "cfd-vault-private.h"

#define DAY_SECONDS (24 * 60 * 60)

static const char *const columns[] = {
  "patient_id", "date",  "instrument", "loinc_panel", "loinc_total", "item_loinc_codes",
  "items",      "total", "band",       "mode",        "rater",       "days_since_dosing",
};

void
cfd_csv_append_cell (GString *line, const char *value)
{
  if (line->len > 0 && line->str[line->len - 1] != '\n')
    g_string_append_c (line, ',');
  g_string_append_c (line, '"');
  /* A spreadsheet would run these as a formula (CSV injection). */
  if (value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    g_string_append_c (line, '\'');
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static const char *
user_name (GPtrArray *users, const char *id)
{
  for (guint i = 0; i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return user->name;
    }
  return "a former user";
}

static gint
by_date (gconstpointer a, gconstpointer b)
{
  gint64 da = cfd_record_get_occurred (*(CfdRecord **)a);
  gint64 db = cfd_record_get_occurred (*(CfdRecord **)b);

  if (da != db)
    return da < db ? -1 : 1;
  return g_strcmp0 (cfd_record_get_id (*(CfdRecord **)a), cfd_record_get_id (*(CfdRecord **)b));
}

static void
append_row (
    GString *csv, const char *patient_id, CfdRecord *measure, GPtrArray *dosing, GPtrArray *users)
{
  GVariant *content = cfd_record_get_content (measure);
  const char *instrument = NULL, *band = NULL, *mode = NULL;
  const CfdFhirInstrumentCodes *codes;
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (measure));
  g_autoptr (GString) item_codes = g_string_new (NULL);
  g_autoptr (GString) items = g_string_new (NULL);
  g_autofree char *total_text = NULL;
  g_autofree char *days = NULL;
  gint64 total = 0, last_dosing = -1;

  g_variant_lookup (content, "instrument", "&s", &instrument);
  g_variant_lookup (content, "band", "&s", &band);
  /* How the measure was taken, when the record says; every measure the
   * app and CLI record today is entered by a clinician. */
  if (!g_variant_lookup (content, "mode", "&s", &mode))
    mode = "clinician-entered";
  if (g_variant_lookup (content, "total", "x", &total))
    total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);
  codes = cfd_fhir_instrument_codes (instrument);
  for (guint i = 1; i <= 16; i++)
    {
      g_autofree char *key = g_strdup_printf ("item-%u", i);
      gint64 score;

      if (!g_variant_lookup (content, key, "x", &score))
        continue;
      g_string_append_printf (items, "%s%" G_GINT64_FORMAT, items->len > 0 ? ";" : "", score);
      if (codes != NULL && i <= codes->n_items)
        g_string_append_printf (item_codes, "%s%s", item_codes->len > 0 ? ";" : "",
                                codes->items[i - 1].code);
    }
  for (guint i = 0; i < dosing->len; i++)
    {
      gint64 occurred = cfd_record_get_occurred (g_ptr_array_index (dosing, i));

      if (occurred <= cfd_record_get_occurred (measure))
        last_dosing = occurred;
    }
  if (last_dosing >= 0)
    days = g_strdup_printf ("%" G_GINT64_FORMAT,
                            (cfd_record_get_occurred (measure) - last_dosing) / DAY_SECONDS);

  cfd_csv_append_cell (csv, patient_id);
  cfd_csv_append_cell (csv, date);
  cfd_csv_append_cell (csv, instrument);
  cfd_csv_append_cell (csv, codes != NULL ? codes->panel.code : "");
  cfd_csv_append_cell (csv, codes != NULL ? codes->total.code : "");
  cfd_csv_append_cell (csv, item_codes->str);
  cfd_csv_append_cell (csv, items->str);
  cfd_csv_append_cell (csv, total_text);
  cfd_csv_append_cell (csv, band);
  cfd_csv_append_cell (csv, mode);
  cfd_csv_append_cell (csv, user_name (users, cfd_record_get_author_id (measure)));
  cfd_csv_append_cell (csv, days);
  g_string_append_c (csv, '\n');
}

char *
cfd_vault_build_measures_csv (CfdVault *vault,
                              const char *patient_id,
                              guint *n_rows,
                              GError **error)
{
  g_autoptr (GListModel) records = NULL;
  g_autoptr (GPtrArray) measures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) dosing = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) users = NULL;
  GString *csv;

  g_return_val_if_fail (CFD_IS_VAULT (vault), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (cfd_vault_get_db (vault, error) == NULL)
    return NULL;
  if (cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    {
      cfd_vault_audit_standalone (vault, "patient.export-csv", "patient", patient_id,
                                  CFD_AUDIT_DENIED);
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                           _ ("A supervisor may not export a patient's record: supervision consent "
                              "covers reviewing notes, not disclosing them"));
      return NULL;
    }
  records = cfd_vault_list_records (vault, patient_id, error);
  if (records == NULL)
    return NULL;
  users = cfd_vault_list_users (vault);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (cfd_record_get_status (record) != CFD_RECORD_SIGNED)
        continue;
      if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE)
        g_ptr_array_add (measures, g_steal_pointer (&record));
      else if (cfd_record_get_kind (record) == CFD_RECORD_DOSING)
        g_ptr_array_add (dosing, g_steal_pointer (&record));
    }
  g_ptr_array_sort (measures, by_date);
  g_ptr_array_sort (dosing, by_date);

  csv = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_string_append_printf (csv, "%s%s", i > 0 ? "," : "", columns[i]);
  g_string_append_c (csv, '\n');
  for (guint i = 0; i < measures->len; i++)
    append_row (csv, patient_id, g_ptr_array_index (measures, i), dosing, users);
  if (n_rows != NULL)
    *n_rows = measures->len;
  return g_string_free (csv, FALSE);
}

gboolean
cfd_vault_export_measures_csv (CfdVault *vault,
                               const char *patient_id,
                               const CfdDisclosureTerms *terms,
                               const char *path,
                               guint *n_rows,
                               GError **error)
{
  g_autofree char *description = NULL;
  CfdExportDisclosure disclosure;
  char *csv;
  guint n = 0;
  gboolean written;

  if (!cfd_disclosure_terms_check (terms, error)
      || !cfd_export_file_check_destination (path, "CSV file", error))
    return FALSE;
  csv = cfd_vault_build_measures_csv (vault, patient_id, &n, error);
  if (csv == NULL)
    return FALSE;
  description
      = g_strdup_printf ("Outcome measures as CSV (%u administration%s)", n, n == 1 ? "" : "s");
  disclosure = (CfdExportDisclosure){ "patient.export-csv", patient_id, FALSE, terms, description };
  written = cfd_export_file_write (vault, path, "CSV file", (const guint8 *)csv, strlen (csv),
                                   &disclosure, error);
  cfd_wipe_string (csv);
  if (written && n_rows != NULL)
    *n_rows = n;
  return written;
}
