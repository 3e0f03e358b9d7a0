/* ampsim/ampsim.h - everything public of libampsim. */
#ifndef AMPSIM_AMPSIM_H
#define AMPSIM_AMPSIM_H

#include "ampsim/error.h"
#include "ampsim/number.h"
#include "ampsim/dsp.h"
#include "ampsim/netlist.h"
#include "ampsim/bench.h"
#include "ampsim/engine.h"
#include "ampsim/measure.h"
#include "ampsim/curves.h"
#include "ampsim/design.h"
#include "ampsim/plot.h"
#include "ampsim/check.h"
#include "ampsim/report.h"
#include "ampsim/fileio.h"
#include "ampsim/sweep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libampsim's version ("0.1.0"). */
const char *ampsim_version(void);

#ifdef __cplusplus
}
#endif
#endif
