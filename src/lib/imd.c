/* imd.c - intermodulation and overload recovery (issue 10; in progress). */
#include "ampsim/error.h"
#include "measure_internal.h"

int measure_task_imd(task_result *r, const task *t, ampsim_engine *engine)
{
  (void)r;
  (void)t;
  (void)engine;
  return ampsim_error_set(AMPSIM_EINVAL, "intermodulation is not measured yet");
}

int measure_task_clipping(task_result *r, const task *t, ampsim_engine *engine)
{
  (void)r;
  (void)t;
  (void)engine;
  return ampsim_error_set(AMPSIM_EINVAL, "overload recovery is not measured yet");
}
