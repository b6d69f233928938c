/* cfd-crash-writer.c: saves patients in a loop and acknowledges each commit, until test-crash kills it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfd-record.h"
#include "cfd-test-util.h"

/* One line per event on stdout, written with write(2) so nothing waits in a
 * buffer: "P <text>" before a save (pending); once it has committed,
 * "A <id> <name>" for an added patient, "E <id> <name>" for a rename,
 * "R <id> <revision> <text>" for a record created or saved as a draft,
 * "S <id>" for a record signed. */
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

static void
announce (const char *text)
{
  g_autofree char *line = g_strdup_printf ("P %s\n", text);

  say (line);
}

static GVariant *
progress (const char *subjective)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subjective", "s", subjective);
  g_variant_dict_insert (&dict, "plan", "s",
                         "Continue weekly integration sessions; review the safety plan.");
  return g_variant_ref_sink (g_variant_dict_end (&dict));
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
  g_autofree char *record_id = NULL;
  guint revision = 0;
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

  /* Six saves in turn: add a patient, create a record (a draft), save the
   * draft twice with a rename of a patient between, sign the record. */
  for (guint n = 0;; n++)
    {
      g_autofree char *text = NULL;
      g_autofree char *line = NULL;
      g_autoptr (GVariant) d = NULL;
      gboolean ok = TRUE;

      switch (n % 6)
        {
          case 0:
            {
              g_autofree char *id = NULL;

              text = g_strdup_printf ("Patient %u-%u", cycle, n);
              d = details (text);
              announce (text);
              id = cfd_vault_add_patient (vault, d, &error);
              ok = id != NULL;
              line = g_strdup_printf ("A %s %s\n", id, text);
              break;
            }
          case 3:
            text = g_strdup_printf ("Moving %u-%u", cycle, n);
            d = details (text);
            announce (text);
            ok = cfd_vault_update_patient (vault, moving_id, d, &error);
            line = g_strdup_printf ("E %s %s\n", moving_id, text);
            break;
          case 1:
            text = g_strdup_printf ("Note %u-%u", cycle, n);
            d = progress (text);
            announce (text);
            g_clear_pointer (&record_id, g_free);
            record_id = cfd_vault_create_record (vault, moving_id, CFD_RECORD_PROGRESS, 1700000000,
                                                 d, &error);
            ok = record_id != NULL;
            revision = 1;
            line = g_strdup_printf ("R %s %u %s\n", record_id, revision, text);
            break;
          case 2:
          case 4:
            text = g_strdup_printf ("Note %u-%u", cycle, n);
            d = progress (text);
            announce (text);
            ok = cfd_vault_save_draft (vault, record_id, 1700000000 + n, d, &error);
            revision++;
            line = g_strdup_printf ("R %s %u %s\n", record_id, revision, text);
            break;
          case 5:
            text = g_strdup_printf ("sign %s", record_id);
            announce (text);
            ok = cfd_vault_sign_record (vault, record_id, &error);
            line = g_strdup_printf ("S %s\n", record_id);
            break;
          default:
            g_assert_not_reached ();
        }
      if (!ok)
        {
          g_printerr ("save %u: %s\n", n % 6, error->message);
          return 1;
        }
      say (line);
    }
}
