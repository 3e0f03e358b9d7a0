/*
 * test_compare_figures.c - the pure parts of `ampsim compare` and `ampsim
 * report` in src/cli/compare_figures.c, on made-up measurements and curves:
 * the rows of capacitive loads, intermodulation and overload recovery (keys,
 * labels, values, "-" where a design did not measure, yes/no without a best
 * marker), the series of a plot of curve sets, and their CSV. The tool's
 * source is compiled in directly, with the two error printers stubbed.
 */
#include "test_main.h"

#include <stdlib.h>

#include "../../src/cli/compare_text.c"
#include "../../src/cli/compare_figures.c"

static char last_error[512];

int cli_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return CLI_EXIT_ERROR;
}

int cli_library_error(int code)
{
  snprintf(last_error, sizeof last_error, "library error %d", code);
  return CLI_EXIT_ERROR;
}

/* n designs named d0, d1, ... with empty measurements. */
static cli_compare *new_compare(size_t n)
{
  cli_compare *c = calloc(1, sizeof *c);
  assert_non_null(c);
  c->n = n;
  c->designs = calloc(n, sizeof *c->designs);
  assert_non_null(c->designs);
  for (size_t i = 0; i < n; i++) {
    snprintf(c->designs[i].name, sizeof c->designs[i].name, "d%zu", i);
    c->m[i] = calloc(1, sizeof *c->m[i]);
    assert_non_null(c->m[i]);
  }
  return c;
}

static void free_compare(cli_compare *c)
{
  for (size_t i = 0; i < c->n; i++)
    free(c->m[i]);
  free(c->designs);
  free(c->rows);
  free(c);
}

static const cli_row *row_of(const cli_compare *c, const char *label)
{
  for (size_t k = 0; k < c->n_rows; k++)
    if (strcmp(c->rows[k].label, label) == 0)
      return &c->rows[k];
  fail_msg("no row '%s'", label);
  return NULL;
}

static const char *text_of(const cli_row *r, size_t design)
{
  static char buf[64];
  cli_row_format(buf, sizeof buf, r, design);
  return buf;
}

static void stability_imd_clipping_rows(void **state)
{
  cli_compare *c = new_compare(3);
  ampsim_measurement *a = c->m[0], *b = c->m[1], *d = c->m[2];
  const cli_row *r;
  int marks[CLI_COMPARE_MAX_DESIGNS];
  (void)state;

  /* d0: capacitive loads 0 and 10 nF; d1: 10 nF and 100 nF, no loop;
   * d2: nothing of the kind measured. */
  a->options.figures = AMPSIM_FIG_STABILITY | AMPSIM_FIG_IMD | AMPSIM_FIG_CLIPPING;
  a->has_loop = 1;
  a->n_cap_load = 2;
  a->cap_load[0].cap_f = 0.0;
  a->cap_load[0].stability.phase_margin_deg = 60.0;
  a->cap_load[0].overshoot_pct = 5.0;
  a->cap_load[1].cap_f = 10e-9;
  a->cap_load[1].stability.phase_margin_deg = 41.7;
  a->cap_load[1].overshoot_pct = 29.15;
  b->options.figures = AMPSIM_FIG_STABILITY | AMPSIM_FIG_IMD | AMPSIM_FIG_CLIPPING;
  b->n_cap_load = 2;
  b->cap_load[0].cap_f = 10e-9;
  b->cap_load[0].stability.phase_margin_deg = NAN;
  b->cap_load[0].overshoot_pct = 12.0;
  b->cap_load[1].cap_f = 100e-9;
  b->cap_load[1].stability.phase_margin_deg = NAN;
  b->cap_load[1].overshoot_pct = 30.0;
  /* IMD: d0 has both tests, d1 CCIF only (at index 0). */
  a->n_imd = 2;
  a->imd[0] = (ampsim_imd_point){ AMPSIM_IMD_SMPTE, 1.0, -60.0, -80.0, -59.9 };
  a->imd[1] = (ampsim_imd_point){ AMPSIM_IMD_CCIF, 1.0, -90.0, -95.0, -88.8 };
  b->n_imd = 1;
  b->imd[0] = (ampsim_imd_point){ AMPSIM_IMD_CCIF, 1.0, -70.0, -INFINITY, -70.0 };
  /* Clipping: d0 recovers in 12 us, symmetric; d1 never (latched). */
  a->has_clipping = 1;
  a->clipping.recovery_s = 12e-6;
  a->clipping.symmetric = 1;
  b->has_clipping = 1;
  b->clipping.recovery_s = NAN;
  b->clipping.latched = 1;
  d->options.figures = AMPSIM_FIG_GAIN;

  assert_int_equal(cli_compare_rows_more(c), 0);

  /* Capacitances of every design, in the order met: 0, 10 nF, 100 nF. */
  r = row_of(c, "Phase margin, C = 0");
  assert_string_equal(r->key, "cap_load.0.phase_margin_deg");
  assert_string_equal(text_of(r, 0), "60.0 deg");
  assert_string_equal(text_of(r, 1), "-");
  assert_string_equal(text_of(r, 2), "-");
  r = row_of(c, "Phase margin, C = 10 nF");
  assert_string_equal(r->key, "cap_load.1.phase_margin_deg");
  assert_string_equal(text_of(r, 0), "41.7 deg");
  assert_string_equal(text_of(r, 1), "no loop");
  assert_int_equal(r->better, 1);
  r = row_of(c, "Step overshoot, C = 10 nF");
  assert_string_equal(r->json_unit, "%");
  assert_string_equal(text_of(r, 0), "29.1 %");
  assert_string_equal(text_of(r, 1), "12.0 %");
  cli_row_mark_best(marks, r, c->n);
  assert_int_equal(marks[0], 0); /* lower overshoot is better */
  assert_int_equal(marks[1], 1);
  /* Values that print the same tie: no best (48.6059 and 48.6065 %). */
  a->cap_load[0].overshoot_pct = 48.6059;
  c->n_rows = 0;
  b->cap_load[0].cap_f = 0.0;
  b->cap_load[0].overshoot_pct = 48.6065;
  assert_int_equal(cli_compare_rows_more(c), 0);
  r = row_of(c, "Step overshoot, C = 0");
  cli_row_mark_best(marks, r, c->n);
  assert_int_equal(marks[0] + marks[1], 0);
  b->cap_load[0].overshoot_pct = 48.66;
  c->n_rows = 0;
  assert_int_equal(cli_compare_rows_more(c), 0);
  r = row_of(c, "Step overshoot, C = 0");
  cli_row_mark_best(marks, r, c->n);
  assert_int_equal(marks[0], 1);
  assert_int_equal(marks[1], 0);
  b->cap_load[0].cap_f = 10e-9;
  b->cap_load[0].overshoot_pct = 12.0;
  c->n_rows = 0;
  assert_int_equal(cli_compare_rows_more(c), 0);

  r = row_of(c, "Step overshoot, C = 100 nF");
  assert_string_equal(r->key, "cap_load.1.overshoot_pct"); /* d1's index */
  assert_string_equal(text_of(r, 0), "-");
  assert_string_equal(text_of(r, 1), "30.0 %");

  /* IMD: lower is better; a product at the floor is "below floor". */
  r = row_of(c, "SMPTE IMD");
  assert_string_equal(r->key, "imd.0.imd_db");
  assert_string_equal(text_of(r, 0), "-59.9 dB");
  assert_string_equal(text_of(r, 1), "-");
  r = row_of(c, "CCIF IMD");
  assert_string_equal(r->key, "imd.1.imd_db");
  cli_row_mark_best(marks, r, c->n);
  assert_int_equal(marks[0], 1);
  assert_int_equal(marks[1], 0);
  assert_int_equal(marks[2], 0);
  r = row_of(c, "CCIF IMD d3");
  assert_string_equal(text_of(r, 0), "-95.0 dB");
  assert_string_equal(text_of(r, 1), "below floor");
  r = row_of(c, "CCIF IMD d2");
  assert_string_equal(text_of(r, 1), "-70.0 dB");

  /* Clipping: recovery lower is better, never is its own text; yes/no
   * rows have no best. */
  r = row_of(c, "Overload recovery");
  assert_string_equal(r->key, "clipping.recovery_s");
  assert_string_equal(text_of(r, 0), "12 us");
  assert_string_equal(text_of(r, 1), "not in window");
  assert_string_equal(text_of(r, 2), "-");
  r = row_of(c, "Clipping symmetric");
  assert_true(r->boolean);
  assert_string_equal(text_of(r, 0), "yes");
  assert_string_equal(text_of(r, 1), "no");
  assert_string_equal(text_of(r, 2), "-");
  cli_row_mark_best(marks, r, c->n);
  assert_int_equal(marks[0] + marks[1] + marks[2], 0);
  r = row_of(c, "Latched after overload");
  assert_string_equal(text_of(r, 1), "yes");
  assert_int_equal(r->better, 0);
  free_compare(c);
}

static void no_rows_when_nothing_measured(void **state)
{
  cli_compare *c = new_compare(2);
  (void)state;
  c->m[0]->options.figures = AMPSIM_FIG_ALL;
  c->m[1]->options.figures = AMPSIM_FIG_ALL | AMPSIM_FIG_STABILITY; /* no cap loads */
  assert_int_equal(cli_compare_rows_more(c), 0);
  assert_int_equal(c->n_rows, 0);
  free_compare(c);
}

/* A loop-gain set of one design (two halves) and an IMD spectrum. */
static void plot_series_of_curve_sets(void **state)
{
  cli_compare *c = new_compare(2);
  cli_curves s = { 0 };
  cli_plot_series series[AMPSIM_PLOT_MAX_SERIES];
  char title[160], y_label[96];
  const char *y_unit = NULL;
  size_t n = 0;
  (void)state;

  s.n = 3;
  s.curve = calloc(3, sizeof *s.curve);
  s.design = calloc(3, sizeof *s.design);
  assert_non_null(s.curve);
  assert_non_null(s.design);
  for (size_t i = 0; i < 3; i++) {
    s.curve[i].kind = AMPSIM_CURVE_LOOP_GAIN;
    s.curve[i].n = 2;
    s.curve[i].x[0] = 10.0;
    s.curve[i].x[1] = 100.0;
    s.curve[i].y[0] = 40.0 + (double)i;
    s.curve[i].y[1] = 20.0;
    s.curve[i].y2[0] = -90.0;
    s.curve[i].y2[1] = -91.0;
    snprintf(s.curve[i].x_label, sizeof s.curve[i].x_label, "Frequency");
    snprintf(s.curve[i].x_unit, sizeof s.curve[i].x_unit, "Hz");
    snprintf(s.curve[i].y_label, sizeof s.curve[i].y_label, "Loop gain");
    snprintf(s.curve[i].y_unit, sizeof s.curve[i].y_unit, "dB");
    snprintf(s.curve[i].y2_label, sizeof s.curve[i].y2_label, "Loop-gain phase");
    snprintf(s.curve[i].y2_unit, sizeof s.curve[i].y2_unit, "deg");
  }
  snprintf(s.curve[0].series, sizeof s.curve[0].series, "+ half");
  snprintf(s.curve[1].series, sizeof s.curve[1].series, "- half");
  s.design[2] = 1; /* d1: SE, no series name */

  assert_int_equal(cli_curves_plot_series(series, AMPSIM_PLOT_MAX_SERIES, &n, &s, c), 0);
  assert_int_equal(n, 6);
  assert_string_equal(series[0].legend, "d0, + half |T|");
  assert_string_equal(series[1].legend, "d0, + half phase");
  assert_string_equal(series[2].legend, "d0, - half |T|");
  assert_string_equal(series[4].legend, "d1 |T|");
  assert_string_equal(series[5].legend, "d1 phase");
  assert_ptr_equal(series[2].y, s.curve[1].y);
  assert_ptr_equal(series[3].y, s.curve[1].y2);
  assert_int_equal(series[5].n, 2);
  cli_curves_plot_axes(title, sizeof title, y_label, sizeof y_label, &y_unit, &s.curve[0]);
  assert_string_equal(y_unit, "");
  assert_non_null(strstr(y_label, "(dB)"));
  assert_non_null(strstr(y_label, "(deg)"));

  /* Plot spans: all three curves (6 series) fit in 6; in 4, one design's
   * curves at a time, two per plot; in 2, one curve. */
  assert_int_equal(cli_curves_plot_span(&s, 0, 6), 3);
  assert_int_equal(cli_curves_plot_span(&s, 0, 5), 2);
  assert_int_equal(cli_curves_plot_span(&s, 2, 5), 1);
  assert_int_equal(cli_curves_plot_span(&s, 0, 2), 1);
  assert_int_equal(cli_curves_plot_span(&s, 3, 6), 0);

  /* Too many series for one plot: an error naming the limit. */
  assert_int_equal(cli_curves_plot_series(series, 5, &n, &s, c), CLI_EXIT_ERROR);
  assert_non_null(strstr(last_error, "too many series"));

  /* The IMD spectrum: the spectrum, then its products. */
  s.n = 1;
  s.curve[0].kind = AMPSIM_CURVE_IMD_SPECTRUM;
  snprintf(s.curve[0].series, sizeof s.curve[0].series, "CCIF 19 + 20 kHz, 1:1");
  assert_int_equal(cli_curves_plot_series(series, AMPSIM_PLOT_MAX_SERIES, &n, &s, c), 0);
  assert_int_equal(n, 2);
  assert_string_equal(series[0].legend, "d0, CCIF 19 + 20 kHz, 1:1");
  assert_string_equal(series[1].legend, "d0, CCIF 19 + 20 kHz, 1:1 products");
  assert_ptr_equal(series[1].y, s.curve[0].y2);

  /* A step set: one series per curve. */
  s.curve[0].kind = AMPSIM_CURVE_STEP;
  snprintf(s.curve[0].series, sizeof s.curve[0].series, "C = 10 nF");
  assert_int_equal(cli_curves_plot_series(series, AMPSIM_PLOT_MAX_SERIES, &n, &s, c), 0);
  assert_int_equal(n, 1);
  assert_string_equal(series[0].legend, "d0, C = 10 nF");
  cli_curves_free(&s);
  free_compare(c);
}

static void curve_set_csv(void **state)
{
  cli_compare *c = new_compare(1);
  cli_curves s = { 0 };
  cli_text t = { 0 };
  (void)state;

  s.n = 2;
  s.curve = calloc(2, sizeof *s.curve);
  s.design = calloc(2, sizeof *s.design);
  assert_non_null(s.curve);
  assert_non_null(s.design);
  for (size_t i = 0; i < 2; i++) {
    ampsim_curve *k = &s.curve[i];
    k->kind = AMPSIM_CURVE_LOOP_GAIN;
    k->n = 2;
    k->x[0] = 10.0;
    k->x[1] = 100.0;
    k->y[0] = 6.0;
    k->y[1] = (double)i;
    k->y2[0] = -90.0;
    k->y2[1] = NAN;
    snprintf(k->x_label, sizeof k->x_label, "Frequency");
    snprintf(k->x_unit, sizeof k->x_unit, "Hz");
    snprintf(k->y_label, sizeof k->y_label, "Loop gain");
    snprintf(k->y_unit, sizeof k->y_unit, "dB");
    snprintf(k->y2_label, sizeof k->y2_label, "Loop-gain phase");
    snprintf(k->y2_unit, sizeof k->y2_unit, "deg");
    snprintf(k->series, sizeof k->series, "C = %d nF", i == 0 ? 0 : 10);
  }
  assert_int_equal(cli_compare_curve_csv(&t, &s, c), 0);
  assert_string_equal(cli_text_str(&t),
                      "Frequency (Hz),\"d0, C = 0 nF Loop gain (dB)\","
                      "\"d0, C = 0 nF Loop-gain phase (deg)\",\"d0, C = 10 nF Loop gain (dB)\","
                      "\"d0, C = 10 nF Loop-gain phase (deg)\"\n"
                      "10,6,-90,6,-90\n"
                      "100,0,,1,\n");
  free(t.data);
  cli_curves_free(&s);
  free_compare(c);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(stability_imd_clipping_rows),
  cmocka_unit_test(no_rows_when_nothing_measured),
  cmocka_unit_test(plot_series_of_curve_sets),
  cmocka_unit_test(curve_set_csv),
};

AMPSIM_TEST_MAIN(tests)
