/* cfd-cli-review.c: confidant-cli review add, cosign, list: a supervisor's review of signed records. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfd-cli.h"
#include "confidant.h"

#define MAX_COMMENT_FILE_BYTES (256 * 1024)

static const char *const unlock_passphrase
    = N_ ("the unlocking user's (a supervisor's, to add a review)");

static int
run_add (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *record = NULL, *file = NULL;
  GOptionEntry entries[]
      = { { "record", 0, 0, G_OPTION_ARG_STRING, &record, N_ ("The signed record"), "ID" },
          { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_ ("The comment, as UTF-8 text"), "FILE" },
          { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  gsize len = 0;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_review_commands[0], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (record == NULL || file == NULL)
    return cfd_cli_usage (_ ("review add needs --record ID and --file F"));
  if (!cfd_io_read_file (file, MAX_COMMENT_FILE_BYTES, &data, &len, &error))
    return cfd_cli_fail (error);
  text = g_strndup ((const char *)data, len);
  cfd_wipe_free (g_steal_pointer (&data), len);
  if (strlen (text) != len || !g_utf8_validate (text, -1, NULL))
    return cfd_cli_usage (_ ("the comment file must be UTF-8 text"));

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_add_review_comment (vault, record, g_strstrip (text), &error);
  cfd_wipe_string (g_steal_pointer (&text));
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static int
run_cosign (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_review_commands[1], NULL, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("review cosign needs exactly one record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  id = cfd_vault_cosign_record (vault, argv[1], &error);
  if (id == NULL)
    return cfd_cli_fail (error);
  printf ("%s\n", id);
  return CFD_CLI_OK;
}

static const CfdUserInfo *
find_user (GPtrArray *users, const char *id)
{
  for (guint i = 0; i < users->len; i++)
    {
      const CfdUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->id, id) == 0)
        return user;
    }
  return NULL;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *record = NULL;
  GOptionEntry entries[]
      = { { "record", 0, 0, G_OPTION_ARG_STRING, &record, N_ ("The record"), "ID" }, { NULL } };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GListModel) reviews = NULL;
  g_autoptr (GPtrArray) users = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_review_commands[2], entries, unlock_passphrase, &argc, &argv))
    return CFD_CLI_USAGE;
  if (record == NULL)
    return cfd_cli_usage (_ ("review list needs --record ID"));
  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  reviews = cfd_vault_list_reviews (vault, record, &error);
  if (reviews == NULL)
    return cfd_cli_fail (error);
  users = cfd_vault_list_users_and_cards (vault);
  /* id, time, kind, reviewer (with the card's fingerprint for a
   * supervisor known by card), then the comment. */
  for (guint i = 0; i < g_list_model_get_n_items (reviews); i++)
    {
      g_autoptr (CfdReview) review = g_list_model_get_item (reviews, i);
      g_autofree char *when = cfd_cli_format_time (cfd_review_get_created (review));
      const CfdUserInfo *reviewer = find_user (users, cfd_review_get_author_id (review));
      g_autofree char *who = NULL;

      if (reviewer == NULL)
        who = g_strdup_printf ("unknown user %s", cfd_review_get_author_id (review));
      else if (reviewer->fingerprint != NULL)
        who = g_strdup_printf ("%s (card %s)", reviewer->name, reviewer->fingerprint);
      else
        who = g_strdup (reviewer->name);
      printf ("%s\t%s\t%s\t%s\t%s\n", cfd_cli_text (cfd_review_get_id (review)), when,
              cfd_review_get_kind (review) == CFD_REVIEW_COSIGN ? "co-signed" : "comment",
              cfd_cli_text (who), cfd_cli_text (cfd_review_get_text (review)));
    }
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_review_commands[] = {
  { "review", "add", "--record ID --file F", N_ ("Comment on a signed record (supervisor)"),
    run_add },
  { "review", "cosign", "ID", N_ ("Co-sign a signed record (supervisor)"), run_cosign },
  { "review", "list", "--record ID", N_ ("Show a record's reviews"), run_list },
  { NULL },
};
