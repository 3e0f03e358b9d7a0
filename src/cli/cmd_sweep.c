/*
 * cmd_sweep.c - `ampsim sweep` (grids and Monte Carlo, streamed to JSON
 * lines, resumable, sharded) and `ampsim merge` (docs/sweep.md).
 */
#include "cli.h"
#include "sweep_cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define CLI_MAX_JOBS 1024

enum {
  OPT_OUTPUT = CLI_OPT_FIRST_COMMAND_OPTION,
  OPT_JOBS,
  OPT_TIMEOUT,
  OPT_FIGURES,
  OPT_FREQ,
  OPT_VOUT,
  OPT_MC,
  OPT_SEED,
  OPT_TOL,
  OPT_TOL_DIST,
  OPT_SHARD,
  OPT_RESUME,
  OPT_SUMMARY,
  OPT_PLOT,
  OPT_PLOT_FIGURE,
  OPT_QUIET,
  OPT_DESIGN
};

static const cli_option sweep_options[] = {
  CLI_BENCH_OPTION_ENTRIES,
  { OPT_OUTPUT, "--output", 'o', 1 },
  { OPT_JOBS, "--jobs", 'j', 1 },
  { OPT_TIMEOUT, "--timeout", 0, 1 },
  { OPT_FIGURES, "--figures", 0, 1 },
  { OPT_FREQ, "--freq", 0, 1 },
  { OPT_VOUT, "--vout", 0, 1 },
  { OPT_MC, "--mc", 0, 1 },
  { OPT_SEED, "--seed", 0, 1 },
  { OPT_TOL, "--tol", 0, 1 },
  { OPT_TOL_DIST, "--tol-dist", 0, 1 },
  { OPT_SHARD, "--shard", 0, 1 },
  { OPT_RESUME, "--resume", 0, 0 },
  { OPT_SUMMARY, "--summary", 0, 1 },
  { OPT_PLOT, "--plot", 0, 1 },
  { OPT_PLOT_FIGURE, "--plot-figure", 0, 1 },
  { OPT_QUIET, "--quiet", 'q', 0 },
  { OPT_DESIGN, "--design", 0, 1 },
  { 0, NULL, 0, 0 }
};

void cli_help_sweep(void)
{
  printf("Usage: ampsim sweep [DESIGN.xml] [options] -o RESULTS.jsonl\n"
         "\n"
         "Measure a design over a grid of option values and/or Monte Carlo\n"
         "samples of its part tolerances, every point in its own worker\n"
         "process. Each finished point is appended to RESULTS.jsonl as one\n"
         "JSON line (point, grid, sample, seed, params, figures); the first\n"
         "line names the sweep (a hash of its definition) and the shard. A\n"
         "summary (mean, sd, percentiles, worst case per figure) goes to\n"
         "stdout. See docs/sweep.md.\n"
         "\n"
         "Grid: --topology, --load, --ground-ohms, --supply, --supply-ohms\n"
         "and --param NAME=... take lists: values separated by commas, and\n"
         "ranges A:B:N (N values, linear) or A:B:N:log. Every combination is\n"
         "a grid point.\n"
         "\n"
         "Options (and those of 'ampsim measure' for the design):\n");
  fputs(cli_help_bench_options, stdout);
  printf("  -o, --output FILE    results, JSON lines (required)\n"
         "  --design NAME        the design of the file to sweep (needed when\n"
         "                       the file holds several)\n"
         "  --figures LIST       what to measure per point [thd,gain]\n"
         "  --freq HZ, --vout VRMS  THD frequency and level, as measure\n"
         "  --mc N               Monte Carlo samples per grid point [0]\n"
         "  --seed S             seed of the draws (0 to 2^53) [1]\n"
         "  --tol LIST           tolerances: classes R, C, L, beta, gbw (%% or\n"
         "                       fraction), vos (volts), or parts by name\n"
         "                       (R3=0.1%%): R=1%%,C=5%%,beta=20%%,gbw=20%%,vos=1m\n"
         "  --tol-dist gauss|uniform  gauss: tolerance = 3 sigma [gauss]\n"
         "  -j, --jobs N         points measured at once; 0 = one per core [0]\n"
         "  --timeout SECONDS    limit per point; 0 = none [600]\n"
         "  --shard I/N          only points with index %% N == I-1 (I from 1);\n"
         "                       default from SLURM_ARRAY_TASK_ID/COUNT\n"
         "  --resume             keep the rows already in FILE, run the rest\n"
         "  --summary FILE       write the summary to FILE instead of stdout\n"
         "  --plot FILE.png|svg  histogram (Monte Carlo) or curve (grid)\n"
         "  --plot-figure NAME   the figure plotted [first thd figure]\n"
         "  -q, --quiet          no progress on stderr\n"
         "  -h, --help           this text\n"
         "\n"
         "Under 'mpirun -np N' (when built with MPI) the points are spread\n"
         "over the ranks and rank 0 writes the file.\n"
         "\n");
  fputs(cli_help_footer, stdout);
}

void cli_help_merge(void)
{
  printf("Usage: ampsim merge SHARD.jsonl... -o RESULTS.jsonl [--summary FILE]\n"
         "       [--plot FILE] [--plot-figure NAME] [--no-summary]\n"
         "\n"
         "Combine the shard files of one sweep ('ampsim sweep --shard I/N')\n"
         "into the full result, rows sorted by point, written atomically.\n"
         "Refuses shards of different sweeps, a missing or repeated shard,\n"
         "and a missing or repeated point. Prints the summary.\n"
         "\n");
  fputs(cli_help_footer, stdout);
}

/* ====================================================================== */
/* Rows                                                                    */
/* ====================================================================== */

char *sweep_header_line(const sweep_header *h)
{
  char *line = malloc(256);
  if (line == NULL)
    return NULL;
  snprintf(line, 256,
           "{\"ampsim_sweep\": 1, \"sweep\": \"%016" PRIx64
           "\", \"points\": %zu, \"grid\": %zu, \"mc\": %zu, \"shard\": \"%d/%d\"}\n",
           h->hash, h->points, h->grid, h->mc, h->shard, h->shards);
  return line;
}

int sweep_header_parse(sweep_header *h, const char *line)
{
  json_error_t error;
  json_t *doc = json_loads(line, 0, &error);
  const char *hash, *shard;
  json_int_t points, grid, mc;
  int rc = -1;

  if (doc == NULL)
    return -1;
  if (json_unpack(doc, "{s:i, s:s, s:I, s:I, s:I, s:s}", "ampsim_sweep", &(int){0}, "sweep",
                  &hash, "points", &points, "grid", &grid, "mc", &mc, "shard", &shard) == 0 &&
      sscanf(hash, "%" SCNx64, &h->hash) == 1 &&
      sscanf(shard, "%d/%d", &h->shard, &h->shards) == 2 && points >= 0) {
    h->points = (size_t)points;
    h->grid = (size_t)grid;
    h->mc = (size_t)mc;
    rc = 0;
  }
  json_decref(doc);
  return rc;
}

/* Keys of measure's JSON that are not figures (they are the point's
 * parameters, or describe the run). */
static const char *const not_figures[] = {
  "ampsim_version", "stage", "ngspice_version", "topology", "load_ohms", "load",
  "stage_params", "supply_split", "volume", "ground_ohms", "supply_v", "supply_ohms",
  "elapsed_s", NULL
};

int sweep_row_line(char **out, const ampsim_sweep *sweep, size_t point, int rc,
                   const char *message, const ampsim_measurement *m)
{
  json_t *row = json_object(), *params = json_object(), *figures = NULL;
  size_t grid, sample, idx[AMPSIM_SWEEP_MAX_AXES];
  char *text = NULL;

  *out = NULL;
  if (row == NULL || params == NULL) {
    json_decref(row);
    json_decref(params);
    return cli_error("JSON: %s", strerror(ENOMEM));
  }
  ampsim_sweep_locate(sweep, point, &grid, &sample, idx);
  json_object_set_new(row, "point", json_integer((json_int_t)point));
  json_object_set_new(row, "grid", json_integer((json_int_t)grid));
  json_object_set_new(row, "sample", json_integer((json_int_t)sample));
  json_object_set_new(row, "seed",
                      json_integer((json_int_t)ampsim_sweep_point_seed(sweep, point)));
  for (size_t i = 0; i < sweep->n_axes; i++)
    json_object_set_new(params, sweep->axes[i].name,
                        json_string(sweep->axes[i].values[idx[i]]));
  json_object_set_new(row, "params", params);
  if (rc == 0 && m != NULL) {
    char *doc_text = NULL;
    json_error_t error;
    ampsim_error_clear();
    if (ampsim_report_json(&doc_text, m) != 0) {
      json_decref(row);
      return cli_library_error(AMPSIM_EINVAL);
    }
    figures = json_loads(doc_text, JSON_REJECT_DUPLICATES, &error);
    free(doc_text);
    if (figures == NULL) {
      json_decref(row);
      return cli_error("JSON: %s", error.text);
    }
    for (size_t i = 0; not_figures[i] != NULL; i++)
      json_object_del(figures, not_figures[i]);
    json_object_set_new(row, "error", json_null());
    json_object_set_new(row, "figures", figures);
  } else {
    json_object_set_new(row, "error", json_string(message != NULL ? message : "failed"));
    json_object_set_new(row, "figures", json_null());
  }
  text = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  json_decref(row);
  if (text == NULL)
    return cli_error("JSON: %s", strerror(ENOMEM));
  {
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (line == NULL) {
      free(text);
      return cli_error("JSON: %s", strerror(ENOMEM));
    }
    line[len] = '\n';
    line[len + 1] = '\0';
    *out = line;
  }
  return 0;
}

int sweep_row_point(size_t *point, const char *line)
{
  const char *key = "{\"point\":";
  char *end;
  unsigned long long v;
  if (strncmp(line, key, strlen(key)) != 0)
    return -1;
  errno = 0;
  v = strtoull(line + strlen(key), &end, 10);
  if (errno != 0 || end == line + strlen(key) || *end != ',')
    return -1;
  *point = (size_t)v;
  return 0;
}

/* ====================================================================== */
/* Reading results files                                                   */
/* ====================================================================== */

typedef struct results_file {
  sweep_header header;
  size_t n, cap;
  char **rows;       /* complete lines, each with its '\n' */
  size_t *points;
  size_t good_bytes; /* length of the file up to the last complete row */
  int truncated;     /* a last line without '\n' (or not JSON) was dropped */
} results_file;

static void results_free(results_file *r)
{
  for (size_t i = 0; i < r->n; i++)
    free(r->rows[i]);
  free(r->rows);
  free(r->points);
  memset(r, 0, sizeof *r);
}

/* Read a results file: a header, then rows. A last line that is cut off
 * (a killed run) is dropped; anything else malformed is an error. */
static int results_read(results_file *r, const char *path)
{
  FILE *f = fopen(path, "rb");
  char *line = NULL;
  size_t cap = 0, lineno = 0, offset = 0;
  ssize_t len;
  int rc = 0;

  memset(r, 0, sizeof *r);
  if (f == NULL)
    return cli_error("%s: %s", path, strerror(errno));
  while ((len = getline(&line, &cap, f)) > 0) {
    int complete = line[len - 1] == '\n';
    lineno++;
    if (lineno == 1) {
      if (!complete || sweep_header_parse(&r->header, line) != 0) {
        rc = cli_error("%s:1: not an ampsim sweep results file (no header line)", path);
        break;
      }
    } else {
      size_t point;
      json_error_t error;
      json_t *doc = complete ? json_loads(line, 0, &error) : NULL;
      if (doc == NULL || sweep_row_point(&point, line) != 0) {
        json_decref(doc);
        /* Only the last line may be broken: the run was killed writing it
         * (one write() per line makes that rare). */
        if (fgetc(f) == EOF && !ferror(f)) {
          r->truncated = 1;
          break;
        }
        rc = cli_error("%s:%zu: not a results row", path, lineno);
        break;
      }
      json_decref(doc);
      if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 256;
        char **rows = realloc(r->rows, ncap * sizeof *rows);
        size_t *points = rows != NULL ? realloc(r->points, ncap * sizeof *points) : NULL;
        if (rows != NULL)
          r->rows = rows;
        if (points == NULL) {
          rc = cli_error("%s: %s", path, strerror(ENOMEM));
          break;
        }
        r->points = points;
        r->cap = ncap;
      }
      r->rows[r->n] = strdup(line);
      if (r->rows[r->n] == NULL) {
        rc = cli_error("%s: %s", path, strerror(ENOMEM));
        break;
      }
      r->points[r->n++] = point;
    }
    offset += (size_t)len;
    r->good_bytes = offset;
  }
  if (rc == 0 && ferror(f))
    rc = cli_error("%s: %s", path, strerror(errno));
  if (rc == 0 && lineno == 0)
    rc = cli_error("%s: empty file (not an ampsim sweep results file)", path);
  free(line);
  fclose(f);
  if (rc != 0)
    results_free(r);
  return rc;
}

/* ====================================================================== */
/* ampsim sweep                                                            */
/* ====================================================================== */

typedef struct run_state {
  int fd;
  const char *path;
  const ampsim_sweep *sweep;
  size_t done, total, failed;
  int quiet;
  double start_s;
  char **rows; /* kept for the summary */
  size_t n_rows;
} run_state;

static double wall_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Append one whole line with a single write() (O_APPEND): a killed run
 * leaves whole rows, at worst a cut last one that --resume drops. */
static int write_row(void *ctx, const char *line)
{
  run_state *s = ctx;
  size_t len = strlen(line);
  ssize_t n;
  char *copy;

  do
    n = write(s->fd, line, len);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t)n != len)
    return cli_error("%s: %s", s->path, n < 0 ? strerror(errno) : "short write");
  copy = strdup(line);
  if (copy == NULL)
    return cli_error("%s", strerror(ENOMEM));
  s->rows[s->n_rows++] = copy;
  s->done++;
  if (strstr(line, "\"error\":null") == NULL)
    s->failed++;
  if (!s->quiet) {
    double t = wall_s() - s->start_s;
    fprintf(stderr, "ampsim: sweep: %zu/%zu points, %.1f s, %.3f points/s\n", s->done, s->total,
            t, t > 0 ? (double)s->done / t : 0.0);
  }
  return 0;
}

static int on_point(void *ctx, size_t point, int rc, const char *message,
                    const ampsim_measurement *m)
{
  run_state *s = ctx;
  char *line = NULL;
  int out;
  if (rc != 0 && !s->quiet)
    fprintf(stderr, "ampsim: sweep: point %zu failed: %s\n", point, message);
  out = sweep_row_line(&line, s->sweep, point, rc, message, m);
  if (out == 0)
    out = write_row(s, line);
  free(line);
  return out;
}

/* "I/N" with 1 <= I <= N. */
static int parse_shard(int *shard, int *shards, const char *name, const char *text)
{
  char *end;
  long i, n;
  errno = 0;
  i = strtol(text, &end, 10);
  if (end == text || *end != '/' || errno != 0)
    return cli_error("%s: '%s' is not I/N (shard I of N, I from 1)", name, text);
  n = strtol(end + 1, &end, 10);
  if (*end != '\0' || errno != 0 || n < 1 || n > 1000000 || i < 1 || i > n)
    return cli_error("%s: '%s' is not I/N with 1 <= I <= N", name, text);
  *shard = (int)i;
  *shards = (int)n;
  return 0;
}

/* The Slurm array task as a shard: task ids run from SLURM_ARRAY_TASK_MIN
 * (0 or 1 or anything, as the --array range says) over
 * SLURM_ARRAY_TASK_COUNT tasks. Returns 1 when set, 0 when not, or
 * CLI_EXIT_ERROR. */
static int slurm_shard(int *shard, int *shards)
{
  const char *id = getenv("SLURM_ARRAY_TASK_ID");
  const char *count = getenv("SLURM_ARRAY_TASK_COUNT");
  const char *min = getenv("SLURM_ARRAY_TASK_MIN");
  long i, n, lo = 0;
  char *end;

  if (id == NULL || count == NULL)
    return 0;
  i = strtol(id, &end, 10);
  if (end == id || *end != '\0')
    return cli_error("SLURM_ARRAY_TASK_ID: '%s' is not a number", id);
  n = strtol(count, &end, 10);
  if (end == count || *end != '\0' || n < 1)
    return cli_error("SLURM_ARRAY_TASK_COUNT: '%s' is not a positive number", count);
  if (min != NULL) {
    lo = strtol(min, &end, 10);
    if (end == min || *end != '\0')
      return cli_error("SLURM_ARRAY_TASK_MIN: '%s' is not a number", min);
  }
  if (i - lo < 0 || i - lo >= n)
    return cli_error("SLURM_ARRAY_TASK_ID %ld is outside %ld tasks from %ld (the array must be "
                     "a contiguous range, e.g. --array=0-%ld)",
                     i, n, lo, n - 1);
  *shard = (int)(i - lo) + 1;
  *shards = (int)n;
  return 1;
}

static int is_list(const char *value)
{
  return strchr(value, ',') != NULL ||
         (strchr(value, ':') != NULL && (isdigit((unsigned char)value[0]) || value[0] == '.'));
}

static int axis_option(ampsim_sweep *sweep, ampsim_axis_kind kind, const char *axis,
                       const char *name, const char *value)
{
  const char *message;
  size_t len = strlen(axis);
  ampsim_error_clear();
  if (ampsim_sweep_add_axis(sweep, kind, axis, value) == 0)
    return 0;
  /* The library names the axis; the option's name says it already, except
   * for a stage parameter ("--param: gain: ..."). */
  message = ampsim_error_last();
  if (kind != AMPSIM_AXIS_PARAM && strncmp(message, axis, len) == 0 && message[len] == ':')
    message += len + 2;
  return cli_error("%s: %s", name, message);
}

/* Whether the command line set the axis's option to one value. */
static int single_value_given(const cli_bench_args *args, const ampsim_sweep_axis *axis)
{
  switch (axis->kind) {
  case AMPSIM_AXIS_TOPOLOGY:
    return (args->given & CLI_GIVEN_TOPOLOGY) != 0;
  case AMPSIM_AXIS_LOAD:
    return (args->given & CLI_GIVEN_LOAD) != 0;
  case AMPSIM_AXIS_GROUND_OHMS:
    return (args->given & CLI_GIVEN_GROUND_OHMS) != 0;
  case AMPSIM_AXIS_SUPPLY:
    return (args->given & CLI_GIVEN_SUPPLY) != 0;
  case AMPSIM_AXIS_SUPPLY_OHMS:
    return (args->given & CLI_GIVEN_SUPPLY_OHMS) != 0;
  case AMPSIM_AXIS_PARAM:
    for (size_t i = 0; i < args->n_params; i++) {
      size_t len = strlen(axis->name);
      if (strncasecmp(args->params[i], axis->name, len) == 0 && args->params[i][len] == '=')
        return 1;
    }
    return 0;
  }
  return 0;
}

static int write_summary(const char *summary_path, const sweep_header *h, char *const *rows,
                         size_t n, const char *plot_path, const char *plot_figure)
{
  FILE *f = stdout;
  char *buffer = NULL;
  size_t size = 0;
  int rc;

  if (summary_path != NULL) {
    f = open_memstream(&buffer, &size);
    if (f == NULL)
      return cli_error("%s: %s", summary_path, strerror(errno));
  }
  rc = sweep_summary(f, h, rows, n, plot_path, plot_figure);
  if (summary_path != NULL) {
    fclose(f);
    if (rc == 0) {
      ampsim_error_clear();
      if (ampsim_file_write_atomic(summary_path, buffer, size) != 0)
        rc = cli_library_error(AMPSIM_EIO);
    }
    free(buffer);
  } else if (fflush(stdout) == EOF) {
    rc = cli_error("stdout: %s", strerror(errno));
  }
  return rc;
}

/* The bench options that become a grid axis when given a list, with the
 * axis and its key in the rows. */
typedef struct bench_axis {
  int option;
  ampsim_axis_kind kind;
  const char *key;
} bench_axis;

static const bench_axis bench_axes[] = {
    {CLI_OPT_TOPOLOGY, AMPSIM_AXIS_TOPOLOGY, "topology"},
    {CLI_OPT_LOAD, AMPSIM_AXIS_LOAD, "load"},
    {CLI_OPT_GROUND_OHMS, AMPSIM_AXIS_GROUND_OHMS, "ground_ohms"},
    {CLI_OPT_SUPPLY, AMPSIM_AXIS_SUPPLY, "supply_v"},
    {CLI_OPT_SUPPLY_OHMS, AMPSIM_AXIS_SUPPLY_OHMS, "supply_ohms"},
};

/* The entry of a bench option of the table (only called with those). */
static const bench_axis *bench_axis_of(int option)
{
  size_t i = 0;
  while (i + 1 < sizeof bench_axes / sizeof bench_axes[0] && bench_axes[i].option != option)
    i++;
  return &bench_axes[i];
}

int cli_cmd_sweep(int argc, char **argv)
{
  cli_scanner scanner = { argc, argv, 0, "sweep", sweep_options, cli_is_design_file };
  cli_bench_args args;
  ampsim_sweep *sweep = calloc(1, sizeof *sweep);
  ampsim_design *base = calloc(1, sizeof *base);
  ampsim_design_list *list = NULL;
  const char *design_path = NULL, *out_path = NULL, *summary_path = NULL;
  const char *plot_path = NULL, *plot_figure = NULL, *design_name = NULL;
  size_t design_index = 0;
  unsigned figures = AMPSIM_FIG_THD | AMPSIM_FIG_GAIN;
  int resume = 0, quiet = 0, jobs = 0, shard = 0, shards = 0;
  int given_freq = 0, given_vout = 0, given_seed = 0, given_mc = 0, given_tol = 0;
  int given_dist = 0, given_figures = 0;
  int mpi = sweep_mpi_active(), rank = sweep_mpi_rank();
  /* Under MPI, past the checks that every rank makes alike, the other ranks
   * wait for rank 0 in sweep_mpi_run(): a failure of rank 0 alone (its
   * results file) must tell them. */
  int others_waiting = 0;
  double timeout_s = 600.0;
  ampsim_measure_options levels = AMPSIM_MEASURE_OPTIONS_INIT;
  results_file existing;
  run_state state;
  sweep_header header;
  size_t *todo = NULL, n_todo = 0, total;
  unsigned char *present = NULL;
  int exit_code = CLI_EXIT_ERROR, rc;

  memset(&existing, 0, sizeof existing);
  memset(&state, 0, sizeof state);
  state.fd = -1;
  cli_bench_args_init(&args);
  if (sweep == NULL || base == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  ampsim_sweep_init(sweep);
  if (mpi < 0) {
    mpi = 0;
    cli_error("started by mpirun with several ranks, but this ampsim was built without MPI "
              "(cmake -DAMPSIM_MPI=ON): each rank would run the whole sweep");
    goto done;
  }
  for (;;) {
    int id;
    const char *name, *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1)
      goto done;
    rc = 0;
    switch (id) {
    case CLI_ARGUMENT:
      if (design_path != NULL)
        rc = cli_error("one design file at a time: '%s' and '%s'", design_path, value);
      design_path = value;
      break;
    case CLI_OPT_HELP:
      cli_help_sweep();
      exit_code = CLI_EXIT_OK;
      goto done;
    case CLI_OPT_TOPOLOGY:
    case CLI_OPT_LOAD:
    case CLI_OPT_GROUND_OHMS:
    case CLI_OPT_SUPPLY:
    case CLI_OPT_SUPPLY_OHMS: {
      const bench_axis *a = bench_axis_of(id);
      rc = is_list(value) ? axis_option(sweep, a->kind, a->key, name, value)
                          : cli_bench_option(&args, id, name, value);
      break;
    }
    case CLI_OPT_PARAM: {
      const char *eq = strchr(value, '=');
      if (eq != NULL && is_list(eq + 1)) {
        char pname[40];
        if ((size_t)(eq - value) >= sizeof pname || eq == value) {
          rc = cli_error("%s: '%s' is not NAME=LIST", name, value);
          break;
        }
        memcpy(pname, value, (size_t)(eq - value));
        pname[eq - value] = '\0';
        rc = axis_option(sweep, AMPSIM_AXIS_PARAM, pname, name, eq + 1);
      } else {
        rc = cli_bench_option(&args, id, name, value);
      }
      break;
    }
    case OPT_OUTPUT:
      out_path = value;
      break;
    case OPT_JOBS:
      rc = cli_parse_int(&jobs, name, value, 0, CLI_MAX_JOBS);
      break;
    case OPT_TIMEOUT:
      rc = cli_parse_number(&timeout_s, name, value, CLI_NONNEGATIVE, "s");
      break;
    case OPT_FIGURES:
      ampsim_error_clear();
      if (ampsim_figures_parse(&figures, value) != 0)
        rc = cli_error("%s: %s", name, ampsim_error_last());
      given_figures = 1;
      break;
    case OPT_FREQ:
      rc = cli_parse_list(levels.freqs_hz, &levels.n_freqs, AMPSIM_MAX_LEVELS, name, value,
                          CLI_POSITIVE, "Hz");
      given_freq = 1;
      break;
    case OPT_VOUT:
      rc = cli_parse_list(levels.vouts_rms, &levels.n_vouts, AMPSIM_MAX_LEVELS, name, value,
                          CLI_POSITIVE, "Vrms");
      given_vout = 1;
      break;
    case OPT_MC: {
      int mc;
      rc = cli_parse_int(&mc, name, value, 0, 10000000);
      sweep->mc = (size_t)mc;
      given_mc = 1;
      break;
    }
    case OPT_SEED: {
      char *end;
      unsigned long long s;
      errno = 0;
      s = strtoull(value, &end, 10);
      if (value[0] == '-' || end == value || *end != '\0' || errno != 0 ||
          s > (1ULL << 53))
        rc = cli_error("%s: '%s' is not a whole number from 0 to 2^53", name, value);
      sweep->seed = s;
      given_seed = 1;
      break;
    }
    case OPT_TOL:
      ampsim_error_clear();
      if (ampsim_tolerances_parse(&sweep->tol, value) != 0)
        rc = cli_error("%s: %s", name, ampsim_error_last());
      given_tol = 1;
      break;
    case OPT_TOL_DIST:
      if (strcmp(value, "gauss") == 0)
        sweep->tol.dist = AMPSIM_TOL_GAUSS;
      else if (strcmp(value, "uniform") == 0)
        sweep->tol.dist = AMPSIM_TOL_UNIFORM;
      else
        rc = cli_error("%s: '%s' is not gauss or uniform", name, value);
      given_dist = 1;
      break;
    case OPT_SHARD:
      rc = parse_shard(&shard, &shards, name, value);
      break;
    case OPT_RESUME:
      resume = 1;
      break;
    case OPT_SUMMARY:
      summary_path = value;
      break;
    case OPT_PLOT:
      plot_path = value;
      break;
    case OPT_PLOT_FIGURE:
      plot_figure = value;
      break;
    case OPT_QUIET:
      quiet = 1;
      break;
    case OPT_DESIGN:
      design_name = value;
      break;
    default:
      rc = cli_bench_option(&args, id, name, value);
      break;
    }
    if (rc != 0)
      goto done;
  }
  if (out_path == NULL) {
    cli_error("-o RESULTS.jsonl is required (see 'ampsim sweep --help')");
    goto done;
  }
  if (design_path == NULL && args.stage_spec == NULL) {
    cli_error("--stage or a design file is required (see 'ampsim sweep --help')");
    goto done;
  }
  if (design_name != NULL && design_path == NULL) {
    cli_error("--design: names a design of a design file; none given");
    goto done;
  }
  if (shards == 0) {
    rc = slurm_shard(&shard, &shards);
    if (rc == CLI_EXIT_ERROR)
      goto done;
    if (rc == 0)
      shard = shards = 1;
  }
  if (plot_path != NULL) {
    size_t len = strlen(plot_path);
    if (!(len > 4 && (strcmp(plot_path + len - 4, ".png") == 0 ||
                      strcmp(plot_path + len - 4, ".svg") == 0))) {
      cli_error("--plot: '%s' must end in .png or .svg", plot_path);
      goto done;
    }
  }

  /* The base design. */
  ampsim_error_clear();
  if (design_path != NULL) {
    if (ampsim_design_load(&list, design_path) != 0) {
      cli_library_error(AMPSIM_EINVAL);
      goto done;
    }
    if (cli_pick_design(&design_index, list, design_path, design_name) != 0)
      goto done;
    *base = list->items[design_index];
    /* The file's <sweep>, with the command line's values on top. */
    {
      ampsim_sweep *file = malloc(sizeof *file);
      unsigned file_figures = 0;
      int found = 0;
      if (file == NULL) {
        cli_error("%s", strerror(ENOMEM));
        goto done;
      }
      ampsim_error_clear();
      if (ampsim_sweep_load(file, &file_figures, &found, design_path, design_index) != 0) {
        free(file);
        cli_library_error(AMPSIM_EINVAL);
        goto done;
      }
      /* A single value on the command line replaces the file's axis. */
      for (size_t k = 0; k < file->n_axes;) {
        if (single_value_given(&args, &file->axes[k])) {
          memmove(&file->axes[k], &file->axes[k + 1],
                  (file->n_axes - k - 1) * sizeof file->axes[0]);
          file->n_axes--;
        } else {
          k++;
        }
      }
      for (size_t i = 0; i < sweep->n_axes; i++) {
        size_t k;
        for (k = 0; k < file->n_axes; k++)
          if (file->axes[k].kind == sweep->axes[i].kind &&
              strcmp(file->axes[k].name, sweep->axes[i].name) == 0)
            break;
        if (k == file->n_axes) {
          if (file->n_axes == AMPSIM_SWEEP_MAX_AXES) {
            free(file);
            cli_error("at most %d swept options (file and command line)",
                      AMPSIM_SWEEP_MAX_AXES);
            goto done;
          }
          file->n_axes++;
        }
        file->axes[k] = sweep->axes[i];
      }
      if (given_mc)
        file->mc = sweep->mc;
      if (given_seed)
        file->seed = sweep->seed;
      if (given_tol)
        file->tol = sweep->tol;
      if (given_dist)
        file->tol.dist = sweep->tol.dist;
      if (!given_figures && file_figures != 0)
        figures = file_figures;
      *sweep = *file;
      free(file);
    }
  } else {
    ampsim_design_init(base);
  }
  if (cli_apply_bench_args(base, &args) != 0)
    goto done;
  if (sweep->mc == 0 && sweep->tol.n > 0) {
    cli_error("--tol: tolerances need Monte Carlo samples (--mc N)");
    goto done;
  }
  base->options.figures = figures;
  if (given_freq) {
    base->options.n_freqs = levels.n_freqs;
    memcpy(base->options.freqs_hz, levels.freqs_hz, sizeof levels.freqs_hz);
  }
  if (given_vout) {
    base->options.n_vouts = levels.n_vouts;
    memcpy(base->options.vouts_rms, levels.vouts_rms, sizeof levels.vouts_rms);
  }
  base->options.jobs = 1;
  base->options.task_timeout_s = timeout_s;
  if (sweep->mc > 0 && (figures & AMPSIM_FIG_STABILITY)) {
    cli_error("--figures: stability is not available with Monte Carlo (its loop probe "
              "uses the nominal stage); leave it out");
    goto done;
  }
  total = ampsim_sweep_count(sweep);
  if (total == 0) {
    cli_error("the sweep has too many points");
    goto done;
  }
  /* Check every point's values before the first simulation. */
  for (size_t g = 0; g < ampsim_sweep_grid_count(sweep); g++) {
    ampsim_design point_design;
    size_t per = sweep->mc > 0 ? sweep->mc : 1;
    ampsim_error_clear();
    if (ampsim_sweep_point_design(&point_design, sweep, base, g * per) != 0 ||
        ampsim_measure_check(&point_design.options) != 0 ||
        ampsim_design_check(&point_design) != 0) {
      cli_library_error(AMPSIM_EINVAL);
      goto done;
    }
  }

  header.hash = ampsim_sweep_hash(sweep, base);
  header.points = total;
  header.grid = ampsim_sweep_grid_count(sweep);
  header.mc = sweep->mc;
  header.shard = shard;
  header.shards = shards;

  /* The points of this shard, minus those already in the file. */
  present = calloc(total, 1);
  todo = malloc(total * sizeof *todo);
  state.rows = calloc(total, sizeof *state.rows);
  if (present == NULL || todo == NULL || state.rows == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  state.path = out_path;
  state.sweep = sweep;
  state.quiet = quiet || rank != 0;
  others_waiting = mpi && rank == 0;
  if (rank == 0) {
    struct stat st;
    if (resume && stat(out_path, &st) == 0) {
      if (results_read(&existing, out_path) != 0)
        goto done;
      if (existing.header.hash != header.hash || existing.header.shard != shard ||
          existing.header.shards != shards || existing.header.points != total) {
        cli_error("%s: --resume: the file holds another sweep or shard (sweep %016" PRIx64
                  " shard %d/%d; this run is sweep %016" PRIx64 " shard %d/%d)",
                  out_path, existing.header.hash, existing.header.shard, existing.header.shards,
                  header.hash, shard, shards);
        goto done;
      }
      for (size_t i = 0; i < existing.n; i++) {
        if (existing.points[i] >= total || present[existing.points[i]]) {
          cli_error("%s: point %zu is out of range or repeated", out_path, existing.points[i]);
          goto done;
        }
        present[existing.points[i]] = 1;
        state.rows[state.n_rows++] = existing.rows[i];
        existing.rows[i] = NULL;
      }
      state.fd = open(out_path, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (state.fd < 0 || ftruncate(state.fd, (off_t)existing.good_bytes) != 0) {
        cli_error("%s: %s", out_path, strerror(errno));
        goto done;
      }
      if (existing.truncated && !quiet)
        fprintf(stderr, "ampsim: sweep: %s: dropped a cut-off last row\n", out_path);
    } else {
      char *line = sweep_header_line(&header);
      ssize_t w;
      state.fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
      if (state.fd < 0 || line == NULL) {
        free(line);
        cli_error("%s: %s", out_path, strerror(errno));
        goto done;
      }
      w = write(state.fd, line, strlen(line));
      if (w < 0 || (size_t)w != strlen(line)) {
        free(line);
        cli_error("%s: %s", out_path, strerror(errno));
        goto done;
      }
      free(line);
    }
    for (size_t p = (size_t)(shard - 1); p < total; p += (size_t)shards)
      if (!present[p])
        todo[n_todo++] = p;
    state.total = n_todo;
    if (!state.quiet)
      fprintf(stderr,
              "ampsim: sweep %016" PRIx64 ": %zu points (%zu grid x %zu), shard %d/%d: %zu to "
              "run, %zu already done\n",
              header.hash, total, header.grid, sweep->mc > 0 ? sweep->mc : (size_t)1, shard,
              shards, n_todo, existing.n);
  }

  state.start_s = wall_s();
  if (mpi) {
    rc = sweep_mpi_run(sweep, base, todo, n_todo, timeout_s, write_row, &state);
    if (rank != 0) {
      exit_code = rc == CLI_EXIT_ERROR ? CLI_EXIT_ERROR : CLI_EXIT_OK;
      goto done;
    }
  } else {
    ampsim_error_clear();
    rc = ampsim_sweep_run(sweep, base, todo, n_todo, jobs, timeout_s, on_point, &state);
    if (rc != 0 && rc != CLI_EXIT_ERROR)
      rc = cli_library_error(rc);
  }
  if (rc != 0)
    goto done;
  if (!state.quiet && n_todo > 0) {
    double t = wall_s() - state.start_s;
    char how[64];
    if (mpi)
      snprintf(how, sizeof how, "MPI, %d ranks", sweep_mpi_size());
    else
      snprintf(how, sizeof how, "-j %d", jobs);
    fprintf(stderr, "ampsim: sweep: %zu points in %.1f s (%.3f points/s, %s), %zu failed\n",
            n_todo, t, t > 0 ? (double)n_todo / t : 0.0, how, state.failed);
  }
  if (close(state.fd) != 0) {
    state.fd = -1;
    cli_error("%s: %s", out_path, strerror(errno));
    goto done;
  }
  state.fd = -1;
  if (write_summary(summary_path, &header, state.rows, state.n_rows, plot_path, plot_figure) != 0)
    goto done;
  exit_code = CLI_EXIT_OK;

done:
  if (others_waiting)
    sweep_mpi_cancel();
  if (state.fd >= 0)
    close(state.fd);
  for (size_t i = 0; state.rows != NULL && i < state.n_rows; i++)
    free(state.rows[i]);
  free(state.rows);
  results_free(&existing);
  free(present);
  free(todo);
  ampsim_design_list_free(list);
  free(base);
  free(sweep);
  sweep_mpi_finish();
  return exit_code;
}

/* ====================================================================== */
/* ampsim merge                                                            */
/* ====================================================================== */

enum { OPT_M_OUTPUT = CLI_OPT_FIRST_COMMAND_OPTION, OPT_M_SUMMARY, OPT_M_PLOT, OPT_M_FIGURE,
       OPT_M_NO_SUMMARY };

static const cli_option merge_options[] = {
  { CLI_OPT_HELP, "--help", 'h', 0 },
  { OPT_M_OUTPUT, "--output", 'o', 1 },
  { OPT_M_SUMMARY, "--summary", 0, 1 },
  { OPT_M_PLOT, "--plot", 0, 1 },
  { OPT_M_FIGURE, "--plot-figure", 0, 1 },
  { OPT_M_NO_SUMMARY, "--no-summary", 0, 0 },
  { 0, NULL, 0, 0 }
};

static int any_argument(const char *arg)
{
  (void)arg;
  return 1;
}

typedef struct merged_row {
  size_t point;
  char *line;
  const char *file;
} merged_row;

static int by_point(const void *a, const void *b)
{
  const merged_row *x = a, *y = b;
  return x->point < y->point ? -1 : x->point > y->point;
}

int cli_cmd_merge(int argc, char **argv)
{
  cli_scanner scanner = { argc, argv, 0, "merge", merge_options, any_argument };
  const char *out_path = NULL, *summary_path = NULL, *plot_path = NULL, *plot_figure = NULL;
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  results_file *files = calloc((size_t)argc + 1, sizeof *files);
  merged_row *rows = NULL;
  char **lines = NULL;
  const char **shard_file = NULL;
  size_t n_paths = 0, n_rows = 0, total = 0;
  int no_summary = 0, exit_code = CLI_EXIT_ERROR, rc;
  sweep_header header;
  char *text = NULL;

  if (paths == NULL || files == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  for (;;) {
    int id;
    const char *name, *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1)
      goto done;
    switch (id) {
    case CLI_ARGUMENT:
      paths[n_paths++] = value;
      break;
    case CLI_OPT_HELP:
      cli_help_merge();
      exit_code = CLI_EXIT_OK;
      goto done;
    case OPT_M_OUTPUT:
      out_path = value;
      break;
    case OPT_M_SUMMARY:
      summary_path = value;
      break;
    case OPT_M_PLOT:
      plot_path = value;
      break;
    case OPT_M_FIGURE:
      plot_figure = value;
      break;
    case OPT_M_NO_SUMMARY:
      no_summary = 1;
      break;
    }
  }
  if (n_paths == 0) {
    cli_error("merge: name the shard files (see 'ampsim merge --help')");
    goto done;
  }
  if (out_path == NULL) {
    cli_error("-o RESULTS.jsonl is required (see 'ampsim merge --help')");
    goto done;
  }
  for (size_t i = 0; i < n_paths; i++) {
    if (results_read(&files[i], paths[i]) != 0)
      goto done;
    if (files[i].truncated) {
      cli_error("%s: the last row is cut off (an interrupted shard: run it again with "
                "--resume)", paths[i]);
      goto done;
    }
    if (i > 0 && (files[i].header.hash != files[0].header.hash ||
                  files[i].header.points != files[0].header.points ||
                  files[i].header.shards != files[0].header.shards)) {
      cli_error("%s: shard of another sweep (sweep %016" PRIx64 ", %d shards) than %s (sweep "
                "%016" PRIx64 ", %d shards)",
                paths[i], files[i].header.hash, files[i].header.shards, paths[0],
                files[0].header.hash, files[0].header.shards);
      goto done;
    }
    n_rows += files[i].n;
  }
  header = files[0].header;
  total = header.points;
  shard_file = calloc((size_t)header.shards + 1, sizeof *shard_file);
  if (shard_file == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  for (size_t i = 0; i < n_paths; i++) {
    int s = files[i].header.shard;
    if (shard_file[s] != NULL) {
      cli_error("shard %d/%d is given twice: %s and %s", s, header.shards, shard_file[s],
                paths[i]);
      goto done;
    }
    shard_file[s] = paths[i];
  }
  for (int s = 1; s <= header.shards; s++) {
    if (shard_file[s] == NULL) {
      cli_error("shard %d/%d is missing (sweep %016" PRIx64 ")", s, header.shards, header.hash);
      goto done;
    }
  }
  rows = calloc(n_rows + 1, sizeof *rows);
  lines = calloc(n_rows + 1, sizeof *lines);
  if (rows == NULL || lines == NULL) {
    cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  n_rows = 0;
  for (size_t i = 0; i < n_paths; i++)
    for (size_t k = 0; k < files[i].n; k++) {
      size_t p = files[i].points[k];
      if (p >= total || (int)(p % (size_t)header.shards) != files[i].header.shard - 1) {
        cli_error("%s: point %zu does not belong to shard %d/%d", paths[i], p,
                  files[i].header.shard, header.shards);
        goto done;
      }
      rows[n_rows].point = p;
      rows[n_rows].line = files[i].rows[k];
      rows[n_rows++].file = paths[i];
    }
  qsort(rows, n_rows, sizeof *rows, by_point);
  for (size_t i = 0, expect = 0; i <= n_rows; i++, expect++) {
    if (i < n_rows && i > 0 && rows[i].point == rows[i - 1].point) {
      cli_error("point %zu is repeated (%s)", rows[i].point, rows[i].file);
      goto done;
    }
    if ((i < n_rows && rows[i].point != expect) || (i == n_rows && expect < total)) {
      size_t missing = expect;
      cli_error("point %zu is missing (shard %zu/%d: %s; finish it with --resume)", missing,
                missing % (size_t)header.shards + 1, header.shards,
                shard_file[missing % (size_t)header.shards + 1]);
      goto done;
    }
  }
  /* The merged file: the header of the whole sweep, rows by point. */
  {
    size_t len, used;
    char *head;
    header.shard = header.shards = 1;
    head = sweep_header_line(&header);
    if (head == NULL) {
      cli_error("%s", strerror(ENOMEM));
      goto done;
    }
    len = strlen(head);
    for (size_t i = 0; i < n_rows; i++)
      len += strlen(rows[i].line);
    text = malloc(len + 1);
    if (text == NULL) {
      free(head);
      cli_error("%s", strerror(ENOMEM));
      goto done;
    }
    used = strlen(head);
    memcpy(text, head, used);
    free(head);
    for (size_t i = 0; i < n_rows; i++) {
      size_t l = strlen(rows[i].line);
      memcpy(text + used, rows[i].line, l);
      used += l;
      lines[i] = rows[i].line;
    }
    text[used] = '\0';
    ampsim_error_clear();
    if (ampsim_file_write_atomic(out_path, text, used) != 0) {
      cli_library_error(AMPSIM_EIO);
      goto done;
    }
  }
  if (!no_summary &&
      write_summary(summary_path, &header, lines, n_rows, plot_path, plot_figure) != 0)
    goto done;
  exit_code = CLI_EXIT_OK;

done:
  free(text);
  free(lines);
  free(rows);
  free(shard_file);
  for (size_t i = 0; files != NULL && i < n_paths; i++)
    results_free(&files[i]);
  free(files);
  free(paths);
  return exit_code;
}
