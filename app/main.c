/* main.c: the Confidant desktop app. */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "cfd-application.h"
#include "confidant.h"

int
main (int argc, char *argv[])
{
  g_autoptr (CfdApplication) app = NULL;

  /* Before anything can hold a key or a patient's words. */
  cfd_secure_harden_process ();
  if (!cfd_secure_init ())
    g_error ("Could not initialise the cryptography library");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = cfd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
