/* runner.c - simulation tasks in worker processes (see runner.h). */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ampsim/error.h"

/* Built with AddressSanitizer (gcc defines __SANITIZE_ADDRESS__, clang has
 * __has_feature): LeakSanitizer checks at exit, but a worker leaves with
 * _exit(), which skips it, so the worker runs the check itself. */
#if defined(__SANITIZE_ADDRESS__)
#define RUNNER_LEAK_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNNER_LEAK_CHECK 1
#endif
#endif
#ifdef RUNNER_LEAK_CHECK
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

/* What a worker sends back: its status, its error message, then the result. */
typedef struct worker_header {
  int rc;
  char message[2048];
} worker_header;

typedef struct worker {
  pid_t pid;
  int fd;
  size_t task;
  char *buffer;        /* header + result as they arrive */
  size_t received;
  double deadline;     /* monotonic seconds; 0 = none */
  int timed_out;
} worker;

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_all(int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* In the child: compute, send, and leave without running the parent's
 * atexit handlers or flushing its stdio buffers. */
static void child_main(int fd, runner_task_fn fn, const void *task, size_t result_size,
                       bool open_engine)
{
  worker_header header;
  void *result = calloc(1, result_size);
  ampsim_engine *engine = NULL;
  int rc;

  /* The library never prints: ngspice's own assertions and anything it
   * writes past its callbacks go nowhere instead of onto the user's
   * terminal. What went wrong travels back in the header. */
  {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
#ifdef RUNNER_LEAK_CHECK
    /* Sanitizer reports still go to the real stderr (a copy of it). */
    int report_fd = dup(STDERR_FILENO);
    if (report_fd >= 0)
      __sanitizer_set_report_fd((void *)(intptr_t)report_fd);
#endif
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      close(devnull);
    }
  }
  memset(&header, 0, sizeof header);
  if (result == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  } else {
    rc = open_engine ? ampsim_engine_open(&engine, NULL) : 0;
    if (rc == 0)
      rc = fn(result, task, engine);
  }
#ifdef RUNNER_LEAK_CHECK
  /* Before the result is sent: a leak ends the worker here (LeakSanitizer's
   * exit code), so the task fails and the report is on stderr. The engine
   * and the result are still referenced from this frame, and ngspice's own
   * allocations are covered by the LSan suppressions. */
  __lsan_do_leak_check();
#endif
  header.rc = rc;
  if (rc != 0)
    snprintf(header.message, sizeof header.message, "%s", ampsim_error_last());
  if (write_all(fd, &header, sizeof header) != 0 ||
      (rc == 0 && write_all(fd, result, result_size) != 0))
    _exit(3);
  /* The engine is not freed: the process ends here and the OS reclaims it,
   * which is faster than ngspice's own teardown. */
  (void)engine;
  _exit(0);
}

static int start_worker(worker *workers, int jobs, worker *w, size_t index, runner_task_fn fn,
                        const void *task, size_t result_size, const runner_options *options)
{
  int fds[2];
  pid_t pid;

  if (pipe(fds) != 0)
    return ampsim_error_set(AMPSIM_EWORKER, "cannot create a pipe: %s", strerror(errno));
  fflush(NULL);
  pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return ampsim_error_set(AMPSIM_EWORKER, "cannot start a worker: %s", strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    /* The other workers' pipes are the parent's business. */
    for (int s = 0; s < jobs; s++)
      if (workers[s].pid != 0)
        close(workers[s].fd);
    child_main(fds[1], fn, task, result_size, !options->no_engine);
  }
  close(fds[1]);
  memset(w, 0, sizeof *w);
  w->pid = pid;
  w->fd = fds[0];
  w->task = index;
  /* One spare byte: a read past a complete result (EOF, or a broken worker
   * sending too much) must land inside the buffer. */
  w->buffer = malloc(sizeof(worker_header) + result_size + 1);
  w->deadline = options->timeout_s > 0 ? now_s() + options->timeout_s : 0.0;
  if (w->buffer == NULL) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(w->fd);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  return 0;
}

/* Collect a finished worker; returns the task's status and sets the error. */
/* Collect a finished worker; returns the task's status and sets the error,
 * prefixed with "LABEL: " (label NULL: no prefix). */
static int finish_worker(worker *w, void *result, size_t result_size, const char *label,
                         const runner_options *options)
{
  int status = 0, rc;
  worker_header header;
  const char *sep = label != NULL ? ": " : "";

  if (label == NULL)
    label = "";
  close(w->fd);
  while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (w->timed_out) {
    rc = ampsim_error_set(AMPSIM_ETIMEOUT, "%s%sstopped after %g s (time limit; see --timeout)",
                          label, sep, options->timeout_s);
  } else if (WIFSIGNALED(status)) {
    rc = ampsim_error_set(AMPSIM_EWORKER,
                          "%s%sthe simulator crashed (worker killed by signal %d, %s)", label,
                          sep, WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else if (w->received < sizeof header) {
    rc = ampsim_error_set(AMPSIM_EWORKER,
                          "%s%sthe worker ended without a result (exit status %d)", label, sep,
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  } else {
    memcpy(&header, w->buffer, sizeof header);
    if (header.rc != 0) {
      header.message[sizeof header.message - 1] = '\0';
      rc = ampsim_error_set(header.rc, "%s%s%s", label, sep, header.message);
    } else if (w->received != sizeof header + result_size) {
      rc = ampsim_error_set(AMPSIM_EWORKER, "%s%sthe worker sent a truncated result", label,
                            sep);
    } else {
      memcpy(result, w->buffer + sizeof header, result_size);
      rc = 0;
    }
  }
  free(w->buffer);
  w->buffer = NULL;
  w->pid = 0;
  return rc;
}

static int online_cores(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* Kill and collect a worker whose result is no longer wanted. */
static void abandon_worker(worker *w)
{
  kill(w->pid, SIGKILL);
  close(w->fd);
  while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  free(w->buffer);
  w->buffer = NULL;
  w->pid = 0;
}

int runner_run(runner_task_fn fn, const void *tasks, size_t task_size, void *results,
               size_t result_size, size_t n, const char *const *labels,
               const runner_options *options)
{
  int jobs = options->jobs > 0 ? options->jobs : online_cores();
  bool first_failure_wins = !options->keep_going;
  worker *workers;
  int *status = NULL;
  char (*messages)[1024] = NULL;
  void *scratch = NULL;
  size_t next = 0, running = 0;
  int rc = 0, stopped = 0;

  if (n == 0)
    return 0;
  if (jobs > 64)
    jobs = 64;
  if ((size_t)jobs > n)
    jobs = (int)n;
  workers = calloc((size_t)jobs, sizeof *workers);
  /* Only a run that reports its first failure keeps every task's status;
   * a streaming run (keep_going, results NULL) keeps nothing per task. */
  if (first_failure_wins) {
    status = calloc(n, sizeof *status);
    messages = calloc(n, sizeof *messages);
  }
  if (results == NULL)
    scratch = calloc(1, result_size > 0 ? result_size : 1);
  if (workers == NULL || (first_failure_wins && (status == NULL || messages == NULL)) ||
      (results == NULL && scratch == NULL)) {
    free(workers);
    free(status);
    free(messages);
    free(scratch);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }

  while (next < n || running > 0) {
    struct pollfd fds[64];
    int slots[64], n_fds = 0, timeout_ms = -1;
    double t;

    /* Fill free slots, unless a task has failed (then drain and stop) or
     * the caller stopped the run. */
    for (int s = 0; s < jobs && next < n && rc == 0 && !stopped; s++) {
      if (workers[s].pid != 0)
        continue;
      rc = start_worker(workers, jobs, &workers[s], next, fn,
                        (const char *)tasks + next * task_size, result_size, options);
      if (rc != 0)
        break;
      next++;
      running++;
    }
    if (running == 0 || stopped)
      break;

    t = now_s();
    for (int s = 0; s < jobs && n_fds < 64; s++) {
      if (workers[s].pid == 0)
        continue;
      fds[n_fds].fd = workers[s].fd;
      fds[n_fds].events = POLLIN;
      fds[n_fds].revents = 0;
      slots[n_fds++] = s;
      if (workers[s].deadline > 0) {
        /* Clamped: --timeout 1e308 is a valid "practically none", and
         * converting a double beyond INT_MAX to int is undefined. */
        double left_ms = (workers[s].deadline - t) * 1000.0 + 1.0;
        int ms = left_ms >= (double)INT_MAX ? INT_MAX : left_ms <= 0.0 ? 0 : (int)left_ms;
        if (timeout_ms < 0 || ms < timeout_ms)
          timeout_ms = ms;
      }
    }
    if (poll(fds, (nfds_t)n_fds, timeout_ms) < 0 && errno != EINTR) {
      rc = ampsim_error_set(AMPSIM_EWORKER, "poll: %s", strerror(errno));
      break;
    }
    t = now_s();
    for (int i = 0; i < n_fds && !stopped; i++) {
      worker *w = &workers[slots[i]];
      bool done = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        size_t capacity = sizeof(worker_header) + result_size;
        ssize_t got = read(w->fd, w->buffer + w->received,
                           w->received < capacity ? capacity - w->received : 1);
        if (got > 0 && w->received + (size_t)got <= capacity)
          w->received += (size_t)got;
        else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
          done = true;
        else if (got > 0)
          done = true; /* more bytes than a result: treat as broken */
      } else if (w->deadline > 0 && t >= w->deadline) {
        kill(w->pid, SIGKILL);
        w->timed_out = 1;
        done = true;
      }
      if (done) {
        size_t task = w->task;
        void *result = results != NULL ? (char *)results + task * result_size : scratch;
        int task_rc = finish_worker(w, result, result_size,
                                    labels != NULL ? labels[task] : NULL, options);
        running--;
        if (first_failure_wins) {
          status[task] = task_rc;
          if (task_rc != 0)
            snprintf(messages[task], sizeof messages[task], "%s", ampsim_error_last());
          if (task_rc != 0 && rc == 0)
            rc = task_rc;
        }
        if (options->on_done != NULL) {
          int stop = options->on_done(options->ctx, task, task_rc,
                                      task_rc != 0 ? ampsim_error_last() : "",
                                      task_rc == 0 ? result : NULL);
          if (stop != 0) {
            rc = stop;
            stopped = 1;
          }
        }
      }
    }
  }
  if (stopped) {
    for (int s = 0; s < jobs; s++)
      if (workers[s].pid != 0)
        abandon_worker(&workers[s]);
  } else if (rc != 0 && first_failure_wins) {
    /* Report the first failure in task order, so messages are the same for
     * any number of workers. */
    for (size_t i = 0; i < n; i++) {
      if (status[i] != 0) {
        rc = ampsim_error_set(status[i], "%s", messages[i]);
        break;
      }
    }
  }
  free(workers);
  free(status);
  free(messages);
  free(scratch);
  return rc;
}
