/* cfd-cli-attachment.c: confidant-cli attach, attachment list and attachment export: PDF and image files filed to a patient. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

/* The title is patient text: from a file, never the command line. */
static char *
read_title (const char *path, GError **error)
{
  char *title
      = cfd_cli_read_text_file ("--title-file", path, CFD_ATTACHMENT_MAX_TITLE_BYTES + 2, error);

  if (title != NULL)
    g_strchomp (title);
  return title;
}

static int
run_attach (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL, *file = NULL, *type_name = NULL, *title_file = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_ ("The PDF, PNG or JPEG file to file"),
            "F" },
          { "type", 0, 0, G_OPTION_ARG_STRING, &type_name, N_ ("What it is"),
            "referral|consent|lab|other" },
          { "title-file", 0, 0, G_OPTION_ARG_FILENAME, &title_file,
            N_ ("Its title, one line in this file (absent: the file's name)"), "T" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  char *title = NULL;
  CfdAttachmentType type;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_attachment_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || file == NULL || type_name == NULL || argc != 1)
    return cfd_cli_usage (_ (
        "attach needs --patient ID --file F --type referral|consent|lab|other [--title-file T]"));
  if (!cfd_attachment_type_from_string (type_name, &type))
    return cfd_cli_usage (_ ("--type is one of referral, consent, lab, other"));
  if (title_file != NULL && (title = read_title (title_file, &error)) == NULL)
    return cfd_cli_fail (error);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault != NULL)
    id = cfd_vault_add_attachment (vault, patient_id, type, title, file, &error);
  cfd_wipe_string (g_steal_pointer (&title));
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static void
print_json (CfdAttachment *a)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *who = cfd_attachment_get_actor_name (a);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, cfd_attachment_get_id (a));
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder,
                                 cfd_attachment_type_to_string (cfd_attachment_get_kind (a)));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, cfd_attachment_get_title (a));
  json_builder_set_member_name (builder, "file_name");
  json_builder_add_string_value (builder, cfd_attachment_get_file_name (a));
  json_builder_set_member_name (builder, "media_type");
  json_builder_add_string_value (builder, cfd_attachment_get_media_type (a));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64)cfd_attachment_get_size (a));
  json_builder_set_member_name (builder, "blake2b");
  json_builder_add_string_value (builder, cfd_attachment_get_hash_hex (a));
  json_builder_set_member_name (builder, "filed_by");
  json_builder_add_string_value (builder, who != NULL ? who : cfd_attachment_get_actor_id (a));
  json_builder_set_member_name (builder, "filed_at");
  json_builder_add_int_value (builder, cfd_attachment_get_time (a));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  cfd_wipe_string (g_steal_pointer (&text));
}

/* Tab-separated: id, type, media type, size, when, by whom, file name,
 * title (escaped: they are patient text), hash. */
static void
print_line (CfdAttachment *a)
{
  g_autofree char *when = cfd_cli_format_time (cfd_attachment_get_time (a));
  const char *who = cfd_attachment_get_actor_name (a);

  printf ("%s\t%s\t%s\t%" G_GUINT64_FORMAT "\t%s\t%s\t", cfd_attachment_get_id (a),
          cfd_attachment_type_to_string (cfd_attachment_get_kind (a)),
          cfd_attachment_get_media_type (a), cfd_attachment_get_size (a), when,
          cfd_cli_text (who != NULL ? who : cfd_attachment_get_actor_id (a)));
  printf ("%s\t", cfd_cli_text (cfd_attachment_get_file_name (a)));
  printf ("%s\t%s\n", cfd_cli_text (cfd_attachment_get_title (a)), cfd_attachment_get_hash_hex (a));
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient"), "ID" },
          { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("One JSON object per line"), NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) model = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_attachment_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (patient_id == NULL || argc != 1)
    return cfd_cli_usage (_ ("attachment list needs --patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  model = cfd_vault_list_attachments (vault, patient_id, &error);
  if (model == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CfdAttachment) a = g_list_model_get_item (model, i);

      if (json)
        print_json (a);
      else
        print_line (a);
    }
  return CFD_CLI_OK;
}

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *id = NULL, *out = NULL;
  gboolean force = FALSE;
  CfdCliDisclosure disclosure = { NULL };
  GOptionEntry entries[]
      = { { "id", 0, 0, G_OPTION_ARG_STRING, &id, N_ ("The attachment (its id from list)"), "ID" },
          { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_ ("The file to write"), "FILE" },
          { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_ ("Replace FILE if it exists"), NULL },
          CFD_CLI_DISCLOSURE_ENTRIES (&disclosure),
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  CfdDisclosureTerms terms;
  GError *error = NULL;
  int status;

  if (!cfd_cli_parse (&cfd_cli_attachment_commands[2], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (id == NULL || out == NULL || argc != 1)
    {
      cfd_cli_disclosure_clear (&disclosure);
      return cfd_cli_usage (_ ("attachment export needs --id ID --out FILE and the disclosure's "
                               "--recipient, --purpose and --basis"));
    }
  if (!cfd_cli_disclosure_terms (ctx, &disclosure, &terms, &error))
    {
      cfd_cli_disclosure_clear (&disclosure);
      status = cfd_cli_usage (_ ("attachment export needs --recipient, --purpose and --basis: %s"),
                              error->message);
      g_error_free (error);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL || !cfd_vault_export_attachment (vault, id, &terms, out, force, &error))
    status = cfd_cli_fail (error);
  else
    {
      /* TRANSLATORS: the first %s is the file written, the second the recipient. */
      printf (_ ("Wrote the attachment to %s (hash and signature verified), for %s.\n"), out,
              cfd_cli_text (terms.recipient));
      status = CFD_CLI_OK;
    }
  cfd_cli_disclosure_clear (&disclosure);
  return status;
}

const CfdCliCommand cfd_cli_attachment_commands[] = {
  { NULL, "attach", "--patient ID --file F --type referral|consent|lab|other [--title-file T]",
    N_ ("File a PDF, PNG or JPEG to the patient, sealed and signed; prints its id"), run_attach },
  { "attachment", "list", "--patient ID [--json]", N_ ("The patient's filed documents"), run_list },
  { "attachment", "export",
    "--id ID --out FILE [--force] --recipient R --purpose P --basis B | --disclosure-file F",
    N_ ("Write a filed document to FILE (a disclosure: recorded with its terms)"), run_export },
  { NULL },
};
