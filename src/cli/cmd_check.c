/*
 * cmd_check.c - `ampsim check BASELINE...`: re-simulate the design of each
 * baseline, compare its figures with the recorded ones, print a table, and
 * optionally write a JUnit XML report or the new figures as the baseline.
 *
 * The exit status tells a CI system what happened: 0 every figure holds, 1
 * some figure regressed, 2 something could not run (bad command line,
 * unreadable baseline or design, failed simulation, unwritable report). A
 * run that has both regressions and errors exits 2: its results are
 * incomplete.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ampsim/check.h"

/* Exit status of a check with a figure out of tolerance. */
#define CLI_EXIT_REGRESSION 1
#define CHECK_MAX_JOBS 1024

enum {
  OPT_JUNIT = CLI_OPT_FIRST_COMMAND_OPTION,
  OPT_UPDATE,
  OPT_JOBS,
  OPT_QUIET,
  OPT_ALLOW_DIR
};

static const cli_option check_options[] = {
  { CLI_OPT_HELP, "--help", 'h', 0 },
  { OPT_JUNIT, "--junit", 0, 1 },
  { OPT_UPDATE, "--update", 0, 0 },
  { OPT_JOBS, "--jobs", 'j', 1 },
  { OPT_QUIET, "--quiet", 'q', 0 },
  { OPT_ALLOW_DIR, "--allow-dir", 0, 1 },
  { 0, NULL, 0, 0 }
};

/* Any plain argument is a baseline file, whatever its name. */
static int any_argument(const char *arg)
{
  (void)arg;
  return 1;
}

static void help_check(void)
{
  fputs("Usage: ampsim check BASELINE.xml... [--junit FILE] [--update] [-j N]\n"
        "                    [--allow-dir DIR]... [--quiet]\n"
        "\n"
        "Regression check of reference circuits. A baseline file records the\n"
        "figures of one design (the design file it names, relative to the\n"
        "baseline's folder) and a tolerance for each: absolute in dB for THD,\n"
        "THD+N, noise, crosstalk and gain, in mV for DC offset, relative for\n"
        "output impedance and power (docs/baselines.md). For each baseline the\n"
        "design is simulated again and every figure compared; the table shows\n"
        "figure, baseline, now, difference and tolerance, failures marked FAIL.\n"
        "A baseline made with another ampsim or ngspice version is a warning.\n"
        "\n"
        "Options:\n"
        "  --junit FILE         also write a JUnit XML report (one testsuite per\n"
        "                       baseline, one testcase per figure), written\n"
        "                       atomically, also when figures fail\n"
        "  --update             write the new figures as the baselines, keeping\n"
        "                       their tolerances (atomically: an interrupted run\n"
        "                       leaves the old file). A baseline holding only\n"
        "                       <baseline design=\"FILE\"/> is filled this way.\n"
        "  -j, --jobs N         worker processes in all; several designs are\n"
        "                       simulated at once; 0 = one per core [0]\n"
        "  --allow-dir DIR      let the designs' stage and load includes reach\n"
        "                       files under DIR too (repeat for more, at most 8)\n"
        "  -q, --quiet          print only failing figures and the summaries\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit status: 0 when every figure holds (or, with --update, every\n"
        "baseline was written), 1 when any figure moved beyond its tolerance,\n"
        "2 when something could not run (bad command line, unreadable baseline\n"
        "or design, failed simulation, unwritable report), with one line on\n"
        "stderr per problem.\n",
        stdout);
}

/* The folder of path exists, so that a report can be written there at the
 * end of a long run. Returns 0 or CLI_EXIT_ERROR (printed). */
static int check_output_folder(const char *option, const char *path)
{
  char folder[4096];
  const char *slash = strrchr(path, '/');
  struct stat st;

  if (path[0] == '\0')
    return cli_error("%s: empty file name", option);
  if (slash == NULL)
    snprintf(folder, sizeof folder, ".");
  else if (slash == path)
    snprintf(folder, sizeof folder, "/");
  else
    snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
  if (slash != NULL && slash[1] == '\0')
    return cli_error("%s: '%s' is a folder, not a file", option, path);
  if (stat(folder, &st) != 0)
    return cli_error("%s: %s: %s", option, folder, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return cli_error("%s: %s: not a folder", option, folder);
  return 0;
}

/* Print one result (an ampsim_check_progress_fn; context points to the
 * quiet flag): its table on stdout, its warning and error on stderr. */
static void print_result(const ampsim_check_result *r, size_t index, void *context)
{
  int quiet = *(const int *)context;
  char *table = NULL;

  if (index > 0)
    putchar('\n');
  if (ampsim_check_table(&table, r, quiet) == 0) {
    fputs(table, stdout);
    free(table);
  } else {
    printf("%s: (no table: %s)\n", r->baseline_path, ampsim_error_last());
  }
  fflush(stdout);
  if (r->warning[0] != '\0')
    fprintf(stderr, "ampsim: warning: %s: %s\n", r->baseline_path, r->warning);
  if (r->error_code != 0) {
    ampsim_error_set(r->error_code, "%s", r->error);
    cli_library_error(r->error_code);
  }
  fflush(stderr);
}

int cli_cmd_check(int argc, char **argv)
{
  cli_scanner scanner = { argc, argv, 0, "check", check_options, any_argument };
  ampsim_check_options opts = AMPSIM_CHECK_OPTIONS_INIT;
  cli_bench_args allow; /* only its --allow-dir folders */
  ampsim_check_result **results = NULL;
  const char **files = NULL; /* into argv */
  const char *junit = NULL;
  size_t n = 0, i, n_failed_baselines = 0, n_errors = 0, n_figures = 0, n_failed = 0,
         n_updated = 0;
  int quiet = 0, junit_failed = 0, exit_code = CLI_EXIT_OK;

  cli_bench_args_init(&allow);
  files = (const char **)calloc((size_t)argc + 1, sizeof *files);
  if (files == NULL)
    return cli_error("out of memory");
  for (;;) {
    int id, rc;
    const char *name;
    const char *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1) {
      free(files);
      return CLI_EXIT_ERROR;
    }
    switch (id) {
    case CLI_OPT_HELP:
      free(files);
      help_check();
      return CLI_EXIT_OK;
    case CLI_ARGUMENT:
      files[n++] = value;
      break;
    case OPT_JUNIT:
      junit = value;
      break;
    case OPT_UPDATE:
      opts.update = 1;
      break;
    case OPT_JOBS:
      if (cli_parse_int(&opts.jobs, name, value, 0, CHECK_MAX_JOBS) != 0) {
        free(files);
        return CLI_EXIT_ERROR;
      }
      break;
    case OPT_QUIET:
      quiet = 1;
      break;
    case OPT_ALLOW_DIR:
      /* The same checks as measure's --allow-dir. */
      if (cli_bench_option(&allow, CLI_OPT_ALLOW_DIR, name, value) != 0) {
        free(files);
        return CLI_EXIT_ERROR;
      }
      opts.allow_dirs = allow.allow_dirs;
      opts.n_allow_dirs = allow.n_allow_dirs;
      break;
    default:
      break;
    }
  }
  if (n == 0) {
    free(files);
    return cli_error("no baseline given (see 'ampsim check --help')");
  }
  if (junit != NULL && check_output_folder("--junit", junit) != 0) {
    free(files);
    return CLI_EXIT_ERROR;
  }
  results = calloc(n, sizeof *results);
  if (results == NULL) {
    free(files);
    return cli_error("out of memory");
  }

  /* Tables are printed as checks complete, in the order given. */
  ampsim_check_run_all(results, files, n, &opts, print_result, &quiet);
  for (i = 0; i < n; i++) {
    if (results[i] == NULL) {
      /* Out of memory: nothing to report but that. */
      cli_error("%s: out of memory", files[i]);
      n_errors++;
      continue;
    }
    if (results[i]->error_code != 0) {
      n_errors++;
      continue;
    }
    n_figures += results[i]->n_items;
    n_failed += results[i]->n_failed;
    if (results[i]->n_failed > 0)
      n_failed_baselines++;
    if (results[i]->updated)
      n_updated++;
  }

  if (junit != NULL) {
    /* Results that exist, in order (a NULL one ran out of memory). */
    size_t k = 0;
    for (i = 0; i < n; i++)
      if (results[i] != NULL)
        results[k++] = results[i];
    if (ampsim_check_junit_save(junit, (const ampsim_check_result *const *)results, k,
                                NULL) != 0) {
      cli_library_error(ampsim_error_last_code());
      junit_failed = 1;
    }
    for (i = k; i < n; i++)
      results[i] = NULL;
  }

  /* "ampsim check: 12 baselines: 11 hold, 1 REGRESSED (7 figures out of
   * tolerance); 192 figures compared" */
  printf("\nampsim check: %zu baseline%s: ", n, n == 1 ? "" : "s");
  if (opts.update) {
    printf("%zu updated", n_updated);
  } else {
    printf("%zu hold", n - n_errors - n_failed_baselines);
    if (n_failed_baselines > 0)
      printf(", %zu REGRESSED (%zu figure%s out of tolerance)", n_failed_baselines, n_failed,
             n_failed == 1 ? "" : "s");
  }
  if (n_errors > 0)
    printf(", %zu could not run", n_errors);
  printf("; %zu figure%s compared", n_figures, n_figures == 1 ? "" : "s");
  if (junit != NULL)
    printf("; JUnit report %s%s", junit, junit_failed ? " NOT written" : "");
  printf("\n");

  if (n_errors > 0 || junit_failed)
    exit_code = CLI_EXIT_ERROR;
  else if (n_failed > 0 && !opts.update)
    exit_code = CLI_EXIT_REGRESSION;

  for (i = 0; i < n; i++)
    ampsim_check_result_free(results[i]);
  free(results);
  free(files);
  if (fflush(stdout) == EOF)
    return cli_error("stdout: write error");
  return exit_code;
}
