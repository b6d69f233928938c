/* cfd-instrument.h: outcome-measure instruments as data: items, bands, risk items and a scoring rule. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* An item left unanswered, or skipped because the item it depends on was
 * answered no. Nothing unanswered is recorded as an answer. */
#define CFD_ANSWER_NONE (-1)

#define CFD_INSTRUMENT_MAX_ITEMS   60 /* item-1 to item-60 in measure.template */
#define CFD_INSTRUMENT_MAX_OPTIONS 11
/* The largest definition file read: far above the 30-item MEQ-30 (about 5 KiB). */
#define CFD_INSTRUMENT_MAX_FILE_BYTES (256 * 1024)

/* The fixed set of scoring rules; docs/CLINICAL.md gives each with its source. */
typedef enum
{
  CFD_SCORING_SUM,        /* total of the scored items (PHQ-9, GAD-7) */
  CFD_SCORING_MEAN,       /* mean of the scored items (EBI) */
  CFD_SCORING_DOMAIN_MAX, /* highest item of each domain, summed with the rest (QIDS-SR16) */
  CFD_SCORING_SUBSCALE_PERCENT, /* each subscale as % of its maximum; met when all reach a threshold (MEQ-30) */
  CFD_SCORING_CLUSTER_RULE, /* total, plus: each cluster has enough items endorsed (PCL-5) */
  CFD_SCORING_SCREENER,     /* yes/no items with skip logic and a triage level (C-SSRS screener) */
} CfdScoringRule;

typedef enum
{
  CFD_RATER_SELF_REPORT, /* the patient answers; may be read aloud in an interview */
  CFD_RATER_CLINICIAN,   /* the clinician rates */
} CfdRaterType;

typedef struct
{
  guint number; /* 1-based, as on the form */
  char *text;
  char *loinc; /* NULL when none is known */
  gboolean scored;
  /* The answers the item takes: n_options values with labels, or (n_options
   * 0) every whole number from min to max, as on a visual analogue scale. */
  guint n_options;
  int options[CFD_INSTRUMENT_MAX_OPTIONS];
  GStrv option_labels;
  int min;
  int max;
  int risk_at_least; /* an answer at least this raises the risk flag; -1 never */
  guint ask_if;      /* asked only when this item is answered above 0; 0 always asked */
} CfdInstrumentItem;

/* A domain, subscale, cluster or triage level: a named set of items. */
typedef struct
{
  char *id;
  char *label;
  guint *items; /* item numbers, 1-based */
  guint n_items;
  guint needed;         /* clusters: endorsed items needed */
  gboolean raises_risk; /* triage levels */
} CfdInstrumentGroup;

/* A band over the total (or over the mean, for CFD_SCORING_MEAN), inclusive. */
typedef struct
{
  char *id;
  char *label;
  int low;
  int high;
} CfdInstrumentBand;

typedef struct _CfdInstrumentDef CfdInstrumentDef;

/* Reads one definition file (docs/FORMATS.md). The text is untrusted: a
 * practice may add its own, so every problem is INVALID_INPUT naming the
 * group and key, and nothing is half-read. */
CfdInstrumentDef *
cfd_instrument_def_parse (const char *data, gsize length, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_instrument_def_free (CfdInstrumentDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdInstrumentDef, cfd_instrument_def_free)

const char *cfd_instrument_def_get_id (const CfdInstrumentDef *def);
guint cfd_instrument_def_get_version (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_name (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_title (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_construct (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_recall_period (const CfdInstrumentDef *def);
CfdRaterType cfd_instrument_def_get_rater (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_licence (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_source (const CfdInstrumentDef *def);
const char *cfd_instrument_def_get_loinc (const CfdInstrumentDef *def);       /* or NULL */
const char *cfd_instrument_def_get_score_loinc (const CfdInstrumentDef *def); /* or NULL */
CfdScoringRule cfd_instrument_def_get_rule (const CfdInstrumentDef *def);
const char *cfd_scoring_rule_to_string (CfdScoringRule rule); /* "sum", "domain-max", ... */
const char *cfd_rater_type_to_string (CfdRaterType rater);    /* "self-report", "clinician" */

guint cfd_instrument_def_get_n_items (const CfdInstrumentDef *def);
/* index counts from 0; item number index + 1. */
const CfdInstrumentItem *cfd_instrument_def_get_item (const CfdInstrumentDef *def, guint index);
/* Bands lowest first, covering 0 to the maximum total without gaps; NULL, 0 when none. */
const CfdInstrumentBand *cfd_instrument_def_get_bands (const CfdInstrumentDef *def, guint *n_bands);
/* The domains, subscales, clusters or triage levels of the rule, in file order. */
const CfdInstrumentGroup *cfd_instrument_def_get_groups (const CfdInstrumentDef *def,
                                                         guint *n_groups);
/* The highest total the rule can give; for CFD_SCORING_MEAN the highest mean. */
int cfd_instrument_def_get_max_total (const CfdInstrumentDef *def);
const CfdInstrumentBand *cfd_instrument_def_band_for_total (const CfdInstrumentDef *def, int total);
/* The label of a result id ("met", "not-met" or a triage level), or NULL. */
const char *cfd_instrument_def_result_label (const CfdInstrumentDef *def, const char *result);
/* Whether item index (from 0) is asked, given the answers so far. */
gboolean
cfd_instrument_def_item_is_asked (const CfdInstrumentDef *def, const int *answers, guint index);

typedef struct
{
  gboolean has_total;
  int total; /* sum, domain-max, cluster-rule, subscale-percent: the summed score */
  gboolean has_mean;
  double mean;        /* mean */
  const char *band;   /* band id, or NULL when the instrument has none */
  const char *result; /* "met", "not-met", a triage id, or NULL */
  gboolean risk;      /* a risk item reached its threshold, or a risk-raising triage level */
  /* subscale-percent: each subscale's percentage of its maximum, in group order */
  double subscale_percent[8];
  guint n_subscales;
} CfdInstrumentScore;

/* answers holds one value per item (CFD_ANSWER_NONE when not answered).
 * Every scored item that is asked needs an answer in its range; an item
 * that is skipped must have none; unscored items may be left out.
 * INVALID_INPUT naming the item otherwise. */
gboolean cfd_instrument_def_score (const CfdInstrumentDef *def,
                                   const int *answers,
                                   gsize n_answers,
                                   CfdInstrumentScore *score,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The library: the definitions shipped in data/measures, then any a practice
 * adds. Shared and never freed; do not free what these return. */
const CfdInstrumentDef *cfd_instrument_lookup (const char *id);
/* Every definition, shipped ones first in a fixed order, then added ones by id. */
GPtrArray *cfd_instrument_list (void);
/* Adds every "*.measure" file of a folder (a missing folder is not an error).
 * Ids must be new: a definition cannot replace a shipped one or one added
 * before, since stored measures are read with the definition of their id.
 * Files that cannot be read are left out, and the error names each of them
 * with its problem; the others are added. */
gboolean cfd_instrument_library_add_folder (const char *folder, GError **error);
/* The folders a practice's definitions are read from: "measures" in the
 * vault folder, then $XDG_CONFIG_HOME/confidant/measures. */
gboolean cfd_instrument_library_add_practice (const char *vault_folder, GError **error);

G_END_DECLS
