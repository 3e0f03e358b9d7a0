/*
 * ampsim/curves.h - figures as curves, the way audio analysers show them:
 * THD and THD+N against output power, THD against frequency, output
 * impedance, crosstalk and noise density against frequency, and the spectrum
 * of the load voltage at a level. Every point is simulated; the points of a
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

#define AMPSIM_MAX_CURVE 256

typedef enum ampsim_curve_kind {
  AMPSIM_CURVE_THD_VS_POWER = 0, /* x: output power (W), y: THD %, y2: THD+N % */
  AMPSIM_CURVE_THD_VS_FREQ,      /* x: frequency (Hz), y: THD %, y2: THD+N % */
  AMPSIM_CURVE_ZOUT,             /* x: frequency (Hz), y: |Zout| (ohm), y2: phase (deg) */
  AMPSIM_CURVE_CROSSTALK,        /* x: frequency (Hz), y: crosstalk (dB; NAN below floor) */
  AMPSIM_CURVE_NOISE,            /* x: frequency (Hz), y: output noise density (V/rtHz) */
  AMPSIM_CURVE_SPECTRUM,         /* x: frequency (Hz), y: level of each harmonic (dBV) */
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
} ampsim_curve;

typedef struct ampsim_curve_options {
  size_t points;     /* THD curves: number of levels / frequencies */
  double freq_hz;    /* THD vs power and spectrum: the tone */
  double vout_rms;   /* THD vs frequency and spectrum: the level */
} ampsim_curve_options;

#define AMPSIM_CURVE_OPTIONS_INIT { 20, 1000.0, 1.0 }

/* "thd-power", "thd-freq", "zout", "crosstalk", "noise", "spectrum". */
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

#ifdef __cplusplus
}
#endif
#endif
