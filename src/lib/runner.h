/*
 * runner.h - run independent simulation tasks in worker processes (internal).
 *
 * libngspice is one instance per process and not thread-safe, so parallel
 * work needs processes. Each task runs in a child forked for it, which opens
 * its own engine, computes a plain-data result and sends its bytes back over
 * a pipe. A process also contains the damage of a crash or a hang inside
 * ngspice: the parent reports that task as failed (with the signal, or after
 * the time limit, killing it) instead of dying with it.
 *
 * The results do not depend on the number of workers: each task is computed
 * alone, from the same inputs, in a fresh engine.
 */
#ifndef AMPSIM_RUNNER_H
#define AMPSIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "ampsim/engine.h"

/* Compute one task: read the task's input at `task`, write its result (a
 * plain struct of result_size bytes, no pointers) to `result`. Returns 0 or
 * an AMPSIM_E* code with ampsim_error_set() called. */
typedef int (*runner_task_fn)(void *result, const void *task, ampsim_engine *engine);

/* Called in the calling process as each task finishes, in completion order:
 * rc 0 and the task's result (aligned; borrowed for the call), or the task's
 * error code, its message (prefixed with its label where labels are given)
 * and result NULL. Returning non-zero stops the run: no task is started
 * again, the tasks in flight are killed, and runner_run() returns that
 * value. */
typedef int (*runner_done_fn)(void *ctx, size_t index, int rc, const char *message,
                              const void *result);

typedef struct runner_options {
  int jobs;           /* concurrent workers; <= 0: number of online cores */
  double timeout_s;   /* per task; <= 0: none */
  /* A failed task does not stop the others (report failures through
   * on_done); runner_run() then returns 0 unless on_done stops it. */
  bool keep_going;
  /* The worker opens no engine: fn gets NULL (a task that forks workers
   * of its own, such as a whole measurement). */
  bool no_engine;
  runner_done_fn on_done; /* NULL: none */
  void *ctx;              /* for on_done */
} runner_options;

/*
 * Run n tasks: task i's input is at (char *)tasks + i * task_size, its result
 * goes to (char *)results + i * result_size (results may be NULL when on_done
 * takes them: nothing is kept then). labels[i] names the task in messages
 * (labels NULL: no prefix). Returns 0 when every task succeeded; otherwise the
 * error of the first failing task (in task order), its message prefixed with
 * its label (with keep_going: 0, or what on_done returned).
 */
int runner_run(runner_task_fn fn, const void *tasks, size_t task_size, void *results,
               size_t result_size, size_t n, const char *const *labels,
               const runner_options *options);

#endif
