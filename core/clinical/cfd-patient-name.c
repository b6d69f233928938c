/* cfd-patient-name.c: a patient's given and family names and sex, read from the details; full names split for patients recorded before demographics. */
#include "config.h"

#include <string.h>

#include "cfd-patient.h"
#include "cfd-secure.h"

const char *
cfd_patient_get_sex (CfdPatient *self)
{
  return cfd_patient_get_detail (self, CFD_PATIENT_SEX);
}

void
cfd_patient_split_name (const char *name, char **given, char **family)
{
  char *copy = g_strdup (name != NULL ? name : "");
  char *whole = g_strstrip (copy);
  char *comma = strchr (whole, ',');
  char *space;

  if (comma != NULL)
    {
      *comma = '\0';
      *family = g_strstrip (g_strdup (whole));
      *given = g_strstrip (g_strdup (comma + 1));
    }
  else if ((space = strrchr (whole, ' ')) != NULL)
    {
      *space = '\0';
      *family = g_strdup (space + 1);
      *given = g_strstrip (g_strdup (whole));
    }
  else
    {
      *given = g_strdup (whole);
      *family = g_strdup ("");
    }
  /* The copy held the whole name; the cuts above shortened it. */
  cfd_wipe_free (copy, strlen (name != NULL ? name : "") + 1);
}

static char *
dup_part (CfdPatient *self, const char *key, gboolean want_given)
{
  const char *recorded = cfd_patient_get_detail (self, key);
  char *given = NULL, *family = NULL;

  if (recorded != NULL)
    return g_strdup (recorded);
  /* Recorded with a full name only (every patient before demographics):
   * split it, leaving the full name as it was written. */
  if (cfd_patient_get_detail (self, CFD_PATIENT_GIVEN_NAME) != NULL
      || cfd_patient_get_detail (self, CFD_PATIENT_FAMILY_NAME) != NULL)
    return g_strdup ("");
  cfd_patient_split_name (cfd_patient_get_name (self), &given, &family);
  if (want_given)
    {
      cfd_wipe_string (family);
      return given;
    }
  cfd_wipe_string (given);
  return family;
}

char *
cfd_patient_dup_given_name (CfdPatient *self)
{
  return dup_part (self, CFD_PATIENT_GIVEN_NAME, TRUE);
}

char *
cfd_patient_dup_family_name (CfdPatient *self)
{
  return dup_part (self, CFD_PATIENT_FAMILY_NAME, FALSE);
}
