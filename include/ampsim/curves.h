/*
 * ampsim/curves.h - figures as curves, the way audio analysers show them:
 * THD and THD+N against output power, THD against frequency, output
 * impedance, crosstalk and noise density against frequency, the spectrum
 * of the load voltage at a level, the loop gain of a stage's feedback loop,
 * small-signal step responses into capacitive loads and the spectrum of an
 * intermodulation test. Every point is simulated; the points of a
 * THD curve are computed exactly as ampsim_measure() computes a THD figure
 * (same task, same convergence check), so a curve's point equals a single
 * measurement at the same settings. Points run in parallel worker processes.
 */
#ifndef AMPSIM_CURVES_H
#define AMPSIM_CURVES_H

#include <stddef.h>

#include "ampsim/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most points of one curve (a loop-gain sweep has 321, the SMPTE spectrum
 * 701), and most points a THD curve may ask for (options.points). */
#define AMPSIM_MAX_CURVE 1024
#define AMPSIM_MAX_CURVE_POINTS 256

typedef enum ampsim_curve_kind {
  AMPSIM_CURVE_THD_VS_POWER = 0, /* x: output power (W), y: THD %, y2: THD+N % */
  AMPSIM_CURVE_THD_VS_FREQ,      /* x: frequency (Hz), y: THD %, y2: THD+N % */
  AMPSIM_CURVE_ZOUT,             /* x: frequency (Hz), y: |Zout| (ohm), y2: phase (deg) */
  AMPSIM_CURVE_CROSSTALK,        /* x: frequency (Hz), y: crosstalk (dB; NAN below floor) */
  AMPSIM_CURVE_NOISE,            /* x: frequency (Hz), y: output noise density (V/rtHz) */
  AMPSIM_CURVE_SPECTRUM,         /* x: frequency (Hz), y: level of each harmonic (dBV) */
  /* The kinds below come as sets (ampsim_curve_measure_set()): */
  AMPSIM_CURVE_LOOP_GAIN,        /* x: frequency (Hz), y: |T| (dB), y2: arg T (deg),
                                    unwrapped from 0 at low frequency; one
                                    curve per BTL half and capacitive load */
  AMPSIM_CURVE_STEP,             /* x: time after the step (s), y: load voltage
                                    (% of the final step: 100 = settled,
                                    max - 100 = overshoot); one curve per
                                    capacitive load */
  AMPSIM_CURVE_IMD_SPECTRUM,     /* x: frequency (Hz), y: load voltage per DFT
                                    bin (dBV; NAN below the numerical floor),
                                    y2: the same at the products the IMD figure
                                    counts, NAN elsewhere; one curve per test */
  AMPSIM_CURVE_COUNT
} ampsim_curve_kind;

/* A measured curve. Plain value (large: allocate it). */
typedef struct ampsim_curve {
  ampsim_curve_kind kind;
  char x_label[64], x_unit[16];
  char y_label[64], y_unit[16];
  char y2_label[64], y2_unit[16]; /* "" when there is no second series */
  int x_log, y_log;               /* suggested axis scales */
  size_t n;
  double x[AMPSIM_MAX_CURVE];
  double y[AMPSIM_MAX_CURVE];
  double y2[AMPSIM_MAX_CURVE];
  char note[256];                 /* how the points were chosen */
  char series[64];                /* which member of a set ("+ half, C = 10 nF",
                                     "C = 0", "SMPTE"); "" for a lone curve */
} ampsim_curve;

/* Most curves one set holds: two BTL halves times (AMPSIM_MAX_CAPS + 1). */
#define AMPSIM_MAX_CURVE_SET (2 * (AMPSIM_MAX_CAPS + 1))

typedef struct ampsim_curve_options {
  size_t points;     /* THD curves: number of levels / frequencies */
  double freq_hz;    /* THD vs power and spectrum: the tone */
  double vout_rms;   /* THD vs frequency and spectrum: the level */
} ampsim_curve_options;

#define AMPSIM_CURVE_OPTIONS_INIT { 20, 1000.0, 1.0 }

/* "thd-power", "thd-freq", "zout", "crosstalk", "noise", "spectrum",
 * "loop-gain", "step", "imd-spectrum". */
const char *ampsim_curve_kind_name(ampsim_curve_kind kind);
/* Parse a name above; 0 or AMPSIM_EINVAL. */
int ampsim_curve_kind_parse(ampsim_curve_kind *out, const char *name);

/*
 * Measure one curve of a stage in the bench of `options` (its bench, jobs,
 * timeout and THD tolerance are used). THD vs power spans from 40 dB below
 * the 1 % THD level up to 1.2 times it (or the rail limit when 1 % is never
 * reached), evenly on a log scale; THD vs frequency spans 20 Hz to 20 kHz.
 * Returns 0 or an error as ampsim_measure().
 */
int ampsim_curve_measure(ampsim_curve *out, const ampsim_stage *stage,
                         const ampsim_measure_options *options, ampsim_curve_kind kind,
                         const ampsim_curve_options *curve_options);

/*
 * Measure the set of curves of a kind into out[0..*n) (at most max; the
 * caller allocates them, AMPSIM_MAX_CURVE_SET is always enough). Each curve
 * names its member in `series`. A kind that is not a set gives one curve,
 * exactly as ampsim_curve_measure(), which for a set kind gives the first
 * member. The members:
 *   loop-gain: per BTL half (one for SE) and per capacitance of
 *     options->caps_f (none: the stage as it is, no capacitance), the loop
 *     gain T at the stage's Vloop probe, measured as the stability figure
 *     is (docs/stability.md; the same sweep, so its 0 dB crossing is the
 *     reported crossover); AMPSIM_ENOTFOUND when the stage marks no Vloop.
 *   step: per capacitance of options->caps_f (none: one curve at C = 0), the
 *     small-signal step response of the capacitive-load check, resampled
 *     evenly from just before the step to past its settling.
 *   imd-spectrum: per test of options->imd_tests (none: both), the spectrum
 *     of the load voltage of the intermodulation measurement at
 *     curve_options->vout_rms, every DFT bin from the record's frequency
 *     resolution up to twice the upper tone.
 * Returns 0 or an error as ampsim_measure(); AMPSIM_ERANGE when max is too
 * small for the set.
 */
int ampsim_curve_measure_set(ampsim_curve *out, size_t max, size_t *n,
                             const ampsim_stage *stage, const ampsim_measure_options *options,
                             ampsim_curve_kind kind, const ampsim_curve_options *curve_options);

#ifdef __cplusplus
}
#endif
#endif
