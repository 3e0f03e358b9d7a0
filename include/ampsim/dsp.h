/*
 * ampsim/dsp.h - pure signal processing on vectors (no ngspice): resampling of
 * a transient onto a uniform grid, harmonic analysis (THD, THD+N, harmonic
 * levels), A-weighting and noise integration.
 *
 * Definitions follow docs/measurements.md (the project's measurement contract).
 * Everything here is deterministic and testable on synthetic signals.
 */
#ifndef AMPSIM_DSP_H
#define AMPSIM_DSP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Highest harmonic number that a harmonic analysis reports (20 Hz tone with
 * harmonics up to 20 kHz). */
#define AMPSIM_MAX_HARMONIC 1000

/*
 * Resample a non-uniformly sampled waveform (t[i], y[i]), i < len, with t
 * strictly increasing, onto n uniform points out[j] = y(t0 + j*dt) using local
 * cubic (4-point Lagrange) interpolation on the non-uniform grid (the two
 * neighbours on each side of the target; at the ends the nearest 4 points).
 * Every target time must lie within [t[0], t[len-1]] (a relative tolerance of
 * 1e-9 of the span is allowed at the ends). Requires len >= 4.
 * Returns 0, or AMPSIM_EINVAL (bad arguments, target outside the data).
 */
int ampsim_dsp_resample(double *out, size_t n, double t0, double dt,
                        const double *t, const double *y, size_t len);

/* Result of a harmonic analysis. Plain value; nothing to free. */
typedef struct ampsim_harmonics {
  double fundamental_hz; /* f0 */
  double dc;             /* mean of the record, volts */
  double v1_rms;         /* RMS of the fundamental, volts */
  double v1_phase_rad;   /* phase of the fundamental (cosine reference) */
  int highest_harmonic;  /* H: highest harmonic included in THD */
  double thd;            /* sqrt(sum_{k=2..H} Vk^2) / V1, ratio */
  double thd_db;         /* 20 log10(thd); -INFINITY-safe: floored at -400 */
  double thd_pct;        /* 100 * thd */
  double thdn;           /* RMS of all in-band content but DC and the
                            fundamental, over V1 (>= thd by construction) */
  double thdn_db;
  /* Non-harmonic in-band content (THD+N's bins that are not harmonics of f0)
   * over V1, in dB; -400 when the record has one period (no such bins). */
  double residue_db;
  /* Complex amplitude (RMS magnitude, cosine reference) of harmonic k in
   * [k], k = 1..highest_harmonic; [0] unused. harmonic_dbc is
   * 20 log10(|Vk|/V1) (floored at -400). */
  double harmonic_re[AMPSIM_MAX_HARMONIC + 1];
  double harmonic_im[AMPSIM_MAX_HARMONIC + 1];
  double harmonic_dbc[AMPSIM_MAX_HARMONIC + 1];
} ampsim_harmonics;

/*
 * Harmonic analysis of a uniformly sampled record x[0..n-1] that spans exactly
 * `periods` periods of the fundamental f0 = periods * fs_hz / n (so the
 * fundamental falls on DFT bin `periods`). Rectangular window, real FFT
 * (FFTW). H is the highest harmonic whose frequency is <= band_hi_hz, but at
 * least min_harmonic (the doc asks for H >= 5 for tones above 4 kHz) and at
 * most AMPSIM_MAX_HARMONIC and below the Nyquist bin. THD+N counts every bin
 * whose frequency lies in [band_lo_hz, band_hi_hz] except DC and the
 * fundamental, plus the harmonics counted by THD that lie outside the band
 * (above band_hi_hz, or below band_lo_hz for a very low tone), so THD+N >=
 * THD always.
 * Returns 0, AMPSIM_EINVAL (n too small, periods == 0, fundamental at or above
 * Nyquist, V1 == 0), or AMPSIM_ENOMEM.
 */
int ampsim_dsp_harmonics(ampsim_harmonics *out, const double *x, size_t n,
                         size_t periods, double fs_hz, double band_lo_hz,
                         double band_hi_hz, int min_harmonic);

/* 20 log10 of a ratio, floored at -400 dB for 0 (never -inf or NaN). */
double ampsim_dsp_db(double ratio);

/* IEC 61672-1 A-weighting in dB with the exact poles of docs/measurements.md,
 * normalised to 0 dB at 1 kHz (A1000 = -2.000 dB as the doc gives). */
double ampsim_dsp_a_weight_db(double f_hz);

/* The same as a linear amplitude factor: 10^(A(f)/20). */
double ampsim_dsp_a_weight_gain(double f_hz);

/*
 * Integrate a noise amplitude density (V/sqrt(Hz)) given at increasing
 * frequencies f[0..n-1] over [lo_hz, hi_hz] (which must lie within
 * [f[0], f[n-1]] to a relative 1e-9): between points the power density is
 * taken as a power law in f (straight on log-log axes; exact for white and
 * 1/f noise), the band edges are interpolated the same way. Writes the RMS
 * voltage, unweighted to *vrms and A-weighted (power density times
 * a_weight_gain^2 at each point, integrated the same way) to *vrms_a; either
 * pointer may be NULL. Returns 0 or AMPSIM_EINVAL.
 */
int ampsim_dsp_noise_integrate(double *vrms, double *vrms_a, const double *f,
                               const double *density, size_t n, double lo_hz,
                               double hi_hz);

/*
 * The RMS amplitude of DFT bins 0..n_bins-1 of a real record x[0..n-1]
 * (rectangular window, real FFT): rms[0] = |mean|, rms[k] = sqrt(2) |X_k| / n
 * for 0 < k < n/2, and |X_k| / n for the Nyquist bin k = n/2 (n even): a
 * cosine of amplitude a on a bin 0 < k < n/2 gives a / sqrt(2), and the
 * squares of all n/2 + 1 bins sum to the record's mean square (Parseval). A record
 * spanning P periods of a common frequency fc puts k * fc on bin k * P.
 * rms[] is the caller's, n_bins entries; requires n >= 2 and
 * 1 <= n_bins <= n/2 + 1. Returns 0, AMPSIM_EINVAL or AMPSIM_ENOMEM.
 */
int ampsim_dsp_spectrum(double *rms, size_t n_bins, const double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif
