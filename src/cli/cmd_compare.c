/*
 * cmd_compare.c - `ampsim compare`: several designs side by side, one table
 * with the designs as columns and the figures as rows, the best value of each
 * row marked; the JSON and CSV of the same numbers; and curves (THD against
 * power, Zout against frequency, ...) of every design as CSV and as a plot.
 *
 * Designs come from design files and from the command line, where comma
 * lists multiply out: `--topology se,btl --load 32,300` is four designs, in
 * the order se/32, se/300, btl/32, btl/300 (the first option given varies
 * slowest). That form is a contract that scripts rely on.
 *
 * `ampsim report` (cmd_report.c) shares everything here but the output.
 */
#include "cli.h"
#include "compare.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define CLI_THD_MAX_FREQ_HZ 20000.0
#define CLI_MAX_JOBS 1024
#define MAX_ENTRIES 64

enum {
  OPT_FREQ = CLI_OPT_FIRST_COMMAND_OPTION,
  OPT_VOUT,
  OPT_FIGURES,
  OPT_JOBS,
  OPT_TIMEOUT,
  OPT_JSON,
  OPT_CSV,
  OPT_CURVE,
  OPT_PLOT,
  OPT_POINTS,
  OPT_QUIET,
  OPT_OUTPUT,
  OPT_CAP_LOAD,
  OPT_IMD,
  OPT_CLIPPING
};

#define COMMON_ENTRIES                                                         \
  CLI_BENCH_OPTION_ENTRIES,                                                    \
  { OPT_FREQ, "--freq", 0, 1 },                                                \
  { OPT_VOUT, "--vout", 0, 1 },                                                \
  { OPT_FIGURES, "--figures", 0, 1 },                                          \
  { OPT_JOBS, "--jobs", 'j', 1 },                                              \
  { OPT_TIMEOUT, "--timeout", 0, 1 },                                          \
  { OPT_POINTS, "--points", 0, 1 },                                            \
  { OPT_QUIET, "--quiet", 'q', 0 },                                            \
  { OPT_CAP_LOAD, "--cap-load", 0, 1 },                                        \
  { OPT_IMD, "--imd", 0, 1 },                                                  \
  { OPT_CLIPPING, "--clipping", 0, 0 }

static const cli_option compare_options[] = {
  COMMON_ENTRIES,
  { OPT_JSON, "--json", 0, 1 },
  { OPT_CSV, "--csv", 0, 1 },
  { OPT_CURVE, "--curve", 0, 1 },
  { OPT_PLOT, "--plot", 0, 1 },
  { 0, NULL, 0, 0 }
};

static const cli_option report_options[] = {
  COMMON_ENTRIES,
  { OPT_OUTPUT, "--output", 'o', 1 },
  { 0, NULL, 0, 0 }
};

static const char help_design_args[] =
    "Designs come from design files (every design of every file is a column)\n"
    "and from the bench options, where comma-separated lists multiply out:\n"
    "  --stage opamp-buffer --topology se,btl --load 32,300\n"
    "compares four designs, in the order se/32, se/300, btl/32, btl/300 (the\n"
    "first option given varies slowest). Lists are taken by --stage,\n"
    "--topology, --load, --ground-ohms, --supply, --supply-ohms and\n"
    "--volume-db. Options given with design files override the files' values.\n"
    "\n";

static const char help_measure_opts[] =
    "  --freq HZ[,HZ...]    THD test frequencies (and a curve's tone) [1k]\n"
    "  --vout VRMS[,VRMS...]\n"
    "                       THD levels (and a curve's level) [1]\n"
    "  --figures LIST       what to measure: thd, noise, zout, crosstalk,\n"
    "                       power, gain, stability, imd, clipping, all,\n"
    "                       every [all,stability]\n"
    "  -j, --jobs N         worker processes; 0 = one per core [0]\n"
    "  --timeout SECONDS    time limit of each simulation task [300]\n"
    "  --points N           points of a THD curve (2..256) [20]\n"
    "  --cap-load C[,C...]  capacitances (farads) across the load of every\n"
    "                       design (adds stability): rows and step/loop-gain\n"
    "                       curves per capacitance\n"
    "  --imd smpte,ccif     intermodulation tests of every design (adds imd)\n"
    "  --clipping           overload recovery of every design\n"
    "  -q, --quiet          no progress line on stderr (it is shown only\n"
    "                       when stderr is a terminal)\n";

void cli_help_compare(void)
{
  printf("Usage: ampsim compare [DESIGN.xml...] [options]\n"
         "\n"
         "Measure several designs and print one table: the designs as\n"
         "columns, the figures as rows (gain, DC offset, THD and THD+N at each\n"
         "frequency and level, noise, SNR, Zout at 20 Hz, 1 kHz and 20 kHz,\n"
         "crosstalk at 1 kHz, maximum output at 1 %% and 0.1 %% THD, phase\n"
         "margin; where measured: phase margin and step overshoot per\n"
         "capacitive load, SMPTE and CCIF IMD with d2 and d3, overload\n"
         "recovery, symmetric clipping and latching), with the best value of\n"
         "each row marked '*' (none on yes/no rows).\n"
         "With --curve, measure that curve for every design instead.\n"
         "\n");
  fputs(help_design_args, stdout);
  fputs("Options:\n", stdout);
  fputs(cli_help_bench_options, stdout);
  fputs(help_measure_opts, stdout);
  fputs("  --json PATH|-        an array of the measure JSON documents, each\n"
        "                       with its \"design\" name\n"
        "  --csv PATH|-         the table as CSV (figure,unit,DESIGN...), or\n"
        "                       with --curve the curve's points\n"
        "  --curve KIND         thd-power, thd-freq, zout, crosstalk, noise,\n"
        "                       spectrum, loop-gain, step or imd-spectrum: the\n"
        "                       curve of every design (CSV to --csv, stdout\n"
        "                       without it). loop-gain: |T| (dB) and its phase\n"
        "                       per BTL half and capacitive load (stages with\n"
        "                       Vloop); step: the small-signal step response per\n"
        "                       capacitive load; imd-spectrum: the load spectrum\n"
        "                       of each IMD test at --vout, products marked\n"
        "  --plot FILE.png|FILE.svg\n"
        "                       with --curve: a plot, one series per curve\n"
        "  -h, --help           this text\n"
        "\n"
        "Files are written atomically; '-' is stdout (instead of the table).\n"
        "Example:\n"
        "  ampsim compare --stage opamp-buffer --topology se,btl --load 32,300\n"
        "  ampsim compare --stage opamp-buffer --topology se,btl --curve \\\n"
        "      thd-power --csv thd.csv --plot thd.svg\n"
        "\n",
        stdout);
  fputs(cli_help_footer, stdout);
}

void cli_help_report(void)
{
  printf("Usage: ampsim report [DESIGN.xml...] [options] -o REPORT.html\n"
         "\n"
         "Measure the designs as 'ampsim compare' does and write one\n"
         "self-contained HTML file: the comparison table, plots of THD against\n"
         "power, output impedance and crosstalk against frequency (SVG,\n"
         "embedded; where every design measured them also the loop gain, the\n"
         "step responses per capacitive load and the IMD spectra), the exact\n"
         "netlist of every design, and the versions of ampsim and ngspice.\n"
         "\n");
  fputs(help_design_args, stdout);
  fputs("Options:\n", stdout);
  fputs(cli_help_bench_options, stdout);
  fputs(help_measure_opts, stdout);
  fputs("  -o, --output PATH    the HTML file (written atomically), or '-' for\n"
        "                       stdout. Required.\n"
        "  -h, --help           this text\n"
        "\n"
        "Example:\n"
        "  ampsim report --stage opamp-buffer --topology se,btl -o report.html\n"
        "\n",
        stdout);
  fputs(cli_help_footer, stdout);
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                 */
/* ------------------------------------------------------------------------ */

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress *p, size_t total, const char *what,
                        int quiet)
{
  p->enabled = !quiet && isatty(2);
  p->start_s = now_s();
  p->total = total;
  p->what = what;
  cli_progress_step(p, 0);
}

void cli_progress_step(cli_progress *p, size_t done)
{
  double elapsed;

  if (!p->enabled)
    return;
  elapsed = now_s() - p->start_s;
  if (done == 0) {
    fprintf(stderr, "\rampsim: %s 0/%zu ...\033[K", p->what, p->total);
  } else {
    double left = elapsed / (double)done * (double)(p->total - done);
    fprintf(stderr, "\rampsim: %s %zu/%zu, %.0f s elapsed, about %.0f s left\033[K",
            p->what, done, p->total, elapsed, left);
  }
  fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
  if (!p->enabled)
    return;
  fprintf(stderr, "\r\033[K");
  fflush(stderr);
}

/* ------------------------------------------------------------------------ */
/* The designs: files, and the command line multiplied out                  */
/* ------------------------------------------------------------------------ */

/* The options that take comma lists. */
static int takes_list(int id)
{
  return id == CLI_OPT_STAGE || id == CLI_OPT_TOPOLOGY || id == CLI_OPT_LOAD ||
         id == CLI_OPT_GROUND_OHMS || id == CLI_OPT_SUPPLY ||
         id == CLI_OPT_SUPPLY_OHMS || id == CLI_OPT_VOLUME_DB;
}

/* One bench option as given, its values split at commas. */
typedef struct entry {
  int id;
  const char *name;
  size_t n_values;
  char **values; /* into cli_compare.strings */
} entry;

static char *keep_string(cli_compare *c, const char *s, size_t n)
{
  char **grown = realloc(c->strings, (c->n_strings + 1) * sizeof *grown);
  char *copy;

  if (grown == NULL)
    return NULL;
  c->strings = grown;
  copy = malloc(n + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  c->strings[c->n_strings++] = copy;
  return copy;
}

/* Split e's value at commas (options that take lists; others keep it
 * whole). */
static int split_entry(cli_compare *c, entry *e, const char *text)
{
  const char *p = text;
  size_t count = 1, i = 0;

  if (takes_list(e->id))
    for (const char *q = text; *q != '\0'; q++)
      count += *q == ',';
  e->values = calloc(count, sizeof *e->values);
  if (e->values == NULL)
    return cli_error("%s", strerror(ENOMEM));
  e->n_values = count;
  if (count == 1) {
    e->values[0] = keep_string(c, text, strlen(text));
    return e->values[0] == NULL ? cli_error("%s", strerror(ENOMEM)) : 0;
  }
  for (;;) {
    size_t len = strcspn(p, ",");
    if (len == 0)
      return cli_error("%s: empty value in '%s'", e->name, text);
    e->values[i] = keep_string(c, p, len);
    if (e->values[i] == NULL)
      return cli_error("%s", strerror(ENOMEM));
    i++;
    if (p[len] == '\0')
      break;
    p += len + 1;
  }
  return 0;
}

/* Combination k of the entries' values: the last entry varies fastest.
 * choice[i] is the index of entry i's value. */
static void combination(size_t *choice, const entry *entries, size_t n,
                        size_t k)
{
  size_t i = n;
  while (i-- > 0) {
    choice[i] = k % entries[i].n_values;
    k /= entries[i].n_values;
  }
}

/* What a value looks like in a design's name: the part after a FILE: */
static const char *short_spec(const char *spec)
{
  const char *colon = strrchr(spec, ':');
  return colon != NULL ? colon + 1 : spec;
}

static void name_design(ampsim_design *d, const char *base_name,
                        const entry *entries, size_t n_entries,
                        const size_t *choice, int from_file)
{
  char tail[128] = "";
  size_t used = 0, i;

  for (i = 0; i < n_entries; i++) {
    const entry *e = &entries[i];
    int shown_in_base;
    if (e->n_values < 2)
      continue;
    shown_in_base = !from_file && (e->id == CLI_OPT_STAGE ||
                                   e->id == CLI_OPT_TOPOLOGY ||
                                   e->id == CLI_OPT_LOAD);
    if (shown_in_base)
      continue;
    if (from_file && (e->id == CLI_OPT_STAGE || e->id == CLI_OPT_TOPOLOGY ||
                      e->id == CLI_OPT_LOAD)) {
      used += (size_t)snprintf(tail + used, used < sizeof tail ? sizeof tail - used : 0,
                               "%s%s", used > 0 ? " " : "",
                               short_spec(e->values[choice[i]]));
    } else {
      used += (size_t)snprintf(tail + used, used < sizeof tail ? sizeof tail - used : 0,
                               "%s%s %s", used > 0 ? " " : "", e->name + 2,
                               e->values[choice[i]]);
    }
    if (used >= sizeof tail)
      used = sizeof tail - 1;
  }
  if (from_file) {
    if (used > 0)
      snprintf(d->name, sizeof d->name, "%.80s [%.40s]", base_name, tail);
    else
      snprintf(d->name, sizeof d->name, "%s", base_name);
  } else {
    char load[64];
    if (d->load_spec[0] != '\0')
      snprintf(load, sizeof load, "%.60s", short_spec(d->load_spec));
    else
      snprintf(load, sizeof load, "%g ohm", d->options.bench.load_ohms);
    snprintf(d->name, sizeof d->name, "%.30s %.13s %.40s%s%.30s",
             short_spec(d->stage_spec),
             ampsim_topology_name(d->options.bench.topology), load,
             used > 0 ? " " : "", tail);
  }
}

/* The measure options given on the command line, applied over a design's. */
typedef struct measure_args {
  ampsim_measure_options opts;
  unsigned given; /* 1 freq, 2 vout, 4 figures, 8 cap loads, 16 IMD tests */
  unsigned extra; /* figures added by --cap-load, --imd, --clipping */
} measure_args;

static void apply_measure_args(ampsim_design *d, const measure_args *a)
{
  ampsim_measure_options *o = &d->options;

  if (a->given & 1) {
    o->n_freqs = a->opts.n_freqs;
    memcpy(o->freqs_hz, a->opts.freqs_hz, sizeof o->freqs_hz);
  }
  if (a->given & 2) {
    o->n_vouts = a->opts.n_vouts;
    memcpy(o->vouts_rms, a->opts.vouts_rms, sizeof o->vouts_rms);
  }
  if (a->given & 4)
    o->figures = a->opts.figures;
  if (a->given & 8) {
    o->n_caps = a->opts.n_caps;
    memcpy(o->caps_f, a->opts.caps_f, sizeof o->caps_f);
  }
  if (a->given & 16)
    o->imd_tests = a->opts.imd_tests;
  o->figures |= a->extra;
  o->jobs = a->opts.jobs;
  o->task_timeout_s = a->opts.task_timeout_s;
}

static int parse_freqs(ampsim_measure_options *opts, const char *name,
                       const char *text)
{
  size_t i;

  if (cli_parse_list(opts->freqs_hz, &opts->n_freqs, AMPSIM_MAX_LEVELS, name,
                     text, CLI_POSITIVE, "Hz") != 0)
    return CLI_EXIT_ERROR;
  for (i = 0; i < opts->n_freqs; i++)
    if (opts->freqs_hz[i] > CLI_THD_MAX_FREQ_HZ)
      return cli_error("%s: %g Hz is above 20 kHz", name, opts->freqs_hz[i]);
  return 0;
}

/* 1 for a .png path, 2 for .svg (any letter case), 0 otherwise. */
static int plot_format(const char *path)
{
  size_t n = strlen(path);
  char ext[5];
  size_t i;

  if (n < 4)
    return 0;
  for (i = 0; i < 4; i++)
    ext[i] = (char)tolower((unsigned char)path[n - 4 + i]);
  ext[4] = '\0';
  return strcmp(ext, ".png") == 0 ? 1 : strcmp(ext, ".svg") == 0 ? 2 : 0;
}

int cli_compare_setup(cli_compare *c, int argc, char **argv, int report,
                      int *help_shown)
{
  const char *command = report ? "report" : "compare";
  cli_scanner scanner = { argc, argv, 0, command,
                          report ? report_options : compare_options,
                          cli_is_design_file };
  measure_args margs = { AMPSIM_MEASURE_OPTIONS_INIT, 0, 0 };
  entry entries[MAX_ENTRIES];
  size_t n_entries = 0, n_files = 0, n_base = 0, combos = 1, i, k;
  const char *files[CLI_COMPARE_MAX_DESIGNS];
  ampsim_design *base = NULL;
  ampsim_design_list *lists[CLI_COMPARE_MAX_DESIGNS];
  const char *stage_spec = NULL;
  int rc = CLI_EXIT_ERROR;

  memset(c, 0, sizeof *c);
  memset(entries, 0, sizeof entries);
  *help_shown = 0;
  {
    const ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
    c->curve_options = co;
  }
  for (;;) {
    int id, r;
    const char *name, *value;
    r = cli_next_option(&scanner, &id, &name, &value);
    if (r == 0)
      break;
    if (r != 1)
      goto done;
    r = 0;
    switch (id) {
    case CLI_ARGUMENT:
      if (n_files == CLI_COMPARE_MAX_DESIGNS) {
        r = cli_error("too many design files (at most %d)",
                      CLI_COMPARE_MAX_DESIGNS);
        break;
      }
      files[n_files++] = value;
      break;
    case CLI_OPT_HELP:
      if (report)
        cli_help_report();
      else
        cli_help_compare();
      *help_shown = 1;
      rc = CLI_EXIT_OK;
      goto done;
    case OPT_FREQ:
      r = parse_freqs(&margs.opts, name, value);
      margs.given |= 1;
      break;
    case OPT_VOUT:
      r = cli_parse_list(margs.opts.vouts_rms, &margs.opts.n_vouts,
                         AMPSIM_MAX_LEVELS, name, value, CLI_POSITIVE, "Vrms");
      margs.given |= 2;
      break;
    case OPT_FIGURES:
      ampsim_error_clear();
      if (ampsim_figures_parse(&margs.opts.figures, value) != 0)
        r = cli_error("%s: %s", name, ampsim_error_last());
      margs.given |= 4;
      break;
    case OPT_JOBS:
      r = cli_parse_int(&margs.opts.jobs, name, value, 0, CLI_MAX_JOBS);
      break;
    case OPT_TIMEOUT:
      r = cli_parse_number(&margs.opts.task_timeout_s, name, value,
                           CLI_NONNEGATIVE, "s");
      break;
    case OPT_POINTS: {
      int points = 0;
      r = cli_parse_int(&points, name, value, 2, AMPSIM_MAX_CURVE_POINTS);
      c->curve_options.points = (size_t)points;
      break;
    }
    case OPT_QUIET:
      c->quiet = 1;
      break;
    case OPT_CAP_LOAD:
      r = cli_parse_list(margs.opts.caps_f, &margs.opts.n_caps, AMPSIM_MAX_CAPS, name,
                         value, CLI_NONNEGATIVE, "F");
      margs.given |= 8;
      margs.extra |= AMPSIM_FIG_STABILITY;
      break;
    case OPT_IMD:
      r = cli_parse_imd_tests(&margs.opts.imd_tests, name, value);
      margs.given |= 16;
      margs.extra |= AMPSIM_FIG_IMD;
      break;
    case OPT_CLIPPING:
      margs.extra |= AMPSIM_FIG_CLIPPING;
      break;
    case OPT_JSON:
      c->json_path = value;
      break;
    case OPT_CSV:
      c->csv_path = value;
      break;
    case OPT_PLOT:
      c->plot_path = value;
      break;
    case OPT_OUTPUT:
      c->output_path = value;
      break;
    case OPT_CURVE:
      ampsim_error_clear();
      if (ampsim_curve_kind_parse(&c->curve_kind, value) != 0)
        r = cli_error("%s: '%s' is not thd-power, thd-freq, zout, crosstalk, "
                      "noise, spectrum, loop-gain, step or imd-spectrum",
                      name, value);
      c->have_curve = 1;
      break;
    default:
      if (n_entries == MAX_ENTRIES) {
        r = cli_error("too many options");
        break;
      }
      entries[n_entries].id = id;
      entries[n_entries].name = name;
      r = split_entry(c, &entries[n_entries], value);
      n_entries++;
      if (id == CLI_OPT_STAGE)
        stage_spec = value;
      break;
    }
    if (r != 0)
      goto done;
  }

  if (n_files == 0 && stage_spec == NULL) {
    cli_error("--stage or a design file is required (see 'ampsim %s --help')",
              command);
    goto done;
  }
  if (report && c->output_path == NULL) {
    cli_error("-o PATH is required (see 'ampsim report --help')");
    goto done;
  }
  if (!report && c->plot_path != NULL && !c->have_curve) {
    cli_error("--plot needs --curve (see 'ampsim compare --help')");
    goto done;
  }
  if (c->plot_path != NULL && plot_format(c->plot_path) == 0) {
    cli_error("%s: unknown plot format (use .png or .svg)", c->plot_path);
    goto done;
  }
  if (!report && c->have_curve && c->json_path != NULL) {
    cli_error("--json is not available with --curve (use --csv)");
    goto done;
  }
  if (!report && c->json_path != NULL && c->csv_path != NULL &&
      strcmp(c->json_path, "-") == 0 && strcmp(c->csv_path, "-") == 0) {
    cli_error("--json and --csv cannot both go to stdout");
    goto done;
  }
  if (margs.given & 1)
    c->curve_options.freq_hz = margs.opts.freqs_hz[0];
  if (margs.given & 2)
    c->curve_options.vout_rms = margs.opts.vouts_rms[0];

  /* The base designs: every design of every file, or one default. */
  memset(lists, 0, sizeof lists);
  for (i = 0; i < n_files; i++) {
    ampsim_error_clear();
    int r = ampsim_design_load(&lists[i], files[i]);
    if (r != 0) {
      cli_library_error(r);
      goto free_lists;
    }
    n_base += lists[i]->n;
  }
  if (n_files == 0)
    n_base = 1;
  for (i = 0; i < n_entries; i++)
    combos *= entries[i].n_values;
  if (n_base * combos > CLI_COMPARE_MAX_DESIGNS) {
    cli_error("%zu designs: too many to compare (at most %d)", n_base * combos,
              CLI_COMPARE_MAX_DESIGNS);
    goto free_lists;
  }
  base = calloc(n_base, sizeof *base);
  c->designs = calloc(n_base * combos, sizeof *c->designs);
  if (base == NULL || c->designs == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto free_lists;
  }
  if (n_files == 0) {
    ampsim_design_init(&base[0]);
  } else {
    size_t b = 0;
    for (i = 0; i < n_files; i++)
      for (k = 0; k < lists[i]->n; k++)
        base[b++] = lists[i]->items[k];
  }

  for (i = 0; i < n_base; i++) {
    for (k = 0; k < combos; k++) {
      size_t choice[MAX_ENTRIES];
      cli_bench_args args;
      ampsim_design *d = &c->designs[c->n];
      size_t e;
      combination(choice, entries, n_entries, k);
      cli_bench_args_init(&args);
      for (e = 0; e < n_entries; e++)
        if (cli_bench_option(&args, entries[e].id, entries[e].name,
                             entries[e].values[choice[e]]) != 0)
          goto free_lists;
      *d = base[i];
      if (cli_apply_bench_args(d, &args) != 0)
        goto free_lists;
      apply_measure_args(d, &margs);
      name_design(d, base[i].name, entries, n_entries, choice, n_files > 0);
      c->n++;
    }
  }

  /* Everything is checked before the first simulation. */
  for (i = 0; i < c->n; i++) {
    int r;
    ampsim_error_clear();
    r = ampsim_measure_check(&c->designs[i].options);
    if (r == 0)
      r = ampsim_design_check(&c->designs[i]);
    if (r != 0) {
      cli_library_error(r);
      goto free_lists;
    }
  }
  rc = 0;

free_lists:
  for (i = 0; i < n_files; i++)
    ampsim_design_list_free(lists[i]);
done:
  free(base);
  for (i = 0; i < n_entries; i++)
    free(entries[i].values);
  return rc;
}

void cli_compare_free(cli_compare *c)
{
  size_t i;

  for (i = 0; i < c->n; i++)
    ampsim_measurement_free(c->m[i]);
  for (i = 0; i < c->n_strings; i++)
    free(c->strings[i]);
  free(c->strings);
  free(c->designs);
  free(c->rows);
  memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------------ */
/* Measuring, and the rows of figures                                       */
/* ------------------------------------------------------------------------ */

/* Index of the sweep point nearest to f_hz (log distance), or -1. */
static long nearest(const double *freqs, size_t stride_doubles, size_t n,
                    double f_hz)
{
  long best = -1;
  double best_d = INFINITY;
  size_t i;

  for (i = 0; i < n; i++) {
    double f = freqs[i * stride_doubles];
    double d = fabs(log(f / f_hz));
    if (f > 0 && d < best_d) {
      best_d = d;
      best = (long)i;
    }
  }
  return best;
}

static int build_rows(cli_compare *c)
{
  static const double zout_at[] = { 20.0, 1000.0, 20000.0 };
  const ampsim_measurement *m0 = c->m[0];
  char key[64], label[96], fs[32], vs[32];
  cli_row *r;
  size_t i, k;

#define ROW(key_, ju_, label_, unit_, scale_, better_)                         \
  do {                                                                         \
    r = cli_compare_add_row(c, key_, ju_, label_, unit_, scale_, better_);                 \
    if (r == NULL)                                                             \
      return cli_error("%s", strerror(ENOMEM));                                \
  } while (0)

  ROW("gain_db", "dB", "Gain at 1 kHz", "dB", 1.0, 0);
  for (i = 0; i < c->n; i++)
    r->value[i] = (c->m[i]->options.figures & AMPSIM_FIG_GAIN) ? c->m[i]->gain_db : NAN;
  cli_compare_drop_if_empty(c);
  ROW("dc_offset_mv", "mV", "DC offset", "V", 1e-3, -2);
  for (i = 0; i < c->n; i++)
    r->value[i] = (c->m[i]->options.figures & AMPSIM_FIG_GAIN) ? c->m[i]->dc_offset_mv : NAN;
  cli_compare_drop_if_empty(c);

  for (k = 0; k < m0->n_thd; k++) {
    int pass;
    ampsim_report_eng(fs, sizeof fs, m0->thd[k].freq_hz, "Hz");
    ampsim_report_eng(vs, sizeof vs, m0->options.vouts_rms[k % m0->options.n_vouts], "Vrms");
    for (pass = 0; pass < 2; pass++) {
      snprintf(key, sizeof key, "thd.%zu.%s", k, pass == 0 ? "thd_db" : "thdn_db");
      snprintf(label, sizeof label, "%s at %s, %s", pass == 0 ? "THD" : "THD+N", fs, vs);
      ROW(key, "dB", label, "dB", 1.0, -1);
      for (i = 0; i < c->n; i++)
        if (k < c->m[i]->n_thd && c->m[i]->thd[k].freq_hz == m0->thd[k].freq_hz)
          r->value[i] = pass == 0 ? c->m[i]->thd[k].thd_db : c->m[i]->thd[k].thdn_db;
      cli_compare_drop_if_empty(c);
    }
  }

  ROW("noise.vrms", "V", "Noise 20 Hz-20 kHz", "V", 1.0, -1);
  for (i = 0; i < c->n; i++)
    if (c->m[i]->options.figures & AMPSIM_FIG_NOISE)
      r->value[i] = c->m[i]->noise_vrms;
  cli_compare_drop_if_empty(c);
  ROW("noise.vrms_a", "V", "Noise A-weighted", "V", 1.0, -1);
  for (i = 0; i < c->n; i++)
    if (c->m[i]->options.figures & AMPSIM_FIG_NOISE)
      r->value[i] = c->m[i]->noise_vrms_a;
  cli_compare_drop_if_empty(c);
  ROW("noise.snr_1v_db", "dB", "SNR re 1 Vrms", "dB", 1.0, 1);
  for (i = 0; i < c->n; i++)
    if (c->m[i]->options.figures & AMPSIM_FIG_NOISE)
      r->value[i] = c->m[i]->snr_1v_db;
  cli_compare_drop_if_empty(c);
  ROW("noise.snr_1v_a_db", "dB", "SNR re 1 Vrms, A-weighted", "dB", 1.0, 1);
  for (i = 0; i < c->n; i++)
    if (c->m[i]->options.figures & AMPSIM_FIG_NOISE)
      r->value[i] = c->m[i]->snr_1v_a_db;
  cli_compare_drop_if_empty(c);

  for (k = 0; k < sizeof zout_at / sizeof zout_at[0]; k++) {
    long j0 = nearest(&m0->zout[0].freq_hz, 3, m0->n_zout, zout_at[k]);
    ampsim_report_eng(fs, sizeof fs, zout_at[k], "Hz");
    snprintf(key, sizeof key, "zout.%ld.ohms", j0);
    snprintf(label, sizeof label, "Zout at %s", fs);
    ROW(key, "ohm", label, "ohm", 1.0, -2);
    for (i = 0; i < c->n; i++) {
      long j = nearest(&c->m[i]->zout[0].freq_hz, 3, c->m[i]->n_zout, zout_at[k]);
      if (j >= 0)
        r->value[i] = c->m[i]->zout[j].ohms;
    }
    cli_compare_drop_if_empty(c);
  }

  {
    long j0 = nearest(&m0->crosstalk[0].freq_hz, 2, m0->n_crosstalk, 1000.0);
    snprintf(key, sizeof key, "crosstalk.%ld.db", j0);
    ROW(key, "dB", "Crosstalk at 1 kHz", "dB", 1.0, -1);
    r->nan_text = "below floor";
    for (i = 0; i < c->n; i++) {
      long j = nearest(&c->m[i]->crosstalk[0].freq_hz, 2, c->m[i]->n_crosstalk, 1000.0);
      if (j >= 0)
        r->value[i] = c->m[i]->crosstalk[j].db;
    }
    if (m0->n_crosstalk == 0)
      c->n_rows--;
  }

  {
    static const struct {
      const char *key, *ju, *label, *unit;
    } power_rows[] = {
      { "power.vout_rms_1pct", "Vrms", "Max output at 1 % THD", "Vrms" },
      { "power.pout_w_1pct", "W", "Max power at 1 % THD", "W" },
      { "power.vout_rms_01pct", "Vrms", "Max output at 0.1 % THD", "Vrms" },
      { "power.pout_w_01pct", "W", "Max power at 0.1 % THD", "W" },
    };
    for (k = 0; k < 4; k++) {
      ROW(power_rows[k].key, power_rows[k].ju, power_rows[k].label,
          power_rows[k].unit, 1.0, 1);
      r->nan_text = "not reached";
      for (i = 0; i < c->n; i++) {
        const ampsim_measurement *m = c->m[i];
        double v[4] = { m->vout_rms_1pct, m->pout_w_1pct, m->vout_rms_01pct,
                        m->pout_w_01pct };
        if (m->options.figures & AMPSIM_FIG_POWER)
          r->value[i] = v[k];
      }
      {
        int any = 0;
        for (i = 0; i < c->n; i++)
          any |= (c->m[i]->options.figures & AMPSIM_FIG_POWER) != 0;
        if (!any)
          c->n_rows--;
      }
    }
  }

  ROW("stability.phase_margin_deg", "deg", "Phase margin", "deg", 1.0, 1);
  for (i = 0; i < c->n; i++)
    if ((c->m[i]->options.figures & AMPSIM_FIG_STABILITY) && c->m[i]->has_loop)
      r->value[i] = c->m[i]->stability.phase_margin_deg;
  cli_compare_drop_if_empty(c);
#undef ROW
  return cli_compare_rows_more(c);
}

int cli_compare_measure(cli_compare *c)
{
  cli_progress progress;
  size_t i;

  cli_progress_start(&progress, c->n, "measuring designs", c->quiet);
  for (i = 0; i < c->n; i++) {
    int rc;
    ampsim_error_clear();
    rc = ampsim_design_measure(&c->m[i], &c->designs[i]);
    if (rc != 0) {
      cli_progress_end(&progress);
      return cli_library_error(rc);
    }
    cli_progress_step(&progress, i + 1);
  }
  cli_progress_end(&progress);
  return build_rows(c);
}

/* ------------------------------------------------------------------------ */
/* Table, CSV, JSON                                                         */
/* ------------------------------------------------------------------------ */

/* Drop the spaces at the end of the line being written (the unused marker
 * slot of the last column). */
static void trim_line(cli_text *out)
{
  while (!out->failed && out->len > 0 && out->data[out->len - 1] == ' ')
    out->data[--out->len] = '\0';
}

int cli_compare_table(cli_text *out, const cli_compare *c)
{
  size_t label_w = 6, width[CLI_COMPARE_MAX_DESIGNS], i, k;
  int any_best = 0;

  for (k = 0; k < c->n_rows; k++)
    if (strlen(c->rows[k].label) > label_w)
      label_w = strlen(c->rows[k].label);
  for (i = 0; i < c->n; i++) {
    width[i] = strlen(c->designs[i].name);
    if (width[i] < 11)
      width[i] = 11;
  }
  cli_text_printf(out, "%-*s", (int)label_w, "");
  for (i = 0; i < c->n; i++)
    cli_text_printf(out, "  %*s ", (int)width[i], c->designs[i].name);
  trim_line(out);
  cli_text_append(out, "\n");
  for (k = 0; k < c->n_rows; k++) {
    const cli_row *r = &c->rows[k];
    int marks[CLI_COMPARE_MAX_DESIGNS];
    cli_row_mark_best(marks, r, c->n);
    cli_text_printf(out, "%-*s", (int)label_w, r->label);
    for (i = 0; i < c->n; i++) {
      char buf[64];
      cli_row_format(buf, sizeof buf, r, i);
      cli_text_printf(out, "  %*s%s", (int)width[i], buf, marks[i] ? "*" : " ");
      any_best |= marks[i];
    }
    trim_line(out);
    cli_text_append(out, "\n");
  }
  if (any_best)
    cli_text_append(out, "\n* best in its row\n");
  return out->failed ? cli_error("%s", strerror(ENOMEM)) : 0;
}

static void csv_number(cli_text *out, double v)
{
  if (!isnan(v))
    cli_text_printf(out, "%.17g", v);
}

int cli_compare_csv(cli_text *out, const cli_compare *c)
{
  size_t i, k;

  cli_text_append(out, "figure,unit");
  for (i = 0; i < c->n; i++) {
    cli_text_append(out, ",");
    cli_text_csv_field(out, c->designs[i].name);
  }
  cli_text_append(out, "\n");
  for (k = 0; k < c->n_rows; k++) {
    const cli_row *r = &c->rows[k];
    cli_text_csv_field(out, r->key);
    cli_text_append(out, ",");
    cli_text_csv_field(out, r->json_unit);
    for (i = 0; i < c->n; i++) {
      cli_text_append(out, ",");
      csv_number(out, r->value[i]);
    }
    cli_text_append(out, "\n");
  }
  return out->failed ? cli_error("%s", strerror(ENOMEM)) : 0;
}

int cli_compare_json(char **out, const cli_compare *c)
{
  json_t *all = json_array();
  size_t i;

  *out = NULL;
  if (all == NULL)
    return cli_error("JSON: %s", strerror(ENOMEM));
  for (i = 0; i < c->n; i++) {
    json_t *doc, *named;
    json_error_t error;
    char *text = NULL;
    int rc = ampsim_report_json(&text, c->m[i]);
    if (rc != 0) {
      json_decref(all);
      return cli_library_error(rc);
    }
    doc = json_loads(text, JSON_REJECT_DUPLICATES, &error);
    free(text);
    named = json_object();
    if (doc == NULL || named == NULL ||
        json_object_set_new(named, "design", json_string(c->designs[i].name)) != 0 ||
        json_object_update(named, doc) != 0 || json_array_append_new(all, named) != 0) {
      json_decref(doc);
      json_decref(all);
      return cli_error("JSON: %s", doc == NULL ? error.text : strerror(ENOMEM));
    }
    json_decref(doc);
  }
  *out = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  json_decref(all);
  if (*out == NULL)
    return cli_error("JSON: %s", strerror(ENOMEM));
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

int cli_compare_write(const char *path, const char *data, size_t len)
{
  int rc;

  if (strcmp(path, "-") == 0) {
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) == EOF)
      return cli_error("stdout: %s", strerror(errno));
    return 0;
  }
  ampsim_error_clear();
  rc = ampsim_file_write_atomic(path, data, len);
  return rc != 0 ? cli_library_error(rc) : 0;
}

/* ------------------------------------------------------------------------ */
/* Curves                                                                   */
/* ------------------------------------------------------------------------ */

int cli_compare_curves(cli_curves *out, const cli_compare *c, ampsim_curve_kind kind)
{
  cli_progress progress;
  ampsim_curve *set = calloc(AMPSIM_MAX_CURVE_SET, sizeof *set);
  char what[64];
  size_t i;
  int rc = 0;

  memset(out, 0, sizeof *out);
  if (set == NULL)
    return cli_error("%s", strerror(ENOMEM));
  snprintf(what, sizeof what, "%s curves", ampsim_curve_kind_name(kind));
  cli_progress_start(&progress, c->n, what, c->quiet);
  for (i = 0; rc == 0 && i < c->n; i++) {
    ampsim_stage *stage = NULL, *load = NULL;
    ampsim_measure_options opts = c->designs[i].options;
    ampsim_curve_options co = c->curve_options;
    size_t n = 0;
    /* The IMD spectrum at the level of the design's IMD figures (its first
     * level: --vout or the file's). */
    if (kind == AMPSIM_CURVE_IMD_SPECTRUM && opts.n_vouts > 0)
      co.vout_rms = opts.vouts_rms[0];
    ampsim_error_clear();
    rc = ampsim_design_open(&stage, &load, &c->designs[i]);
    if (rc == 0) {
      opts.bench.load_model = load;
      rc = ampsim_curve_measure_set(set, AMPSIM_MAX_CURVE_SET, &n, stage, &opts, kind, &co);
    }
    ampsim_stage_free(stage);
    ampsim_stage_free(load);
    if (rc != 0) {
      rc = cli_library_error(rc);
      break;
    }
    {
      ampsim_curve *grown = realloc(out->curve, (out->n + n) * sizeof *grown);
      size_t *grown_design = grown != NULL ? realloc(out->design, (out->n + n) * sizeof *grown_design) : NULL;
      if (grown != NULL)
        out->curve = grown;
      if (grown_design != NULL)
        out->design = grown_design;
      if (grown == NULL || grown_design == NULL) {
        rc = cli_error("%s", strerror(ENOMEM));
        break;
      }
      memcpy(&out->curve[out->n], set, n * sizeof *set);
      for (size_t k = 0; k < n; k++)
        out->design[out->n + k] = i;
      out->n += n;
    }
    cli_progress_step(&progress, i + 1);
  }
  cli_progress_end(&progress);
  free(set);
  return rc;
}

/* A plot in two panels is this tall, so that each keeps the height of
 * about two thirds of a one-panel plot. */
#define CLI_PLOT_TWO_PANEL_HEIGHT_PX 760

int cli_compare_plot(ampsim_plot **out, const cli_curves *s, const cli_compare *c)
{
  cli_plot_series *series = calloc(AMPSIM_PLOT_MAX_SERIES, sizeof *series);
  ampsim_plot *p = NULL;
  char title[160], y_label[96];
  const char *y_unit = "";
  const ampsim_curve *k0;
  cli_plot_panels panels;
  size_t n = 0, i;
  int rc, two_panels;

  *out = NULL;
  if (series == NULL)
    return cli_error("%s", strerror(ENOMEM));
  if (s->n == 0) {
    free(series);
    return cli_error("no curves to plot");
  }
  k0 = &s->curve[0];
  rc = cli_curves_plot_series(series, cli_curves_plot_max_series(k0->kind), &n, s, c);
  if (rc != 0) {
    free(series);
    return rc;
  }
  cli_curves_plot_axes(title, sizeof title, y_label, sizeof y_label, &y_unit, k0);
  two_panels = cli_curves_plot_panels(&panels, s);
  ampsim_error_clear();
  rc = ampsim_plot_new(&p, title);
  if (rc == 0 && two_panels)
    rc = ampsim_plot_set_size(p, AMPSIM_PLOT_WIDTH_PX, CLI_PLOT_TWO_PANEL_HEIGHT_PX);
  if (rc == 0)
    rc = ampsim_plot_axis_x(p, k0->x_label, k0->x_unit,
                            k0->x_log ? AMPSIM_AXIS_LOG : AMPSIM_AXIS_LINEAR);
  if (rc == 0 && two_panels) {
    rc = ampsim_plot_axis_y(p, panels.upper_label, panels.upper_unit, AMPSIM_AXIS_LINEAR);
    if (rc == 0)
      rc = ampsim_plot_axis_y_lower(p, panels.lower_label, panels.lower_unit,
                                    AMPSIM_AXIS_LINEAR);
    if (rc == 0)
      rc = ampsim_plot_range_y_lower(p, panels.lower_lo, panels.lower_hi);
  } else if (rc == 0) {
    rc = ampsim_plot_axis_y(p, y_label, y_unit, k0->y_log ? AMPSIM_AXIS_LOG : AMPSIM_AXIS_LINEAR);
  }
  for (i = 0; rc == 0 && i < n; i++) {
    ampsim_plot_series_options opts = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
    opts.panel = series[i].lower ? AMPSIM_PLOT_PANEL_LOWER : AMPSIM_PLOT_PANEL_UPPER;
    opts.draw = series[i].draw;
    opts.like = series[i].like;
    rc = ampsim_plot_series_ext(p, series[i].entry, series[i].x, series[i].y, series[i].n,
                                &opts);
  }
  free(series);
  if (rc != 0) {
    ampsim_plot_free(p);
    return cli_library_error(rc);
  }
  *out = p;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

static int run_curve(cli_compare *c)
{
  cli_curves curves;
  ampsim_plot *plot = NULL;
  cli_text csv = { 0 };
  unsigned char *image = NULL;
  size_t image_len = 0;
  int rc;

  rc = cli_compare_curves(&curves, c, c->curve_kind);
  if (rc == 0)
    rc = cli_compare_curve_csv(&csv, &curves, c);
  if (rc == 0 && c->plot_path != NULL)
    rc = cli_compare_plot(&plot, &curves, c);
  /* The plot is rendered before anything is written, so a failure leaves
   * no output at all. */
  if (rc == 0 && plot != NULL) {
    int r;
    ampsim_error_clear();
    if (plot_format(c->plot_path) == 1)
      r = ampsim_plot_render_png(plot, &image, &image_len);
    else
      r = ampsim_plot_render_svg(plot, (char **)&image, &image_len);
    if (r != 0)
      rc = cli_library_error(r);
  }
  if (rc == 0)
    rc = cli_compare_write(c->csv_path != NULL ? c->csv_path : "-",
                           cli_text_str(&csv), csv.len);
  if (rc == 0 && image != NULL)
    rc = cli_compare_write(c->plot_path, (const char *)image, image_len);
  free(image);
  ampsim_plot_free(plot);
  free(csv.data);
  cli_curves_free(&curves);
  return rc;
}

int cli_cmd_compare(int argc, char **argv)
{
  cli_compare c;
  cli_text table = { 0 }, csv = { 0 };
  char *json = NULL;
  int help = 0, rc;

  rc = cli_compare_setup(&c, argc, argv, 0, &help);
  if (rc != 0 || help) {
    cli_compare_free(&c);
    return rc;
  }
  if (c.have_curve) {
    rc = run_curve(&c);
    cli_compare_free(&c);
    return rc;
  }
  rc = cli_compare_measure(&c);
  /* Everything is formatted before anything is written. */
  if (rc == 0)
    rc = cli_compare_table(&table, &c);
  if (rc == 0 && c.json_path != NULL)
    rc = cli_compare_json(&json, &c);
  if (rc == 0 && c.csv_path != NULL)
    rc = cli_compare_csv(&csv, &c);
  if (rc == 0) {
    int table_to_stdout = !(c.json_path != NULL && strcmp(c.json_path, "-") == 0) &&
                          !(c.csv_path != NULL && strcmp(c.csv_path, "-") == 0);
    if (table_to_stdout)
      rc = cli_compare_write("-", cli_text_str(&table), table.len);
    if (rc == 0 && json != NULL)
      rc = cli_compare_write(c.json_path, json, strlen(json));
    if (rc == 0 && c.csv_path != NULL)
      rc = cli_compare_write(c.csv_path, cli_text_str(&csv), csv.len);
  }
  free(json);
  free(table.data);
  free(csv.data);
  cli_compare_free(&c);
  return rc;
}
