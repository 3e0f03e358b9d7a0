/*
 * sweep_summary.c - the summary of a sweep's rows: per figure mean,
 * standard deviation, percentiles (1, 50, 99) and worst case (per grid
 * point for Monte Carlo), the curve of each figure against the swept
 * parameters for grids, and a histogram or curve plot (docs/sweep.md).
 */
#include "cli.h"
#include "sweep_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MAX_FIGURES 256

/* One row, flattened. */
typedef struct flat_row {
  size_t grid;
  int failed;
  char params[256];        /* "topology=se gain=2" */
  double values[MAX_FIGURES]; /* NAN where absent */
} flat_row;

typedef struct flat {
  size_t n_names;
  char names[MAX_FIGURES][64];
  size_t n;
  flat_row *rows;
} flat;

static size_t name_index(flat *f, const char *name)
{
  for (size_t i = 0; i < f->n_names; i++)
    if (strcmp(f->names[i], name) == 0)
      return i;
  if (f->n_names >= MAX_FIGURES)
    return MAX_FIGURES;
  snprintf(f->names[f->n_names], sizeof f->names[0], "%s", name);
  return f->n_names++;
}

/* Keys that describe how a figure was computed rather than the figure. */
static int skipped(const char *key)
{
  static const char *const keys[] = {"floor_db", "tmax_s", "periods", "vin_peak", "freq_hz",
                                     "converged", "cap_f", "test", NULL};
  for (size_t i = 0; keys[i] != NULL; i++)
    if (strcmp(key, keys[i]) == 0)
      return 1;
  return 0;
}

static void flatten(flat *f, flat_row *row, json_t *value, const char *path)
{
  char name[128];
  if (json_is_object(value)) {
    const char *key;
    json_t *child;
    json_object_foreach(value, key, child) {
      if (skipped(key))
        continue;
      snprintf(name, sizeof name, "%s%s%s", path, path[0] != '\0' ? "." : "", key);
      flatten(f, row, child, name);
    }
  } else if (json_is_array(value)) {
    size_t i;
    json_t *child;
    size_t len = strlen(path);
    int harmonics = len >= 13 && strcmp(path + len - 13, "harmonics_dbc") == 0;
    json_array_foreach(value, i, child) {
      if (harmonics) {
        /* H2 and H3 only: BTL's even-order cancellation shows in H2. */
        if (i > 1)
          break;
        snprintf(name, sizeof name, "%.*shd%zu_dbc", (int)(len - 13), path, i + 2);
      } else {
        snprintf(name, sizeof name, "%s[%zu]", path, i);
      }
      flatten(f, row, child, name);
    }
  } else if (json_is_number(value)) {
    size_t k = name_index(f, path);
    if (k < MAX_FIGURES)
      row->values[k] = json_number_value(value);
  }
}

static int flat_build(flat *f, char *const *rows, size_t n)
{
  memset(f, 0, sizeof *f);
  f->rows = calloc(n + 1, sizeof *f->rows);
  if (f->rows == NULL)
    return cli_error("%s", strerror(ENOMEM));
  for (size_t i = 0; i < n; i++) {
    json_error_t error;
    json_t *doc = json_loads(rows[i], 0, &error), *params, *figures;
    flat_row *row = &f->rows[f->n];
    const char *key;
    json_t *v;
    size_t used = 0;
    if (doc == NULL)
      return cli_error("results row %zu: %s", i + 1, error.text);
    for (size_t k = 0; k < MAX_FIGURES; k++)
      row->values[k] = NAN;
    row->grid = (size_t)json_integer_value(json_object_get(doc, "grid"));
    params = json_object_get(doc, "params");
    json_object_foreach(params, key, v) {
      int w = snprintf(row->params + used, sizeof row->params - used, "%s%s=%s",
                       used > 0 ? " " : "", key, json_string_value(v) ? json_string_value(v) : "?");
      if (w > 0 && (size_t)w < sizeof row->params - used)
        used += (size_t)w;
    }
    figures = json_object_get(doc, "figures");
    row->failed = !json_is_object(figures);
    if (!row->failed)
      flatten(f, row, figures, "");
    json_decref(doc);
    f->n++;
  }
  return 0;
}

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, size_t n, double q)
{
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (pos - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Which way is worse: -1 smaller values (levels, margins, SNR), 0 larger
 * magnitude (offsets), +1 larger values (distortion, noise, impedance). */
static int worse_direction(const char *name)
{
  if (strstr(name, "snr") || strstr(name, "dynamic_range") || strstr(name, "pout") ||
      strstr(name, "vout_rms_") || strstr(name, "margin"))
    return -1;
  if (strstr(name, "offset") || strstr(name, "imbalance"))
    return 0;
  return 1;
}

static void stats_line(FILE *out, const char *name, double *v, size_t n)
{
  double mean = 0.0, var = 0.0, worst;
  int dir = worse_direction(name);
  if (n == 0)
    return;
  qsort(v, n, sizeof *v, by_value);
  for (size_t i = 0; i < n; i++)
    mean += v[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++)
    var += (v[i] - mean) * (v[i] - mean);
  var = n > 1 ? var / (double)(n - 1) : 0.0;
  if (dir < 0)
    worst = v[0];
  else if (dir > 0)
    worst = v[n - 1];
  else
    worst = fabs(v[0]) > fabs(v[n - 1]) ? v[0] : v[n - 1];
  fprintf(out, "  %-28s %5zu %13.6g %12.4g %13.6g %13.6g %13.6g %13.6g\n", name, n, mean,
          sqrt(var), percentile(v, n, 0.01), percentile(v, n, 0.50), percentile(v, n, 0.99),
          worst);
}

static void stats_table(FILE *out, const flat *f, size_t grid, int all, double *scratch)
{
  fprintf(out, "  %-28s %5s %13s %12s %13s %13s %13s %13s\n", "figure", "n", "mean", "sd", "p1",
          "p50", "p99", "worst");
  for (size_t k = 0; k < f->n_names; k++) {
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
      if ((all || f->rows[i].grid == grid) && !isnan(f->rows[i].values[k]))
        scratch[n++] = f->rows[i].values[k];
    stats_line(out, f->names[k], scratch, n);
  }
}

/* The figure plotted: the one named, or the first H2, or the first. */
static size_t plot_index(const flat *f, const char *wanted)
{
  for (size_t k = 0; k < f->n_names; k++)
    if (wanted != NULL ? strcmp(f->names[k], wanted) == 0 : strstr(f->names[k], "hd2") != NULL)
      return k;
  return wanted == NULL && f->n_names > 0 ? 0 : MAX_FIGURES;
}

static int write_plot(const flat *f, const sweep_header *h, const char *path, const char *wanted,
                      double *scratch)
{
  size_t k = plot_index(f, wanted);
  ampsim_plot *plot = NULL;
  char title[160];
  int rc = 0;

  if (k == MAX_FIGURES)
    return cli_error("--plot-figure: no figure '%s' in the results (see the summary's names)",
                     wanted != NULL ? wanted : "");
  snprintf(title, sizeof title, "%s: %s", h->mc > 0 ? "Monte Carlo" : "Sweep", f->names[k]);
  ampsim_error_clear();
  if (ampsim_plot_new(&plot, title) != 0)
    return cli_library_error(AMPSIM_ENOMEM);
  if (h->mc > 0) {
    /* A histogram per grid point, on common bins. */
    double lo = INFINITY, hi = -INFINITY;
    enum { BINS = 30 };
    for (size_t i = 0; i < f->n; i++) {
      double v = f->rows[i].values[k];
      if (!isnan(v)) {
        lo = fmin(lo, v);
        hi = fmax(hi, v);
      }
    }
    if (!(hi >= lo)) {
      ampsim_plot_free(plot);
      return cli_error("--plot: no values of %s to plot", f->names[k]);
    }
    if (hi == lo)
      hi = lo + 1e-12 + fabs(lo) * 1e-9;
    rc = ampsim_plot_axis_x(plot, f->names[k], "", AMPSIM_AXIS_LINEAR);
    if (rc == 0)
      rc = ampsim_plot_axis_y(plot, "points", "", AMPSIM_AXIS_LINEAR);
    for (size_t g = 0; g < h->grid && g < 8 && rc == 0; g++) {
      double x[2 * BINS + 2], y[2 * BINS + 2], count[BINS] = {0};
      const char *legend = "";
      for (size_t i = 0; i < f->n; i++) {
        double v = f->rows[i].values[k];
        if (f->rows[i].grid != g || isnan(v))
          continue;
        legend = f->rows[i].params;
        {
          int b = (int)((v - lo) / (hi - lo) * BINS);
          count[b >= BINS ? BINS - 1 : b < 0 ? 0 : b] += 1.0;
        }
      }
      /* Steps: each bin's top as a flat segment. */
      for (int b = 0; b < BINS; b++) {
        x[2 * b] = lo + (hi - lo) * b / BINS;
        x[2 * b + 1] = lo + (hi - lo) * (b + 1) / BINS;
        y[2 * b] = y[2 * b + 1] = count[b];
      }
      rc = ampsim_plot_series(plot, legend[0] != '\0' ? legend : "all", x, y, 2 * BINS);
    }
  } else {
    /* The curve against the grid index (values of the swept options in
     * the summary's table). */
    size_t n = 0;
    double *x = scratch, *y = scratch + f->n;
    for (size_t i = 0; i < f->n; i++)
      if (!isnan(f->rows[i].values[k])) {
        x[n] = (double)f->rows[i].grid;
        y[n++] = f->rows[i].values[k];
      }
    rc = ampsim_plot_axis_x(plot, "grid point", "", AMPSIM_AXIS_LINEAR);
    if (rc == 0)
      rc = ampsim_plot_axis_y(plot, f->names[k], "", AMPSIM_AXIS_LINEAR);
    if (rc == 0)
      rc = ampsim_plot_series(plot, f->names[k], x, y, n);
  }
  if (rc == 0)
    rc = ampsim_plot_write(plot, path);
  ampsim_plot_free(plot);
  return rc != 0 ? cli_library_error(rc) : 0;
}

/* Rows sorted by grid point (stable order for the tables). */
static int by_grid(const void *a, const void *b)
{
  const flat_row *x = a, *y = b;
  return x->grid < y->grid ? -1 : x->grid > y->grid;
}

int sweep_summary(FILE *out, const sweep_header *h, char *const *rows, size_t n_rows,
                  const char *plot_path, const char *plot_figure)
{
  flat f;
  double *scratch = NULL;
  size_t failed = 0;
  int rc;

  rc = flat_build(&f, rows, n_rows);
  if (rc != 0) {
    free(f.rows);
    return rc;
  }
  qsort(f.rows, f.n, sizeof *f.rows, by_grid);
  scratch = malloc((2 * f.n + 1) * sizeof *scratch);
  if (scratch == NULL) {
    free(f.rows);
    return cli_error("%s", strerror(ENOMEM));
  }
  for (size_t i = 0; i < f.n; i++)
    failed += (size_t)f.rows[i].failed;
  fprintf(out, "Sweep %016" PRIx64 ": %zu points (%zu grid point%s x %zu sample%s), %zu rows",
          h->hash, h->points, h->grid, h->grid == 1 ? "" : "s", h->mc > 0 ? h->mc : (size_t)1,
          h->mc > 1 ? "s" : "", n_rows);
  if (h->shards > 1)
    fprintf(out, " (shard %d/%d)", h->shard, h->shards);
  fprintf(out, ", %zu failed\n", failed);

  if (h->mc > 0) {
    for (size_t i = 0; i < f.n; i++) {
      if (i > 0 && f.rows[i].grid == f.rows[i - 1].grid)
        continue;
      fprintf(out, "\nGrid point %zu%s%s\n", f.rows[i].grid, f.rows[i].params[0] ? ": " : "",
              f.rows[i].params);
      stats_table(out, &f, f.rows[i].grid, 0, scratch);
    }
  } else {
    fprintf(out, "\nAll points\n");
    stats_table(out, &f, 0, 1, scratch);
    if (h->grid > 1) {
      fprintf(out, "\nCurves (each figure against the swept options)\n");
      for (size_t k = 0; k < f.n_names; k++) {
        fprintf(out, "  %s\n", f.names[k]);
        for (size_t i = 0; i < f.n; i++)
          fprintf(out, "    %-40s %14.8g\n", f.rows[i].params, f.rows[i].values[k]);
      }
    }
  }
  if (plot_path != NULL)
    rc = write_plot(&f, h, plot_path, plot_figure, scratch);
  free(scratch);
  free(f.rows);
  return rc;
}
