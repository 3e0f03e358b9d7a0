/*
 * test_dsp.c - known-answer tests of the DSP module (include/ampsim/dsp.h):
 * synthesised tones with set harmonics, analytic noise integrals, the IEC
 * A-weighting check values and cubic resampling on a non-uniform grid.
 */
#include "test_main.h"

#include <math.h>
#include <stdlib.h>

#include "ampsim/dsp.h"
#include "ampsim/error.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/* Deterministic generator (64-bit LCG, top 53 bits) so that every run of a
 * "random" test sees the same data. */
static double uniform01(unsigned long long *state)
{
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* One component of a synthetic tone: harmonic number (or bin, see below),
 * RMS level relative to V1 in dBc, and phase (cosine reference). */
typedef struct tone_part {
  double cycles; /* whole cycles in the record (k * periods for harmonic k) */
  double rms_v;
  double phase_rad;
} tone_part;

/* x[j] = dc + sum sqrt(2) rms cos(2 pi cycles j / n + phase). */
static void synth(double *x, size_t n, double dc, const tone_part *parts,
                  size_t nparts)
{
  size_t j, p;

  for (j = 0; j < n; j++) {
    double v = dc;
    for (p = 0; p < nparts; p++) {
      /* Reduce cycles*j modulo n in integers so that the argument of cos
       * stays small and exact: long records must not lose phase accuracy. */
      unsigned long long c = (unsigned long long)parts[p].cycles;
      double arg = 2.0 * M_PI * (double)((c * j) % n) / (double)n;
      v += sqrt(2.0) * parts[p].rms_v * cos(arg + parts[p].phase_rad);
    }
    x[j] = v;
  }
}

static double dbc_to_ratio(double dbc)
{
  return pow(10.0, dbc / 20.0);
}

/* Wrap a phase difference into (-pi, pi]. */
static double phase_diff(double a, double b)
{
  double d = fmod(a - b, 2.0 * M_PI);

  if (d > M_PI)
    d -= 2.0 * M_PI;
  if (d <= -M_PI)
    d += 2.0 * M_PI;
  return d;
}

static double harmonic_phase(const ampsim_harmonics *h, int k)
{
  return atan2(h->harmonic_im[k], h->harmonic_re[k]);
}

/* ------------------------------------------------------------------------ */
/* Harmonic analysis                                                         */
/* ------------------------------------------------------------------------ */

/* 1 kHz, 1 V rms, H2 -60, H3 -80, H5 -100 dBc with arbitrary phases and a DC
 * offset, analysed over 1, 3 and 7 periods: THD, every level, V1, DC and
 * phases must match the synthesis. */
static void harmonics_1khz_tone_matches_set_levels(void **state)
{
  static const size_t period_counts[] = {1, 3, 7};
  const double fs_hz = 192000.0, f0_hz = 1000.0, dc_v = 0.125;
  const double expected_thd =
      sqrt(1e-6 + 1e-8 + 1e-10); /* -60, -80, -100 dBc in power */
  size_t c;

  (void)state;
  for (c = 0; c < sizeof period_counts / sizeof period_counts[0]; c++) {
    size_t periods = period_counts[c];
    size_t n = (size_t)(periods * fs_hz / f0_hz);
    tone_part parts[] = {
        {1.0 * (double)periods, 1.0, 0.7},
        {2.0 * (double)periods, dbc_to_ratio(-60.0), -1.1},
        {3.0 * (double)periods, dbc_to_ratio(-80.0), 2.5},
        {5.0 * (double)periods, dbc_to_ratio(-100.0), -3.0},
    };
    double *x = malloc(sizeof *x * n);
    ampsim_harmonics h;
    int k;

    assert_non_null(x);
    synth(x, n, dc_v, parts, sizeof parts / sizeof parts[0]);
    assert_int_equal(
        ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 20.0, 20000.0, 5), 0);

    assert_true(fabs(h.fundamental_hz - f0_hz) < 1e-9);
    assert_int_equal(h.highest_harmonic, 20);
    assert_true(fabs(h.v1_rms - 1.0) < 1e-12);
    assert_true(fabs(h.dc - dc_v) < 1e-12);
    assert_true(fabs(phase_diff(h.v1_phase_rad, 0.7)) < 1e-9);
    assert_true(fabs(h.thd_db - 20.0 * log10(expected_thd)) < 0.01);
    assert_true(fabs(h.thd / expected_thd - 1.0) < 1e-6);
    assert_true(fabs(h.thd_pct - 100.0 * h.thd) < 1e-15);
    assert_true(fabs(h.harmonic_dbc[1]) < 1e-9);
    assert_true(fabs(h.harmonic_dbc[2] - -60.0) < 0.01);
    assert_true(fabs(h.harmonic_dbc[3] - -80.0) < 0.01);
    assert_true(fabs(h.harmonic_dbc[5] - -100.0) < 0.01);
    /* Absent harmonics sit at the numerical floor, far below any level. */
    assert_true(h.harmonic_dbc[4] < -250.0);
    for (k = 6; k <= 20; k++)
      assert_true(h.harmonic_dbc[k] < -250.0);
    assert_true(fabs(phase_diff(harmonic_phase(&h, 2), -1.1)) < 1e-6);
    assert_true(fabs(phase_diff(harmonic_phase(&h, 3), 2.5)) < 1e-4);
    /* Complex amplitude is the RMS magnitude with cosine reference. */
    assert_true(fabs(h.harmonic_re[1] - cos(0.7)) < 1e-12);
    assert_true(fabs(h.harmonic_im[1] - sin(0.7)) < 1e-12);
    /* Nothing but harmonics in band: THD+N equals THD, residue is empty. */
    assert_true(h.thdn >= h.thd);
    assert_true(fabs(h.thdn_db - h.thd_db) < 1e-6);
    assert_true(h.residue_db < -250.0);
    free(x);
  }
}

/* A 20 Hz tone has harmonics up to 1000 in the 20 kHz band; H1000 must count
 * and the 1001st (20.02 kHz) must count nowhere. */
static void harmonics_20hz_tone_reaches_h1000(void **state)
{
  const double fs_hz = 48000.0;
  const size_t periods = 2;
  const size_t n = periods * 2400; /* 2400 samples per 20 Hz period */
  tone_part parts[] = {
      {1.0 * periods, 0.5, 0.3},
      {2.0 * periods, 0.5 * dbc_to_ratio(-70.0), 1.0},
      {999.0 * periods, 0.5 * dbc_to_ratio(-90.0), -0.4},
      {1000.0 * periods, 0.5 * dbc_to_ratio(-80.0), 0.2},
      {1001.0 * periods, 0.5 * dbc_to_ratio(-40.0), 0.0},
  };
  double expected_thd = sqrt(1e-7 + 1e-9 + 1e-8);
  double *x = malloc(sizeof *x * n);
  ampsim_harmonics h;

  (void)state;
  assert_non_null(x);
  synth(x, n, 0.0, parts, sizeof parts / sizeof parts[0]);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 20.0,
                                        20000.0, 5),
                   0);
  assert_true(fabs(h.fundamental_hz - 20.0) < 1e-12);
  assert_int_equal(h.highest_harmonic, AMPSIM_MAX_HARMONIC);
  assert_true(fabs(h.v1_rms - 0.5) < 1e-12);
  assert_true(fabs(h.harmonic_dbc[2] - -70.0) < 0.01);
  assert_true(fabs(h.harmonic_dbc[999] - -90.0) < 0.01);
  assert_true(fabs(h.harmonic_dbc[1000] - -80.0) < 0.01);
  assert_true(fabs(h.thd_db - 20.0 * log10(expected_thd)) < 0.01);
  /* The -40 dBc tone above 20 kHz is outside THD and THD+N alike. */
  assert_true(fabs(h.thdn_db - h.thd_db) < 1e-6);
  free(x);
}

/* A 15 kHz tone has no harmonic in band, yet H must be min_harmonic = 5: the
 * out-of-band harmonics count in THD and therefore in THD+N. */
static void harmonics_15khz_tone_keeps_min_harmonic_above_band(void **state)
{
  const double fs_hz = 192000.0;
  const size_t periods = 15;
  const size_t n = 192; /* 15 kHz * 192 / 192 kHz = 15 periods */
  tone_part parts[] = {
      {1.0 * periods, 2.0, 0.0},
      {2.0 * periods, 2.0 * dbc_to_ratio(-50.0), 0.5},
      {3.0 * periods, 2.0 * dbc_to_ratio(-60.0), 1.5},
      {5.0 * periods, 2.0 * dbc_to_ratio(-70.0), -2.0},
  };
  double expected_thd = sqrt(1e-5 + 1e-6 + 1e-7);
  double x[192];
  ampsim_harmonics h;

  (void)state;
  synth(x, n, 0.0, parts, sizeof parts / sizeof parts[0]);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 20.0, 20000.0, 5), 0);
  assert_true(fabs(h.fundamental_hz - 15000.0) < 1e-9);
  assert_int_equal(h.highest_harmonic, 5);
  assert_true(fabs(h.harmonic_dbc[2] - -50.0) < 0.01);
  assert_true(fabs(h.harmonic_dbc[3] - -60.0) < 0.01);
  assert_true(fabs(h.harmonic_dbc[5] - -70.0) < 0.01);
  assert_true(fabs(h.thd_db - 20.0 * log10(expected_thd)) < 0.01);
  assert_true(h.thdn >= h.thd);
  assert_true(fabs(h.thdn_db - h.thd_db) < 1e-6);
  /* Entries past H are "not measured", not 0 dBc. */
  assert_true(h.harmonic_dbc[6] <= -400.0);
}

/* At fs = 96 kHz a 15 kHz tone has only harmonics 2 and 3 below Nyquist: H
 * stops there whatever min_harmonic asks. */
static void harmonics_highest_stays_below_nyquist(void **state)
{
  const double fs_hz = 96000.0;
  const size_t periods = 5;
  const size_t n = 32; /* 15 kHz * 32 / 96 kHz = 5 periods */
  tone_part parts[] = {{5.0, 1.0, 0.0}, {10.0, 0.01, 0.0}};
  double x[32];
  ampsim_harmonics h;

  (void)state;
  synth(x, n, 0.0, parts, 2);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 20.0, 20000.0, 5), 0);
  assert_int_equal(h.highest_harmonic, 3);
  assert_true(fabs(h.thd_db - -40.0) < 0.01);

  /* 12 kHz in 8 samples: H4 would be the Nyquist bin itself, whose DFT
   * cannot separate cosine from sine: it is excluded too. */
  {
    tone_part one[] = {{1.0, 1.0, 0.0}, {2.0, 0.01, 0.0}};
    double y[8];
    synth(y, 8, 0.0, one, 2);
    assert_int_equal(
        ampsim_dsp_harmonics(&h, y, 8, 1, fs_hz, 20.0, 20000.0, 5), 0);
    assert_int_equal(h.highest_harmonic, 3);
  }
}

/* A 10 Hz tone has in-band harmonics beyond AMPSIM_MAX_HARMONIC: THD stops at
 * H1000, THD+N still counts H1500 (it is in band), and the residue does not
 * (it is a harmonic, not noise). */
static void harmonics_beyond_max_count_in_thdn_not_residue(void **state)
{
  const double fs_hz = 48000.0;
  const size_t n = 4800; /* one 10 Hz period */
  tone_part parts[] = {
      {1.0, 1.0, 0.0},
      {3.0, dbc_to_ratio(-80.0), 0.0},
      {1500.0, dbc_to_ratio(-60.0), 0.0},
  };
  double *x = malloc(sizeof *x * n);
  ampsim_harmonics h;

  (void)state;
  assert_non_null(x);
  synth(x, n, 0.0, parts, 3);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, x, n, 1, fs_hz, 20.0, 20000.0, 5), 0);
  assert_int_equal(h.highest_harmonic, AMPSIM_MAX_HARMONIC);
  assert_true(fabs(h.thd_db - -80.0) < 0.01);
  assert_true(fabs(h.thdn_db - 20.0 * log10(sqrt(1e-8 + 1e-6))) < 0.01);
  assert_true(h.residue_db <= -400.0);
  free(x);
}

/* THD+N of a tone with H2 at -60 dBc and a non-harmonic tone at 1.5 kHz
 * (bin 3 of a 2-period record) at -70 dBc: thdn = sqrt(thd^2 + r^2) and the
 * residue is exactly the -70 dBc tone. Tones above 20 kHz stay out. */
static void thdn_counts_non_harmonic_tone_as_residue(void **state)
{
  const double fs_hz = 48000.0;
  const size_t periods = 2;
  const size_t n = 96;
  tone_part parts[] = {
      {2.0, 1.0, 0.1},
      {4.0, dbc_to_ratio(-60.0), 0.2},
      {3.0, dbc_to_ratio(-70.0), 0.3},  /* 1.5 kHz, non-harmonic */
      {45.0, dbc_to_ratio(-30.0), 0.0}, /* 22.5 kHz, out of band */
      {42.0, dbc_to_ratio(-30.0), 0.0}, /* 21 kHz = H21, beyond H = 20 */
  };
  double expected_thdn = sqrt(1e-6 + 1e-7);
  double x[96];
  ampsim_harmonics h;

  (void)state;
  synth(x, n, 0.0, parts, sizeof parts / sizeof parts[0]);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 20.0, 20000.0, 5), 0);
  assert_int_equal(h.highest_harmonic, 20);
  assert_true(fabs(h.thd_db - -60.0) < 0.01);
  assert_true(fabs(h.thdn_db - 20.0 * log10(expected_thdn)) < 0.01);
  assert_true(fabs(h.thdn / expected_thdn - 1.0) < 1e-9);
  assert_true(fabs(h.residue_db - -70.0) < 0.01);
  assert_true(h.thdn >= h.thd);

  /* With a 1-period record every bin is a harmonic: no residue exists. */
  {
    tone_part one[] = {{1.0, 1.0, 0.0}, {2.0, 0.001, 0.0}};
    double y[48];
    synth(y, 48, 0.0, one, 2);
    assert_int_equal(
        ampsim_dsp_harmonics(&h, y, 48, 1, fs_hz, 20.0, 20000.0, 5), 0);
    assert_true(h.residue_db <= -400.0);
    assert_true(fabs(h.thd_db - -60.0) < 0.01);
  }
}

/* With the band opened to [0, fs/2] THD+N is, by Parseval, everything but DC
 * and V1: compare against that time-domain RMS on noise plus tones, with even
 * n (a Nyquist bin, which counts once) and odd n. */
static void thdn_full_band_equals_time_domain_residual(void **state)
{
  static const size_t lengths[] = {1000, 999};
  size_t c;

  (void)state;
  for (c = 0; c < 2; c++) {
    const size_t n = lengths[c];
    const size_t periods = 7;
    const double fs_hz = 48000.0;
    unsigned long long seed = 12345;
    tone_part parts[] = {{7.0, 1.0, 0.4}, {21.0, 0.003, 1.0}};
    double *x = malloc(sizeof *x * n);
    double mean = 0.0, var = 0.0, expected;
    ampsim_harmonics h;
    size_t j;

    assert_non_null(x);
    synth(x, n, 0.3, parts, 2);
    for (j = 0; j < n; j++)
      x[j] += 0.01 * (uniform01(&seed) - 0.5);
    for (j = 0; j < n; j++)
      mean += x[j];
    mean /= (double)n;
    for (j = 0; j < n; j++)
      var += (x[j] - mean) * (x[j] - mean);
    var /= (double)n;

    assert_int_equal(
        ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, 0.0, fs_hz / 2.0, 5), 0);
    assert_true(fabs(h.dc - mean) < 1e-12);
    expected = sqrt(var - h.v1_rms * h.v1_rms) / h.v1_rms;
    assert_true(fabs(h.thdn / expected - 1.0) < 1e-9);
    assert_true(h.thdn >= h.thd);
    free(x);
  }
}

/* THD+N >= THD holds exactly on many random signals, bands and tones. */
static void thdn_never_below_thd(void **state)
{
  unsigned long long seed = 777;
  int trial;

  (void)state;
  for (trial = 0; trial < 200; trial++) {
    const size_t periods = 1 + (size_t)(uniform01(&seed) * 9.0);
    const size_t n = 64 + (size_t)(uniform01(&seed) * 2000.0);
    const double fs_hz = 48000.0;
    double lo_hz = uniform01(&seed) * 1000.0;
    double hi_hz = lo_hz + uniform01(&seed) * 24000.0;
    double *x = malloc(sizeof *x * n);
    ampsim_harmonics h;
    size_t j;

    assert_non_null(x);
    for (j = 0; j < n; j++) {
      double fundamental = cos(2.0 * M_PI * (double)(periods * j) / (double)n);
      /* Half the trials carry only a harmonic, where THD+N ties THD and
       * rounding alone decides the order; the others carry noise. */
      if (trial % 2 == 0)
        x[j] = fundamental +
               1e-4 * cos(2.0 * M_PI * (double)(3 * periods * j) / (double)n);
      else
        x[j] = fundamental + 1e-3 * (uniform01(&seed) - 0.5);
    }
    if (2 * periods < n) {
      assert_int_equal(ampsim_dsp_harmonics(&h, x, n, periods, fs_hz, lo_hz,
                                            hi_hz, 5),
                       0);
      assert_true(h.thdn >= h.thd);
      assert_true(h.thdn_db >= h.thd_db);
    }
    free(x);
  }

  /* A 10 Hz tone measured in 100 Hz..20 kHz: H2 (20 Hz) lies below the band
   * but counts in THD, so THD+N must count it too. */
  {
    const size_t n = 4800;
    tone_part parts[] = {{1.0, 1.0, 0.0}, {2.0, dbc_to_ratio(-60.0), 0.0}};
    double *x = malloc(sizeof *x * n);
    ampsim_harmonics h;

    assert_non_null(x);
    synth(x, n, 0.0, parts, 2);
    assert_int_equal(
        ampsim_dsp_harmonics(&h, x, n, 1, 48000.0, 100.0, 20000.0, 5), 0);
    assert_true(fabs(h.thd_db - -60.0) < 0.01);
    assert_true(h.thdn >= h.thd);
    assert_true(fabs(h.thdn_db - -60.0) < 0.01);
    free(x);
  }
}

/* A pure sine leaves only rounding: THD below -250 dB, never -inf or NaN. */
static void pure_sine_thd_is_below_minus_250_db(void **state)
{
  const size_t n = 4800, periods = 5;
  tone_part parts[] = {{5.0, 1.0, 0.9}};
  double *x = malloc(sizeof *x * n);
  ampsim_harmonics h;

  (void)state;
  assert_non_null(x);
  synth(x, n, 0.0, parts, 1);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, x, n, periods, 48000.0, 20.0, 20000.0, 5), 0);
  assert_true(h.thd_db < -250.0);
  assert_true(h.thd_db >= -400.0);
  assert_true(h.thdn_db < -250.0);
  assert_true(isfinite(h.thd_db) && isfinite(h.thdn_db) &&
              isfinite(h.residue_db));
  free(x);
}

/* Bad arguments fail with AMPSIM_EINVAL and a message, never crash. */
static void harmonics_rejects_bad_arguments(void **state)
{
  double x[64] = {0};
  double dc_only[64];
  ampsim_harmonics h;
  size_t j;

  (void)state;
  for (j = 0; j < 64; j++) {
    x[j] = cos(2.0 * M_PI * 4.0 * (double)j / 64.0);
    dc_only[j] = 1.5;
  }
  ampsim_error_clear();
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 0, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_error_last_code(), AMPSIM_EINVAL);
  assert_true(strlen(ampsim_error_last()) > 0);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 2, 1, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 0, 1, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  /* 32 periods in 64 samples: the fundamental is the Nyquist bin. */
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 32, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 40, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(NULL, x, 64, 4, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(&h, NULL, 64, 4, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 4, 0.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 4, 48000.0, 2e4, 20, 5),
                   AMPSIM_EINVAL);
  /* No fundamental: an all-zero record and a DC-only one. */
  memset(x, 0, sizeof x);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 4, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_harmonics(&h, dc_only, 64, 4, 48000.0, 20, 2e4, 5),
      AMPSIM_EINVAL);
  /* Only H2: the fundamental's bin holds rounding (about 1e-16), which must
   * count as no fundamental, not as a THD of +300 dB. */
  for (j = 0; j < 64; j++)
    x[j] = 0.1 + 0.7 * cos(2.0 * M_PI * 8.0 * (double)j / 64.0 + 0.3);
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 64, 4, 48000.0, 20, 2e4, 5),
                   AMPSIM_EINVAL);
  memset(x, 0, sizeof x);
  /* And the smallest valid record still works. */
  x[0] = 1.0;
  x[1] = -0.5;
  x[2] = -0.5;
  assert_int_equal(ampsim_dsp_harmonics(&h, x, 3, 1, 48000.0, 0, 2.4e4, 5), 0);
  assert_int_equal(h.highest_harmonic, 1);
  assert_true(h.thd_db <= -400.0);
}

static void db_floors_zero_and_nan_at_minus_400(void **state)
{
  (void)state;
  assert_true(ampsim_dsp_db(0.0) == -400.0);
  assert_true(ampsim_dsp_db(-1.0) == -400.0);
  assert_true(ampsim_dsp_db(NAN) == -400.0);
  assert_true(ampsim_dsp_db(1e-30) == -400.0);
  assert_true(fabs(ampsim_dsp_db(0.1) - -20.0) < 1e-12);
  assert_true(fabs(ampsim_dsp_db(1.0)) < 1e-15);
}

/* ------------------------------------------------------------------------ */
/* A-weighting                                                               */
/* ------------------------------------------------------------------------ */

/* The check values of docs/measurements.md (IEC 61672-1), to 0.01 dB. The
 * references are rounded to 0.01 dB, so a correct curve is within 0.005. */
static void a_weighting_matches_iec_check_values(void **state)
{
  (void)state;
  assert_true(fabs(ampsim_dsp_a_weight_db(20.0) - -50.39) <= 0.005);
  assert_true(fabs(ampsim_dsp_a_weight_db(1000.0) - 0.0) <= 0.005);
  assert_true(fabs(ampsim_dsp_a_weight_db(10000.0) - -2.49) <= 0.005);
  assert_true(fabs(ampsim_dsp_a_weight_db(20000.0) - -9.35) <= 0.005);
}

/* The gain is the dB figure in linear form; 0 Hz is fully suppressed. */
static void a_weighting_gain_is_linear_db(void **state)
{
  static const double freqs_hz[] = {10.0, 20.0, 100.0, 1000.0, 2500.0, 2e4};
  size_t i;

  (void)state;
  for (i = 0; i < sizeof freqs_hz / sizeof freqs_hz[0]; i++) {
    double g = ampsim_dsp_a_weight_gain(freqs_hz[i]);
    double db = ampsim_dsp_a_weight_db(freqs_hz[i]);
    assert_true(fabs(g / pow(10.0, db / 20.0) - 1.0) < 1e-12);
  }
  /* A peaks at about +1.3 dB near 2.5 kHz. */
  assert_true(ampsim_dsp_a_weight_db(2500.0) > 1.2);
  assert_true(ampsim_dsp_a_weight_db(2500.0) < 1.4);
  assert_true(ampsim_dsp_a_weight_gain(0.0) == 0.0);
  assert_true(ampsim_dsp_a_weight_db(0.0) == -400.0);
}

/* ------------------------------------------------------------------------ */
/* Resampling                                                                */
/* ------------------------------------------------------------------------ */

/* A sine sampled on a random grid with steps between 0.5 and 1.5 of
 * base_step_s, from 0 to at least end_s. Returns the number of points; t and
 * y are malloc'd. */
static size_t random_grid_sine(double **t_out, double **y_out,
                               double base_step_s, double end_s, double f_hz,
                               double amp_v, unsigned long long seed)
{
  size_t cap = (size_t)(end_s / (0.5 * base_step_s)) + 16;
  double *t = malloc(sizeof *t * cap);
  double *y = malloc(sizeof *y * cap);
  size_t len = 0;
  double now_s = 0.0;

  assert_non_null(t);
  assert_non_null(y);
  for (;;) {
    t[len] = now_s;
    y[len] = amp_v * sin(2.0 * M_PI * f_hz * now_s + 0.3);
    len++;
    if (now_s >= end_s)
      break;
    now_s += base_step_s * (0.5 + uniform01(&seed));
  }
  *t_out = t;
  *y_out = y;
  return len;
}

/* Max |error| of resampling a random-grid sine (3 periods of 1 kHz) with the
 * given base step onto 4096 uniform points per period. */
static double resample_max_error(double base_step_s, double amp_v)
{
  const double f_hz = 1000.0, period_s = 1e-3;
  const size_t per_period = 4096, n = 3 * per_period;
  const double dt_s = period_s / (double)per_period;
  double *t, *y, *out = malloc(sizeof *out * n);
  size_t len, j;
  double max_err = 0.0;

  assert_non_null(out);
  len = random_grid_sine(&t, &y, base_step_s, 3.0 * period_s, f_hz, amp_v, 99);
  /* n uniform points starting at t = 0 stop one dt short of 3 periods. */
  assert_int_equal(ampsim_dsp_resample(out, n, 0.0, dt_s, t, y, len), 0);
  for (j = 0; j < n; j++) {
    double time_s = (double)j * dt_s;
    double err = fabs(out[j] - amp_v * sin(2.0 * M_PI * f_hz * time_s + 0.3));
    if (err > max_err)
      max_err = err;
  }
  free(out);
  free(t);
  free(y);
  return max_err;
}

/* About 1000 non-uniform points per period must give better than 1e-9 of
 * the amplitude (a real transient at tmax = T/1000). */
static void resample_sine_on_random_grid_within_1e_9(void **state)
{
  const double amp_v = 3.0;
  double err = resample_max_error(1e-3 / 1000.0, amp_v);

  (void)state;
  print_message("resample: max error %.3g of amplitude at T/1000\n",
                err / amp_v);
  assert_true(err / amp_v < 1e-9);
}

/* Halving the grid divides the error by about 2^4 = 16 (cubic = 4th order).
 * The max error over a random grid wobbles by about +-0.3 in order from one
 * halving to the next, so each ratio is bounded loosely and the order over
 * three halvings (T/200 to T/1600) tightly. */
static void resample_error_shrinks_16x_when_grid_halves(void **state)
{
  double err[4];
  double order;
  int i;

  (void)state;
  for (i = 0; i < 4; i++)
    err[i] = resample_max_error(1e-3 / (200.0 * pow(2.0, i)), 1.0);
  order = log2(err[0] / err[3]) / 3.0;
  print_message("resample: errors %.3g %.3g %.3g %.3g, ratios %.1f %.1f %.1f, "
                "order %.2f\n",
                err[0], err[1], err[2], err[3], err[0] / err[1],
                err[1] / err[2], err[2] / err[3], order);
  for (i = 0; i < 3; i++) {
    assert_true(err[i] / err[i + 1] > 10.0);
    assert_true(err[i] / err[i + 1] < 25.0);
  }
  assert_true(order > 3.7 && order < 4.3);
}

/* A cubic is reproduced to rounding, including at both ends of the data
 * (where the 4 points are not centred) and at large absolute times. */
static void resample_reproduces_cubic_exactly(void **state)
{
  const double t_offset_s = 0.25; /* as after skipped settling periods */
  double t[7], y[7], out[61];
  unsigned long long seed = 5;
  size_t i;

  (void)state;
  for (i = 0; i < 7; i++) {
    double u = (double)i + 0.4 * (uniform01(&seed) - 0.5);
    if (i == 0)
      u = 0.0;
    if (i == 6)
      u = 6.0;
    t[i] = t_offset_s + u * 1e-6;
    y[i] = 1.0 - 2.0 * u + 0.5 * u * u - 0.1 * u * u * u;
  }
  assert_int_equal(ampsim_dsp_resample(out, 61, t_offset_s, 0.1e-6, t, y, 7),
                   0);
  for (i = 0; i < 61; i++) {
    double u = 0.1 * (double)i;
    double expected = 1.0 - 2.0 * u + 0.5 * u * u - 0.1 * u * u * u;
    assert_true(fabs(out[i] - expected) < 1e-8);
  }
  /* Targets exactly on data points return the data. */
  assert_int_equal(ampsim_dsp_resample(out, 1, t[3], 0.0, t, y, 7), 0);
  assert_true(fabs(out[0] - y[3]) < 1e-12);
}

/* The cubic uses the two points either side of the target: with a single
 * non-zero point y[5], targets up to t[3] see only zeros, targets in
 * (t[3], t[4]) see it, and at the end the nearest 4 points (4..7) are used. */
static void resample_uses_two_points_each_side(void **state)
{
  const double t[8] = {0.0, 1.0, 2.1, 3.0, 4.2, 5.0, 6.0, 7.3};
  const double y[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0};
  double out[74];
  size_t j;

  (void)state;
  assert_int_equal(ampsim_dsp_resample(out, 74, 0.0, 0.1, t, y, 8), 0);
  for (j = 0; j <= 30; j++)
    assert_true(out[j] == 0.0); /* t <= 3.0 */
  for (j = 31; j < 42; j++)
    assert_true(out[j] != 0.0); /* 3.0 < t < 4.2: stencil 2..5 */
  for (j = 61; j < 74; j++)
    assert_true(out[j] != 0.0); /* t > 6: stencil 4..7 at the end */
  assert_true(fabs(out[50] - 1.0) < 1e-12); /* t = 5.0 */
}

static void resample_rejects_bad_arguments(void **state)
{
  double t[5] = {0.0, 1.0, 2.0, 3.0, 4.0};
  double y[5] = {0.0, 1.0, 4.0, 9.0, 16.0};
  double bad_t[5] = {0.0, 1.0, 1.0, 3.0, 4.0};
  double out[10];

  (void)state;
  /* Target past either end. */
  assert_int_equal(ampsim_dsp_resample(out, 10, -0.5, 0.5, t, y, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_resample(out, 10, 0.0, 0.5, t, y, 5),
                   AMPSIM_EINVAL); /* last target at 4.5 */
  /* Fewer than 4 points. */
  assert_int_equal(ampsim_dsp_resample(out, 2, 0.0, 0.5, t, y, 3),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_resample(out, 2, 0.0, 0.5, bad_t, y, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_resample(NULL, 2, 0.0, 0.5, t, y, 5),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_resample(out, 2, 0.0, NAN, t, y, 5),
                   AMPSIM_EINVAL);
  /* Exactly the span, and a hair (1e-12 of it) beyond it, are accepted. */
  assert_int_equal(ampsim_dsp_resample(out, 9, 0.0, 0.5, t, y, 5), 0);
  assert_true(fabs(out[8] - 16.0) < 1e-12);
  assert_int_equal(ampsim_dsp_resample(out, 9, -4e-12, 0.5 + 1e-12, t, y, 5),
                   0);
}

/* ------------------------------------------------------------------------ */
/* Noise integration                                                         */
/* ------------------------------------------------------------------------ */

/* Log-spaced frequencies as ngspice's `.noise dec` gives them. */
static double *log_grid(size_t *n_out, double from_hz, double to_hz,
                        size_t per_decade)
{
  double decades = log10(to_hz / from_hz);
  size_t n = (size_t)(decades * (double)per_decade + 0.5) + 1;
  double *f = malloc(sizeof *f * n);
  size_t i;

  assert_non_null(f);
  for (i = 0; i < n; i++)
    f[i] = from_hz * pow(10.0, decades * (double)i / (double)(n - 1));
  f[n - 1] = to_hz;
  *n_out = n;
  return f;
}

/* White density e gives e sqrt(hi - lo), whatever the grid and band edges. */
static void noise_white_density_gives_e_sqrt_bandwidth(void **state)
{
  const double e_v = 4e-9;
  size_t n, i;
  double *f = log_grid(&n, 10.0, 1e5, 10);
  double *d = malloc(sizeof *d * n);
  double vrms = 0.0;

  (void)state;
  assert_non_null(d);
  for (i = 0; i < n; i++)
    d[i] = e_v;
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, n, 20.0, 20000.0), 0);
  assert_true(fabs(vrms / (e_v * sqrt(19980.0)) - 1.0) < 1e-9);
  /* The whole data range. */
  assert_int_equal(ampsim_dsp_noise_integrate(&vrms, NULL, f, d, n, 10.0, 1e5),
                   0);
  assert_true(fabs(vrms / (e_v * sqrt(1e5 - 10.0)) - 1.0) < 1e-9);
  /* Both edges inside one segment. */
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, n, 1001.0, 1002.0), 0);
  assert_true(fabs(vrms / e_v - 1.0) < 1e-9);
  free(f);
  free(d);
}

/* 1/f power S0 f0 / f gives sqrt(S0 f0 ln(hi/lo)), with edges off the grid. */
static void noise_one_over_f_gives_log_band_ratio(void **state)
{
  const double s0 = 1e-16, f0_hz = 1000.0;
  size_t n, i;
  double *f = log_grid(&n, 1.0, 1e6, 7);
  double *d = malloc(sizeof *d * n);
  double vrms = 0.0, expected;

  (void)state;
  assert_non_null(d);
  for (i = 0; i < n; i++)
    d[i] = sqrt(s0 * f0_hz / f[i]);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, n, 20.0, 20000.0), 0);
  expected = sqrt(s0 * f0_hz * log(20000.0 / 20.0));
  assert_true(fabs(vrms / expected - 1.0) < 1e-9);

  /* Other power laws are exact too: S ~ f^2 (a = 2). */
  for (i = 0; i < n; i++)
    d[i] = 1e-9 * f[i] / f0_hz;
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, n, 20.0, 20000.0), 0);
  expected = sqrt(1e-18 / (f0_hz * f0_hz) * (pow(20000.0, 3) - pow(20.0, 3)) /
                  3.0);
  assert_true(fabs(vrms / expected - 1.0) < 1e-9);
  free(f);
  free(d);
}

/* Integral of |A(f)|^2 over [lo, hi] by a dense trapezoid, with the A-curve
 * written out here from the IEC formula (independent of the library). */
static double brute_force_a_weighted_bandwidth(double lo_hz, double hi_hz)
{
  const double f1 = 20.598997057618316, f2 = 107.65264864304629;
  const double f3 = 737.8622307362901, f4 = 12194.217147998012;
  const size_t steps = 1000000;
  const double h_hz = (hi_hz - lo_hz) / (double)steps;
  double sum = 0.0;
  size_t i;

  for (i = 0; i <= steps; i++) {
    double f = lo_hz + h_hz * (double)i;
    double ff = f * f;
    double r_a = f4 * f4 * ff * ff /
                 ((ff + f1 * f1) * sqrt((ff + f2 * f2) * (ff + f3 * f3)) *
                  (ff + f4 * f4));
    double g2 = r_a * r_a * pow(10.0, 2.0 / 10.0); /* A1000 = -2 dB */
    sum += (i == 0 || i == steps) ? 0.5 * g2 : g2;
  }
  return sum * h_hz;
}

/* A-weighted white noise, as from `.noise dec 50`, against the brute force
 * integral to 0.1 %. */
static void noise_a_weighted_white_matches_brute_force(void **state)
{
  const double e_v = 10e-9;
  size_t n, i;
  double *f = log_grid(&n, 10.0, 1e5, 50);
  double *d = malloc(sizeof *d * n);
  double vrms = 0.0, vrms_a = 0.0, expected_a;

  (void)state;
  assert_non_null(d);
  for (i = 0; i < n; i++)
    d[i] = e_v;
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, &vrms_a, f, d, n, 20.0, 20000.0), 0);
  expected_a = e_v * sqrt(brute_force_a_weighted_bandwidth(20.0, 20000.0));
  print_message("noise: A-weighted white off by %.3g (relative)\n",
                vrms_a / expected_a - 1.0);
  assert_true(fabs(vrms_a / expected_a - 1.0) < 1e-3);
  assert_true(fabs(vrms / (e_v * sqrt(19980.0)) - 1.0) < 1e-9);
  /* A-weighting takes off about 2 dB from white noise in 20 Hz..20 kHz. */
  assert_true(vrms_a < vrms);
  free(f);
  free(d);
}

/* Band edges inside the data split additively: [lo, mid] + [mid, hi] =
 * [lo, hi] in power, weighted or not, for a density that is no power law. */
static void noise_band_edges_inside_data_add_up(void **state)
{
  size_t n, i;
  double *f = log_grid(&n, 10.0, 1e5, 20);
  double *d = malloc(sizeof *d * n);
  double whole, whole_a, part1, part1_a, part2, part2_a;

  (void)state;
  assert_non_null(d);
  for (i = 0; i < n; i++)
    d[i] = 3e-9 * sqrt(1.0 + 200.0 / f[i]) * (1.0 + f[i] / 3e4);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&whole, &whole_a, f, d, n, 20.0, 20000.0), 0);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&part1, &part1_a, f, d, n, 20.0, 1234.5), 0);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&part2, &part2_a, f, d, n, 1234.5, 20000.0),
      0);
  assert_true(fabs((part1 * part1 + part2 * part2) / (whole * whole) - 1.0) <
              1e-12);
  assert_true(fabs((part1_a * part1_a + part2_a * part2_a) /
                       (whole_a * whole_a) -
                   1.0) < 1e-12);
  /* An empty band is 0, not an error. */
  assert_int_equal(
      ampsim_dsp_noise_integrate(&whole, &whole_a, f, d, n, 500.0, 500.0), 0);
  assert_true(whole == 0.0 && whole_a == 0.0);
  free(f);
  free(d);
}

/* Points of zero density fall back to the trapezoid (no power law through 0).
 * Power 0, 1, 1 at 10, 100, 1000 Hz: 0.5*90 + 900 = 945 V^2. */
static void noise_zero_density_uses_trapezoid(void **state)
{
  const double f[] = {10.0, 100.0, 1000.0};
  const double d[] = {0.0, 1.0, 1.0};
  double vrms = 0.0;

  (void)state;
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3, 10.0, 1000.0), 0);
  assert_true(fabs(vrms * vrms - 945.0) < 1e-9);
  /* Edge at 55 Hz interpolates linearly: power 0.5, so a trapezoid of
   * 0.5 and 1 over 45 Hz, then 900. */
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3, 55.0, 1000.0), 0);
  assert_true(fabs(vrms * vrms - (0.5 * (0.5 + 1.0) * 45.0 + 900.0)) < 1e-9);
}

static void noise_rejects_out_of_range(void **state)
{
  const double f[] = {10.0, 100.0, 1000.0};
  const double d[] = {1.0, 1.0, 1.0};
  const double bad_f[] = {10.0, 10.0, 1000.0};
  const double zero_f[] = {0.0, 100.0, 1000.0};
  const double bad_d[] = {1.0, -1.0, 1.0};
  double vrms = 0.0;

  (void)state;
  assert_int_equal(ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3, 5.0, 500.0),
                   AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3, 20.0, 2000.0),
      AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3, 500.0, 20.0),
      AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 1, 10.0, 10.0),
                   AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, bad_f, d, 3, 20.0, 500.0),
      AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, zero_f, d, 3, 20.0, 500.0),
      AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, f, bad_d, 3, 20.0, 500.0),
      AMPSIM_EINVAL);
  assert_int_equal(
      ampsim_dsp_noise_integrate(&vrms, NULL, NULL, d, 3, 20.0, 500.0),
      AMPSIM_EINVAL);
  /* Edges within 1e-9 relative of the data ends are accepted; both outputs
   * may be NULL. */
  assert_int_equal(ampsim_dsp_noise_integrate(&vrms, NULL, f, d, 3,
                                              10.0 * (1.0 - 1e-12),
                                              1000.0 * (1.0 + 1e-12)),
                   0);
  assert_true(fabs(vrms * vrms - 990.0) < 1e-6);
  assert_int_equal(
      ampsim_dsp_noise_integrate(NULL, NULL, f, d, 3, 20.0, 500.0), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(harmonics_1khz_tone_matches_set_levels),
    cmocka_unit_test(harmonics_20hz_tone_reaches_h1000),
    cmocka_unit_test(harmonics_15khz_tone_keeps_min_harmonic_above_band),
    cmocka_unit_test(harmonics_highest_stays_below_nyquist),
    cmocka_unit_test(harmonics_beyond_max_count_in_thdn_not_residue),
    cmocka_unit_test(thdn_counts_non_harmonic_tone_as_residue),
    cmocka_unit_test(thdn_full_band_equals_time_domain_residual),
    cmocka_unit_test(thdn_never_below_thd),
    cmocka_unit_test(pure_sine_thd_is_below_minus_250_db),
    cmocka_unit_test(harmonics_rejects_bad_arguments),
    cmocka_unit_test(db_floors_zero_and_nan_at_minus_400),
    cmocka_unit_test(a_weighting_matches_iec_check_values),
    cmocka_unit_test(a_weighting_gain_is_linear_db),
    cmocka_unit_test(resample_sine_on_random_grid_within_1e_9),
    cmocka_unit_test(resample_error_shrinks_16x_when_grid_halves),
    cmocka_unit_test(resample_reproduces_cubic_exactly),
    cmocka_unit_test(resample_uses_two_points_each_side),
    cmocka_unit_test(resample_rejects_bad_arguments),
    cmocka_unit_test(noise_white_density_gives_e_sqrt_bandwidth),
    cmocka_unit_test(noise_one_over_f_gives_log_band_ratio),
    cmocka_unit_test(noise_a_weighted_white_matches_brute_force),
    cmocka_unit_test(noise_band_edges_inside_data_add_up),
    cmocka_unit_test(noise_zero_density_uses_trapezoid),
    cmocka_unit_test(noise_rejects_out_of_range),
};

AMPSIM_TEST_MAIN(tests)
