/* cfd-bench-stats.c: timing samples and the table both benchmark programs print. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cfd-bench-stats.h"

CfdBenchSeries *
cfd_bench_series_new (const char *action)
{
  CfdBenchSeries *series = g_new0 (CfdBenchSeries, 1);

  series->action = g_strdup (action);
  series->samples = g_array_new (FALSE, FALSE, sizeof (double));
  return series;
}

void
cfd_bench_series_free (CfdBenchSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->action);
  g_array_unref (series->samples);
  g_free (series);
}

void
cfd_bench_series_add (CfdBenchSeries *series, double ms)
{
  g_array_append_val (series->samples, ms);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile. */
double
cfd_bench_series_percentile (CfdBenchSeries *series, double p)
{
  guint n = series->samples->len;
  guint rank;

  if (n == 0)
    return 0;
  g_array_sort (series->samples, compare_doubles);
  rank = (guint)(p / 100.0 * n + 0.999999);
  rank = CLAMP (rank, 1, n);
  return g_array_index (series->samples, double, rank - 1);
}

void
cfd_bench_series_print_row (CfdBenchSeries *series, FILE *out)
{
  fprintf (out, "%s\t%.3f\t%.3f\t%u\n", series->action, cfd_bench_series_percentile (series, 50),
           cfd_bench_series_percentile (series, 95), series->samples->len);
}

glong
cfd_bench_peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

glong
cfd_bench_current_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : 0;
}
