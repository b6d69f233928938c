/* cfd-dosing-thresholds.c: the practice's thresholds past which a dosing reading needs an action.
 *
 * Each threshold the practice set is one vault_meta row, key
 * "threshold.NAME", value the whole number as text; a threshold not set
 * keeps its default. Defaults and sources are in docs/CLINICAL.md. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfd-dosing-thresholds.h"
#include "cfd-vault-private.h"

#define SETTING_PREFIX "threshold."

const CfdDosingThresholds cfd_dosing_default_thresholds = {
  .pre_dose_systolic = 140,
  .pre_dose_diastolic = 90,
  .systolic = 180,
  .diastolic = 110,
  .spo2_below = 92,
  .heart_rate_above = 120,
  .heart_rate_below = 50,
  .respiratory_rate_below = 10,
  .moaas_at_or_below = 1,
  .esketamine_monitoring_minutes = 120,
};

/* The descriptions are marked for the app's preferences, which show them
 * translated; confidant-cli prints them as they are. The sources are
 * citations and stay as written. */
static const CfdDosingThresholdInfo thresholds[] = {
  { "pre-dose-systolic", N_ ("Pre-dose systolic blood pressure above"), "mmHg", 100, 220,
    "Spravato (esketamine) label: 140/90 mmHg before dosing" },
  { "pre-dose-diastolic", N_ ("Pre-dose diastolic blood pressure above"), "mmHg", 60, 140,
    "Spravato (esketamine) label: 140/90 mmHg before dosing" },
  { "systolic", N_ ("Any systolic blood pressure at or above"), "mmHg", 120, 260,
    "Confidant default (ACC/AHA 2017: severe above 180)" },
  { "diastolic", N_ ("Any diastolic blood pressure at or above"), "mmHg", 70, 160,
    "Confidant default (ACC/AHA 2017: severe above 120)" },
  { "spo2-below", N_ ("Oxygen saturation below"), "%", 80, 100,
    "Confidant default (BTS 2017: target 94-98 %)" },
  { "heart-rate-above", N_ ("Heart rate above"), "/min", 80, 220, "Confidant default" },
  { "heart-rate-below", N_ ("Heart rate below"), "/min", 30, 80, "Confidant default" },
  { "respiratory-rate-below", N_ ("Respiratory rate below"), "/min", 4, 20, "Confidant default" },
  { "moaas-at-or-below", N_ ("Sedation (MOAA/S) at or below"), NULL, 0, 4,
    "Confidant default, on the scale of Chernik et al. 1990 as modified" },
};

const CfdDosingThresholdInfo *
cfd_dosing_thresholds_list (guint *n_thresholds)
{
  *n_thresholds = G_N_ELEMENTS (thresholds);
  return thresholds;
}

const CfdDosingThresholdInfo *
cfd_dosing_threshold_find (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (thresholds); i++)
    if (strcmp (thresholds[i].name, name) == 0)
      return &thresholds[i];
  return NULL;
}

/* The struct member of each name, in the table's order. */
static guint *
member (CfdDosingThresholds *t, const char *name)
{
  guint *members[] = { &t->pre_dose_systolic, &t->pre_dose_diastolic,
                       &t->systolic,          &t->diastolic,
                       &t->spo2_below,        &t->heart_rate_above,
                       &t->heart_rate_below,  &t->respiratory_rate_below };

  G_STATIC_ASSERT (G_N_ELEMENTS (members) == G_N_ELEMENTS (thresholds) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (strcmp (thresholds[i].name, name) == 0)
      return members[i];
  return NULL;
}

guint
cfd_dosing_threshold_get (const CfdDosingThresholds *t, const char *name)
{
  guint *m;

  if (g_strcmp0 (name, "moaas-at-or-below") == 0)
    return (guint)t->moaas_at_or_below;
  m = member ((CfdDosingThresholds *)t, name);
  g_return_val_if_fail (m != NULL, 0);
  return *m;
}

static void
set (CfdDosingThresholds *t, const char *name, guint value)
{
  guint *m;

  if (strcmp (name, "moaas-at-or-below") == 0)
    {
      t->moaas_at_or_below = value;
      return;
    }
  m = member (t, name);
  if (m != NULL)
    *m = value;
}

static gboolean
in_bounds (const CfdDosingThresholdInfo *info, const char *text, guint *value)
{
  guint64 number;

  if (!g_ascii_string_to_unsigned (text, 10, info->min, info->max, &number, NULL))
    return FALSE;
  *value = (guint)number;
  return TRUE;
}

gboolean
cfd_dosing_threshold_parse (const char *assignment,
                            const CfdDosingThresholdInfo **info,
                            guint *value,
                            GError **error)
{
  const char *equals = assignment != NULL ? strchr (assignment, '=') : NULL;
  g_autofree char *name = NULL;

  if (equals == NULL)
    {
      g_set_error_literal (
          error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
          _ ("A threshold is written NAME=VALUE, for example pre-dose-systolic=150"));
      return FALSE;
    }
  name = g_strndup (assignment, (gsize)(equals - assignment));
  *info = cfd_dosing_threshold_find (name);
  if (*info == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("No threshold is called “%s” (see confidant-cli practice show)"), name);
      return FALSE;
    }
  if (!in_bounds (*info, equals + 1, value))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The threshold %s must be a whole number from %u to %u"), name, (*info)->min,
                   (*info)->max);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_get_dosing_thresholds (CfdVault *vault, CfdDosingThresholds *out, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return FALSE;
  *out = cfd_dosing_default_thresholds;
  stmt = cfd_db_prepare (db,
                         "SELECT key, value FROM vault_meta WHERE substr(key, 1, "
                         "length('" SETTING_PREFIX "')) = '" SETTING_PREFIX "'",
                         error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0) + strlen (SETTING_PREFIX);
      const char *text = (const char *)sqlite3_column_text (stmt, 1);
      const CfdDosingThresholdInfo *info = cfd_dosing_threshold_find (name);
      guint value;

      /* A threshold of a later version: this one does not check it. */
      if (info == NULL)
        continue;
      if (text == NULL || !in_bounds (info, text, &value))
        {
          sqlite3_reset (stmt);
          g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                       _ ("The practice's threshold %s is not a value Confidant accepts; set it "
                          "again with confidant-cli practice set --threshold"),
                       info->name);
          return FALSE;
        }
      set (out, info->name, value);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the practice's thresholds", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_set_dosing_threshold (CfdVault *vault, const char *name, guint value, GError **error)
{
  const CfdDosingThresholdInfo *info = cfd_dosing_threshold_find (name);
  g_autofree char *key = NULL, *text = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, "practice.threshold", error))
    return FALSE;
  if (info == NULL || value < info->min || value > info->max)
    {
      if (info == NULL)
        g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, _ ("No threshold is called “%s”"),
                     name != NULL ? name : "");
      else
        g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                     _ ("The threshold %s must be from %u to %u"), name, info->min, info->max);
      return FALSE;
    }
  key = g_strconcat (SETTING_PREFIX, info->name, NULL);
  text = g_strdup_printf ("%u", value);
  db = cfd_vault_get_db (vault, error);
  if (db == NULL || !cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db, "INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?, ?)", error);
  if (stmt == NULL)
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "practice.threshold", "vault", cfd_vault_get_id (vault),
                           CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}
