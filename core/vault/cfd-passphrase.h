/* cfd-passphrase.h: how hard a passphrase is to guess, for the strength meter and its minimum. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* libpwquality with the system's cracklib word list. */
  CFD_PASSPHRASE_CHECKED,
  /* Confidant's own estimate: the word list is not installed, or broken.
   * It knows no words, so it is stricter about length instead. */
  CFD_PASSPHRASE_ESTIMATED,
} CfdPassphraseMethod;

typedef struct _CfdPassphraseChecker CfdPassphraseChecker;

/* dictionary: a cracklib word list (without ".pwd") to use instead of the
 * system's; NULL for the system's. A missing or unreadable list never
 * refuses every passphrase: the checker falls back to its estimate. */
CfdPassphraseChecker *cfd_passphrase_checker_new (const char *dictionary);
void cfd_passphrase_checker_free (CfdPassphraseChecker *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdPassphraseChecker, cfd_passphrase_checker_free)

#ifdef CFD_TESTING
/* Makes cfd_passphrase_checker_new (NULL) use this word list instead of
 * the system's (NULL: the system's again), so tests can take it away. */
void cfd_passphrase_set_dictionary_for_testing (const char *dictionary);
#endif

CfdPassphraseMethod cfd_passphrase_checker_get_method (CfdPassphraseChecker *self);

/* A score from 0 (guessable) to 100 (strong), or -1 when the passphrase is
 * below the minimum; then *problem (if not NULL) says why in a sentence
 * that never repeats the passphrase. user_name, if not NULL, counts
 * against a passphrase that contains it. */
int cfd_passphrase_checker_rate (CfdPassphraseChecker *self,
                                 const char *passphrase,
                                 const char *user_name,
                                 char **problem);

/* Confidant's own estimate alone, in bits, as used when there is no word
 * list: see cfd-passphrase.c for the rule. */
double cfd_passphrase_estimate_bits (const char *passphrase);

G_END_DECLS
