/* cfd-record-form.h: the fields of one record, laid out from its kind's template. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_RECORD_FORM (cfd_record_form_get_type ())
G_DECLARE_FINAL_TYPE (CfdRecordForm, cfd_record_form, CFD, RECORD_FORM, GtkWidget)

CfdRecordForm *cfd_record_form_new (void);

/* Builds one control per template field; NULL removes them all (and with
 * them every piece of text they held). */
void cfd_record_form_set_template (CfdRecordForm *self, const CfdTemplate *tmpl);
/* Fills the controls from an a{sv} content dictionary; emits no "changed". */
void cfd_record_form_set_content (CfdRecordForm *self, GVariant *content);
/* The controls' values as a{sv}; fields left empty are left out. A date or
 * time that is not yet well formed is left out too, and named in *skipped
 * (the field's label) so the user can be told. */
GVariant *cfd_record_form_get_content (CfdRecordForm *self, char **skipped);
void cfd_record_form_set_editable (CfdRecordForm *self, gboolean editable);

G_END_DECLS
