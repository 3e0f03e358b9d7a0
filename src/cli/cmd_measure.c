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
  OPT_FIGURES
};

static const cli_option measure_options[] = {
  CLI_BENCH_OPTION_ENTRIES,
  { OPT_FREQ, "--freq", 0, 1 },
  { OPT_VOUT, "--vout", 0, 1 },
  { OPT_JSON, "--json", 0, 1 },
  { OPT_JOBS, "--jobs", 'j', 1 },
  { OPT_TIMEOUT, "--timeout", 0, 1 },
  { OPT_FIGURES, "--figures", 0, 1 },
  { 0, NULL, 0, 0 }
};

void cli_help_measure(void)
{
  printf("Usage: ampsim measure --stage FILE.cir:SUBCKT|NAME [options]\n"
         "\n"
         "Build the stereo test bench around the stage, simulate it in\n"
         "libngspice and report THD, THD+N and harmonics, output noise\n"
         "(20 Hz-20 kHz, unweighted and A-weighted), output impedance,\n"
         "crosstalk, maximum output at 1 %% and 0.1 %% THD, gain and DC\n"
         "offset. Without --json, a readable table goes to stdout.\n"
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
         "                       noise, zout, crosstalk, power, gain, all [all]\n"
         "  -h, --help           this text\n"
         "\n",
         AMPSIM_MAX_LEVELS, AMPSIM_MAX_LEVELS);
  fputs(cli_help_footer, stdout);
}

static const struct {
  const char *name;
  unsigned mask;
} figure_names[] = {
  { "thd", AMPSIM_FIG_THD },
  { "noise", AMPSIM_FIG_NOISE },
  { "zout", AMPSIM_FIG_ZOUT },
  { "crosstalk", AMPSIM_FIG_CROSSTALK },
  { "power", AMPSIM_FIG_POWER },
  { "gain", AMPSIM_FIG_GAIN },
  { "all", AMPSIM_FIG_ALL },
};

static int parse_figures(unsigned *out, const char *name, const char *text)
{
  const char *p = text;
  unsigned mask = 0;

  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    size_t i;
    if (len == 0)
      return cli_error("%s: empty value in '%s'", name, text);
    for (i = 0; i < sizeof figure_names / sizeof figure_names[0]; i++) {
      if (strlen(figure_names[i].name) == len &&
          strncmp(figure_names[i].name, p, len) == 0)
        break;
    }
    if (i == sizeof figure_names / sizeof figure_names[0])
      return cli_error("%s: '%.*s' is not one of thd, noise, zout, crosstalk, "
                       "power, gain, all",
                       name, (int)len, p);
    mask |= figure_names[i].mask;
    if (comma == NULL)
      break;
    p = comma + 1;
  }
  *out = mask;
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
    return cli_error("%s: %s", path, strerror(EISDIR));
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
    return cli_error("%s: %s", path, strerror(errno));
  return 0;
}

/* Write the whole of text to stdout and make sure it got there. */
static int print_stdout(const char *text)
{
  if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
    return cli_error("stdout: %s", strerror(errno));
  return 0;
}

int cli_cmd_measure(int argc, char **argv)
{
  ampsim_measure_options opts = AMPSIM_MEASURE_OPTIONS_INIT;
  cli_scanner scanner = { argc, argv, 0, "measure", measure_options };
  const char *stage_spec = NULL;
  const char *json_path = NULL;
  ampsim_stage *stage = NULL;
  ampsim_measurement *m = NULL;
  char *json = NULL;
  char *table = NULL;
  int exit_code = CLI_EXIT_ERROR;
  int rc;

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
    case CLI_OPT_HELP:
      cli_help_measure();
      exit_code = CLI_EXIT_OK;
      goto done;
    case OPT_FREQ:
      rc = parse_freqs(&opts, name, value);
      break;
    case OPT_VOUT:
      rc = cli_parse_list(opts.vouts_rms, &opts.n_vouts, AMPSIM_MAX_LEVELS,
                          name, value, CLI_POSITIVE, "Vrms");
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
      break;
    default:
      rc = cli_bench_option(&opts.bench, &stage_spec, id, name, value);
      break;
    }
    if (rc != 0)
      goto done;
  }
  if (stage_spec == NULL) {
    cli_error("--stage is required (see 'ampsim measure --help')");
    goto done;
  }

  ampsim_error_clear();
  rc = ampsim_measure_check(&opts);
  if (rc != 0) {
    cli_library_error(rc);
    goto done;
  }
  if (json_path != NULL && strcmp(json_path, "-") != 0 &&
      check_output_path(json_path) != 0)
    goto done;
  if (cli_open_stage(&stage, stage_spec) != 0)
    goto done;

  rc = ampsim_measure(&m, stage, &opts);
  if (rc != 0) {
    cli_library_error(rc);
    goto done;
  }

  /* Everything is formatted before anything is written, so a failure here
   * leaves no output at all. */
  if (json_path != NULL) {
    rc = ampsim_report_json(&json, m);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }
  if (json_path == NULL || strcmp(json_path, "-") != 0) {
    rc = ampsim_report_table(&table, m);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
  }

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
  ampsim_measurement_free(m);
  ampsim_stage_free(stage);
  return exit_code;
}
