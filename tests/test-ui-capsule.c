/* test-ui-capsule.c: the supervision window and a capsule's read-only view, on two real vaults. */
#include "config.h"

#include <adwaita.h>

#include "cfd-capsule.h"
#include "cfd-consent.h"
#include "cfd-record.h"
#include "cfd-test-util.h"

#include "cfd-capsule-window.h"
#include "cfd-supervision-window.h"

#define PATIENT    "Perpetua Lanthorn"
#define NOTE       "Breathing practice helped with the evening dread"
#define SUPERVISOR "Dr Isolde Remote"

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;
  guint ticker = g_timeout_add (10, tick, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
}

static gboolean
tree_has_text (GtkWidget *root, const char *needle)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (tree_has_text (child, needle))
      return TRUE;
  return FALSE;
}

static gpointer
find_toplevel (GType type)
{
  gpointer found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* A therapist's vault sends a capsule to a supervisor's own vault. */
static char *
share (CfdVault *therapist, CfdVault *supervisor, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *card = g_build_filename (dir, "card", NULL);
  g_autofree char *file = g_build_filename (dir, "capsule", NULL);
  g_autofree char *patient = cfd_test_add_patient (therapist, PATIENT);
  g_autofree char *user = NULL;
  g_autofree char *consent = NULL;
  g_autofree char *record = NULL;
  g_autofree char *exported = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) content = NULL;
  CfdConsentTerms terms = {
    .supervisor = SUPERVISOR,
    .scope = CFD_CONSENT_SCOPE_ALL,
    .purpose = "Remote supervision",
    .obtained_on = "2026-11-01",
    .method = "signed form",
  };

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", NOTE);
  content = g_variant_ref_sink (g_variant_dict_end (&dict));
  record = cfd_vault_create_record (therapist, patient, CFD_RECORD_PROGRESS,
                                    g_get_real_time () / G_USEC_PER_SEC - 3600, content, &error);
  g_assert_no_error (error);
  g_assert_true (cfd_vault_sign_record (therapist, record, &error));
  g_assert_true (cfd_vault_export_supervisor_card (supervisor, card, NULL, &error));
  user = cfd_vault_import_supervisor_card (therapist, card, NULL, &error);
  g_assert_no_error (error);
  consent = cfd_vault_grant_consent (therapist, patient, &terms, &error);
  g_assert_no_error (error);
  exported = cfd_vault_export_capsule (therapist, consent, file, NULL, &error);
  g_assert_no_error (error);
  return cfd_vault_import_capsule (supervisor, file, &error);
}

static void
test_capsule_view (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cfd_test_make_dir ();
  g_autofree char *supervisor_path = cfd_test_make_dir ();
  g_autofree char *recovery = NULL;
  g_autoptr (CfdVault) therapist = cfd_test_vault_new (NULL, NULL);
  g_autoptr (CfdVault) supervisor
      = cfd_vault_create (supervisor_path, SUPERVISOR, CFD_TEST_PASSPHRASE, &recovery, &error);
  g_autofree char *capsule_id = NULL;
  CfdSupervisionWindow *window;
  CfdCapsuleWindow *view;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  capsule_id = share (therapist, supervisor, dir);
  g_assert_nonnull (capsule_id);

  window = cfd_supervision_window_new (NULL, supervisor);
  gtk_window_present (GTK_WINDOW (window));
  spin (50);
  g_assert_cmpuint (cfd_supervision_window_get_n_capsules (window), ==, 1);
  g_assert_true (tree_has_text (GTK_WIDGET (window), "From Test Owner"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "supervision.open-capsule", "s",
                                             capsule_id));
  spin (50);
  view = find_toplevel (CFD_TYPE_CAPSULE_WINDOW);
  g_assert_nonnull (view);
  g_assert_cmpuint (cfd_capsule_window_get_n_records (view), ==, 1);
  g_assert_true (tree_has_text (GTK_WIDGET (view), "Read-only"));
  g_assert_true (tree_has_text (GTK_WIDGET (view), PATIENT));

  /* Locking takes both windows, and the decrypted text with them. */
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *)&view);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  cfd_vault_lock (supervisor);
  spin (50);
  g_assert_null (view);
  g_assert_null (window);
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  if (!gtk_init_check ())
    {
      g_test_skip ("No display to run the widgets on");
      return g_test_run ();
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, "gtk-enable-animations",
                FALSE, NULL);
  g_test_add_func ("/confidant/ui/capsule/view", test_capsule_view);
  return g_test_run ();
}
