/* cfd-passphrase-meter.c: the strength bar and its words under a new passphrase, from core's scorer. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-passphrase-meter.h"

void
cfd_passphrase_meter_init (GtkLevelBar *bar)
{
  /* The bar takes the colour of the word beside it: Adwaita's own "high"
   * is the accent blue, which read as fine for a weak passphrase. The
   * bar's value is never below 5 once something is typed. */
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (bar, "weak", 39);
  gtk_level_bar_add_offset_value (bar, "fair", 69);
  gtk_level_bar_add_offset_value (bar, "good", 99);
  gtk_level_bar_add_offset_value (bar, "strong", 100);
}

static const char *
strength_word (int score)
{
  if (score < 40)
    return _ ("Weak: add more words");
  if (score < 70)
    return _ ("Fair");
  if (score < 100)
    return _ ("Good");
  return _ ("Strong");
}

int
cfd_passphrase_meter_update (CfdPassphraseChecker *checker,
                             GtkLevelBar *bar,
                             GtkLabel *label,
                             const char *passphrase,
                             const char *user_name)
{
  g_autofree char *problem = NULL;
  g_autofree char *message = NULL;
  int score;

  if (passphrase[0] == '\0')
    {
      gtk_level_bar_set_value (bar, 0);
      gtk_label_set_label (label, _ ("Use several unrelated words, or at least 12 characters"));
      return -1;
    }

  score = cfd_passphrase_checker_rate (checker, passphrase, user_name, &problem);
  gtk_level_bar_set_value (bar, score < 0 ? 5 : MAX (score, 10));
  /* Said plainly when the system's word list is missing, so a score is
   * not mistaken for a dictionary check that never ran. */
  if (cfd_passphrase_checker_get_method (checker) == CFD_PASSPHRASE_ESTIMATED)
    message = g_strdup_printf (_ ("%s (estimated: this computer has no word list to check "
                                  "against)"),
                               score < 0 ? problem : strength_word (score));
  else
    message = g_strdup (score < 0 ? problem : strength_word (score));
  gtk_label_set_label (label, message);
  return score;
}
