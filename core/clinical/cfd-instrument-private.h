/* cfd-instrument-private.h: the instrument definition's fields, for the parser, the scorer and the library. */
#pragma once

#include "cfd-instrument.h"

G_BEGIN_DECLS

struct _CfdInstrumentDef
{
  char *id;
  guint version;
  char *name;
  char *title;
  char *construct;
  char *recall_period;
  CfdRaterType rater;
  CfdScoringRule rule;
  char *loinc;
  char *score_loinc;
  char *licence;
  char *source;
  char *result_met;
  char *result_not_met;
  int endorsed_at_least; /* cluster-rule */
  int threshold_percent; /* subscale-percent */
  int max_total;
  CfdInstrumentItem *items;
  guint n_items;
  CfdInstrumentBand *bands;
  guint n_bands;
  CfdInstrumentGroup *groups;
  guint n_groups;
};

G_END_DECLS
