/*
 * The curve sets of include/ampsim/curves.h against the figures they
 * illustrate: the loop-gain curve of the analytic two-pole loop crosses
 * 0 dB at the crossover the stability figure reports (and the analytic one),
 * the step curve's peak is the reported overshoot, and the IMD spectrum has
 * its product lines at the frequencies and levels the IMD figures report.
 * Derivations: tests/stages/poles.cir and square.cir.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"

#define PI 3.14159265358979323846



/* The set of a kind; *n members. */
static ampsim_curve *measure_set(size_t *n, const ampsim_stage *stage,
                                 ampsim_measure_options *o, ampsim_curve_kind kind,
                                 const ampsim_curve_options *co)
{
  ampsim_curve *set = calloc(AMPSIM_MAX_CURVE_SET, sizeof *set);
  assert_non_null(set);
  o->jobs = 2;
  if (ampsim_curve_measure_set(set, AMPSIM_MAX_CURVE_SET, n, stage, o, kind, co) != 0)
    print_error("curve set: %s\n", ampsim_error_last());
  assert_true(*n > 0);
  return set;
}

/* Where y falls through 0 (log-f interpolation); y2 there in *y2_at. */
static double zero_crossing(const ampsim_curve *c, double *y2_at)
{
  for (size_t k = 0; k + 1 < c->n; k++) {
    if (c->y[k] >= 0.0 && c->y[k + 1] < 0.0) {
      double x = c->y[k] / (c->y[k] - c->y[k + 1]);
      *y2_at = c->y2[k] + x * (c->y2[k + 1] - c->y2[k]);
      return exp(log(c->x[k]) + x * (log(c->x[k + 1]) - log(c->x[k])));
    }
  }
  return NAN;
}

/* T(f) = 5000 / ((1 + j f/1k)(1 + j f/1M)) (poles.cir): |T| = 1 at fc. */
static double analytic_crossover(void)
{
  double lo = 1.0, hi = 1e9;
  for (int i = 0; i < 200; i++) {
    double mid = sqrt(lo * hi);
    if (cabs(5000.0 / ((1.0 + I * mid / 1e3) * (1.0 + I * mid / 1e6))) > 1.0)
      lo = mid;
    else
      hi = mid;
  }
  return sqrt(lo * hi);
}

static void loop_gain_curve_crosses_at_the_crossover(void **state)
{
  ampsim_stage *stage = open_stage("poles.cir", "twopole");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  ampsim_curve *set;
  double fc = analytic_crossover();
  double pm = 180.0 - (atan(fc / 1e3) + atan(fc / 1e6)) * 180.0 / PI;
  size_t n = 0;
  (void)state;

  o.figures = AMPSIM_FIG_STABILITY;
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m = measure_stage(stage, &o);
  set = measure_set(&n, stage, &o, AMPSIM_CURVE_LOOP_GAIN, NULL);
  assert_int_equal(n, 2); /* one per half */
  assert_string_equal(set[0].series, "+ half");
  assert_string_equal(set[1].series, "- half");
  for (size_t i = 0; i < n; i++) {
    double phase = NAN, f0 = zero_crossing(&set[i], &phase);
    print_message("loop-gain curve %s: 0 dB at %.6g Hz, figure %.6g Hz, analytic %.6g Hz; "
                  "PM from curve %.3f deg, figure %.3f deg, analytic %.3f deg\n",
                  set[i].series, f0, m->halves[i].crossover_hz, fc, 180.0 + phase,
                  m->halves[i].phase_margin_deg, pm);
    assert_string_equal(set[i].y_unit, "dB");
    assert_near(f0, m->halves[i].crossover_hz, 0.01 * m->halves[i].crossover_hz);
    assert_near(f0, fc, 0.01 * fc);
    assert_near(180.0 + phase, m->halves[i].phase_margin_deg, 1.0);
    assert_near(180.0 + phase, pm, 1.0);
    /* Low frequency: T0 = a0 beta = 5000 = 73.98 dB, phase 0. */
    assert_near(set[i].y[0], 20.0 * log10(cabs(5000.0 / (1.0 + I * set[i].x[0] / 1e3))), 0.01);
    assert_near(set[i].y2[0], 0.0, 1.0);
  }
  ampsim_measurement_free(m);
  free(set);

  /* With capacitive loads: one curve per half and capacitance. */
  o.n_caps = 2;
  o.caps_f[0] = 0.0;
  o.caps_f[1] = 10e-9;
  set = measure_set(&n, stage, &o, AMPSIM_CURVE_LOOP_GAIN, NULL);
  assert_int_equal(n, 4);
  assert_string_equal(set[1].series, "+ half, C = 10 nF");
  assert_string_equal(set[2].series, "- half, C = 0");
  free(set);
  ampsim_stage_free(stage);
}

static void loop_gain_needs_vloop(void **state)
{
  ampsim_stage *stage = open_stage("rl.cir", "rl");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve *set = calloc(AMPSIM_MAX_CURVE_SET, sizeof *set);
  size_t n = 7;
  (void)state;
  assert_non_null(set);
  o.jobs = 2;
  assert_int_equal(ampsim_curve_measure_set(set, AMPSIM_MAX_CURVE_SET, &n, stage, &o,
                                            AMPSIM_CURVE_LOOP_GAIN, NULL),
                   AMPSIM_ENOTFOUND);
  assert_int_equal(n, 0);
  assert_non_null(strstr(ampsim_error_last(), "Vloop"));
  free(set);
  ampsim_stage_free(stage);
}

static void step_curve_peak_is_the_overshoot(void **state)
{
  ampsim_stage *stage = open_stage("poles.cir", "twopole");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  ampsim_curve *set;
  double w1 = 2 * PI * 1e3, w2 = 2 * PI * 1e6, wn = sqrt(w1 * w2 * 5001.0);
  double zeta = (w1 + w2) / (2.0 * wn);
  double overshoot = 100.0 * exp(-PI * zeta / sqrt(1.0 - zeta * zeta));
  double peak = -INFINITY, last;
  size_t n = 0;
  (void)state;

  o.figures = AMPSIM_FIG_STABILITY;
  o.n_caps = 1;
  o.caps_f[0] = 0.0;
  m = measure_stage(stage, &o);
  set = measure_set(&n, stage, &o, AMPSIM_CURVE_STEP, NULL);
  assert_int_equal(n, 1);
  assert_string_equal(set[0].series, "C = 0");
  assert_true(set[0].n >= 100);
  for (size_t i = 0; i < set[0].n; i++)
    peak = fmax(peak, set[0].y[i]);
  last = set[0].y[set[0].n - 1];
  print_message("step curve: peak %.3f %% over, figure %.3f %%, analytic %.3f %%; "
                "end of the curve %.3f %%\n",
                peak - 100.0, m->cap_load[0].overshoot_pct, overshoot, last);
  /* Before the step: 0 %; at the end: settled within 1 %. */
  assert_true(set[0].x[0] < 0.0);
  assert_near(set[0].y[0], 0.0, 0.1);
  assert_near(last, 100.0, 1.0);
  assert_near(peak - 100.0, m->cap_load[0].overshoot_pct, 0.5);
  assert_near(peak - 100.0, overshoot, 1.0);
  ampsim_measurement_free(m);
  free(set);

  /* Without capacitances given: one curve at C = 0; with three: three. */
  o.n_caps = 0;
  set = measure_set(&n, stage, &o, AMPSIM_CURVE_STEP, NULL);
  assert_int_equal(n, 1);
  free(set);
  ampsim_stage_free(stage);
}

/* The curve's level at f (the bin there), dBV. */
static double level_at(const ampsim_curve *c, double f_hz, int products)
{
  for (size_t k = 0; k < c->n; k++)
    if (fabs(c->x[k] - f_hz) < 1e-6 * f_hz)
      return products ? c->y2[k] : c->y[k];
  fail_msg("no bin at %g Hz", f_hz);
  return NAN;
}

static double from_db(double db)
{
  return pow(10.0, db / 20.0);
}

static void imd_spectrum_shows_the_products(void **state)
{
  ampsim_stage *stage = open_stage("square.cir", "square");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_measurement *m;
  ampsim_curve *set;
  size_t n = 0;
  (void)state;

  o.figures = AMPSIM_FIG_IMD;
  o.imd_tests = AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF;
  o.vouts_rms[0] = 1.0;
  co.vout_rms = 1.0;
  m = measure_stage(stage, &o);
  set = measure_set(&n, stage, &o, AMPSIM_CURVE_IMD_SPECTRUM, &co);
  assert_int_equal(n, 2);
  assert_int_equal(m->n_imd, 2);
  for (size_t i = 0; i < n; i++) {
    const ampsim_curve *c = &set[i];
    const ampsim_imd_point *p = m->imd[0].test == (i == 0 ? AMPSIM_IMD_SMPTE : AMPSIM_IMD_CCIF)
                                    ? &m->imd[0]
                                    : &m->imd[1];
    size_t marked = 0;
    for (size_t k = 0; k < c->n; k++)
      if (!isnan(c->y2[k]))
        marked++;
    if (i == 0) {
      /* SMPTE: d2 is the pair f2 +- f1 over the 7 kHz carrier. */
      double a2 = from_db(level_at(c, 7000.0, 0));
      double d2 = (from_db(level_at(c, 6940.0, 1)) + from_db(level_at(c, 7060.0, 1))) / a2;
      double a1 = from_db(level_at(c, 60.0, 0));
      print_message("SMPTE spectrum: d2 %.4f dB from the lines, %.4f dB reported; "
                    "level %.5f Vrms (%.5f reported)\n",
                    20.0 * log10(d2), p->d2_db, hypot(a1, a2), p->vout_rms);
      assert_string_equal(c->series, "SMPTE 60 Hz + 7 kHz, 4:1");
      assert_near(20.0 * log10(d2), p->d2_db, 0.01);
      assert_near(hypot(a1, a2), p->vout_rms, 1e-4 * p->vout_rms);
      assert_near(c->x[0], 20.0, 1e-9);
      assert_true(marked >= 2 && marked <= 8); /* f2 +- k f1, k = 1..4, those above the floor */
    } else {
      /* CCIF: d2 is the line at f2 - f1 over the sum of the tones. */
      double a1 = from_db(level_at(c, 19000.0, 0)), a2 = from_db(level_at(c, 20000.0, 0));
      double d2 = from_db(level_at(c, 1000.0, 1)) / (a1 + a2);
      print_message("CCIF spectrum: d2 %.4f dB from the line at 1 kHz, %.4f dB reported\n",
                    20.0 * log10(d2), p->d2_db);
      assert_near(20.0 * log10(d2), p->d2_db, 0.01);
      assert_near(p->d2_db, -46.02060, 0.1);
      assert_true(isnan(level_at(c, 18000.0, 1)) || level_at(c, 18000.0, 1) < -140.0);
    }
  }
  ampsim_measurement_free(m);
  free(set);
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(loop_gain_curve_crosses_at_the_crossover),
    cmocka_unit_test(loop_gain_needs_vloop),
    cmocka_unit_test(step_curve_peak_is_the_overshoot),
    cmocka_unit_test(imd_spectrum_shows_the_products),
};

AMPSIM_TEST_MAIN(tests)
