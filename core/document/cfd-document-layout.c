/* cfd-document-layout.c: paragraphs laid out with Pango onto numbered pages of any cairo context. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <pango/pangocairo.h>

#include "cfd-document-layout-private.h"
#include "cfd-secure-private.h"

/* Points: the PDF surface's unit, and the unit GtkPrintOperation is set to. */
#define MARGIN_X      56.0
#define MARGIN_TOP    64.0
#define MARGIN_BOTTOM 64.0
#define FIELD_TAB     150.0
#define TABLE_TAB     84.0
#define RULE_SPACE    14.0
#define CHROME_FONT   "Sans 7.5"

typedef struct
{
  double top; /* of the line's logical box, from the layout's top */
  double height;
  double baseline;
  double x;
} LineInfo;

typedef struct
{
  CfdBlockStyle style;
  char *markup;
  PangoLayout *layout;
  GArray *lines; /* LineInfo */
} Block;

typedef struct
{
  guint block;
  guint line;
  double y;
} Placement;

struct _CfdDocumentLayout
{
  char *header;
  char *footer;
  GPtrArray *blocks; /* Block */
  GPtrArray *pages;  /* GArray of Placement */
  PangoContext *context;
  double width;
  double height;
};

static const struct
{
  const char *font;
  double before;
  double after;
  double indent;
  double grey;
  gboolean keep_with_next;
} styles[] = {
  [CFD_BLOCK_TITLE] = { "Sans Bold 20", 0, 4, 0, 0.10, TRUE },
  [CFD_BLOCK_SUBTITLE] = { "Sans 15", 2, 18, 0, 0.10, FALSE },
  [CFD_BLOCK_SECTION] = { "Sans Bold 10.5", 16, 6, 0, 0.10, TRUE },
  [CFD_BLOCK_RECORD] = { "Sans Bold 12", 4, 2, 0, 0.10, TRUE },
  [CFD_BLOCK_META] = { "Sans 8", 0, 8, 0, 0.40, TRUE },
  [CFD_BLOCK_FIELD] = { "Sans 9", 0, 3, 12, 0.10, FALSE },
  [CFD_BLOCK_LABEL] = { "Sans Bold 9", 4, 2, 12, 0.10, TRUE },
  [CFD_BLOCK_TEXT] = { "Serif 10", 0, 6, 24, 0.05, FALSE },
  [CFD_BLOCK_PARAGRAPH] = { "Sans 9", 6, 4, 12, 0.25, FALSE },
  [CFD_BLOCK_TABLE_HEAD] = { "Sans Bold 8", 2, 2, 24, 0.25, TRUE },
  [CFD_BLOCK_TABLE_ROW] = { "Sans 8.5", 0, 1, 24, 0.10, FALSE },
  [CFD_BLOCK_NOTICE] = { "Sans 9.5", 6, 6, 10, 0.10, FALSE },
  [CFD_BLOCK_RULE] = { NULL, 0, 0, 0, 0, FALSE },
  [CFD_BLOCK_SPACE] = { NULL, 0, 0, 0, 0, FALSE },
  [CFD_BLOCK_PAGE_BREAK] = { NULL, 0, 0, 0, 0, FALSE },
};

static void
block_free (gpointer data)
{
  Block *block = data;

  /* The markup holds patient text: wiped, not just freed. */
  cfd_wipe_string (block->markup);
  g_clear_object (&block->layout);
  g_clear_pointer (&block->lines, g_array_unref);
  g_free (block);
}

CfdDocumentLayout *
cfd_document_layout_new (const char *header, const char *footer)
{
  CfdDocumentLayout *self = g_new0 (CfdDocumentLayout, 1);

  self->header = g_strdup (header);
  self->footer = g_strdup (footer);
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  return self;
}

void
cfd_document_layout_free (CfdDocumentLayout *self)
{
  if (self == NULL)
    return;
  cfd_wipe_string (self->header);
  g_free (self->footer);
  g_ptr_array_unref (self->blocks);
  g_ptr_array_unref (self->pages);
  g_clear_object (&self->context);
  g_free (self);
}

void
cfd_document_layout_add_markup (CfdDocumentLayout *self, CfdBlockStyle style, const char *markup)
{
  Block *block = g_new0 (Block, 1);

  block->style = style;
  block->markup = g_strdup (markup != NULL ? markup : "");
  g_ptr_array_add (self->blocks, block);
}

void
cfd_document_layout_add (CfdDocumentLayout *self, CfdBlockStyle style, const char *text)
{
  char *markup = g_markup_escape_text (text != NULL ? text : "", -1);

  cfd_document_layout_add_markup (self, style, markup);
  cfd_wipe_string (markup);
}

static PangoTabArray *
tabs_for (CfdBlockStyle style, double width)
{
  PangoTabArray *tabs;
  guint n;

  if (style == CFD_BLOCK_FIELD)
    {
      tabs = pango_tab_array_new (1, TRUE);
      pango_tab_array_set_tab (tabs, 0, PANGO_TAB_LEFT, (int)FIELD_TAB);
      return tabs;
    }
  n = (guint)(width / TABLE_TAB) + 1;
  tabs = pango_tab_array_new ((int)n, TRUE);
  for (guint i = 0; i < n; i++)
    pango_tab_array_set_tab (tabs, (int)i, PANGO_TAB_LEFT, (int)(TABLE_TAB * (i + 1)));
  return tabs;
}

static void
layout_block (CfdDocumentLayout *self, Block *block, double content_width)
{
  g_autoptr (PangoFontDescription) font
      = pango_font_description_from_string (styles[block->style].font);
  double width = content_width - styles[block->style].indent;
  PangoLayoutIter *iter;

  if (block->layout != NULL)
    return; /* laid out already in this pagination, as a heading's follower */
  block->layout = pango_layout_new (self->context);
  pango_layout_set_font_description (block->layout, font);
  pango_layout_set_width (block->layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap (block->layout, PANGO_WRAP_WORD_CHAR);
  if (block->style == CFD_BLOCK_TEXT)
    pango_layout_set_spacing (block->layout, (int)(2 * PANGO_SCALE));
  if (block->style == CFD_BLOCK_FIELD || block->style == CFD_BLOCK_TABLE_HEAD
      || block->style == CFD_BLOCK_TABLE_ROW)
    {
      PangoTabArray *tabs = tabs_for (block->style, width);

      pango_layout_set_tabs (block->layout, tabs);
      pango_tab_array_free (tabs);
    }
  /* A long value continues under itself, not under its label. */
  if (block->style == CFD_BLOCK_FIELD)
    pango_layout_set_indent (block->layout, (int)(-FIELD_TAB * PANGO_SCALE));
  pango_layout_set_markup (block->layout, block->markup, -1);

  block->lines = g_array_new (FALSE, TRUE, sizeof (LineInfo));
  iter = pango_layout_get_iter (block->layout);
  do
    {
      PangoRectangle logical;
      int y0, y1;
      LineInfo info;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      info.top = (double)y0 / PANGO_SCALE;
      info.height = (double)(y1 - y0) / PANGO_SCALE;
      info.baseline = (double)pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      info.x = (double)logical.x / PANGO_SCALE;
      g_array_append_val (block->lines, info);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static double
block_height (Block *block)
{
  const LineInfo *last;

  if (block->lines == NULL || block->lines->len == 0)
    return 0;
  last = &g_array_index (block->lines, LineInfo, block->lines->len - 1);
  return last->top + last->height;
}

static GArray *
new_page (CfdDocumentLayout *self)
{
  GArray *page = g_array_new (FALSE, FALSE, sizeof (Placement));

  g_ptr_array_add (self->pages, page);
  return page;
}

guint
cfd_document_layout_paginate (CfdDocumentLayout *self, cairo_t *cr, double width, double height)
{
  double content_width = width - 2 * MARGIN_X;
  double top = MARGIN_TOP, bottom = height - MARGIN_BOTTOM;
  double y = top;
  GArray *page;

  g_clear_object (&self->context);
  self->context = pango_cairo_create_context (cr);
  /* One point per unit, whatever the device: the fonts keep their size on
   * paper and in the PDF alike. */
  pango_cairo_context_set_resolution (self->context, 72.0);
  self->width = width;
  self->height = height;
  g_ptr_array_set_size (self->pages, 0);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);

      g_clear_object (&block->layout);
      g_clear_pointer (&block->lines, g_array_unref);
    }
  page = new_page (self);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);

      if (block->style == CFD_BLOCK_PAGE_BREAK)
        {
          if (page->len > 0)
            {
              page = new_page (self);
              y = top;
            }
          continue;
        }
      if (block->style == CFD_BLOCK_SPACE)
        {
          if (y > top)
            y += 6;
          continue;
        }
      if (block->style == CFD_BLOCK_RULE)
        {
          Placement p = { i, 0, y };

          if (y == top)
            continue; /* a rule at the top of a page separates nothing */
          if (y + RULE_SPACE > bottom)
            {
              page = new_page (self);
              y = top;
              continue; /* a rule at the top of a page separates nothing */
            }
          g_array_append_val (page, p);
          y += RULE_SPACE;
          continue;
        }

      layout_block (self, block, content_width);
      if (y > top)
        y += styles[block->style].before;
      if (styles[block->style].keep_with_next)
        {
          double need = block_height (block);

          /* A heading carries the first line (or heading) of what follows. */
          for (guint j = i + 1; j < self->blocks->len; j++)
            {
              Block *next = g_ptr_array_index (self->blocks, j);

              if (next->style == CFD_BLOCK_PAGE_BREAK || next->style == CFD_BLOCK_RULE
                  || next->style == CFD_BLOCK_SPACE)
                break;
              layout_block (self, next, content_width);
              need += styles[next->style].before + g_array_index (next->lines, LineInfo, 0).height;
              if (!styles[next->style].keep_with_next)
                break;
              need += block_height (next) - g_array_index (next->lines, LineInfo, 0).height;
            }
          if (y + need > bottom && y > top)
            {
              page = new_page (self);
              y = top;
            }
        }
      for (guint l = 0; l < block->lines->len; l++)
        {
          const LineInfo *info = &g_array_index (block->lines, LineInfo, l);
          Placement p;

          if (y + info->height > bottom && y > top)
            {
              page = new_page (self);
              y = top;
            }
          p = (Placement){ i, l, y };
          g_array_append_val (page, p);
          y += info->height;
        }
      y += styles[block->style].after;
    }
  if (page->len == 0 && self->pages->len > 1)
    g_ptr_array_set_size (self->pages, self->pages->len - 1);
  return self->pages->len;
}

guint
cfd_document_layout_get_n_blocks (CfdDocumentLayout *self)
{
  return self->blocks->len;
}

gboolean
cfd_document_layout_find_block (CfdDocumentLayout *self, guint block, guint *page, double *y)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      GArray *placements = g_ptr_array_index (self->pages, i);

      for (guint j = 0; j < placements->len; j++)
        {
          const Placement *p = &g_array_index (placements, Placement, j);

          if (p->block == block)
            {
              *page = i;
              *y = p->y;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static void
draw_chrome_text (CfdDocumentLayout *self,
                  cairo_t *cr,
                  const char *text,
                  double x,
                  double y,
                  gboolean right_aligned)
{
  g_autoptr (PangoLayout) layout = pango_layout_new (self->context);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string (CHROME_FONT);
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int)((self->width - 2 * MARGIN_X) * 0.75 * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_size (layout, &w, &h);
  cairo_move_to (cr, right_aligned ? x - (double)w / PANGO_SCALE : x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_chrome (CfdDocumentLayout *self, cairo_t *cr, guint page)
{
  g_autofree char *number = g_strdup_printf (_ ("Page %u of %u"), page + 1, self->pages->len);
  double right = self->width - MARGIN_X;
  double footer_y = self->height - MARGIN_BOTTOM + 18;

  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  cairo_set_line_width (cr, 0.5);
  if (page > 0 && self->header != NULL)
    {
      draw_chrome_text (self, cr, self->header, MARGIN_X, MARGIN_TOP - 30, FALSE);
      cairo_move_to (cr, MARGIN_X, MARGIN_TOP - 16);
      cairo_line_to (cr, right, MARGIN_TOP - 16);
      cairo_stroke (cr);
    }
  cairo_move_to (cr, MARGIN_X, footer_y - 6);
  cairo_line_to (cr, right, footer_y - 6);
  cairo_stroke (cr);
  if (self->footer != NULL)
    draw_chrome_text (self, cr, self->footer, MARGIN_X, footer_y, FALSE);
  draw_chrome_text (self, cr, number, right, footer_y, TRUE);
}

/* A notice is drawn on a tinted panel with a bar on its left, line by line
 * so that it still reads as one panel when it runs over a page. */
static void
draw_notice_background (cairo_t *cr, double x, double y, double width, double height)
{
  cairo_set_source_rgb (cr, 0.94, 0.95, 0.97);
  cairo_rectangle (cr, x - 10, y - 1, width + 10, height + 2);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.30, 0.40, 0.60);
  cairo_rectangle (cr, x - 10, y - 1, 2.5, height + 2);
  cairo_fill (cr);
}

void
cfd_document_layout_draw_page (CfdDocumentLayout *self, cairo_t *cr, guint page)
{
  GArray *placements;

  g_return_if_fail (page < self->pages->len);
  placements = g_ptr_array_index (self->pages, page);
  cairo_save (cr);
  pango_cairo_update_context (cr, self->context);
  for (guint i = 0; i < placements->len; i++)
    {
      const Placement *p = &g_array_index (placements, Placement, i);
      Block *block = g_ptr_array_index (self->blocks, p->block);
      double x = MARGIN_X + styles[block->style].indent;
      const LineInfo *info;
      double grey;

      if (block->style == CFD_BLOCK_RULE)
        {
          cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
          cairo_set_line_width (cr, 0.6);
          cairo_move_to (cr, MARGIN_X, p->y + RULE_SPACE / 2);
          cairo_line_to (cr, self->width - MARGIN_X, p->y + RULE_SPACE / 2);
          cairo_stroke (cr);
          continue;
        }
      info = &g_array_index (block->lines, LineInfo, p->line);
      if (block->style == CFD_BLOCK_NOTICE)
        draw_notice_background (
            cr, x, p->y, self->width - 2 * MARGIN_X - styles[block->style].indent, info->height);
      grey = styles[block->style].grey;
      cairo_set_source_rgb (cr, grey, grey, grey);
      cairo_move_to (cr, x + info->x, p->y + info->baseline - info->top);
      pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (block->layout, p->line));
    }
  draw_chrome (self, cr, page);
  cairo_restore (cr);
}
