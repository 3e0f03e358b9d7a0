/*
 * ampsim/engine.h - libngspice in process: the only module that talks to
 * ngspice (and the only one that includes its header).
 *
 * libngspice is one instance per process and not thread-safe: open at most
 * one engine per process and use it from one thread. The engine loads the
 * library with dlopen() so that after a ControlledExit (ngspice's request to
 * be unloaded, a longjmp out of its code) it can unload and reload it cleanly
 * on the next call.
 *
 * Trust: ngspice returns 0 for almost every failure. The engine reads the
 * text ngspice prints (captured, never printed) for "Error", "aborted",
 * "Timestep too small" and the like, and checks that an analysis made a new
 * plot; a failure becomes an AMPSIM_E* code whose message carries ngspice's
 * own words.
 *
 * Isolation from the user's environment: ngspice is initialised in a private
 * empty working directory with its own generated spinit (code models loaded
 * explicitly, no OSDI), so a .spiceinit in the current or home directory
 * cannot change results; numbers are read and written in the C locale.
 */
#ifndef AMPSIM_ENGINE_H
#define AMPSIM_ENGINE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampsim_engine ampsim_engine;

typedef struct ampsim_engine_options {
  const char *library_path;  /* libngspice to dlopen; NULL = the one found at
                                build time, then "libngspice.so.0" */
  const char *codemodel_dir; /* folder of XSPICE *.cm; NULL = build time's;
                                "" = load none */
} ampsim_engine_options;

#define AMPSIM_ENGINE_OPTIONS_INIT { NULL, NULL }

/* Load and initialise libngspice. Caller frees with ampsim_engine_free().
 * Returns 0, AMPSIM_EENGINE (library missing, init failed), AMPSIM_EIO. */
int ampsim_engine_open(ampsim_engine **out, const ampsim_engine_options *opts);

/* Release the circuit and its plots and unload the library; NULL is a no-op. */
void ampsim_engine_free(ampsim_engine *engine);

/*
 * Replace the current circuit by `netlist` (SPICE text: a title line first,
 * lines separated by '\n'; a final .end is added when missing). Previous
 * plots and circuits are destroyed first so memory stays flat over thousands
 * of loads. Returns 0, or AMPSIM_ESIM with ngspice's message when the netlist
 * is rejected, or AMPSIM_EENGINE when ngspice asked to exit.
 */
int ampsim_engine_load(ampsim_engine *engine, const char *netlist);

/*
 * Run one analysis command synchronously ("op", "ac dec 10 20 20k",
 * "tran 1e-6 5e-3 2e-3 1e-6", "noise v(a,b) vsrc dec 50 20 20k"). Succeeds
 * only if ngspice reported no error and made a new plot. Returns 0,
 * AMPSIM_ECONVERGE (no convergence, timestep too small), AMPSIM_ESIM (other
 * errors), AMPSIM_EENGINE (ControlledExit; the next call reloads ngspice).
 */
int ampsim_engine_run(ampsim_engine *engine, const char *analysis);

/* Run a non-analysis command ("alter ...", "setplot noise1", "option ...").
 * Returns 0 or an error as ampsim_engine_run() (without the plot check). */
int ampsim_engine_command(ampsim_engine *engine, const char *command);

/* A vector copied out of ngspice. Owned by the caller: ampsim_vector_free(). */
typedef struct ampsim_vector {
  size_t length;
  int is_complex;
  double *re; /* length values */
  double *im; /* length values, or NULL if real */
} ampsim_vector;

/* Copy vector `name` ("time", "v(n_lhot)", "frequency", "onoise_spectrum",
 * or "plotname.vec") of the current plot. Returns 0 or AMPSIM_ENOTFOUND. */
int ampsim_engine_vector(ampsim_vector *out, ampsim_engine *engine,
                         const char *name);

/* Free a vector's data; NULL is a no-op. */
void ampsim_vector_free(ampsim_vector *vector);

/* Name of the current plot ("tran3"), borrowed until the next call. */
const char *ampsim_engine_plot(ampsim_engine *engine);

/* Text ngspice printed since the last load/run/command (stdout and stderr
 * lines, prefixes removed). Borrowed until the next call. */
const char *ampsim_engine_log(const ampsim_engine *engine);

/* ngspice version as it announces itself ("39"); borrowed. */
const char *ampsim_engine_ngspice_version(const ampsim_engine *engine);

#ifdef __cplusplus
}
#endif
#endif
