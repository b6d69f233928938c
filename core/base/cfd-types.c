/* cfd-types.c: the names of roles and audit outcomes, as stored. */
#include "config.h"

#include "cfd-types.h"

static const char *const role_names[] = { "owner", "therapist", "supervisor" };

const char *
cfd_role_to_string (CfdRole role)
{
  g_return_val_if_fail (role <= CFD_ROLE_SUPERVISOR, "unknown");
  return role_names[role];
}

gboolean
cfd_role_from_string (const char *text, CfdRole *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *role = (CfdRole)i;
        return TRUE;
      }
  return FALSE;
}

static const char *const outcome_names[] = { "success", "failure", "denied" };

const char *
cfd_audit_outcome_to_string (CfdAuditOutcome outcome)
{
  g_return_val_if_fail (outcome <= CFD_AUDIT_DENIED, "failure");
  return outcome_names[outcome];
}
