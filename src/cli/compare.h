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
  double value[CLI_COMPARE_MAX_DESIGNS];
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
/* Measure one curve for every design into curves[0..n) (caller allocates
 * c->n curves). */
int cli_compare_curves(ampsim_curve *curves, const cli_compare *c,
                       ampsim_curve_kind kind);
/* A plot of the curves, one series per design (THD curves: THD+N too).
 * *out new; caller frees with ampsim_plot_free(). */
int cli_compare_plot(ampsim_plot **out, const ampsim_curve *curves,
                     const cli_compare *c);
/* The curves as CSV: x, then y (and y2) per design; per-design x columns
 * when the designs' x values differ. */
int cli_compare_curve_csv(cli_text *out, const ampsim_curve *curves,
                          const cli_compare *c);
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
