/* Loop gain, margins and step response against analytic answers
 * (tests/stages/poles.cir has the derivations). */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"

#define PI 3.14159265358979323846



/* T(f) of the test stages: a0 beta over the poles. */
static double complex loop(double f, int poles)
{
  const double p[3] = {1e3, 1e6, 10e6};
  double complex t = 1e4 * 0.5;
  for (int i = 0; i < poles; i++)
    t /= 1.0 + I * f / p[i];
  return t;
}

/* Bisection on a monotonic quantity in log f. */
static double solve(double (*g)(double f, int poles), int poles, double target)
{
  double lo = 1.0, hi = 1e9;
  for (int i = 0; i < 200; i++) {
    double mid = sqrt(lo * hi);
    if (g(mid, poles) > target)
      lo = mid;
    else
      hi = mid;
  }
  return sqrt(lo * hi);
}

static double magnitude(double f, int poles)
{
  return cabs(loop(f, poles));
}

static double phase_deg(double f, int poles)
{
  double ph = 0.0;
  const double p[3] = {1e3, 1e6, 10e6};
  for (int i = 0; i < poles; i++)
    ph -= atan(f / p[i]) * 180.0 / PI;
  return ph;
}

static void two_pole_margins(void **state)
{
  ampsim_stage *stage = open_stage("poles.cir", "twopole");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  double fc = solve(magnitude, 2, 1.0);
  (void)state;
  o.figures = AMPSIM_FIG_STABILITY;
  m = measure_stage(stage, &o);
  assert_true(m->has_loop);
  assert_near(m->stability.crossover_hz, fc, 0.01 * fc);
  assert_near(m->stability.phase_margin_deg, 180.0 + phase_deg(fc, 2), 1.0);
  assert_true(isnan(m->stability.gain_margin_db));
  ampsim_measurement_free(m);

  /* BTL: both halves measured, each the same loop. */
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m = measure_stage(stage, &o);
  assert_int_equal(m->n_halves, 2);
  assert_near(m->halves[1].crossover_hz, fc, 0.01 * fc);
  assert_near(m->halves[1].phase_margin_deg, 180.0 + phase_deg(fc, 2), 1.0);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

static void three_pole_gain_margin(void **state)
{
  ampsim_stage *stage = open_stage("poles.cir", "threepole");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  double fc = solve(magnitude, 3, 1.0);
  double f180 = solve(phase_deg, 3, -180.0);
  (void)state;
  o.figures = AMPSIM_FIG_STABILITY;
  m = measure_stage(stage, &o);
  assert_near(m->stability.crossover_hz, fc, 0.01 * fc);
  assert_near(m->stability.phase_margin_deg, 180.0 + phase_deg(fc, 3), 1.0);
  assert_near(m->stability.gain_margin_db, -20.0 * log10(magnitude(f180, 3)), 0.2);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* The two-pole loop closes into a second-order system: overshoot and
 * ringing follow zeta and wn. */
static void step_follows_second_order(void **state)
{
  ampsim_stage *stage = open_stage("poles.cir", "twopole");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  double w1 = 2 * PI * 1e3, w2 = 2 * PI * 1e6, wn = sqrt(w1 * w2 * 5001.0);
  double zeta = (w1 + w2) / (2.0 * wn);
  double overshoot = 100.0 * exp(-PI * zeta / sqrt(1.0 - zeta * zeta));
  double ring = wn * sqrt(1.0 - zeta * zeta) / (2 * PI);
  (void)state;
  o.figures = AMPSIM_FIG_STABILITY;
  o.n_caps = 1;
  o.caps_f[0] = 0.0;
  m = measure_stage(stage, &o);
  assert_int_equal(m->n_cap_load, 1);
  assert_near(m->cap_load[0].overshoot_pct, overshoot, 1.0);
  assert_near(m->cap_load[0].ring_hz, ring, 0.03 * ring);
  assert_true(m->cap_load[0].settling_s > 0.0 && m->cap_load[0].settling_s < 10e-6);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* No Vloop: stability is null, never guessed; the capacitive-load checks
 * still run. */
static void no_loop_is_null(void **state)
{
  ampsim_stage *stage = open_stage("rl.cir", "rl");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;
  o.figures = AMPSIM_FIG_STABILITY;
  o.n_caps = 2;
  o.caps_f[0] = 0.0;
  o.caps_f[1] = 100e-9;
  m = measure_stage(stage, &o);
  assert_false(m->has_loop);
  assert_true(isnan(m->stability.phase_margin_deg));
  assert_true(isnan(m->cap_load[1].stability.phase_margin_deg));
  /* 100 uH with 100 nF across the connector: resonance at 50.3 kHz. */
  assert_near(m->cap_load[1].zout_peak_hz, 1.0 / (2 * PI * sqrt(100e-6 * 100e-9)), 0.06 * 50330.0);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(two_pole_margins),
    cmocka_unit_test(three_pole_gain_margin),
    cmocka_unit_test(step_follows_second_order),
    cmocka_unit_test(no_loop_is_null),
};

AMPSIM_TEST_MAIN(tests)
