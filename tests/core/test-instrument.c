/* test-instrument.c: every shipped instrument's known answers, each scoring rule, and definitions that are refused. */
#include "config.h"

#include <string.h>

#include "cfd-instrument.h"
#include "cfd-test-util.h"

#define NONE CFD_ANSWER_NONE

static const CfdInstrumentDef *
get (const char *id)
{
  const CfdInstrumentDef *def = cfd_instrument_lookup (id);

  g_assert_nonnull (def);
  return def;
}

static CfdInstrumentScore
score_ok (const CfdInstrumentDef *def, const int *answers)
{
  CfdInstrumentScore score;
  g_autoptr (GError) error = NULL;

  g_assert_true (cfd_instrument_def_score (def, answers, cfd_instrument_def_get_n_items (def),
                                           &score, &error));
  g_assert_no_error (error);
  return score;
}

static void
score_refused (const CfdInstrumentDef *def, const int *answers, const char *message)
{
  CfdInstrumentScore score;
  g_autoptr (GError) error = NULL;

  g_assert_false (cfd_instrument_def_score (def, answers, cfd_instrument_def_get_n_items (def),
                                            &score, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  if (strstr (error->message, message) == NULL)
    g_error ("expected \"%s\" in \"%s\"", message, error->message);
}

/* Scored items filled from the first with their maximum until the total is
 * reached; unscored items left unanswered. */
static void
answers_for_sum (const CfdInstrumentDef *def, int *answers, int total)
{
  for (guint i = 0; i < cfd_instrument_def_get_n_items (def); i++)
    {
      const CfdInstrumentItem *item = cfd_instrument_def_get_item (def, i);

      answers[i] = item->scored ? MIN (total, item->max) : NONE;
      if (item->scored)
        total -= answers[i];
    }
  g_assert_cmpint (total, ==, 0);
}

static void
check_sum_bands (const char *id, const int *totals, const char *const *bands, guint n)
{
  const CfdInstrumentDef *def = get (id);

  for (guint i = 0; i < n; i++)
    {
      int answers[CFD_INSTRUMENT_MAX_ITEMS];
      CfdInstrumentScore score;

      answers_for_sum (def, answers, totals[i]);
      score = score_ok (def, answers);
      g_assert_true (score.has_total);
      g_assert_cmpint (score.total, ==, totals[i]);
      g_assert_cmpstr (score.band, ==, bands[i]);
    }
}

static void
test_shipped (void)
{
  static const struct
  {
    const char *id;
    guint n_items;
    int max_total;
    CfdScoringRule rule;
    const char *loinc;
  } expected[] = {
    { "phq9", 10, 27, CFD_SCORING_SUM, "44249-1" },
    { "gad7", 7, 21, CFD_SCORING_SUM, "69737-5" },
    { "pcl5", 20, 80, CFD_SCORING_CLUSTER_RULE, "101697-1" },
    { "qids-sr16", 16, 27, CFD_SCORING_DOMAIN_MAX, NULL },
    { "meq30", 30, 150, CFD_SCORING_SUBSCALE_PERCENT, NULL },
    { "ebi", 8, 100, CFD_SCORING_MEAN, NULL },
  };
  g_autoptr (GPtrArray) all = cfd_instrument_list ();

  g_assert_cmpuint (all->len, >=, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const CfdInstrumentDef *def = g_ptr_array_index (all, i);

      g_assert_cmpstr (cfd_instrument_def_get_id (def), ==, expected[i].id);
      g_assert_cmpuint (cfd_instrument_def_get_n_items (def), ==, expected[i].n_items);
      g_assert_cmpint (cfd_instrument_def_get_max_total (def), ==, expected[i].max_total);
      g_assert_cmpint (cfd_instrument_def_get_rule (def), ==, expected[i].rule);
      g_assert_cmpstr (cfd_instrument_def_get_loinc (def), ==, expected[i].loinc);
      g_assert_nonnull (cfd_instrument_def_get_licence (def));
      g_assert_nonnull (cfd_instrument_def_get_source (def));
    }
  /* Not shipped: copyrighted for clinical use, or terms that do not allow
   * it in an open-source program (docs/CLINICAL.md). */
  g_assert_null (cfd_instrument_lookup ("madrs"));
  g_assert_null (cfd_instrument_lookup ("cssrs-screener"));
  g_assert_null (cfd_instrument_lookup (NULL));
}

static void
test_phq9 (void)
{
  static const int totals[] = { 0, 4, 5, 9, 10, 14, 15, 19, 20, 27 };
  static const char *const bands[] = {
    "minimal",           "minimal",           "mild",   "mild",   "moderate", "moderate",
    "moderately severe", "moderately severe", "severe", "severe",
  };
  const CfdInstrumentDef *def = get ("phq9");
  int answers[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, NONE };
  CfdInstrumentScore score;

  check_sum_bands ("phq9", totals, bands, G_N_ELEMENTS (totals));
  g_assert_cmpstr (cfd_instrument_def_get_item (def, 9)->loinc, ==, "69722-7");
  g_assert_cmpstr (cfd_instrument_def_get_item (def, 8)->loinc, ==, "44260-8");
  g_assert_cmpstr (cfd_instrument_def_get_score_loinc (def), ==, "44261-6");

  /* Item 10 is asked but not in the total, and may be left out. */
  answers[9] = 3;
  score = score_ok (def, answers);
  g_assert_cmpint (score.total, ==, 0);
  g_assert_false (score.risk);
  answers[9] = 4;
  score_refused (def, answers, "Item 10 of the PHQ-9 must be scored 0 to 3");

  /* Item 9 above 0 is the risk item, whatever the total. */
  answers[9] = NONE;
  answers[8] = 1;
  score = score_ok (def, answers);
  g_assert_true (score.risk);
  g_assert_cmpstr (score.band, ==, "minimal");

  answers[3] = NONE;
  score_refused (def, answers, "Item 4 of the PHQ-9 is not answered");
}

static void
test_gad7 (void)
{
  static const int totals[] = { 0, 4, 5, 9, 10, 14, 15, 21 };
  static const char *const bands[]
      = { "minimal", "minimal", "mild", "mild", "moderate", "moderate", "severe", "severe" };

  check_sum_bands ("gad7", totals, bands, G_N_ELEMENTS (totals));
  g_assert_cmpstr (cfd_instrument_def_get_score_loinc (get ("gad7")), ==, "70274-6");
}

static void
test_pcl5_bands (void)
{
  static const int totals[] = { 0, 31, 32, 33, 80 };
  static const char *const bands[] = { "below", "below", "below", "probable", "probable" };

  check_sum_bands ("pcl5", totals, bands, G_N_ELEMENTS (totals));
}

/* DSM-5: at least one B (items 1-5), one C (6-7), two D (8-14) and two E
 * (15-20) items rated 2 ("Moderately") or higher. */
static void
test_pcl5_clusters (void)
{
  const CfdInstrumentDef *def = get ("pcl5");
  int answers[20] = { 0 };
  CfdInstrumentScore score;

  answers[0] = 2;                /* B1 */
  answers[5] = 2;                /* C1 */
  answers[7] = answers[8] = 2;   /* D1, D2 */
  answers[14] = answers[15] = 2; /* E1, E2 */
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "met");
  /* The rule and the cut-off are separate findings: 12 is below 33. */
  g_assert_cmpint (score.total, ==, 12);
  g_assert_cmpstr (score.band, ==, "below");
  g_assert_false (score.risk);

  /* One D item short. */
  answers[8] = 1;
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "not-met");
  /* Rated 1 ("A little bit") is not endorsed, however many. */
  for (guint i = 0; i < 20; i++)
    answers[i] = 1;
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "not-met");
  g_assert_cmpint (score.total, ==, 20);
  /* Everything at 4 but no C item: not met, though the total is 72. */
  for (guint i = 0; i < 20; i++)
    answers[i] = 4;
  answers[5] = answers[6] = 0;
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "not-met");
  g_assert_cmpstr (score.band, ==, "probable");
  answers[6] = 3;
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "met");
  g_assert_cmpstr (cfd_instrument_def_result_label (def, "met"), ==,
                   "DSM-5 symptom clusters met (provisional PTSD)");
  answers[0] = 5;
  score_refused (def, answers, "Item 1 of the PCL-5 must be scored 0 to 4");
}

/* QIDS-SR16 answers for a total: the nine domains (sleep, sad mood,
 * appetite/weight, concentration, self-view, death/suicide, interest,
 * energy, psychomotor), each domain's first item carrying the score. */
static void
qids_for_total (int *answers, int total)
{
  static const guint firsts[] = { 0, 4, 5, 9, 10, 11, 12, 13, 14 };

  memset (answers, 0, 16 * sizeof *answers);
  for (guint i = 0; i < G_N_ELEMENTS (firsts) && total > 0; i++)
    {
      answers[firsts[i]] = MIN (total, 3);
      total -= answers[firsts[i]];
    }
  g_assert_cmpint (total, ==, 0);
}

static void
test_qids (void)
{
  static const int totals[] = { 0, 5, 6, 10, 11, 15, 16, 20, 21, 27 };
  static const char *const bands[]
      = { "none",     "none",   "mild",   "mild",        "moderate",
          "moderate", "severe", "severe", "very severe", "very severe" };
  const CfdInstrumentDef *def = get ("qids-sr16");
  int answers[16];
  CfdInstrumentScore score;

  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    {
      qids_for_total (answers, totals[i]);
      score = score_ok (def, answers);
      g_assert_cmpint (score.total, ==, totals[i]);
      g_assert_cmpstr (score.band, ==, bands[i]);
    }

  /* Only the highest of each domain counts: sleep 1-4 (1, 3, 0, 2) gives
   * 3, appetite/weight 6-9 (0, 2, 1, 0) gives 2, psychomotor 15-16 (1, 2)
   * gives 2; the six single items at 1 give 6. */
  {
    const int mixed[16] = { 1, 3, 0, 2, 1, 0, 2, 1, 0, 1, 1, 0, 1, 1, 1, 2 };

    memcpy (answers, mixed, sizeof mixed);
    answers[11] = 1; /* thoughts of death: also the risk item */
    score = score_ok (def, answers);
    g_assert_cmpint (score.total, ==, 3 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 2);
    g_assert_cmpstr (score.band, ==, "moderate");
    g_assert_true (score.risk);
  }
  /* Every item at 3: 27, not 48. */
  for (guint i = 0; i < 16; i++)
    answers[i] = 3;
  score = score_ok (def, answers);
  g_assert_cmpint (score.total, ==, 27);
  /* The domains' maxima, not their sums: all four sleep items at 2 is 2. */
  memset (answers, 0, sizeof answers);
  answers[0] = answers[1] = answers[2] = answers[3] = 2;
  score = score_ok (def, answers);
  g_assert_cmpint (score.total, ==, 2);
  g_assert_false (score.risk);
}

/* MEQ-30 subscales: mystical 15 items (max 75), positive mood 6 (30),
 * transcendence 6 (30), ineffability 3 (15). 60 % of each is 45, 18, 18
 * and 9. No subscale's maximum is a multiple of 100, so 59 % itself cannot
 * be scored: one point under 60 % is the closest (44/75 = 58.7 %). */
static void
meq_fill (const CfdInstrumentDef *def, int *answers, const int *sums)
{
  guint n_groups = 0;
  const CfdInstrumentGroup *groups = cfd_instrument_def_get_groups (def, &n_groups);

  g_assert_cmpuint (n_groups, ==, 4);
  for (guint g = 0; g < n_groups; g++)
    {
      int left = sums[g];

      for (guint k = 0; k < groups[g].n_items; k++)
        {
          answers[groups[g].items[k] - 1] = MIN (left, 5);
          left -= answers[groups[g].items[k] - 1];
        }
      g_assert_cmpint (left, ==, 0);
    }
}

static void
test_meq30 (void)
{
  const CfdInstrumentDef *def = get ("meq30");
  const int at_60[] = { 45, 18, 18, 9 };
  const int one_short[][4]
      = { { 44, 18, 18, 9 }, { 45, 17, 18, 9 }, { 45, 18, 17, 9 }, { 45, 18, 18, 8 } };
  int answers[30] = { 0 };
  CfdInstrumentScore score;

  meq_fill (def, answers, at_60);
  score = score_ok (def, answers);
  g_assert_cmpstr (score.result, ==, "met");
  g_assert_cmpuint (score.n_subscales, ==, 4);
  for (guint g = 0; g < 4; g++)
    g_assert_cmpfloat_with_epsilon (score.subscale_percent[g], 60.0, 1e-9);
  g_assert_cmpint (score.total, ==, 90);
  g_assert_null (score.band);

  for (guint i = 0; i < G_N_ELEMENTS (one_short); i++)
    {
      memset (answers, 0, sizeof answers);
      meq_fill (def, answers, one_short[i]);
      score = score_ok (def, answers);
      g_assert_cmpstr (score.result, ==, "not-met");
      g_assert_cmpfloat (score.subscale_percent[i], <, 60.0);
      g_assert_cmpfloat (score.subscale_percent[i], >, 53.0);
    }
  g_assert_cmpfloat_with_epsilon (score.subscale_percent[3], 8.0 / 15.0 * 100.0, 1e-9);
  memset (answers, 0, sizeof answers);
  meq_fill (def, answers, one_short[0]);
  score = score_ok (def, answers);
  g_assert_cmpfloat_with_epsilon (score.subscale_percent[0], 44.0 / 75.0 * 100.0, 1e-9);
}

static void
test_ebi (void)
{
  const CfdInstrumentDef *def = get ("ebi");
  int answers[8] = { 0, 100, 50, 50, 75, 25, 100, 100 };
  CfdInstrumentScore score;

  score = score_ok (def, answers);
  g_assert_true (score.has_mean);
  g_assert_false (score.has_total);
  g_assert_cmpfloat_with_epsilon (score.mean, 62.5, 1e-9);
  g_assert_null (score.band);
  answers[4] = 101;
  score_refused (def, answers, "Item 5 of the EBI must be scored 0 to 100");
  answers[4] = NONE;
  score_refused (def, answers, "Item 5 of the EBI is not answered");
}

static CfdInstrumentDef *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "measures", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize size = 0;
  CfdInstrumentDef *def;

  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  def = cfd_instrument_def_parse (data, size, &error);
  g_assert_no_error (error);
  return def;
}

/* The C-SSRS screener's triage: questions 3-5 only when 2 is yes; 4, 5 or
 * behaviour in the past 3 months is high risk; 3, or behaviour longer ago,
 * moderate; 1 or 2 alone, low. */
static void
test_screener (void)
{
  g_autoptr (CfdInstrumentDef) def = load_fixture ("screener.measure");
  static const struct
  {
    int answers[7];
    const char *level;
    gboolean risk;
  } paths[] = {
    { { 0, 0, NONE, NONE, NONE, 0, NONE }, "none", FALSE },
    { { 1, 0, NONE, NONE, NONE, 0, NONE }, "low", FALSE },
    { { 1, 1, 0, 0, 0, 0, NONE }, "low", FALSE },
    { { 1, 1, 1, 0, 0, 0, NONE }, "moderate", FALSE },
    { { 1, 1, 0, 1, 0, 0, NONE }, "high", TRUE },
    { { 1, 1, 0, 0, 1, 0, NONE }, "high", TRUE },
    { { 0, 0, NONE, NONE, NONE, 1, 0 }, "moderate", FALSE },
    { { 0, 0, NONE, NONE, NONE, 1, 1 }, "high", TRUE },
    { { 1, 1, 1, 1, 1, 1, 1 }, "high", TRUE },
  };
  int bad[7] = { 1, 0, 1, NONE, NONE, 0, NONE };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      CfdInstrumentScore score = score_ok (def, paths[i].answers);

      g_assert_cmpstr (score.result, ==, paths[i].level);
      g_assert_cmpint (score.risk, ==, paths[i].risk);
      g_assert_false (score.has_total);
    }
  g_assert_false (cfd_instrument_def_item_is_asked (def, bad, 2));
  score_refused (def, bad, "Item 3 of the Test screener is asked only when item 2 is answered yes");
  bad[1] = 1;
  bad[2] = 0;
  score_refused (def, bad, "Item 4 of the Test screener is not answered");
  bad[3] = bad[4] = 0;
  bad[5] = 1;
  score_refused (def, bad, "Item 7 of the Test screener is not answered");
  bad[6] = 2;
  score_refused (def, bad, "Item 7 of the Test screener must be scored 0 to 1");
  g_assert_cmpstr (cfd_instrument_def_result_label (def, "high"), ==, "High risk");
}

static const char valid_head[] = "[Instrument]\nId=x\nName=X\nRecallPeriod=Today\nRater=clinician\n"
                                 "Licence=L\nSource=S\nOptions=0;1\nOptionLabels=No;Yes\n";

/* Each broken definition and the words its error must contain. */
static void
test_refused (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "[Instrument]: the group is missing" },
    { "not a key file", "Measure definition: " },
    { "[Instrument]\nId=x\n", "Name is missing" },
    { "%sScoring=sum\n", "there are no [Item N] groups" },
    { "%sScoring=sum\n[Item 1]\nText=a\n[Item 3]\nText=c\n", "without gaps" },
    { "%sScoring=sum\n[Item 0]\nText=a\n", "items are numbered 1 to 60" },
    { "%sScoring=sum\n[Item 61]\nText=a\n", "items are numbered 1 to 60" },
    { "%sScoring=median\n[Item 1]\nText=a\n", "Scoring must be one of" },
    { "%sScoring=sum\nColour=red\n[Item 1]\nText=a\n", "unknown key Colour" },
    { "%sScoring=sum\n[Item 1]\n", "[Item 1]: Text is missing" },
    { "%sScoring=sum\n[Item 1]\nText=a\nOptions=1;0\nOptionLabels=a;b\n", "must rise" },
    { "%sScoring=sum\n[Item 1]\nText=a\nOptions=0;1;2\nOptionLabels=a;b\n", "one label for each" },
    { "%sScoring=sum\n[Item 1]\nText=a\nOptions=0;x\nOptionLabels=a;b\n", "whole numbers" },
    { "%sScoring=sum\n[Item 1]\nText=a\nMin=0\nMax=5000\n", "Max must be a whole number" },
    { "%sScoring=sum\n[Item 1]\nText=a\nAskIf=1\n", "the first item cannot depend" },
    { "%sScoring=sum\n[Item 1]\nText=a\nRiskAtLeast=2\n", "RiskAtLeast is above every answer" },
    { "%sScoring=sum\n[Item 1]\nText=a\n[Band a]\nLabel=A\nLow=1\nHigh=1\n", "expected Low=0" },
    { "%sScoring=sum\n[Item 1]\nText=a\n[Band a]\nLabel=A\nLow=0\nHigh=0\n",
      "the last band must end at the highest total, 1" },
    { "%sScoring=sum\n[Item 1]\nText=a\n[Band A]\nLabel=A\nLow=0\nHigh=1\n", "a band id is" },
    { "%sScoring=sum\n[Item 1]\nText=a\n[Domain d]\nLabel=D\nItems=1\n", "unknown group" },
    { "%sScoring=domain-max\n[Item 1]\nText=a\n", "needs [Domain ...] groups" },
    { "%sScoring=domain-max\n[Item 1]\nText=a\n[Domain d]\nLabel=D\nItems=1;1\n", "item 1 twice" },
    { "%sScoring=domain-max\n[Item 1]\nText=a\n[Domain d]\nLabel=D\nItems=2\n",
      "Items must be item numbers from 1 to 1" },
    { "%sScoring=domain-max\n[Item 1]\nText=a\n[Item 2]\nText=b\n[Domain d]\nLabel=D\nItems=1\n"
      "[Domain e]\nLabel=E\nItems=1;2\n",
      "item 1 is in two groups" },
    { "%sScoring=subscale-percent\n[Item 1]\nText=a\n[Subscale s]\nLabel=S\nItems=1\n",
      "ThresholdPercent goes with subscale-percent" },
    { "%sScoring=cluster-rule\nResultMet=a\nResultNotMet=b\n[Item 1]\nText=a\n[Cluster c]\n"
      "Label=C\nItems=1\nNeeded=2\n",
      "Needed is more than" },
    { "%sScoring=cluster-rule\n[Item 1]\nText=a\n", "needs ResultMet and ResultNotMet" },
    { "%sScoring=screener\n[Item 1]\nText=a\nOptions=0;2\nOptionLabels=a;b\n[Triage t]\nLabel=T\n",
      "answered 0 (no) or 1 (yes)" },
    { "%sScoring=screener\n[Item 1]\nText=a\n[Triage t]\nLabel=T\n[Triage u]\nLabel=U\nItems=1\n",
      "only the last triage level" },
    { "%sScoring=mean\n[Item 1]\nText=a\n[Band a]\nLabel=A\nLow=0\nHigh=1\n", "takes no bands" },
    { "%sScoring=sum\n[Item 1]\nText=a\nScored=false\n", "no item is scored" },
    { "%sScoring=sum\nId=Bad Id\n[Item 1]\nText=a\n", "Id must be" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_str_has_prefix (cases[i].text, "%s")
                                  ? g_strconcat (valid_head, cases[i].text + 2, NULL)
                                  : g_strdup (cases[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (CfdInstrumentDef) def = cfd_instrument_def_parse (text, strlen (text), &error);

      g_assert_null (def);
      g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: expected \"%s\" in \"%s\"", i, cases[i].message, error->message);
    }
}

static void
test_refused_bytes (void)
{
  static const char nul[] = "[Instrument]\nId=x\0\n";
  static const char latin1[] = "[Instrument]\nName=Caf\xe9\n";
  g_autofree char *huge = g_malloc0 (CFD_INSTRUMENT_MAX_FILE_BYTES + 1);
  g_autoptr (GError) error = NULL;

  g_assert_null (cfd_instrument_def_parse (nul, sizeof nul - 1, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "not UTF-8 text"));
  g_clear_error (&error);
  g_assert_null (cfd_instrument_def_parse (latin1, sizeof latin1 - 1, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  memset (huge, '#', CFD_INSTRUMENT_MAX_FILE_BYTES + 1);
  g_assert_null (cfd_instrument_def_parse (huge, CFD_INSTRUMENT_MAX_FILE_BYTES + 1, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

/* A domain-max item outside every domain that the form did not ask (its
 * AskIf item answered 0) adds nothing to the total: it once added -1,
 * which the definition fuzzer found. */
static void
test_domain_max_unasked (void)
{
  static const char text[] = "[Instrument]\nId=x\nName=X\nRecallPeriod=Today\nRater=clinician\n"
                             "Licence=L\nSource=S\nOptions=0;1;2;3\nOptionLabels=a;b;c;d\n"
                             "Scoring=domain-max\n[Item 1]\nText=a\n[Item 2]\nText=b\n"
                             "[Item 3]\nText=c\nAskIf=2\n[Domain d]\nLabel=D\nItems=1\n";
  g_autoptr (GError) error = NULL;
  CfdInstrumentDef *def = cfd_instrument_def_parse (text, sizeof text - 1, &error);
  const int unasked[] = { 2, 0, NONE };
  const int asked[] = { 2, 1, 3 };
  CfdInstrumentScore score;

  g_assert_no_error (error);
  g_assert_nonnull (def);
  score = score_ok (def, unasked);
  g_assert_cmpint (score.total, ==, 2);
  score = score_ok (def, asked);
  g_assert_cmpint (score.total, ==, 6);
  cfd_instrument_def_free (def);
}

static void
copy_fixture (const char *name, const char *folder, const char *as)
{
  g_autofree char *from = g_test_build_filename (G_TEST_DIST, "fixtures", "measures", name, NULL);
  g_autofree char *to = g_build_filename (folder, as, NULL);
  g_autofree char *data = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (from, &data, &size, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize)size, NULL));
}

/* A practice's folder: the good file is added; a broken one and one that
 * would replace the PHQ-9 are named in the error and left out. */
static void
test_practice_folder (void)
{
  g_autofree char *folder = cfd_test_make_dir ();
  g_autofree char *broken = g_build_filename (folder, "broken.measure", NULL);
  g_autofree char *phq = g_build_filename (folder, "my-phq9.measure", NULL);
  g_autofree char *ignored = g_build_filename (folder, "notes.txt", NULL);
  g_autofree char *missing = g_build_filename (folder, "no-such-folder", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  const CfdInstrumentDef *def;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  copy_fixture ("practice-scale.measure", folder, "practice-scale.measure");
  g_assert_true (g_file_set_contents (broken, "[Instrument]\nId=broken\n", -1, NULL));
  g_assert_true (g_file_set_contents (ignored, "not a definition", -1, NULL));
  {
    g_autofree char *path
        = g_test_build_filename (G_TEST_DIST, "..", "data", "measures", "phq9.measure", NULL);
    g_autofree char *data = NULL;

    g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
    g_assert_true (g_file_set_contents (phq, data, -1, NULL));
  }

  g_assert_null (cfd_instrument_lookup ("practice-scale"));
  g_assert_false (cfd_instrument_library_add_folder (folder, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "broken.measure: Measure definition, [Instrument]: "
                                            "Name is missing"));
  g_assert_nonnull (strstr (error->message, "my-phq9.measure: an instrument with the id phq9"));
  g_assert_null (strstr (error->message, "notes.txt"));
  def = cfd_instrument_lookup ("practice-scale");
  g_assert_nonnull (def);
  g_assert_cmpint (cfd_instrument_def_get_rater (def), ==, CFD_RATER_CLINICIAN);
  all = cfd_instrument_list ();
  g_assert_true (g_ptr_array_index (all, all->len - 1) == def);
  g_assert_cmpstr (cfd_instrument_def_get_id (g_ptr_array_index (all, 0)), ==, "phq9");
  /* The shipped PHQ-9 is still the one read. */
  g_assert_cmpuint (cfd_instrument_def_get_n_items (cfd_instrument_lookup ("phq9")), ==, 10);
  /* Reading the folder again (the next unlock) adds nothing twice. */
  g_clear_error (&error);
  g_assert_false (cfd_instrument_library_add_folder (folder, &error));
  g_assert_null (strstr (error->message, "practice-scale"));
  g_clear_error (&error);
  g_assert_true (cfd_instrument_library_add_folder (missing, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/instrument/shipped", test_shipped);
  g_test_add_func ("/confidant/instrument/phq9", test_phq9);
  g_test_add_func ("/confidant/instrument/gad7", test_gad7);
  g_test_add_func ("/confidant/instrument/pcl5/bands", test_pcl5_bands);
  g_test_add_func ("/confidant/instrument/pcl5/clusters", test_pcl5_clusters);
  g_test_add_func ("/confidant/instrument/qids-sr16", test_qids);
  g_test_add_func ("/confidant/instrument/meq30", test_meq30);
  g_test_add_func ("/confidant/instrument/ebi", test_ebi);
  g_test_add_func ("/confidant/instrument/screener", test_screener);
  g_test_add_func ("/confidant/instrument/refused", test_refused);
  g_test_add_func ("/confidant/instrument/domain-max-unasked", test_domain_max_unasked);
  g_test_add_func ("/confidant/instrument/refused-bytes", test_refused_bytes);
  g_test_add_func ("/confidant/instrument/practice-folder", test_practice_folder);
  return g_test_run ();
}
