/* cfd-application.c: the Confidant application: one vault, its windows, locking. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-application.h"
#include "cfd-window.h"

struct _CfdApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (CfdApplication, cfd_application, ADW_TYPE_APPLICATION)

static void
cfd_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (cfd_window_new (CFD_APPLICATION (app)));
  gtk_window_present (window);
}

static void
cfd_application_class_init (CfdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = cfd_application_activate;
}

static void
cfd_application_init (CfdApplication *self)
{
}

CfdApplication *
cfd_application_new (void)
{
  return g_object_new (CFD_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, NULL);
}
