/* cfd-spell-checker.h: spell checking for a text view with Enchant: misspellings underlined, suggestions in the context menu. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CFD_TYPE_SPELL_CHECKER (cfd_spell_checker_get_type ())
G_DECLARE_FINAL_TYPE (CfdSpellChecker, cfd_spell_checker, CFD, SPELL_CHECKER, GObject)

/* Checks view from now on, in the language of the user's locale (English
 * when no dictionary for it is installed); the checker lives as long as
 * view. NULL when no dictionary at all is installed. */
CfdSpellChecker *cfd_spell_checker_attach (GtkTextView *view);

/* Attaches a checker to every editable text view below root that has none. */
void cfd_spell_checker_attach_all (GtkWidget *root);

/* The installed dictionaries' languages, sorted, like "en_US". */
GStrv cfd_spell_checker_list_languages (void);

/* The language checked, like "en_US". */
const char *cfd_spell_checker_get_language (CfdSpellChecker *self);

/* TRUE when the word at offset (in characters) is underlined. */
gboolean cfd_spell_checker_is_misspelled_at (CfdSpellChecker *self, int offset);

/* Suggestions for the word at offset, as the context menu lists them;
 * NULL when it is spelled right. */
GStrv cfd_spell_checker_suggest_at (CfdSpellChecker *self, int offset);

/* Moves the context menu to the word at offset, as a right-click does. */
void cfd_spell_checker_set_menu_position (CfdSpellChecker *self, int offset);

G_END_DECLS
