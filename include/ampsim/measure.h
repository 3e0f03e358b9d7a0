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
  AMPSIM_FIG_ALL = (1 << 6) - 1
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
} ampsim_measure_options;

#define AMPSIM_MEASURE_OPTIONS_INIT                                            \
  { AMPSIM_BENCH_OPTIONS_INIT, 1, { 1000.0 }, 1, { 1.0 }, AMPSIM_FIG_ALL, 0,   \
    300.0, 0.05 }

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

/* Free a measurement; NULL is a no-op. */
void ampsim_measurement_free(ampsim_measurement *measurement);

/* Check options (values, ranges); returns 0 or AMPSIM_EINVAL naming one. */
int ampsim_measure_check(const ampsim_measure_options *options);

#ifdef __cplusplus
}
#endif
#endif
