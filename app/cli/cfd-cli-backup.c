/* cfd-cli-backup.c: confidant-cli backup create, verify, list, media, and restore. */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "confidant.h"
#include "cfd-cli.h"

static void
print_progress (guint64 done, guint64 total, gpointer user_data)
{
  int *last = user_data;
  int percent = total > 0 ? (int)(done * 100 / total) : 0;

  if (percent == *last)
    return;
  *last = percent;
  fprintf (stderr, "\r%3d%%", percent);
  if (done == total)
    fprintf (stderr, "\n");
}

/* A progress display only for a person watching; scripts get quiet. */
static CfdBackupProgressFunc
progress_for_terminal (void)
{
  return isatty (STDERR_FILENO) ? print_progress : NULL;
}

static char *
format_size (guint64 bytes)
{
  return g_format_size (bytes);
}

static char *
format_time_us (gint64 usec)
{
  return cfd_cli_format_time (usec / G_USEC_PER_SEC);
}

/* A folder named for backups that does not exist yet is made, private
 * (0700, parents too): a script's first run should not fail on it. */
static gboolean
ensure_folder (const char *folder, GError **error)
{
  g_autofree char *shown = g_filename_display_name (folder);

  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_file_test (folder, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _ ("The backup folder %s is not a folder"), shown);
      return FALSE;
    }
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Could not create the backup folder %s: %s"), shown,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static int
run_create (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *folder = NULL;
  int generations = CFD_BACKUP_DEFAULT_GENERATIONS;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &folder,
      N_ ("The folder (on a USB stick or external disk) to write to; made, private, if missing"),
      "DIR" },
    { "generations", 0, 0, G_OPTION_ARG_INT, &generations,
      N_ ("How many of this vault's backups to keep there (default 5)"), "N" },
    { NULL }
  };
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autofree char *size = NULL;
  GError *error = NULL;
  int last = -1;

  if (!cfd_cli_parse (&cfd_cli_backup_commands[0], entries, N_ ("the passphrase of --user"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (folder == NULL)
    return cfd_cli_usage (_ ("backup create needs --to DIR"));
  if (generations < 1 || generations > CFD_BACKUP_MAX_GENERATIONS)
    return cfd_cli_usage (_ ("--generations must be between 1 and %d"), CFD_BACKUP_MAX_GENERATIONS);
  if (argc > 1)
    return cfd_cli_usage (_ ("unexpected argument '%s'"), argv[1]);

  vault = cfd_cli_unlock (ctx, &error);
  if (vault == NULL)
    return cfd_cli_fail (error);
  if (!ensure_folder (folder, &error))
    return cfd_cli_fail (error);
  info = cfd_vault_backup (vault, folder, (guint)generations, NULL, progress_for_terminal (), &last,
                           &error);
  if (info == NULL)
    return cfd_cli_fail (error);
  size = format_size (info->file_bytes);
  printf (_ ("Backup %" PRIu64 " written and verified: %s (%s)\n"), info->seq,
          cfd_cli_text (info->path), size);
  return CFD_CLI_OK;
}

static int
run_verify (CfdCliContext *ctx, int argc, char **argv)
{
  gboolean recovery = FALSE;
  GOptionEntry entries[]
      = { { "recovery", 0, 0, G_OPTION_ARG_NONE, &recovery,
            N_ ("Open the backup with the recovery key instead of a passphrase"), NULL },
          { NULL } };
  g_autoptr (CfdBackupInfo) header = NULL;
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (CfdSecret) secret = NULL;
  g_autofree char *when = NULL;
  GError *error = NULL;
  int last = -1;

  if (!cfd_cli_parse (&cfd_cli_backup_commands[1], entries,
                      N_ ("the passphrase of --user (or the recovery key with --recovery)"), &argc,
                      &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("backup verify needs exactly one FILE"));

  header = cfd_backup_read_info (argv[1], &error);
  if (header == NULL)
    return cfd_cli_fail (error);

  /* A backup of the vault at --vault is verified through it, so the result
   * lands in its audit log and media ledger; any other backup is verified
   * on its own, with the keyring it carries. */
  if (!recovery && cfd_vault_exists (ctx->vault_path))
    {
      g_autoptr (CfdVault) here = cfd_vault_open (ctx->vault_path, NULL);

      if (here != NULL && g_strcmp0 (cfd_vault_get_id (here), header->vault_id) == 0)
        {
          vault = cfd_cli_unlock (ctx, &error);
          if (vault == NULL)
            return cfd_cli_fail (error);
          if (!cfd_vault_verify_backup (vault, argv[1], NULL, progress_for_terminal (), &last,
                                        &error))
            return cfd_cli_fail (error);
          info = g_steal_pointer (&header);
        }
    }
  if (info == NULL)
    {
      secret
          = cfd_cli_read_passphrase (ctx, recovery ? _ ("Recovery key") : _ ("Passphrase"), &error);
      if (secret == NULL)
        return cfd_cli_fail (error);
      info = cfd_backup_verify (argv[1], ctx->user, (const char *)secret->data,
                                recovery ? CFD_BACKUP_SECRET_RECOVERY_KEY
                                         : CFD_BACKUP_SECRET_PASSPHRASE,
                                NULL, progress_for_terminal (), &last, &error);
      if (info == NULL)
        return cfd_cli_fail (error);
    }
  when = format_time_us (info->time);
  printf (_ ("Verified: backup %" PRIu64 " of vault %s, taken %s; every part "
             "authenticates and the database inside is intact.\n"),
          info->seq, cfd_cli_text (info->vault_id), when);
  return CFD_CLI_OK;
}

static int
run_list (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *folder = NULL;
  GOptionEntry entries[] = { { "to", 0, 0, G_OPTION_ARG_FILENAME, &folder,
                               N_ ("The folder holding the backups"), "DIR" },
                             { NULL } };
  g_autoptr (GPtrArray) list = NULL;
  GError *error = NULL;

  if (!cfd_cli_parse (&cfd_cli_backup_commands[2], entries, NULL, &argc, &argv))
    return CFD_CLI_USAGE;
  if (folder == NULL)
    return cfd_cli_usage (_ ("backup list needs --to DIR"));
  list = cfd_backup_list (folder, &error);
  if (list == NULL)
    return cfd_cli_fail (error);
  if (list->len == 0)
    printf (_ ("No Confidant backups in %s.\n"), folder);
  for (guint i = 0; i < list->len; i++)
    {
      CfdBackupInfo *info = g_ptr_array_index (list, i);
      g_autofree char *when = format_time_us (info->time);
      g_autofree char *size = format_size (info->file_bytes);
      g_autofree char *name = g_path_get_basename (info->path);

      printf ("%s\t%" PRIu64 "\t%s\t%s\t%s\n", cfd_cli_text (info->vault_id), info->seq, when, size,
              cfd_cli_text (name));
    }
  return CFD_CLI_OK;
}

static int
run_media (CfdCliContext *ctx, int argc, char **argv)
{
  g_autoptr (GPtrArray) media = NULL;

  if (!cfd_cli_parse (&cfd_cli_backup_commands[3], NULL, NULL, &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc > 1)
    return cfd_cli_usage (_ ("unexpected argument '%s'"), argv[1]);
  media = cfd_backup_media_list ();
  if (media->len == 0)
    {
      printf (_ ("No removable media found. Plug in a USB stick or an external disk, or give "
                 "any folder to 'backup create --to'.\n"));
      return CFD_CLI_OK;
    }
  for (guint i = 0; i < media->len; i++)
    {
      CfdBackupMedium *medium = g_ptr_array_index (media, i);
      g_autofree char *free_text = format_size (medium->free_bytes);

      printf ("%s\t%s\t%s free\t%s\n", cfd_cli_text (medium->path), cfd_cli_text (medium->label),
              free_text, *medium->uuid != '\0' ? cfd_cli_text (medium->uuid) : "-");
    }
  return CFD_CLI_OK;
}

static int
run_restore (CfdCliContext *ctx, int argc, char **argv)
{
  g_autofree char *folder = NULL;
  g_autofree char *overwrite = NULL;
  gboolean recovery = FALSE;
  GOptionEntry entries[]
      = { { "into", 0, 0, G_OPTION_ARG_FILENAME, &folder,
            N_ ("A new folder for the restored vault"), "DIR" },
          { "recovery", 0, 0, G_OPTION_ARG_NONE, &recovery,
            N_ ("Open the backup with the recovery key instead of a passphrase"), NULL },
          { "overwrite-existing-vault", 0, 0, G_OPTION_ARG_FILENAME, &overwrite,
            N_ ("Replace the vault in --into; give the folder name again to confirm"), "DIR" },
          { NULL } };
  g_autoptr (CfdBackupInfo) info = NULL;
  g_autoptr (CfdSecret) secret = NULL;
  g_autofree char *when = NULL;
  CfdRestoreFlags flags = CFD_RESTORE_FLAGS_NONE;
  GError *error = NULL;
  int last = -1;

  if (!cfd_cli_parse (&cfd_cli_backup_commands[4], entries,
                      N_ ("the passphrase of --user at the time of the backup (or the recovery key "
                          "with --recovery)"),
                      &argc, &argv))
    return CFD_CLI_USAGE;
  if (argc != 2)
    return cfd_cli_usage (_ ("restore needs exactly one backup FILE"));
  if (folder == NULL)
    return cfd_cli_usage (_ ("restore needs --into DIR (a new folder)"));
  if (overwrite != NULL)
    {
      g_autofree char *a = g_canonicalize_filename (folder, NULL);
      g_autofree char *b = g_canonicalize_filename (overwrite, NULL);

      /* Typed twice on purpose: replacing a vault destroys its data. */
      if (strcmp (a, b) != 0)
        return cfd_cli_usage (_ ("--overwrite-existing-vault must name the --into folder again"));
      flags |= CFD_RESTORE_OVERWRITE_EXISTING_VAULT;
    }

  secret = cfd_cli_read_passphrase (ctx, recovery ? _ ("Recovery key") : _ ("Passphrase"), &error);
  if (secret == NULL)
    return cfd_cli_fail (error);
  info = cfd_backup_restore (argv[1], folder, ctx->user, (const char *)secret->data,
                             recovery ? CFD_BACKUP_SECRET_RECOVERY_KEY
                                      : CFD_BACKUP_SECRET_PASSPHRASE,
                             flags, NULL, progress_for_terminal (), &last, &error);
  if (info == NULL)
    return cfd_cli_fail (error);
  when = format_time_us (info->time);
  printf (_ ("Restored backup %" PRIu64 " (taken %s) into %s.\n"), info->seq, when, folder);
  if (recovery)
    printf (_ ("Open it with 'confidant-cli --vault %s recover' to set a new owner passphrase.\n"),
            folder);
  return CFD_CLI_OK;
}

const CfdCliCommand cfd_cli_backup_commands[] = {
  { "backup", "create", "--to DIR [--generations N]",
    N_ ("Back up the vault to a folder or medium, verify it, keep N"), run_create },
  { "backup", "verify", "FILE [--recovery]", N_ ("Check a backup completely"), run_verify },
  { "backup", "list", "--to DIR", N_ ("List the backups in a folder (headers only)"), run_list },
  { "backup", "media", "", N_ ("List removable media to back up to"), run_media },
  { NULL, "restore", "FILE --into DIR [--recovery]", N_ ("Restore a backup into a new folder"),
    run_restore },
  { NULL },
};
