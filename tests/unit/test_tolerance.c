/* Monte Carlo netlist rewriting: per-instance subcircuit copies with drawn
 * R/C/L values, transistor betas and op-amp GBW/offset. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/error.h"
#include "ampsim/sweep.h"
#include "test_main.h"

static const char stage_text[] =
    "* a test stage\n"
    ".subckt amp in out vp vn gnd params: gain=3 rg=1k gbw=15Meg vos=0.2m\n"
    ".param rf={rg*(gain-1)}\n"
    "R1 in mid 10k\n"
    "Rf out fb {rf}\n"
    "Rg fb gnd {rg} noisy=0\n"
    "C1 mid gnd 1n\n"
    "L1 out x 1u\n"
    "Q1 vp mid out QN\n"
    "X1 mid fb out vp vn opa gbw=30Meg\n"
    ".model QN NPN(IS=1e-14 BF=150\n"
    "+ VAF=100)\n"
    ".ends amp\n"
    ".subckt opa inp inn out vp vn params: gbw=10Meg vos=0.5m\n"
    "E1 out 0 inp inn 1e5\n"
    ".ends opa\n";

static const char *const names[2] = {"xamp_lp", "xamp_ln"};

static char *apply(const char *tol_text, ampsim_tol_dist dist, uint64_t seed, char *params,
                   const char *stage_params)
{
  ampsim_tolerances tol;
  char *out = NULL;
  memset(&tol, 0, sizeof tol);
  tol.dist = dist;
  if (tol_text != NULL)
    assert_int_equal(ampsim_tolerances_parse(&tol, tol_text), 0);
  if (ampsim_tolerance_apply(&out, params, 256, stage_text, "amp", stage_params, &tol, seed,
                             names, 2) != 0)
    print_error("%s\n", ampsim_error_last());
  assert_non_null(out);
  return out;
}

/* The text of the copy for instance `name`. */
static char *copy_of(const char *text, const char *name)
{
  char head[64], *start, *end, *out;
  snprintf(head, sizeof head, ".subckt amp__%s ", name);
  start = strstr(text, head);
  assert_non_null(start);
  end = strstr(start, ".ends");
  assert_non_null(end);
  out = strndup(start, (size_t)(end - start));
  assert_non_null(out);
  return out;
}

static void parse_lists(void **state)
{
  ampsim_tolerances t;
  (void)state;
  memset(&t, 0, sizeof t);
  assert_int_equal(ampsim_tolerances_parse(&t, "R=1%,C=0.05,R3=0.1%,vos=1m,gbw=20%"), 0);
  assert_int_equal(t.n, 5);
  assert_string_equal(t.items[2].name, "R3");
  assert_true(fabs(t.items[0].value - 0.01) < 1e-15);
  assert_true(fabs(t.items[1].value - 0.05) < 1e-15);
  assert_true(fabs(t.items[2].value - 0.001) < 1e-15);
  assert_true(fabs(t.items[3].value - 1e-3) < 1e-15);
  /* A later entry replaces an earlier one. */
  assert_int_equal(ampsim_tolerances_parse(&t, "r=2%"), 0);
  assert_int_equal(t.n, 5);
  assert_true(fabs(t.items[0].value - 0.02) < 1e-15);
  assert_int_equal(ampsim_tolerances_parse(&t, "R"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_tolerances_parse(&t, "R=lots"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_tolerances_parse(&t, "R=150%"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_tolerances_parse(&t, "vos=1%"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_tolerances_parse(&t, "=1%"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_tolerances_parse(&t, ""), AMPSIM_EINVAL);
}

static void zero_tolerance_is_a_renamed_copy(void **state)
{
  char params[256];
  char *out, *copy;
  (void)state;
  out = apply("R=0,C=0,beta=0,gbw=0,vos=0", AMPSIM_TOL_GAUSS, 1, params, "gain=5 vos=1m");
  /* The original stays, and each instance gets its copy. */
  assert_non_null(strstr(out, ".subckt amp in out"));
  copy = copy_of(out, "xamp_lp");
  assert_non_null(strstr(copy, "R1 in mid 10k\n"));
  assert_non_null(strstr(copy, "Rf out fb {rf}\n"));
  assert_non_null(strstr(copy, "Q1 vp mid out QN\n"));
  assert_non_null(strstr(copy, "X1 mid fb out vp vn opa gbw=30Meg\n"));
  free(copy);
  assert_non_null(strstr(out, ".ends amp__xamp_ln\n"));
  /* The spread parameters leave the instance line. */
  assert_string_equal(params, "gain=5");
  free(out);
}

static void instances_draw_independently(void **state)
{
  char params[256];
  char *out, *a, *b;
  double r_a, r_b;
  (void)state;
  out = apply("R=1%", AMPSIM_TOL_GAUSS, 7, params, "");
  a = copy_of(out, "xamp_lp");
  b = copy_of(out, "xamp_ln");
  assert_int_equal(sscanf(strstr(a, "R1 in mid ") + 10, "%lf", &r_a), 1);
  assert_int_equal(sscanf(strstr(b, "R1 in mid ") + 10, "%lf", &r_b), 1);
  assert_true(r_a != r_b);                   /* the halves mismatch */
  assert_true(fabs(r_a / 10e3 - 1.0) < 0.02); /* 1 % as 3 sigma */
  assert_true(fabs(r_b / 10e3 - 1.0) < 0.02);
  /* Expressions are multiplied, options kept. */
  assert_non_null(strstr(a, "Rf out fb {(rf)*"));
  assert_non_null(strstr(a, "Rg fb gnd {(rg)*"));
  assert_non_null(strstr(a, "} noisy=0\n"));
  /* C and L have no tolerance here. */
  assert_non_null(strstr(a, "C1 mid gnd 1n\n"));
  free(a);
  free(b);
  free(out);
}

static void same_seed_same_draws(void **state)
{
  char params[256];
  char *x, *y, *z;
  (void)state;
  x = apply("R=1%,C=5%,beta=30%,gbw=20%,vos=1m", AMPSIM_TOL_GAUSS, 99, params, "");
  y = apply("R=1%,C=5%,beta=30%,gbw=20%,vos=1m", AMPSIM_TOL_GAUSS, 99, params, "");
  z = apply("R=1%,C=5%,beta=30%,gbw=20%,vos=1m", AMPSIM_TOL_GAUSS, 100, params, "");
  assert_string_equal(x, y);
  assert_true(strcmp(x, z) != 0);
  free(x);
  free(y);
  free(z);
}

static void parts_override_classes(void **state)
{
  char params[256];
  char *out, *a;
  double r1, rg_factor;
  (void)state;
  /* R1 exact, the other resistors 10 %. */
  out = apply("R=10%,R1=0", AMPSIM_TOL_UNIFORM, 3, params, "");
  a = copy_of(out, "xamp_lp");
  assert_int_equal(sscanf(strstr(a, "R1 in mid ") + 10, "%lf", &r1), 1);
  assert_non_null(strstr(a, "R1 in mid 10k\n"));
  (void)r1;
  assert_int_equal(sscanf(strstr(a, "{(rg)*") + 6, "%lf", &rg_factor), 1);
  assert_true(rg_factor != 1.0 && fabs(rg_factor - 1.0) <= 0.1);
  free(a);
  free(out);
}

static void beta_gbw_vos(void **state)
{
  char params[256];
  char *out, *a;
  double bf, gbw, vos, x1_gbw;
  const char *p;
  (void)state;
  out = apply("beta=30%,gbw=20%,vos=1m", AMPSIM_TOL_UNIFORM, 5, params, "gain=5 vos=1m");
  a = copy_of(out, "xamp_lp");
  /* Q1 gets its own copy of its model, BF drawn. */
  assert_non_null(strstr(a, "Q1 vp mid out QN__Q1\n"));
  p = strstr(a, ".model QN__Q1 NPN(IS=1e-14 BF=");
  assert_non_null(p);
  assert_int_equal(sscanf(p + strlen(".model QN__Q1 NPN(IS=1e-14 BF="), "%lf", &bf), 1);
  assert_true(bf != 150.0 && fabs(bf / 150.0 - 1.0) <= 0.3);
  assert_non_null(strstr(p, "VAF=100)"));
  /* The subcircuit's own gbw and vos (vos from the instance: 1m). */
  p = strstr(a, " gbw=");
  assert_int_equal(sscanf(p + 5, "%lf", &gbw), 1);
  assert_true(gbw != 15e6 && fabs(gbw / 15e6 - 1.0) <= 0.2);
  p = strstr(a, " vos=");
  assert_int_equal(sscanf(p + 5, "%lf", &vos), 1);
  assert_true(vos != 1e-3 && fabs(vos - 1e-3) <= 1e-3);
  /* The op-amp instance: its gbw (30Meg given) and vos (the default,
   * 0.5m) spread. */
  p = strstr(a, "X1 mid fb out vp vn opa gbw=");
  assert_non_null(p);
  assert_int_equal(sscanf(p + strlen("X1 mid fb out vp vn opa gbw="), "%lf", &x1_gbw), 1);
  assert_true(fabs(x1_gbw / 30e6 - 1.0) <= 0.2 && x1_gbw != 30e6);
  assert_non_null(strstr(p, " vos="));
  assert_string_equal(params, "gain=5");
  free(a);
  free(out);
}

static void unknown_subckt_and_bad_value(void **state)
{
  ampsim_tolerances tol;
  char *out = NULL;
  const char *one[1] = {"xamp_l"};
  (void)state;
  memset(&tol, 0, sizeof tol);
  assert_int_equal(ampsim_tolerances_parse(&tol, "R=1%"), 0);
  assert_int_equal(ampsim_tolerance_apply(&out, NULL, 0, stage_text, "nope", "", &tol, 1, one, 1),
                   AMPSIM_EINVAL);
  assert_null(out);
  assert_int_equal(ampsim_tolerance_apply(&out, NULL, 0,
                                          ".subckt a in out\nR1 in out r=5\n.ends\n", "a", "",
                                          &tol, 1, one, 1),
                   AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "R1"));
}

static void bench_instances(void **state)
{
  const char *n[5];
  (void)state;
  assert_int_equal(ampsim_bench_instance_names(n, AMPSIM_TOPOLOGY_SE), 2);
  assert_int_equal(ampsim_bench_instance_names(n, AMPSIM_TOPOLOGY_BTL), 4);
  assert_string_equal(n[3], "xamp_rn");
  assert_int_equal(ampsim_bench_instance_names(n, AMPSIM_TOPOLOGY_ACTIVE_GROUND), 3);
  /* The bench uses those names with instance_subckts. */
  {
    ampsim_stage st = {"t", "t.cir", "amp", ".subckt amp in out vp vn gnd\n.ends\n", "t.cir:1"};
    ampsim_bench_options o = AMPSIM_BENCH_OPTIONS_INIT;
    char *text = NULL;
    o.topology = AMPSIM_TOPOLOGY_BTL;
    o.instance_subckts = 1;
    assert_int_equal(ampsim_bench_netlist(&text, &st, &o, AMPSIM_BENCH_LOADED, NULL), 0);
    ampsim_bench_instance_names(n, AMPSIM_TOPOLOGY_BTL);
    for (int i = 0; i < 4; i++) {
      char want[64];
      snprintf(want, sizeof want, "%s n_", n[i]);
      assert_non_null(strstr(text, want));
      snprintf(want, sizeof want, " amp__%s\n", n[i]);
      assert_non_null(strstr(text, want));
    }
    free(text);
  }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(parse_lists),
    cmocka_unit_test(zero_tolerance_is_a_renamed_copy),
    cmocka_unit_test(instances_draw_independently),
    cmocka_unit_test(same_seed_same_draws),
    cmocka_unit_test(parts_override_classes),
    cmocka_unit_test(beta_gbw_vos),
    cmocka_unit_test(unknown_subckt_and_bad_value),
    cmocka_unit_test(bench_instances),
};

AMPSIM_TEST_MAIN(tests)
