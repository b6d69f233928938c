/* cfd-audit-words.c: an audit record as a sentence a therapist reads: "Dr Rivera opened Jordan Lee's chart". */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cfd-audit-words.h"

/* Each action as a whole sentence with its placeholders ({user},
 * {patient}: translators keep them as they are), so that a translation
 * can order the words as its language needs. The action
 * codes themselves stay in the raw view (and in exports) unchanged. */
typedef struct
{
  const char *action;
  const char *about_patient; /* {user} the user, {patient} the patient */
  const char *otherwise;     /* {user} the user */
} Phrase;

static const Phrase phrases[] = {
  { "patient.view", N_ ("{user} opened {patient}’s chart"),
    N_ ("{user} opened a patient’s chart") },
  { "patient.list", NULL, N_ ("{user} listed the patients") },
  { "patient.create", N_ ("{user} added {patient} as a patient"), N_ ("{user} added a patient") },
  { "patient.edit", N_ ("{user} changed {patient}’s details"),
    N_ ("{user} changed a patient’s details") },
  { "patient.archive", N_ ("{user} archived {patient}"), N_ ("{user} archived a patient") },
  { "patient.unarchive", N_ ("{user} brought {patient} back from the archive"),
    N_ ("{user} brought a patient back from the archive") },
  { "patient.export", N_ ("{user} exported {patient}’s record"),
    N_ ("{user} exported a patient’s record") },
  { "patient.print", N_ ("{user} printed {patient}’s record"),
    N_ ("{user} printed a patient’s record") },
  { "patient.risk-flag", N_ ("{user} changed {patient}’s risk flag"),
    N_ ("{user} changed a patient’s risk flag") },
  { "patient.export-rems", N_ ("{user} exported {patient}’s REMS monitoring form"),
    N_ ("{user} exported a REMS monitoring form") },
  { "rems.submitted", N_ ("{user} recorded {patient}’s REMS form as submitted"),
    N_ ("{user} recorded a REMS form as submitted") },
  { "record.list", N_ ("{user} viewed {patient}’s timeline"),
    N_ ("{user} viewed a patient’s timeline") },
  { "record.view", N_ ("{user} opened a record of {patient}"), N_ ("{user} opened a record") },
  { "record.create", N_ ("{user} started a record for {patient}"), N_ ("{user} started a record") },
  { "record.save", N_ ("{user} saved a draft for {patient}"), N_ ("{user} saved a draft") },
  { "record.sign", N_ ("{user} signed a record of {patient}"), N_ ("{user} signed a record") },
  { "record.addendum", N_ ("{user} added an addendum for {patient}"),
    N_ ("{user} added an addendum") },
  { "record.discard", N_ ("{user} discarded a draft for {patient}"),
    N_ ("{user} discarded a draft") },
  { "record.history", N_ ("{user} looked at the revisions of a record of {patient}"),
    N_ ("{user} looked at the revisions of a record") },
  { "record.search", NULL, N_ ("{user} searched the notes") },
  { "measure.add", N_ ("{user} scored a measure for {patient}"), N_ ("{user} scored a measure") },
  { "consent.grant", N_ ("{user} recorded {patient}’s consent to supervision"),
    N_ ("{user} recorded a consent to supervision") },
  { "consent.revoke", N_ ("{user} revoked {patient}’s consent to supervision"),
    N_ ("{user} revoked a consent to supervision") },
  { "consent.list", N_ ("{user} viewed {patient}’s consents"),
    N_ ("{user} viewed a patient’s consents") },
  { "review.comment", NULL, N_ ("{user} commented on a record") },
  { "review.cosign", NULL, N_ ("{user} co-signed a record") },
  { "vault.create", NULL, N_ ("{user} created the vault") },
  { "vault.unlock", NULL, N_ ("{user} unlocked the vault") },
  { "vault.lock", NULL, N_ ("{user} locked the vault") },
  { "vault.recover", NULL, N_ ("{user} opened the vault with the recovery key") },
  { "backup.create", NULL, N_ ("{user} made a backup") },
  { "backup.verify", NULL, N_ ("{user} verified a backup") },
  { "backup.restore", NULL, N_ ("{user} restored a backup") },
  { "backup.key-issue", NULL, N_ ("{user} gave a therapist the key that opens backups") },
  { "vault.rekey", NULL, N_ ("{user} re-encrypted the vault under a new key") },
  { "user.recovery-key-replace", NULL, N_ ("{user} replaced the recovery key") },
  { "audit.view", NULL, N_ ("{user} viewed the audit log") },
  { "audit.verify", NULL, N_ ("{user} verified the audit log") },
  { "key.grant", N_ ("{user} gave access to {patient}’s records"),
    N_ ("{user} gave access to a patient’s records") },
  { "key.rotate", N_ ("{user} replaced the key of {patient}’s records"),
    N_ ("{user} replaced the key of a patient’s records") },
  { "vault.roster-sign", NULL, N_ ("{user} signed the list of users") },
  { "audit.export", NULL, N_ ("{user} exported the audit log") },
  { "settings.change", NULL, N_ ("{user} changed a setting") },
  { "user.add", NULL, N_ ("{user} added a user") },
  { "user.passphrase-change", NULL, N_ ("{user} changed their passphrase") },
};

/* Fills {user} and {patient} in one pass, so that a name holding either
 * word is never filled in again. */
static char *
fill (const char *pattern, const char *user, const char *patient)
{
  GString *out = g_string_new (NULL);

  for (const char *p = pattern; *p != '\0';)
    {
      if (g_str_has_prefix (p, "{user}"))
        {
          g_string_append (out, user);
          p += strlen ("{user}");
        }
      else if (g_str_has_prefix (p, "{patient}") && patient != NULL)
        {
          g_string_append (out, patient);
          p += strlen ("{patient}");
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

char *
cfd_audit_describe (const char *actor,
                    const char *action,
                    const char *object_kind,
                    const char *patient,
                    const char *outcome)
{
  g_autofree char *sentence = NULL;
  const char *who = actor != NULL && actor[0] != '\0' ? actor : _ ("Someone");

  for (guint i = 0; i < G_N_ELEMENTS (phrases) && sentence == NULL; i++)
    {
      if (g_strcmp0 (phrases[i].action, action) != 0)
        continue;
      if (patient != NULL && phrases[i].about_patient != NULL)
        sentence = fill (_ (phrases[i].about_patient), who, patient);
      else
        sentence = fill (_ (phrases[i].otherwise), who, NULL);
    }
  /* An action this version has no words for is still said, in code. */
  if (sentence == NULL)
    /* Translators: a user and an audit action code, like "patient.view" */
    sentence = g_strdup_printf (_ ("%s: %s"), who, action != NULL ? action : "");

  if (g_strcmp0 (outcome, "denied") == 0)
    /* Translators: an audit sentence, then that it was refused */
    return g_strdup_printf (_ ("%s — refused"), sentence);
  if (g_strcmp0 (outcome, "failure") == 0)
    /* Translators: an audit sentence, then that it failed */
    return g_strdup_printf (_ ("%s — failed"), sentence);
  return g_steal_pointer (&sentence);
}
