/* test-ui-users.c: the Users group of Preferences on a real vault: the roster shown, adding a supervisor through the dialog, and a therapist's read-only view. */
#include "config.h"

#include <adwaita.h>

#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-user-dialog.h"
#include "cfd-users-group.h"

#define SUPERVISOR            "Dr Imre Supervisor"
#define SUPERVISOR_PASSPHRASE "plum ferry violet anchor Qk27"
#define THERAPIST             "Dr Lena Therapist"
#define THERAPIST_PASSPHRASE  "therapist passphrase for users tests"

static gboolean
dialog_gone (gconstpointer data)
{
  return *(gpointer const *)data == NULL;
}

static void
set_row (GtkWidget *dialog, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (dialog, id)), text);
}

static void
test_owner_adds_supervisor (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autoptr (GPtrArray) users = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdUsersGroup *group = cfd_users_group_new (vault);
  GtkWidget *add_button;
  GtkWidget *add;
  CfdUserDialog *dialog;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (group));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), cfd_vault_get_user_name (vault)));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), "Owner · key "));
  add_button = cfd_test_ui_find_widget (GTK_WIDGET (group), "add_user_button");
  g_assert_nonnull (add_button);

  g_signal_emit_by_name (add_button, "clicked");
  cfd_test_ui_spin (50);
  dialog = cfd_test_ui_find_toplevel (CFD_TYPE_USER_DIALOG);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  add = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "add_button");
  g_assert_false (gtk_widget_get_sensitive (add));
  set_row (GTK_WIDGET (dialog), "name_row", SUPERVISOR);
  set_row (GTK_WIDGET (dialog), "passphrase_row", "a");
  set_row (GTK_WIDGET (dialog), "confirm_row", "a");
  g_assert_false (gtk_widget_get_sensitive (add));
  set_row (GTK_WIDGET (dialog), "passphrase_row", SUPERVISOR_PASSPHRASE);
  g_assert_false (gtk_widget_get_sensitive (add));
  set_row (GTK_WIDGET (dialog), "confirm_row", SUPERVISOR_PASSPHRASE);
  g_assert_true (gtk_widget_get_sensitive (add));
  adw_combo_row_set_selected (
      ADW_COMBO_ROW (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "role_row")), 1);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.add", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");

  users = cfd_vault_list_users (vault);
  g_assert_cmpuint (users->len, ==, 2);
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), SUPERVISOR));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), "Supervisor · key "));
  g_assert_cmpint (cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = "
                                               "'user.add' AND outcome = 'success'"),
                   ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_therapist_reads_only (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) owner = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *therapist_id = NULL;
  GtkWidget *window = gtk_window_new ();
  CfdUsersGroup *group;

  therapist_id
      = cfd_vault_add_user (owner, THERAPIST, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  cfd_vault_lock (owner);
  vault = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (vault, therapist_id, THERAPIST_PASSPHRASE, &error));

  group = cfd_users_group_new (vault);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (group));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), THERAPIST));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), "Therapist · key "));
  g_assert_null (cfd_test_ui_find_widget (GTK_WIDGET (group), "add_user_button"));
  g_assert_true (cfd_test_ui_has_label (GTK_WIDGET (group), "Only the vault’s owner"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!cfd_test_ui_init ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  g_test_add_func ("/confidant/ui/users/owner-adds-supervisor", test_owner_adds_supervisor);
  g_test_add_func ("/confidant/ui/users/therapist-reads-only", test_therapist_reads_only);
  return g_test_run ();
}
