/* test-draft.c: drafts keep what was typed; signing checks it; discarding; recovery of a draft a lock could not save. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cfd-db.h"
#include "cfd-draft-recovery.h"
#include "cfd-fault-vfs.h"
#include "cfd-io-private.h"
#include "cfd-io.h"
#include "cfd-record-private.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)
#define CANARY   "Canary-Halftyped-5520"

static GVariant *
dict_take (GVariantDict *dict)
{
  return g_variant_ref_sink (g_variant_dict_end (dict));
}

/* Finding 1 of issue 24: a reading with only its systolic value, a weight
 * being typed, a half-written time, all next to valid fields. */
static GVariant *
half_typed_dosing (void)
{
  GVariantBuilder vitals;
  GVariantDict d;

  g_variant_builder_init (&vitals, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE));
  g_variant_builder_add (&vitals, "(sssss)", "10:05", "128", "", "", "");
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "medication", "s", "racemic-ketamine");
  g_variant_dict_insert (&d, "route", "s", "iv");
  g_variant_dict_insert (&d, "dose-mg", "d", 40.0);
  g_variant_dict_insert (&d, "weight-kg", "s", "7");
  g_variant_dict_insert (&d, "infusion-start", "s", "10:");
  g_variant_dict_insert (&d, "moaas", "s", "4.");
  g_variant_dict_insert_value (&d, "vitals", g_variant_builder_end (&vitals));
  g_variant_dict_insert (&d, "adverse-events", "s", "Mild nausea " CANARY);
  return dict_take (&d);
}

static void
test_as_typed (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Typed Patient");
  g_autoptr (GVariant) typed = half_typed_dosing ();
  g_autoptr (GVariant) empty = NULL;
  g_autoptr (GVariant) expected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autofree char *id = NULL;
  double per_kg;

  empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED, empty, &error);
  g_assert_no_error (error);

  /* Saved whole, every field as typed: one bad field stops nothing. */
  g_assert_true (cfd_vault_save_draft (vault, id, OCCURRED, typed, &error));
  g_assert_no_error (error);
  record = cfd_vault_get_record (vault, id, &error);
  g_assert_no_error (error);
  expected = cfd_record_content_canonical (typed);
  g_assert_true (g_variant_equal (cfd_record_get_content (record), expected));
  /* No mg/kg from a weight that is not a number yet. */
  g_assert_false (
      g_variant_lookup (cfd_record_get_content (record), "dose-mg-per-kg", "d", &per_kg));

  /* Signing is where validity is required, and it names every problem. */
  g_assert_false (cfd_vault_sign_record (vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“Weight” must be a number"));
  g_assert_nonnull (strstr (error->message, "“Infusion start” must be a time"));
  g_assert_nonnull (strstr (error->message, "“Sedation (MOAA/S)” must be a whole number"));
  g_assert_nonnull (strstr (error->message, "“Vital signs” needs a time and a whole number"));
  g_assert_null (strstr (error->message, CANARY));
  g_clear_error (&error);
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);

  /* The shape is still checked: a field the kind does not have, text in a
   * yes/no, text with a line break where a number goes. */
  {
    const char *keys[] = { "no-such-field", "discharge-criteria-met", "weight-kg" };
    GVariant *values[] = { g_variant_new_string ("x"), g_variant_new_string ("yes"),
                           g_variant_new_string ("7\n8") };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        GVariantDict d;
        g_autoptr (GVariant) bad = NULL;

        g_variant_dict_init (&d, typed);
        g_variant_dict_insert_value (&d, keys[i], values[i]);
        bad = dict_take (&d);
        g_assert_false (cfd_vault_save_draft (vault, id, OCCURRED, bad, &error));
        g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
        g_clear_error (&error);
      }
  }
}

static void
test_unanswered (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Unanswered Patient");
  g_autoptr (GVariant) empty = NULL;
  g_autoptr (GVariant) answered = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autofree char *id = NULL;
  GVariantDict d;
  gboolean answer;

  empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  id = cfd_vault_create_record (vault, patient, CFD_RECORD_RISK, OCCURRED, empty, &error);
  g_assert_no_error (error);

  /* Every required question left unanswered is listed, not only the first. */
  g_assert_false (cfd_vault_sign_record (vault, id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“Wish to be dead” must be answered yes or no"));
  g_assert_nonnull (strstr (error->message, "“Suicidal thoughts” must be answered yes or no"));
  g_clear_error (&error);

  /* No is an answer; the questions not asked stay out of the record. */
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "wish-dead", "b", FALSE);
  g_variant_dict_insert (&d, "suicidal-thoughts", "b", FALSE);
  answered = dict_take (&d);
  g_assert_true (cfd_vault_save_draft (vault, id, OCCURRED, answered, &error));
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
  record = cfd_vault_get_record (vault, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (cfd_record_get_content (record), "wish-dead", "b", &answer));
  g_assert_false (answer);
  g_assert_false (g_variant_lookup (cfd_record_get_content (record), "plan", "b", &answer));
}

static void
test_plausibility (void)
{
  const CfdTemplate *dosing = cfd_template_get (CFD_RECORD_DOSING);
  struct
  {
    double weight, dose;
    const char *warning;
  } cases[] = {
    { 80, 40, NULL }, /* 0.5 mg/kg */
    { 15, 10, "“Weight” is 15 kg, below the usual 20 kg" },
    { 80, 400, "“Dose per kilogram” is 5 mg/kg, above the usual 3 mg/kg" },
    { 80, 4, "“Dose per kilogram” is 0.05 mg/kg, below the usual 0.1 mg/kg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GVariantDict d;
      g_autoptr (GVariant) content = NULL;
      g_autoptr (GVariant) computed = NULL;
      g_auto (GStrv) warnings = NULL;

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "weight-kg", "d", cases[i].weight);
      g_variant_dict_insert (&d, "dose-mg", "d", cases[i].dose);
      content = dict_take (&d);
      computed = cfd_template_compute_draft (dosing, content);
      warnings = cfd_template_plausibility_warnings (dosing, computed);
      if (cases[i].warning == NULL)
        g_assert_null (warnings);
      else
        {
          g_assert_nonnull (warnings);
          g_assert_cmpstr (warnings[0], ==, cases[i].warning);
        }
    }
}

static void
test_discard (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *theo
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "lantern meadow quietly 31", &error);
  g_autofree char *patient = cfd_test_add_patient (vault, "Discard Patient");
  g_autoptr (GVariant) typed = half_typed_dosing ();
  g_autofree char *draft = NULL;
  g_autofree char *signed_id = NULL;
  g_autoptr (GVariant) progress = NULL;
  GVariantDict d;

  g_assert_no_error (error);
  draft = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED, typed, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_save_draft (vault, draft, OCCURRED, typed, &error));
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Signed words");
  progress = dict_take (&d);
  signed_id
      = cfd_vault_create_record (vault, patient, CFD_RECORD_PROGRESS, OCCURRED, progress, &error);
  g_assert_true (cfd_vault_sign_record (vault, signed_id, &error));
  g_assert_no_error (error);

  /* Only the author: Theo, who reads the patient, may not. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Theo", "lantern meadow quietly 31", &error));
  g_assert_false (cfd_vault_discard_draft (vault, draft, &error));
  g_assert_true (error != NULL);
  g_clear_error (&error);

  /* A signed record never: not by its author, not by SQL. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  g_assert_false (cfd_vault_discard_draft (vault, signed_id, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_IMMUTABLE);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (cfd_db_handle (cfd_vault_get_db (vault, NULL)),
                                 "DELETE FROM records WHERE status = 'signed'", NULL, NULL, NULL),
                   !=, SQLITE_OK);

  /* The author's draft goes, with its revisions, and the log says so. */
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM record_revisions"), ==, 1);
  g_assert_true (cfd_vault_discard_draft (vault, draft, &error));
  g_assert_no_error (error);
  g_assert_null (cfd_vault_get_record (vault, draft, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM record_revisions"), ==, 0);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'record.discard' AND outcome = 'success'"),
                   ==, 1);
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'record.discard' AND outcome = 'denied'"),
                   >=, 1);
}

static void
assert_recovered (CfdVault *vault, const char *record_id, GVariant *typed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdDraftRecovery) recovery = cfd_vault_open_draft_recovery (vault, &error);

  g_assert_no_error (error);
  g_assert_nonnull (recovery);
  g_assert_cmpstr (recovery->record_id, ==, record_id);
  g_assert_null (recovery->parent_id);
  g_assert_cmpint (recovery->occurred, ==, OCCURRED);
  g_assert_true (g_variant_equal (recovery->content, typed));
}

/* The disk is fine: the sealed draft is in the vault folder, sealed, and
 * opens after a restart, for its author only. */
static void
test_recovery_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *theo
      = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST, "lantern meadow quietly 31", &error);
  g_autofree char *patient = cfd_test_add_patient (vault, "Recovery Patient");
  g_autoptr (GVariant) typed = half_typed_dosing ();
  g_autofree char *id = NULL;
  g_autofree char *file = NULL;
  g_autofree char *theo_file = NULL;
  g_autoptr (CfdVault) reopened = NULL;
  gboolean on_disk = FALSE;

  id = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED,
                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0), &error);
  g_assert_no_error (error);
  g_assert_true (
      cfd_vault_seal_draft_recovery (vault, id, NULL, OCCURRED, typed, &on_disk, &error));
  g_assert_no_error (error);
  g_assert_true (on_disk);
  file = g_strconcat (path, "/" CFD_DRAFT_RECOVERY_PREFIX, cfd_vault_get_user_id (vault), NULL);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_false (cfd_test_dir_contains (path, CANARY));
  cfd_vault_lock (vault);
  g_clear_object (&vault);

  /* Theo unlocks first: nothing of the owner's draft for him, and a copy
   * of it under his name does not open. */
  reopened = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (reopened, "Theo", "lantern meadow quietly 31", &error));
  g_assert_null (cfd_vault_open_draft_recovery (reopened, &error));
  g_assert_no_error (error);
  theo_file = g_strconcat (path, "/" CFD_DRAFT_RECOVERY_PREFIX, theo, NULL);
  {
    g_autoptr (GBytes) bytes = cfd_test_read_bytes (file);

    cfd_test_write_bytes (theo_file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  g_assert_null (cfd_vault_open_draft_recovery (reopened, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_true (cfd_vault_forget_draft_recovery (reopened, &error));
  g_assert_false (g_file_test (theo_file, G_FILE_TEST_EXISTS));
  cfd_vault_lock (reopened);

  /* The owner's opens; it stays until forgotten. */
  g_assert_true (cfd_vault_unlock (reopened, NULL, CFD_TEST_PASSPHRASE, &error));
  assert_recovered (reopened, id, typed);
  assert_recovered (reopened, id, typed);
  g_assert_cmpint (cfd_test_count_rows (reopened, "SELECT count(*) FROM audit_log WHERE action = "
                                                  "'record.recover-draft'"),
                   ==, 2);

  /* A flipped bit is found, never half-restored. */
  {
    g_autoptr (GBytes) bytes = cfd_test_read_bytes (file);

    cfd_test_flip_byte (file, g_bytes_get_size (bytes) - 3);
    g_clear_object (&reopened);
    reopened = cfd_vault_open (path, &error);
    g_assert_true (cfd_vault_unlock (reopened, NULL, CFD_TEST_PASSPHRASE, &error));
    g_assert_null (cfd_vault_open_draft_recovery (reopened, &error));
    g_assert_error (error, CFD_ERROR, CFD_ERROR_TAMPERED);
    g_clear_error (&error);
  }
  g_assert_true (cfd_vault_forget_draft_recovery (reopened, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_null (cfd_vault_open_draft_recovery (reopened, &error));
  g_assert_no_error (error);
}

/* The disk is full: the save fails, the recovery file cannot be written,
 * the vault locks anyway, and the draft comes back at the next unlock
 * from the sealed copy in memory. */
static void
test_recovery_disk_full (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Full Disk Patient");
  g_autoptr (GVariant) typed = half_typed_dosing ();
  g_autofree char *id = NULL;
  gboolean on_disk = TRUE;

  id = cfd_vault_create_record (vault, patient, CFD_RECORD_DOSING, OCCURRED,
                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0), &error);
  g_assert_no_error (error);

  cfd_io_fault_arm_persistent (1, ENOSPC);
  g_assert_false (cfd_vault_save_draft (vault, id, OCCURRED, typed, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (
      cfd_vault_seal_draft_recovery (vault, id, NULL, OCCURRED, typed, &on_disk, &error));
  g_assert_no_error (error);
  g_assert_false (on_disk);
  cfd_io_fault_arm (0, 0);
  cfd_vault_lock (vault);
  g_assert_false (cfd_test_dir_contains (path, CANARY));

  g_assert_true (cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error));
  assert_recovered (vault, id, typed);
  g_assert_true (cfd_vault_save_draft (vault, id, OCCURRED, typed, &error));
  g_assert_true (cfd_vault_forget_draft_recovery (vault, &error));
  g_assert_no_error (error);
  g_assert_null (cfd_vault_open_draft_recovery (vault, &error));
  g_assert_no_error (error);

  /* Locked, nothing is sealed: there is no key to seal it to in use. */
  cfd_vault_lock (vault);
  g_assert_false (
      cfd_vault_seal_draft_recovery (vault, id, NULL, OCCURRED, typed, &on_disk, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_LOCKED);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();
  cfd_test_add_canary (CANARY);

  g_test_add_func ("/confidant/draft/as-typed", test_as_typed);
  g_test_add_func ("/confidant/draft/unanswered", test_unanswered);
  g_test_add_func ("/confidant/draft/plausibility", test_plausibility);
  g_test_add_func ("/confidant/draft/discard", test_discard);
  g_test_add_func ("/confidant/draft/recovery/file", test_recovery_file);
  g_test_add_func ("/confidant/draft/recovery/disk-full", test_recovery_disk_full);
  return g_test_run ();
}
