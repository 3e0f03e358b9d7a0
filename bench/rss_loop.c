/*
 * bench/rss_loop.c - resident memory over many consecutive measurements.
 *
 *   rss_loop measure N [STAGE]   N x ampsim_measure(--figures gain,zout), SE
 *                                into 32 ohm (each call forks its workers)
 *   rss_loop engine N [STAGE]    one engine in this process: N x (load the
 *                                loaded SE bench with a 1 kHz tone + tran
 *                                over one period), the part that would leak
 *
 * Prints the resident size of this process (from /proc/self/statm) after a
 * warm-up (allocator pools, ngspice's one-time tables), every N/10
 * iterations, and at the end, then one line "rss_kb before after growth".
 * Built by bench/run.sh against build/src/libampsim.a.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ampsim/ampsim.h"

static long resident_kb(void)
{
  long size = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL)
    return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what, int rc)
{
  fprintf(stderr, "rss_loop: %s failed (%d): %s\n", what, rc, ampsim_error_last());
  return 1;
}

static int one_measurement(const ampsim_stage *stage, const ampsim_measure_options *options)
{
  ampsim_measurement *m = NULL;
  int rc = ampsim_measure(&m, stage, options);
  ampsim_measurement_free(m);
  return rc;
}

static int run_measure(const ampsim_stage *stage, long n)
{
  ampsim_measure_options options = AMPSIM_MEASURE_OPTIONS_INIT;
  long before, at;
  double t0;
  int rc;

  options.figures = AMPSIM_FIG_GAIN | AMPSIM_FIG_ZOUT;
  for (int i = 0; i < 10; i++)
    if ((rc = one_measurement(stage, &options)) != 0)
      return fail("ampsim_measure", rc);
  before = resident_kb();
  printf("rss_kb_trace 0:%ld", before);
  t0 = now_s();
  for (long i = 1; i <= n; i++) {
    if ((rc = one_measurement(stage, &options)) != 0)
      return fail("ampsim_measure", rc);
    if (i % (n / 10 > 0 ? n / 10 : 1) == 0)
      printf(" %ld:%ld", i, resident_kb());
  }
  at = resident_kb();
  printf("\nseconds_per_iteration %.4f\n", (now_s() - t0) / (double)n);
  printf("rss_kb %ld %ld %ld\n", before, at, at - before);
  return 0;
}

static int run_engine(const ampsim_stage *stage, long n)
{
  ampsim_bench_options bench = AMPSIM_BENCH_OPTIONS_INIT;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_engine *engine = NULL;
  char *netlist = NULL;
  long before = 0, at;
  double t0 = 0.0;
  int rc;

  drive.sine_peak_v = 0.4714; /* about 1 Vrms across the load */
  drive.sine_hz = 1000.0;
  drive.ac_left = 0.0;
  if ((rc = ampsim_bench_netlist(&netlist, stage, &bench, AMPSIM_BENCH_LOADED, &drive)) != 0)
    return fail("ampsim_bench_netlist", rc);
  if ((rc = ampsim_engine_open(&engine, NULL)) != 0) {
    free(netlist);
    return fail("ampsim_engine_open", rc);
  }
  for (long i = -50; i <= n; i++) {
    if (i == 0) {
      before = resident_kb();
      printf("rss_kb_trace 0:%ld", before);
      t0 = now_s();
      continue;
    }
    rc = ampsim_engine_load(engine, netlist);
    if (rc == 0)
      rc = ampsim_engine_run(engine, "tran 10u 1m");
    if (rc != 0) {
      fail("load + tran", rc);
      ampsim_engine_free(engine);
      free(netlist);
      return 1;
    }
    if (i > 0 && i % (n / 10 > 0 ? n / 10 : 1) == 0)
      printf(" %ld:%ld", i, resident_kb());
  }
  at = resident_kb();
  printf("\nseconds_per_iteration %.4f\n", (now_s() - t0) / (double)n);
  printf("rss_kb %ld %ld %ld\n", before, at, at - before);
  ampsim_engine_free(engine);
  free(netlist);
  return 0;
}

int main(int argc, char **argv)
{
  ampsim_stage *stage = NULL;
  long n;
  int rc, status;

  if (argc < 3 || (strcmp(argv[1], "measure") != 0 && strcmp(argv[1], "engine") != 0) ||
      (n = strtol(argv[2], NULL, 10)) <= 0) {
    fprintf(stderr, "usage: %s measure|engine N [STAGE]\n", argv[0]);
    return 2;
  }
  if ((rc = ampsim_stage_open(&stage, argc > 3 ? argv[3] : "opamp-buffer", NULL)) != 0)
    return fail("ampsim_stage_open", rc);
  status = strcmp(argv[1], "measure") == 0 ? run_measure(stage, n) : run_engine(stage, n);
  ampsim_stage_free(stage);
  return status;
}
