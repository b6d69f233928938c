/* test-demo.c: the demo practice holds only records that pass the signing checks. */
#include "config.h"

#include <string.h>

#include "cfd-demo.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-rems-concomitant.h"
#include "cfd-rems-form.h"
#include "cfd-session-link.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

/* Every record of a practice large enough to meet each route, drafts
 * included: a draft of the demo is a record about to be signed. */
/* The REMS form of a signed esketamine session lists none of the seven
 * yes/no questions as missing, and its concomitant-medication answers
 * agree with the patient's medication list. (The patient's sex, the
 * practice's profile and the monitoring clinician's email are not the
 * demo records' to give.) */
static guint
assert_rems_answers_complete (CfdVault *vault, CfdRecord *record)
{
  static const char *const sections[]
      = { "Concomitant medication that may cause sedation or blood pressure changes:",
          "During monitoring, did the patient experience:" };
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRemsForm) form
      = cfd_vault_get_rems_form (vault, cfd_record_get_id (record), &error);
  g_auto (GStrv) missing = NULL;
  char **names[CFD_REMS_N_CONCOMITANT];

  g_assert_no_error (error);
  missing = cfd_rems_form_list_missing (form);
  for (guint i = 0; missing[i] != NULL; i++)
    for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
      if (g_str_has_prefix (missing[i], sections[s]))
        g_error ("the REMS form of demo record %s misses %s", cfd_record_get_id (record),
                 missing[i]);
  g_assert_true (cfd_vault_list_concomitant_medications (vault, cfd_record_get_patient_id (record),
                                                         names, &error));
  for (guint q = 0; q < CFD_REMS_N_CONCOMITANT; q++)
    {
      gboolean answer = FALSE;

      g_assert_true (g_variant_lookup (cfd_record_get_content (record),
                                       cfd_rems_concomitant[q].field_id, "b", &answer));
      g_assert_cmpint (answer, ==, names[q][0] != NULL);
      g_strfreev (names[q]);
    }
  return 1;
}

static void
test_every_record_passes_the_signing_checks (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDemoOptions options = { .patients = 12, .records_per_patient = 20, .seed = 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) patients = NULL;
  guint n_dosing = 0, n_esketamine = 0, n_checked = 0, n_forms = 0;
  guint n_sessions = 0, n_integration = 0, n_linked = 0;
  GHashTable *routes = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (cfd_demo_populate (vault, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  patients = cfd_vault_list_patients (vault, FALSE, &error);
  g_assert_no_error (error);
  for (guint p = 0; p < g_list_model_get_n_items (patients); p++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (patients, p);
      g_autoptr (GListModel) records
          = cfd_vault_list_records (vault, cfd_patient_get_id (patient), &error);

      g_assert_no_error (error);
      for (guint r = 0; r < g_list_model_get_n_items (records); r++)
        {
          g_autoptr (CfdRecord) record = g_list_model_get_item (records, r);
          const CfdTemplate *tmpl = cfd_template_get (cfd_record_get_kind (record));
          GVariant *content = cfd_record_get_content (record);
          g_autoptr (GError) refused = NULL;
          const char *medication = NULL, *route = NULL;
          double dose = 0;

          if (!cfd_template_check_signable (tmpl, content, &refused))
            g_error ("demo %s record %s cannot be signed: %s", tmpl->title,
                     cfd_record_get_id (record), refused->message);
          /* The checks across records that signing makes too. */
          if (!cfd_session_check_dosing_link (vault, record, &refused)
              || !cfd_integration_check_session_link (vault, record, &refused))
            g_error ("demo %s record %s has a link that cannot be signed: %s", tmpl->title,
                     cfd_record_get_id (record), refused->message);
          n_checked++;
          if (cfd_record_get_kind (record) == CFD_RECORD_SESSION)
            {
              n_sessions++;
              n_linked += cfd_record_get_text (record, "dosing-record") != NULL;
              g_assert_nonnull (cfd_record_get_text (record, "start-time"));
              g_assert_nonnull (cfd_record_get_text (record, "end-time"));
            }
          if (cfd_record_get_kind (record) == CFD_RECORD_INTEGRATION)
            {
              n_integration++;
              /* Every integration session has its session record. */
              g_assert_nonnull (cfd_record_get_text (record, "session-record"));
              g_assert_null (cfd_record_get_text (record, "start-time"));
            }
          if (cfd_record_get_kind (record) != CFD_RECORD_DOSING)
            continue;
          n_dosing++;
          g_assert_true (g_variant_lookup (content, "medication", "&s", &medication));
          g_assert_true (g_variant_lookup (content, "route", "&s", &route));
          g_assert_true (g_variant_lookup (content, "dose-mg", "d", &dose));
          g_hash_table_add (routes, (gpointer)g_intern_string (route));
          if (strcmp (medication, "esketamine") == 0)
            {
              n_esketamine++;
              if (cfd_record_get_status (record) == CFD_RECORD_SIGNED)
                n_forms += assert_rems_answers_complete (vault, record);
              g_assert_cmpstr (route, ==, "intranasal");
              g_assert_true (dose == 56 || dose == 84);
            }
          else
            /* Only IV records carry an infusion rate. */
            g_assert_true (strcmp (route, "iv") == 0
                           || g_variant_lookup_value (content, "infusion-rate", NULL) == NULL);
        }
    }
  g_assert_cmpuint (n_checked, >, 100);
  g_assert_cmpuint (n_integration, >, 0);
  g_assert_cmpuint (n_sessions, ==, n_integration);
  g_assert_cmpuint (n_linked, >, n_sessions / 2);
  g_assert_cmpuint (n_dosing, >, 20);
  g_assert_cmpuint (n_esketamine, >, 0);
  g_assert_cmpuint (n_forms, >, 0);
  g_assert_cmpuint (g_hash_table_size (routes), >=, 2);
  g_hash_table_unref (routes);
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

  g_test_add_func ("/demo/every-record-passes-the-signing-checks",
                   test_every_record_passes_the_signing_checks);
  return g_test_run ();
}
