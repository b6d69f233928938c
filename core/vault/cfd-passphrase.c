/* cfd-passphrase.c: passphrase strength, from libpwquality or, without its word list, an estimate. */
#include "config.h"

#include <math.h>
#include <pwquality.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cfd-passphrase.h"

/* Below this many estimated bits a passphrase is refused: about what an
 * offline attacker guesses in days against one Argon2id (MODERATE) unlock
 * per core. See docs/SECURITY.md. */
#define MIN_ESTIMATED_BITS 28.0
/* At this many bits the meter is full. */
#define FULL_ESTIMATED_BITS 64.0
#define MIN_LENGTH          8
/* A word chosen by a person from a large vocabulary; deliberately lower
 * than a Diceware word (12.9 bits). */
#define BITS_PER_WORD    11.0
#define MIN_WORD_LETTERS 3

/* A random-looking string that no word list rejects: if libpwquality
 * still fails its dictionary check, the word list cannot be loaded. */
#define PROBE "Wq8#zR2!vN5^tL0&"

struct _CfdPassphraseChecker
{
  pwquality_settings_t *settings;
  CfdPassphraseMethod method;
};

#ifdef CFD_TESTING
static char *test_dictionary;

void
cfd_passphrase_set_dictionary_for_testing (const char *dictionary)
{
  g_free (test_dictionary);
  test_dictionary = g_strdup (dictionary);
}
#endif

static gboolean
dictionary_loads (pwquality_settings_t *settings)
{
  const char *path = NULL;
  g_autofree char *pwd = NULL;
  void *auxerror = NULL;

  /* Checked first so that cracklib does not print its own complaint about
   * a missing file on every start. */
  if (pwquality_get_str_value (settings, PWQ_SETTING_DICT_PATH, &path) != 0 || path == NULL)
    return FALSE;
  pwd = g_strconcat (path, ".pwd", NULL);
  if (access (pwd, R_OK) != 0)
    return FALSE;
  return pwquality_check (settings, PROBE, NULL, NULL, &auxerror) != PWQ_ERROR_CRACKLIB_CHECK;
}

CfdPassphraseChecker *
cfd_passphrase_checker_new (const char *dictionary)
{
  CfdPassphraseChecker *self = g_new0 (CfdPassphraseChecker, 1);

#ifdef CFD_TESTING
  if (dictionary == NULL)
    dictionary = test_dictionary;
#endif
  self->settings = pwquality_default_settings ();
  if (self->settings != NULL)
    {
      /* The system's policy file is optional: its defaults are sound. */
      pwquality_read_config (self->settings, NULL, NULL);
      if (dictionary != NULL)
        pwquality_set_str_value (self->settings, PWQ_SETTING_DICT_PATH, dictionary);
    }
  self->method = self->settings != NULL && dictionary_loads (self->settings)
                     ? CFD_PASSPHRASE_CHECKED
                     : CFD_PASSPHRASE_ESTIMATED;
  return self;
}

void
cfd_passphrase_checker_free (CfdPassphraseChecker *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->settings, pwquality_free_settings);
  g_free (self);
}

CfdPassphraseMethod
cfd_passphrase_checker_get_method (CfdPassphraseChecker *self)
{
  return self->method;
}

/* How many characters the set of classes used could have been. */
static double
alphabet_size (const char *passphrase)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE, wide = FALSE;

  for (const char *p = passphrase; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x80)
        wide = TRUE;
      else if (g_ascii_islower (c))
        lower = TRUE;
      else if (g_ascii_isupper (c))
        upper = TRUE;
      else if (g_ascii_isdigit (c))
        digit = TRUE;
      else
        other = TRUE;
    }
  return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0)
         + (wide ? 100 : 0);
}

/* Characters that repeat, or continue a run like "abc" or "321", add
 * (almost) nothing an attacker has to guess. */
static guint
effective_length (const char *passphrase)
{
  gunichar previous = 0;
  guint length = 0;

  for (const char *p = passphrase; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_unichar_tolower (g_utf8_get_char (p));

      if (previous == 0 || (c != previous && c != previous + 1 && c + 1 != previous))
        length++;
      previous = c;
    }
  return length;
}

/* Words of at least three letters, separated by anything else. */
static guint
count_words (const char *passphrase)
{
  guint words = 0, letters = 0;

  for (const char *p = passphrase;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalpha (c))
        {
          letters++;
          continue;
        }
      if (letters >= MIN_WORD_LETTERS)
        words++;
      letters = 0;
      if (c == 0)
        break;
    }
  return words;
}

/* The estimate: effective length times the bits of the alphabet in use,
 * halved because people choose, and no more than the words would give
 * when it reads as a phrase of four or more words. */
double
cfd_passphrase_estimate_bits (const char *passphrase)
{
  double size = alphabet_size (passphrase);
  double bits = size > 0 ? effective_length (passphrase) * log2 (size) / 2.0 : 0.0;
  guint words = count_words (passphrase);

  if (words >= 4)
    bits = MIN (bits, words * BITS_PER_WORD);
  return bits;
}

static int
rate_estimated (const char *passphrase, const char *user_name, char **problem)
{
  double bits;

  if (g_utf8_strlen (passphrase, -1) < MIN_LENGTH)
    {
      if (problem != NULL)
        *problem = g_strdup_printf (_ ("Too short: use at least %d characters"), MIN_LENGTH);
      return -1;
    }
  if (user_name != NULL && strlen (user_name) >= MIN_WORD_LETTERS)
    {
      g_autofree char *folded_pass = g_utf8_casefold (passphrase, -1);
      g_autofree char *folded_name = g_utf8_casefold (user_name, -1);

      if (strstr (folded_pass, folded_name) != NULL)
        {
          if (problem != NULL)
            *problem = g_strdup (_ ("Contains your name: choose words nobody links to you"));
          return -1;
        }
    }
  bits = cfd_passphrase_estimate_bits (passphrase);
  if (bits < MIN_ESTIMATED_BITS)
    {
      if (problem != NULL)
        *problem = g_strdup (_ ("Too easy to guess: add another word or more characters"));
      return -1;
    }
  return (int)MIN (100.0, bits * 100.0 / FULL_ESTIMATED_BITS);
}

int
cfd_passphrase_checker_rate (CfdPassphraseChecker *self,
                             const char *passphrase,
                             const char *user_name,
                             char **problem)
{
  void *auxerror = NULL;
  char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];
  int score;

  g_return_val_if_fail (self != NULL && passphrase != NULL, -1);

  if (problem != NULL)
    *problem = NULL;
  if (passphrase[0] == '\0')
    {
      if (problem != NULL)
        *problem = g_strdup (_ ("The passphrase is empty"));
      return -1;
    }
  if (self->method == CFD_PASSPHRASE_ESTIMATED)
    return rate_estimated (passphrase, user_name, problem);

  score = pwquality_check (self->settings, passphrase, NULL, user_name, &auxerror);
  if (score < 0)
    {
      /* Always called: for some errors it frees auxerror. Its messages
       * never quote the passphrase. */
      const char *message = pwquality_strerror (buffer, sizeof buffer, score, auxerror);

      if (problem != NULL)
        *problem = g_strdup (message);
      return -1;
    }
  return MIN (score, 100);
}
