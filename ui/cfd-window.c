/* cfd-window.c: the main window: first run, unlock, and the unlocked workspace. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-window.h"

struct _CfdWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (CfdWindow, cfd_window, ADW_TYPE_APPLICATION_WINDOW)

static void
cfd_window_class_init (CfdWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confidant/Confidant/cfd-window.ui");
}

static void
cfd_window_init (CfdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CfdWindow *
cfd_window_new (CfdApplication *app)
{
  return g_object_new (CFD_TYPE_WINDOW, "application", app, NULL);
}
