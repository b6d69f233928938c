/* cfd-passphrase-meter.h: the strength bar and its words under a new passphrase, from core's scorer. */
#pragma once

#include <gtk/gtk.h>

#include "confidant.h"

G_BEGIN_DECLS

/* Gives the bar the colours of the words beside it. */
void cfd_passphrase_meter_init (GtkLevelBar *bar);

/* Rates passphrase (counting user_name, if not NULL, against it), shows
 * the result in bar and label and returns the score: -1 when it is empty
 * or below the policy's minimum. */
int cfd_passphrase_meter_update (CfdPassphraseChecker *checker,
                                 GtkLevelBar *bar,
                                 GtkLabel *label,
                                 const char *passphrase,
                                 const char *user_name);

G_END_DECLS
