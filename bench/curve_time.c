/*
 * bench/curve_time.c - parallel speed-up on a THD-vs-power curve.
 *
 *   curve_time [STAGE [POINTS [REPEATS]]]
 *
 * Measures the THD-vs-power curve (ampsim_curve_measure, kind
 * AMPSIM_CURVE_THD_VS_POWER, 20 points by default, SE into 32 ohm) with
 * -j 1, then -j 2, REPEATS times (default 1; interleaved so that a change in
 * the machine's load hits both), and prints the wall time of each run, the
 * speed-up (best -j 1 over best -j 2) and whether all the curves are
 * identical to the last bit. The curve first finds the 1 % THD level (one
 * task, which no number of workers shortens) and then measures its points
 * in parallel; that serial part is timed on its own to give the best
 * speed-up -j 2 could reach: T1 / (Ts + (T1 - Ts) / 2). The public API has
 * no call for the 1 % level alone, so Ts is ampsim_measure with only the
 * maximum-output figure and -j 2: its 1 % and 0.1 % searches side by side,
 * as long as the longer of the two, an upper bound of the curve's serial
 * part (and the bound printed a lower bound of the best speed-up). Built by
 * bench/run.sh against libampsim.a.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ampsim/ampsim.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int same_curve(const ampsim_curve *a, const ampsim_curve *b)
{
  if (a->n != b->n)
    return 0;
  return memcmp(a->x, b->x, a->n * sizeof a->x[0]) == 0 &&
         memcmp(a->y, b->y, a->n * sizeof a->y[0]) == 0 &&
         memcmp(a->y2, b->y2, a->n * sizeof a->y2[0]) == 0;
}

int main(int argc, char **argv)
{
  ampsim_stage *stage = NULL;
  ampsim_measure_options options = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_curve_options co = AMPSIM_CURVE_OPTIONS_INIT;
  ampsim_curve *curve[2] = {NULL, NULL};
  double best[2] = {1e300, 1e300};
  int rc, identical = 1, repeats = 1;

  if (argc > 2)
    co.points = (size_t)strtoul(argv[2], NULL, 10);
  if (argc > 3)
    repeats = atoi(argv[3]);
  if (repeats < 1)
    repeats = 1;
  rc = ampsim_stage_open(&stage, argc > 1 ? argv[1] : "opamp-buffer", NULL);
  if (rc != 0) {
    fprintf(stderr, "curve_time: %s\n", ampsim_error_last());
    return 1;
  }
  curve[0] = calloc(1, sizeof *curve[0]);
  curve[1] = calloc(1, sizeof *curve[1]);
  if (curve[0] == NULL || curve[1] == NULL)
    return 1;
  for (int r = 0; r < 2 * repeats; r++) {
    int k = r % 2, j = k + 1;
    ampsim_curve *c = calloc(1, sizeof *c);
    double t0, t;
    if (c == NULL)
      return 1;
    options.jobs = j;
    t0 = now_s();
    rc = ampsim_curve_measure(c, stage, &options, AMPSIM_CURVE_THD_VS_POWER, &co);
    t = now_s() - t0;
    if (rc != 0) {
      fprintf(stderr, "curve_time: -j %d: %s\n", j, ampsim_error_last());
      return 1;
    }
    printf("run -j %d %.3f s (%zu points)\n", j, t, c->n);
    fflush(stdout);
    if (t < best[k])
      best[k] = t;
    if (r < 2)
      *curve[k] = *c;
    else if (!same_curve(curve[k], c))
      identical = 0;
    free(c);
  }
  if (!same_curve(curve[0], curve[1]))
    identical = 0;
  {
    ampsim_measurement *m = NULL;
    double t0 = now_s(), ts;
    options.jobs = 2;
    options.figures = AMPSIM_FIG_POWER;
    rc = ampsim_measure(&m, stage, &options);
    ts = now_s() - t0;
    ampsim_measurement_free(m);
    if (rc != 0) {
      fprintf(stderr, "curve_time: maximum output: %s\n", ampsim_error_last());
      return 1;
    }
    printf("serial_part_seconds %.3f\n", ts);
    printf("amdahl_bound %.3f\n", best[0] / (ts + (best[0] - ts) / 2.0));
  }
  printf("curve_seconds %.3f %.3f\n", best[0], best[1]);
  printf("curve_speedup %.3f\n", best[0] / best[1]);
  printf("curve_identical %d\n", identical);
  printf("curve_note %s\n", curve[0]->note);
  free(curve[0]);
  free(curve[1]);
  ampsim_stage_free(stage);
  return 0;
}
