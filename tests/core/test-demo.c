/* test-demo.c: the demo practice holds only records that pass the signing checks. */
#include "config.h"

#include <string.h>

#include "cfd-demo.h"
#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-session-link.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

/* Every record of a practice large enough to meet each route, drafts
 * included: a draft of the demo is a record about to be signed. */
static void
test_every_record_passes_the_signing_checks (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  CfdDemoOptions options = { .patients = 12, .records_per_patient = 20, .seed = 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) patients = NULL;
  guint n_dosing = 0, n_esketamine = 0, n_checked = 0;
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
