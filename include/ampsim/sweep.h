/*
 * ampsim/sweep.h - parameter grids and Monte Carlo over part tolerances
 * (docs/sweep.md).
 *
 * A sweep is a grid of axes (each a list of values of one design option or
 * stage parameter) times mc samples per grid point (mc = 0: the grid alone,
 * nominal parts). Points are numbered: point = grid * max(mc, 1) + sample,
 * the grid index running with the last axis fastest. Every point has its own
 * seed, a counter-based hash of (sweep seed, grid, sample), so its result
 * depends on nothing but its number: not on the process that computes it,
 * nor on the order.
 */
#ifndef AMPSIM_SWEEP_H
#define AMPSIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "ampsim/design.h"
#include "ampsim/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPSIM_SWEEP_MAX_AXES 8
#define AMPSIM_SWEEP_MAX_VALUES 256
#define AMPSIM_TOL_MAX 32

/* What an axis sets. */
typedef enum ampsim_axis_kind {
  AMPSIM_AXIS_PARAM = 0,   /* stage parameter (--param NAME=LIST) */
  AMPSIM_AXIS_TOPOLOGY,    /* --topology */
  AMPSIM_AXIS_LOAD,        /* --load: ohms or a load name / FILE.cir:SUBCKT */
  AMPSIM_AXIS_GROUND_OHMS, /* --ground-ohms */
  AMPSIM_AXIS_SUPPLY,      /* --supply */
  AMPSIM_AXIS_SUPPLY_OHMS  /* --supply-ohms */
} ampsim_axis_kind;

typedef struct ampsim_sweep_axis {
  ampsim_axis_kind kind;
  char name[40];  /* "topology", "load", ..., or the stage parameter's name */
  size_t n;
  char values[AMPSIM_SWEEP_MAX_VALUES][64]; /* as applied (numbers %.10g) */
} ampsim_sweep_axis;

/* One tolerance: a class ("R", "C", "L", "beta", "gbw": relative, "vos":
 * volts, additive) or a part by its element name ("R3", "Q1": relative). */
typedef struct ampsim_tolerance {
  char name[32];
  double value;   /* relative (0.01 = 1 %) or volts for vos */
} ampsim_tolerance;

typedef enum ampsim_tol_dist {
  AMPSIM_TOL_GAUSS = 0,  /* gaussian, tolerance = 3 sigma (not truncated) */
  AMPSIM_TOL_UNIFORM = 1 /* uniform over +-tolerance */
} ampsim_tol_dist;

typedef struct ampsim_tolerances {
  size_t n;
  ampsim_tolerance items[AMPSIM_TOL_MAX];
  ampsim_tol_dist dist;
} ampsim_tolerances;

/* A sweep definition. Plain value (large: allocate it). */
typedef struct ampsim_sweep {
  size_t n_axes;
  ampsim_sweep_axis axes[AMPSIM_SWEEP_MAX_AXES];
  size_t mc;              /* samples per grid point; 0 = no Monte Carlo */
  uint64_t seed;
  ampsim_tolerances tol;
} ampsim_sweep;

/* Empty sweep (one point, no Monte Carlo, seed 1). */
void ampsim_sweep_init(ampsim_sweep *sweep);

/*
 * Add an axis (or replace the one of the same kind and name) from a list:
 * comma-separated items, each a value or a range A:B:N (N values from A to B,
 * linear) or A:B:N:log (geometric; A, B > 0). Numbers take engineering
 * suffixes (1k, 4.7u, 1meg). Topology and load values that are names are
 * kept as text. Returns 0 or AMPSIM_EINVAL with a message naming the item.
 */
int ampsim_sweep_add_axis(ampsim_sweep *sweep, ampsim_axis_kind kind, const char *name,
                          const char *list);

/* Parse "R=1%,C=5%,R3=0.1%,beta=20%,gbw=20%,vos=1m" into *out (appending;
 * a later entry of the same name replaces the earlier). Percentages are
 * relative; vos is in volts. Returns 0 or AMPSIM_EINVAL. */
int ampsim_tolerances_parse(ampsim_tolerances *out, const char *text);

/*
 * Read the <sweep> element of design number `index` (0-based, file order)
 * of a design file that ampsim_design_load() has read (and validated).
 * *out is initialised; *found is 1 when the design has a <sweep>; *figures
 * gets its figures attribute (0 when absent). Returns 0 or AMPSIM_EINVAL /
 * AMPSIM_EPARSE with "FILE:LINE: ...".
 */
int ampsim_sweep_load(ampsim_sweep *out, unsigned *figures, int *found, const char *path,
                      size_t index);

/* Number of grid points (product of the axes' lengths; 1 without axes),
 * and of all points (grid * max(mc, 1)). 0 on overflow (> 2^40). */
size_t ampsim_sweep_grid_count(const ampsim_sweep *sweep);
size_t ampsim_sweep_count(const ampsim_sweep *sweep);

/* Split point index into grid index, sample and per-axis value indices
 * (axis_index may be NULL). */
void ampsim_sweep_locate(const ampsim_sweep *sweep, size_t point, size_t *grid, size_t *sample,
                         size_t *axis_index);

/* The point's seed: splitmix64 mixing of (seed, grid, sample). */
uint64_t ampsim_sweep_point_seed(const ampsim_sweep *sweep, size_t point);

/* splitmix64 finaliser, for reuse (tolerance draws). */
uint64_t ampsim_splitmix64(uint64_t x);

/* A 64-bit FNV-1a hash of the sweep and the base design's options: two runs
 * with the same hash compute the same points. */
uint64_t ampsim_sweep_hash(const ampsim_sweep *sweep, const ampsim_design *base);

/* The design of a point: base with the point's axis values applied.
 * Returns 0 or AMPSIM_EINVAL (a value does not apply). */
int ampsim_sweep_point_design(ampsim_design *out, const ampsim_sweep *sweep,
                              const ampsim_design *base, size_t point);

/*
 * Measure one point: its design, with (when the sweep has mc > 0) every
 * stage instance given its own drawn part values (ampsim_tolerance_apply()).
 * options.jobs of the base applies inside. *out as ampsim_measure().
 */
int ampsim_sweep_measure_point(ampsim_measurement **out, const ampsim_sweep *sweep,
                               const ampsim_design *base, size_t point);

/* Called in the calling process as each point finishes, in completion
 * order: rc 0 and the measurement, or the point's error code and message
 * (m NULL). Returning non-zero stops the run (points in flight are
 * killed). m is borrowed for the call. */
typedef int (*ampsim_sweep_row_fn)(void *ctx, size_t point, int rc, const char *message,
                                   const ampsim_measurement *m);

/*
 * Measure the points listed (n of them) in worker processes, jobs at a time
 * (<= 0: one per core), each point alone with base->options.jobs = 1 inside.
 * A failing point does not stop the others (fn gets its error). timeout_s
 * limits each point (<= 0: none). Returns 0, AMPSIM_EWORKER (cannot fork)
 * or fn's non-zero value as AMPSIM_EINTERRUPTED-like code (the value itself).
 */
int ampsim_sweep_run(const ampsim_sweep *sweep, const ampsim_design *base, const size_t *points,
                     size_t n, int jobs, double timeout_s, ampsim_sweep_row_fn fn, void *ctx);

/*
 * Copies of the stage's subcircuit, one per instance name (SUBCKT__NAME),
 * with part values drawn from tol with the given seed (the draw of one part
 * depends only on seed, instance and part name):
 *   R, C, L elements: value times (1 + e), also {expressions};
 *   Q elements: a private copy of their .model with BF times (1 + e);
 *   parameters gbw (relative) and vos (additive volts) of the subcircuit's
 *   own params: line, and of X instances inside it whose subcircuit has them.
 * stage_params (the bench's instance parameters) are baked into the copies'
 * defaults for gbw and vos; *params_out (size params_size) gets
 * stage_params without them. *out is the stage text plus the copies (caller
 * frees). Returns 0 or AMPSIM_EINVAL (a value that cannot be perturbed).
 */
int ampsim_tolerance_apply(char **out, char *params_out, size_t params_size, const char *text,
                           const char *subckt, const char *stage_params,
                           const ampsim_tolerances *tol, uint64_t seed,
                           const char *const *instances, size_t n_instances);

/* The stage instance names of a bench topology (as bench.c writes them);
 * returns their count (at most 5). */
size_t ampsim_bench_instance_names(const char **names, ampsim_topology topology);

#ifdef __cplusplus
}
#endif
#endif
