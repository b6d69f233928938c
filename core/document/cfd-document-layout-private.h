/* cfd-document-layout-private.h: paragraphs laid out with Pango onto numbered pages of any cairo context. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* How a paragraph looks; the layout owns the fonts and spacing of each. */
typedef enum
{
  CFD_BLOCK_TITLE,      /* the cover's title */
  CFD_BLOCK_SUBTITLE,   /* the patient's name on the cover */
  CFD_BLOCK_SECTION,    /* "What this document contains" */
  CFD_BLOCK_RECORD,     /* a record's heading: kind and date */
  CFD_BLOCK_META,       /* author, signature, small and grey */
  CFD_BLOCK_FIELD,      /* "Label<tab>value" on one line */
  CFD_BLOCK_LABEL,      /* the label above a paragraph field */
  CFD_BLOCK_TEXT,       /* body text, indented under its label */
  CFD_BLOCK_PARAGRAPH,  /* plain text at the margin */
  CFD_BLOCK_TABLE_HEAD, /* tab-separated column heads */
  CFD_BLOCK_TABLE_ROW,  /* tab-separated cells */
  CFD_BLOCK_NOTICE,     /* a boxed statement on the cover */
  CFD_BLOCK_RULE,       /* a thin line between records */
  CFD_BLOCK_SPACE,      /* a little room, after a table */
  CFD_BLOCK_PAGE_BREAK,
} CfdBlockStyle;

typedef struct _CfdDocumentLayout CfdDocumentLayout;

/* header: repeated at the top of every page but the first (may be NULL);
 * footer: at the bottom of every page, beside "Page n of N". Both are
 * plain text and are wiped with the blocks when the layout is freed. */
CfdDocumentLayout *cfd_document_layout_new (const char *header, const char *footer);
void cfd_document_layout_free (CfdDocumentLayout *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdDocumentLayout, cfd_document_layout_free)

/* text is plain text (escaped here); patient text is wiped at free. */
void cfd_document_layout_add (CfdDocumentLayout *self, CfdBlockStyle style, const char *text);
/* The same with Pango markup the caller built with g_markup_printf_escaped. */
void
cfd_document_layout_add_markup (CfdDocumentLayout *self, CfdBlockStyle style, const char *markup);

/* Breaks the blocks into pages of width x height (the cairo context's user
 * units, taken as points) and returns their number, at least 1. */
guint
cfd_document_layout_paginate (CfdDocumentLayout *self, cairo_t *cr, double width, double height);
/* The number of blocks added so far: the index the next block will get. */
guint cfd_document_layout_get_n_blocks (CfdDocumentLayout *self);
/* Where the first line of a block landed in the last pagination: its page
 * (0-based) and the top of the line in points. FALSE when it was not
 * placed (a rule at the top of a page, a break, or no pagination yet). */
gboolean
cfd_document_layout_find_block (CfdDocumentLayout *self, guint block, guint *page, double *y);
/* Draws one page (0-based) of the last pagination at the context's origin. */
void cfd_document_layout_draw_page (CfdDocumentLayout *self, cairo_t *cr, guint page);

G_END_DECLS
