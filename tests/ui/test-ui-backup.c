/* test-ui-backup.c: the backup window on a real vault: a folder, backing up with progress, verifying, cancelling, the reminder. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-backup.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-backup-window.h"

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static gboolean
done (gconstpointer window)
{
  return !cfd_backup_window_is_busy (CFD_BACKUP_WINDOW ((gpointer)window));
}

static gboolean
released (gconstpointer vault)
{
  return g_atomic_int_get (&G_OBJECT (vault)->ref_count) <= 2;
}

/* Files, not parsed headers: a damaged backup still counts. */
static guint
count_backups (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, CFD_BACKUP_FILE_SUFFIX);
  return n;
}

static gboolean
ledger_verified (CfdVault *vault, guint *n)
{
  g_autoptr (GPtrArray) records = cfd_vault_list_backup_records (vault, NULL);
  gboolean all = TRUE;

  *n = records != NULL ? records->len : 0;
  for (guint i = 0; i < *n; i++)
    all &= ((CfdBackupRecord *)g_ptr_array_index (records, i))->verified;
  return all;
}

static void
test_reminder_text (void)
{
  gint64 now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  g_autofree char *never = cfd_backup_reminder_text (0, now, 7);
  g_autofree char *old = cfd_backup_reminder_text (now - 9 * DAY, now, 7);
  g_autofree char *fresh = cfd_backup_reminder_text (now - 6 * DAY, now, 7);
  g_autofree char *off = cfd_backup_reminder_text (0, now, 0);

  g_assert_nonnull (never);
  g_assert_nonnull (old);
  g_assert_nonnull (strstr (old, "9 days"));
  g_assert_null (fresh);
  g_assert_null (off);
}

static void
test_backup_verify_cancel (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *patient = cfd_test_add_patient (vault, "Backed Up Patient");
  g_autofree char *folder = cfd_test_make_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  CfdBackupWindow *window;
  guint n_records = 0;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  window = cfd_backup_window_new (NULL, vault);
  gtk_window_present (GTK_WINDOW (window));
  /* No backup yet: the reminder says so. */
  g_assert_true (cfd_backup_window_get_reminder_visible (window));

  g_assert_true (cfd_backup_window_add_folder (window, folder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cfd_backup_window_get_n_destinations (window), >=, 1);
  g_assert_cmpuint (cfd_backup_window_get_n_generations (window), ==, 0);

  /* Back up: a verified file, listed, and the reminder goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backup.start", "s", folder));
  g_assert_true (cfd_backup_window_is_busy (window));
  cfd_test_ui_wait_until (done, window, "the backup");
  cfd_test_ui_wait_until (released, vault, "the backup to let go of the vault");
  g_assert_nonnull (strstr (cfd_backup_window_get_status (window), "verified"));
  g_assert_cmpuint (count_backups (folder), ==, 1);
  g_assert_cmpuint (cfd_backup_window_get_n_generations (window), ==, 1);
  g_assert_false (cfd_backup_window_get_reminder_visible (window));
  g_assert_true (ledger_verified (vault, &n_records));
  g_assert_cmpuint (n_records, ==, 1);

  /* Verify it again from the list. */
  list = cfd_backup_list (folder, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backup.verify", "s",
                                             ((CfdBackupInfo *)g_ptr_array_index (list, 0))->path));
  cfd_test_ui_wait_until (done, window, "the verification");
  cfd_test_ui_wait_until (released, vault, "the verifier to let go of the vault");
  g_assert_nonnull (strstr (cfd_backup_window_get_status (window), "intact"));

  /* A damaged backup is called untrustworthy. */
  cfd_test_flip_byte (((CfdBackupInfo *)g_ptr_array_index (list, 0))->path, 300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backup.verify", "s",
                                             ((CfdBackupInfo *)g_ptr_array_index (list, 0))->path));
  cfd_test_ui_wait_until (done, window, "the second verification");
  cfd_test_ui_wait_until (released, vault, "the verifier to let go of the vault");
  g_assert_nonnull (strstr (cfd_backup_window_get_status (window), "cannot be trusted"));

  /* Cancelled at once: nothing new is left behind. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backup.start", "s", folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backup.cancel", NULL));
  cfd_test_ui_wait_until (done, window, "the cancelled backup");
  cfd_test_ui_wait_until (released, vault, "the backup to let go of the vault");
  g_assert_nonnull (strstr (cfd_backup_window_get_status (window), "cancelled"));
  g_assert_cmpuint (count_backups (folder), ==, 1);

  /* Locking closes the window. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  cfd_vault_lock (vault);
  g_assert_null (window);
}

/* Core lets only the practice back up: a supervisor is told, and nothing runs. */
static void
test_supervisor (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *folder = cfd_test_make_dir ();
  g_autoptr (CfdVault) as_supervisor = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = cfd_vault_add_user (vault, "Dr Sable Supervisor", CFD_ROLE_SUPERVISOR,
                                            "supervisor passphrase for tests", &error);
  CfdBackupWindow *window;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  as_supervisor = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (as_supervisor, "Dr Sable Supervisor",
                                   "supervisor passphrase for tests", &error));
  window = cfd_backup_window_new (NULL, as_supervisor);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_backup_window_add_folder (window, folder, &error));
  g_assert_nonnull (strstr (cfd_backup_window_get_status (window), "owner or therapists"));
  g_assert_false (cfd_backup_window_get_reminder_visible (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "backup.start", "s", folder);
  g_assert_false (cfd_backup_window_is_busy (window));
  g_assert_cmpuint (count_backups (folder), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  cfd_vault_lock (as_supervisor);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/ui/backup/reminder-text", test_reminder_text);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/backup/backup-verify-cancel", test_backup_verify_cancel);
  g_test_add_func ("/confidant/ui/backup/supervisor", test_supervisor);
  return g_test_run ();
}
