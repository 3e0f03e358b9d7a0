/*
 * ampsim/bench.h - the stereo test bench around one stage: SE and BTL wired as
 * docs/measurements.md describes, as SPICE text. Pure text generation.
 *
 * Node and source names are fixed and chosen so that they cannot clash with
 * words of ngspice's control language; measurement code reads them by these
 * macros. Channel c is 'l' or 'r'.
 *   source driving channel c:            vsrc_l, vsrc_r (BTL: the + halves;
 *                                         the - halves get -vin through an
 *                                         inverting E-source)
 *   transducer terminals of channel c:   n_lhot / n_lcold, n_rhot / n_rcold
 *   connector terminals (cable excluded): n_lcon_a / n_lcon_b, ...
 *     SE:  a = the stage output, b = amplifier ground (node 0's twin n_gnd)
 *     BTL: a = the + half's output, b = the - half's output
 */
#ifndef AMPSIM_BENCH_H
#define AMPSIM_BENCH_H

#include "ampsim/netlist.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ampsim_topology {
  AMPSIM_TOPOLOGY_SE = 0,
  AMPSIM_TOPOLOGY_BTL = 1
} ampsim_topology;

/* "se" / "btl". */
const char *ampsim_topology_name(ampsim_topology topology);
/* Parse "se" / "btl"; returns 0 or AMPSIM_EINVAL. */
int ampsim_topology_parse(ampsim_topology *out, const char *text);

/* The circuit around the stages. Plain value. */
typedef struct ampsim_bench_options {
  ampsim_topology topology;
  double load_ohms;          /* resistive load per channel, > 0 */
  double ground_ohms;        /* SE: shared return; BTL: each load wire; >= 0 */
  double supply_v;           /* symmetric rails +-supply_v, > 0 */
  double supply_ohms;        /* source resistance of each rail, shared, >= 0 */
} ampsim_bench_options;

#define AMPSIM_BENCH_OPTIONS_INIT { AMPSIM_TOPOLOGY_SE, 32.0, 0.0, 15.0, 0.0 }

typedef enum ampsim_bench_kind {
  /* Loads in place; left source SIN + AC, right source AC as given. */
  AMPSIM_BENCH_LOADED = 0,
  /* Loads and cable removed, inputs AC-grounded, 1 A AC injected into the
   * left connector (SE: output to ground; BTL: between the two outputs). */
  AMPSIM_BENCH_ZOUT = 1
} ampsim_bench_kind;

/* What drives the bench. Plain value. */
typedef struct ampsim_bench_drive {
  double sine_peak_v;  /* left source SIN amplitude (volts peak), 0 = none */
  double sine_hz;      /* its frequency */
  double ac_left;      /* AC magnitude of the left source (for .ac/.noise) */
  double ac_right;     /* AC magnitude of the right source */
} ampsim_bench_drive;

#define AMPSIM_BENCH_DRIVE_INIT { 0.0, 1000.0, 1.0, 0.0 }

/* Check a bench's values; returns 0 or AMPSIM_EINVAL naming the option. */
int ampsim_bench_check(const ampsim_bench_options *options);

/*
 * The complete netlist (title, stage definitions, bench, .options, .end) in
 * *out; caller frees with free(). drive may be NULL (AMPSIM_BENCH_DRIVE_INIT).
 * Returns 0, AMPSIM_EINVAL or AMPSIM_ENOMEM.
 */
int ampsim_bench_netlist(char **out, const ampsim_stage *stage,
                         const ampsim_bench_options *options,
                         ampsim_bench_kind kind,
                         const ampsim_bench_drive *drive);

#ifdef __cplusplus
}
#endif
#endif
