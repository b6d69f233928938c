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
/* Fills the controls from an a{sv} content dictionary, typed values
 * included; emits no "changed". */
void cfd_record_form_set_content (CfdRecordForm *self, GVariant *content);
/* The controls as a{sv}, exactly as typed: a number that is not one yet is
 * its text, a half-written date is kept, a reading with blank cells is kept
 * cell by cell (docs/FORMATS.md). Fields left empty, and yes/no questions
 * left "Not assessed", are left out. */
GVariant *cfd_record_form_get_content (CfdRecordForm *self);
/* How many fields show a problem (a value that could not be signed). */
guint cfd_record_form_count_problems (CfdRecordForm *self);
void cfd_record_form_set_editable (CfdRecordForm *self, gboolean editable);

/* The practice's thresholds for the dosing problems shown while typing
 * (the defaults until set). */
void cfd_record_form_set_dosing_thresholds (CfdRecordForm *self,
                                            const CfdDosingThresholds *thresholds);

/* One cell of a vital-sign reading in the form's readings list
 * ("field-vitals"), cell being a CFD_VITALS_CELL_*: an entry, or the
 * timepoint's GtkDropDown. NULL past the last reading. */
GtkWidget *cfd_record_form_reading_cell (GtkWidget *readings, guint row_index, guint cell);

/* One cell of a row of sedation ratings ("field-sedation-ratings"), cell
 * being a CFD_SEDATION_CELL_*: an entry. NULL past the last row. */
GtkWidget *cfd_record_form_rating_cell (GtkWidget *ratings, guint row_index, guint cell);

G_END_DECLS
