/* cfd-schema.c: the database schema and its migrations.
 *
 * Only structure is in the clear here (ids, times, kinds, key versions);
 * everything about a patient is in the sealed columns. Each migration runs
 * in its own transaction and bumps PRAGMA user_version. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-error.h"
#include "cfd-schema.h"

/* The indexes and triggers of the records table, made by migration 1 and
 * made again, word for word, when migration 5 rebuilds the table.
 * Re-encryption under a rotated patient key changes sealed and key_version
 * only, which leaves the signature (over the content) valid. Deleting the
 * patient (owner only, after retention) removes the patient row first; the
 * cascade that follows then finds no patient. */
#define RECORDS_INDEXES_AND_TRIGGERS                                                               \
  "CREATE INDEX records_patient ON records (patient_id, occurred);"                                \
  "CREATE INDEX records_parent ON records (parent_id);"                                            \
  "CREATE TRIGGER records_addendum_parent BEFORE INSERT ON records"                                \
  "  WHEN NEW.parent_id IS NOT NULL"                                                               \
  "  BEGIN SELECT RAISE (ABORT, 'an addendum must take the class of the signed record it is"       \
  " attached to') WHERE NOT EXISTS (SELECT 1 FROM records p WHERE p.id = NEW.parent_id"            \
  "    AND p.status = 'signed' AND p.kind <> 'addendum' AND p.patient_id = NEW.patient_id"         \
  "    AND p.class = NEW.class); END;"                                                             \
  "CREATE TRIGGER records_structure_update BEFORE UPDATE ON records"                               \
  "  WHEN NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id"                            \
  "    OR NEW.parent_id IS NOT OLD.parent_id OR NEW.author_id IS NOT OLD.author_id"                \
  "    OR NEW.kind IS NOT OLD.kind OR NEW.class IS NOT OLD.class OR NEW.created IS NOT "           \
  "OLD.created"                                                                                    \
  "  BEGIN SELECT RAISE (ABORT, 'the patient, author, kind and class of a record are immutable');" \
  "  END;"                                                                                         \
  "CREATE TRIGGER records_signed_update BEFORE UPDATE ON records"                                  \
  "  WHEN OLD.status = 'signed' AND (NEW.status IS NOT OLD.status"                                 \
  "    OR NEW.occurred IS NOT OLD.occurred OR NEW.updated IS NOT OLD.updated"                      \
  "    OR NEW.signed_at IS NOT OLD.signed_at OR NEW.revision IS NOT OLD.revision"                  \
  "    OR NEW.signature IS NOT OLD.signature)"                                                     \
  "  BEGIN SELECT RAISE (ABORT, 'a signed record is immutable'); END;"                             \
  "CREATE TRIGGER records_signed_delete BEFORE DELETE ON records"                                  \
  "  WHEN OLD.status = 'signed' AND EXISTS (SELECT 1 FROM patients WHERE id = OLD.patient_id)"     \
  "  BEGIN SELECT RAISE (ABORT, 'a signed record is immutable'); END;"

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

  /* The media ledger: which medium got which backup, when, from whom, and
   * whether it read back intact. The last backup sequence number is kept
   * in vault_meta ('backup_seq'). */
  "CREATE TABLE backup_ledger ("
  "  id INTEGER PRIMARY KEY,"
  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
  "  medium_label TEXT NOT NULL,"
  "  medium_uuid TEXT NOT NULL,"
  "  location TEXT NOT NULL,"
  "  file_name TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  user_id TEXT NOT NULL REFERENCES users (id),"
  "  size INTEGER NOT NULL CHECK (size >= 0),"
  "  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),"
  "  verified_at INTEGER);"

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

  /* A supervisor's comments and co-signatures: rows of their own, signed
   * over the record's signed content, so the record never changes. */
  "CREATE TABLE reviews ("
  "  id TEXT PRIMARY KEY,"
  "  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  author_id TEXT NOT NULL REFERENCES users (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('comment', 'cosign')),"
  "  created INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE INDEX reviews_record ON reviews (record_id);"
  "CREATE TRIGGER reviews_immutable BEFORE UPDATE ON reviews"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.record_id IS NOT OLD.record_id"
  "    OR NEW.patient_id IS NOT OLD.patient_id OR NEW.author_id IS NOT OLD.author_id"
  "    OR NEW.kind IS NOT OLD.kind OR NEW.created IS NOT OLD.created"
  "    OR NEW.revision IS NOT OLD.revision OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'a review is immutable'); END;"

  /* Clinical records; see docs/FORMATS.md. The kind fixes the class
   * (psychotherapy notes apart from the medical record); an addendum must
   * take the class of the signed record it is attached to. */
  "CREATE TABLE records ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  parent_id TEXT REFERENCES records (id) ON DELETE CASCADE,"
  "  author_id TEXT NOT NULL REFERENCES users (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('integration', 'dosing', 'intake', 'progress', 'risk',"
  "    'safety-plan', 'measure', 'addendum')),"
  "  class TEXT NOT NULL CHECK (class IN ('psychotherapy', 'medical')),"
  "  status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),"
  "  occurred INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  signed_at INTEGER,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB,"
  "  CHECK ((kind = 'integration' AND class = 'psychotherapy')"
  "    OR (kind = 'addendum')"
  "    OR (kind NOT IN ('integration', 'addendum') AND class = 'medical')),"
  "  CHECK ((kind = 'addendum') = (parent_id IS NOT NULL)),"
  "  CHECK ((status = 'signed') = (signed_at IS NOT NULL)),"
  "  CHECK ((status = 'signed') = (signature IS NOT NULL)),"
  "  CHECK (signature IS NULL OR length(signature) = 64));" RECORDS_INDEXES_AND_TRIGGERS

  /* Earlier revisions of drafts, sealed as they were written. */
  "CREATE TABLE record_revisions ("
  "  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
  "  patient_id TEXT NOT NULL,"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  occurred INTEGER NOT NULL,"
  "  saved INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  sealed BLOB NOT NULL,"
  "  PRIMARY KEY (record_id, revision));"
  "CREATE TRIGGER record_revisions_update BEFORE UPDATE ON record_revisions"
  "  WHEN NEW.record_id IS NOT OLD.record_id OR NEW.patient_id IS NOT OLD.patient_id"
  "    OR NEW.revision IS NOT OLD.revision"
  "    OR NEW.occurred IS NOT OLD.occurred OR NEW.saved IS NOT OLD.saved"
  "  BEGIN SELECT RAISE (ABORT, 'a record revision is immutable'); END;"
  "CREATE TRIGGER record_revisions_delete BEFORE DELETE ON record_revisions"
  "  WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)"
  "  BEGIN SELECT RAISE (ABORT, 'a record revision is immutable'); END;"

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
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is immutable'); END;"
  /* The viewer and the export filter by patient and by time. */
  "CREATE INDEX audit_log_object ON audit_log (object_id, object_kind);"
  "CREATE INDEX audit_log_time ON audit_log (time);"

  /* Signed heads of the audit chain; see docs/FORMATS.md. No foreign key
   * on signer: verification looks the key up and reports a stranger. */
  "CREATE TABLE audit_checkpoints ("
  "  id INTEGER PRIMARY KEY,"
  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
  "  time INTEGER NOT NULL,"
  "  head BLOB NOT NULL CHECK (length(head) = 32),"
  "  signer TEXT NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is immutable'); END;"
  "CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is immutable'); END;",

  /* 2: supervision capsules (docs/FORMATS.md). */

  /* The therapist's side. A supervisor known by card only is a users row
   * (role supervisor, their own user id and public keys) with no keyring
   * entry, so it can be named in consents but can never unlock here. */
  "CREATE TABLE supervisor_cards ("
  "  user_id TEXT PRIMARY KEY REFERENCES users (id),"
  "  vault_id TEXT NOT NULL,"
  "  imported INTEGER NOT NULL,"
  "  imported_by TEXT NOT NULL REFERENCES users (id));"
  "CREATE TABLE capsule_exports ("
  "  id TEXT PRIMARY KEY,"
  "  consent_id TEXT NOT NULL REFERENCES consents (id) ON DELETE CASCADE,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  supervisor_id TEXT NOT NULL REFERENCES users (id),"
  "  exported_by TEXT NOT NULL REFERENCES users (id),"
  "  created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL,"
  "  records INTEGER NOT NULL CHECK (records >= 0),"
  "  last_reply_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_reply_seq >= 0));"
  /* Every reply imported, so that none is imported twice. */
  "CREATE TABLE capsule_replies ("
  "  id TEXT PRIMARY KEY,"
  "  capsule_id TEXT NOT NULL REFERENCES capsule_exports (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
  "  imported INTEGER NOT NULL,"
  "  imported_by TEXT NOT NULL REFERENCES users (id),"
  "  UNIQUE (capsule_id, seq));"

  /* The supervisor's side: what a capsule held, sealed under a capsule
   * key that is itself sealed to the recipient's X25519 key. At expiry
   * both are overwritten with NULL (secure_delete wipes the pages). */
  "CREATE TABLE capsules ("
  "  id TEXT PRIMARY KEY,"
  "  recipient_id TEXT NOT NULL REFERENCES users (id),"
  "  vault_id TEXT NOT NULL,"
  "  consent_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL,"
  "  therapist_id TEXT NOT NULL,"
  "  therapist_name TEXT NOT NULL,"
  "  therapist_sign_pk BLOB NOT NULL CHECK (length(therapist_sign_pk) = 32),"
  "  therapist_box_pk BLOB NOT NULL CHECK (length(therapist_box_pk) = 32),"
  "  created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL,"
  "  imported INTEGER NOT NULL,"
  "  wrapped_key BLOB,"
  "  sealed BLOB,"
  "  replies_sent INTEGER NOT NULL DEFAULT 0 CHECK (replies_sent >= 0),"
  "  CHECK ((wrapped_key IS NULL) = (sealed IS NULL)));"
  "CREATE TABLE capsule_reviews ("
  "  id TEXT PRIMARY KEY,"
  "  capsule_id TEXT NOT NULL REFERENCES capsules (id) ON DELETE CASCADE,"
  "  record_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('comment', 'cosign')),"
  "  created INTEGER NOT NULL,"
  "  sealed BLOB,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  reply_seq INTEGER);"
  "CREATE INDEX capsule_reviews_capsule ON capsule_reviews (capsule_id, reply_seq);",

  /* 3: the risk flag's history and what remains of a deleted patient. */

  /* Each step of a risk flag (raised, reviewed, resolved), signed by whoever
   * took it; the action text is sealed under the patient key. A flag that
   * existed before this history is carried over as a raised step without
   * signature, pointing at the signed record whose signing raised it (the
   * audit entry that follows the flag's own). */
  "CREATE TABLE risk_flag_entries ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  cycle INTEGER NOT NULL CHECK (cycle >= 1),"
  "  step TEXT NOT NULL CHECK (step IN ('raised', 'reviewed', 'resolved')),"
  "  record_id TEXT,"
  "  actor_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  key_version INTEGER,"
  "  revision INTEGER NOT NULL DEFAULT 1 CHECK (revision = 1),"
  "  sealed BLOB,"
  "  signature BLOB CHECK (signature IS NULL OR length(signature) = 64),"
  "  CHECK ((signature IS NULL) = (sealed IS NULL)),"
  "  CHECK ((sealed IS NULL) = (key_version IS NULL)),"
  "  CHECK (signature IS NOT NULL OR (step = 'raised' AND record_id IS NOT NULL)),"
  "  CHECK ((step = 'raised') = (record_id IS NOT NULL)));"
  "CREATE INDEX risk_flag_entries_patient ON risk_flag_entries (patient_id, cycle, time);"
  "CREATE TRIGGER risk_flag_entries_immutable BEFORE UPDATE ON risk_flag_entries"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id"
  "    OR NEW.cycle IS NOT OLD.cycle OR NEW.step IS NOT OLD.step"
  "    OR NEW.record_id IS NOT OLD.record_id OR NEW.actor_id IS NOT OLD.actor_id"
  "    OR NEW.time IS NOT OLD.time OR NEW.revision IS NOT OLD.revision"
  "    OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'a risk flag entry is immutable'); END;"
  "INSERT INTO risk_flag_entries (id, patient_id, cycle, step, record_id, actor_id, time)"
  "  SELECT lower(hex(randomblob(16))), a.object_id, 1, 'raised', b.object_id, a.actor, a.time"
  "  FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1"
  "  WHERE a.action = 'patient.risk-flag' AND a.outcome = 'success'"
  "    AND b.object_kind = 'record' AND b.outcome = 'success'"
  "    AND EXISTS (SELECT 1 FROM records r WHERE r.id = b.object_id"
  "      AND r.patient_id = a.object_id AND r.status = 'signed');"

  /* What remains of a deleted patient: no name, no content, only the fact
   * of the deletion, the rule it was measured against, and who did it. */
  "CREATE TABLE dispositions ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL,"
  "  deleted_at INTEGER NOT NULL,"
  "  rule TEXT NOT NULL,"
  "  retain_until INTEGER,"
  "  override_reason TEXT,"
  "  deleted_by TEXT NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE TRIGGER dispositions_append_only_update BEFORE UPDATE ON dispositions"
  "  BEGIN SELECT RAISE (ABORT, 'a disposition entry is immutable'); END;"
  "CREATE TRIGGER dispositions_append_only_delete BEFORE DELETE ON dispositions"
  "  BEGIN SELECT RAISE (ABORT, 'a disposition entry is immutable'); END;",

  /* 4: the accounting of disclosures (45 CFR 164.528). Each row details
   * one audit record of a disclosure (export, print, capsule); the audit
   * record's authorization carries a hash of the row, so the chain covers
   * it. Kept as long as the log, append-only. */
  "CREATE TABLE disclosures ("
  "  audit_seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),"
  "  patient_id TEXT NOT NULL,"
  "  recipient TEXT NOT NULL,"
  "  purpose TEXT NOT NULL,"
  "  basis TEXT NOT NULL,"
  "  description TEXT NOT NULL);"
  "CREATE INDEX disclosures_patient ON disclosures (patient_id);"
  "CREATE TRIGGER disclosures_append_only_update BEFORE UPDATE ON disclosures"
  "  BEGIN SELECT RAISE (ABORT, 'the accounting of disclosures is immutable'); END;"
  "CREATE TRIGGER disclosures_append_only_delete BEFORE DELETE ON disclosures"
  "  BEGIN SELECT RAISE (ABORT, 'the accounting of disclosures is immutable'); END;",

  /* 5: the session record (docs/CLINICAL.md), a new kind. SQLite cannot
   * change a CHECK in place, so the records table is rebuilt: a new table,
   * every row copied as stored (sealed content and signatures untouched),
   * the old one dropped, the new one renamed, and its indexes and triggers
   * made again word for word. cfd_schema_migrate turns foreign keys off
   * around this step, so that dropping the old table cascades to nothing,
   * and checks every foreign key before it commits. */
  "CREATE TABLE records_rebuilt ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  parent_id TEXT REFERENCES records (id) ON DELETE CASCADE,"
  "  author_id TEXT NOT NULL REFERENCES users (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('integration', 'dosing', 'intake', 'progress', 'risk',"
  "    'safety-plan', 'measure', 'addendum', 'session')),"
  "  class TEXT NOT NULL CHECK (class IN ('psychotherapy', 'medical')),"
  "  status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),"
  "  occurred INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  signed_at INTEGER,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB,"
  "  CHECK ((kind = 'integration' AND class = 'psychotherapy')"
  "    OR (kind = 'addendum')"
  "    OR (kind NOT IN ('integration', 'addendum') AND class = 'medical')),"
  "  CHECK ((kind = 'addendum') = (parent_id IS NOT NULL)),"
  "  CHECK ((status = 'signed') = (signed_at IS NOT NULL)),"
  "  CHECK ((status = 'signed') = (signature IS NOT NULL)),"
  "  CHECK (signature IS NULL OR length(signature) = 64));"
  "INSERT INTO records_rebuilt (id, patient_id, parent_id, author_id, kind, class, status,"
  "    occurred, created, updated, signed_at, key_version, revision, sealed, signature)"
  "  SELECT id, patient_id, parent_id, author_id, kind, class, status,"
  "    occurred, created, updated, signed_at, key_version, revision, sealed, signature"
  "  FROM records;"
  "DROP TABLE records;"
  "ALTER TABLE records_rebuilt RENAME TO records;" RECORDS_INDEXES_AND_TRIGGERS,

  /* 6: REMS Patient Monitoring Forms sent (cfd-rems-form.h): the day and,
   * sealed under the patient's key, the confirmation number, signed by the
   * clinician who recorded it. Append-only: a correction is a new row. */
  "CREATE TABLE rems_submissions ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
  "  submitted_on INTEGER NOT NULL,"
  "  actor_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL DEFAULT 1 CHECK (revision = 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE INDEX rems_submissions_record ON rems_submissions (record_id, time);"
  "CREATE TRIGGER rems_submissions_immutable BEFORE UPDATE ON rems_submissions"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id"
  "    OR NEW.record_id IS NOT OLD.record_id OR NEW.submitted_on IS NOT OLD.submitted_on"
  "    OR NEW.actor_id IS NOT OLD.actor_id OR NEW.time IS NOT OLD.time"
  "    OR NEW.revision IS NOT OLD.revision OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'a REMS submission is immutable'); END;",
  /* 7: the chart lists (problems, allergies, medications, antidepressant
   * trials). A row is one signed revision of one entry, its fields sealed
   * under the patient key; an edit is the next revision, so rows are never
   * changed but for re-sealing when the patient key rotates. */
  "CREATE TABLE chart_entries ("
  "  id TEXT PRIMARY KEY,"
  "  item_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  list TEXT NOT NULL CHECK (list IN ('problem', 'allergy', 'medication', 'trial')),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  actor_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  UNIQUE (item_id, revision));"
  "CREATE INDEX chart_entries_patient ON chart_entries (patient_id, list);"
  "CREATE TRIGGER chart_entries_immutable BEFORE UPDATE ON chart_entries"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.item_id IS NOT OLD.item_id"
  "    OR NEW.patient_id IS NOT OLD.patient_id OR NEW.list IS NOT OLD.list"
  "    OR NEW.revision IS NOT OLD.revision OR NEW.actor_id IS NOT OLD.actor_id"
  "    OR NEW.time IS NOT OLD.time OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'a chart entry is immutable'); END;",
  /* 8: consent scope enforced by keys (docs/SECURITY.md). A patient's
   * details key, wrapped under the patient key, opens the details,
   * consents, reviews and risk flag entries; supervisors are granted it
   * under a consent, never the patient key. Each signed record's body is
   * sealed under a record key of its own, wrapped under the patient key
   * and granted one by one to the supervisors whose consents cover it. */
  "CREATE TABLE IF NOT EXISTS details_keys ("
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  key_version INTEGER NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 1,"
  "  sealed BLOB NOT NULL,"
  "  PRIMARY KEY (patient_id, key_version));"
  "CREATE TABLE IF NOT EXISTS details_grants ("
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  key_version INTEGER NOT NULL,"
  "  user_id TEXT NOT NULL,"
  "  consent_id TEXT NOT NULL,"
  "  sealed_key BLOB NOT NULL,"
  "  granted_by TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  PRIMARY KEY (patient_id, key_version, user_id));"
  "CREATE TABLE IF NOT EXISTS record_keys ("
  "  record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  patient_id TEXT NOT NULL,"
  "  key_version INTEGER NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  sealed BLOB NOT NULL);"
  "CREATE INDEX IF NOT EXISTS record_keys_patient ON record_keys (patient_id, key_version);"
  "CREATE TABLE IF NOT EXISTS record_grants ("
  "  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  patient_id TEXT NOT NULL,"
  "  user_id TEXT NOT NULL,"
  "  consent_id TEXT NOT NULL,"
  "  sealed_key BLOB NOT NULL,"
  "  granted_by TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  PRIMARY KEY (record_id, user_id));",
  /* 9: the patient's written authorizations (45 CFR 164.508). The terms
   * are sealed under the patient key and signed by the recording user;
   * scope and expiry are in the clear (and signed) so that an export can
   * be refused without opening anything. A revocation is set once, signed
   * by who recorded it. Kept with the patient: a row goes only when the
   * patient is deleted (the patient row first, as for records). */
  "CREATE TABLE authorizations ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  recorded_by TEXT NOT NULL REFERENCES users (id),"
  "  created INTEGER NOT NULL,"
  "  scope TEXT NOT NULL CHECK (scope IN ('medical-record', 'psychotherapy-notes')),"
  "  expires INTEGER,"
  "  revoked_at INTEGER,"
  "  revoked_by TEXT REFERENCES users (id),"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  revocation_signature BLOB CHECK (revocation_signature IS NULL"
  "    OR length(revocation_signature) = 64),"
  "  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),"
  "  CHECK ((revoked_at IS NULL) = (revocation_signature IS NULL)));"
  "CREATE INDEX authorizations_patient ON authorizations (patient_id, created);"
  "CREATE TRIGGER authorizations_update BEFORE UPDATE ON authorizations"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id"
  "    OR NEW.recorded_by IS NOT OLD.recorded_by OR NEW.created IS NOT OLD.created"
  "    OR NEW.scope IS NOT OLD.scope OR NEW.expires IS NOT OLD.expires"
  "    OR NEW.signature IS NOT OLD.signature"
  "    OR (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NOT OLD.revoked_at"
  "      OR NEW.revoked_by IS NOT OLD.revoked_by"
  "      OR NEW.revocation_signature IS NOT OLD.revocation_signature))"
  "  BEGIN SELECT RAISE (ABORT, 'an authorization is immutable but for its revocation'); END;"
  "CREATE TRIGGER authorizations_delete BEFORE DELETE ON authorizations"
  "  WHEN EXISTS (SELECT 1 FROM patients WHERE id = OLD.patient_id)"
  "  BEGIN SELECT RAISE (ABORT, 'an authorization is kept with the patient'); END;",
  /* 10: each user's cache of the patient keys they have unwrapped
   * (core/access/cfd-key-cache.c): the key sealed under a key only that
   * user's secret derives, bound to a digest of the grant it came from.
   * Deleting a grant (rotation, revocation, a patient's deletion) deletes
   * what was cached from it. IF NOT EXISTS: a vault taken back to an
   * older version number by hand (as tests of the earlier migrations do)
   * keeps this table. */
  "CREATE TABLE IF NOT EXISTS patient_key_cache ("
  "  user_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL,"
  "  key_version INTEGER NOT NULL,"
  "  sealed BLOB NOT NULL,"
  "  PRIMARY KEY (user_id, patient_id, key_version));"
  "CREATE TRIGGER IF NOT EXISTS patient_key_cache_grant_deleted AFTER DELETE ON patient_keys"
  "  BEGIN DELETE FROM patient_key_cache WHERE user_id = OLD.user_id"
  "    AND patient_id = OLD.patient_id AND key_version = OLD.key_version; END;"
  /* And the record signatures each user has verified: a keyed digest each
   * (core/clinical/cfd-verified-cache.c), so a later unlock's timelines
   * skip verifying them again. */
  "CREATE TABLE IF NOT EXISTS verified_signatures ("
  "  user_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL,"
  "  tag BLOB NOT NULL,"
  "  PRIMARY KEY (user_id, patient_id, tag)) WITHOUT ROWID;"
  "CREATE TRIGGER IF NOT EXISTS verified_signatures_patient_deleted AFTER DELETE ON patients"
  "  BEGIN DELETE FROM verified_signatures WHERE patient_id = OLD.id; END;",
  /* 11: signed consent revocations (core/access/cfd-consent.c). The
   * revoking owner or therapist signs the consent id, the time and their
   * own id; consents.revoked_at stays as a copy for older readers but
   * decides nothing. Revocations made before this version are copied here
   * unsigned (revoked_by and signature NULL) and signed at the owner's
   * next unlock. The partial index lets readers look for a consent.revoke
   * audit record of a consent whose revocation row has gone. */
  "CREATE TABLE IF NOT EXISTS consent_revocations ("
  "  consent_id TEXT PRIMARY KEY REFERENCES consents (id) ON DELETE CASCADE,"
  "  revoked_at INTEGER NOT NULL,"
  "  revoked_by TEXT,"
  "  signature BLOB CHECK (signature IS NULL OR length(signature) = 64),"
  "  CHECK ((revoked_by IS NULL) = (signature IS NULL)));"
  "INSERT OR IGNORE INTO consent_revocations (consent_id, revoked_at)"
  "  SELECT id, revoked_at FROM consents WHERE revoked_at IS NOT NULL;"
  "CREATE INDEX IF NOT EXISTS audit_log_consent_revoke ON audit_log (authorization)"
  "  WHERE action = 'consent.revoke';",
  /* 12: a user's key rotation under way (core/vault/cfd-user-key-rotation.c).
   * The grants were sealed again to the new X25519 key in the transaction
   * that wrote this row; the new secret key sealed to the old public key
   * and the owner-signed roster naming the new key let the user's next
   * unlock finish the rotation if it stopped before the keyring was
   * written. The row goes when the rotation completes. */
  "CREATE TABLE IF NOT EXISTS key_rotations ("
  "  user_id TEXT PRIMARY KEY,"
  "  old_box_pk BLOB NOT NULL CHECK (length(old_box_pk) = 32),"
  "  sealed_box_sk BLOB NOT NULL,"
  "  roster BLOB NOT NULL,"
  "  started_at INTEGER NOT NULL);",
  /* 13: treatment plans and episodes of care are chart lists too: the
   * table is rebuilt with their names allowed by its CHECK (SQLite cannot
   * change a CHECK in place); rows, index and trigger come back as they
   * were. */
  "CREATE TABLE chart_entries_new ("
  "  id TEXT PRIMARY KEY,"
  "  item_id TEXT NOT NULL,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  list TEXT NOT NULL CHECK (list IN ('problem', 'allergy', 'medication', 'trial', 'plan',"
  "    'episode')),"
  "  revision INTEGER NOT NULL CHECK (revision >= 1),"
  "  actor_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64),"
  "  UNIQUE (item_id, revision));"
  "INSERT INTO chart_entries_new (rowid, id, item_id, patient_id, list, revision, actor_id, time,"
  "  key_version, sealed, signature)"
  "  SELECT rowid, id, item_id, patient_id, list, revision, actor_id, time, key_version, sealed,"
  "  signature FROM chart_entries;"
  "DROP TABLE chart_entries;"
  "ALTER TABLE chart_entries_new RENAME TO chart_entries;"
  "CREATE INDEX chart_entries_patient ON chart_entries (patient_id, list);"
  "CREATE TRIGGER chart_entries_immutable BEFORE UPDATE ON chart_entries"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.item_id IS NOT OLD.item_id"
  "    OR NEW.patient_id IS NOT OLD.patient_id OR NEW.list IS NOT OLD.list"
  "    OR NEW.revision IS NOT OLD.revision OR NEW.actor_id IS NOT OLD.actor_id"
  "    OR NEW.time IS NOT OLD.time OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'a chart entry is immutable'); END;",

  /* 14: the signed statements that vouch for supervisors known by card
   * only (docs/FORMATS.md); a card without one is not trusted. */
  "CREATE TABLE IF NOT EXISTS supervisor_card_statements ("
  "  user_id TEXT PRIMARY KEY,"
  "  statement BLOB NOT NULL);",
  /* 15: files filed to a patient (core/clinical/cfd-attachment.c). The
   * row is signed by the filer and holds the attachment key wrapped under
   * the patient key (re-wrapped when it rotates: the only change allowed);
   * the chunks are sealed under the attachment key and never change. Rows
   * go only with the patient: deleting one while the patient exists is
   * refused. Every statement is IF NOT EXISTS, as 11's are, so a vault
   * set back to an earlier version runs it again harmlessly. The chunks'
   * reference is checked at commit, since a file's chunks are written
   * before its signed row. */
  "CREATE TABLE IF NOT EXISTS attachments ("
  "  id TEXT PRIMARY KEY,"
  "  patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  revision INTEGER NOT NULL DEFAULT 1 CHECK (revision = 1),"
  "  type TEXT NOT NULL CHECK (type IN ('referral', 'consent', 'lab', 'other')),"
  "  media_type TEXT NOT NULL"
  "    CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),"
  "  size INTEGER NOT NULL CHECK (size >= 1),"
  "  chunks INTEGER NOT NULL CHECK (chunks >= 1),"
  "  actor_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  key_version INTEGER NOT NULL CHECK (key_version >= 1),"
  "  wrapped_key BLOB NOT NULL,"
  "  sealed BLOB NOT NULL,"
  "  signature BLOB NOT NULL CHECK (length(signature) = 64));"
  "CREATE INDEX IF NOT EXISTS attachments_patient ON attachments (patient_id, time);"
  "CREATE TABLE IF NOT EXISTS attachment_chunks ("
  "  attachment_id TEXT NOT NULL"
  "    REFERENCES attachments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
  "  seq INTEGER NOT NULL CHECK (seq >= 0),"
  "  sealed BLOB NOT NULL,"
  "  PRIMARY KEY (attachment_id, seq)) WITHOUT ROWID;"
  "CREATE TRIGGER IF NOT EXISTS attachments_immutable BEFORE UPDATE ON attachments"
  "  WHEN NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id"
  "    OR NEW.revision IS NOT OLD.revision OR NEW.type IS NOT OLD.type"
  "    OR NEW.media_type IS NOT OLD.media_type OR NEW.size IS NOT OLD.size"
  "    OR NEW.chunks IS NOT OLD.chunks OR NEW.actor_id IS NOT OLD.actor_id"
  "    OR NEW.time IS NOT OLD.time OR NEW.sealed IS NOT OLD.sealed"
  "    OR NEW.signature IS NOT OLD.signature"
  "  BEGIN SELECT RAISE (ABORT, 'an attachment is immutable'); END;"
  "CREATE TRIGGER IF NOT EXISTS attachments_kept BEFORE DELETE ON attachments"
  "  WHEN EXISTS (SELECT 1 FROM patients WHERE id = OLD.patient_id)"
  "  BEGIN SELECT RAISE (ABORT, 'an attachment goes only with its patient'); END;"
  "CREATE TRIGGER IF NOT EXISTS attachment_chunks_immutable BEFORE UPDATE ON attachment_chunks"
  "  BEGIN SELECT RAISE (ABORT, 'an attachment is immutable'); END;",
};

/* The one migration that rebuilds a table (5, which runs from version 4):
 * foreign keys are off around it and the file is vacuumed after it. Later
 * migrations only add tables and keep foreign keys on. */
#define REBUILD_VERSION 4

static int migrate_up_to = -1;

void
cfd_schema_set_target_for_testing (int version)
{
  migrate_up_to = version;
}

int
cfd_db_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

/* A rebuilt table must leave every reference whole: any row that
 * PRAGMA foreign_key_check reports stops the migration. */
static gboolean
check_foreign_keys (CfdDb *db, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db, "PRAGMA foreign_key_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                           _ ("The vault's records refer to rows that do not exist; it was not "
                              "upgraded"));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "checking the upgraded vault", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_migration (CfdDb *db, int version, GError **error)
{
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

  if (!cfd_db_begin (db, error))
    return FALSE;
  if (!cfd_db_exec (db, migrations[version], error) || !cfd_db_exec (db, bump, error)
      || (version == REBUILD_VERSION && !check_foreign_keys (db, error)))
    {
      cfd_db_rollback (db);
      return FALSE;
    }
  return cfd_db_commit (db, error);
}

gboolean
cfd_schema_migrate (CfdDb *db, GError **error)
{
  int version = cfd_db_schema_version (db);
  int target = migrate_up_to >= 0 ? migrate_up_to : cfd_db_latest_schema_version ();
  gboolean rebuilt = FALSE;

  if (version < 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_DAMAGED_DATABASE,
                   _ ("The database schema version cannot be read"));
      return FALSE;
    }
  if (version > cfd_db_latest_schema_version ())
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_UNSUPPORTED_VERSION,
                   _ ("The vault was written by a newer version of Confidant (schema %d; this "
                      "version knows up to %d)"),
                   version, cfd_db_latest_schema_version ());
      return FALSE;
    }

  for (; version < target; version++)
    {
      gboolean rebuild = version == REBUILD_VERSION;
      gboolean done;

      /* PRAGMA foreign_keys is ignored inside a transaction, and with it on,
       * dropping the old table would cascade to reviews and revisions. The
       * legacy rename leaves the triggers of other tables, which name
       * "records", as they are while the old table is gone. */
      if (rebuild
          && (!cfd_db_exec (db, "PRAGMA foreign_keys = OFF", error)
              || !cfd_db_exec (db, "PRAGMA legacy_alter_table = ON", error)))
        return FALSE;
      done = run_migration (db, version, error);
      if (rebuild)
        {
          gboolean restored
              = cfd_db_exec (db, "PRAGMA legacy_alter_table = OFF", done ? error : NULL)
                && cfd_db_exec (db, "PRAGMA foreign_keys = ON", done ? error : NULL);

          done = done && restored;
        }
      if (!done)
        return FALSE;
      rebuilt = rebuilt || rebuild;
    }
  /* The old table's pages, wiped by secure_delete, would stay in the file
   * as free pages that nothing reads, so nothing would notice damage to
   * them either; VACUUM gives them back once, right after the upgrade. */
  if (rebuilt && !cfd_db_exec (db, "VACUUM", error))
    return FALSE;
  return TRUE;
}
