/*
 * cmd_measure.c - `ampsim measure`: every figure of a stage in its bench, as
 * a table on stdout and/or the JSON document of the contract.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ampsim/fileio.h"
#include "ampsim/report.h"

/* THD counts harmonics up to 20 kHz and THD+N integrates 20 Hz..20 kHz, so a
 * THD tone above the audio band has nothing to measure. */
#define CLI_THD_MAX_FREQ_HZ 20000.0
#define CLI_MAX_JOBS 1024

enum {
  OPT_FREQ = CLI_OPT_FIRST_COMMAND_OPTION,
  OPT_VOUT,
  OPT_JSON,
  OPT_JOBS,
  OPT_TIMEOUT,
  OPT_FIGURES,
  OPT_CAP_LOAD,
  OPT_IMD,
  OPT_CLIPPING
};

static const cli_option measure_options[] = {
  CLI_BENCH_OPTION_ENTRIES,
  { OPT_FREQ, "--freq", 0, 1 },
  { OPT_VOUT, "--vout", 0, 1 },
  { OPT_JSON, "--json", 0, 1 },
  { OPT_JOBS, "--jobs", 'j', 1 },
  { OPT_TIMEOUT, "--timeout", 0, 1 },
  { OPT_FIGURES, "--figures", 0, 1 },
  { OPT_CAP_LOAD, "--cap-load", 0, 1 },
  { OPT_IMD, "--imd", 0, 1 },
  { OPT_CLIPPING, "--clipping", 0, 0 },
  { 0, NULL, 0, 0 }
};

void cli_help_measure(void)
{
  printf("Usage: ampsim measure --stage FILE.cir:SUBCKT|NAME [options]\n"
         "       ampsim measure DESIGN.xml [options]\n"
         "\n"
         "Build the stereo test bench around the stage, simulate it in\n"
         "libngspice and report THD, THD+N and harmonics, output noise\n"
         "(20 Hz-20 kHz, unweighted and A-weighted), output impedance,\n"
         "crosstalk, maximum output at 1 %% and 0.1 %% THD, gain and DC\n"
         "offset. Without --json, a readable table goes to stdout.\n"
         "\n"
         "With a design file (XML, see netlists/schema/design.rng and\n"
         "'ampsim validate'), every design in it is measured: one table per\n"
         "design under its name; --json gives one object, or an array of them\n"
         "when the file holds several designs, each with its \"design\" name.\n"
         "Every option given here overrides the file's value in every design\n"
         "(--param merges with the file's parameters). All designs are checked\n"
         "before the first simulation.\n"
         "\n"
         "Options:\n");
  fputs(cli_help_bench_options, stdout);
  printf("  --freq HZ[,HZ...]    THD test frequencies, each > 0 and at most\n"
         "                       20 kHz (harmonics are counted up to 20 kHz);\n"
         "                       at most %d [1k]\n"
         "  --vout VRMS[,VRMS...]\n"
         "                       THD levels: RMS volts across the load\n"
         "                       (differential for BTL), each > 0; at most %d\n"
         "                       [1]\n"
         "  --json PATH|-        write the JSON document to PATH (atomically;\n"
         "                       the table still goes to stdout), or with '-'\n"
         "                       to stdout instead of the table\n"
         "  -j, --jobs N         worker processes; 0 = one per core [0]\n"
         "  --timeout SECONDS    time limit of each simulation task; 0 = none\n"
         "                       [300]\n"
         "  --figures LIST       what to measure, comma-separated, from thd,\n"
         "                       noise, zout, crosstalk, power, gain, stability,\n"
         "                       imd, clipping, all (the first six), every\n"
         "                       [all,stability]\n"
         "  --cap-load C[,C...]  capacitances (farads) across the load, as a long\n"
         "                       cable: loop gain and margins, step overshoot,\n"
         "                       ringing and settling, |Zout| peak, for each\n"
         "  --imd smpte,ccif     intermodulation: SMPTE RP120 (60 Hz + 7 kHz,\n"
         "                       4:1) and/or IEC 60268-3 difference frequency\n"
         "                       (19 kHz + 20 kHz) at the first --vout level\n"
         "  --clipping           overload recovery: a burst 6 dB above 1 %% THD,\n"
         "                       then the first --vout level: recovery time,\n"
         "                       symmetry, latching\n"
         "  -h, --help           this text\n"
         "\n",
         AMPSIM_MAX_LEVELS, AMPSIM_MAX_LEVELS);
  fputs(cli_help_footer, stdout);
}

static int parse_figures(unsigned *out, const char *name, const char *text)
{
  ampsim_error_clear();
  if (ampsim_figures_parse(out, text) != 0)
    return cli_error("%s: %s", name, ampsim_error_last());
  return 0;
}

static int parse_freqs(ampsim_measure_options *opts, const char *name,
                       const char *text)
{
  size_t i;

  if (cli_parse_list(opts->freqs_hz, &opts->n_freqs, AMPSIM_MAX_LEVELS, name,
                     text, CLI_POSITIVE, "Hz") != 0)
    return CLI_EXIT_ERROR;
  for (i = 0; i < opts->n_freqs; i++) {
    if (opts->freqs_hz[i] > CLI_THD_MAX_FREQ_HZ)
      return cli_error("%s: %g Hz is above 20 kHz: THD counts harmonics up to "
                       "20 kHz, so the tone must lie in the audio band",
                       name, opts->freqs_hz[i]);
  }
  return 0;
}

/* Fail before a long measurement, not after it, when the JSON file cannot be
 * written: its folder must exist and be writable, and it must not be a
 * folder. The write itself reports anything that this misses. */
static int check_output_path(const char *path)
{
  const char *slash = strrchr(path, '/');
  struct stat st;
  char *folder;
  int ok;

  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return cli_error("--json: %s: %s", path, strerror(EISDIR));
  if (slash == NULL) {
    folder = malloc(2);
    if (folder != NULL)
      strcpy(folder, ".");
  } else {
    size_t len = (size_t)(slash - path) + 1;
    folder = malloc(len + 1);
    if (folder != NULL) {
      memcpy(folder, path, len);
      folder[len] = '\0';
    }
  }
  if (folder == NULL)
    return cli_error("%s: %s", path, strerror(ENOMEM));
  ok = access(folder, W_OK) == 0;
  free(folder);
  if (!ok)
    return cli_error("--json: %s: %s", path, strerror(errno));
  return 0;
}

/* Write the whole of text to stdout and make sure it got there. */
static int print_stdout(const char *text)
{
  if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
    return cli_error("stdout: %s", strerror(errno));
  return 0;
}

/* The measure options that a design file also sets (cli overrides). */
enum {
  GIVEN_FREQ = 1 << 0,
  GIVEN_VOUT = 1 << 1,
  GIVEN_FIGURES = 1 << 2,
  GIVEN_CAPS = 1 << 3,
  GIVEN_IMD = 1 << 4
};

/* The JSON document of m with "design": NAME in front (a design file's
 * designs are told apart by name). *out is new JSON (json_decref). */
static int json_with_name(json_t **out, const ampsim_measurement *m,
                          const char *name)
{
  json_t *doc = NULL, *named = NULL;
  json_error_t error;
  char *text = NULL;
  int rc;

  *out = NULL;
  rc = ampsim_report_json(&text, m);
  if (rc != 0)
    return cli_library_error(rc);
  doc = json_loads(text, JSON_REJECT_DUPLICATES, &error);
  free(text);
  named = json_object();
  if (doc == NULL || named == NULL ||
      json_object_set_new(named, "design", json_string(name)) != 0 ||
      json_object_update(named, doc) != 0) {
    json_decref(doc);
    json_decref(named);
    return cli_error("JSON: %s", doc == NULL ? error.text : strerror(ENOMEM));
  }
  json_decref(doc);
  *out = named;
  return 0;
}

/* The JSON text of every measurement: the report's own for a design from
 * the command line; for a design file, each document named, and an array
 * when there are several. */
static int format_json(char **out, ampsim_measurement *const *m,
                       const ampsim_design *designs, size_t n, int from_file)
{
  json_t *all = NULL;
  size_t i;
  int rc;

  *out = NULL;
  if (!from_file) {
    rc = ampsim_report_json(out, m[0]);
    return rc != 0 ? cli_library_error(rc) : 0;
  }
  if (n > 1) {
    all = json_array();
    if (all == NULL)
      return cli_error("JSON: %s", strerror(ENOMEM));
  }
  for (i = 0; i < n; i++) {
    json_t *doc;
    if (json_with_name(&doc, m[i], designs[i].name) != 0) {
      json_decref(all);
      return CLI_EXIT_ERROR;
    }
    if (all == NULL) {
      all = doc;
    } else if (json_array_append_new(all, doc) != 0) {
      json_decref(all);
      return cli_error("JSON: %s", strerror(ENOMEM));
    }
  }
  /* The report's own layout: 2-space indent, doubles to 17 digits. */
  *out = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                             JSON_REAL_PRECISION(17));
  json_decref(all);
  if (*out == NULL)
    return cli_error("JSON: %s", strerror(ENOMEM));
  /* json_dumps ends without a newline; the report ends with one. */
  {
    size_t len = strlen(*out);
    char *grown = realloc(*out, len + 2);
    if (grown == NULL) {
      free(*out);
      *out = NULL;
      return cli_error("JSON: %s", strerror(ENOMEM));
    }
    grown[len] = '\n';
    grown[len + 1] = '\0';
    *out = grown;
  }
  return 0;
}

/* Append text to the growing *all (len in *len). */
static int append(char **all, size_t *len, const char *text)
{
  size_t n = strlen(text);
  char *grown = realloc(*all, *len + n + 1);

  if (grown == NULL)
    return cli_error("%s", strerror(ENOMEM));
  memcpy(grown + *len, text, n + 1);
  *all = grown;
  *len += n;
  return 0;
}

/* The tables: for a design file, each under a heading with the design's
 * name and where it is defined. */
static int format_tables(char **out, ampsim_measurement *const *m,
                         const ampsim_design *designs, size_t n, int from_file)
{
  char *all = NULL;
  size_t len = 0, i;
  int rc;

  *out = NULL;
  for (i = 0; i < n; i++) {
    char *table = NULL;
    rc = ampsim_report_table(&table, m[i]);
    if (rc != 0) {
      free(all);
      return cli_library_error(rc);
    }
    if (from_file) {
      char heading[sizeof designs[i].name + sizeof designs[i].origin + 8];
      size_t width, k;
      snprintf(heading, sizeof heading, "%s%s (%s)\n", i > 0 ? "\n" : "",
               designs[i].name, designs[i].origin);
      rc = append(&all, &len, heading);
      /* Underline it, one '=' per character (UTF-8 continuation bytes do
       * not count). */
      width = 0;
      for (k = i > 0 ? 1 : 0; heading[k] != '\0' && heading[k] != '\n'; k++)
        if (((unsigned char)heading[k] & 0xC0) != 0x80)
          width++;
      for (k = 0; rc == 0 && k < width; k++)
        rc = append(&all, &len, "=");
      if (rc == 0)
        rc = append(&all, &len, "\n");
    } else {
      rc = 0;
    }
    if (rc == 0)
      rc = append(&all, &len, table);
    free(table);
    if (rc != 0) {
      free(all);
      return rc;
    }
  }
  *out = all;
  return 0;
}

int cli_cmd_measure(int argc, char **argv)
{
  ampsim_measure_options opts = AMPSIM_MEASURE_OPTIONS_INIT;
  cli_scanner scanner = { argc, argv, 0, "measure", measure_options,
                          cli_is_design_file };
  cli_bench_args args;
  unsigned given = 0, extra = 0;
  const char *design_path = NULL;
  const char *json_path = NULL;
  ampsim_design_list *list = NULL;
  ampsim_design *single = NULL;
  ampsim_design *designs = NULL;
  ampsim_measurement **m = NULL;
  size_t n = 0, i;
  char *json = NULL;
  char *table = NULL;
  int exit_code = CLI_EXIT_ERROR;
  int rc;

  cli_bench_args_init(&args);
  for (;;) {
    int id;
    const char *name;
    const char *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1)
      goto done;
    switch (id) {
    case CLI_ARGUMENT:
      rc = 0;
      if (design_path != NULL)
        rc = cli_error("one design file at a time: '%s' and '%s' (see "
                       "'ampsim measure --help')",
                       design_path, value);
      design_path = value;
      break;
    case CLI_OPT_HELP:
      cli_help_measure();
      exit_code = CLI_EXIT_OK;
      goto done;
    case OPT_FREQ:
      rc = parse_freqs(&opts, name, value);
      given |= GIVEN_FREQ;
      break;
    case OPT_VOUT:
      rc = cli_parse_list(opts.vouts_rms, &opts.n_vouts, AMPSIM_MAX_LEVELS,
                          name, value, CLI_POSITIVE, "Vrms");
      given |= GIVEN_VOUT;
      break;
    case OPT_JSON:
      json_path = value;
      rc = 0;
      break;
    case OPT_JOBS:
      rc = cli_parse_int(&opts.jobs, name, value, 0, CLI_MAX_JOBS);
      break;
    case OPT_TIMEOUT:
      rc = cli_parse_number(&opts.task_timeout_s, name, value,
                            CLI_NONNEGATIVE, "s");
      break;
    case OPT_FIGURES:
      rc = parse_figures(&opts.figures, name, value);
      given |= GIVEN_FIGURES;
      break;
    case OPT_CAP_LOAD:
      rc = cli_parse_list(opts.caps_f, &opts.n_caps, AMPSIM_MAX_CAPS, name, value,
                          CLI_NONNEGATIVE, "F");
      extra |= AMPSIM_FIG_STABILITY;
      given |= GIVEN_CAPS;
      break;
    case OPT_IMD: {
      unsigned tests = 0;
      rc = 0;
      for (const char *p = value; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (len == 5 && strncmp(p, "smpte", 5) == 0)
          tests |= AMPSIM_IMD_SMPTE;
        else if (len == 4 && strncmp(p, "ccif", 4) == 0)
          tests |= AMPSIM_IMD_CCIF;
        else {
          rc = cli_error("%s: '%.*s' is not smpte or ccif", name, (int)len, p);
          break;
        }
        p += len + (p[len] == ',');
      }
      if (rc == 0 && tests == 0)
        rc = cli_error("%s: name smpte, ccif or both", name);
      opts.imd_tests = tests;
      extra |= AMPSIM_FIG_IMD;
      given |= GIVEN_IMD;
      break;
    }
    case OPT_CLIPPING:
      extra |= AMPSIM_FIG_CLIPPING;
      rc = 0;
      break;
    default:
      rc = cli_bench_option(&args, id, name, value);
      break;
    }
    if (rc != 0)
      goto done;
  }
  if (design_path == NULL && args.stage_spec == NULL) {
    cli_error("--stage or a design file is required (see 'ampsim measure "
              "--help')");
    goto done;
  }

  /* The designs: the file's, or one from the options. */
  ampsim_error_clear();
  if (design_path != NULL) {
    rc = ampsim_design_load(&list, design_path);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
    designs = list->items;
    n = list->n;
  } else {
    single = malloc(sizeof *single);
    if (single == NULL) {
      cli_error("%s", strerror(ENOMEM));
      goto done;
    }
    ampsim_design_init(single);
    designs = single;
    n = 1;
  }
  for (i = 0; i < n; i++) {
    ampsim_measure_options *o = &designs[i].options;
    if (cli_apply_bench_args(&designs[i], &args) != 0)
      goto done;
    if (given & GIVEN_FREQ) {
      o->n_freqs = opts.n_freqs;
      memcpy(o->freqs_hz, opts.freqs_hz, sizeof o->freqs_hz);
    }
    if (given & GIVEN_VOUT) {
      o->n_vouts = opts.n_vouts;
      memcpy(o->vouts_rms, opts.vouts_rms, sizeof o->vouts_rms);
    }
    if (given & GIVEN_FIGURES)
      o->figures = opts.figures;
    o->figures |= extra; /* --cap-load, --imd, --clipping add their figures */
    if (given & GIVEN_CAPS) {
      o->n_caps = opts.n_caps;
      memcpy(o->caps_f, opts.caps_f, sizeof o->caps_f);
    }
    if (given & GIVEN_IMD)
      o->imd_tests = opts.imd_tests;
    o->jobs = opts.jobs;
    o->task_timeout_s = opts.task_timeout_s;
  }

  /* Everything that can be checked is checked before the first
   * simulation: the values, the output path, then every design's parts. */
  for (i = 0; i < n; i++) {
    ampsim_error_clear();
    rc = ampsim_measure_check(&designs[i].options);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }
  if (json_path != NULL && strcmp(json_path, "-") != 0 &&
      check_output_path(json_path) != 0)
    goto done;
  for (i = 0; i < n; i++) {
    ampsim_error_clear();
    rc = ampsim_design_check(&designs[i]);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }

  m = calloc(n, sizeof *m);
  if (m == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  for (i = 0; i < n; i++) {
    ampsim_error_clear();
    rc = ampsim_design_measure(&m[i], &designs[i]);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }

  /* Everything is formatted before anything is written, so a failure here
   * leaves no output at all. */
  if (json_path != NULL &&
      format_json(&json, m, designs, n, design_path != NULL) != 0)
    goto done;
  if ((json_path == NULL || strcmp(json_path, "-") != 0) &&
      format_tables(&table, m, designs, n, design_path != NULL) != 0)
    goto done;

  /* stdout first: if it cannot be written, the JSON file is not touched. */
  if (print_stdout(table != NULL ? table : json) != 0)
    goto done;
  if (json_path != NULL && strcmp(json_path, "-") != 0) {
    rc = ampsim_file_write_atomic(json_path, json, strlen(json));
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }
  exit_code = CLI_EXIT_OK;

done:
  free(table);
  free(json);
  for (i = 0; m != NULL && i < n; i++)
    ampsim_measurement_free(m[i]);
  free(m);
  free(single);
  ampsim_design_list_free(list);
  return exit_code;
}
