/*
 * ampsim/bench.h - the stereo test bench around one stage: SE and BTL wired as
 * docs/measurements.md describes, as SPICE text. Pure text generation.
 *
 * Node and source names are fixed and chosen so that they cannot clash with
 * words of ngspice's control language (every node starts with "n_");
 * measurement code gets them from ampsim_bench_nodes(), never by spelling them.
 * The left channel's source is vsrc_l (BTL: its + half; the - half gets -vin
 * through an inverting E-source), the right one vsrc_r.
 */
#ifndef AMPSIM_BENCH_H
#define AMPSIM_BENCH_H

#include "ampsim/netlist.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output arrangements (the names are a command-line contract). */
typedef enum ampsim_topology {
  /* "se": one stage per channel, loads return through one wire shared by
   * both channels (3-pole plug) of ground_ohms to amplifier ground. */
  AMPSIM_TOPOLOGY_SE = 0,
  /* "btl": two stages per channel driven in antiphase, floating load;
   * ground_ohms in series with each load wire, shared by nobody. */
  AMPSIM_TOPOLOGY_BTL = 1,
  /* "se-split": single-ended with a separate return wire per channel
   * (4-pole connector) of ground_ohms each, tied to amplifier ground. */
  AMPSIM_TOPOLOGY_SE_SPLIT = 2,
  /* "active-ground": one stage per channel plus a third (same stage, input
   * grounded) that drives the shared return wire of ground_ohms. */
  AMPSIM_TOPOLOGY_ACTIVE_GROUND = 3,
  AMPSIM_TOPOLOGY_COUNT
} ampsim_topology;

/* "se", "btl", "se-split", "active-ground". */
const char *ampsim_topology_name(ampsim_topology topology);
/* Parse one of those names; returns 0 or AMPSIM_EINVAL. */
int ampsim_topology_parse(ampsim_topology *out, const char *text);
/* Stages whose outputs drive one load: 2 for BTL, 1 otherwise. */
int ampsim_topology_legs(ampsim_topology topology);

/* A volume control ahead of each channel's stage. */
typedef enum ampsim_volume_mode {
  AMPSIM_VOLUME_NONE = 0,
  /* A dual log-taper potentiometer: at attenuation a = 10^(volume_db/20)
   * the track splits into Rtop = R (1 - a) and Rbottom = R a (thermal noise
   * included); the source sees R, the stage R a (1 - a). The right gang
   * attenuates tracking_db more than the left (gang tracking error). */
  AMPSIM_VOLUME_POT = 1,
  /* An ideal, noiseless attenuator of volume_db with zero output impedance
   * (digital volume upstream). */
  AMPSIM_VOLUME_IDEAL = 2
} ampsim_volume_mode;

/* The circuit around the stages. Plain value. */
typedef struct ampsim_bench_options {
  ampsim_topology topology;
  double load_ohms;          /* resistive load per channel, > 0 */
  double ground_ohms;        /* SE: shared return; BTL: each load wire; >= 0 */
  double supply_v;           /* symmetric rails +-supply_v, > 0 */
  double supply_ohms;        /* source resistance of each rail, shared, >= 0 */
  /* Instance parameters given to every stage ("gain=5 re=1"), "" for the
   * subcircuit's defaults. Only name=value pairs are accepted. */
  char stage_params[256];
  /* A headphone model: a subcircuit with pins hot ret (borrowed; it must
   * outlive every use of these options). NULL: a resistor of load_ohms.
   * With a model, load_ohms is ignored by the bench; measurements use the
   * model's impedance. */
  const ampsim_stage *load_model;
  /* Dual mono: each channel (and an active-ground stage) gets its own rails
   * with supply_ohms each, instead of one shared supply. */
  int supply_split;
  ampsim_volume_mode volume_mode;
  double volume_db;          /* attenuation, <= 0 dB */
  double pot_ohms;           /* potentiometer track resistance */
  double pot_tracking_db;    /* right gang's extra attenuation, dB (>= 0) */
  /* Each stage instance NAME (xamp_l, xamp_lp, ...) uses its own copy of
   * the subcircuit, named SUBCKT__NAME ("opamp_buffer__xamp_lp"), which the
   * stage text must define (ampsim_tolerance_apply() writes them: Monte
   * Carlo gives every instance its own part values). 0: all share SUBCKT. */
  int instance_subckts;
} ampsim_bench_options;

#define AMPSIM_BENCH_OPTIONS_INIT                                              \
  { AMPSIM_TOPOLOGY_SE, 32.0, 0.0, 15.0, 0.0, "", NULL, 0, AMPSIM_VOLUME_NONE, 0.0, 10e3, 0.5, 0 }

typedef enum ampsim_bench_kind {
  /* Loads in place; left source SIN + AC, right source AC as given. */
  AMPSIM_BENCH_LOADED = 0,
  /* Loads and cable removed, inputs AC-grounded, 1 A AC injected into the
   * left connector (SE, se-split: output to ground; BTL: between the two
   * outputs; active-ground: output to the ground stage's output). */
  AMPSIM_BENCH_ZOUT = 1
} ampsim_bench_kind;

/* What drives the bench. Plain value. */
typedef struct ampsim_bench_drive {
  double sine_peak_v;  /* left source SIN amplitude (volts peak), 0 = none */
  double sine_hz;      /* its frequency */
  double ac_left;      /* AC magnitude of the left source (for .ac/.noise) */
  double ac_right;     /* AC magnitude of the right source */
  /* Leave the right channel out (stage, load and source). Only valid where
   * it cannot affect the left: see ampsim_bench_channels_independent(). */
  int left_only;
  /* A step on the left source instead of the sine: PULSE from 0 to step_v
   * at step_delay_s with 1 ns edges (0 = no step). */
  double step_v, step_delay_s;
  /* A capacitance across each load (loaded bench) or each connector (Zout
   * bench), as a long cable adds; 0 = none. */
  double cap_load_f;
  /* Instantiate this stage instance ("xamp_l", "xamp_lp", "xamp_ln") from
   * the subcircuit probe_subckt instead (a loop-gain probe copy that the
   * stage text must define); NULL = none. */
  const char *probe_instance;
  const char *probe_subckt;
} ampsim_bench_drive;

#define AMPSIM_BENCH_DRIVE_INIT { 0.0, 1000.0, 1.0, 0.0, 0, 0.0, 0.0, 0.0, NULL, NULL }

/* Whether the two channels share nothing but ideal nodes (0-ohm supply, no
 * shared return resistance), so that the idle channel cannot change the
 * driven one's figures and a transient may simulate the left channel alone.
 * (A stage that ties nodes together with .global would break this; stages
 * are expected not to.) */
int ampsim_bench_channels_independent(const ampsim_bench_options *options);

/* Node names of a bench, for reading its vectors. Static strings. */
typedef struct ampsim_bench_nodes {
  const char *source[2];     /* input source of channel 0 (left), 1 (right) */
  const char *load_hot[2];   /* transducer terminals of each channel */
  const char *load_cold[2];
  const char *connector_a;   /* left connector (cable excluded), for Zout: */
  const char *connector_b;   /* SE: output / ground; BTL: + / - output */
} ampsim_bench_nodes;

/* The node names of a bench of this topology and ground resistance. */
void ampsim_bench_nodes_of(ampsim_bench_nodes *out,
                           const ampsim_bench_options *options);

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

/*
 * A netlist that measures a load alone: 1 A AC into `hot` of the model (or
 * of a resistor of load_ohms when options->load_model is NULL), ret at
 * ground, so v(n_zl) is the load's impedance. Caller frees *out.
 */
int ampsim_bench_load_netlist(char **out, const ampsim_bench_options *options);

#ifdef __cplusplus
}
#endif
#endif
