/* cfd-sedation.c: the sedation, dissociation and positive-symptom ratings of a dosing record, row by row.
 *
 * Trials and clinics rate MOAA/S, CADSS and BPRS+ at set minutes after
 * dosing, not once per session; each row is one time with whichever of
 * the three were rated then. Rows gained a named timepoint (the vocabulary
 * of the vital signs) after the first rows were written; records signed
 * before keep theirs, so every reader goes through here. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cfd-sedation.h"
#include "cfd-template-private.h"

gboolean
cfd_sedation_is_ratings (GVariant *value)
{
  return value != NULL
         && (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE))
             || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_V1_TYPE)));
}

gboolean
cfd_sedation_is_typed (GVariant *value)
{
  return value != NULL
         && (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPED_TYPE))
             || g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_V1_TYPED_TYPE)));
}

GArray *
cfd_sedation_ratings (GVariant *value)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (CfdSedationRating));
  GVariantIter iter;
  CfdSedationRating r = { 0 };

  if (!cfd_sedation_is_ratings (value))
    return rows;
  g_variant_iter_init (&iter, value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_TYPE)))
    while (g_variant_iter_next (&iter, "(&s&smqmqmq)", &r.time, &r.timepoint, &r.has_moaas,
                                &r.moaas, &r.has_cadss, &r.cadss, &r.has_bprs, &r.bprs))
      g_array_append_val (rows, r);
  else
    while (g_variant_iter_next (&iter, "(&smqmqmq)", &r.time, &r.has_moaas, &r.moaas, &r.has_cadss,
                                &r.cadss, &r.has_bprs, &r.bprs))
      {
        r.timepoint = "";
        g_array_append_val (rows, r);
      }
  return rows;
}

static char *
rating_text (gboolean has, guint16 value)
{
  return has ? g_strdup_printf ("%u", value) : g_strdup ("");
}

GPtrArray *
cfd_sedation_typed_cells (GVariant *value)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  if (value == NULL)
    return rows;
  if (cfd_sedation_is_typed (value))
    {
      gboolean v1
          = g_variant_is_of_type (value, G_VARIANT_TYPE (CFD_TEMPLATE_SEDATION_V1_TYPED_TYPE));
      GVariantIter iter;
      GVariant *row;

      g_variant_iter_init (&iter, value);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        {
          char **cells = g_new0 (char *, CFD_SEDATION_N_CELLS + 1);

          for (guint i = 0, j = 0; i < CFD_SEDATION_N_CELLS; i++)
            if (v1 && i == CFD_SEDATION_CELL_TIMEPOINT)
              cells[i] = g_strdup ("");
            else
              g_variant_get_child (row, j++, "s", &cells[i]);
          g_ptr_array_add (rows, cells);
          g_variant_unref (row);
        }
      return rows;
    }
  if (cfd_sedation_is_ratings (value))
    {
      g_autoptr (GArray) ratings = cfd_sedation_ratings (value);

      for (guint i = 0; i < ratings->len; i++)
        {
          const CfdSedationRating *r = &g_array_index (ratings, CfdSedationRating, i);
          char **cells = g_new0 (char *, CFD_SEDATION_N_CELLS + 1);

          cells[CFD_SEDATION_CELL_TIME] = g_strdup (r->time);
          cells[CFD_SEDATION_CELL_TIMEPOINT] = g_strdup (r->timepoint);
          cells[CFD_SEDATION_CELL_MOAAS] = rating_text (r->has_moaas, r->moaas);
          cells[CFD_SEDATION_CELL_CADSS] = rating_text (r->has_cadss, r->cadss);
          cells[CFD_SEDATION_CELL_BPRS] = rating_text (r->has_bprs, r->bprs);
          g_ptr_array_add (rows, cells);
        }
    }
  return rows;
}

const char *
cfd_sedation_problem (GVariant *value)
{
  g_autoptr (GArray) ratings = cfd_sedation_ratings (value);

  for (guint i = 0; i < ratings->len; i++)
    {
      const CfdSedationRating *r = &g_array_index (ratings, CfdSedationRating, i);

      if (!cfd_template_is_valid_time (r->time))
        return _ ("needs a time written HH:MM for every row");
      if (!r->has_moaas && !r->has_cadss && !r->has_bprs)
        return _ ("has a row without any rating");
      if (r->has_moaas && r->moaas > CFD_SEDATION_MOAAS_MAX)
        return _ ("has a MOAA/S outside 0-5");
      if (r->has_cadss && r->cadss > CFD_SEDATION_CADSS_MAX)
        return _ ("has a CADSS total outside 0-92");
      if (r->has_bprs && (r->bprs < CFD_SEDATION_BPRS_MIN || r->bprs > CFD_SEDATION_BPRS_MAX))
        return _ ("has a BPRS+ total outside 4-28");
    }
  return NULL;
}
