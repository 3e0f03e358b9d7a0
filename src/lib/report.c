/*
 * report.c - a measurement as JSON (the scripts' contract) and as a readable
 * table (see include/ampsim/report.h). Formatting only: no printing, no files.
 */
#include "ampsim/report.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ampsim/ampsim.h"
#include "ampsim/error.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------ */
/* Engineering notation                                                     */
/* ------------------------------------------------------------------------ */

/* Prefixes for 10^(3*e) with e = -5 .. 4; ' ' stands for none. */
static const char eng_prefixes[] = "fpnum kMGT";
#define ENG_MIN_EXP3 (-5)
#define ENG_MAX_EXP3 4

char *ampsim_report_eng(char *buf, size_t n, double value, const char *unit)
{
  const char *u = unit != NULL ? unit : "";
  const char *sep = u[0] != '\0' ? " " : "";
  char digits[32];
  double mantissa;
  double rounded;
  int exp3;

  if (n == 0)
    return buf;
  if (isnan(value)) {
    snprintf(buf, n, "n/a");
    return buf;
  }
  if (isinf(value)) {
    snprintf(buf, n, "%sinf%s%s", value < 0 ? "-" : "", sep, u);
    return buf;
  }
  if (value == 0.0) {
    snprintf(buf, n, "0%s%s", sep, u);
    return buf;
  }

  exp3 = (int)floor(log10(fabs(value)) / 3.0);
  if (exp3 >= ENG_MIN_EXP3 && exp3 <= ENG_MAX_EXP3) {
    /* Round to three significant digits first: 999.96 m must become 1 (no
     * prefix), not "1e+03 m"; and log10 may land a hair on either side. */
    mantissa = value / pow(10.0, 3.0 * exp3);
    snprintf(digits, sizeof digits, "%.3g", mantissa);
    rounded = strtod(digits, NULL);
    if (fabs(rounded) >= 1000.0)
      exp3++;
    else if (fabs(rounded) < 1.0)
      exp3--;
  }
  if (exp3 < ENG_MIN_EXP3 || exp3 > ENG_MAX_EXP3) {
    snprintf(buf, n, "%.3g%s%s", value, sep, u);
    return buf;
  }

  mantissa = value / pow(10.0, 3.0 * exp3);
  if (exp3 == 0)
    snprintf(buf, n, "%.3g%s%s", mantissa, sep, u);
  else
    snprintf(buf, n, "%.3g %c%s", mantissa, eng_prefixes[exp3 - ENG_MIN_EXP3],
             u);
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                           */
/* ------------------------------------------------------------------------ */

/* Entry counts clamped to the arrays they index: a measurement may come from
 * anywhere (a test, a future reader of saved results). */
static size_t clamp_count(size_t count, size_t capacity)
{
  return count < capacity ? count : capacity;
}

static int harmonic_count(const ampsim_thd_point *p)
{
  if (p->n_harmonics < 0)
    return 0;
  return p->n_harmonics < AMPSIM_MAX_HARMONIC ? p->n_harmonics
                                              : AMPSIM_MAX_HARMONIC;
}

static int measured(const ampsim_measurement *m, unsigned figure)
{
  return (m->options.figures & figure) != 0;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

/* A builder that remembers whether any allocation failed, so the document can
 * be assembled without a check after every call. jansson's *_set_new and
 * *_append_new take ownership of the value even when they fail. */
typedef struct json_builder {
  int failed;
} json_builder;

static json_t *json_number(double value)
{
  return isfinite(value) ? json_real(value) : json_null();
}

/* A JSON string from a fixed-size field that may lack its NUL or hold bytes
 * that are not UTF-8 (a file name): jansson refuses those, so they are
 * replaced by '?' rather than failing the whole report. */
static json_t *json_text(const char *text, size_t capacity)
{
  size_t len = strnlen(text, capacity);
  json_t *value = json_stringn(text, len);
  char *copy;
  size_t i;

  if (value != NULL)
    return value;
  copy = malloc(len + 1);
  if (copy == NULL)
    return NULL;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    copy[i] = (c >= 0x80 || c == 0) ? '?' : (char)c;
  }
  copy[len] = '\0';
  value = json_stringn(copy, len);
  free(copy);
  return value;
}

static void put(json_builder *b, json_t *object, const char *key,
                json_t *value)
{
  if (value == NULL || json_object_set_new(object, key, value) != 0)
    b->failed = 1;
}

static void append(json_builder *b, json_t *array, json_t *value)
{
  if (value == NULL || json_array_append_new(array, value) != 0)
    b->failed = 1;
}

static json_t *json_thd(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  size_t i, n = clamp_count(m->n_thd, sizeof m->thd / sizeof m->thd[0]);

  for (i = 0; i < n; i++) {
    const ampsim_thd_point *p = &m->thd[i];
    json_t *point = json_object();
    json_t *harmonics = json_array();
    int k, n_harmonics = harmonic_count(p);

    put(b, point, "freq_hz", json_number(p->freq_hz));
    put(b, point, "vout_rms", json_number(p->vout_rms));
    put(b, point, "vin_peak", json_number(p->vin_peak));
    put(b, point, "thd_db", json_number(p->thd_db));
    put(b, point, "thd_pct", json_number(p->thd_pct));
    put(b, point, "thdn_db", json_number(p->thdn_db));
    put(b, point, "thdn_pct", json_number(p->thdn_pct));
    for (k = 0; k < n_harmonics; k++)
      append(b, harmonics, json_number(p->harmonics_dbc[k]));
    put(b, point, "harmonics_dbc", harmonics);
    put(b, point, "converged", json_boolean(p->converged));
    put(b, point, "floor_db", json_number(p->floor_db));
    put(b, point, "tmax_s", json_number(p->tmax_s));
    put(b, point, "periods", json_integer(p->periods));
    append(b, list, point);
  }
  return list;
}

static json_t *json_noise(json_builder *b, const ampsim_measurement *m)
{
  json_t *noise = json_object();
  json_t *band = json_array();

  append(b, band, json_number(m->noise_band_hz[0]));
  append(b, band, json_number(m->noise_band_hz[1]));
  put(b, noise, "band_hz", band);
  put(b, noise, "vrms", json_number(m->noise_vrms));
  put(b, noise, "vrms_a", json_number(m->noise_vrms_a));
  put(b, noise, "snr_1v_db", json_number(m->snr_1v_db));
  put(b, noise, "snr_1v_a_db", json_number(m->snr_1v_a_db));
  put(b, noise, "dynamic_range_a_db", json_number(m->dynamic_range_a_db));
  return noise;
}

static json_t *json_zout(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  size_t i, n = clamp_count(m->n_zout, AMPSIM_MAX_SWEEP);

  for (i = 0; i < n; i++) {
    json_t *point = json_object();
    put(b, point, "freq_hz", json_number(m->zout[i].freq_hz));
    put(b, point, "ohms", json_number(m->zout[i].ohms));
    put(b, point, "phase_deg", json_number(m->zout[i].phase_deg));
    append(b, list, point);
  }
  return list;
}

static json_t *json_crosstalk(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  size_t i, n = clamp_count(m->n_crosstalk, AMPSIM_MAX_SWEEP);

  for (i = 0; i < n; i++) {
    json_t *point = json_object();
    put(b, point, "freq_hz", json_number(m->crosstalk[i].freq_hz));
    put(b, point, "db", json_number(m->crosstalk[i].db));
    append(b, list, point);
  }
  return list;
}

static json_t *json_power(json_builder *b, const ampsim_measurement *m)
{
  json_t *power = json_object();
  size_t note_len = strnlen(m->power_note, sizeof m->power_note);

  put(b, power, "vout_rms_1pct", json_number(m->vout_rms_1pct));
  put(b, power, "pout_w_1pct", json_number(m->pout_w_1pct));
  put(b, power, "vout_rms_01pct", json_number(m->vout_rms_01pct));
  put(b, power, "pout_w_01pct", json_number(m->pout_w_01pct));
  put(b, power, "note",
      note_len > 0 ? json_text(m->power_note, sizeof m->power_note)
                   : json_null());
  return power;
}

static json_t *json_stability_of(json_builder *b, const ampsim_stability *st)
{
  json_t *o = json_object();
  put(b, o, "crossover_hz", json_number(st->crossover_hz));
  put(b, o, "phase_margin_deg", json_number(st->phase_margin_deg));
  put(b, o, "gain_margin_db", json_number(st->gain_margin_db));
  return o;
}

static json_t *json_halves(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  for (size_t i = 0; i < m->n_halves && i < 2; i++)
    append(b, list, json_stability_of(b, &m->halves[i]));
  return list;
}

static json_t *json_cap_load(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  for (size_t i = 0; i < m->n_cap_load && i < AMPSIM_MAX_CAPS; i++) {
    const ampsim_cap_load_point *c = &m->cap_load[i];
    json_t *o = json_object();
    put(b, o, "cap_f", json_number(c->cap_f));
    put(b, o, "overshoot_pct", json_number(c->overshoot_pct));
    put(b, o, "ring_hz", json_number(c->ring_hz));
    put(b, o, "settling_s", json_number(c->settling_s));
    put(b, o, "zout_peak_ohms", json_number(c->zout_peak_ohms));
    put(b, o, "zout_peak_hz", json_number(c->zout_peak_hz));
    put(b, o, "phase_margin_deg", json_number(c->stability.phase_margin_deg));
    put(b, o, "crossover_hz", json_number(c->stability.crossover_hz));
    append(b, list, o);
  }
  return list;
}

static json_t *json_imd(json_builder *b, const ampsim_measurement *m)
{
  json_t *list = json_array();
  for (size_t i = 0; i < m->n_imd && i < 2; i++) {
    const ampsim_imd_point *p = &m->imd[i];
    json_t *o = json_object();
    put(b, o, "test", json_string(p->test == AMPSIM_IMD_SMPTE ? "smpte" : "ccif"));
    put(b, o, "standard", json_string(p->test == AMPSIM_IMD_SMPTE ? "SMPTE RP120 (60 Hz + 7 kHz, 4:1)"
                                                                 : "IEC 60268-3 difference frequency (19 kHz + 20 kHz, 1:1)"));
    put(b, o, "vout_rms", json_number(p->vout_rms));
    put(b, o, "d2_db", json_number(p->d2_db));
    put(b, o, "d3_db", json_number(p->d3_db));
    put(b, o, "imd_db", json_number(p->imd_db));
    append(b, list, o);
  }
  return list;
}

static json_t *json_clipping(json_builder *b, const ampsim_measurement *m)
{
  json_t *o;
  if (!m->has_clipping)
    return json_null();
  o = json_object();
  put(b, o, "recovery_s", json_number(m->clipping.recovery_s));
  put(b, o, "symmetric", json_boolean(m->clipping.symmetric));
  put(b, o, "latched", json_boolean(m->clipping.latched));
  put(b, o, "asymmetry_pct", json_number(m->clipping.asymmetry_pct));
  return o;
}

/* A figure's value when it was measured, else null. */
static json_t *if_measured(const ampsim_measurement *m, unsigned figure,
                           json_t *value)
{
  if (measured(m, figure))
    return value;
  json_decref(value);
  return json_null();
}

int ampsim_report_json(char **out, const ampsim_measurement *m)
{
  json_builder b = { 0 };
  const ampsim_bench_options *bench;
  json_t *doc = NULL;
  char *dumped = NULL;
  size_t len;
  int rc = 0;

  if (out == NULL || m == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "report: NULL argument");
  *out = NULL;
  bench = &m->options.bench;

  doc = json_object();
  put(&b, doc, "ampsim_version", json_string(ampsim_version()));
  put(&b, doc, "stage", json_text(m->stage_name, sizeof m->stage_name));
  put(&b, doc, "ngspice_version",
      strnlen(m->ngspice_version, sizeof m->ngspice_version) > 0
          ? json_text(m->ngspice_version, sizeof m->ngspice_version)
          : json_null());
  put(&b, doc, "topology", json_string(ampsim_topology_name(bench->topology)));
  /* With a headphone model: its |Z| at 1 kHz (null if not measured). */
  put(&b, doc, "load_ohms",
      json_number(m->load_is_model ? m->load_z_1k_ohms : bench->load_ohms));
  {
    json_t *load = json_object();
    put(&b, load, "name", json_text(m->load_name, sizeof m->load_name));
    put(&b, load, "z_1k_ohms", json_number(m->load_z_1k_ohms));
    put(&b, load, "z_1k_phase_deg", json_number(m->load_z_1k_phase_deg));
    put(&b, doc, "load", load);
  }
  put(&b, doc, "stage_params", json_text(bench->stage_params, sizeof bench->stage_params));
  put(&b, doc, "supply_split", json_boolean(bench->supply_split));
  if (bench->volume_mode == AMPSIM_VOLUME_NONE) {
    put(&b, doc, "volume", json_null());
  } else {
    json_t *volume = json_object();
    put(&b, volume, "mode", json_string(bench->volume_mode == AMPSIM_VOLUME_POT ? "pot" : "ideal"));
    put(&b, volume, "db", json_number(bench->volume_db));
    put(&b, volume, "pot_ohms", bench->volume_mode == AMPSIM_VOLUME_POT
                                    ? json_number(bench->pot_ohms) : json_null());
    put(&b, volume, "tracking_db", bench->volume_mode == AMPSIM_VOLUME_POT
                                       ? json_number(bench->pot_tracking_db) : json_null());
    put(&b, doc, "volume", volume);
  }
  put(&b, doc, "ground_ohms", json_number(bench->ground_ohms));
  put(&b, doc, "supply_v", json_number(bench->supply_v));
  put(&b, doc, "supply_ohms", json_number(bench->supply_ohms));
  put(&b, doc, "gain_db",
      if_measured(m, AMPSIM_FIG_GAIN, json_number(m->gain_db)));
  put(&b, doc, "dc_offset_mv",
      if_measured(m, AMPSIM_FIG_GAIN, json_number(m->dc_offset_mv)));
  put(&b, doc, "channel_imbalance_db",
      if_measured(m, AMPSIM_FIG_GAIN, json_number(m->channel_imbalance_db)));
  put(&b, doc, "thd", if_measured(m, AMPSIM_FIG_THD, json_thd(&b, m)));
  put(&b, doc, "noise", if_measured(m, AMPSIM_FIG_NOISE, json_noise(&b, m)));
  put(&b, doc, "zout", if_measured(m, AMPSIM_FIG_ZOUT, json_zout(&b, m)));
  {
    json_t *dev = json_object();
    put(&b, dev, "max", json_number(m->response_dev_max_db));
    put(&b, dev, "min", json_number(m->response_dev_min_db));
    put(&b, doc, "response_deviation_db", if_measured(m, AMPSIM_FIG_ZOUT, dev));
  }
  put(&b, doc, "crosstalk",
      if_measured(m, AMPSIM_FIG_CROSSTALK, json_crosstalk(&b, m)));
  put(&b, doc, "crosstalk_floor_db",
      if_measured(m, AMPSIM_FIG_CROSSTALK,
                  json_number(m->crosstalk_floor_db)));
  put(&b, doc, "power", if_measured(m, AMPSIM_FIG_POWER, json_power(&b, m)));
  /* Stability is null when the stage marks no loop (Vloop): never guessed. */
  put(&b, doc, "stability",
      if_measured(m, AMPSIM_FIG_STABILITY,
                  m->has_loop ? json_stability_of(&b, &m->stability) : json_null()));
  put(&b, doc, "stability_halves",
      if_measured(m, AMPSIM_FIG_STABILITY, m->has_loop ? json_halves(&b, m) : json_null()));
  put(&b, doc, "cap_load", if_measured(m, AMPSIM_FIG_STABILITY, json_cap_load(&b, m)));
  put(&b, doc, "imd", if_measured(m, AMPSIM_FIG_IMD, json_imd(&b, m)));
  put(&b, doc, "clipping", if_measured(m, AMPSIM_FIG_CLIPPING, json_clipping(&b, m)));
  put(&b, doc, "elapsed_s", json_number(m->elapsed_s));
  if (doc == NULL || b.failed) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "report: out of memory building JSON");
    goto done;
  }

  dumped = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                               JSON_REAL_PRECISION(17));
  if (dumped == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "report: out of memory writing JSON");
    goto done;
  }
  /* Copy into our own allocation (jansson's allocator may be replaced by an
   * application) and end the document with a newline, as text files do. */
  len = strlen(dumped);
  *out = malloc(len + 2);
  if (*out == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "report: out of memory writing JSON");
    goto done;
  }
  memcpy(*out, dumped, len);
  (*out)[len] = '\n';
  (*out)[len + 1] = '\0';

done:
  free(dumped);
  json_decref(doc);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Table                                                                    */
/* ------------------------------------------------------------------------ */

/* Scratch strings for one line: several formatted numbers side by side. */
typedef char eng_text[48];

static const char *eng(eng_text buf, double value, const char *unit)
{
  return ampsim_report_eng(buf, sizeof(eng_text), value, unit);
}

/* A dB figure with `decimals` decimals, "n/a" for NAN. */
static const char *db_text(eng_text buf, double db, int decimals)
{
  if (isfinite(db))
    snprintf(buf, sizeof(eng_text), "%.*f dB", decimals, db);
  else
    snprintf(buf, sizeof(eng_text), "n/a");
  return buf;
}

/* A percentage with two significant digits in plain (not exponent) notation:
 * 0.0012, 0.25, 1.5, 12. Very small values fall back to exponent form. */
static const char *pct_text(eng_text buf, double pct)
{
  int decimals;

  if (!isfinite(pct)) {
    snprintf(buf, sizeof(eng_text), "n/a");
    return buf;
  }
  if (pct <= 0.0) {
    snprintf(buf, sizeof(eng_text), "0 %%");
    return buf;
  }
  decimals = 1 - (int)floor(log10(pct));
  if (decimals < 0)
    decimals = 0;
  if (decimals > 12)
    snprintf(buf, sizeof(eng_text), "%.2g %%", pct);
  else
    snprintf(buf, sizeof(eng_text), "%.*f %%", decimals, pct);
  return buf;
}

static void table_header(strbuf *tb, const ampsim_measurement *m)
{
  const ampsim_bench_options *bench = &m->options.bench;
  eng_text load, ground, supply, supply_r;
  static const char *const arrangement[AMPSIM_TOPOLOGY_COUNT] = {
    "SE (shared return)", "BTL", "SE, separate returns", "SE, active ground"};
  static const char *const wire_name[AMPSIM_TOPOLOGY_COUNT] = {
    "shared return", "each load wire", "each return wire", "shared return"};
  unsigned t = (unsigned)bench->topology < AMPSIM_TOPOLOGY_COUNT ? (unsigned)bench->topology : 0;

  strbuf_printf(tb, "Stage    %.*s%s%s\n", (int)sizeof m->stage_name, m->stage_name,
                bench->stage_params[0] ? " " : "", bench->stage_params);
  strbuf_printf(tb, "Bench    %s into %.*s; %s %s; supply +/-%s through %s%s\n",
            arrangement[t], (int)sizeof m->load_name,
            m->load_name[0] ? m->load_name : eng(load, bench->load_ohms, "ohm"),
            wire_name[t], eng(ground, bench->ground_ohms, "ohm"),
            eng(supply, bench->supply_v, "V"),
            eng(supply_r, bench->supply_ohms, "ohm"),
            bench->supply_split ? " (one supply per channel)" : "");
  if (bench->volume_mode == AMPSIM_VOLUME_POT)
    strbuf_printf(tb, "Volume   potentiometer %s at %.1f dB, right gang %.2f dB lower\n",
                  eng(load, bench->pot_ohms, "ohm"), bench->volume_db, bench->pot_tracking_db);
  else if (bench->volume_mode == AMPSIM_VOLUME_IDEAL)
    strbuf_printf(tb, "Volume   ideal attenuator at %.1f dB\n", bench->volume_db);
  if (strnlen(m->ngspice_version, sizeof m->ngspice_version) > 0)
    strbuf_printf(tb, "Engine   ngspice %.*s\n", (int)sizeof m->ngspice_version,
              m->ngspice_version);
}

static void table_gain(strbuf *tb, const ampsim_measurement *m)
{
  eng_text gain, offset;

  strbuf_printf(tb, "\nGain / offset\n");
  strbuf_printf(tb, "  gain at 1 kHz    %s\n", db_text(gain, m->gain_db, 2));
  strbuf_printf(tb, "  DC offset        %s\n",
            eng(offset, m->dc_offset_mv * 1e-3, "V"));
  if (isfinite(m->channel_imbalance_db) && fabs(m->channel_imbalance_db) >= 0.005)
    strbuf_printf(tb, "  channel imbalance %+.2f dB (right re left)\n", m->channel_imbalance_db);
}

static void table_thd(strbuf *tb, const ampsim_measurement *m)
{
  size_t i, n = clamp_count(m->n_thd, sizeof m->thd / sizeof m->thd[0]);

  strbuf_printf(tb, "\nTHD\n");
  if (n == 0)
    strbuf_printf(tb, "  (no points)\n");
  for (i = 0; i < n; i++) {
    const ampsim_thd_point *p = &m->thd[i];
    eng_text freq, vout, thd, thd_pct, thdn, thdn_pct, tmax;
    int k, n_show = harmonic_count(p);

    strbuf_printf(tb, "  THD at %s, %s: %s (%s), THD+N %s (%s)\n",
              eng(freq, p->freq_hz, "Hz"), eng(vout, p->vout_rms, "Vrms"),
              db_text(thd, p->thd_db, 1), pct_text(thd_pct, p->thd_pct),
              db_text(thdn, p->thdn_db, 1), pct_text(thdn_pct, p->thdn_pct));
    if (n_show > 4)
      n_show = 4;
    if (n_show > 0) {
      strbuf_printf(tb, "   ");
      for (k = 0; k < n_show; k++) {
        double level = p->harmonics_dbc[k];
        const char *sep = k + 1 < n_show ? "," : "";
        if (isfinite(level))
          strbuf_printf(tb, " H%d %.1f dBc%s", k + 2, level, sep);
        else
          strbuf_printf(tb, " H%d n/a%s", k + 2, sep);
      }
      strbuf_printf(tb, "\n");
    }
    /* A figure under the analysis' own floor is numerical residue: say so
     * rather than let a reader take -290 dB at face value. */
    if (isfinite(p->thd_db) && isfinite(p->floor_db) &&
        p->thd_db <= p->floor_db)
      strbuf_printf(tb, "    THD is below the numerical floor: read it as "
                        "< %.1f dB\n",
                    p->floor_db);
    if (p->converged)
      strbuf_printf(tb, "    converged; numerical floor %s (tmax %s, %d periods)\n",
                db_text(thd, p->floor_db, 1), eng(tmax, p->tmax_s, "s"),
                p->periods);
    else
      strbuf_printf(tb,
                "    NOT converged: THD still moved more than %.3g dB on the "
                "last tmax halving;\n"
                "    numerical floor %s (tmax %s, %d periods)\n",
                m->options.thd_tolerance_db, db_text(thd, p->floor_db, 1),
                eng(tmax, p->tmax_s, "s"), p->periods);
  }
}

/* A voltage in dBV (re 1 Vrms), "n/a" when not positive. */
static const char *dbv_text(eng_text buf, double vrms)
{
  if (isfinite(vrms) && vrms > 0)
    snprintf(buf, sizeof(eng_text), "%.1f dBV", 20.0 * log10(vrms));
  else
    snprintf(buf, sizeof(eng_text), "n/a");
  return buf;
}

static void table_noise(strbuf *tb, const ampsim_measurement *m)
{
  eng_text lo, hi, vrms, vrms_a, dbv, dbv_a;

  strbuf_printf(tb, "\nNoise %s-%s: %s = %s (A-wtd %s = %s)\n",
            eng(lo, m->noise_band_hz[0], "Hz"),
            eng(hi, m->noise_band_hz[1], "Hz"), eng(vrms, m->noise_vrms, "V"),
            dbv_text(dbv, m->noise_vrms), eng(vrms_a, m->noise_vrms_a, "V"),
            dbv_text(dbv_a, m->noise_vrms_a));
  if (isfinite(m->snr_1v_db))
    strbuf_printf(tb, "  SNR re 1 Vrms %.1f dB (A-wtd %.1f dB)", m->snr_1v_db, m->snr_1v_a_db);
  if (isfinite(m->dynamic_range_a_db))
    strbuf_printf(tb, "; dynamic range re 1 %% THD %.1f dB(A)", m->dynamic_range_a_db);
  if (isfinite(m->snr_1v_db))
    strbuf_printf(tb, "\n");
}

/* The table shows the sweep points at 20 Hz, 1 kHz and 20 kHz (the contract
 * puts exactly these frequencies in every sweep). */
static const double table_freqs_hz[3] = { 20.0, 1000.0, 20000.0 };

static int same_freq(double f_hz, double want_hz)
{
  return fabs(f_hz - want_hz) <= 1e-6 * want_hz;
}

/* Rows of a sweep to show: the indexes of the table frequencies that it has,
 * or all its points when it has none of them (a custom sweep). */
static size_t table_rows(size_t rows[AMPSIM_MAX_SWEEP], const double *freqs_hz,
                         size_t n)
{
  size_t i, j, count = 0;

  for (j = 0; j < 3; j++) {
    for (i = 0; i < n; i++) {
      if (same_freq(freqs_hz[i], table_freqs_hz[j])) {
        rows[count++] = i;
        break;
      }
    }
  }
  if (count == 0) {
    for (i = 0; i < n; i++)
      rows[count++] = i;
  }
  return count;
}

static void table_zout(strbuf *tb, const ampsim_measurement *m)
{
  size_t n = clamp_count(m->n_zout, AMPSIM_MAX_SWEEP);
  double freqs_hz[AMPSIM_MAX_SWEEP] = { 0 };
  size_t rows[AMPSIM_MAX_SWEEP];
  size_t i, n_rows;

  strbuf_printf(tb, "\nOutput impedance%s\n",
            m->options.bench.topology == AMPSIM_TOPOLOGY_BTL ? " (differential)"
            : m->options.bench.topology == AMPSIM_TOPOLOGY_ACTIVE_GROUND
                ? " (output to active ground)"
                : "");
  for (i = 0; i < n; i++)
    freqs_hz[i] = m->zout[i].freq_hz;
  n_rows = table_rows(rows, freqs_hz, n);
  for (i = 0; i < n_rows; i++) {
    const ampsim_zout_point *p = &m->zout[rows[i]];
    eng_text freq, ohms;
    strbuf_printf(tb, "  %8s  %10s  %7.1f deg\n", eng(freq, p->freq_hz, "Hz"),
              eng(ohms, p->ohms, "ohm"), p->phase_deg);
  }
  if (n == 0)
    strbuf_printf(tb, "  (no points)\n");
  for (i = 0; i < n; i++) {
    /* Damping factor: |Z_load| / |Zout| at 1 kHz (docs/measurements.md). */
    if (same_freq(m->zout[i].freq_hz, 1000.0) && m->zout[i].ohms > 0 &&
        isfinite(m->load_z_1k_ohms)) {
      strbuf_printf(tb, "  damping factor at 1 kHz: %.0f\n",
                    m->load_z_1k_ohms / m->zout[i].ohms);
      break;
    }
  }
  if (isfinite(m->response_dev_max_db))
    strbuf_printf(tb, "  response deviation into %s, re 1 kHz: %+.3f / %+.3f dB\n",
                  m->load_name, m->response_dev_max_db, m->response_dev_min_db);
}

static void table_crosstalk(strbuf *tb, const ampsim_measurement *m)
{
  size_t n = clamp_count(m->n_crosstalk, AMPSIM_MAX_SWEEP);
  double freqs_hz[AMPSIM_MAX_SWEEP] = { 0 };
  size_t rows[AMPSIM_MAX_SWEEP];
  size_t i, n_rows;
  eng_text floor_db;

  strbuf_printf(tb, "\nCrosstalk L->R (numerical floor %s)\n",
            db_text(floor_db, m->crosstalk_floor_db, 1));
  for (i = 0; i < n; i++)
    freqs_hz[i] = m->crosstalk[i].freq_hz;
  n_rows = table_rows(rows, freqs_hz, n);
  for (i = 0; i < n_rows; i++) {
    const ampsim_crosstalk_point *p = &m->crosstalk[rows[i]];
    eng_text freq, db;
    if (isfinite(p->db))
      strbuf_printf(tb, "  %8s  %s\n", eng(freq, p->freq_hz, "Hz"),
                db_text(db, p->db, 1));
    else if (isfinite(m->crosstalk_floor_db))
      strbuf_printf(tb, "  %8s  below floor (< %.1f dB)\n",
                eng(freq, p->freq_hz, "Hz"), m->crosstalk_floor_db);
    else
      strbuf_printf(tb, "  %8s  below floor\n", eng(freq, p->freq_hz, "Hz"));
  }
  if (n == 0)
    strbuf_printf(tb, "  (no points)\n");
}

static void power_row(strbuf *tb, const char *label, double vout_rms,
                      double pout_w)
{
  eng_text vout, pout;

  if (isfinite(vout_rms))
    strbuf_printf(tb, "  %-10s %10s  %10s\n", label, eng(vout, vout_rms, "Vrms"),
              eng(pout, pout_w, "W"));
  else
    strbuf_printf(tb, "  %-10s not reached\n", label);
}

static void table_power(strbuf *tb, const ampsim_measurement *m)
{
  eng_text load;

  strbuf_printf(tb, "\nMaximum output at 1 kHz into %s\n",
            eng(load, m->options.bench.load_ohms, "ohm"));
  power_row(tb, "1 % THD", m->vout_rms_1pct, m->pout_w_1pct);
  power_row(tb, "0.1 % THD", m->vout_rms_01pct, m->pout_w_01pct);
  if (strnlen(m->power_note, sizeof m->power_note) > 0)
    strbuf_printf(tb, "  note: %.*s\n", (int)sizeof m->power_note, m->power_note);
}

static void stability_row(strbuf *tb, const char *label, const ampsim_stability *st)
{
  eng_text fc;
  strbuf_printf(tb, "  %-14s crossover %s, phase margin ", label,
                isfinite(st->crossover_hz) ? eng(fc, st->crossover_hz, "Hz") : "none");
  if (isfinite(st->phase_margin_deg))
    strbuf_printf(tb, "%.1f deg", st->phase_margin_deg);
  else
    strbuf_printf(tb, "n/a");
  if (isfinite(st->gain_margin_db))
    strbuf_printf(tb, ", gain margin %.1f dB\n", st->gain_margin_db);
  else
    strbuf_printf(tb, ", gain margin n/a (phase stays above -180 deg)\n");
}

static void table_stability(strbuf *tb, const ampsim_measurement *m)
{
  strbuf_printf(tb, "\nStability (loop gain at Vloop)\n");
  if (!m->has_loop) {
    strbuf_printf(tb, "  the stage marks no feedback loop (Vloop): margins not measured\n");
  } else if (m->n_halves == 2) {
    stability_row(tb, "+ half", &m->halves[0]);
    stability_row(tb, "- half", &m->halves[1]);
  } else {
    stability_row(tb, "loop", &m->stability);
  }
  if (m->n_cap_load > 0)
    strbuf_printf(tb, "  %-10s %9s %11s %11s %11s %12s %9s\n", "cable C", "overshoot", "ringing",
                  "settling", "|Zout| peak", "at", "PM");
  for (size_t i = 0; i < m->n_cap_load && i < AMPSIM_MAX_CAPS; i++) {
    const ampsim_cap_load_point *c = &m->cap_load[i];
    eng_text cap, ring, settle, z, f, pm;
    snprintf(pm, sizeof pm, isfinite(c->stability.phase_margin_deg) ? "%.1f deg" : "n/a",
             c->stability.phase_margin_deg);
    strbuf_printf(tb, "  %-10s %8.1f%% %11s %11s %11s %12s %9s\n", eng(cap, c->cap_f, "F"),
                  c->overshoot_pct, isfinite(c->ring_hz) ? eng(ring, c->ring_hz, "Hz") : "none",
                  eng(settle, c->settling_s, "s"), eng(z, c->zout_peak_ohms, "ohm"),
                  eng(f, c->zout_peak_hz, "Hz"), pm);
  }
}

static void table_imd(strbuf *tb, const ampsim_measurement *m)
{
  strbuf_printf(tb, "\nIntermodulation (definitions: docs/imd.md)\n");
  for (size_t i = 0; i < m->n_imd && i < 2; i++) {
    const ampsim_imd_point *p = &m->imd[i];
    strbuf_printf(tb, "  %-6s at %.3g Vrms: d2 %.1f dB, d3 %.1f dB, IMD %.1f dB\n",
                  p->test == AMPSIM_IMD_SMPTE ? "SMPTE" : "CCIF", p->vout_rms, p->d2_db, p->d3_db,
                  p->imd_db);
  }
}

int ampsim_report_table(char **out, const ampsim_measurement *m)
{
  strbuf tb = STRBUF_INIT;
  locale_t c_numeric;
  locale_t old_locale = (locale_t)0;

  if (out == NULL || m == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "report: NULL argument");
  *out = NULL;

  /* Numbers in the C locale throughout, as the JSON: ampsim_report_eng()
   * formats with snprintf, which follows the thread's locale. */
  c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  if (c_numeric != (locale_t)0)
    old_locale = uselocale(c_numeric);

  table_header(&tb, m);
  if (measured(m, AMPSIM_FIG_GAIN))
    table_gain(&tb, m);
  if (measured(m, AMPSIM_FIG_THD))
    table_thd(&tb, m);
  if (measured(m, AMPSIM_FIG_NOISE))
    table_noise(&tb, m);
  if (measured(m, AMPSIM_FIG_ZOUT))
    table_zout(&tb, m);
  if (measured(m, AMPSIM_FIG_CROSSTALK))
    table_crosstalk(&tb, m);
  if (measured(m, AMPSIM_FIG_POWER))
    table_power(&tb, m);
  if (measured(m, AMPSIM_FIG_STABILITY))
    table_stability(&tb, m);
  if (measured(m, AMPSIM_FIG_IMD))
    table_imd(&tb, m);
  if (measured(m, AMPSIM_FIG_CLIPPING) && m->has_clipping)
    strbuf_printf(&tb, "\nOverload recovery (burst 6 dB above 1 %% THD)\n  recovery %s; clipping %s (%.1f %%)%s\n",
                  isfinite(m->clipping.recovery_s) ? "measured" : "not within the window",
                  m->clipping.symmetric ? "symmetric" : "asymmetric", m->clipping.asymmetry_pct,
                  m->clipping.latched ? "; LATCHED or oscillating after the burst" : "");
  if (measured(m, AMPSIM_FIG_CLIPPING) && m->has_clipping && isfinite(m->clipping.recovery_s)) {
    eng_text t;
    strbuf_printf(&tb, "  recovery time %s\n", eng(t, m->clipping.recovery_s, "s"));
  }
  if (m->elapsed_s > 0)
    strbuf_printf(&tb, "\nMeasured in %.1f s\n", m->elapsed_s);


  if (c_numeric != (locale_t)0) {
    uselocale(old_locale);
    freelocale(c_numeric);
  }
  *out = strbuf_take(&tb);
  if (*out == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "report: out of memory");
  return 0;
}
