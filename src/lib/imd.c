/*
 * imd.c - intermodulation (TASK_IMD) and overload recovery (TASK_CLIPPING).
 * The definitions, with the standards they follow, are in docs/imd.md.
 *
 * Both drive the left channel with something other than the bench's single
 * sine, without touching bench.c: the loaded bench's text is generated as
 * usual and its left source line
 *     vsrc_l NODE 0 DC 0 AC ... [SIN(...)]
 * is replaced by two sources in series,
 *     vsrc_l n_drive_l 0 <value>
 *     <second> NODE n_drive_l <value>
 * so that NODE (n_in_l, or n_src_l ahead of a volume control) carries the
 * sum. Everything downstream is unchanged: the stage input n_in_l, and in
 * BTL the inverting E-source einv_l that feeds the - half from n_in_l, so
 * both halves see the new drive in antiphase exactly as they see a sine.
 *
 * Intermodulation: vsrc_l carries the lower tone, a second SIN source
 * vsrc_l2 the upper one. The record spans whole common periods of the two
 * tones (coherent: every tone and product falls on a DFT bin), after
 * settling skipped with tstart; the transient step is fixed and halved
 * until the total IMD moves by less than the THD tolerance, as THD does
 * (docs/ngspice-notes.md).
 *
 * Overload recovery: a B-source carries an amplitude-stepped sine,
 *     V = (time < tb ? a_burst : a_nominal) * sin(w time),
 * the step at tb falling on a zero crossing (tb is a whole number of
 * periods), so the drive stays continuous. The same circuit driven at the
 * nominal level throughout is the reference: recovery is the time after tb
 * until the output stays within 1 % of that undisturbed output.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/error.h"
#include "measure_internal.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------ */
/* The bench with a replaced left source                                    */
/* ------------------------------------------------------------------------ */

#define DRIVE_NODE "n_drive_l"

/*
 * Load the task's loaded bench (left channel alone where the channels are
 * independent) with the left source replaced by
 *     vsrc_l n_drive_l 0 <source_value>
 *     <series_name> NODE n_drive_l <series_value>
 * where NODE is the node vsrc_l drove.
 */
static int load_driven_bench(ampsim_engine *engine, const task *t, const char *source_value,
                             const char *series_name, const char *series_value)
{
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  strbuf sb = STRBUF_INIT;
  char *text = NULL, *edited = NULL, node[64];
  const char *line, *after, *end;
  size_t node_len;
  int rc;

  drive.ac_left = 0.0;
  drive.sine_peak_v = 0.0;
  drive.left_only = ampsim_bench_channels_independent(&t->options->bench);
  rc = ampsim_bench_netlist(&text, t->stage, &t->options->bench, AMPSIM_BENCH_LOADED, &drive);
  if (rc != 0)
    return rc;
  line = strstr(text, "\nvsrc_l ");
  if (line == NULL || strstr(text, DRIVE_NODE) != NULL) {
    rc = ampsim_error_set(AMPSIM_ESIM, "the bench has no left source line to replace");
    goto done;
  }
  line++;
  after = line + strlen("vsrc_l ");
  node_len = strcspn(after, " \n");
  end = strchr(line, '\n');
  if (node_len == 0 || node_len >= sizeof node || end == NULL ||
      strncmp(after + node_len, " 0 ", 3) != 0) {
    rc = ampsim_error_set(AMPSIM_ESIM, "unexpected left source line in the bench");
    goto done;
  }
  memcpy(node, after, node_len);
  node[node_len] = '\0';

  strbuf_append(&sb, text, (size_t)(line - text));
  strbuf_printf(&sb, "vsrc_l %s 0 %s\n", DRIVE_NODE, source_value);
  strbuf_printf(&sb, "%s %s %s %s\n", series_name, node, DRIVE_NODE, series_value);
  strbuf_append(&sb, end + 1, strlen(end + 1));
  edited = strbuf_take(&sb);
  if (edited == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }
  rc = ampsim_engine_load(engine, edited);
done:
  free(edited);
  free(text);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Intermodulation                                                          */
/* ------------------------------------------------------------------------ */

/* SMPTE: sideband pairs f2 +- n f1 counted in the total, n = 1..this. */
#define SMPTE_ORDERS 4

typedef struct imd_test {
  unsigned bit;
  const char *name;
  double f1_hz, f2_hz; /* lower and upper tone */
  double ratio;        /* source amplitude of f1 over that of f2 */
  double common_hz;    /* largest frequency of which both are multiples */
  int settle;          /* common periods skipped */
  int periods;         /* common periods analysed */
} imd_test;

static const imd_test imd_tests[2] = {
    /* SMPTE RP120 / DIN 45403 / IEC 60268-3 modulation distortion:
     * 60 Hz + 7 kHz, 4:1; common period 50 ms (three periods of 60 Hz). */
    {AMPSIM_IMD_SMPTE, "SMPTE", 60.0, 7000.0, 4.0, 20.0, 1, 1},
    /* CCIF twin tone, IEC 60268-3 difference-frequency distortion:
     * 19 kHz + 20 kHz, 1:1; common period 1 ms. */
    {AMPSIM_IMD_CCIF, "CCIF", 19000.0, 20000.0, 1.0, 1000.0, 1, 2},
};

/* What one two-tone record gives. Amplitudes are RMS. */
typedef struct imd_analysis {
  double a1, a2;   /* the tones across the load */
  double vout_rms; /* sqrt(a1^2 + a2^2) */
  double d2, d3, imd; /* ratios */
} imd_analysis;

/* Samples per common period: a power of two, at least 1024, and enough
 * that the grid's Nyquist frequency is at least 8 x 20 kHz. */
static size_t imd_samples_per_period(double common_hz)
{
  size_t m = 1024;
  while ((double)m < 16.0 * BAND_HI_HZ / common_hz && m < (1u << 20))
    m *= 2;
  return m;
}

/* The starting step: the THD rule (min(T/1000, 1 us), docs/ngspice-notes.md)
 * for the lower tone: 1 us for SMPTE (143 steps per period of 7 kHz; the
 * halving shows it converged on the bundled stages, where T/1000 of 7 kHz
 * would take 700 000 steps), 52.6 ns for CCIF. */
static double imd_initial_tmax(const imd_test *test)
{
  return measure_initial_tmax(test->f1_hz);
}

static size_t bin_of(double f_hz, const imd_test *test)
{
  return (size_t)lround(f_hz / test->common_hz) * (size_t)test->periods;
}

/* Spectrum bins more than this below the larger tone are rounding in the
 * solution and the DFT, not signal: the spectrum curve shows them as NAN. */
#define IMD_SPECTRUM_FLOOR 1e-9

/* The spectrum curve of a record: every bin k >= 1 of rms[0..n_bins) at
 * k common_hz / periods, in dBV; y2 repeats the counted products. */
static void imd_curve(task_result *r, const double *rms, size_t n_bins, const imd_test *test,
                      double a_max)
{
  size_t n = 0;
  for (size_t k = 1; k < n_bins && n < AMPSIM_MAX_CURVE; k++, n++) {
    r->curve_x[n] = (double)k * test->common_hz / (double)test->periods;
    r->curve_y[n] = rms[k] > IMD_SPECTRUM_FLOOR * a_max ? ampsim_dsp_db(rms[k]) : NAN;
    r->curve_y2[n] = NAN;
  }
  r->n_curve = n;
  /* The products: f2 +- k f1 (SMPTE); f2 - f1, 2 f1 - f2, 2 f2 - f1 (CCIF). */
  if (test->bit == AMPSIM_IMD_SMPTE) {
    for (int k = 1; k <= SMPTE_ORDERS; k++) {
      size_t lo = bin_of(test->f2_hz - k * test->f1_hz, test);
      size_t hi = bin_of(test->f2_hz + k * test->f1_hz, test);
      if (lo >= 1 && lo - 1 < n)
        r->curve_y2[lo - 1] = r->curve_y[lo - 1];
      if (hi >= 1 && hi - 1 < n)
        r->curve_y2[hi - 1] = r->curve_y[hi - 1];
    }
  } else {
    size_t bins[3] = {bin_of(test->f2_hz - test->f1_hz, test),
                      bin_of(2.0 * test->f1_hz - test->f2_hz, test),
                      bin_of(2.0 * test->f2_hz - test->f1_hz, test)};
    for (int i = 0; i < 3; i++)
      if (bins[i] >= 1 && bins[i] - 1 < n)
        r->curve_y2[bins[i] - 1] = r->curve_y[bins[i] - 1];
  }
}

/* Simulate the two tones at source amplitudes (peak) a1, a2 with step tmax
 * and analyse the record; with curve, its spectrum goes there too. */
static int imd_run(imd_analysis *out, ampsim_engine *engine, const task *t, const imd_test *test,
                   double a1, double a2, double tmax, task_result *curve)
{
  size_t m = imd_samples_per_period(test->common_hz), n = m * (size_t)test->periods;
  /* Every bin read below lies under 2 f2 (f2 + 4 f1 for SMPTE, 2 f2 - f1
   * for CCIF). */
  size_t n_bins = bin_of(2.0 * test->f2_hz, test) + 1;
  double period = 1.0 / test->common_hz, tstart = test->settle * period;
  double tstop = (test->settle + test->periods) * period;
  double *record = NULL, *rms = NULL;
  char source[128], series[128];
  int rc;

  snprintf(source, sizeof source, "DC 0 AC 0 SIN(0 %.17g %.17g)", a1, test->f1_hz);
  snprintf(series, sizeof series, "DC 0 SIN(0 %.17g %.17g)", a2, test->f2_hz);
  rc = load_driven_bench(engine, t, source, "vsrc_l2", series);
  if (rc != 0)
    return rc;
  record = malloc(n * sizeof *record);
  rms = malloc(n_bins * sizeof *rms);
  if (record == NULL || rms == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }
  rc = measure_tran_load(record, n, tstart, period / (double)m, tmax, tstop, engine, t);
  if (rc == 0)
    rc = ampsim_dsp_spectrum(rms, n_bins, record, n);
  if (rc != 0)
    goto done;

  out->a1 = rms[bin_of(test->f1_hz, test)];
  out->a2 = rms[bin_of(test->f2_hz, test)];
  out->vout_rms = hypot(out->a1, out->a2);
  if (!(out->a1 > 0.0 && out->a2 > 0.0)) {
    rc = ampsim_error_set(AMPSIM_ESIM, "%s intermodulation: no signal across the load",
                          test->name);
    goto done;
  }
  if (test->bit == AMPSIM_IMD_SMPTE) {
    /* Modulation distortion (IEC 60268-3, DIN 45403): the sidebands of
     * each order summed (an envelope detector sees them added), over the
     * carrier; the total is the RSS of the orders. */
    double sum2 = 0.0;
    for (int k = 1; k <= SMPTE_ORDERS; k++) {
      double pair = rms[bin_of(test->f2_hz - k * test->f1_hz, test)] +
                    rms[bin_of(test->f2_hz + k * test->f1_hz, test)];
      double d = pair / out->a2;
      if (k == 1)
        out->d2 = d;
      if (k == 2)
        out->d3 = d;
      sum2 += d * d;
    }
    out->imd = sqrt(sum2);
  } else {
    /* Difference-frequency distortion (IEC 60268-3): products over the sum
     * of the two tones. 2 f2 - f1 = 21 kHz lies above the audio band; it
     * is counted all the same (it is the twin of 2 f1 - f2). */
    double ref = out->a1 + out->a2;
    out->d2 = rms[bin_of(test->f2_hz - test->f1_hz, test)] / ref;
    out->d3 = (rms[bin_of(2.0 * test->f1_hz - test->f2_hz, test)] +
               rms[bin_of(2.0 * test->f2_hz - test->f1_hz, test)]) /
              ref;
    out->imd = hypot(out->d2, out->d3);
  }
  if (curve != NULL)
    imd_curve(curve, rms, n_bins, test, fmax(out->a1, out->a2));
done:
  free(record);
  free(rms);
  return rc;
}

int measure_task_imd(task_result *r, const task *t, ampsim_engine *engine)
{
  const imd_test *test = NULL;
  task_result *curve = t->curve == TASK_CURVE_SPECTRUM ? r : NULL;
  imd_analysis now = {0}, before = {0};
  double g1 = 0.0, g2 = 0.0, a1, a2, tmax;
  int rc, halvings = 0;

  for (size_t i = 0; i < sizeof imd_tests / sizeof imd_tests[0]; i++)
    if ((unsigned)t->index == imd_tests[i].bit)
      test = &imd_tests[i];
  if (test == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "unknown intermodulation test %d", t->index);
  tmax = imd_initial_tmax(test);

  /* Level: the RMS of the two tones across the load is vout_rms. Start from
   * the small-signal gains at both tones (the 4:1 or 1:1 ratio is the
   * generator's, at the source), then correct by the measured tones. */
  rc = measure_small_signal_gain(&g1, engine, t, test->f1_hz);
  if (rc == 0)
    rc = measure_small_signal_gain(&g2, engine, t, test->f2_hz);
  if (rc != 0)
    return rc;
  a2 = t->vout_rms * M_SQRT2 / hypot(test->ratio * g1, g2);
  a1 = test->ratio * a2;
  for (int i = 0;; i++) {
    rc = imd_run(&now, engine, t, test, a1, a2, tmax, curve);
    if (rc != 0)
      return rc;
    if (fabs(now.vout_rms / t->vout_rms - 1.0) < LEVEL_RELATIVE_TOLERANCE || i == 2)
      break;
    a1 *= t->vout_rms / now.vout_rms;
    a2 *= t->vout_rms / now.vout_rms;
  }
  /* Halve the step until the total IMD stops moving. */
  while (halvings < MAX_HALVINGS) {
    before = now;
    tmax /= 2.0;
    halvings++;
    rc = imd_run(&now, engine, t, test, a1, a2, tmax, curve);
    if (rc != 0)
      return rc;
    if (fabs(ampsim_dsp_db(now.imd) - ampsim_dsp_db(before.imd)) <
            t->options->thd_tolerance_db ||
        fabs(now.imd - before.imd) < THD_ABSOLUTE_TOLERANCE)
      break;
  }
  r->imd.test = test->bit;
  r->imd.vout_rms = now.vout_rms;
  r->imd.d2_db = ampsim_dsp_db(now.d2);
  r->imd.d3_db = ampsim_dsp_db(now.d3);
  r->imd.imd_db = ampsim_dsp_db(now.imd);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Overload recovery                                                        */
/* ------------------------------------------------------------------------ */

/* The burst: this many periods at 1 kHz (6 dB above the 1 % THD drive),
 * then this many at the nominal level. */
#define BURST_PERIODS 10
#define RECOVERY_PERIODS 30
/* Recovered: within this fraction of the undisturbed output's amplitude. */
#define RECOVERY_TOLERANCE 0.01
/* Latched: at the end still this far off (fraction of the amplitude)... */
#define LATCH_DEVIATION 0.1
/* ...or this much non-harmonic content (ratio to the fundamental) more
 * than the undisturbed output has, over the last LATCH_PERIODS. */
#define LATCH_NON_HARMONIC 0.01
#define LATCH_PERIODS 2
#define SYMMETRY_TOLERANCE_PCT 5.0
/* The 1 % THD search: THD target, and the level bracket's final width. */
#define CLIP_THD 0.01
#define CLIP_LEVEL_RATIO 1.01

/* THD at 1 kHz for a source amplitude, as the power search evaluates it:
 * two periods of settling, one analysed, step T/1000. */
static int clip_thd(double *thd, ampsim_engine *engine, const task *t, tone_bench *bench,
                    double vin_peak, ampsim_harmonics *h)
{
  int rc = measure_tone(h, engine, t, bench, POWER_HZ, vin_peak, measure_initial_tmax(POWER_HZ),
                        2, 1);
  if (rc == 0)
    *thd = h->thd;
  return rc;
}

/*
 * The source amplitude at which THD at 1 kHz reaches 1 %, to 1 %: start at
 * the level the rails allow (legs x supply / sqrt 2 across the load) and
 * walk down (6 dB while THD is above 30 %, 3 dB after) until THD is below
 * 1 %, then bisect the last step. A stage whose THD stays below 1 % up to
 * the rail level gets that level (its burst then tests 6 dB beyond what
 * the rails can give).
 */
static int clip_level(double *vin_1pct, ampsim_engine *engine, const task *t, double gain)
{
  const ampsim_bench_options *b = &t->options->bench;
  double cap = ampsim_topology_legs(b->topology) * b->supply_v / M_SQRT2;
  double hi = cap * M_SQRT2 / gain, lo, thd = 0.0;
  tone_bench bench = {0.0};
  ampsim_harmonics *h = malloc(sizeof *h);
  int rc;

  if (h == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  rc = clip_thd(&thd, engine, t, &bench, hi, h);
  if (rc != 0 || thd < CLIP_THD) {
    *vin_1pct = hi;
    goto done;
  }
  for (int i = 0;; i++) {
    lo = hi / pow(10.0, (thd > 0.3 ? 6.0 : 3.0) / 20.0);
    if (i == 40) {
      rc = ampsim_error_set(AMPSIM_ESIM, "THD stays above 1 %% down to %g V peak at the source",
                            lo);
      goto done;
    }
    rc = clip_thd(&thd, engine, t, &bench, lo, h);
    if (rc != 0)
      goto done;
    if (thd < CLIP_THD)
      break;
    hi = lo;
  }
  while (hi / lo > CLIP_LEVEL_RATIO) {
    double mid = sqrt(lo * hi);
    rc = clip_thd(&thd, engine, t, &bench, mid, h);
    if (rc != 0)
      goto done;
    if (thd < CLIP_THD)
      lo = mid;
    else
      hi = mid;
  }
  *vin_1pct = sqrt(lo * hi);
done:
  free(h);
  return rc;
}

/* The load voltage over the whole burst window, the drive stepping from
 * a_burst to a_nominal (peak, at the source) after BURST_PERIODS periods. */
static int clip_run(double *record, size_t m, ampsim_engine *engine, const task *t,
                    double a_burst, double a_nominal)
{
  double period = 1.0 / POWER_HZ, burst_end_s = BURST_PERIODS * period;
  int periods = BURST_PERIODS + RECOVERY_PERIODS;
  char expr[256];
  int rc;

  snprintf(expr, sizeof expr, "V = (time < %.17g ? %.17g : %.17g) * sin(%.17g * time)",
           burst_end_s, a_burst, a_nominal, 2.0 * M_PI * POWER_HZ);
  rc = load_driven_bench(engine, t, "DC 0 AC 0", "b_drive_l", expr);
  if (rc == 0)
    rc = measure_tran_load(record, m * (size_t)periods, 0.0, period / (double)m,
                          measure_initial_tmax(POWER_HZ), periods * period, engine, t);
  return rc;
}

/* Non-harmonic content of x[0..n-1] (LATCH_PERIODS periods) over its
 * fundamental. */
static int non_harmonic_ratio(double *ratio, const double *x, size_t n)
{
  size_t n_bins = n / 2 + 1;
  double *rms = malloc(n_bins * sizeof *rms), sum = 0.0;
  int rc;

  if (rms == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  rc = ampsim_dsp_spectrum(rms, n_bins, x, n);
  if (rc == 0) {
    for (size_t k = 1; k < n_bins; k++)
      if (k % LATCH_PERIODS != 0)
        sum += rms[k] * rms[k];
    *ratio = rms[LATCH_PERIODS] > 0.0 ? sqrt(sum) / rms[LATCH_PERIODS] : INFINITY;
  }
  free(rms);
  return rc;
}

int measure_task_clipping(task_result *r, const task *t, ampsim_engine *engine)
{
  ampsim_clipping *c = &r->clipping;
  size_t m = measure_samples_per_period(POWER_HZ), half = m / 2;
  size_t n = m * (BURST_PERIODS + RECOVERY_PERIODS), burst_end = m * BURST_PERIODS;
  size_t windows = 2 * RECOVERY_PERIODS, last = n - LATCH_PERIODS * m;
  size_t skip = (size_t)ceil(4.0 * measure_initial_tmax(POWER_HZ) * POWER_HZ * (double)m);
  double gain = 0.0, vin_1pct = 0.0, vin_nominal, amplitude, tolerance;
  double peak_pos = -INFINITY, peak_neg = INFINITY, mean, end_deviation = 0.0;
  double ratio_burst = 0.0, ratio_reference = 0.0;
  double *burst = NULL, *reference = NULL, *deviation = NULL;
  int rc, violated = -1;

  c->recovery_s = NAN;
  c->symmetric = 0;
  c->latched = 0;
  c->asymmetry_pct = NAN;
  rc = measure_small_signal_gain(&gain, engine, t, POWER_HZ);
  if (rc == 0)
    rc = clip_level(&vin_1pct, engine, t, gain);
  if (rc != 0)
    return rc;
  vin_nominal = t->vout_rms * M_SQRT2 / gain;

  burst = malloc(n * sizeof *burst);
  reference = malloc(n * sizeof *reference);
  deviation = malloc(windows * sizeof *deviation);
  if (burst == NULL || reference == NULL || deviation == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    goto done;
  }
  /* 6 dB above the 1 % level is twice its drive. */
  rc = clip_run(burst, m, engine, t, 2.0 * vin_1pct, vin_nominal);
  if (rc == 0)
    rc = clip_run(reference, m, engine, t, vin_nominal, vin_nominal);
  if (rc != 0)
    goto done;

  /* Symmetry: the peaks of the load voltage during the burst, its first
   * period (the start from rest) left out. */
  for (size_t i = m; i < burst_end; i++) {
    peak_pos = fmax(peak_pos, burst[i]);
    peak_neg = fmin(peak_neg, burst[i]);
  }
  mean = 0.5 * (fabs(peak_pos) + fabs(peak_neg));
  if (!(mean > 0.0)) {
    rc = ampsim_error_set(AMPSIM_ESIM, "overload recovery: no signal across the load");
    goto done;
  }
  c->asymmetry_pct = 100.0 * (fabs(peak_pos) - fabs(peak_neg)) / mean;
  c->symmetric = fabs(c->asymmetry_pct) <= SYMMETRY_TOLERANCE_PCT;

  /* The undisturbed amplitude: half the peak-to-peak of the reference over
   * its last period. */
  {
    double top = -INFINITY, bottom = INFINITY;
    for (size_t i = n - m; i < n; i++) {
      top = fmax(top, reference[i]);
      bottom = fmin(bottom, reference[i]);
    }
    amplitude = 0.5 * (top - bottom);
  }
  if (!(amplitude > 0.0)) {
    rc = ampsim_error_set(AMPSIM_ESIM, "overload recovery: no signal at the nominal level");
    goto done;
  }
  tolerance = RECOVERY_TOLERANCE * amplitude;

  /* Recovery: the largest deviation from the undisturbed output in each
   * half period after the burst; recovered from the first half period
   * after which every one is within tolerance. The crossing is placed by
   * log-linear interpolation between the last half period out of
   * tolerance and the next (exact for an exponential decay, whose largest
   * deviation in a half period is at its start). The drive's slope steps
   * at the burst's end; samples whose 4-point resampling stencil straddles
   * that kink (two simulation steps either side) carry interpolation error,
   * not the stage's response, and are left out: the first 4 tmax after it. */
  for (size_t w = 0; w < windows; w++) {
    size_t from = burst_end + w * half + (w == 0 ? skip : 0);
    size_t to = burst_end + (w + 1) * half;
    deviation[w] = 0.0;
    for (size_t i = from; i < to && i < n; i++)
      deviation[w] = fmax(deviation[w], fabs(burst[i] - reference[i]));
    if (deviation[w] > tolerance)
      violated = (int)w;
  }
  if (violated < 0) {
    c->recovery_s = 0.0;
  } else if ((size_t)violated + 1 < windows) {
    double step = 0.5 / POWER_HZ, fraction = 1.0;
    double ratio = deviation[violated] / deviation[violated + 1];
    if (deviation[violated + 1] > 0.0 && ratio > 1.0)
      fraction = log(deviation[violated] / tolerance) / log(ratio);
    fraction = fmin(fmax(fraction, 0.0), 1.0);
    c->recovery_s = ((double)violated + fraction) * step;
  }

  /* Latched: still far off at the end, or new non-harmonic content there
   * (an oscillation the undisturbed output does not have). */
  for (size_t i = last; i < n; i++)
    end_deviation = fmax(end_deviation, fabs(burst[i] - reference[i]));
  rc = non_harmonic_ratio(&ratio_burst, burst + last, n - last);
  if (rc == 0)
    rc = non_harmonic_ratio(&ratio_reference, reference + last, n - last);
  if (rc != 0)
    goto done;
  c->latched = end_deviation > LATCH_DEVIATION * amplitude ||
               (ratio_burst > LATCH_NON_HARMONIC && ratio_burst > 10.0 * ratio_reference);
done:
  free(burst);
  free(reference);
  free(deviation);
  return rc;
}
