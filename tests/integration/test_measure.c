/*
 * Measurements against analytic answers: stages in tests/stages/ whose every
 * figure can be derived by hand (each file's comment block has the
 * derivation). Real simulations through libngspice, in worker processes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/ampsim.h"
#include "test_main.h"
#include "stages.h"



static double db(double ratio)
{
  return 20.0 * log10(ratio);
}

static const ampsim_zout_point *zout_at(const ampsim_measurement *m, double f)
{
  for (size_t i = 0; i < m->n_zout; i++)
    if (m->zout[i].freq_hz == f)
      return &m->zout[i];
  fail_msg("no Zout point at exactly %g Hz", f);
  return NULL;
}

static const ampsim_crosstalk_point *crosstalk_at(const ampsim_measurement *m, double f)
{
  for (size_t i = 0; i < m->n_crosstalk; i++)
    if (m->crosstalk[i].freq_hz == f)
      return &m->crosstalk[i];
  fail_msg("no crosstalk point at exactly %g Hz", f);
  return NULL;
}

/* An ideal gain of 2: gain exact, THD at the numerical floor, no Zout, no
 * crosstalk (null), no offset; power null with the rail limit named. */
static void linear_stage(void **state)
{
  ampsim_stage *stage = open_stage("linear.cir", "linear");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  for (int topology = 0; topology < 2; topology++) {
    o.bench.topology = topology == 0 ? AMPSIM_TOPOLOGY_SE : AMPSIM_TOPOLOGY_BTL;
    m = measure_stage(stage, &o);
    assert_near(m->gain_db, topology == 0 ? 6.0206 : 12.0412, 1e-3);
    assert_near(m->dc_offset_mv, 0.0, 1e-9);
    assert_int_equal(m->n_thd, 1);
    assert_true(m->thd[0].thd_db < -140.0);
    assert_true(m->thd[0].thdn_db >= m->thd[0].thd_db);
    assert_true(m->thd[0].converged);
    assert_near(m->thd[0].vout_rms, 1.0, 1e-3);
    assert_true(m->thd[0].floor_db < -140.0);
    assert_true(zout_at(m, 1000.0)->ohms < 1e-9);
    assert_true(isnan(crosstalk_at(m, 1000.0)->db));
    assert_true(isnan(m->vout_rms_1pct));
    assert_non_null(strstr(m->power_note, "rails"));
    ampsim_measurement_free(m);
  }
  ampsim_stage_free(stage);
}

/* out = x + 2e-3 x^2 + 0.4e-3 x^3 at a 1 V peak input: V1 = 1.0003,
 * HD2 = -60.00261 dBc, HD3 = -80.00261 dBc, THD = -59.95939 dB. In BTL the
 * halves get +x and -x: HD2 cancels, HD3 stays. */
static void polynomial_harmonics(void **state)
{
  ampsim_stage *stage = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_THD;
  o.vouts_rms[0] = 1.0003 / sqrt(2.0);
  m = measure_stage(stage, &o);
  assert_near(m->thd[0].harmonics_dbc[0], -60.00261, 0.1);
  assert_near(m->thd[0].harmonics_dbc[1], -80.00261, 0.1);
  assert_near(m->thd[0].thd_db, -59.95939, 0.1);
  assert_near(m->thd[0].thd_pct, 0.1004686, 0.001);
  assert_true(m->thd[0].converged);
  ampsim_measurement_free(m);

  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  o.vouts_rms[0] = 2.0006 / sqrt(2.0);
  m = measure_stage(stage, &o);
  assert_true(m->thd[0].harmonics_dbc[0] < -150.0); /* HD2 cancelled */
  assert_near(m->thd[0].harmonics_dbc[1], -80.00261, 0.1);
  assert_near(m->thd[0].thd_db, -80.00261, 0.1);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* The polynomial stage reaches 1 % THD at V1 = 5.74256 Vrms (SE) and
 * 14.80326 Vrms (BTL, per the derivation in poly.cir). */
static void polynomial_maximum_output(void **state)
{
  ampsim_stage *stage = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_POWER;
  m = measure_stage(stage, &o);
  assert_near(m->vout_rms_1pct, 5.74256, 0.02 * 5.74256);
  assert_near(m->pout_w_1pct, m->vout_rms_1pct * m->vout_rms_1pct / 32.0, 1e-12);
  /* 0.1 %: A = 0.995378 V peak; V1 = a1 A + 3/4 a3 A^3. */
  assert_near(m->vout_rms_01pct, (0.995378 + 0.75 * 0.4e-3 * pow(0.995378, 3)) / sqrt(2.0),
              0.02 * 0.7040);
  ampsim_measurement_free(m);

  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m = measure_stage(stage, &o);
  assert_near(m->vout_rms_1pct, 14.80326, 0.02 * 14.80326);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* Ideal buffer behind a noisy 1 kohm resistor: the load sees
 * sqrt(4kTR) * RL / (R + RL), white, over 20 Hz..20 kHz. */
static void thermal_noise(void **state)
{
  ampsim_stage *stage = open_stage("noisy_r.cir", "noisy_r");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_NOISE | AMPSIM_FIG_ZOUT;
  m = measure_stage(stage, &o);
  assert_near(m->noise_vrms, 1.784468e-8, 0.02 * 1.784468e-8);
  assert_near(m->noise_vrms_a, 1.40965e-8, 0.02 * 1.40965e-8);
  assert_near(zout_at(m, 1000.0)->ohms, 1000.0, 1e-6);
  ampsim_measurement_free(m);

  o.bench.load_ohms = 300.0;
  m = measure_stage(stage, &o);
  assert_near(m->noise_vrms, 1.328056e-7, 0.02 * 1.328056e-7);
  ampsim_measurement_free(m);

  /* BTL: two resistors' noise, sqrt(2) sqrt(4kTR) RL / (2R + RL). */
  o.bench.load_ohms = 32.0;
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m = measure_stage(stage, &o);
  assert_near(m->noise_vrms, 1.281681e-8, 0.02 * 1.281681e-8);
  assert_near(zout_at(m, 1000.0)->ohms, 2000.0, 1e-6);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* Series 1 ohm + 100 uH: Zout = R + j 2 pi f L; BTL twice that. */
static void output_impedance_rl(void **state)
{
  static const double f[3] = {20.0, 1000.0, 20000.0};
  static const double ohms[3] = {1.000079, 1.181010, 12.606097};
  static const double phase[3] = {0.7200, 32.1419, 85.4501};
  ampsim_stage *stage = open_stage("rl.cir", "rl");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *se, *btl;
  (void)state;

  o.figures = AMPSIM_FIG_ZOUT;
  se = measure_stage(stage, &o);
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  btl = measure_stage(stage, &o);
  for (int i = 0; i < 3; i++) {
    assert_near(zout_at(se, f[i])->ohms, ohms[i], 0.01 * ohms[i]);
    assert_near(zout_at(se, f[i])->phase_deg, phase[i], 0.1);
    assert_near(zout_at(btl, f[i])->ohms, 2.0 * ohms[i], 0.01 * 2.0 * ohms[i]);
  }
  /* The sweep is ordered and log-spaced between the exact points. */
  assert_true(se->n_zout >= 30);
  for (size_t i = 1; i < se->n_zout; i++)
    assert_true(se->zout[i].freq_hz > se->zout[i - 1].freq_hz);
  ampsim_measurement_free(se);
  ampsim_measurement_free(btl);
  ampsim_stage_free(stage);
}

/* Shared return Rg, ideal stages: the right transducer sees the return's
 * voltage, |Vr/Vl| = (Rg || RL) / RL. BTL has no shared return: null. */
static void shared_return_crosstalk(void **state)
{
  ampsim_stage *stage = open_stage("linear.cir", "linear");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  const double loads[2] = {32.0, 300.0}, rg = 0.1;
  (void)state;

  o.figures = AMPSIM_FIG_CROSSTALK;
  o.bench.ground_ohms = rg;
  for (int i = 0; i < 2; i++) {
    double parallel = rg * loads[i] / (rg + loads[i]);
    o.bench.load_ohms = loads[i];
    m = measure_stage(stage, &o);
    assert_near(crosstalk_at(m, 1000.0)->db, db(parallel / loads[i]), 0.2);
    assert_near(crosstalk_at(m, 20.0)->db, db(parallel / loads[i]), 0.2);
    ampsim_measurement_free(m);
  }
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  o.bench.load_ohms = 32.0;
  m = measure_stage(stage, &o);
  assert_true(isnan(crosstalk_at(m, 1000.0)->db));
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* A stage whose output follows its rails (out = 2x + k (vp + vn)) with a
 * shared supply resistance: crosstalk -g/(1+g), g = k Rs / RL; -90.1033 dB
 * for k = 1e-3, Rs = 1 ohm, RL = 32 ohm (coupled.cir). */
static void supply_crosstalk(void **state)
{
  ampsim_stage *stage = open_stage("coupled.cir", "coupled");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_CROSSTALK;
  o.bench.supply_ohms = 1.0;
  m = measure_stage(stage, &o);
  assert_near(crosstalk_at(m, 1000.0)->db, -90.1033, 0.2);
  ampsim_measurement_free(m);
  o.bench.supply_ohms = 0.0;
  m = measure_stage(stage, &o);
  assert_true(isnan(crosstalk_at(m, 1000.0)->db));
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* out = tanh(x): 1 % THD at A = 0.351702278 V peak, V1 = 0.241304433 Vrms;
 * 0.1 % at A = 0.109709126 (V1 = A - A^3/4 to 1e-6). */
static void soft_clipper_levels(void **state)
{
  ampsim_stage *stage = open_stage("clipper.cir", "clipper");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  double a = 0.109709126;
  (void)state;

  o.figures = AMPSIM_FIG_POWER;
  m = measure_stage(stage, &o);
  assert_near(m->vout_rms_1pct, 0.241304433, 0.02 * 0.241304433);
  assert_near(m->vout_rms_01pct, (a - a * a * a / 4.0) / sqrt(2.0), 0.02 * 0.0773);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* An output that collapses past its limit: the maximum output is the last
 * clean level, 1 V peak (tests/stages/collapse.cir), never an interpolation
 * into the collapse; and the 1 % level is never below the 0.1 % level. */
static void collapsing_output_level(void **state)
{
  ampsim_stage *stage = open_stage("collapse.cir", "collapse");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_POWER;
  m = measure_stage(stage, &o);
  assert_near(m->vout_rms_1pct, 1.0 / sqrt(2.0), 0.02 / sqrt(2.0));
  assert_near(m->vout_rms_01pct, 1.0 / sqrt(2.0), 0.02 / sqrt(2.0));
  assert_true(m->vout_rms_1pct >= m->vout_rms_01pct);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* The level search's resolution, not just the 2 % of the baselines: the
 * coarse pass is confirmed and refined at the full numerics, so both levels
 * land within the search's 0.5 % of the analytic answers, on a smooth THD
 * curve (tanh: THD grows as A^2) and on the polynomial stage, SE and BTL. */
static void level_search_resolution(void **state)
{
  ampsim_stage *clipper = open_stage("clipper.cir", "clipper");
  ampsim_stage *poly = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  double a = 0.109709126;
  (void)state;

  o.figures = AMPSIM_FIG_POWER;
  m = measure_stage(clipper, &o);
  assert_near(m->vout_rms_1pct, 0.241304433, 0.005 * 0.241304433);
  assert_near(m->vout_rms_01pct, (a - a * a * a / 4.0) / sqrt(2.0), 0.005 * 0.0773426);
  ampsim_measurement_free(m);

  m = measure_stage(poly, &o);
  assert_near(m->vout_rms_1pct, 5.74256, 0.005 * 5.74256);
  assert_near(m->vout_rms_01pct, (0.995378 + 0.75 * 0.4e-3 * pow(0.995378, 3)) / sqrt(2.0),
              0.005 * 0.7040);
  ampsim_measurement_free(m);

  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m = measure_stage(poly, &o);
  assert_near(m->vout_rms_1pct, 14.80326, 0.005 * 14.80326);
  ampsim_measurement_free(m);
  ampsim_stage_free(clipper);
  ampsim_stage_free(poly);
}

/* THD's convergence check starts coarse (T/250) and halves: the reported
 * step is at least one halving below the start, and the result is the
 * analytic one (poly.cir: -59.95939 dB at 1.0003/sqrt(2) Vrms). */
static void thd_converges_from_a_coarse_start(void **state)
{
  ampsim_stage *stage = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  o.figures = AMPSIM_FIG_THD;
  o.vouts_rms[0] = 1.0003 / sqrt(2.0);
  o.n_freqs = 2;
  o.freqs_hz[0] = 1000.0;
  o.freqs_hz[1] = 20.0;
  m = measure_stage(stage, &o);
  assert_int_equal(m->n_thd, 2);
  for (size_t i = 0; i < 2; i++) {
    double start = fmin(1.0 / (250.0 * m->thd[i].freq_hz), 4e-6);
    assert_true(m->thd[i].converged);
    assert_true(m->thd[i].tmax_s <= 0.5 * start * (1.0 + 1e-12));
    assert_near(m->thd[i].thd_db, -59.95939, 0.1);
  }
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

/* Results do not depend on the number of worker processes. */
static void jobs_do_not_change_results(void **state)
{
  ampsim_stage *stage = open_stage("poly.cir", "poly");
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *one = NULL, *two = NULL;
  (void)state;

  o.n_freqs = 2;
  o.freqs_hz[1] = 5000.0;
  o.figures = AMPSIM_FIG_ALL & ~(unsigned)AMPSIM_FIG_POWER;
  o.jobs = 1;
  assert_int_equal(ampsim_measure(&one, stage, &o), 0);
  o.jobs = 2;
  assert_int_equal(ampsim_measure(&two, stage, &o), 0);
  /* Everything but the wall time is identical, bit for bit. */
  one->elapsed_s = two->elapsed_s = 0.0;
  one->options.jobs = two->options.jobs = 0;
  assert_memory_equal(one, two, sizeof *one);
  ampsim_measurement_free(one);
  ampsim_measurement_free(two);
  ampsim_stage_free(stage);
}

/* With an ideal supply and return the idle channel is left out of the
 * transients; a tiny supply resistance forces the full stereo bench. The
 * figures must not notice. */
static void one_channel_shortcut_changes_nothing(void **state)
{
  ampsim_stage *stage = NULL;
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *alone, *stereo;
  (void)state;
  assert_int_equal(ampsim_stage_open(&stage, "opamp-buffer", NULL), 0);
  o.figures = AMPSIM_FIG_THD;
  o.bench.topology = AMPSIM_TOPOLOGY_BTL;
  alone = measure_stage(stage, &o);
  o.bench.supply_ohms = 1e-9;
  stereo = measure_stage(stage, &o);
  assert_near(alone->thd[0].thd_db, stereo->thd[0].thd_db, 0.01);
  assert_near(alone->thd[0].harmonics_dbc[1], stereo->thd[0].harmonics_dbc[1], 0.01);
  ampsim_measurement_free(alone);
  ampsim_measurement_free(stereo);
  ampsim_stage_free(stage);
}

/* The bundled stage: sane ranges from its documented design (gain 3, en
 * 4 nV, 1 % clipping about 7.5 Vrms into 32 ohm, current limited). */
static void bundled_stage_in_range(void **state)
{
  ampsim_stage *stage = NULL;
  ampsim_measure_options o = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m;
  (void)state;

  assert_int_equal(ampsim_stage_open(&stage, "opamp-buffer", NULL), 0);
  m = measure_stage(stage, &o);
  assert_near(m->gain_db, 9.5424, 0.01);
  assert_true(fabs(m->dc_offset_mv) < 5.0);
  assert_true(m->thd[0].converged);
  assert_true(m->thd[0].thd_db < -100.0 && m->thd[0].thd_db > -160.0);
  assert_true(m->noise_vrms > 1e-6 && m->noise_vrms < 5e-6);
  assert_true(m->noise_vrms_a < m->noise_vrms);
  assert_true(zout_at(m, 1000.0)->ohms < 0.1);
  assert_true(m->vout_rms_1pct > 6.0 && m->vout_rms_1pct < 9.0);
  assert_true(m->vout_rms_01pct < m->vout_rms_1pct);
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(linear_stage),
    cmocka_unit_test(polynomial_harmonics),
    cmocka_unit_test(polynomial_maximum_output),
    cmocka_unit_test(thermal_noise),
    cmocka_unit_test(output_impedance_rl),
    cmocka_unit_test(shared_return_crosstalk),
    cmocka_unit_test(supply_crosstalk),
    cmocka_unit_test(soft_clipper_levels),
    cmocka_unit_test(collapsing_output_level),
    cmocka_unit_test(level_search_resolution),
    cmocka_unit_test(thd_converges_from_a_coarse_start),
    cmocka_unit_test(jobs_do_not_change_results),
    cmocka_unit_test(one_channel_shortcut_changes_nothing),
    cmocka_unit_test(bundled_stage_in_range),
};

AMPSIM_TEST_MAIN(tests)
