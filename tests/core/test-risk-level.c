/* test-risk-level.c: a risk assessment's level follows its answers, and any ideation raises the flag. */
#include "config.h"

#include <string.h>

#include "cfd-patient.h"
#include "cfd-record.h"
#include "cfd-template.h"
#include "cfd-test-util.h"

#define OCCURRED G_GINT64_CONSTANT (1700000000)

/* Answers: wish-dead, suicidal-thoughts, method, intent, plan, behaviour;
 * 1 yes, 0 no, -1 not assessed. */
static GVariant *
answers (const int yes[6], const char *level, const char *justification)
{
  static const char *const ids[]
      = { "wish-dead", "suicidal-thoughts", "method", "intent", "plan", "behaviour" };
  const CfdTemplate *tmpl = cfd_template_get (CFD_RECORD_RISK);
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GError) error = NULL;
  GVariant *computed;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (yes[i] >= 0)
      g_variant_dict_insert (&d, ids[i], "b", yes[i] == 1);
  if (level != NULL)
    g_variant_dict_insert (&d, "risk-level", "s", level);
  if (justification != NULL)
    g_variant_dict_insert (&d, "level-justification", "s", justification);
  content = g_variant_ref_sink (g_variant_dict_end (&d));
  computed = cfd_template_compute (tmpl, content, &error);
  g_assert_no_error (error);
  return computed;
}

static const char *
rule_level (GVariant *content)
{
  const char *level = NULL;

  return g_variant_lookup (content, "rule-level", "&s", &level) ? level : NULL;
}

static void
test_rule (void)
{
  static const struct
  {
    int yes[6];
    const char *level;
  } cases[] = {
    { { 0, 0, 0, 0, 0, 0 }, "low" },  { { 1, 0, -1, -1, -1, -1 }, "low" },
    { { 1, 1, 0, 0, 0, 0 }, "low" },  { { 1, 1, 1, 0, 0, 0 }, "moderate" },
    { { 0, 1, 0, 1, 0, 0 }, "high" }, { { 0, 1, 1, 0, 1, 0 }, "high" },
    { { 0, 0, 0, 0, 0, 1 }, "high" }, { { -1, -1, -1, -1, -1, -1 }, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GVariant) content = answers (cases[i].yes, NULL, NULL);

      g_assert_cmpstr (rule_level (content), ==, cases[i].level);
    }
}

static void
assert_refused (GVariant *content, const char *words)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (
      cfd_template_check_signable (cfd_template_get (CFD_RECORD_RISK), content, &error));
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in: %s", words, error->message);
}

static void
assert_signable (GVariant *content)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_template_check_signable (cfd_template_get (CFD_RECORD_RISK), content, &error))
    g_error ("expected signable: %s", error->message);
}

static void
test_override (void)
{
  static const int plan_and_behaviour[6] = { 1, 1, 1, 0, 1, 1 };
  static const int thoughts[6] = { 1, 1, 0, 0, 0, 0 };
  g_autoptr (GVariant) low_with_plan = answers (plan_and_behaviour, "low", NULL);
  g_autoptr (GVariant) low_justified = answers (plan_and_behaviour, "low", "Plan was last year");
  g_autoptr (GVariant) moderate_bare = answers (thoughts, "moderate", NULL);
  g_autoptr (GVariant) moderate_justified
      = answers (thoughts, "moderate", "Recent loss, lives alone, access to means");
  g_autoptr (GVariant) agreeing = answers (thoughts, "low", NULL);
  g_autoptr (GVariant) unset = answers (plan_and_behaviour, NULL, NULL);

  /* The review's record: plan and behaviour yes, signed "Low". Never again,
   * not even with a justification. */
  assert_refused (low_with_plan, "“Risk level” cannot be Low");
  assert_refused (low_justified, "“Risk level” cannot be Low");
  /* Another level than the rule's needs a reason. */
  assert_refused (moderate_bare, "“Why the level differs from the rule” must say why");
  assert_signable (moderate_justified);
  assert_signable (agreeing);
  assert_signable (unset);
  g_assert_cmpstr (rule_level (unset), ==, "high");
}

static gboolean
signing_raises_flag (const int yes[6])
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Assessed");
  g_autoptr (GVariant) content = answers (yes, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id
      = cfd_vault_create_record (vault, patient, CFD_RECORD_RISK, OCCURRED, content, &error);
  g_autoptr (CfdPatient) loaded = NULL;

  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (vault, id, &error));
  g_assert_no_error (error);
  loaded = cfd_vault_get_patient (vault, patient, &error);
  g_assert_no_error (error);
  return cfd_patient_get_risk_flag (loaded);
}

static void
test_any_ideation_raises_the_flag (void)
{
  static const int wish_dead_only[6] = { 1, 0, 0, 0, 0, 0 };
  static const int none[6] = { 0, 0, 0, 0, 0, 0 };

  /* "Wish to be dead" is ideation, as PHQ-9 item 9 = 1 is. */
  g_assert_true (signing_raises_flag (wish_dead_only));
  g_assert_false (signing_raises_flag (none));
}

int
main (int argc, char **argv)
{
  cfd_test_init (&argc, &argv);

  g_test_add_func ("/risk-level/rule", test_rule);
  g_test_add_func ("/risk-level/override", test_override);
  g_test_add_func ("/risk-level/any-ideation-raises-the-flag", test_any_ideation_raises_the_flag);
  return g_test_run ();
}
