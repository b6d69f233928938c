/* test-risk-flag.c: the risk flag's lifecycle: raised by a record, reviewed, resolved, raised again; tampering; carried-over flags. */
#include "config.h"

#include <string.h>

#include "cfd-measure.h"
#include "cfd-patient-key.h"
#include "cfd-record.h"
#include "cfd-risk-flag.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)

static gint64
count_audit (CfdVault *vault, const char *action)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);

  return cfd_test_count_rows (vault, sql);
}

static const guint8 risky[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };

static gboolean
flag_is_up (CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, patient_id, &error);

  g_assert_no_error (error);
  return cfd_patient_get_risk_flag (patient);
}

static GListModel *
steps_of (CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  GListModel *steps = cfd_vault_list_risk_flag (vault, patient_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (steps);
  return steps;
}

static CfdRiskFlagEntry *
step_at (GListModel *steps, guint i)
{
  CfdRiskFlagEntry *entry = g_list_model_get_item (steps, i);

  g_assert_nonnull (entry);
  g_object_unref (entry); /* the model keeps it alive */
  return entry;
}

static char *
add_risky_measure (CfdVault *vault, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  char *id
      = cfd_vault_add_measure (vault, patient_id, CFD_INSTRUMENT_PHQ9, OCCURRED, risky, 9, &error);

  g_assert_no_error (error);
  return id;
}

static void
raw_exec_ok (CfdVault *vault, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_lifecycle (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Flagged Person");
  g_autofree char *measure = NULL;
  g_autofree char *again = NULL;
  g_autoptr (GListModel) steps = NULL;
  g_autoptr (GError) error = NULL;
  CfdRiskFlagEntry *entry;

  /* Nothing open: neither step can be taken. */
  g_assert_false (cfd_vault_review_risk_flag (vault, patient, "Called the patient.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Raised by the record that raised it, signed by whoever signed that. */
  measure = add_risky_measure (vault, patient);
  g_assert_true (flag_is_up (vault, patient));
  steps = steps_of (vault, patient);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 1);
  entry = step_at (steps, 0);
  g_assert_cmpint (cfd_risk_flag_entry_get_step (entry), ==, CFD_RISK_FLAG_RAISED);
  g_assert_cmpuint (cfd_risk_flag_entry_get_cycle (entry), ==, 1);
  g_assert_cmpstr (cfd_risk_flag_entry_get_record_id (entry), ==, measure);
  g_assert_cmpstr (cfd_risk_flag_entry_get_actor_id (entry), ==, cfd_vault_get_user_id (vault));
  g_assert_cmpstr (cfd_risk_flag_entry_get_actor_name (entry), ==, "Test Owner");
  g_assert_null (cfd_risk_flag_entry_get_text (entry));
  g_assert_false (cfd_risk_flag_entry_get_carried_over (entry));
  g_clear_object (&steps);

  /* A second positive answer while the flag is open adds no cycle. */
  g_free (add_risky_measure (vault, patient));
  steps = steps_of (vault, patient);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 1);
  g_clear_object (&steps);

  /* The action taken is required, and resolving needs a review first. */
  g_assert_false (cfd_vault_review_risk_flag (vault, patient, " \n\t", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cfd_vault_resolve_risk_flag (vault, patient, "No longer at risk.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (flag_is_up (vault, patient));

  g_assert_true (cfd_vault_review_risk_flag (
      vault, patient, "Safety plan reviewed by phone; crisis line given.", &error));
  g_assert_no_error (error);
  g_assert_true (flag_is_up (vault, patient));
  g_assert_true (cfd_vault_resolve_risk_flag (
      vault, patient, "Risk assessment at follow-up: no ideation.", &error));
  g_assert_no_error (error);
  g_assert_false (flag_is_up (vault, patient));

  steps = steps_of (vault, patient);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 3);
  entry = step_at (steps, 1);
  g_assert_cmpint (cfd_risk_flag_entry_get_step (entry), ==, CFD_RISK_FLAG_REVIEWED);
  g_assert_cmpstr (cfd_risk_flag_entry_get_text (entry), ==,
                   "Safety plan reviewed by phone; crisis line given.");
  g_assert_null (cfd_risk_flag_entry_get_record_id (entry));
  entry = step_at (steps, 2);
  g_assert_cmpint (cfd_risk_flag_entry_get_step (entry), ==, CFD_RISK_FLAG_RESOLVED);
  g_assert_cmpuint (cfd_risk_flag_entry_get_cycle (entry), ==, 1);
  g_clear_object (&steps);
  /* Each step once, and the refusals above as failures of their own. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'risk-flag.review' AND outcome = 'success'"),
                   ==, 1);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'risk-flag.resolve' AND outcome = 'success'"),
                   ==, 1);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'risk-flag.resolve' AND outcome = 'failure'"),
                   ==, 1);
  g_assert_cmpint (count_audit (vault, "patient.risk-flag"), ==, 1);

  /* Resolved: nothing left to review. */
  g_assert_false (cfd_vault_review_risk_flag (vault, patient, "Again.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Raised again: a new cycle, with its own raising record. */
  again = add_risky_measure (vault, patient);
  g_assert_true (flag_is_up (vault, patient));
  steps = steps_of (vault, patient);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 4);
  entry = step_at (steps, 3);
  g_assert_cmpint (cfd_risk_flag_entry_get_step (entry), ==, CFD_RISK_FLAG_RAISED);
  g_assert_cmpuint (cfd_risk_flag_entry_get_cycle (entry), ==, 2);
  g_assert_cmpstr (cfd_risk_flag_entry_get_record_id (entry), ==, again);

  /* The action text is sealed: not in the database in the clear. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM risk_flag_entries WHERE "
                                               "CAST(sealed AS TEXT) LIKE '%crisis line%'"),
                   ==, 0);
}

static void
test_flag_not_set_by_edit (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Edited Person");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) details = NULL;
  GVariantDict d;

  g_free (add_risky_measure (vault, patient));
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, CFD_PATIENT_RISK_FLAG, "b", FALSE);
  details = g_variant_ref_sink (g_variant_dict_end (&d));
  g_assert_false (cfd_vault_update_patient (vault, patient, details, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_true (flag_is_up (vault, patient));
}

static void
test_supervisor_cannot_resolve (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Supervised Person");
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = cfd_vault_add_user (vault, "Sam Super", CFD_ROLE_SUPERVISOR,
                                                    "river lantern copper meadow", &error);

  g_assert_no_error (error);
  g_free (add_risky_measure (vault, patient));
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Super", "river lantern copper meadow", &error));
  g_assert_false (cfd_vault_review_risk_flag (vault, patient, "Looked at it.", &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

static void
test_tampered_step (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Tampered Person");
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) steps = NULL;

  g_free (add_risky_measure (vault, patient));
  g_assert_true (cfd_vault_review_risk_flag (vault, patient, "Reviewed.", &error));

  /* The triggers refuse an edit; someone who drops them is caught by the
   * signature. */
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "UPDATE risk_flag_entries SET time = time - 86400", NULL, NULL,
                                 NULL),
                   !=, SQLITE_OK);
  raw_exec_ok (vault, "DROP TRIGGER risk_flag_entries_immutable; "
                      "UPDATE risk_flag_entries SET time = time - 86400 WHERE step = 'reviewed'");
  steps = cfd_vault_list_risk_flag (vault, patient, &error);
  g_assert_null (steps);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_forged_carried_over (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Forged Person");
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) steps = NULL;
  g_autofree char *sql = NULL;

  /* An unsigned step must name a signed record of this patient. */
  sql = g_strdup_printf ("INSERT INTO risk_flag_entries (id, patient_id, cycle, step, record_id, "
                         "actor_id, time) VALUES ('x', '%s', 1, 'raised', 'no-such-record', "
                         "'someone', 1)",
                         patient);
  raw_exec_ok (vault, sql);
  steps = cfd_vault_list_risk_flag (vault, patient, &error);
  g_assert_null (steps);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
}

static void
test_carried_over (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Old Flag Person");
  g_autofree char *measure = NULL;
  g_autoptr (GListModel) steps = NULL;
  g_autoptr (GError) error = NULL;
  CfdRiskFlagEntry *entry;

  /* A vault of schema 2: the flag is set, its history is not kept. */
  measure = add_risky_measure (vault, patient);
  raw_exec_ok (vault,
               "DROP TABLE disclosures; DROP TABLE risk_flag_entries; DROP TABLE dispositions; "
               "DROP TABLE rems_submissions; DROP TABLE chart_entries; DROP TABLE authorizations; "
               "PRAGMA user_version = 2");
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_no_error (error);

  /* The migration finds the raising record from the audit log. */
  steps = steps_of (vault, patient);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, 1);
  entry = step_at (steps, 0);
  g_assert_cmpint (cfd_risk_flag_entry_get_step (entry), ==, CFD_RISK_FLAG_RAISED);
  g_assert_cmpstr (cfd_risk_flag_entry_get_record_id (entry), ==, measure);
  g_assert_true (cfd_risk_flag_entry_get_carried_over (entry));
  g_clear_object (&steps);

  /* And the carried-over flag goes through the lifecycle like any other. */
  g_assert_true (cfd_vault_review_risk_flag (vault, patient, "Reviewed.", &error));
  g_assert_true (cfd_vault_resolve_risk_flag (vault, patient, "Resolved.", &error));
  g_assert_no_error (error);
  g_assert_false (flag_is_up (vault, patient));
}

static void
test_survives_key_rotation (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Rotated Person");
  g_autoptr (GListModel) steps = NULL;
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);

  g_free (add_risky_measure (vault, patient));
  g_assert_true (cfd_vault_review_risk_flag (vault, patient, "Reviewed before rotation.", &error));
  g_assert_true (cfd_db_begin (db, &error));
  g_assert_true (cfd_patient_key_rotate (vault, patient, NULL, &error));
  g_assert_true (cfd_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM risk_flag_entries "
                                               "WHERE key_version <> 2"),
                   ==, 0);
  steps = steps_of (vault, patient);
  g_assert_cmpstr (cfd_risk_flag_entry_get_text (step_at (steps, 1)), ==,
                   "Reviewed before rotation.");
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/risk-flag/lifecycle", test_lifecycle);
  g_test_add_func ("/confidant/risk-flag/not-set-by-edit", test_flag_not_set_by_edit);
  g_test_add_func ("/confidant/risk-flag/supervisor-cannot-resolve",
                   test_supervisor_cannot_resolve);
  g_test_add_func ("/confidant/risk-flag/tampered-step", test_tampered_step);
  g_test_add_func ("/confidant/risk-flag/forged-carried-over", test_forged_carried_over);
  g_test_add_func ("/confidant/risk-flag/carried-over", test_carried_over);
  g_test_add_func ("/confidant/risk-flag/survives-key-rotation", test_survives_key_rotation);
  return g_test_run ();
}
