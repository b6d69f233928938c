/* cfd-help-window.c: the user guide, a page of the app opened with F1. */
#include "config.h"

#include "cfd-help-window.h"

/* The guide for a machine without a help viewer: the Mallard pages of
 * help/C say the same (tests/help/check-guide-sync.py compares them), and
 * here its strings are translated with the rest of the interface. */
struct _CfdHelpWindow
{
  AdwWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (CfdHelpWindow, cfd_help_window, ADW_TYPE_WINDOW)

static void
cfd_help_window_class_init (CfdHelpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-help-window.ui");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cfd_help_window_init (CfdHelpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfdHelpWindow *
cfd_help_window_new (GtkWindow *parent)
{
  return g_object_new (CFD_TYPE_HELP_WINDOW, "transient-for", parent, NULL);
}
