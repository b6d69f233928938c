/* test-fault-consent.c: a failed write, sync or full disk at any point of granting or revoking a supervisor's consent. */
#include "config.h"

#include "cfd-consent.h"
#include "cfd-fault-vfs.h"
#include "cfd-record.h"
#include "cfd-test-fault.h"

#define SUPERVISOR_PASS "supervisor passphrase"

typedef struct
{
  char *template_path;
  char *patient_id;
  char *record_id;
  char *consent_id; /* granted in the template, for the revoke sweep */
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

static char *
grant (CfdVault *vault, const char *patient_id, GError **error)
{
  CfdConsentTerms terms = {
    .supervisor = "Sam Supervisor",
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Clinical supervision of integration work",
    .obtained_on = "2026-11-01",
    .method = "signed form",
    .expires = 0,
  };

  return cfd_vault_grant_consent (vault, patient_id, &terms, error);
}

/* A closed vault: a patient with a signed note, a supervisor, and (when
 * with_consent) the supervisor's consent to see the patient. */
static void
fixture_init (Fixture *fx, gboolean with_consent)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&fx->template_path, NULL);
  g_autoptr (GVariant) note = progress ("Signed note");
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = NULL;

  fx->patient_id = cfd_test_add_patient (vault, "Ada Lovelace");
  fx->record_id = cfd_vault_create_record (vault, fx->patient_id, CFD_RECORD_PROGRESS, 1700000000,
                                           note, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, fx->record_id, &error));
  supervisor
      = cfd_vault_add_user (vault, "Sam Supervisor", CFD_ROLE_SUPERVISOR, SUPERVISOR_PASS, &error);
  g_assert_no_error (error);
  if (with_consent)
    {
      fx->consent_id = grant (vault, fx->patient_id, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_free (Fixture *fx)
{
  g_free (fx->template_path);
  g_free (fx->patient_id);
  g_free (fx->record_id);
  g_free (fx->consent_id);
}

/* Whether the supervisor, signing in on their own, can read the patient. */
static gboolean
supervisor_sees_patient (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (path, "Sam Supervisor", SUPERVISOR_PASS, &error);
  g_autoptr (GListModel) patients = NULL;

  g_assert_no_error (error);
  patients = cfd_vault_list_patients (vault, TRUE, &error);
  g_assert_no_error (error);
  return g_list_model_get_n_items (patients) > 0;
}

/* The owner's view after the fault: sound, the note intact and verifying,
 * and the number of live consents. An owner's unlock also finishes any
 * revocation that was interrupted (cfd_vault_withdraw_lapsed_consents). */
static guint
owner_check (Fixture *fx, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (path, NULL, CFD_TEST_PASSPHRASE, &error);
  g_autoptr (GHashTable) names = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GListModel) consents = NULL;
  guint live = 0;

  g_assert_no_error (error);
  names = cfd_test_assert_sound (vault);
  g_assert_true (cfd_test_name_is (g_hash_table_lookup (names, fx->patient_id), "Ada Lovelace"));
  record = cfd_vault_get_record (vault, fx->record_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cfd_record_get_text (record, "subjective"), ==, "Signed note");
  g_assert_cmpint (cfd_record_get_status (record), ==, CFD_RECORD_SIGNED);

  consents = cfd_vault_list_consents (vault, fx->patient_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (consents); i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (consents, i);

      live += cfd_consent_get_revoked_at (consent) == 0;
    }
  return live;
}

static gboolean
op_grant (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;
  g_autofree char *id = grant (vault, fx->patient_id, error);

  return id != NULL;
}

static void
verify_grant (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  guint live = owner_check (fx, path);

  /* A consent and the supervisor's key grant commit together or not at all. */
  g_assert_cmpuint (live, ==, succeeded ? 1 : 0);
  g_assert_true (supervisor_sees_patient (path) == succeeded);
}

static gboolean
op_revoke (CfdVault *vault, gpointer data, GError **error)
{
  Fixture *fx = data;

  return cfd_vault_revoke_consent (vault, fx->consent_id, error);
}

static void
verify_revoke (const char *path, gboolean succeeded, gpointer data)
{
  Fixture *fx = data;
  guint live = owner_check (fx, path);

  if (succeeded)
    g_assert_cmpuint (live, ==, 0);
  /* Whatever the fault, the supervisor sees the patient exactly while the
   * consent is live: a revocation that committed is finished (the key
   * rotated) by the next owner's unlock at the latest. */
  g_assert_true (supervisor_sees_patient (path) == (live == 1));
}

static void
test_grant (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "granting consent", NULL, NULL, CFD_TEST_PASSPHRASE, op_grant, verify_grant, &fx,
  };

  fixture_init (&fx, FALSE);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

static void
test_revoke (void)
{
  Fixture fx = { 0 };
  CfdFaultSweep sweep = {
    "revoking consent", NULL, NULL, CFD_TEST_PASSPHRASE, op_revoke, verify_revoke, &fx,
  };

  fixture_init (&fx, TRUE);
  sweep.template_path = fx.template_path;
  cfd_test_fault_sweep (&sweep);
  fixture_free (&fx);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);
  cfd_fault_vfs_install ();

  g_test_add_func ("/confidant/fault/consent/grant", test_grant);
  g_test_add_func ("/confidant/fault/consent/revoke", test_revoke);
  return g_test_run ();
}
