/* Engine tests against the real libngspice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampsim/engine.h"
#include "ampsim/error.h"
#include "test_main.h"

static const char *divider =
    "divider\n"
    "V1 a 0 DC 3\n"
    "R1 a b 2k\n"
    "R2 b 0 1k\n"
    ".end\n";

static double op_value(ampsim_engine *engine, const char *vector)
{
  ampsim_vector v;
  double value;
  assert_int_equal(ampsim_engine_run(engine, "op"), 0);
  assert_int_equal(ampsim_engine_vector(&v, engine, vector), 0);
  assert_int_equal(v.length, 1);
  value = v.re[0];
  ampsim_vector_free(&v);
  return value;
}

static void operating_point(void **state)
{
  ampsim_engine *engine = NULL;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine, divider), 0);
  assert_near(op_value(engine, "v(b)"), 1.0, 1e-9);
  assert_string_not_equal(ampsim_engine_ngspice_version(engine), "unknown");
  ampsim_engine_free(engine);
}

static void ac_vector_is_complex(void **state)
{
  ampsim_engine *engine = NULL;
  ampsim_vector v;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine, "rc\nV1 a 0 DC 0 AC 1\nR1 a b 1k\n"
                                              "C1 b 0 159.154943091895n\n"),
                   0);
  assert_int_equal(ampsim_engine_run(engine, "ac lin 1 1000 1000"), 0);
  assert_int_equal(ampsim_engine_vector(&v, engine, "v(b)"), 0);
  assert_true(v.is_complex);
  /* RC low-pass at its corner: 1/(1+j) */
  assert_near(v.re[0], 0.5, 1e-9);
  assert_near(v.im[0], -0.5, 1e-9);
  ampsim_vector_free(&v);
  ampsim_engine_free(engine);
}

static void bad_netlist_is_an_error(void **state)
{
  ampsim_engine *engine = NULL;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine, "bad\nV1 a 0 DC 1\nR1 a 0 foo\n"), AMPSIM_ESIM);
  assert_non_null(strstr(ampsim_error_last(), "ngspice"));
  assert_non_null(strstr(ampsim_error_last(), "r1 a 0 foo"));
  /* The engine is still usable. */
  assert_int_equal(ampsim_engine_load(engine, divider), 0);
  assert_near(op_value(engine, "v(b)"), 1.0, 1e-9);
  ampsim_engine_free(engine);
}

static void missing_vector_is_not_found(void **state)
{
  ampsim_engine *engine = NULL;
  ampsim_vector v;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine, divider), 0);
  assert_int_equal(ampsim_engine_run(engine, "op"), 0);
  assert_int_equal(ampsim_engine_vector(&v, engine, "v(nonexistent)"), AMPSIM_ENOTFOUND);
  ampsim_engine_free(engine);
}

static void failed_analysis_is_an_error(void **state)
{
  ampsim_engine *engine = NULL;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  /* Two voltage sources in parallel: no operating point exists. */
  assert_int_equal(ampsim_engine_load(engine, "clash\nV1 a 0 DC 1\nV2 a 0 DC 2\nR1 a 0 1k\n"), 0);
  assert_int_equal(ampsim_engine_run(engine, "op"), AMPSIM_ECONVERGE);
  assert_non_null(strstr(ampsim_error_last(), "Timestep too small"));
  ampsim_engine_free(engine);
}

static void controlled_exit_is_survived(void **state)
{
  ampsim_engine *engine = NULL;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine, divider), 0);
  /* `quit` makes ngspice call ControlledExit and jump out. */
  assert_int_equal(ampsim_engine_command(engine, "quit"), AMPSIM_EENGINE);
  assert_non_null(strstr(ampsim_error_last(), "requested exit"));
  /* The next use reloads the library and works. */
  assert_int_equal(ampsim_engine_load(engine, divider), 0);
  assert_near(op_value(engine, "v(b)"), 1.0, 1e-9);
  ampsim_engine_free(engine);
}

static void spiceinit_in_cwd_is_ignored(void **state)
{
  char dir[] = "/tmp/ampsim-test-XXXXXX", path[256], cwd[4096];
  FILE *f;
  ampsim_engine *engine = NULL;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/.spiceinit", dir);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("echo USER_SPICEINIT_WAS_READ\n", f);
  fclose(f);
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  /* The log still holds the text of initialisation. */
  assert_null(strstr(ampsim_engine_log(engine), "USER_SPICEINIT_WAS_READ"));
  assert_int_equal(chdir(cwd), 0);
  ampsim_engine_free(engine);
  unlink(path);
  rmdir(dir);
}

static void xspice_code_models_are_loaded(void **state)
{
  ampsim_engine *engine = NULL;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  assert_int_equal(ampsim_engine_load(engine,
                                      "limit\nV1 a 0 DC 1\na1 a c lim\n"
                                      ".model lim limit(gain=1 out_lower_limit=-0.5 "
                                      "out_upper_limit=0.5)\nR1 c 0 1k\n"),
                   0);
  assert_near(op_value(engine, "v(c)"), 0.5, 1e-6);
  ampsim_engine_free(engine);
}

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

static void thousand_runs_keep_memory_flat(void **state)
{
  ampsim_engine *engine = NULL;
  long before, after;
  (void)state;
  assert_int_equal(ampsim_engine_open(&engine, NULL), 0);
  /* Warm up: allocator pools and ngspice's one-time tables. */
  for (int i = 0; i < 50; i++) {
    assert_int_equal(ampsim_engine_load(engine, divider), 0);
    assert_int_equal(ampsim_engine_run(engine, "tran 10u 1m"), 0);
  }
  before = resident_kb();
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(ampsim_engine_load(engine, divider), 0);
    assert_int_equal(ampsim_engine_run(engine, "tran 10u 1m"), 0);
  }
  after = resident_kb();
  print_message("resident %ld kB -> %ld kB over 1000 runs\n", before, after);
  /* Leaking even 1 kB per run would show as 1000 kB. */
  assert_true(after - before < 1000);
  ampsim_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(operating_point),
    cmocka_unit_test(ac_vector_is_complex),
    cmocka_unit_test(bad_netlist_is_an_error),
    cmocka_unit_test(missing_vector_is_not_found),
    cmocka_unit_test(failed_analysis_is_an_error),
    cmocka_unit_test(controlled_exit_is_survived),
    cmocka_unit_test(spiceinit_in_cwd_is_ignored),
    cmocka_unit_test(xspice_code_models_are_loaded),
    cmocka_unit_test(thousand_runs_keep_memory_flat),
};

AMPSIM_TEST_MAIN(tests)
