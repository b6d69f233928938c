/* cfd-vitals.c: the vital-sign readings of a record, whichever form they were stored in.
 *
 * Readings gained a named timepoint and the respiratory rate in records v2;
 * records signed before keep their five-value readings, so every reader
 * goes through here rather than through one GVariant type. */
#include "config.h"

#include "cfd-template.h"
#include "cfd-vitals.h"

gboolean
cfd_vitals_is_readings (GVariant *value)
{
  return value != NULL
         && (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE))
             || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPE)));
}

GArray *
cfd_vitals_readings (GVariant *value)
{
  GArray *readings = g_array_new (FALSE, TRUE, sizeof (CfdVitalReading));
  GVariantIter iter;
  CfdVitalReading r = { 0 };

  if (!cfd_vitals_is_readings (value))
    return readings;
  g_variant_iter_init (&iter, value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPE)))
    while (g_variant_iter_next (&iter, "(&s&sqqqqmq)", &r.time, &r.timepoint, &r.systolic,
                                &r.diastolic, &r.heart_rate, &r.spo2, &r.has_respiratory_rate,
                                &r.respiratory_rate))
      g_array_append_val (readings, r);
  else
    while (g_variant_iter_next (&iter, "(&sqqqq)", &r.time, &r.systolic, &r.diastolic,
                                &r.heart_rate, &r.spo2))
      {
        r.timepoint = "";
        r.has_respiratory_rate = FALSE;
        r.respiratory_rate = 0;
        g_array_append_val (readings, r);
      }
  return readings;
}

static char *
number_text (guint16 value)
{
  return g_strdup_printf ("%u", value);
}

GPtrArray *
cfd_vitals_typed_cells (GVariant *value)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  GVariantIter iter;

  if (value == NULL)
    return rows;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_TYPED_TYPE))
      || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE)))
    {
      gboolean v1
          = g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_VITALS_V1_TYPED_TYPE));
      GVariant *row;

      g_variant_iter_init (&iter, value);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        {
          char **cells = g_new0 (char *, CFD_VITALS_N_CELLS + 1);

          for (guint i = 0, j = 0; i < CFD_VITALS_N_CELLS; i++)
            {
              gboolean missing_in_v1
                  = i == CFD_VITALS_CELL_TIMEPOINT || i == CFD_VITALS_CELL_RESPIRATORY_RATE;

              if (v1 && missing_in_v1)
                cells[i] = g_strdup ("");
              else
                g_variant_get_child (row, j++, "s", &cells[i]);
            }
          g_ptr_array_add (rows, cells);
          g_variant_unref (row);
        }
      return rows;
    }
  if (cfd_vitals_is_readings (value))
    {
      g_autoptr (GArray) readings = cfd_vitals_readings (value);

      for (guint i = 0; i < readings->len; i++)
        {
          const CfdVitalReading *r = &g_array_index (readings, CfdVitalReading, i);
          char **cells = g_new0 (char *, CFD_VITALS_N_CELLS + 1);

          cells[CFD_VITALS_CELL_TIME] = g_strdup (r->time);
          cells[CFD_VITALS_CELL_TIMEPOINT] = g_strdup (r->timepoint);
          cells[CFD_VITALS_CELL_SYSTOLIC] = number_text (r->systolic);
          cells[CFD_VITALS_CELL_DIASTOLIC] = number_text (r->diastolic);
          cells[CFD_VITALS_CELL_HEART_RATE] = number_text (r->heart_rate);
          cells[CFD_VITALS_CELL_SPO2] = number_text (r->spo2);
          cells[CFD_VITALS_CELL_RESPIRATORY_RATE]
              = r->has_respiratory_rate ? number_text (r->respiratory_rate) : g_strdup ("");
          g_ptr_array_add (rows, cells);
        }
    }
  return rows;
}
