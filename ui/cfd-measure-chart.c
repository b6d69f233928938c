/* cfd-measure-chart.c: one instrument's totals over time, over its severity bands, with dosing sessions marked. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-measure-chart.h"
#include "cfd-ui-util.h"

#define MARGIN_LEFT   36.0
#define MARGIN_RIGHT  16.0
#define MARGIN_TOP    12.0
#define MARGIN_BOTTOM 30.0
#define HIT_RADIUS    12.0
#define DAY           (24 * 60 * 60)

struct _CfdMeasureChart
{
  GtkDrawingArea parent_instance;

  const CfdInstrumentDef *def; /* a banded instrument's; definitions are never freed */
  CfdMeasureSeries *series;
  /* The point or dosing mark under the pointer: -1 when none. */
  int hover_point;
  int hover_dosing;
};

G_DEFINE_FINAL_TYPE (CfdMeasureChart, cfd_measure_chart, GTK_TYPE_DRAWING_AREA)

enum
{
  PROP_0,
  PROP_INSTRUMENT,
  PROP_INSTRUMENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  double x, y, width, height;
  gint64 first, last;
  guint max_total;
} Layout;

static gboolean
compute_layout (CfdMeasureChart *self, double width, double height, Layout *layout)
{
  gint64 first, last;

  layout->x = MARGIN_LEFT;
  layout->y = MARGIN_TOP;
  layout->width = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1.0);
  layout->height = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1.0);
  layout->max_total = (guint)cfd_instrument_def_get_max_total (self->def);
  if (self->series == NULL || !cfd_measure_series_get_range (self->series, &first, &last))
    return FALSE;
  /* Half a week either side keeps the first and last point off the edges;
   * a single date gets a month around it. */
  if (last - first < DAY)
    {
      first -= 15 * DAY;
      last += 15 * DAY;
    }
  else
    {
      gint64 pad = MAX ((last - first) / 40, DAY / 2);
      first -= pad;
      last += pad;
    }
  layout->first = first;
  layout->last = last;
  return TRUE;
}

static double
x_for_time (const Layout *layout, gint64 time)
{
  return layout->x
         + (double)(time - layout->first) / (double)(layout->last - layout->first) * layout->width;
}

static double
y_for_total (const Layout *layout, double total)
{
  return layout->y + layout->height - total / layout->max_total * layout->height;
}

static const char *
instrument_title (CfdMeasureChart *self)
{
  return cfd_instrument_def_get_name (self->def);
}

static const char *
instrument_id (CfdMeasureChart *self)
{
  return cfd_instrument_def_get_id (self->def);
}

static void
hit_test (CfdMeasureChart *self, double x, double y, int *point, int *dosing)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double best = HIT_RADIUS;
  Layout layout;
  guint n;

  *point = -1;
  *dosing = -1;
  if (!compute_layout (self, width, height, &layout))
    return;
  n = cfd_measure_series_get_n_points_for (self->series, instrument_id (self));
  for (guint i = 0; i < n; i++)
    {
      const CfdMeasurePoint *p
          = cfd_measure_series_get_point_for (self->series, instrument_id (self), i);
      double d = hypot (x - x_for_time (&layout, p->occurred), y - y_for_total (&layout, p->total));

      if (d <= best)
        {
          best = d;
          *point = (int)i;
        }
    }
  if (*point >= 0)
    return;
  /* Dosing marks are vertical lines: any height over the plot counts. */
  if (y < layout.y || y > layout.y + layout.height + MARGIN_BOTTOM / 2)
    return;
  best = HIT_RADIUS / 2;
  n = cfd_measure_series_get_n_dosings (self->series);
  for (guint i = 0; i < n; i++)
    {
      double d = fabs (x - x_for_time (&layout, cfd_measure_series_get_dosing (self->series, i)));

      if (d <= best)
        {
          best = d;
          *dosing = (int)i;
        }
    }
}

static char *
describe (CfdMeasureChart *self, int point, int dosing)
{
  if (point >= 0)
    {
      const CfdMeasurePoint *p
          = cfd_measure_series_get_point_for (self->series, instrument_id (self), (guint)point);
      g_autofree char *date = cfd_ui_format_date (p->occurred);

      /* Translators: "PHQ-9 on 3 Mar 2026: 14, moderate" */
      return g_strdup_printf (_ ("%s on %s: %u, %s%s"), instrument_title (self), g_strstrip (date),
                              p->total, p->band_label, p->risk ? _ (" (risk item answered)") : "");
    }
  if (dosing >= 0)
    {
      g_autofree char *date
          = cfd_ui_format_date (cfd_measure_series_get_dosing (self->series, (guint)dosing));

      return g_strdup_printf (_ ("Dosing session on %s"), g_strstrip (date));
    }
  return NULL;
}

char *
cfd_measure_chart_describe_at (CfdMeasureChart *self, double x, double y)
{
  int point, dosing;

  g_return_val_if_fail (CFD_IS_MEASURE_CHART (self), NULL);
  hit_test (self, x, y, &point, &dosing);
  return describe (self, point, dosing);
}

static void
get_colors (GtkWidget *widget, GdkRGBA *fg, GdkRGBA *accent, GdkRGBA bands[5])
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  /* Adwaita's palette: the same hues read on light and dark backgrounds. */
  static const char *band_colors[] = { "green_4", "yellow_3", "orange_2", "orange_4", "red_3" };
  static const char *fallbacks[] = { "#2ec27e", "#f6d32d", "#ffa348", "#e66100", "#e01b24" };

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
  for (guint i = 0; i < 5; i++)
    if (!gtk_style_context_lookup_color (context, band_colors[i], &bands[i]))
      gdk_rgba_parse (&bands[i], fallbacks[i]);
}

static void
set_color (cairo_t *cr, const GdkRGBA *color, double alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_text (cairo_t *cr,
           GtkWidget *widget,
           const char *text,
           double x,
           double y,
           double xalign,
           double yalign,
           gboolean small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y - h * yalign);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_bands (
    CfdMeasureChart *self, cairo_t *cr, const Layout *layout, const GdkRGBA *fg, GdkRGBA colors[5])
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n_bands = 0;
  const CfdInstrumentBand *bands = cfd_instrument_def_get_bands (self->def, &n_bands);

  for (guint i = 0; i < n_bands; i++)
    {
      /* The top band takes the red whatever the count (the GAD-7 has no
       * "moderately severe", the PCL-5 two bands); the others go from
       * green upwards. */
      const GdkRGBA *color = &colors[i == n_bands - 1 ? 4 : MIN (i, 3u)];
      double top = y_for_total (layout, bands[i].high + (i == n_bands - 1 ? 0 : 0.5));
      double bottom = y_for_total (layout, bands[i].low == 0 ? 0 : bands[i].low - 0.5);
      g_autofree char *tick = g_strdup_printf ("%d", bands[i].low);

      set_color (cr, color, 0.2);
      cairo_rectangle (cr, layout->x, top, layout->width, bottom - top);
      cairo_fill (cr);
      set_color (cr, fg, 0.55);
      draw_text (cr, widget, bands[i].label, layout->x + layout->width - 6, (top + bottom) / 2, 1.0,
                 0.5, TRUE);
      draw_text (cr, widget, tick, layout->x - 6, bottom, 1.0, 0.5, TRUE);
    }
  {
    g_autofree char *top = g_strdup_printf ("%u", layout->max_total);
    set_color (cr, fg, 0.55);
    draw_text (cr, widget, top, layout->x - 6, layout->y, 1.0, 0.5, TRUE);
  }
}

static void
draw_time_axis (CfdMeasureChart *self, cairo_t *cr, const Layout *layout, const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr (GDateTime) start = g_date_time_new_from_unix_local (layout->first);
  g_autoptr (GDateTime) month = NULL;
  gint64 span_days = (layout->last - layout->first) / DAY;
  /* A label every one, two, three or six months, so they never crowd. */
  int step = span_days > 730 ? 6 : span_days > 365 ? 3 : span_days > 180 ? 2 : 1;
  double last_right = -1e9;

  if (start == NULL)
    return;
  month = g_date_time_new_local (g_date_time_get_year (start), g_date_time_get_month (start), 1, 0,
                                 0, 0);
  for (int i = 0; i < 400 && month != NULL; i++)
    {
      gint64 t = g_date_time_to_unix (month);
      GDateTime *next;

      if (t > layout->last)
        break;
      if (t >= layout->first && (g_date_time_get_month (month) - 1) % step == 0)
        {
          double x = x_for_time (layout, t);
          /* Translators: a month on the chart's time axis, see g_date_time_format() */
          g_autofree char *label = g_date_time_format (month, _ ("%b %Y"));

          set_color (cr, fg, 0.15);
          cairo_rectangle (cr, floor (x), layout->y, 1, layout->height);
          cairo_fill (cr);
          if (x - 30 > last_right && x + 30 < layout->x + layout->width + MARGIN_RIGHT)
            {
              set_color (cr, fg, 0.7);
              draw_text (cr, widget, label, x, layout->y + layout->height + 6, 0.5, 0.0, TRUE);
              last_right = x + 30;
            }
        }
      next = g_date_time_add_months (month, 1);
      g_date_time_unref (month);
      month = next;
    }
}

static void
draw_hover_label (CfdMeasureChart *self,
                  cairo_t *cr,
                  const char *text,
                  double x,
                  double y,
                  int width,
                  const GdkRGBA *fg)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA bg;
  int w, h;
  double bx, by;

  if (!gtk_style_context_lookup_color (context, "popover_bg_color", &bg)
      && !gtk_style_context_lookup_color (context, "window_bg_color", &bg))
    gdk_rgba_parse (&bg, "#ffffff");
  pango_layout_get_pixel_size (layout, &w, &h);
  bx = CLAMP (x - w / 2.0 - 8, 2, width - w - 18);
  by = y - h - 20 < 2 ? y + 14 : y - h - 20;
  cairo_rectangle (cr, bx, by, w + 16, h + 8);
  set_color (cr, &bg, 0.95);
  cairo_fill_preserve (cr);
  set_color (cr, fg, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  set_color (cr, fg, 1.0);
  cairo_move_to (cr, bx + 8, by + 4);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  CfdMeasureChart *self = CFD_MEASURE_CHART (area);
  GtkWidget *widget = GTK_WIDGET (area);
  GdkRGBA fg, accent, bands[5];
  Layout layout;
  gboolean have_data = compute_layout (self, width, height, &layout);
  guint n_points = 0;

  get_colors (widget, &fg, &accent, bands);
  draw_bands (self, cr, &layout, &fg, bands);
  if (have_data)
    n_points = cfd_measure_series_get_n_points_for (self->series, instrument_id (self));
  if (!have_data || n_points == 0)
    {
      g_autofree char *text = g_strdup_printf (_ ("No %s scores yet"), instrument_title (self));
      set_color (cr, &fg, 0.7);
      draw_text (cr, widget, text, layout.x + layout.width / 2, layout.y + layout.height / 2, 0.5,
                 0.5, FALSE);
      if (!have_data)
        return;
    }
  draw_time_axis (self, cr, &layout, &fg);

  /* Dosing sessions: dashed lines in the accent colour, a diamond below. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]){ 4, 3 }, 2, 0);
  for (guint i = 0; i < cfd_measure_series_get_n_dosings (self->series); i++)
    {
      double x = x_for_time (&layout, cfd_measure_series_get_dosing (self->series, i));
      double yb = layout.y + layout.height;

      set_color (cr, &accent, (int)i == self->hover_dosing ? 1.0 : 0.55);
      cairo_move_to (cr, x, layout.y);
      cairo_line_to (cr, x, yb);
      cairo_stroke (cr);
      cairo_save (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_move_to (cr, x, yb - 5);
      cairo_line_to (cr, x + 4, yb);
      cairo_line_to (cr, x, yb + 5);
      cairo_line_to (cr, x - 4, yb);
      cairo_close_path (cr);
      cairo_fill (cr);
      cairo_restore (cr);
    }
  cairo_restore (cr);

  /* The totals: a line through them, a dot on each, a ring where the
   * PHQ-9's self-harm item was answered above 0. */
  set_color (cr, &fg, 0.85);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < n_points; i++)
    {
      const CfdMeasurePoint *p
          = cfd_measure_series_get_point_for (self->series, instrument_id (self), i);
      double x = x_for_time (&layout, p->occurred), y = y_for_total (&layout, p->total);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  for (guint i = 0; i < n_points; i++)
    {
      const CfdMeasurePoint *p
          = cfd_measure_series_get_point_for (self->series, instrument_id (self), i);
      double x = x_for_time (&layout, p->occurred), y = y_for_total (&layout, p->total);
      double r = (int)i == self->hover_point ? 6 : 4;

      set_color (cr, &fg, 1.0);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_fill (cr);
      if (p->risk)
        {
          set_color (cr, &bands[4], 1.0);
          cairo_set_line_width (cr, 2);
          cairo_arc (cr, x, y, r + 3, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
    }

  if (self->hover_point >= 0 || self->hover_dosing >= 0)
    {
      g_autofree char *text = describe (self, self->hover_point, self->hover_dosing);
      double x, y;

      if (self->hover_point >= 0)
        {
          const CfdMeasurePoint *p = cfd_measure_series_get_point_for (
              self->series, instrument_id (self), (guint)self->hover_point);
          x = x_for_time (&layout, p->occurred);
          y = y_for_total (&layout, p->total);
        }
      else
        {
          x = x_for_time (&layout,
                          cfd_measure_series_get_dosing (self->series, (guint)self->hover_dosing));
          y = layout.y + layout.height / 2;
        }
      draw_hover_label (self, cr, text, x, y, width, &fg);
    }
}

static void
set_hover (CfdMeasureChart *self, int point, int dosing)
{
  if (point == self->hover_point && dosing == self->hover_dosing)
    return;
  self->hover_point = point;
  self->hover_dosing = dosing;
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion (CfdMeasureChart *self, double x, double y)
{
  int point, dosing;

  hit_test (self, x, y, &point, &dosing);
  set_hover (self, point, dosing);
}

static void
leave (CfdMeasureChart *self)
{
  set_hover (self, -1, -1);
}

static gboolean
query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  g_autofree char *text = cfd_measure_chart_describe_at (CFD_MEASURE_CHART (widget), x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
update_accessible_label (CfdMeasureChart *self)
{
  g_autofree char *label = g_strdup_printf (
      _ ("%s totals over time; the same scores are listed in the table"), instrument_title (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

CfdInstrument
cfd_measure_chart_get_instrument (CfdMeasureChart *self)
{
  CfdInstrument instrument = CFD_INSTRUMENT_PHQ9;

  g_return_val_if_fail (CFD_IS_MEASURE_CHART (self), CFD_INSTRUMENT_PHQ9);
  cfd_instrument_from_string (instrument_id (self), &instrument);
  return instrument;
}

const char *
cfd_measure_chart_get_instrument_id (CfdMeasureChart *self)
{
  g_return_val_if_fail (CFD_IS_MEASURE_CHART (self), NULL);
  return instrument_id (self);
}

/* Only instruments with bands are charted over them. */
void
cfd_measure_chart_set_instrument_id (CfdMeasureChart *self, const char *id)
{
  const CfdInstrumentDef *def = cfd_instrument_lookup (id);
  guint n_bands = 0;

  g_return_if_fail (CFD_IS_MEASURE_CHART (self));
  g_return_if_fail (def != NULL && cfd_instrument_def_get_bands (def, &n_bands) != NULL);
  if (self->def == def)
    return;
  self->def = def;
  self->hover_point = self->hover_dosing = -1;
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTRUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTRUMENT_ID]);
}

void
cfd_measure_chart_set_instrument (CfdMeasureChart *self, CfdInstrument instrument)
{
  cfd_measure_chart_set_instrument_id (self, cfd_instrument_to_string (instrument));
}

void
cfd_measure_chart_set_series (CfdMeasureChart *self, CfdMeasureSeries *series)
{
  g_return_if_fail (CFD_IS_MEASURE_CHART (self));
  if (series != NULL)
    cfd_measure_series_ref (series);
  g_clear_pointer (&self->series, cfd_measure_series_unref);
  self->series = series;
  self->hover_point = self->hover_dosing = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
cfd_measure_chart_new (CfdInstrument instrument)
{
  return g_object_new (CFD_TYPE_MEASURE_CHART, "instrument", instrument, NULL);
}

GtkWidget *
cfd_measure_chart_new_for_id (const char *instrument_id)
{
  return g_object_new (CFD_TYPE_MEASURE_CHART, "instrument-id", instrument_id, NULL);
}

static void
cfd_measure_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CfdMeasureChart *self = CFD_MEASURE_CHART (object);

  switch (prop_id)
    {
      case PROP_INSTRUMENT:
        g_value_set_uint (value, cfd_measure_chart_get_instrument (self));
        break;
      case PROP_INSTRUMENT_ID:
        g_value_set_string (value, instrument_id (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfd_measure_chart_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  CfdMeasureChart *self = CFD_MEASURE_CHART (object);

  switch (prop_id)
    {
      case PROP_INSTRUMENT:
        cfd_measure_chart_set_instrument (self, (CfdInstrument)g_value_get_uint (value));
        break;
      case PROP_INSTRUMENT_ID:
        cfd_measure_chart_set_instrument_id (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfd_measure_chart_finalize (GObject *object)
{
  CfdMeasureChart *self = CFD_MEASURE_CHART (object);

  g_clear_pointer (&self->series, cfd_measure_series_unref);
  G_OBJECT_CLASS (cfd_measure_chart_parent_class)->finalize (object);
}

static void
cfd_measure_chart_class_init (CfdMeasureChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cfd_measure_chart_finalize;
  object_class->get_property = cfd_measure_chart_get_property;
  object_class->set_property = cfd_measure_chart_set_property;
  widget_class->query_tooltip = query_tooltip;

  /* An enum of core, which has no GType: a plain number, 0 PHQ-9, 1 GAD-7. */
  properties[PROP_INSTRUMENT] = g_param_spec_uint (
      "instrument", NULL, NULL, CFD_INSTRUMENT_PHQ9, CFD_INSTRUMENT_GAD7, CFD_INSTRUMENT_PHQ9,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Any banded instrument, by its definition's id. */
  properties[PROP_INSTRUMENT_ID]
      = g_param_spec_string ("instrument-id", NULL, NULL, "phq9",
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "measurechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cfd_measure_chart_init (CfdMeasureChart *self)
{
  GtkEventController *motion_controller = gtk_event_controller_motion_new ();

  self->def = cfd_instrument_lookup ("phq9");
  self->hover_point = self->hover_dosing = -1;
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), 220);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), 320);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw, NULL, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (motion_controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect_swapped (motion_controller, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion_controller);
  update_accessible_label (self);
}
