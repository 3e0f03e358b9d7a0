/*
 * ampsim/measure.h - every headline figure of one design (a stage in a
 * bench), simulated. Definitions: docs/measurements.md.
 *
 * ampsim_measure() splits the work into independent tasks (one per THD point,
 * noise, output impedance, crosstalk/gain/offset, maximum output) and runs
 * them in worker processes (-j N): libngspice is one instance per process, and
 * a process isolates a crash or a hang inside ngspice from the other results.
 * Results do not depend on the number of workers.
 *
 * "null" figures are NAN in these structs (isnan()); the JSON writer prints
 * them as null.
 */
#ifndef AMPSIM_MEASURE_H
#define AMPSIM_MEASURE_H

#include <stddef.h>

#include "ampsim/bench.h"
#include "ampsim/dsp.h"
#include "ampsim/netlist.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPSIM_MAX_LEVELS 16  /* entries of --freq and --vout lists */
#define AMPSIM_MAX_SWEEP 64   /* points of a Zout / crosstalk sweep */

/* Which figures to measure (bit mask). */
enum {
  AMPSIM_FIG_THD = 1 << 0,       /* THD, THD+N, harmonics per freq x vout */
  AMPSIM_FIG_NOISE = 1 << 1,     /* output noise 20 Hz..20 kHz, A-weighted */
  AMPSIM_FIG_ZOUT = 1 << 2,      /* output impedance sweep */
  AMPSIM_FIG_CROSSTALK = 1 << 3, /* crosstalk sweep */
  AMPSIM_FIG_POWER = 1 << 4,     /* maximum output at 1 % and 0.1 % THD */
  AMPSIM_FIG_GAIN = 1 << 5,      /* gain at 1 kHz and DC offset */
  AMPSIM_FIG_ALL = (1 << 6) - 1, /* the headline figures above */
  AMPSIM_FIG_STABILITY = 1 << 6, /* loop gain and margins (stages with Vloop),
                                    and the capacitive-load checks */
  AMPSIM_FIG_IMD = 1 << 7,       /* intermodulation (options.imd_tests) */
  AMPSIM_FIG_CLIPPING = 1 << 8,  /* overload recovery */
  AMPSIM_FIG_EVERY = (1 << 9) - 1
};

#define AMPSIM_MAX_CAPS 8

/* Intermodulation tests (bit mask of options.imd_tests). */
enum {
  AMPSIM_IMD_SMPTE = 1 << 0, /* 60 Hz + 7 kHz, 4:1 (SMPTE RP120 / DIN 45403) */
  AMPSIM_IMD_CCIF = 1 << 1   /* 19 kHz + 20 kHz, 1:1 (IEC 60268-3 difference
                                frequency) */
};

typedef struct ampsim_measure_options {
  ampsim_bench_options bench;
  size_t n_freqs;
  double freqs_hz[AMPSIM_MAX_LEVELS];   /* THD test frequencies */
  size_t n_vouts;
  double vouts_rms[AMPSIM_MAX_LEVELS];  /* THD levels across the load */
  unsigned figures;                     /* AMPSIM_FIG_* mask */
  int jobs;                             /* worker processes; <= 0: cores */
  double task_timeout_s;                /* per task; <= 0: no limit */
  double thd_tolerance_db;              /* convergence: THD moves < this */
  size_t n_caps;                        /* capacitive loads to check */
  double caps_f[AMPSIM_MAX_CAPS];       /* farads across the load (0 = none) */
  unsigned imd_tests;                   /* AMPSIM_IMD_* for AMPSIM_FIG_IMD */
} ampsim_measure_options;

#define AMPSIM_MEASURE_OPTIONS_INIT                                            \
  { AMPSIM_BENCH_OPTIONS_INIT, 1, { 1000.0 }, 1, { 1.0 },                      \
    AMPSIM_FIG_ALL | AMPSIM_FIG_STABILITY, 0, 300.0, 0.05, 0, { 0.0 },         \
    AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF }

typedef struct ampsim_thd_point {
  double freq_hz;
  double vout_rms;      /* measured fundamental across the load (RMS) */
  double vin_peak;      /* source amplitude that produced it */
  double thd_db, thd_pct, thdn_db, thdn_pct;
  int n_harmonics;      /* entries of harmonics_dbc: H2..H(n+1) */
  double harmonics_dbc[AMPSIM_MAX_HARMONIC];
  int converged;        /* THD moved < tolerance on the last tmax halving */
  double floor_db;      /* numerical floor of this analysis, dB re V1 */
  double tmax_s;        /* final transient step limit */
  int periods;          /* periods analysed */
} ampsim_thd_point;

typedef struct ampsim_zout_point {
  double freq_hz, ohms, phase_deg;
} ampsim_zout_point;

typedef struct ampsim_crosstalk_point {
  double freq_hz;
  double db; /* NAN when below crosstalk_floor_db */
} ampsim_crosstalk_point;

/* Loop gain at the stage's Vloop probe: unity-gain crossover, phase margin
 * (180 + arg T there), gain margin (-20 log|T| where arg T = -180 deg).
 * NAN where not found (no crossover, phase never reaches -180 deg). */
typedef struct ampsim_stability {
  double crossover_hz, phase_margin_deg, gain_margin_db;
} ampsim_stability;

/* The capacitive-load check for one capacitance across the load. */
typedef struct ampsim_cap_load_point {
  double cap_f;
  double overshoot_pct;      /* small-signal step at the load */
  double ring_hz;            /* NAN when it does not ring */
  double settling_s;         /* to within 1 % of the step */
  double zout_peak_ohms;     /* peak |Zout| 20 Hz..1 MHz, cap attached */
  double zout_peak_hz;
  ampsim_stability stability; /* loop gain with the cap (NAN without Vloop) */
} ampsim_cap_load_point;

/* One intermodulation test; products in dB relative to the reference of
 * the test's standard (docs/imd.md). */
typedef struct ampsim_imd_point {
  unsigned test;             /* AMPSIM_IMD_SMPTE or AMPSIM_IMD_CCIF */
  double vout_rms;           /* RMS of the two-tone signal across the load */
  double d2_db, d3_db, imd_db;
} ampsim_imd_point;

/* Overload recovery: a burst 6 dB above the 1 % THD level, then back to
 * the nominal level (the first --vout). */
typedef struct ampsim_clipping {
  double recovery_s;         /* to within 1 % of the steady-state output;
                                NAN if it never recovers in the window */
  int symmetric;             /* positive and negative clipping within 5 % */
  int latched;               /* stuck or oscillating after the burst */
  double asymmetry_pct;      /* (|peak+| - |peak-|) / mean, during the burst */
} ampsim_clipping;

typedef struct ampsim_measurement {
  ampsim_measure_options options;  /* what was measured */
  char stage_name[256];
  char ngspice_version[32];

  double gain_db;        /* at 1 kHz, load voltage over source voltage */
  double dc_offset_mv;   /* across the left load at the operating point */

  size_t n_thd;
  ampsim_thd_point thd[AMPSIM_MAX_LEVELS * AMPSIM_MAX_LEVELS];

  /* Right channel's gain minus the left's at 1 kHz, dB (volume tracking). */
  double channel_imbalance_db;

  double noise_band_hz[2];
  double noise_vrms, noise_vrms_a;
  /* 1 Vrms over the noise (unweighted, A-weighted), and the 1 % THD level
   * over the A-weighted noise; NAN where an input is missing or zero. */
  double snr_1v_db, snr_1v_a_db, dynamic_range_a_db;

  size_t n_zout;
  ampsim_zout_point zout[AMPSIM_MAX_SWEEP];

  size_t n_crosstalk;
  ampsim_crosstalk_point crosstalk[AMPSIM_MAX_SWEEP];
  double crosstalk_floor_db;

  /* The load: its name ("32 ohm" or the model's), its impedance at 1 kHz,
   * and the frequency-response deviation it suffers from Zout:
   * 20 log10 |Z(f) / (Z(f) + Zout(f))| relative to 1 kHz, max and min over
   * the Zout sweep (NAN when Zout was not measured). */
  char load_name[128];
  int load_is_model;     /* a headphone model rather than a resistor */
  double load_z_1k_ohms, load_z_1k_phase_deg;
  double response_dev_max_db, response_dev_min_db;

  /* Power is the real power vout^2 * Re(1/Z(1 kHz)) (vout^2 / R for a
   * resistor). */
  double vout_rms_1pct, pout_w_1pct;    /* NAN when not reached */
  double vout_rms_01pct, pout_w_01pct;
  char power_note[256];                 /* why a power figure is null */

  /* AMPSIM_FIG_STABILITY: has_loop is 0 when the stage marks no Vloop
   * (stability is then all NAN: never guessed). stability is the worst
   * (least phase margin) of the halves; halves[] are each stage driving the
   * left load (1 for SE, 2 for BTL) without capacitive load. */
  int has_loop;
  ampsim_stability stability;
  size_t n_halves;
  ampsim_stability halves[2];
  size_t n_cap_load;
  ampsim_cap_load_point cap_load[AMPSIM_MAX_CAPS];

  size_t n_imd;                         /* AMPSIM_FIG_IMD */
  ampsim_imd_point imd[2];
  int has_clipping;                     /* AMPSIM_FIG_CLIPPING */
  ampsim_clipping clipping;

  double elapsed_s;                     /* wall time of the measurement */
} ampsim_measurement;

/*
 * Measure a stage. *out is a new measurement (caller frees with
 * ampsim_measurement_free()). Returns 0, or an error: AMPSIM_EINVAL (options),
 * AMPSIM_ESIM / AMPSIM_ECONVERGE (simulation, with ngspice's message),
 * AMPSIM_ETIMEOUT, AMPSIM_EWORKER (a worker crashed).
 */
int ampsim_measure(ampsim_measurement **out, const ampsim_stage *stage,
                   const ampsim_measure_options *options);

/*
 * Parse a list of figure names separated by commas or white space: thd noise
 * zout crosstalk power gain stability imd clipping, "all" (the six headline
 * figures) and "every". On an unknown or missing name returns AMPSIM_EINVAL
 * with the message "'NAME' is not one of thd, noise, ..." (no prefix: the
 * caller adds where the list came from).
 */
int ampsim_figures_parse(unsigned *out, const char *text);

/* Free a measurement; NULL is a no-op. */
void ampsim_measurement_free(ampsim_measurement *measurement);

/* Check options (values, ranges); returns 0 or AMPSIM_EINVAL naming one. */
int ampsim_measure_check(const ampsim_measure_options *options);

#ifdef __cplusplus
}
#endif
#endif
