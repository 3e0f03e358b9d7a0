/*
 * sweep.c - sweep expansion, per-point seeds, and running points in worker
 * processes (see include/ampsim/sweep.h and docs/sweep.md).
 */
#include "ampsim/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ampsim/error.h"
#include "ampsim/number.h"
#include "runner.h"
#include "strbuf.h"

void ampsim_sweep_init(ampsim_sweep *sweep)
{
  memset(sweep, 0, sizeof *sweep);
  sweep->seed = 1;
}

uint64_t ampsim_splitmix64(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* ====================================================================== */
/* Axes                                                                    */
/* ====================================================================== */

/* A number as on the command line (ampsim/number.h). */
static int number(double *out, const char *text, size_t len)
{
  return ampsim_parse_number(out, text, len) == AMPSIM_NUMBER_OK ? 0 : -1;
}

static int add_value(ampsim_sweep_axis *axis, const char *text)
{
  if (axis->n >= AMPSIM_SWEEP_MAX_VALUES)
    return ampsim_error_set(AMPSIM_EINVAL, "%s: more than %d values", axis->name,
                            AMPSIM_SWEEP_MAX_VALUES);
  snprintf(axis->values[axis->n++], sizeof axis->values[0], "%s", text);
  return 0;
}

static int add_number(ampsim_sweep_axis *axis, double v)
{
  char text[64];
  snprintf(text, sizeof text, "%.10g", v);
  return add_value(axis, text);
}

/* One item of a list: a value, A:B:N or A:B:N:log. */
static int add_item(ampsim_sweep_axis *axis, const char *item, size_t len)
{
  const char *colon = memchr(item, ':', len);
  double v;

  if (len == 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s: empty value in the list", axis->name);
  if (colon == NULL || (axis->kind == AMPSIM_AXIS_LOAD && !isdigit((unsigned char)item[0]) &&
                        item[0] != '.')) {
    /* A value (a load FILE.cir:SUBCKT has a colon but is no range). */
    char text[64];
    if (colon == NULL && number(&v, item, len) == 0)
      return add_number(axis, v);
    if ((axis->kind == AMPSIM_AXIS_TOPOLOGY || axis->kind == AMPSIM_AXIS_LOAD) &&
        len < sizeof text) {
      memcpy(text, item, len);
      text[len] = '\0';
      if (axis->kind == AMPSIM_AXIS_TOPOLOGY) {
        ampsim_topology t;
        if (ampsim_topology_parse(&t, text) != 0)
          return ampsim_error_set(AMPSIM_EINVAL, "%s: '%s' is not se, btl, se-split or "
                                                 "active-ground", axis->name, text);
      }
      return add_value(axis, text);
    }
    return ampsim_error_set(AMPSIM_EINVAL, "%s: '%.*s' is not a number", axis->name, (int)len,
                            item);
  }
  {
    /* A range A:B:N[:log] */
    const char *parts[4];
    size_t lens[4], np = 0;
    const char *p = item, *end = item + len;
    double a, b, count;
    bool logscale = false;
    while (p <= end && np < 4) {
      const char *c = memchr(p, ':', (size_t)(end - p));
      if (c == NULL)
        c = end;
      parts[np] = p;
      lens[np++] = (size_t)(c - p);
      p = c + 1;
    }
    if (p <= end || np < 3)
      return ampsim_error_set(AMPSIM_EINVAL, "%s: range '%.*s' is not A:B:N or A:B:N:log",
                              axis->name, (int)len, item);
    if (np == 4) {
      if (lens[3] == 3 && strncmp(parts[3], "log", 3) == 0)
        logscale = true;
      else if (!(lens[3] == 3 && strncmp(parts[3], "lin", 3) == 0))
        return ampsim_error_set(AMPSIM_EINVAL, "%s: range '%.*s': the fourth field is lin or log",
                                axis->name, (int)len, item);
    }
    if (number(&a, parts[0], lens[0]) != 0 || number(&b, parts[1], lens[1]) != 0 ||
        number(&count, parts[2], lens[2]) != 0 || count != floor(count) || count < 2 ||
        count > AMPSIM_SWEEP_MAX_VALUES)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "%s: range '%.*s' is not A:B:N (numbers, N from 2 to %d)",
                              axis->name, (int)len, item, AMPSIM_SWEEP_MAX_VALUES);
    if (logscale && (a <= 0.0 || b <= 0.0))
      return ampsim_error_set(AMPSIM_EINVAL, "%s: log range '%.*s' needs A, B > 0", axis->name,
                              (int)len, item);
    for (int i = 0; i < (int)count; i++) {
      double f = (double)i / (count - 1.0);
      int rc;
      if (i == (int)count - 1)
        v = b; /* exactly the end */
      else if (logscale)
        v = a * pow(b / a, f);
      else
        v = a + (b - a) * f;
      rc = add_number(axis, v);
      if (rc != 0)
        return rc;
    }
    return 0;
  }
}

int ampsim_sweep_add_axis(ampsim_sweep *sweep, ampsim_axis_kind kind, const char *name,
                          const char *list)
{
  ampsim_sweep_axis *axis = NULL;
  const char *p = list;
  int rc;

  if (name == NULL || *name == '\0' || strlen(name) >= sizeof axis->name)
    return ampsim_error_set(AMPSIM_EINVAL, "sweep: bad axis name");
  for (size_t i = 0; i < sweep->n_axes; i++)
    if (sweep->axes[i].kind == kind && strcasecmp(sweep->axes[i].name, name) == 0)
      axis = &sweep->axes[i];
  if (axis == NULL) {
    if (sweep->n_axes >= AMPSIM_SWEEP_MAX_AXES)
      return ampsim_error_set(AMPSIM_EINVAL, "sweep: at most %d swept options",
                              AMPSIM_SWEEP_MAX_AXES);
    axis = &sweep->axes[sweep->n_axes++];
  }
  memset(axis, 0, sizeof *axis);
  axis->kind = kind;
  snprintf(axis->name, sizeof axis->name, "%s", name);
  if (list == NULL || *list == '\0') {
    sweep->n_axes--;
    return ampsim_error_set(AMPSIM_EINVAL, "%s: empty list", name);
  }
  while (*p != '\0') {
    size_t len = strcspn(p, ",");
    rc = add_item(axis, p, len);
    if (rc != 0) {
      memset(axis, 0, sizeof *axis);
      sweep->n_axes--;
      return rc;
    }
    p += len;
    if (*p == ',') {
      p++;
      if (*p == '\0') {
        sweep->n_axes--;
        return ampsim_error_set(AMPSIM_EINVAL, "%s: empty value in the list", name);
      }
    }
  }
  return 0;
}

/* ====================================================================== */
/* Points                                                                  */
/* ====================================================================== */

size_t ampsim_sweep_grid_count(const ampsim_sweep *sweep)
{
  size_t n = 1;
  for (size_t i = 0; i < sweep->n_axes; i++) {
    n *= sweep->axes[i].n;
    if (n > ((size_t)1 << 40))
      return 0;
  }
  return n;
}

size_t ampsim_sweep_count(const ampsim_sweep *sweep)
{
  size_t grid = ampsim_sweep_grid_count(sweep);
  size_t per = sweep->mc > 0 ? sweep->mc : 1;
  if (grid == 0 || per > ((size_t)1 << 40) / grid)
    return 0;
  return grid * per;
}

void ampsim_sweep_locate(const ampsim_sweep *sweep, size_t point, size_t *grid, size_t *sample,
                         size_t *axis_index)
{
  size_t per = sweep->mc > 0 ? sweep->mc : 1;
  size_t g = point / per, rest;
  if (grid != NULL)
    *grid = g;
  if (sample != NULL)
    *sample = point % per;
  rest = g;
  for (size_t i = sweep->n_axes; i-- > 0;) {
    size_t n = sweep->axes[i].n > 0 ? sweep->axes[i].n : 1;
    if (axis_index != NULL)
      axis_index[i] = rest % n;
    rest /= n;
  }
}

uint64_t ampsim_sweep_point_seed(const ampsim_sweep *sweep, size_t point)
{
  size_t grid, sample;
  uint64_t x;
  ampsim_sweep_locate(sweep, point, &grid, &sample, NULL);
  x = ampsim_splitmix64(sweep->seed);
  x = ampsim_splitmix64(x ^ (uint64_t)grid);
  x = ampsim_splitmix64(x ^ ((uint64_t)sample * 0xd1b54a32d192ed03ULL));
  /* Seeds go through JSON numbers: keep them exact in a double. */
  return x >> 11;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static uint64_t fnv_text(uint64_t h, const char *s)
{
  return fnv(h, s, strlen(s) + 1);
}

static uint64_t fnv_double(uint64_t h, double v)
{
  char text[40];
  snprintf(text, sizeof text, "%.17g", v);
  return fnv_text(h, text);
}

uint64_t ampsim_sweep_hash(const ampsim_sweep *sweep, const ampsim_design *base)
{
  const ampsim_measure_options *o = &base->options;
  char text[64];
  uint64_t h = 14695981039346656037ULL;

  h = fnv_text(h, "ampsim-sweep-1");
  for (size_t i = 0; i < sweep->n_axes; i++) {
    const ampsim_sweep_axis *a = &sweep->axes[i];
    snprintf(text, sizeof text, "axis %d %zu", (int)a->kind, a->n);
    h = fnv_text(h, text);
    h = fnv_text(h, a->name);
    for (size_t k = 0; k < a->n; k++)
      h = fnv_text(h, a->values[k]);
  }
  snprintf(text, sizeof text, "mc %zu seed %llu dist %d", sweep->mc,
           (unsigned long long)sweep->seed, (int)sweep->tol.dist);
  h = fnv_text(h, text);
  for (size_t i = 0; i < sweep->tol.n; i++) {
    h = fnv_text(h, sweep->tol.items[i].name);
    h = fnv_double(h, sweep->tol.items[i].value);
  }
  /* The base design: everything that changes a figure. */
  h = fnv_text(h, base->stage_spec);
  h = fnv_text(h, base->load_spec);
  for (size_t i = 0; i < base->n_includes; i++)
    h = fnv_text(h, base->includes[i]);
  h = fnv_text(h, o->bench.stage_params);
  snprintf(text, sizeof text, "%d %d %d %u %u %zu %zu", (int)o->bench.topology,
           o->bench.supply_split, (int)o->bench.volume_mode, o->figures, o->imd_tests,
           o->n_freqs, o->n_vouts);
  h = fnv_text(h, text);
  h = fnv_double(h, o->bench.load_ohms);
  h = fnv_double(h, o->bench.ground_ohms);
  h = fnv_double(h, o->bench.supply_v);
  h = fnv_double(h, o->bench.supply_ohms);
  h = fnv_double(h, o->bench.volume_db);
  h = fnv_double(h, o->bench.pot_ohms);
  h = fnv_double(h, o->bench.pot_tracking_db);
  h = fnv_double(h, o->thd_tolerance_db);
  for (size_t i = 0; i < o->n_freqs && i < AMPSIM_MAX_LEVELS; i++)
    h = fnv_double(h, o->freqs_hz[i]);
  for (size_t i = 0; i < o->n_vouts && i < AMPSIM_MAX_LEVELS; i++)
    h = fnv_double(h, o->vouts_rms[i]);
  for (size_t i = 0; i < o->n_caps && i < AMPSIM_MAX_CAPS; i++)
    h = fnv_double(h, o->caps_f[i]);
  return h;
}

int ampsim_sweep_point_design(ampsim_design *out, const ampsim_sweep *sweep,
                              const ampsim_design *base, size_t point)
{
  size_t idx[AMPSIM_SWEEP_MAX_AXES];
  int rc;

  *out = *base;
  ampsim_sweep_locate(sweep, point, NULL, NULL, idx);
  for (size_t i = 0; i < sweep->n_axes; i++) {
    const ampsim_sweep_axis *a = &sweep->axes[i];
    const char *v = a->values[idx[i]];
    double x = 0.0;
    bool numeric = number(&x, v, strlen(v)) == 0;
    ampsim_bench_options *b = &out->options.bench;
    switch (a->kind) {
    case AMPSIM_AXIS_PARAM:
      rc = ampsim_design_set_param(out, a->name, v);
      if (rc != 0)
        return rc;
      break;
    case AMPSIM_AXIS_TOPOLOGY:
      rc = ampsim_topology_parse(&b->topology, v);
      if (rc != 0)
        return rc;
      break;
    case AMPSIM_AXIS_LOAD:
      if (numeric) {
        b->load_ohms = x;
        out->load_spec[0] = '\0';
      } else {
        snprintf(out->load_spec, sizeof out->load_spec, "%s", v);
      }
      break;
    case AMPSIM_AXIS_GROUND_OHMS:
      b->ground_ohms = x;
      break;
    case AMPSIM_AXIS_SUPPLY:
      b->supply_v = x;
      break;
    case AMPSIM_AXIS_SUPPLY_OHMS:
      b->supply_ohms = x;
      break;
    }
  }
  return 0;
}

int ampsim_sweep_measure_point(ampsim_measurement **out, const ampsim_sweep *sweep,
                               const ampsim_design *base, size_t point)
{
  ampsim_design *d = malloc(sizeof *d);
  ampsim_stage *stage = NULL, *load = NULL;
  ampsim_measure_options options;
  char *text = NULL;
  int rc;

  *out = NULL;
  if (d == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  rc = ampsim_sweep_point_design(d, sweep, base, point);
  if (rc == 0)
    rc = ampsim_measure_check(&d->options);
  if (rc == 0)
    rc = ampsim_design_open(&stage, &load, d);
  if (rc != 0)
    goto done;
  options = d->options;
  options.bench.load_model = load;
  if (sweep->mc > 0) {
    const char *names[5];
    size_t n = ampsim_bench_instance_names(names, options.bench.topology);
    rc = ampsim_tolerance_apply(&text, options.bench.stage_params,
                                sizeof options.bench.stage_params, stage->text, stage->subckt,
                                d->options.bench.stage_params, &sweep->tol,
                                ampsim_sweep_point_seed(sweep, point), names, n);
    if (rc != 0)
      goto done;
    free(stage->text);
    stage->text = text;
    options.bench.instance_subckts = 1;
  }
  rc = ampsim_measure(out, stage, &options);

done:
  ampsim_stage_free(load);
  ampsim_stage_free(stage);
  free(d);
  return rc;
}

/* ====================================================================== */
/* Worker processes                                                        */
/* ====================================================================== */

/* One point as a task of the worker processes (runner.c). The pointers
 * are the caller's, valid in the forked worker, which reads them. */
typedef struct point_task {
  const ampsim_sweep *sweep;
  const ampsim_design *base;
  size_t point;
} point_task;

/* In the worker: measure the point (its measurement forks its own workers,
 * one at a time, so the worker itself needs no engine). */
static int point_run(void *result, const void *input, ampsim_engine *engine)
{
  const point_task *t = input;
  ampsim_measurement *m = NULL;
  int rc;

  (void)engine;
  rc = ampsim_sweep_measure_point(&m, t->sweep, t->base, t->point);
  if (rc == 0) {
    memcpy(result, m, sizeof *m);
    /* The load model pointer is the worker's own: not the caller's to
     * follow. */
    ((ampsim_measurement *)result)->options.bench.load_model = NULL;
  }
  ampsim_measurement_free(m);
  return rc;
}

typedef struct point_sink {
  const point_task *tasks;
  ampsim_sweep_row_fn fn;
  void *ctx;
} point_sink;

static int point_done(void *ctx, size_t index, int rc, const char *message, const void *result)
{
  const point_sink *sink = ctx;
  return sink->fn(sink->ctx, sink->tasks[index].point, rc, rc != 0 ? message : "",
                  (const ampsim_measurement *)result);
}

int ampsim_sweep_run(const ampsim_sweep *sweep, const ampsim_design *base, const size_t *points,
                     size_t n, int jobs, double timeout_s, ampsim_sweep_row_fn fn, void *ctx)
{
  runner_options run = {.jobs = jobs, .timeout_s = timeout_s, .keep_going = true,
                        .no_engine = true, .on_done = point_done};
  point_sink sink;
  point_task *tasks;
  ampsim_design *inner;
  int rc;

  if (n == 0)
    return 0;
  inner = malloc(sizeof *inner);
  tasks = calloc(n, sizeof *tasks);
  if (inner == NULL || tasks == NULL) {
    free(inner);
    free(tasks);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  /* Each point is one worker; its measurement runs its tasks one at a time
   * inside it, so -j N means N points at once. */
  *inner = *base;
  inner->options.jobs = 1;
  for (size_t i = 0; i < n; i++) {
    tasks[i].sweep = sweep;
    tasks[i].base = inner;
    tasks[i].point = points[i];
  }
  sink.tasks = tasks;
  sink.fn = fn;
  sink.ctx = ctx;
  run.ctx = &sink;
  rc = runner_run(point_run, tasks, sizeof *tasks, NULL, sizeof(ampsim_measurement), n, NULL,
                  &run);
  free(tasks);
  free(inner);
  return rc;
}
