/* test-fault-record.c: a failed write, sync or full disk at any point of creating, saving or signing a record or an addendum. */
#include "config.h"

#include "cfd-fault-vfs.h"
#include "cfd-record.h"
#include "cfd-test-fault.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)

typedef struct
{
  char *template_path;
  char *patient_id;
  char *draft_id;    /* revision 1: "First draft" */
  char *signed_id;   /* signed: "Signed note" */
  char *addendum_id; /* a draft addendum to signed_id, when the sweep asks for one */
  guint n_records;   /* records of the patient before the operation */
  char *new_id;      /* set by a successful create or addendum */
} Fixture;

static GVariant *
progress (const char *subjective)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", subjective);
  g_variant_dict_insert (&d, "plan", "s", "Review in two weeks.");
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static GVariant *
addendum (const char *text)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "text", "s", text);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

/* A closed vault with one patient, a draft and a signed record, and
 * when asked a draft addendum to the signed record. */
static void
fixture_init (Fixture *fx, gboolean with_addendum_draft)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&fx->template_path, NULL);
  g_autoptr (GVariant) first = progress ("First draft");
  g_autoptr (GVariant) other = progress ("Signed note");
  g_autoptr (GError) error = NULL;

  fx->patient_id = cfd_test_add_patient (vault, "Ada Lovelace");
  fx->draft_id = cfd_vault_create_record (vault, fx->patient_id, CFD_RECORD_PROGRESS, OCCURRED,
                                          first, &error);
  g_assert_no_error (error);
  fx->signed_id = cfd_vault_create_record (vault, fx->patient_id, CFD_RECORD_PROGRESS, OCCURRED,
                                           other, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, fx->signed_id, &error));
  g_assert_no_error (error);
  fx->n_records = 2;
  if (with_addendum_draft)
    {
      g_autoptr (GVariant) begun = addendum ("Begun before the lock.");

      fx->addendum_id = cfd_vault_create_addendum_draft (vault, fx->signed_id, begun, &error);
      g_assert_no_error (error);
      fx->n_records = 3;
    }
}

static void
fixture_free (Fixture *fx)
{
  g_free (fx->template_path);
  g_free (fx->patient_id);
  g_free (fx->draft_id);
  g_free (fx->signed_id);
  g_free (fx->addendum_id);
  g_free (fx->new_id);
}

/* The vault is sound, and the patient's records are exactly these: every
 * one decrypts and, when signed, verifies. Returns the unlocked vault. */
static CfdVault *
reopen_and_check (Fixture *fx, const char *path, guint expected_records)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);
  g_autoptr (GHashTable) names = NULL;
  g_autoptr (GListModel) records = NULL;
  g_autoptr (CfdRecord) signed_record = NULL;

  g_assert_no_error (error);
  names = cfd_test_assert_sound (vault);
  g_assert_true (cfd_test_name_is (g_hash_table_lookup (names, fx->patient_id), "Ada Lovelace"));

  records = cfd_vault_list_records (vault, fx->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (records), ==, expected_records);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) listed = g_list_model_get_item (records, i);
      g_autoptr (CfdRecord) record
          = cfd_vault_get_record (vault, cfd_record_get_id (listed), &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }

  /* What was signed before stays signed and unchanged. */
  signed_record = cfd_vault_get_record (vault, fx->signed_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfd_record_get_status (signed_record), ==, CFD_RECORD_SIGNED);
  g_assert_cmpstr (cfd_record_get_text (signed_record, "subjective"), ==, "Signed note");
  return g_steal_pointer (&vault);
}

static CfdRecord *
get_record (CfdVault *vault, const char *id)
{
  g_autoptr (GError) error = NULL;
  CfdRecord *record = cfd_vault_get_record (vault, id, &error);

  g_assert_no_error (error);
  return record;
}

static gboolean
op_create (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) content = progress ("A new note");

  g_clear_pointer (&fx->new_id, g_free);
  fx->new_id = cfd_vault_create_record (vault, fx->patient_id, CFD_RECORD_PROGRESS, OCCURRED,
                                        content, error);
  return fx->new_id != NULL;
}

static void
verify_create (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records + (succeeded ? 1 : 0));

  if (succeeded)
    {
      g_autoptr (CfdRecord) record = get_record (vault, fx->new_id);

      g_assert_cmpstr (cfd_record_get_text (record, "subjective"), ==, "A new note");
      g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
    }
}

static gboolean
op_save_draft (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) content = progress ("Second draft");

  return cfd_vault_save_draft (vault, fx->draft_id, OCCURRED + 86400, content, error);
}

static void
verify_save_draft (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records);
  g_autoptr (CfdRecord) record = get_record (vault, fx->draft_id);
  g_autoptr (GListModel) revisions = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (cfd_record_get_text (record, "subjective"), ==,
                   succeeded ? "Second draft" : "First draft");
  g_assert_cmpuint (cfd_record_get_revision (record), ==, succeeded ? 2 : 1);
  g_assert_cmpint (cfd_record_get_occurred (record), ==, succeeded ? OCCURRED + 86400 : OCCURRED);
  /* Each save keeps the one before it in the history. */
  revisions = cfd_vault_list_revisions (vault, fx->draft_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (revisions), ==, succeeded ? 1 : 0);
}

static gboolean
op_sign (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;

  return cfd_vault_sign_record (vault, fx->draft_id, error);
}

static void
verify_sign (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records);
  g_autoptr (CfdRecord) record = get_record (vault, fx->draft_id);

  g_assert_cmpstr (cfd_record_get_text (record, "subjective"), ==, "First draft");
  g_assert_cmpint (cfd_record_get_status (record), ==,
                   succeeded ? CFD_RECORD_SIGNED : CFD_RECORD_DRAFT);
  g_assert_true ((cfd_record_get_signed_at (record) != 0) == succeeded);
}

static gboolean
op_addendum (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) content = addendum ("Corrected the plan.");

  g_clear_pointer (&fx->new_id, g_free);
  fx->new_id = cfd_vault_add_addendum (vault, fx->signed_id, content, error);
  return fx->new_id != NULL;
}

static void
verify_addendum (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records + (succeeded ? 1 : 0));

  if (succeeded)
    {
      g_autoptr (CfdRecord) record = get_record (vault, fx->new_id);

      g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);
      g_assert_cmpstr (cfd_record_get_parent_id (record), ==, fx->signed_id);
    }
}

static gboolean
op_addendum_draft (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) content = addendum ("Typed, not yet signed.");

  g_clear_pointer (&fx->new_id, g_free);
  fx->new_id = cfd_vault_create_addendum_draft (vault, fx->signed_id, content, error);
  return fx->new_id != NULL;
}

static void
verify_addendum_draft (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records + (succeeded ? 1 : 0));
  g_autoptr (GListModel) addenda = NULL;
  g_autoptr (GError) error = NULL;

  addenda = cfd_vault_list_addenda (vault, fx->signed_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (addenda), ==, succeeded ? 1 : 0);
  if (succeeded)
    {
      g_autoptr (CfdRecord) record = get_record (vault, fx->new_id);

      g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_DRAFT);
      g_assert_cmpstr (cfd_record_get_parent_id (record), ==, fx->signed_id);
      g_assert_cmpstr (cfd_record_get_text (record, "text"), ==, "Typed, not yet signed.");
    }
}

static gboolean
op_sign_addendum_draft (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;

  return cfd_vault_sign_record (vault, fx->addendum_id, error);
}

static void
verify_sign_addendum_draft (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_and_check (fx, path, fx->n_records);
  g_autoptr (CfdRecord) record = get_record (vault, fx->addendum_id);

  /* Verified on loading: signed over a hash that names its record. */
  g_assert_cmpstr (cfd_record_get_text (record, "text"), ==, "Begun before the lock.");
  g_assert_cmpstr (cfd_record_get_parent_id (record), ==, fx->signed_id);
  g_assert_cmpint (cfd_record_get_status (record), ==,
                   succeeded ? CFD_RECORD_SIGNED : CFD_RECORD_DRAFT);
}

static void
sweep_full (const char *name, gboolean with_addendum_draft, CfdFaultOp op, CfdFaultVerify verify)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = { name, NULL, NULL, CFD_TEST_PASSPHRASE, op, verify, &fx };

  fixture_init (&fx, with_addendum_draft);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

static void
sweep (const char *name, CfdFaultOp op, CfdFaultVerify verify)
{
  sweep_full (name, FALSE, op, verify);
}

static void
test_create (void)
{
  sweep ("creating a record", op_create, verify_create);
}

static void
test_save_draft (void)
{
  sweep ("saving a draft", op_save_draft, verify_save_draft);
}

static void
test_sign (void)
{
  sweep ("signing a record", op_sign, verify_sign);
}

static void
test_addendum (void)
{
  sweep ("adding an addendum", op_addendum, verify_addendum);
}

static void
test_addendum_draft (void)
{
  sweep ("beginning a draft addendum", op_addendum_draft, verify_addendum_draft);
}

static void
test_sign_addendum_draft (void)
{
  sweep_full ("signing a draft addendum", TRUE, op_sign_addendum_draft, verify_sign_addendum_draft);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();

  g_test_add_func ("/confidant/fault/record/create", test_create);
  g_test_add_func ("/confidant/fault/record/save-draft", test_save_draft);
  g_test_add_func ("/confidant/fault/record/sign", test_sign);
  g_test_add_func ("/confidant/fault/record/addendum", test_addendum);
  g_test_add_func ("/confidant/fault/record/addendum-draft", test_addendum_draft);
  g_test_add_func ("/confidant/fault/record/sign-addendum-draft", test_sign_addendum_draft);
  return g_test_run ();
}
