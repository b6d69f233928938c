/* cfd-cli-export.c: confidant-cli export: a patient's record as PDF, a FHIR R4 bundle, or measures as CSV. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

/* YYYY-MM-DD as the start of that day; "to" covers the whole day. */
static gboolean
parse_day (const char *option, const char *text, gboolean end_of_day, gint64 *seconds)
{
  *seconds = 0;
  if (text == NULL)
    return TRUE;
  if (!cfd_date_parse (text, seconds))
    {
      cfd_cli_usage (_ ("%s must be a date written YYYY-MM-DD"), option);
      return FALSE;
    }
  if (end_of_day)
    *seconds += 24 * 60 * 60;
  return TRUE;
}

static gboolean
export_fhir (CfdVault *vault,
             const char *patient_id,
             const CfdExportScope *scope,
             const CfdDisclosureTerms *terms,
             const char *path,
             GError **error)
{
  guint n = 0;

  if (!cfd_vault_export_patient_fhir (vault, patient_id, scope, terms, path, &n, error))
    return FALSE;
  /* TRANSLATORS: the number of resources, the file, then who receives it. */
  printf (
      scope->include_psychotherapy
          ? g_dngettext (GETTEXT_PACKAGE,
                         "Wrote a FHIR R4 bundle of %u resource to %s: the signed medical record "
                         "and the psychotherapy notes, for %s.\n",
                         "Wrote a FHIR R4 bundle of %u resources to %s: the signed medical record "
                         "and the psychotherapy notes, for %s.\n",
                         n)
          : g_dngettext (GETTEXT_PACKAGE,
                         "Wrote a FHIR R4 bundle of %u resource to %s: the signed medical record "
                         "(psychotherapy notes left out), for %s.\n",
                         "Wrote a FHIR R4 bundle of %u resources to %s: the signed medical record "
                         "(psychotherapy notes left out), for %s.\n",
                         n),
      n, path, terms->recipient);
  return TRUE;
}

/* Psychotherapy notes go into the PDF only under authorization (NULL: left out). */
static gboolean
export_pdf (CfdVault *vault,
            const char *patient_id,
            const char *authorization,
            const CfdDisclosureTerms *terms,
            const char *path,
            GError **error)
{
  guint pages = 0;
  gboolean written = authorization != NULL
                         ? cfd_vault_export_patient_pdf_authorized (
                             vault, patient_id, authorization, terms, path, &pages, error)
                         : cfd_vault_export_patient_pdf_for (vault, patient_id, FALSE, terms, path,
                                                             &pages, error);

  if (!written)
    return FALSE;
  /* TRANSLATORS: the number of pages, the file, then who receives it. */
  printf (authorization != NULL
              ? g_dngettext (GETTEXT_PACKAGE,
                             "Wrote %u page to %s: the signed medical record and the "
                             "psychotherapy notes, for %s.\n",
                             "Wrote %u pages to %s: the signed medical record and the "
                             "psychotherapy notes, for %s.\n",
                             pages)
              : g_dngettext (GETTEXT_PACKAGE,
                             "Wrote %u page to %s: the signed medical record (psychotherapy "
                             "notes left out), for %s.\n",
                             "Wrote %u pages to %s: the signed medical record (psychotherapy "
                             "notes left out), for %s.\n",
                             pages),
          pages, path, terms->recipient);
  return TRUE;
}

static gboolean
export_csv (CfdVault *vault,
            const char *patient_id,
            const CfdDisclosureTerms *terms,
            const char *path,
            GError **error)
{
  guint n = 0;

  if (!cfd_vault_export_measures_csv (vault, patient_id, terms, path, &n, error))
    return FALSE;
  /* TRANSLATORS: the number of measures, the file, then who receives it. */
  printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %u measure to %s, for %s.\n",
                       "Wrote %u measures to %s, for %s.\n", n),
          n, path, terms->recipient);
  return TRUE;
}

static int
run_export (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient_id = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *fhir = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *from = NULL, *to = NULL, *kinds = NULL, *authorization = NULL;
  gboolean include_psychotherapy = FALSE;
  gboolean include_attachments = FALSE;
  CfdExportScope scope = { 0 };
  CfdCliDisclosure disclosure = { NULL };
  GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient_id, N_ ("The patient to export"), "ID" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_ ("Write the record to this PDF file"), "FILE" },
    { "fhir", 0, 0, G_OPTION_ARG_FILENAME, &fhir,
      N_ ("Write the record to this file as a FHIR R4 bundle (JSON)"), "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
      N_ ("Write the outcome measures to this CSV file, one row per administration"), "FILE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_ ("FHIR: only records from this date"),
      "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_ ("FHIR: only records up to this date"),
      "YYYY-MM-DD" },
    { "kinds", 0, 0, G_OPTION_ARG_STRING, &kinds,
      N_ ("FHIR: only these kinds of record (dosing,measure,progress,…)"), "K,…" },
    { "include-psychotherapy", 0, 0, G_OPTION_ARG_NONE, &include_psychotherapy,
      N_ ("Include the psychotherapy notes too (left out unless asked for)"), NULL },
    { "authorization", 0, 0, G_OPTION_ARG_STRING, &authorization,
      N_ ("The patient's authorization that allows psychotherapy notes"), "ID" },
    { "include-attachments", 0, 0, G_OPTION_ARG_NONE, &include_attachments,
      N_ ("FHIR: include the filed documents, inline (left out unless asked for)"), NULL },
    CFD_CLI_DISCLOSURE_ENTRIES (&disclosure),
    { NULL }
  };
  g_autoptr (CfdVault) vault = NULL;
  CfdDisclosureTerms terms;
  GError *error = NULL;
  int status;

  if (!cfd_cli_parse (&cfd_cli_export_commands[0], entries, N_ ("the unlocking user's"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient_id == NULL || (pdf != NULL) + (fhir != NULL) + (csv != NULL) != 1)
    {
      cfd_cli_disclosure_clear (&disclosure);
      return cfd_cli_usage (
          _ ("export needs --patient ID and one of --pdf FILE, --fhir FILE or --csv FILE"));
    }
  if (fhir != NULL)
    {
      g_autoptr (GError) kinds_error = NULL;

      scope.include_psychotherapy = include_psychotherapy;
      scope.authorization = authorization;
      scope.include_attachments = include_attachments;
      if (!parse_day ("--from", from, FALSE, &scope.from)
          || !parse_day ("--to", to, TRUE, &scope.to))
        {
          cfd_cli_disclosure_clear (&disclosure);
          return CFD_CLI_USAGE;
        }
      if (kinds != NULL && !cfd_export_scope_parse_kinds (kinds, &scope.kinds, &kinds_error))
        {
          cfd_cli_disclosure_clear (&disclosure);
          return cfd_cli_usage (_ ("--kinds: %s"), kinds_error->message);
        }
    }
  if (csv == NULL && include_psychotherapy && authorization == NULL)
    {
      cfd_cli_disclosure_clear (&disclosure);
      return cfd_cli_usage (_ ("--include-psychotherapy needs --authorization ID: psychotherapy "
                               "notes are disclosed only under the patient's authorization"));
    }
  if (!cfd_cli_disclosure_terms (ctx, &disclosure, &terms, &error))
    {
      cfd_cli_disclosure_clear (&disclosure);
      status = cfd_cli_usage (_ ("export needs --recipient, --purpose and --basis: %s"),
                              error->message);
      g_error_free (error);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    status = cfd_cli_fail (error);
  else if (csv != NULL)
    status
        = export_csv (vault, patient_id, &terms, csv, &error) ? CFD_CLI_OK : cfd_cli_fail (error);
  else if (fhir != NULL)
    status = export_fhir (vault, patient_id, &scope, &terms, fhir, &error) ? CFD_CLI_OK
                                                                           : cfd_cli_fail (error);
  else
    status = export_pdf (vault, patient_id, include_psychotherapy ? authorization : NULL, &terms,
                         pdf, &error)
                 ? CFD_CLI_OK
                 : cfd_cli_fail (error);
  cfd_cli_disclosure_clear (&disclosure);
  return status;
}

/* An existing patient is written to only when the user names them again:
 * their full name, as patient delete asks. */
static gboolean
confirmed (CfdVault *vault, const char *patient_id, const char *confirm, GError **error)
{
  g_autoptr (CfdPatient) patient = cfd_vault_get_patient (vault, patient_id, error);
  g_autofree char *typed = confirm != NULL ? g_strstrip (g_strdup (confirm)) : NULL;

  if (patient == NULL)
    return FALSE;
  if (typed == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The bundle's patient is %s in this vault (matched by identifier): give "
                      "--confirm-file FILE with their full name to add the bundle to their record"),
                   patient_id);
      return FALSE;
    }
  if (g_strcmp0 (typed, cfd_patient_get_name (patient)) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The name given to confirm is not the full name of patient %s: nothing was "
                      "imported"),
                   patient_id);
      cfd_wipe_string (g_steal_pointer (&typed));
      return FALSE;
    }
  cfd_wipe_string (g_steal_pointer (&typed));
  return TRUE;
}

static int
run_import (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *fhir = NULL, *source = NULL, *confirm = NULL, *confirm_file = NULL;
  GOptionEntry entries[] = {
    { "fhir", 0, 0, G_OPTION_ARG_FILENAME, &fhir, N_ ("The FHIR R4 bundle (JSON) to read"),
      "FILE" },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source,
      N_ ("Where it came from, named on every imported note (default: the file's name)"), "TEXT" },
    { "confirm-file", 0, 0, G_OPTION_ARG_FILENAME, &confirm_file,
      N_ ("When the bundle's patient is already here: their full name, read from FILE, to "
          "confirm"),
      "FILE" },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
      N_ ("When the bundle's patient is already here: their full name, typed to confirm"), "NAME" },
    { NULL }
  };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdFhirImport) import = NULL;
  g_autofree char *data = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *base = NULL;
  GError *error = NULL;
  gsize length = 0;

  if (!cfd_cli_parse (&cfd_cli_export_commands[1], entries, N_ ("the unlocking user's"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || fhir == NULL)
    return cfd_cli_usage (_ ("import needs --fhir FILE"));
  if (confirm != NULL && confirm_file != NULL)
    return cfd_cli_usage (_ ("give --confirm or --confirm-file, not both"));
  if (confirm != NULL)
    cfd_cli_warn_command_line ("confirm", "--confirm-file FILE");
  else if (confirm_file != NULL)
    {
      confirm = cfd_cli_read_text_file ("--confirm-file", confirm_file, 4096, &error);
      if (confirm == NULL)
        {
          int status = cfd_cli_usage ("%s", error->message);

          g_error_free (error);
          return status;
        }
    }
  /* Read and checked whole before the vault is touched. */
  if (!g_file_get_contents (fhir, &data, &length, &error))
    return cfd_cli_fail (error);
  import = cfd_fhir_import_parse (data, length, &error);
  cfd_wipe_free (g_steal_pointer (&data), length);
  if (import == NULL)
    return cfd_cli_fail (error);
  base = g_path_get_basename (fhir);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  existing = cfd_vault_match_fhir_patient (vault, import, &error);
  if (error != NULL)
    return cfd_cli_fail (error);
  if (existing != NULL && !confirmed (vault, existing, confirm, &error))
    return cfd_cli_fail (error);
  patient_id = cfd_vault_import_fhir_into (vault, import, source != NULL ? source : base, existing,
                                           &error);
  if (patient_id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", patient_id);
  {
    g_autofree char *measures = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u measure", "%u measures", import->measures->len),
        import->measures->len);
    g_autofree char *notes
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes", import->notes->len),
                           import->notes->len);
    g_autofree char *skipped
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u resource not taken in",
                                        "%u resources not taken in", import->n_skipped),
                           import->n_skipped);

    /* TRANSLATORS: "3 measures", "2 notes", then "1 resource not taken in". */
    fprintf (stderr,
             existing != NULL
                 ? _ ("The existing patient with %s and %s as unsigned drafts marked imported; "
                      "%s.\n")
                 : _ ("A new patient with %s and %s as unsigned drafts marked imported; %s.\n"),
             measures, notes, skipped);
  }
  if (confirm != NULL)
    cfd_wipe_string (g_steal_pointer (&confirm));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_export_commands[] = {
  { NULL, "export",
    "--patient ID (--pdf FILE | --csv FILE | --fhir FILE [--from D] [--to D] [--kinds K,…]) "
    "[--include-psychotherapy --authorization ID] --recipient TEXT --purpose TEXT --basis TEXT",
    N_ ("Export a patient's signed record as PDF or a FHIR R4 bundle (psychotherapy notes only "
        "under the patient's recorded authorization), or their measures as CSV, for a stated "
        "recipient, purpose and basis"),
    run_export },
  { NULL, "import", "--fhir FILE [--source TEXT] [--confirm-file FILE]",
    N_ ("Read a FHIR R4 bundle into a new patient, or the patient of this vault it names (after "
        "confirmation), in one transaction: measures, and notes as unsigned drafts marked "
        "imported"),
    run_import },
  { NULL },
};
