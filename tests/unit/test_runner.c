/*
 * test_runner.c - tasks in worker processes (src/lib/runner.c): a task that
 * crashes or hangs is reported as such, with its signal or its time limit,
 * and the other tasks' results are still delivered. The task functions here
 * do not simulate; each worker still opens the engine (loads libngspice)
 * before the task runs, as in real use.
 */
#include "test_main.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ampsim/error.h"
#include "runner.h"

typedef struct task {
  int index;
  int action; /* what the task does, below */
} task;

enum { TASK_OK, TASK_SEGV, TASK_ABORT, TASK_HANG, TASK_FAIL, TASK_EXIT };

typedef struct result {
  int index;
  double value;
} result;

static int task_fn(void *out, const void *in, ampsim_engine *engine)
{
  const task *t = in;
  result *r = out;
  (void)engine;
  switch (t->action) {
  case TASK_SEGV:
    /* The default action, as when ngspice dereferences a bad pointer
     * (a sanitizer's handler would turn it into an exit instead). */
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    break;
  case TASK_ABORT:
    abort();
  case TASK_HANG:
    for (;;)
      pause();
  case TASK_FAIL:
    return ampsim_error_set(AMPSIM_ESIM, "no convergence, as told");
  case TASK_EXIT:
    _exit(7);
  default:
    break;
  }
  r->index = t->index;
  r->value = 100.0 + t->index;
  return 0;
}

static const char *const labels[] = {"task 0", "task 1", "task 2", "task 3", "task 4", "task 5"};

/* Run the actions, one task each, on `jobs` workers with a time limit. */
static int run(const int *actions, size_t n, result *results, int jobs, double timeout_s)
{
  task tasks[6];
  runner_options options = {.jobs = jobs, .timeout_s = timeout_s};
  for (size_t i = 0; i < n; i++) {
    tasks[i].index = (int)i;
    tasks[i].action = actions[i];
  }
  memset(results, 0, n * sizeof *results);
  ampsim_error_clear();
  return runner_run(task_fn, tasks, sizeof tasks[0], results, sizeof results[0], n, labels,
                    &options);
}

static void expect_delivered(const result *results, size_t i)
{
  assert_int_equal(results[i].index, (int)i);
  assert_near(results[i].value, 100.0 + (double)i, 0.0);
}

static void segfault_is_reported_with_its_signal(void **state)
{
  const int actions[] = {TASK_OK, TASK_SEGV, TASK_OK, TASK_OK};
  result results[4];
  char expected[256];
  (void)state;
  snprintf(expected, sizeof expected,
           "task 1: the simulator crashed (worker killed by signal %d, %s)", SIGSEGV,
           strsignal(SIGSEGV));
  /* All four at once: the three others finish and are delivered. */
  assert_int_equal(run(actions, 4, results, 4, 60.0), AMPSIM_EWORKER);
  assert_string_equal(ampsim_error_last(), expected);
  expect_delivered(results, 0);
  expect_delivered(results, 2);
  expect_delivered(results, 3);
  assert_int_equal(results[1].index, 0);
  /* One at a time: what ran before is delivered; after a failure the
   * runner starts no more tasks (the measurement has failed already). */
  assert_int_equal(run(actions, 4, results, 1, 60.0), AMPSIM_EWORKER);
  assert_string_equal(ampsim_error_last(), expected);
  expect_delivered(results, 0);
  assert_int_equal(results[2].index, 0);
  assert_int_equal(results[3].index, 0);
}

static void abort_is_reported_and_others_survive(void **state)
{
  const int actions[] = {TASK_OK, TASK_OK, TASK_ABORT, TASK_OK, TASK_EXIT};
  result results[5];
  char expected[256];
  (void)state;
  assert_int_equal(run(actions, 5, results, 5, 60.0), AMPSIM_EWORKER);
  /* The first failure in task order, whatever finished first. */
  snprintf(expected, sizeof expected,
           "task 2: the simulator crashed (worker killed by signal %d, %s)", SIGABRT,
           strsignal(SIGABRT));
  assert_string_equal(ampsim_error_last(), expected);
  expect_delivered(results, 0);
  expect_delivered(results, 1);
  expect_delivered(results, 3);
}

static void worker_exit_without_result_is_reported(void **state)
{
  const int actions[] = {TASK_OK, TASK_EXIT};
  result results[2];
  (void)state;
  assert_int_equal(run(actions, 2, results, 2, 60.0), AMPSIM_EWORKER);
  assert_string_equal(ampsim_error_last(),
                      "task 1: the worker ended without a result (exit status 7)");
  expect_delivered(results, 0);
}

static void hang_is_stopped_at_the_time_limit(void **state)
{
  const int ok[] = {TASK_OK, TASK_OK, TASK_OK};
  const int actions[] = {TASK_OK, TASK_HANG, TASK_OK};
  result results[3];
  struct timespec t0, t1;
  double limit_s;
  char expected[128];
  (void)state;
  /* A limit well above what good tasks take here: a worker loads
   * libngspice first, which takes far longer under ASan or valgrind. */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(run(ok, 3, results, 3, 0.0), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  limit_s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  limit_s = ceil(4.0 * limit_s) + 0.5;
  assert_int_equal(run(actions, 3, results, 3, limit_s), AMPSIM_ETIMEOUT);
  snprintf(expected, sizeof expected, "task 1: stopped after %g s (time limit; see --timeout)",
           limit_s);
  assert_string_equal(ampsim_error_last(), expected);
  expect_delivered(results, 0);
  expect_delivered(results, 2);
}

static void task_error_keeps_its_code_and_message(void **state)
{
  const int actions[] = {TASK_OK, TASK_OK, TASK_FAIL, TASK_SEGV};
  result results[4];
  (void)state;
  /* Task order decides which failure is reported: the error of task 2,
   * not the crash of task 3. */
  assert_int_equal(run(actions, 4, results, 4, 60.0), AMPSIM_ESIM);
  assert_string_equal(ampsim_error_last(), "task 2: no convergence, as told");
  expect_delivered(results, 0);
  expect_delivered(results, 1);
}

static void all_tasks_succeed(void **state)
{
  const int actions[] = {TASK_OK, TASK_OK, TASK_OK, TASK_OK, TASK_OK, TASK_OK};
  result results[6];
  (void)state;
  assert_int_equal(run(actions, 6, results, 3, 1e308), 0);
  for (size_t i = 0; i < 6; i++)
    expect_delivered(results, i);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(segfault_is_reported_with_its_signal),
    cmocka_unit_test(abort_is_reported_and_others_survive),
    cmocka_unit_test(worker_exit_without_result_is_reported),
    cmocka_unit_test(hang_is_stopped_at_the_time_limit),
    cmocka_unit_test(task_error_keeps_its_code_and_message),
    cmocka_unit_test(all_tasks_succeed),
};

AMPSIM_TEST_MAIN(tests)
