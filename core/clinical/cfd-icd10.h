/* cfd-icd10.h: the ICD-10-CM codes offered when a problem is added, searchable. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *code;
  const char *title;
} CfdIcd10Code;

/* The codes of data/codes/icd10cm-kat.tsv, in its order; they live as long
 * as the process. */
const CfdIcd10Code *cfd_icd10_codes (guint *n_codes);

/* The title of a listed code, NULL for a code not in the list (which may
 * still be a real code: the list is a help, not a limit). */
const char *cfd_icd10_title (const char *code);

/* The listed codes that start with the query (case-insensitive, "f33"),
 * or whose title holds every word of it ("recurrent moderate"); at most
 * max of them, in the list's order. Borrowed entries. */
GPtrArray *cfd_icd10_search (const char *query, guint max);

G_END_DECLS
