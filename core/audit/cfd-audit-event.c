/* cfd-audit-event.c: audit records for what happens above core: settings changes, printing, exports. */
#include "config.h"

#include <string.h>

#include "cfd-audit-event.h"
#include "cfd-vault-private.h"

static const struct
{
  const char *action;
  const char *object_kind;
} allowed[] = {
  { "settings.change", "settings" }, { "patient.print", "patient" },
  { "patient.export", "patient" },   { "record.print", "record" },
  { "record.export", "record" },     { "audit.print", "vault" },
};

/* Ids and setting keys: letters, digits and a few punctuation marks. */
static gboolean
is_plain_identifier (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 128)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-_.:", text[i]) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
cfd_vault_audit_event (CfdVault *vault,
                       const char *action,
                       const char *object_kind,
                       const char *object_id,
                       GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  gboolean known = FALSE;

  if (db == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (allowed) && !known; i++)
    known = g_strcmp0 (action, allowed[i].action) == 0
            && g_strcmp0 (object_kind, allowed[i].object_kind) == 0;
  if (!known)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "That is not an event the audit log records");
      return FALSE;
    }
  if (object_id == NULL && strcmp (object_kind, "vault") == 0)
    object_id = cfd_vault_get_id (vault);
  if (object_id == NULL || !is_plain_identifier (object_id))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "An audited event needs a plain identifier for its object");
      return FALSE;
    }

  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, action, object_kind, object_id, CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_audit_disclosure (CfdVault *vault,
                            const char *action,
                            const char *patient_id,
                            gboolean psychotherapy_included,
                            CfdAuditOutcome outcome,
                            GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const char *scope = psychotherapy_included ? CFD_AUDIT_SCOPE_WITH_PSYCHOTHERAPY
                                             : CFD_AUDIT_SCOPE_MEDICAL_RECORD;

  if (db == NULL)
    return FALSE;
  if (g_strcmp0 (action, "patient.export") != 0 && g_strcmp0 (action, "patient.print") != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "That is not a disclosure the audit log records");
      return FALSE;
    }
  if (patient_id == NULL || !is_plain_identifier (patient_id))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   "An audited event needs a plain identifier for its object");
      return FALSE;
    }
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, action, "patient", patient_id, outcome, scope, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}
