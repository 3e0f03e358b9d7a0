/*
 * compare.h - what `ampsim compare` and `ampsim report` share: the designs
 * that comma lists multiply out to, their measurements as rows of figures
 * (one value per design), the curves, and the pure text helpers (CSV fields,
 * HTML escaping, base64) in compare_text.c.
 */
#ifndef AMPSIM_CLI_COMPARE_H
#define AMPSIM_CLI_COMPARE_H

#include <stddef.h>

#include "ampsim/ampsim.h"

/* Most designs one comparison takes (columns of the table). */
#define CLI_COMPARE_MAX_DESIGNS 64

/* ------------------------------------------------------------------------ */
/* Growable text (compare_text.c; pure)                                     */
/* ------------------------------------------------------------------------ */

/* Text under construction. Zero-initialise; free data with free(). After a
 * failed allocation `failed` is set and later appends do nothing, so a
 * writer checks once at the end. */
typedef struct cli_text {
  char *data; /* NUL-terminated when len > 0 */
  size_t len, cap;
  int failed;
} cli_text;

int cli_text_append(cli_text *t, const char *s);
int cli_text_append_n(cli_text *t, const char *s, size_t n);
int cli_text_printf(cli_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF,
 * with quotes doubled. */
int cli_text_csv_field(cli_text *t, const char *s);
/* s with & < > " ' as character references. */
int cli_text_html(cli_text *t, const char *s);
/* n bytes of data in base64 (RFC 4648, with padding, no line breaks). */
int cli_text_base64(cli_text *t, const unsigned char *data, size_t n);
/* The data, "" when nothing was appended (borrowed). */
const char *cli_text_str(const cli_text *t);

/* Which of the n values are the best of a row: marks[i] = 1 for every value
 * within a millionth (relative) of the best one; none when every value ties. better: -1 lower is better, +1 higher, -2 lower
 * magnitude, 0 no best. NAN values are never best. */
void cli_mark_best(int *marks, const double *values, size_t n, int better);

/* ------------------------------------------------------------------------ */
/* A comparison                                                             */
/* ------------------------------------------------------------------------ */

/* One figure of every design: a row of the table and of the CSV. */
typedef struct cli_row {
  char key[64];       /* JSON path of the figure in a design's measure
                         document ("zout.3.ohms"), the CSV's figure name */
  char json_unit[16]; /* unit of the values ("mV" for dc_offset_mv) */
  char label[96];     /* "Zout at 1 kHz" */
  char unit[16];      /* display unit ("V"); "dB" and "deg" print plainly */
  double scale;       /* display value = value * scale */
  int better;         /* as cli_mark_best() */
  const char *nan_text; /* what NAN prints as ("-", "below floor") */
  int boolean;        /* values are 1 (yes) or 0 (no); better is 0 */
  double resolution;  /* > 0: values that print the same at this step
                         (0.1 for "12.3 dB") tie for best; 0: a millionth */
  double value[CLI_COMPARE_MAX_DESIGNS];
  /* 1 where the design did not measure the figure: printed "-" rather
   * than nan_text (a design that never recovered is not one not tested). */
  unsigned char unmeasured[CLI_COMPARE_MAX_DESIGNS];
} cli_row;

typedef struct cli_compare {
  size_t n;                                   /* designs */
  ampsim_design *designs;                     /* n, owned */
  ampsim_measurement *m[CLI_COMPARE_MAX_DESIGNS]; /* owned */
  size_t n_rows;
  cli_row *rows;                              /* owned */
  /* options */
  const char *json_path, *csv_path, *plot_path, *output_path;
  int have_curve;
  ampsim_curve_kind curve_kind;
  ampsim_curve_options curve_options;
  int quiet;
  /* the multiplied option values, owned */
  size_t n_strings;
  char **strings;
} cli_compare;

/* Parse the command line of compare (report = 0) or report (report = 1) and
 * build and check the designs. Returns 0; CLI_EXIT_OK with *help_shown set
 * after --help; or CLI_EXIT_ERROR (printed). */
int cli_compare_setup(cli_compare *c, int argc, char **argv, int report,
                      int *help_shown);
/* Measure every design (progress on stderr), then build the rows. */
int cli_compare_measure(cli_compare *c);
/* The readable table (designs as columns, '*' on the best value). */
int cli_compare_table(cli_text *out, const cli_compare *c);
/* The CSV: figure,unit,DESIGN... then one row per figure. */
int cli_compare_csv(cli_text *out, const cli_compare *c);
/* The JSON: an array of the measure documents, each with "design". */
int cli_compare_json(char **out, const cli_compare *c);
/* The curves of every design: each design's set (curves.h; one curve for
 * the kinds that are not sets), design by design. */
typedef struct cli_curves {
  size_t n;
  ampsim_curve *curve; /* n, owned */
  size_t *design;      /* n, owned: the design (index) of each curve */
} cli_curves;
void cli_curves_free(cli_curves *s);

/* Measure one kind of curve for every design into *out (zeroed first; free
 * with cli_curves_free(), also after a failure). */
int cli_compare_curves(cli_curves *out, const cli_compare *c, ampsim_curve_kind kind);

/* One line of a plot: its names, borrowed points of a curve, and how the
 * plot draws it. */
typedef struct cli_plot_series {
  char legend[240]; /* the series' full name ("d0, + half phase") */
  char entry[240];  /* what the plot's legend shows: the name without the
                       suffix where the curve's two series share one entry
                       ("d0, + half"); "" for the series that shares it */
  const double *x, *y;
  size_t n;
  int lower;        /* 1: in the lower panel (a loop gain's phase) */
  int like;         /* -1, or the index of the series (of the same curve)
                       whose legend entry and style this one shares */
  ampsim_plot_draw draw;
} cli_plot_series;

/* Most legend entries one plot of curves shows; more would not leave a
 * readable legend (the report splits a set into plots per design). */
#define CLI_PLOT_MAX_ENTRIES 24

/* Most series of one plot of curves of `kind`: CLI_PLOT_MAX_ENTRIES, or
 * twice that where a curve's two series share one legend entry (loop gain:
 * magnitude and phase; IMD spectrum: the spectrum and its products). At
 * most AMPSIM_PLOT_MAX_SERIES. */
size_t cli_curves_plot_max_series(ampsim_curve_kind kind);

/* The series of a plot of curves, in order: per curve "DESIGN[, SERIES]"
 * with y, and for the kinds with two columns a second series of y2
 * (" THD" / " THD+N"; " |T|" / " phase", the phase in the lower panel and
 * sharing the magnitude's legend entry; the spectrum drawn as stems and its
 * " products" as markers sharing its entry). At most max; more is an error
 * (printed). */
int cli_curves_plot_series(cli_plot_series *out, size_t max, size_t *n, const cli_curves *s,
                           const cli_compare *c);
/* How many curves from `start` one plot shows: all of them when their
 * series fit in max_series, else as many as fit of one design (the report
 * splits a large set into plots per design). */
size_t cli_curves_plot_span(const cli_curves *s, size_t start, size_t max_series);
/* The title and y axis of a plot of curves like k0 on one axis (loop gain:
 * |T| and its phase as plain numbers, "|T| (dB), arg T (deg)"; the plot
 * draws them in two panels instead, see cli_curves_plot_panels()). */
void cli_curves_plot_axes(char *title, size_t title_n, char *y_label, size_t y_label_n,
                          const char **y_unit, const ampsim_curve *k0);

/* The y axes of a plot in two panels sharing the x axis. */
typedef struct cli_plot_panels {
  char upper_label[96], lower_label[96];
  const char *upper_unit, *lower_unit; /* static strings */
  double lower_lo, lower_hi;           /* fixed range; 0, 0: automatic */
} cli_plot_panels;

/* Whether a plot of the curves s (all of one kind) has two panels: 1 for
 * loop gain (a Bode plot: |T| in dB above, its phase in degrees below, the
 * phase range the multiples of 90 degrees around every curve's phase, e.g.
 * -270..0), with *out filled in; 0 for every other kind (*out untouched). */
int cli_curves_plot_panels(cli_plot_panels *out, const cli_curves *s);
/* Whether the CSV has y2 columns: THD curves (THD+N), loop gain (phase),
 * IMD spectrum (the products). */
int cli_curves_two_columns(ampsim_curve_kind kind);
/* A plot of the curves (the series above). *out new; caller frees with
 * ampsim_plot_free(). */
int cli_compare_plot(ampsim_plot **out, const cli_curves *s, const cli_compare *c);
/* The curves as CSV: x, then y (and y2) per curve, each column titled
 * "DESIGN[ SERIES] LABEL (UNIT)"; per-curve x columns when the x values
 * differ. */
int cli_compare_curve_csv(cli_text *out, const cli_curves *s, const cli_compare *c);

/* Rows (compare_figures.c). Append a row (values NAN, nan_text "-"); NULL
 * when out of memory. */
cli_row *cli_compare_add_row(cli_compare *c, const char *key, const char *json_unit,
                             const char *label, const char *unit, double scale, int better);
/* Drop the last row when no design has a value in it. */
void cli_compare_drop_if_empty(cli_compare *c);
/* The rows of the capacitive loads (phase margin, step overshoot per
 * capacitance), intermodulation (IMD, d2, d3 per test) and overload
 * recovery (recovery time; symmetric and latched, yes/no), where any
 * design measured them. 0 or CLI_EXIT_ERROR (printed). */
int cli_compare_rows_more(cli_compare *c);
/* cli_mark_best() of a row, values compared at the row's resolution. */
void cli_row_mark_best(int *marks, const cli_row *r, size_t n);
/* --imd LIST: "smpte", "ccif" or both, comma-separated, as in measure.
 * 0 or CLI_EXIT_ERROR (printed, naming the option). */
int cli_parse_imd_tests(unsigned *out, const char *name, const char *value);
/* The text of row r's value for a design: "-" where it was not measured,
 * nan_text for NAN, yes/no, "12.3 dB", or with an engineering prefix. */
void cli_row_format(char *buf, size_t n, const cli_row *r, size_t design);
/* Write text to PATH atomically, or to stdout for "-". */
int cli_compare_write(const char *path, const char *data, size_t len);
void cli_compare_free(cli_compare *c);

/* Progress on stderr when it is a terminal and not quiet. */
typedef struct cli_progress {
  int enabled;
  double start_s;
  size_t total;
  const char *what;
} cli_progress;
void cli_progress_start(cli_progress *p, size_t total, const char *what,
                        int quiet);
void cli_progress_step(cli_progress *p, size_t done);
void cli_progress_end(cli_progress *p);

#endif
