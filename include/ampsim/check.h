/*
 * ampsim/check.h - regression checks of reference circuits: baselines (the
 * figures a design measured once, each with a tolerance), comparison of a new
 * measurement with its baseline, and JUnit XML reports for CI systems.
 *
 * A baseline is an XML file (format: docs/baselines.md) that names its design
 * file, records the ampsim and ngspice versions it was made with, and holds
 * one <figure> per line:
 *
 *   <baseline design="designs/opamp-buffer-se-32.xml" ampsim="0.1.0" ngspice="39">
 *     <defaults thd-db="1"/>
 *     <figure name="gain_db" value="9.54222"/>
 *     <figure name="thd_db" freq="1000" vout="1" value="-122.834" tol-db="0.3"/>
 *     <figure name="crosstalk_db" freq="20" value="null"/>
 *   </baseline>
 *
 * Tolerances come from the figure's own tol-db/tol-mv/tol-pct attribute, else
 * from the baseline's <defaults>, else from the built-in defaults
 * (ampsim_check_default_tolerance()). THD, THD+N, noise, crosstalk and gain
 * are compared in dB (absolute), DC offset in mV (absolute), output impedance
 * and power relatively (in %).
 *
 * Everything here except ampsim_check_run() is pure (no simulation), so it
 * can be tested on hand-made measurements. Nothing here prints.
 */
#ifndef AMPSIM_CHECK_H
#define AMPSIM_CHECK_H

#include <stddef.h>
#include <time.h>

#include "ampsim/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Figures and tolerances                                                   */
/* ------------------------------------------------------------------------ */

/* How a figure is compared, and the unit of its tolerance. */
typedef enum ampsim_tolerance_kind {
  AMPSIM_TOLERANCE_DB = 0, /* |now - baseline| in dB (figures in volts are
                              compared as 20 log10(now / baseline)) */
  AMPSIM_TOLERANCE_MV,     /* |now - baseline| in mV */
  AMPSIM_TOLERANCE_PCT     /* 100 |now - baseline| / |baseline|, in % */
} ampsim_tolerance_kind;

/* Figures that share a default tolerance. The names (in parentheses) are the
 * attributes of <defaults>. */
typedef enum ampsim_check_group {
  AMPSIM_CHECK_GAIN = 0,   /* gain_db (gain-db) */
  AMPSIM_CHECK_DC_OFFSET,  /* dc_offset_mv (dc-offset-mv) */
  AMPSIM_CHECK_THD,        /* thd_db (thd-db) */
  AMPSIM_CHECK_THDN,       /* thdn_db (thdn-db) */
  AMPSIM_CHECK_NOISE,      /* noise_vrms, noise_vrms_a (noise-db) */
  AMPSIM_CHECK_ZOUT,       /* zout_ohms (zout-pct) */
  AMPSIM_CHECK_CROSSTALK,  /* crosstalk_db (crosstalk-db) */
  AMPSIM_CHECK_POWER,      /* vout_rms_1pct, pout_w_1pct (power-pct) */
  AMPSIM_CHECK_GROUP_COUNT
} ampsim_check_group;

/* The built-in tolerance of a group, in the unit of its kind (0.5 for THD:
 * 0.5 dB; 5 for Zout: 5 %). These are the one place defaults live.
 * NAN for a group out of range. */
double ampsim_check_default_tolerance(ampsim_check_group group);

/* The attribute name of a group in <defaults> ("thd-db"); NULL if out of
 * range. */
const char *ampsim_check_group_name(ampsim_check_group group);

/* Describe figure `name` ("thd_db"): its group, its tolerance kind, and
 * whether it is keyed by frequency and by level. Returns 0, or
 * AMPSIM_ENOTFOUND for a name that is not a baseline figure. Any out pointer
 * may be NULL. */
int ampsim_check_figure_info(const char *name, ampsim_check_group *group,
                             ampsim_tolerance_kind *kind, int *has_freq,
                             int *has_vout);

/* ------------------------------------------------------------------------ */
/* Baselines                                                                */
/* ------------------------------------------------------------------------ */

/* One recorded figure. Plain value. */
typedef struct ampsim_baseline_figure {
  char name[32];      /* "thd_db", "zout_ohms", ... (docs/baselines.md) */
  double freq_hz;     /* key of THD, Zout and crosstalk figures; NAN if none */
  double vout_rms;    /* key of THD figures (the level asked for); NAN if none */
  double value;       /* NAN: null (below the floor, not reached) */
  double tolerance;   /* this figure's own tolerance, NAN: the default */
  long line;          /* its line in the file, 0 if not read from a file */
} ampsim_baseline_figure;

/* A baseline. Owned: free with ampsim_baseline_free(). */
typedef struct ampsim_baseline {
  char path[1024];            /* the file it was read from / is saved to */
  char design[1024];          /* the design attribute as written, relative to
                                 the baseline's folder (or absolute) */
  char design_path[1024];     /* design resolved against the baseline's
                                 folder, for opening */
  char design_name[128];      /* which <design> of the file; "" = its only
                                 one */
  char ampsim_version[32];    /* the versions it was made with; "" unknown */
  char ngspice_version[32];
  /* Per-circuit tolerances (<defaults>), NAN where not given. */
  double defaults[AMPSIM_CHECK_GROUP_COUNT];
  size_t n_figures;
  ampsim_baseline_figure *figures;
} ampsim_baseline;

/* Free a baseline; NULL is a no-op. */
void ampsim_baseline_free(ampsim_baseline *baseline);

/*
 * Read a baseline file. The file is untrusted XML: read with a size limit,
 * no DTD, no entities, no network. Every element and attribute is checked;
 * errors name the file and line ("ref.xml:12: <figure name=\"thd_db\"> needs
 * freq and vout"). *out is new (caller frees with ampsim_baseline_free()).
 * Returns 0, AMPSIM_EINVAL (NULL argument), AMPSIM_ENOTFOUND / AMPSIM_EIO
 * (the file), AMPSIM_EPARSE (not well-formed, truncated, or not a valid
 * baseline: unknown element or attribute, bad number, a figure twice).
 */
int ampsim_check_load(ampsim_baseline **out, const char *path);

/*
 * The text of a baseline file in *out (UTF-8, one figure per line in the
 * baseline's order, numbers with 6 significant digits in the C locale, so
 * that the same figures always give the same bytes and a changed figure
 * changes one line); caller frees with free(). ampsim_check_update() puts
 * figures in a fixed order: gain_db, dc_offset_mv, thd_db and thdn_db for
 * each THD point (frequency by frequency, each over the levels), noise_vrms,
 * noise_vrms_a, zout_ohms and crosstalk_db at 20 Hz, 1 kHz and 20 kHz,
 * vout_rms_1pct, pout_w_1pct. Only tolerances that were given (the figure's
 * own, <defaults>) are written. Returns 0, AMPSIM_EINVAL, AMPSIM_ENOMEM.
 */
int ampsim_check_format(char **out, const ampsim_baseline *baseline);

/* Write ampsim_check_format()'s text to `path` (NULL: baseline->path)
 * atomically (ampsim_file_write_atomic()): a reader, or a run killed
 * mid-way, sees the old file or the new one, never a partial one. Returns 0
 * or an error of those two. */
int ampsim_check_save(const ampsim_baseline *baseline, const char *path);

/*
 * A new baseline holding measurement m's figures, with everything else of
 * `old` (path, design, design name, <defaults>) and the own tolerance of each
 * figure that `old` has too (same name, frequency and level); figures that m
 * no longer measures are dropped. The versions are m's ngspice and this
 * libampsim's. old may not be NULL. *out is new (ampsim_baseline_free()).
 * Returns 0, AMPSIM_EINVAL, AMPSIM_ENOMEM.
 */
int ampsim_check_update(ampsim_baseline **out, const ampsim_baseline *old,
                        const ampsim_measurement *m);

/* ------------------------------------------------------------------------ */
/* Comparison                                                               */
/* ------------------------------------------------------------------------ */

typedef enum ampsim_check_status {
  AMPSIM_CHECK_PASS = 0, /* within tolerance, or null in both */
  AMPSIM_CHECK_FAIL,     /* moved beyond tolerance, null in one of them, or
                            in the baseline but not measured */
  AMPSIM_CHECK_NEW       /* measured, but not in the baseline: reported,
                            not a failure (record it with --update) */
} ampsim_check_status;

/* One compared figure. Plain value. */
typedef struct ampsim_check_item {
  char label[96];       /* "thd_db (1 kHz, 1 Vrms)": the figure and its keys */
  char name[32];        /* "thd_db" */
  double freq_hz, vout_rms;   /* keys, NAN if none */
  double baseline;      /* NAN: null or absent */
  double now;           /* NAN: null or not measured */
  double difference;    /* now against baseline in the tolerance's unit
                           (dB, mV or %); NAN where there is none */
  double tolerance;     /* the tolerance applied */
  ampsim_tolerance_kind kind;
  ampsim_check_status status;
  char reason[256];     /* why it failed or is new; "" when it passed */
  long line;            /* the figure's line in the baseline, 0 if none */
} ampsim_check_item;

/* The check of one baseline: what ran, and every figure. Owned: free with
 * ampsim_check_result_free(). */
typedef struct ampsim_check_result {
  char name[256];           /* the baseline's file name without folder and
                               ".xml": the suite's name in reports */
  char baseline_path[1024];
  char design_path[1024];   /* "" if the baseline could not be read */
  char design_name[128];    /* the design's name, "" if unknown */
  char ampsim_version[32], ngspice_version[32]; /* now ("" if unknown) */
  char baseline_ampsim_version[32], baseline_ngspice_version[32];
  /* A version mismatch between the baseline and now, as one sentence
   * (a warning, not a failure); "" if none. */
  char warning[512];
  /* Why the check could not run (unreadable baseline or design, failed
   * simulation), the library's message; "" if it ran. error_code is its
   * AMPSIM_E* code, 0 if it ran. */
  char error[2048];
  int error_code;
  int updated;              /* ampsim_check_run() wrote the new baseline */
  time_t started;           /* when the check started (wall clock) */
  double elapsed_s;         /* how long it took */
  size_t n_items;
  ampsim_check_item *items;
  size_t n_failed, n_new;
} ampsim_check_result;

/* Free a result; NULL is a no-op. */
void ampsim_check_result_free(ampsim_check_result *result);

/*
 * Compare measurement m with baseline b: one item per figure of b, in b's
 * order, then one AMPSIM_CHECK_NEW item per figure that m measured and b
 * lacks. Rules (docs/baselines.md): a figure passes when its difference is
 * within the tolerance (inclusive); null against null passes; null against a
 * number fails, saying which side is null; a figure of b that m did not
 * measure fails. Version mismatches go to result->warning. started and
 * elapsed_s are taken from m (elapsed) and the clock. *out is new
 * (ampsim_check_result_free()). Returns 0, AMPSIM_EINVAL, AMPSIM_ENOMEM.
 */
int ampsim_check_compare(ampsim_check_result **out, const ampsim_baseline *b,
                         const ampsim_measurement *m);

/* What ampsim_check_run() and ampsim_check_run_all() do besides comparing.
 * Plain value. */
typedef struct ampsim_check_options {
  int jobs;      /* worker processes in all; <= 0: one per online core.
                    ampsim_check_run_all() measures up to this many designs
                    at once and shares the workers among them */
  int update;    /* write the new figures as the baseline (keeping its
                    tolerances) after comparing */
  /* Folders the designs' stage and load includes may also reach (their
   * allow_dirs, ampsim's --allow-dir); at most AMPSIM_DESIGN_MAX_ALLOW_DIRS
   * are used. Borrowed. */
  const char *const *allow_dirs;
  size_t n_allow_dirs;
} ampsim_check_options;

#define AMPSIM_CHECK_OPTIONS_INIT { 0, 0, NULL, 0 }

/*
 * Check one baseline file: read it, read its design file (the baseline's
 * design attribute, relative to the baseline's folder) and pick the design,
 * measure it (ampsim_design_measure()), compare, and with options->update
 * save the new baseline (ampsim_check_update(), ampsim_check_save()).
 * options may be NULL (AMPSIM_CHECK_OPTIONS_INIT).
 *
 * *out is always set, unless out is NULL or memory runs out: when something
 * stops the check, the result has no items and carries the error in
 * error/error_code, so that a report can show it. Returns 0 when the check
 * ran (whether or not figures failed: see result->n_failed), or the code of
 * what stopped it (also in ampsim_error_last()): errors of
 * ampsim_check_load(), ampsim_design_load(), AMPSIM_ENOTFOUND (no such
 * design in the file), AMPSIM_EINVAL (the file holds several and the
 * baseline names none), errors of ampsim_design_measure() and, with update,
 * of ampsim_check_save(). A baseline with no figures is AMPSIM_EINVAL unless
 * options->update is set (that is how a new baseline is recorded).
 */
int ampsim_check_run(ampsim_check_result **out, const char *baseline_path,
                     const ampsim_check_options *options);

/* Called by ampsim_check_run_all() with each result as soon as it and every
 * result before it are complete, so in the order of the paths. The result is
 * borrowed for the call (it stays in results[index]). */
typedef void (*ampsim_check_progress_fn)(const ampsim_check_result *result,
                                         size_t index, void *context);

/*
 * ampsim_check_run() for n baselines, measuring up to options->jobs designs
 * at once, each in its own child process (a simulation takes most of its time
 * in one long task, the search for the maximum output, so designs in parallel
 * use the cores better than tasks in parallel). Baselines and design files
 * are read, and baselines written, by the calling process only: if it is
 * killed, the children stop too (Linux: PR_SET_PDEATHSIG) and nothing is
 * written. results[i] is set as ampsim_check_run() sets *out; progress
 * (may be NULL) sees each in order. Returns 0 when every check ran, else
 * the code of the first (in path order) that did not.
 */
int ampsim_check_run_all(ampsim_check_result **results,
                         const char *const *paths, size_t n,
                         const ampsim_check_options *options,
                         ampsim_check_progress_fn progress, void *context);

/*
 * The comparison as a readable table in *out (plain ASCII, '\n' line ends);
 * caller frees with free(). A heading line (baseline, design), then one row
 * per figure: figure, baseline, now, difference, tolerance, and "ok", "FAIL"
 * or "new" with the reason; then a summary line. With failures_only, rows
 * that passed are left out. A result with an error shows the error instead.
 * The layout is for people and may change. Returns 0, AMPSIM_EINVAL,
 * AMPSIM_ENOMEM.
 */
int ampsim_check_table(char **out, const ampsim_check_result *result,
                       int failures_only);

/* ------------------------------------------------------------------------ */
/* JUnit XML                                                                */
/* ------------------------------------------------------------------------ */

/*
 * A JUnit XML report of n results in *out (UTF-8), in the Apache Ant format
 * that GitLab, Jenkins and GitHub test reporters read, valid against the
 * common JUnit XML schema (windyroad JUnit.xsd): one <testsuites> with one
 * <testsuite> per result (name, timestamp in UTC, hostname, tests, failures,
 * errors, skipped, time, package "ampsim.check", id), its <properties>
 * (baseline, design, versions), one <testcase> per figure (classname
 * "ampsim.check.NAME", name the figure's label) with a <failure> carrying the
 * numbers in its message and text, <skipped> for a new figure, and for a
 * result that could not run a single testcase "run" with an <error>; then
 * <system-out> (the result's table) and <system-err> (warning and error).
 * hostname NULL: gethostname(), "localhost" if unknown. Caller frees *out
 * with free(). Returns 0, AMPSIM_EINVAL, AMPSIM_ENOMEM.
 */
int ampsim_check_junit(char **out, const ampsim_check_result *const *results,
                       size_t n, const char *hostname);

/* ampsim_check_junit() written to path atomically (ampsim_file_write_atomic()).
 * Returns 0 or an error of those two. */
int ampsim_check_junit_save(const char *path,
                            const ampsim_check_result *const *results, size_t n,
                            const char *hostname);

#ifdef __cplusplus
}
#endif
#endif
