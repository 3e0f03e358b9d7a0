/*
 * measure_internal.h - what the measurement modules share (internal):
 * measure.c (orchestration, THD, noise, Zout, crosstalk, power, curves),
 * stability.c (loop gain, capacitive loads), imd.c (intermodulation,
 * clipping). Every analysis is a task computed in a worker process with its
 * own engine; a task's result is a plain struct sent back over a pipe.
 */
#ifndef AMPSIM_MEASURE_INTERNAL_H
#define AMPSIM_MEASURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ampsim/bench.h"
#include "ampsim/curves.h"
#include "ampsim/dsp.h"
#include "ampsim/engine.h"
#include "ampsim/measure.h"

#define BAND_LO_HZ 20.0
#define BAND_HI_HZ 20000.0
#define GAIN_HZ 1000.0
#define POWER_HZ 1000.0
/* Crosstalk below this (relative to the driven channel) is rounding in the
 * AC solution, not coupling: |Vr/Vl| < 1e-9 is reported as null. */
#define CROSSTALK_FLOOR_DB (-180.0)
/* THD: periods skipped for settling, periods analysed. */
#define SETTLE_PERIODS 3
#define ANALYSED_PERIODS 2
#define MAX_HALVINGS 3
/* Changes in THD smaller than this (absolute ratio, -160 dB) count as
 * converged even where the dB change is large: both values sit at the floor. */
#define THD_ABSOLUTE_TOLERANCE 1e-8
#define LEVEL_RELATIVE_TOLERANCE 1e-3

#ifndef M_SQRT2
#define M_SQRT2 1.41421356237309504880
#endif
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------------ */
/* Tasks                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum task_kind {
  TASK_AC,
  TASK_ZOUT,
  TASK_NOISE,
  TASK_THD,
  TASK_POWER,
  TASK_STABILITY, /* stability.c: loop gain, one stage instance or cap load */
  TASK_IMD,       /* imd.c: one intermodulation test */
  TASK_CLIPPING   /* imd.c: overload recovery */
} task_kind;

/* Which curve a task also returns (curves.h), beside its figures. */
typedef enum task_curve {
  TASK_CURVE_NONE = 0,
  TASK_CURVE_LOOP,     /* TASK_STABILITY: the loop-gain sweep (|T| dB, arg T) */
  TASK_CURVE_STEP,     /* TASK_STABILITY with a cap load: the step response */
  TASK_CURVE_SPECTRUM  /* TASK_IMD: the spectrum of the final record */
} task_curve;

typedef struct task {
  task_kind kind;
  double freq_hz;
  double vout_rms;
  int index;        /* TASK_POWER: 0 = 1 %, 1 = 0.1 %, 2 = 1 % coarse only;
                       TASK_STABILITY: cap_load index, or -1 - half for the
                       plain halves; TASK_IMD: the AMPSIM_IMD_* bit */
  int half;         /* TASK_STABILITY with a cap load: the BTL half probed */
  task_curve curve; /* a curve to return in task_result.curve_* */
  const ampsim_stage *stage;            /* valid in the forked worker */
  const ampsim_measure_options *options;
} task;

typedef struct task_result {
  char ngspice_version[32];
  /* TASK_AC */
  double gain_db, dc_offset_mv, gain_right_db;
  size_t n_crosstalk;
  ampsim_crosstalk_point crosstalk[AMPSIM_MAX_SWEEP];
  /* TASK_ZOUT */
  size_t n_zout;
  ampsim_zout_point zout[AMPSIM_MAX_SWEEP];
  /* TASK_NOISE */
  double noise_vrms, noise_vrms_a;
  size_t n_noise;                       /* the density, for curves */
  double noise_hz[AMPSIM_MAX_CURVE], noise_density[AMPSIM_MAX_CURVE];
  /* TASK_THD */
  ampsim_thd_point thd;
  double response_dev_max_db, response_dev_min_db;
  /* TASK_POWER */
  double vout_rms_1pct, vout_rms_01pct;
  double load_re, load_im; /* load impedance at 1 kHz */
  char power_note[256];
  /* TASK_STABILITY */
  int has_loop;
  ampsim_stability stability;
  ampsim_cap_load_point cap_load;
  /* TASK_IMD, TASK_CLIPPING */
  ampsim_imd_point imd;
  ampsim_clipping clipping;
  /* task.curve: the points of the curve (x, y, y2 as in curves.h). */
  size_t n_curve;
  double curve_x[AMPSIM_MAX_CURVE], curve_y[AMPSIM_MAX_CURVE], curve_y2[AMPSIM_MAX_CURVE];
} task_result;


/* One complex AC quantity per frequency: V(a) - V(b). */
typedef struct ac_points {
  size_t n;
  double freq_hz[AMPSIM_MAX_SWEEP];
  double re[2][AMPSIM_MAX_SWEEP]; /* up to two node pairs */
  double im[2][AMPSIM_MAX_SWEEP];
} ac_points;

/* Which tone bench the engine holds, so that a new level only needs
 * `alter` of the source instead of parsing the circuit again. */
typedef struct tone_bench {
  double freq_hz; /* 0: none loaded */
} tone_bench;

/* The vector of a node ("0" gives zeros of length_if_ground). */
int measure_node_vector(ampsim_vector *out, ampsim_engine *engine, const char *node,
                        size_t length_if_ground, bool complex_if_ground);

/* Generate the task's bench of this kind and drive and load it. */
int measure_load_bench(ampsim_engine *engine, const task *t, ampsim_bench_kind kind,
                       const ampsim_bench_drive *drive);

/* Run one AC analysis; append V(a[k]) - V(b[k]) for each of `pairs` pairs. */
int measure_ac_run(ac_points *out, ampsim_engine *engine, const char *analysis,
                   const char *const *a, const char *const *b, int pairs);

/* The standard sweep: 10 points per decade 20 Hz..20 kHz plus exactly 1 kHz. */
int measure_ac_sweep(ac_points *out, ampsim_engine *engine, const char *const *a,
                     const char *const *b, int pairs);

/* The load's impedance on the standard sweep. */
int measure_load_impedance(ac_points *z, const task *t, ampsim_engine *engine);

/* |gain| from the left source to the left load at f (small signal). */
int measure_small_signal_gain(double *gain, ampsim_engine *engine, const task *t, double f_hz);

/* Samples per period of the uniform analysis grid for a tone at f. */
size_t measure_samples_per_period(double f_hz);

/* The starting transient step limit for a tone at f: min(T/1000, 1 us). */
double measure_initial_tmax(double f_hz);

/* Run "tran tmax tstop" on the loaded circuit and resample the left load
 * voltage (hot - cold) onto out[j] = v(t0 + j dt), j < n. Points are kept
 * from a few steps before t0, so the resampler has neighbours on both
 * sides. A transient that stops early is AMPSIM_ECONVERGE. */
int measure_tran_load(double *out, size_t n, double t0, double dt, double tmax, double tstop,
                      ampsim_engine *engine, const task *t);

/* Simulate settle + periods periods of a tone of source amplitude vin_peak
 * and analyse the last `periods` across the left load. */
int measure_tone(ampsim_harmonics *h, ampsim_engine *engine, const task *t, tone_bench *bench,
                 double f_hz, double vin_peak, double tmax, int settle, int periods);

/* Task bodies outside measure.c. */
int measure_task_stability(task_result *r, const task *t, ampsim_engine *engine);
int measure_task_imd(task_result *r, const task *t, ampsim_engine *engine);
int measure_task_clipping(task_result *r, const task *t, ampsim_engine *engine);

#endif
