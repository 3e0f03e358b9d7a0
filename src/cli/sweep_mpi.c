/*
 * sweep_mpi.c - `mpirun -np N ampsim sweep ...`: the points spread over
 * the ranks, rows gathered at rank 0 (docs/sweep.md). Compiled with MPI
 * only when the build found it (AMPSIM_MPI); otherwise the stubs at the
 * end say "not under MPI".
 *
 * Rank 0 decides which points remain (it alone reads and writes the
 * results file) and broadcasts them; rank r takes todo[i] for
 * i % size == r. Each rank measures its points one at a time in a forked
 * worker process (ampsim_sweep_run with one job): the workers run ngspice
 * and _exit() without touching MPI, which Open MPI allows on its shared
 * memory and TCP transports. Ranks other than 0 send each row to rank 0
 * as a message (tag ROW_TAG) and a final empty message (tag DONE_TAG);
 * rank 0 drains messages after each of its own points and then until every
 * rank is done, writing rows in arrival order. Rows are the same as with
 * -j 1 because a point's row depends only on its number.
 */
#include "cli.h"
#include "sweep_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef AMPSIM_HAVE_MPI
#include <mpi.h>

enum { ROW_TAG = 1, DONE_TAG = 2 };

static int started, finished, broadcast_done;
#define CANCELLED (~0ULL)

void sweep_mpi_cancel(void)
{
  unsigned long long count = CANCELLED;
  int rank = 0;
  if (!started || finished || broadcast_done)
    return;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    MPI_Bcast(&count, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  broadcast_done = 1;
}

int sweep_mpi_active(void)
{
  int size = 1;
  /* Only when launched by mpirun: a plain `ampsim sweep` never loads the
   * MPI runtime. */
  if (getenv("OMPI_COMM_WORLD_SIZE") == NULL && getenv("PMI_SIZE") == NULL &&
      getenv("PMIX_RANK") == NULL)
    return 0;
  if (!started) {
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
      return 0;
    started = 1;
  }
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size > 1;
}

int sweep_mpi_rank(void)
{
  int rank = 0;
  if (started)
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int sweep_mpi_size(void)
{
  int size = 1;
  if (started)
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

void sweep_mpi_finish(void)
{
  if (started && !finished) {
    MPI_Finalize();
    finished = 1;
  }
}

typedef struct rank_state {
  const ampsim_sweep *sweep;
  int rank, size, done_ranks;
  sweep_write_fn write_row;
  void *ctx;
  int failed;
} rank_state;

/* Rank 0: write every row that has arrived (block: wait for at least one). */
static int drain(rank_state *s, int block)
{
  for (;;) {
    MPI_Status status;
    int flag = 0, len = 0;
    char *line;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag && block) {
      /* Wait without spinning: MPI_Probe busy-polls and would take a core
       * from the ranks still simulating (with more ranks than cores, the
       * usual case on one machine). Rows come seconds apart. */
      struct timespec pause = { 0, 5 * 1000 * 1000 };
      nanosleep(&pause, NULL);
      continue;
    }
    if (!flag)
      return 0;
    MPI_Get_count(&status, MPI_CHAR, &len);
    line = malloc((size_t)len + 1);
    if (line == NULL)
      return cli_error("MPI: out of memory");
    MPI_Recv(line, len, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    line[len] = '\0';
    if (status.MPI_TAG == DONE_TAG) {
      s->done_ranks++;
      if (len > 0)
        s->failed = 1; /* the rank's error, already printed there */
    } else if (s->write_row(s->ctx, line) != 0) {
      free(line);
      return CLI_EXIT_ERROR;
    }
    free(line);
    if (block)
      return 0;
  }
}

static int on_point(void *ctx, size_t point, int rc, const char *message,
                    const ampsim_measurement *m)
{
  rank_state *s = ctx;
  char *line = NULL;
  int out = sweep_row_line(&line, s->sweep, point, rc, message, m);
  if (out != 0)
    return out;
  if (rc != 0)
    fprintf(stderr, "ampsim: sweep: rank %d: point %zu failed: %s\n", s->rank, point, message);
  if (s->rank == 0) {
    out = s->write_row(s->ctx, line);
    if (out == 0)
      out = drain(s, 0);
  } else {
    MPI_Send(line, (int)strlen(line), MPI_CHAR, 0, ROW_TAG, MPI_COMM_WORLD);
  }
  free(line);
  return out;
}

int sweep_mpi_run(const ampsim_sweep *sweep, const ampsim_design *base, size_t *todo,
                  size_t n_todo, double timeout_s, sweep_write_fn write_row, void *ctx)
{
  rank_state s;
  unsigned long long count = n_todo;
  unsigned long long *all = NULL;
  size_t *mine = NULL, n_mine = 0;
  int rc = 0;

  memset(&s, 0, sizeof s);
  s.sweep = sweep;
  s.write_row = write_row;
  s.ctx = ctx;
  MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.size);

  /* Rank 0's list of remaining points, to everybody (or the word that
   * rank 0 failed before the run: see sweep_mpi_cancel()). */
  MPI_Bcast(&count, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  if (count == CANCELLED)
    return CLI_EXIT_ERROR;
  broadcast_done = 1;
  all = malloc((count + 1) * sizeof *all);
  mine = malloc((count + 1) * sizeof *mine);
  if (all == NULL || mine == NULL) {
    free(all);
    free(mine);
    cli_error("MPI: out of memory");
    MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_ERROR);
    return CLI_EXIT_ERROR;
  }
  if (s.rank == 0)
    for (size_t i = 0; i < count; i++)
      all[i] = todo[i];
  MPI_Bcast(all, (int)count, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  for (size_t i = (size_t)s.rank; i < count; i += (size_t)s.size)
    mine[n_mine++] = (size_t)all[i];
  free(all);

  ampsim_error_clear();
  rc = ampsim_sweep_run(sweep, base, mine, n_mine, 1, timeout_s, on_point, &s);
  free(mine);
  if (rc != 0 && rc != CLI_EXIT_ERROR)
    rc = cli_library_error(rc);

  if (s.rank != 0) {
    /* Done: an empty message, or a non-empty one when this rank failed. */
    MPI_Send(rc != 0 ? "x" : "", rc != 0 ? 1 : 0, MPI_CHAR, 0, DONE_TAG, MPI_COMM_WORLD);
    return rc != 0 ? CLI_EXIT_ERROR : 1;
  }
  /* Rank 0: the others' remaining rows. */
  while (s.done_ranks < s.size - 1) {
    int r = drain(&s, 1);
    if (r != 0 && rc == 0)
      rc = r;
  }
  if (rc == 0 && s.failed)
    rc = cli_error("sweep: a rank failed (see its message above)");
  return rc;
}

#else /* no MPI */

/* Started by mpirun with several ranks, but without MPI here: every rank
 * would run the whole sweep into the same file. -1 makes that an error. */
int sweep_mpi_active(void)
{
  const char *names[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", NULL };
  for (int i = 0; names[i] != NULL; i++) {
    const char *v = getenv(names[i]);
    if (v != NULL && atoi(v) > 1)
      return -1;
  }
  return 0;
}

int sweep_mpi_rank(void)
{
  return 0;
}

int sweep_mpi_size(void)
{
  return 1;
}

void sweep_mpi_cancel(void)
{
}

void sweep_mpi_finish(void)
{
}

int sweep_mpi_run(const ampsim_sweep *sweep, const ampsim_design *base, size_t *todo,
                  size_t n_todo, double timeout_s, sweep_write_fn write_row, void *ctx)
{
  (void)sweep, (void)base, (void)todo, (void)n_todo, (void)timeout_s, (void)write_row,
      (void)ctx;
  return cli_error("this ampsim was built without MPI (cmake -DAMPSIM_MPI=ON)");
}

#endif
