/* Sweep expansion: grid counts, ranges, point numbering and seeds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/error.h"
#include "ampsim/sweep.h"
#include "test_main.h"

static ampsim_sweep *new_sweep(void)
{
  ampsim_sweep *s = malloc(sizeof *s);
  assert_non_null(s);
  ampsim_sweep_init(s);
  return s;
}

static void grid_counts(void **state)
{
  ampsim_sweep *s = new_sweep();
  (void)state;
  assert_int_equal(ampsim_sweep_count(s), 1);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,5,10"), 0);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_TOPOLOGY, "topology", "se,btl"), 0);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_LOAD, "load", "16:600:5:log"), 0);
  assert_int_equal(ampsim_sweep_grid_count(s), 3 * 2 * 5);
  assert_int_equal(ampsim_sweep_count(s), 30);
  s->mc = 7;
  assert_int_equal(ampsim_sweep_count(s), 30 * 7);
  /* Replacing an axis does not add one. */
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,5"), 0);
  assert_int_equal(s->n_axes, 3);
  assert_int_equal(ampsim_sweep_count(s), 20 * 7);
  free(s);
}

static void ranges(void **state)
{
  ampsim_sweep *s = new_sweep();
  (void)state;
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_SUPPLY, "supply_v", "1k:10k:5"), 0);
  assert_int_equal(s->axes[0].n, 5);
  assert_string_equal(s->axes[0].values[0], "1000");
  assert_string_equal(s->axes[0].values[1], "3250");
  assert_string_equal(s->axes[0].values[4], "10000");
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_LOAD, "load", "10:1000:3:log,32"), 0);
  assert_int_equal(s->axes[1].n, 4);
  assert_string_equal(s->axes[1].values[1], "100");
  assert_string_equal(s->axes[1].values[2], "1000");
  assert_string_equal(s->axes[1].values[3], "32");
  /* A load model's FILE:SUBCKT is a name, not a range. */
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_LOAD, "load", "dynamic32,my.cir:hp"), 0);
  assert_string_equal(s->axes[1].values[1], "my.cir:hp");
  free(s);
}

static void bad_lists(void **state)
{
  ampsim_sweep *s = new_sweep();
  (void)state;
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,,5"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,five"), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "'five' is not a number"));
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "1:2"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "1:2:1"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "0:2:3:log"),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "1:2:3:cubic"),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_TOPOLOGY, "topology", "se,quad"),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,"), AMPSIM_EINVAL);
  assert_int_equal(s->n_axes, 0);
  free(s);
}

static void point_numbering(void **state)
{
  ampsim_sweep *s = new_sweep();
  size_t grid, sample, idx[AMPSIM_SWEEP_MAX_AXES];
  (void)state;
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "a", "1,2,3"), 0);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "b", "4,5"), 0);
  s->mc = 10;
  /* point = grid * mc + sample; the last axis runs fastest. */
  ampsim_sweep_locate(s, 37, &grid, &sample, idx);
  assert_int_equal(grid, 3);
  assert_int_equal(sample, 7);
  assert_int_equal(idx[0], 1);
  assert_int_equal(idx[1], 1);
  free(s);
}

static void seeds_reproducible(void **state)
{
  ampsim_sweep *a = new_sweep(), *b = new_sweep();
  size_t n, same = 0;
  (void)state;
  a->seed = b->seed = 42;
  a->mc = b->mc = 100;
  assert_int_equal(ampsim_sweep_add_axis(a, AMPSIM_AXIS_PARAM, "gain", "2,5"), 0);
  assert_int_equal(ampsim_sweep_add_axis(b, AMPSIM_AXIS_PARAM, "gain", "2,5"), 0);
  n = ampsim_sweep_count(a);
  for (size_t p = 0; p < n; p++) {
    uint64_t s = ampsim_sweep_point_seed(a, p);
    /* The same definition gives the same seed, in any order of asking. */
    assert_true(ampsim_sweep_point_seed(b, p) == s);
    assert_true(s < (1ULL << 53)); /* exact as a JSON number */
    for (size_t q = 0; q < p; q++)
      same += ampsim_sweep_point_seed(a, q) == s;
  }
  assert_int_equal(same, 0);
  /* Another sweep seed moves every point's seed. */
  b->seed = 43;
  for (size_t p = 0; p < n; p++)
    assert_true(ampsim_sweep_point_seed(a, p) != ampsim_sweep_point_seed(b, p));
  free(a);
  free(b);
}

static void hash_tracks_definition(void **state)
{
  ampsim_sweep *a = new_sweep();
  ampsim_design *d = malloc(sizeof *d);
  uint64_t h0, h1;
  (void)state;
  assert_non_null(d);
  ampsim_design_init(d);
  snprintf(d->stage_spec, sizeof d->stage_spec, "opamp-buffer");
  h0 = ampsim_sweep_hash(a, d);
  assert_true(h0 == ampsim_sweep_hash(a, d));
  a->mc = 5;
  h1 = ampsim_sweep_hash(a, d);
  assert_true(h1 != h0);
  d->options.bench.supply_v = 12.0;
  assert_true(ampsim_sweep_hash(a, d) != h1);
  assert_int_equal(ampsim_tolerances_parse(&a->tol, "R=1%"), 0);
  assert_true(ampsim_sweep_hash(a, d) != h1);
  free(d);
  free(a);
}

static void point_design_applies_values(void **state)
{
  ampsim_sweep *s = new_sweep();
  ampsim_design *base = malloc(sizeof *base), *d = malloc(sizeof *d);
  (void)state;
  assert_non_null(base);
  assert_non_null(d);
  ampsim_design_init(base);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_TOPOLOGY, "topology", "se,btl"), 0);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_PARAM, "gain", "2,5k"), 0);
  assert_int_equal(ampsim_sweep_add_axis(s, AMPSIM_AXIS_LOAD, "load", "300,dynamic32"), 0);
  assert_int_equal(ampsim_sweep_point_design(d, s, base, 7), 0);
  assert_int_equal(d->options.bench.topology, AMPSIM_TOPOLOGY_BTL);
  assert_string_equal(d->options.bench.stage_params, "gain=5000");
  assert_string_equal(d->load_spec, "dynamic32");
  assert_int_equal(ampsim_sweep_point_design(d, s, base, 0), 0);
  assert_int_equal(d->options.bench.topology, AMPSIM_TOPOLOGY_SE);
  assert_true(d->options.bench.load_ohms == 300.0);
  assert_string_equal(d->load_spec, "");
  free(base);
  free(d);
  free(s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(grid_counts),
    cmocka_unit_test(ranges),
    cmocka_unit_test(bad_lists),
    cmocka_unit_test(point_numbering),
    cmocka_unit_test(seeds_reproducible),
    cmocka_unit_test(hash_tracks_definition),
    cmocka_unit_test(point_design_applies_values),
};

AMPSIM_TEST_MAIN(tests)
