/* cfd-session-section.c: every signed session record as a list in the record document. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-date.h"
#include "cfd-session-section-private.h"
#include "cfd-template.h"

static const char *
modality_label (CfdRecord *record)
{
  const CfdTemplateField *field
      = cfd_template_find_field (cfd_template_get (CFD_RECORD_SESSION), "modality");
  const char *value = cfd_record_get_text (record, "modality");

  for (guint i = 0; value != NULL && field->choices[i] != NULL; i++)
    if (g_strcmp0 (field->choices[i], value) == 0)
      return field->choice_labels[i];
  return _ ("modality not recorded");
}

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "—";
}

void
cfd_session_section_add (CfdDocumentLayout *layout, GPtrArray *records)
{
  gboolean any = FALSE;

  for (guint i = 0; i < records->len; i++)
    {
      CfdRecord *record = g_ptr_array_index (records, i);
      g_autofree char *date = NULL;
      g_autofree char *heading = NULL;
      g_autofree char *plan = NULL;

      if (cfd_record_get_kind (record) != CFD_RECORD_SESSION
          || cfd_record_get_status (record) != CFD_RECORD_SIGNED)
        continue;
      if (!any)
        {
          cfd_document_layout_add (layout, CFD_BLOCK_RULE, NULL);
          cfd_document_layout_add (layout, CFD_BLOCK_RECORD, _ ("Sessions"));
          cfd_document_layout_add (layout, CFD_BLOCK_META,
                                   _ ("Every signed session record: date, times, modality and "
                                      "plan. Each record follows in full below."));
          any = TRUE;
        }
      date = cfd_date_format (cfd_record_get_occurred (record));
      heading = g_strdup_printf (
          "%s · %s–%s · %s", date, or_dash (cfd_record_get_text (record, "start-time")),
          or_dash (cfd_record_get_text (record, "end-time")), modality_label (record));
      plan = g_strdup_printf (_ ("Plan: %s"), or_dash (cfd_record_get_text (record, "plan")));
      cfd_document_layout_add (layout, CFD_BLOCK_LABEL, heading);
      cfd_document_layout_add (layout, CFD_BLOCK_TEXT, plan);
    }
}
