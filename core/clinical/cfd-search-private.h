/* cfd-search-private.h: the text folding behind search, shared by the index and its tests. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* Folds text for matching: canonical decomposition, combining marks
 * dropped, lower case. Writes at most out_size bytes when out is not NULL
 * and returns the folded length either way, so a caller can size a
 * guarded buffer first. */
gsize cfd_search_fold (const char *text, gsize len, guint8 *out, gsize out_size);

/* A short extract of text around the first place that folds to folded
 * query, or NULL when there is none. Freed with cfd_wipe_string. */
char *cfd_search_snippet (const char *text, const guint8 *query, gsize query_len);

G_END_DECLS
