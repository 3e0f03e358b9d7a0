/*
 * Intermodulation and overload recovery against analytic answers (the
 * derivations are in the comment blocks of tests/stages/square.cir,
 * cubic.cir, hardclip.cir and overload.cir; the definitions in docs/imd.md).
 * Real simulations through libngspice, in worker processes, through the
 * public ampsim_measure().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"


/* Options for one kind of run: the figures are always set explicitly (the
 * default set includes the slow stability checks). */
static ampsim_measure_options options_for(unsigned figures, ampsim_topology topology,
                                          double vout_rms, const char *params)
{
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  o.figures = figures;
  o.imd_tests = AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF;
  o.bench.topology = topology;
  o.vouts_rms[0] = vout_rms;
  o.jobs = 2;
  snprintf(o.bench.stage_params, sizeof o.bench.stage_params, "%s", params);
  return o;
}

static ampsim_measurement *measure(const ampsim_stage *stage, const ampsim_measure_options *o)
{
  ampsim_measurement *m = NULL;
  if (ampsim_measure(&m, stage, o) != 0)
    print_error("measure: %s\n", ampsim_error_last());
  assert_non_null(m);
  return m;
}

static const ampsim_imd_point *imd_of(const ampsim_measurement *m, unsigned test)
{
  for (size_t i = 0; i < m->n_imd; i++)
    if (m->imd[i].test == test)
      return &m->imd[i];
  fail_msg("no %s result", test == AMPSIM_IMD_SMPTE ? "SMPTE" : "CCIF");
  return NULL;
}

/* Some tests (AMPSIM_IMD_* mask) at one level; the level itself must be
 * met to 0.1 %. */
static ampsim_measurement *measure_some_imd(const ampsim_stage *stage, ampsim_topology topology,
                                            double vout_rms, unsigned tests)
{
  ampsim_measure_options o = options_for(AMPSIM_FIG_IMD, topology, vout_rms, "");
  ampsim_measurement *m;
  o.imd_tests = tests;
  m = measure(stage, &o);
  assert_int_equal(m->n_imd, tests == (AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF) ? 2 : 1);
  for (size_t i = 0; i < m->n_imd; i++)
    assert_near(m->imd[i].vout_rms, vout_rms, 1e-3 * vout_rms);
  assert_false(m->has_clipping);
  return m;
}

/* Both tests at one level. */
static ampsim_measurement *measure_imd(const ampsim_stage *stage, ampsim_topology topology,
                                       double vout_rms)
{
  return measure_some_imd(stage, topology, vout_rms, AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF);
}

/* ------------------------------------------------------------------------ */
/* Intermodulation                                                          */
/* ------------------------------------------------------------------------ */

/* out = x + 10m x^2: d2 (SMPTE) = 8 a2 V sqrt(2/17), d2 (CCIF) = a2 V / 2,
 * +6.0206 dB per 6 dB; d3 nil; the bridge cancels the square law. */
static void square_law_d2_grows_6db_and_cancels_in_btl(void **state)
{
  ampsim_stage *stage = open_stage("square.cir", "square");
  ampsim_measurement *one, *two, *btl;
  const ampsim_imd_point *s1, *s2, *c1, *c2;
  (void)state;

  one = measure_imd(stage, AMPSIM_TOPOLOGY_SE, 1.0);
  two = measure_imd(stage, AMPSIM_TOPOLOGY_SE, 2.0);
  s1 = imd_of(one, AMPSIM_IMD_SMPTE);
  s2 = imd_of(two, AMPSIM_IMD_SMPTE);
  c1 = imd_of(one, AMPSIM_IMD_CCIF);
  c2 = imd_of(two, AMPSIM_IMD_CCIF);
  assert_near(s1->d2_db, -31.23239, 0.1);
  assert_near(s2->d2_db, -25.21179, 0.1);
  assert_near(s1->imd_db, -31.23239, 0.1);
  assert_near(c1->d2_db, -46.02060, 0.1);
  assert_near(c2->d2_db, -40.00000, 0.1);
  assert_near(c1->imd_db, -46.02060, 0.1);
  assert_near(s2->d2_db - s1->d2_db, 6.0206, 0.01);
  assert_near(c2->d2_db - c1->d2_db, 6.0206, 0.01);
  assert_true(s1->d3_db < -140.0 && c1->d3_db < -140.0);

  btl = measure_imd(stage, AMPSIM_TOPOLOGY_BTL, 2.0);
  assert_true(imd_of(btl, AMPSIM_IMD_SMPTE)->d2_db < -140.0);
  assert_true(imd_of(btl, AMPSIM_IMD_CCIF)->d2_db < -140.0);
  assert_true(imd_of(btl, AMPSIM_IMD_SMPTE)->imd_db < -140.0);
  ampsim_measurement_free(one);
  ampsim_measurement_free(two);
  ampsim_measurement_free(btl);
  ampsim_stage_free(stage);
}

/* out = x + 1m x^3: d3 exact from cubic.cir's derivation, close to 12 dB
 * more per 6 dB of level; d2 nil. A bridge of two cubic halves at 2 Vrms
 * gives the ratio of one half at 1 Vrms. */
static void cubic_law_d3_grows_12db(void **state)
{
  ampsim_stage *stage = open_stage("cubic.cir", "cubic");
  ampsim_measurement *one, *two, *btl;
  const ampsim_imd_point *s1, *s2, *c1, *c2;
  (void)state;

  one = measure_imd(stage, AMPSIM_TOPOLOGY_SE, 1.0);
  two = measure_imd(stage, AMPSIM_TOPOLOGY_SE, 2.0);
  s1 = imd_of(one, AMPSIM_IMD_SMPTE);
  s2 = imd_of(two, AMPSIM_IMD_SMPTE);
  c1 = imd_of(one, AMPSIM_IMD_CCIF);
  c2 = imd_of(two, AMPSIM_IMD_CCIF);
  assert_near(s1->d3_db, -51.03815, 0.1);
  assert_near(s2->d3_db, -39.15613, 0.1);
  assert_near(s2->imd_db, -39.15613, 0.1);
  assert_near(c1->d3_db, -62.55708, 0.1);
  assert_near(c2->d3_db, -50.68699, 0.1);
  assert_near(c2->imd_db, -50.68699, 0.1);
  assert_near(s2->d3_db - s1->d3_db, 11.88202, 0.02);
  assert_near(c2->d3_db - c1->d3_db, 11.87009, 0.02);
  assert_true(s1->d2_db < -140.0 && c1->d2_db < -140.0);

  /* (CCIF alone: the SMPTE record is 50 times longer.) */
  btl = measure_some_imd(stage, AMPSIM_TOPOLOGY_BTL, 2.0, AMPSIM_IMD_CCIF);
  assert_near(imd_of(btl, AMPSIM_IMD_CCIF)->d3_db, -62.55708, 0.1);
  ampsim_measurement_free(one);
  ampsim_measurement_free(two);
  ampsim_measurement_free(btl);
  ampsim_stage_free(stage);
}

/* An ideal gain of 2: every product at the numerical floor, SE and BTL. */
static void linear_stage_imd_at_floor(void **state)
{
  ampsim_stage *stage = open_stage("linear.cir", "linear");
  (void)state;
  for (int k = 0; k < 2; k++) {
    ampsim_measurement *m =
        measure_imd(stage, k == 0 ? AMPSIM_TOPOLOGY_SE : AMPSIM_TOPOLOGY_BTL, 1.0);
    for (size_t i = 0; i < m->n_imd; i++) {
      assert_true(m->imd[i].d2_db < -140.0);
      assert_true(m->imd[i].d3_db < -140.0);
      assert_true(m->imd[i].imd_db < -140.0);
    }
    ampsim_measurement_free(m);
  }
  ampsim_stage_free(stage);
}

/* ------------------------------------------------------------------------ */
/* Overload recovery                                                        */
/* ------------------------------------------------------------------------ */

static ampsim_clipping measure_clipping(const ampsim_stage *stage, ampsim_topology topology,
                                        double vout_rms, const char *params)
{
  ampsim_measure_options o = options_for(AMPSIM_FIG_CLIPPING, topology, vout_rms, params);
  ampsim_measurement *m = measure(stage, &o);
  ampsim_clipping c;
  assert_true(m->has_clipping);
  assert_int_equal(m->n_imd, 0);
  c = m->clipping;
  ampsim_measurement_free(m);
  return c;
}

/* A memoryless limiter at +-1 V: back at once, peaks +-1 V, not latched. */
static void hard_clipper_recovers_at_once(void **state)
{
  ampsim_stage *stage = open_stage("hardclip.cir", "hardclip");
  ampsim_clipping c = measure_clipping(stage, AMPSIM_TOPOLOGY_SE, 0.5, "");
  (void)state;
  assert_near(c.recovery_s, 0.0, 1e-3 / 10.0);
  assert_true(c.symmetric);
  assert_near(c.asymmetry_pct, 0.0, 0.5);
  assert_false(c.latched);
  ampsim_stage_free(stage);
}

/* Limits +1 V / -0.5 V: the burst reaches both, asymmetry
 * (1 - 0.5) / 0.75 = 66.667 %; a bridge of two such halves swings
 * +-1.5 V, symmetric. */
static void asymmetric_clipper_is_not_symmetric(void **state)
{
  ampsim_stage *stage = open_stage("hardclip.cir", "hardclip");
  ampsim_clipping c = measure_clipping(stage, AMPSIM_TOPOLOGY_SE, 0.25, "hi=1 lo=-0.5");
  (void)state;
  assert_false(c.symmetric);
  assert_near(c.asymmetry_pct, 66.6667, 0.1);
  assert_near(c.recovery_s, 0.0, 1e-4);
  assert_false(c.latched);
  c = measure_clipping(stage, AMPSIM_TOPOLOGY_BTL, 0.25, "hi=1 lo=-0.5");
  assert_true(c.symmetric);
  assert_near(c.asymmetry_pct, 0.0, 0.5);
  ampsim_stage_free(stage);
}

/* A bias node charged by the overload and drifting back with tau = 2 ms:
 * tr = tau ln(s(tb) / (0.01 A)) = 8.416 ms (overload.cir), within 30 % of
 * tau ln 100 = 9.21 ms. In BTL the shift is common to both halves:
 * immediate. */
static void slow_bias_node_recovers_with_its_time_constant(void **state)
{
  ampsim_stage *stage = open_stage("overload.cir", "overload");
  ampsim_clipping c = measure_clipping(stage, AMPSIM_TOPOLOGY_SE, 0.5, "");
  (void)state;
  assert_near(c.recovery_s, 8.416e-3, 0.02 * 8.416e-3);
  assert_near(c.recovery_s, 2e-3 * log(100.0), 0.3 * 2e-3 * log(100.0));
  assert_false(c.latched);
  assert_false(c.symmetric); /* the shifted bias moves both peaks up */
  c = measure_clipping(stage, AMPSIM_TOPOLOGY_BTL, 0.5, "");
  assert_near(c.recovery_s, 0.0, 1e-4);
  assert_true(c.symmetric);
  assert_false(c.latched);
  ampsim_stage_free(stage);
}

/* tau = 100 s: the bias shift (0.5 V, 71 % of the amplitude) stays: never
 * recovers, latched. With the shift turned into a 3.3 kHz tone of 7 % of
 * the amplitude (below the 10 % "stuck" limit): latched by its
 * non-harmonic content. */
static void stuck_or_oscillating_stage_is_latched(void **state)
{
  ampsim_stage *stage = open_stage("overload.cir", "overload");
  ampsim_clipping c = measure_clipping(stage, AMPSIM_TOPOLOGY_SE, 0.5, "tau=100");
  (void)state;
  assert_true(isnan(c.recovery_s));
  assert_true(c.latched);
  c = measure_clipping(stage, AMPSIM_TOPOLOGY_SE, 0.5, "tau=100 ka=0 kosc=0.1");
  assert_true(isnan(c.recovery_s));
  assert_true(c.latched);
  assert_true(c.symmetric);
  ampsim_stage_free(stage);
}

/* The bundled op-amp + buffer stage, SE into 32 ohm at 1 Vrms: low IMD in a
 * sane range, and a current-limited overload it leaves at once. */
static void bundled_stage_in_range(void **state)
{
  ampsim_stage *stage = NULL;
  ampsim_measure_options o =
      options_for(AMPSIM_FIG_IMD | AMPSIM_FIG_CLIPPING, AMPSIM_TOPOLOGY_SE, 1.0, "");
  ampsim_measurement *m;
  (void)state;
  assert_int_equal(ampsim_stage_open(&stage, "opamp-buffer", NULL), 0);
  m = measure(stage, &o);
  assert_int_equal(m->n_imd, 2);
  for (size_t i = 0; i < m->n_imd; i++) {
    assert_near(m->imd[i].vout_rms, 1.0, 1e-3);
    assert_true(m->imd[i].imd_db < -80.0 && m->imd[i].imd_db > -140.0);
  }
  assert_true(m->has_clipping);
  assert_true(m->clipping.recovery_s < 1e-3);
  assert_true(m->clipping.symmetric);
  assert_false(m->clipping.latched);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(square_law_d2_grows_6db_and_cancels_in_btl),
    cmocka_unit_test(cubic_law_d3_grows_12db),
    cmocka_unit_test(linear_stage_imd_at_floor),
    cmocka_unit_test(hard_clipper_recovers_at_once),
    cmocka_unit_test(asymmetric_clipper_is_not_symmetric),
    cmocka_unit_test(slow_bias_node_recovers_with_its_time_constant),
    cmocka_unit_test(stuck_or_oscillating_stage_is_latched),
    cmocka_unit_test(bundled_stage_in_range),
};

AMPSIM_TEST_MAIN(tests)
