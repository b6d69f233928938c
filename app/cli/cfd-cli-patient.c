/* cfd-cli-patient.c: confidant-cli patient add, list, show, rename, archive, delete. */
#include "config.h"

#include <stdio.h>

#include "cfd-cli.h"
#include "confidant.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

/* The details a patient may be added or edited with: each as --OPTION
 * (on the command line, readable by other accounts) or --OPTION-file. */
#define NAME_OPTION      0 /* detail_options[0] */
#define N_DETAILS        12
#define MAX_DETAIL_BYTES (64 * 1024)

typedef struct
{
  char *values[N_DETAILS];
  char *files[N_DETAILS];
  char *file_options[N_DETAILS];
  char *file_descriptions[N_DETAILS];
} DetailOptions;

static const struct
{
  const char *option;
  const char *key;
  const char *description;
  const char *arg;
} detail_options[] = {
  { "name", CFD_PATIENT_NAME, N_ ("Full name"), "NAME" },
  { "birth-date", CFD_PATIENT_BIRTH_DATE, N_ ("Birth date"), "YYYY-MM-DD" },
  { "pronouns", CFD_PATIENT_PRONOUNS, N_ ("Pronouns"), "TEXT" },
  { "contact", CFD_PATIENT_CONTACT, N_ ("Phone or e-mail"), "TEXT" },
  { "emergency-contact", CFD_PATIENT_EMERGENCY_CONTACT, N_ ("Emergency contact"), "TEXT" },
  { "given-name", CFD_PATIENT_GIVEN_NAME, N_ ("Given name(s)"), "TEXT" },
  { "family-name", CFD_PATIENT_FAMILY_NAME, N_ ("Family name"), "TEXT" },
  { "sex", CFD_PATIENT_SEX, N_ ("Sex: female, male, other or unknown"), "SEX" },
  { "mrn", CFD_PATIENT_MRN, N_ ("Medical record number"), "TEXT" },
  { "address", CFD_PATIENT_ADDRESS, N_ ("Postal address"), "TEXT" },
  { "primary-care", CFD_PATIENT_PRIMARY_CARE, N_ ("Primary-care provider"), "TEXT" },
  { "referring-provider", CFD_PATIENT_REFERRING_PROVIDER, N_ ("Referring provider"), "TEXT" },
};
G_STATIC_ASSERT (G_N_ELEMENTS (detail_options) == N_DETAILS);

static void
detail_entries (DetailOptions *options, GOptionEntry entries[2 * N_DETAILS + 1])
{
  for (guint i = 0; i < N_DETAILS; i++)
    {
      options->file_options[i] = g_strconcat (detail_options[i].option, "-file", NULL);
      options->file_descriptions[i] = g_strdup_printf (
          /* TRANSLATORS: %s is a patient detail ("Birth date"). */
          _ ("%s, read from FILE (kept off the command line)"), _ (detail_options[i].description));
      entries[2 * i] = (GOptionEntry){
        options->file_options[i],      0,     0, G_OPTION_ARG_FILENAME, &options->files[i],
        options->file_descriptions[i], "FILE"
      };
      entries[2 * i + 1] = (GOptionEntry){ detail_options[i].option,
                                           0,
                                           0,
                                           G_OPTION_ARG_STRING,
                                           &options->values[i],
                                           detail_options[i].description,
                                           detail_options[i].arg };
    }
  entries[2 * N_DETAILS] = (GOptionEntry){ NULL };
}

static void
detail_options_clear (DetailOptions *options)
{
  for (guint i = 0; i < N_DETAILS; i++)
    {
      g_clear_pointer (&options->values[i], cfd_wipe_string);
      g_clear_pointer (&options->files[i], g_free);
      g_clear_pointer (&options->file_options[i], g_free);
      g_clear_pointer (&options->file_descriptions[i], g_free);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DetailOptions, detail_options_clear)

/* Reads each --OPTION-file into values[], and warns about each --OPTION
 * given on the command line. FALSE (after saying why) on a usage error. */
static gboolean
resolve_detail_files (DetailOptions *options)
{
  for (guint i = 0; i < N_DETAILS; i++)
    {
      g_autofree char *safer = NULL;
      GError *error = NULL;

      if (options->values[i] != NULL && options->files[i] != NULL)
        {
          cfd_cli_usage (_ ("give --%s or --%s, not both"), detail_options[i].option,
                         options->file_options[i]);
          return FALSE;
        }
      if (options->values[i] != NULL)
        {
          safer = g_strdup_printf ("--%s FILE", options->file_options[i]);
          cfd_cli_warn_command_line (detail_options[i].option, safer);
          continue;
        }
      if (options->files[i] == NULL)
        continue;
      options->values[i] = cfd_cli_read_text_file (options->file_options[i], options->files[i],
                                                   MAX_DETAIL_BYTES, &error);
      if (options->values[i] == NULL)
        {
          cfd_cli_usage ("%s", error->message);
          g_error_free (error);
          return FALSE;
        }
    }
  return TRUE;
}

static GVariant *
details_from_options (const DetailOptions *options)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; i < N_DETAILS; i++)
    if (options->values[i] != NULL)
      g_variant_dict_insert (&dict, detail_options[i].key, "s", options->values[i]);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static int
run_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_auto (DetailOptions) options = { 0 };
  GOptionEntry entries[2 * N_DETAILS + 1];
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) details = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  detail_entries (&options, entries);
  if (!cfd_cli_parse (&cfd_cli_patient_commands[0], entries, unlock_passphrase, &argc, &argv)
      || !resolve_detail_files (&options))
    return CFD_CLI_USAGE;
  if (options.values[NAME_OPTION] == NULL)
    return cfd_cli_usage (_ ("patient add needs --name-file FILE (or --name NAME)"));

  details = details_from_options (&options);
  /* Check before the slow unlock, so a typo costs nothing. */
  if (!cfd_patient_details_validate (details, &error))
    {
      int status = cfd_cli_usage ("%s", error->message);
      g_error_free (error);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_add_patient (vault, details, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  gboolean archived = FALSE;
  GOptionEntry entries[] = { { "archived", 0, 0, G_OPTION_ARG_NONE, &archived,
                               N_ ("Include archived patients"), NULL },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) patients = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_patient_commands[1], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  patients = cfd_vault_list_patients (vault, archived, &error);
  if (patients == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (patients); i++)
    {
      g_autoptr (CfdPatient) patient = g_list_model_get_item (patients, i);
      const char *birth = cfd_patient_get_detail (patient, CFD_PATIENT_BIRTH_DATE);

      printf ("%s\t%s\t%s%s%s\n", cfd_patient_get_id (patient),
              cfd_cli_text (cfd_patient_get_name (patient)),
              birth != NULL ? cfd_cli_text (birth) : "-",
              cfd_patient_get_archived (patient) ? "\tarchived" : "",
              cfd_patient_get_risk_flag (patient) ? "\trisk" : "");
    }
  return CFD_CLI_OK;
}

/* "Keep until: 2033-05-02 (rule apa-2007: APA Record Keeping Guidelines
 * (2007), guideline 7)", or why there is no date. */
static void
print_retention (const CfdRetention *retention)
{
  g_autofree char *until = cfd_date_format (retention->keep_until);
  gboolean extended = retention->manual_until > retention->rule_until;

  switch (retention->status)
    {
      case CFD_RETENTION_UNKNOWN:
        printf (_ ("Keep until: unknown (rule %s keeps a minor's records longer; no birth date is "
                   "recorded)\n"),
                retention->rule->id);
        if (retention->manual_until != 0)
          {
            g_autofree char *manual = cfd_date_format (retention->manual_until);

            printf (_ ("Keep at least until: %s (set by hand)\n"), manual);
          }
        break;
      case CFD_RETENTION_NOTHING_SIGNED:
        printf (_ ("Keep until: - (nothing signed yet; rule %s)\n"), retention->rule->id);
        break;
      case CFD_RETENTION_KNOWN:
        /* TRANSLATORS: a date, a retention rule's id, then the rule's source. */
        printf (extended ? _ ("Keep until: %s (rule %s: %s, extended by hand)\n")
                         : _ ("Keep until: %s (rule %s: %s)\n"),
                until, retention->rule->id, retention->rule->citation);
        break;
    }
}

static int
show_patient (CfdVault *vault, const char *id)
{
  g_autoptr (CfdPatient) patient = NULL;
  GError *error = NULL;
  static const struct
  {
    const char *key;
    const char *label;
  } rows[] = {
    { CFD_PATIENT_NAME, N_ ("Name") },
    { CFD_PATIENT_BIRTH_DATE, N_ ("Birth date") },
    { CFD_PATIENT_PRONOUNS, N_ ("Pronouns") },
    { CFD_PATIENT_CONTACT, N_ ("Contact") },
    { CFD_PATIENT_EMERGENCY_CONTACT, N_ ("Emergency contact") },
    { CFD_PATIENT_NOTES, N_ ("Notes") },
    { CFD_PATIENT_SEX, N_ ("Sex") },
    { CFD_PATIENT_MRN, N_ ("MRN") },
    { CFD_PATIENT_ADDRESS, N_ ("Address") },
    { CFD_PATIENT_PRIMARY_CARE, N_ ("Primary care") },
    { CFD_PATIENT_REFERRING_PROVIDER, N_ ("Referring provider") },
  };

  patient = cfd_vault_get_patient (vault, id, &error);
  if (patient == NULL)
    return cfd_cli_fail (error);
  printf (_ ("Id: %s\n"), cfd_patient_get_id (patient));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *value = cfd_patient_get_detail (patient, rows[i].key);

      if (value != NULL)
        printf ("%s: %s\n", _ (rows[i].label), cfd_cli_text (value));
      /* Split from the full name for patients recorded before these
       * fields, and said to be. */
      if (i == 0)
        {
          g_autofree char *given = cfd_patient_dup_given_name (patient);
          g_autofree char *family = cfd_patient_dup_family_name (patient);
          gboolean split = cfd_patient_get_detail (patient, CFD_PATIENT_GIVEN_NAME) == NULL
                           && cfd_patient_get_detail (patient, CFD_PATIENT_FAMILY_NAME) == NULL;

          printf (split ? _ ("Given name: %s (from the full name)\n") : _ ("Given name: %s\n"),
                  cfd_cli_text (given));
          printf (split ? _ ("Family name: %s (from the full name)\n") : _ ("Family name: %s\n"),
                  cfd_cli_text (family));
          cfd_wipe_string (g_steal_pointer (&given));
          cfd_wipe_string (g_steal_pointer (&family));
        }
    }
  {
    g_autofree char *created = cfd_cli_format_time (cfd_patient_get_created (patient));

    printf (_ ("Created: %s\n"), created);
  }
  {
    CfdRetention retention;

    if (!cfd_vault_get_patient_retention (vault, id, &retention, &error))
      return cfd_cli_fail (error);
    print_retention (&retention);
  }
  printf ("%s",
          cfd_patient_get_archived (patient) ? _ ("Status: archived\n") : _ ("Status: active\n"));
  if (cfd_patient_get_risk_flag (patient))
    printf (_ ("Risk flag: raised\n"));
  return CFD_CLI_OK;
}

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_patient_commands[2], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("patient show needs exactly one patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  return show_patient (vault, argv[1]);
}

static int
run_edit (CfdCliContext *ctx, int argc, char **argv)
{
  g_auto (DetailOptions) options = { 0 };
  GOptionEntry entries[2 * N_DETAILS + 1];
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) details = NULL;
  GError *error = NULL;

  detail_entries (&options, entries);
  if (!cfd_cli_parse (&cfd_cli_patient_commands[3], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("patient edit needs exactly one patient ID"));
  if (!resolve_detail_files (&options))
    return CFD_CLI_USAGE;
  details = details_from_options (&options);
  if (g_variant_n_children (details) == 0)
    return cfd_cli_usage (_ ("nothing to change: give --name-file, --birth-date-file, ..."));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_update_patient (vault, argv[1], details, &error))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

static int
run_archive (CfdCliContext *ctx, int argc, char **argv)
{
  gboolean undo = FALSE;
  GOptionEntry entries[]
      = { { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_ ("Make the patient active again"), NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_patient_commands[4], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("patient archive needs exactly one patient ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_set_patient_archived (vault, argv[1], !undo, &error))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

static int
run_retain (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *until = NULL;
  GOptionEntry entries[] = { { "until", 0, 0, G_OPTION_ARG_STRING, &until,
                               N_ ("Keep the records until this date (or 'none')"), "YYYY-MM-DD" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;
  gint64 seconds = 0;

  if (!cfd_cli_parse (&cfd_cli_patient_commands[5], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2 || until == NULL)
    return cfd_cli_usage (_ ("patient retain needs a patient ID and --until YYYY-MM-DD"));
  if (g_strcmp0 (until, "none") != 0 && !cfd_date_parse (until, &seconds))
    return cfd_cli_usage (_ ("--until must be a date written YYYY-MM-DD"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_set_patient_retention (vault, argv[1], seconds, &error))
    return cfd_cli_fail (error);
  return CFD_CLI_OK;
}

static int
run_delete (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *confirm = NULL, *confirm_file = NULL, *reason_file = NULL;
  gboolean override = FALSE;
  GOptionEntry entries[]
      = { { "confirm-file", 0, 0, G_OPTION_ARG_FILENAME, &confirm_file,
            N_ ("The patient's full name, read from FILE, to confirm"), "FILE" },
          { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
            N_ ("The patient's full name, typed to confirm"), "NAME" },
          { "override-retention", 0, 0, G_OPTION_ARG_NONE, &override,
            N_ ("Delete before the retention date (owner only; needs a reason)"), NULL },
          { "reason-file", 0, 0, G_OPTION_ARG_FILENAME, &reason_file,
            N_ ("Why retention is overridden, as UTF-8 text without patient data ('-' or absent: "
                "standard input)"),
            "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *reason = NULL;
  GError *error = NULL;
  gboolean deleted;

  if (!cfd_cli_parse (&cfd_cli_patient_commands[6], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (confirm != NULL && confirm_file != NULL)
    return cfd_cli_usage (_ ("give --confirm or --confirm-file, not both"));
  if (confirm != NULL)
    cfd_cli_warn_command_line ("confirm", "--confirm-file FILE");
  else if (confirm_file != NULL)
    {
      confirm = cfd_cli_read_text_file ("--confirm-file", confirm_file, MAX_DETAIL_BYTES, &error);
      if (confirm == NULL)
        {
          int status = cfd_cli_usage ("%s", error->message);
          g_error_free (error);
          return status;
        }
    }
  if (argc != 2 || confirm == NULL)
    return cfd_cli_usage (_ ("patient delete needs a patient ID and --confirm-file FILE"));
  if (reason_file != NULL && !override)
    return cfd_cli_usage (_ ("--reason-file is only for --override-retention"));
  if (override)
    {
      reason = cfd_cli_read_text (ctx, reason_file, 64 * 1024, _ ("The reason"), &error);
      if (reason == NULL)
        return cfd_cli_fail (error);
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  deleted = override ? cfd_vault_delete_patient_overriding_retention (vault, argv[1], confirm,
                                                                      reason, &error)
                     : cfd_vault_delete_patient (vault, argv[1], confirm, &error);
  if (!deleted)
    return cfd_cli_fail (error);
  printf (_ ("The patient and every key to their records were destroyed.\n"));
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_patient_commands[] = {
  { "patient", "add", "--name-file FILE [--birth-date-file FILE]",
    N_ ("Add a patient; prints the id"), run_add },
  { "patient", "list", "[--archived]", N_ ("List the patients you may read"), run_list },
  { "patient", "show", "ID", N_ ("Show a patient's details"), run_show },
  { "patient", "edit", "ID [--name-file FILE ...]", N_ ("Change a patient's details"), run_edit },
  { "patient", "archive", "ID [--undo]", N_ ("Archive a patient (or make them active again)"),
    run_archive },
  { "patient", "retain", "ID --until DATE", N_ ("Keep records longer than the practice's rule"),
    run_retain },
  { "patient", "delete", "ID --confirm-file FILE [--override-retention [--reason-file F]]",
    N_ ("Destroy a patient's records and keys (owner only, after retention)"), run_delete },
  { NULL },
};
