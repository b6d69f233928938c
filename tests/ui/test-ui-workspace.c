/* test-ui-workspace.c: the patient list is sorted by family name and counted, the main menu names who is signed in, toasts replace each other. */
#include "config.h"

#include <adwaita.h>

#include "confidant.h"
#include "cfd-test-ui.h"
#include "cfd-test-util.h"

#include "cfd-ui-util.h"
#include "cfd-workspace.h"

static char *
add_patient (CfdVault *vault, const char *name)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GError) error = NULL;
  char *id;

  g_variant_builder_add (&builder, "{sv}", CFD_PATIENT_NAME, g_variant_new_string (name));
  id = cfd_vault_add_patient (vault, g_variant_builder_end (&builder), &error);
  g_assert_no_error (error);
  return id;
}

static const char *
shown_name (GtkListView *list, guint position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (list));
  g_autoptr (CfdPatient) patient = g_list_model_get_item (model, position);

  /* The patient stays alive in the model: the name outlives this ref. */
  return cfd_patient_get_name (patient);
}

static void
test_list_and_menu (void)
{
  g_autoptr (CfdVault) vault = cfd_test_vault_new (NULL, NULL);
  g_autofree char *a = add_patient (vault, "Zoe Adams");
  g_autofree char *b = add_patient (vault, "Aaron Young");
  g_autofree char *c = add_patient (vault, "mia brown");
  GtkWidget *window = adw_application_window_new (NULL);
  GtkWidget *overlay = adw_toast_overlay_new ();
  CfdWorkspace *workspace = g_object_new (CFD_TYPE_WORKSPACE, NULL);
  GtkListView *list;
  AdwWindowTitle *title;
  GMenuModel *menu;
  g_autofree char *user_label = NULL;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (workspace));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  cfd_workspace_set_vault (workspace, vault);
  list = GTK_LIST_VIEW (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "patient_list"));
  title = ADW_WINDOW_TITLE (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "sidebar_title"));

  /* By family name, whatever the case; shown as written. */
  g_assert_cmpstr (shown_name (list, 0), ==, "Zoe Adams");
  g_assert_cmpstr (shown_name (list, 1), ==, "mia brown");
  g_assert_cmpstr (shown_name (list, 2), ==, "Aaron Young");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "3 patients");

  gtk_editable_set_text (
      GTK_EDITABLE (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "filter_entry")), "young");
  g_signal_emit_by_name (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "filter_entry"),
                         "search-changed");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "1 of 3");

  /* Who is signed in heads the main menu, once, however often it is set. */
  cfd_workspace_set_vault (workspace, vault);
  menu = gtk_menu_button_get_menu_model (
      GTK_MENU_BUTTON (cfd_test_ui_find_widget (GTK_WIDGET (workspace), "main_menu_button")));
  {
    g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autoptr (GMenuModel) next = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
    g_autofree char *next_label = NULL;

    g_assert_true (
        g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_LABEL, "s", &user_label));
    g_assert_cmpstr (user_label, ==, "Signed in as Test Owner (Owner)");
    /* The item does nothing when chosen. */
    g_assert_false (
        g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", NULL));
    g_assert_true (
        g_menu_model_get_item_attribute (next, 0, G_MENU_ATTRIBUTE_LABEL, "s", &next_label));
    g_assert_cmpstr (next_label, ==, "_Search Notes");
  }

  /* Locked: neither the names nor the user are left behind. */
  cfd_workspace_clear (workspace);
  {
    g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autofree char *label = NULL;

    g_assert_true (
        g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, "_Search Notes");
  }
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "");

  /* Two messages in a row: the second replaces the first. */
  cfd_ui_toast (GTK_WIDGET (workspace), "The first message, now stale");
  cfd_ui_toast (GTK_WIDGET (workspace), "The second message, the one that matters");
  cfd_test_ui_spin (500);
  g_assert_true (cfd_test_ui_has_label (window, "the one that matters"));
  g_assert_false (cfd_test_ui_has_label (window, "now stale"));

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
  g_test_add_func ("/confidant/ui/workspace/list-and-menu", test_list_and_menu);
  return g_test_run ();
}
