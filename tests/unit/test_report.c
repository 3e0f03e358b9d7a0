/*
 * test_report.c - the report module (JSON contract, table, engineering
 * notation) on hand-filled measurements, and atomic file writing.
 */
#include "test_main.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ampsim/error.h"
#include "ampsim/fileio.h"
#include "ampsim/report.h"

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */
/* ------------------------------------------------------------------------ */

/* A measurement with every figure set to a distinct, recognisable value. */
static ampsim_measurement *sample_measurement(void)
{
  static const double zout_hz[5] = { 20.0, 200.0, 1000.0, 5000.0, 20000.0 };
  const ampsim_measure_options defaults = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m = calloc(1, sizeof *m);
  ampsim_thd_point *p;
  int k;
  size_t i;

  assert_non_null(m);
  m->options = defaults;
  m->options.bench.topology = AMPSIM_TOPOLOGY_BTL;
  m->options.bench.load_ohms = 300.0;
  m->options.bench.ground_ohms = 0.1;
  m->options.bench.supply_v = 12.0;
  m->options.bench.supply_ohms = 0.5;
  snprintf(m->stage_name, sizeof m->stage_name, "stages/amp.cir:amp_1");
  snprintf(m->ngspice_version, sizeof m->ngspice_version, "39");
  m->gain_db = 12.041199826559248;
  m->dc_offset_mv = -0.25;

  m->n_thd = 2;
  p = &m->thd[0];
  p->freq_hz = 1000.0;
  p->vout_rms = 1.0;
  p->vin_peak = 0.3535533905932738;
  p->thd_db = -98.2;
  p->thd_pct = 0.0012302687708123812;
  p->thdn_db = -98.1;
  p->thdn_pct = 0.0012445146117713838;
  p->n_harmonics = 4;
  for (k = 0; k < 4; k++)
    p->harmonics_dbc[k] = -100.0 - 10.0 * k;
  p->converged = 1;
  p->floor_db = -190.5;
  p->tmax_s = 1e-6;
  p->periods = 20;

  p = &m->thd[1];
  p->freq_hz = 20000.0;
  p->vout_rms = 2.5;
  p->vin_peak = 0.9;
  p->thd_db = -80.0;
  p->thd_pct = 0.01;
  p->thdn_db = -79.5;
  p->thdn_pct = 0.0106;
  p->n_harmonics = 9;
  for (k = 0; k < 9; k++)
    p->harmonics_dbc[k] = -81.0 - k;
  p->converged = 0;
  p->floor_db = -170.0;
  p->tmax_s = 2.5e-8;
  p->periods = 40;

  m->noise_band_hz[0] = 20.0;
  m->noise_band_hz[1] = 20000.0;
  m->noise_vrms = 1.23e-6;
  m->noise_vrms_a = 0.98e-6;

  m->n_zout = 5;
  for (i = 0; i < 5; i++) {
    m->zout[i].freq_hz = zout_hz[i];
    m->zout[i].ohms = 0.012 * (double)(i + 1);
    m->zout[i].phase_deg = 1.5 * (double)i;
  }

  m->n_crosstalk = 3;
  m->crosstalk[0].freq_hz = 20.0;
  m->crosstalk[0].db = -120.25;
  m->crosstalk[1].freq_hz = 1000.0;
  m->crosstalk[1].db = NAN;
  m->crosstalk[2].freq_hz = 20000.0;
  m->crosstalk[2].db = -95.5;
  m->crosstalk_floor_db = -180.0;

  m->vout_rms_1pct = 7.24;
  m->pout_w_1pct = 7.24 * 7.24 / 300.0;
  m->vout_rms_01pct = 6.5;
  m->pout_w_01pct = 6.5 * 6.5 / 300.0;
  m->elapsed_s = 12.5;
  return m;
}

static json_t *parse_json(const char *text)
{
  json_error_t error;
  json_t *doc = json_loads(text, 0, &error);

  if (doc == NULL)
    fail_msg("JSON does not parse: %s at line %d: %s", error.text, error.line,
             text);
  return doc;
}

static json_t *key(const json_t *object, const char *name)
{
  json_t *value = json_object_get(object, name);

  if (value == NULL)
    fail_msg("key '%s' missing", name);
  return value;
}

/* Numbers must read back exactly (17 significant digits). */
static void assert_number(const json_t *object, const char *name,
                          double expected)
{
  json_t *value = key(object, name);

  if (!json_is_number(value))
    fail_msg("key '%s' is not a number", name);
  if (json_number_value(value) != expected)
    fail_msg("key '%s': %.17g, expected %.17g", name,
             json_number_value(value), expected);
}

static void assert_json_null(const json_t *object, const char *name)
{
  if (!json_is_null(key(object, name)))
    fail_msg("key '%s' is not null", name);
}

/* ------------------------------------------------------------------------ */
/* Engineering notation                                                     */
/* ------------------------------------------------------------------------ */

static void eng_prefixes(void **state)
{
  static const struct {
    double value;
    const char *unit;
    const char *expected;
  } cases[] = {
    { 0.00123, "V", "1.23 mV" },    { 0.012, "ohm", "12 mohm" },
    { 1000.0, "Hz", "1 kHz" },      { 20000.0, "Hz", "20 kHz" },
    { 20.0, "Hz", "20 Hz" },        { 0.65, "W", "650 mW" },
    { 1.23e-6, "V", "1.23 uV" },    { -4.56e-5, "V", "-45.6 uV" },
    { 4.7e-9, "F", "4.7 nF" },      { 3.3e-12, "F", "3.3 pF" },
    { 1e-15, "A", "1 fA" },         { 2.2e6, "ohm", "2.2 Mohm" },
    { 1.5e9, "Hz", "1.5 GHz" },     { 999e12, "W", "999 TW" },
    { 32.0, "ohm", "32 ohm" },      { 123.456, "V", "123 V" },
    { 4700.0, NULL, "4.7 k" },      { 4700.0, "", "4.7 k" },
    { 7.0, NULL, "7" },             { 1.0, "Vrms", "1 Vrms" },
    { 0.5, "Vrms", "500 mVrms" },
  };
  char buf[64];
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *r = ampsim_report_eng(buf, sizeof buf, cases[i].value, cases[i].unit);
    assert_ptr_equal(r, buf);
    assert_string_equal(buf, cases[i].expected);
  }
}

static void eng_rounding_and_edges(void **state)
{
  static const struct {
    double value;
    const char *expected;
  } cases[] = {
    /* Rounding to 3 digits carries into the next prefix. */
    { 0.99996, "1 V" },     { 999.96e-3, "1 V" },   { 999.6, "1 kV" },
    { 999.4, "999 V" },     { 0.0009999, "1 mV" },  { 1e-3, "1 mV" },
    { 1e3, "1 kV" },        { 1e-6, "1 uV" },
    /* Zero, outside the prefixes, not finite. */
    { 0.0, "0 V" },         { -0.0, "0 V" },        { 1e-18, "1e-18 V" },
    { 1.5e15, "1.5e+15 V" }, { 9.9996e14, "1e+15 V" },
    { NAN, "n/a" },         { INFINITY, "inf V" },  { -INFINITY, "-inf V" },
  };
  char buf[64];
  char small[5];
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ampsim_report_eng(buf, sizeof buf, cases[i].value, "V");
    if (strcmp(buf, cases[i].expected) != 0)
      fail_msg("%.17g: '%s', expected '%s'", cases[i].value, buf,
               cases[i].expected);
  }
  /* A short buffer truncates, always terminated. */
  ampsim_report_eng(small, sizeof small, 0.00123, "V");
  assert_string_equal(small, "1.23");
  /* n == 0 writes nothing. */
  buf[0] = 'x';
  ampsim_report_eng(buf, 0, 1.0, "V");
  assert_int_equal(buf[0], 'x');
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static void json_contract_keys_and_values(void **state)
{
  ampsim_measurement *m = sample_measurement();
  char *text = NULL;
  json_t *doc, *thd, *point, *harmonics, *noise, *band, *zout, *xt, *power;
  size_t i;

  (void)state;
  assert_int_equal(ampsim_report_json(&text, m), 0);
  assert_non_null(text);
  assert_int_equal(text[strlen(text) - 1], '\n');
  doc = parse_json(text);
  assert_true(json_is_object(doc));

  assert_string_equal(json_string_value(key(doc, "topology")), "btl");
  assert_string_equal(json_string_value(key(doc, "stage")),
                      "stages/amp.cir:amp_1");
  assert_string_equal(json_string_value(key(doc, "ngspice_version")), "39");
  assert_true(json_is_string(key(doc, "ampsim_version")));
  assert_number(doc, "load_ohms", 300.0);
  assert_number(doc, "ground_ohms", 0.1);
  assert_number(doc, "supply_v", 12.0);
  assert_number(doc, "supply_ohms", 0.5);
  assert_number(doc, "gain_db", 12.041199826559248);
  assert_number(doc, "dc_offset_mv", -0.25);
  assert_number(doc, "elapsed_s", 12.5);

  thd = key(doc, "thd");
  assert_true(json_is_array(thd));
  assert_int_equal(json_array_size(thd), 2);
  point = json_array_get(thd, 0);
  assert_number(point, "freq_hz", 1000.0);
  assert_number(point, "vout_rms", 1.0);
  assert_number(point, "vin_peak", 0.3535533905932738);
  assert_number(point, "thd_db", -98.2);
  assert_number(point, "thd_pct", 0.0012302687708123812);
  assert_number(point, "thdn_db", -98.1);
  assert_number(point, "thdn_pct", 0.0012445146117713838);
  assert_true(json_is_true(key(point, "converged")));
  assert_number(point, "floor_db", -190.5);
  assert_number(point, "tmax_s", 1e-6);
  assert_true(json_is_integer(key(point, "periods")));
  assert_int_equal(json_integer_value(key(point, "periods")), 20);
  harmonics = key(point, "harmonics_dbc");
  assert_int_equal(json_array_size(harmonics), 4);
  for (i = 0; i < 4; i++)
    assert_true(json_number_value(json_array_get(harmonics, i)) ==
                -100.0 - 10.0 * (double)i);
  point = json_array_get(thd, 1);
  assert_true(json_is_false(key(point, "converged")));
  assert_int_equal(json_array_size(key(point, "harmonics_dbc")), 9);
  assert_number(point, "tmax_s", 2.5e-8);

  noise = key(doc, "noise");
  band = key(noise, "band_hz");
  assert_int_equal(json_array_size(band), 2);
  assert_true(json_number_value(json_array_get(band, 0)) == 20.0);
  assert_true(json_number_value(json_array_get(band, 1)) == 20000.0);
  assert_number(noise, "vrms", 1.23e-6);
  assert_number(noise, "vrms_a", 0.98e-6);

  zout = key(doc, "zout");
  assert_int_equal(json_array_size(zout), 5);
  for (i = 0; i < 5; i++) {
    assert_number(json_array_get(zout, i), "freq_hz", m->zout[i].freq_hz);
    assert_number(json_array_get(zout, i), "ohms", m->zout[i].ohms);
    assert_number(json_array_get(zout, i), "phase_deg", m->zout[i].phase_deg);
  }

  xt = key(doc, "crosstalk");
  assert_int_equal(json_array_size(xt), 3);
  assert_number(json_array_get(xt, 0), "freq_hz", 20.0);
  assert_number(json_array_get(xt, 0), "db", -120.25);
  assert_json_null(json_array_get(xt, 1), "db");
  assert_number(json_array_get(xt, 2), "db", -95.5);
  assert_number(doc, "crosstalk_floor_db", -180.0);

  power = key(doc, "power");
  assert_number(power, "vout_rms_1pct", 7.24);
  assert_number(power, "pout_w_1pct", 7.24 * 7.24 / 300.0);
  assert_number(power, "vout_rms_01pct", 6.5);
  assert_number(power, "pout_w_01pct", 6.5 * 6.5 / 300.0);
  assert_json_null(power, "note");

  json_decref(doc);
  free(text);
  free(m);
}

static void json_key_order_is_fixed(void **state)
{
  static const char *const top_keys[] = {
    "ampsim_version", "stage", "ngspice_version", "topology", "load_ohms", "load",
    "stage_params", "supply_split", "volume",
    "ground_ohms", "supply_v", "supply_ohms", "gain_db", "dc_offset_mv", "channel_imbalance_db",
    "thd", "noise", "zout", "response_deviation_db", "crosstalk", "crosstalk_floor_db", "power",
    "stability", "stability_halves", "cap_load", "imd", "clipping",
    "elapsed_s",
  };
  ampsim_measurement *m = sample_measurement();
  char *first = NULL;
  char *second = NULL;
  const char *previous;
  json_t *doc;
  size_t i;

  (void)state;
  assert_int_equal(ampsim_report_json(&first, m), 0);
  assert_int_equal(ampsim_report_json(&second, m), 0);
  assert_string_equal(first, second);

  /* Top-level keys appear in the documented order and there are no others. */
  previous = first;
  for (i = 0; i < sizeof top_keys / sizeof top_keys[0]; i++) {
    char needle[64];
    const char *at;
    snprintf(needle, sizeof needle, "\n  \"%s\":", top_keys[i]);
    at = strstr(first, needle);
    if (at == NULL || at < previous)
      fail_msg("top-level key '%s' missing or out of order", top_keys[i]);
    previous = at;
  }
  doc = parse_json(first);
  assert_int_equal(json_object_size(doc),
                   sizeof top_keys / sizeof top_keys[0]);
  json_decref(doc);
  free(first);
  free(second);
  free(m);
}

static void json_nan_is_null(void **state)
{
  ampsim_measurement *m = sample_measurement();
  char *text = NULL;
  json_t *doc, *power, *point;

  (void)state;
  m->gain_db = NAN;
  m->dc_offset_mv = INFINITY;
  m->thd[0].harmonics_dbc[2] = NAN;
  m->thd[0].floor_db = -INFINITY;
  m->noise_vrms_a = NAN;
  m->zout[1].phase_deg = NAN;
  m->crosstalk_floor_db = NAN;
  m->vout_rms_1pct = NAN;
  m->pout_w_1pct = NAN;
  snprintf(m->power_note, sizeof m->power_note,
           "1 %% THD not reached below 14.1 Vrms (rails)");
  m->ngspice_version[0] = '\0';

  assert_int_equal(ampsim_report_json(&text, m), 0);
  doc = parse_json(text);
  assert_json_null(doc, "gain_db");
  assert_json_null(doc, "dc_offset_mv");
  assert_json_null(doc, "crosstalk_floor_db");
  assert_json_null(doc, "ngspice_version");
  point = json_array_get(key(doc, "thd"), 0);
  assert_true(json_is_null(json_array_get(key(point, "harmonics_dbc"), 2)));
  assert_int_equal(json_array_size(key(point, "harmonics_dbc")), 4);
  assert_json_null(point, "floor_db");
  assert_json_null(key(doc, "noise"), "vrms_a");
  assert_json_null(json_array_get(key(doc, "zout"), 1), "phase_deg");
  power = key(doc, "power");
  assert_json_null(power, "vout_rms_1pct");
  assert_json_null(power, "pout_w_1pct");
  assert_number(power, "vout_rms_01pct", 6.5);
  assert_string_equal(json_string_value(key(power, "note")),
                      "1 % THD not reached below 14.1 Vrms (rails)");
  /* No bare NaN / Infinity tokens anywhere (they are not JSON). */
  assert_null(strstr(text, "nan"));
  assert_null(strstr(text, "inf"));
  json_decref(doc);
  free(text);
  free(m);
}

static void json_unmeasured_figures_are_null(void **state)
{
  ampsim_measurement *m = sample_measurement();
  char *text = NULL;
  json_t *doc;

  (void)state;
  m->options.figures = AMPSIM_FIG_THD | AMPSIM_FIG_ZOUT;
  assert_int_equal(ampsim_report_json(&text, m), 0);
  doc = parse_json(text);
  assert_int_equal(json_array_size(key(doc, "thd")), 2);
  assert_int_equal(json_array_size(key(doc, "zout")), 5);
  assert_json_null(doc, "gain_db");
  assert_json_null(doc, "dc_offset_mv");
  assert_json_null(doc, "noise");
  assert_json_null(doc, "crosstalk");
  assert_json_null(doc, "crosstalk_floor_db");
  assert_json_null(doc, "power");
  /* The bench is always there. */
  assert_number(doc, "load_ohms", 300.0);
  json_decref(doc);
  free(text);
  free(m);
}

static void json_odd_strings_and_counts(void **state)
{
  ampsim_measurement *m = sample_measurement();
  char *text = NULL;
  json_t *doc;

  (void)state;
  /* Not UTF-8 (a Latin-1 file name) and a quote: still valid JSON. */
  snprintf(m->stage_name, sizeof m->stage_name, "caf\xe9 \"amp\".cir:x");
  /* Counts beyond the arrays are clamped, never read past the end. */
  m->thd[0].n_harmonics = AMPSIM_MAX_HARMONIC + 5;
  m->n_zout = AMPSIM_MAX_SWEEP + 1;
  assert_int_equal(ampsim_report_json(&text, m), 0);
  doc = parse_json(text);
  assert_string_equal(json_string_value(key(doc, "stage")),
                      "caf? \"amp\".cir:x");
  assert_int_equal(json_array_size(key(json_array_get(key(doc, "thd"), 0),
                                       "harmonics_dbc")),
                   AMPSIM_MAX_HARMONIC);
  assert_int_equal(json_array_size(key(doc, "zout")), AMPSIM_MAX_SWEEP);
  json_decref(doc);
  free(text);
  assert_int_equal(ampsim_report_json(&text, NULL), AMPSIM_EINVAL);
  free(m);
}

/* ------------------------------------------------------------------------ */
/* Table                                                                    */
/* ------------------------------------------------------------------------ */

static void assert_contains(const char *text, const char *needle)
{
  if (strstr(text, needle) == NULL)
    fail_msg("'%s' not found in:\n%s", needle, text);
}

static void table_sections_and_units(void **state)
{
  ampsim_measurement *m = sample_measurement();
  char *text = NULL;

  (void)state;
  assert_int_equal(ampsim_report_table(&text, m), 0);
  assert_contains(text, "stages/amp.cir:amp_1");
  assert_contains(text, "BTL into 300 ohm");
  assert_contains(text, "Gain / offset");
  assert_contains(text, "12.04 dB");
  assert_contains(text, "-250 uV");
  assert_contains(text, "THD at 1 kHz, 1 Vrms: -98.2 dB (0.0012 %), "
                        "THD+N -98.1 dB (0.0012 %)");
  assert_contains(text, "H2 -100.0 dBc, H3 -110.0 dBc, H4 -120.0 dBc, "
                        "H5 -130.0 dBc");
  assert_contains(text, "THD at 20 kHz, 2.5 Vrms: -80.0 dB (0.010 %)");
  assert_contains(text, "converged; numerical floor -190.5 dB");
  assert_contains(text, "NOT converged");
  assert_contains(text, "Noise 20 Hz-20 kHz: 1.23 uV");
  assert_contains(text, "A-wtd 980 nV");
  assert_contains(text, "Output impedance");
  assert_contains(text, "12 mohm");
  assert_contains(text, "36 mohm");
  assert_contains(text, "60 mohm");
  assert_null(strstr(text, "24 mohm")); /* 200 Hz is not a table row */
  assert_contains(text, "Crosstalk");
  assert_contains(text, "-120.2 dB");
  assert_contains(text, "below floor (< -180.0 dB)");
  assert_contains(text, "Maximum output");
  assert_contains(text, "7.24 Vrms");
  assert_contains(text, "175 mW");
  assert_contains(text, "141 mW");
  assert_int_equal(text[strlen(text) - 1], '\n');
  assert_null(strstr(text, "below the numerical floor"));
  free(text);

  /* A THD under its own floor is flagged as such. */
  m->thd[0].floor_db = -90.0;
  assert_int_equal(ampsim_report_table(&text, m), 0);
  assert_contains(text, "THD is below the numerical floor: read it as "
                        "< -90.0 dB");
  free(text);

  /* Not reached: the reason is shown. Unmeasured sections are left out. */
  m->vout_rms_1pct = NAN;
  m->pout_w_1pct = NAN;
  snprintf(m->power_note, sizeof m->power_note, "never reaches 1 %% THD");
  m->options.figures = AMPSIM_FIG_POWER;
  assert_int_equal(ampsim_report_table(&text, m), 0);
  assert_contains(text, "not reached");
  assert_contains(text, "never reaches 1 % THD");
  assert_null(strstr(text, "Gain / offset"));
  assert_null(strstr(text, "Noise"));
  assert_null(strstr(text, "Crosstalk"));
  free(text);
  free(m);
}

/* ------------------------------------------------------------------------ */
/* Atomic file writing                                                      */
/* ------------------------------------------------------------------------ */

static char *make_temp_dir(void)
{
  char *dir = strdup("/tmp/ampsim-test-report-XXXXXX");

  assert_non_null(dir);
  assert_non_null(mkdtemp(dir));
  return dir;
}

static char *path_in(const char *dir, const char *name)
{
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);

  assert_non_null(path);
  snprintf(path, n, "%s/%s", dir, name);
  return path;
}

static char *read_all(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *data = calloc(1, 4096);
  size_t n;

  assert_non_null(f);
  assert_non_null(data);
  n = fread(data, 1, 4095, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

/* Names in dir, other than . and .., joined by '/'. */
static void list_dir(char *out, size_t n, const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;

  assert_non_null(d);
  out[0] = '\0';
  for (e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (out[0] != '\0')
      strncat(out, "/", n - strlen(out) - 1);
    strncat(out, e->d_name, n - strlen(out) - 1);
  }
  closedir(d);
}

static void atomic_write_replaces_file(void **state)
{
  char *dir = make_temp_dir();
  char *path = path_in(dir, "out.json");
  char names[1024];
  char *data;
  struct stat st;
  FILE *f;

  (void)state;
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("old content, longer than the new one\n", f);
  fclose(f);
  assert_int_equal(chmod(path, 0640), 0);

  assert_int_equal(ampsim_file_write_atomic(path, "new\n", 4), 0);
  data = read_all(path);
  assert_string_equal(data, "new\n");
  free(data);
  /* The replaced file's permissions are kept; no temporary file is left. */
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0640);
  list_dir(names, sizeof names, dir);
  assert_string_equal(names, "out.json");

  /* An empty document is a valid write. */
  assert_int_equal(ampsim_file_write_atomic(path, NULL, 0), 0);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, 0);

  assert_int_equal(unlink(path), 0);
  assert_int_equal(rmdir(dir), 0);
  free(path);
  free(dir);
}

static void atomic_write_new_file_mode(void **state)
{
  char *dir = make_temp_dir();
  char *path = path_in(dir, "new.json");
  mode_t old_mask = umask(027);
  struct stat st;
  char *data;

  (void)state;
  assert_int_equal(ampsim_file_write_atomic(path, "{}\n", 3), 0);
  umask(old_mask);
  data = read_all(path);
  assert_string_equal(data, "{}\n");
  free(data);
  /* As fopen() would create it: 0666 minus the umask, not mkstemp's 0600. */
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0640);
  assert_int_equal(unlink(path), 0);
  assert_int_equal(rmdir(dir), 0);
  free(path);
  free(dir);
}

static void atomic_write_missing_folder_fails(void **state)
{
  char *dir = make_temp_dir();
  char *path = path_in(dir, "missing/out.json");
  char expected[1024];
  char names[1024];

  (void)state;
  ampsim_error_clear();
  assert_int_equal(ampsim_file_write_atomic(path, "x", 1), AMPSIM_EIO);
  assert_int_equal(ampsim_error_last_code(), AMPSIM_EIO);
  snprintf(expected, sizeof expected, "%s: %s", path, strerror(ENOENT));
  assert_string_equal(ampsim_error_last(), expected);
  list_dir(names, sizeof names, dir);
  assert_string_equal(names, "");
  assert_int_equal(rmdir(dir), 0);
  free(path);
  free(dir);
}

static void atomic_write_over_folder_fails(void **state)
{
  char *dir = make_temp_dir();
  char *sub = path_in(dir, "sub");
  char expected[1024];
  char names[1024];

  (void)state;
  assert_int_equal(mkdir(sub, 0700), 0);
  /* rename() refuses to put a file over a folder: the temporary is removed. */
  assert_int_equal(ampsim_file_write_atomic(sub, "x", 1), AMPSIM_EIO);
  snprintf(expected, sizeof expected, "%s: %s", sub, strerror(EISDIR));
  assert_string_equal(ampsim_error_last(), expected);
  list_dir(names, sizeof names, dir);
  assert_string_equal(names, "sub");
  assert_int_equal(ampsim_file_write_atomic("", "x", 1), AMPSIM_EINVAL);
  assert_int_equal(rmdir(sub), 0);
  assert_int_equal(rmdir(dir), 0);
  free(sub);
  free(dir);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(eng_prefixes),
  cmocka_unit_test(eng_rounding_and_edges),
  cmocka_unit_test(json_contract_keys_and_values),
  cmocka_unit_test(json_key_order_is_fixed),
  cmocka_unit_test(json_nan_is_null),
  cmocka_unit_test(json_unmeasured_figures_are_null),
  cmocka_unit_test(json_odd_strings_and_counts),
  cmocka_unit_test(table_sections_and_units),
  cmocka_unit_test(atomic_write_replaces_file),
  cmocka_unit_test(atomic_write_new_file_mode),
  cmocka_unit_test(atomic_write_missing_folder_fails),
  cmocka_unit_test(atomic_write_over_folder_fails),
};

AMPSIM_TEST_MAIN(tests)
