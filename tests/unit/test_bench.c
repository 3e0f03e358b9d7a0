/* The test bench as text: wiring of SE and BTL per docs/measurements.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/bench.h"
#include "ampsim/error.h"
#include "test_main.h"

static ampsim_stage stage = {"unit", "unit.cir", "unit_amp",
                             ".subckt unit_amp in out vp vn gnd\nE1 out gnd in gnd 1\n.ends\n",
                             NULL};

static char *netlist(const ampsim_bench_options *o, ampsim_bench_kind kind,
                     const ampsim_bench_drive *drive)
{
  char *text = NULL;
  if (ampsim_bench_netlist(&text, &stage, o, kind, drive) != 0)
    print_error("%s\n", ampsim_error_last());
  assert_non_null(text);
  return text;
}

#define assert_has(text, line) assert_non_null(strstr((text), (line)))
#define assert_lacks(text, line) assert_null(strstr((text), (line)))

static void se_shared_return(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  char *t;
  (void)state;
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  /* Both loads to amplifier ground directly when the return is ideal. */
  assert_has(t, "xamp_l n_in_l n_out_l n_vp n_vn 0 unit_amp\n");
  assert_has(t, "rload_l n_out_l 0 32 noisy=0\n");
  assert_has(t, "rload_r n_out_r 0 32 noisy=0\n");
  assert_has(t, "vsup_p n_vp 0 DC 15\n");
  assert_has(t, "vsup_n n_vn 0 DC -15\n");
  assert_lacks(t, "rret");
  assert_has(t, ".subckt unit_amp in out vp vn gnd\n");
  assert_has(t, ".end\n");
  free(t);

  o.ground_ohms = 0.05;
  o.supply_ohms = 0.1;
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  assert_has(t, "rload_l n_out_l n_ret 32 noisy=0\n");
  assert_has(t, "rload_r n_out_r n_ret 32 noisy=0\n");
  assert_has(t, "rret n_ret 0 0.050000000000000003 noisy=0\n");
  assert_has(t, "rsup_p n_vps n_vp 0.10000000000000001 noisy=0\n");
  assert_has(t, "rsup_n n_vns n_vn 0.10000000000000001 noisy=0\n");
  free(t);
}

static void btl_floating_load(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  char *t;
  (void)state;
  o.topology = AMPSIM_TOPOLOGY_BTL;
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  assert_has(t, "einv_l n_inn_l 0 n_in_l 0 -1\n");
  assert_has(t, "xamp_lp n_in_l n_outp_l n_vp n_vn 0 unit_amp\n");
  assert_has(t, "xamp_ln n_inn_l n_outn_l n_vp n_vn 0 unit_amp\n");
  assert_has(t, "rload_l n_outp_l n_outn_l 32 noisy=0\n");
  assert_lacks(t, "n_ret");
  free(t);

  /* Wire resistance: in series with each load wire, shared by nobody. */
  o.ground_ohms = 0.1;
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  assert_has(t, "rwire_lp n_outp_l n_hot_l 0.10000000000000001 noisy=0\n");
  assert_has(t, "rwire_ln n_outn_l n_cold_l 0.10000000000000001 noisy=0\n");
  assert_has(t, "rload_l n_hot_l n_cold_l 32 noisy=0\n");
  assert_has(t, "rwire_rp n_outp_r n_hot_r");
  free(t);
}

static void zout_bench_injects_current(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  char *t;
  (void)state;
  o.ground_ohms = 0.05; /* cable excluded: no effect on the Zout bench */
  t = netlist(&o, AMPSIM_BENCH_ZOUT, NULL);
  assert_lacks(t, "rload");
  assert_lacks(t, "rret");
  assert_has(t, "iz_l 0 n_out_l DC 0 AC 1\n");
  assert_has(t, "vsrc_l n_in_l 0 DC 0 AC 0\n");
  free(t);
  o.topology = AMPSIM_TOPOLOGY_BTL;
  t = netlist(&o, AMPSIM_BENCH_ZOUT, NULL);
  assert_has(t, "iz_l n_outn_l n_outp_l DC 0 AC 1\n");
  assert_lacks(t, "rwire");
  free(t);
}

static void drive_and_left_only(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  ampsim_bench_drive d = AMPSIM_BENCH_DRIVE_INIT;
  char *t;
  (void)state;
  d.sine_peak_v = 1.5;
  d.sine_hz = 997.0;
  d.ac_left = 0.0;
  t = netlist(&o, AMPSIM_BENCH_LOADED, &d);
  assert_has(t, "vsrc_l n_in_l 0 DC 0 AC 0 SIN(0 1.5 997)\n");
  assert_has(t, "vsrc_r n_in_r 0 DC 0 AC 0\n");
  assert_has(t, "xamp_r ");
  free(t);
  d.left_only = 1;
  t = netlist(&o, AMPSIM_BENCH_LOADED, &d);
  assert_lacks(t, "vsrc_r");
  assert_lacks(t, "xamp_r");
  assert_lacks(t, "rload_r");
  free(t);

  assert_true(ampsim_bench_channels_independent(&o));
  o.ground_ohms = 0.01;
  assert_false(ampsim_bench_channels_independent(&o)); /* SE shares the return */
  o.topology = AMPSIM_TOPOLOGY_BTL;
  assert_true(ampsim_bench_channels_independent(&o)); /* BTL wires are not shared */
  o.supply_ohms = 0.1;
  assert_false(ampsim_bench_channels_independent(&o)); /* the supply is */
}

static void stage_params_and_injection(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  char *t = NULL;
  (void)state;
  snprintf(o.stage_params, sizeof o.stage_params, "gain=5 re=2.2");
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  assert_has(t, "xamp_l n_in_l n_out_l n_vp n_vn 0 unit_amp gain=5 re=2.2\n");
  free(t);
  t = NULL;
  /* Parameters cannot smuggle lines or elements into the netlist. */
  snprintf(o.stage_params, sizeof o.stage_params, "gain=5\nR1 n_out_l 0 1");
  assert_int_equal(ampsim_bench_netlist(&t, &stage, &o, AMPSIM_BENCH_LOADED, NULL), AMPSIM_EINVAL);
  assert_null(t);
  snprintf(o.stage_params, sizeof o.stage_params, "gain={1/0}");
  assert_int_equal(ampsim_bench_netlist(&t, &stage, &o, AMPSIM_BENCH_LOADED, NULL), AMPSIM_EINVAL);
  snprintf(o.stage_params, sizeof o.stage_params, "=5");
  assert_int_equal(ampsim_bench_netlist(&t, &stage, &o, AMPSIM_BENCH_LOADED, NULL), AMPSIM_EINVAL);
}

static void load_model_and_load_netlist(void **state)
{
  ampsim_stage model = {"hp", "hp.cir", "hp", ".subckt hp hot ret\nR1 hot ret 300\n.ends\n",
                        NULL};
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  char *t = NULL;
  (void)state;
  o.load_model = &model;
  t = netlist(&o, AMPSIM_BENCH_LOADED, NULL);
  assert_has(t, "xload_l n_out_l 0 hp\n");
  assert_has(t, ".subckt hp hot ret\n");
  assert_lacks(t, "rload");
  free(t);
  assert_int_equal(ampsim_bench_load_netlist(&t, &o), 0);
  assert_has(t, "xload n_zl 0 hp\n");
  assert_has(t, "iz 0 n_zl DC 0 AC 1\n");
  free(t);
  o.load_model = NULL;
  assert_int_equal(ampsim_bench_load_netlist(&t, &o), 0);
  assert_has(t, "rload n_zl 0 32 noisy=0\n");
  free(t);
}

static void values_checked(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  ampsim_topology topology;
  (void)state;
  assert_int_equal(ampsim_bench_check(&o), 0);
  o.load_ohms = 0.0;
  assert_int_equal(ampsim_bench_check(&o), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "--load"));
  o.load_ohms = 32.0;
  o.ground_ohms = -1.0;
  assert_int_equal(ampsim_bench_check(&o), AMPSIM_EINVAL);
  o.ground_ohms = 0.0;
  o.supply_v = NAN;
  assert_int_equal(ampsim_bench_check(&o), AMPSIM_EINVAL);
  o.supply_v = 1e308;
  assert_int_equal(ampsim_bench_check(&o), AMPSIM_EINVAL);
  assert_int_equal(ampsim_topology_parse(&topology, "btl"), 0);
  assert_int_equal(topology, AMPSIM_TOPOLOGY_BTL);
  assert_int_equal(ampsim_topology_parse(&topology, "balanced"), AMPSIM_EINVAL);
  assert_string_equal(ampsim_topology_name(AMPSIM_TOPOLOGY_SE), "se");
}

static void nodes_follow_wiring(void **state)
{
  ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
  ampsim_bench_nodes n;
  (void)state;
  ampsim_bench_nodes_of(&n, &o);
  assert_string_equal(n.load_hot[0], "n_out_l");
  assert_string_equal(n.load_cold[1], "0");
  assert_string_equal(n.connector_b, "0");
  o.ground_ohms = 1.0;
  ampsim_bench_nodes_of(&n, &o);
  assert_string_equal(n.load_cold[0], "n_ret");
  o.topology = AMPSIM_TOPOLOGY_BTL;
  ampsim_bench_nodes_of(&n, &o);
  assert_string_equal(n.load_hot[0], "n_hot_l");
  assert_string_equal(n.connector_a, "n_outp_l");
  assert_string_equal(n.connector_b, "n_outn_l");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(se_shared_return),
    cmocka_unit_test(btl_floating_load),
    cmocka_unit_test(zout_bench_injects_current),
    cmocka_unit_test(drive_and_left_only),
    cmocka_unit_test(stage_params_and_injection),
    cmocka_unit_test(load_model_and_load_netlist),
    cmocka_unit_test(values_checked),
    cmocka_unit_test(nodes_follow_wiring),
};

AMPSIM_TEST_MAIN(tests)
