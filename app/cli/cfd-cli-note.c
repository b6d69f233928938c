/* cfd-cli-note.c: confidant-cli note add, show, list, sign, addendum, history; measures; search. */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>
#include <string.h>

#include "confidant.h"
#include "cfd-cli.h"

static const char *const unlock_passphrase = N_ ("the unlocking user's");

enum
{
  NOTE_ADD,
  NOTE_SHOW,
  NOTE_LIST,
  NOTE_SIGN,
  NOTE_ADDENDUM,
  NOTE_HISTORY,
  NOTE_EDIT,
  NOTE_DISCARD,
  MEASURE_ADD,
  MEASURE_LIST,
  MEASURE_INSTRUMENTS,
  SEARCH,
};

/* YYYY-MM-DD as the start of that day, UTC; now when NULL. */
static gboolean
parse_date (const char *text, gint64 *seconds)
{
  if (text == NULL)
    {
      *seconds = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  return cfd_date_parse (text, seconds);
}

/* Reads and parses a note file before anything is unlocked: a mistake in
 * it costs no passphrase prompt. Returns the exit status on failure. */
static int
read_note_file (const char *path, CfdRecordKind kind, GVariant **content)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  int status = CFD_CLI_OK;

  if (!g_file_get_contents (path, &data, &len, &error))
    return cfd_cli_fail (g_steal_pointer (&error));
  *content = cfd_note_file_parse (kind, data, len, &error);
  if (*content == NULL)
    status = cfd_cli_usage ("%s: %s", path, error->message);
  cfd_wipe_free (data, len);
  return status;
}

/* note add --kind dosing --carry-forward: the new draft's id, or why not. */
static int
add_carried_forward (CfdCliContext *ctx,
                     int argc,
                     const char *patient,
                     const char *kind_name,
                     const char *file,
                     const char *date)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;
  gint64 occurred;

  if (argc != 1 || patient == NULL || g_strcmp0 (kind_name, "dosing") != 0 || file != NULL)
    return cfd_cli_usage (_ ("--carry-forward needs --patient ID --kind dosing and no --file"));
  if (!parse_date (date, &occurred))
    return cfd_cli_usage (_ ("--date must be a date written YYYY-MM-DD"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_carry_forward_dosing (vault, patient, occurred, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL, *kind_name = NULL, *date = NULL, *file = NULL;
  gboolean carry_forward = FALSE;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" },
          { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
            N_ ("integration, dosing, intake, progress, risk or safety-plan"), "KIND" },
          { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_ ("The session date (default: today)"),
            "YYYY-MM-DD" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
            N_ ("The note, as field: value lines (docs/NOTE-FILES.md)"), "FILE" },
          { "carry-forward", 0, 0, G_OPTION_ARG_NONE, &carry_forward,
            N_ ("Dosing: start from the last signed session's medication, route, dose and weight "
                "(instead of --file)"),
            NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autofree char *id = NULL;
  CfdRecordKind kind;
  GError *error = NULL;
  gint64 occurred;
  int status;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_ADD], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (carry_forward)
    return add_carried_forward (ctx, argc, patient, kind_name, file, date);
  if (argc != 1 || patient == NULL || kind_name == NULL || file == NULL)
    return cfd_cli_usage (_ ("note add needs --patient ID --kind KIND --file FILE"));
  if (!cfd_record_kind_from_string (kind_name, &kind) || kind == CFD_RECORD_MEASURE
      || kind == CFD_RECORD_ADDENDUM)
    return cfd_cli_usage (_ ("--kind must be integration, dosing, intake, progress, risk or "
                             "safety-plan"));
  if (!parse_date (date, &occurred))
    return cfd_cli_usage (_ ("--date must be a date written YYYY-MM-DD"));
  status = read_note_file (file, kind, &content);
  if (status != CFD_CLI_OK)
    return status;

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_create_record (vault, patient, kind, occurred, content, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static const char *
choice_label (const CfdTemplateField *field, const char *id)
{
  for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
    if (g_strcmp0 (field->choices[i], id) == 0 && field->choice_labels != NULL)
      return field->choice_labels[i];
  return id;
}

/* Multi-line values go on the lines below their label, indented. */
static void
print_text (const char *label, const char *text)
{
  if (strchr (text, '\n') == NULL)
    {
      printf ("%s: %s\n", label, cfd_cli_multiline_text (text));
      return;
    }
  printf ("%s:\n", label);
  for (const char *p = text; p != NULL;)
    {
      const char *eol = strchr (p, '\n');
      g_autofree char *line = eol != NULL ? g_strndup (p, (gsize)(eol - p)) : g_strdup (p);

      printf ("    %s\n", cfd_cli_multiline_text (line));
      p = eol != NULL ? eol + 1 : NULL;
    }
}

/* Rows of ratings, as values or as typed; a scale not rated then is "–". */
static void
print_ratings (const CfdTemplateField *field, GVariant *value, gboolean typed)
{
  g_autoptr (GPtrArray) rows = cfd_sedation_typed_cells (value);

  /* TRANSLATORS: %s is the field's label; MOAA/S, CADSS and BPRS+ are the
   * names of rating scales. */
  printf (typed ? _ ("%s (as typed, not valid yet: time, timepoint, MOAA/S, CADSS, BPRS+):\n")
                : _ ("%s (time, timepoint, MOAA/S, CADSS, BPRS+):\n"),
          field->label);
  for (guint i = 0; i < rows->len; i++)
    {
      char **c = g_ptr_array_index (rows, i);

      printf ("    %s  %s", cfd_cli_text (c[CFD_SEDATION_CELL_TIME]),
              c[CFD_SEDATION_CELL_TIMEPOINT][0] != '\0'
                  ? cfd_cli_text (choice_label (field, c[CFD_SEDATION_CELL_TIMEPOINT]))
                  : "–");
      for (guint j = CFD_SEDATION_CELL_MOAAS; j < CFD_SEDATION_N_CELLS; j++)
        printf ("  %s", c[j][0] != '\0' ? cfd_cli_text (c[j]) : "–");
      printf ("\n");
    }
}

/* A draft keeps what was typed, valid or not; it is shown as typed. */
static void
print_typed (const CfdTemplateField *field, GVariant *value)
{
  g_autoptr (GPtrArray) rows = NULL;

  if (field->type == CFD_FIELD_SEDATION)
    {
      print_ratings (field, value, TRUE);
      return;
    }
  if (field->type != CFD_FIELD_VITALS)
    {
      printf (_ ("%s: %s (as typed, not a valid value yet)\n"), field->label,
              cfd_cli_text (g_variant_get_string (value, NULL)));
      return;
    }
  printf (_ ("%s (as typed, not valid yet: time, timepoint, systolic, diastolic, HR, SpO2, RR):\n"),
          field->label);
  rows = cfd_vitals_typed_cells (value);
  for (guint i = 0; i < rows->len; i++)
    {
      char **c = g_ptr_array_index (rows, i);

      printf (_ ("    %s  %s  %s/%s mmHg  %s/min  %s %%  RR %s/min\n"),
              cfd_cli_text (c[CFD_VITALS_CELL_TIME]),
              cfd_cli_text (choice_label (field, c[CFD_VITALS_CELL_TIMEPOINT])),
              cfd_cli_text (c[CFD_VITALS_CELL_SYSTOLIC]),
              cfd_cli_text (c[CFD_VITALS_CELL_DIASTOLIC]),
              cfd_cli_text (c[CFD_VITALS_CELL_HEART_RATE]), cfd_cli_text (c[CFD_VITALS_CELL_SPO2]),
              cfd_cli_text (c[CFD_VITALS_CELL_RESPIRATORY_RATE]));
    }
}

static void
print_field (const CfdTemplateField *field, GVariant *value)
{
  const char *unit = field->unit != NULL ? field->unit : "";
  const char *space = field->unit != NULL ? " " : "";

  if (cfd_template_value_is_typed (field, value))
    {
      print_typed (field, value);
      return;
    }
  switch (field->type)
    {
      case CFD_FIELD_INTEGER:
        printf ("%s: %" PRId64 "%s%s\n", field->label, g_variant_get_int64 (value), space, unit);
        break;
      case CFD_FIELD_NUMBER:
        printf ("%s: %g%s%s\n", field->label, g_variant_get_double (value), space, unit);
        break;
      case CFD_FIELD_BOOLEAN:
        printf ("%s: %s\n", field->label, g_variant_get_boolean (value) ? _ ("yes") : _ ("no"));
        break;
      case CFD_FIELD_CHOICE:
        printf ("%s: %s\n", field->label,
                cfd_cli_text (choice_label (field, g_variant_get_string (value, NULL))));
        break;
      case CFD_FIELD_CHECKLIST:
        {
          g_autoptr (GString) line = g_string_new (NULL);
          GVariantIter iter;
          const char *id;

          g_variant_iter_init (&iter, value);
          while (g_variant_iter_next (&iter, "&s", &id))
            g_string_append_printf (line, "%s%s", line->len ? ", " : "", choice_label (field, id));
          printf ("%s: %s\n", field->label, cfd_cli_text (line->str));
          break;
        }
      case CFD_FIELD_VITALS:
        {
          g_autoptr (GArray) readings = cfd_vitals_readings (value);

          printf (_ ("%s (time, timepoint, BP, HR, SpO2, RR):\n"), field->label);
          for (guint i = 0; i < readings->len; i++)
            {
              const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);
              g_autofree char *rr = r->has_respiratory_rate
                                        ? g_strdup_printf ("RR %u/min", r->respiratory_rate)
                                        : g_strdup ("RR –");

              printf (
                  "    %s  %s  %u/%u mmHg  %u/min  %u %%  %s\n", cfd_cli_text (r->time),
                  cfd_cli_text (r->timepoint[0] != '\0' ? choice_label (field, r->timepoint) : "–"),
                  r->systolic, r->diastolic, r->heart_rate, r->spo2, rr);
            }
          break;
        }
      case CFD_FIELD_SEDATION:
        print_ratings (field, value, FALSE);
        break;
      default:
        print_text (field->label, g_variant_get_string (value, NULL));
        break;
    }
}

static const char *
user_name (CfdVault *vault, const char *user_id)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users_and_cards (vault);
  static char name[257];

  g_strlcpy (name, user_id, sizeof name);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      CfdUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->id, user_id) == 0)
        g_strlcpy (name, info->name, sizeof name);
    }
  return name;
}

static void
print_record (CfdVault *vault, CfdRecord *record)
{
  const CfdTemplate *tmpl = cfd_template_get (cfd_record_get_kind (record));
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  GVariant *content = cfd_record_get_content (record);

  printf (_ ("Id: %s\n"), cfd_cli_text (cfd_record_get_id (record)));
  printf (_ ("Patient: %s\n"), cfd_cli_text (cfd_record_get_patient_id (record)));
  printf (_ ("Kind: %s (%s)\n"), tmpl->title,
          cfd_record_get_category (record) == CFD_RECORD_CATEGORY_PSYCHOTHERAPY
              ? _ ("psychotherapy note")
              : _ ("medical record"));
  if (cfd_record_get_parent_id (record) != NULL)
    printf (_ ("Addendum to: %s\n"), cfd_cli_text (cfd_record_get_parent_id (record)));
  printf (_ ("Date: %s\n"), date);
  printf (_ ("Author: %s\n"), cfd_cli_text (user_name (vault, cfd_record_get_author_id (record))));
  if (cfd_record_get_status (record) == CFD_RECORD_SIGNED)
    {
      g_autofree char *when = cfd_cli_format_time (cfd_record_get_signed_at (record));

      printf (_ ("Status: signed %s (signature verified)\n"), when);
    }
  else
    printf (_ ("Status: draft, revision %" PRIu64 "\n"), cfd_record_get_revision (record));
  printf ("\n");
  for (guint i = 0; i < tmpl->fields->len; i++)
    {
      const CfdTemplateField *field = g_ptr_array_index (tmpl->fields, i);
      g_autoptr (GVariant) value = g_variant_lookup_value (content, field->id, NULL);

      if (value != NULL)
        print_field (field, value);
      else if (field->type == CFD_FIELD_BOOLEAN)
        /* Unanswered is not "no". */
        printf (_ ("%s: not assessed\n"), field->label);
    }
}

static int
run_show (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdRecord) record = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_SHOW], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("note show needs exactly one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  record = cfd_vault_get_record (vault, argv[1], &error);
  if (record == NULL)
    return cfd_cli_fail (error);
  print_record (vault, record);
  return CFD_CLI_OK;
}

static void
print_summary (CfdRecord *record)
{
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));
  GVariant *content = cfd_record_get_content (record);
  const char *instrument = NULL, *band = NULL;
  gint64 total = 0;

  printf ("%s\t%s\t%s\t%s", cfd_cli_text (cfd_record_get_id (record)), date,
          cfd_record_kind_to_string (cfd_record_get_kind (record)),
          cfd_record_get_status (record) == CFD_RECORD_SIGNED ? "signed" : "draft");
  if (cfd_record_get_kind (record) == CFD_RECORD_MEASURE
      && g_variant_lookup (content, "instrument", "&s", &instrument))
    {
      double mean;

      printf ("\t%s", cfd_cli_text (instrument));
      if (g_variant_lookup (content, "total", "x", &total))
        printf (" %" PRId64, total);
      if (g_variant_lookup (content, "mean", "d", &mean))
        printf (" %.1f", mean);
      if (g_variant_lookup (content, "band", "&s", &band))
        printf (" %s", cfd_cli_text (band));
      if (g_variant_lookup (content, "result", "&s", &band))
        printf (" %s", cfd_cli_text (band));
    }
  if (cfd_record_get_parent_id (record) != NULL)
    printf ("\tto %s", cfd_cli_text (cfd_record_get_parent_id (record)));
  printf ("\n");
}

static int
list_records (CfdCliContext *ctx,
              int command,
              const char *what,
              gboolean measures_only,
              int argc,
              char **argv)
{
  g_autofree char *patient = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" }, { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) records = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[command], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient == NULL)
    return cfd_cli_usage (_ ("%s needs --patient ID"), what);
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  records = cfd_vault_list_records (vault, patient, &error);
  if (records == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);

      if (!measures_only || cfd_record_get_kind (record) == CFD_RECORD_MEASURE)
        print_summary (record);
    }
  return CFD_CLI_OK;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  return list_records (ctx, NOTE_LIST, "note list", FALSE, argc, argv);
}

static int
run_sign (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_SIGN], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("note sign needs exactly one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_sign_record (vault, argv[1], &error))
    return cfd_cli_fail (error);
  printf (_ ("Signed; the record can no longer be changed (add an addendum instead).\n"));
  return CFD_CLI_OK;
}

static int
run_discard (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_DISCARD], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("note discard needs exactly one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!cfd_vault_discard_draft (vault, argv[1], &error))
    return cfd_cli_fail (error);
  printf (_ ("Discarded the draft and its earlier revisions.\n"));
  return CFD_CLI_OK;
}

static int
run_addendum (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *file = NULL;
  gboolean draft = FALSE;
  GOptionEntry entries[]
      = { { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_ ("The addendum: reason and text fields"),
            "FILE" },
          { "draft", 0, 0, G_OPTION_ARG_NONE, &draft,
            N_ ("Keep it as a draft, to edit with note edit and sign with note sign"), NULL },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;
  int status;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_ADDENDUM], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 2 || file == NULL)
    return cfd_cli_usage (_ ("note addendum needs a record ID and --file FILE"));
  status = read_note_file (file, CFD_RECORD_ADDENDUM, &content);
  if (status != CFD_CLI_OK)
    return status;
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = draft ? cfd_vault_create_addendum_draft (vault, argv[1], content, &error)
             : cfd_vault_add_addendum (vault, argv[1], content, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_history (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) revisions = NULL;
  g_autoptr (CfdRecord) current = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_HISTORY], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("note history needs exactly one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  revisions = cfd_vault_list_revisions (vault, argv[1], &error);
  if (revisions == NULL)
    return cfd_cli_fail (error);
  current = cfd_vault_get_record (vault, argv[1], &error);
  if (current == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i <= g_list_model_get_n_items (revisions); i++)
    {
      g_autoptr (CfdRecord) record = i < g_list_model_get_n_items (revisions)
                                         ? g_list_model_get_item (revisions, i)
                                         : g_object_ref (current);
      g_autofree char *saved = cfd_cli_format_time (cfd_record_get_updated (record));
      g_autofree char *date = cfd_date_format (cfd_record_get_occurred (record));

      printf ("%" PRIu64 "\t%s\t%s\t%s\n", cfd_record_get_revision (record), saved, date,
              record == current
                  ? (cfd_record_get_status (record) == CFD_RECORD_SIGNED ? "current, signed"
                                                                         : "current")
                  : "earlier");
    }
  return CFD_CLI_OK;
}

/* A draft saved again from a file: the content is replaced as a whole and
 * the earlier revision stays in the history. */
static int
run_edit (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *date = NULL, *file = NULL;
  GOptionEntry entries[] = { { "date", 0, 0, G_OPTION_ARG_STRING, &date,
                               N_ ("The session date (default: the draft's own)"), "YYYY-MM-DD" },
                             { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
                               N_ ("The whole note, as field: value lines"), "FILE" },
                             { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdRecord) record = NULL;
  g_autoptr (GVariant) content = NULL;
  GError *error = NULL;
  gint64 occurred = 0;
  int status;

  if (!cfd_cli_parse (&cfd_cli_note_commands[NOTE_EDIT], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2 || file == NULL)
    return cfd_cli_usage (_ ("note edit needs a record ID and --file FILE"));
  if (date != NULL && !parse_date (date, &occurred))
    return cfd_cli_usage (_ ("--date must be a date written YYYY-MM-DD"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  /* The kind, which the file is read against, is the record's. */
  record = cfd_vault_get_record (vault, argv[1], &error);
  if (record == NULL)
    return cfd_cli_fail (error);
  status = read_note_file (file, cfd_record_get_kind (record), &content);
  if (status != CFD_CLI_OK)
    return status;
  if (!cfd_vault_save_draft (vault, argv[1],
                             date != NULL ? occurred : cfd_record_get_occurred (record), content,
                             &error))
    return cfd_cli_fail (error);
  printf (_ ("Saved as revision %" PRIu64 ".\n"), cfd_record_get_revision (record) + 1);
  return CFD_CLI_OK;
}

/* "0,1,2,3" into one answer per item; "-" (or nothing) between commas is
 * an item left unanswered or skipped. FALSE on anything else. */
static gboolean
parse_items (const char *text, int *answers, gsize *n_answers)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  *n_answers = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint64 value;

      if (*n_answers == CFD_INSTRUMENT_MAX_ITEMS)
        return FALSE;
      if (*part == '\0' || g_str_equal (part, "-"))
        answers[(*n_answers)++] = CFD_ANSWER_NONE;
      else if (g_ascii_string_to_unsigned (part, 10, 0, 1000, &value, NULL))
        answers[(*n_answers)++] = (int)value;
      else
        return FALSE;
    }
  return *n_answers > 0;
}

/* A practice's definitions are read from the vault's folder and the user's
 * configuration; one that does not read is reported, never fatal. */
static void
add_practice_instruments (CfdCliContext *ctx)
{
  g_autoptr (GError) error = NULL;

  if (!cfd_instrument_library_add_practice (ctx->vault_path, &error))
    fprintf (stderr, "%s\n", error->message);
}

static int
run_measure_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *patient = NULL, *instrument_id = NULL, *items_text = NULL, *date = NULL,
                  *mode_text = NULL;
  GOptionEntry entries[]
      = { { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_ ("The patient"), "ID" },
          { "instrument", 0, 0, G_OPTION_ARG_STRING, &instrument_id,
            N_ ("The instrument's id (see measure instruments)"), "ID" },
          { "items", 0, 0, G_OPTION_ARG_STRING, &items_text,
            N_ ("The answers, one per item in order, separated by commas; - for an item not asked "
                "or not answered"),
            "N,N,…" },
          { "mode", 0, 0, G_OPTION_ARG_STRING, &mode_text,
            N_ ("self-report (default) or interview"), "MODE" },
          { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_ ("When it was taken (default: today)"),
            "YYYY-MM-DD" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  const CfdInstrumentDef *def;
  CfdInstrumentScore score;
  CfdMeasureMode mode = CFD_MEASURE_MODE_SELF_REPORT;
  int answers[CFD_INSTRUMENT_MAX_ITEMS];
  gsize n_answers;
  gint64 occurred;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[MEASURE_ADD], entries, unlock_passphrase, &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 1 || patient == NULL || instrument_id == NULL || items_text == NULL)
    return cfd_cli_usage (_ ("measure add needs --patient ID --instrument ID --items N,N,…"));
  add_practice_instruments (ctx);
  def = cfd_instrument_lookup (instrument_id);
  if (def == NULL)
    return cfd_cli_usage (_ ("--instrument must be one of those measure instruments lists"));
  if (!parse_items (items_text, answers, &n_answers))
    return cfd_cli_usage (_ ("--items must be whole numbers (or -) separated by commas"));
  if (mode_text != NULL && !cfd_measure_mode_from_string (mode_text, &mode))
    return cfd_cli_usage (_ ("--mode must be self-report or interview"));
  if (!parse_date (date, &occurred))
    return cfd_cli_usage (_ ("--date must be a date written YYYY-MM-DD"));
  /* The items of the older instruments' short form: the scored ones only. */
  while (n_answers < cfd_instrument_def_get_n_items (def)
         && !cfd_instrument_def_get_item (def, (guint)n_answers)->scored)
    answers[n_answers++] = CFD_ANSWER_NONE;
  if (!cfd_instrument_def_score (def, answers, n_answers, &score, &error))
    {
      int status = cfd_cli_usage ("%s", error->message);

      g_error_free (error);
      return status;
    }
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_add_instrument_measure (vault, patient, instrument_id, occurred, answers,
                                         n_answers, mode, &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s", id);
  if (score.has_total)
    printf ("\t%d", score.total);
  if (score.has_mean)
    printf ("\t%.1f", score.mean);
  if (score.band != NULL)
    printf ("\t%s", score.band);
  if (score.result != NULL)
    printf ("\t%s", score.result);
  printf ("\n");
  if (score.risk)
    fprintf (stderr, _ ("A risk item reached its threshold: the patient's risk flag is raised.\n"));
  return CFD_CLI_OK;
}

/* One line per instrument: id, name, items, rater, scoring rule, licence. */
static int
run_measure_instruments (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (GPtrArray) all = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[MEASURE_INSTRUMENTS], NULL, NULL, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 1)
    return cfd_cli_usage (_ ("measure instruments takes no arguments"));
  add_practice_instruments (ctx);
  all = cfd_instrument_list ();
  for (guint i = 0; i < all->len; i++)
    {
      const CfdInstrumentDef *def = g_ptr_array_index (all, i);

      printf ("%s\t%s\t%u items\t%s\t%s\t%s\n", cfd_instrument_def_get_id (def),
              cfd_instrument_def_get_name (def), cfd_instrument_def_get_n_items (def),
              cfd_rater_type_to_string (cfd_instrument_def_get_rater (def)),
              cfd_scoring_rule_to_string (cfd_instrument_def_get_rule (def)),
              cfd_instrument_def_get_licence (def));
    }
  return CFD_CLI_OK;
}

static int
run_measure_list (CfdCliContext *ctx, int argc, char **argv)
{
  return list_records (ctx, MEASURE_LIST, "measure list", TRUE, argc, argv);
}

static int
run_search (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) hits = NULL;
  g_autoptr (CfdSecret) line = NULL;
  const char *query;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_note_commands[SEARCH], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc > 2)
    return cfd_cli_usage (_ ("search reads the text to look for from standard input"));
  if (argc == 2)
    {
      cfd_cli_warn_command_line ("search TEXT", "standard input (confidant-cli search < FILE)");
      query = argv[1];
    }
  else
    {
      /* Read before the passphrase: without --passphrase-file, standard
       * input holds the query's line first. */
      line = cfd_cli_read_input_line (ctx, _ ("Search for"), &error);
      if (line == NULL && error->code == CFD_ERROR_INVALID_INPUT)
        {
          int status = cfd_cli_usage (
              _ ("search needs the text to look for on standard input (%s)"), error->message);
          g_error_free (error);
          return status;
        }
      if (line == NULL)
        return cfd_cli_fail (error);
      query = (const char *)line->data;
    }
  if (*query == '\0' || strspn (query, " \t") == strlen (query))
    return cfd_cli_usage (_ ("search needs the text to look for"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  hits = cfd_vault_search (vault, query, &error);
  if (hits == NULL)
    return cfd_cli_fail (error);
  for (guint i = 0; i < g_list_model_get_n_items (hits); i++)
    {
      g_autoptr (CfdSearchHit) hit = g_list_model_get_item (hits, i);
      g_autofree char *date = cfd_date_format (cfd_search_hit_get_occurred (hit));

      printf ("%s\t%s\t%s\t%s\t%s\n", cfd_cli_text (cfd_search_hit_get_patient_name (hit)), date,
              cfd_record_kind_to_string (cfd_search_hit_get_kind (hit)),
              cfd_cli_text (cfd_search_hit_get_record_id (hit)),
              cfd_cli_text (cfd_search_hit_get_snippet (hit)));
    }
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_note_commands[] = {
  [NOTE_ADD] = { "note", "add", "--patient ID --kind KIND (--file F | --carry-forward) [--date D]",
                 N_ ("Add a draft note from a field: value file; prints its id"), run_add },
  [NOTE_SHOW]
  = { "note", "show", "ID", N_ ("Show a record (its signature is verified)"), run_show },
  [NOTE_LIST]
  = { "note", "list", "--patient ID", N_ ("A patient's records, newest first"), run_list },
  [NOTE_SIGN]
  = { "note", "sign", "ID", N_ ("Sign your draft; it cannot be changed after"), run_sign },
  [NOTE_ADDENDUM]
  = { "note", "addendum", "ID --file F [--draft]",
      N_ ("Attach an addendum, signed or as a draft, to a signed record"), run_addendum },
  [NOTE_HISTORY] = { "note", "history", "ID", N_ ("The saved revisions of a record"), run_history },
  [NOTE_EDIT] = { "note", "edit", "ID --file F [--date D]",
                  N_ ("Save your draft again from a file (a new revision)"), run_edit },
  [NOTE_DISCARD]
  = { "note", "discard", "ID",
      N_ ("Delete your draft and its revisions; a signed record cannot be"), run_discard },
  [MEASURE_ADD] = { "measure", "add", "--patient ID --instrument ID --items N,… [--mode M]",
                    N_ ("Score and store a measure of any instrument"), run_measure_add },
  [MEASURE_LIST] = { "measure", "list", "--patient ID", N_ ("A patient's measures, newest first"),
                     run_measure_list },
  [MEASURE_INSTRUMENTS]
  = { "measure", "instruments", "",
      N_ ("The instruments: id, name, items, rater, scoring, licence"), run_measure_instruments },
  [SEARCH] = { NULL, "search", "< QUERY",
               N_ ("Search the records you may read (the query on stdin)"), run_search },
  { NULL },
};
