/*
 * dsp.c - pure signal processing on vectors (see include/ampsim/dsp.h and
 * docs/measurements.md): resampling of a transient onto a uniform grid,
 * harmonic analysis with a real FFT (FFTW), A-weighting and noise integration.
 *
 * Nothing here talks to ngspice; every function is deterministic and is tested
 * on synthetic signals in tests/unit/test_dsp.c.
 */
#include "ampsim/dsp.h"
#include "ampsim/error.h"

#include <fftw3.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The floor of every figure in dB: a ratio of exactly 0 must stay a number
 * that JSON and comparisons can carry. */
#define DSP_DB_FLOOR (-400.0)

/* Relative slack allowed when a target time or band edge sits on the end of
 * the data: the caller computes those ends with its own rounding. */
#define DSP_EDGE_REL_TOL 1e-9

/* ------------------------------------------------------------------------ */
/* dB                                                                        */
/* ------------------------------------------------------------------------ */

double ampsim_dsp_db(double ratio)
{
  double db;

  /* The negated test also catches NaN, which must not leak into a report. */
  if (!(ratio > 0.0))
    return DSP_DB_FLOOR;
  db = 20.0 * log10(ratio);
  return db < DSP_DB_FLOOR ? DSP_DB_FLOOR : db;
}

/* ------------------------------------------------------------------------ */
/* Resampling                                                                */
/* ------------------------------------------------------------------------ */

/* Index i of the interval [t[i], t[i+1]] holding time_s, with i clamped to
 * 0..len-2 so that a target on (or a hair outside) either end still finds the
 * end interval. t is strictly increasing and len >= 2. */
static size_t find_interval(const double *t, size_t len, double time_s)
{
  size_t lo = 0;
  size_t hi = len - 1;

  /* Invariant: t[lo] <= time_s < t[hi], or time_s is outside and the loop
   * shrinks towards the matching end. */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid] <= time_s)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* Value at time_s of the cubic through the 4 points starting at index first.
 * Differences are taken relative to time_s so that large absolute times (a
 * transient that skipped settling periods) lose no precision. */
static double lagrange4(const double *t, const double *y, size_t first,
                        double time_s)
{
  double sum = 0.0;
  size_t j, m;

  for (j = first; j < first + 4; j++) {
    double weight = 1.0;
    for (m = first; m < first + 4; m++) {
      if (m != j)
        weight *= (time_s - t[m]) / (t[j] - t[m]);
    }
    sum += weight * y[j];
  }
  return sum;
}

int ampsim_dsp_resample(double *out, size_t n, double t0, double dt,
                        const double *t, const double *y, size_t len)
{
  double span_s, tol_s;
  size_t i, j;

  if (t == NULL || y == NULL || (out == NULL && n > 0))
    return ampsim_error_set(AMPSIM_EINVAL, "resample: NULL argument");
  if (len < 4)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "resample: need at least 4 points, got %zu", len);
  if (!isfinite(t0) || !isfinite(dt))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "resample: t0 and dt must be finite");
  /* The interpolation divides by differences of neighbouring times: a repeated
   * or decreasing time (or a NaN, which fails the comparison) would give
   * garbage instead of an error. */
  for (i = 0; i + 1 < len; i++) {
    if (!(t[i + 1] > t[i]))
      return ampsim_error_set(
          AMPSIM_EINVAL, "resample: time not strictly increasing at index %zu",
          i + 1);
  }

  span_s = t[len - 1] - t[0];
  tol_s = DSP_EDGE_REL_TOL * span_s;
  for (j = 0; j < n; j++) {
    double time_s = t0 + (double)j * dt;
    size_t interval, first;

    if (time_s < t[0] - tol_s || time_s > t[len - 1] + tol_s)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "resample: target %zu at t = %.17g s is outside "
                              "the data [%.17g, %.17g] s",
                              j, time_s, t[0], t[len - 1]);
    interval = find_interval(t, len, time_s);
    /* Two points either side of the target; at the ends the nearest 4. */
    first = interval > 0 ? interval - 1 : 0;
    if (first > len - 4)
      first = len - 4;
    out[j] = lagrange4(t, y, first, time_s);
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Harmonic analysis                                                         */
/* ------------------------------------------------------------------------ */

/* Mean-square contribution of rFFT bin `bin` of an n-point record to the
 * record's power (Parseval). A bin other than DC and Nyquist stands for a
 * pair of conjugate bins, hence the factor 2. */
static double bin_power(fftw_complex *spectrum, size_t bin, size_t n)
{
  double mag2 = spectrum[bin][0] * spectrum[bin][0] +
                spectrum[bin][1] * spectrum[bin][1];
  double nn = (double)n * (double)n;

  if (bin == 0 || 2 * bin == n)
    return mag2 / nn;
  return 2.0 * mag2 / nn;
}

int ampsim_dsp_harmonics(ampsim_harmonics *out, const double *x, size_t n,
                         size_t periods, double fs_hz, double band_lo_hz,
                         double band_hi_hz, int min_harmonic)
{
  double *record = NULL;
  fftw_complex *spectrum = NULL;
  fftw_plan plan = NULL;
  double bin_hz, f0_hz, slack_hz, scale, v1_rms, h_band, total_ms;
  double harmonic_power = 0.0, other_power = 0.0, residue_power = 0.0;
  size_t nbins, bin, h_nyquist;
  int h, k, rc = 0;

  if (out == NULL || x == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "harmonics: NULL argument");
  if (periods == 0)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "harmonics: the record must span >= 1 period");
  if (n < 3 || n > (size_t)INT_MAX)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "harmonics: record length %zu out of range", n);
  if (!(fs_hz > 0.0) || !isfinite(fs_hz))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "harmonics: sample rate %g Hz is invalid", fs_hz);
  if (!(band_lo_hz >= 0.0) || !(band_hi_hz >= band_lo_hz) ||
      !isfinite(band_hi_hz))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "harmonics: band [%g, %g] Hz is invalid",
                            band_lo_hz, band_hi_hz);
  /* Harmonic k sits on bin k*periods; it is usable while strictly below the
   * Nyquist bin n/2, i.e. k <= (n-1)/(2 periods), computed as two divisions
   * so that a huge `periods` cannot overflow. */
  h_nyquist = (n - 1) / 2 / periods;
  if (h_nyquist < 1)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "harmonics: %zu periods in %zu samples put the "
                            "fundamental at or above Nyquist",
                            periods, n);

  bin_hz = fs_hz / (double)n;
  f0_hz = (double)periods * bin_hz;
  /* Bin frequencies are exact multiples of bin_hz; a band edge computed by
   * the caller (20 kHz for a 20 Hz tone) must not lose its bin to rounding. */
  slack_hz = 1e-6 * bin_hz;

  h_band = floor((band_hi_hz + slack_hz) / f0_hz);
  h = h_band > (double)AMPSIM_MAX_HARMONIC ? AMPSIM_MAX_HARMONIC : (int)h_band;
  if (h < min_harmonic)
    h = min_harmonic;
  if (h > AMPSIM_MAX_HARMONIC)
    h = AMPSIM_MAX_HARMONIC;
  if ((size_t)h > h_nyquist)
    h = (int)h_nyquist;
  if (h < 1)
    h = 1;

  nbins = n / 2 + 1;
  record = fftw_malloc(sizeof *record * n);
  spectrum = fftw_malloc(sizeof *spectrum * nbins);
  if (record == NULL || spectrum == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "harmonics: out of memory for %zu "
                                         "samples", n);
    goto done;
  }
  /* FFTW_ESTIMATE plans without touching the arrays, but the input must be
   * writable (and aligned for SIMD), so the record is copied in. Note that
   * FFTW's planner is not thread-safe: this module expects one thread. */
  plan = fftw_plan_dft_r2c_1d((int)n, record, spectrum, FFTW_ESTIMATE);
  if (plan == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "harmonics: FFTW could not plan a "
                                         "%zu-point transform", n);
    goto done;
  }
  memcpy(record, x, sizeof *record * n);
  fftw_execute(plan);

  /* Total mean square, only to judge whether V1 is above rounding. */
  total_ms = 0.0;
  for (bin = 0; bin < nbins; bin++)
    total_ms += bin_power(spectrum, bin, n);

  /* x = A cos(w t + phi) puts (A n / 2) e^{i phi} in its bin (FFTW's forward
   * sign is e^{-i...}), so sqrt(2) X / n is the RMS complex amplitude with the
   * cosine reference. */
  scale = sqrt(2.0) / (double)n;
  v1_rms = scale * hypot(spectrum[periods][0], spectrum[periods][1]);
  /* An FFT of a signal without the fundamental leaves rounding (about 1e-16
   * of the record's RMS) in the bin, not an exact 0: such a V1 is "zero". */
  if (!(v1_rms > 64.0 * DBL_EPSILON * sqrt(total_ms)) ||
      !isfinite(v1_rms) || !isfinite(total_ms)) {
    rc = ampsim_error_set(AMPSIM_EINVAL,
                          "harmonics: no fundamental in the record (V1 = %g V "
                          "at %g Hz)",
                          v1_rms, f0_hz);
    goto done;
  }

  memset(out, 0, sizeof *out);
  out->fundamental_hz = f0_hz;
  out->dc = spectrum[0][0] / (double)n;
  out->v1_rms = v1_rms;
  out->v1_phase_rad = atan2(spectrum[periods][1], spectrum[periods][0]);
  out->highest_harmonic = h;
  /* Entries beyond H were not measured: -400 says "nothing" where 0 dBc
   * would claim a harmonic as large as the fundamental. */
  out->harmonic_dbc[0] = DSP_DB_FLOOR;
  for (k = h + 1; k <= AMPSIM_MAX_HARMONIC; k++)
    out->harmonic_dbc[k] = DSP_DB_FLOOR;
  for (k = 1; k <= h; k++) {
    size_t hb = (size_t)k * periods;
    out->harmonic_re[k] = scale * spectrum[hb][0];
    out->harmonic_im[k] = scale * spectrum[hb][1];
    out->harmonic_dbc[k] = ampsim_dsp_db(
        hypot(out->harmonic_re[k], out->harmonic_im[k]) / v1_rms);
    if (k >= 2)
      harmonic_power += bin_power(spectrum, hb, n);
  }

  /* THD+N = every THD harmonic (in band or not) plus the remaining in-band
   * bins. Accumulating THD's power first and adding only non-negative terms
   * makes THD+N >= THD hold exactly in floating point, not just in theory. */
  for (bin = 1; bin < nbins; bin++) {
    double f_hz = (double)bin * bin_hz;
    int in_band =
        f_hz >= band_lo_hz - slack_hz && f_hz <= band_hi_hz + slack_hz;
    int is_thd_harmonic = bin % periods == 0 && bin / periods >= 2 &&
                          bin / periods <= (size_t)h;

    if (!in_band || bin == periods || is_thd_harmonic)
      continue;
    other_power += bin_power(spectrum, bin, n);
    if (bin % periods != 0)
      residue_power += bin_power(spectrum, bin, n);
  }

  out->thd = sqrt(harmonic_power) / v1_rms;
  out->thd_db = ampsim_dsp_db(out->thd);
  out->thd_pct = 100.0 * out->thd;
  out->thdn = sqrt(harmonic_power + other_power) / v1_rms;
  out->thdn_db = ampsim_dsp_db(out->thdn);
  out->residue_db = ampsim_dsp_db(sqrt(residue_power) / v1_rms);

done:
  if (plan != NULL)
    fftw_destroy_plan(plan);
  fftw_free(spectrum);
  fftw_free(record);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* A-weighting                                                               */
/* ------------------------------------------------------------------------ */

/* IEC 61672-1 poles, exact values (docs/measurements.md). */
static const double A_F1_HZ = 20.598997057618316;
static const double A_F2_HZ = 107.65264864304629;
static const double A_F3_HZ = 737.8622307362901;
static const double A_F4_HZ = 12194.217147998012;
/* A1000 = -2.000 dB: 20 log10 R_A(1 kHz), fixed by the standard. */
static const double A_1000_DB = -2.0;

double ampsim_dsp_a_weight_gain(double f_hz)
{
  double f2 = f_hz * f_hz;
  double r_a = A_F4_HZ * A_F4_HZ * f2 * f2 /
               ((f2 + A_F1_HZ * A_F1_HZ) *
                sqrt((f2 + A_F2_HZ * A_F2_HZ) * (f2 + A_F3_HZ * A_F3_HZ)) *
                (f2 + A_F4_HZ * A_F4_HZ));

  /* Dividing by 10^(A1000/20) is adding 2 dB; done in the linear domain so
   * that f = 0 gives a gain of exactly 0. */
  return r_a * pow(10.0, -A_1000_DB / 20.0);
}

double ampsim_dsp_a_weight_db(double f_hz)
{
  return ampsim_dsp_db(ampsim_dsp_a_weight_gain(f_hz));
}

/* ------------------------------------------------------------------------ */
/* Noise integration                                                         */
/* ------------------------------------------------------------------------ */

/* Power density (V^2/Hz) at point i, A-weighted or not. */
static double point_power(const double *f, const double *density, size_t i,
                          int a_weighted)
{
  double s = density[i] * density[i];

  if (a_weighted) {
    double g = ampsim_dsp_a_weight_gain(f[i]);
    s *= g * g;
  }
  return s;
}

/*
 * Integral over [from, to] (a part of the segment [f1, f2]) of the segment's
 * power density: the power law s1 (f/f1)^a through both end points, or the
 * straight line where an end is 0 (no power law passes through 0). The model
 * is fixed by the segment's own end points, so cutting a segment at a band
 * edge integrates the same curve: [lo, mid] + [mid, hi] is exactly [lo, hi].
 *
 * For the power law, with b = a + 1 and S(from) = s1 (from/f1)^a, the integral
 * is S(from) from / b ((to/from)^b - 1), written with expm1 so that b near 0
 * (1/f noise, whose limit is S(from) from ln(to/from)) loses nothing.
 */
static double segment_power(double f1_hz, double s1, double f2_hz, double s2,
                            double from_hz, double to_hz)
{
  double a, b, log_ratio, bl, s_from;

  if (!(to_hz > from_hz))
    return 0.0;
  if (s1 <= 0.0 || s2 <= 0.0) {
    double slope = (s2 - s1) / (f2_hz - f1_hz);
    double s_lo = s1 + slope * (from_hz - f1_hz);
    double s_hi = s1 + slope * (to_hz - f1_hz);
    return 0.5 * (s_lo + s_hi) * (to_hz - from_hz);
  }
  a = log(s2 / s1) / log(f2_hz / f1_hz);
  b = a + 1.0;
  s_from = from_hz == f1_hz ? s1 : s1 * exp(a * log(from_hz / f1_hz));
  log_ratio = log(to_hz / from_hz);
  bl = b * log_ratio;
  if (fabs(bl) < 1e-12)
    return s_from * from_hz * log_ratio * (1.0 + 0.5 * bl);
  return s_from * from_hz * expm1(bl) / b;
}

/* Integrated power over [lo, hi], both already clamped into [f[0], f[n-1]]
 * and lo < hi. */
static double integrate_power(const double *f, const double *density, size_t n,
                              double lo_hz, double hi_hz, int a_weighted)
{
  size_t i;
  double total = 0.0;

  for (i = find_interval(f, n, lo_hz); i + 1 < n && f[i] < hi_hz; i++) {
    double from_hz = f[i] > lo_hz ? f[i] : lo_hz;
    double to_hz = f[i + 1] < hi_hz ? f[i + 1] : hi_hz;

    total += segment_power(f[i], point_power(f, density, i, a_weighted),
                           f[i + 1], point_power(f, density, i + 1, a_weighted),
                           from_hz, to_hz);
  }
  return total;
}

int ampsim_dsp_noise_integrate(double *vrms, double *vrms_a, const double *f,
                               const double *density, size_t n, double lo_hz,
                               double hi_hz)
{
  size_t i;

  if (f == NULL || density == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "noise: NULL argument");
  if (n < 2)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "noise: need at least 2 points, got %zu", n);
  /* A power law is straight on log-log axes: frequencies must be positive
   * and increasing, densities non-negative. */
  if (!(f[0] > 0.0))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "noise: first frequency %g Hz is not positive",
                            f[0]);
  for (i = 0; i < n; i++) {
    if (i + 1 < n && !(f[i + 1] > f[i]))
      return ampsim_error_set(
          AMPSIM_EINVAL,
          "noise: frequency not strictly increasing at index %zu", i + 1);
    if (!(density[i] >= 0.0) || !isfinite(density[i]) || !isfinite(f[i]))
      return ampsim_error_set(AMPSIM_EINVAL,
                              "noise: invalid density %g at %g Hz (index %zu)",
                              density[i], f[i], i);
  }
  if (!(lo_hz <= hi_hz) || lo_hz < f[0] * (1.0 - DSP_EDGE_REL_TOL) ||
      hi_hz > f[n - 1] * (1.0 + DSP_EDGE_REL_TOL))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "noise: band [%g, %g] Hz is not within the data "
                            "[%g, %g] Hz",
                            lo_hz, hi_hz, f[0], f[n - 1]);
  if (lo_hz < f[0])
    lo_hz = f[0];
  if (hi_hz > f[n - 1])
    hi_hz = f[n - 1];

  if (vrms != NULL)
    *vrms = lo_hz < hi_hz
                ? sqrt(integrate_power(f, density, n, lo_hz, hi_hz, 0))
                : 0.0;
  if (vrms_a != NULL)
    *vrms_a = lo_hz < hi_hz
                  ? sqrt(integrate_power(f, density, n, lo_hz, hi_hz, 1))
                  : 0.0;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Spectrum                                                                  */
/* ------------------------------------------------------------------------ */

int ampsim_dsp_spectrum(double *rms, size_t n_bins, const double *x, size_t n)
{
  double *record = NULL;
  fftw_complex *spectrum = NULL;
  fftw_plan plan = NULL;
  size_t bin;
  int rc = 0;

  if (rms == NULL || x == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "spectrum: NULL argument");
  if (n < 2 || n > (size_t)INT_MAX)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "spectrum: record length %zu out of range", n);
  if (n_bins < 1 || n_bins > n / 2 + 1)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "spectrum: %zu bins asked of a %zu-point record "
                            "(1 to %zu)",
                            n_bins, n, n / 2 + 1);
  record = fftw_malloc(sizeof *record * n);
  spectrum = fftw_malloc(sizeof *spectrum * (n / 2 + 1));
  if (record == NULL || spectrum == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "spectrum: out of memory for %zu "
                                         "samples", n);
    goto done;
  }
  plan = fftw_plan_dft_r2c_1d((int)n, record, spectrum, FFTW_ESTIMATE);
  if (plan == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "spectrum: FFTW could not plan a "
                                         "%zu-point transform", n);
    goto done;
  }
  memcpy(record, x, sizeof *record * n);
  fftw_execute(plan);
  /* bin_power() is the bin's share of the mean square, so its root is the
   * RMS amplitude whatever the bin (DC and Nyquist have no conjugate twin). */
  for (bin = 0; bin < n_bins; bin++)
    rms[bin] = sqrt(bin_power(spectrum, bin, n));

done:
  if (plan != NULL)
    fftw_destroy_plan(plan);
  fftw_free(spectrum);
  fftw_free(record);
  return rc;
}
