/* cfd-crash-writer.c: saves patients in a loop and acknowledges each commit, until test-crash kills it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfd-test-util.h"

/* One line per event on stdout, written with write(2) so nothing waits in a
 * buffer: "P <name>" before a save (pending), "A <id> <name>" once an add
 * has committed, "E <id> <name>" once an edit has committed. */
static void
say (const char *line)
{
  gsize len = strlen (line);

  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, line, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      line += n;
      len -= (gsize)n;
    }
}

static GVariant *
details (const char *name)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, CFD_PATIENT_NAME, "s", name);
  g_variant_dict_insert (&dict, CFD_PATIENT_NOTES, "s",
                         "Integration session notes long enough to span a few hundred bytes, "
                         "so that each save writes more than one small cell. The patient "
                         "described a sense of spaciousness and returning memories of the sea.");
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* argv: vault folder, cycle number, id of the patient that edits rename,
 * whether to try a wrong passphrase first (which writes the keyring). */
int
main (int argc, char **argv)
{
  g_autoptr (CfdVault) vault = NULL;
  g_autoptr (GError) error = NULL;
  const char *moving_id;
  guint cycle;

  if (argc != 5 || !cfd_secure_init ())
    return 2;
  cfd_kdf_allow_weak_params_for_testing (TRUE);
  cycle = (guint)g_ascii_strtoull (argv[2], NULL, 10);
  moving_id = argv[3];

  vault = cfd_vault_open (argv[1], &error);
  if (vault == NULL)
    {
      g_printerr ("open: %s\n", error->message);
      return 1;
    }
  if (g_str_equal (argv[4], "1"))
    {
      g_autoptr (GError) wrong = NULL;

      if (cfd_vault_unlock (vault, NULL, "not the passphrase", &wrong))
        return 1;
    }
  if (!cfd_vault_unlock (vault, NULL, CFD_TEST_PASSPHRASE, &error))
    {
      g_printerr ("unlock: %s\n", error->message);
      return 1;
    }

  for (guint n = 0;; n++)
    {
      g_autofree char *name = NULL;
      g_autofree char *line = NULL;
      g_autoptr (GVariant) d = NULL;

      if (n % 4 == 3)
        {
          name = g_strdup_printf ("Moving %u-%u", cycle, n);
          d = details (name);
          line = g_strdup_printf ("P %s\n", name);
          say (line);
          if (!cfd_vault_update_patient (vault, moving_id, d, &error))
            {
              g_printerr ("edit: %s\n", error->message);
              return 1;
            }
          g_free (line);
          line = g_strdup_printf ("E %s %s\n", moving_id, name);
          say (line);
        }
      else
        {
          g_autofree char *id = NULL;

          name = g_strdup_printf ("Patient %u-%u", cycle, n);
          d = details (name);
          line = g_strdup_printf ("P %s\n", name);
          say (line);
          id = cfd_vault_add_patient (vault, d, &error);
          if (id == NULL)
            {
              g_printerr ("add: %s\n", error->message);
              return 1;
            }
          g_free (line);
          line = g_strdup_printf ("A %s %s\n", id, name);
          say (line);
        }
    }
}
