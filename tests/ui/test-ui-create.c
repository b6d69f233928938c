/* test-ui-create.c: the first-run page creates a vault whether or not the system has a word list. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cfd-crypto.h"
#include "cfd-passphrase.h"
#include "cfd-secure.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-window.h"

#define PASSPHRASE "orchard compass gently river 58"

static CfdWindow *window;

static GtkWidget *
get_widget (const char *path)
{
  return cfd_test_ui_get_widget (GTK_WIDGET (window), path);
}

static void
set_text (const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_widget (id)), text);
}

static gboolean
page_is (gconstpointer name)
{
  return g_strcmp0 (cfd_window_get_page_name (window), name) == 0;
}

static void
close_window (void)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = NULL;
}

/* On a machine without cracklib's word list (a fresh Debian install
 * without recommended packages), libpwquality refuses every passphrase
 * with "error loading dictionary". The page must still let a good
 * passphrase through, say that it estimated, and still refuse a weak one. */
static void
test_without_dictionary (void)
{
  g_autofree char *vault_dir = cfd_test_make_dir ();
  const char *strength;

  cfd_passphrase_set_dictionary_for_testing ("/nonexistent/confidant-test/cracklib_dict");
  window = cfd_window_new (NULL, vault_dir);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (cfd_window_get_page_name (window), ==, "create");

  set_text ("create_page/owner_row", "Dr Wren Fresh");
  set_text ("create_page/passphrase_row", "abc");
  set_text ("create_page/confirm_row", "abc");
  g_assert_false (gtk_widget_get_sensitive (get_widget ("create_page/create_button")));
  strength = gtk_label_get_label (GTK_LABEL (get_widget ("create_page/strength_label")));
  g_assert_nonnull (strstr (strength, "estimated"));

  set_text ("create_page/passphrase_row", PASSPHRASE);
  set_text ("create_page/confirm_row", PASSPHRASE);
  g_assert_true (gtk_widget_get_sensitive (get_widget ("create_page/create_button")));
  strength = gtk_label_get_label (GTK_LABEL (get_widget ("create_page/strength_label")));
  g_assert_nonnull (strstr (strength, "estimated"));

  g_assert_true (gtk_widget_activate_action (get_widget ("create_page"), "create.create", NULL));
  cfd_test_ui_wait_until (page_is, "recovery-key", "the recovery key page");
  g_assert_true (cfd_vault_exists (vault_dir));
  close_window ();
  cfd_passphrase_set_dictionary_for_testing (NULL);
}

/* With the system's word list the meter does not claim to estimate. */
static void
test_with_system_dictionary (void)
{
  g_autoptr (CfdPassphraseChecker) probe = cfd_passphrase_checker_new (NULL);
  g_autofree char *vault_dir = cfd_test_make_dir ();

  if (cfd_passphrase_checker_get_method (probe) != CFD_PASSPHRASE_CHECKED)
    {
      g_test_skip ("no cracklib word list on this machine");
      return;
    }
  window = cfd_window_new (NULL, vault_dir);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  set_text ("create_page/owner_row", "Dr Wren Fresh");
  set_text ("create_page/passphrase_row", PASSPHRASE);
  set_text ("create_page/confirm_row", PASSPHRASE);
  g_assert_true (gtk_widget_get_sensitive (get_widget ("create_page/create_button")));
  g_assert_null (strstr (
      gtk_label_get_label (GTK_LABEL (get_widget ("create_page/strength_label"))), "estimated"));
  close_window ();
}

int
main (int argc, char *argv[])
{
  /* Scratch folders, the weak test KDF and the log watch. */
  cfd_test_init (&argc, &argv);
  cfd_test_add_canary (PASSPHRASE);
  if (!cfd_test_ui_init ())
    {
      g_print ("1..0 # SKIP no display to run the window on\n");
      return 0;
    }
  g_test_add_func ("/confidant/ui/create/without-dictionary", test_without_dictionary);
  g_test_add_func ("/confidant/ui/create/with-system-dictionary", test_with_system_dictionary);
  return g_test_run ();
}
