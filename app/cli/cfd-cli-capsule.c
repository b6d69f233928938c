/* cfd-cli-capsule.c: confidant-cli capsule export, import, list, show, comment, cosign; review export, import. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "confidant.h"
#include "cfd-cli.h"

#define MAX_COMMENT_FILE_BYTES (256 * 1024)

static const char *const unlock_passphrase = N_ ("the unlocking user's");

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *consent = NULL, *out = NULL;
  CfdCliDisclosure disclosure = { NULL };
  GOptionEntry entries[]
      = { { "consent", 0, 0, G_OPTION_ARG_STRING, &consent, N_ ("The live consent"), "ID" },
          { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_ ("Write the capsule to FILE"), "FILE" },
          CFD_CLI_DISCLOSURE_ENTRIES (&disclosure),
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  CfdDisclosureTerms terms;
  gboolean stated;
  GError *error = NULL;
  guint n = 0;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (consent == NULL || out == NULL || argc != 1)
    {
      cfd_cli_disclosure_clear (&disclosure);
      return cfd_cli_usage (_ ("capsule export needs --consent ID and --out FILE"));
    }
  /* The consent names recipient, purpose and basis; stated here, they
   * replace it in the accounting of disclosures, all three or none. */
  stated = disclosure.recipient != NULL || disclosure.purpose != NULL || disclosure.basis != NULL
           || disclosure.file != NULL;
  if (stated && !cfd_cli_disclosure_terms (ctx, &disclosure, &terms, &error))
    {
      int status = cfd_cli_usage (_ ("capsule export: %s"), error->message);

      g_error_free (error);
      cfd_cli_disclosure_clear (&disclosure);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault != NULL)
    id = cfd_vault_export_capsule_for (vault, consent, stated ? &terms : NULL, out, &n, &error);
  cfd_cli_disclosure_clear (&disclosure);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  fprintf (stderr,
           g_dngettext (GETTEXT_PACKAGE, "%u signed record sealed for the supervisor.\n",
                        "%u signed records sealed for the supervisor.\n", n),
           n);
  return CFD_CLI_OK;
}

static int
run_import (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdCapsule) capsule = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[1], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("capsule import needs exactly one FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_import_capsule (vault, argv[1], &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  list = cfd_vault_list_capsules (vault, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdCapsule) item = g_list_model_get_item (list, i);

      if (g_strcmp0 (cfd_capsule_get_id (item), id) == 0)
        {
          g_autofree char *expires = cfd_cli_format_time (cfd_capsule_get_expires (item));

          fprintf (stderr, _ ("From %s, fingerprint %s; readable until %s.\n"),
                   cfd_cli_text (cfd_capsule_get_therapist_name (item)),
                   cfd_cli_text (cfd_capsule_get_therapist_fingerprint (item)), expires);
        }
    }
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) list = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[2], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  list = cfd_vault_list_capsules (vault, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (CfdCapsule) capsule = g_list_model_get_item (list, i);
      g_autofree char *expires = cfd_cli_format_time (cfd_capsule_get_expires (capsule));

      printf ("%s\t%s\t%s\t%s\n", cfd_cli_text (cfd_capsule_get_id (capsule)),
              cfd_capsule_get_expired (capsule) ? "expired" : "readable", expires,
              cfd_cli_text (cfd_capsule_get_therapist_name (capsule)));
    }
  return CFD_CLI_OK;
}

static void
print_content (GVariant *content)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, content);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        printf ("  %s: %s\n", cfd_cli_text (key),
                cfd_cli_multiline_text (g_variant_get_string (value, NULL)));
      g_variant_unref (value);
    }
}

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdCapsule) capsule = NULL;
  g_autofree char *expires = NULL;
  GListModel *records;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[3], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("capsule show needs exactly one capsule ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  capsule = cfd_vault_open_capsule (vault, argv[1], &error);
  if (capsule == NULL)
    return cfd_cli_fail (error);
  expires = cfd_cli_format_time (cfd_capsule_get_expires (capsule));
  printf (_ ("CAPSULE (read-only) from %s, readable until %s\n"),
          cfd_cli_text (cfd_capsule_get_therapist_name (capsule)), expires);
  printf (_ ("Patient: %s\nScope: %s\nPurpose: %s\n"),
          cfd_cli_text (cfd_capsule_get_patient_name (capsule)),
          cfd_consent_scope_to_string (cfd_capsule_get_scope (capsule)),
          cfd_cli_text (cfd_capsule_get_purpose (capsule)));
  records = cfd_capsule_get_records (capsule);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdCapsuleRecord) record = g_list_model_get_item (records, i);
      g_autofree char *occurred = cfd_cli_format_time (cfd_capsule_record_get_occurred (record));

      printf ("\n%s\t%s\t%s\n", cfd_cli_text (cfd_capsule_record_get_id (record)),
              cfd_cli_text (cfd_capsule_record_get_kind (record)), occurred);
      print_content (cfd_capsule_record_get_content (record));
    }
  return CFD_CLI_OK;
}

static int
run_comment (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *capsule = NULL, *record = NULL, *file = NULL;
  GOptionEntry entries[]
      = { { "capsule", 0, 0, G_OPTION_ARG_STRING, &capsule, N_ ("The capsule"), "ID" },
          { "record", 0, 0, G_OPTION_ARG_STRING, &record, N_ ("A record in it"), "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_ ("The comment, as UTF-8 text"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  gsize len = 0;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[4], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (capsule == NULL || record == NULL || file == NULL)
    return cfd_cli_usage (_ ("capsule comment needs --capsule ID, --record ID and --file F"));
  if (!cfd_io_read_file (file, MAX_COMMENT_FILE_BYTES, &data, &len, &error))
    return cfd_cli_fail (error);
  text = g_strndup ((const char *)data, len);
  cfd_wipe_free (g_steal_pointer (&data), len);
  if (strlen (text) != len || !g_utf8_validate (text, -1, NULL))
    return cfd_cli_usage (_ ("the comment file must be UTF-8 text"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_capsule_add_comment (vault, capsule, record, g_strstrip (text), &error);
  cfd_wipe_string (g_steal_pointer (&text));
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_cosign (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *capsule = NULL;
  GOptionEntry entries[]
      = { { "capsule", 0, 0, G_OPTION_ARG_STRING, &capsule, N_ ("The capsule"), "ID" }, { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[5], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (capsule == NULL || argc != 2)
    return cfd_cli_usage (_ ("capsule cosign needs --capsule ID and one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_capsule_cosign (vault, capsule, argv[1], &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_review_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *capsule = NULL, *out = NULL;
  GOptionEntry entries[]
      = { { "capsule", 0, 0, G_OPTION_ARG_STRING, &capsule, N_ ("The capsule reviewed"), "ID" },
          { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_ ("Write the reply to FILE"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;
  guint n;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[6], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (capsule == NULL || out == NULL || argc != 1)
    return cfd_cli_usage (_ ("review export needs --capsule ID and --out FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  n = cfd_vault_export_review_reply (vault, capsule, out, &error);
  if (n == 0)
    return cfd_cli_fail (error);
  printf (g_dngettext (GETTEXT_PACKAGE, "%u review written for the therapist.\n",
                       "%u reviews written for the therapist.\n", n),
          n);
  return CFD_CLI_OK;
}

static int
run_review_import (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;
  guint n = 0;

  if (!cfd_cli_parse (&cfd_cli_capsule_commands[7], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("review import needs exactly one FILE"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_import_review_reply (vault, argv[1], &n, &error))
    return cfd_cli_fail (error);
  printf (g_dngettext (GETTEXT_PACKAGE, "%u review added to the original records.\n",
                       "%u reviews added to the original records.\n", n),
          n);
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_capsule_commands[] = {
  { "capsule", "export", "--consent ID --out FILE [--recipient TEXT --purpose TEXT --basis TEXT]",
    N_ ("Seal a patient's records under a consent for the supervisor"), run_export },
  { "capsule", "import", "FILE", N_ ("Import a capsule sealed for you (supervisor)"), run_import },
  { "capsule", "list", "", N_ ("List your capsules and whether they can still be read"), run_list },
  { "capsule", "show", "ID", N_ ("Read a capsule (audited; refused after expiry)"), run_show },
  { "capsule", "comment", "--capsule ID --record ID --file F",
    N_ ("Comment on a record in a capsule"), run_comment },
  { "capsule", "cosign", "--capsule ID RECORD", N_ ("Co-sign a record in a capsule"), run_cosign },
  { "review", "export", "--capsule ID --out FILE",
    N_ ("Write your reviews of a capsule as a reply"), run_review_export },
  { "review", "import", "FILE", N_ ("Add a supervisor's reply to the original records"),
    run_review_import },
  { NULL },
};
