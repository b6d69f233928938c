/* cfd-risk-flag-section.c: the risk flag's history as a section of the record document. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-risk-flag-section-private.h"
#include "cfd-risk-flag.h"
#include "cfd-secure-private.h"

static char *
format_utc (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("—");
}

gboolean
cfd_risk_flag_section_add (CfdDocumentLayout *layout,
                           CfdVault *vault,
                           CfdPatient *patient,
                           GError **error)
{
  g_autoptr (GListModel) steps
      = cfd_vault_list_risk_flag (vault, cfd_patient_get_id (patient), error);
  guint n;

  if (steps == NULL)
    return FALSE;
  n = g_list_model_get_n_items (steps);
  if (n == 0 && !cfd_patient_get_risk_flag (patient))
    return TRUE;

  cfd_document_layout_add (layout, CFD_BLOCK_RULE, NULL);
  cfd_document_layout_add (layout, CFD_BLOCK_RECORD, _ ("Risk flag"));
  cfd_document_layout_add (layout, CFD_BLOCK_META,
                           cfd_patient_get_risk_flag (patient)
                               ? _ ("Open: raised and not yet resolved.")
                               : _ ("No flag is open. Every step below was signed by the "
                                    "clinician who took it."));
  if (n == 0)
    /* Raised before the flag's history was kept, by no record found. */
    cfd_document_layout_add (layout, CFD_BLOCK_PARAGRAPH,
                             _ ("The flag was raised before its history was kept."));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CfdRiskFlagEntry) entry = g_list_model_get_item (steps, i);
      CfdRiskFlagStep step = cfd_risk_flag_entry_get_step (entry);
      const char *who = cfd_risk_flag_entry_get_actor_name (entry);
      g_autofree char *when = format_utc (cfd_risk_flag_entry_get_time (entry));
      g_autofree char *heading = NULL;

      /* Translators: the flag's cycle number, then when and by whom. */
      heading = g_strdup_printf (step == CFD_RISK_FLAG_RAISED     ? _ ("%u. Raised %s by %s")
                                 : step == CFD_RISK_FLAG_REVIEWED ? _ ("%u. Reviewed %s by %s")
                                                                  : _ ("%u. Resolved %s by %s"),
                                 cfd_risk_flag_entry_get_cycle (entry), when,
                                 who != NULL ? who : _ ("a former user"));
      cfd_document_layout_add (layout, CFD_BLOCK_LABEL, heading);
      if (step == CFD_RISK_FLAG_RAISED)
        {
          g_autofree char *by = g_strdup_printf (
              cfd_risk_flag_entry_get_carried_over (entry)
                  ? _ ("By the signed record %s (raised before the flag's history was kept)")
                  : _ ("By the signed record %s"),
              cfd_risk_flag_entry_get_record_id (entry));

          cfd_document_layout_add (layout, CFD_BLOCK_TEXT, by);
        }
      else
        cfd_document_layout_add (layout, CFD_BLOCK_TEXT, cfd_risk_flag_entry_get_text (entry));
    }
  return TRUE;
}
