/*
 * compare_figures.c - the pure parts of `ampsim compare` and `ampsim report`
 * that turn measurements and curves into rows, series and CSV: the rows of
 * the table (adding, formatting, and the rows of intermodulation, overload
 * recovery and capacitive loads), the series of a plot of curve sets, and
 * the curves' CSV. Nothing here simulates, prints or writes a file, so the
 * unit tests (tests/unit/test_compare_figures.c) run it on made-up numbers.
 */
#include "cli.h"
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Rows                                                                     */
/* ------------------------------------------------------------------------ */

cli_row *cli_compare_add_row(cli_compare *c, const char *key, const char *json_unit,
                             const char *label, const char *unit, double scale, int better)
{
  cli_row *grown = realloc(c->rows, (c->n_rows + 1) * sizeof *grown);
  cli_row *r;
  size_t i;

  if (grown == NULL)
    return NULL;
  c->rows = grown;
  r = &c->rows[c->n_rows++];
  memset(r, 0, sizeof *r);
  snprintf(r->key, sizeof r->key, "%s", key);
  snprintf(r->json_unit, sizeof r->json_unit, "%s", json_unit);
  snprintf(r->label, sizeof r->label, "%s", label);
  snprintf(r->unit, sizeof r->unit, "%s", unit);
  r->scale = scale;
  r->better = better;
  r->nan_text = "-";
  for (i = 0; i < CLI_COMPARE_MAX_DESIGNS; i++)
    r->value[i] = NAN;
  return r;
}

void cli_compare_drop_if_empty(cli_compare *c)
{
  const cli_row *r = &c->rows[c->n_rows - 1];
  size_t i;

  for (i = 0; i < c->n; i++)
    if (!isnan(r->value[i]))
      return;
  c->n_rows--;
}

/* Drop the last row when no design measured its figure. */
static void drop_if_unmeasured(cli_compare *c)
{
  const cli_row *r = &c->rows[c->n_rows - 1];
  size_t i;

  for (i = 0; i < c->n; i++)
    if (!r->unmeasured[i])
      return;
  c->n_rows--;
}

/* A new row of figures that each design may or may not have measured:
 * all unmeasured until set. */
static void all_unmeasured(cli_row *r)
{
  memset(r->unmeasured, 1, sizeof r->unmeasured);
}

void cli_row_format(char *buf, size_t n, const cli_row *r, size_t design)
{
  double v = r->value[design];

  if (isnan(v))
    snprintf(buf, n, "%s", r->unmeasured[design] ? "-" : r->nan_text);
  else if (r->boolean)
    snprintf(buf, n, "%s", v != 0.0 ? "yes" : "no");
  else if (strcmp(r->unit, "dB") == 0 || strcmp(r->unit, "deg") == 0 ||
           strcmp(r->unit, "%") == 0)
    snprintf(buf, n, "%.1f %s", v * r->scale, r->unit);
  else
    ampsim_report_eng(buf, n, v * r->scale, r->unit);
}

void cli_row_mark_best(int *marks, const cli_row *r, size_t n)
{
  double v[CLI_COMPARE_MAX_DESIGNS];
  size_t i;

  for (i = 0; i < n && i < CLI_COMPARE_MAX_DESIGNS; i++)
    v[i] = r->resolution > 0.0 ? r->resolution * round(r->value[i] / r->resolution)
                               : r->value[i];
  cli_mark_best(marks, v, i, r->better);
}

/* The index of test `bit` in m->imd, or -1. */
static long imd_index(const ampsim_measurement *m, unsigned bit)
{
  size_t k;
  if (!(m->options.figures & AMPSIM_FIG_IMD))
    return -1;
  for (k = 0; k < m->n_imd && k < 2; k++)
    if (m->imd[k].test == bit)
      return (long)k;
  return -1;
}

/* The index of the capacitive load of cap_f in m->cap_load, or -1. */
static long cap_index(const ampsim_measurement *m, double cap_f)
{
  size_t k;
  if (!(m->options.figures & AMPSIM_FIG_STABILITY))
    return -1;
  for (k = 0; k < m->n_cap_load && k < AMPSIM_MAX_CAPS; k++)
    if (m->cap_load[k].cap_f == cap_f)
      return (long)k;
  return -1;
}

#define ROW(key_, ju_, label_, unit_, better_)                                 \
  do {                                                                         \
    r = cli_compare_add_row(c, key_, ju_, label_, unit_, 1.0, better_);        \
    if (r == NULL)                                                             \
      return cli_error("%s", strerror(ENOMEM));                                \
    all_unmeasured(r);                                                         \
    r->resolution = 0.1; /* as printed: "12.3 dB", "45.6 deg", "7.8 %" */      \
  } while (0)

static int imd_rows(cli_compare *c)
{
  static const struct {
    unsigned bit;
    const char *name;
  } tests[] = { { AMPSIM_IMD_SMPTE, "SMPTE" }, { AMPSIM_IMD_CCIF, "CCIF" } };
  static const char *const fields[] = { "imd_db", "d2_db", "d3_db" };
  static const char *const labels[] = { "IMD", "IMD d2", "IMD d3" };
  char key[64], label[96];
  cli_row *r;
  size_t t, f, i;

  for (t = 0; t < 2; t++) {
    long k0 = -1;
    for (i = 0; i < c->n && k0 < 0; i++)
      k0 = imd_index(c->m[i], tests[t].bit);
    if (k0 < 0)
      continue;
    for (f = 0; f < 3; f++) {
      snprintf(key, sizeof key, "imd.%ld.%s", k0, fields[f]);
      snprintf(label, sizeof label, "%s %s", tests[t].name, labels[f]);
      ROW(key, "dB", label, "dB", -1);
      r->nan_text = "below floor";
      for (i = 0; i < c->n; i++) {
        long k = imd_index(c->m[i], tests[t].bit);
        const ampsim_imd_point *p;
        if (k < 0)
          continue;
        p = &c->m[i]->imd[k];
        r->unmeasured[i] = 0;
        r->value[i] = f == 0 ? p->imd_db : f == 1 ? p->d2_db : p->d3_db;
        /* A product at the numerical floor is -inf dB or beyond -200. */
        if (!isfinite(r->value[i]))
          r->value[i] = NAN;
      }
    }
  }
  return 0;
}

static int clipping_rows(cli_compare *c)
{
  cli_row *r;
  size_t i, pass;

  for (pass = 0; pass < 3; pass++) {
    static const char *const keys[] = { "clipping.recovery_s", "clipping.symmetric",
                                        "clipping.latched" };
    static const char *const labels[] = { "Overload recovery", "Clipping symmetric",
                                          "Latched after overload" };
    ROW(keys[pass], pass == 0 ? "s" : "", labels[pass], pass == 0 ? "s" : "",
        pass == 0 ? -1 : 0);
    r->boolean = pass > 0;
    r->resolution = 0.0; /* seconds print with a prefix: compare as they are */
    r->nan_text = "not in window";
    for (i = 0; i < c->n; i++) {
      const ampsim_measurement *m = c->m[i];
      if (!(m->options.figures & AMPSIM_FIG_CLIPPING) || !m->has_clipping)
        continue;
      r->unmeasured[i] = 0;
      r->value[i] = pass == 0   ? m->clipping.recovery_s
                    : pass == 1 ? (double)(m->clipping.symmetric != 0)
                                : (double)(m->clipping.latched != 0);
    }
    drop_if_unmeasured(c);
  }
  return 0;
}

static int cap_rows(cli_compare *c)
{
  double caps[CLI_COMPARE_MAX_DESIGNS * AMPSIM_MAX_CAPS];
  size_t n_caps = 0, i, k, j;
  char key[64], label[96], cap[32];
  cli_row *r;

  /* Every capacitance of any design, in the order first met. */
  for (i = 0; i < c->n; i++) {
    const ampsim_measurement *m = c->m[i];
    if (!(m->options.figures & AMPSIM_FIG_STABILITY))
      continue;
    for (k = 0; k < m->n_cap_load && k < AMPSIM_MAX_CAPS; k++) {
      for (j = 0; j < n_caps && caps[j] != m->cap_load[k].cap_f; j++)
        ;
      if (j == n_caps)
        caps[n_caps++] = m->cap_load[k].cap_f;
    }
  }
  for (j = 0; j < n_caps; j++) {
    long k0 = -1;
    int pass;
    for (i = 0; i < c->n && k0 < 0; i++)
      k0 = cap_index(c->m[i], caps[j]);
    if (caps[j] == 0.0)
      snprintf(cap, sizeof cap, "C = 0");
    else
      snprintf(cap, sizeof cap, "C = %s", ampsim_report_eng(label, sizeof label, caps[j], "F"));
    for (pass = 0; pass < 2; pass++) {
      snprintf(key, sizeof key, "cap_load.%ld.%s", k0,
               pass == 0 ? "phase_margin_deg" : "overshoot_pct");
      snprintf(label, sizeof label, "%s, %s", pass == 0 ? "Phase margin" : "Step overshoot",
               cap);
      ROW(key, pass == 0 ? "deg" : "%", label, pass == 0 ? "deg" : "%", pass == 0 ? 1 : -1);
      r->nan_text = pass == 0 ? "no loop" : "-";
      for (i = 0; i < c->n; i++) {
        long ki = cap_index(c->m[i], caps[j]);
        const ampsim_cap_load_point *p;
        if (ki < 0)
          continue;
        p = &c->m[i]->cap_load[ki];
        r->unmeasured[i] = 0;
        r->value[i] = pass == 0 ? p->stability.phase_margin_deg : p->overshoot_pct;
        /* Without a crossover there is a loop but no margin to show. */
        if (pass == 0 && c->m[i]->has_loop && isnan(r->value[i]))
          r->unmeasured[i] = 1;
      }
      drop_if_unmeasured(c);
    }
  }
  return 0;
}

#undef ROW

int cli_compare_rows_more(cli_compare *c)
{
  int rc = cap_rows(c);
  if (rc == 0)
    rc = imd_rows(c);
  if (rc == 0)
    rc = clipping_rows(c);
  return rc;
}

int cli_parse_imd_tests(unsigned *out, const char *name, const char *value)
{
  unsigned tests = 0;
  const char *p;

  for (p = value; *p != '\0';) {
    size_t len = strcspn(p, ",");
    if (len == 5 && strncmp(p, "smpte", 5) == 0)
      tests |= AMPSIM_IMD_SMPTE;
    else if (len == 4 && strncmp(p, "ccif", 4) == 0)
      tests |= AMPSIM_IMD_CCIF;
    else
      return cli_error("%s: '%.*s' is not smpte or ccif", name, (int)len, p);
    p += len + (p[len] == ',');
  }
  if (tests == 0)
    return cli_error("%s: name smpte, ccif or both", name);
  *out = tests;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Curve sets: plot series and CSV                                          */
/* ------------------------------------------------------------------------ */

void cli_curves_free(cli_curves *s)
{
  free(s->curve);
  free(s->design);
  memset(s, 0, sizeof *s);
}

int cli_curves_two_columns(ampsim_curve_kind kind)
{
  return kind == AMPSIM_CURVE_THD_VS_POWER || kind == AMPSIM_CURVE_THD_VS_FREQ ||
         kind == AMPSIM_CURVE_LOOP_GAIN || kind == AMPSIM_CURVE_IMD_SPECTRUM;
}

/* Whether a curve's second series shares the legend entry of its first. */
static int shares_entry(ampsim_curve_kind kind)
{
  return kind == AMPSIM_CURVE_LOOP_GAIN || kind == AMPSIM_CURVE_IMD_SPECTRUM;
}

size_t cli_curves_plot_max_series(ampsim_curve_kind kind)
{
  size_t n = CLI_PLOT_MAX_ENTRIES * (shares_entry(kind) ? 2 : 1);

  return n < AMPSIM_PLOT_MAX_SERIES ? n : AMPSIM_PLOT_MAX_SERIES;
}

size_t cli_curves_plot_span(const cli_curves *s, size_t start, size_t max_series)
{
  size_t per, n = 0;

  if (start >= s->n)
    return 0;
  per = cli_curves_two_columns(s->curve[start].kind) ? 2 : 1;
  if (start == 0 && s->n * per <= max_series)
    return s->n;
  while (start + n < s->n && s->design[start + n] == s->design[start] &&
         (n + 1) * per <= max_series)
    n++;
  return n > 0 ? n : 1;
}

/* "DESIGN" or "DESIGN, SERIES". */
static void curve_name(char *buf, size_t n, const cli_curves *s, size_t i,
                       const cli_compare *c)
{
  const ampsim_curve *k = &s->curve[i];
  snprintf(buf, n, "%s%s%s", c->designs[s->design[i]].name, k->series[0] ? ", " : "",
           k->series);
}

int cli_curves_plot_series(cli_plot_series *out, size_t max, size_t *n, const cli_curves *s,
                           const cli_compare *c)
{
  size_t i;

  *n = 0;
  for (i = 0; i < s->n; i++) {
    const ampsim_curve *k = &s->curve[i];
    const char *y_suffix = "", *y2_suffix = NULL;
    ampsim_plot_draw y_draw = AMPSIM_PLOT_DRAW_AUTO, y2_draw = AMPSIM_PLOT_DRAW_AUTO;
    int shared = shares_entry(k->kind), y2_lower = 0;
    cli_plot_series *first;
    char name[200];
    switch (k->kind) {
    case AMPSIM_CURVE_THD_VS_POWER:
    case AMPSIM_CURVE_THD_VS_FREQ:
      y_suffix = " THD";
      y2_suffix = " THD+N";
      break;
    case AMPSIM_CURVE_LOOP_GAIN:
      y_suffix = " |T|";
      y2_suffix = " phase";
      y2_lower = 1;
      break;
    case AMPSIM_CURVE_IMD_SPECTRUM:
      /* DFT bins as stems, the products the IMD figure counts marked on
       * them (most bins are missing: below the numerical floor). */
      y2_suffix = " products";
      y_draw = AMPSIM_PLOT_DRAW_STEMS;
      y2_draw = AMPSIM_PLOT_DRAW_MARKERS;
      break;
    default:
      break;
    }
    curve_name(name, sizeof name, s, i, c);
    if (*n + (y2_suffix != NULL ? 2 : 1) > max)
      return cli_error("a plot of %zu curves has too many series (at most %zu); "
                       "compare fewer designs or capacitances",
                       s->n, max);
    first = &out[*n];
    snprintf(first->legend, sizeof first->legend, "%s%s", name, y_suffix);
    snprintf(first->entry, sizeof first->entry, "%s", shared ? name : first->legend);
    first->x = k->x;
    first->y = k->y;
    first->n = k->n;
    first->lower = 0;
    first->like = -1;
    first->draw = y_draw;
    (*n)++;
    if (y2_suffix != NULL) {
      cli_plot_series *second = &out[*n];
      snprintf(second->legend, sizeof second->legend, "%s%s", name, y2_suffix);
      snprintf(second->entry, sizeof second->entry, "%s", shared ? "" : second->legend);
      second->x = k->x;
      second->y = k->y2;
      second->n = k->n;
      second->lower = y2_lower;
      second->like = shared ? (int)(*n - 1) : -1;
      second->draw = y2_draw;
      (*n)++;
    }
  }
  return 0;
}

int cli_curves_plot_panels(cli_plot_panels *out, const cli_curves *s)
{
  double lo = INFINITY, hi = -INFINITY;
  size_t i, j;

  if (s->n == 0 || s->curve[0].kind != AMPSIM_CURVE_LOOP_GAIN)
    return 0;
  snprintf(out->upper_label, sizeof out->upper_label, "|T|");
  snprintf(out->lower_label, sizeof out->lower_label, "arg T");
  out->upper_unit = "dB";
  out->lower_unit = "deg";
  for (i = 0; i < s->n; i++) {
    for (j = 0; j < s->curve[i].n; j++) {
      double v = s->curve[i].y2[j];
      if (isfinite(v)) {
        lo = fmin(lo, v);
        hi = fmax(hi, v);
      }
    }
  }
  /* Whole quadrants: a phase reads against -90, -180 and -270 degrees. Far
   * beyond a few turns (or without any phase) the plot chooses. */
  out->lower_lo = out->lower_hi = 0.0;
  if (lo <= hi && lo >= -3600.0 && hi <= 3600.0) {
    out->lower_lo = 90.0 * floor(lo / 90.0 + 1e-9);
    out->lower_hi = 90.0 * ceil(hi / 90.0 - 1e-9);
    if (out->lower_hi <= out->lower_lo)
      out->lower_lo = out->lower_hi - 90.0;
  }
  return 1;
}

void cli_curves_plot_axes(char *title, size_t title_n, char *y_label, size_t y_label_n,
                          const char **y_unit, const ampsim_curve *k0)
{
  *y_unit = k0->y_unit;
  snprintf(y_label, y_label_n, "%s", k0->y_label);
  switch (k0->kind) {
  case AMPSIM_CURVE_THD_VS_POWER:
  case AMPSIM_CURVE_THD_VS_FREQ:
    snprintf(title, title_n, "THD and THD+N vs %s", k0->x_label);
    snprintf(y_label, y_label_n, "THD, THD+N");
    break;
  case AMPSIM_CURVE_LOOP_GAIN:
    /* On one axis, magnitude and phase share plain numbers; a plot draws
     * them in two panels (cli_curves_plot_panels()). */
    snprintf(title, title_n, "Loop gain T: magnitude and phase vs frequency");
    snprintf(y_label, y_label_n, "|T| (dB), arg T (deg)");
    *y_unit = "";
    break;
  case AMPSIM_CURVE_STEP:
    snprintf(title, title_n, "Small-signal step response at the load");
    break;
  case AMPSIM_CURVE_IMD_SPECTRUM:
    snprintf(title, title_n, "Intermodulation: load voltage spectrum (counted products marked)");
    break;
  default:
    snprintf(title, title_n, "%s vs %s", k0->y_label, k0->x_label);
    break;
  }
}

static void column_title(cli_text *out, const char *name, const char *label,
                         const char *unit)
{
  char title[400];
  if (unit[0] != '\0')
    snprintf(title, sizeof title, "%s%s%s (%s)", name, name[0] ? " " : "", label, unit);
  else
    snprintf(title, sizeof title, "%s%s%s", name, name[0] ? " " : "", label);
  cli_text_csv_field(out, title);
}

static void csv_number(cli_text *out, double v)
{
  if (!isnan(v))
    cli_text_printf(out, "%.17g", v);
}

int cli_compare_curve_csv(cli_text *out, const cli_curves *s, const cli_compare *c)
{
  int shared = 1, two;
  size_t i, j, rows = 0;

  if (s->n == 0)
    return cli_error("no curves");
  two = cli_curves_two_columns(s->curve[0].kind);
  for (i = 0; i < s->n; i++) {
    if (s->curve[i].n > rows)
      rows = s->curve[i].n;
    if (s->curve[i].n != s->curve[0].n)
      shared = 0;
    for (j = 0; shared && j < s->curve[i].n; j++)
      if (s->curve[i].x[j] != s->curve[0].x[j])
        shared = 0;
  }
  if (shared)
    column_title(out, "", s->curve[0].x_label, s->curve[0].x_unit);
  for (i = 0; i < s->n; i++) {
    const ampsim_curve *k = &s->curve[i];
    char name[200];
    curve_name(name, sizeof name, s, i, c);
    if (!shared) {
      if (i > 0)
        cli_text_append(out, ",");
      column_title(out, name, k->x_label, k->x_unit);
    }
    cli_text_append(out, ",");
    column_title(out, name, k->y_label, k->y_unit);
    if (two) {
      cli_text_append(out, ",");
      column_title(out, name, k->y2_label, k->y2_unit);
    }
  }
  cli_text_append(out, "\n");
  for (j = 0; j < rows; j++) {
    if (shared)
      csv_number(out, s->curve[0].x[j]);
    for (i = 0; i < s->n; i++) {
      const ampsim_curve *k = &s->curve[i];
      int have = j < k->n;
      if (!shared) {
        if (i > 0)
          cli_text_append(out, ",");
        if (have)
          csv_number(out, k->x[j]);
      }
      cli_text_append(out, ",");
      if (have)
        csv_number(out, k->y[j]);
      if (two) {
        cli_text_append(out, ",");
        if (have)
          csv_number(out, k->y2[j]);
      }
    }
    cli_text_append(out, "\n");
  }
  return out->failed ? cli_error("%s", strerror(ENOMEM)) : 0;
}
