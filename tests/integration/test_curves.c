/* Curves against analytic answers and against single measurements. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"


static ampsim_curve *curve(const ampsim_stage *stage, ampsim_measure_options *o,
                           ampsim_curve_kind kind, const ampsim_curve_options *co)
{
  ampsim_curve *c = malloc(sizeof *c);
  assert_non_null(c);
  if (ampsim_curve_measure(c, stage, o, kind, co) != 0)
    print_error("curve: %s\n", ampsim_error_last());
  assert_true(c->n > 0);
  return c;
}

/* THD against power: ordered levels, rising THD into clipping, and each
 * point agrees with a single measurement at its level. */
static void thd_vs_power_matches_measure(void **state)
{
  ampsim_stage *stage = open_stage("clipper.cir", "clipper");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_measurement *m = NULL;
  ampsim_curve *c;
  size_t i;
  (void)state;

  o.jobs = 2;
  co.points = 8;
  c = curve(stage, &o, AMPSIM_CURVE_THD_VS_POWER, &co);
  assert_int_equal(c->n, 8);
  assert_string_equal(c->x_unit, "W");
  for (i = 1; i < c->n; i++) {
    assert_true(c->x[i] > c->x[i - 1]);
    assert_true(c->y[i] > c->y[i - 1]); /* tanh: THD grows with level */
    assert_true(c->y2[i] >= c->y[i]);   /* THD+N >= THD */
  }
  /* The top is 1.2 x the 1 % level: THD there is above 1 %. */
  assert_true(c->y[c->n - 1] > 1.0);
  /* A point against a single measurement at its level (32 ohm load). */
  i = c->n / 2;
  o.figures = AMPSIM_FIG_THD;
  o.vouts_rms[0] = sqrt(c->x[i] * 32.0);
  assert_int_equal(ampsim_measure(&m, stage, &o), 0);
  /* Both set the level to within 0.1 % (THD of tanh goes as level^2), so
   * they agree to the convergence tolerance of 0.05 dB. */
  assert_near(20.0 * log10(m->thd[0].thd_pct / c->y[i]), 0.0, 0.05);
  ampsim_measurement_free(m);
  free(c);
  ampsim_stage_free(stage);
}

/* A static nonlinearity has the same THD at every frequency. */
static void thd_vs_freq_flat_for_static_stage(void **state)
{
  ampsim_stage *stage = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_curve *c;
  (void)state;

  o.jobs = 2;
  co.points = 5;
  co.vout_rms = 1.0003 / sqrt(2.0);
  c = curve(stage, &o, AMPSIM_CURVE_THD_VS_FREQ, &co);
  assert_int_equal(c->n, 5);
  assert_near(c->x[0], 20.0, 1e-9);
  assert_near(c->x[4], 20000.0, 1e-6);
  for (size_t i = 0; i < c->n; i++)
    assert_near(c->y[i], 0.1004686, 0.001);
  free(c);
  ampsim_stage_free(stage);
}

static void zout_noise_spectrum_curves(void **state)
{
  ampsim_stage *rl = open_stage("rl.cir", "rl"), *noisy = open_stage("noisy_r.cir", "noisy_r");
  ampsim_stage *poly = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_curve *c;
  (void)state;

  c = curve(rl, &o, AMPSIM_CURVE_ZOUT, &co);
  for (size_t i = 0; i < c->n; i++) {
    double expected = hypot(1.0, 2.0 * 3.14159265358979 * c->x[i] * 100e-6);
    assert_near(c->y[i], expected, 1e-6 * expected);
  }
  free(c);

  /* White thermal noise through the divider: 1.262441e-10 V/rtHz at 32 ohm. */
  c = curve(noisy, &o, AMPSIM_CURVE_NOISE, &co);
  assert_true(c->n > 100);
  assert_true(c->x[0] >= 20.0 && c->x[c->n - 1] <= 20000.0);
  for (size_t i = 0; i < c->n; i++)
    assert_near(c->y[i], 1.262441e-10, 1e-3 * 1.262441e-10);
  free(c);

  /* Harmonic spectrum: V2 = a2 A^2 / 2 = 1 mV peak = -63.01 dBV rms. */
  co.vout_rms = 1.0003 / sqrt(2.0);
  c = curve(poly, &o, AMPSIM_CURVE_SPECTRUM, &co);
  assert_near(c->x[1], 2000.0, 1e-9);
  assert_near(c->y[1], 20.0 * log10(1e-3 / sqrt(2.0)), 0.1);
  assert_near(c->y[2], 20.0 * log10(1e-4 / sqrt(2.0)), 0.1);
  free(c);
  ampsim_stage_free(rl);
  ampsim_stage_free(noisy);
  ampsim_stage_free(poly);
}

static void curve_names_and_errors(void **state)
{
  ampsim_curve_kind kind;
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_curve *c = malloc(sizeof *c);
  ampsim_stage *stage = open_stage("linear.cir", "linear");
  (void)state;

  assert_int_equal(ampsim_curve_kind_parse(&kind, "thd-power"), 0);
  assert_int_equal(kind, AMPSIM_CURVE_THD_VS_POWER);
  assert_string_equal(ampsim_curve_kind_name(AMPSIM_CURVE_NOISE), "noise");
  assert_int_equal(ampsim_curve_kind_parse(&kind, "bogus"), AMPSIM_EINVAL);
  co.points = 1;
  assert_int_equal(ampsim_curve_measure(c, stage, &o, AMPSIM_CURVE_THD_VS_FREQ, &co),
                   AMPSIM_EINVAL);
  co.points = 5;
  co.freq_hz = 0.0;
  assert_int_equal(ampsim_curve_measure(c, stage, &o, AMPSIM_CURVE_SPECTRUM, &co),
                   AMPSIM_EINVAL);
  free(c);
  ampsim_stage_free(stage);
}

/* A 20-point curve: identical with one and two workers. */
static void curve_same_with_any_jobs(void **state)
{
  ampsim_stage *stage = open_stage("clipper.cir", "clipper");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_curve *one, *two;
  (void)state;

  o.jobs = 1;
  one = curve(stage, &o, AMPSIM_CURVE_THD_VS_POWER, &co);
  o.jobs = 2;
  two = curve(stage, &o, AMPSIM_CURVE_THD_VS_POWER, &co);
  assert_int_equal(one->n, 20);
  assert_memory_equal(one, two, sizeof *one);
  free(one);
  free(two);
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(thd_vs_power_matches_measure),
    cmocka_unit_test(thd_vs_freq_flat_for_static_stage),
    cmocka_unit_test(zout_noise_spectrum_curves),
    cmocka_unit_test(curve_names_and_errors),
    cmocka_unit_test(curve_same_with_any_jobs),
};

AMPSIM_TEST_MAIN(tests)
