/*
 * stages.h - what the integration tests share: opening an analytic stage of
 * tests/stages/ and measuring it, failing the test (with ampsim's message)
 * when either goes wrong. Include after test_main.h.
 */
#ifndef AMPSIM_TEST_STAGES_H
#define AMPSIM_TEST_STAGES_H

#include <stdio.h>

#include "ampsim/ampsim.h"

/* Subcircuit `subckt` of tests/stages/`file`. Free with ampsim_stage_free(). */
static inline ampsim_stage *open_stage(const char *file, const char *subckt)
{
  char spec[1024];
  ampsim_stage *stage = NULL;
  snprintf(spec, sizeof spec, "%s/stages/%s:%s", AMPSIM_TEST_DIR, file, subckt);
  if (ampsim_stage_open(&stage, spec, NULL) != 0)
    print_error("%s\n", ampsim_error_last());
  assert_non_null(stage);
  return stage;
}

/* ampsim_measure() with two workers (the results do not depend on it). */
static inline ampsim_measurement *measure_stage(const ampsim_stage *stage,
                                               ampsim_measure_options *o)
{
  ampsim_measurement *m = NULL;
  o->jobs = 2;
  if (ampsim_measure(&m, stage, o) != 0)
    print_error("measure: %s\n", ampsim_error_last());
  assert_non_null(m);
  return m;
}

#endif
