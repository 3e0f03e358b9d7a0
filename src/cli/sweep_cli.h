/*
 * sweep_cli.h - pieces of `ampsim sweep` and `ampsim merge` shared between
 * cmd_sweep.c, sweep_summary.c and the optional MPI driver sweep_mpi.c.
 */
#ifndef AMPSIM_SWEEP_CLI_H
#define AMPSIM_SWEEP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ampsim/ampsim.h"

/* The first line of a results file: which sweep, which shard. */
typedef struct sweep_header {
  uint64_t hash;
  size_t points;      /* of the whole sweep */
  size_t grid, mc;
  int shard, shards;  /* 1-based shard of shards (1/1: everything) */
} sweep_header;

/* Format the header line (with '\n'); caller frees. NULL on no memory. */
char *sweep_header_line(const sweep_header *h);
/* Parse a header line; returns 0 or -1. */
int sweep_header_parse(sweep_header *h, const char *line);

/* The JSON line of one finished point (with '\n'); caller frees. */
int sweep_row_line(char **out, const ampsim_sweep *sweep, size_t point, int rc,
                   const char *message, const ampsim_measurement *m);

/* The point number of a row line; returns 0 or -1 (not a row). */
int sweep_row_point(size_t *point, const char *line);

/* Print the summary of rows (lines of JSON) to f; plot_path (may be NULL)
 * gets a histogram (Monte Carlo) or curves (grid). Returns 0 or
 * CLI_EXIT_ERROR (printed). */
int sweep_summary(FILE *f, const sweep_header *h, char *const *rows, size_t n_rows,
                  const char *plot_path, const char *plot_figure);

/* MPI (sweep_mpi.c, only when built with MPI): whether this process was
 * started by mpirun with more than one rank (it initialises MPI then).
 * Without MPI built in: 0, or -1 when mpirun started several ranks. */
int sweep_mpi_active(void);
/* This process's rank (0 without MPI), and the end of MPI (a no-op
 * without). */
int sweep_mpi_rank(void);
int sweep_mpi_size(void);
void sweep_mpi_finish(void);
/* Rank 0 failed before sweep_mpi_run(): tell the other ranks, waiting in
 * it, to stop (a no-op elsewhere and once the run has started). */
void sweep_mpi_cancel(void);

/* Under MPI: rank r measures the points todo[i] with i % size == r (one at
 * a time, each in a worker process); rank 0 calls write_row for every row
 * of every rank as it arrives. Returns 0 or CLI_EXIT_ERROR on rank 0; the
 * other ranks return 1 after their part (they print and write nothing). */
typedef int (*sweep_write_fn)(void *ctx, const char *line);
int sweep_mpi_run(const ampsim_sweep *sweep, const ampsim_design *base, size_t *todo,
                  size_t n_todo, double timeout_s, sweep_write_fn write_row, void *ctx);

#endif
