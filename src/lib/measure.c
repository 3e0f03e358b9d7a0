/*
 * measure.c - every headline figure of one design (see include/ampsim/measure.h
 * and docs/measurements.md, the definitions this code must meet).
 *
 * The work is split into independent tasks, each computed in a worker process
 * with its own engine (runner.h):
 *   ac     operating point (DC offset), gain at 1 kHz, crosstalk sweep
 *   zout   output impedance sweep on the unloaded bench
 *   noise  .noise across the left load, integrated 20 Hz..20 kHz
 *   thd    one per (frequency, level): level set, tmax halved to convergence
 *   power  one per THD target (1 %, 0.1 %) at 1 kHz: level search
 *
 * Transient numerics (docs/ngspice-notes.md): a fixed tmax = T/N (THD starts
 * at N = 250 and halves; the level search confirms at N = 1000), at most a
 * few us so that harmonics up to 20 kHz are resolved at low tones,
 * settling periods skipped with tstart, an integer number of periods
 * analysed, cubic resampling onto a uniform grid, a rectangular-window DFT.
 * Convergence is checked by halving tmax until THD moves by less than the
 * tolerance; the floor reported beside THD is the change of the harmonic
 * vector between the last two step sizes together with the non-harmonic
 * residue, both relative to the fundamental.
 */
#include "ampsim/measure.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ampsim/curves.h"
#include "ampsim/dsp.h"
#include "ampsim/engine.h"
#include "ampsim/error.h"
#include "measure_internal.h"
#include "runner.h"

/* A vector of a node, or zeros for ground ("0"). */
int measure_node_vector(ampsim_vector *out, ampsim_engine *engine, const char *node,
                       size_t length_if_ground, bool complex_if_ground)
{
  char name[96];
  if (strcmp(node, "0") == 0) {
    memset(out, 0, sizeof *out);
    out->length = length_if_ground;
    out->re = calloc(length_if_ground ? length_if_ground : 1, sizeof *out->re);
    if (complex_if_ground) {
      out->is_complex = 1;
      out->im = calloc(length_if_ground ? length_if_ground : 1, sizeof *out->im);
    }
    if (out->re == NULL || (complex_if_ground && out->im == NULL)) {
      ampsim_vector_free(out);
      return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    }
    return 0;
  }
  snprintf(name, sizeof name, "v(%s)", node);
  return ampsim_engine_vector(out, engine, name);
}

int measure_load_bench(ampsim_engine *engine, const task *t, ampsim_bench_kind kind,
                      const ampsim_bench_drive *drive)
{
  char *netlist = NULL;
  int rc = ampsim_bench_netlist(&netlist, t->stage, &t->options->bench, kind, drive);
  if (rc == 0)
    rc = ampsim_engine_load(engine, netlist);
  free(netlist);
  return rc;
}


/* Run one AC analysis and append V(a[k]) - V(b[k]) for each pair k. */
int measure_ac_run(ac_points *out, ampsim_engine *engine, const char *analysis,
                  const char *const *a, const char *const *b, int pairs)
{
  ampsim_vector f = {0}, va = {0}, vb = {0};
  int rc = ampsim_engine_run(engine, analysis);
  size_t base = out->n;
  if (rc == 0)
    rc = ampsim_engine_vector(&f, engine, "frequency");
  for (int k = 0; rc == 0 && k < pairs; k++) {
    rc = measure_node_vector(&va, engine, a[k], f.length, true);
    if (rc == 0)
      rc = measure_node_vector(&vb, engine, b[k], f.length, true);
    if (rc == 0 && (va.length != f.length || vb.length != f.length || !va.is_complex))
      rc = ampsim_error_set(AMPSIM_ESIM, "%s: vectors of unequal length", analysis);
    for (size_t i = 0; rc == 0 && i < f.length && base + i < AMPSIM_MAX_SWEEP; i++) {
      out->freq_hz[base + i] = f.re[i];
      out->re[k][base + i] = va.re[i] - vb.re[i];
      out->im[k][base + i] = va.im[i] - vb.im[i];
    }
    ampsim_vector_free(&va);
    ampsim_vector_free(&vb);
  }
  if (rc == 0) {
    out->n = base + f.length;
    if (out->n > AMPSIM_MAX_SWEEP)
      out->n = AMPSIM_MAX_SWEEP;
  }
  ampsim_vector_free(&f);
  return rc;
}

/* The standard sweep: 10 points per decade from 20 Hz to 20 kHz plus exactly
 * 1 kHz (not on that grid), ordered; the ends are snapped to 20 Hz and
 * 20 kHz exactly (ngspice computes them as 20 * 10^(k/10)). */
int measure_ac_sweep(ac_points *out, ampsim_engine *engine, const char *const *a,
                    const char *const *b, int pairs)
{
  ac_points one = {0};
  int rc;
  memset(out, 0, sizeof *out);
  rc = measure_ac_run(out, engine, "ac dec 10 20 20000", a, b, pairs);
  if (rc == 0)
    rc = measure_ac_run(&one, engine, "ac lin 1 1000 1000", a, b, pairs);
  if (rc != 0)
    return rc;
  for (size_t i = 0; i < out->n; i++) {
    if (fabs(out->freq_hz[i] / BAND_LO_HZ - 1.0) < 1e-6)
      out->freq_hz[i] = BAND_LO_HZ;
    if (fabs(out->freq_hz[i] / BAND_HI_HZ - 1.0) < 1e-6)
      out->freq_hz[i] = BAND_HI_HZ;
  }
  if (out->n < AMPSIM_MAX_SWEEP) {
    size_t at = 0;
    while (at < out->n && out->freq_hz[at] < GAIN_HZ)
      at++;
    for (size_t i = out->n; i > at; i--) {
      out->freq_hz[i] = out->freq_hz[i - 1];
      for (int k = 0; k < pairs; k++) {
        out->re[k][i] = out->re[k][i - 1];
        out->im[k][i] = out->im[k][i - 1];
      }
    }
    out->freq_hz[at] = GAIN_HZ;
    for (int k = 0; k < pairs; k++) {
      out->re[k][at] = one.re[k][0];
      out->im[k][at] = one.im[k][0];
    }
    out->n++;
  }
  return 0;
}

static int task_ac(task_result *r, const task *t, ampsim_engine *engine)
{
  ampsim_bench_nodes nodes;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_vector hot = {0}, cold = {0};
  ac_points points;
  const char *a[2], *b[2];
  int rc;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  drive.ac_left = 1.0;
  drive.ac_right = 0.0;
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
  if (rc == 0)
    rc = ampsim_engine_run(engine, "op");
  if (rc == 0)
    rc = measure_node_vector(&hot, engine, nodes.load_hot[0], 1, false);
  if (rc == 0)
    rc = measure_node_vector(&cold, engine, nodes.load_cold[0], 1, false);
  if (rc == 0)
    r->dc_offset_mv = 1e3 * (hot.re[0] - cold.re[0]);
  ampsim_vector_free(&hot);
  ampsim_vector_free(&cold);
  if (rc != 0)
    return rc;

  a[0] = nodes.load_hot[0];
  b[0] = nodes.load_cold[0];
  a[1] = nodes.load_hot[1];
  b[1] = nodes.load_cold[1];
  rc = measure_ac_sweep(&points, engine, a, b, 2);
  if (rc != 0)
    return rc;
  r->n_crosstalk = points.n;
  for (size_t i = 0; i < points.n; i++) {
    double left = hypot(points.re[0][i], points.im[0][i]);
    double right = hypot(points.re[1][i], points.im[1][i]);
    double db = left > 0.0 ? ampsim_dsp_db(right / left) : NAN;
    r->crosstalk[i].freq_hz = points.freq_hz[i];
    r->crosstalk[i].db = db < CROSSTALK_FLOOR_DB ? NAN : db;
    if (points.freq_hz[i] == GAIN_HZ)
      r->gain_db = ampsim_dsp_db(left); /* source AC magnitude is 1 V */
  }
  /* The right channel driven alone: its gain, for the channel imbalance
   * (a volume potentiometer's gang tracking error shows here). */
  {
    ac_points right = {0};
    drive.ac_left = 0.0;
    drive.ac_right = 1.0;
    rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
    if (rc == 0)
      rc = measure_ac_run(&right, engine, "ac lin 1 1000 1000", a + 1, b + 1, 1);
    if (rc != 0)
      return rc;
    r->gain_right_db = ampsim_dsp_db(hypot(right.re[0][0], right.im[0][0]));
  }
  return 0;
}

/* Load impedance on the standard sweep (the load alone, 1 A injected). */
int measure_load_impedance(ac_points *z, const task *t, ampsim_engine *engine)
{
  char *netlist = NULL;
  const char *a[1] = {"n_zl"}, *b[1] = {"0"};
  int rc = ampsim_bench_load_netlist(&netlist, &t->options->bench);
  if (rc == 0)
    rc = ampsim_engine_load(engine, netlist);
  free(netlist);
  if (rc == 0)
    rc = measure_ac_sweep(z, engine, a, b, 1);
  return rc;
}

/* 20 log10 |Z / (Z + Zout)| relative to its value at 1 kHz, max and min
 * over the sweep: what the output impedance does to the response. */
static int response_deviation(task_result *r, const task *t, ampsim_engine *engine,
                              const ac_points *zout)
{
  ac_points z;
  double at_1k = NAN, lo = INFINITY, hi = -INFINITY, dev[AMPSIM_MAX_SWEEP];
  int rc = measure_load_impedance(&z, t, engine);
  if (rc != 0)
    return rc;
  if (z.n != zout->n)
    return ampsim_error_set(AMPSIM_ESIM, "load and Zout sweeps differ");
  for (size_t i = 0; i < z.n; i++) {
    double sr = z.re[0][i] + zout->re[0][i], si = z.im[0][i] + zout->im[0][i];
    dev[i] = ampsim_dsp_db(hypot(z.re[0][i], z.im[0][i]) / hypot(sr, si));
    if (z.freq_hz[i] == GAIN_HZ) {
      at_1k = dev[i];
      r->load_re = z.re[0][i]; /* the load at 1 kHz, also without power */
      r->load_im = z.im[0][i];
    }
  }
  for (size_t i = 0; i < z.n; i++) {
    lo = fmin(lo, dev[i] - at_1k);
    hi = fmax(hi, dev[i] - at_1k);
  }
  r->response_dev_max_db = hi;
  r->response_dev_min_db = lo;
  return 0;
}

static int task_zout(task_result *r, const task *t, ampsim_engine *engine)
{
  ampsim_bench_nodes nodes;
  ac_points points;
  const char *a[1], *b[1];
  int rc;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_ZOUT, NULL);
  a[0] = nodes.connector_a;
  b[0] = nodes.connector_b;
  if (rc == 0)
    rc = measure_ac_sweep(&points, engine, a, b, 1);
  if (rc != 0)
    return rc;
  r->n_zout = points.n;
  for (size_t i = 0; i < points.n; i++) {
    /* 1 A injected: the connector voltage is Zout in ohms. */
    r->zout[i].freq_hz = points.freq_hz[i];
    r->zout[i].ohms = hypot(points.re[0][i], points.im[0][i]);
    r->zout[i].phase_deg = atan2(points.im[0][i], points.re[0][i]) * 180.0 / M_PI;
  }
  return response_deviation(r, t, engine, &points);
}

static int task_noise(task_result *r, const task *t, ampsim_engine *engine)
{
  ampsim_bench_nodes nodes;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_vector f = {0}, density = {0};
  char analysis[256], name[160];
  const char *plot;
  int rc, plot_number = 0;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  drive.ac_left = 1.0; /* .noise needs an AC value on its input source */
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
  if (rc != 0)
    return rc;
  /* The sweep reaches past the band so that its edges are interpolated. */
  if (strcmp(nodes.load_cold[0], "0") == 0)
    snprintf(analysis, sizeof analysis, "noise v(%s) vsrc_l dec 50 19 21000",
             nodes.load_hot[0]);
  else
    snprintf(analysis, sizeof analysis, "noise v(%s,%s) vsrc_l dec 50 19 21000",
             nodes.load_hot[0], nodes.load_cold[0]);
  rc = ampsim_engine_run(engine, analysis);
  if (rc != 0)
    return rc;
  /* ngspice makes two plots: noiseN-1 (spectra) and noiseN (totals), and
   * leaves the second current. */
  plot = ampsim_engine_plot(engine);
  if (sscanf(plot, "noise%d", &plot_number) != 1 || plot_number < 2)
    return ampsim_error_set(AMPSIM_ESIM, "noise analysis made an unexpected plot '%s'", plot);
  snprintf(name, sizeof name, "noise%d.frequency", plot_number - 1);
  rc = ampsim_engine_vector(&f, engine, name);
  if (rc == 0) {
    snprintf(name, sizeof name, "noise%d.onoise_spectrum", plot_number - 1);
    rc = ampsim_engine_vector(&density, engine, name);
  }
  if (rc == 0 && density.length != f.length)
    rc = ampsim_error_set(AMPSIM_ESIM, "noise: spectrum and frequency differ in length");
  if (rc == 0)
    rc = ampsim_dsp_noise_integrate(&r->noise_vrms, &r->noise_vrms_a, f.re, density.re,
                                    f.length, BAND_LO_HZ, BAND_HI_HZ);
  for (size_t i = 0; rc == 0 && i < f.length; i++) {
    if (f.re[i] < BAND_LO_HZ * (1.0 - 1e-9) || f.re[i] > BAND_HI_HZ * (1.0 + 1e-9) ||
        r->n_noise >= AMPSIM_MAX_CURVE)
      continue;
    r->noise_hz[r->n_noise] = f.re[i];
    r->noise_density[r->n_noise] = density.re[i];
    r->n_noise++;
  }
  ampsim_vector_free(&f);
  ampsim_vector_free(&density);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Transient analysis of one tone                                           */
/* ------------------------------------------------------------------------ */

/* Samples per period of the uniform grid: a power of two, at least 1024 and
 * enough that 20 kHz lies far below Nyquist for low tones. */
size_t measure_samples_per_period(double f_hz)
{
  size_t m = 1024;
  while ((double)m < 8.0 * BAND_HI_HZ / f_hz && m < (1u << 16))
    m *= 2;
  return m;
}

double measure_initial_tmax(double f_hz)
{
  double tmax = 1.0 / (1000.0 * f_hz);
  return tmax < 1e-6 ? tmax : 1e-6;
}

/* Complex gain from the left source to the left load at f. */
int measure_small_signal_gain(double *gain, ampsim_engine *engine, const task *t, double f_hz)
{
  ampsim_bench_nodes nodes;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ac_points points = {0};
  const char *a[1], *b[1];
  char analysis[96];
  int rc;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  drive.ac_left = 1.0;
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
  a[0] = nodes.load_hot[0];
  b[0] = nodes.load_cold[0];
  snprintf(analysis, sizeof analysis, "ac lin 1 %.17g %.17g", f_hz, f_hz);
  if (rc == 0)
    rc = measure_ac_run(&points, engine, analysis, a, b, 1);
  if (rc == 0) {
    *gain = hypot(points.re[0][0], points.im[0][0]);
    if (!(*gain > 0.0) || !isfinite(*gain))
      rc = ampsim_error_set(AMPSIM_ESIM, "the stage has no gain at %g Hz", f_hz);
  }
  return rc;
}

/*
 * Run "tran tmax tstop ..." on the loaded circuit and resample the left load
 * voltage (hot - cold) onto out[j] = v(t0 + j dt), j < n. Points are kept
 * from a few steps before t0, so the resampler has neighbours on both sides.
 */
int measure_tran_load(double *out, size_t n, double t0, double dt, double tmax,
                      double tstop, ampsim_engine *engine, const task *t)
{
  ampsim_bench_nodes nodes;
  ampsim_vector time = {0}, hot = {0}, cold = {0};
  double *load = NULL, tstart = t0 - 4.0 * tmax;
  char analysis[256];
  int rc;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  snprintf(analysis, sizeof analysis, "tran %.17g %.17g %.17g %.17g", tmax, tstop,
           tstart > 0.0 ? tstart : 0.0, tmax);
  rc = ampsim_engine_run(engine, analysis);
  if (rc == 0)
    rc = ampsim_engine_vector(&time, engine, "time");
  if (rc == 0)
    rc = measure_node_vector(&hot, engine, nodes.load_hot[0], time.length, false);
  if (rc == 0)
    rc = measure_node_vector(&cold, engine, nodes.load_cold[0], time.length, false);
  if (rc == 0 && (time.length < 4 || hot.length != time.length || cold.length != time.length))
    rc = ampsim_error_set(AMPSIM_ESIM, "%s: too few or unequal vectors", analysis);
  if (rc == 0 && time.re[time.length - 1] < tstop * (1.0 - 1e-9))
    rc = ampsim_error_set(AMPSIM_ECONVERGE, "%s: stopped at t = %g s before %g s", analysis,
                          time.re[time.length - 1], tstop);
  if (rc == 0) {
    load = malloc(time.length * sizeof *load);
    if (load == NULL)
      rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  if (rc == 0) {
    for (size_t i = 0; i < time.length; i++)
      load[i] = hot.re[i] - cold.re[i];
    rc = ampsim_dsp_resample(out, n, t0, dt, time.re, load, time.length);
  }
  free(load);
  ampsim_vector_free(&time);
  ampsim_vector_free(&hot);
  ampsim_vector_free(&cold);
  return rc;
}

/* Simulate `settle + periods` periods of a tone of source amplitude
 * vin_peak and analyse the last `periods` across the left load. */

int measure_tone(ampsim_harmonics *h, ampsim_engine *engine, const task *t, tone_bench *bench,
                double f_hz, double vin_peak, double tmax, int settle, int periods)
{
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  double period = 1.0 / f_hz, tstart = settle * period, tstop = (settle + periods) * period;
  size_t m = measure_samples_per_period(f_hz), n = m * (size_t)periods;
  double *uniform = NULL;
  char analysis[256];
  int rc;

  drive.sine_peak_v = vin_peak;
  drive.sine_hz = f_hz;
  drive.ac_left = 0.0;
  /* Half the circuit, the same answer, where the idle channel is
   * decoupled. */
  drive.left_only = ampsim_bench_channels_independent(&t->options->bench);
  if (bench->freq_hz == f_hz) {
    /* Same circuit, new level: the BTL - half follows through its
     * inverting E-source. */
    snprintf(analysis, sizeof analysis, "alter vsrc_l sin = [ 0 %.17g %.17g ]", vin_peak, f_hz);
    rc = ampsim_engine_command(engine, analysis);
  } else {
    bench->freq_hz = 0.0;
    rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
    if (rc == 0)
      bench->freq_hz = f_hz;
  }
  if (rc != 0)
    return rc;
  uniform = malloc(n * sizeof *uniform);
  if (uniform == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  rc = measure_tran_load(uniform, n, tstart, period / (double)m, tmax, tstop, engine, t);
  if (rc == 0)
    rc = ampsim_dsp_harmonics(h, uniform, n, (size_t)periods, (double)m * f_hz, BAND_LO_HZ,
                              BAND_HI_HZ, 5);
  if (rc == AMPSIM_EINVAL)
    rc = ampsim_error_set(AMPSIM_ESIM, "no signal across the load at %g Hz (%s)", f_hz,
                          ampsim_error_last());
  free(uniform);
  return rc;
}

/* RMS difference of the harmonic vectors (k >= 2) of two analyses. */
static double harmonic_change(const ampsim_harmonics *a, const ampsim_harmonics *b)
{
  double sum = 0.0;
  int top = a->highest_harmonic < b->highest_harmonic ? a->highest_harmonic
                                                      : b->highest_harmonic;
  for (int k = 2; k <= top; k++) {
    double dr = a->harmonic_re[k] - b->harmonic_re[k];
    double di = a->harmonic_im[k] - b->harmonic_im[k];
    sum += dr * dr + di * di;
  }
  return sqrt(sum);
}

/* THD's convergence check starts coarse and halves: tmax = min(T/250, 4 us)
 * at first, at most five halvings, so the finest step is the same T/8000
 * (or 125 ns) as a start at T/1000 with three halvings would reach. Most
 * stages agree to 0.05 dB between T/250 and T/500 already, so the check
 * stops after two or three cheap transients instead of two at T/1000 and
 * T/2000 (docs/ngspice-notes.md, "Speed"). */
#define THD_INITIAL_DIVISIONS 250.0
#define THD_INITIAL_TMAX_MAX_S 4e-6
#define THD_MAX_HALVINGS 5

static int task_thd(task_result *r, const task *t, ampsim_engine *engine)
{
  ampsim_thd_point *p = &r->thd;
  ampsim_harmonics *now = NULL, *before = NULL, *swap;
  double f = t->freq_hz, gain = 0.0, vin;
  double tmax = fmin(1.0 / (THD_INITIAL_DIVISIONS * f), THD_INITIAL_TMAX_MAX_S);
  int rc, halvings = 0;
  tone_bench bench = {0.0};

  now = malloc(sizeof *now);
  before = malloc(sizeof *before);
  if (now == NULL || before == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }
  rc = measure_small_signal_gain(&gain, engine, t, f);
  if (rc != 0)
    goto done;
  /* Set the level: start from the small-signal gain, then correct by the
   * measured fundamental until it is within 0.1 % of the requested vout. */
  vin = t->vout_rms * M_SQRT2 / gain;
  for (int i = 0; i < 5; i++) {
    rc = measure_tone(now, engine, t, &bench, f, vin, tmax, SETTLE_PERIODS, ANALYSED_PERIODS);
    if (rc != 0)
      goto done;
    if (fabs(now->v1_rms / t->vout_rms - 1.0) < LEVEL_RELATIVE_TOLERANCE)
      break;
    vin *= t->vout_rms / now->v1_rms;
  }
  /* Halve tmax until THD stops moving. */
  p->converged = 0;
  while (halvings < THD_MAX_HALVINGS) {
    swap = before;
    before = now;
    now = swap;
    tmax /= 2.0;
    halvings++;
    rc = measure_tone(now, engine, t, &bench, f, vin, tmax, SETTLE_PERIODS, ANALYSED_PERIODS);
    if (rc != 0)
      goto done;
    if (fabs(now->thd_db - before->thd_db) < t->options->thd_tolerance_db ||
        fabs(now->thd - before->thd) < THD_ABSOLUTE_TOLERANCE) {
      p->converged = 1;
      break;
    }
  }

  p->freq_hz = f;
  p->vout_rms = now->v1_rms;
  p->vin_peak = vin;
  p->thd_db = now->thd_db;
  p->thd_pct = now->thd_pct;
  p->thdn_db = now->thdn_db;
  p->thdn_pct = 100.0 * now->thdn;
  p->n_harmonics = now->highest_harmonic - 1;
  for (int k = 2; k <= now->highest_harmonic; k++)
    p->harmonics_dbc[k - 2] = now->harmonic_dbc[k];
  {
    double change = harmonic_change(now, before) / now->v1_rms;
    double residue = pow(10.0, now->residue_db / 20.0);
    p->floor_db = ampsim_dsp_db(sqrt(change * change + residue * residue));
  }
  p->tmax_s = tmax;
  p->periods = ANALYSED_PERIODS;
done:
  free(now);
  free(before);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Maximum output: level search                                              */
/* ------------------------------------------------------------------------ */

/* The level search runs in two passes (docs/ngspice-notes.md, "Speed").
 * The coarse pass walks down from the rails and narrows the bracket with
 * cheap evaluations: tmax T/250, one period of settling, reltol 1e-4. Near
 * clipping, THD changes by decades within a few percent of level, so even a
 * THD off by 10 % moves the level by far less than the search's 0.5 %; on
 * the bundled stages the coarse and the fine searches agree to 0.01 %. The
 * fine pass then evaluates the bracket's ends at the bench's own tolerances
 * (reltol 1e-6) with tmax T/500 and one settling period, widens the bracket
 * if the fine THD does not straddle the target, and refines it at those
 * numerics if it is too wide: the figure always comes from fine evaluations
 * within 0.5 % of each other, as it would from a search done entirely at
 * them. (Until 2026-12 the fine pass ran T/1000 with two settling periods,
 * three times the steps; on the six bundled stage/topology pairs the levels
 * moved by at most 4e-6 relative, docs/ngspice-notes.md.) */
#define LEVEL_COARSE_DIVISIONS 250.0
#define LEVEL_COARSE_SETTLE 1
#define LEVEL_COARSE_OPTIONS "option reltol=1e-4"
#define LEVEL_FINE_DIVISIONS 500.0
#define LEVEL_FINE_SETTLE 1
/* The search's resolution: a bracket 0.5 % wide in level, or THD within
 * 0.5 % of the target. */
#define LEVEL_TOLERANCE 1.005
/* task->index of TASK_POWER for the 1 % level of the coarse pass alone. */
#define POWER_COARSE_ONLY 2

typedef struct level_point {
  double vin, thd, v1;
} level_point;

/* The engine of a level search and which numerics it holds. */
typedef struct level_search {
  ampsim_engine *engine;
  const task *t;
  tone_bench bench;
  bool coarse;
  ampsim_harmonics *h;
} level_search;

static int power_eval(level_point *out, level_search *s, double vin)
{
  int settle = s->coarse ? LEVEL_COARSE_SETTLE : LEVEL_FINE_SETTLE;
  double tmax = 1.0 / ((s->coarse ? LEVEL_COARSE_DIVISIONS : LEVEL_FINE_DIVISIONS) * POWER_HZ);
  int rc = 0;
  if (s->coarse && s->bench.freq_hz != POWER_HZ) {
    /* Load the tone bench here, as measure_tone would (same drive), so that
     * the looser tolerance can be set before its first transient; the
     * option lasts until the bench is loaded again, which resets it to the
     * netlist's .options. */
    ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
    drive.sine_peak_v = vin;
    drive.sine_hz = POWER_HZ;
    drive.ac_left = 0.0;
    drive.left_only = ampsim_bench_channels_independent(&s->t->options->bench);
    rc = measure_load_bench(s->engine, s->t, AMPSIM_BENCH_LOADED, &drive);
    if (rc == 0)
      rc = ampsim_engine_command(s->engine, LEVEL_COARSE_OPTIONS);
    if (rc != 0)
      return rc;
    s->bench.freq_hz = POWER_HZ;
  }
  /* One period after the settling is enough for a THD of 0.1 % and up. */
  rc = measure_tone(s->h, s->engine, s->t, &s->bench, POWER_HZ, vin, tmax, settle, 1);
  if (rc != 0)
    return rc;
  out->vin = vin;
  out->thd = s->h->thd;
  out->v1 = s->h->v1_rms;
  return 0;
}

/* Within a bracket lo (THD below target) .. hi (above), find the output level
 * where THD equals target: false position on log THD against log vin with
 * the Illinois modification (plain false position stalls when one end never
 * moves, which is the rule near clipping). Stops when THD is within 0.5 % of
 * the target (*hit is then that point and *lo_out = *hi_out = it) or the
 * bracket is 0.5 % wide; the level is then interpolated between the
 * bracket's measured ends, which are left in *lo_out and *hi_out. */
static int power_refine(double *vout, level_point *lo_out, level_point *hi_out,
                        level_search *s, level_point lo, level_point hi, double target)
{
  const double tolerance = log(LEVEL_TOLERANCE);
  double xlo = log(lo.vin), xhi = log(hi.vin);
  double flo = log(lo.thd / target), fhi = log(hi.thd / target);
  int side = 0;

  for (int i = 0; i < 24 && xhi - xlo > tolerance; i++) {
    level_point mid;
    double x = (xlo * fhi - xhi * flo) / (fhi - flo), f;
    int rc;
    if (!(x > xlo && x < xhi))
      x = 0.5 * (xlo + xhi);
    rc = power_eval(&mid, s, exp(x));
    if (rc != 0)
      return rc;
    f = log(mid.thd / target);
    if (fabs(f) < tolerance) {
      *vout = mid.v1;
      *lo_out = *hi_out = mid;
      return 0;
    }
    if (f < 0.0) {
      lo = mid;
      xlo = x;
      flo = f;
      if (side == -1)
        fhi /= 2.0;
      side = -1;
    } else {
      hi = mid;
      xhi = x;
      fhi = f;
      if (side == 1)
        flo /= 2.0;
      side = 1;
    }
  }
  *lo_out = lo;
  *hi_out = hi;
  if (hi.v1 <= lo.v1) {
    /* The output collapses past the limit (a stage that latches into its
     * protection, say): more drive gives less output, and interpolating
     * between the two would invent a level. The highest clean output
     * measured is the answer. */
    *vout = lo.v1;
  } else {
    double a = log(target / lo.thd) / log(hi.thd / lo.thd);
    *vout = exp(log(lo.v1) + a * (log(hi.v1) - log(lo.v1)));
  }
  return 0;
}

/* The fine pass: the coarse bracket's ends evaluated at the full numerics,
 * widened (steps of 1 %, 2 %, 4 % ... outwards) until the fine THD straddles
 * the target, then refined at the full numerics. */
static int power_confirm(double *vout, level_search *s, level_point coarse_lo,
                         level_point coarse_hi, double target)
{
  level_point lo, hi, unused_lo, unused_hi;
  double vin_lo = coarse_lo.vin, vin_hi = coarse_hi.vin, step = 1.01;
  int rc;

  if (vin_lo == vin_hi) {
    /* The coarse search hit the target: bracket its level. */
    vin_lo /= sqrt(LEVEL_TOLERANCE);
    vin_hi *= sqrt(LEVEL_TOLERANCE);
  }
  s->coarse = false;
  s->bench.freq_hz = 0.0; /* reload: the bench's own .options again */
  rc = power_eval(&lo, s, vin_lo);
  if (rc == 0)
    rc = power_eval(&hi, s, vin_hi);
  for (int i = 0; rc == 0 && lo.thd >= target; i++) {
    if (i == 8)
      return ampsim_error_set(AMPSIM_ECONVERGE,
                              "level search: the %g %% THD level found with coarse steps is "
                              "not confirmed at full resolution", 100.0 * target);
    hi = lo;
    rc = power_eval(&lo, s, lo.vin / step);
    step *= step;
  }
  step = 1.01;
  for (int i = 0; rc == 0 && hi.thd < target; i++) {
    if (i == 8)
      return ampsim_error_set(AMPSIM_ECONVERGE,
                              "level search: the %g %% THD level found with coarse steps is "
                              "not confirmed at full resolution", 100.0 * target);
    lo = hi;
    rc = power_eval(&hi, s, hi.vin * step);
    step *= step;
  }
  if (rc != 0)
    return rc;
  return power_refine(vout, &unused_lo, &unused_hi, s, lo, hi, target);
}

/* One THD target of the level search: t->index 0 is 1 %, 1 is 0.1 %, and 2
 * is 1 % from the coarse pass alone (POWER_COARSE_ONLY: a THD-vs-power curve
 * only needs the level to place its points, and the coarse level agrees with
 * the confirmed one to 0.005 % on every bundled stage, well inside the
 * search's 0.5 % resolution; skipping the confirmation halves the serial
 * part in front of the curve's parallel points). The two figures are separate
 * tasks so that two workers search at once; each walks down from the rails
 * on its own (the coarse walk is cheap). */
static int task_power(task_result *r, const task *t, ampsim_engine *engine)
{
  const ampsim_bench_options *b = &t->options->bench;
  double cap = ampsim_topology_legs(b->topology) * b->supply_v / M_SQRT2;
  bool coarse_only = t->index == POWER_COARSE_ONLY;
  double target = t->index == 1 ? 0.001 : 0.01, gain = 0.0;
  double *vout = t->index == 1 ? &r->vout_rms_01pct : &r->vout_rms_1pct;
  level_search s = {engine, t, {0.0}, true, NULL};
  level_point points[32];
  int n = 0, below = -1, above = -1, rc;

  r->vout_rms_1pct = r->vout_rms_01pct = NAN;
  r->power_note[0] = '\0';
  s.h = malloc(sizeof *s.h);
  if (s.h == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  {
    ac_points z;
    rc = measure_load_impedance(&z, t, engine);
    if (rc != 0)
      goto done;
    for (size_t i = 0; i < z.n; i++) {
      if (z.freq_hz[i] == POWER_HZ) {
        r->load_re = z.re[0][i];
        r->load_im = z.im[0][i];
      }
    }
  }
  rc = measure_small_signal_gain(&gain, engine, t, POWER_HZ);
  if (rc != 0)
    goto done;

  /* Most stages reach 1 % THD within a few dB of the rail-limited level:
   * start there and walk down (6 dB steps while THD is above 30 %, 3 dB
   * after) until THD is below the target. A stage that never clips costs
   * one evaluation. points[] is ordered from the highest level down. */
  {
    double v = cap;
    for (;;) {
      rc = power_eval(&points[n], &s, v * M_SQRT2 / gain);
      if (rc != 0)
        goto done;
      n++;
      if (points[n - 1].thd < target || v < cap * 1e-4 || n == 32)
        break;
      v /= pow(10.0, (points[n - 1].thd > 0.3 ? 6.0 : 3.0) / 20.0);
    }
  }
  /* The tightest bracket of the target: the highest level below it and the
   * lowest level above it that lies beyond that one. */
  for (int i = 0; i < n; i++)
    if (points[i].thd < target && (below < 0 || points[i].vin > points[below].vin))
      below = i;
  for (int i = 0; i < n; i++)
    if (points[i].thd >= target && (below < 0 || points[i].vin > points[below].vin) &&
        (above < 0 || points[i].vin < points[above].vin))
      above = i;
  if (above < 0) {
    double top = 0.0;
    for (int i = 0; i < n; i++)
      top = fmax(top, points[i].v1);
    snprintf(r->power_note, sizeof r->power_note,
             "THD stays below %g %% up to %.3g Vrms, the level the %g V rails allow",
             100.0 * target, top, b->supply_v);
  } else if (below < 0) {
    snprintf(r->power_note, sizeof r->power_note,
             "THD is already %.3g %% at the lowest level searched (%.3g Vrms)",
             100.0 * points[above].thd, points[above].v1);
  } else {
    level_point lo, hi;
    double coarse_vout;
    rc = power_refine(&coarse_vout, &lo, &hi, &s, points[below], points[above], target);
    if (rc == 0 && coarse_only)
      *vout = coarse_vout;
    else if (rc == 0)
      rc = power_confirm(vout, &s, lo, hi, target);
  }
done:
  free(s.h);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Orchestration                                                            */
/* ------------------------------------------------------------------------ */

static int run_task(void *result, const void *input, ampsim_engine *engine)
{
  task_result *r = result;
  const task *t = input;
  snprintf(r->ngspice_version, sizeof r->ngspice_version, "%s",
           ampsim_engine_ngspice_version(engine));
  switch (t->kind) {
  case TASK_AC:
    return task_ac(r, t, engine);
  case TASK_ZOUT:
    return task_zout(r, t, engine);
  case TASK_NOISE:
    return task_noise(r, t, engine);
  case TASK_THD:
    return task_thd(r, t, engine);
  case TASK_POWER:
    return task_power(r, t, engine);
  case TASK_STABILITY:
    return measure_task_stability(r, t, engine);
  case TASK_IMD:
    return measure_task_imd(r, t, engine);
  case TASK_CLIPPING:
    return measure_task_clipping(r, t, engine);
  }
  return ampsim_error_set(AMPSIM_EINVAL, "unknown task");
}

int ampsim_measure_check(const ampsim_measure_options *o)
{
  int rc = ampsim_bench_check(&o->bench);
  if (rc != 0)
    return rc;
  if ((o->figures & AMPSIM_FIG_THD) && (o->n_freqs == 0 || o->n_vouts == 0))
    return ampsim_error_set(AMPSIM_EINVAL, "THD needs at least one frequency and one level");
  if (o->n_freqs > AMPSIM_MAX_LEVELS || o->n_vouts > AMPSIM_MAX_LEVELS)
    return ampsim_error_set(AMPSIM_EINVAL, "at most %d frequencies and %d levels",
                            AMPSIM_MAX_LEVELS, AMPSIM_MAX_LEVELS);
  for (size_t i = 0; i < o->n_freqs; i++)
    if (!isfinite(o->freqs_hz[i]) || o->freqs_hz[i] < BAND_LO_HZ ||
        o->freqs_hz[i] > BAND_HI_HZ)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "--freq: %g Hz is outside the audio band 20 Hz to 20 kHz",
                              o->freqs_hz[i]);
  for (size_t i = 0; i < o->n_vouts; i++)
    if (!isfinite(o->vouts_rms[i]) || o->vouts_rms[i] <= 0.0 || o->vouts_rms[i] > 1000.0)
      return ampsim_error_set(AMPSIM_EINVAL, "--vout: %g Vrms is out of range (0 < V <= 1000)",
                              o->vouts_rms[i]);
  if (!isfinite(o->thd_tolerance_db) || o->thd_tolerance_db <= 0.0)
    return ampsim_error_set(AMPSIM_EINVAL, "THD tolerance must be positive");
  if ((o->figures & ~(unsigned)AMPSIM_FIG_EVERY) != 0 || o->figures == 0)
    return ampsim_error_set(AMPSIM_EINVAL, "no figures selected");
  if (o->n_caps > AMPSIM_MAX_CAPS)
    return ampsim_error_set(AMPSIM_EINVAL, "--cap-load: at most %d capacitances", AMPSIM_MAX_CAPS);
  for (size_t i = 0; i < o->n_caps; i++)
    if (!isfinite(o->caps_f[i]) || o->caps_f[i] < 0.0 || o->caps_f[i] > 1e-3)
      return ampsim_error_set(AMPSIM_EINVAL, "--cap-load: %g F is out of range (0 to 1 mF)",
                              o->caps_f[i]);
  if ((o->figures & AMPSIM_FIG_IMD) &&
      (o->imd_tests == 0 || (o->imd_tests & ~(unsigned)(AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF))))
    return ampsim_error_set(AMPSIM_EINVAL, "--imd: choose smpte, ccif or both");
  return 0;
}

static const struct {
  const char *name;
  unsigned mask;
} figure_names[] = {
    {"thd", AMPSIM_FIG_THD},
    {"noise", AMPSIM_FIG_NOISE},
    {"zout", AMPSIM_FIG_ZOUT},
    {"crosstalk", AMPSIM_FIG_CROSSTALK},
    {"power", AMPSIM_FIG_POWER},
    {"gain", AMPSIM_FIG_GAIN},
    {"stability", AMPSIM_FIG_STABILITY},
    {"imd", AMPSIM_FIG_IMD},
    {"clipping", AMPSIM_FIG_CLIPPING},
    {"all", AMPSIM_FIG_ALL},
    {"every", AMPSIM_FIG_EVERY},
};

#define FIGURE_LIST "thd, noise, zout, crosstalk, power, gain, stability, imd, clipping, all, every"

int ampsim_figures_parse(unsigned *out, const char *text)
{
  const char *p = text;
  unsigned mask = 0;

  for (;;) {
    const char *start;
    size_t len, i;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    start = p;
    while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      p++;
    len = (size_t)(p - start);
    if (len == 0) {
      /* Nothing left is fine unless a comma promised another name. */
      if (*p == ',' || (start > text && strchr(text, ',') != NULL && *p == '\0' &&
                        start[-1] == ','))
        return ampsim_error_set(AMPSIM_EINVAL, "empty value in '%s'", text);
      break;
    }
    for (i = 0; i < sizeof figure_names / sizeof figure_names[0]; i++)
      if (strlen(figure_names[i].name) == len && strncmp(figure_names[i].name, start, len) == 0)
        break;
    if (i == sizeof figure_names / sizeof figure_names[0])
      return ampsim_error_set(AMPSIM_EINVAL, "'%.*s' is not one of " FIGURE_LIST,
                              (int)(len < 40 ? len : 40), start);
    mask |= figure_names[i].mask;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (*p == ',')
      p++;
  }
  if (mask == 0)
    return ampsim_error_set(AMPSIM_EINVAL, "name at least one of " FIGURE_LIST);
  *out = mask;
  return 0;
}

static double elapsed_since(const struct timespec *start)
{
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  return (double)(end.tv_sec - start->tv_sec) + 1e-9 * (double)(end.tv_nsec - start->tv_nsec);
}

int ampsim_measure(ampsim_measurement **out, const ampsim_stage *stage,
                   const ampsim_measure_options *options)
{
  task *tasks = NULL;
  task_result *results = NULL;
  char (*labels)[96] = NULL;
  const char **label_ptrs = NULL;
  ampsim_measurement *m = NULL;
  size_t n = 0, max_tasks = 4 + AMPSIM_MAX_LEVELS * AMPSIM_MAX_LEVELS + 2 + AMPSIM_MAX_CAPS + 3;
  runner_options run = {.jobs = options->jobs, .timeout_s = options->task_timeout_s};
  struct timespec start;
  unsigned fig = options->figures;
  int rc;

  *out = NULL;
  clock_gettime(CLOCK_MONOTONIC, &start);
  rc = ampsim_measure_check(options);
  if (rc != 0)
    return rc;
  if (stage == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "no stage");

  tasks = calloc(max_tasks, sizeof *tasks);
  results = calloc(max_tasks, sizeof *results);
  labels = calloc(max_tasks, sizeof *labels);
  label_ptrs = calloc(max_tasks, sizeof *label_ptrs);
  m = calloc(1, sizeof *m);
  if (tasks == NULL || results == NULL || labels == NULL || label_ptrs == NULL || m == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }

#define ADD_TASK(k, f, v, ...)                                                 \
  do {                                                                         \
    tasks[n].kind = (k);                                                       \
    tasks[n].index = 0;                                                        \
    tasks[n].freq_hz = (f);                                                    \
    tasks[n].vout_rms = (v);                                                   \
    tasks[n].stage = stage;                                                    \
    tasks[n].options = options;                                                \
    snprintf(labels[n], sizeof labels[n], __VA_ARGS__);                        \
    label_ptrs[n] = labels[n];                                                 \
    n++;                                                                       \
  } while (0)

  /* The slowest tasks first, so that workers finish together. */
  if (fig & AMPSIM_FIG_POWER) {
    /* The two levels in parallel: the level search is the longest task. */
    ADD_TASK(TASK_POWER, POWER_HZ, 0.0, "maximum output at 1 %% THD");
    ADD_TASK(TASK_POWER, POWER_HZ, 0.0, "maximum output at 0.1 %% THD");
    tasks[n - 1].index = 1;
  }
  if (fig & AMPSIM_FIG_THD)
    for (size_t i = 0; i < options->n_freqs; i++)
      for (size_t j = 0; j < options->n_vouts; j++)
        ADD_TASK(TASK_THD, options->freqs_hz[i], options->vouts_rms[j],
                 "THD at %g Hz, %g Vrms", options->freqs_hz[i], options->vouts_rms[j]);
  if (fig & AMPSIM_FIG_NOISE)
    ADD_TASK(TASK_NOISE, 0.0, 0.0, "noise");
  if (fig & AMPSIM_FIG_ZOUT)
    ADD_TASK(TASK_ZOUT, 0.0, 0.0, "output impedance");
  if (fig & (AMPSIM_FIG_GAIN | AMPSIM_FIG_CROSSTALK))
    ADD_TASK(TASK_AC, 0.0, 0.0, "gain and crosstalk");
  if (fig & AMPSIM_FIG_CLIPPING) {
    ADD_TASK(TASK_CLIPPING, POWER_HZ, options->vouts_rms[0], "overload recovery");
  }
  if (fig & AMPSIM_FIG_IMD) {
    for (unsigned bit = AMPSIM_IMD_SMPTE; bit <= AMPSIM_IMD_CCIF; bit <<= 1) {
      if (options->imd_tests & bit) {
        ADD_TASK(TASK_IMD, 0.0, options->vouts_rms[0], "%s intermodulation",
                 bit == AMPSIM_IMD_SMPTE ? "SMPTE" : "CCIF");
        tasks[n - 1].index = (int)bit;
      }
    }
  }
  if (fig & AMPSIM_FIG_STABILITY) {
    int legs = ampsim_topology_legs(options->bench.topology);
    for (int h = 0; h < legs; h++) {
      ADD_TASK(TASK_STABILITY, 0.0, 0.0, "loop gain of %s", h == 0 ? "the stage" : "the - half");
      tasks[n - 1].index = -1 - h;
    }
    for (size_t i = 0; i < options->n_caps; i++) {
      ADD_TASK(TASK_STABILITY, 0.0, 0.0, "capacitive load %g F", options->caps_f[i]);
      tasks[n - 1].index = (int)i;
    }
  }
#undef ADD_TASK

  rc = runner_run(run_task, tasks, sizeof *tasks, results, sizeof *results, n, label_ptrs, &run);
  if (rc != 0)
    goto done;

  m->options = *options;
  m->options.bench.load_model = NULL; /* borrowed: not kept past this call */
  m->load_is_model = options->bench.load_model != NULL;
  if (options->bench.load_model != NULL)
    snprintf(m->load_name, sizeof m->load_name, "%s", options->bench.load_model->name);
  else
    snprintf(m->load_name, sizeof m->load_name, "%g ohm", options->bench.load_ohms);
  m->load_z_1k_ohms = options->bench.load_model != NULL ? NAN : options->bench.load_ohms;
  m->load_z_1k_phase_deg = options->bench.load_model != NULL ? NAN : 0.0;
  m->response_dev_max_db = m->response_dev_min_db = NAN;
  snprintf(m->stage_name, sizeof m->stage_name, "%s", stage->name ? stage->name : stage->subckt);
  snprintf(m->ngspice_version, sizeof m->ngspice_version, "%s", results[0].ngspice_version);
  m->gain_db = m->dc_offset_mv = m->channel_imbalance_db = NAN;
  m->noise_vrms = m->noise_vrms_a = NAN;
  m->noise_band_hz[0] = BAND_LO_HZ;
  m->noise_band_hz[1] = BAND_HI_HZ;
  m->crosstalk_floor_db = CROSSTALK_FLOOR_DB;
  m->vout_rms_1pct = m->pout_w_1pct = m->vout_rms_01pct = m->pout_w_01pct = NAN;
  m->stability.crossover_hz = m->stability.phase_margin_deg = m->stability.gain_margin_db = NAN;
  for (size_t i = 0; i < n; i++) {
    const task_result *r = &results[i];
    switch (tasks[i].kind) {
    case TASK_AC:
      if (fig & AMPSIM_FIG_GAIN) {
        m->gain_db = r->gain_db;
        m->dc_offset_mv = r->dc_offset_mv;
        m->channel_imbalance_db = r->gain_right_db - r->gain_db;
      }
      if (fig & AMPSIM_FIG_CROSSTALK) {
        m->n_crosstalk = r->n_crosstalk;
        memcpy(m->crosstalk, r->crosstalk, sizeof m->crosstalk);
      }
      break;
    case TASK_ZOUT:
      m->n_zout = r->n_zout;
      memcpy(m->zout, r->zout, sizeof m->zout);
      m->response_dev_max_db = r->response_dev_max_db;
      m->response_dev_min_db = r->response_dev_min_db;
      if (isnan(m->load_z_1k_ohms)) {
        m->load_z_1k_ohms = hypot(r->load_re, r->load_im);
        m->load_z_1k_phase_deg = atan2(r->load_im, r->load_re) * 180.0 / M_PI;
      }
      break;
    case TASK_NOISE:
      m->noise_vrms = r->noise_vrms;
      m->noise_vrms_a = r->noise_vrms_a;
      break;
    case TASK_THD:
      m->thd[m->n_thd++] = r->thd;
      break;
    case TASK_POWER: {
      /* Real power into the load: vout^2 Re(1/Z) (= vout^2 / R). */
      double z2 = r->load_re * r->load_re + r->load_im * r->load_im;
      double conductance = z2 > 0.0 ? r->load_re / z2 : NAN;
      if (tasks[i].index == 0) {
        m->vout_rms_1pct = r->vout_rms_1pct;
        m->pout_w_1pct = r->vout_rms_1pct * r->vout_rms_1pct * conductance;
      } else {
        m->vout_rms_01pct = r->vout_rms_01pct;
        m->pout_w_01pct = r->vout_rms_01pct * r->vout_rms_01pct * conductance;
      }
      m->load_z_1k_ohms = sqrt(z2);
      m->load_z_1k_phase_deg = atan2(r->load_im, r->load_re) * 180.0 / M_PI;
      /* The 0.1 % task's note, where it has one, as the one search did. */
      if (r->power_note[0] != '\0')
        snprintf(m->power_note, sizeof m->power_note, "%s", r->power_note);
      break;
    }
    case TASK_STABILITY:
      m->has_loop = r->has_loop;
      if (tasks[i].index < 0) {
        size_t half = (size_t)(-1 - tasks[i].index);
        m->halves[half] = r->stability;
        if (half + 1 > m->n_halves)
          m->n_halves = half + 1;
        /* The worst half: least phase margin (NAN margins lose). */
        if (isnan(m->stability.phase_margin_deg) ||
            r->stability.phase_margin_deg < m->stability.phase_margin_deg)
          m->stability = r->stability;
      } else {
        m->cap_load[tasks[i].index] = r->cap_load;
        if ((size_t)tasks[i].index + 1 > m->n_cap_load)
          m->n_cap_load = (size_t)tasks[i].index + 1;
      }
      break;
    case TASK_IMD:
      if (m->n_imd < 2)
        m->imd[m->n_imd++] = r->imd;
      break;
    case TASK_CLIPPING:
      m->has_clipping = 1;
      m->clipping = r->clipping;
      break;
    }
  }
  /* Ratios against stated references (docs/measurements.md). */
  m->snr_1v_db = ampsim_dsp_db(1.0 / m->noise_vrms);
  m->snr_1v_a_db = ampsim_dsp_db(1.0 / m->noise_vrms_a);
  m->dynamic_range_a_db = ampsim_dsp_db(m->vout_rms_1pct / m->noise_vrms_a);
  if (!(m->noise_vrms > 0.0))
    m->snr_1v_db = NAN;
  if (!(m->noise_vrms_a > 0.0)) {
    m->snr_1v_a_db = NAN;
    m->dynamic_range_a_db = NAN;
  }
  if (isnan(m->vout_rms_1pct))
    m->dynamic_range_a_db = NAN;
  m->elapsed_s = elapsed_since(&start);
  *out = m;
  m = NULL;
done:
  free(m);
  free(tasks);
  free(results);
  free(labels);
  free(label_ptrs);
  return rc;
}

void ampsim_measurement_free(ampsim_measurement *measurement)
{
  free(measurement);
}

/* ------------------------------------------------------------------------ */
/* Curves (include/ampsim/curves.h)                                         */
/* ------------------------------------------------------------------------ */

static const char *const curve_names[AMPSIM_CURVE_COUNT] = {
    "thd-power", "thd-freq", "zout", "crosstalk", "noise", "spectrum",
    "loop-gain", "step", "imd-spectrum"};

const char *ampsim_curve_kind_name(ampsim_curve_kind kind)
{
  return (unsigned)kind < AMPSIM_CURVE_COUNT ? curve_names[kind] : "unknown";
}

int ampsim_curve_kind_parse(ampsim_curve_kind *out, const char *name)
{
  for (int k = 0; k < AMPSIM_CURVE_COUNT; k++) {
    if (strcmp(name, curve_names[k]) == 0) {
      *out = (ampsim_curve_kind)k;
      return 0;
    }
  }
  return ampsim_error_set(AMPSIM_EINVAL,
                          "unknown curve '%s' (expected thd-power, thd-freq, zout, "
                          "crosstalk, noise, spectrum, loop-gain, step or imd-spectrum)",
                          name);
}

static void curve_axes(ampsim_curve *c, const char *xl, const char *xu, int xlog,
                       const char *yl, const char *yu, int ylog, const char *y2l,
                       const char *y2u)
{
  snprintf(c->x_label, sizeof c->x_label, "%s", xl);
  snprintf(c->x_unit, sizeof c->x_unit, "%s", xu);
  snprintf(c->y_label, sizeof c->y_label, "%s", yl);
  snprintf(c->y_unit, sizeof c->y_unit, "%s", yu);
  snprintf(c->y2_label, sizeof c->y2_label, "%s", y2l);
  snprintf(c->y2_unit, sizeof c->y2_unit, "%s", y2u);
  c->x_log = xlog;
  c->y_log = ylog;
}

/* Run tasks[0..n) through the worker pool; results in results[]. */
static int run_tasks(task *tasks, task_result *results, size_t n,
                     const ampsim_measure_options *options)
{
  const char **labels = calloc(n, sizeof *labels);
  char (*text)[96] = calloc(n, sizeof *text);
  runner_options run = {.jobs = options->jobs, .timeout_s = options->task_timeout_s};
  int rc;
  if (labels == NULL || text == NULL) {
    free(labels);
    free(text);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    switch (tasks[i].kind) {
    case TASK_THD:
      snprintf(text[i], sizeof text[i], "THD at %g Hz, %g Vrms", tasks[i].freq_hz,
               tasks[i].vout_rms);
      break;
    case TASK_POWER:
      snprintf(text[i], sizeof text[i], "maximum output");
      break;
    case TASK_NOISE:
      snprintf(text[i], sizeof text[i], "noise");
      break;
    case TASK_ZOUT:
      snprintf(text[i], sizeof text[i], "output impedance");
      break;
    case TASK_AC:
      snprintf(text[i], sizeof text[i], "crosstalk");
      break;
    case TASK_STABILITY:
      snprintf(text[i], sizeof text[i], "%s",
               tasks[i].curve == TASK_CURVE_STEP ? "step response" : "loop gain");
      break;
    case TASK_IMD:
      snprintf(text[i], sizeof text[i], "%s intermodulation",
               tasks[i].index == AMPSIM_IMD_SMPTE ? "SMPTE" : "CCIF");
      break;
    default:
      snprintf(text[i], sizeof text[i], "task");
      break;
    }
    labels[i] = text[i];
  }
  rc = runner_run(run_task, tasks, sizeof *tasks, results, sizeof *results, n, labels, &run);
  free(labels);
  free(text);
  return rc;
}

static void task_init(task *t, task_kind kind, double f, double v, const ampsim_stage *stage,
                      const ampsim_measure_options *options)
{
  t->kind = kind;
  t->freq_hz = f;
  t->vout_rms = v;
  t->stage = stage;
  t->options = options;
}

/* THD at the levels or frequencies in tasks (already set up). */
static void curve_from_thd(ampsim_curve *c, const task_result *results, size_t n, bool power,
                           double conductance)
{
  for (size_t i = 0; i < n && c->n < AMPSIM_MAX_CURVE; i++) {
    const ampsim_thd_point *p = &results[i].thd;
    c->x[c->n] = power ? p->vout_rms * p->vout_rms * conductance : p->freq_hz;
    c->y[c->n] = p->thd_pct;
    c->y2[c->n] = p->thdn_pct;
    c->n++;
  }
}

/* "C = 10 nF" (3 significant digits) for a capacitance in farads. */
static void cap_text(char *buf, size_t size, double cap_f)
{
  static const struct {
    double scale;
    const char *unit;
  } units[] = {{1e-3, "mF"}, {1e-6, "uF"}, {1e-9, "nF"}, {1e-12, "pF"}};
  if (cap_f == 0.0) {
    snprintf(buf, size, "C = 0");
    return;
  }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (cap_f >= units[i].scale * (1.0 - 1e-9) || i + 1 == sizeof units / sizeof units[0]) {
      snprintf(buf, size, "C = %.3g %s", cap_f / units[i].scale, units[i].unit);
      return;
    }
  }
}

/*
 * The curve sets (curves.h): one task per member, each returning its curve
 * beside the figures of the same measurement. `first_only` stops after the
 * first member (ampsim_curve_measure()).
 */
static int curve_set(ampsim_curve *out, size_t max, size_t *n_out, const ampsim_stage *stage,
                     const ampsim_measure_options *options, ampsim_curve_kind kind,
                     const ampsim_curve_options *co, int first_only)
{
  ampsim_measure_options o = *options;
  int legs = ampsim_topology_legs(options->bench.topology);
  bool btl = options->bench.topology == AMPSIM_TOPOLOGY_BTL;
  task tasks[AMPSIM_MAX_CURVE_SET];
  task_result *results = NULL;
  char names[AMPSIM_MAX_CURVE_SET][64];
  size_t n = 0;
  int rc;

  memset(tasks, 0, sizeof tasks);
  *n_out = 0;
  if (kind == AMPSIM_CURVE_STEP && o.n_caps == 0) {
    o.n_caps = 1;
    o.caps_f[0] = 0.0;
  }
  if (kind == AMPSIM_CURVE_IMD_SPECTRUM && (o.imd_tests & (AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF)) == 0)
    o.imd_tests = AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF;
  if (o.n_caps > AMPSIM_MAX_CAPS)
    return ampsim_error_set(AMPSIM_EINVAL, "at most %d capacitive loads", AMPSIM_MAX_CAPS);
  if (kind == AMPSIM_CURVE_LOOP_GAIN) {
    for (int h = 0; h < legs; h++) {
      size_t caps = o.n_caps > 0 ? o.n_caps : 1;
      for (size_t i = 0; i < caps; i++) {
        char cap[32] = "";
        task_init(&tasks[n], TASK_STABILITY, 0.0, 0.0, stage, &o);
        tasks[n].index = o.n_caps > 0 ? (int)i : -1 - h;
        tasks[n].half = h;
        tasks[n].curve = TASK_CURVE_LOOP;
        if (o.n_caps > 0)
          cap_text(cap, sizeof cap, o.caps_f[i]);
        snprintf(names[n], sizeof names[n], "%s%s%s", btl ? (h == 0 ? "+ half" : "- half") : "",
                 btl && cap[0] ? ", " : "", cap);
        n++;
      }
    }
  } else if (kind == AMPSIM_CURVE_STEP) {
    for (size_t i = 0; i < o.n_caps; i++) {
      task_init(&tasks[n], TASK_STABILITY, 0.0, 0.0, stage, &o);
      tasks[n].index = (int)i;
      tasks[n].curve = TASK_CURVE_STEP;
      cap_text(names[n], sizeof names[n], o.caps_f[i]);
      n++;
    }
  } else {
    for (unsigned bit = AMPSIM_IMD_SMPTE; bit <= AMPSIM_IMD_CCIF; bit <<= 1) {
      if (!(o.imd_tests & bit))
        continue;
      task_init(&tasks[n], TASK_IMD, 0.0, co->vout_rms, stage, &o);
      tasks[n].index = (int)bit;
      tasks[n].curve = TASK_CURVE_SPECTRUM;
      snprintf(names[n], sizeof names[n], "%s",
               bit == AMPSIM_IMD_SMPTE ? "SMPTE 60 Hz + 7 kHz, 4:1" : "CCIF 19 + 20 kHz, 1:1");
      n++;
    }
  }
  if (first_only && n > 1)
    n = 1;
  if (n > max)
    return ampsim_error_set(AMPSIM_ERANGE, "%s: a set of %zu curves, room for %zu",
                            ampsim_curve_kind_name(kind), n, max);
  results = calloc(n, sizeof *results);
  if (results == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  rc = run_tasks(tasks, results, n, &o);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const task_result *r = &results[i];
    ampsim_curve *c = &out[i];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    snprintf(c->series, sizeof c->series, "%s", names[i]);
    if (kind == AMPSIM_CURVE_LOOP_GAIN && !r->has_loop) {
      rc = ampsim_error_set(AMPSIM_ENOTFOUND,
                            "%s marks no feedback loop (Vloop; docs/stability.md): no loop gain",
                            stage->name != NULL ? stage->name : stage->subckt);
      break;
    }
    if (kind == AMPSIM_CURVE_LOOP_GAIN) {
      curve_axes(c, "Frequency", "Hz", 1, "Loop gain", "dB", 0, "Loop-gain phase", "deg");
      char fc[32] = "none", pm[32] = "none", gm[48] = "none (the phase stays above -180 deg)";
      if (isfinite(r->stability.crossover_hz))
        snprintf(fc, sizeof fc, "%.4g Hz", r->stability.crossover_hz);
      if (isfinite(r->stability.phase_margin_deg))
        snprintf(pm, sizeof pm, "%.1f deg", r->stability.phase_margin_deg);
      if (isfinite(r->stability.gain_margin_db))
        snprintf(gm, sizeof gm, "%.1f dB", r->stability.gain_margin_db);
      snprintf(c->note, sizeof c->note,
               "Middlebrook double injection at Vloop; crossover %s, phase margin %s, "
               "gain margin %s",
               fc, pm, gm);
    } else if (kind == AMPSIM_CURVE_STEP) {
      curve_axes(c, "Time after the step", "s", 0, "Step response", "%", 0, "", "");
      snprintf(c->note, sizeof c->note,
               "small-signal step of %g V at the load; overshoot %.2f %%, settling to 1 %% in %.3g s",
               0.1, r->cap_load.overshoot_pct, r->cap_load.settling_s);
    } else {
      curve_axes(c, "Frequency", "Hz", 1, "Level", "dBV", 0, "Products counted", "dBV");
      snprintf(c->note, sizeof c->note,
               "%s at %.4g Vrms: IMD %.1f dB, d2 %.1f dB, d3 %.1f dB (docs/imd.md); "
               "bins more than 180 dB below the tones are left out",
               names[i], r->imd.vout_rms, r->imd.imd_db, r->imd.d2_db, r->imd.d3_db);
    }
    c->n = r->n_curve;
    memcpy(c->x, r->curve_x, r->n_curve * sizeof c->x[0]);
    memcpy(c->y, r->curve_y, r->n_curve * sizeof c->y[0]);
    memcpy(c->y2, r->curve_y2, r->n_curve * sizeof c->y2[0]);
  }
  if (rc == 0)
    *n_out = n;
  free(results);
  return rc;
}

int ampsim_curve_measure(ampsim_curve *out, const ampsim_stage *stage,
                         const ampsim_measure_options *options, ampsim_curve_kind kind,
                         const ampsim_curve_options *co)
{
  static const ampsim_curve_options defaults = AMPSIM_CURVE_OPTIONS_INIT;
  task *tasks = NULL;
  task_result *results = NULL;
  size_t n = 0, points;
  int rc;

  memset(out, 0, sizeof *out);
  out->kind = kind;
  if (co == NULL)
    co = &defaults;
  rc = ampsim_bench_check(&options->bench);
  if (rc != 0)
    return rc;
  if ((unsigned)kind >= AMPSIM_CURVE_COUNT)
    return ampsim_error_set(AMPSIM_EINVAL, "unknown curve kind %d", (int)kind);
  points = co->points;
  if (points < 2 || points > AMPSIM_MAX_CURVE_POINTS)
    return ampsim_error_set(AMPSIM_EINVAL, "a curve needs 2 to %d points",
                            AMPSIM_MAX_CURVE_POINTS);
  if (!isfinite(co->freq_hz) || co->freq_hz < BAND_LO_HZ || co->freq_hz > BAND_HI_HZ)
    return ampsim_error_set(AMPSIM_EINVAL, "curve frequency %g Hz is outside 20 Hz to 20 kHz",
                            co->freq_hz);
  if (!isfinite(co->vout_rms) || co->vout_rms <= 0.0)
    return ampsim_error_set(AMPSIM_EINVAL, "curve level %g Vrms must be positive", co->vout_rms);
  if (stage == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "no stage");
  tasks = calloc(points + 1, sizeof *tasks);
  results = calloc(points + 1, sizeof *results);
  if (tasks == NULL || results == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }

  switch (kind) {
  case AMPSIM_CURVE_THD_VS_POWER: {
    const ampsim_bench_options *b = &options->bench;
    double cap = ampsim_topology_legs(b->topology) * b->supply_v / M_SQRT2;
    double top, z2, conductance;
    bool reached;
    /* First the 1 % level (and the load's impedance), then the sweep. The
     * level only places the points: the coarse pass is enough (see
     * task_power) and it is the serial part of the curve. */
    task_init(&tasks[0], TASK_POWER, POWER_HZ, 0.0, stage, options);
    tasks[0].index = POWER_COARSE_ONLY;
    rc = run_tasks(tasks, results, 1, options);
    if (rc != 0)
      goto done;
    z2 = results[0].load_re * results[0].load_re + results[0].load_im * results[0].load_im;
    conductance = z2 > 0.0 ? results[0].load_re / z2 : NAN;
    reached = !isnan(results[0].vout_rms_1pct);
    top = reached ? fmin(1.2 * results[0].vout_rms_1pct, cap) : cap;
    /* The highest level first: points near clipping cost several times a
     * clean one (finer steps), and starting the longest tasks first keeps
     * both workers busy to the end (with the lowest first, one worker was
     * left finishing the top points alone: -j 2 gave 1.47x where the serial
     * part allows 1.8x). Results come back in task order; reversed below. */
    for (size_t i = 0; i < points; i++) {
      double v = top * pow(10.0, -2.0 * (double)i / (double)(points - 1));
      task_init(&tasks[i], TASK_THD, co->freq_hz, v, stage, options);
    }
    n = points;
    rc = run_tasks(tasks, results, n, options);
    if (rc != 0)
      goto done;
    for (size_t i = 0, j = n - 1; i < j; i++, j--) {
      task_result swap = results[i];
      results[i] = results[j];
      results[j] = swap;
    }
    curve_axes(out, "Output power", "W", 1, "THD", "%", 1, "THD+N", "%");
    curve_from_thd(out, results, n, true, conductance);
    snprintf(out->note, sizeof out->note,
             "%zu levels at %g Hz, from %.3g to %.3g Vrms (%s)", points, co->freq_hz,
             top / 100.0, top,
             reached ? "up to 1.2 x the 1 % THD level" : "1 % THD not reached: up to the rails");
    break;
  }
  case AMPSIM_CURVE_THD_VS_FREQ:
  case AMPSIM_CURVE_SPECTRUM: {
    bool spectrum = kind == AMPSIM_CURVE_SPECTRUM;
    n = spectrum ? 1 : points;
    for (size_t i = 0; i < n; i++) {
      double f = spectrum ? co->freq_hz
                          : BAND_LO_HZ * pow(BAND_HI_HZ / BAND_LO_HZ, (double)i / (double)(n - 1));
      task_init(&tasks[i], TASK_THD, f, co->vout_rms, stage, options);
    }
    rc = run_tasks(tasks, results, n, options);
    if (rc != 0)
      goto done;
    if (!spectrum) {
      curve_axes(out, "Frequency", "Hz", 1, "THD", "%", 1, "THD+N", "%");
      curve_from_thd(out, results, n, false, 0.0);
      snprintf(out->note, sizeof out->note, "%zu frequencies at %g Vrms", n, co->vout_rms);
    } else {
      const ampsim_thd_point *p = &results[0].thd;
      double v1_dbv = ampsim_dsp_db(p->vout_rms);
      curve_axes(out, "Frequency", "Hz", 1, "Level", "dBV", 0, "", "");
      out->x[0] = p->freq_hz;
      out->y[0] = v1_dbv;
      out->n = 1;
      for (int k = 0; k < p->n_harmonics && out->n < AMPSIM_MAX_CURVE; k++) {
        out->x[out->n] = (double)(k + 2) * p->freq_hz;
        out->y[out->n] = v1_dbv + p->harmonics_dbc[k];
        out->n++;
      }
      snprintf(out->note, sizeof out->note,
               "harmonics of %g Hz at %.4g Vrms; numerical floor %.1f dB below the fundamental",
               p->freq_hz, p->vout_rms, -p->floor_db);
    }
    break;
  }
  case AMPSIM_CURVE_ZOUT:
  case AMPSIM_CURVE_CROSSTALK:
  case AMPSIM_CURVE_NOISE: {
    task_kind tk = kind == AMPSIM_CURVE_ZOUT ? TASK_ZOUT
                   : kind == AMPSIM_CURVE_NOISE ? TASK_NOISE : TASK_AC;
    const task_result *r = &results[0];
    task_init(&tasks[0], tk, 0.0, 0.0, stage, options);
    rc = run_tasks(tasks, results, 1, options);
    if (rc != 0)
      goto done;
    if (kind == AMPSIM_CURVE_ZOUT) {
      curve_axes(out, "Frequency", "Hz", 1, "Output impedance", "ohm", 1, "Phase", "deg");
      for (size_t i = 0; i < r->n_zout; i++) {
        out->x[i] = r->zout[i].freq_hz;
        out->y[i] = r->zout[i].ohms;
        out->y2[i] = r->zout[i].phase_deg;
      }
      out->n = r->n_zout;
    } else if (kind == AMPSIM_CURVE_CROSSTALK) {
      curve_axes(out, "Frequency", "Hz", 1, "Crosstalk", "dB", 0, "", "");
      for (size_t i = 0; i < r->n_crosstalk; i++) {
        out->x[i] = r->crosstalk[i].freq_hz;
        out->y[i] = r->crosstalk[i].db;
      }
      out->n = r->n_crosstalk;
      snprintf(out->note, sizeof out->note, "points below %.0f dB (the numerical floor) are null",
               CROSSTALK_FLOOR_DB);
    } else {
      curve_axes(out, "Frequency", "Hz", 1, "Output noise density", "V/rtHz", 1, "", "");
      for (size_t i = 0; i < r->n_noise; i++) {
        out->x[i] = r->noise_hz[i];
        out->y[i] = r->noise_density[i];
      }
      out->n = r->n_noise;
    }
    for (size_t i = 0; i < out->n && out->y2_label[0] == '\0'; i++)
      out->y2[i] = NAN;
    break;
  }
  case AMPSIM_CURVE_LOOP_GAIN:
  case AMPSIM_CURVE_STEP:
  case AMPSIM_CURVE_IMD_SPECTRUM: {
    size_t n_set = 0;
    rc = curve_set(out, 1, &n_set, stage, options, kind, co, 1);
    break;
  }
  default:
    rc = ampsim_error_set(AMPSIM_EINVAL, "unknown curve kind");
    break;
  }
done:
  free(tasks);
  free(results);
  return rc;
}

int ampsim_curve_measure_set(ampsim_curve *out, size_t max, size_t *n,
                             const ampsim_stage *stage, const ampsim_measure_options *options,
                             ampsim_curve_kind kind, const ampsim_curve_options *co)
{
  *n = 0;
  if (out == NULL || max == 0)
    return ampsim_error_set(AMPSIM_EINVAL, "no room for a curve");
  if (kind == AMPSIM_CURVE_LOOP_GAIN || kind == AMPSIM_CURVE_STEP ||
      kind == AMPSIM_CURVE_IMD_SPECTRUM) {
    static const ampsim_curve_options defaults = AMPSIM_CURVE_OPTIONS_INIT;
    int rc;
    if (co == NULL)
      co = &defaults;
    rc = ampsim_bench_check(&options->bench);
    if (rc != 0)
      return rc;
    if (!isfinite(co->vout_rms) || co->vout_rms <= 0.0)
      return ampsim_error_set(AMPSIM_EINVAL, "curve level %g Vrms must be positive",
                              co->vout_rms);
    if (stage == NULL)
      return ampsim_error_set(AMPSIM_EINVAL, "no stage");
    return curve_set(out, max, n, stage, options, kind, co, 0);
  }
  {
    int rc = ampsim_curve_measure(&out[0], stage, options, kind, co);
    if (rc == 0)
      *n = 1;
    return rc;
  }
}
