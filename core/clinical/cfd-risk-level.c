/* cfd-risk-level.c: the level of a risk assessment worked out from its answers, and what raises the flag.
 *
 * The rule follows the triage of the C-SSRS screen version: ideation
 * alone is low, a method moderate, intent, a plan or recent behaviour
 * high. It is Confidant's reading of that triage; docs/CLINICAL.md says
 * so and gives the source. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-risk-level.h"

static const char *const ideation[] = { "wish-dead", "suicidal-thoughts" };
static const char *const method[] = { "method" };
static const char *const high[] = { "intent", "plan", "behaviour" };

static gboolean
any_yes (GVariant *content, const char *const *ids, gsize n, gboolean *answered)
{
  gboolean yes_found = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      gboolean yes;

      if (!g_variant_lookup (content, ids[i], "b", &yes))
        continue;
      *answered = TRUE;
      yes_found |= yes;
    }
  return yes_found;
}

const char *
cfd_risk_rule_level (GVariant *content)
{
  gboolean answered = FALSE;
  gboolean is_high = any_yes (content, high, G_N_ELEMENTS (high), &answered);
  gboolean is_moderate = any_yes (content, method, G_N_ELEMENTS (method), &answered);

  any_yes (content, ideation, G_N_ELEMENTS (ideation), &answered);
  if (is_high)
    return "high";
  if (is_moderate)
    return "moderate";
  return answered ? "low" : NULL;
}

GVariant *
cfd_risk_compute (GVariant *content)
{
  GVariantDict dict;
  const char *level = cfd_risk_rule_level (content);

  g_variant_dict_init (&dict, content);
  g_variant_dict_remove (&dict, "rule-level");
  if (level != NULL)
    g_variant_dict_insert (&dict, "rule-level", "s", level);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
has_text (GVariant *content, const char *id)
{
  const char *text = NULL;

  if (!g_variant_lookup (content, id, "&s", &text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
add_problem (const CfdTemplate *tmpl, GPtrArray *problems, const char *field_id, const char *rest)
{
  CfdTemplateProblem *problem = g_new0 (CfdTemplateProblem, 1);

  problem->field_id = g_strdup (field_id);
  problem->message
      = g_strdup_printf ("“%s” %s", cfd_template_find_field (tmpl, field_id)->label, rest);
  g_ptr_array_add (problems, problem);
}

void
cfd_risk_check (const CfdTemplate *tmpl, GVariant *content, GPtrArray *problems)
{
  const char *chosen = NULL;
  const char *rule = cfd_risk_rule_level (content);
  gboolean answered = FALSE;

  if (!g_variant_lookup (content, "risk-level", "&s", &chosen))
    return;
  if (strcmp (chosen, "low") == 0 && any_yes (content, high, G_N_ELEMENTS (high), &answered))
    add_problem (tmpl, problems, "risk-level",
                 _ ("cannot be Low when intent, a plan or suicidal behaviour is answered yes"));
  else if (g_strcmp0 (chosen, rule) != 0 && !has_text (content, "level-justification"))
    {
      g_autofree char *rest = g_strdup_printf (
          _ ("must say why the level chosen differs from the level by rule (%s)"),
          rule != NULL ? rule : _ ("no answers yet"));

      add_problem (tmpl, problems, "level-justification", rest);
    }
}

gboolean
cfd_risk_raises_flag (GVariant *content)
{
  gboolean answered = FALSE;
  const char *chosen = NULL;

  if (any_yes (content, ideation, G_N_ELEMENTS (ideation), &answered)
      || any_yes (content, method, G_N_ELEMENTS (method), &answered)
      || any_yes (content, high, G_N_ELEMENTS (high), &answered))
    return TRUE;
  return g_variant_lookup (content, "risk-level", "&s", &chosen) && strcmp (chosen, "high") == 0;
}
