/* cfd-demo-chart.c: an invented patient's chart, shaped like a ketamine clinic's: treatment-resistant depression after two or more adequate trials. */
#include "config.h"

#include <string.h>

#include "cfd-chart.h"
#include "cfd-demo-chart.h"

static gboolean
add (CfdVault *vault, const char *patient_id, CfdChartList list, const char *text, GError **error)
{
  g_autoptr (GVariant) fields = cfd_chart_fields_parse (list, text, strlen (text), error);
  g_autofree char *id = NULL;

  if (fields == NULL)
    return FALSE;
  id = cfd_vault_add_chart_entry (vault, patient_id, list, fields, error);
  return id != NULL;
}

static const char *
pick (GRand *rand, const char *const *choices, guint n)
{
  return choices[g_rand_int_range (rand, 0, n)];
}

gboolean
cfd_demo_add_chart (CfdVault *vault, guint32 seed, const char *patient_id, GError **error)
{
  static const char *const depression[] = {
    "code: F33.1\nonset: 2016\n",
    "code: F33.2\nonset: 2014-09\n",
    "code: F32.1\nonset: 2021-03\n",
    "code: F31.81\nonset: 2012\n",
  };
  static const char *const comorbid[] = {
    "code: F41.1\nonset: 2015\n",
    "code: F43.12\nonset: 2010\n",
    "code: I10\nonset: 2019\n",
    "code: G47.00\nonset: 2020\n",
  };
  static const char *const allergies[] = {
    "nkda: yes\n",
    "substance: Penicillin\nreaction: hives\nseverity: moderate\n",
    "substance: Sulfonamide antibiotics\nreaction: rash\nseverity: mild\n",
  };
  static const char *const current[] = {
    "name: Sertraline\ndose: 150 mg\nfrequency: once daily\nstart: 2023-06\n",
    "name: Bupropion XL\ndose: 300 mg\nfrequency: once daily\nstart: 2022-11\n",
    "name: Vortioxetine\ndose: 20 mg\nfrequency: once daily\nstart: 2024-01\n",
  };
  /* The classes that change a session: about half the demo patients take one. */
  static const char *const flagged[] = {
    "name: Lorazepam\ndose: 0.5 mg\nfrequency: at night as needed\nstart: 2024-02\n",
    "name: Lamotrigine\ndose: 100 mg\nfrequency: once daily\nstart: 2023-02\n",
    "name: Zolpidem\ndose: 5 mg\nfrequency: at night as needed\nstart: 2024-05\n",
    "name: Methylphenidate ER\ndose: 36 mg\nfrequency: each morning\nstart: 2021-08\n",
  };
  static const char *const trials[] = {
    "drug: Escitalopram\ndose: 20 mg\nweeks: 10\nresponse: none\n",
    "drug: Fluoxetine\ndose: 40 mg\nweeks: 8\nresponse: partial\n",
    "drug: Venlafaxine XR\ndose: 225 mg\nweeks: 12\nresponse: partial\n",
    "drug: Duloxetine\ndose: 60 mg\nweeks: 8\nresponse: intolerant\n",
    "drug: Mirtazapine\ndose: 30 mg\nweeks: 6\nresponse: none\n",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint first_trial = g_rand_int_range (rand, 0, G_N_ELEMENTS (trials));
  guint n_trials = g_rand_int_range (rand, 2, 4);
  gboolean ok;

  ok = add (vault, patient_id, CFD_CHART_PROBLEM,
            pick (rand, depression, G_N_ELEMENTS (depression)), error)
       && (g_rand_boolean (rand)
           || add (vault, patient_id, CFD_CHART_PROBLEM,
                   pick (rand, comorbid, G_N_ELEMENTS (comorbid)), error))
       && add (vault, patient_id, CFD_CHART_ALLERGY,
               pick (rand, allergies, G_N_ELEMENTS (allergies)), error)
       && add (vault, patient_id, CFD_CHART_MEDICATION,
               pick (rand, current, G_N_ELEMENTS (current)), error)
       && (g_rand_boolean (rand)
           || add (vault, patient_id, CFD_CHART_MEDICATION,
                   pick (rand, flagged, G_N_ELEMENTS (flagged)), error));
  for (guint i = 0; ok && i < n_trials; i++)
    ok = add (vault, patient_id, CFD_CHART_TRIAL, trials[(first_trial + i) % G_N_ELEMENTS (trials)],
              error);
  return ok;
}
