/*
 * check_run.c - running regression checks (ampsim_check_run() and
 * ampsim_check_run_all() in include/ampsim/check.h): a baseline's design is
 * read and measured, compared with the baseline (check.c), and with the
 * update option the new figures are saved over it.
 *
 * Several baselines are measured at once, each in a child process, because
 * one measurement spends most of its time in a single long task (the search
 * for the maximum output level), which leaves cores idle that another design
 * can use. Only the measurement runs in the child: it sends the measurement
 * (a plain struct) back over a pipe, and the parent alone reads and writes
 * files. A child dies with its parent (PR_SET_PDEATHSIG on Linux), so a
 * killed check leaves no process behind that could still write a baseline.
 */
#include "ampsim/check.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "ampsim/ampsim.h"
#include "ampsim/design.h"
#include "ampsim/error.h"
#include "check_internal.h"

static int nomem(void)
{
  return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

static void copy_text(char *dst, size_t size, const char *src)
{
  snprintf(dst, size, "%s", src != NULL ? src : "");
}

static double monotonic_s(void)
{
  struct timespec ts;

  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0.0;
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int online_cores(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* ====================================================================== */
/* One check in three steps: prepare, measure, finish                     */
/* ====================================================================== */

typedef struct check_job {
  const char *path;
  ampsim_check_result *result;
  ampsim_baseline *baseline;
  ampsim_design design;    /* the baseline's design, ready to measure */
  int ready;               /* prepared: the design is to be measured */
  int done;                /* result complete (ran, or stopped by an error) */
  double t0;               /* monotonic start (of the measurement, once it
                              starts: the time a report gives the check) */
  /* A child measuring the design. */
  pid_t pid;
  int fd;
  unsigned char *buffer;
  size_t received, capacity;
} check_job;

/* What a child sends back: this header, then (rc 0) the measurement. */
typedef struct child_header {
  int rc;
  char message[2048];
} child_header;

/* Record an error (the last message) in the job's result: it is done. */
static int job_error(check_job *job, int rc)
{
  ampsim_check_result *r = job->result;

  r->error_code = rc;
  copy_text(r->error, sizeof r->error,
            ampsim_error_last()[0] != '\0' ? ampsim_error_last() : ampsim_strerror(rc));
  free(r->items);
  r->items = NULL;
  r->n_items = r->n_failed = r->n_new = 0;
  r->updated = 0;
  r->elapsed_s = monotonic_s() - job->t0;
  job->ready = 0;
  job->done = 1;
  return rc;
}

/* Pick the design of list that baseline b names. */
static int pick_design(const ampsim_design **out, const ampsim_design_list *list,
                       const ampsim_baseline *b)
{
  char names[512];
  size_t i, used = 0;

  *out = NULL;
  names[0] = '\0';
  for (i = 0; i < list->n && used < sizeof names; i++) {
    int n = snprintf(names + used, sizeof names - used, "%s'%s'", i > 0 ? ", " : "",
                     list->items[i].name);
    if (n > 0)
      used += (size_t)n;
  }
  if (b->design_name[0] == '\0') {
    if (list->n == 1) {
      *out = &list->items[0];
      return 0;
    }
    return ampsim_error_set(AMPSIM_EINVAL, "%s: design file %s holds %zu designs (%s); name one "
                            "with <baseline design-name=\"...\">",
                            b->path, b->design_path, list->n, names);
  }
  for (i = 0; i < list->n; i++) {
    if (strcmp(list->items[i].name, b->design_name) == 0) {
      *out = &list->items[i];
      return 0;
    }
  }
  return ampsim_error_set(AMPSIM_ENOTFOUND, "%s: design file %s has no design named '%s' "
                          "(it has %s)",
                          b->path, b->design_path, b->design_name, names);
}

/* Start a job: its result, the baseline, the design. Returns 0 (ready to
 * measure), the error recorded in the result, or AMPSIM_ENOMEM (no
 * result). */
static int job_prepare(check_job *job, const ampsim_check_options *opts)
{
  ampsim_design_list *list = NULL;
  const ampsim_design *picked = NULL;
  ampsim_check_result *r;
  int rc;

  job->t0 = monotonic_s();
  job->fd = -1;
  r = calloc(1, sizeof *r);
  if (r == NULL)
    return nomem();
  job->result = r;
  r->started = time(NULL);
  copy_text(r->baseline_path, sizeof r->baseline_path, job->path);
  check_suite_name(r->name, sizeof r->name, job->path);
  copy_text(r->ampsim_version, sizeof r->ampsim_version, ampsim_version());

  ampsim_error_clear();
  rc = ampsim_check_load(&job->baseline, job->path);
  if (rc != 0)
    return job_error(job, rc);
  check_result_identity(r, job->baseline);
  if (job->baseline->n_figures == 0 && !opts->update)
    return job_error(job, ampsim_error_set(AMPSIM_EINVAL, "%s: the baseline holds no figures "
                                           "yet; record them with: ampsim check --update %s",
                                           job->path, job->path));
  rc = ampsim_design_load(&list, job->baseline->design_path);
  if (rc == AMPSIM_ENOTFOUND)
    rc = ampsim_error_set(rc, "%s: its design file: %s", job->path, ampsim_error_last());
  if (rc == 0)
    rc = pick_design(&picked, list, job->baseline);
  if (rc == 0) {
    job->design = *picked;
    copy_text(r->design_name, sizeof r->design_name, picked->name);
    for (size_t i = 0; i < opts->n_allow_dirs && opts->allow_dirs != NULL &&
                       job->design.n_allow_dirs < AMPSIM_DESIGN_MAX_ALLOW_DIRS;
         i++)
      copy_text(job->design.allow_dirs[job->design.n_allow_dirs++],
                sizeof job->design.allow_dirs[0], opts->allow_dirs[i]);
  }
  ampsim_design_list_free(list);
  if (rc != 0)
    return job_error(job, rc);
  job->ready = 1;
  return 0;
}

/* Compare a measurement with the job's baseline, and save the update. */
static int job_finish(check_job *job, const ampsim_measurement *m,
                      const ampsim_check_options *opts)
{
  ampsim_check_result *r = job->result;
  ampsim_baseline *updated = NULL;
  int rc;

  copy_text(r->ngspice_version, sizeof r->ngspice_version, m->ngspice_version);
  check_version_warning(r->warning, sizeof r->warning, job->baseline, m->ngspice_version);
  rc = check_compare_into(r, job->baseline, m);
  if (rc == 0 && opts->update) {
    rc = ampsim_check_update(&updated, job->baseline, m);
    if (rc == 0)
      rc = ampsim_check_save(updated, job->path);
    ampsim_baseline_free(updated);
    if (rc == 0)
      r->updated = 1;
  }
  if (rc != 0)
    return job_error(job, rc);
  r->elapsed_s = monotonic_s() - job->t0;
  job->ready = 0;
  job->done = 1;
  return 0;
}

/* Measure in this process. */
static int job_measure_here(check_job *job, int jobs, const ampsim_check_options *opts)
{
  ampsim_measurement *m = NULL;
  int rc;

  job->t0 = monotonic_s();
  job->design.options.jobs = jobs;
  rc = ampsim_design_measure(&m, &job->design);
  if (rc != 0)
    return job_error(job, rc);
  rc = job_finish(job, m, opts);
  ampsim_measurement_free(m);
  return rc;
}

/* ====================================================================== */
/* Measuring in a child process                                            */
/* ====================================================================== */

static int write_all(int fd, const void *data, size_t len)
{
  const unsigned char *p = data;

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

/* The child: measure, send, end. Never returns. */
static void child_main(int fd, check_job *job, int jobs, pid_t parent)
{
  child_header header;
  ampsim_measurement *m = NULL;
  int rc;

#if defined(__linux__)
  /* Die with the parent: a check that is killed must not leave a
   * simulation running (nor anything that could report to nobody). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(1);
#else
  (void)parent;
#endif
  memset(&header, 0, sizeof header);
  job->design.options.jobs = jobs;
  rc = ampsim_design_measure(&m, &job->design);
  header.rc = rc;
  if (rc != 0)
    copy_text(header.message, sizeof header.message, ampsim_error_last());
  if (write_all(fd, &header, sizeof header) != 0 ||
      (rc == 0 && write_all(fd, m, sizeof *m) != 0))
    _exit(3);
  /* _exit: no atexit handlers, no flushing of the parent's stdio buffers
   * copied into this process. */
  _exit(0);
}

static int job_start_child(check_job *job, int jobs)
{
  int fds[2];
  pid_t parent = getpid(), pid;

  job->t0 = monotonic_s();
  job->capacity = sizeof(child_header) + sizeof(ampsim_measurement) + 1;
  job->buffer = malloc(job->capacity);
  if (job->buffer == NULL)
    return job_error(job, nomem());
  job->received = 0;
  if (pipe(fds) != 0)
    return job_error(job, ampsim_error_set(AMPSIM_EWORKER, "%s: cannot create a pipe: %s",
                                           job->path, strerror(errno)));
  /* Buffered output must not be written twice (by the child too). */
  fflush(NULL);
  pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return job_error(job, ampsim_error_set(AMPSIM_EWORKER, "%s: cannot start a process: %s",
                                           job->path, strerror(err)));
  }
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], job, jobs, parent);
  }
  close(fds[1]);
  job->pid = pid;
  job->fd = fds[0];
  return 0;
}

/* The child of job has closed its pipe: collect it and finish the job. */
static void job_collect(check_job *job, const ampsim_check_options *opts)
{
  child_header header;
  int status = 0, rc;

  close(job->fd);
  job->fd = -1;
  while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
    ;
  job->pid = 0;
  if (job->received >= sizeof header)
    memcpy(&header, job->buffer, sizeof header);
  if (WIFSIGNALED(status)) {
    rc = ampsim_error_set(AMPSIM_EWORKER, "%s: the measuring process was killed by signal %d "
                          "(%s)",
                          job->path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    job_error(job, rc);
  } else if (job->received < sizeof header) {
    rc = ampsim_error_set(AMPSIM_EWORKER, "%s: the measuring process ended without a result "
                          "(exit status %d)",
                          job->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    job_error(job, rc);
  } else if (header.rc != 0) {
    header.message[sizeof header.message - 1] = '\0';
    ampsim_error_set(header.rc, "%s", header.message);
    job_error(job, header.rc);
  } else if (job->received != sizeof header + sizeof(ampsim_measurement)) {
    rc = ampsim_error_set(AMPSIM_EWORKER, "%s: the measuring process sent a truncated result",
                          job->path);
    job_error(job, rc);
  } else {
    ampsim_measurement *m = malloc(sizeof *m);
    if (m == NULL) {
      job_error(job, nomem());
    } else {
      memcpy(m, job->buffer + sizeof header, sizeof *m);
      job_finish(job, m, opts);
      free(m);
    }
  }
  free(job->buffer);
  job->buffer = NULL;
}

/* Read what the running children sent; collect those that finished. Blocks
 * until at least one child sent something or ended. fds and index have room
 * for n entries. Returns the number of children collected. */
static size_t poll_children(check_job *jobs, size_t n, struct pollfd *fds, size_t *index,
                            const ampsim_check_options *opts)
{
  size_t i, k = 0, collected = 0;

  for (i = 0; i < n; i++) {
    if (jobs[i].pid > 0 && jobs[i].fd >= 0) {
      fds[k].fd = jobs[i].fd;
      fds[k].events = POLLIN;
      fds[k].revents = 0;
      index[k] = i;
      k++;
    }
  }
  if (k == 0 || poll(fds, (nfds_t)k, -1) <= 0)
    return 0;
  for (i = 0; i < k; i++) {
    check_job *job = &jobs[index[i]];
    ssize_t got;
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
      continue;
    got = read(job->fd, job->buffer + job->received, job->capacity - job->received);
    if (got < 0 && errno == EINTR)
      continue;
    if (got > 0 && job->received + (size_t)got < job->capacity) {
      job->received += (size_t)got;
      continue;
    }
    /* End of data, an error, or more than a result (the buffer's last byte
     * is a spare, so that shows as a full buffer): the child is done. */
    if (got > 0)
      job->received += (size_t)got;
    job_collect(job, opts);
    collected++;
  }
  return collected;
}

/* ====================================================================== */
/* The public entry points                                                 */
/* ====================================================================== */

int ampsim_check_run_all(ampsim_check_result **results, const char *const *paths, size_t n,
                         const ampsim_check_options *options,
                         ampsim_check_progress_fn progress, void *context)
{
  ampsim_check_options opts = AMPSIM_CHECK_OPTIONS_INIT;
  check_job *jobs;
  struct pollfd *fds;
  size_t *index;
  size_t i, n_ready = 0, next = 0, running = 0, reported = 0;
  int total, parallel, per_design, first_rc = 0;

  if (results == NULL || (paths == NULL && n > 0))
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_run_all: missing argument");
  for (i = 0; i < n; i++)
    results[i] = NULL;
  for (i = 0; i < n; i++)
    if (paths[i] == NULL)
      return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_run_all: path %zu is NULL", i);
  if (options != NULL)
    opts = *options;
  if (n == 0)
    return 0;
  jobs = calloc(n, sizeof *jobs);
  fds = calloc(n, sizeof *fds);
  index = calloc(n, sizeof *index);
  if (jobs == NULL || fds == NULL || index == NULL) {
    free(jobs);
    free(fds);
    free(index);
    return nomem();
  }

  /* Read every baseline and design first: a bad file is reported at once,
   * not after the simulations before it. */
  for (i = 0; i < n; i++) {
    jobs[i].path = paths[i];
    if (job_prepare(&jobs[i], &opts) == AMPSIM_ENOMEM && jobs[i].result == NULL)
      jobs[i].done = 1;
    if (jobs[i].ready)
      n_ready++;
  }

  total = opts.jobs > 0 ? opts.jobs : online_cores();
  parallel = n_ready < (size_t)total ? (int)n_ready : total;
  if (parallel < 1)
    parallel = 1;
  per_design = total / parallel > 0 ? total / parallel : 1;

  while (reported < n) {
    /* Start what the workers allow; one at a time measures here. */
    while (next < n && (int)running < parallel) {
      if (!jobs[next].ready) {
        next++;
        continue;
      }
      if (parallel == 1) {
        job_measure_here(&jobs[next], per_design, &opts);
      } else if (job_start_child(&jobs[next], per_design) == 0) {
        running++;
      }
      next++;
    }
    while (reported < n && jobs[reported].done) {
      if (progress != NULL && jobs[reported].result != NULL)
        progress(jobs[reported].result, reported, context);
      reported++;
    }
    if (reported < n && running > 0)
      running -= poll_children(jobs, n, fds, index, &opts);
  }

  for (i = 0; i < n; i++) {
    results[i] = jobs[i].result;
    if (first_rc == 0) {
      if (results[i] == NULL)
        first_rc = AMPSIM_ENOMEM;
      else if (results[i]->error_code != 0)
        first_rc = results[i]->error_code;
    }
    ampsim_baseline_free(jobs[i].baseline);
  }
  /* The message of the first failure is the last error. */
  for (i = 0; i < n && first_rc != 0; i++) {
    if (results[i] == NULL) {
      nomem();
      break;
    }
    if (results[i]->error_code != 0) {
      ampsim_error_set(results[i]->error_code, "%s", results[i]->error);
      break;
    }
  }
  free(index);
  free(fds);
  free(jobs);
  return first_rc;
}

int ampsim_check_run(ampsim_check_result **out, const char *baseline_path,
                     const ampsim_check_options *options)
{
  if (out == NULL || baseline_path == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_run: no output or no path");
  return ampsim_check_run_all(out, &baseline_path, 1, options, NULL, NULL);
}
