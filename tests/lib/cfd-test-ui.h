/* cfd-test-ui.h: what the widget tests and the screenshot tools share: starting GTK, finding widgets and text, running the main loop. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef gboolean (*CfdTestUiCondition) (gconstpointer data);

/* Starts GTK and libadwaita, settled for driving widgets from code; FALSE,
 * with nothing started, when there is no display. */
gboolean cfd_test_ui_init (void);

/* The first widget below root (or root itself) whose buildable id or widget
 * name is id, depth first; NULL when there is none. */
GtkWidget *cfd_test_ui_find_widget (GtkWidget *root, const char *id);

/* "page/child" finds child inside page, since several pages share ids;
 * aborts when a part of the path is missing. */
GtkWidget *cfd_test_ui_get_widget (GtkWidget *root, const char *path);

/* TRUE when any label below root contains needle. */
gboolean cfd_test_ui_has_label (GtkWidget *root, const char *needle);

/* TRUE when any label, editable or text view below root contains needle. */
gboolean cfd_test_ui_has_text (GtkWidget *root, const char *needle);

/* cfd_test_ui_has_text over every toplevel: dialogs, popovers' roots, viewers. */
gboolean cfd_test_ui_any_window_has_text (const char *needle);

char *cfd_test_ui_text_view_text (GtkWidget *view);

/* The first button below root labelled exactly label, or NULL. */
GtkWidget *cfd_test_ui_find_button (GtkWidget *root, const char *label);

/* The first visible toplevel of type (transfer none), or NULL. */
gpointer cfd_test_ui_find_toplevel (GType type);

/* Runs the main loop for ms milliseconds, idle or not. */
void cfd_test_ui_spin (guint ms);

/* Runs the main loop until cond (data) holds; aborts, naming what, after a
 * minute. */
void cfd_test_ui_wait_until (CfdTestUiCondition cond, gconstpointer data, const char *what);

G_END_DECLS
