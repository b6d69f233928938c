/* test-worklist.c: the worklist: stale drafts (the practice's age), open risk flags, sessions past their next-session date. */
#include "config.h"

#include <string.h>

#include "cfd-date.h"
#include "cfd-measure.h"
#include "cfd-record.h"
#include "cfd-risk-flag.h"
#include "cfd-test-util.h"
#include "cfd-worklist.h"

/* 2023-11-14 22:13:20 UTC */
#define OCCURRED G_GINT64_CONSTANT (1700000000)

static gint64
count_audit (CfdVault *vault, const char *action)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);

  return cfd_test_count_rows (vault, sql);
}

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now * G_USEC_PER_SEC;
}

static gint64
day (const char *date)
{
  gint64 seconds = 0;

  g_assert_true (cfd_date_parse (date, &seconds));
  return seconds;
}

/* A session record that sets the next session to next_session. */
static GVariant *
session (const char *next_session)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "start-time", "s", "09:00");
  g_variant_dict_insert (&d, "end-time", "s", "10:15");
  g_variant_dict_insert (&d, "modality", "s", "in-person");
  g_variant_dict_insert (&d, "progress", "s", "Sleeping better.");
  g_variant_dict_insert (&d, "risk-status", "s", "none-identified");
  g_variant_dict_insert (&d, "plan", "s", "Continue weekly.");
  g_variant_dict_insert (&d, "next-session", "s", next_session);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static GVariant *
progress (void)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "subjective", "s", "Sleeping better.");
  g_variant_dict_insert (&d, "objective", "s", "Calm.");
  g_variant_dict_insert (&d, "assessment", "s", "Improving.");
  g_variant_dict_insert (&d, "plan", "s", "Continue.");
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static char *
record (CfdVault *vault,
        const char *patient,
        CfdRecordKind kind,
        gint64 occurred,
        GVariant *content,
        gboolean sign)
{
  g_autoptr (GVariant) owned = content;
  g_autoptr (GError) error = NULL;
  char *id = cfd_vault_create_record (vault, patient, kind, occurred, owned, &error);

  g_assert_no_error (error);
  if (sign)
    {
      g_assert_true (cfd_vault_sign_record (vault, id, &error));
      g_assert_no_error (error);
    }
  return id;
}

/* "kind patient record" lines, for comparing whole lists at once. */
static char *
summary (CfdVault *vault)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) items = cfd_vault_get_worklist (vault, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (CfdWorklistItem) item = g_list_model_get_item (items, i);

      g_string_append_printf (
          out, "%s %s %s\n", cfd_worklist_kind_to_string (cfd_worklist_item_get_kind (item)),
          cfd_worklist_item_get_patient_id (item),
          cfd_worklist_item_get_record_id (item) != NULL ? cfd_worklist_item_get_record_id (item)
                                                         : "-");
    }
  return g_string_free (out, FALSE);
}

static void
test_stale_drafts (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  fake_now = OCCURRED;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Draft Person");
  draft = record (vault, patient, CFD_RECORD_PROGRESS, OCCURRED, progress (), FALSE);
  g_assert_cmpuint (cfd_vault_get_worklist_draft_hours (vault, &error), ==, 24);

  fake_now = OCCURRED + 23 * 3600;
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  fake_now = OCCURRED + 25 * 3600;
  expected = g_strdup_printf ("stale-draft %s %s\n", patient, draft);
  list = summary (vault);
  g_assert_cmpstr (list, ==, expected);
  g_clear_pointer (&list, g_free);

  /* The practice's age, owner only and audited. */
  g_assert_true (cfd_vault_set_worklist_draft_hours (vault, 48, &error));
  g_assert_no_error (error);
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);
  g_assert_false (cfd_vault_set_worklist_draft_hours (vault, 0, &error));
  g_assert_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (count_audit (vault, "practice.worklist-draft-hours"), ==, 1);
  g_assert_cmpint (count_audit (vault, "worklist.view"), ==, 3);

  /* Saving the draft again makes it fresh; signing takes it off. */
  fake_now = OCCURRED + 72 * 3600;
  list = summary (vault);
  g_assert_cmpstr (list, ==, expected);
  g_clear_pointer (&list, g_free);
  {
    g_autoptr (GVariant) content = progress ();

    g_assert_true (cfd_vault_save_draft (vault, draft, OCCURRED, content, &error));
    g_assert_no_error (error);
  }
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
}

static void
test_others_drafts (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist = cfd_vault_add_user (vault, "Theo", CFD_ROLE_THERAPIST,
                                                   "violet harbor quartz ladder", &error);

  fake_now = OCCURRED;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Shared Person");
  g_free (record (vault, patient, CFD_RECORD_PROGRESS, OCCURRED, progress (), FALSE));

  /* Someone else's draft is not Theo's to finish. */
  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Theo", "violet harbor quartz ladder", &error));
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  fake_now = OCCURRED + 48 * 3600;
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
}

static void
test_open_flags (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Flag Person");
  g_autofree char *calm_patient = cfd_test_add_patient (vault, "Calm Person");
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;
  static const guint8 risky[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 2 };
  static const guint8 calm[9] = { 0 };

  g_free (cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, OCCURRED, risky, 9, &error));
  g_free (
      cfd_vault_add_measure (vault, calm_patient, CFD_INSTRUMENT_PHQ9, OCCURRED, calm, 9, &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("open-risk-flag %s -\n", patient);
  list = summary (vault);
  g_assert_cmpstr (list, ==, expected);
  g_clear_pointer (&list, g_free);

  g_assert_true (cfd_vault_review_risk_flag (vault, patient, "Called.", &error));
  g_assert_true (cfd_vault_resolve_risk_flag (vault, patient, "Safe.", &error));
  g_assert_no_error (error);
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
}

static void
test_next_session_past (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *note = NULL;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  fake_now = OCCURRED;
  cfd_vault_set_clock_for_testing (vault, fake_clock, NULL);
  patient = cfd_test_add_patient (vault, "Session Person");
  note = record (vault, patient, CFD_RECORD_SESSION, OCCURRED, session ("2024-02-29"), TRUE);
  /* A draft's next session counts for nothing: only signed records. */
  g_free (record (vault, patient, CFD_RECORD_SESSION, OCCURRED, session ("2023-12-01"), FALSE));
  g_assert_true (cfd_vault_set_worklist_draft_hours (vault, 8760, &error));
  g_assert_no_error (error);

  /* On the day itself it is not yet past. */
  fake_now = day ("2024-02-29") + 20 * 3600;
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  fake_now = day ("2024-03-01") + 3600;
  expected = g_strdup_printf ("next-session-past %s %s\n", patient, note);
  list = summary (vault);
  g_assert_cmpstr (list, ==, expected);
  g_clear_pointer (&list, g_free);

  /* A measure is not a session; a signed progress note on or after the
   * date is. */
  {
    static const guint8 calm[9] = { 0 };

    g_free (cfd_vault_add_measure (vault, patient, CFD_INSTRUMENT_PHQ9, day ("2024-03-01"), calm, 9,
                                   &error));
    g_assert_no_error (error);
  }
  list = summary (vault);
  g_assert_cmpstr (list, ==, expected);
  g_clear_pointer (&list, g_free);
  g_free (record (vault, patient, CFD_RECORD_PROGRESS, day ("2024-02-29"), progress (), TRUE));
  list = summary (vault);
  g_assert_cmpstr (list, ==, "");
}

static void
test_supervisor_refused (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *supervisor = cfd_vault_add_user (vault, "Sam Super", CFD_ROLE_SUPERVISOR,
                                                    "river lantern copper meadow", &error);
  g_autoptr (GListModel) items = NULL;

  cfd_vault_lock (vault);
  g_assert_true (cfd_vault_unlock (vault, "Sam Super", "river lantern copper meadow", &error));
  items = cfd_vault_get_worklist (vault, &error);
  g_assert_null (items);
  g_assert_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/worklist/stale-drafts", test_stale_drafts);
  g_test_add_func ("/confidant/worklist/others-drafts", test_others_drafts);
  g_test_add_func ("/confidant/worklist/open-flags", test_open_flags);
  g_test_add_func ("/confidant/worklist/next-session-past", test_next_session_past);
  g_test_add_func ("/confidant/worklist/supervisor-refused", test_supervisor_refused);
  return g_test_run ();
}
