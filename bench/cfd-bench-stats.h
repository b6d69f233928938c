/* cfd-bench-stats.h: timing samples and the table both benchmark programs print. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *action;
  GArray *samples; /* double, milliseconds */
} CfdBenchSeries;

CfdBenchSeries *cfd_bench_series_new (const char *action);
void cfd_bench_series_free (CfdBenchSeries *series);
void cfd_bench_series_add (CfdBenchSeries *series, double ms);
double cfd_bench_series_percentile (CfdBenchSeries *series, double p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdBenchSeries, cfd_bench_series_free)

static inline gint64
cfd_bench_now (void)
{
  return g_get_monotonic_time ();
}

static inline double
cfd_bench_ms_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / 1000.0;
}

/* "action<TAB>p50<TAB>p95<TAB>n" in milliseconds: what the plaintext
 * baseline prints and the encrypted benchmark reads back. */
void cfd_bench_series_print_row (CfdBenchSeries *series, FILE *out);

/* Peak resident set size of this process, in KiB. */
glong cfd_bench_peak_rss_kib (void);
/* Resident set size now (VmRSS), in KiB. */
glong cfd_bench_current_rss_kib (void);

G_END_DECLS
