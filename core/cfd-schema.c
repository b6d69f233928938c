/* cfd-schema.c: the database schema and its migrations.
 *
 * Only structure is in the clear here (ids, times, kinds, key versions);
 * everything about a patient is in the sealed columns. Each migration runs
 * in its own transaction and bumps PRAGMA user_version. */
#include "config.h"

#include "cfd-error.h"
#include "cfd-schema.h"

static const char *const migrations[] = {
  /* 1: users, patients and their keys, the audit log. */
  "CREATE TABLE vault_meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"

  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('owner', 'therapist', 'supervisor')),"
  "  box_pk BLOB NOT NULL CHECK (length(box_pk) = 32),"
  "  sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
  "  created INTEGER NOT NULL);"

  "CREATE TABLE patients ("
  "  id TEXT PRIMARY KEY,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
  "  retention_until INTEGER,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL);"

  /* One row per reader per key version: the patient key sealed to the
   * reader's X25519 key, signed by whoever granted it. */
  "CREATE TABLE patient_keys ("
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  key_version INTEGER NOT NULL,"
  "  user_id TEXT NOT NULL REFERENCES users (id),"
  "  sealed_key BLOB NOT NULL,"
  "  granted_by TEXT NOT NULL REFERENCES users (id),"
  "  granted_at INTEGER NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  PRIMARY KEY (patient_id, key_version, user_id));"

  /* Consents: the terms are sealed under the patient key and signed by the
   * granting user; expiry and revocation are in the clear so that core can
   * refuse a supervisor without decrypting anything. */
  "CREATE TABLE consents ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  supervisor_id TEXT NOT NULL REFERENCES users (id),"
  "  granted_by TEXT NOT NULL REFERENCES users (id),"
  "  created INTEGER NOT NULL,"
  "  expires INTEGER,"
  "  revoked_at INTEGER,"
  "  key_withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (key_withdrawn IN (0, 1)),"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE INDEX consents_patient ON consents (patient_id, supervisor_id);"

  "CREATE TABLE audit_log ("
  "  seq INTEGER PRIMARY KEY,"
  "  time INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  object_kind TEXT NOT NULL,"
  "  object_id TEXT NOT NULL,"
  "  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),"
  "  authorization TEXT NOT NULL,"
  "  device TEXT NOT NULL,"
  "  hash BLOB NOT NULL CHECK (length(hash) = 32));"
  "CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is immutable'); END;"
  "CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is immutable'); END;",
};

int
cfd_db_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
cfd_schema_migrate (CfdDb *db, GError **error)
{
  int version = cfd_db_schema_version (db);

  if (version < 0)
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_DAMAGED_DATABASE,
                   "The database schema version cannot be read");
      return FALSE;
    }
  if (version > cfd_db_latest_schema_version ())
    {
      g_set_error (error, CFD_VAULT_ERROR, CFD_VAULT_ERROR_UNSUPPORTED_VERSION,
                   "The vault was written by a newer version of Confidant (schema %d; this "
                   "version knows up to %d)",
                   version, cfd_db_latest_schema_version ());
      return FALSE;
    }

  for (; version < cfd_db_latest_schema_version (); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!cfd_db_begin (db, error))
        return FALSE;
      if (!cfd_db_exec (db, migrations[version], error) || !cfd_db_exec (db, bump, error))
        {
          cfd_db_rollback (db);
          return FALSE;
        }
      if (!cfd_db_commit (db, error))
        return FALSE;
    }
  return TRUE;
}
