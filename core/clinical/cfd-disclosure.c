/* cfd-disclosure.c: who a patient's record went to, why and on what basis: the accounting of disclosures. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-disclosure.h"
#include "cfd-record-private.h"

#define MAX_TERM_CHARS 300

static const char *const disclosure_actions[] = {
  "patient.export",
  "patient.print",
  "patient.export-fhir",
  "patient.export-csv",
  "capsule.export",
  "patient.export-rems",
  /* A filed document (cfd-attachment.h). */
  "attachment.export",
  NULL,
};

static gboolean
check_term (const char *name, const char *value, GError **error)
{
  if (value == NULL || value[0] == '\0')
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("An export must state its %s (45 CFR 164.528)"), _ (name));
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > MAX_TERM_CHARS)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The %s must be UTF-8 text of at most 300 characters"), _ (name));
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      {
        g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                     _ ("The %s must be one line of text"), _ (name));
        return FALSE;
      }
  return TRUE;
}

gboolean
cfd_disclosure_terms_check (const CfdDisclosureTerms *terms, GError **error)
{
  if (terms == NULL)
    return check_term (N_ ("recipient"), NULL, error);
  return check_term (N_ ("recipient"), terms->recipient, error)
         && check_term (N_ ("purpose"), terms->purpose, error)
         && check_term (N_ ("basis"), terms->basis, error);
}

static void
hash_string (crypto_generichash_state *state, const char *value)
{
  gsize len = strlen (value);
  guint8 prefix[4] = { (len >> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff };

  crypto_generichash_update (state, prefix, sizeof prefix);
  crypto_generichash_update (state, (const guint8 *)value, len);
}

/* 16 bytes of BLAKE2b-256 over the length-prefixed fields, in hex
 * (docs/FORMATS.md, "Accounting of disclosures"). */
static char *
terms_hash (const char *patient_id,
            const char *recipient,
            const char *purpose,
            const char *basis,
            const char *description)
{
  crypto_generichash_state state;
  guint8 digest[CFD_HASH_BYTES];

  crypto_generichash_init (&state, NULL, 0, sizeof digest);
  hash_string (&state, "confidant/disclosure/v1");
  hash_string (&state, patient_id);
  hash_string (&state, recipient);
  hash_string (&state, purpose);
  hash_string (&state, basis);
  hash_string (&state, description);
  crypto_generichash_final (&state, digest, sizeof digest);
  return cfd_hex_encode (digest, 16);
}

static gboolean
insert_row (CfdDb *db,
            const char *patient_id,
            const CfdDisclosureTerms *terms,
            const char *description,
            GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (
      db,
      "INSERT INTO disclosures (audit_seq, patient_id, recipient, purpose, basis, description) "
      "VALUES ((SELECT max(seq) FROM audit_log), ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, terms->recipient, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, terms->purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, terms->basis, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, description, -1, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error);
}

gboolean
cfd_vault_record_disclosure (CfdVault *vault,
                             const char *action,
                             const char *patient_id,
                             gboolean psychotherapy_included,
                             CfdAuditOutcome outcome,
                             const CfdDisclosureTerms *terms,
                             const char *description,
                             GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  g_autofree char *hash = NULL;
  g_autofree char *authorization = NULL;
  gboolean own_transaction;

  if (db == NULL)
    return FALSE;
  if (!g_strv_contains (disclosure_actions, action))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("That is not a disclosure the audit log records"));
      return FALSE;
    }
  if (!cfd_disclosure_terms_check (terms, error)
      || !check_term (N_ ("description"), description, error))
    return FALSE;
  hash = terms_hash (patient_id, terms->recipient, terms->purpose, terms->basis, description);
  authorization = g_strdup_printf (
      "%s disclosure:%s",
      psychotherapy_included ? "medical-record+psychotherapy-notes" : "medical-record", hash);
  own_transaction = !cfd_db_in_transaction (db);
  if (own_transaction && !cfd_db_begin (db, error))
    return FALSE;
  if (!cfd_vault_audit (vault, action, "patient", patient_id, outcome, authorization, error)
      || (outcome == CFD_AUDIT_SUCCESS && !insert_row (db, patient_id, terms, description, error))
      || (own_transaction && !cfd_db_commit (db, error)))
    {
      if (own_transaction)
        cfd_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
cfd_disclosure_free (CfdDisclosure *disclosure)
{
  if (disclosure == NULL)
    return;
  g_free (disclosure->actor_name);
  g_free (disclosure->action);
  g_free (disclosure->recipient);
  g_free (disclosure->purpose);
  g_free (disclosure->basis);
  g_free (disclosure->description);
  g_free (disclosure);
}

static char *
user_name (GPtrArray *users, const char *id)
{
  for (guint i = 0; i < users->len; i++)
    {
      CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return g_strdup (user->name);
    }
  return g_strdup (id);
}

#define COL(stmt, i) ((const char *)sqlite3_column_text (stmt, i))

GPtrArray *
cfd_vault_list_disclosures (CfdVault *vault, const char *patient_id, gint64 since, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)cfd_disclosure_free);
  g_autoptr (GPtrArray) users = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  guint key_version;
  int rc;

  g_return_val_if_fail (patient_id != NULL, NULL);
  if (!cfd_record_patient_access (vault, patient_id, "patient.disclosures", &key_version, error))
    return NULL;
  db = cfd_vault_get_db (vault, error);
  users = cfd_vault_list_users (vault);
  stmt = cfd_db_prepare (db,
                         "SELECT a.time, a.actor, a.action, a.authorization, d.recipient, "
                         "d.purpose, d.basis, d.description FROM disclosures d "
                         "JOIN audit_log a ON a.seq = d.audit_seq "
                         "WHERE d.patient_id = ? AND a.time >= ? ORDER BY a.seq",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, since * G_USEC_PER_SEC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdDisclosure) d = g_new0 (CfdDisclosure, 1);
      g_autofree char *hash = NULL;
      const char *authorization = COL (stmt, 3);
      const char *mark;

      d->time = sqlite3_column_int64 (stmt, 0) / G_USEC_PER_SEC;
      d->actor_name = user_name (users, COL (stmt, 1));
      d->action = g_strdup (COL (stmt, 2));
      d->recipient = g_strdup (COL (stmt, 4));
      d->purpose = g_strdup (COL (stmt, 5));
      d->basis = g_strdup (COL (stmt, 6));
      d->description = g_strdup (COL (stmt, 7));
      if (d->recipient == NULL || d->purpose == NULL || d->basis == NULL || d->description == NULL
          || authorization == NULL)
        break;
      /* The row must be the one the hash-chained audit record names. */
      hash = terms_hash (patient_id, d->recipient, d->purpose, d->basis, d->description);
      mark = strstr (authorization, " disclosure:");
      if (mark == NULL || strcmp (mark + strlen (" disclosure:"), hash) != 0)
        break;
      g_ptr_array_add (list, g_steal_pointer (&d));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                           _ ("A row of the accounting of disclosures does not match its audit "
                              "record; the vault may have been tampered with"));
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the accounting of disclosures", error);
      return NULL;
    }
  cfd_vault_audit_standalone (vault, "patient.disclosures", "patient", patient_id,
                              CFD_AUDIT_SUCCESS);
  return g_steal_pointer (&list);
}

gint64
cfd_disclosure_accounting_start (CfdVault *vault)
{
  g_autoptr (GDateTime) now
      = g_date_time_new_from_unix_utc (cfd_vault_now (vault) / G_USEC_PER_SEC);
  g_autoptr (GDateTime) start = g_date_time_add_years (now, -6);

  return g_date_time_to_unix (start);
}
