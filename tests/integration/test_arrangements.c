/*
 * Output arrangements and the volume control against analytic answers
 * (issue: se-split, active-ground, dual-mono supplies, volume).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"



static double at(const ampsim_measurement *m, double f, int zout)
{
  size_t n = zout ? m->n_zout : m->n_crosstalk;
  for (size_t i = 0; i < n; i++) {
    double fi = zout ? m->zout[i].freq_hz : m->crosstalk[i].freq_hz;
    if (fi == f)
      return zout ? m->zout[i].ohms : m->crosstalk[i].db;
  }
  fail_msg("no point at %g Hz", f);
  return NAN;
}

/* Separate returns, ideal stages, shared ideal supply: nothing couples. */
static void se_split_has_no_crosstalk(void **state)
{
  ampsim_stage *stage = open_stage("linear.cir", "linear");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;
  o.figures = AMPSIM_FIG_CROSSTALK | AMPSIM_FIG_GAIN;
  o.bench.topology = AMPSIM_TOPOLOGY_SE_SPLIT;
  o.bench.ground_ohms = 0.05;
  m = measure_stage(stage, &o);
  assert_true(isnan(at(m, 1000.0, 0)));
  assert_true(isnan(at(m, 20.0, 0)));
  /* The return wire divides the signal: 32 / 32.05 of gain 2. */
  assert_near(m->gain_db, 20.0 * log10(2.0 * 32.0 / 32.05), 1e-6);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* Active ground: a divider through the ground stage's output resistance
 * (derivation in tests/stages/rout.cir). */
static void active_ground_divider(void **state)
{
  ampsim_stage *stage = open_stage("rout.cir", "rout");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  const double r = 1.0, rg = 0.05, rl = 32.0;
  double zg = rg + r, par = zg * (rl + r) / (zg + rl + r);
  (void)state;
  o.figures = AMPSIM_FIG_CROSSTALK | AMPSIM_FIG_ZOUT;
  o.bench.topology = AMPSIM_TOPOLOGY_ACTIVE_GROUND;
  o.bench.ground_ohms = rg;
  m = measure_stage(stage, &o);
  assert_near(at(m, 1000.0, 0), 20.0 * log10(par / (rl + r)), 0.01);
  assert_near(at(m, 1000.0, 1), 2.0 * r, 1e-6);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* coupled.cir follows its rails: with a shared supply resistance it
 * crosstalks at -90.1 dB; dual-mono supplies remove that path. */
static void split_supply_removes_supply_crosstalk(void **state)
{
  ampsim_stage *stage = open_stage("coupled.cir", "coupled");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;
  o.figures = AMPSIM_FIG_CROSSTALK;
  o.bench.supply_ohms = 1.0;
  m = measure_stage(stage, &o);
  assert_near(at(m, 1000.0, 0), -90.1033, 0.2);
  ampsim_measurement_free(m);
  o.bench.supply_split = 1;
  m = measure_stage(stage, &o);
  assert_true(isnan(at(m, 1000.0, 0)));
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* An ideal attenuator ahead of the stage: the signal falls by exactly 20 dB,
 * the stage's own noise (its output resistor) does not move. A real pot
 * adds its thermal noise at the stage input. */
static void volume_ideal_and_pot(void **state)
{
  ampsim_stage *stage = open_stage("noisy_r.cir", "noisy_r");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *flat, *ideal, *pot;
  (void)state;
  o.figures = AMPSIM_FIG_GAIN | AMPSIM_FIG_NOISE;
  flat = measure_stage(stage, &o);
  o.bench.volume_mode = AMPSIM_VOLUME_IDEAL;
  o.bench.volume_db = -20.0;
  ideal = measure_stage(stage, &o);
  assert_near(ideal->gain_db - flat->gain_db, -20.0, 1e-9);
  assert_near(ideal->noise_vrms, flat->noise_vrms, 1e-6 * flat->noise_vrms);
  assert_near(ideal->channel_imbalance_db, 0.0, 1e-9);

  o.bench.volume_mode = AMPSIM_VOLUME_POT;
  o.bench.pot_ohms = 10e3;
  o.bench.pot_tracking_db = 0.5;
  pot = measure_stage(stage, &o);
  /* The buffer has infinite input impedance: the pot divides exactly. */
  assert_near(pot->gain_db - flat->gain_db, -20.0, 1e-9);
  assert_near(pot->channel_imbalance_db, -0.5, 1e-9);
  /* Pot noise: sqrt(4kT Rtop||Rbot) at the input (900 ohm at -20 dB of
   * 10k), through the 1k/32 output divider, added to the resistor's. */
  {
    const double k = 1.380649e-23, t = 300.15, a = 0.1, rpot = 10e3 * a * (1.0 - a);
    double e_pot = sqrt(4.0 * k * t * rpot) * 32.0 / 1032.0 * sqrt(20000.0 - 20.0);
    double expected = sqrt(flat->noise_vrms * flat->noise_vrms + e_pot * e_pot);
    assert_near(pot->noise_vrms, expected, 0.02 * expected);
  }
  ampsim_measurement_free(flat);
  ampsim_measurement_free(ideal);
  ampsim_measurement_free(pot);
  ampsim_stage_free(stage);
}

/* Every arrangement measures every figure on a real stage. */
static void every_arrangement_measures(void **state)
{
  ampsim_stage *stage = NULL;
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  (void)state;
  assert_int_equal(ampsim_stage_open(&stage, "opamp-buffer", NULL), 0);
  o.bench.ground_ohms = 0.05;
  for (int t = 0; t < AMPSIM_TOPOLOGY_COUNT; t++) {
    ampsim_measurement *m;
    o.bench.topology = (ampsim_topology)t;
    m = measure_stage(stage, &o);
    assert_true(m->thd[0].converged);
    assert_true(m->noise_vrms > 0.0);
    assert_true(m->n_zout > 30);
    assert_true(m->vout_rms_1pct > 1.0);
    ampsim_measurement_free(m);
  }
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(se_split_has_no_crosstalk),
    cmocka_unit_test(active_ground_divider),
    cmocka_unit_test(split_supply_removes_supply_crosstalk),
    cmocka_unit_test(volume_ideal_and_pot),
    cmocka_unit_test(every_arrangement_measures),
};

AMPSIM_TEST_MAIN(tests)
