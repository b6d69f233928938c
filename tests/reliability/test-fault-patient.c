/* test-fault-patient.c: a failed write, sync or full disk at any point of a patient change loses nothing. */
#include "config.h"

#include "cfd-fault-vfs.h"
#include "cfd-test-fault.h"

typedef struct
{
  char *template_path;
  char *ada_id;  /* in the template */
  char *new_id;  /* set by a successful add */
  guint creates; /* patient.create records in the template */
  guint edits;
} Fixture;

static void
fixture_free (Fixture *fx)
{
  g_free (fx->template_path);
  g_free (fx->ada_id);
  g_free (fx->new_id);
}

static GVariant *
name_details (const char *name)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
  g_variant_dict_insert (&dict, CFD_PATIENT_BIRTH_DATE, "s", "1815-12-10");
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* A closed vault with two patients and one edit behind it. */
static void
fixture_init (Fixture *fx)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&fx->template_path, NULL);
  g_autofree char *other = NULL;
  g_autoptr (GVariant) change = name_details ("Ada Lovelace");
  g_autoptr (GError) error = NULL;

  fx->ada_id = cfd_test_add_patient (vault, "Ada Byron");
  other = cfd_test_add_patient (vault, "Grace Hopper");
  g_assert_true (cfd_vault_update_patient (vault, fx->ada_id, change, &error));
  g_assert_no_error (error);
  fx->creates = 2;
  fx->edits = 1;
}

static CfdVault *
reopen_owner (const char *path)
{
  g_autoptr (GError) error = NULL;
  CfdVault *vault = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);

  g_assert_no_error (error);
  return vault;
}

static gboolean
op_add (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) details = name_details ("Mary Somerville");

  g_clear_pointer (&fx->new_id, g_free);
  fx->new_id = cfd_vault_add_patient (vault, details, error);
  return fx->new_id != NULL;
}

static void
verify_add (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_owner (path);
  g_autoptr (GHashTable) names = cfd_test_assert_sound (vault);

  g_assert_cmpstr (g_hash_table_lookup (names, fx->ada_id), ==, "Ada Lovelace");
  g_assert_cmpuint (g_hash_table_size (names), ==, succeeded ? 3 : 2);
  if (succeeded)
    g_assert_cmpstr (g_hash_table_lookup (names, fx->new_id), ==, "Mary Somerville");
  /* The record of the change commits with it, or not at all. */
  g_assert_cmpuint (cfd_test_count_audit (vault, "patient.create"), ==,
                    fx->creates + (succeeded ? 1 : 0));
}

static void
test_add_patient (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "adding a patient", NULL, NULL, CFD_TEST_PASSPHRASE, op_add, verify_add, &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

static gboolean
op_edit (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autoptr (GVariant) details = name_details ("Ada King");

  return cfd_vault_update_patient (vault, fx->ada_id, details, error);
}

static void
verify_edit (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_owner (path);
  g_autoptr (GHashTable) names = cfd_test_assert_sound (vault);

  g_assert_cmpuint (g_hash_table_size (names), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (names, fx->ada_id), ==,
                   succeeded ? "Ada King" : "Ada Lovelace");
  g_assert_cmpuint (cfd_test_count_audit (vault, "patient.edit"), ==,
                    fx->edits + (succeeded ? 1 : 0));
}

static void
test_edit_patient (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "editing a patient", NULL, NULL, CFD_TEST_PASSPHRASE, op_edit, verify_edit, &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

static gboolean
op_delete (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;

  return cfd_vault_delete_patient (vault, fx->ada_id, "Ada Lovelace", error);
}

static void
verify_delete (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (CfdVault) vault = reopen_owner (path);
  g_autoptr (GHashTable) names = cfd_test_assert_sound (vault);

  g_assert_cmpuint (g_hash_table_size (names), ==, succeeded ? 1 : 2);
  if (!succeeded)
    g_assert_cmpstr (g_hash_table_lookup (names, fx->ada_id), ==, "Ada Lovelace");
  else
    g_assert_false (g_hash_table_contains (names, fx->ada_id));
  g_assert_cmpuint (cfd_test_count_audit (vault, "patient.delete"), ==, succeeded ? 1 : 0);
}

static void
test_delete_patient (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "deleting a patient", NULL, NULL, CFD_TEST_PASSPHRASE, op_delete, verify_delete, &fx,
  };

  fixture_init (&fx);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();

  g_test_add_func ("/confidant/fault/patient/add", test_add_patient);
  g_test_add_func ("/confidant/fault/patient/edit", test_edit_patient);
  g_test_add_func ("/confidant/fault/patient/delete", test_delete_patient);
  return g_test_run ();
}
