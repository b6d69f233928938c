/* cfd-test-ui.c: what the widget tests and the screenshot tools share: starting GTK, finding widgets and text, running the main loop. */
#include "config.h"

#include <string.h>

#include "cfd-test-ui.h"

/* Slow workers (a backup at full KDF strength under valgrind) take tens of
 * seconds; a wait that long has hung, not lagged. */
#define WAIT_SECONDS 60

gboolean
cfd_test_ui_init (void)
{
  if (!gtk_init_check ())
    return FALSE;
  adw_init ();
  /* GTK 4.8 warns from the cursor-blink timeout when a focused entry turns
   * insensitive (as the passphrase row does while the KDF runs); without
   * animations a page or dialog is in place as soon as it is asked for. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, "gtk-enable-animations",
                FALSE, NULL);
  return TRUE;
}

GtkWidget *
cfd_test_ui_find_widget (GtkWidget *root, const char *id)
{
  const char *buildable_id
      = GTK_IS_BUILDABLE (root) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)) : NULL;

  if (g_strcmp0 (buildable_id, id) == 0 || g_strcmp0 (gtk_widget_get_name (root), id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cfd_test_ui_find_widget (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
cfd_test_ui_get_widget (GtkWidget *root, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  GtkWidget *widget = root;

  for (guint i = 0; parts[i] != NULL && widget != NULL; i++)
    widget = cfd_test_ui_find_widget (widget, parts[i]);
  if (widget == NULL)
    g_error ("No widget %s in the window", path);
  return widget;
}

gboolean
cfd_test_ui_has_label (GtkWidget *root, const char *needle)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (cfd_test_ui_has_label (child, needle))
      return TRUE;
  return FALSE;
}

char *
cfd_test_ui_text_view_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

gboolean
cfd_test_ui_has_text (GtkWidget *root, const char *needle)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), needle) != NULL)
    return TRUE;
  if (GTK_IS_EDITABLE (root)
      && strstr (gtk_editable_get_text (GTK_EDITABLE (root)), needle) != NULL)
    return TRUE;
  if (GTK_IS_TEXT_VIEW (root))
    {
      g_autofree char *text = cfd_test_ui_text_view_text (root);

      if (strstr (text, needle) != NULL)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (cfd_test_ui_has_text (child, needle))
      return TRUE;
  return FALSE;
}

gboolean
cfd_test_ui_any_window_has_text (const char *needle)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (cfd_test_ui_has_text (toplevel, needle))
        return TRUE;
    }
  return FALSE;
}

GtkWidget *
cfd_test_ui_find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cfd_test_ui_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gpointer
cfd_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      /* The toplevel list keeps its own reference: ours can go at once. */
      g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
cfd_test_ui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;
  /* Keeps the blocking iteration waking up when nothing else happens. */
  guint ticker = g_timeout_add (10, tick, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
}

void
cfd_test_ui_wait_until (CfdTestUiCondition cond, gconstpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  /* Some conditions change in worker threads, with no event to wake the
   * loop: the ticker makes it look again. */
  guint ticker = g_timeout_add (10, tick, NULL);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (ticker);
}
