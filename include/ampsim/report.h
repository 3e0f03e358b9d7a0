/*
 * ampsim/report.h - a measurement as text: the JSON document that scripts read
 * (the contract of `ampsim measure --json`) and the readable table with units.
 *
 * Pure formatting: nothing here prints, runs a simulation or touches a file.
 * Both writers return a new string that the caller frees with free().
 */
#ifndef AMPSIM_REPORT_H
#define AMPSIM_REPORT_H

#include <stddef.h>

#include "ampsim/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The JSON document of a measurement in *out (UTF-8, ending in '\n'); caller
 * frees with free(). Keys come in this fixed order, so the same measurement
 * always gives the same bytes:
 *
 *   ampsim_version, stage, ngspice_version, topology, load_ohms, ground_ohms,
 *   supply_v, supply_ohms, gain_db, dc_offset_mv,
 *   thd: [ {freq_hz, vout_rms, vin_peak, thd_db, thd_pct, thdn_db, thdn_pct,
 *           harmonics_dbc: [H2, H3, ...], converged, floor_db, tmax_s,
 *           periods} ],
 *   noise: {band_hz: [lo, hi], vrms, vrms_a},
 *   zout: [ {freq_hz, ohms, phase_deg} ],
 *   crosstalk: [ {freq_hz, db} ], crosstalk_floor_db,
 *   power: {vout_rms_1pct, pout_w_1pct, vout_rms_01pct, pout_w_01pct, note},
 *   elapsed_s
 *
 * Units are SI as named (volts RMS, ohms, watts, dB, seconds; dc_offset_mv in
 * millivolts). Numbers are printed with 17 significant digits (they read back
 * to the same double). A NAN or infinite figure is null. Every key is always
 * present: the figures that were not measured (m->options.figures) are null,
 * as a whole (thd, noise, zout, crosstalk, power, gain_db and dc_offset_mv).
 * power.note is null when empty. ngspice_version is null when unknown.
 *
 * Returns 0, AMPSIM_EINVAL (NULL argument) or AMPSIM_ENOMEM.
 */
int ampsim_report_json(char **out, const ampsim_measurement *m);

/*
 * A readable multi-line table of a measurement in *out (plain ASCII, ending in
 * '\n'); caller frees with free(). Sections: a header (stage, topology, load,
 * bench), "Gain / offset", "THD" (one block per frequency and level with
 * THD, THD+N, H2..H5, convergence and the numerical floor), "Noise",
 * "Output impedance" and "Crosstalk" (rows at 20 Hz, 1 kHz and 20 kHz), and
 * "Maximum output" (1 % and 0.1 % THD, or the reason there is none).
 * Figures that were not measured are left out. The layout is for people and
 * may change; scripts read the JSON.
 *
 * Returns 0, AMPSIM_EINVAL (NULL argument) or AMPSIM_ENOMEM.
 */
int ampsim_report_table(char **out, const ampsim_measurement *m);

/*
 * Format `value` with an engineering prefix and three significant digits into
 * buf (at most n bytes including the terminating NUL; truncated if shorter):
 * (0.00123, "V") -> "1.23 mV", (0.012, "ohm") -> "12 mohm", (1000, "Hz") ->
 * "1 kHz", (0, "W") -> "0 W". Prefixes run from f (1e-15) to T (1e12), with
 * 'u' for micro; magnitudes outside that range use exponent notation
 * ("1.5e-18 V"). NAN gives "n/a"; infinities "inf V" / "-inf V". unit may be
 * NULL or "" (no unit: "4.7 k"). The decimal point follows the thread's
 * numeric locale (the table above is always in the C locale). Returns buf, so
 * the call can be an argument of printf. buf must not be NULL unless n is 0.
 */
char *ampsim_report_eng(char *buf, size_t n, double value, const char *unit);

#ifdef __cplusplus
}
#endif
#endif
