/* test-ui-passphrase.c: the Change Passphrase dialog on a real vault: its checks, a change, a key change by the owner and by a therapist the owner approves. */
#include "config.h"

#include <adwaita.h>

#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-vault-private.h"

#include "cfd-passphrase-dialog.h"
#include "cfd-window.h"

#define NEW_PASSPHRASE       "quiet harbour lantern oatmeal Zx81"
#define THERAPIST            "Dr Rowan Therapist"
#define THERAPIST_PASSPHRASE "therapist passphrase for dialog tests"

typedef struct
{
  gboolean emitted;
  char *recovery_key;
} Changed;

static void
on_changed (CfdPassphraseDialog *dialog, const char *recovery_key, Changed *changed)
{
  changed->emitted = TRUE;
  changed->recovery_key = g_strdup (recovery_key);
}

static void
set_row (CfdPassphraseDialog *dialog, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (dialog), id)), text);
}

/* The Change button follows the action's enabled state. */
static gboolean
can_change (CfdPassphraseDialog *dialog)
{
  return gtk_widget_get_sensitive (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "change_button"));
}

static gboolean
widget_visible (gconstpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

static gboolean
unlocks_with (const char *path, const char *user_id, const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_vault_open (path, &error);
  gboolean ok;

  g_assert_no_error (error);
  ok = cfd_vault_unlock (vault, user_id, passphrase, NULL);
  cfd_vault_lock (vault);
  return ok;
}

static CfdPassphraseDialog *
open_dialog (CfdVault *vault, Changed *changed)
{
  CfdPassphraseDialog *dialog = cfd_passphrase_dialog_new (NULL, vault);

  g_signal_connect (dialog, "changed", G_CALLBACK (on_changed), changed);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static gboolean
dialog_gone (gconstpointer data)
{
  return *(gpointer const *)data == NULL;
}

/* Nothing can be sent until the form is complete and the new passphrase
 * passes core's policy; the owner is never asked to approve themselves. */
static void
test_validation (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  Changed changed = { 0 };
  CfdPassphraseDialog *dialog = open_dialog (vault, &changed);
  GtkWidget *match = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "match_label");
  GtkWidget *owner_row = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "owner_row");
  GtkWidget *error_label = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "error_label");
  g_autofree char *owner_id = g_strdup (cfd_vault_get_user_id (vault));
  const char *strength;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_false (can_change (dialog));
  set_row (dialog, "current_row", CFD_TEST_PASSPHRASE);
  set_row (dialog, "new_row", "a");
  set_row (dialog, "confirm_row", "a");
  g_assert_false (can_change (dialog));
  strength = gtk_label_get_label (
      GTK_LABEL (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "strength_label")));
  g_assert_null (strstr (strength, "Strong"));
  g_assert_cmpstr (strength, !=, "");

  set_row (dialog, "new_row", NEW_PASSPHRASE);
  g_assert_true (gtk_widget_get_visible (match));
  g_assert_false (can_change (dialog));
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  g_assert_false (gtk_widget_get_visible (match));
  g_assert_true (can_change (dialog));

  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), TRUE);
  g_assert_false (gtk_widget_get_visible (owner_row));
  g_assert_true (can_change (dialog));
  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), FALSE);

  /* A wrong current passphrase is named, and changes nothing. */
  set_row (dialog, "current_row", "not the passphrase at all, no");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (widget_visible, error_label, "the error");
  g_assert_true (
      g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error_label)), "Current passphrase: "));
  g_assert_false (changed.emitted);
  g_assert_nonnull (dialog);
  cfd_vault_lock (vault);
  g_assert_true (unlocks_with (path, owner_id, CFD_TEST_PASSPHRASE));

  gtk_window_close (GTK_WINDOW (dialog));
  cfd_test_ui_spin (50);
  g_assert_null (dialog);
}

static void
test_change (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *owner_id = g_strdup (cfd_vault_get_user_id (vault));
  Changed changed = { 0 };
  CfdPassphraseDialog *dialog = open_dialog (vault, &changed);

  set_row (dialog, "current_row", CFD_TEST_PASSPHRASE);
  set_row (dialog, "new_row", NEW_PASSPHRASE);
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");
  g_assert_true (changed.emitted);
  g_assert_null (changed.recovery_key);
  cfd_vault_lock (vault);
  g_assert_false (unlocks_with (path, owner_id, CFD_TEST_PASSPHRASE));
  g_assert_true (unlocks_with (path, owner_id, NEW_PASSPHRASE));
}

/* The owner's key change issues a new recovery key, handed on to be shown. */
static void
test_owner_rotation (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *owner_id = g_strdup (cfd_vault_get_user_id (vault));
  Changed changed = { 0 };
  CfdPassphraseDialog *dialog = open_dialog (vault, &changed);

  set_row (dialog, "current_row", CFD_TEST_PASSPHRASE);
  set_row (dialog, "new_row", NEW_PASSPHRASE);
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), TRUE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");
  g_assert_true (changed.emitted);
  g_assert_nonnull (changed.recovery_key);
  g_assert_cmpuint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = 'key.rotate' "
                                  "AND outcome = 'success'"),
      ==, 1);
  g_free (changed.recovery_key);
  cfd_vault_lock (vault);
  g_assert_true (unlocks_with (path, owner_id, NEW_PASSPHRASE));
}

/* A therapist's key change asks for the owner's passphrase; a wrong one is
 * named and changes nothing. */
static void
test_therapist_rotation (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) owner = cfd_test_vault_new (&path, NULL);
  g_autoptr (CfdVault) vault = NULL;
  g_autofree char *therapist_id = NULL;
  g_autoptr (GError) error = NULL;
  Changed changed = { 0 };
  CfdPassphraseDialog *dialog;
  GtkWidget *owner_row;
  GtkWidget *error_label;

  therapist_id
      = cfd_vault_add_user (owner, THERAPIST, CFD_ROLE_THERAPIST, THERAPIST_PASSPHRASE, &error);
  g_assert_no_error (error);
  cfd_vault_lock (owner);
  vault = cfd_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_unlock (vault, therapist_id, THERAPIST_PASSPHRASE, &error));

  dialog = open_dialog (vault, &changed);
  owner_row = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "owner_row");
  error_label = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "error_label");
  set_row (dialog, "current_row", THERAPIST_PASSPHRASE);
  set_row (dialog, "new_row", NEW_PASSPHRASE);
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), TRUE);
  g_assert_true (gtk_widget_get_visible (owner_row));
  g_assert_false (can_change (dialog));

  set_row (dialog, "owner_row", "not the owner passphrase either");
  g_assert_true (can_change (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (widget_visible, error_label, "the error");
  g_assert_true (
      g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error_label)), "Owner’s passphrase: "));
  g_assert_false (changed.emitted);

  set_row (dialog, "owner_row", CFD_TEST_PASSPHRASE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");
  g_assert_true (changed.emitted);
  g_assert_null (changed.recovery_key);
  g_assert_cmpuint (
      cfd_test_count_rows (vault, "SELECT count(*) FROM audit_log WHERE action = 'key.rotate' "
                                  "AND outcome = 'success'"),
      ==, 1);
  cfd_vault_lock (vault);
  g_assert_false (unlocks_with (path, therapist_id, THERAPIST_PASSPHRASE));
  g_assert_true (unlocks_with (path, therapist_id, NEW_PASSPHRASE));
}

/* The passphrase is changed but the key change stops: the dialog says so,
 * keeps the passphrase fields as they are (the new one is in force) and a
 * retry replaces the keys only. */
static void
test_rotation_fails_after_change (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  g_autofree char *owner_id = g_strdup (cfd_vault_get_user_id (vault));
  Changed changed = { 0 };
  CfdPassphraseDialog *dialog = open_dialog (vault, &changed);
  GtkWidget *error_label = cfd_test_ui_find_widget (GTK_WIDGET (dialog), "error_label");

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  set_row (dialog, "current_row", CFD_TEST_PASSPHRASE);
  set_row (dialog, "new_row", NEW_PASSPHRASE);
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), TRUE);
  cfd_vault_stop_user_rotation_for_testing (TRUE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (widget_visible, error_label, "the error");
  cfd_vault_stop_user_rotation_for_testing (FALSE);
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error_label)),
                                   "The passphrase was changed, but the keys were not replaced:"));
  g_assert_false (changed.emitted);
  g_assert_false (
      gtk_widget_get_sensitive (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "current_row")));
  g_assert_false (
      gtk_widget_get_sensitive (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "new_row")));

  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");
  g_assert_true (changed.emitted);
  g_assert_nonnull (changed.recovery_key);
  g_free (changed.recovery_key);
  cfd_vault_lock (vault);
  g_assert_true (unlocks_with (path, owner_id, NEW_PASSPHRASE));
}

static CfdWindow *window;

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static gboolean
dialog_shown (gconstpointer data)
{
  return cfd_test_ui_find_toplevel (CFD_TYPE_PASSPHRASE_DIALOG) != NULL;
}

/* From the main menu's action to the recovery-key page an owner's key
 * change leads to, as the first run and a recovery do. */
static void
test_window_shows_new_recovery_key (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CfdVault) vault = cfd_test_vault_new (&path, NULL);
  CfdPassphraseDialog *dialog;

  cfd_vault_lock (vault);
  window = cfd_window_new (NULL, path);
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page/passphrase_row")),
      CFD_TEST_PASSPHRASE);
  gtk_widget_activate_action (cfd_test_ui_get_widget (GTK_WIDGET (window), "unlock_page"),
                              "unlock.unlock", NULL);
  cfd_test_ui_wait_until (page_is, "workspace", "the workspace");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-passphrase", NULL));
  cfd_test_ui_wait_until (dialog_shown, NULL, "the dialog");
  dialog = cfd_test_ui_find_toplevel (CFD_TYPE_PASSPHRASE_DIALOG);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  set_row (dialog, "current_row", CFD_TEST_PASSPHRASE);
  set_row (dialog, "new_row", NEW_PASSPHRASE);
  set_row (dialog, "confirm_row", NEW_PASSPHRASE);
  gtk_switch_set_active (
      GTK_SWITCH (cfd_test_ui_find_widget (GTK_WIDGET (dialog), "rotate_switch")), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "passphrase.change", NULL);
  cfd_test_ui_wait_until (dialog_gone, &dialog, "the dialog to close");
  cfd_test_ui_wait_until (page_is, "recovery-key", "the new recovery key");
  gtk_window_destroy (GTK_WINDOW (window));
  cfd_test_ui_spin (50);
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
  g_test_add_func ("/confidant/ui/passphrase/validation", test_validation);
  g_test_add_func ("/confidant/ui/passphrase/change", test_change);
  g_test_add_func ("/confidant/ui/passphrase/owner-rotation", test_owner_rotation);
  g_test_add_func ("/confidant/ui/passphrase/therapist-rotation", test_therapist_rotation);
  g_test_add_func ("/confidant/ui/passphrase/rotation-fails-after-change",
                   test_rotation_fails_after_change);
  g_test_add_func ("/confidant/ui/passphrase/window-recovery-key",
                   test_window_shows_new_recovery_key);
  return g_test_run ();
}
